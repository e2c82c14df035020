// A `u64` may not fit the `i64` Lark reads; convert it first.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    let weight: u64 = 2;
    let _card = card!({ "elements": [ { "tag": "column_set", "columns": [ { "tag": "column", "width": "weighted", "weight": (weight), "elements": [] } ] } ] });
}

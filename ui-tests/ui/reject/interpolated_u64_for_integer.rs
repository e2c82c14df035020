// A `u64` may not fit the `i64` Lark reads; convert it first.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use card_core::card;

fn main() {
    let weight: u64 = 2;
    let _card = card!({ "elements": [ { "tag": "column_set", "columns": [ { "tag": "column", "width": "weighted", "weight": (weight), "elements": [] } ] } ] });
}

// A JSON number has no Rust type suffix.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    let _card = card!({ "elements": [ { "tag": "column_set", "columns": [ { "tag": "column", "width": "weighted", "weight": 2u8, "elements": [] } ] } ] });
}

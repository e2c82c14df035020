// A literal `element_id` inside a `for` loop would repeat on every iteration.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    let names = ["a", "b"];
    let _card = card!({ "schema": "2.0", "body": { "elements": [ for name in names { { "tag": "markdown", "content": (name), "element_id": "row" } } ] } });
}

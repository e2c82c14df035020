// Two elements of an array without a `,` between them.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": "first" }
        { "tag": "markdown", "content": "second" }
    ] } });
}

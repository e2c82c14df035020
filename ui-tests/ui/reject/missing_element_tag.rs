// An element without its `tag`.
// path: body.elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "content": "Hello" }
    ] } });
}

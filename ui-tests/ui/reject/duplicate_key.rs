// The same key twice in one object.
// path: body.elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": "one", "content": "two" }
    ] } });
}

// The same key twice in one object.
// path: body.elements[0]
use card_core::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": "one", "content": "two" }
    ] } });
}

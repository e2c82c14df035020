// A text object written as a bare string.
// path: body.elements[0].text
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "div", "text": "Hello" }
    ] } });
}

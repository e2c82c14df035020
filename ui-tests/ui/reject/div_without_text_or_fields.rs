// A `div` with neither `text` nor `fields`.
// path: body.elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "div", "element_id": "empty" }
    ] } });
}

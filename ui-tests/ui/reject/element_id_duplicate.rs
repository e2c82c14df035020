// Two elements with the same `element_id`.
// path: body.elements[1].element_id
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "hr", "element_id": "rule" },
        { "tag": "markdown", "content": "x", "element_id": "rule" }
    ] } });
}

// An `element_id` must start with a letter.
// path: body.elements[0].element_id
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "hr", "element_id": "1st_rule" }
    ] } });
}

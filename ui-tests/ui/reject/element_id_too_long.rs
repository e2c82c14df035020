// An `element_id` longer than 20 characters.
// path: body.elements[0].element_id
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "hr", "element_id": "a_very_long_element_identifier" }
    ] } });
}

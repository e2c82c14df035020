// A misspelt marker is not taken for the escape hatch, nor for a Lark field.
// path: body.elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "hr", "$uncheked": { "new_field": 1 } }
    ] } });
}

// A `form` nested in another `form`.
// path: body.elements[0].elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "form", "name": "outer", "elements": [ { "tag": "form", "name": "inner", "elements": [] } ] }
    ] } });
}

// A `form` nested in another `form`.
// path: body.elements[0].elements[0]
use card_core::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "form", "name": "outer", "elements": [ { "tag": "form", "name": "inner", "elements": [] } ] }
    ] } });
}

// A 2.0 card puts its elements in `body.elements`, not `elements`.
// path: elements
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "elements": [ { "tag": "hr" } ], "body": { "elements": [] } });
}

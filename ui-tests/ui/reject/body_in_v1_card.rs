// `body` belongs to 2.0 cards; this card has no `"schema": "2.0"`.
// path: body
use lark_card::card;

fn main() {
    let _card = card!({ "body": { "elements": [ { "tag": "hr" } ] } });
}

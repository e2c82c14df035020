// `body` belongs to 2.0 cards; this card has no `"schema": "2.0"`.
// path: body
use card_core::card;

fn main() {
    let _card = card!({ "body": { "elements": [ { "tag": "hr" } ] } });
}

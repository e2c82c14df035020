// A `V2Card` built by `card!` from a 1.0 card: refused on the card, saying how to make it 2.0.
// runtime: refused by V2Card::from_json as not 2.0
use lark_card::callback::V2Card;

fn main() {
    let _card = lark_card::card!(V2Card, { "config": { "update_multi": true }, "elements": [
        { "tag": "markdown", "content": "Approved" }
    ] });
}

// `update_multi` decides the card's type, so it cannot be passed through unchecked.
// path: config.$unchecked
use lark_card::card;

fn main() {
    let _card = card!({
        "config": { "$unchecked": { "update_multi": true } },
        "elements": [ { "tag": "hr" } ]
    });
}

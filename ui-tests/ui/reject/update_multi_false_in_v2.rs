// Every 2.0 card is shared: `update_multi: false` is not allowed.
// path: 
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "config": { "update_multi": false }, "body": { "elements": [ { "tag": "hr" } ] } });
}

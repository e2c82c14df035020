// `config` must be an object.
// path: config
use lark_card::card;

fn main() {
    let _card = card!({ "config": [true], "elements": [ { "tag": "hr" } ] });
}

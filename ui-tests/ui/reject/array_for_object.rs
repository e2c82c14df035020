// `config` must be an object.
// path: config
use card_core::card;

fn main() {
    let _card = card!({ "config": [true], "elements": [ { "tag": "hr" } ] });
}

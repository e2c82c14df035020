// A `header` without its required `title`.
// path: header
use card_core::card;

fn main() {
    let _card = card!({ "header": { "template": "blue" }, "elements": [ { "tag": "hr" } ] });
}

// A `header` without its required `title`.
// path: header
use lark_card::card;

fn main() {
    let _card = card!({ "header": { "template": "blue" }, "elements": [ { "tag": "hr" } ] });
}

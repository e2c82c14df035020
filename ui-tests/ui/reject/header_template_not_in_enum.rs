// A header `template` colour Lark does not have (`pink`).
// path: header.template
use lark_card::card;

fn main() {
    let _card = card!({ "header": { "title": { "tag": "plain_text", "content": "Hi" }, "template": "pink" }, "elements": [ { "tag": "hr" } ] });
}

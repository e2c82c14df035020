// A header `template` colour Lark does not have (`pink`).
// path: header.template
use card_core::card;

fn main() {
    let _card = card!({ "header": { "title": { "tag": "plain_text", "content": "Hi" }, "template": "pink" }, "elements": [ { "tag": "hr" } ] });
}

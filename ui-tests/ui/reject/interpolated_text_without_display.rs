// Text fields take values that implement `Display`.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    struct User; let user = User;
    let _card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "div", "text": { "tag": "plain_text", "content": (user) } } ] } });
}

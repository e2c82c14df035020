// A 2.0 card without `body`.
// path: 
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "header": { "title": { "tag": "plain_text", "content": "Hi" } } });
}

// A text object with an unknown tag: `plain` instead of `plain_text`.
// path: body.elements[0].text
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "div", "text": { "tag": "plain", "content": "Hi" } }
    ] } });
}

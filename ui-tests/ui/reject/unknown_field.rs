// A field name with a typo: `disabeld` instead of `disabled`.
// path: body.elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "disabeld": true }
    ] } });
}

// An `img` without its `img_key`.
// path: body.elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "img", "alt": { "tag": "plain_text", "content": "logo" } }
    ] } });
}

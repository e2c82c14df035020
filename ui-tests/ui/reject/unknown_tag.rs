// An element tag with a typo: `buton` instead of `button`.
// path: body.elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "buton", "text": { "tag": "plain_text", "content": "Go" } }
    ] } });
}

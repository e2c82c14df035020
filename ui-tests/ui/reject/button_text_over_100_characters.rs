// A button's text holds at most 100 characters; this one has 142.
// path: body.elements[0].text.content
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Press and press and press and press and press and press and press and press and press and press and press to go on and on and on and on and on" } }
    ] } });
}

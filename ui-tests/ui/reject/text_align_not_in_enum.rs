// A `text_align` outside its enumeration (`middle` instead of `center`).
// path: body.elements[0].text.text_align
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "div", "text": { "tag": "plain_text", "content": "Hi", "text_align": "middle" } }
    ] } });
}

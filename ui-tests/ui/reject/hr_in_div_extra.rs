// `div.extra` takes an image, a button or a picker, not an `hr`.
// path: elements[0].extra
use lark_card::card;

fn main() {
    let _card = card!({ "elements": [
        { "tag": "div", "text": { "tag": "plain_text", "content": "Hi" }, "extra": { "tag": "hr" } }
    ] });
}

// In a 1.0 card, a `button` must be inside an `action`.
// path: elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "primary" }
    ] });
}

// A button with both `url` and `multi_url`: Lark takes one or the other.
// path: elements[0].actions[0]
use lark_card::card;

fn main() {
    let _card = card!({ "elements": [
        { "tag": "action", "actions": [ { "tag": "button", "text": { "tag": "plain_text", "content": "Open" }, "url": "https://example.com", "multi_url": { "url": "https://example.com" } } ] }
    ] });
}

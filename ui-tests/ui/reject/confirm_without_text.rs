// A button `confirm` dialog without its `text`.
// path: elements[0].actions[0].confirm
use lark_card::card;

fn main() {
    let _card = card!({ "elements": [
        { "tag": "action", "actions": [ { "tag": "button", "text": { "tag": "plain_text", "content": "Delete" }, "confirm": { "title": { "tag": "plain_text", "content": "Sure?" } } } ] }
    ] });
}

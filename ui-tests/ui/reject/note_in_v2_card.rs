// The `note` element exists only in card JSON 1.0.
// path: body.elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "note", "elements": [ { "tag": "plain_text", "content": "fine print" } ] }
    ] } });
}

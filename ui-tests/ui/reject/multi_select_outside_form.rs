// A `multi_select_static` outside a `form`.
// path: body.elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "multi_select_static", "options": [ { "text": { "tag": "plain_text", "content": "A" }, "value": "a" } ] }
    ] } });
}

// `disabled` must be `true` or `false`, not a string.
// path: body.elements[0].disabled
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "disabled": "yes" }
    ] } });
}

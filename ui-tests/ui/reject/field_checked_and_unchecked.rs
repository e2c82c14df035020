// A field written both checked and in `$unchecked` would appear twice in the output.
// path: body.elements[0].$unchecked
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "primary",
          "$unchecked": { "type": "primary_filled" } }
    ] } });
}

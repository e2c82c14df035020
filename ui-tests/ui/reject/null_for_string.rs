// `null` where a string is required.
// path: body.elements[0].content
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": null }
    ] } });
}

// A `markdown` text object (a collapsible panel's title) without `content`.
// path: body.elements[0].header.title
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "collapsible_panel", "header": { "title": { "tag": "markdown" } }, "elements": [] }
    ] } });
}

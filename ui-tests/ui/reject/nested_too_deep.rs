// Containers nested six levels deep; Lark allows five.
// path: body.elements[0].elements[0].elements[0].elements[0].elements[0].elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "collapsible_panel", "elements": [ { "tag": "collapsible_panel", "elements": [ { "tag": "collapsible_panel", "elements": [ { "tag": "collapsible_panel", "elements": [ { "tag": "collapsible_panel", "elements": [ { "tag": "markdown", "content": "deep" } ] } ] } ] } ] } ] }
    ] } });
}

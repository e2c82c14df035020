// A checker's `button_area` holds at most three buttons; this one has four.
// path: body.elements[0].button_area.buttons
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "checker", "button_area": { "buttons": [
            { "tag": "button", "text": { "tag": "plain_text", "content": "Go" } },
            { "tag": "button", "text": { "tag": "plain_text", "content": "Go" } },
            { "tag": "button", "text": { "tag": "plain_text", "content": "Go" } },
            { "tag": "button", "text": { "tag": "plain_text", "content": "Go" } }
        ] } }
    ] } });
}

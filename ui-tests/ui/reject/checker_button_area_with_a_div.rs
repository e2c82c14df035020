// A checker's `button_area.buttons` holds buttons only: a `div` there is refused.
// path: body.elements[0].button_area.buttons[0]
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "checker", "button_area": { "buttons": [
            { "tag": "div", "text": { "tag": "plain_text", "content": "Not a button" } }
        ] } }
    ] } });
}

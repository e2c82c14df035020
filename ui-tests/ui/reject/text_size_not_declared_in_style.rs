// A `text_size` that is neither one of Lark's sizes nor declared in `config.style.text_size`.
// path: body.elements[0].text_size
use lark_card::card;

fn main() {
    let _card = card!({
        "schema": "2.0",
        "config": { "style": { "text_size": {
            "cus-0": { "default": "medium", "pc": "medium", "mobile": "large" }
        } } },
        "body": { "elements": [
            { "tag": "markdown", "content": "Hello", "text_size": "cus-1" }
        ] }
    });
}

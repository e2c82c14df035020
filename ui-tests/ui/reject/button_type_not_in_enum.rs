// A button `type` outside its enumeration (`primery`).
// path: body.elements[0].type
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "primery" }
    ] } });
}

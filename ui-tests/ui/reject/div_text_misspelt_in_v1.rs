// A 1.0 `div` whose required `text` is misspelt: one error, on the key, with did-you-mean.
// path: elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "elements": [
        { "tag": "div", "txet": { "tag": "plain_text", "content": "hi" } }
    ] });
}

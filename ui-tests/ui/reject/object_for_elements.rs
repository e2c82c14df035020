// `elements` must be an array of elements, not one element.
// path: elements
use lark_card::card;

fn main() {
    let _card = card!({ "elements": { "tag": "hr" } });
}

// The `audio` element exists only in card JSON 2.0.
// path: elements[0]
use lark_card::card;

fn main() {
    let _card = card!({ "elements": [
        { "tag": "audio", "file_key": "file_v3_00or_f2c1276b" }
    ] });
}

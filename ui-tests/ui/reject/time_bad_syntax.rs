// A `picker_time` `initial_time` not written `HH:mm`.
// path: body.elements[0].initial_time
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "picker_time", "initial_time": "9am" }
    ] } });
}

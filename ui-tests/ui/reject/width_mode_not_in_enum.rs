// A `config.width_mode` outside its enumeration (`wide`).
// path: config.width_mode
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "config": { "width_mode": "wide" }, "body": { "elements": [ { "tag": "hr" } ] } });
}

// `schema` must be `2.0` (or absent for 1.0).
// path: schema
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "3.0", "elements": [ { "tag": "hr" } ] });
}

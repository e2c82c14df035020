// A card-level field that does not exist in a 2.0 card: `footer` (2.0 refuses unknown fields).
// path: 
use lark_card::card;

fn main() {
    let _card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "hr" } ] }, "footer": "bye" });
}

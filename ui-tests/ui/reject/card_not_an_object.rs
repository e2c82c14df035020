// A card must be a JSON object.
// path: 
use lark_card::card;

fn main() {
    let _card = card!([ { "tag": "hr" } ]);
}

// A card-level field that does not exist: `footer`.
// path: 
use card_core::card;

fn main() {
    let _card = card!({ "elements": [ { "tag": "hr" } ], "footer": "bye" });
}

// A card must be a JSON object.
// path: 
use card_core::card;

fn main() {
    let _card = card!([ { "tag": "hr" } ]);
}

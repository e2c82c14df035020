// `card!(Type, ...)` with a type other than `V2Card`: refused on the type, naming `V2Card`.
// runtime: none, the mistake is the Rust type named before the card
use lark_card::Card;

fn main() {
    let _card = lark_card::card!(Card, { "schema": "2.0", "body": { "elements": [] } });
}

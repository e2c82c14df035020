// `update_multi` must be a literal: it decides whether the card's type is shared.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    let shared = true;
    let _card = card!({
        "config": { "update_multi": (shared) },
        "elements": [ { "tag": "hr" } ]
    });
}

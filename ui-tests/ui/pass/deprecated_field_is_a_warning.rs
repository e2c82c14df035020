// `wide_screen_mode` is deprecated: accepted, with a warning on the key.
#![allow(deprecated)]
use lark_card::card;

fn main() {
    let card = card!({ "config": { "wide_screen_mode": true }, "elements": [ { "tag": "hr" } ] });
    assert!(card.to_content().contains("wide_screen_mode"));
}

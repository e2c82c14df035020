// `include_card!` reads a card JSON file (relative to the crate's root) into the same typed
// value `card!` builds, its type saying whether it is shared.
use lark_card::{card, include_card, Card, Shared};

fn main() {
    let from_file: Card<Shared> = include_card!("cards/deploy.json");
    let written = card!({
        "schema": "2.0",
        "body": { "elements": [
            { "tag": "markdown", "content": "Deploy to production?" },
            { "tag": "button", "text": { "tag": "plain_text", "content": "Deploy" }, "type": "primary" }
        ] }
    });
    assert_eq!(from_file, written);
}

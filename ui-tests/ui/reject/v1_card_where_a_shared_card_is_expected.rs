// A 1.0 card without `update_multi: true` returned where `Card` (a shared card) is expected.
// runtime: refused as not shared
use lark_card::{card, Card};

fn progress() -> Card {
    card!({ "elements": [ { "tag": "markdown", "content": "Build **green**" } ] })
}

fn main() {
    let _ = progress();
}

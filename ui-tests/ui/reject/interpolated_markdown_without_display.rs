// Markdown fields take `Display` values (escaped) or `TrustedMarkdown`.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    let names = vec!["a", "b"];
    let _card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "content": (names) } ] } });
}

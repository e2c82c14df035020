// An element's `tag` computed at run time: the checks need to know what the element is.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    let tag = "markdown";
    let _card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": (tag), "content": "x" } ] } });
}

// An enumeration field takes its enum or a string; a number is neither.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    let colour = 3;
    let _card = card!({ "header": { "title": { "tag": "plain_text", "content": "Hi" }, "template": (colour) }, "elements": [] });
}

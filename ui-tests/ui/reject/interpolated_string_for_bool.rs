// An interpolated value of the wrong type: `disabled` takes a `bool`.
// runtime: none, the mistake is in Rust syntax or types, which JSON does not have
use lark_card::card;

fn main() {
    let state = "yes";
    let _card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "disabled": (state) } ] } });
}

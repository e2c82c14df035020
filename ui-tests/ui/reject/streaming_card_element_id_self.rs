// An `element_id` that no Rust field can have (`self`) cannot be one of the card's ids.
// runtime: none, a Rust keyword is a valid element_id in JSON
fn main() {
    let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "self", "content": "Thinking…" }
    ] } });
    let _card = card;
}

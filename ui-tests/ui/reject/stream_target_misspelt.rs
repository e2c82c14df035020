// A stream target the card does not have (`answr` for `answer`) is no field of its ids.
// runtime: none, the ids are Rust fields (StreamingCard::stream_target says the same at run time)
fn main() {
    let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "answer", "content": "Thinking…" }
    ] } });
    let _target = &card.ids().answr;
}

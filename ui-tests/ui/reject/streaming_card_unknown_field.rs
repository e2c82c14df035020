// `streaming_card!` checks the card as `card!` does, and its ids stay fields (no follow-on error).
// path: body.elements[0]
fn main() {
    let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "answer", "contnet": "Thinking…" }
    ] } });
    let _target = &card.ids().answer;
}

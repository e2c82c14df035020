// Two elements with one `element_id` in a streaming card: the one error, and the id still a field.
// path: body.elements[1].element_id
fn main() {
    let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
        { "tag": "hr", "element_id": "answer" }
    ] } });
    let _target = &card.ids().answer;
}

// A card entity is made of a card JSON 2.0 card only: a 1.0 card is refused, saying why.
// runtime: refused by StreamingCard::from_json as not 2.0
fn main() {
    let card = lark_card::streaming_card!({ "config": { "update_multi": true }, "elements": [
        { "tag": "markdown", "element_id": "answer", "content": "Thinking…" }
    ] });
    let _target = &card.ids().answer;
}

// Only a `markdown` element or a `plain_text` text object can be streamed into, not a button.
// runtime: none, a type error (StreamingCard::stream_target refuses it at run time)
use lark_card::cardkit::{Sequence, StreamContent};

fn main() {
    let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
        { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
    ] } });
    let _body = StreamContent::new(&card.ids().stop, "42", Sequence::FIRST);
}

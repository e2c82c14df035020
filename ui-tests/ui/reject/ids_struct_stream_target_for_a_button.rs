// In your own ids struct, a `StreamTarget` field for a button's `element_id` does not compile.
// runtime: none, a type error (StreamingCard::stream_target refuses it at run time)
use lark_card::cardkit::StreamTarget;

struct Ids {
    answer: StreamTarget,
    stop: StreamTarget,
}

fn main() {
    let card = lark_card::streaming_card!(Ids, { "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
        { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
    ] } });
    let _card = card;
}

// Your ids struct names an element the card does not have (`answer`; the card says `answr`).
// runtime: none, the ids are Rust fields (StreamingCard::stream_target says the same at run time)
use lark_card::cardkit::StreamTarget;

struct Ids {
    answer: StreamTarget,
}

fn main() {
    let card = lark_card::streaming_card!(Ids, { "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "answr", "content": "Thinking…" }
    ] } });
    let _card = card;
}

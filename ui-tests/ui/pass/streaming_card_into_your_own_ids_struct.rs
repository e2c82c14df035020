// `streaming_card!(Ids, {...})` fills a struct of your own, so that the card has a type to
// return; an `ElementId` field may hold a stream target's id too. No prelude needed.
#![no_implicit_prelude]

use ::lark_card::cardkit::{ElementId, StreamTarget, StreamingCard};

struct AnswerIds {
    answer: StreamTarget,
    status: ElementId,
    stop: ElementId,
}

fn answer_card() -> StreamingCard<AnswerIds> {
    ::lark_card::streaming_card!(AnswerIds, { "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
        { "tag": "markdown", "element_id": "status", "content": "" },
        { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
    ] } })
}

fn main() {
    let card = answer_card();
    ::std::assert_eq!(card.ids().answer.tag(), "markdown");
    ::std::assert_eq!(card.ids().status.as_str(), "status");
    ::std::assert_eq!(card.ids().stop.as_str(), "stop");
}

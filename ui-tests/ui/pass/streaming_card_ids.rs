// `streaming_card!` gives each literal `element_id` a typed field: stream targets for
// `markdown` elements and `plain_text` text objects, element ids for the rest (keywords as
// raw identifiers); ids in `if` branches are looked up at run time. No prelude needed.
#![no_implicit_prelude]

fn main() {
    let thinking = true;
    let card = ::lark_card::streaming_card!({
        "schema": "2.0",
        "body": { "elements": [
            { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
            { "tag": "div", "text": { "tag": "plain_text", "element_id": "Status", "content": "" } },
            { "tag": "hr", "element_id": "type" },
            if thinking {
                { "tag": "markdown", "element_id": "spinner", "content": "…" }
            }
        ] }
    });
    let ids = card.ids();
    let answer: &::lark_card::cardkit::StreamTarget = &ids.answer;
    let status: &::lark_card::cardkit::StreamTarget = &ids.Status;
    let rule: &::lark_card::cardkit::ElementId = &ids.r#type;
    ::std::assert_eq!(answer.tag(), "markdown");
    ::std::assert_eq!(status.tag(), "plain_text");
    ::std::assert_eq!(rule.as_str(), "type");
    ::std::assert!(::std::result::Result::is_ok(&card.stream_target("spinner")));
    let body = ::lark_card::cardkit::StreamContent::new(answer, "42", ::lark_card::cardkit::Sequence::FIRST);
    ::std::assert!(::std::result::Result::is_ok(&body));
}

// `card!(V2Card, ...)` of a literal 2.0 card is a `V2Card`, which `Answer::v2()` takes as is.
use lark_card::callback::{Answer, Toast, V2Card};
use lark_card::card;

fn decided(who: &str) -> V2Card {
    card!(V2Card, { "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (who) }
    ] } })
}

fn main() {
    let answer: Answer = Answer::v2()
        .toast(Toast::success("Done"))
        .card(decided("Ann"))
        .into();
    assert_eq!(
        answer.to_json().unwrap(),
        r#"{"toast":{"type":"success","content":"Done"},"card":{"type":"raw","data":{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"Ann"}]}}}}"#
    );
    // With a trailing comma, as `card!` takes one.
    let again = card!(V2Card, { "schema": "2.0", "body": { "elements": [] } },);
    assert_eq!(again.card().to_content(), r#"{"schema":"2.0","body":{"elements":[]}}"#);
}

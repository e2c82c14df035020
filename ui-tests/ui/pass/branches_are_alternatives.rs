// `if`/`else` branches are alternatives: the same `element_id` in two branches is no duplicate,
// and the 200-element limit counts the larger branch (120 + 110 written, at most 120 present).
use lark_card::{card, Card, Shared};
use serde_json::Value;

fn state(done: bool) -> Card<Shared> {
    card!({ "schema": "2.0", "body": { "elements": [
        if done {
            { "tag": "markdown", "content": "**done**", "element_id": "state" }
        } else {
            { "tag": "markdown", "content": "running", "element_id": "state" },
            { "tag": "hr", "element_id": "rule" }
        },
        { "tag": "markdown", "content": "footer", "element_id": "footer" }
    ] } })
}

fn long_or_short(long: bool) -> Card<Shared> {
    card!({ "schema": "2.0", "body": { "elements": [
        if long {
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }
        } else {
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" }, { "tag": "hr" },
            { "tag": "hr" }, { "tag": "hr" }
        }
    ] } })
}

fn elements(card: &Card<Shared>) -> Vec<Value> {
    let value: Value = serde_json::from_str(&card.to_content()).unwrap();
    value["body"]["elements"].as_array().unwrap().clone()
}

fn main() {
    let done = elements(&state(true));
    assert_eq!(done.len(), 2);
    assert_eq!(done[0]["element_id"], "state");
    assert_eq!(done[0]["content"], "**done**");
    let running = elements(&state(false));
    assert_eq!(running.len(), 3);
    assert_eq!(running[0]["content"], "running");
    assert_eq!(elements(&long_or_short(true)).len(), 120);
    assert_eq!(elements(&long_or_short(false)).len(), 110);
}

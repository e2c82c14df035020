// `card!` expands to fully qualified paths: it works without the prelude.
#![no_implicit_prelude]

use ::lark_card::callback::V2Card;

fn main() {
    let answer: V2Card = ::lark_card::card!(V2Card, { "schema": "2.0", "body": { "elements": [] } });
    ::std::assert!(answer.card().json().body.is_some());
    let names = ["ann", "bob"];
    let urgent = true;
    let card = ::lark_card::card!({
        "schema": "2.0",
        "config": { "width_mode": "fill" },
        "header": { "title": { "tag": "plain_text", "content": "On call" }, "template": "red" },
        "body": { "elements": [
            for name in names {
                { "tag": "markdown", "content": (name) }
            },
            if urgent {
                { "tag": "button", "text": { "tag": "plain_text", "content": "Ack" }, "type": "danger" }
            } else {
                { "tag": "hr" }
            },
            { "tag": "column_set", "columns": [
                { "tag": "column", "width": "weighted", "weight": 1, "elements": [ { "tag": "hr" } ] }
            ] }
        ] }
    });
    let content = card.to_content();
    ::std::assert!(::std::primitive::str::contains(&content, "\"content\":\"bob\""));
    ::std::assert!(::std::primitive::str::contains(&content, "\"type\":\"danger\""));
}

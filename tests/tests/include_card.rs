//! `include_card!`: card JSON files read when the program compiles, with the same checks and
//! the same typed value as `card!`, including JSON that Rust's tokenizer cannot read. (The
//! corpus test reads every corpus card through both macros; `ui/reject` has the errors.)

use lark_card::{card, include_card, Card, NoUpdateMulti, Shared};
use serde_json::Value;

fn content(card: &Card<impl lark_card::Sharing>) -> Value {
    let text = card.to_content();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn escapes_rust_cannot_tokenize_are_read_as_json_reads_them() {
    let card: Card<Shared> = include_card!("cards/exported_with_escapes.json");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/cards/exported_with_escapes.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
    // Runtime validation (serde_json underneath) reads the same file to the same card.
    let at_run_time = Card::<Shared>::from_json(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(card, at_run_time);
    let value = content(&card);
    assert_eq!(value["header"]["title"]["content"], "中文标题 🚀");
    assert_eq!(
        value["body"]["elements"][0]["content"],
        "back\u{8}space, form\u{c}feed, tab\tand a/slash \"quoted\" \\\\ done"
    );
    assert_eq!(value["body"]["elements"][1]["content"], "été");
    assert!(!card.checks_at_send());
}

#[test]
fn a_file_may_use_the_escape_hatch_as_card_does() {
    let from_file: Card<Shared> = include_card!("cards/unchecked_field.json");
    let written = card!({
        "config": { "update_multi": true },
        "elements": [
            {
                "tag": "div",
                "text": { "tag": "lark_md", "content": "**Deploy** waiting" },
                "$unchecked": { "new_layout": { "gap": "8px" } }
            },
            { "$unchecked": { "tag": "sparkle", "speed": 2 } }
        ]
    });
    assert_eq!(from_file, written);
    let value = content(&from_file);
    assert_eq!(value["elements"][0]["new_layout"]["gap"], "8px");
    assert_eq!(value["elements"][1]["tag"], "sparkle");
}

#[test]
fn sharing_is_in_the_type_as_with_card() {
    // A 1.0 card without `update_multi` is `Card<NoUpdateMulti>`, which cannot update a sent card.
    let not_shared: Card<NoUpdateMulti> = include_card!("cards/notice_v1.json");
    assert!(!not_shared.is_shared());
    assert!(not_shared.into_shared().is_err());
}

//! The corpus: real cards from the Lark/Feishu documentation (`corpus/cards`, sources in
//! `corpus/INDEX.md`). Each one is pasted verbatim into `card!` (by `build.rs`) and must
//! compile, serialize back to the identical JSON value, and pass runtime validation.

use lark_card::{Card, NoUpdateMulti, Shared};
use serde_json::Value;

fn check_corpus_card(name: &str, path: &str, shared: bool, content: &str) {
    let written = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let written: Value = serde_json::from_str(&written).unwrap_or_else(|e| panic!("{name}: {e}"));
    let serialized: Value = serde_json::from_str(content).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        serialized, written,
        "{name}: the typed value does not serialize back to the card"
    );

    // Runtime validation accepts what the macro accepted, and agrees on sharing.
    let text = serde_json::to_string(&written).unwrap_or_default();
    if let Err(e) = Card::<NoUpdateMulti>::from_json(&text) {
        panic!("{name}: runtime validation rejects it: {e}");
    }
    assert_eq!(
        Card::<Shared>::from_json(&text).is_ok(),
        shared,
        "{name}: runtime validation and card! disagree on whether it is shared"
    );
}

include!(concat!(env!("OUT_DIR"), "/corpus.rs"));

#[test]
fn the_corpus_has_at_least_120_cards_of_both_versions_each_with_its_page() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
    let index = std::fs::read_to_string(format!("{root}/INDEX.md")).unwrap_or_default();
    let mut v1 = 0;
    let mut v2 = 0;
    for entry in std::fs::read_dir(format!("{root}/cards"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let card: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if card.get("schema").and_then(Value::as_str) == Some("2.0") {
            v2 += 1;
        } else {
            v1 += 1;
        }
        // Every card names the official page it was taken from.
        let name = entry.file_name().to_string_lossy().into_owned();
        let row = index
            .lines()
            .find(|line| line.starts_with(&format!("| `{name}`")))
            .unwrap_or_else(|| panic!("{name} is not in corpus/INDEX.md"));
        assert!(
            row.contains("https://open.feishu.cn/document/"),
            "{name}: its INDEX.md row has no official page: {row}"
        );
    }
    // Every file became a test of its own (`build.rs`).
    assert_eq!(v1 + v2, CORPUS_SIZE);
    assert!(v1 + v2 >= 120, "{} cards", v1 + v2);
    assert!(v1 >= 40 && v2 >= 40, "1.0: {v1}, 2.0: {v2}");
}

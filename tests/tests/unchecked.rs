//! The escape hatch `"$unchecked": { ... }`: one property, one element or one text object
//! passed through verbatim and unchecked, the same in `card!` and in `Card::from_json`; the
//! output carries it in place of the marker. Misuse is refused with the JSON path.

use lark_card::model::{Element, Text};
use lark_card::{
    card, Card, CardError, NoUpdateMulti, Shared, Unchecked, UpdateBody, ViolationKind,
};
use serde_json::{json, Value};

fn value(card: &Card<impl lark_card::Sharing>) -> Value {
    let content = card.to_content();
    serde_json::from_str(&content).unwrap_or_else(|e| panic!("{e}"))
}

fn errors(text: &str) -> Vec<(String, ViolationKind)> {
    match Card::<NoUpdateMulti>::from_json(text) {
        Err(CardError::Invalid(errors)) => errors
            .iter()
            .map(|e| (e.path.clone(), e.kind.clone()))
            .collect(),
        other => panic!("expected validation errors, got {other:?}"),
    }
}

/// One card with each kind of escape: a property Lark added to a button, a text object and
/// an element the schema does not know. Interpolated values may sit inside.
fn escapes(speed: u32) -> Card<Shared> {
    card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "primary",
          "$unchecked": { "hover_tips_v3": { "tag": "plain_text", "content": "soon" } } },
        { "tag": "div", "text": { "$unchecked": { "tag": "rich_text", "nodes": [ "a", "b" ] } } },
        { "$unchecked": { "tag": "sparkle", "speed": (speed) } }
    ] } })
}

const ESCAPES_OUTPUT: &str = r#"{ "schema": "2.0", "body": { "elements": [
    { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "primary",
      "hover_tips_v3": { "tag": "plain_text", "content": "soon" } },
    { "tag": "div", "text": { "tag": "rich_text", "nodes": [ "a", "b" ] } },
    { "tag": "sparkle", "speed": 3 }
] } }"#;

#[test]
fn card_macro_output_carries_the_unchecked_parts_in_place_of_the_marker() {
    let card = escapes(3);
    let expected: Value = serde_json::from_str(ESCAPES_OUTPUT).unwrap_or_default();
    assert_eq!(value(&card), expected);
    // In the typed model: the property in the button's `unchecked`, the text object and
    // the element as `Raw`.
    let elements = card
        .json()
        .body
        .as_ref()
        .and_then(|b| b.elements.as_ref())
        .unwrap_or_else(|| panic!("no elements"));
    let Element::Button(button) = &elements[0] else {
        panic!("{:?}", elements[0]);
    };
    assert!(button.unchecked.0.contains_key("hover_tips_v3"));
    let Element::Div(div) = &elements[1] else {
        panic!("{:?}", elements[1]);
    };
    assert!(matches!(&div.text, Some(Text::Raw(raw)) if raw.tag() == Some("rich_text")));
    assert!(matches!(&elements[2], Element::Raw(raw) if raw.tag() == Some("sparkle")));
}

#[test]
fn from_json_reads_the_same_marker_and_writes_the_same_output() {
    let text = r#"{ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "primary",
          "$unchecked": { "hover_tips_v3": { "tag": "plain_text", "content": "soon" } } },
        { "tag": "div", "text": { "$unchecked": { "tag": "rich_text", "nodes": [ "a", "b" ] } } },
        { "$unchecked": { "tag": "sparkle", "speed": 3 } }
    ] } }"#;
    let card = Card::<Shared>::from_json(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(card, escapes(3));
    let expected: Value = serde_json::from_str(ESCAPES_OUTPUT).unwrap_or_default();
    assert_eq!(value(&card), expected);
    // Without the marker the same JSON is refused: nothing is unchecked by accident.
    let found = errors(ESCAPES_OUTPUT);
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "body.elements[0]",
            "body.elements[1].text",
            "body.elements[2]"
        ]
    );
}

#[test]
fn a_card_with_unchecked_parts_validates_and_is_sent_unchanged() {
    let card = escapes(7);
    // The interpolated speed makes the card checked at send; the unchecked parts stay so.
    assert!(card.validate().is_ok());
    let body = UpdateBody::new(&card).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        body.as_str().contains(r#"\"speed\":7"#),
        "{}",
        body.as_str()
    );
    assert!(!body.as_str().contains("$unchecked"), "{}", body.as_str());
}

#[test]
fn an_unchecked_property_counts_for_required_fields() {
    // `img_key` is required: passing it unchecked (a new key format, say) satisfies that.
    let card = Card::<Shared>::from_json(
        r#"{ "schema": "2.0", "body": { "elements": [
            { "tag": "img", "$unchecked": { "img_key": { "v2": "img_x" } } }
        ] } }"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        value(&card)["body"]["elements"][0]["img_key"]["v2"],
        "img_x"
    );
}

#[test]
fn misuse_is_refused_with_the_json_path() {
    let cases = [
        (
            r#"{ "schema": "2.0", "body": { "elements": [ { "tag": "hr", "$unchecked": "x" } ] } }"#,
            "body.elements[0]",
            "`$unchecked` takes an object",
        ),
        (
            r#"{ "schema": "2.0", "body": { "elements": [ { "tag": "hr", "$uncheked": { "a": 1 } } ] } }"#,
            "body.elements[0]",
            "`$uncheked` is neither a Lark field nor a marker",
        ),
        (
            r#"{ "schema": "2.0", "body": { "elements": [ { "tag": "hr", "element_id": "a", "$unchecked": { "element_id": "b" } } ] } }"#,
            "body.elements[0].$unchecked",
            "`element_id` is both checked and in `$unchecked`",
        ),
        (
            r#"{ "config": { "$unchecked": { "update_multi": true } }, "elements": [] }"#,
            "config.$unchecked",
            "`update_multi` cannot be in `$unchecked`",
        ),
        (
            r#"{ "schema": "2.0", "body": { "elements": [ { "element_id": "a", "$unchecked": { "tag": "sparkle" } } ] } }"#,
            "body.elements[0]",
            "`element_id` is checked, but this object's `tag` is in `$unchecked`",
        ),
    ];
    for (text, path, message) in cases {
        let found = errors(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].0, path, "{text}");
        let shown = found[0].1.to_string();
        assert!(shown.starts_with(message), "{text}: {shown}");
    }
}

#[test]
fn the_marker_in_free_json_is_data() {
    // A callback `value` is the application's own JSON: `$unchecked` there is kept as is.
    let card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" },
          "behaviors": [ { "type": "callback", "value": { "$unchecked": 1 } } ] }
    ] } });
    assert_eq!(
        value(&card)["body"]["elements"][0]["behaviors"][0]["value"],
        json!({ "$unchecked": 1 })
    );
}

#[test]
fn a_raw_element_built_in_code_is_the_same_mechanism() {
    let raw = Unchecked::new(json!({ "tag": "sparkle", "speed": 1 }));
    let card = card!({ "schema": "2.0", "body": { "elements": [ (raw) ] } });
    assert!(card.checks_at_send());
    assert!(card.validate().is_ok());
    let via_marker = Card::<Shared>::from_json(
        r#"{ "schema": "2.0", "body": { "elements": [ { "$unchecked": { "tag": "sparkle", "speed": 1 } } ] } }"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(card, via_marker);
}

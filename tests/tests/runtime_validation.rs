//! Runtime validation of card JSON from elsewhere: typed errors that carry the JSON path.

use lark_card::{Card, CardError, NoUpdateMulti, Shared, ViolationKind};

fn errors(text: &str) -> Vec<(String, ViolationKind)> {
    match Card::<NoUpdateMulti>::from_json(text) {
        Err(CardError::Invalid(errors)) => errors
            .iter()
            .map(|e| (e.path.clone(), e.kind.clone()))
            .collect(),
        other => panic!("expected validation errors, got {other:?}"),
    }
}

#[test]
fn every_problem_is_reported_with_its_path() {
    let found = errors(
        r#"{ "elements": [
            { "tag": "div", "text": { "tag": "plain_text", "content": "ok" } },
            { "tag": "action", "actions": [
                { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "primery" },
                { "tag": "select_static", "options": [ { "value": 1 } ] }
            ] }
        ] }"#,
    );
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "elements[1].actions[0].type",
            "elements[1].actions[1].options[0].value"
        ]
    );
    assert!(matches!(
        &found[0].1,
        ViolationKind::NotInEnum { value, suggestion: Some("primary"), .. } if value == "primery"
    ));
    assert!(matches!(
        &found[1].1,
        ViolationKind::WrongKind {
            expected: "a string",
            ..
        }
    ));
}

#[test]
fn the_display_of_an_error_names_the_path_and_the_fix() {
    // (`"header": {}` alone is the card builder's placeholder for no header, accepted.)
    let Err(e) =
        Card::<NoUpdateMulti>::from_json(r#"{ "header": { "template": "blue" }, "elements": [] }"#)
    else {
        panic!("accepted a header without title");
    };
    assert_eq!(
        e.to_string(),
        "invalid card: at `header`: `header` is missing the required field `title`"
    );
}

#[test]
fn text_that_is_not_json_is_a_parse_error_with_its_position() {
    let Err(CardError::Json(e)) = Card::<NoUpdateMulti>::from_json("{ \"elements\": [ }") else {
        panic!("accepted broken JSON");
    };
    assert_eq!(e.line(), 1);
    assert!(e.column() > 0);
}

#[test]
fn duplicate_keys_are_found_at_run_time_too() {
    let found = errors(r#"{ "elements": [ { "tag": "hr", "tag": "hr" } ] }"#);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "elements[0]");
    assert!(matches!(&found[0].1, ViolationKind::DuplicateKey { key } if key == "tag"));
}

#[test]
fn sharing_is_read_from_the_card() {
    let v1 = r#"{ "elements": [ { "tag": "hr" } ] }"#;
    let v1_shared = r#"{ "config": { "update_multi": true }, "elements": [ { "tag": "hr" } ] }"#;
    let v2 = r#"{ "schema": "2.0", "body": { "elements": [ { "tag": "hr" } ] } }"#;
    assert!(matches!(
        Card::<Shared>::from_json(v1),
        Err(CardError::NotShared)
    ));
    assert!(Card::<Shared>::from_json(v1_shared).is_ok());
    assert!(Card::<Shared>::from_json(v2).is_ok());
    let card = Card::<NoUpdateMulti>::from_json(v1_shared).unwrap_or_else(|e| panic!("{e}"));
    assert!(card.into_shared().is_ok());
    let card = Card::<NoUpdateMulti>::from_json(v1).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(card.into_shared(), Err(CardError::NotShared)));
}

#[test]
fn a_misspelt_required_field_is_one_error_on_the_key_with_did_you_mean() {
    // 1.0 keeps unknown fields, but not one this close to a field: `txet` for `text`.
    let text =
        r#"{ "elements": [ { "tag": "div", "txet": { "tag": "plain_text", "content": "hi" } } ] }"#;
    let found = errors(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "elements[0]");
    assert!(
        matches!(&found[0].1, ViolationKind::UnknownField { field, suggestion: Some("text"), .. } if field == "txet"),
        "{:?}",
        found[0].1
    );
    // The same for a required field in 2.0: not also "missing `content`".
    let text = r#"{ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "contnet": "hi" } ] } }"#;
    let found = errors(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        matches!(
            &found[0].1,
            ViolationKind::UnknownField {
                suggestion: Some("content"),
                ..
            }
        ),
        "{:?}",
        found[0].1
    );
}

#[test]
fn a_markdown_text_object_needs_content() {
    let panel = |title: &str| {
        format!(
            r#"{{ "schema": "2.0", "body": {{ "elements": [ {{ "tag": "collapsible_panel", "header": {{ "title": {title} }}, "elements": [] }} ] }} }}"#
        )
    };
    let found = errors(&panel(r#"{ "tag": "markdown" }"#));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "body.elements[0].header.title");
    assert!(
        matches!(
            found[0].1,
            ViolationKind::MissingField {
                object: "markdown",
                field: "content"
            }
        ),
        "{:?}",
        found[0].1
    );
    let with_content = panel(r#"{ "tag": "markdown", "content": "**Details**" }"#);
    assert!(Card::<Shared>::from_json(&with_content).is_ok());
}

#[test]
fn a_card_that_writes_schema_1_0_is_shared_only_with_update_multi() {
    let v1 = r#"{ "schema": "1.0", "elements": [ { "tag": "hr" } ] }"#;
    let v1_shared = r#"{ "schema": "1.0", "config": { "update_multi": true }, "elements": [ { "tag": "hr" } ] }"#;
    assert!(matches!(
        Card::<Shared>::from_json(v1),
        Err(CardError::NotShared)
    ));
    let card = Card::<NoUpdateMulti>::from_json(v1).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(card.into_shared(), Err(CardError::NotShared)));
    assert!(Card::<Shared>::from_json(v1_shared).is_ok());
    let card = Card::<NoUpdateMulti>::from_json(v1_shared).unwrap_or_else(|e| panic!("{e}"));
    assert!(card.into_shared().is_ok());
    // `card!` types them the same way.
    let card = lark_card::card!({ "schema": "1.0", "elements": [ { "tag": "hr" } ] });
    assert!(!card.is_shared());
    assert!(matches!(card.into_shared(), Err(CardError::NotShared)));
}

#[test]
fn a_valid_card_reads_into_the_typed_model_and_writes_back_the_same_json() {
    let text = r#"{"schema":"2.0","config":{"width_mode":"fill"},"body":{"elements":[{"tag":"button","text":{"tag":"plain_text","content":"Go"},"type":"primary_filled","width":"120px","behaviors":[{"type":"callback","value":{"n":1}}]}]}}"#;
    let card = Card::<Shared>::from_json(text).unwrap_or_else(|e| panic!("{e}"));
    let model = card.json();
    let Some(lark_card::model::Element::Button(button)) = model
        .body
        .as_ref()
        .and_then(|b| b.elements.as_ref())
        .and_then(|e| e.first())
    else {
        panic!("not a button: {model:?}");
    };
    assert_eq!(
        button.r#type,
        Some(lark_card::model::ButtonType::PrimaryFilled)
    );
    assert_eq!(
        button.width,
        Some(lark_card::model::Width::Other("120px".into()))
    );
    let written: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let back: serde_json::Value = serde_json::from_str(&card.to_content()).unwrap_or_default();
    assert_eq!(back, written);
}

#[test]
fn an_unknown_element_is_an_error_with_a_suggestion_not_a_silent_raw_element() {
    let found = errors(
        r#"{ "schema": "2.0", "body": { "elements": [ { "tag": "markdwn", "content": "x" } ] } }"#,
    );
    assert_eq!(found[0].0, "body.elements[0]");
    assert!(matches!(
        &found[0].1,
        ViolationKind::UnknownTag {
            suggestion: Some("markdown"),
            ..
        }
    ));
}

#[test]
fn a_card_changed_after_it_was_built_can_be_validated_again() {
    let mut card = lark_card::card!({ "schema": "2.0", "body": { "elements": [ { "tag": "hr", "element_id": "a" } ] } });
    assert!(card.validate().is_ok());
    if let Some(elements) = card
        .json_mut()
        .body
        .as_mut()
        .and_then(|b| b.elements.as_mut())
    {
        elements.push(lark_card::model::Element::Hr(lark_card::model::Hr {
            element_id: Some("a".into()),
            ..Default::default()
        }));
    }
    let Err(CardError::Invalid(errors)) = card.validate() else {
        panic!("a duplicate element_id went unnoticed");
    };
    assert_eq!(
        errors.first().map(|e| e.path.as_str()),
        Some("body.elements[1].element_id")
    );
}

#[test]
fn the_update_body_over_30_kb_is_refused_saying_by_how_much() {
    let long = "x".repeat(31_000);
    let card = lark_card::card!({ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "content": (lark_card::trusted_markdown(long)) } ] } });
    let Err(CardError::TooLarge { size, limit }) = lark_card::UpdateBody::new(&card) else {
        panic!("a body over 30 KB was accepted");
    };
    assert_eq!(limit, 30 * 1024);
    assert_eq!(size, card.update_body_size());
    assert!(lark_card::UpdateBody::new(&card)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
        .contains(&format!("by {}", size - limit)));
}

/// A whole number too large for 64 bits is a whole number out of range, not "a fraction";
/// a fraction still reads as one.
#[test]
fn integers_out_of_range_are_named_by_their_value() {
    let column = |weight: &str| {
        format!(
            r#"{{ "schema": "2.0", "body": {{ "elements": [ {{ "tag": "column_set", "columns": [
                {{ "tag": "column", "width": "weighted", "weight": {weight}, "elements": [] }}
            ] }} ] }} }}"#
        )
    };
    for (weight, shown) in [
        ("9223372036854775808", "9223372036854775808"),
        ("18446744073709551615", "18446744073709551615"),
        ("7", "7"),
        ("1.5", "a fraction"),
    ] {
        let found = errors(&column(weight));
        assert!(
            matches!(
                found.as_slice(),
                [(path, ViolationKind::OutOfRange { value, .. })]
                    if path == "body.elements[0].columns[0].weight" && value == shown
            ),
            "{weight}: {found:?}"
        );
    }
}

/// `{}` where an optional text object goes (the card builder's export of an unset
/// `hover_tips`) is accepted, by `card!` and at run time, and kept as written.
#[test]
fn an_empty_optional_text_object_is_accepted_and_kept() {
    let card = lark_card::card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" },
          "hover_tips": {}, "disabled_tips": {} }
    ] } });
    let content = card.to_content();
    assert!(
        content.contains(r#""hover_tips":{},"disabled_tips":{}"#),
        "{content}"
    );
    let read = Card::<Shared>::from_json(&content).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.to_content(), content);
    // A text object with fields still needs its `tag`.
    let found = errors(
        r#"{ "schema": "2.0", "body": { "elements": [
            { "tag": "button", "text": { "tag": "plain_text", "content": "Go" },
              "hover_tips": { "content": "no tag" } }
        ] } }"#,
    );
    assert!(
        matches!(found.as_slice(), [(path, ViolationKind::MissingTag { .. })] if path == "body.elements[0].hover_tips"),
        "{found:?}"
    );
}

/// Lark's 1.0 ignores fields it does not know (an unknown field's path is its object's, here
/// the card's: empty): one close to no field of its object is kept as
/// written, by `card!` and at run time; one close to a field is a typo and reported; 2.0
/// refuses both.
#[test]
fn unknown_fields_of_a_v1_card_pass_through_unless_they_look_like_typos() {
    let card = lark_card::card!({
        "config": { "update_multi": true, "x_team_note": "kept" },
        "elements": [ { "tag": "hr", "x_render_hint": 3 } ],
        "footer": "bye"
    });
    let content = card.to_content();
    for kept in [
        r#""x_team_note":"kept""#,
        r#""x_render_hint":3"#,
        r#""footer":"bye""#,
    ] {
        assert!(content.contains(kept), "{kept} in {content}");
    }
    let read = Card::<Shared>::from_json(&content).unwrap_or_else(|e| panic!("{e}"));
    let written: serde_json::Value = serde_json::from_str(&content).unwrap_or_default();
    let again: serde_json::Value = serde_json::from_str(&read.to_content()).unwrap_or_default();
    assert_eq!(again, written);

    let typo = errors(r#"{ "elemnts": [ { "tag": "hr" } ] }"#);
    assert!(
        matches!(typo.as_slice(), [(path, ViolationKind::UnknownField { suggestion: Some("elements"), .. })] if path.is_empty()),
        "{typo:?}"
    );
    let v2 = errors(r#"{ "schema": "2.0", "body": { "elements": [] }, "footer": "bye" }"#);
    assert!(
        matches!(v2.as_slice(), [(path, ViolationKind::UnknownField { suggestion: None, .. })] if path.is_empty()),
        "{v2:?}"
    );
}

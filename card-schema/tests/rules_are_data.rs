//! The rules the validator applies are rows of the schema, whole: every slot has its
//! placement rule in each version, the fields that hold identities say so, and the hints for
//! writing a card in the other version sit on the objects and fields they are about.

// Test code: a failed expectation is a panic.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use lark_card_schema::catalogue::{self, CARD, ELEMENT, ELEMENT_COMMON, PLACEMENTS};
use lark_card_schema::def::{Kind, Since, Slot, Version};
use lark_card_schema::tree::{Entry, Item, Node, View};
use lark_card_schema::validate::validate_card;
use lark_card_schema::violation::ViolationKind;

/// A card written out in the test: strings, arrays and objects are all these need.
enum J {
    S(&'static str),
    A(Vec<J>),
    O(Vec<(&'static str, J)>),
    /// In an array: `if` / `else` branches of items.
    If(Vec<Vec<J>>),
}

fn item(j: &J) -> Item<'_, ()> {
    match j {
        J::If(branches) => Item::Conditional(
            branches
                .iter()
                .map(|b| b.iter().map(item).collect())
                .collect(),
        ),
        j => Item::Value(j),
    }
}

impl Node for J {
    type Id = ();

    fn id(&self) {}

    fn view(&self) -> View<'_, ()> {
        match self {
            J::S(s) => View::String(s),
            J::A(items) => View::Array(items.iter().map(item).collect()),
            J::If(_) => View::Dynamic,
            J::O(entries) => View::Object(
                entries
                    .iter()
                    .map(|(key, value)| Entry {
                        key,
                        key_id: (),
                        value,
                    })
                    .collect(),
            ),
        }
    }
}

fn v2_card(elements: Vec<J>) -> J {
    J::O(vec![
        ("schema", J::S("2.0")),
        ("body", J::O(vec![("elements", J::A(elements))])),
    ])
}

fn markdown(content: &'static str) -> J {
    J::O(vec![("tag", J::S("markdown")), ("content", J::S(content))])
}

#[test]
fn every_slot_has_one_placement_rule_per_version() {
    for slot in Slot::ALL {
        for version in [Version::V1, Version::V2] {
            let rules = PLACEMENTS
                .iter()
                .filter(|p| p.slot == slot && p.version == version)
                .count();
            assert_eq!(
                rules, 1,
                "{slot:?} in {version:?} has {rules} placement rules"
            );
            assert!(catalogue::placement(slot, version).is_some());
        }
    }
}

#[test]
fn every_element_id_field_is_an_identity_and_nothing_else_is() {
    let mut fields: Vec<_> = ELEMENT_COMMON.iter().collect();
    for (_, def) in ELEMENT.variants {
        fields.extend(def.fields);
    }
    for union in catalogue::UNIONS {
        for (_, def) in union.variants {
            fields.extend(def.fields);
        }
    }
    let mut identities = 0;
    for field in fields {
        let identity = matches!(field.kind, Kind::Pattern(p) if p.identity);
        assert_eq!(
            identity,
            field.name == "element_id",
            "field `{}`: identity {identity}",
            field.name
        );
        identities += usize::from(identity);
    }
    assert!(identities > 1, "the text objects' `element_id` counts too");
}

#[test]
fn version_hints_sit_on_one_version_things_only() {
    for (tag, def) in ELEMENT.variants {
        if def.other_version.is_some() {
            assert_ne!(def.since, Since::Both, "`{tag}` exists in both versions");
        }
    }
    for field in CARD.fields {
        if field.other_version.is_some() {
            assert_ne!(field.since, Since::Both, "`{}` exists in both", field.name);
        }
    }
}

/// Only a column counts as an element without sitting in an element slot.
#[test]
fn a_column_counts_as_an_element_and_a_column_set_holds_its_columns() {
    let column = |text| {
        J::O(vec![
            ("tag", J::S("column")),
            ("elements", J::A(vec![markdown(text)])),
        ])
    };
    let card = v2_card(vec![J::O(vec![
        ("tag", J::S("column_set")),
        ("columns", J::A(vec![column("a"), column("b")])),
    ])]);
    let report = validate_card(&card);
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    // The column set, its two columns, and two markdown elements.
    assert_eq!(report.elements, 5);
}

#[test]
fn the_wrong_version_hints_come_from_the_schema() {
    let note_in_v2 = v2_card(vec![J::O(vec![
        ("tag", J::S("note")),
        ("elements", J::A(vec![])),
    ])]);
    let report = validate_card(&note_in_v2);
    let hint = report.violations.iter().find_map(|v| match &v.kind {
        ViolationKind::WrongVersion { hint, .. } => *hint,
        _ => None,
    });
    assert_eq!(hint, catalogue::NOTE.other_version);
    assert!(hint.is_some());

    let elements_in_v2 = J::O(vec![
        ("schema", J::S("2.0")),
        ("elements", J::A(vec![])),
        ("body", J::O(vec![("elements", J::A(vec![]))])),
    ]);
    let report = validate_card(&elements_in_v2);
    let hint = report.violations.iter().find_map(|v| match &v.kind {
        ViolationKind::WrongVersion { hint, .. } => *hint,
        _ => None,
    });
    let elements = CARD.field("elements").unwrap();
    assert_eq!(hint, elements.other_version);
    assert!(hint.is_some());
}

/// Per-card limits count the larger branch of an `if`: 3 tables in each branch are at most 3
/// in the card, within the 5 a card may hold; 3 more after the `if` are 6.
#[test]
fn tag_limits_count_the_larger_branch() {
    let table = || {
        J::O(vec![
            ("tag", J::S("table")),
            ("columns", J::A(vec![])),
            ("rows", J::A(vec![])),
        ])
    };
    let three = || vec![table(), table(), table()];
    let (max, _) = catalogue::PER_CARD
        .iter()
        .find(|(tag, _, _)| *tag == "table")
        .map(|(_, max, page)| (*max, page))
        .unwrap();
    assert_eq!(max, 5, "the test is written for five tables a card");
    let branched = v2_card(vec![J::If(vec![three(), three()])]);
    let report = validate_card(&branched);
    assert!(report.violations.is_empty(), "{:?}", report.violations);

    let mut elements = vec![J::If(vec![three(), three()])];
    elements.extend(three());
    let report = validate_card(&v2_card(elements));
    let too_many = report
        .violations
        .iter()
        .filter(|v| matches!(v.kind, ViolationKind::TooManyOfTag { tag: "table", .. }))
        .count();
    assert_eq!(too_many, 1, "{:?}", report.violations);
}

/// `{ "tag": "div", "text": { "tag": "plain_text", "content": "…" } }`: two elements as Lark
/// counts them (300305).
fn div_with_text() -> J {
    J::O(vec![
        ("tag", J::S("div")),
        (
            "text",
            J::O(vec![("tag", J::S("plain_text")), ("content", J::S("x"))]),
        ),
    ])
}

#[test]
fn a_plain_text_inside_an_element_counts_towards_the_element_limit() {
    let max = lark_card_schema::lark::limits::MAX_CARD_ELEMENTS;
    let report = validate_card(&v2_card((0..max / 2).map(|_| div_with_text()).collect()));
    assert_eq!(report.elements, max);
    assert!(!report.has_errors(), "{:?}", report.violations);

    let mut over: Vec<J> = (0..max / 2).map(|_| div_with_text()).collect();
    over.push(markdown("one more"));
    let report = validate_card(&v2_card(over));
    assert_eq!(report.elements, max + 1);
    assert!(report.violations.iter().any(|v| matches!(
        v.kind,
        ViolationKind::TooManyElements { count, .. } if count == max + 1
    )));
}

#[test]
fn a_header_title_is_not_an_element() {
    let card = J::O(vec![
        ("schema", J::S("2.0")),
        (
            "header",
            J::O(vec![(
                "title",
                J::O(vec![("tag", J::S("plain_text")), ("content", J::S("t"))]),
            )]),
        ),
        ("body", J::O(vec![("elements", J::A(vec![markdown("m")]))])),
    ]);
    assert_eq!(validate_card(&card).elements, 1);
}

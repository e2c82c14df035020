//! Every object of the schema names the official pages it was read from, and every field says
//! what it means: the catalogue is a reference, not a guess.

// Test code: a failed expectation is a panic.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use lark_card_schema::catalogue::{ELEMENT, ELEMENT_COMMON, ENUMS, OBJECTS, UNIONS};
use lark_card_schema::def::{Field, Kind, ObjectDef};

/// Every object reachable from the catalogue's lists, by Rust name.
fn objects() -> Vec<&'static ObjectDef> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut todo: Vec<&'static ObjectDef> = OBJECTS.to_vec();
    todo.extend(ELEMENT.variants.iter().map(|(_, d)| *d));
    for union in UNIONS {
        todo.extend(union.variants.iter().map(|(_, d)| *d));
    }
    while let Some(def) = todo.pop() {
        if !seen.insert(def.rust_name) {
            continue;
        }
        for field in def.fields {
            reachable(&field.kind, &mut todo);
        }
        out.push(def);
    }
    out
}

fn reachable(kind: &Kind, todo: &mut Vec<&'static ObjectDef>) {
    match kind {
        Kind::Object(def) => todo.push(def),
        Kind::Union(def) => todo.extend(def.variants.iter().map(|(_, d)| *d)),
        Kind::Array(inner) | Kind::Map(inner) => reachable(inner, todo),
        _ => {}
    }
}

fn check_field(owner: &str, field: &Field, problems: &mut Vec<String>) {
    let doc = field.doc.trim();
    if doc.len() < 8 {
        problems.push(format!("`{owner}.{}` has no meaning", field.name));
    }
    if !doc.ends_with('.') {
        problems.push(format!(
            "`{owner}.{}`: the meaning should be a sentence: {doc:?}",
            field.name
        ));
    }
}

#[test]
fn every_object_has_its_pages_and_every_field_its_meaning() {
    let mut problems = Vec::new();
    let objects = objects();
    for def in &objects {
        if def.pages.is_empty() {
            problems.push(format!("`{}` has no page", def.name));
        }
        for page in def.pages {
            if !page.starts_with("https://open.feishu.cn/document/") {
                problems.push(format!("`{}`: {page:?} is not an official page", def.name));
            }
        }
        if def.doc.trim().is_empty() {
            problems.push(format!("`{}` has no description", def.name));
        }
        for field in def.fields {
            check_field(def.name, field, &mut problems);
        }
    }
    for field in ELEMENT_COMMON {
        check_field("element", field, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The walk reaches the whole schema, not a corner of it.
    assert!(
        objects.len() >= 60,
        "only {} objects reached",
        objects.len()
    );
}

#[test]
fn every_element_page_is_a_component_page_of_its_versions() {
    for (tag, def) in ELEMENT.variants {
        let v1 = def.pages.iter().any(|p| !p.contains("card-json-v2"));
        let v2 = def.pages.iter().any(|p| p.contains("card-json-v2"));
        match def.since {
            lark_card_schema::def::Since::Both => {
                assert!(v1 && v2, "`{tag}`: a 1.0 and a 2.0 page")
            }
            lark_card_schema::def::Since::V1Only => assert!(v1 && !v2, "`{tag}`: 1.0 pages only"),
            lark_card_schema::def::Since::V2Only => assert!(v2 && !v1, "`{tag}`: 2.0 pages only"),
        }
    }
}

#[test]
fn every_enumeration_has_values_and_a_name() {
    for def in ENUMS {
        assert!(!def.values.is_empty(), "{} has no values", def.rust_name);
        assert!(!def.what.is_empty(), "{} has no description", def.rust_name);
    }
}

#[test]
fn the_schema_holds_the_properties_of_both_versions() {
    use lark_card_schema::def::Version;
    let count = |version: Version| -> usize {
        objects()
            .iter()
            .filter(|def| def.since.includes(version))
            .map(|def| {
                let common = if ELEMENT
                    .variants
                    .iter()
                    .any(|(_, d)| core::ptr::eq(*d, *def))
                {
                    ELEMENT_COMMON.len()
                } else {
                    0
                };
                def.fields
                    .iter()
                    .filter(|f| f.since.includes(version))
                    .count()
                    + common
            })
            .sum()
    };
    let (v1, v2) = (count(Version::V1), count(Version::V2));
    eprintln!("properties: 1.0 {v1}, 2.0 {v2}");
    // Every documented property of every page is in the catalogue (at the time of writing:
    // see tests/corpus/INDEX.md and the catalogue's pages).
    assert!(v1 >= 400 && v2 >= 400, "1.0: {v1}, 2.0: {v2}");
}

//! `src/model/generated.rs` is generated from the schema; this test fails when the two drift
//! apart. Regenerate with `UPDATE_MODEL=1 cargo test -p lark-card --test model_is_generated`.

// Test code: a failed expectation is a panic.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

fn rustfmt(source: &str) -> String {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("rustfmt must be installed to check the generated model: {e}"));
    let mut stdin = child
        .stdin
        .take()
        .unwrap_or_else(|| panic!("rustfmt stdin"));
    stdin
        .write_all(source.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    drop(stdin);
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.status.success(),
        "rustfmt failed on the generated model"
    );
    String::from_utf8(output.stdout).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn model_matches_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/model/generated.rs");
    let generated = rustfmt(&lark_card_schema::codegen::rust_model());
    if std::env::var_os("UPDATE_MODEL").is_some() {
        std::fs::write(path, &generated).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        current == generated,
        "card-core/src/model/generated.rs is out of date with the schema: run \
         `UPDATE_MODEL=1 cargo test -p lark-card --test model_is_generated`"
    );
}

/// The module that includes the generated items gives them every name they use.
#[test]
fn the_model_module_brings_the_generated_items_their_names() {
    let module = include_str!("../src/model.rs");
    let uses: String = module
        .lines()
        .filter(|line| line.starts_with("use "))
        .collect();
    for name in lark_card_schema::codegen::NAMES_IN_SCOPE {
        let named = uses
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == *name);
        assert!(named, "src/model.rs does not bring `{name}` into scope");
    }
}

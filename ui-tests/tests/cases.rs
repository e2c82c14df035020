//! The rejection cases of `ui/reject` are also the table of the runtime validator: each case
//! whose mistake can be written in plain JSON is read back here, its card given to
//! `Card::from_json`, and the runtime error must name the JSON path the case declares and say
//! what the compile error says. So `card!` and runtime validation cannot disagree.
//!
//! A case declares, on its second line, either `// path: <json path>` (rejected at run time
//! at that path), `// runtime: refused as not shared`, `// runtime: refused by
//! StreamingCard::from_json as not 2.0` (a `streaming_card!` of a 1.0 card), `// runtime:
//! refused by V2Card::from_json as not 2.0` (a `card!(V2Card, ...)` of a 1.0 card), or
//! `// runtime: none, <why>` (the
//! mistake is Rust syntax or types, which JSON cannot hold). A case that reads its card with
//! `include_card!("cards/...")` is checked with that file (`ui/cards`).

use std::path::{Path, PathBuf};

use lark_card::callback::{CallbackError, V2Card};
use lark_card::cardkit::{StreamingCard, StreamingCardError};
use lark_card::{Card, CardError, NoUpdateMulti, Shared, UpdateBody};

enum Expect {
    Path(String),
    NotShared,
    NotV2,
    NotV2Card,
    CompileOnly,
}

struct Case {
    name: String,
    expect: Expect,
    card: String,
    /// Whether the card is a file read by `include_card!`.
    from_file: bool,
    stderr: String,
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/reject");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files.iter().map(|path| read_case(path)).collect()
}

fn read_case(path: &Path) -> Case {
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut lines = source.lines();
    let description = lines.next().unwrap_or_default();
    assert!(
        description.starts_with("// ") && description.len() > 10,
        "{name}: the first line must say what the mistake is"
    );
    let mode = lines.next().unwrap_or_default();
    let expect = if let Some(p) = mode.strip_prefix("// path:") {
        Expect::Path(p.trim().to_string())
    } else if mode == "// runtime: refused as not shared" {
        Expect::NotShared
    } else if mode == "// runtime: refused by StreamingCard::from_json as not 2.0" {
        Expect::NotV2
    } else if mode == "// runtime: refused by V2Card::from_json as not 2.0" {
        Expect::NotV2Card
    } else if mode.starts_with("// runtime: none, ") {
        Expect::CompileOnly
    } else {
        panic!("{name}: the second line must be `// path: ...` or `// runtime: ...`");
    };
    let stderr = std::fs::read_to_string(path.with_extension("stderr"))
        .unwrap_or_else(|e| panic!("{name}: no .stderr snapshot: {e}"));
    let file = include_card_file(&source);
    let card = match (&file, &expect) {
        (Some(file), Expect::Path(_)) => {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui").join(file);
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {file}: {e}"))
        }
        _ => card_text(&source),
    };
    Case {
        name,
        expect,
        card,
        from_file: file.is_some(),
        stderr,
    }
}

/// The path in `include_card!("...")`, if the case reads its card from a file.
fn include_card_file(source: &str) -> Option<String> {
    let start = source.find("include_card!(\"")? + "include_card!(\"".len();
    let end = source[start..].find('"')?;
    Some(source[start..start + end].to_string())
}

/// The tokens inside the first `card!( ... )`.
fn card_text(source: &str) -> String {
    let Some(start) = source.find("card!(") else {
        return String::new();
    };
    let body = &source[start + "card!(".len()..];
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' | '[' | '{' if !in_string => depth += 1,
            ')' if !in_string && depth == 0 => return body[..i].to_string(),
            ')' | ']' | '}' if !in_string => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    String::new()
}

#[test]
fn every_case_is_rejected_at_run_time_as_at_compile_time() {
    let cases = cases();
    let mut checked = 0;
    for case in &cases {
        let name = &case.name;
        match &case.expect {
            Expect::CompileOnly => continue,
            Expect::NotShared => {
                assert!(
                    Card::<NoUpdateMulti>::from_json(&case.card).is_ok(),
                    "{name}"
                );
                match Card::<Shared>::from_json(&case.card) {
                    Err(CardError::NotShared) => {}
                    other => panic!("{name}: expected NoUpdateMulti, got {other:?}"),
                }
                // The fix is named: the `update_multi` field, or the type `Card<NoUpdateMulti>`.
                let named = ["update_multi", "NoUpdateMulti"];
                assert!(named.iter().any(|n| case.stderr.contains(n)), "{name}");
            }
            Expect::NotV2 => match StreamingCard::from_json(&case.card) {
                Err(error @ StreamingCardError::NotV2) => {
                    let expected = format!("error: {error}");
                    assert!(
                        case.stderr.contains(&expected),
                        "{name}: the runtime error `{error}` is not the compile error:\n{}",
                        case.stderr
                    );
                }
                other => panic!("{name}: expected NotV2, got {other:?}"),
            },
            Expect::NotV2Card => match V2Card::from_json(&card_after_type(&case.card)) {
                // The compile error begins with the runtime one, and goes on to the fix.
                Err(error @ CallbackError::NotV2) => {
                    let expected = format!("error: {error}");
                    assert!(
                        case.stderr.contains(&expected),
                        "{name}: the runtime error `{error}` does not open the compile error:\n{}",
                        case.stderr
                    );
                }
                other => panic!("{name}: expected NotV2, got {other:?}"),
            },
            Expect::Path(path) => {
                let message = runtime_error(name, &case.card, path);
                // A file's errors read `error: cards/x.json:5:21: at `path`: message`.
                let expected = if case.from_file {
                    format!("at `{path}`: {message}")
                } else {
                    format!("error: {message}")
                };
                assert!(
                    case.stderr.contains(&expected),
                    "{name}: the runtime error `{message}` is not the compile error:\n{}",
                    case.stderr
                );
            }
        }
        checked += 1;
    }
    assert!(
        checked >= 40,
        "only {checked} cases are checked at run time"
    );
}

/// The card of `card!(V2Card, { ... })`: what follows the type's name.
fn card_after_type(text: &str) -> String {
    match text.split_once(',') {
        Some((name, card)) if !name.contains('{') => card.to_string(),
        _ => text.to_string(),
    }
}

/// The runtime error of a case's card, checked to be at `path`; its message.
fn runtime_error(name: &str, card: &str, path: &str) -> String {
    match Card::<NoUpdateMulti>::from_json(card) {
        Err(CardError::Invalid(errors)) => {
            let first = errors
                .first()
                .unwrap_or_else(|| panic!("{name}: empty errors"));
            assert_eq!(first.path, path, "{name}: wrong path in {errors}");
            assert_eq!(
                errors.iter().count(),
                1,
                "{name}: one mistake, several errors: {errors}"
            );
            first.kind.to_string()
        }
        Err(e) => panic!("{name}: expected a validation error, got {e}"),
        // The only rule of a valid card left is the size of the update body.
        Ok(card) => match card.into_shared().map(|c| UpdateBody::new(&c)) {
            Ok(Err(e @ CardError::TooLarge { .. })) => {
                assert_eq!(path, "", "{name}");
                e.to_string()
            }
            other => panic!("{name}: runtime validation accepts it: {other:?}"),
        },
    }
}

#[test]
fn there_are_at_least_40_compile_fail_cases_each_with_a_snapshot() {
    assert!(cases().len() >= 40);
}

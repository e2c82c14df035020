//! trybuild: cards that must compile (`ui/pass`) and mistakes that must not (`ui/reject`),
//! each with the compiler output a user sees (`.stderr`).
//!
//! To review changed messages: `TRYBUILD=overwrite cargo test -p card-tests --test ui`, then
//! read the `.stderr` diffs.

use std::path::{Path, PathBuf};

/// The crate trybuild builds the cases in: `<target>/tests/trybuild/card-tests`. Its root is
/// the `CARGO_MANIFEST_DIR` the cases are compiled with, so `include_card!` reads paths
/// relative to it.
fn trybuild_crate() -> PathBuf {
    let target_tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = target_tmp.parent().unwrap_or(target_tmp);
    target.join("tests/trybuild").join(env!("CARGO_PKG_NAME"))
}

/// The card files of the `include_card!` cases (`ui/cards`), placed where those cases find
/// them: `cards/` at the root of trybuild's crate, as in a user's crate.
fn place_card_files() {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/cards");
    let to = trybuild_crate().join("cards");
    if let Err(e) = std::fs::create_dir_all(&to) {
        panic!("{}: {e}", to.display());
    }
    for entry in std::fs::read_dir(&from).into_iter().flatten().flatten() {
        let target = to.join(entry.file_name());
        if let Err(e) = std::fs::copy(entry.path(), &target) {
            panic!("{} -> {}: {e}", entry.path().display(), target.display());
        }
    }
}

#[test]
fn ui() {
    place_card_files();
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/reject/*.rs");
}

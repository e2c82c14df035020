//! trybuild: cards that must compile (`ui/pass`) and mistakes that must not (`ui/reject`),
//! each with the compiler output a user sees (`.stderr`).
//!
//! To review changed messages: `TRYBUILD=overwrite cargo test -p card-tests --test ui`, then
//! read the `.stderr` diffs.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/reject/*.rs");
}

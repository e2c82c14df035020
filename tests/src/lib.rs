//! Integration tests live in `tests/`.

/// The example of `lark-card-macros`'s README runs here, where `lark-card` is a dependency
/// (the proc-macro crate cannot depend on the crate its macros expand into).
#[cfg(doctest)]
#[doc = include_str!("../../card-macros/README.md")]
pub struct MacrosReadme;

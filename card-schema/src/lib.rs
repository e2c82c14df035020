//! The Lark message-card schema, as data, and the one validator that reads it.
//!
//! This crate is an implementation detail of `lark-card` and `lark-card-macros`: the `card!` macro
//! checks cards at compile time with [`validate_card`] over its syntax tree, and `lark-card`
//! validates card JSON at run time with the same function over parsed JSON. One table
//! ([`catalogue`]), one set of rules, one set of messages ([`ViolationKind`]).
//!
//! It has no dependencies, so the proc-macro stays cheap to build.
//!
//! ```
//! use lark_card_schema::catalogue::HEADER_TEMPLATE;
//! use lark_card_schema::lark::{LarkCode, Retry};
//!
//! // The schema: a header's `template` is one of Lark's colour names.
//! assert!(HEADER_TEMPLATE.allows("turquoise"));
//! assert!(!HEADER_TEMPLATE.allows("pink"));
//!
//! // Lark's facts: each code with its HTTP status, message and how a client reacts to it.
//! let throttled = LarkCode::from_code(230020);
//! assert_eq!(throttled.retry(), Retry::Backoff);
//! ```
//!
//! Applications depend on `lark-card`, which re-exports the facts table as `lark_card::lark`.

/// The README's example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub mod catalogue;
pub mod codegen;
pub mod def;
pub mod json;
pub mod lark;
pub mod tree;
pub mod validate;
pub mod violation;

pub use def::{Kind, Slot, Version};
pub use tree::{Entry, Item, Node, Number, View};
pub use validate::{validate_card, Report, Sharing};
pub use violation::{did_you_mean, Severity, Violation, ViolationKind};

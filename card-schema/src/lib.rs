//! The Lark message-card schema, as data, and the one validator that reads it.
//!
//! This crate is an implementation detail of `lark-card` and `lark-card-macros`: the `card!` macro
//! checks cards at compile time with [`validate_card`] over its syntax tree, and `lark-card`
//! validates card JSON at run time with the same function over parsed JSON. One table
//! ([`catalogue`]), one set of rules, one set of messages ([`ViolationKind`]).
//!
//! It has no dependencies, so the proc-macro stays cheap to build.

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

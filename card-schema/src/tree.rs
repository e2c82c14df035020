//! What the validator reads: a JSON-shaped tree, seen through the [`Node`] trait.
//!
//! The `card!` macro implements it over its syntax tree (where a value may be a Rust expression
//! and an array may hold loops); runtime validation implements it over parsed JSON. So one
//! validator, with one set of rules, serves both.

/// A JSON-shaped value the validator can read.
///
/// The trait is object-safe and the validator takes `&dyn Node`, so it is compiled once, here,
/// rather than again in every crate that uses it (the proc-macro among them).
pub trait Node {
    /// Where the node is, as an id the caller can map back: the macro uses the id its parser
    /// gave the node and looks its span up afterwards; runtime validation uses 0 (it keeps
    /// JSON paths).
    fn id(&self) -> usize;

    /// What this node is.
    fn view(&self) -> View<'_>;
}

/// A number, as far as the rules need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Number {
    /// A whole number that fits an `i64`.
    Int(i64),
    /// A whole number above `i64::MAX`.
    Big(u64),
    /// A number with a fraction or an exponent, or a whole number beyond `u64`.
    Fraction,
}

/// One node, as the validator sees it.
pub enum View<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(&'a str),
    /// An array.
    Array(Vec<Item<'a>>),
    /// An object, with its entries in the order written (duplicates kept).
    Object(Vec<Entry<'a>>),
    /// A value computed at run time (an interpolated Rust expression): its type is checked by
    /// the compiler, not here.
    Dynamic,
}

/// One `"key": value` entry of an object.
pub struct Entry<'a> {
    /// The key.
    pub key: &'a str,
    /// Where the key is.
    pub key_span: usize,
    /// The value.
    pub value: &'a dyn Node,
}

/// One item of an array.
pub enum Item<'a> {
    /// A value.
    Value(&'a dyn Node),
    /// Items repeated any number of times at run time (the body of a `for` loop).
    Repeated(Vec<Item<'a>>),
    /// Alternatives: the items of exactly one branch are present at run time (an `if` /
    /// `else if` / `else` chain; an `if` without `else` has an empty second branch). An
    /// `element_id` may repeat across branches, and the element count takes the largest.
    Conditional(Vec<Vec<Item<'a>>>),
    /// Any number of values known only at run time (`..iter`).
    Spread(usize),
}

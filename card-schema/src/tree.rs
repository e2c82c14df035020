//! What the validator reads: a JSON-shaped tree, seen through the [`Node`] trait.
//!
//! The `card!` macro implements it over its syntax tree (where a value may be a Rust expression
//! and an array may hold loops); runtime validation implements it over parsed JSON. So one
//! validator, with one set of rules, serves both.

/// A JSON-shaped value the validator can read.
pub trait Node: Sized {
    /// Where the node is: a source span in the macro, nothing at runtime (the validator keeps
    /// the JSON path itself).
    type Span: Copy;

    /// Where this node is.
    fn span(&self) -> Self::Span;

    /// What this node is.
    fn view(&self) -> View<'_, Self>;
}

/// One node, as the validator sees it.
pub enum View<'a, N: Node> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number; `int` is its value when it is a whole number that fits an `i64`.
    Number {
        /// The value, when it is a whole number.
        int: Option<i64>,
    },
    /// A string.
    String(&'a str),
    /// An array.
    Array(Vec<Item<'a, N>>),
    /// An object, with its entries in the order written (duplicates kept).
    Object(Vec<Entry<'a, N>>),
    /// A value computed at run time (an interpolated Rust expression): its type is checked by
    /// the compiler, not here.
    Dynamic,
}

/// One `"key": value` entry of an object.
pub struct Entry<'a, N: Node> {
    /// The key.
    pub key: &'a str,
    /// Where the key is.
    pub key_span: N::Span,
    /// The value.
    pub value: &'a N,
}

/// One item of an array.
pub enum Item<'a, N: Node> {
    /// A value.
    Value(&'a N),
    /// Items repeated any number of times at run time (the body of a `for` loop).
    Repeated(Vec<Item<'a, N>>),
    /// Items present zero times or once (a branch of an `if`).
    Conditional(Vec<Item<'a, N>>),
    /// Any number of values known only at run time (`..iter`).
    Spread(N::Span),
}

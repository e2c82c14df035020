//! What the validator reads: a JSON-shaped tree, seen through the [`Node`] trait.
//!
//! The `card!` macro implements it over its syntax tree (where a value may be a Rust expression
//! and an array may hold loops); runtime validation implements it over parsed JSON. So one
//! validator, with one set of rules, serves both.

/// A JSON-shaped value the validator can read.
///
/// The trait is object-safe and the validator takes `&dyn Node`, so it is compiled once per
/// kind of [`Node::Id`] (the macro's and the runtime's), not once per tree type.
pub trait Node {
    /// What a violation names its node by, handed back as is in
    /// [`Violation::node`](crate::Violation::node): the macro's carries the node's source
    /// span (and its parse-time number, for file positions), so every error has a place by
    /// construction; runtime validation uses `()` (it locates by JSON path).
    type Id: Copy;

    /// This node's id.
    fn id(&self) -> Self::Id;

    /// What this node is.
    fn view(&self) -> View<'_, Self::Id>;
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
pub enum View<'a, I> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(&'a str),
    /// An array.
    Array(Vec<Item<'a, I>>),
    /// An object, with its entries in the order written (duplicates kept).
    Object(Vec<Entry<'a, I>>),
    /// A value computed at run time (an interpolated Rust expression): its type is checked by
    /// the compiler, not here.
    Dynamic,
}

/// One `"key": value` entry of an object.
pub struct Entry<'a, I> {
    /// The key.
    pub key: &'a str,
    /// The key's id (where a violation about the key, a misspelt one say, points).
    pub key_id: I,
    /// The value.
    pub value: &'a dyn Node<Id = I>,
}

/// One item of an array.
pub enum Item<'a, I> {
    /// A value.
    Value(&'a dyn Node<Id = I>),
    /// Items repeated any number of times at run time (the body of a `for` loop).
    Repeated(Vec<Item<'a, I>>),
    /// Alternatives: the items of exactly one branch are present at run time (an `if` /
    /// `else if` / `else` chain; an `if` without `else` has an empty second branch). An
    /// `element_id` may repeat across branches, and the element count takes the largest.
    Conditional(Vec<Vec<Item<'a, I>>>),
    /// Any number of values known only at run time (`..iter`), and the spread's id.
    Spread(I),
}

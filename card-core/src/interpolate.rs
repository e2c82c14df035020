//! What a Rust expression may be when it is interpolated into `card!`, field by field.
//!
//! Text fields take anything that implements `Display`. Markdown fields (`lark_md` and
//! `markdown` content) take the same, and escape it so that it renders literally; wrap trusted
//! markdown in [`TrustedMarkdown`] to insert it as is.

use core::fmt::Display;

use crate::escape::escape_markdown;

/// A value interpolated into a text field (`plain_text` content, a URL, a name): anything
/// that implements `Display`, written as it displays.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be interpolated into a text field of `card!`",
    label = "this value does not implement `Display`",
    note = "text fields take any value that implements `std::fmt::Display`; format it first, e.g. `(format!(\"{{:?}}\", value))`"
)]
pub trait IntoText {
    /// The text.
    fn into_text(self) -> String;
}

impl<T: Display> IntoText for T {
    fn into_text(self) -> String {
        self.to_string()
    }
}

/// A value interpolated into markdown (`lark_md` text, the `markdown` element's `content`).
///
/// Anything that implements `Display` is escaped, so user input renders literally: it cannot
/// mention people (`<at id=all></at>`), add links or formatting. [`TrustedMarkdown`] is
/// inserted as is.
///
/// ```
/// use lark_card::card;
///
/// let name = "<at id=all></at> **everyone**";
/// let card = card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "content": (name) }
/// ] } });
/// let content = card.to_content();
/// assert!(!content.contains("<at"));
/// assert!(!content.contains("**"));
/// # Ok::<(), lark_card::CardError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be interpolated into markdown in `card!`",
    label = "this value does not implement `Display`",
    note = "markdown fields take any `Display` value (escaped so that it renders literally) or `lark_card::TrustedMarkdown` (inserted as is)"
)]
pub trait IntoMarkdown {
    /// The markdown source.
    fn into_markdown(self) -> String;
}

impl<T: Display> IntoMarkdown for T {
    fn into_markdown(self) -> String {
        escape_markdown(&self.to_string()).into_owned()
    }
}

/// Markdown you trust (written by your program, not by users), interpolated into `card!`
/// without escaping. This is the explicit opt-out of escaping: make it with
/// [`trusted_markdown`].
///
/// ```
/// use lark_card::{card, trusted_markdown};
///
/// let status = trusted_markdown("**<font color='green'>passed</font>**");
/// let card = card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "content": (status) }
/// ] } });
/// assert!(card.to_content().contains("**<font color='green'>passed</font>**"));
/// # Ok::<(), lark_card::CardError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TrustedMarkdown(String);

/// Marks markdown as trusted: interpolated into `card!` as is, not escaped. Only for markdown
/// your program wrote; never for user input.
pub fn trusted_markdown(markdown: impl Into<String>) -> TrustedMarkdown {
    TrustedMarkdown(markdown.into())
}

impl TrustedMarkdown {
    /// The markdown source.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl IntoMarkdown for TrustedMarkdown {
    fn into_markdown(self) -> String {
        self.0
    }
}

/// A value interpolated into an integer field (`max_selected`, `rows`...): any integer type
/// whose values all fit an `i64`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be interpolated into an integer field of `card!`",
    label = "expected an integer that fits an `i64`",
    note = "integer fields take `i8`, `i16`, `i32`, `i64`, `u8`, `u16` or `u32`; convert wider values with `i64::try_from(value)?`"
)]
pub trait IntoInteger {
    /// The integer.
    fn into_integer(self) -> i64;
}

macro_rules! into_integer {
    ($($t:ty)*) => {$(
        impl IntoInteger for $t {
            fn into_integer(self) -> i64 {
                i64::from(self)
            }
        }
    )*};
}
into_integer!(i8 i16 i32 i64 u8 u16 u32);

/// A value interpolated into a number field: any integer type whose values fit an `i64`,
/// or a `serde_json::Number`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be interpolated into a number field of `card!`",
    label = "expected an integer or a `serde_json::Number`"
)]
pub trait IntoNumber {
    /// The number.
    fn into_number(self) -> serde_json::Number;
}

impl<T: IntoInteger> IntoNumber for T {
    fn into_number(self) -> serde_json::Number {
        serde_json::Number::from(self.into_integer())
    }
}

impl IntoNumber for serde_json::Number {
    fn into_number(self) -> serde_json::Number {
        self
    }
}

/// An enumeration of the card model (`HeaderTemplate`, `ButtonType`...): what a string
/// interpolated into its field becomes. Implemented by the model's enumerations only.
pub trait Enumeration: Sized {
    /// The variant for a JSON value; `Other` when it is none of the fixed ones (for a closed
    /// enumeration, a value validation refuses before the card is sent).
    fn from_text(value: &str) -> Self;
}

/// A value interpolated into an enumeration field (`"template"`, `"type"`, `"size"`...): the
/// field's own enum (`lark_card::model::HeaderTemplate::Green`), or its JSON value as a
/// `&str` or `String` (`"green"`). A string is checked before the card is sent: one that is
/// none of the field's values is refused with its JSON path, before any request.
///
/// ```
/// use lark_card::{card, CardError, UpdateBody};
///
/// let ok = false;
/// let card = card!({ "schema": "2.0",
///     "header": { "title": { "tag": "plain_text", "content": "Build" },
///                 "template": (if ok { "green" } else { "red" }) },
///     "body": { "elements": [] } });
/// assert!(card.to_content().contains(r#""template":"red""#));
///
/// let colour = "gren";
/// let card = card!({ "schema": "2.0",
///     "header": { "title": { "tag": "plain_text", "content": "Build" }, "template": (colour) },
///     "body": { "elements": [] } });
/// let Err(CardError::Invalid(errors)) = UpdateBody::new(&card) else { panic!("sent") };
/// assert_eq!(errors.first().map(|e| e.path.as_str()), Some("header.template"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be interpolated into an enumeration field of `card!`",
    label = "expected `&str`, `String` or `{E}`",
    note = "an enumeration field takes its enum, `lark_card::model::{E}`, or its JSON value as a `&str` or `String` (checked before the card is sent): map this value to one of them"
)]
pub trait IntoEnumeration<E> {
    /// The enumeration's value.
    fn into_enumeration(self) -> E;
}

impl<E: Enumeration> IntoEnumeration<E> for E {
    fn into_enumeration(self) -> E {
        self
    }
}

impl<E: Enumeration> IntoEnumeration<E> for &str {
    fn into_enumeration(self) -> E {
        E::from_text(self)
    }
}

impl<E: Enumeration> IntoEnumeration<E> for String {
    fn into_enumeration(self) -> E {
        E::from_text(&self)
    }
}

impl<E: Enumeration> IntoEnumeration<E> for &String {
    fn into_enumeration(self) -> E {
        E::from_text(self)
    }
}

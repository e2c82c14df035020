//! What the code `card!` expands to calls. Not a public API: it changes without notice.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use crate::card::{Card, Sharing};
use crate::interpolate::{IntoEnumeration, IntoInteger, IntoMarkdown, IntoNumber, IntoText};
use crate::model::{CardJson, Element};
use crate::raw::Unchecked;

/// A `markdown!` argument: shown escaped, whatever its format spec made of it.
pub struct Escaped<T>(pub T);

impl<T: core::fmt::Display> core::fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&crate::escape::escape_markdown(&self.0.to_string()))
    }
}

/// A string literal.
#[inline]
pub fn lit(s: &str) -> String {
    s.to_string()
}

/// An interpolated text value.
#[inline]
pub fn text<T: IntoText>(value: T) -> String {
    value.into_text()
}

/// An interpolated markdown value (escaped unless trusted).
#[inline]
pub fn markdown<T: IntoMarkdown>(value: T) -> String {
    value.into_markdown()
}

/// An interpolated integer.
#[inline]
pub fn integer<T: IntoInteger>(value: T) -> i64 {
    value.into_integer()
}

/// An interpolated enumeration value: the field's enum, or its JSON value as a string.
#[inline]
pub fn enumeration<E, T: IntoEnumeration<E>>(value: T) -> E {
    value.into_enumeration()
}

/// An interpolated number.
#[inline]
pub fn number<T: IntoNumber>(value: T) -> Number {
    value.into_number()
}

/// A number literal written as an integer that fits an `i64`.
#[inline]
pub fn number_i64(value: i64) -> Number {
    Number::from(value)
}

/// A number literal written as an integer above `i64::MAX`.
#[inline]
pub fn number_u64(value: u64) -> Number {
    Number::from(value)
}

/// A number literal with a fraction or exponent; the macro checked it is finite.
#[inline]
pub fn number_f64(value: f64) -> Number {
    Number::from_f64(value).unwrap_or_else(|| Number::from(0))
}

/// An interpolated element.
#[inline]
pub fn element<T: Into<Element>>(value: T) -> Element {
    value.into()
}

/// Extends a list with the values of a `..spread`.
#[inline]
pub fn extend<T, I>(items: &mut Vec<T>, values: I)
where
    I: IntoIterator,
    I::Item: Into<T>,
{
    items.extend(values.into_iter().map(Into::into));
}

/// A map written as a JSON object with free keys (`i18n`).
#[inline]
pub fn map<V, const N: usize>(entries: [(&str, V); N]) -> BTreeMap<String, V> {
    entries
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// An interpolated JSON value.
#[inline]
pub fn json<T: Into<Value>>(value: T) -> Value {
    value.into()
}

/// A JSON object literal in a field that holds free JSON.
#[inline]
pub fn json_object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut map = Map::new();
    for (key, value) in entries {
        map.insert(key.to_string(), value);
    }
    Value::Object(map)
}

/// serde_json, for the paths the expansion names.
pub use serde_json;

/// The card itself, checked whole by `card!`.
#[inline]
pub fn card<S: Sharing>(json: CardJson) -> Card<S> {
    Card::from_parts(json)
}

/// The card itself, with parts `card!` could not check: validated again before it is sent.
#[inline]
pub fn card_checked_at_send<S: Sharing>(json: CardJson) -> Card<S> {
    Card::checked_at_send(json)
}

/// Properties or an object passed through unchecked (`"$unchecked": { ... }`).
#[inline]
pub fn unchecked(value: Value) -> Unchecked {
    Unchecked::new(value)
}

/// What `card!` expands to when it reports errors, so that only its errors are shown.
#[inline]
pub fn placeholder<S: Sharing>() -> Card<S> {
    Card::from_parts(CardJson::default())
}

/// What `card!(V2Card, { ... })` makes of the card JSON 2.0 card it checked.
#[diagnostic::on_unimplemented(
    message = "`card!` cannot build a `{Self}`: the type before the card can only be `V2Card`",
    label = "not `V2Card`",
    note = "`card!(V2Card, {{ \"schema\": \"2.0\", ... }})` builds a `lark_card::callback::V2Card` (feature `callback`); without a type, `card!` builds a `Card`"
)]
pub trait FromCheckedV2 {
    /// The card, which `card!` checked to be card JSON 2.0.
    fn from_checked_v2(card: Card<crate::card::Shared>) -> Self;
}

#[cfg(feature = "callback")]
impl FromCheckedV2 for crate::callback::V2Card {
    #[inline]
    fn from_checked_v2(card: Card<crate::card::Shared>) -> Self {
        crate::callback::V2Card::checked(card)
    }
}

/// `streaming_card!`: the card it checked, with the struct of its element ids.
#[inline]
pub fn streaming_card<Ids>(
    card: Card<crate::card::Shared>,
    ids: Ids,
) -> crate::cardkit::StreamingCard<Ids> {
    crate::cardkit::StreamingCard::checked(card, ids)
}

/// A `markdown` element's or `plain_text` text object's id, checked by `streaming_card!`.
#[inline]
pub fn stream_target(id: &'static str, tag: &'static str) -> crate::cardkit::StreamTarget {
    crate::cardkit::StreamTarget::from_macro(id, tag)
}

/// Another element's id, checked by `streaming_card!`.
#[inline]
pub fn element_id(id: &'static str) -> crate::cardkit::ElementId {
    crate::cardkit::ElementId::checked(id)
}

/// A field of the user's ids struct (`streaming_card!(AnswerIds, { ... })`), converted to
/// the field's type.
#[inline]
pub fn id_field<T: crate::cardkit::IdField<S>, S>(id: S) -> T {
    T::id_field(id)
}

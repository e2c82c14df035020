//! The ids a CardKit operation names: the card entity, an element, a stream target.

use core::fmt;
use core::str::FromStr;

use lark_card_schema::catalogue::is_element_id;
use lark_card_schema::lark::limits::MAX_CARD_ID_CHARS;
use lark_card_schema::lark::STREAMABLE_TAGS;
use serde::{Deserialize, Serialize};

/// A string that is not a valid id, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what}: {expected}")]
pub struct InvalidId {
    /// What was expected: "card id", "element id" or "uuid".
    pub what: &'static str,
    /// The string given (at most its first 100 characters).
    pub value: String,
    /// What a valid one looks like.
    pub expected: &'static str,
}

impl InvalidId {
    pub(crate) fn new(what: &'static str, value: &str, expected: &'static str) -> Self {
        InvalidId {
            what,
            value: value.chars().take(100).collect(),
            expected,
        }
    }
}

/// The id of a card entity, as creating one answers it (`"7355372766134157313"`): 1 to
/// [`MAX_CARD_ID_CHARS`] characters.
///
/// ```
/// use lark_card::cardkit::CardId;
///
/// let id: CardId = "7355372766134157313".parse()?;
/// assert_eq!(id.as_str(), "7355372766134157313");
/// assert!("".parse::<CardId>().is_err());
/// # Ok::<(), lark_card::cardkit::InvalidId>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardId(String);

impl TryFrom<String> for CardId {
    type Error = InvalidId;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        CardId::new(value)
    }
}

impl From<CardId> for String {
    fn from(id: CardId) -> Self {
        id.0
    }
}

impl CardId {
    /// Checks and wraps a card id.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidId> {
        let value = value.into();
        let chars = value.chars().count();
        if chars == 0 || chars > MAX_CARD_ID_CHARS {
            return Err(InvalidId::new("card id", &value, "1 to 20 characters"));
        }
        Ok(CardId(value))
    }

    /// The id, as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CardId {
    type Err = InvalidId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CardId::new(s)
    }
}

impl fmt::Display for CardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An element's `element_id`: what patching, replacing and deleting an element name. A
/// letter, then letters, digits or `_`, at most 20 characters.
///
/// The ids of a [`streaming_card!`](crate::streaming_card) card are fields of
/// [`StreamingCard::ids`](super::StreamingCard::ids); [`StreamingCard::element_id`](super::StreamingCard::element_id)
/// looks one up at run time. An id that names a `markdown` element or a `plain_text` text
/// object is a [`StreamTarget`] instead, which converts into an `ElementId`.
///
/// ```
/// use lark_card::cardkit::ElementId;
///
/// let id = ElementId::new("stop_button")?;
/// assert_eq!(id.as_str(), "stop_button");
/// assert!(ElementId::new("1st").is_err());
/// # Ok::<(), lark_card::cardkit::InvalidId>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ElementId(String);

impl TryFrom<String> for ElementId {
    type Error = InvalidId;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        ElementId::new(value)
    }
}

impl From<ElementId> for String {
    fn from(id: ElementId) -> Self {
        id.0
    }
}

impl ElementId {
    /// Checks and wraps an element id.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidId> {
        let value = value.into();
        if !is_element_id(&value) {
            return Err(InvalidId::new(
                "element id",
                &value,
                "a letter, then letters, digits or `_`, at most 20 characters",
            ));
        }
        Ok(ElementId(value))
    }

    /// An id `streaming_card!` read from the card: checked when it compiled.
    pub(crate) fn checked(value: &'static str) -> Self {
        ElementId(value.to_string())
    }

    /// The id, as written in the card.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ElementId {
    type Err = InvalidId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ElementId::new(s)
    }
}

impl fmt::Display for ElementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&ElementId> for ElementId {
    fn from(id: &ElementId) -> Self {
        id.clone()
    }
}

/// The `element_id` of an element whose text can be streamed: a `markdown` element or a
/// `plain_text` text object of the card ([`STREAMABLE_TAGS`]). Lark refuses to stream into
/// any other element (300310), so a `StreamTarget` is made only where that was checked: a
/// field of [`streaming_card!`](crate::streaming_card)'s ids (when the program compiles), or
/// [`StreamingCard::stream_target`](super::StreamingCard::stream_target) (at run time).
///
/// ```
/// let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "element_id": "answer", "content": "Thinking…" }
/// ] } });
/// let answer = &card.ids().answer;
/// assert_eq!((answer.as_str(), answer.tag()), ("answer", "markdown"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StreamTarget {
    id: ElementId,
    tag: &'static str,
}

impl StreamTarget {
    /// A target whose tag was checked: `tag` is one of [`STREAMABLE_TAGS`].
    pub(crate) fn checked(id: ElementId, tag: &str) -> Option<Self> {
        let tag = STREAMABLE_TAGS.iter().find(|t| **t == tag)?;
        Some(StreamTarget { id, tag })
    }

    /// A target `streaming_card!` read from the card, its tag checked when it compiled.
    pub(crate) fn from_macro(id: &'static str, tag: &'static str) -> Self {
        StreamTarget {
            id: ElementId::checked(id),
            tag,
        }
    }

    /// The streamed element's id, for the path of the streaming call.
    pub fn element_id(&self) -> &ElementId {
        &self.id
    }

    /// The id, as written in the card.
    pub fn as_str(&self) -> &str {
        self.id.as_str()
    }

    /// The element's tag: `"markdown"` or `"plain_text"`.
    pub fn tag(&self) -> &'static str {
        self.tag
    }
}

impl fmt::Display for StreamTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id.as_str())
    }
}

impl AsRef<ElementId> for StreamTarget {
    fn as_ref(&self) -> &ElementId {
        &self.id
    }
}

impl From<StreamTarget> for ElementId {
    fn from(target: StreamTarget) -> Self {
        target.id
    }
}

impl From<&StreamTarget> for ElementId {
    fn from(target: &StreamTarget) -> Self {
        target.id.clone()
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::StreamTarget {}
    impl Sealed for &super::StreamTarget {}
}

/// What text can be streamed into: a [`StreamTarget`], by value or by reference.
///
/// Streaming takes `impl IntoStreamTarget`, so naming an element that is not a `markdown`
/// element or a `plain_text` text object (a button's [`ElementId`], say) does not compile:
///
/// ```compile_fail
/// let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "element_id": "answer", "content": "" },
///     { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
/// ] } });
/// // error: `ElementId` is not a stream target: only a `markdown` element or a `plain_text`
/// //        text object can be streamed into
/// let body = lark_card::cardkit::StreamContent::new(&card.ids().stop, "…", lark_card::cardkit::Sequence::FIRST);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a stream target: only a `markdown` element or a `plain_text` text object can be streamed into",
    label = "not a `markdown` or `plain_text` element",
    note = "Lark refuses to stream text into any other element (300310)",
    note = "stream into a `markdown` element of the card (a `StreamTarget` field of `card.ids()`); patch or replace this element instead"
)]
pub trait IntoStreamTarget: sealed::Sealed {
    /// The target.
    fn into_stream_target(self) -> StreamTarget;
}

impl IntoStreamTarget for StreamTarget {
    fn into_stream_target(self) -> StreamTarget {
        self
    }
}

impl IntoStreamTarget for &StreamTarget {
    fn into_stream_target(self) -> StreamTarget {
        self.clone()
    }
}

/// The type of a field of your own ids struct, for `streaming_card!(YourIds, { ... })`:
/// [`StreamTarget`] for a `markdown` element or a `plain_text` text object, [`ElementId`]
/// for any element (a stream target too). A [`StreamTarget`] field for another element does
/// not compile.
///
/// ```compile_fail
/// use lark_card::cardkit::StreamTarget;
///
/// struct Ids { stop: StreamTarget }
/// // error: the element of this `element_id` cannot be a `StreamTarget` field: only a
/// //        `markdown` element or a `plain_text` text object can be streamed into
/// let card = lark_card::streaming_card!(Ids, { "schema": "2.0", "body": { "elements": [
///     { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
/// ] } });
/// ```
#[diagnostic::on_unimplemented(
    message = "the element of this `element_id` cannot be a `{Self}` field: only a `markdown` element or a `plain_text` text object can be streamed into",
    label = "not a `markdown` or `plain_text` element",
    note = "Lark refuses to stream text into any other element (300310)",
    note = "make the field an `ElementId` (to patch, replace or delete the element), or give it the id of a `markdown` element"
)]
pub trait IdField<Of>: Sized {
    /// The field's value.
    fn id_field(id: Of) -> Self;
}

impl IdField<StreamTarget> for StreamTarget {
    fn id_field(id: StreamTarget) -> Self {
        id
    }
}

impl IdField<StreamTarget> for ElementId {
    fn id_field(id: StreamTarget) -> Self {
        id.into()
    }
}

impl IdField<ElementId> for ElementId {
    fn id_field(id: ElementId) -> Self {
        id
    }
}

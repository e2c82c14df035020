//! The card a card entity is made of: a card JSON 2.0 card and the ids of its elements.

use lark_card_schema::{did_you_mean, validate_card, ViolationKind};
use serde_json::Value;

use super::ids::{ElementId, StreamTarget};
use crate::card::{Card, Shared};
use crate::error::CardError;
use crate::json_tree::JsonNode;
use crate::model::SchemaVersion;

/// A card JSON 2.0 card to make a CardKit card entity of, with the ids of its elements.
///
/// [`streaming_card!`](crate::streaming_card) builds one checked when the program compiles:
/// `Ids` is a struct made for the card, one field per literal `element_id`, a
/// [`StreamTarget`] for a `markdown` element or a `plain_text` text object and an
/// [`ElementId`] for any other element. [`StreamingCard::from_json`] and
/// [`StreamingCard::from_card`] take a card made at run time (`Ids` is `()`): its ids are
/// looked up, and checked, with [`StreamingCard::stream_target`] and
/// [`StreamingCard::element_id`], before any request.
///
/// ```
/// use lark_card::cardkit::{StreamingCard, StreamTargetError};
///
/// let card = StreamingCard::from_json(r#"{ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "element_id": "answer", "content": "" },
///     { "tag": "hr", "element_id": "rule" }
/// ] } }"#)?;
/// assert_eq!(card.stream_target("answer")?.tag(), "markdown");
/// let Err(StreamTargetError::Unknown { suggestion, .. }) = card.stream_target("answr") else { panic!() };
/// assert_eq!(suggestion.as_deref(), Some("answer"));
/// assert!(matches!(card.stream_target("rule"), Err(StreamTargetError::NotStreamable { .. })));
/// assert_eq!(card.element_id("rule")?.as_str(), "rule");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct StreamingCard<Ids = ()> {
    card: Card<Shared>,
    ids: Ids,
}

/// Card JSON that cannot make a card entity.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamingCardError {
    /// The card JSON is not valid.
    #[error(transparent)]
    Card(#[from] CardError),
    /// A card JSON 1.0 card: CardKit takes 2.0 only (Lark answers 300303).
    #[error("{}", ViolationKind::CardKitNeedsV2)]
    NotV2,
}

/// An `element_id` that names no element of the card, or one that cannot be streamed into.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamTargetError {
    /// No element of the card has this `element_id`.
    #[error("the card has no element with `element_id` `{id}`{}", suggest(suggestion.as_deref()))]
    Unknown {
        /// The id asked for.
        id: String,
        /// The card's id closest to it, if one is close.
        suggestion: Option<String>,
    },
    /// The element is neither a `markdown` element nor a `plain_text` text object.
    #[error("`{id}` is a `{tag}`, which cannot be streamed into: only a `markdown` element or a `plain_text` text object can (Lark answers 300310)")]
    NotStreamable {
        /// The id asked for.
        id: String,
        /// The element's tag.
        tag: String,
    },
}

fn suggest(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}

impl StreamingCard<()> {
    /// Reads card JSON made at run time and checks it as `card!` does; it must be a 2.0 card.
    ///
    /// ```
    /// use lark_card::cardkit::{StreamingCard, StreamingCardError};
    ///
    /// let v1 = r#"{ "elements": [ { "tag": "hr" } ] }"#;
    /// assert!(matches!(StreamingCard::from_json(v1), Err(StreamingCardError::NotV2)));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, StreamingCardError> {
        let card = Card::<Shared>::from_json(text).map_err(|error| match error {
            // A 1.0 card without `update_multi` is refused for being 1.0, not for sharing.
            CardError::NotShared => StreamingCardError::NotV2,
            other => StreamingCardError::Card(other),
        })?;
        Self::from_card(card)
    }

    /// A shared card, if it is card JSON 2.0.
    pub fn from_card(card: Card<Shared>) -> Result<Self, StreamingCardError> {
        match card.json().schema {
            Some(SchemaVersion::V2) => Ok(StreamingCard { card, ids: () }),
            _ => Err(StreamingCardError::NotV2),
        }
    }
}

impl<Ids> StreamingCard<Ids> {
    /// What `streaming_card!` expands to: a 2.0 card it checked, with its ids.
    pub(crate) fn checked(card: Card<Shared>, ids: Ids) -> Self {
        StreamingCard { card, ids }
    }

    /// The ids of the card's elements, checked when the program compiled (the fields of the
    /// struct `streaming_card!` made for this card).
    pub fn ids(&self) -> &Ids {
        &self.ids
    }

    /// The card itself, to send or create as a CardKit card entity.
    pub fn card(&self) -> &Card<Shared> {
        &self.card
    }

    /// The card itself, by value (the element ids are dropped).
    pub fn into_card(self) -> Card<Shared> {
        self.card
    }

    /// The element `id`, checked to be in the card and to be a `markdown` element or a
    /// `plain_text` text object. For ids computed at run time; a literal `element_id` of a
    /// `streaming_card!` card is a field of [`StreamingCard::ids`].
    pub fn stream_target(&self, id: &str) -> Result<StreamTarget, StreamTargetError> {
        let (id, tag) = self.find(id)?;
        let not_streamable = || StreamTargetError::NotStreamable {
            id: id.as_str().to_string(),
            tag: tag.clone(),
        };
        StreamTarget::checked(id.clone(), &tag).ok_or_else(not_streamable)
    }

    /// The element `id`, checked to be in the card: what patching, replacing or deleting the
    /// element names.
    pub fn element_id(&self, id: &str) -> Result<ElementId, StreamTargetError> {
        self.find(id).map(|(id, _)| id)
    }

    /// How many elements the card has, as Lark counts them for its limit of 200 (300305): the
    /// `plain_text` text objects inside elements count too.
    pub fn element_count(&self) -> Result<usize, CardError> {
        let tree: JsonNode =
            serde_json::from_str(&self.card.to_content()).map_err(CardError::Json)?;
        Ok(validate_card(&tree).elements)
    }

    /// The id and tag of the element `id`.
    fn find(&self, id: &str) -> Result<(ElementId, String), StreamTargetError> {
        let mut elements = Vec::new();
        if let Ok(json) = serde_json::from_str::<Value>(&self.card.to_content()) {
            collect(&json, &mut elements);
        }
        match elements.iter().find(|(found, _)| found == id) {
            Some((found, tag)) => {
                let unknown = || StreamTargetError::Unknown {
                    id: id.to_string(),
                    suggestion: None,
                };
                let id = ElementId::new(found.as_str()).map_err(|_| unknown())?;
                Ok((id, tag.clone()))
            }
            None => Err(StreamTargetError::Unknown {
                id: id.to_string(),
                suggestion: did_you_mean(id, elements.iter().map(|(found, _)| found.as_str()))
                    .map(str::to_string),
            }),
        }
    }
}

/// Every `(element_id, tag)` of the card.
fn collect(json: &Value, out: &mut Vec<(String, String)>) {
    match json {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("element_id") {
                let tag = match map.get("tag") {
                    Some(Value::String(tag)) => tag.clone(),
                    _ => String::new(),
                };
                out.push((id.clone(), tag));
            }
            map.values().for_each(|v| collect(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

//! The request bodies of CardKit's endpoints, typed. Each serializes (serde) to the JSON body
//! Lark documents; the fields Lark takes as JSON *strings* (`data`, `settings`, `actions`,
//! `elements`, `element`, `partial_element`) are written as strings here. The ids in the path
//! (`card_id`, `element_id`) are kept beside the body, not in it.

use lark_card_schema::lark::limits::{
    MAX_CREATE_DATA_CHARS, MAX_SETTINGS_CHARS, MAX_STREAM_CONTENT_CHARS, MAX_UPDATE_DATA_CHARS,
};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::card::StreamingCard;
use super::ids::{ElementId, IntoStreamTarget, StreamTarget};
use super::sequence::{OperationUuid, Sequence};
use crate::error::CardError;
use crate::model::{Config, Element, StreamingConfig, Summary, UrlSet};
use crate::write_json::WriteJson;

/// A body that cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// The card failed the checks made before it is sent (see `Card::checks_at_send`).
    #[error(transparent)]
    Card(#[from] CardError),
    /// Streamed text must have at least one character.
    #[error("the streamed text is empty: Lark takes 1 to 100000 characters")]
    EmptyContent,
    /// Streamed text over [`MAX_STREAM_CONTENT_CHARS`].
    #[error("the streamed text has {chars} characters; Lark takes at most {max} (continue in a new card)")]
    ContentTooLong {
        /// How many characters.
        chars: usize,
        /// The most Lark takes.
        max: usize,
    },
    /// A JSON string field over Lark's limit for it (`data`, `settings`, `actions`).
    #[error("`{field}` has {chars} characters; Lark takes at most {max}")]
    FieldTooLong {
        /// The field.
        field: &'static str,
        /// How many characters.
        chars: usize,
        /// The most Lark takes.
        max: usize,
    },
    /// A value could not be written as JSON.
    #[error("cannot write the body as JSON")]
    Json(#[source] serde_json::Error),
}

/// A value serialized as the JSON string of its JSON: `"{\"a\":1}"`.
fn json_string<T: Serialize>(value: &T) -> Result<String, BodyError> {
    serde_json::to_string(value).map_err(BodyError::Json)
}

/// `value`, if it has at most `max` characters.
fn within(field: &'static str, value: String, max: usize) -> Result<String, BodyError> {
    let chars = value.chars().count();
    if chars > max {
        return Err(BodyError::FieldTooLong { field, chars, max });
    }
    Ok(value)
}

fn model_string(value: &impl WriteJson) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// What the `uuid` and `sequence` of every operation on a card entity say.
macro_rules! operation {
    ($($body:ident),*) => {$(
        impl $body {
            /// Adds the `uuid` that makes a retry of this operation safe (Lark applies an
            /// operation of one `uuid` once).
            pub fn with_uuid(mut self, uuid: OperationUuid) -> Self {
                self.uuid = Some(uuid);
                self
            }

            /// The operation's `sequence`.
            pub fn sequence(&self) -> Sequence {
                self.sequence
            }

            /// The operation's `uuid`, if it has one.
            pub fn uuid(&self) -> Option<&OperationUuid> {
                self.uuid.as_ref()
            }
        }
    )*};
}

/// `"card_json"`: how a card entity's card is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum CardType {
    CardJson,
}

/// `POST /open-apis/cardkit/v1/cards`: make a card entity of a 2.0 card.
///
/// ```
/// use lark_card::cardkit::CreateCard;
///
/// let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "element_id": "answer", "content": "…" }
/// ] } });
/// let body = CreateCard::new(&card)?;
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"type":"card_json","data":"{\"schema\":\"2.0\",\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"…\",\"element_id\":\"answer\"}]}}"}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreateCard {
    r#type: CardType,
    data: String,
}

impl CreateCard {
    /// The body for a card; a card with parts `card!` could not check is validated first.
    pub fn new<Ids>(card: &StreamingCard<Ids>) -> Result<Self, BodyError> {
        let data = crate::SendableCard::content(card.card())?;
        Ok(CreateCard {
            r#type: CardType::CardJson,
            data: within("data", data, MAX_CREATE_DATA_CHARS)?,
        })
    }

    /// The card JSON, as sent in `data`.
    pub fn data(&self) -> &str {
        &self.data
    }
}

/// `card` of a full update: `{"type":"card_json","data":"…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct CardData {
    r#type: CardType,
    data: String,
}

/// `PUT /open-apis/cardkit/v1/cards/:card_id`: replace the whole card (works whether
/// streaming mode is on or not, so it also finishes a stream whose mode was closed).
///
/// ```
/// use lark_card::cardkit::{FullUpdate, Sequence};
///
/// let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [] } });
/// let body = FullUpdate::new(&card, Sequence::new(7)?)?;
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"card":{"type":"card_json","data":"{\"schema\":\"2.0\",\"body\":{\"elements\":[]}}"},"sequence":7}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FullUpdate {
    card: CardData,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<OperationUuid>,
    sequence: Sequence,
}

impl FullUpdate {
    /// The body for a card; a card with parts `card!` could not check is validated first.
    pub fn new<Ids>(card: &StreamingCard<Ids>, sequence: Sequence) -> Result<Self, BodyError> {
        let data = crate::SendableCard::content(card.card())?;
        Ok(FullUpdate {
            card: CardData {
                r#type: CardType::CardJson,
                data: within("card.data", data, MAX_UPDATE_DATA_CHARS)?,
            },
            uuid: None,
            sequence,
        })
    }
}

/// What the settings operation sets: the card's `config` (streaming mode, summary, how
/// streamed text is printed) and its `card_link`. Fields left `None` are left as they are.
///
/// ```
/// use lark_card::cardkit::Settings;
///
/// let finish = Settings::streaming(false).with_summary("Done: 3 files changed");
/// assert_eq!(
///     serde_json::to_string(&finish)?,
///     r#"{"config":{"streaming_mode":false,"summary":{"content":"Done: 3 files changed"}}}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Settings {
    /// The card's `config`: `streaming_mode`, `summary`, `streaming_config`, … .
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Config>,
    /// Where a click on the card leads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_link: Option<UrlSet>,
}

impl Settings {
    /// Streaming mode on (`true`) or off (`false`). Lark closes it by itself 10 minutes after
    /// it was last turned on.
    pub fn streaming(on: bool) -> Self {
        Settings {
            config: Some(Config {
                streaming_mode: Some(on),
                ..Config::default()
            }),
            card_link: None,
        }
    }

    /// Also sets what the chat list shows for the card (while streaming, "[生成中...]" unless
    /// set; closing streaming mode does not reset it).
    pub fn with_summary(mut self, summary: impl Into<String>) -> Self {
        self.config.get_or_insert_with(Config::default).summary = Some(Summary {
            content: Some(summary.into()),
            ..Summary::default()
        });
        self
    }

    /// Also sets how streamed text is printed ([`print_config`]).
    pub fn with_streaming_config(mut self, config: StreamingConfig) -> Self {
        self.config
            .get_or_insert_with(Config::default)
            .streaming_config = Some(config);
        self
    }
}

/// `streaming_config` with one value for every platform: `frequency_ms` between printing
/// steps (Lark's default 70), `step` characters per step (default 1), and the strategy for
/// text not yet printed when new text comes (`fast`, the default: shown at once; `delay`:
/// printed first).
///
/// ```
/// use lark_card::cardkit::print_config;
/// use lark_card::model::PrintStrategy;
///
/// let config = print_config(70, 1, PrintStrategy::Fast);
/// assert_eq!(
///     serde_json::to_string(&config)?,
///     r#"{"print_frequency_ms":{"default":70},"print_step":{"default":1},"print_strategy":"fast"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn print_config(
    frequency_ms: u32,
    step: u32,
    strategy: crate::model::PrintStrategy,
) -> StreamingConfig {
    let every = |value: u32| crate::model::PerPlatform {
        default: Some(value.into()),
        ..Default::default()
    };
    StreamingConfig {
        print_frequency_ms: Some(every(frequency_ms)),
        print_step: Some(every(step)),
        print_strategy: Some(strategy),
        ..StreamingConfig::default()
    }
}

/// `PATCH /open-apis/cardkit/v1/cards/:card_id/settings`.
///
/// ```
/// use lark_card::cardkit::{Sequence, Settings, UpdateSettings};
///
/// let body = UpdateSettings::new(&Settings::streaming(false), Sequence::new(12)?)?;
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"settings":"{\"config\":{\"streaming_mode\":false}}","sequence":12}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UpdateSettings {
    settings: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<OperationUuid>,
    sequence: Sequence,
}

impl UpdateSettings {
    /// The body for these settings.
    pub fn new(settings: &Settings, sequence: Sequence) -> Result<Self, BodyError> {
        Ok(UpdateSettings {
            settings: within("settings", json_string(settings)?, MAX_SETTINGS_CHARS)?,
            uuid: None,
            sequence,
        })
    }
}

/// Where added elements go: before or after an element, or at the end of a container (of
/// the card's body when `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Before this element, in its container.
    InsertBefore(ElementId),
    /// After this element, in its container.
    InsertAfter(ElementId),
    /// At the end of this container, or of the card's body.
    Append(Option<ElementId>),
}

impl Placement {
    fn parts(&self) -> (&'static str, Option<&ElementId>) {
        match self {
            Placement::InsertBefore(id) => ("insert_before", Some(id)),
            Placement::InsertAfter(id) => ("insert_after", Some(id)),
            Placement::Append(id) => ("append", id.as_ref()),
        }
    }
}

/// `POST /open-apis/cardkit/v1/cards/:card_id/elements`. The elements are not checked here:
/// Lark checks them (300315, 300301 for an `element_id` the card has).
///
/// ```
/// use lark_card::cardkit::{AddElements, ElementId, Placement, Sequence};
/// use lark_card::model::{Element, Hr};
///
/// let after = Placement::InsertAfter(ElementId::new("answer")?);
/// let body = AddElements::new(&after, &[Element::Hr(Hr::default())], Sequence::new(3)?);
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"type":"insert_after","target_element_id":"answer","sequence":3,"elements":"[{\"tag\":\"hr\"}]"}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AddElements {
    r#type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_element_id: Option<ElementId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<OperationUuid>,
    sequence: Sequence,
    elements: String,
}

impl AddElements {
    /// The body that adds `elements` at `placement`.
    pub fn new(placement: &Placement, elements: &[Element], sequence: Sequence) -> Self {
        let (r#type, target) = placement.parts();
        let mut list = String::from("[");
        for (i, element) in elements.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            element.write_json(&mut list);
        }
        list.push(']');
        AddElements {
            r#type,
            target_element_id: target.cloned(),
            uuid: None,
            sequence,
            elements: list,
        }
    }
}

/// The fields of an element to change, for [`PatchElement`] and
/// [`BatchAction::PartialUpdateElement`]: any of the element's fields but its `tag` (300312);
/// an `element_id` renames it.
///
/// ```
/// use lark_card::cardkit::PartialElement;
///
/// let collapse = PartialElement::new().set("expanded", false);
/// assert_eq!(serde_json::to_string(&collapse)?, r#"{"expanded":false}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PartialElement(Map<String, Value>);

impl PartialElement {
    /// No field yet.
    pub fn new() -> Self {
        PartialElement::default()
    }

    /// Sets a field.
    pub fn set(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.0.insert(field.into(), value.into());
        self
    }
}

/// `PATCH /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.
///
/// ```
/// use lark_card::cardkit::{ElementId, PartialElement, PatchElement, Sequence};
///
/// let panel = ElementId::new("panel")?;
/// let body = PatchElement::new(panel, &PartialElement::new().set("expanded", false), Sequence::new(9)?)?;
/// assert_eq!(body.element_id().as_str(), "panel");
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"partial_element":"{\"expanded\":false}","sequence":9}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PatchElement {
    #[serde(skip)]
    element_id: ElementId,
    partial_element: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<OperationUuid>,
    sequence: Sequence,
}

impl PatchElement {
    /// The body that changes these fields of the element.
    pub fn new(
        element: impl Into<ElementId>,
        fields: &PartialElement,
        sequence: Sequence,
    ) -> Result<Self, BodyError> {
        Ok(PatchElement {
            element_id: element.into(),
            partial_element: json_string(fields)?,
            uuid: None,
            sequence,
        })
    }

    /// The element, for the path.
    pub fn element_id(&self) -> &ElementId {
        &self.element_id
    }
}

/// `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`: the element replaced by
/// another (with the same `tag`, or Lark answers 300312).
///
/// ```
/// use lark_card::cardkit::{ElementId, ReplaceElement, Sequence};
/// use lark_card::model::{Element, Markdown};
///
/// let note = Element::Markdown(Markdown { content: Some("Done".into()), ..Default::default() });
/// let body = ReplaceElement::new(ElementId::new("status")?, &note, Sequence::new(4)?);
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"element":"{\"tag\":\"markdown\",\"content\":\"Done\"}","sequence":4}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReplaceElement {
    #[serde(skip)]
    element_id: ElementId,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<OperationUuid>,
    element: String,
    sequence: Sequence,
}

impl ReplaceElement {
    /// The body that puts `element` in place of the element.
    pub fn new(target: impl Into<ElementId>, element: &Element, sequence: Sequence) -> Self {
        ReplaceElement {
            element_id: target.into(),
            uuid: None,
            element: model_string(element),
            sequence,
        }
    }

    /// The element replaced, for the path.
    pub fn element_id(&self) -> &ElementId {
        &self.element_id
    }
}

/// `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content`: the whole text
/// of a `markdown` element or `plain_text` text object, each time (the typewriter effect
/// prints what extends the previous text). Only a [`StreamTarget`] is taken.
///
/// ```
/// use lark_card::cardkit::{Sequence, StreamContent};
///
/// let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "element_id": "answer", "content": "" }
/// ] } });
/// let body = StreamContent::new(&card.ids().answer, "Hello, wor", Sequence::new(2)?)?;
/// assert_eq!(body.target().as_str(), "answer");
/// assert_eq!(serde_json::to_string(&body)?, r#"{"content":"Hello, wor","sequence":2}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StreamContent {
    #[serde(skip)]
    target: StreamTarget,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<OperationUuid>,
    content: String,
    sequence: Sequence,
}

impl StreamContent {
    /// The body that shows `text` in the target: 1 to 100,000 characters.
    pub fn new(
        target: impl IntoStreamTarget,
        text: impl Into<String>,
        sequence: Sequence,
    ) -> Result<Self, BodyError> {
        let content = text.into();
        let chars = content.chars().count();
        if chars == 0 {
            return Err(BodyError::EmptyContent);
        }
        if chars > MAX_STREAM_CONTENT_CHARS {
            return Err(BodyError::ContentTooLong {
                chars,
                max: MAX_STREAM_CONTENT_CHARS,
            });
        }
        Ok(StreamContent {
            target: target.into_stream_target(),
            uuid: None,
            content,
            sequence,
        })
    }

    /// The element streamed into, for the path.
    pub fn target(&self) -> &StreamTarget {
        &self.target
    }

    /// The whole text the target shows after this call, not only what was added since the
    /// last one (1 to [`MAX_STREAM_CONTENT_CHARS`] characters).
    pub fn content(&self) -> &str {
        &self.content
    }
}

/// `DELETE /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`, with this JSON body
/// (a container goes with its children).
///
/// ```
/// use lark_card::cardkit::{DeleteElement, ElementId, OperationUuid, Sequence};
///
/// let body = DeleteElement::new(ElementId::new("spinner")?, Sequence::new(5)?)
///     .with_uuid(OperationUuid::new("d_5")?);
/// assert_eq!(serde_json::to_string(&body)?, r#"{"uuid":"d_5","sequence":5}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeleteElement {
    #[serde(skip)]
    element_id: ElementId,
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<OperationUuid>,
    sequence: Sequence,
}

impl DeleteElement {
    /// The body that deletes the element.
    pub fn new(element: impl Into<ElementId>, sequence: Sequence) -> Self {
        DeleteElement {
            element_id: element.into(),
            uuid: None,
            sequence,
        }
    }

    /// The element deleted, for the path.
    pub fn element_id(&self) -> &ElementId {
        &self.element_id
    }
}

/// One action of a batch update, as `{"action": "...", "params": {...}}`; unlike the single
/// operations, its settings and elements are JSON objects, not strings.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum BatchAction {
    /// `partial_update_setting`: settings.
    PartialUpdateSetting(Box<Settings>),
    /// `add_elements`: elements at a placement.
    AddElements(Placement, Vec<Element>),
    /// `delete_elements`: elements (with their children).
    DeleteElements(Vec<ElementId>),
    /// `partial_update_element`: fields of an element.
    PartialUpdateElement(ElementId, PartialElement),
    /// `update_element`: an element replaced.
    UpdateElement(ElementId, Box<Element>),
}

impl Serialize for BatchAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut params = Map::new();
        let as_json =
            |element: &Element| serde_json::to_value(element).map_err(serde::ser::Error::custom);
        let action = match self {
            BatchAction::PartialUpdateSetting(settings) => {
                let settings = serde_json::to_value(settings).map_err(serde::ser::Error::custom)?;
                params.insert("settings".into(), settings);
                "partial_update_setting"
            }
            BatchAction::AddElements(placement, elements) => {
                let (kind, target) = placement.parts();
                params.insert("type".into(), kind.into());
                if let Some(target) = target {
                    params.insert("target_element_id".into(), target.as_str().into());
                }
                let list = elements.iter().map(as_json).collect::<Result<_, _>>()?;
                params.insert("elements".into(), Value::Array(list));
                "add_elements"
            }
            BatchAction::DeleteElements(ids) => {
                let ids = ids.iter().map(|id| Value::from(id.as_str())).collect();
                params.insert("element_ids".into(), Value::Array(ids));
                "delete_elements"
            }
            BatchAction::PartialUpdateElement(id, fields) => {
                params.insert("element_id".into(), id.as_str().into());
                params.insert("partial_element".into(), Value::Object(fields.0.clone()));
                "partial_update_element"
            }
            BatchAction::UpdateElement(id, element) => {
                params.insert("element_id".into(), id.as_str().into());
                params.insert("element".into(), as_json(element)?);
                "update_element"
            }
        };
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("action", action)?;
        map.serialize_entry("params", &params)?;
        map.end()
    }
}

/// `POST /open-apis/cardkit/v1/cards/:card_id/batch_update`: several actions, applied in
/// order as one operation.
///
/// ```
/// use lark_card::cardkit::{BatchAction, BatchUpdate, Sequence, Settings};
///
/// let open = BatchAction::PartialUpdateSetting(Box::new(Settings::streaming(true)));
/// let body = BatchUpdate::new(&[open], Sequence::new(8)?)?;
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"sequence":8,"actions":"[{\"action\":\"partial_update_setting\",\"params\":{\"settings\":{\"config\":{\"streaming_mode\":true}}}}]"}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    uuid: Option<OperationUuid>,
    sequence: Sequence,
    actions: String,
}

impl BatchUpdate {
    /// The body for these actions.
    pub fn new(actions: &[BatchAction], sequence: Sequence) -> Result<Self, BodyError> {
        Ok(BatchUpdate {
            uuid: None,
            sequence,
            actions: within("actions", json_string(&actions)?, MAX_UPDATE_DATA_CHARS)?,
        })
    }
}

operation!(
    FullUpdate,
    UpdateSettings,
    AddElements,
    PatchElement,
    ReplaceElement,
    StreamContent,
    DeleteElement,
    BatchUpdate
);

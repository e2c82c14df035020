//! CardKit's card entities as plain data: the card an entity holds, the changes its
//! operations make to it, and the checks its card passes after each one.
//!
//! The rules that need the rest of the emulator (the app, the message it was sent in, the
//! `sequence`, `uuid` and rate limit) are the state's (`state/cardkit.rs`); here a change is
//! applied to a card JSON tree and the result checked, as CardKit does:
//!
//! - the card is card JSON 2.0 (300303), not `update_multi: false` (300302), valid by
//!   lark-card's runtime rules (200220, or the code of the operation that failed), without two
//!   elements of one `element_id` (300301), with at most
//!   [`MAX_CARD_ELEMENTS`](lark_card::lark::limits::MAX_CARD_ELEMENTS) elements and components
//!   counted as lark-card counts them (300305), and at most
//!   [`MAX_CARD_BODY`](lark_card::lark::limits::MAX_CARD_BODY) bytes as lark-card counts a
//!   card's request body, `{"content":"<card JSON as a string>"}` (200860);
//! - an element is found by its `element_id` anywhere in the card but its `config`; text is
//!   streamed only into a `markdown` element or a `plain_text` text object (300310); an
//!   element's `tag` never changes (300312).

use std::collections::HashMap;
use std::time::SystemTime;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::clock::{millis, to_system_time};
use crate::errors::ApiError;
use crate::limits::Window;
use lark_card::cardkit::{CardId, ElementId, Sequence};
use lark_card::lark::limits::{
    CARD_ENTITY_LIFETIME, MAX_CARD_BODY, PER_CARD_ENTITY_PER_SECOND, PER_CARD_ENTITY_WINDOW,
    STREAMING_AUTO_CLOSE,
};
use lark_card::lark::{streaming_print, LarkCode, STREAMABLE_TAGS, STREAMING_SUMMARY};
use lark_card::{Card, CardError, MessageId, NoUpdateMulti, ViolationKind};

/// A card entity as the emulator holds it.
#[derive(Debug)]
pub(crate) struct CardEntity {
    pub(crate) id: String,
    pub(crate) app_id: String,
    /// The card now, as a JSON tree (an object).
    pub(crate) card: Value,
    pub(crate) created_ms: u64,
    /// The `sequence` of the last operation applied.
    pub(crate) last_sequence: Option<i32>,
    /// When streaming mode was last enabled, while it is on.
    pub(crate) streaming_since: Option<u64>,
    /// Streaming mode closed itself and no streaming request was refused since: the next one
    /// answers 200850, the ones after it 300309.
    pub(crate) timeout_unreported: bool,
    /// The `uuid` of each operation applied → what that operation was, to tell a retry (the
    /// same operation: answered as a success, not applied again) from a conflict (200770).
    pub(crate) uuids: HashMap<String, String>,
    pub(crate) limiter: Window,
    /// The message it was sent in (a card entity is sent once).
    pub(crate) message_id: Option<String>,
    /// Operations applied.
    pub(crate) operations: u64,
}

impl CardEntity {
    pub(crate) fn new(id: String, app_id: String, card: Value, now: u64) -> CardEntity {
        let streaming_since = streaming_mode(&card).then_some(now);
        CardEntity {
            id,
            app_id,
            card,
            created_ms: now,
            last_sequence: None,
            streaming_since,
            timeout_unreported: false,
            uuids: HashMap::new(),
            limiter: Window::new(PER_CARD_ENTITY_PER_SECOND, millis(PER_CARD_ENTITY_WINDOW)),
            message_id: None,
            operations: 0,
        }
    }

    /// The card JSON, compact: what the message shows.
    pub(crate) fn content(&self) -> String {
        self.card.to_string()
    }

    /// Whether the entity is past its lifetime (200750).
    pub(crate) fn expired(&self, now: u64) -> bool {
        now >= self.created_ms.saturating_add(millis(CARD_ENTITY_LIFETIME))
    }

    /// When streaming mode closes itself, while it is on.
    pub(crate) fn closes_at(&self) -> Option<u64> {
        self.streaming_since
            .map(|since| since.saturating_add(millis(STREAMING_AUTO_CLOSE)))
    }

    /// Closes streaming mode if its time came: `Some(when)` if it closed now.
    pub(crate) fn settle(&mut self, now: u64) -> Option<u64> {
        let closes_at = self.closes_at().filter(|at| now >= *at)?;
        set_config(&mut self.card, "streaming_mode", Value::Bool(false));
        self.streaming_since = None;
        self.timeout_unreported = true;
        Some(closes_at)
    }

    /// Records the streaming mode after an applied change: on since `now` when the change
    /// enabled it (settings that set it on, or a full update that turned it on), unchanged
    /// when it stays on otherwise, off when the card says so. A time-out not yet reported
    /// stays unreported until a change sets the mode itself.
    pub(crate) fn after_change(&mut self, change: &Change, now: u64) {
        if !streaming_mode(&self.card) {
            self.streaming_since = None;
            if change.sets_streaming() {
                self.timeout_unreported = false;
            }
        } else if change.enables_streaming() || self.streaming_since.is_none() {
            self.streaming_since = Some(now);
            self.timeout_unreported = false;
        }
    }

    pub(crate) fn view(&self) -> CardEntityView {
        let streaming = self.streaming_since.is_some();
        let config = self.card.get("config");
        let summary = config
            .and_then(|c| c.get("summary"))
            .and_then(|s| s.get("content"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .or_else(|| streaming.then(|| STREAMING_SUMMARY.to_owned()));
        let print = config.and_then(|c| c.get("streaming_config"));
        let per_platform = |key: &str, default: u32| {
            print
                .and_then(|p| p.get(key))
                .and_then(|v| v.get("default"))
                .and_then(Value::as_u64)
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(default)
        };
        CardEntityView {
            card_id: CardId::new(self.id.clone()).ok(),
            app_id: self.app_id.clone(),
            card: self.content(),
            streaming_mode: streaming,
            streaming_closes_at: self.closes_at().map(to_system_time),
            summary,
            print_frequency_ms: per_platform(
                "print_frequency_ms",
                streaming_print::DEFAULT_FREQUENCY_MS,
            ),
            print_step: per_platform("print_step", streaming_print::DEFAULT_STEP),
            print_strategy: print
                .and_then(|p| p.get("print_strategy"))
                .and_then(Value::as_str)
                .unwrap_or(streaming_print::DEFAULT_STRATEGY)
                .to_owned(),
            last_sequence: self
                .last_sequence
                .and_then(|s| Sequence::new(i64::from(s)).ok()),
            message_id: self
                .message_id
                .as_deref()
                .and_then(|id| MessageId::new(id).ok()),
            created_at: to_system_time(self.created_ms),
            expires_at: to_system_time(
                self.created_ms.saturating_add(millis(CARD_ENTITY_LIFETIME)),
            ),
            operations: self.operations,
        }
    }
}

/// Serializes a time as milliseconds since the Unix epoch.
fn as_millis<S: serde::Serializer>(time: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
    let ms = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, millis);
    serializer.serialize_u64(ms)
}

fn as_millis_opt<S: serde::Serializer>(
    time: &Option<SystemTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => as_millis(time, serializer),
        None => serializer.serialize_none(),
    }
}

/// A CardKit card entity as the emulator holds it now: its card, streaming mode, summary,
/// last `sequence` and the message it was sent in. Served as JSON by
/// `GET /__emulator/cards/{card_id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardEntityView {
    /// The entity's id (`None` only for an id lark-card would not take, which the emulator
    /// never issues).
    pub card_id: Option<CardId>,
    /// The app that created it (the only one that may send and operate it).
    pub app_id: String,
    /// The card JSON now, compact.
    pub card: String,
    /// Whether streaming mode is on now (it closes itself
    /// [`STREAMING_AUTO_CLOSE`](lark_card::lark::limits::STREAMING_AUTO_CLOSE) after it was
    /// last enabled).
    pub streaming_mode: bool,
    /// When streaming mode closes itself, while it is on (emulator clock).
    #[serde(serialize_with = "as_millis_opt")]
    pub streaming_closes_at: Option<SystemTime>,
    /// What the chat list shows for the message: the card's `summary`, or
    /// [`STREAMING_SUMMARY`](lark_card::lark::STREAMING_SUMMARY) while streaming without one;
    /// `None` when neither (the card's own preview).
    pub summary: Option<String>,
    /// `streaming_config.print_frequency_ms.default`, or Lark's default.
    pub print_frequency_ms: u32,
    /// `streaming_config.print_step.default`, or Lark's default.
    pub print_step: u32,
    /// `streaming_config.print_strategy` (`fast` or `delay`), or Lark's default.
    pub print_strategy: String,
    /// The `sequence` of the last operation applied (`None` before the first).
    pub last_sequence: Option<Sequence>,
    /// The message it was sent in, once sent.
    pub message_id: Option<MessageId>,
    /// When it was created (emulator clock).
    #[serde(serialize_with = "as_millis")]
    pub created_at: SystemTime,
    /// When it expires (200750 from then on).
    #[serde(serialize_with = "as_millis")]
    pub expires_at: SystemTime,
    /// How many operations were applied.
    pub operations: u64,
}

impl CardEntityView {
    /// The card now, as JSON.
    pub fn card_json(&self) -> Option<Value> {
        serde_json::from_str(&self.card).ok()
    }
}

/// Whether the card's `config.streaming_mode` is `true`.
pub(crate) fn streaming_mode(card: &Value) -> bool {
    card.get("config")
        .and_then(|c| c.get("streaming_mode"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn set_config(card: &mut Value, key: &str, value: Value) {
    if let Some(object) = card.as_object_mut() {
        let config = object
            .entry("config")
            .or_insert_with(|| Value::Object(Map::new()));
        if !config.is_object() {
            *config = Value::Object(Map::new());
        }
        if let Some(config) = config.as_object_mut() {
            config.insert(key.to_owned(), value);
        }
    }
}

/// Where added elements go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    InsertBefore(String),
    InsertAfter(String),
    /// At the end of this container, or of the card's body.
    Append(Option<String>),
}

/// What an operation changes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Change {
    /// `PUT /cards/:card_id`: the whole card.
    FullUpdate(Value),
    /// `PATCH /cards/:card_id/settings`: keys of `config` (and `card_link`).
    Settings {
        config: Map<String, Value>,
        card_link: Option<Value>,
    },
    AddElements {
        placement: Placement,
        elements: Vec<Value>,
    },
    ReplaceElement {
        element_id: String,
        element: Value,
    },
    PatchElement {
        element_id: String,
        partial: Map<String, Value>,
    },
    StreamContent {
        element_id: String,
        content: String,
    },
    DeleteElements(Vec<String>),
    /// `POST /cards/:card_id/batch_update`: its actions, all or none.
    Batch(Vec<Change>),
}

impl Change {
    /// The operation's name, as the message's history shows it.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Change::FullUpdate(_) => "full_update",
            Change::Settings { .. } => "settings",
            Change::AddElements { .. } => "add_elements",
            Change::ReplaceElement { .. } => "replace_element",
            Change::PatchElement { .. } => "patch_element",
            Change::StreamContent { .. } => "stream_content",
            Change::DeleteElements(_) => "delete_element",
            Change::Batch(_) => "batch_update",
        }
    }

    /// The code a card made invalid by this change is refused with (when no more precise
    /// one applies).
    fn failure(&self) -> LarkCode {
        match self {
            Change::FullUpdate(_) | Change::Batch(_) => LarkCode::CardKitContentFailed,
            Change::Settings { .. } => LarkCode::UpdateSettingsFailed,
            Change::AddElements { .. } => LarkCode::AddElementsFailed,
            Change::ReplaceElement { .. } => LarkCode::ReplaceElementFailed,
            Change::PatchElement { .. } | Change::StreamContent { .. } => {
                LarkCode::ElementUpdateFailed
            }
            Change::DeleteElements(_) => LarkCode::DeleteElementFailed,
        }
    }

    /// Whether the change sets streaming mode, on or off (a full update sets the whole card).
    fn sets_streaming(&self) -> bool {
        match self {
            Change::FullUpdate(_) => true,
            Change::Settings { config, .. } => config.contains_key("streaming_mode"),
            Change::Batch(changes) => changes.iter().any(Change::sets_streaming),
            _ => false,
        }
    }

    /// Whether the change turns streaming mode on explicitly (which restarts its 10 minutes).
    pub(crate) fn enables_streaming(&self) -> bool {
        match self {
            Change::Settings { config, .. } => {
                config.get("streaming_mode") == Some(&Value::Bool(true))
            }
            Change::Batch(changes) => changes.iter().any(Change::enables_streaming),
            _ => false,
        }
    }
}

/// The card after `change`, checked: `card` itself is left as it was on any refusal.
pub(crate) fn apply(card: &Value, change: &Change) -> Result<Value, ApiError> {
    let mut next = card.clone();
    apply_in_place(&mut next, change)?;
    check_entity_card(&next, change.failure())?;
    Ok(next)
}

fn apply_in_place(card: &mut Value, change: &Change) -> Result<(), ApiError> {
    match change {
        Change::FullUpdate(new) => {
            *card = new.clone();
            Ok(())
        }
        Change::Settings { config, card_link } => {
            for (key, value) in config {
                set_config(card, key, value.clone());
            }
            if let (Some(link), Some(object)) = (card_link, card.as_object_mut()) {
                object.insert("card_link".to_owned(), link.clone());
            }
            Ok(())
        }
        Change::AddElements {
            placement,
            elements,
        } => add_elements(card, placement, elements),
        Change::ReplaceElement {
            element_id,
            element,
        } => replace_element(card, element_id, element),
        Change::PatchElement {
            element_id,
            partial,
        } => patch_element(card, element_id, partial),
        Change::StreamContent {
            element_id,
            content,
        } => stream_content(card, element_id, content),
        Change::DeleteElements(ids) => {
            for id in ids {
                delete_element(card, id)?;
            }
            Ok(())
        }
        Change::Batch(changes) => {
            for change in changes {
                apply_in_place(card, change)?;
            }
            Ok(())
        }
    }
}

/// The JSON pointer of the element with this `element_id`, searched everywhere but in the
/// card's `config`.
pub(crate) fn find(card: &Value, id: &str) -> Option<String> {
    let object = card.as_object()?;
    for (key, value) in object {
        if key == "config" {
            continue;
        }
        let mut pointer = format!("/{}", escape(key));
        if let Some(found) = walk(value, &mut pointer, id) {
            return Some(found);
        }
    }
    None
}

fn walk(value: &Value, pointer: &mut String, id: &str) -> Option<String> {
    match value {
        Value::Object(object) => {
            if object.get("element_id").and_then(Value::as_str) == Some(id) {
                return Some(pointer.clone());
            }
            for (key, child) in object {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape(key));
                let found = walk(child, pointer, id);
                pointer.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{index}"));
                let found = walk(child, pointer, id);
                pointer.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        _ => None,
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// 300313 for an `element_id` the card does not have, worded as Lark's runtime message.
fn not_found(id: &str) -> ApiError {
    ApiError::with_ext(
        LarkCode::ElementUpdateFailed,
        format!("ErrMsg: not find elementID: {id}"),
    )
}

/// The array holding the element at `pointer` and its index there, if it is in an array.
fn parent_index(pointer: &str) -> Option<(&str, usize)> {
    let (parent, index) = pointer.rsplit_once('/')?;
    Some((parent, index.parse().ok()?))
}

fn tag_of(element: &Value) -> Option<&str> {
    element.get("tag").and_then(Value::as_str)
}

fn check_element_objects(elements: &[Value], failure: LarkCode) -> Result<(), ApiError> {
    for (n, element) in elements.iter().enumerate() {
        if tag_of(element).is_none() {
            return Err(ApiError::with_ext(
                failure,
                format!("element [{n}] is not an object with a `tag`"),
            ));
        }
    }
    Ok(())
}

/// The child list of a container for `append`.
fn children_key(container: &Value) -> Option<&'static str> {
    if container.get("elements").is_some_and(Value::is_array) {
        return Some("elements");
    }
    match tag_of(container)? {
        "form" | "collapsible_panel" | "interactive_container" | "column" => Some("elements"),
        "column_set" => Some("columns"),
        _ => None,
    }
}

fn add_elements(
    card: &mut Value,
    placement: &Placement,
    elements: &[Value],
) -> Result<(), ApiError> {
    let failure = LarkCode::AddElementsFailed;
    check_element_objects(elements, failure)?;
    let (list_pointer, at) = match placement {
        Placement::InsertBefore(target) | Placement::InsertAfter(target) => {
            let pointer = find(card, target).ok_or_else(|| not_found(target))?;
            let (parent, index) = parent_index(&pointer)
                .filter(|(parent, _)| card.pointer(parent).is_some_and(Value::is_array))
                .ok_or_else(|| {
                    ApiError::with_ext(failure, format!("`{target}` is not in a list of elements"))
                })?;
            let at = if matches!(placement, Placement::InsertAfter(_)) {
                index + 1
            } else {
                index
            };
            (parent.to_owned(), Some(at))
        }
        Placement::Append(Some(target)) => {
            let pointer = find(card, target).ok_or_else(|| not_found(target))?;
            let container = card
                .pointer_mut(&pointer)
                .ok_or_else(|| not_found(target))?;
            let key = children_key(container).ok_or_else(|| {
                ApiError::with_ext(failure, format!("`{target}` is not a container"))
            })?;
            if let Some(object) = container.as_object_mut() {
                object
                    .entry(key)
                    .or_insert_with(|| Value::Array(Vec::new()));
            }
            (format!("{pointer}/{key}"), None)
        }
        Placement::Append(None) => {
            let body = card
                .as_object_mut()
                .map(|o| o.entry("body").or_insert_with(|| Value::Object(Map::new())));
            if let Some(Value::Object(body)) = body {
                body.entry("elements")
                    .or_insert_with(|| Value::Array(Vec::new()));
            }
            ("/body/elements".to_owned(), None)
        }
    };
    let list = card
        .pointer_mut(&list_pointer)
        .and_then(Value::as_array_mut)
        .ok_or_else(|| ApiError::with_ext(failure, "no list of elements to add to"))?;
    let at = at.unwrap_or(list.len()).min(list.len());
    for (n, element) in elements.iter().enumerate() {
        list.insert(at + n, element.clone());
    }
    Ok(())
}

fn replace_element(card: &mut Value, id: &str, element: &Value) -> Result<(), ApiError> {
    let failure = LarkCode::ReplaceElementFailed;
    check_element_objects(std::slice::from_ref(element), failure)?;
    let pointer = find(card, id).ok_or_else(|| not_found(id))?;
    let old = card.pointer_mut(&pointer).ok_or_else(|| not_found(id))?;
    if tag_of(old) != tag_of(element) {
        return Err(ApiError::with_ext(
            LarkCode::TagCannotChange,
            format!(
                "the element `{id}` is a `{}`; it cannot become a `{}`",
                tag_of(old).unwrap_or_default(),
                tag_of(element).unwrap_or_default()
            ),
        ));
    }
    let mut element = element.clone();
    if let Some(object) = element.as_object_mut() {
        object
            .entry("element_id")
            .or_insert_with(|| Value::from(id));
    }
    *old = element;
    Ok(())
}

fn patch_element(card: &mut Value, id: &str, partial: &Map<String, Value>) -> Result<(), ApiError> {
    let pointer = find(card, id).ok_or_else(|| not_found(id))?;
    if let Some(new_id) = partial.get("element_id") {
        let problem = match new_id.as_str().map(ElementId::new) {
            Some(Ok(_)) => None,
            Some(Err(invalid)) => Some(invalid.to_string()),
            None => Some("it must be a string".to_owned()),
        };
        if let Some(problem) = problem {
            return Err(ApiError::with_msg(
                LarkCode::BadParam,
                format!("invalid request parameter: partial_element.element_id: {problem}"),
            ));
        }
    }
    let element = card.pointer_mut(&pointer).ok_or_else(|| not_found(id))?;
    if let Some(tag) = partial.get("tag") {
        if tag.as_str() != tag_of(element) {
            return Err(ApiError::with_ext(
                LarkCode::TagCannotChange,
                format!(
                    "the element `{id}` is a `{}`; its tag cannot change",
                    tag_of(element).unwrap_or_default()
                ),
            ));
        }
    }
    let object = element
        .as_object_mut()
        .ok_or_else(|| ApiError::new(LarkCode::ElementUpdateFailed))?;
    for (key, value) in partial {
        object.insert(key.clone(), value.clone());
    }
    Ok(())
}

fn stream_content(card: &mut Value, id: &str, content: &str) -> Result<(), ApiError> {
    let pointer = find(card, id).ok_or_else(|| not_found(id))?;
    let element = card.pointer_mut(&pointer).ok_or_else(|| not_found(id))?;
    let tag = tag_of(element).unwrap_or_default().to_owned();
    if !STREAMABLE_TAGS.contains(&tag.as_str()) {
        return Err(ApiError::with_ext(
            LarkCode::NotStreamable,
            format!("the element `{id}` is a `{tag}`: only a `markdown` element or a `plain_text` text object can be streamed into"),
        ));
    }
    if let Some(object) = element.as_object_mut() {
        object.insert("content".to_owned(), Value::from(content));
    }
    Ok(())
}

fn delete_element(card: &mut Value, id: &str) -> Result<(), ApiError> {
    let pointer = find(card, id).ok_or_else(|| not_found(id))?;
    let (parent, index) = parent_index(&pointer).ok_or_else(|| {
        ApiError::with_ext(
            LarkCode::DeleteElementFailed,
            "the element is not in a list",
        )
    })?;
    let list = card
        .pointer_mut(parent)
        .and_then(Value::as_array_mut)
        .filter(|list| index < list.len())
        .ok_or_else(|| {
            ApiError::with_ext(
                LarkCode::DeleteElementFailed,
                format!("`{id}` is not in a list of elements"),
            )
        })?;
    list.remove(index);
    Ok(())
}

/// Checks a card a card entity would hold, as CardKit does; `failure` is the code for a card
/// lark-card's rules refuse when no more precise code applies.
pub(crate) fn check_entity_card(card: &Value, failure: LarkCode) -> Result<(), ApiError> {
    let Some(object) = card.as_object() else {
        return Err(ApiError::with_ext(
            LarkCode::CardKitContentFailed,
            "the card JSON is not an object",
        ));
    };
    if object.is_empty() {
        return Err(ApiError::new(LarkCode::CardDslEmpty));
    }
    if object.get("schema").and_then(Value::as_str) != Some("2.0") {
        return Err(ApiError::with_ext(
            LarkCode::CardKitNeedsV2,
            "CardKit takes card JSON 2.0 only: `\"schema\": \"2.0\"`",
        ));
    }
    if object.get("config").and_then(|c| c.get("update_multi")) == Some(&Value::Bool(false)) {
        return Err(ApiError::with_ext(
            LarkCode::CardEntityNotShared,
            "a card entity is shared: `update_multi` cannot be false",
        ));
    }
    let content = card.to_string();
    match Card::<NoUpdateMulti>::from_json(&content) {
        Ok(checked) => {
            let size = checked.update_body_size();
            if size > MAX_CARD_BODY {
                return Err(ApiError::with_ext(
                    LarkCode::CardEntityTooLarge,
                    format!("the card is {size} bytes as a request body; at most {MAX_CARD_BODY}"),
                ));
            }
            Ok(())
        }
        Err(CardError::Invalid(errors)) => {
            let errors: Vec<_> = errors.iter().collect();
            let precise = errors.iter().find_map(|error| match &error.kind {
                ViolationKind::TooManyElements { .. } => Some(LarkCode::TooManyElements),
                ViolationKind::DuplicateElementId { .. } => Some(LarkCode::DuplicateElementId),
                _ => None,
            });
            let first = errors
                .iter()
                .find(|error| {
                    precise.is_none()
                        || matches!(
                            error.kind,
                            ViolationKind::TooManyElements { .. }
                                | ViolationKind::DuplicateElementId { .. }
                        )
                })
                .map(|error| format!("{} (at `{}`)", error.kind, error.path))
                .unwrap_or_default();
            Err(ApiError::with_ext(precise.unwrap_or(failure), first))
        }
        Err(other) => Err(ApiError::with_ext(failure, other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn card() -> Value {
        json!({ "schema": "2.0", "body": { "elements": [
            { "tag": "markdown", "element_id": "answer", "content": "" },
            { "tag": "column_set", "element_id": "cols", "columns": [
                { "tag": "column", "element_id": "left", "elements": [
                    { "tag": "markdown", "element_id": "inner", "content": "x" }
                ] }
            ] }
        ] } })
    }

    #[test]
    fn elements_are_found_in_containers() {
        assert_eq!(find(&card(), "answer").as_deref(), Some("/body/elements/0"));
        assert_eq!(
            find(&card(), "inner").as_deref(),
            Some("/body/elements/1/columns/0/elements/0")
        );
        assert_eq!(find(&card(), "nothing"), None);
    }

    #[test]
    fn insert_after_and_delete_keep_the_order() -> Result<(), ApiError> {
        let hr = json!({ "tag": "hr", "element_id": "rule" });
        let added = apply(
            &card(),
            &Change::AddElements {
                placement: Placement::InsertAfter("answer".into()),
                elements: vec![hr],
            },
        )?;
        assert_eq!(find(&added, "rule").as_deref(), Some("/body/elements/1"));
        let deleted = apply(&added, &Change::DeleteElements(vec!["answer".into()]))?;
        assert_eq!(find(&deleted, "rule").as_deref(), Some("/body/elements/0"));
        Ok(())
    }

    #[test]
    fn a_button_is_not_streamed_into() {
        let card = json!({ "schema": "2.0", "body": { "elements": [
            { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
        ] } });
        let change = Change::StreamContent {
            element_id: "stop".into(),
            content: "x".into(),
        };
        assert_eq!(
            apply(&card, &change).err().map(|e| e.code),
            Some(LarkCode::NotStreamable.code())
        );
    }
}

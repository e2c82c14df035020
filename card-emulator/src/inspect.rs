//! What a test can read back: messages as the emulator holds them, their update history, and
//! request counts. The same values are served as JSON under `/__emulator/…`.

use std::collections::BTreeMap;
use std::time::SystemTime;

use lark_card::MessageId;
use serde::{Serialize, Serializer};

use crate::clock::millis;

/// Serializes a time as milliseconds since the Unix epoch, like Lark's `create_time`.
fn as_millis<S: Serializer>(time: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
    let ms = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, millis);
    serializer.serialize_u64(ms)
}

/// Whether a message can still be updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// Sent and neither recalled nor deleted.
    Live,
    /// Recalled (updates answer 230011).
    Recalled,
    /// Deleted (updates answer 230110).
    Deleted,
}

/// A message as the emulator holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MessageView {
    /// Its id (`om_…`): what [`Emulator::message`](crate::Emulator::message) and the other
    /// methods about one message take.
    pub message_id: MessageId,
    /// The app that sent it.
    pub app_id: String,
    /// The chat it is in (`oc_…`; a stable made-up one for messages sent to a user).
    pub chat_id: String,
    /// The `receive_id` it was sent to.
    pub receive_id: String,
    /// The `receive_id_type` it was sent with.
    pub receive_id_type: String,
    /// `interactive` for cards.
    pub msg_type: String,
    /// The current content: the card JSON string of the last successful send or update.
    pub content: String,
    /// Whether the current card is shared (`update_multi`), so updates are allowed.
    pub shared: bool,
    /// When it was sent (emulator clock).
    #[serde(serialize_with = "as_millis")]
    pub created_at: SystemTime,
    /// When it was last updated, or sent (emulator clock).
    #[serde(serialize_with = "as_millis")]
    pub updated_at: SystemTime,
    /// Live, recalled or deleted.
    pub state: MessageState,
    /// How many updates succeeded.
    pub updates: usize,
}

impl MessageView {
    /// The current content as JSON, if it parses.
    pub fn content_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.content).ok()
    }
}

/// The `content` of the element whose `element_id` is `element_id`, wherever it sits in a card
/// JSON: the text a `markdown` or `plain_text` element shows, which a CardKit stream writes.
///
/// ```
/// let card = serde_json::json!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "element_id": "answer", "content": "42" }
/// ] } });
/// assert_eq!(lark_card_emulator::element_text(&card, "answer").as_deref(), Some("42"));
/// assert_eq!(lark_card_emulator::element_text(&card, "question"), None);
/// ```
pub fn element_text(card: &serde_json::Value, element_id: &str) -> Option<String> {
    use serde_json::Value;
    match card {
        Value::Object(map) => {
            if map.get("element_id").and_then(Value::as_str) == Some(element_id) {
                return map
                    .get("content")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
            }
            map.values().find_map(|v| element_text(v, element_id))
        }
        Value::Array(items) => items.iter().find_map(|v| element_text(v, element_id)),
        _ => None,
    }
}

/// How an entry of a message's history came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevisionKind {
    /// The message was sent with this content.
    Sent,
    /// An update (`PATCH`, or `PUT` for a text message) set this content.
    Updated,
    /// Someone interacted with the card (a simulated interaction): the content is the card
    /// as it was clicked, unchanged, and [`Revision::interaction`] says what happened.
    Clicked,
    /// The card of a callback's answer replaced the card, exactly as the app's answer wrote it.
    CallbackAnswer,
    /// A delayed update (`POST /open-apis/interactive/v1/card/update` with a callback's
    /// token) set this content.
    DelayedUpdate,
    /// Lark undid a delayed update made before the callback's answer (the update must
    /// follow the answer): the card is back to what it was before that update.
    Undone,
    /// The message was sent by `card_id` and an operation on its CardKit card entity changed
    /// the card ([`Revision::operation`] names it: `stream_content`, `settings`,
    /// `full_update`, `add_elements`, `replace_element`, `patch_element`, `delete_element`,
    /// `batch_update`, or `streaming_timed_out` when streaming mode closed itself).
    CardKit,
}

impl RevisionKind {
    /// Whether the entry changed the message's content (an interaction alone does not).
    pub fn changes_content(self) -> bool {
        !matches!(self, RevisionKind::Clicked)
    }
}

/// One entry of a message's history: a content it had, or an interaction with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Revision {
    /// When (emulator clock).
    #[serde(serialize_with = "as_millis")]
    pub at: SystemTime,
    /// Sent, updated, clicked, answered by a callback, or updated later.
    pub kind: RevisionKind,
    /// The content, as received (for [`RevisionKind::Clicked`], the card that was clicked).
    pub content: String,
    /// For [`RevisionKind::Clicked`]: the interaction and its answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction: Option<ClickedEntry>,
    /// For [`RevisionKind::CardKit`]: the operation on the card entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

/// A simulated interaction as a message's history shows it: what was clicked, by whom, and
/// the app's answer (its code and toast) once it came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ClickedEntry {
    /// The callback's `event_id` (the same as in [`Interaction`](crate::Interaction)).
    pub event_id: String,
    /// The element's tag.
    pub tag: String,
    /// Who interacted (`ou_…`).
    pub open_id: String,
    /// 0, or Lark's code for a late or bad answer; `None` while the app has not answered.
    pub code: Option<i64>,
    /// The toast of the answer.
    pub toast: Option<serde_json::Value>,
    /// How the callback went to the app, once it was sent.
    pub via: Option<crate::callbacks::Via>,
}

/// The APIs the emulator serves, for counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `POST /open-apis/auth/v3/tenant_access_token/internal`.
    TenantAccessToken,
    /// `POST /open-apis/im/v1/messages`.
    SendMessage,
    /// `PATCH /open-apis/im/v1/messages/:message_id`: update a card.
    UpdateCard,
    /// `PUT /open-apis/im/v1/messages/:message_id`: edit a text message (not a card).
    EditMessage,
    /// `POST /open-apis/interactive/v1/card/update`: the delayed update of a callback.
    UpdateCardLater,
    /// `POST /open-apis/im/v1/messages/:message_id/reply`.
    ReplyMessage,
    /// `POST /open-apis/cardkit/v1/cards`: create a card entity.
    CreateCardEntity,
    /// `PUT /open-apis/cardkit/v1/cards/:card_id`: replace the whole card.
    UpdateCardEntity,
    /// `PATCH /open-apis/cardkit/v1/cards/:card_id/settings`.
    CardSettings,
    /// `POST /open-apis/cardkit/v1/cards/:card_id/batch_update`.
    BatchUpdateCard,
    /// `POST /open-apis/cardkit/v1/cards/:card_id/elements`.
    AddElements,
    /// `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.
    ReplaceElement,
    /// `PATCH /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.
    PatchElement,
    /// `DELETE /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.
    DeleteElement,
    /// `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content`: stream text.
    StreamContent,
    /// `POST /open-apis/cardkit/v1/cards/id_convert`: a message id to its card id.
    CardIdConvert,
    /// Any other path or method (answered 404).
    Other,
}

impl Endpoint {
    /// The endpoint of a request, and the message id it names, if any (and well formed).
    pub(crate) fn classify(
        method: &axum::http::Method,
        path: &str,
    ) -> (Endpoint, Option<MessageId>) {
        use axum::http::Method;
        const MESSAGES: &str = "/open-apis/im/v1/messages";
        if path == "/open-apis/auth/v3/tenant_access_token/internal" && method == Method::POST {
            return (Endpoint::TenantAccessToken, None);
        }
        if path == "/open-apis/interactive/v1/card/update" && method == Method::POST {
            return (Endpoint::UpdateCardLater, None);
        }
        if path == MESSAGES && method == Method::POST {
            return (Endpoint::SendMessage, None);
        }
        if let Some(endpoint) = Endpoint::cardkit(method, path) {
            return (endpoint, None);
        }
        let reply = path
            .strip_prefix(MESSAGES)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|rest| rest.strip_suffix("/reply"))
            .is_some_and(|id| !id.is_empty() && !id.contains('/'));
        if reply && method == Method::POST {
            return (Endpoint::ReplyMessage, None);
        }
        if let Some(id) = path
            .strip_prefix(MESSAGES)
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|id| !id.is_empty() && !id.contains('/'))
        {
            if method == Method::PATCH {
                return (Endpoint::UpdateCard, crate::ids::parse_message_id(id));
            }
            if method == Method::PUT {
                return (Endpoint::EditMessage, crate::ids::parse_message_id(id));
            }
        }
        (Endpoint::Other, None)
    }
}

impl Endpoint {
    /// The CardKit endpoint of a request, if it is one.
    fn cardkit(method: &axum::http::Method, path: &str) -> Option<Endpoint> {
        use axum::http::Method;
        let rest = path.strip_prefix("/open-apis/cardkit/v1/cards")?;
        let parts: Vec<&str> = rest.split('/').skip(1).collect();
        let endpoint = match (method, parts.as_slice()) {
            (&Method::POST, []) => Endpoint::CreateCardEntity,
            (&Method::POST, ["id_convert"]) => Endpoint::CardIdConvert,
            (&Method::PUT, [_]) => Endpoint::UpdateCardEntity,
            (&Method::PATCH, [_, "settings"]) => Endpoint::CardSettings,
            (&Method::POST, [_, "batch_update"]) => Endpoint::BatchUpdateCard,
            (&Method::POST, [_, "elements"]) => Endpoint::AddElements,
            (&Method::PUT, [_, "elements", _]) => Endpoint::ReplaceElement,
            (&Method::PATCH, [_, "elements", _]) => Endpoint::PatchElement,
            (&Method::DELETE, [_, "elements", _]) => Endpoint::DeleteElement,
            (&Method::PUT, [_, "elements", _, "content"]) => Endpoint::StreamContent,
            _ => return None,
        };
        Some(endpoint)
    }
}

/// Request counts since the emulator started. Requests under `/__emulator` are not counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Counts {
    /// Every API request received, dropped and failed ones included.
    pub requests: u64,
    /// Requests per endpoint.
    pub by_endpoint: BTreeMap<Endpoint, u64>,
    /// `PATCH` and `PUT` requests per message id in the path (any outcome; a path id that
    /// is no message id at all is counted in `requests` only).
    pub by_message: BTreeMap<MessageId, u64>,
    /// Authenticated requests per app.
    pub by_app: BTreeMap<String, u64>,
    /// Answers per HTTP status.
    pub by_status: BTreeMap<u16, u64>,
    /// Answers per Lark `code` (0 for success).
    pub by_code: BTreeMap<i64, u64>,
    /// 230020 answers per message id (updates), chat id (sends) or card id (CardKit
    /// operations beyond 10 a second per card entity).
    pub throttled: BTreeMap<String, u64>,
    /// HTTP 429 answers per app.
    pub rate_limited: BTreeMap<String, u64>,
    /// Connections closed without an answer by fault injection.
    pub dropped: u64,
    /// HTTP errors injected by fault injection (`fail_next`, `fail_fraction`).
    pub injected_failures: u64,
    /// Requests held by injected latency now (not a total): arrived, not yet answered.
    pub held: u64,
}

impl Counts {
    /// Requests to one endpoint.
    pub fn endpoint(&self, endpoint: Endpoint) -> u64 {
        self.by_endpoint.get(&endpoint).copied().unwrap_or(0)
    }

    /// `PATCH`/`PUT` requests naming one message.
    pub fn message(&self, message_id: &MessageId) -> u64 {
        self.by_message.get(message_id).copied().unwrap_or(0)
    }

    /// Authenticated requests of one app.
    pub fn app(&self, app_id: &str) -> u64 {
        self.by_app.get(app_id).copied().unwrap_or(0)
    }

    /// Answers with one Lark code.
    pub fn code(&self, code: i64) -> u64 {
        self.by_code.get(&code).copied().unwrap_or(0)
    }

    /// Answers with one HTTP status.
    pub fn status(&self, status: u16) -> u64 {
        self.by_status.get(&status).copied().unwrap_or(0)
    }

    /// 230020 answers, in all.
    pub fn throttled_total(&self) -> u64 {
        self.throttled.values().sum()
    }

    /// HTTP 429 answers, in all.
    pub fn rate_limited_total(&self) -> u64 {
        self.rate_limited.values().sum()
    }
}

pub(crate) fn bump<K: Ord>(map: &mut BTreeMap<K, u64>, key: K) {
    *map.entry(key).or_insert(0) += 1;
}

/// One API request as it arrived, for tests of the wire format. The access token is not kept:
/// `authorization` holds its scheme and prefix only (`Bearer t-…`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// `PATCH`, `POST`...
    pub method: String,
    /// The path and query.
    pub uri: String,
    /// The `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The `Authorization` header with the token cut after its two-letter prefix.
    pub authorization: Option<String>,
    /// The body (lossy UTF-8; the first bytes of a very large one).
    pub body: String,
}

/// How many requests the log keeps (the newest).
pub(crate) const REQUEST_LOG: usize = 1000;

/// The `Authorization` header without its secret: `Bearer t-…`.
pub(crate) fn redact_authorization(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, token)) => {
            let prefix: String = token.chars().take(2).collect();
            format!("{scheme} {prefix}…")
        }
        None => "…".to_string(),
    }
}

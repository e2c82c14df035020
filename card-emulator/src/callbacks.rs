//! Lark's side of card callbacks: an app's callback URL, Verification Token and Encrypt Key;
//! simulated interactions that post the exact `card.action.trigger` callback (encrypted and
//! signed as Lark does) and apply the answer; and the tokens of the delayed update.
//!
//! A simulated interaction ([`Emulator::click`], or `POST /__emulator/messages/{id}/actions`)
//! finds the element in the card as it is now, by `element_id`, by its callback `value`, or
//! by its `name`, then:
//!
//! 1. builds the callback: `schema` 2.0, a `header` with a fresh `event_id`, the app's
//!    Verification Token, `create_time` in microseconds of the emulator's clock; an `event`
//!    with the operator, a fresh token `c-…`, the `action` (`value`, `tag`, `name`, and
//!    `form_value`, `input_value`, `option`, `options`, `checked` or `timezone` as the element
//!    calls for), `host: im_message` and the message and chat in `context`;
//! 2. with an Encrypt Key, sends `{"encrypt": base64(iv ‖ AES-256-CBC)}`; every request has
//!    `X-Lark-Request-Timestamp` (seconds of the emulator's clock), `X-Lark-Request-Nonce`
//!    and `X-Lark-Signature`;
//! 3. waits 3 seconds at most (real time) for HTTP 200 and a JSON body, and applies it: the
//!    toast is recorded; a new card is checked with lark-card's rules and replaces the card for
//!    everyone if it is shared (a card that is not shared is recorded as seen by the operator
//!    only). A late or bad answer is recorded with Lark's code: 200341 late, 200342 no
//!    connection, 200671 not HTTP 200, 200672 a body of the wrong shape, 200673 a bad card
//!    (templates too: the emulator holds none), 200830 a 2.0 card answered with a 1.0 card;
//!    200340 when the app has no callback URL.
//!
//! The delayed update, `POST /open-apis/interactive/v1/card/update` `{token, card}`, takes a
//! token of a simulated interaction for 30 minutes of the emulator's clock and 2 successful
//! updates: 300020 a token that is not `c-…`, 300030 unknown or expired, 300040 used up,
//! 200310 a token of another app, 200000 a recalled or deleted message, 11311 an invalid card,
//! 300090 a card that is not shared, 10002 a body without `token` or `card`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime};

use lark_card::callback::crypto;
use lark_card::callback::EncryptKey;
use lark_card::{Card, NoUpdateMulti};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

use crate::clock::{millis, to_system_time};
use crate::emulator::Emulator;
use crate::errors::{ApiError, EmulatorError};
use crate::inspect::{ClickedEntry, MessageState, RevisionKind};
use crate::state::Shared;
use lark_card::lark::{self, LarkCode};

/// How long Lark waits for an answer.
pub use lark_card::lark::limits::CALLBACK_ANSWER_WITHIN as ANSWER_WITHIN;
/// How long a callback token updates the card, and how often.
pub use lark_card::lark::limits::{
    CALLBACK_TOKEN_LIFETIME as TOKEN_LIFETIME, CALLBACK_TOKEN_USES as TOKEN_USES,
};

/// An app's callback settings, as in the developer console.
#[derive(Clone, Deserialize, PartialEq, Eq)]
pub struct CallbackApp {
    url: String,
    verification_token: String,
    #[serde(default)]
    encrypt_key: Option<String>,
}

impl std::fmt::Debug for CallbackApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackApp")
            .field("url", &self.url)
            .field("encrypted", &self.encrypt_key.is_some())
            .finish_non_exhaustive()
    }
}

impl CallbackApp {
    /// Callbacks go to `url` (`http://127.0.0.1:PORT/lark/callback`), carrying the
    /// Verification Token.
    pub fn new(url: impl Into<String>, verification_token: impl Into<String>) -> Self {
        CallbackApp {
            url: url.into(),
            verification_token: verification_token.into(),
            encrypt_key: None,
        }
    }

    /// Bodies are encrypted with this Encrypt Key, and requests signed with it.
    pub fn encrypt_key(mut self, key: impl Into<String>) -> Self {
        self.encrypt_key = Some(key.into()).filter(|k: &String| !k.is_empty());
        self
    }

    /// The callback URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// Who interacts, by default `ou_emulated_user`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct Operator {
    /// `ou_…`.
    pub open_id: String,
    /// `on_…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub union_id: Option<String>,
    /// The user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

impl Operator {
    /// A user by open id (the union and user ids are derived from it).
    pub fn new(open_id: impl Into<String>) -> Self {
        let open_id = open_id.into();
        let tail = open_id.strip_prefix("ou_").unwrap_or(&open_id).to_owned();
        Operator {
            union_id: Some(format!("on_{tail}")),
            user_id: Some(tail),
            open_id,
        }
    }
}

impl Default for Operator {
    fn default() -> Self {
        Operator::new("ou_emulated_user")
    }
}

/// A simulated interaction: which element, who, and what they chose or typed.
///
/// The JSON of `POST /__emulator/messages/{id}/actions` has the same fields:
/// `{"element_id": "approve"}`, `{"value": {"action": "approve"}}` or `{"name": "submit"}`,
/// and optionally
/// `"operator": {"open_id": …}`, `"form_value": {…}`, `"input_value"`, `"option"`,
/// `"options"`, `"checked"`, `"timezone"`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Click {
    #[serde(default)]
    element_id: Option<String>,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    operator: Option<Operator>,
    #[serde(default)]
    form_value: Option<Map<String, Value>>,
    #[serde(default)]
    input_value: Option<String>,
    #[serde(default)]
    option: Option<String>,
    #[serde(default)]
    options: Option<Vec<String>>,
    #[serde(default)]
    checked: Option<bool>,
    #[serde(default)]
    timezone: Option<String>,
}

impl Click {
    /// The element with this `element_id`.
    pub fn element(element_id: impl Into<String>) -> Self {
        Click {
            element_id: Some(element_id.into()),
            ..Click::default()
        }
    }

    /// The element whose callback `value` is this.
    pub fn value(value: impl Into<Value>) -> Self {
        Click {
            value: Some(value.into()),
            ..Click::default()
        }
    }

    /// The element with this `name` (a form's fields and buttons have one).
    pub fn named(name: impl Into<String>) -> Self {
        Click {
            name: Some(name.into()),
            ..Click::default()
        }
    }

    /// Who interacts.
    pub fn by(mut self, operator: Operator) -> Self {
        self.operator = Some(operator);
        self
    }

    /// A field of the form submitted (by its `name`).
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.form_value
            .get_or_insert_with(Map::new)
            .insert(name.into(), value.into());
        self
    }

    /// The text submitted in an input.
    pub fn input(mut self, text: impl Into<String>) -> Self {
        self.input_value = Some(text.into());
        self
    }

    /// The option chosen in a select or picker.
    pub fn option(mut self, option: impl Into<String>) -> Self {
        self.option = Some(option.into());
        self
    }

    /// The options chosen in a multi-select.
    pub fn options(mut self, options: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.options = Some(options.into_iter().map(Into::into).collect());
        self
    }

    /// The state of a checker after the click.
    pub fn checked(mut self, checked: bool) -> Self {
        self.checked = Some(checked);
        self
    }
}

/// What happened to one simulated interaction.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct Interaction {
    /// The card's message.
    pub message_id: String,
    /// The app that sent the card.
    pub app_id: String,
    /// The token of the callback, for the delayed update.
    pub token: String,
    /// The callback's `event_id`.
    pub event_id: String,
    /// Who interacted.
    pub operator: Operator,
    /// The element's tag.
    pub tag: String,
    /// The callback's body before encryption, as posted.
    pub callback: Value,
    /// The HTTP status of the app's answer (`None` if it did not answer).
    pub status: Option<u16>,
    /// 0, or Lark's code for a late or bad answer ([`LarkCode`] names them).
    pub code: i64,
    /// Why, for a non-zero code.
    pub error: Option<String>,
    /// The toast of the answer.
    pub toast: Option<Value>,
    /// Whether the answer's card replaced the card for everyone.
    pub card_applied: bool,
    /// The answer's card when it is not shared: what the operator alone sees.
    pub private_card: Option<String>,
    /// How long the app took, in milliseconds.
    pub latency_ms: u64,
    /// When it happened (the emulator's clock).
    pub at: SystemTime,
}

#[derive(Debug)]
struct IssuedToken {
    message_id: String,
    app_id: String,
    issued_ms: u64,
    uses: u32,
}

#[derive(Debug, Default)]
struct CallbackState {
    apps: HashMap<String, CallbackApp>,
    tokens: HashMap<String, IssuedToken>,
    interactions: Vec<Interaction>,
}

/// What the emulator keeps of callbacks: its own lock, taken apart from the state's.
#[derive(Debug, Default)]
pub(crate) struct Callbacks {
    state: Mutex<CallbackState>,
    http: Mutex<Option<reqwest::Client>>,
}

impl Callbacks {
    fn lock(&self) -> MutexGuard<'_, CallbackState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn set_app(&self, app_id: &str, app: CallbackApp) {
        self.lock().apps.insert(app_id.to_owned(), app);
    }

    pub(crate) fn interactions(&self) -> Vec<Interaction> {
        self.lock().interactions.clone()
    }

    fn http(&self) -> Result<reqwest::Client, EmulatorError> {
        let mut slot = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let client = reqwest::Client::builder()
            // Header names as Lark sends them (`X-Lark-Signature`), for apps that read them
            // from a case-sensitive map.
            .http1_title_case_headers()
            .timeout(ANSWER_WITHIN)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| EmulatorError::Io(std::io::Error::other(e.to_string())))?;
        *slot = Some(client.clone());
        Ok(client)
    }
}

/// The element found, and the form around it.
struct Found<'a> {
    element: &'a Map<String, Value>,
    form: bool,
}

const INTERACTIVE_TAGS: &[&str] = &[
    "button",
    "select_static",
    "multi_select_static",
    "select_person",
    "multi_select_person",
    "input",
    "checker",
    "overflow",
    "date_picker",
    "picker_time",
    "picker_datetime",
    "select_img",
    "interactive_container",
];

/// The callback value of an element: of its `callback` behavior, or its `value`.
fn callback_value(element: &Map<String, Value>) -> Value {
    if let Some(behaviors) = element.get("behaviors").and_then(Value::as_array) {
        for behavior in behaviors {
            if behavior.get("type").and_then(Value::as_str) == Some("callback") {
                return behavior.get("value").cloned().unwrap_or(Value::Null);
            }
        }
    }
    element.get("value").cloned().unwrap_or(Value::Null)
}

fn is_submit(element: &Map<String, Value>) -> bool {
    let by_field = element.get("form_action_type").and_then(Value::as_str) == Some("submit")
        || element.get("action_type").and_then(Value::as_str) == Some("form_submit");
    let by_behavior = element
        .get("behaviors")
        .and_then(Value::as_array)
        .is_some_and(|behaviors| {
            behaviors.iter().any(|b| {
                b.get("type").and_then(Value::as_str) == Some("form_action")
                    && b.get("behavior").and_then(Value::as_str) != Some("reset")
            })
        });
    by_field || by_behavior
}

fn find<'a>(node: &'a Value, click: &Click, in_form: bool, depth: usize) -> Option<Found<'a>> {
    if depth > 64 {
        return None;
    }
    match node {
        Value::Object(object) => {
            let tag = object.get("tag").and_then(Value::as_str).unwrap_or("");
            let matches = match (&click.element_id, &click.value, &click.name) {
                (Some(id), _, _) => object.get("element_id").and_then(Value::as_str) == Some(id),
                (None, Some(value), _) => {
                    INTERACTIVE_TAGS.contains(&tag) && callback_value(object) == *value
                }
                (None, None, Some(name)) => {
                    object.get("name").and_then(Value::as_str) == Some(name)
                }
                (None, None, None) => false,
            };
            if matches && INTERACTIVE_TAGS.contains(&tag) {
                return Some(Found {
                    element: object,
                    form: in_form,
                });
            }
            let in_form = in_form || tag == "form";
            object
                .values()
                .find_map(|child| find(child, click, in_form, depth + 1))
        }
        Value::Array(items) => items
            .iter()
            .find_map(|child| find(child, click, in_form, depth + 1)),
        _ => None,
    }
}

/// The `action` of the callback.
fn action_json(found: &Found<'_>, click: &Click) -> Value {
    let element = found.element;
    let tag = element.get("tag").and_then(Value::as_str).unwrap_or("");
    let mut action = Map::new();
    let value = callback_value(element);
    if !value.is_null() {
        action.insert("value".into(), value);
    }
    action.insert("tag".into(), Value::from(tag));
    if let Some(name) = element.get("name").and_then(Value::as_str) {
        action.insert("name".into(), Value::from(name));
    }
    if found.form && tag == "button" && is_submit(element) {
        let form = click.form_value.clone().unwrap_or_default();
        action.insert("form_value".into(), Value::Object(form));
        return Value::Object(action);
    }
    match tag {
        "input" => {
            let text = click.input_value.clone().unwrap_or_default();
            action.insert("input_value".into(), Value::from(text));
        }
        "checker" => {
            let was = element
                .get("checked")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            action.insert("checked".into(), Value::from(click.checked.unwrap_or(!was)));
        }
        "multi_select_static" | "multi_select_person" => {
            let options = click.options.clone().unwrap_or_default();
            action.insert("options".into(), json!(options));
        }
        "select_static" | "select_person" | "overflow" | "select_img" => {
            action.insert(
                "option".into(),
                json!(click.option.clone().unwrap_or_default()),
            );
        }
        "date_picker" | "picker_time" | "picker_datetime" => {
            action.insert(
                "option".into(),
                json!(click.option.clone().unwrap_or_default()),
            );
            let zone = click
                .timezone
                .clone()
                .unwrap_or_else(|| "Asia/Shanghai".to_owned());
            action.insert("timezone".into(), Value::from(zone));
        }
        _ => {}
    }
    Value::Object(action)
}

/// What the app's answer did.
struct Applied {
    /// `None` for success.
    code: Option<LarkCode>,
    error: Option<String>,
    toast: Option<Value>,
    card_applied: bool,
    private_card: Option<String>,
}

impl Applied {
    fn refused(code: LarkCode, error: impl Into<String>) -> Applied {
        Applied {
            code: Some(code),
            error: Some(error.into()),
            toast: None,
            card_applied: false,
            private_card: None,
        }
    }
}

fn is_v2(content: &str) -> bool {
    serde_json::from_str::<Value>(content)
        .ok()
        .and_then(|v| v.get("schema").and_then(Value::as_str).map(|s| s == "2.0"))
        .unwrap_or(false)
}

/// The text of the answer's `card.data`, exactly as the app sent it.
fn raw_card_data(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct AnswerText<'a> {
        #[serde(borrow)]
        card: Option<CardText<'a>>,
    }
    #[derive(Deserialize)]
    struct CardText<'a> {
        #[serde(borrow)]
        data: Option<&'a RawValue>,
    }
    let answer: AnswerText<'_> = serde_json::from_slice(body).ok()?;
    Some(answer.card?.data?.get().to_owned())
}

/// Checks an answer body and applies it to the message.
fn apply_answer(shared: &Shared, message_id: &str, original_v2: bool, body: &[u8]) -> Applied {
    let Ok(Value::Object(answer)) = serde_json::from_slice::<Value>(body) else {
        return Applied::refused(LarkCode::CallbackBadBody, "the answer is not a JSON object");
    };
    let toast = match answer.get("toast") {
        None | Some(Value::Null) => None,
        Some(Value::Object(toast)) => {
            let kind_ok = match toast.get("type") {
                None => true,
                Some(kind) => kind
                    .as_str()
                    .is_some_and(|k| ["info", "success", "error", "warning"].contains(&k)),
            };
            let text_ok = toast.get("content").is_none_or(Value::is_string)
                && toast.get("i18n").is_none_or(Value::is_object);
            if !(kind_ok && text_ok) {
                return Applied::refused(
                    LarkCode::CallbackBadBody,
                    "the toast's type must be info, success, error or warning, its content a string",
                );
            }
            Some(Value::Object(toast.clone()))
        }
        Some(_) => return Applied::refused(LarkCode::CallbackBadBody, "`toast` is not an object"),
    };
    let mut applied = Applied {
        code: None,
        error: None,
        toast,
        card_applied: false,
        private_card: None,
    };
    let card = match answer.get("card") {
        None | Some(Value::Null) => return applied,
        Some(Value::Object(card)) => card,
        Some(_) => return Applied::refused(LarkCode::CallbackBadBody, "`card` is not an object"),
    };
    let data = card.get("data");
    match (card.get("type").and_then(Value::as_str), data) {
        (Some("raw"), Some(data @ Value::Object(_))) => {
            // The card as the app wrote it, key order and spacing included; the parsed map
            // (keys sorted) only if the text cannot be cut out (a repeated key, say).
            let content = raw_card_data(body).unwrap_or_else(|| data.to_string());
            let checked = match Card::<NoUpdateMulti>::from_json(&content) {
                Ok(card) => card,
                Err(error) => {
                    return Applied {
                        code: Some(LarkCode::CallbackBadCard),
                        error: Some(format!("the answer's card is invalid: {error}")),
                        ..applied
                    }
                }
            };
            if original_v2 && !is_v2(&content) {
                return Applied {
                    code: Some(LarkCode::CallbackV2ToV1),
                    error: Some("a card JSON 2.0 card cannot become a 1.0 card".into()),
                    ..applied
                };
            }
            if checked.into_shared().is_ok() {
                let now = shared.clock.now_ms();
                shared.lock().replace_card_content(
                    message_id,
                    content,
                    RevisionKind::CallbackAnswer,
                    now,
                );
                applied.card_applied = true;
            } else {
                applied.private_card = Some(content);
            }
            applied
        }
        (Some("template"), Some(Value::Object(_))) => Applied {
            code: Some(LarkCode::CallbackBadCard),
            error: Some("template cards are not emulated: the emulator holds no templates".into()),
            ..applied
        },
        _ => Applied {
            code: Some(LarkCode::CallbackBadBody),
            error: Some("`card` must be {\"type\": \"raw\" | \"template\", \"data\": {…}}".into()),
            ..applied
        },
    }
}

/// Simulates an interaction with a card: posts the callback to the app and applies its
/// answer.
pub(crate) async fn click(
    shared: &Arc<Shared>,
    message_id: &str,
    click: Click,
) -> Result<Interaction, EmulatorError> {
    let message = shared
        .lock()
        .message(message_id)
        .ok_or_else(|| EmulatorError::UnknownMessage(message_id.to_owned()))?;
    if message.state != MessageState::Live {
        return Err(EmulatorError::Api {
            code: LarkCode::MessageRecalled.code(),
            msg: "the message was recalled or deleted: nobody can click it".into(),
        });
    }
    let tree: Value = serde_json::from_str(&message.content).unwrap_or(Value::Null);
    let found = find(&tree, &click, false, 0).ok_or_else(|| EmulatorError::Api {
        code: LarkCode::InvalidParameter.code(),
        msg: match (&click.element_id, &click.value, &click.name) {
            (Some(id), _, _) => {
                format!("the card has no interactive element with element_id `{id}`")
            }
            (None, Some(value), _) => {
                format!("the card has no interactive element with value {value}")
            }
            (None, None, Some(name)) => {
                format!("the card has no interactive element named `{name}`")
            }
            (None, None, None) => "give `element_id`, `value` or `name`".to_owned(),
        },
    })?;
    let action = action_json(&found, &click);
    let tag = found
        .element
        .get("tag")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let operator = click.operator.clone().unwrap_or_default();
    let original_v2 = is_v2(&message.content);

    let now_ms = shared.clock.now_ms();
    let (event_id, token, nonce, iv) = {
        let mut state = shared.lock();
        let rng = &mut state.rng;
        let event_id = rng.hex(32);
        let token = format!("c-{}", rng.hex(40));
        let nonce = rng.hex(16);
        let mut iv = [0u8; 16];
        for chunk in iv.chunks_mut(8) {
            let bytes = rng.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        (event_id, token, nonce, iv)
    };
    let app = shared.callbacks.lock().apps.get(&message.app_id).cloned();
    let callback = json!({
        "schema": "2.0",
        "header": {
            "event_id": event_id,
            "token": app.as_ref().map_or("", |a| a.verification_token.as_str()),
            "create_time": (u128::from(now_ms) * 1000).to_string(),
            "event_type": "card.action.trigger",
            "tenant_key": "emulated_tenant",
            "app_id": message.app_id,
        },
        "event": {
            "operator": {
                "tenant_key": "emulated_tenant",
                "user_id": operator.user_id,
                "open_id": operator.open_id,
                "union_id": operator.union_id,
            },
            "token": token,
            "action": action,
            "host": "im_message",
            "context": {
                "open_message_id": message.message_id,
                "open_chat_id": message.chat_id,
            },
        },
    });
    shared.callbacks.lock().tokens.insert(
        token.clone(),
        IssuedToken {
            message_id: message.message_id.clone(),
            app_id: message.app_id.clone(),
            issued_ms: now_ms,
            uses: 0,
        },
    );

    shared.lock().record_click(
        &message.message_id,
        ClickedEntry {
            event_id: event_id.clone(),
            tag: tag.clone(),
            open_id: operator.open_id.clone(),
            code: None,
            toast: None,
        },
        now_ms,
    );

    let started = Instant::now();
    let (status, applied) = match &app {
        None => (
            None,
            Applied::refused(
                LarkCode::CallbackUrlMissing,
                "the app has no callback URL (start the emulator with --callback-url, or POST \
                 /__emulator/apps/{app_id}/callback)",
            ),
        ),
        Some(app) => {
            post(
                shared,
                app,
                &callback,
                now_ms,
                &nonce,
                iv,
                message_id,
                original_v2,
            )
            .await?
        }
    };
    let interaction = Interaction {
        message_id: message.message_id,
        app_id: message.app_id,
        token,
        event_id,
        operator,
        tag,
        callback,
        status,
        code: applied.code.map_or(lark::SUCCESS, LarkCode::code),
        error: applied.error,
        toast: applied.toast,
        card_applied: applied.card_applied,
        private_card: applied.private_card,
        latency_ms: millis(started.elapsed()),
        at: to_system_time(now_ms),
    };
    shared.lock().record_click_answer(
        &interaction.message_id,
        &interaction.event_id,
        interaction.code,
        interaction.toast.clone(),
    );
    shared
        .callbacks
        .lock()
        .interactions
        .push(interaction.clone());
    Ok(interaction)
}

#[allow(clippy::too_many_arguments)]
async fn post(
    shared: &Shared,
    app: &CallbackApp,
    callback: &Value,
    now_ms: u64,
    nonce: &str,
    iv: [u8; 16],
    message_id: &str,
    original_v2: bool,
) -> Result<(Option<u16>, Applied), EmulatorError> {
    let plaintext = callback.to_string();
    let key = EncryptKey::new(app.encrypt_key.clone().unwrap_or_default());
    let body = match &app.encrypt_key {
        Some(_) => {
            json!({ "encrypt": crypto::encrypt(&key, plaintext.as_bytes(), iv) }).to_string()
        }
        None => plaintext,
    };
    let timestamp = (now_ms / 1000).to_string();
    let signature = crypto::signature(&timestamp, nonce, &key, body.as_bytes());
    let http = shared.callbacks.http()?;
    let sent = http
        .post(&app.url)
        .header("Content-Type", "application/json; charset=utf-8")
        .header(crypto::TIMESTAMP_HEADER, &timestamp)
        .header(crypto::NONCE_HEADER, nonce)
        .header(crypto::SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(error) if error.is_timeout() => {
            return Ok((
                None,
                Applied::refused(LarkCode::CallbackTimeout, "no answer within 3 seconds"),
            ))
        }
        Err(error) => {
            return Ok((
                None,
                Applied::refused(
                    LarkCode::CallbackUnreachable,
                    format!("cannot reach the callback URL: {error}"),
                ),
            ))
        }
    };
    let status = response.status().as_u16();
    if status != 200 {
        return Ok((
            Some(status),
            Applied::refused(
                LarkCode::CallbackNot200,
                format!("the app answered HTTP {status}"),
            ),
        ));
    }
    let bytes = match response.bytes().await {
        Ok(bytes) => bytes,
        Err(error) if error.is_timeout() => {
            return Ok((
                Some(status),
                Applied::refused(LarkCode::CallbackTimeout, "no answer within 3 seconds"),
            ))
        }
        Err(error) => {
            return Ok((
                Some(status),
                Applied::refused(
                    LarkCode::CallbackBadBody,
                    format!("the answer could not be read: {error}"),
                ),
            ))
        }
    };
    Ok((
        Some(status),
        apply_answer(shared, message_id, original_v2, &bytes),
    ))
}

/// `POST /open-apis/interactive/v1/card/update`, after authentication: the delayed update.
pub(crate) fn update_later(shared: &Shared, app_id: &str, body: &[u8]) -> Result<(), ApiError> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Err(ApiError::with_msg(
            LarkCode::DelayedBodyNotJson,
            "the body is not JSON",
        ));
    };
    let (Some(token), Some(card)) = (
        value.get("token").and_then(Value::as_str),
        value.get("card").filter(|c| c.is_object()),
    ) else {
        return Err(ApiError::with_msg(
            LarkCode::DelayedCardParamInvalid,
            "the body must be {\"token\": \"c-…\", \"card\": {…}}",
        ));
    };
    if !token.starts_with("c-") {
        return Err(ApiError::with_msg(
            LarkCode::CallbackTokenMalformed,
            "the token is not a `c-…` token",
        ));
    }
    let now = shared.clock.now_ms();
    let message_id = {
        let callbacks = shared.callbacks.lock();
        let Some(issued) = callbacks.tokens.get(token) else {
            return Err(ApiError::with_msg(
                LarkCode::CallbackTokenExpired,
                "the token is invalid or expired",
            ));
        };
        if issued.app_id != app_id {
            return Err(ApiError::with_msg(
                LarkCode::DelayedCardOfOtherApp,
                "the card was sent by another app",
            ));
        }
        if now.saturating_sub(issued.issued_ms) >= millis(TOKEN_LIFETIME) {
            return Err(ApiError::with_msg(
                LarkCode::CallbackTokenExpired,
                "the token expired (30 minutes)",
            ));
        }
        if issued.uses >= TOKEN_USES {
            return Err(ApiError::with_msg(
                LarkCode::CallbackTokenUsedUp,
                "the token was used 2 times already",
            ));
        }
        issued.message_id.clone()
    };
    let message = shared
        .lock()
        .message(&message_id)
        .ok_or_else(|| ApiError::with_msg(LarkCode::DelayedCardRecalled, "the message is gone"))?;
    if message.state != MessageState::Live {
        return Err(ApiError::with_msg(
            LarkCode::DelayedCardRecalled,
            "the message was recalled",
        ));
    }
    if card.get("type").and_then(Value::as_str) == Some("template") {
        return Err(ApiError::with_msg(
            LarkCode::DelayedCardInvalid,
            "template cards are not emulated: the emulator holds no templates",
        ));
    }
    let mut card = card.clone();
    let open_ids = card.as_object_mut().and_then(|c| c.remove("open_ids"));
    let content = card.to_string();
    let checked = Card::<NoUpdateMulti>::from_json(&content).map_err(|error| {
        ApiError::with_msg(
            LarkCode::DelayedCardInvalid,
            format!("the card is invalid: {error}"),
        )
    })?;
    let card_shared = checked.into_shared().is_ok();
    if !card_shared && open_ids.is_none() {
        return Err(ApiError::with_msg(
            LarkCode::DelayedOpenIdsRequired,
            "a card that is not shared needs `open_ids` (or `\"update_multi\": true`)",
        ));
    }
    // The use is counted under the same lock as the check of the count: two updates at once
    // with a token used once must not both pass.
    {
        let mut callbacks = shared.callbacks.lock();
        let Some(issued) = callbacks.tokens.get_mut(token) else {
            return Err(ApiError::with_msg(
                LarkCode::CallbackTokenExpired,
                "the token is invalid or expired",
            ));
        };
        if issued.uses >= TOKEN_USES {
            return Err(ApiError::with_msg(
                LarkCode::CallbackTokenUsedUp,
                "the token was used 2 times already",
            ));
        }
        issued.uses += 1;
    }
    if card_shared {
        shared
            .lock()
            .replace_card_content(&message_id, content, RevisionKind::DelayedUpdate, now);
    }
    Ok(())
}

/// The callback side of the [`Emulator`].
impl Emulator {
    /// Sets an app's callback URL, Verification Token and Encrypt Key.
    pub fn set_callback(&self, app_id: &str, app: CallbackApp) {
        self.shared().callbacks.set_app(app_id, app);
    }

    /// Simulates an interaction with a sent card: the callback goes to the app's callback
    /// URL, and its answer is applied. See [the module](crate::callbacks).
    pub async fn click(
        &self,
        message_id: &str,
        click: Click,
    ) -> Result<Interaction, EmulatorError> {
        click_on(self.shared(), message_id, click).await
    }

    /// Every simulated interaction so far, oldest first.
    pub fn interactions(&self) -> Vec<Interaction> {
        self.shared().callbacks.interactions()
    }
}

pub(crate) async fn click_on(
    shared: &Arc<Shared>,
    message_id: &str,
    request: Click,
) -> Result<Interaction, EmulatorError> {
    click(shared, message_id, request).await
}

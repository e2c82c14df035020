//! Lark's side of card callbacks: an app's callback URL, Verification Token and Encrypt Key;
//! simulated interactions that post the exact `card.action.trigger` callback (encrypted and
//! signed as Lark does) and apply the answer; and the tokens of the delayed update.
//!
//! A simulated interaction ([`Emulator::click`](crate::Emulator::click), or `POST /__emulator/messages/{id}/actions`)
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
//! 3. waits 3 seconds of the emulator's clock at most (real time while it runs; with a paused
//!    clock, until an advance passes them) for HTTP 200 and a JSON body, and applies it: the
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
//! 300090 a card that is not shared, 10002 a body without `token` or `card`. The update must
//! follow the callback's answer: one made while the callback still waits for its answer is
//! answered with success, then undone when the answer comes (the answer's card replaces it,
//! or the card goes back to what it was: a revision of kind `undone`).
//!
//! This module holds the types of callbacks. Within the crate the work is layered: what is
//! remembered (settings, tokens, interactions, the delayed update's rules) is part of the
//! emulator's state; finding the element and checking an answer are plain functions over
//! JSON; one module on top of those posts the callbacks over HTTP.

use std::time::SystemTime;

use lark_card::MessageId;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How long Lark waits for an answer.
pub use lark_card::lark::limits::CALLBACK_ANSWER_WITHIN as ANSWER_WITHIN;
/// How long a callback token updates the card, and how often.
pub use lark_card::lark::limits::{
    CALLBACK_TOKEN_LIFETIME as TOKEN_LIFETIME, CALLBACK_TOKEN_USES as TOKEN_USES,
};

/// An app's callback settings, as in the developer console.
#[derive(Clone, Deserialize, PartialEq, Eq)]
pub struct CallbackApp {
    pub(crate) url: String,
    pub(crate) verification_token: String,
    #[serde(default)]
    pub(crate) encrypt_key: Option<String>,
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

    /// Where the emulator posts this app's callbacks (when it has no long connection).
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// Who interacts, by default `ou_emulated_user`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct Operator {
    /// The user's `open_id` (`ou_…`): the id the callback's `operator` always carries.
    pub open_id: String,
    /// The user's `union_id` (`on_…`); [`Operator::new`] derives it from the open id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub union_id: Option<String>,
    /// The user's `user_id` in the tenant; [`Operator::new`] derives it from the open id.
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
    pub(crate) element_id: Option<String>,
    #[serde(default)]
    pub(crate) value: Option<Value>,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) operator: Option<Operator>,
    #[serde(default)]
    pub(crate) form_value: Option<Map<String, Value>>,
    #[serde(default)]
    pub(crate) input_value: Option<String>,
    #[serde(default)]
    pub(crate) option: Option<String>,
    #[serde(default)]
    pub(crate) options: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) checked: Option<bool>,
    #[serde(default)]
    pub(crate) timezone: Option<String>,
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

/// How an interaction reached the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Posted to the callback URL.
    Http,
    /// Pushed over a long connection.
    LongConnection,
}

/// A user's text message to the bot, pushed over the long connection as an
/// `im.message.receive_v1` event
/// ([`Emulator::push_user_message`](crate::Emulator::push_user_message)). The JSON of
/// `POST /__emulator/apps/{app_id}/user_messages` has the same fields:
/// `{"chat_id", "text", "chat_type"?, "operator"?}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserMessage {
    pub(crate) chat_id: String,
    pub(crate) text: String,
    #[serde(default = "group")]
    pub(crate) chat_type: String,
    #[serde(default)]
    pub(crate) operator: Operator,
}

fn group() -> String {
    "group".to_owned()
}

impl UserMessage {
    /// `text` written in a group chat by the default operator.
    pub fn new(chat_id: impl Into<String>, text: impl Into<String>) -> Self {
        UserMessage {
            chat_id: chat_id.into(),
            text: text.into(),
            chat_type: group(),
            operator: Operator::default(),
        }
    }

    /// Written in a one-to-one chat with the bot (`chat_type` `p2p`).
    pub fn p2p(mut self) -> Self {
        self.chat_type = "p2p".to_owned();
        self
    }

    /// Written by this user.
    pub fn by(mut self, operator: Operator) -> Self {
        self.operator = operator;
        self
    }
}

/// What happened to one simulated interaction.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct Interaction {
    /// The card's message.
    pub message_id: MessageId,
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
    /// How the callback went to the app: posted to its callback URL, or pushed over one of
    /// its long connections (`None` when it had neither).
    pub via: Option<Via>,
    /// The HTTP status of the app's answer, or the `code` of its answer frame over the long
    /// connection (`None` if it did not answer).
    pub status: Option<u16>,
    /// 0, or Lark's code for a late or bad answer ([`LarkCode`](lark_card::lark::LarkCode) names them).
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

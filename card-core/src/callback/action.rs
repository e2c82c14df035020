//! A card interaction as Lark sends it (`card.action.trigger`, schema 2.0), as types.

use crate::MessageId;
use crate::Secret;
use core::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::error::CallbackError;

/// The event type of a card interaction.
pub const CARD_ACTION_TRIGGER: &str = "card.action.trigger";

/// Someone used an interactive element of a card: the callback, typed.
///
/// ```
/// use lark_card::callback::CardAction;
/// use serde::Deserialize;
///
/// let body = r#"{"schema":"2.0","header":{"event_id":"e1","token":"vt","create_time":"1700000000000000",
///   "event_type":"card.action.trigger","tenant_key":"t1","app_id":"cli_a"},
///   "event":{"operator":{"open_id":"ou_1","union_id":"on_1","tenant_key":"t1"},"token":"c-123",
///   "action":{"tag":"button","value":{"action":"approve","id":7}},
///   "host":"im_message","context":{"open_message_id":"om_1","open_chat_id":"oc_1"}}}"#;
/// let action = CardAction::from_json(body)?;
///
/// #[derive(Deserialize, PartialEq, Debug)]
/// #[serde(tag = "action", rename_all = "snake_case")]
/// enum Decision { Approve { id: u32 }, Reject { id: u32 } }
///
/// assert_eq!(action.action.value::<Decision>()?, Decision::Approve { id: 7 });
/// assert_eq!(action.operator.open_id, "ou_1");
/// assert_eq!(action.context.open_message_id.as_ref().map(|id| id.as_str()), Some("om_1"));
/// assert_eq!(action.token.expose(), "c-123");
/// # Ok::<(), lark_card::callback::CallbackError>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CardAction {
    /// The callback's header (its Verification Token is checked, not kept).
    pub header: CallbackHeader,
    /// Who used the element.
    pub operator: Operator,
    /// The token of the delayed update (`c-…`): 30 minutes, 2 updates.
    pub token: CallbackToken,
    /// What was done.
    pub action: ElementAction,
    /// Where the card is shown (`im_message`, ...).
    pub host: Option<String>,
    /// `url_preview` for a link-preview card, else `None`.
    pub delivery_type: Option<String>,
    /// The message and chat of the card.
    pub context: Context,
}

/// The header of a callback, without its Verification Token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CallbackHeader {
    /// The callback's unique id.
    #[serde(default)]
    pub event_id: String,
    /// When it was sent, in microseconds since the epoch (a string, as Lark writes it).
    #[serde(default)]
    pub create_time: String,
    /// `card.action.trigger`.
    #[serde(default)]
    pub event_type: String,
    /// The app's tenant.
    #[serde(default)]
    pub tenant_key: String,
    /// The app the card belongs to (`cli_…`): which app a callback is for, when one
    /// receiver serves several.
    #[serde(default)]
    pub app_id: String,
}

/// Who used the element.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Operator {
    /// The user's `open_id` (`ou_…`): `<at id=…></at>` takes it.
    #[serde(default)]
    pub open_id: String,
    /// The user's `union_id` (`on_…`).
    #[serde(default)]
    pub union_id: Option<String>,
    /// The user's `user_id`, when the app may read it.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The user's tenant.
    #[serde(default)]
    pub tenant_key: Option<String>,
}

/// The message and chat of the card; the link for a link preview.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Context {
    /// The message id of the card (`om_…`): what [`Client::update_card`] takes.
    ///
    /// [`Client::update_card`]: crate::client::Client::update_card
    #[serde(default)]
    pub open_message_id: Option<MessageId>,
    /// The chat (`oc_…`).
    #[serde(default)]
    pub open_chat_id: Option<String>,
    /// The link, for a link-preview card.
    #[serde(default)]
    pub url: Option<String>,
    /// The link preview's token.
    #[serde(default)]
    pub preview_token: Option<String>,
}

/// What was done: the element's tag, its `value`, and what the user chose or typed.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ElementAction {
    #[serde(default)]
    value: Value,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    option: Option<String>,
    #[serde(default)]
    options: Option<Vec<String>>,
    #[serde(default)]
    input_value: Option<String>,
    #[serde(default)]
    checked: Option<bool>,
    #[serde(default)]
    form_value: Option<FormValue>,
    #[serde(default)]
    timezone: Option<String>,
}

impl ElementAction {
    /// The element's `value` (of a button's `callback` behavior, say) read as your own type.
    pub fn value<T: DeserializeOwned>(&self) -> Result<T, CallbackError> {
        Ok(T::deserialize(&self.value)?)
    }

    /// The element's `value` as JSON (`null` when it has none).
    pub fn raw_value(&self) -> &Value {
        &self.value
    }

    /// The element's tag: `button`, `select_static`, `input`, `checker`, ...
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The element's `name` (set on elements of a form, and on the form's submit button).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The option chosen in a single select, person picker, date or time picker, or
    /// overflow menu outside a form.
    pub fn option(&self) -> Option<&str> {
        self.option.as_deref()
    }

    /// The options chosen in a multi-select outside a form.
    pub fn options(&self) -> Option<&[String]> {
        self.options.as_deref()
    }

    /// The text submitted in an input outside a form.
    pub fn input_value(&self) -> Option<&str> {
        self.input_value.as_deref()
    }

    /// The state of a checker outside a form.
    pub fn checked(&self) -> Option<bool> {
        self.checked
    }

    /// The values of a submitted form, by field `name`.
    pub fn form(&self) -> Option<&FormValue> {
        self.form_value.as_ref()
    }

    /// The user's time zone, for date and time pickers.
    pub fn timezone(&self) -> Option<&str> {
        self.timezone.as_deref()
    }
}

/// The values of a submitted form, by the `name` of each field: a string for inputs, single
/// selects and pickers, a list of strings for multi-selects, a boolean for checkers.
///
/// ```
/// use lark_card::callback::FormValue;
/// use serde::Deserialize;
///
/// let form: FormValue = serde_json::from_str(r#"{"reason":"late","days":"3","tags":["a","b"],"urgent":true}"#)?;
/// assert_eq!(form.text("reason"), Some("late"));
/// assert_eq!(form.list("tags"), Some(vec!["a", "b"]));
/// assert_eq!(form.flag("urgent"), Some(true));
///
/// #[derive(Deserialize)]
/// struct Leave { reason: String, days: String, tags: Vec<String>, urgent: bool }
/// let leave: Leave = form.parse()?;
/// assert_eq!(leave.days.parse::<u32>().ok(), Some(3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct FormValue(Map<String, Value>);

impl FormValue {
    /// A field that is a string (input, single select, picker).
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// A field that is a list of strings (multi-select).
    pub fn list(&self, name: &str) -> Option<Vec<&str>> {
        let items = self.0.get(name)?.as_array()?;
        items.iter().map(Value::as_str).collect()
    }

    /// A field that is a boolean (checker).
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.0.get(name).and_then(Value::as_bool)
    }

    /// One field read as your own type; [`CallbackError::MissingField`] if absent.
    pub fn field<T: DeserializeOwned>(&self, name: &str) -> Result<T, CallbackError> {
        let value = self
            .0
            .get(name)
            .ok_or_else(|| CallbackError::MissingField(name.to_owned()))?;
        Ok(T::deserialize(value)?)
    }

    /// The whole form read as your own type, a struct with a field per `name`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, CallbackError> {
        Ok(T::deserialize(Value::Object(self.0.clone()))?)
    }

    /// Every field, by name.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.0
    }
}

/// The token of a callback (`c-…`), which updates the card later
/// ([`Client::update_card_later`](crate::client::Client::update_card_later)): valid for 30
/// minutes, for 2 updates. Kept out of `Debug`.
///
/// A token read from a callback remembers when it arrived and how often it was used, so that
/// the client refuses a spent token before asking Lark; one made with
/// [`CallbackToken::new`] (from storage, say) is checked by Lark alone.
#[derive(Clone)]
pub struct CallbackToken {
    token: Secret,
    received: Option<Instant>,
    uses: Arc<AtomicU32>,
}

impl CallbackToken {
    /// A token kept from a callback.
    pub fn new(token: impl Into<String>) -> Self {
        CallbackToken {
            token: Secret::new(token),
            received: None,
            uses: Arc::default(),
        }
    }

    fn received_now(token: String) -> Self {
        CallbackToken {
            token: Secret::new(token),
            received: Some(Instant::now()),
            uses: Arc::default(),
        }
    }

    /// The token itself. Never log it.
    pub fn expose(&self) -> &str {
        self.token.expose()
    }

    /// When it arrived, if it came with a callback.
    pub fn received_at(&self) -> Option<Instant> {
        self.received
    }

    /// How many updates were asked with it (by this token and its clones).
    pub fn uses(&self) -> u32 {
        self.uses.load(Ordering::SeqCst)
    }

    /// Counts one use; the number of uses before it.
    #[cfg_attr(not(feature = "client"), allow(dead_code))]
    pub(crate) fn take_use(&self) -> u32 {
        self.uses.fetch_add(1, Ordering::SeqCst)
    }
}

impl fmt::Debug for CallbackToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackToken")
            .field("token", &"(redacted)")
            .field("uses", &self.uses())
            .finish()
    }
}

impl PartialEq for CallbackToken {
    fn eq(&self, other: &Self) -> bool {
        self.token == other.token
    }
}

/// The callback as sent, before its token is checked.
#[derive(Deserialize)]
pub(crate) struct Envelope {
    #[serde(default)]
    pub(crate) schema: Option<String>,
    #[serde(default)]
    pub(crate) header: Option<RawHeader>,
    #[serde(default)]
    pub(crate) event: Option<RawEvent>,
    /// URL verification: `{"challenge", "token", "type": "url_verification"}`.
    #[serde(default)]
    pub(crate) challenge: Option<String>,
    #[serde(default)]
    pub(crate) token: Option<String>,
    #[serde(default, rename = "type")]
    pub(crate) kind: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct RawHeader {
    #[serde(default)]
    pub(crate) token: String,
    #[serde(flatten)]
    pub(crate) header: CallbackHeader,
}

#[derive(Deserialize)]
pub(crate) struct RawEvent {
    #[serde(default)]
    operator: Operator,
    #[serde(default)]
    token: String,
    #[serde(default)]
    action: ElementAction,
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    delivery_type: Option<String>,
    #[serde(default)]
    context: Context,
}

impl Envelope {
    /// Whether this is the URL verification request.
    pub(crate) fn is_url_verification(&self) -> bool {
        self.kind.as_deref() == Some("url_verification")
    }

    /// The Verification Token the request carries (`header.token`, or `token` for the URL
    /// verification).
    pub(crate) fn verification_token(&self) -> Option<&str> {
        match &self.header {
            Some(header) => Some(header.token.as_str()),
            None => self.token.as_deref(),
        }
    }

    /// The card action; [`CallbackError::UnsupportedEvent`] for any other callback.
    pub(crate) fn into_card_action(self) -> Result<CardAction, CallbackError> {
        let (Some(header), Some(event)) = (self.header, self.event) else {
            return Err(CallbackError::UnsupportedEvent(
                self.kind.unwrap_or_else(|| "(none)".to_owned()),
            ));
        };
        if header.header.event_type != CARD_ACTION_TRIGGER || self.schema.as_deref() != Some("2.0")
        {
            return Err(CallbackError::UnsupportedEvent(header.header.event_type));
        }
        Ok(CardAction {
            header: header.header,
            operator: event.operator,
            token: CallbackToken::received_now(event.token),
            action: event.action,
            host: event.host,
            delivery_type: event.delivery_type,
            context: event.context,
        })
    }
}

impl CardAction {
    /// Reads a decrypted callback body, without checking its Verification Token (the
    /// [`Receiver`](super::Receiver) checks it). For tests and other transports.
    pub fn from_json(body: &str) -> Result<Self, CallbackError> {
        serde_json::from_str::<Envelope>(body)?.into_card_action()
    }
}

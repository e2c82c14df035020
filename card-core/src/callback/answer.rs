//! The answer to a callback, within 3 seconds: a toast, and/or a new card.

use core::fmt;
use core::marker::PhantomData;

use serde::Serialize;
use serde_json::{Map, Value};

use super::error::CallbackError;
use crate::card::{Card, Shared};
use crate::model::SchemaVersion;
use crate::template::TemplateCard;

/// The kind of a toast, which sets its icon and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ToastKind {
    /// `info`: a neutral notice.
    Info,
    /// `success`: the action worked.
    Success,
    /// `error`: the action failed (say why in the text).
    Error,
    /// `warning`: the action went through, or was refused, with a caveat.
    Warning,
}

/// A toast: a short message the user sees after using the card.
///
/// ```
/// use lark_card::callback::Toast;
///
/// let toast = Toast::success("Saved").i18n("zh_cn", "已保存");
/// assert_eq!(serde_json::to_string(&toast)?, r#"{"type":"success","content":"Saved","i18n":{"zh_cn":"已保存"}}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Toast {
    #[serde(rename = "type")]
    kind: ToastKind,
    content: String,
    #[serde(skip_serializing_if = "Map::is_empty")]
    i18n: Map<String, Value>,
}

impl Toast {
    /// A toast of this kind.
    pub fn new(kind: ToastKind, content: impl Into<String>) -> Self {
        Toast {
            kind,
            content: content.into(),
            i18n: Map::new(),
        }
    }

    /// An `info` toast.
    pub fn info(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Info, content)
    }

    /// A `success` toast.
    pub fn success(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Success, content)
    }

    /// An `error` toast.
    pub fn error(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Error, content)
    }

    /// A `warning` toast.
    pub fn warning(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Warning, content)
    }

    /// The text in one language (`zh_cn`, `en_us`, `ja_jp`, ...).
    pub fn i18n(mut self, language: impl Into<String>, content: impl Into<String>) -> Self {
        self.i18n
            .insert(language.into(), Value::String(content.into()));
        self
    }

    /// Its kind: the icon and colour Lark shows.
    pub fn kind(&self) -> ToastKind {
        self.kind
    }

    /// Its text in the default language (see [`Toast::i18n`] for the others).
    pub fn content(&self) -> &str {
        &self.content
    }
}

/// A card JSON 2.0 card: what answers a click on a 2.0 card, which Lark refuses to turn into a
/// 1.0 card (200830).
///
/// `card!(V2Card, { ... })` builds one from a card whose literal `"schema": "2.0"` it checked
/// when the program compiled (a 1.0 card there is a compile error); [`V2Card::new`] and
/// [`V2Card::from_json`] check a card made at run time.
///
/// ```
/// use lark_card::{card, callback::V2Card};
///
/// let done = card!(V2Card, { "schema": "2.0", "body": { "elements": [] } });
/// # let _: V2Card = done;
///
/// // Made at run time: checked.
/// assert!(V2Card::new(card!({ "schema": "2.0", "body": { "elements": [] } })).is_ok());
/// let v1 = V2Card::new(card!({ "config": { "update_multi": true }, "elements": [] }));
/// assert!(v1.is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct V2Card(Card<Shared>);

impl V2Card {
    /// The card, if it is card JSON 2.0; [`CallbackError::NotV2`] otherwise.
    pub fn new(card: Card<Shared>) -> Result<Self, CallbackError> {
        if card.json().schema == Some(SchemaVersion::V2) {
            Ok(V2Card(card))
        } else {
            Err(CallbackError::NotV2)
        }
    }

    /// What `card!(V2Card, { ... })` expands to: a card it checked to be 2.0.
    pub(crate) fn checked(card: Card<Shared>) -> Self {
        V2Card(card)
    }

    /// Reads and checks card JSON, like [`Card::from_json`], and requires it to be 2.0.
    pub fn from_json(text: &str) -> Result<Self, CallbackError> {
        V2Card::new(Card::<Shared>::from_json(text)?)
    }

    /// The card, checked to be 2.0, as a card of any version.
    pub fn card(&self) -> &Card<Shared> {
        &self.0
    }

    /// The card, by value, as a card of any version (to send it, say).
    pub fn into_card(self) -> Card<Shared> {
        self.0
    }
}

impl TryFrom<Card<Shared>> for V2Card {
    type Error = CallbackError;

    fn try_from(card: Card<Shared>) -> Result<Self, CallbackError> {
        V2Card::new(card)
    }
}

/// What [`Answer::v2`]'s [`card`](Answer::card) takes: a card known to be card JSON 2.0, a
/// [`V2Card`]. A [`Card`] is not one, so that a 1.0 card answering a 2.0 card (which Lark
/// refuses, 200830) is a compile error that names the fix.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not known to be card JSON 2.0, so it cannot answer a click on a 2.0 card",
    label = "not a `V2Card`",
    note = "Lark refuses to turn a 2.0 card into a 1.0 card (`lark_card::lark::LarkCode::CallbackV2ToV1`)",
    note = "write the card as `card!(V2Card, {{ \"schema\": \"2.0\", ... }})`, or check a card made at run time with `V2Card::new(card)?`"
)]
pub trait IntoV2Card: sealed_v2::Sealed {
    /// The card.
    fn into_v2_card(self) -> V2Card;
}

impl IntoV2Card for V2Card {
    fn into_v2_card(self) -> V2Card {
        self
    }
}

mod sealed_v2 {
    pub trait Sealed {}
    impl Sealed for super::V2Card {}
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::AnyVersion {}
    impl Sealed for super::V2 {}
}

/// What an [`Answer`] knows of the card that was clicked: [`AnyVersion`] or [`V2`].
pub trait Original: sealed::Sealed + Send + Sync + 'static {}

/// The clicked card's version is not known to the type: any shared card may answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnyVersion;

/// The clicked card is card JSON 2.0: only a [`V2Card`] (or a template) may answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct V2;

impl Original for AnyVersion {}
impl Original for V2 {}

/// The new card of an answer.
#[derive(Clone, PartialEq)]
pub(crate) enum AnswerCard {
    /// Card JSON, as compact text.
    Raw(String),
    /// A template of the card builder.
    Template(TemplateCard),
}

impl AnswerCard {
    /// The `content` of the card as the delayed update takes it: the card JSON, or
    /// `{"type":"template","data":{…}}`.
    #[cfg_attr(not(feature = "client"), allow(dead_code))]
    pub(crate) fn content(&self) -> Result<String, CallbackError> {
        match self {
            AnswerCard::Raw(content) => Ok(content.clone()),
            AnswerCard::Template(template) => Ok(template.to_content()),
        }
    }
}

/// The answer to a callback: nothing (`{}`), a toast, a new card, or both.
///
/// `Answer<V2>` (made by [`Answer::v2`]) answers a click on a 2.0 card and only takes a
/// [`V2Card`], so Lark's rule that a 2.0 card stays 2.0 (200830) holds by type.
///
/// ```
/// use lark_card::{card, callback::{Answer, Toast, V2Card}};
///
/// let done = card!(V2Card, { "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "content": "Done" }
/// ] } });
/// let answer = Answer::v2().toast(Toast::success("Saved")).card(done);
/// assert_eq!(
///     answer.to_json()?,
///     r#"{"toast":{"type":"success","content":"Saved"},"card":{"type":"raw","data":{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"Done"}]}}}}"#
/// );
/// assert_eq!(lark_card::callback::Answer::new().to_json()?, "{}");
/// # Ok::<(), lark_card::callback::CallbackError>(())
/// ```
pub struct Answer<V: Original = AnyVersion> {
    toast: Option<Toast>,
    card: Option<AnswerCard>,
    original: PhantomData<V>,
}

impl<V: Original> Clone for Answer<V> {
    fn clone(&self) -> Self {
        Answer {
            toast: self.toast.clone(),
            card: self.card.clone(),
            original: PhantomData,
        }
    }
}

impl<V: Original> fmt::Debug for Answer<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("toast", &self.toast)
            .field(
                "card",
                &self.card.as_ref().map(|card| match card {
                    AnswerCard::Raw(_) => "raw",
                    AnswerCard::Template(_) => "template",
                }),
            )
            .finish()
    }
}

impl Default for Answer<AnyVersion> {
    fn default() -> Self {
        Answer::new()
    }
}

impl Answer<AnyVersion> {
    /// An empty answer (`{}`): the card stays as it is.
    pub fn new() -> Self {
        Answer {
            toast: None,
            card: None,
            original: PhantomData,
        }
    }

    /// The card replaces the clicked one, for everyone (it is shared). If the clicked card
    /// is 2.0, this card must be 2.0 too: use [`Answer::v2`] to have that checked by type.
    pub fn card(mut self, card: Card<Shared>) -> Self {
        self.card = Some(AnswerCard::Raw(content(&card)));
        self
    }
}

impl Answer<V2> {
    /// An empty answer to a click on a card JSON 2.0 card.
    pub fn v2() -> Self {
        Answer {
            toast: None,
            card: None,
            original: PhantomData,
        }
    }

    /// The card replaces the clicked one, for everyone: a [`V2Card`], from
    /// `card!(V2Card, { ... })` or [`V2Card::new`].
    pub fn card(mut self, card: impl IntoV2Card) -> Self {
        self.card = Some(AnswerCard::Raw(content(card.into_v2_card().card())));
        self
    }
}

fn content(card: &Card<Shared>) -> String {
    // `to_content` cannot fail today; the empty object keeps the answer well-formed if it did.
    card.to_content()
}

impl<V: Original> Answer<V> {
    /// A toast the user sees.
    pub fn toast(mut self, toast: Toast) -> Self {
        self.toast = Some(toast);
        self
    }

    /// A template card replaces the clicked one.
    pub fn template(mut self, template: TemplateCard) -> Self {
        self.card = Some(AnswerCard::Template(template));
        self
    }

    /// The toast, if any.
    pub fn toast_ref(&self) -> Option<&Toast> {
        self.toast.as_ref()
    }

    /// Whether the answer replaces the card.
    pub fn has_card(&self) -> bool {
        self.card.is_some()
    }

    /// The answer as any answer.
    pub fn into_any(self) -> Answer<AnyVersion> {
        Answer {
            toast: self.toast,
            card: self.card,
            original: PhantomData,
        }
    }

    pub(crate) fn take_card(&mut self) -> Option<AnswerCard> {
        self.card.take()
    }

    /// The body of the HTTP answer.
    pub fn to_json(&self) -> Result<String, CallbackError> {
        let mut out = String::from("{");
        if let Some(toast) = &self.toast {
            out.push_str("\"toast\":");
            out.push_str(&serde_json::to_string(toast)?);
        }
        if let Some(card) = &self.card {
            if self.toast.is_some() {
                out.push(',');
            }
            match card {
                // The card JSON goes in as is: it is compact JSON already.
                AnswerCard::Raw(content) => {
                    out.push_str("\"card\":{\"type\":\"raw\",\"data\":");
                    out.push_str(content);
                    out.push('}');
                }
                AnswerCard::Template(template) => {
                    out.push_str("\"card\":");
                    out.push_str(&template.to_content());
                }
            }
        }
        out.push('}');
        Ok(out)
    }
}

impl From<Answer<V2>> for Answer<AnyVersion> {
    fn from(answer: Answer<V2>) -> Self {
        answer.into_any()
    }
}

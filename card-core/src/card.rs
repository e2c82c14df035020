//! The card value `card!` builds: the typed card JSON, with whether it is shared recorded in
//! its type.

use core::fmt;
use core::marker::PhantomData;

use lark_card_schema::{validate_card, Severity, Sharing as SchemaSharing, Version};
use serde::{Serialize, Serializer};

use crate::error::{CardError, ValidationError, ValidationErrors};
use crate::json_tree::JsonNode;
use crate::model::{CardJson, SchemaVersion};
use crate::write_json::WriteJson;

/// Lark's limit on the body of an update request, in bytes ("30 KB").
pub const MAX_UPDATE_BODY_BYTES: usize = lark_card_schema::lark::limits::MAX_CARD_BODY;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Shared {}
    impl Sealed for super::NoUpdateMulti {}
}

/// Whether a card is shared, as a type: [`Shared`] or [`NoUpdateMulti`].
pub trait Sharing: sealed::Sealed + Copy + Default + fmt::Debug + 'static {
    /// Whether this is [`Shared`].
    const SHARED: bool;
}

/// Marks a shared card: a 2.0 card, or a 1.0 card with `"config": { "update_multi": true }`.
/// Lark updates sent copies of shared cards only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shared;

/// Marks a card not known to be shared: a 1.0 card without `update_multi: true` (or card JSON
/// read with [`Card::<NoUpdateMulti>::from_json`](Card::from_json), which may be either). It
/// can be sent, but a sent copy of it cannot be updated.
///
/// Named for the fix: where a function returns [`Card`] (a shared card), returning a 1.0 card
/// without it reads "expected `Card`, found `Card<NoUpdateMulti>`": add
/// `"config": { "update_multi": true }`, or write the card as card JSON 2.0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoUpdateMulti;

impl Sharing for Shared {
    const SHARED: bool = true;
}

impl Sharing for NoUpdateMulti {
    const SHARED: bool = false;
}

/// A card: the typed card JSON, and (in its type) whether it is shared.
///
/// Build one with [`card!`](crate::card!), or read one with [`Card::from_json`].
///
/// ```
/// use lark_card::{card, Card, Shared};
///
/// let card: Card<Shared> = card!({
///     "schema": "2.0",
///     "body": { "elements": [ { "tag": "markdown", "content": "**Deploy** finished" } ] }
/// });
/// assert_eq!(
///     card.to_content(),
///     r#"{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"**Deploy** finished"}]}}"#
/// );
/// # Ok::<(), lark_card::CardError>(())
/// ```
#[derive(Clone)]
pub struct Card<S: Sharing = Shared> {
    json: CardJson,
    sharing: PhantomData<S>,
    /// Whether the card holds what `card!` could not check (an interpolated `element_id` or
    /// integer, a spread, a loop of elements...), or was changed through
    /// [`Card::json_mut`]: then it is validated again before it is sent. A card `card!`
    /// checked whole, or one read by [`Card::from_json`], is not.
    check_at_send: bool,
}

/// Cards are equal when their JSON is.
impl<S: Sharing> PartialEq for Card<S> {
    fn eq(&self, other: &Self) -> bool {
        self.json == other.json
    }
}

impl<S: Sharing> fmt::Debug for Card<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Card")
            .field("shared", &S::SHARED)
            .field("check_at_send", &self.check_at_send)
            .field("json", &self.json)
            .finish()
    }
}

impl<S: Sharing> Serialize for Card<S> {
    fn serialize<Ser: Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        self.json.serialize(serializer)
    }
}

impl<S: Sharing> Card<S> {
    /// The typed card JSON, to read fields back (a test's assertions, say).
    pub fn json(&self) -> &CardJson {
        &self.json
    }

    /// The typed card JSON, to change it. The changed card is validated again before it is
    /// sent (or call [`Card::validate`]); keep `update_multi` as it is: a shared card must
    /// stay shared.
    pub fn json_mut(&mut self) -> &mut CardJson {
        self.check_at_send = true;
        &mut self.json
    }

    /// Whether the card is validated again before it is sent: it holds what `card!` could not
    /// check when the program was compiled (an interpolated `element_id`, integer or
    /// enumeration value, a typed element, a spread, a loop of elements), or it was changed
    /// through [`Card::json_mut`]. A card `card!` checked whole pays nothing at send time.
    ///
    /// ```
    /// use lark_card::card;
    ///
    /// let fixed = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "hr" } ] } });
    /// assert!(!fixed.checks_at_send());
    /// let id = "row_1";
    /// let computed = card!({ "schema": "2.0", "body": { "elements": [
    ///     { "tag": "hr", "element_id": (id) }
    /// ] } });
    /// assert!(computed.checks_at_send());
    /// ```
    pub fn checks_at_send(&self) -> bool {
        self.check_at_send
    }

    /// The typed card JSON, by value.
    pub fn into_json(self) -> CardJson {
        self.json
    }

    /// Whether the card is shared (`update_multi`).
    pub fn is_shared(&self) -> bool {
        S::SHARED
    }

    /// The card JSON as one compact string: the `content` of a send or update request.
    ///
    /// The same bytes as `serde_json::to_string(card.json())`.
    pub fn to_content(&self) -> String {
        content(&self.json)
    }

    /// The size in bytes of the update request body, `{"content":"<card JSON as a string>"}`.
    pub fn update_body_size(&self) -> usize {
        UpdateBody::encode(&self.to_content()).len()
    }

    /// Checks the card against the schema again, after changes made through
    /// [`Card::json_mut`] or interpolated values (an integer out of range, say). Every
    /// problem is reported with its JSON path. What the card passes through unchecked
    /// (`$unchecked`, raw elements) stays unchecked.
    pub fn validate(&self) -> Result<(), CardError> {
        let marked = crate::write_json::with_unchecked_marked(|| content(&self.json));
        validate_text(&marked).map(|_| ())
    }

    /// The `content` of a send or update request: validated first when the card holds what
    /// `card!` could not check (see [`Card::checks_at_send`]).
    fn content_to_send(&self) -> Result<String, CardError> {
        if self.check_at_send {
            self.validate()?;
        }
        Ok(self.to_content())
    }
}

impl Card<NoUpdateMulti> {
    /// Reads card JSON that comes from elsewhere (a file, the card builder, another service)
    /// and checks it with the same rules as `card!`. Every problem is reported, each with its
    /// JSON path.
    ///
    /// The card may or may not be shared; use [`Card::<Shared>::from_json`](Card::from_json)
    /// to require it, or [`Card::into_shared`].
    ///
    /// ```
    /// use lark_card::{Card, CardError, NoUpdateMulti};
    ///
    /// let text = r#"{ "elements": [ { "tag": "button", "text": { "tag": "plain_text", "content": "Go" } } ] }"#;
    /// let Err(CardError::Invalid(errors)) = Card::<NoUpdateMulti>::from_json(text) else { panic!() };
    /// assert_eq!(errors.first().unwrap().path, "elements[0]");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, CardError> {
        let (json, _) = parse_checked(text)?;
        Ok(Card::from_parts(json))
    }

    /// This card as a shared card, if it is one (`update_multi: true`, or 2.0).
    pub fn into_shared(self) -> Result<Card<Shared>, CardError> {
        if json_is_shared(&self.json) {
            Ok(Card {
                json: self.json,
                sharing: PhantomData,
                check_at_send: self.check_at_send,
            })
        } else {
            Err(CardError::NotShared)
        }
    }
}

impl Card<Shared> {
    /// Reads card JSON like [`Card::<NoUpdateMulti>::from_json`](Card::from_json), and requires
    /// the card to be shared (2.0, or 1.0 with `update_multi: true`).
    pub fn from_json(text: &str) -> Result<Self, CardError> {
        let (json, sharing) = parse_checked(text)?;
        match sharing {
            SchemaSharing::Shared => Ok(Card::from_parts(json)),
            _ => Err(CardError::NotShared),
        }
    }

    /// Forgets that the card is shared.
    pub fn into_not_shared(self) -> Card<NoUpdateMulti> {
        Card {
            json: self.json,
            sharing: PhantomData,
            check_at_send: self.check_at_send,
        }
    }
}

impl<S: Sharing> Card<S> {
    pub(crate) fn from_parts(json: CardJson) -> Self {
        Card {
            json,
            sharing: PhantomData,
            check_at_send: false,
        }
    }

    /// A card with parts `card!` could not check: validated again before it is sent.
    pub(crate) fn checked_at_send(json: CardJson) -> Self {
        Card {
            check_at_send: true,
            ..Card::from_parts(json)
        }
    }
}

/// The largest buffer [`Card::to_content`] keeps for the next call on its thread: twice the
/// update body limit. A larger one (a card that cannot be sent anyway) becomes the result.
const SCRATCH_KEPT_BYTES: usize = 64 * 1024;

/// The compact JSON of `json`, written by the model's own writer (`crate::write_json`: the
/// bytes serde_json writes, with keys and tags escaped once, when the model was generated)
/// into a buffer kept by the thread, then copied out: one allocation of the exact length for
/// the result, where a fresh buffer would grow from empty (about 9 allocations for a card near
/// the 30 KB limit).
fn content(json: &CardJson) -> String {
    thread_local! {
        static SCRATCH: core::cell::RefCell<String> = const { core::cell::RefCell::new(String::new()) };
    }
    let via_scratch = SCRATCH.try_with(|scratch| {
        let mut buf = scratch.try_borrow_mut().ok()?;
        buf.clear();
        json.write_json(&mut buf);
        Some(if buf.capacity() > SCRATCH_KEPT_BYTES {
            core::mem::take(&mut *buf)
        } else {
            buf.as_str().to_owned()
        })
    });
    match via_scratch {
        Ok(Some(content)) => content,
        // The buffer is gone (the thread is ending) or, in principle, in use.
        _ => {
            let mut out = String::new();
            json.write_json(&mut out);
            out
        }
    }
}

/// Whether typed card JSON is shared, by the rule the validator applies to card JSON
/// ([`SchemaSharing::of`]): a `"schema": "1.0"` card is a 1.0 card.
fn json_is_shared(json: &CardJson) -> bool {
    let version = match json.schema {
        Some(SchemaVersion::V2) => Version::V2,
        _ => Version::V1,
    };
    let update_multi = json.config.as_ref().and_then(|c| c.update_multi);
    SchemaSharing::of(version, update_multi) == SchemaSharing::Shared
}

/// Parses and validates card JSON: the typed value and whether it is shared.
pub(crate) fn parse_checked(text: &str) -> Result<(CardJson, SchemaSharing), CardError> {
    let sharing = validate_text(text)?;
    // The schema accepted it, so the typed model reads it; should the two ever disagree, the
    // reader's error is reported rather than lost.
    let json: CardJson = serde_json::from_str(text).map_err(CardError::Json)?;
    Ok((json, sharing))
}

/// Validates card JSON: every error with its JSON path, or whether the card is shared.
fn validate_text(text: &str) -> Result<SchemaSharing, CardError> {
    let tree: JsonNode = serde_json::from_str(text).map_err(CardError::Json)?;
    let report = validate_card(&tree);
    let errors: Vec<ValidationError> = report
        .violations
        .into_iter()
        .filter(|v| v.severity() == Severity::Error)
        .map(|v| ValidationError {
            path: v.path,
            kind: v.kind,
        })
        .collect();
    if !errors.is_empty() {
        return Err(CardError::Invalid(ValidationErrors(errors)));
    }
    Ok(report.sharing)
}

/// A card that can be sent: any [`Card`], or a [`TemplateCard`](crate::TemplateCard).
pub trait SendableCard: sealed_content::Sealed {
    /// The `content` string of the request. A [`Card`] with parts `card!` could not check
    /// ([`Card::checks_at_send`]) is validated first: [`CardError::Invalid`], with the JSON
    /// path of each problem, before any request is made.
    fn content(&self) -> Result<String, CardError>;
}

/// A card that Lark will update in place: a [`Card<Shared>`], or a
/// [`TemplateCard`](crate::TemplateCard) (templates are always shared).
///
/// The update-a-sent-card path takes `impl UpdatableCard`, so a card without
/// `update_multi: true` is refused when the program is compiled, not by Lark at run time.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot update a sent card: the card is not shared (`update_multi`)",
    label = "this card is not shared",
    note = "Lark only updates cards sent with `\"config\": {{ \"update_multi\": true }}` (card JSON 1.0); every card JSON 2.0 card is shared",
    note = "add `\"update_multi\": true` to the card's `config`, or write it as card JSON 2.0 with `\"schema\": \"2.0\"`"
)]
pub trait UpdatableCard: SendableCard + sealed_updatable::Sealed {}

mod sealed_content {
    pub trait Sealed {}
    impl<S: super::Sharing> Sealed for super::Card<S> {}
    impl Sealed for crate::template::TemplateCard {}
    impl<T: Sealed + ?Sized> Sealed for &T {}
}

mod sealed_updatable {
    pub trait Sealed {}
    impl Sealed for super::Card<super::Shared> {}
    impl Sealed for crate::template::TemplateCard {}
    impl<T: Sealed + ?Sized> Sealed for &T {}
}

impl<S: Sharing> SendableCard for Card<S> {
    fn content(&self) -> Result<String, CardError> {
        self.content_to_send()
    }
}

impl SendableCard for crate::template::TemplateCard {
    fn content(&self) -> Result<String, CardError> {
        Ok(self.to_content())
    }
}

impl<T: SendableCard + ?Sized> SendableCard for &T {
    fn content(&self) -> Result<String, CardError> {
        (**self).content()
    }
}

impl UpdatableCard for Card<Shared> {}
impl UpdatableCard for crate::template::TemplateCard {}
impl<T: UpdatableCard + ?Sized> UpdatableCard for &T {}

/// The body of a request that updates a sent card: `{"content":"<card JSON as a string>"}`,
/// checked against Lark's 30 KB limit.
///
/// ```
/// use lark_card::{card, UpdateBody};
///
/// let card = card!({ "config": { "update_multi": true }, "elements": [ { "tag": "hr" } ] });
/// let body = UpdateBody::new(&card)?;
/// assert_eq!(body.as_str(), r#"{"content":"{\"config\":{\"update_multi\":true},\"elements\":[{\"tag\":\"hr\"}]}"}"#);
/// # Ok::<(), lark_card::CardError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateBody {
    body: String,
}

impl UpdateBody {
    /// The body for a shared card; [`CardError::TooLarge`] over 30 KB, and
    /// [`CardError::Invalid`] when parts `card!` could not check are wrong (see
    /// [`Card::checks_at_send`]).
    ///
    /// ```
    /// use lark_card::{card, CardError, UpdateBody};
    ///
    /// let id = "row 1"; // an element_id has no spaces
    /// let card = card!({ "schema": "2.0", "body": { "elements": [
    ///     { "tag": "hr", "element_id": (id) }
    /// ] } });
    /// let Err(CardError::Invalid(errors)) = UpdateBody::new(&card) else { panic!() };
    /// assert_eq!(errors.first().unwrap().path, "body.elements[0].element_id");
    /// ```
    pub fn new(card: &impl UpdatableCard) -> Result<Self, CardError> {
        Self::from_content(&card.content()?)
    }

    /// The body for a `content` string already made (by [`SendableCard::content`]).
    pub(crate) fn from_content(content: &str) -> Result<Self, CardError> {
        let body = Self::encode(content);
        if body.len() > MAX_UPDATE_BODY_BYTES {
            return Err(CardError::TooLarge {
                size: body.len(),
                limit: MAX_UPDATE_BODY_BYTES,
            });
        }
        Ok(UpdateBody { body })
    }

    /// The size in bytes of the body for this `content`, as Lark counts it for its 30 KB.
    #[cfg(feature = "client")]
    pub(crate) fn size_of(content: &str) -> usize {
        Self::encode(content).len()
    }

    fn encode(content: &str) -> String {
        const OPEN: &str = r#"{"content":"#;
        let mut body = String::with_capacity(OPEN.len() + content.len() + content.len() / 8 + 3);
        body.push_str(OPEN);
        lark_card_schema::json::write_string(content, &mut body);
        body.push('}');
        body
    }

    /// The body, as sent.
    pub fn as_str(&self) -> &str {
        &self.body
    }

    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.body.len()
    }

    /// Never true: a body always holds `content`.
    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }

    /// The body, by value.
    pub fn into_string(self) -> String {
        self.body
    }
}

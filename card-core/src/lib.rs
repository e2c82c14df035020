//! Lark (Feishu) interactive message cards, **checked when your program compiles**, and the
//! client that sends them, updates them in place, and answers their clicks.
//!
//! Write a card as Lark's card JSON inside [`card!`] (or keep it as a file for
//! [`include_card!`]), with Rust values, loops and conditions in it. A misspelt tag, a field of
//! the wrong card version, a button where Lark allows none, a card over Lark's 30 KB limit:
//! each is a compile error on the offending token that says how to fix it.
//!
//! ```
//! use lark_card::{card, UpdateBody};
//!
//! let build = "lark-card #42";
//! let card = card!({
//!     "schema": "2.0",
//!     "header": {
//!         "title": { "tag": "plain_text", "content": (format!("{build} running")) },
//!         "template": "blue"
//!     },
//!     "body": { "elements": [
//!         { "tag": "markdown", "content": "**test** done" },
//!         { "tag": "button", "text": { "tag": "plain_text", "content": "Cancel" }, "type": "danger" }
//!     ] }
//! });
//!
//! // The body of `PATCH /open-apis/im/v1/messages/:message_id`, within the 30 KB limit.
//! let body = UpdateBody::new(&card)?;
//! assert!(body.as_str().starts_with(r#"{"content":"{\"schema\":\"2.0\""#));
//! # Ok::<(), lark_card::CardError>(())
//! ```
//!
//! Sending it and streaming updates into it (feature `client`, on by default):
//!
//! ```no_run
//! # #[cfg(feature = "client")]
//! # async fn run() -> Result<(), lark_card::client::ClientError> {
//! use lark_card::card;
//! use lark_card::client::{Client, Recipient};
//!
//! let client = Client::builder().app("cli_a1b2c3", "app secret").build()?;
//! let card = card!({ "schema": "2.0", "body": { "elements": [
//!     { "tag": "markdown", "content": "0%" }
//! ] } });
//! let id = client.send_card(&Recipient::chat("oc_84983ff6516d731e5b5f68d4ea2e1da5"), &card).await?;
//! let updater = client.updater(); // in order, coalesced, within Lark's limits
//! for percent in 1..=100 {
//!     let card = card!({ "schema": "2.0", "body": { "elements": [
//!         { "tag": "markdown", "content": (format!("{percent}%")) }
//!     ] } });
//!     updater.push(&id, &card)?;
//! }
//! updater.flush(&id).await?;
//! # Ok(())
//! # }
//! ```
//!
//! In tests, point the client at the local Lark of the `lark-card-emulator` crate
//! (`Client::builder().base_url(emulator.base_url())`): the same rules, limits and codes, offline.
//!
//! # Features
//!
//! | feature | default | what it adds | what your `Cargo.toml` needs with it |
//! |---|---|---|---|
//! | `client` | yes | [`client`]: tokens, send, update, the updater, Lark's limits and retries | an async runtime: `tokio = { version = "1", features = ["rt-multi-thread", "macros"] }` |
//! | `redis` | no | replicas sharing the app's limits and token through Redis ([`client::RedisConfig`]) | as `client` |
//! | `long-connection` | no | [`long_connection`]: events and card callbacks over Lark's WebSocket, no public URL; the same card handler as `callback` | as `client` |
//! | `callback` | no | [`callback`]: typed card actions and answers, and the [`callback::Receiver`] to mount in an axum router | `axum = { version = "0.8", features = ["tokio", "http1"] }`, `tokio` with `net`, `serde = { version = "1", features = ["derive"] }` to read button values |
//!
//! With `default-features = false` only cards are left: the model, [`card!`], validation,
//! [`UpdateBody`].
//!
//! # The main types
//!
//! - [`card!`] and [`include_card!`] build a [`Card`], checked when your program compiles;
//!   [`markdown!`] is `format!` for card markdown, its arguments escaped.
//! - [`Card<Shared>`](Card) can update a sent card ([`UpdatableCard`]); a 1.0 card without
//!   `"update_multi": true` is a [`Card<NoUpdateMulti>`](Card), which the update path refuses
//!   at compile time.
//! - [`Card::from_json`] reads and checks card JSON at run time, with the same rules and
//!   messages ([`CardError`], [`ValidationError`] with the JSON path).
//! - [`model`] is the typed card JSON (1.0 and 2.0), generated from the schema;
//!   [`Unchecked`] carries a component the model does not know yet.
//! - [`client::Client`] sends and updates; [`client::Updater`] streams states to sent cards;
//!   [`lark::LarkCode`] names every code Lark answers.
//! - [`callback::Receiver`] answers clicks with an [`callback::Answer`] built from a
//!   [`callback::CardAction`]; a click on a 2.0 card is answered with a
//!   [`callback::V2Card`], which `card!(V2Card, { "schema": "2.0", ... })` builds when the
//!   program compiles and [`callback::V2Card::new`] checks at run time.
//! - [`long_connection::LongConnection`] serves the same click handler over Lark's
//!   WebSocket, with no public URL.
//! - [`streaming_card!`] builds a [`cardkit::StreamingCard`], a card JSON 2.0 card for a
//!   CardKit card entity, whose element ids are typed fields: streaming into a button or a
//!   misspelt id does not compile. [`cardkit`] holds the bodies of CardKit's operations, each
//!   with its [`cardkit::Sequence`] and [`cardkit::OperationUuid`].
//!
//! The guide (every check, `$unchecked`, the emulator and its viewer, callbacks step by step)
//! is the repository's README.

// The docs.rs build labels each item with the features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
// The docs name the items of every feature; a build with some features left out cannot link
// to the others (docs.rs builds with all of them).
#![cfg_attr(
    not(all(
        feature = "client",
        feature = "redis",
        feature = "callback",
        feature = "long-connection"
    )),
    allow(rustdoc::broken_intra_doc_links)
)]

/// The README's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

// The public modules are the areas a user reaches into; the small ones stay private, their
// items re-exported at the root, so that each item has one path (and the `card` module does
// not stand beside the `card!` macro).
#[cfg(any(feature = "callback", feature = "long-connection"))]
pub mod callback;
mod card;
pub mod cardkit;
#[cfg(feature = "client")]
pub mod client;
mod error;
mod escape;
mod interpolate;
pub use lark_card_schema::lark;
mod json_tree;
#[cfg(feature = "long-connection")]
#[cfg_attr(docsrs, doc(cfg(feature = "long-connection")))]
pub mod long_connection;
mod message_id;
pub mod model;
mod raw;
mod secret;
mod template;
mod write_json;

#[doc(hidden)]
pub mod __private;

pub use card::{
    Card, NoUpdateMulti, SendableCard, Shared, Sharing, UpdatableCard, UpdateBody,
    MAX_UPDATE_BODY_BYTES,
};
/// Builds a [`Card`] from Lark card JSON, checked when your program compiles.
///
/// The card is written as JSON, the way `serde_json::json!` takes it; a card copied from the
/// Lark docs or exported from the card builder pastes in verbatim. It expands to the typed
/// value ([`model::CardJson`] inside a [`Card`]), never to a `serde_json::Value`, and it never
/// panics at run time.
///
/// # Grammar
///
/// ```text
/// input  := value | V2Card , value        (the second: see "A card known to be 2.0" below)
/// value  := null | true | false | number | "string" | [ item,* ] | { "key": value,* } | rust
/// item   := value
///         | for PAT in EXPR { item,* }
///         | if COND { item,* } (else if COND { item,* })* (else { item,* })?
///         | ..EXPR
/// rust   := ( EXPR ) | EXPR
/// ```
///
/// # Interpolation
///
/// A Rust expression may stand for any value. Its field decides what it may be: text takes
/// any `Display` ([`IntoText`]); markdown takes any `Display`, escaped so that it renders
/// literally, or [`TrustedMarkdown`] as is ([`IntoMarkdown`]); integers take [`IntoInteger`];
/// elements take anything `Into<`[`Element`]`>`, [`Unchecked`] included; enumerations and
/// objects take their typed value from [`model`]; free JSON takes `Into<serde_json::Value>`.
///
/// ```
/// use lark_card::{card, model::ButtonType};
///
/// let user = "Ann <at id=all></at>";
/// let urgent = true;
/// let card = card!({
///     "schema": "2.0",
///     "body": { "elements": [
///         { "tag": "markdown", "content": (user) },
///         { "tag": "button", "text": { "tag": "plain_text", "content": "Ack" },
///           "type": (if urgent { ButtonType::Danger } else { ButtonType::Default }) }
///     ] }
/// });
/// let content = card.to_content();
/// assert!(content.contains(r#""type":"danger""#));
/// assert!(!content.contains("<at")); // interpolated markdown is escaped
/// # Ok::<(), lark_card::CardError>(())
/// ```
///
/// # Loops, branches, spreads
///
/// ```
/// use lark_card::card;
///
/// let rows = ["build", "test"];
/// let more = vec![lark_card::model::Element::Hr(Default::default())];
/// let card = card!({
///     "schema": "2.0",
///     "body": { "elements": [
///         for row in rows { { "tag": "markdown", "content": (row) } },
///         if rows.is_empty() { { "tag": "markdown", "content": "nothing" } },
///         ..more
///     ] }
/// });
/// assert_eq!(
///     card.to_content(),
///     r#"{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"build"},{"tag":"markdown","content":"test"},{"tag":"hr"}]}}"#
/// );
/// # Ok::<(), lark_card::CardError>(())
/// ```
///
/// # The escape hatch
///
/// `"$unchecked": { ... }` inside an object passes its properties through as written, not
/// checked; with the object's `tag` inside it, the whole element or text object. The output
/// carries them in place of the marker (see [`Unchecked`]):
///
/// ```
/// let card = lark_card::card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "hr", "$unchecked": { "new_field": 1 } },
///     { "$unchecked": { "tag": "sparkle" } }
/// ] } });
/// assert_eq!(
///     card.to_content(),
///     r#"{"schema":"2.0","body":{"elements":[{"tag":"hr","new_field":1},{"tag":"sparkle"}]}}"#
/// );
/// # Ok::<(), lark_card::CardError>(())
/// ```
///
/// # Checks
///
/// What depends on run time (an interpolated `element_id` or integer, a spread, a loop of
/// elements) is checked again before the card is sent; see [`Card::checks_at_send`].
///
/// Mistakes are compile errors on the offending token, all reported at once:
///
/// ```compile_fail
/// // error: `button` cannot be placed in the card's `elements` in a 1.0 card
/// //        (hint: wrap it in `{ "tag": "action", "actions": [...] }`, ...)
/// let card = lark_card::card!({ "elements": [
///     { "tag": "button", "text": { "tag": "plain_text", "content": "Go" } }
/// ] });
/// ```
///
/// ```compile_fail
/// // error: unknown field `contnet` in `markdown` (did you mean `content`?)
/// let card = lark_card::card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "contnet": "hi" }
/// ] } });
/// ```
///
/// The type records whether the card is shared: `Card<Shared>` for a 2.0 card or a 1.0 card
/// with `"update_multi": true`, `Card<NoUpdateMulti>` otherwise, which the update path refuses:
///
/// ```compile_fail
/// let card = lark_card::card!({ "elements": [ { "tag": "hr" } ] });
/// // error: `Card<NoUpdateMulti>` cannot update a sent card: the card is not shared (`update_multi`)
/// let body = lark_card::UpdateBody::new(&card);
/// ```
///
/// # A card known to be 2.0: `card!(V2Card, { ... })`
///
/// The answer to a click on a card JSON 2.0 card must be 2.0 too (feature `callback`):
/// `Answer::v2().card(..)` takes a [`callback::V2Card`]. Name that type before the card and
/// `card!` builds one, with no `Result` to handle: it checks the literal `"schema": "2.0"`
/// when the program compiles (a 1.0 card there is a compile error on the card). A card made
/// at run time is checked by [`callback::V2Card::new`].
///
/// ```
/// # #[cfg(feature = "callback")] {
/// use lark_card::{card, callback::{Answer, Toast, V2Card}};
///
/// let done = card!(V2Card, { "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "content": "Approved" }
/// ] } });
/// let answer = Answer::v2().toast(Toast::success("Done")).card(done);
/// assert!(answer.has_card());
/// # }
/// ```
pub use lark_card_macros::card;
/// Builds a [`Card`] from a card JSON file, read and checked when your program compiles.
///
/// `include_card!("cards/approval.json")` reads the file (the path is relative to your
/// crate's root, where its `Cargo.toml` is, so `CARGO_MANIFEST_DIR`), checks it with the rules
/// of [`card!`], and expands to the same typed value [`card!`] gives for the same JSON:
/// `Card<Shared>` or `Card<NoUpdateMulti>`. Keep cards designed in the card builder or exported
/// by other tools as files, as they are: JSON that Rust's tokenizer cannot read (`\u4e2d`,
/// `\b`, `\f` escapes) works here. Editing the file rebuilds the crate.
///
/// A mistake in the file is a compile error that names the file, the line and column, and
/// the JSON path: ``cards/approval.json:16:17: at `body.elements[2].type`: `primery` is not a
/// valid button type for `type` (did you mean `primary`?)``.
///
/// ```
/// use lark_card::{include_card, Card, Shared};
///
/// // card-core/cards/approval.json
/// let card: Card<Shared> = include_card!("cards/approval.json");
/// assert!(card.to_content().contains(r#""content":"Approve""#));
/// # Ok::<(), lark_card::CardError>(())
/// ```
///
/// ```compile_fail
/// // error: cannot read `cards/missing.json`: no such file (the path is relative to the
/// //        crate's root, where its `Cargo.toml` is)
/// let card = lark_card::include_card!("cards/missing.json");
/// ```
pub use lark_card_macros::include_card;

pub use error::{CardError, ValidationError, ValidationErrors, ViolationKind};
pub use escape::escape_markdown;
pub use interpolate::{
    trusted_markdown, Enumeration, IntoEnumeration, IntoInteger, IntoMarkdown, IntoNumber,
    IntoText, TrustedMarkdown,
};
/// `format!` for card markdown: the format string is your markdown, kept as written, and
/// every argument is escaped ([`escape_markdown`]) so that it renders literally. It returns a
/// [`TrustedMarkdown`], which a markdown field of [`card!`] takes as it is.
///
/// Placeholders are those of `format!`: `{}`, `{0}`, `{name}` (an argument `name = expr` or a
/// variable in scope), each with its format spec (`{ratio:.1}`), applied before escaping.
/// Arguments are evaluated once, in order. Width or precision taken from an argument
/// (`{:1$}`, `{:.*}`) is refused at compile time: format the value first.
///
/// ```
/// use lark_card::{card, markdown};
///
/// let user = "**Mallory** <at id=all></at>";
/// let requested = markdown!("**Requested by** {user}, {} items", 3);
/// assert_eq!(requested.as_str(), "**Requested by** &#42;&#42;Mallory&#42;&#42; &#60;at id=all>&#60;/at>, 3 items");
///
/// // In a card: the author's bold stays bold, the user's text shows literally.
/// let card = card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "content": markdown!("**Requested by** {user}") }
/// ] } });
/// assert!(card.to_content().contains(r#""content":"**Requested by** &#42;&#42;Mallory"#));
/// # Ok::<(), lark_card::CardError>(())
/// ```
///
/// A mistake in the format string is a compile error:
///
/// ```compile_fail
/// let missing = lark_card::markdown!("{} and {}", "only one");
/// ```
pub use lark_card_macros::markdown;
/// Builds a [`cardkit::StreamingCard`]: a card JSON 2.0 card for a CardKit card entity,
/// checked when your program compiles, with the ids of its elements as typed fields.
///
/// The card is written as in [`card!`] (the same grammar, interpolation and checks) and must
/// be card JSON 2.0: CardKit makes card entities of 2.0 cards only. Every literal
/// `element_id` becomes a field of `card.ids()`: a [`cardkit::StreamTarget`] for a
/// `markdown` element or a `plain_text` text object, the elements whose text can be
/// streamed, and a [`cardkit::ElementId`] for any other element (for patching, replacing or
/// deleting it). An `element_id` inside an `if` branch is not a field (the element may be
/// absent): look it up with [`cardkit::StreamingCard::stream_target`].
///
/// ```
/// use lark_card::cardkit::{Sequence, StreamContent};
///
/// let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
///     { "tag": "div", "text": { "tag": "plain_text", "element_id": "status", "content": "" } },
///     { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
/// ] } });
/// let ids = card.ids();
/// let body = StreamContent::new(&ids.answer, "42", Sequence::FIRST)?;
/// assert_eq!((ids.status.tag(), ids.stop.as_str()), ("plain_text", "stop"));
/// # let _ = body;
/// # Ok::<(), lark_card::cardkit::BodyError>(())
/// ```
///
/// The struct of the ids is made inside the expansion, so its type has no name. To keep the
/// card in a struct field or return it from a function, name a struct of your own first: it
/// must have a field for every literal `element_id` of the card outside `if` branches, each a
/// [`cardkit::StreamTarget`] or a [`cardkit::ElementId`] ([`cardkit::IdField`]); a missing,
/// extra or wrongly typed field is a compile error.
///
/// ```
/// use lark_card::cardkit::{ElementId, StreamTarget, StreamingCard};
///
/// pub struct AnswerIds {
///     pub answer: StreamTarget,
///     pub stop: ElementId,
/// }
///
/// fn answer_card(question: &str) -> StreamingCard<AnswerIds> {
///     lark_card::streaming_card!(AnswerIds, { "schema": "2.0", "body": { "elements": [
///         { "tag": "markdown", "content": (question) },
///         { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
///         { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
///     ] } })
/// }
///
/// assert_eq!(answer_card("Why?").ids().answer.as_str(), "answer");
/// ```
///
/// A misspelt id is the compiler's "no field" error, with its suggestion:
///
/// ```compile_fail
/// let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "element_id": "answer", "content": "" }
/// ] } });
/// // error[E0609]: no field `answr` on type `&ElementIds`
/// let target = &card.ids().answr;
/// ```
///
/// A button cannot be streamed into (see [`cardkit::IntoStreamTarget`]), and a 1.0 card
/// cannot be a card entity:
///
/// ```compile_fail
/// // error: a streaming card must be card JSON 2.0: CardKit makes card entities of 2.0
/// //        cards only (Lark answers 300303) ...
/// let card = lark_card::streaming_card!({ "elements": [ { "tag": "hr" } ] });
/// ```
pub use lark_card_macros::streaming_card;
pub use message_id::{InvalidMessageId, MessageId};
pub use model::{CardJson, Element};
pub use raw::Unchecked;
pub use secret::Secret;
pub use template::TemplateCard;

//! CardKit: card entities that a bot streams text into, checked before any request.
//!
//! A card entity is made of a card JSON 2.0 card ([`CreateCard`]), sent by its `card_id`, and
//! then changed by operations on the entity: stream the whole text of one element
//! ([`StreamContent`], the typewriter effect), settings ([`UpdateSettings`]: streaming mode,
//! summary, how text is printed), a full update ([`FullUpdate`]), elements added, patched,
//! replaced or deleted ([`AddElements`], [`PatchElement`], [`ReplaceElement`],
//! [`DeleteElement`]), or several at once ([`BatchUpdate`]). Every operation carries a
//! [`Sequence`] above the card's last one and may carry an [`OperationUuid`].
//!
//! What is streamed into is checked: [`streaming_card!`](crate::streaming_card) gives the
//! card's element ids as fields, a [`StreamTarget`] for a `markdown` element or a
//! `plain_text` text object and an [`ElementId`] for the others, so that a typo or a button is
//! a compile error; a card made at run time looks its ids up with
//! [`StreamingCard::stream_target`].
//!
//! ```
//! use lark_card::cardkit::{CreateCard, Sequence, Settings, StreamContent, UpdateSettings};
//!
//! let card = lark_card::streaming_card!({
//!     "schema": "2.0",
//!     "config": { "streaming_mode": true, "summary": { "content": "[Generating…]" } },
//!     "body": { "elements": [
//!         { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
//!         { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
//!     ] }
//! });
//! let create = CreateCard::new(&card)?;
//! let mut sequence = Sequence::FIRST;
//! let stream = StreamContent::new(&card.ids().answer, "The answer is", sequence)?;
//! sequence = sequence.next()?;
//! let finish = UpdateSettings::new(&Settings::streaming(false).with_summary("The answer is 42"), sequence)?;
//! assert_eq!(serde_json::to_string(&stream)?, r#"{"content":"The answer is","sequence":1}"#);
//! # let _ = (create, finish);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With feature `client`, the client sends them:
//! [`Client::create_card`](crate::client::Client::create_card) makes a card entity and answers
//! a [`CardEntity`](crate::client::CardEntity) to send and operate (each operation with the
//! next `sequence` of the card's one counter and a `uuid` of its own), and
//! [`Client::stream`](crate::client::Client::stream) answers a
//! [`CardStream`](crate::client::CardStream): push the whole text as often as you like, it keeps to Lark's
//! limits, closes streaming mode on every way out and goes on in a new card when one is full.
//!
//! The bodies here are what the client sends; the ids of the path stay beside each body
//! ([`StreamContent::target`], [`PatchElement::element_id`], …). Lark's codes for these
//! endpoints are rows of [`lark::LarkCode::CARDKIT`](crate::lark::LarkCode::CARDKIT), its
//! limits in [`lark::limits`](crate::lark::limits).

mod body;
mod card;
mod ids;
mod sequence;

pub use body::{
    print_config, AddElements, BatchAction, BatchUpdate, BodyError, CreateCard, DeleteElement,
    FullUpdate, PartialElement, PatchElement, Placement, ReplaceElement, Settings, StreamContent,
    UpdateSettings,
};
pub use card::{StreamTargetError, StreamingCard, StreamingCardError};
pub use ids::{CardId, ElementId, IdField, IntoStreamTarget, InvalidId, StreamTarget};
pub use sequence::{OperationUuid, Sequence, SequenceError};

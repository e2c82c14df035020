//! Card callbacks: what Lark sends when someone uses a button, select, input, checker or form
//! of a card (`card.action.trigger`), and the answer, as types; and [`Receiver`], which checks
//! and answers them in your axum server.
//!
//! - [`CardAction`]: the callback. [`ElementAction::value`] reads the element's `value` into your
//!   own type, [`FormValue`] the fields of a submitted form.
//! - [`Answer`]: a [`Toast`] and/or a new card; `Answer<V2>` takes [`V2Card`]s only, as a
//!   2.0 card may not become a 1.0 one: `card!(V2Card, { ... })` builds one without a
//!   `Result`.
//! - [`Receiver`]: the tower `Service` to mount at your callback URL's path.
//! - [`crypto`]: the signature and encryption, as Lark does them.

// Without `callback`, the long connection uses these types but not the receiver's helpers.
#[cfg_attr(not(feature = "callback"), allow(dead_code))]
mod action;
#[cfg_attr(not(feature = "callback"), allow(dead_code))]
mod answer;
#[cfg(feature = "callback")]
pub mod crypto;
mod error;
#[cfg(feature = "callback")]
mod receiver;

pub use action::{
    CallbackHeader, CallbackToken, CardAction, Context, ElementAction, FormValue, Operator,
    CARD_ACTION_TRIGGER,
};
pub use answer::{Answer, AnyVersion, IntoV2Card, Original, Toast, ToastKind, V2Card, V2};
pub use error::CallbackError;
#[cfg(feature = "callback")]
pub use receiver::{
    Receiver, ReceiverBuilder, ReceiverStats, Refusal, DEFAULT_ANSWER_WITHIN, DEFAULT_MAX_BODY,
    DEFAULT_NONCE_CAPACITY, DEFAULT_REPLAY_WINDOW,
};

//! The limits the client keeps to, as data: Lark's per-message, per-chat and per-app limits
//! ([`crate::lark::limits`]), and the window each key of a request falls in. The limiter and
//! its backends read these; none of them is needed to describe a limit.

use std::time::Duration;

use crate::lark::limits as lark;

/// The limits the client keeps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Updates of one message per window (Lark: [`lark::PER_MESSAGE_PER_SECOND`]).
    pub per_message: usize,
    /// The window of the per-message and per-chat limits (Lark: [`lark::PER_MESSAGE_WINDOW`]).
    pub per_message_window: Duration,
    /// Sends to one chat (or user) per window (Lark: [`lark::PER_CHAT_PER_SECOND`]).
    pub per_chat: usize,
    /// Requests of the app per second window (Lark: [`lark::PER_APP_PER_SECOND`]).
    pub per_app_per_second: usize,
    /// Requests of the app per minute window (Lark: [`lark::PER_APP_PER_MINUTE`]).
    pub per_app_per_minute: usize,
    /// CardKit operations on one card entity per window, over all its endpoints (Lark:
    /// [`lark::PER_CARD_ENTITY_PER_SECOND`]).
    pub per_card_entity: usize,
    /// The window of the per-card-entity limit (Lark: [`lark::PER_CARD_ENTITY_WINDOW`]).
    pub per_card_entity_window: Duration,
}

impl Default for Limits {
    /// Lark's limits ([`crate::lark::limits`]).
    fn default() -> Self {
        Limits {
            per_message: lark::PER_MESSAGE_PER_SECOND,
            // Lark's windows are counted in milliseconds: 2 ms of margin for rounding.
            per_message_window: lark::PER_MESSAGE_WINDOW + MARGIN,
            per_chat: lark::PER_CHAT_PER_SECOND,
            per_app_per_second: lark::PER_APP_PER_SECOND,
            per_app_per_minute: lark::PER_APP_PER_MINUTE,
            per_card_entity: lark::PER_CARD_ENTITY_PER_SECOND,
            per_card_entity_window: lark::PER_CARD_ENTITY_WINDOW + MARGIN,
        }
    }
}

impl Limits {
    /// The window of updates of one message (`om_...`).
    pub(crate) fn message(&self, message_id: &str) -> KeyWindow {
        KeyWindow {
            name: format!("m:{message_id}"),
            limit: self.per_message.max(1),
            span: self.per_message_window,
        }
    }

    /// The window of sends to one chat or user (its `receive_id`).
    pub(crate) fn chat(&self, receive_id: &str) -> KeyWindow {
        KeyWindow {
            name: format!("c:{receive_id}"),
            limit: self.per_chat.max(1),
            span: self.per_message_window,
        }
    }
}

impl Limits {
    /// The window of the operations on one CardKit card entity (its `card_id`).
    pub(crate) fn card_entity(&self, card_id: &str) -> KeyWindow {
        KeyWindow {
            name: format!("k:{card_id}"),
            limit: self.per_card_entity.max(1),
            span: self.per_card_entity_window,
        }
    }
}

/// The window of one key besides the app's: at most `limit` requests in any `span`. The name
/// is unique across kinds of key (`m:` a message, `c:` a chat, `k:` a card entity), so a backend keeps any kind
/// the same way; a new kind (CardKit's per-card window, the long connection's) is a new
/// constructor on [`Limits`], not a change to the backends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyWindow {
    /// The key, unique across kinds.
    pub name: String,
    /// Requests allowed in any window (at least 1).
    pub limit: usize,
    /// How long the window is: `limit` requests in any stretch of this length.
    pub span: Duration,
}

/// Lark counts its windows in milliseconds: a little margin for rounding.
pub(crate) const MARGIN: Duration = Duration::from_millis(2);

/// The app's windows, with the margin.
pub(crate) const APP_SECOND: Duration = Duration::from_secs(1).saturating_add(MARGIN);
/// The app's minute window, with the margin.
pub(crate) const APP_MINUTE: Duration = Duration::from_secs(60).saturating_add(MARGIN);

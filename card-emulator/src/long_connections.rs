//! Lark's long connection (a WebSocket the app dials out to), as far as the emulator's state
//! remembers it: the `ClientConfig` handed out, the one-use tickets of the connection URLs,
//! the size above which an event is split into fragments, and the events pushed. Plain data
//! under the state's lock; the live connections and their frames are the delivery's.
//!
//! What is emulated (the long connection's rules, from Lark's pages and official SDKs):
//!
//! - `POST /callback/ws/endpoint` `{"AppID","AppSecret"}` (not under `/open-apis`) answers
//!   `{"code":0,"data":{"URL":"ws://…/ws/v2?device_id=…&service_id=…&ticket=…","ClientConfig":{…}}}`;
//!   an unknown app or a wrong secret answers code 514 (Lark's pages do not give this code:
//!   the emulator uses the SDKs' `AUTH_FAILED`), missing credentials 1000040344, and a
//!   queued 'system busy' code 1 (see [`LongConnectionSettings`]). Every answer is HTTP 200.
//! - The URL's ticket opens one connection; a used or unknown ticket is refused with HTTP 403
//!   and `Handshake-Status: 403`; the 51st connection of an app with HTTP 403 and
//!   `Handshake-Status: 514`, `Handshake-Autherrcode: 1000040350`, `Handshake-Msg`.
//! - Frames are binary `pbbp2.Frame`s ([`Frame`](lark_card::long_connection::Frame), the
//!   client's codec); text and undecodable
//!   messages are ignored. A `ping` control frame is answered by a `pong` whose payload is the
//!   `ClientConfig` JSON.
//! - A simulated interaction of an app with a connection goes to one of them chosen at random
//!   (the emulator's seeded generator), as a data frame of type `event` carrying the 2.0
//!   `card.action.trigger` JSON (the HTTP callback's, unencrypted), split into fragments
//!   (`sum`/`seq`, one `message_id`) above the fragment size; the answer frame
//!   (`{"code":200,"data":<base64 of the answer JSON>}`) is applied as an HTTP answer is;
//!   200341 without an answer within 3 seconds of the emulator's clock; an answer `code` other
//!   than 200 is 200671.
//! - Other events ([`Emulator::push_event`](crate::Emulator::push_event)) go the same way; an
//!   event not answered within 3 seconds is pushed again 15 s, 5 min, 1 h and 6 h after the
//!   first push (the emulator's clock), until answered.

use std::collections::HashMap;
use std::time::SystemTime;

use serde::Serialize;
use serde_json::Value;

/// The long connection's `ClientConfig` (`{"ReconnectCount","ReconnectInterval",
/// "ReconnectNonce","PingInterval"}`, in seconds), as the endpoint and every pong carry it:
/// the client's own type. The default is Lark's: reconnect for ever, every 120 s after a
/// first wait of up to 30 s; a ping every 120 s.
pub use lark_card::long_connection::ClientConfig;

/// How the emulator's long connections behave: the `ClientConfig` it hands out, the size
/// above which events are split into fragments, and 'system busy' answers queued.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LongConnectionSettings {
    /// What the endpoint and the pongs answer.
    pub client_config: ClientConfig,
    /// Events whose JSON is longer than this many bytes go in fragments of this size; `None`:
    /// never split.
    pub fragment_size: Option<usize>,
    /// How many of the next endpoint requests answer 'system busy' (code 1).
    pub busy_next: u64,
}

/// An event pushed over the long connection, and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PushedEvent {
    /// `header.event_id`: the same in every push of the event, so that an app can tell a
    /// push again from a new event.
    pub event_id: String,
    /// `header.event_type` (`im.message.receive_v1`, say).
    pub event_type: String,
    /// The app it was pushed to.
    pub app_id: String,
    /// The whole JSON pushed.
    pub body: Value,
    /// When it was pushed (the emulator's clock): the first push, then each push again.
    pub pushes: Vec<SystemTime>,
    /// The `code` of the answer frame, once one came within 3 seconds of a push.
    pub answer_code: Option<i64>,
}

/// A ticket of a connection URL, until it is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ticket {
    pub(crate) app_id: String,
    pub(crate) device_id: String,
    pub(crate) service_id: i32,
}

/// Settings, tickets and events.
#[derive(Debug, Default)]
pub(crate) struct LongConnectionRegistry {
    pub(crate) settings: LongConnectionSettings,
    tickets: HashMap<String, Ticket>,
    events: Vec<PushedEvent>,
}

impl LongConnectionRegistry {
    /// Whether the next endpoint request answers 'system busy' (and counts it).
    pub(crate) fn take_busy(&mut self) -> bool {
        let busy = self.settings.busy_next > 0;
        self.settings.busy_next = self.settings.busy_next.saturating_sub(1);
        busy
    }

    pub(crate) fn issue_ticket(&mut self, ticket: &str, issued: Ticket) {
        self.tickets.insert(ticket.to_owned(), issued);
    }

    /// The ticket's app and connection ids, if it was issued and not used; it is used now.
    pub(crate) fn take_ticket(&mut self, ticket: &str) -> Option<Ticket> {
        self.tickets.remove(ticket)
    }

    pub(crate) fn push_event(&mut self, event: PushedEvent) {
        self.events.push(event);
    }

    /// Records a push again of an event.
    pub(crate) fn pushed_again(&mut self, event_id: &str, at: SystemTime) {
        if let Some(event) = self.events.iter_mut().find(|e| e.event_id == event_id) {
            event.pushes.push(at);
        }
    }

    /// Records the answer to an event.
    pub(crate) fn answered(&mut self, event_id: &str, code: i64) {
        if let Some(event) = self.events.iter_mut().find(|e| e.event_id == event_id) {
            event.answer_code = Some(code);
        }
    }

    /// Every event pushed, oldest first.
    pub(crate) fn events(&self) -> &[PushedEvent] {
        &self.events
    }
}

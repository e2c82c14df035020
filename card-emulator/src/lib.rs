//! A local Lark (Feishu) Open API for message cards, so that tests, examples and users' tests
//! run offline against something that behaves like Lark.
//!
//! It is a real HTTP server on `127.0.0.1` serving:
//!
//! | endpoint | emulated |
//! |---|---|
//! | `POST /open-apis/auth/v3/tenant_access_token/internal` | tokens live 2 hours; asked again with under 30 minutes left, a new one is issued, otherwise the same one is returned; wrong credentials answer 10003/10014 |
//! | `POST /open-apis/im/v1/messages?receive_id_type=…` | cards are validated with lark-card's runtime rules (230099), 30 KB body limit (230025), 5 QPS per chat (230020), `uuid` de-duplication, dissolved chats (232009), bots removed from a chat (230002) |
//! | `PATCH /open-apis/im/v1/messages/:message_id` | every rule of Lark's page: tokens (99991661/99991663), body exactly `{"content": string}` (230001), the message exists and is a card (230001), recalled (230011), deleted (230110), sent by another app (230017), older than 14 days (230031), shared card before and after (`update_multi`, 230001), body over 30 KB (230025), invalid card (230099 with `ext=ErrCode: …; ErrPath: …`), 5 QPS per message (230020), 50/s and 1000/min per app (HTTP 429, 99991400, `x-ogw-ratelimit-reset`) |
//! | `PUT /open-apis/im/v1/messages/:message_id` | edits text/post; cards answer 230001 `ext=invalid msg_type.` as Lark does |
//! | `POST /open-apis/im/v1/messages/:message_id/reply` | the send's rules and content forms, in the chat of the message replied to (recalled 230011, deleted 230110) |
//! | `POST /open-apis/cardkit/v1/cards` | a CardKit card entity of a card JSON 2.0 card (`type: card_json`; 300303 for 1.0, 300302 for `update_multi: false`, 300301, 300305 over 200 elements, 200860 over 30 KB, 200220 for a card lark-card's rules refuse, 300307 empty) → `data.card_id` |
//! | `PUT /open-apis/cardkit/v1/cards/:card_id` | full update |
//! | `PATCH /open-apis/cardkit/v1/cards/:card_id/settings` | `config` (streaming mode, summary, `streaming_config`) and `card_link` |
//! | `POST /open-apis/cardkit/v1/cards/:card_id/batch_update` | `partial_update_setting`, `add_elements`, `delete_elements`, `partial_update_element`, `update_element`: all or none |
//! | `POST /open-apis/cardkit/v1/cards/:card_id/elements` | `insert_before` / `insert_after` a `target_element_id`, or `append` (to a container, or the body) |
//! | `PUT`, `PATCH`, `DELETE /open-apis/cardkit/v1/cards/:card_id/elements/:element_id` | replace, patch (the tag never changes: 300312), delete (with a JSON body `{uuid?, sequence}`) an element |
//! | `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content` | streams text into a `markdown` element or `plain_text` text object (300310 otherwise) while streaming mode is on (200850 once after it closed itself, then 300309) |
//! | `POST /open-apis/cardkit/v1/cards/id_convert` | a card message's `card_id` (a message sent as card JSON 2.0 becomes a card entity) |
//! | `POST /callback/ws/endpoint`, then the WebSocket of its URL | the long connection: `pbbp2.Frame`s (the client's [`Frame`](lark_card::long_connection::Frame)), pings answered with the `ClientConfig`, clicks and events pushed to one connection at random, 50 connections per app (see [`long_connections`]) |
//!
//! CardKit's operations carry a `sequence` strictly above the entity's last applied one
//! (300317) and may carry a `uuid`: a repeated `uuid` of an applied operation answers success
//! without applying it again, the same `uuid` with another operation 200770. Each entity takes
//! 10 operations a second (230020 beyond: the pages give the limit but no code; the streaming
//! guide also says streaming mode "does not trigger the QPS limit", and the emulator keeps the
//! 10 a second, the budget both statements allow), only from the
//! app that created it (300311), for 14 days (200750); it is sent once, by `card_id`
//! (`{"type":"card","data":{"card_id":…}}` in a send or reply), and the message then shows its
//! current card, each operation a [`RevisionKind::CardKit`] entry of the message's history.
//! Streaming mode closes itself 10 minutes after it was last enabled; both times run on the
//! emulator's [`Clock`] (see [`CardEntityView`]). While it is on, a callback's answer does
//! not change the card (Lark's rule: close streaming mode first).
//!
//! Every answer carries an `X-Tt-Logid` header, and errors carry `error.log_id`. The choices
//! made where Lark's documentation is silent are in the docs of each module (the codes are
//! [`lark_card::lark`]'s table;
//! [`limits`], [`faults`], [`tokens`], [`Clock`]).
//!
//! # Order of checks
//!
//! When a request breaks several rules, the first of these answers, as Lark's gateway comes
//! before its message service:
//!
//! 1. transport faults, if injected (dropped connection, HTTP 5xx, latency);
//! 2. the token: none (99991661), neither `t-` nor `u-` (99991671), a user token (99991668),
//!    unknown, expired or revoked (99991663);
//! 3. the app's rate limit on this API (HTTP 429, 99991400); then its bot ability (230006);
//!    then errors forced with [`Faults::error_next`];
//! 4. the path or query: for `PATCH`/`PUT` a path id that is no `om_…` id (99992354), for a
//!    send a missing or unknown `receive_id_type` (99992402);
//! 5. the body: over the size limit (230025), then its shape (230001); a send's 30 KB card
//!    limit is checked once its `msg_type` is read;
//! 6. for an update, the message: unknown (230001), deleted (230110), recalled (230011), sent
//!    by another app (230017), in a dissolved chat (232009), not a card (230001), 14 days old
//!    (230031); for a send, the chat: a `receive_id` of the wrong shape (230001), dissolved
//!    (232009), without the app's bot (230002), then a repeated `uuid` answers the first send;
//! 7. 5 per second per message, or per chat for a send (230020) — counted here, so the
//!    refusals below use up the budget too;
//! 8. for an update: the card as sent was shared (230001), the new card is valid (230099)
//!    and shared (230001); for a send: the card is valid (230099), or the card entity it
//!    names exists, is the app's, unexpired and not sent yet (230099, sub-code 11310).
//!
//! A CardKit endpoint checks steps 1 to 3 the same way, then the path (`card_id` of 1 to 20
//! characters, `element_id` a letter then letters, digits or `_`: 10002), the body (a JSON
//! object with the documented fields and lengths, `sequence` in `1..=2147483647`, `uuid` of
//! 1 to 64 characters: 10002), then the entity: unknown (200740), another app's (300311),
//! expired (200750); a `uuid` applied before (success, or 200770); the `sequence` (300317);
//! 10 per second per entity (230020 — counted here, so the refusals below use up the budget
//! too); an interaction with its message waiting for the app's answer (200810); for streamed
//! text, streaming mode (200850, 300309); then the operation itself
//! (300310, 300312, 300313, 300314, 300315, 300121, 300122) and the card it leaves (300301,
//! 300302, 300305, 200860, 200220).
//!
//! Tests read and steer it through [`Emulator`]: messages and their history, request counts,
//! a controllable [`Clock`], and [`Faults`] (latency, HTTP 5xx before or after the request
//! was handled, dropped connections, forced 230020, 429 and 99991663). The same is served over HTTP under `/__emulator/…`, so the
//! `lark-card-emulator` binary serves tests written in any language.
//!
//! # The `/__emulator` endpoints
//!
//! For tests that drive the binary over HTTP; paths are under [`CONTROL_PREFIX`]
//! (`/__emulator`). They are neither counted nor faulted.
//!
//! | method and path | body | does |
//! |---|---|---|
//! | `GET /messages` | | every message ([`MessageView`]s, in the order sent) |
//! | `POST /messages` | `{"chat_id", "content", "app_id"?}` | sends a card directly (no token, limit or fault) → `{"message_id"}` |
//! | `GET /messages/{id}` | | one message |
//! | `GET /messages/{id}/history` | | its history ([`Revision`]s): contents as sent and updated (`kind` `sent`, `updated`, `callback_answer`, `delayed_update`, and `undone` for a delayed update made before the callback's answer) and, in order with them, each click (`clicked`, with `interaction`: `event_id`, `tag`, `open_id`, the answer's `code` and `toast`) |
//! | `POST /messages/{id}/recall` | | recalls it (updates answer 230011) |
//! | `POST /messages/{id}/delete` | | deletes it (updates answer 230110) |
//! | `POST /messages/{id}/actions` | a [`Click`]: `{"element_id"}`, `{"value"}` or `{"name"}`, and `"operator"?`, `"form_value"?`, `"input_value"?`, `"option"?`, `"options"?`, `"checked"?`, `"timezone"?` | a simulated interaction: the callback goes to the app and its answer is applied → the [`Interaction`] |
//! | `GET /interactions` | | every simulated interaction so far ([`Interaction`]s) |
//! | `GET /counts` | | request counts ([`Counts`]) |
//! | `GET /clock` | | `{"now_ms", "paused"}` |
//! | `POST /clock/advance` | `{"ms"}` or `{"seconds"}` | moves the clock on |
//! | `POST /clock/pause` | | pauses the clock |
//! | `POST /clock/resume` | | lets the clock run again |
//! | `POST /tokens/revoke` | | revokes every token |
//! | `GET /apps` | | the app ids |
//! | `POST /apps` | `{"app_id", "app_secret"}` | adds an app, or changes its secret |
//! | `POST /apps/{app_id}/bot` | `{"enabled"}` | turns the app's bot ability on or off |
//! | `POST /apps/{app_id}/callback` | `{"url", "verification_token", "encrypt_key"?}` | the app's callback settings ([`CallbackApp`]) |
//! | `POST /chats/{chat_id}/dissolve` | | dissolves a chat |
//! | `POST /chats/{chat_id}/bot` | `{"app_id", "present"}` | removes an app's bot from a chat, or adds it back |
//! | `GET /long_connection` | | `{"settings", "connections"}`: [`LongConnectionSettings`] and each app's number of long connections |
//! | `POST /long_connection` | `{"ping_interval"?, "reconnect_count"?, "reconnect_interval"?, "reconnect_nonce"?, "fragment_size"?, "busy_next"?}` | changes the `ClientConfig` handed out (seconds), the fragment size (bytes, `null` for none), queues 'system busy' answers |
//! | `POST /apps/{app_id}/long_connection/close` | | closes the app's long connections → `{"closed"}` |
//! | `POST /apps/{app_id}/events` | `{"event_type", "event"}` | pushes an event over a long connection → [`PushedEvent`] |
//! | `POST /apps/{app_id}/user_messages` | `{"chat_id", "text", "chat_type"?, "operator"?}` | pushes a user's message to the bot (`im.message.receive_v1`, [`UserMessage`]) → [`PushedEvent`] |
//! | `GET /events` | | every event pushed ([`PushedEvent`]s) |
//! | `GET /faults` | | what is queued ([`PendingFaults`]) |
//! | `POST /faults` | below | adds faults |
//! | `DELETE /faults` | | clears every fault |
//! | `GET /cards` | | every CardKit card entity ([`CardEntityView`]s, oldest first) |
//! | `GET /cards/{card_id}` | | one card entity: its card now, `streaming_mode`, `summary`, `last_sequence`, `message_id` |
//! | `GET /viewer/…` | | the viewer's own paths ([below](#the-viewer)) |
//!
//! Answers are JSON; errors are `{"error": "…"}` with HTTP 400 or 404.
//!
//! # The viewer
//!
//! The base URL (`/`) serves a page of the chats and their cards as Lark draws them (with
//! `lark-card-render`), which follows sends, updates and recalls live, each message one click from
//! its history (accepted states and rejected requests with their codes). Its paths are under
//! `/__emulator/viewer/` and, like the rest of `/__emulator`, are neither counted nor faulted.
//!
//! The cards can be used there: a click on a button, a choice in a select, overflow or picker,
//! a toggled checker or a submitted form (its fields by `name`, in `form_value`) is a simulated
//! interaction (`POST /__emulator/messages/{id}/actions`, see [`callbacks`]): its callback goes
//! over one of the app's long connections if it has any (the history says "via long
//! connection"), else to the app's callback URL (the binary's `--callback-url`, or
//! `POST /__emulator/apps/{app_id}/callback`), the bot's toast shows in the page and its new
//! card replaces the old one; a failed callback shows Lark's code. Elements that open a URL
//! show it (to open in a new tab) instead of leaving the page.
//!
//! `POST /__emulator/faults` takes any of these fields, each adding to what is queued (see
//! [`Faults`]):
//!
//! ```json
//! {"latency_ms": 200, "fail_next": {"count": 2, "status": 503},
//!  "fail_after_next": {"count": 1, "status": 502},
//!  "fail_fraction": {"p": 0.1, "seed": 7, "status": 500}, "drop_next": 1,
//!  "invalidate_token_next": 1, "rate_limit_app_next": 2, "throttle_message_next": 3,
//!  "error_next": {"count": 1, "code": 230028},
//!  "long_connection_noise_next": 1, "withhold_pong_next": 1}
//! ```
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use lark_card::lark::LarkCode;
//! use lark_card_emulator::Emulator;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::builder().app("cli_test", "secret").paused_clock().start().await?;
//! let id = emulator.send_card(
//!     "oc_team",
//!     r#"{"config":{"update_multi":true},"elements":[{"tag":"markdown","content":"deploying"}]}"#,
//! )?;
//!
//! // Fifteen days later the card can no longer be updated (and any token from before has
//! // expired: ask for a new one).
//! emulator.clock().advance(Duration::from_secs(15 * 24 * 3600));
//! let token = emulator.tenant_token("cli_test")?;
//! let answer = reqwest::Client::new()
//!     .patch(format!("{}/open-apis/im/v1/messages/{id}", emulator.base_url()))
//!     .bearer_auth(&token)
//!     .json(&serde_json::json!({ "content": r#"{"config":{"update_multi":true},"elements":[]}"# }))
//!     .send()
//!     .await?;
//! assert_eq!(answer.status(), 400);
//! assert!(answer.headers().contains_key("x-tt-logid"));
//! let body: serde_json::Value = answer.json().await?;
//! assert_eq!(body["code"], LarkCode::MessageTooOld.code());
//! # Ok(())
//! # }
//! ```

/// The README's example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

// The modules in layers, each using only those above it:
// - facts and plain data: clock, ids, errors, limits, tokens, faults, body, card, inspect,
//   journal, paths, callbacks (the public types), card_action, answer, callback_registry,
//   long_connections (the long connection's settings, tickets, events; its frames are the
//   client's `lark_card::long_connection::Frame`);
// - the state, which holds it all under one lock: state;
// - the live long connections, over the state's generator: hub;
// - on top of the state, side by side: delivery (callbacks over HTTP or a long connection),
//   routes (the API, the long connection's endpoint and WebSocket), viewer (the page);
// - the server, then the `Emulator` that starts it: server, emulator.
// tests/layers.rs fails on any import circle.
mod answer;
mod body;
mod callback_registry;
pub mod callbacks;
mod card;
mod card_action;
mod card_entity;
pub mod clock;
mod delivery;
mod emulator;
mod errors;
pub mod faults;
mod hub;
mod ids;
pub mod inspect;
mod journal;
pub mod limits;
pub mod long_connections;
mod paths;
mod routes;
mod server;
mod state;
pub mod tokens;
mod viewer;

pub use callbacks::{CallbackApp, Click, Interaction, Operator, UserMessage, Via};
pub use card_entity::CardEntityView;
pub use clock::Clock;
pub use emulator::{Emulator, EmulatorBuilder, DEFAULT_APP_ID, DEFAULT_APP_SECRET};
pub use errors::EmulatorError;
pub use faults::{Faults, PendingFaults};
pub use inspect::{
    element_text, ClickedEntry, Counts, Endpoint, MessageState, MessageView, RecordedRequest,
    Revision, RevisionKind,
};
pub use long_connections::{ClientConfig, LongConnectionSettings, PushedEvent};
pub use paths::CONTROL_PREFIX;
pub use state::{UPDATE_WINDOW, UUID_WINDOW};

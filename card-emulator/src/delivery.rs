//! Delivering callbacks and events: a simulated interaction becomes Lark's
//! `card.action.trigger` callback, pushed over one of the app's long connections if it has
//! any, else posted to the app's callback URL over HTTP (encrypted and signed with the app's
//! Encrypt Key), and the app's answer is applied to the message the same way whichever way it
//! came. Other events go over the long connection only, and are pushed again while
//! unanswered.
//!
//! The rules are in [`callbacks`](crate::callbacks) and
//! [`long_connections`](crate::long_connections); the element is found by
//! [`card_action`](crate::card_action), the answer checked by [`answer`](crate::answer),
//! and what happened is kept in the state. This is the only module that makes HTTP requests;
//! the live connections are the [`hub`](crate::hub)'s.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use base64::Engine as _;
use lark_card::callback::crypto;
use lark_card::lark::long_connection::{
    EVENT_RETRIES_AFTER, HEADER_MESSAGE_ID, HEADER_SEQ, HEADER_SUM, HEADER_TRACE_ID, HEADER_TYPE,
    TYPE_CARD, TYPE_EVENT,
};
use lark_card::lark::{self, LarkCode};
use lark_card::long_connection::{Frame, METHOD_DATA};
use lark_card::{MessageId, Secret};
use serde_json::{json, Value};

use crate::answer::{self, Applied};
use crate::callbacks::{
    CallbackApp, Click, Interaction, Operator, UserMessage, Via, ANSWER_WITHIN,
};
use crate::card_action;
use crate::clock::{millis, to_system_time};
use crate::errors::EmulatorError;
use crate::hub::{Chosen, Hub, Outgoing};
use crate::ids::{self, Rng};
use crate::inspect::{ClickedEntry, MessageState, RevisionKind};
use crate::long_connections::PushedEvent;
use crate::state::Shared;

/// The HTTP client that posts callbacks, built on first use, and the live long connections.
#[derive(Debug, Default)]
pub(crate) struct Delivery {
    http: Mutex<Option<reqwest::Client>>,
    pub(crate) hub: Arc<Hub>,
}

impl Delivery {
    fn client(&self) -> Result<reqwest::Client, EmulatorError> {
        let mut slot = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let client = reqwest::Client::builder()
            // Header names as Lark sends them (`X-Lark-Signature`), for apps that read them
            // from a case-sensitive map.
            .http1_title_case_headers()
            // No timeout here: Lark's 3 seconds are the emulator clock's (see `click`).
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| EmulatorError::Io(std::io::Error::other(error)))?;
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Simulates an interaction with a card: posts the callback to the app and applies its
    /// answer.
    pub(crate) async fn click(
        &self,
        shared: &Shared,
        message_id: &MessageId,
        click: Click,
    ) -> Result<Interaction, EmulatorError> {
        let now_ms = shared.clock.now_ms();
        let prepared = prepare(shared, message_id, &click, now_ms)?;
        let started = Instant::now();
        // Lark waits 3 seconds of the emulator's clock: real time while it runs, an advance
        // past them while it is paused.
        let deadline = now_ms.saturating_add(millis(ANSWER_WITHIN));
        let connection = self.hub.choose(&prepared.app_id, &mut shared.lock().rng);
        let (via, status, applied) = match (connection, &prepared.app) {
            (Some(connection), _) => {
                let body = prepared.callback.to_string();
                let (status, applied) = match self
                    .push(shared, &connection, body.as_bytes(), deadline)
                    .await
                {
                    Some(frame) => read_answer(&frame, prepared.original_v2),
                    None => (
                        None,
                        Applied::refused(
                            LarkCode::CallbackTimeout,
                            "no answer frame within 3 seconds",
                        ),
                    ),
                };
                (Some(Via::LongConnection), status, applied)
            }
            (None, None) => (
                None,
                None,
                Applied::refused(
                    LarkCode::CallbackUrlMissing,
                    "the app has neither a long connection nor a callback URL (start the \
                     emulator with --callback-url, POST /__emulator/apps/{app_id}/callback, or \
                     connect a client to POST /callback/ws/endpoint)",
                ),
            ),
            (None, Some(app)) => {
                let (status, applied) = tokio::select! {
                    posted = self.post(app, &prepared, now_ms) => posted?,
                    () = shared.clock.reached(deadline) => (
                        None,
                        Applied::refused(LarkCode::CallbackTimeout, "no answer within 3 seconds"),
                    ),
                };
                (Some(Via::Http), status, applied)
            }
        };
        let latency_ms = millis(started.elapsed());

        let mut state = shared.lock();
        let now = shared.clock.now_ms();
        // Lark undoes a delayed update that came before the answer: the answer's card
        // replaces it, or the card goes back to what it was.
        let undo_to = state.callbacks.answered(&prepared.token);
        let card_applied = match (applied.shared_card, undo_to) {
            (Some(content), _) => state.replace_card_content(
                &prepared.message_id,
                content,
                RevisionKind::CallbackAnswer,
                now,
            ),
            (None, Some(previous)) if status.is_some() => {
                state.replace_card_content(
                    &prepared.message_id,
                    previous,
                    RevisionKind::Undone,
                    now,
                );
                false
            }
            (None, _) => false,
        };
        let interaction = Interaction {
            message_id: prepared.message_id,
            app_id: prepared.app_id,
            token: prepared.token,
            event_id: prepared.event_id,
            operator: prepared.operator,
            tag: prepared.tag,
            callback: prepared.callback,
            via,
            status,
            code: applied.code.map_or(lark::SUCCESS, LarkCode::code),
            error: applied.error,
            toast: applied.toast,
            card_applied,
            private_card: applied.private_card,
            latency_ms,
            at: to_system_time(now_ms),
        };
        state.record_click_answer(
            &interaction.message_id,
            &interaction.event_id,
            interaction.code,
            interaction.toast.clone(),
            interaction.via,
        );
        state.callbacks.push_interaction(interaction.clone());
        Ok(interaction)
    }

    /// Posts the callback; the answer's status, and what it says to do (or Lark's code for
    /// no answer, a late one or one that is not HTTP 200).
    async fn post(
        &self,
        app: &CallbackApp,
        prepared: &Prepared,
        now_ms: u64,
    ) -> Result<(Option<u16>, Applied), EmulatorError> {
        let plaintext = prepared.callback.to_string();
        let key = Secret::new(app.encrypt_key.clone().unwrap_or_default());
        let body = match &app.encrypt_key {
            Some(_) => {
                json!({ "encrypt": crypto::encrypt(&key, plaintext.as_bytes(), prepared.iv) })
                    .to_string()
            }
            None => plaintext,
        };
        let timestamp = (now_ms / 1000).to_string();
        let signature = crypto::signature(&timestamp, &prepared.nonce, &key, body.as_bytes());
        let sent = self
            .client()?
            .post(&app.url)
            .header("Content-Type", "application/json; charset=utf-8")
            .header(crypto::TIMESTAMP_HEADER, &timestamp)
            .header(crypto::NONCE_HEADER, &prepared.nonce)
            .header(crypto::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                return Ok((
                    None,
                    Applied::refused(
                        LarkCode::CallbackUnreachable,
                        format!("cannot reach the callback URL: {error}"),
                    ),
                ))
            }
        };
        let status = response.status().as_u16();
        if status != 200 {
            return Ok((
                Some(status),
                Applied::refused(
                    LarkCode::CallbackNot200,
                    format!("the app answered HTTP {status}"),
                ),
            ));
        }
        match response.bytes().await {
            Ok(bytes) => Ok((Some(status), answer::check(prepared.original_v2, &bytes))),
            Err(error) => Ok((
                Some(status),
                Applied::refused(
                    LarkCode::CallbackBadBody,
                    format!("the answer could not be read: {error}"),
                ),
            )),
        }
    }
}

impl Delivery {
    /// Pushes `body` over a connection (in fragments above the fragment size) as an `event`
    /// data frame, and waits for its answer frame until `deadline` (the emulator's clock).
    async fn push(
        &self,
        shared: &Shared,
        connection: &Chosen,
        body: &[u8],
        deadline: u64,
    ) -> Option<Frame> {
        let now_ms = shared.clock.now_ms();
        let (message_id, frames) = {
            let mut state = shared.lock();
            let size = state.long_connections.settings.fragment_size;
            event_frames(&mut state.rng, connection.service, body, size, now_ms)
        };
        let answer = self.hub.expect_answer(&message_id);
        if shared.faults.take_long_connection_noise() {
            let _sent =
                connection.send_all(noise(&mut shared.lock().rng, connection.service, body));
        }
        // A connection gone meanwhile answers nothing: the deadline passes as for silence.
        let _sent = connection.send(frames);
        // An answer that came before the deadline wins even when the clock has passed it by
        // the time this task runs (an advance of a paused clock).
        let answered = tokio::select! {
            biased;
            answer = answer => answer.ok(),
            () = shared.clock.reached(deadline) => None,
        };
        self.hub.forget(&message_id);
        answered
    }

    /// Pushes an event (`{"schema":"2.0","header":{…},"event":…}`) to one of the app's long
    /// connections and waits up to 3 seconds for its answer; unanswered, it is pushed again
    /// on the emulator's clock ([`EVENT_RETRIES_AFTER`]) until answered.
    pub(crate) async fn push_event(
        self: &Arc<Self>,
        shared: &Arc<Shared>,
        app_id: &str,
        event_type: &str,
        event: Value,
    ) -> Result<PushedEvent, EmulatorError> {
        let now_ms = shared.clock.now_ms();
        let (connection, body) = {
            let mut state = shared.lock();
            if !state.has_app(app_id) {
                return Err(EmulatorError::UnknownApp(app_id.to_owned()));
            }
            let token = state
                .callbacks
                .app(app_id)
                .map(|app| app.verification_token.clone())
                .unwrap_or_default();
            let connection = self
                .hub
                .choose(app_id, &mut state.rng)
                .ok_or_else(|| EmulatorError::NoLongConnection(app_id.to_owned()))?;
            let body = json!({
                "schema": "2.0",
                "header": {
                    "event_id": state.rng.hex(32),
                    "token": token,
                    "create_time": now_ms.to_string(),
                    "event_type": event_type,
                    "tenant_key": "emulated_tenant",
                    "app_id": app_id,
                },
                "event": event,
            });
            (connection, body)
        };
        let event_id = body["header"]["event_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut record = PushedEvent {
            event_id: event_id.clone(),
            event_type: event_type.to_owned(),
            app_id: app_id.to_owned(),
            body: body.clone(),
            pushes: vec![to_system_time(now_ms)],
            answer_code: None,
        };
        shared.lock().long_connections.push_event(record.clone());
        let bytes = body.to_string().into_bytes();
        let deadline = now_ms.saturating_add(millis(ANSWER_WITHIN));
        if let Some(code) = self
            .push(shared, &connection, &bytes, deadline)
            .await
            .map(|frame| answer_code(&frame))
        {
            shared.lock().long_connections.answered(&event_id, code);
            record.answer_code = Some(code);
            return Ok(record);
        }
        let delivery = self.clone();
        let shared = shared.clone();
        let app_id = app_id.to_owned();
        tokio::spawn(async move {
            let again = async {
                for after in EVENT_RETRIES_AFTER {
                    shared
                        .clock
                        .reached(now_ms.saturating_add(millis(after)))
                        .await;
                    let at = shared.clock.now_ms();
                    let Some(connection) = delivery.hub.choose(&app_id, &mut shared.lock().rng)
                    else {
                        continue;
                    };
                    shared
                        .lock()
                        .long_connections
                        .pushed_again(&event_id, to_system_time(at));
                    let deadline = at.saturating_add(millis(ANSWER_WITHIN));
                    if let Some(frame) = delivery.push(&shared, &connection, &bytes, deadline).await
                    {
                        let code = answer_code(&frame);
                        shared.lock().long_connections.answered(&event_id, code);
                        return;
                    }
                }
            };
            // The emulator stopping ends the wait (with a paused clock it could last for ever).
            tokio::select! {
                () = again => {}
                () = delivery.hub.stopped() => {}
            }
        });
        Ok(record)
    }
}

/// The frames of one event: its JSON whole, or in fragments of `size` bytes, all with one
/// `message_id` (returned with them).
fn event_frames(
    rng: &mut Rng,
    service: i32,
    body: &[u8],
    size: Option<usize>,
    now_ms: u64,
) -> (String, Vec<Vec<u8>>) {
    let message_id = format!("msg_{}", rng.hex(24));
    let trace_id = rng.hex(32);
    let seq_id = rng.next_u64();
    let log_id = rng.next_u64();
    let mut event = Frame {
        seq_id,
        log_id,
        service,
        method: METHOD_DATA,
        payload: Some(body.to_vec()),
        ..Frame::default()
    };
    event.push_header(HEADER_TYPE, TYPE_EVENT);
    event.push_header(HEADER_MESSAGE_ID, message_id.clone());
    event.push_header(HEADER_TRACE_ID, trace_id);
    event.push_header("timestamp", now_ms.to_string());
    // Each fragment gets `sum` and `seq`; one frame (`sum` 1) when the body fits.
    let frames = event
        .into_fragments(size.unwrap_or(usize::MAX))
        .iter()
        .map(Frame::encode)
        .collect();
    (message_id, frames)
}

/// What fault injection sends before a push ([`Faults::long_connection_noise_next`]): a text
/// message, bytes that are no frame (a varint cut short), and the
/// push's body as a `card` frame.
///
/// [`Faults::long_connection_noise_next`]: crate::Faults::long_connection_noise_next
fn noise(rng: &mut Rng, service: i32, body: &[u8]) -> Vec<Outgoing> {
    let mut card = Frame {
        seq_id: rng.next_u64(),
        log_id: rng.next_u64(),
        service,
        method: METHOD_DATA,
        payload: Some(body.to_vec()),
        ..Frame::default()
    };
    card.push_header(HEADER_TYPE, TYPE_CARD);
    card.push_header(HEADER_MESSAGE_ID, format!("msg_{}", rng.hex(24)));
    card.push_header(HEADER_SUM, "1");
    card.push_header(HEADER_SEQ, "0");
    vec![
        Outgoing::Text("not a frame".to_owned()),
        Outgoing::Frame(vec![0xff, 0xff, 0xff]),
        Outgoing::Frame(card.encode()),
    ]
}

/// The `code` of an answer frame's payload (`{"code":200,…}`), 0 if it has none.
fn answer_code(frame: &Frame) -> i64 {
    frame
        .payload
        .as_deref()
        .and_then(|payload| serde_json::from_slice::<Value>(payload).ok())
        .and_then(|payload| payload.get("code").and_then(Value::as_i64))
        .unwrap_or(0)
}

/// An answer frame to a callback: `{"code":200,"data":<base64 of the answer JSON>}` (`data`
/// left out or `null` for an empty answer). Its status is the payload's `code`.
fn read_answer(frame: &Frame, original_v2: bool) -> (Option<u16>, Applied) {
    let payload = frame
        .payload
        .as_deref()
        .and_then(|payload| serde_json::from_slice::<Value>(payload).ok());
    let Some(Value::Object(payload)) = payload else {
        return (
            None,
            Applied::refused(
                LarkCode::CallbackBadBody,
                "the answer frame's payload is not a JSON object",
            ),
        );
    };
    let code = payload.get("code").and_then(Value::as_i64).unwrap_or(0);
    let status = u16::try_from(code).ok();
    if code != 200 {
        return (
            status,
            Applied::refused(
                LarkCode::CallbackNot200,
                format!("the answer frame's code is {code}, not 200"),
            ),
        );
    }
    let answer = match payload.get("data") {
        None | Some(Value::Null) => b"{}".to_vec(),
        Some(Value::String(data)) => match base64::engine::general_purpose::STANDARD.decode(data) {
            Ok(bytes) => bytes,
            Err(error) => {
                return (
                    status,
                    Applied::refused(
                        LarkCode::CallbackBadBody,
                        format!("the answer frame's `data` is not base64: {error}"),
                    ),
                )
            }
        },
        Some(_) => {
            return (
                status,
                Applied::refused(
                    LarkCode::CallbackBadBody,
                    "the answer frame's `data` is not a base64 string",
                ),
            )
        }
    };
    (status, answer::check(original_v2, &answer))
}

/// A user's message to the bot: the `event` of `im.message.receive_v1`.
pub(crate) fn message_event(rng: &mut Rng, message: &UserMessage, now_ms: u64) -> Value {
    let operator = &message.operator;
    let now = now_ms.to_string();
    json!({
        "sender": {
            "sender_id": {
                "union_id": operator.union_id,
                "user_id": operator.user_id,
                "open_id": operator.open_id,
            },
            "sender_type": "user",
            "tenant_key": "emulated_tenant",
        },
        "message": {
            "message_id": ids::message_id(rng),
            "root_id": "",
            "parent_id": "",
            "create_time": now,
            "update_time": now,
            "chat_id": message.chat_id,
            "chat_type": message.chat_type,
            "message_type": "text",
            "content": json!({ "text": message.text }).to_string(),
            "mentions": [],
        },
    })
}

/// A callback ready to post, and what the interaction will record.
struct Prepared {
    message_id: MessageId,
    app_id: String,
    app: Option<CallbackApp>,
    token: String,
    event_id: String,
    nonce: String,
    iv: [u8; 16],
    operator: Operator,
    tag: String,
    original_v2: bool,
    callback: Value,
}

/// Finds the element in the card as it is now, builds the callback, hands out its token and
/// records the click in the message's history. The card is read and searched outside the
/// lock (the slow part); the rest happens under it.
fn prepare(
    shared: &Shared,
    message_id: &MessageId,
    click: &Click,
    now_ms: u64,
) -> Result<Prepared, EmulatorError> {
    let message = shared
        .lock()
        .message(message_id)
        .ok_or_else(|| EmulatorError::UnknownMessage(message_id.clone()))?;
    if message.state != MessageState::Live {
        return Err(EmulatorError::Api {
            code: LarkCode::MessageRecalled.code(),
            msg: "the message was recalled or deleted: nobody can click it".into(),
        });
    }
    let tree: Value = serde_json::from_str(&message.content).unwrap_or(Value::Null);
    let found = card_action::find(&tree, click, false, 0).ok_or_else(|| EmulatorError::Api {
        code: LarkCode::InvalidParameter.code(),
        msg: card_action::not_found(click),
    })?;
    let action = card_action::action_json(&found, click);
    let tag = found
        .element
        .get("tag")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let operator = click.operator.clone().unwrap_or_default();

    let mut state = shared.lock();
    let rng = &mut state.rng;
    let event_id = rng.hex(32);
    let token = format!("c-{}", rng.hex(40));
    let nonce = rng.hex(16);
    let mut iv = [0u8; 16];
    for chunk in iv.chunks_mut(8) {
        let bytes = rng.next_u64().to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    let app = state.callbacks.app(&message.app_id).cloned();
    let callback = json!({
        "schema": "2.0",
        "header": {
            "event_id": event_id,
            "token": app.as_ref().map_or("", |a| a.verification_token.as_str()),
            "create_time": (u128::from(now_ms) * 1000).to_string(),
            "event_type": "card.action.trigger",
            "tenant_key": "emulated_tenant",
            "app_id": message.app_id,
        },
        "event": {
            "operator": {
                "tenant_key": "emulated_tenant",
                "user_id": operator.user_id,
                "open_id": operator.open_id,
                "union_id": operator.union_id,
            },
            "token": token,
            "action": action,
            "host": "im_message",
            "context": {
                "open_message_id": message.message_id,
                "open_chat_id": message.chat_id,
            },
        },
    });
    state
        .callbacks
        .issue_token(&token, &message.message_id, &message.app_id, now_ms);
    state.record_click(
        &message.message_id,
        ClickedEntry {
            event_id: event_id.clone(),
            tag: tag.clone(),
            open_id: operator.open_id.clone(),
            code: None,
            toast: None,
            via: None,
        },
        now_ms,
    );
    Ok(Prepared {
        original_v2: answer::is_v2(&message.content),
        message_id: message.message_id,
        app_id: message.app_id,
        app,
        token,
        event_id,
        nonce,
        iv,
        operator,
        tag,
        callback,
    })
}

//! Delivering callbacks: a simulated interaction becomes Lark's `card.action.trigger`
//! callback, posted to the app's callback URL over HTTP (encrypted and signed with the app's
//! Encrypt Key), and the app's answer is applied to the message.
//!
//! The rules are in [`callbacks`](crate::callbacks); the element is found by
//! [`card_action`](crate::card_action), the answer checked by [`answer`](crate::answer),
//! and what happened is kept in the state. This is the only module that makes HTTP requests.

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use lark_card::callback::crypto;
use lark_card::lark::{self, LarkCode};
use lark_card::Secret;
use serde_json::{json, Value};

use crate::answer::{self, Applied};
use crate::callbacks::{CallbackApp, Click, Interaction, Operator, ANSWER_WITHIN};
use crate::card_action;
use crate::clock::{millis, to_system_time};
use crate::errors::EmulatorError;
use crate::inspect::{ClickedEntry, MessageState, RevisionKind};
use crate::state::Shared;

/// The HTTP client that posts callbacks, built on first use.
#[derive(Debug, Default)]
pub(crate) struct Delivery {
    http: Mutex<Option<reqwest::Client>>,
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
        message_id: &str,
        click: Click,
    ) -> Result<Interaction, EmulatorError> {
        let now_ms = shared.clock.now_ms();
        let prepared = prepare(shared, message_id, &click, now_ms)?;
        let started = Instant::now();
        let (status, applied) = match &prepared.app {
            None => (
                None,
                Applied::refused(
                    LarkCode::CallbackUrlMissing,
                    "the app has no callback URL (start the emulator with --callback-url, or \
                     POST /__emulator/apps/{app_id}/callback)",
                ),
            ),
            Some(app) => {
                // Lark waits 3 seconds of the emulator's clock: real time while it runs, an
                // advance past them while it is paused.
                let deadline = now_ms.saturating_add(millis(ANSWER_WITHIN));
                tokio::select! {
                    posted = self.post(app, &prepared, now_ms) => posted?,
                    () = shared.clock.reached(deadline) => (
                        None,
                        Applied::refused(LarkCode::CallbackTimeout, "no answer within 3 seconds"),
                    ),
                }
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

/// A callback ready to post, and what the interaction will record.
struct Prepared {
    message_id: String,
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
    message_id: &str,
    click: &Click,
    now_ms: u64,
) -> Result<Prepared, EmulatorError> {
    let message = shared
        .lock()
        .message(message_id)
        .ok_or_else(|| EmulatorError::UnknownMessage(message_id.to_owned()))?;
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

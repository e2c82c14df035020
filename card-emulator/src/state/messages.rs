//! Messages and the rules that change them: sending, updating (`PATCH`), editing (`PUT`),
//! a callback's answer and the delayed update, recall and delete; and their history.

use serde_json::{json, Value};

use super::State;
use crate::card::CheckedCard;
use crate::clock::{millis, to_system_time};
use crate::errors::ApiError;
use crate::faults::Faults;
use crate::ids;
use crate::inspect::{bump, ClickedEntry, MessageState, MessageView, Revision, RevisionKind};
use crate::limits::{Window, PER_CHAT_PER_SECOND, PER_MESSAGE_PER_SECOND, PER_MESSAGE_WINDOW};
use lark_card::lark::limits::{UPDATE_WINDOW, UUID_WINDOW};
use lark_card::lark::LarkCode;

/// One entry of a message's history (see [`Revision`]).
#[derive(Debug)]
pub(super) struct Entry {
    at_ms: u64,
    kind: RevisionKind,
    content: String,
    interaction: Option<ClickedEntry>,
    /// For [`RevisionKind::CardKit`]: the operation.
    operation: Option<&'static str>,
}

impl Entry {
    fn content(at_ms: u64, kind: RevisionKind, content: String) -> Entry {
        Entry {
            at_ms,
            kind,
            content,
            interaction: None,
            operation: None,
        }
    }

    /// The card a CardKit operation on the message's card entity left.
    pub(super) fn cardkit(at_ms: u64, operation: &'static str, content: String) -> Entry {
        Entry {
            at_ms,
            kind: RevisionKind::CardKit,
            content,
            interaction: None,
            operation: Some(operation),
        }
    }
}

#[derive(Debug)]
pub(super) struct Message {
    id: String,
    app_id: String,
    pub(super) chat_id: String,
    receive_id: String,
    receive_id_type: String,
    pub(super) msg_type: String,
    pub(super) content: String,
    shared: bool,
    created_ms: u64,
    pub(super) updated_ms: u64,
    pub(super) state: MessageState,
    pub(super) history: Vec<Entry>,
    limiter: Window,
    /// The CardKit card entity it was sent by (`{"type":"card","data":{"card_id":…}}`): its
    /// content follows the entity's card.
    pub(super) card_id: Option<String>,
    /// The message it replies to.
    parent_id: Option<String>,
}

impl Message {
    fn view(&self) -> MessageView {
        MessageView {
            message_id: self.id.clone(),
            app_id: self.app_id.clone(),
            chat_id: self.chat_id.clone(),
            receive_id: self.receive_id.clone(),
            receive_id_type: self.receive_id_type.clone(),
            msg_type: self.msg_type.clone(),
            content: self.content.clone(),
            shared: self.shared,
            created_at: to_system_time(self.created_ms),
            updated_at: to_system_time(self.updated_ms),
            state: self.state,
            updates: self
                .history
                .iter()
                .filter(|entry| entry.kind != RevisionKind::Sent && entry.kind.changes_content())
                .count(),
        }
    }

    /// The message as Lark's send and edit answers describe it (`data`).
    fn data(&self) -> Value {
        json!({
            "message_id": self.id,
            "msg_type": self.msg_type,
            "create_time": self.created_ms.to_string(),
            "update_time": self.updated_ms.to_string(),
            "deleted": self.state == MessageState::Deleted,
            "updated": self.updated_ms != self.created_ms,
            "chat_id": self.chat_id,
            "parent_id": self.parent_id,
            "root_id": self.parent_id,
            "sender": {
                "id": self.app_id,
                "id_type": "app_id",
                "sender_type": "app",
                "tenant_key": "emulated_tenant"
            },
            "body": { "content": self.content }
        })
    }
}

/// The receive id types Lark accepts (`receive_id_type`).
pub(crate) const RECEIVE_ID_TYPES: [&str; 5] =
    ["open_id", "union_id", "user_id", "email", "chat_id"];

/// A message to send, as parsed from the request.
#[derive(Debug)]
pub(crate) struct SendInput {
    pub(crate) app_id: String,
    pub(crate) receive_id_type: String,
    pub(crate) receive_id: String,
    pub(crate) msg_type: String,
    pub(crate) content: String,
    pub(crate) uuid: Option<String>,
    /// The card check for `interactive` messages, done before the lock was taken.
    pub(crate) card: Option<Result<CheckedCard, ApiError>>,
    /// For a reply: the message replied to (in the chat of `receive_id`).
    pub(crate) parent_id: Option<String>,
}

impl State {
    // ----- messages -----

    /// Sends a message. `faults` is `None` for the library's back door, which skips the
    /// per-chat limit.
    pub(crate) fn send(
        &mut self,
        input: SendInput,
        now: u64,
        faults: Option<&Faults>,
    ) -> Result<Value, ApiError> {
        let chat_id = chat_of(&input.receive_id_type, &input.receive_id)?;
        self.check_chat(&input.app_id, &chat_id)?;

        if let Some(uuid) = &input.uuid {
            let key = (input.app_id.clone(), uuid.clone());
            if let Some((id, at)) = self.uuids.get(&key) {
                if now < at.saturating_add(millis(UUID_WINDOW)) {
                    if let Some(message) = self.messages.get(id) {
                        return Ok(message.data());
                    }
                }
            }
        }

        if let Some(faults) = faults {
            let limiter = self
                .chat_limits
                .entry(chat_id.clone())
                .or_insert_with(|| Window::new(PER_CHAT_PER_SECOND, millis(PER_MESSAGE_WINDOW)));
            if faults.take_message_throttle() || !limiter.try_hit(now) {
                bump(&mut self.counts.throttled, chat_id);
                return Err(ApiError::new(LarkCode::MessageRateLimited));
            }
        }

        // A card entity sent by its id: the message shows the entity's card.
        let by_card_id = if input.msg_type == "interactive" {
            self.card_for_send(&input.app_id, &input.content, now)?
        } else {
            None
        };
        let shared = match (&input.card, input.msg_type.as_str()) {
            _ if by_card_id.is_some() => true,
            (Some(Err(error)), _) => return Err(error.clone()),
            (Some(Ok(card)), _) => card.shared,
            (None, "interactive") => crate::card::check_card(&input.content)?.shared,
            (None, "text") => {
                check_text(&input.content)?;
                false
            }
            (None, _) => {
                check_json_object(&input.content)?;
                false
            }
        };

        let id = loop {
            let candidate = ids::message_id(&mut self.rng);
            if !self.messages.contains_key(&candidate) {
                break candidate;
            }
        };
        let (card_id, content) = match by_card_id {
            Some((card_id, card)) => {
                self.link_card_entity(&card_id, &id);
                (Some(card_id), card)
            }
            None => (None, input.content),
        };
        let message = Message {
            id: id.clone(),
            app_id: input.app_id.clone(),
            chat_id,
            receive_id: input.receive_id,
            receive_id_type: input.receive_id_type,
            msg_type: input.msg_type,
            content: content.clone(),
            shared,
            created_ms: now,
            updated_ms: now,
            state: MessageState::Live,
            history: vec![Entry::content(now, RevisionKind::Sent, content)],
            limiter: Window::new(PER_MESSAGE_PER_SECOND, millis(PER_MESSAGE_WINDOW)),
            card_id,
            parent_id: input.parent_id,
        };
        let data = message.data();
        if let Some(uuid) = input.uuid {
            self.uuids.insert((input.app_id, uuid), (id.clone(), now));
        }
        self.messages.insert(id.clone(), message);
        self.order.push(id);
        self.journal.changed();
        Ok(data)
    }

    /// The checks every change to an existing message passes: it exists, is neither deleted
    /// nor recalled, belongs to the app, and its chat still exists.
    pub(super) fn existing(&mut self, app_id: &str, id: &str) -> Result<&mut Message, ApiError> {
        let chat_id = match self.messages.get(id) {
            None => {
                return Err(ApiError::with_ext(
                    LarkCode::InvalidParameter,
                    "invalid message_id: no such message",
                ))
            }
            Some(message) => match message.state {
                MessageState::Deleted => return Err(ApiError::new(LarkCode::MessageDeleted)),
                MessageState::Recalled => return Err(ApiError::new(LarkCode::MessageRecalled)),
                MessageState::Live if message.app_id != app_id => {
                    return Err(ApiError::new(LarkCode::NotResourceOwner))
                }
                MessageState::Live => message.chat_id.clone(),
            },
        };
        if self.chats.get(&chat_id).is_some_and(|chat| chat.dissolved) {
            return Err(ApiError::new(LarkCode::ChatDissolved));
        }
        self.messages
            .get_mut(id)
            .ok_or_else(|| ApiError::new(LarkCode::InvalidParameter))
    }

    /// `PATCH /open-apis/im/v1/messages/:message_id`, after the body was read and the new card
    /// checked.
    pub(crate) fn update_card(
        &mut self,
        app_id: &str,
        id: &str,
        content: String,
        card: Result<CheckedCard, ApiError>,
        now: u64,
        faults: &Faults,
    ) -> Result<(), ApiError> {
        let message = self.existing(app_id, id)?;
        if message.msg_type != "interactive" {
            return Err(ApiError::with_ext(
                LarkCode::InvalidParameter,
                "This message is NOT a card.",
            ));
        }
        if now.saturating_sub(message.created_ms) >= millis(UPDATE_WINDOW) {
            return Err(ApiError::new(LarkCode::MessageTooOld));
        }
        if faults.take_message_throttle() || !message.limiter.try_hit(now) {
            bump(&mut self.counts.throttled, id.to_owned());
            return Err(ApiError::new(LarkCode::MessageRateLimited));
        }
        if !message.shared {
            return Err(ApiError::with_ext(
                LarkCode::InvalidParameter,
                "the card was sent without `\"update_multi\": true` in its config, so it is not a shared card and cannot be updated",
            ));
        }
        let card = card?;
        if !card.shared {
            return Err(ApiError::with_ext(
                LarkCode::InvalidParameter,
                "the new card is not shared: keep `\"update_multi\": true` in its config (card JSON 1.0) or use card JSON 2.0",
            ));
        }
        message.content.clone_from(&content);
        message.updated_ms = now;
        message
            .history
            .push(Entry::content(now, RevisionKind::Updated, content));
        self.journal.changed();
        Ok(())
    }

    /// `PUT /open-apis/im/v1/messages/:message_id`: edits a text or post message; cards are
    /// refused, as Lark refuses them (`ext=invalid msg_type.`).
    pub(crate) fn edit(
        &mut self,
        app_id: &str,
        id: &str,
        msg_type: &str,
        content: String,
        now: u64,
    ) -> Result<Value, ApiError> {
        let message = self.existing(app_id, id)?;
        if msg_type == "interactive" || message.msg_type == "interactive" {
            return Err(ApiError::with_ext(
                LarkCode::InvalidParameter,
                "invalid msg_type.",
            ));
        }
        if msg_type != message.msg_type {
            return Err(ApiError::with_ext(
                LarkCode::InvalidParameter,
                "msg_type does not match the message",
            ));
        }
        if msg_type == "text" {
            check_text(&content)?;
        } else {
            check_json_object(&content)?;
        }
        message.content.clone_from(&content);
        message.updated_ms = now;
        message
            .history
            .push(Entry::content(now, RevisionKind::Updated, content));
        let data = message.data();
        self.journal.changed();
        Ok(data)
    }

    /// Replaces a card with one a callback answer (`kind` [`RevisionKind::CallbackAnswer`])
    /// or a delayed update ([`RevisionKind::DelayedUpdate`]) brought, checked by the caller;
    /// whether the message exists.
    pub(crate) fn replace_card_content(
        &mut self,
        id: &str,
        content: String,
        kind: RevisionKind,
        now: u64,
    ) -> bool {
        if let Some(card_id) = self.messages.get(id).and_then(|m| m.card_id.clone()) {
            if !self.card_entity_takes_callback_card(&card_id, &content) {
                return false;
            }
        }
        match self.messages.get_mut(id) {
            Some(message) => {
                message.content.clone_from(&content);
                message.updated_ms = now;
                message.history.push(Entry::content(now, kind, content));
                // The viewer follows a card changed by a callback's answer too.
                self.journal.changed();
                true
            }
            None => false,
        }
    }

    /// Records an interaction with a message, in its history, before the app answers.
    pub(crate) fn record_click(&mut self, id: &str, clicked: ClickedEntry, now: u64) {
        if let Some(message) = self.messages.get_mut(id) {
            let content = message.content.clone();
            message.history.push(Entry {
                at_ms: now,
                kind: RevisionKind::Clicked,
                content,
                interaction: Some(clicked),
                operation: None,
            });
            self.journal.changed();
        }
    }

    /// Whether someone interacted with the message and the app has not answered yet.
    pub(super) fn interaction_pending(&self, id: &str) -> bool {
        self.messages.get(id).is_some_and(|message| {
            message
                .history
                .iter()
                .filter_map(|entry| entry.interaction.as_ref())
                .any(|clicked| clicked.code.is_none())
        })
    }

    /// Records the app's answer to an interaction recorded by [`State::record_click`].
    pub(crate) fn record_click_answer(
        &mut self,
        id: &str,
        event_id: &str,
        code: i64,
        toast: Option<Value>,
        via: Option<crate::callbacks::Via>,
    ) {
        let entry = self.messages.get_mut(id).and_then(|message| {
            message
                .history
                .iter_mut()
                .rev()
                .filter_map(|entry| entry.interaction.as_mut())
                .find(|clicked| clicked.event_id == event_id)
        });
        if let Some(clicked) = entry {
            clicked.code = Some(code);
            clicked.toast = toast;
            clicked.via = via;
            self.journal.changed();
        }
    }

    /// `POST /open-apis/interactive/v1/card/update`, after authentication and once the body
    /// was read and the card checked: the token's rules, the message, then the card. The
    /// token's use is counted under the lock that checked the count, so that two updates at
    /// once cannot both take a token's last use.
    pub(crate) fn update_later(
        &mut self,
        app_id: &str,
        update: DelayedUpdate,
        now: u64,
    ) -> Result<(), ApiError> {
        let message_id = self
            .callbacks
            .usable_token(&update.token, app_id, now)?
            .to_owned();
        match self.messages.get(&message_id) {
            None => {
                return Err(ApiError::with_msg(
                    LarkCode::DelayedCardRecalled,
                    "the message is gone",
                ))
            }
            Some(message) if message.state != MessageState::Live => {
                return Err(ApiError::with_msg(
                    LarkCode::DelayedCardRecalled,
                    "the message was recalled",
                ))
            }
            Some(_) => {}
        }
        let card = update.card?;
        let previous = self
            .messages
            .get(&message_id)
            .map(|message| message.content.clone())
            .unwrap_or_default();
        if card.shared {
            self.replace_card_content(
                &message_id,
                update.content,
                RevisionKind::DelayedUpdate,
                now,
            );
        } else if !update.open_ids {
            return Err(ApiError::with_msg(
                LarkCode::DelayedOpenIdsRequired,
                "a card that is not shared needs `open_ids` (or `\"update_multi\": true`)",
            ));
        }
        self.callbacks.use_token(&update.token, &previous);
        Ok(())
    }

    /// Recalls or deletes a message; whether it existed.
    pub(crate) fn set_message_state(&mut self, id: &str, state: MessageState) -> bool {
        match self.messages.get_mut(id) {
            Some(message) => {
                message.state = state;
                self.journal.changed();
                true
            }
            None => false,
        }
    }

    /// A message now (streaming modes due to close are closed first).
    pub(crate) fn message(&mut self, id: &str) -> Option<MessageView> {
        self.settle();
        self.messages.get(id).map(Message::view)
    }

    pub(crate) fn messages(&mut self) -> Vec<MessageView> {
        self.settle();
        self.order
            .iter()
            .filter_map(|id| self.messages.get(id))
            .map(Message::view)
            .collect()
    }

    pub(crate) fn history(&mut self, id: &str) -> Option<Vec<Revision>> {
        self.settle();
        self.messages.get(id).map(|message| {
            message
                .history
                .iter()
                .map(|entry| Revision {
                    at: to_system_time(entry.at_ms),
                    kind: entry.kind,
                    content: entry.content.clone(),
                    interaction: entry.interaction.clone(),
                    operation: entry.operation.map(str::to_owned),
                })
                .collect()
        })
    }
}

/// A delayed update as read from its body: the token, the card (its content without
/// `open_ids`, and what checking it found) and whether it named users.
#[derive(Debug)]
pub(crate) struct DelayedUpdate {
    pub(crate) token: String,
    pub(crate) content: String,
    pub(crate) card: Result<CheckedCard, ApiError>,
    pub(crate) open_ids: bool,
}

/// The chat a message to `receive_id` lands in; 230001 for an id of the wrong shape.
fn chat_of(receive_id_type: &str, receive_id: &str) -> Result<String, ApiError> {
    let well_formed = match receive_id_type {
        "chat_id" => receive_id.starts_with("oc_"),
        "open_id" => receive_id.starts_with("ou_"),
        "union_id" => receive_id.starts_with("on_"),
        "email" => receive_id.contains('@'),
        _ => !receive_id.is_empty(),
    };
    if !well_formed || receive_id.len() > 256 {
        return Err(ApiError::with_ext(
            LarkCode::InvalidParameter,
            format!("invalid receive_id for receive_id_type {receive_id_type}"),
        ));
    }
    Ok(if receive_id_type == "chat_id" {
        receive_id.to_owned()
    } else {
        ids::p2p_chat_id(receive_id)
    })
}

/// A text message's content: `{"text": "..."}`.
fn check_text(content: &str) -> Result<(), ApiError> {
    match serde_json::from_str::<Value>(content) {
        Ok(Value::Object(object)) if object.get("text").is_some_and(Value::is_string) => Ok(()),
        _ => Err(ApiError::with_ext(
            LarkCode::InvalidParameter,
            "content of a text message must be {\"text\": \"...\"}",
        )),
    }
}

fn check_json_object(content: &str) -> Result<(), ApiError> {
    match serde_json::from_str::<Value>(content) {
        Ok(Value::Object(_)) => Ok(()),
        _ => Err(ApiError::with_ext(
            LarkCode::InvalidParameter,
            "content must be a JSON object",
        )),
    }
}

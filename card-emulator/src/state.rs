//! Everything the emulator remembers (apps, tokens, chats, messages, counts) and the rules
//! that change it: sending, updating and editing messages.
//!
//! The HTTP handlers do what depends on the request (authentication, reading and parsing the
//! body, validating the card outside the lock) and then call in here, in the order Lark checks
//! things. The library API calls the same functions, so a message created with
//! [`Emulator::send_card`](crate::Emulator::send_card) follows the same rules as one sent
//! over HTTP.
//!
//! One mutex guards it all: every operation is short (the card is validated before the lock is
//! taken), and a single lock makes the order of requests, and so the rate-limit counts, exact.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{json, Value};

use crate::callback_registry::CallbackRegistry;
use crate::card::CheckedCard;
use crate::clock::{millis, to_system_time, Clock};
use crate::errors::{ApiError, EmulatorError};
use crate::faults::Faults;
use crate::ids::{self, Rng};
use crate::inspect::{
    bump, ClickedEntry, Counts, Endpoint, MessageState, MessageView, Revision, RevisionKind,
};
use crate::journal::Journal;
use crate::limits::{
    AppLimiter, Window, PER_CHAT_PER_SECOND, PER_MESSAGE_PER_SECOND, PER_MESSAGE_WINDOW,
};
use crate::tokens::Tokens;
use lark_card::lark::LarkCode;

pub use lark_card::lark::limits::{UPDATE_WINDOW, UUID_WINDOW};

/// What the server tasks and the [`Emulator`](crate::Emulator) handle share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) clock: Clock,
    pub(crate) faults: Faults,
    state: Mutex<State>,
}

impl Shared {
    pub(crate) fn new(clock: Clock, state: State) -> Shared {
        Shared {
            clock,
            faults: Faults::default(),
            state: Mutex::new(state),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // Every operation leaves the state consistent before anything that could panic, so a
        // poisoned lock still holds usable data; the emulator never panics on input anyway.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A fresh log id for a response.
    pub(crate) fn log_id(&self) -> String {
        let now = self.clock.now_ms();
        ids::log_id(now, &mut self.lock().rng)
    }

    /// Sends a card as `app_id` (the first app if `None`) to a chat, with the rules of the
    /// send endpoint but without its token, rate limits and faults.
    pub(crate) fn send_card(
        &self,
        app_id: Option<&str>,
        chat_id: &str,
        content: &str,
    ) -> Result<String, EmulatorError> {
        let card = crate::card::check_card(content);
        let now = self.clock.now_ms();
        let mut state = self.lock();
        let app_id = match app_id {
            Some(app_id) if state.has_app(app_id) => app_id.to_owned(),
            Some(app_id) => return Err(EmulatorError::UnknownApp(app_id.to_owned())),
            None => state
                .first_app()
                .ok_or_else(|| EmulatorError::UnknownApp(String::new()))?,
        };
        let data = state.send(
            SendInput {
                app_id,
                receive_id_type: "chat_id".to_owned(),
                receive_id: chat_id.to_owned(),
                msg_type: "interactive".to_owned(),
                content: content.to_owned(),
                uuid: None,
                card: Some(card),
            },
            now,
            None,
        )?;
        data.get("message_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| EmulatorError::UnknownMessage(String::new()))
    }

    /// Recalls or deletes a message.
    pub(crate) fn set_message_state(
        &self,
        id: &str,
        state: MessageState,
    ) -> Result<(), EmulatorError> {
        if self.lock().set_message_state(id, state) {
            Ok(())
        } else {
            Err(EmulatorError::UnknownMessage(id.to_owned()))
        }
    }

    pub(crate) fn set_bot_enabled(&self, app_id: &str, enabled: bool) -> Result<(), EmulatorError> {
        if self.lock().set_bot_enabled(app_id, enabled) {
            Ok(())
        } else {
            Err(EmulatorError::UnknownApp(app_id.to_owned()))
        }
    }

    pub(crate) fn set_bot_in_chat(
        &self,
        app_id: &str,
        chat_id: &str,
        present: bool,
    ) -> Result<(), EmulatorError> {
        let mut state = self.lock();
        if !state.has_app(app_id) {
            return Err(EmulatorError::UnknownApp(app_id.to_owned()));
        }
        state.set_bot_in_chat(app_id, chat_id, present);
        Ok(())
    }

    /// A valid tenant token for an app, as the token endpoint would hand it out.
    pub(crate) fn issue_token(&self, app_id: &str) -> Result<String, EmulatorError> {
        let now = self.clock.now_ms();
        let mut state = self.lock();
        if !state.has_app(app_id) {
            return Err(EmulatorError::UnknownApp(app_id.to_owned()));
        }
        let state = &mut *state;
        Ok(state.tokens.issue(app_id, now, &mut state.rng).0)
    }
}

/// An app the emulator knows.
#[derive(Debug)]
pub(crate) struct App {
    secret: String,
    bot_enabled: bool,
    limits: HashMap<Endpoint, AppLimiter>,
}

#[derive(Debug, Default)]
struct Chat {
    dissolved: bool,
    /// Apps whose bot was removed from the chat.
    without_bot: BTreeSet<String>,
}

/// One entry of a message's history (see [`Revision`]).
#[derive(Debug)]
struct Entry {
    at_ms: u64,
    kind: RevisionKind,
    content: String,
    interaction: Option<ClickedEntry>,
}

impl Entry {
    fn content(at_ms: u64, kind: RevisionKind, content: String) -> Entry {
        Entry {
            at_ms,
            kind,
            content,
            interaction: None,
        }
    }
}

#[derive(Debug)]
struct Message {
    id: String,
    app_id: String,
    chat_id: String,
    receive_id: String,
    receive_id_type: String,
    msg_type: String,
    content: String,
    shared: bool,
    created_ms: u64,
    updated_ms: u64,
    state: MessageState,
    history: Vec<Entry>,
    limiter: Window,
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
}

/// The emulator's memory.
#[derive(Debug)]
pub(crate) struct State {
    apps: BTreeMap<String, App>,
    /// The first app added.
    first_app: Option<String>,
    pub(crate) tokens: Tokens,
    messages: HashMap<String, Message>,
    /// Message ids in the order they were sent.
    order: Vec<String>,
    chats: HashMap<String, Chat>,
    chat_limits: HashMap<String, Window>,
    /// `(app, uuid)` → `(message id, when sent)`.
    uuids: HashMap<(String, String), (String, u64)>,
    pub(crate) counts: Counts,
    /// The newest API requests, oldest first.
    pub(crate) requests: std::collections::VecDeque<crate::inspect::RecordedRequest>,
    pub(crate) rng: Rng,
    /// What the viewer follows: a version bumped on each change, and rejected requests.
    pub(crate) journal: Journal,
    pub(crate) callbacks: CallbackRegistry,
}

impl State {
    pub(crate) fn new(seed: u64) -> State {
        State {
            apps: BTreeMap::new(),
            first_app: None,
            tokens: Tokens::default(),
            messages: HashMap::new(),
            order: Vec::new(),
            chats: HashMap::new(),
            chat_limits: HashMap::new(),
            uuids: HashMap::new(),
            counts: Counts::default(),
            requests: std::collections::VecDeque::new(),
            rng: Rng::new(seed),
            journal: Journal::default(),
            callbacks: CallbackRegistry::default(),
        }
    }

    // ----- apps and tokens -----

    /// Adds an app, or changes its secret.
    pub(crate) fn add_app(&mut self, app_id: &str, secret: &str) {
        match self.apps.get_mut(app_id) {
            Some(app) => secret.clone_into(&mut app.secret),
            None => {
                self.first_app.get_or_insert_with(|| app_id.to_owned());
                self.apps.insert(
                    app_id.to_owned(),
                    App {
                        secret: secret.to_owned(),
                        bot_enabled: true,
                        limits: HashMap::new(),
                    },
                );
            }
        }
    }

    pub(crate) fn has_app(&self, app_id: &str) -> bool {
        self.apps.contains_key(app_id)
    }

    /// The first app added: the sender of [`Emulator::send_card`](crate::Emulator::send_card).
    pub(crate) fn first_app(&self) -> Option<String> {
        self.first_app.clone()
    }

    pub(crate) fn app_ids(&self) -> Vec<String> {
        self.apps.keys().cloned().collect()
    }

    pub(crate) fn set_bot_enabled(&mut self, app_id: &str, enabled: bool) -> bool {
        match self.apps.get_mut(app_id) {
            Some(app) => {
                app.bot_enabled = enabled;
                true
            }
            None => false,
        }
    }

    /// `POST /open-apis/auth/v3/tenant_access_token/internal`.
    pub(crate) fn tenant_token(
        &mut self,
        app_id: &str,
        secret: &str,
        now: u64,
    ) -> Result<(String, u64), ApiError> {
        let app = self
            .apps
            .get(app_id)
            .ok_or_else(|| ApiError::new(LarkCode::InvalidCredentials))?;
        if app.secret != secret {
            return Err(ApiError::new(LarkCode::InvalidAppSecret));
        }
        Ok(self.tokens.issue(app_id, now, &mut self.rng))
    }

    /// What every authenticated API request passes after its token: the app's rate limits on
    /// this API (HTTP 429), its bot ability (230006), and forced errors.
    pub(crate) fn gate(
        &mut self,
        app_id: &str,
        endpoint: Endpoint,
        now: u64,
        faults: &Faults,
    ) -> Result<(), ApiError> {
        bump(&mut self.counts.by_app, app_id.to_owned());
        let Some(app) = self.apps.get_mut(app_id) else {
            return Err(ApiError::new(LarkCode::TenantTokenInvalid));
        };
        let refusal = if faults.take_app_rate_limit() {
            Some(crate::limits::Refusal {
                limit: crate::limits::PER_APP_PER_SECOND,
                reset_secs: 1,
            })
        } else {
            app.limits.entry(endpoint).or_default().check(now).err()
        };
        if let Some(refusal) = refusal {
            bump(&mut self.counts.rate_limited, app_id.to_owned());
            return Err(ApiError::new(LarkCode::AppRateLimited)
                .header("x-ogw-ratelimit-limit", refusal.limit)
                .header("x-ogw-ratelimit-reset", refusal.reset_secs));
        }
        if !app.bot_enabled {
            return Err(ApiError::new(LarkCode::BotAbilityInactive));
        }
        if let Some(code) = faults.take_error() {
            return Err(ApiError::new(LarkCode::from_code(code)));
        }
        Ok(())
    }

    // ----- chats -----

    pub(crate) fn dissolve_chat(&mut self, chat_id: &str) {
        self.chats.entry(chat_id.to_owned()).or_default().dissolved = true;
    }

    pub(crate) fn set_bot_in_chat(&mut self, app_id: &str, chat_id: &str, present: bool) {
        let chat = self.chats.entry(chat_id.to_owned()).or_default();
        if present {
            chat.without_bot.remove(app_id);
        } else {
            chat.without_bot.insert(app_id.to_owned());
        }
    }

    fn check_chat(&self, app_id: &str, chat_id: &str) -> Result<(), ApiError> {
        match self.chats.get(chat_id) {
            Some(chat) if chat.dissolved => Err(ApiError::new(LarkCode::ChatDissolved)),
            Some(chat) if chat.without_bot.contains(app_id) => {
                Err(ApiError::new(LarkCode::BotNotInChat))
            }
            _ => Ok(()),
        }
    }

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

        let shared = match (&input.card, input.msg_type.as_str()) {
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
        let message = Message {
            id: id.clone(),
            app_id: input.app_id.clone(),
            chat_id,
            receive_id: input.receive_id,
            receive_id_type: input.receive_id_type,
            msg_type: input.msg_type,
            content: input.content.clone(),
            shared,
            created_ms: now,
            updated_ms: now,
            state: MessageState::Live,
            history: vec![Entry::content(now, RevisionKind::Sent, input.content)],
            limiter: Window::new(PER_MESSAGE_PER_SECOND, millis(PER_MESSAGE_WINDOW)),
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
    fn existing(&mut self, app_id: &str, id: &str) -> Result<&mut Message, ApiError> {
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
            });
            self.journal.changed();
        }
    }

    /// Records the app's answer to an interaction recorded by [`State::record_click`].
    pub(crate) fn record_click_answer(
        &mut self,
        id: &str,
        event_id: &str,
        code: i64,
        toast: Option<Value>,
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

    pub(crate) fn message(&self, id: &str) -> Option<MessageView> {
        self.messages.get(id).map(Message::view)
    }

    pub(crate) fn messages(&self) -> Vec<MessageView> {
        self.order
            .iter()
            .filter_map(|id| self.messages.get(id))
            .map(Message::view)
            .collect()
    }

    pub(crate) fn history(&self, id: &str) -> Option<Vec<Revision>> {
        self.messages.get(id).map(|message| {
            message
                .history
                .iter()
                .map(|entry| Revision {
                    at: to_system_time(entry.at_ms),
                    kind: entry.kind,
                    content: entry.content.clone(),
                    interaction: entry.interaction.clone(),
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

//! Everything the emulator remembers (apps, tokens, chats, messages, callbacks, counts) and
//! the rules that change it; the messages' rules are in `state/messages.rs`.
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
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::watch;

use crate::callback_registry::CallbackRegistry;
use crate::card_entity::CardEntity;
use crate::clock::Clock;
use crate::errors::{ApiError, EmulatorError};
use crate::faults::Faults;
use crate::ids::{self, Rng};
use crate::inspect::{bump, Counts, Endpoint, MessageState};
use crate::journal::Journal;
use crate::limits::{AppLimiter, Window};
use crate::long_connections::LongConnectionRegistry;
use crate::tokens::Tokens;
use lark_card::lark::LarkCode;
use lark_card::MessageId;

pub use lark_card::lark::limits::{UPDATE_WINDOW, UUID_WINDOW};

mod cardkit;
mod messages;

pub(crate) use cardkit::CardOperation;
use messages::Message;
pub(crate) use messages::{DelayedUpdate, SendInput, RECEIVE_ID_TYPES};

/// The reset a forced 429 names (`x-ogw-ratelimit-reset: 1`): a second, the app's window.
const FORCED_RESET_MS: u64 = 1_000;

/// What the server tasks and the [`Emulator`](crate::Emulator) handle share.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Shared with the state, whose time-based changes (streaming mode closing itself) are
    /// settled when it is read.
    pub(crate) clock: Arc<Clock>,
    pub(crate) faults: Faults,
    state: Mutex<State>,
    /// Bumped whenever the request counts change, for waits on them.
    counted: watch::Sender<u64>,
}

impl Shared {
    pub(crate) fn new(clock: Clock, mut state: State) -> Shared {
        let clock = Arc::new(clock);
        state.clock = Some(clock.clone());
        Shared {
            clock,
            faults: Faults::default(),
            state: Mutex::new(state),
            counted: watch::Sender::new(0),
        }
    }

    /// The request counts changed: wakes whoever waits on them.
    pub(crate) fn counts_changed(&self) {
        self.counted.send_modify(|n| *n += 1);
    }

    /// A receiver woken by each change of the request counts.
    pub(crate) fn counts_watch(&self) -> watch::Receiver<u64> {
        self.counted.subscribe()
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
    ) -> Result<MessageId, EmulatorError> {
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
        let (id, _) = state.send(
            SendInput {
                app_id,
                receive_id_type: "chat_id".to_owned(),
                receive_id: chat_id.to_owned(),
                msg_type: "interactive".to_owned(),
                content: content.to_owned(),
                uuid: None,
                card: Some(card),
                parent_id: None,
            },
            now,
            None,
        )?;
        Ok(id)
    }

    /// Recalls or deletes a message.
    pub(crate) fn set_message_state(
        &self,
        id: &MessageId,
        state: MessageState,
    ) -> Result<(), EmulatorError> {
        if self.lock().set_message_state(id, state) {
            Ok(())
        } else {
            Err(EmulatorError::UnknownMessage(id.clone()))
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
    /// Until when (emulator clock, ms) a forced 429 refuses the app: the reset it named.
    refused_until: u64,
}

#[derive(Debug, Default)]
struct Chat {
    dissolved: bool,
    /// Apps whose bot was removed from the chat.
    without_bot: BTreeSet<String>,
}

/// The emulator's memory.
#[derive(Debug)]
pub(crate) struct State {
    apps: BTreeMap<String, App>,
    /// The first app added.
    first_app: Option<String>,
    pub(crate) tokens: Tokens,
    messages: HashMap<MessageId, Message>,
    /// Message ids in the order they were sent.
    order: Vec<MessageId>,
    chats: HashMap<String, Chat>,
    chat_limits: HashMap<String, Window>,
    /// `(app, uuid)` → `(message id, when sent)`.
    uuids: HashMap<(String, String), (MessageId, u64)>,
    pub(crate) counts: Counts,
    /// The newest API requests, oldest first.
    pub(crate) requests: std::collections::VecDeque<crate::inspect::RecordedRequest>,
    pub(crate) rng: Rng,
    /// What the viewer follows: a version bumped on each change, and rejected requests.
    pub(crate) journal: Journal,
    pub(crate) callbacks: CallbackRegistry,
    pub(crate) long_connections: LongConnectionRegistry,
    /// CardKit's card entities by `card_id`.
    card_entities: HashMap<String, CardEntity>,
    /// The emulator's clock, for what settles with time when the state is read.
    clock: Option<Arc<Clock>>,
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
            long_connections: LongConnectionRegistry::default(),
            card_entities: HashMap::new(),
            clock: None,
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
                        refused_until: 0,
                    },
                );
            }
        }
    }

    /// Whether `secret` is the secret of `app_id`.
    pub(crate) fn app_secret_is(&self, app_id: &str, secret: &str) -> bool {
        self.apps
            .get(app_id)
            .is_some_and(|app| app.secret == secret)
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
        // A forced 429 names a reset, and like the gateway the emulator holds the app to it:
        // a request before it is refused again (without using up a forced refusal).
        let refusal = if now < app.refused_until {
            Some(crate::limits::Refusal {
                limit: crate::limits::PER_APP_PER_SECOND,
                reset_secs: (app.refused_until - now).div_ceil(1_000),
            })
        } else if faults.take_app_rate_limit() {
            app.refused_until = now + FORCED_RESET_MS;
            Some(crate::limits::Refusal {
                limit: crate::limits::PER_APP_PER_SECOND,
                reset_secs: FORCED_RESET_MS / 1_000,
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
}

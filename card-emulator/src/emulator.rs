//! [`Emulator`]: start one, point a client at [`Emulator::base_url`], then inspect and steer it.

use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::sync::Arc;
use std::time::SystemTime;

use lark_card::MessageId;
use tokio::sync::{oneshot, watch};

use crate::callbacks::{CallbackApp, Click, Interaction, UserMessage};
use crate::clock::Clock;
use crate::delivery::Delivery;
use crate::errors::EmulatorError;
use crate::faults::Faults;
use crate::ids::Rng;
use crate::inspect::{Counts, MessageState, MessageView, RecordedRequest, Revision};
use crate::long_connections::{ClientConfig, LongConnectionSettings, PushedEvent};
use crate::server::{self, AppState};
use crate::state::{Shared, State};

mod cardkit;

/// The app an emulator has when none is configured (and the binary's default).
pub const DEFAULT_APP_ID: &str = "cli_test";
/// The secret of [`DEFAULT_APP_ID`].
pub const DEFAULT_APP_SECRET: &str = "secret";

/// A running emulator of the Lark Open API on `127.0.0.1`.
///
/// It stops when dropped, or with [`Emulator::shutdown`]. Everything a test reads or changes
/// goes through `&self` and takes effect at once, for requests in flight too.
///
/// ```
/// use lark_card::lark::{LarkCode, SUCCESS};
/// use lark_card_emulator::Emulator;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let emulator = Emulator::builder().app("cli_test", "secret").start().await?;
/// let http = reqwest::Client::new();
///
/// let token: serde_json::Value = http
///     .post(format!("{}/open-apis/auth/v3/tenant_access_token/internal", emulator.base_url()))
///     .json(&serde_json::json!({ "app_id": "cli_test", "app_secret": "secret" }))
///     .send().await?.json().await?;
/// let token = token["tenant_access_token"].as_str().unwrap_or_default();
///
/// let card = r#"{"config":{"update_multi":true},"elements":[{"tag":"markdown","content":"v1"}]}"#;
/// let id = emulator.send_card("oc_team", card)?;
///
/// let updated = r#"{"config":{"update_multi":true},"elements":[{"tag":"markdown","content":"v2"}]}"#;
/// let answer: serde_json::Value = http
///     .patch(format!("{}/open-apis/im/v1/messages/{id}", emulator.base_url()))
///     .bearer_auth(token)
///     .json(&serde_json::json!({ "content": updated }))
///     .send().await?.json().await?;
/// assert_eq!(answer["code"], SUCCESS);
/// assert_eq!(emulator.message(&id).map(|m| m.content), Some(updated.to_owned()));
/// assert_eq!(emulator.history(&id).len(), 2);
///
/// emulator.recall(&id)?;
/// let answer: serde_json::Value = http
///     .patch(format!("{}/open-apis/im/v1/messages/{id}", emulator.base_url()))
///     .bearer_auth(token)
///     .json(&serde_json::json!({ "content": updated }))
///     .send().await?.json().await?;
/// assert_eq!(answer["code"], LarkCode::MessageRecalled.code());
/// emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
    delivery: Arc<Delivery>,
    addr: SocketAddr,
    base_url: String,
    shutdown: watch::Sender<bool>,
    stopped: Option<oneshot::Receiver<()>>,
}

/// Configures an [`Emulator`] before it starts.
#[derive(Debug)]
pub struct EmulatorBuilder {
    apps: Vec<(String, String)>,
    port: u16,
    seed: Option<u64>,
    start_time: Option<SystemTime>,
    paused: bool,
    long_connections: LongConnectionSettings,
}

impl EmulatorBuilder {
    /// The long connection's `ClientConfig` (ping interval, reconnection values) that the
    /// endpoint and every pong hand out, instead of Lark's defaults.
    pub fn client_config(mut self, config: ClientConfig) -> Self {
        self.long_connections.client_config = config;
        self
    }

    /// Events longer than `bytes` go over the long connection in fragments of `bytes`.
    pub fn fragment_size(mut self, bytes: usize) -> Self {
        self.long_connections.fragment_size = Some(bytes).filter(|b| *b > 0);
        self
    }

    /// Adds an app that can get tokens with this secret. Without any, the emulator has
    /// [`DEFAULT_APP_ID`] with [`DEFAULT_APP_SECRET`]. The first app is the sender of
    /// [`Emulator::send_card`].
    pub fn app(mut self, app_id: impl Into<String>, app_secret: impl Into<String>) -> Self {
        self.apps.push((app_id.into(), app_secret.into()));
        self
    }

    /// Listens on this port instead of one the system picks.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Seeds the generator of message ids, tokens and log ids, so that a run can be repeated.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Starts the emulator clock at this time instead of now.
    pub fn start_time(mut self, time: SystemTime) -> Self {
        self.start_time = Some(time);
        self
    }

    /// Starts with the clock paused: it moves only with [`Clock::advance`], so rate limits
    /// count exactly. See [`Clock`].
    pub fn paused_clock(mut self) -> Self {
        self.paused = true;
        self
    }

    fn prepare(self) -> Result<(AppState, StdTcpListener), EmulatorError> {
        let listener = StdTcpListener::bind(("127.0.0.1", self.port))?;
        listener.set_nonblocking(true)?;
        let mut state = State::new(self.seed.unwrap_or_else(Rng::seed_from_time));
        if self.apps.is_empty() {
            state.add_app(DEFAULT_APP_ID, DEFAULT_APP_SECRET);
        }
        for (app_id, secret) in &self.apps {
            state.add_app(app_id, secret);
        }
        state.long_connections.settings = self.long_connections;
        let clock = Clock::new(self.start_time.unwrap_or_else(SystemTime::now), self.paused);
        let app = AppState {
            shared: Arc::new(Shared::new(clock, state)),
            delivery: Arc::new(Delivery::default()),
        };
        Ok((app, listener))
    }

    /// Starts the emulator on the current tokio runtime.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let (app, listener) = self.prepare()?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let addr = listener.local_addr()?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (stopped_tx, stopped) = oneshot::channel();
        let server_app = app.clone();
        tokio::spawn(async move {
            server::serve(listener, server_app, shutdown_rx).await;
            let _ = stopped_tx.send(());
        });
        Ok(Emulator::new(app, addr, shutdown, stopped))
    }

    /// Starts the emulator on a thread of its own, for tests without a tokio runtime (with a
    /// blocking HTTP client, say).
    pub fn start_blocking(self) -> Result<Emulator, EmulatorError> {
        let (app, listener) = self.prepare()?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (stopped_tx, stopped) = oneshot::channel();
        let server_app = app.clone();
        std::thread::Builder::new()
            .name("lark-card-emulator".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => server::serve(listener, server_app, shutdown_rx).await,
                        Err(error) => tracing::error!(%error, "the emulator could not listen"),
                    }
                });
                let _ = stopped_tx.send(());
            })?;
        Ok(Emulator::new(app, addr, shutdown, stopped))
    }
}

impl Emulator {
    /// A builder: add apps, pick a port or seed, pause the clock, then start.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            apps: Vec::new(),
            port: 0,
            seed: None,
            start_time: None,
            paused: false,
            long_connections: LongConnectionSettings::default(),
        }
    }

    /// Starts an emulator with the default app ([`DEFAULT_APP_ID`]) on the current tokio
    /// runtime.
    pub async fn start() -> Result<Emulator, EmulatorError> {
        Emulator::builder().start().await
    }

    fn new(
        app: AppState,
        addr: SocketAddr,
        shutdown: watch::Sender<bool>,
        stopped: oneshot::Receiver<()>,
    ) -> Emulator {
        Emulator {
            shared: app.shared,
            delivery: app.delivery,
            addr,
            base_url: format!("http://{addr}"),
            shutdown,
            stopped: Some(stopped),
        }
    }

    /// `http://127.0.0.1:PORT`: the domain to give a Lark client (it appends `/open-apis/…`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The emulator's clock, which every rule reads (rate-limit windows, token and card
    /// ages, callback deadlines): pause and advance it to cross a window without waiting.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Fault injection for the next API requests: latency, dropped connections, HTTP
    /// failures, forced Lark errors and throttles (see [`Faults`]).
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    // ----- inspection -----

    /// A message as it is now, if it exists.
    pub fn message(&self, message_id: &MessageId) -> Option<MessageView> {
        self.shared.lock().message(message_id)
    }

    /// Every message, in the order they were sent.
    pub fn messages(&self) -> Vec<MessageView> {
        self.shared.lock().messages()
    }

    /// A message's history: its contents as sent and after each successful update (by
    /// `PATCH`, a callback's answer or a delayed update, each labelled by its
    /// [`RevisionKind`](crate::RevisionKind)), and in order with them each simulated
    /// interaction with its answer's code and toast. Empty for an unknown message.
    pub fn history(&self, message_id: &MessageId) -> Vec<Revision> {
        self.shared.lock().history(message_id).unwrap_or_default()
    }

    /// The newest API requests (up to 1000), oldest first, as they arrived.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.iter().cloned().collect()
    }

    /// Request counts so far, per endpoint, message, app, status and code: a copy, taken
    /// now.
    pub fn counts(&self) -> Counts {
        self.shared.lock().counts.clone()
    }

    /// Waits until the request counts satisfy `done`, and returns them as they were then.
    /// They are checked now and after every change: a request's arrival, its hold by
    /// injected latency and its end, its answer. The event a test waits for instead of a
    /// time ("the 60th update was answered", "the request is being held").
    ///
    /// ```
    /// use lark_card_emulator::{Emulator, Endpoint};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emulator = Emulator::builder().app("cli_test", "secret").start().await?;
    /// let token = tokio::spawn(
    ///     reqwest::Client::new()
    ///         .post(format!("{}/open-apis/auth/v3/tenant_access_token/internal", emulator.base_url()))
    ///         .json(&serde_json::json!({ "app_id": "cli_test", "app_secret": "secret" }))
    ///         .send(),
    /// );
    /// let counts = emulator
    ///     .wait_for_counts(|counts| counts.status(200) == 1)
    ///     .await;
    /// assert_eq!(counts.endpoint(Endpoint::TenantAccessToken), 1);
    /// assert!(token.await?.is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for_counts(&self, mut done: impl FnMut(&Counts) -> bool) -> Counts {
        // Subscribed before the first look, so that a change in between still wakes us.
        let mut changes = self.shared.counts_watch();
        loop {
            let counts = self.counts();
            // The sender lives as long as `self`: `changed` does not fail while we wait.
            if done(&counts) || changes.changed().await.is_err() {
                return counts;
            }
        }
    }

    // ----- control -----

    /// Sends a card to a chat as the first app, with the send endpoint's rules (the card is
    /// validated; a dissolved chat is refused) but no token, rate limit or fault. Returns the
    /// message id.
    pub fn send_card(&self, chat_id: &str, content: &str) -> Result<MessageId, EmulatorError> {
        self.shared.send_card(None, chat_id, content)
    }

    /// Like [`Emulator::send_card`], as another app.
    pub fn send_card_as(
        &self,
        app_id: &str,
        chat_id: &str,
        content: &str,
    ) -> Result<MessageId, EmulatorError> {
        self.shared.send_card(Some(app_id), chat_id, content)
    }

    /// Recalls a message: updating it answers 230011.
    pub fn recall(&self, message_id: &MessageId) -> Result<(), EmulatorError> {
        self.shared
            .set_message_state(message_id, MessageState::Recalled)
    }

    /// Deletes a message: updating it answers 230110.
    pub fn delete(&self, message_id: &MessageId) -> Result<(), EmulatorError> {
        self.shared
            .set_message_state(message_id, MessageState::Deleted)
    }

    /// Adds an app, or changes the secret of one.
    pub fn add_app(&self, app_id: &str, app_secret: &str) {
        self.shared.lock().add_app(app_id, app_secret);
    }

    /// Turns an app's bot ability on or off: off, its requests answer 230006.
    pub fn set_bot_enabled(&self, app_id: &str, enabled: bool) -> Result<(), EmulatorError> {
        self.shared.set_bot_enabled(app_id, enabled)
    }

    /// Removes an app's bot from a chat (sends there answer 230002), or adds it back.
    pub fn set_bot_in_chat(
        &self,
        app_id: &str,
        chat_id: &str,
        present: bool,
    ) -> Result<(), EmulatorError> {
        self.shared.set_bot_in_chat(app_id, chat_id, present)
    }

    /// Dissolves a chat: sends to it, and updates of its messages, answer 232009.
    pub fn dissolve_chat(&self, chat_id: &str) {
        self.shared.lock().dissolve_chat(chat_id);
    }

    /// A valid tenant access token for an app, as the token endpoint would give it.
    pub fn tenant_token(&self, app_id: &str) -> Result<String, EmulatorError> {
        self.shared.issue_token(app_id)
    }

    /// Revokes every token issued so far: requests with them answer 99991663, and the token
    /// endpoint issues new ones.
    pub fn revoke_tokens(&self) {
        self.shared.lock().tokens.revoke_all();
    }

    /// Revokes one token; whether the emulator had issued it.
    pub fn revoke_token(&self, token: &str) -> bool {
        self.shared.lock().tokens.revoke(token)
    }

    // ----- callbacks -----

    /// Sets an app's callback URL, Verification Token and Encrypt Key.
    pub fn set_callback(&self, app_id: &str, app: CallbackApp) {
        self.shared.lock().callbacks.set_app(app_id, app);
    }

    /// Simulates an interaction with a sent card: the callback goes to the app's callback
    /// URL, and its answer is applied. See [`callbacks`](crate::callbacks).
    pub async fn click(
        &self,
        message_id: &MessageId,
        click: Click,
    ) -> Result<Interaction, EmulatorError> {
        self.delivery.click(&self.shared, message_id, click).await
    }

    /// Every simulated interaction so far, oldest first.
    pub fn interactions(&self) -> Vec<Interaction> {
        self.shared.lock().callbacks.interactions().to_vec()
    }

    // ----- the long connection -----

    /// How many long connections an app has now.
    pub fn long_connections(&self, app_id: &str) -> usize {
        self.delivery.hub.count(app_id)
    }

    /// Waits until an app has exactly `n` long connections: a client connected, or a
    /// closed connection noticed (at once: its socket's end unregisters it).
    pub async fn wait_for_long_connections(&self, app_id: &str, n: usize) {
        self.delivery.hub.wait_for(app_id, n).await;
    }

    /// The long connection's settings now.
    pub fn long_connection_settings(&self) -> LongConnectionSettings {
        self.shared.lock().long_connections.settings
    }

    /// Hands out this `ClientConfig` from now on (the endpoint, and the next pongs).
    pub fn set_client_config(&self, config: ClientConfig) {
        self.shared.lock().long_connections.settings.client_config = config;
    }

    /// Events longer than `bytes` go in fragments of `bytes`; `None`: never split.
    pub fn set_fragment_size(&self, bytes: Option<usize>) {
        self.shared.lock().long_connections.settings.fragment_size = bytes.filter(|b| *b > 0);
    }

    /// The next `n` requests to `POST /callback/ws/endpoint` answer 'system busy' (code 1).
    pub fn long_connection_busy_next(&self, n: u64) {
        let mut state = self.shared.lock();
        let settings = &mut state.long_connections.settings;
        settings.busy_next = settings.busy_next.saturating_add(n);
    }

    /// Closes an app's long connections, as the service does when it drops them; how many.
    pub fn close_long_connections(&self, app_id: &str) -> usize {
        self.delivery.hub.close(Some(app_id))
    }

    /// Pushes an event (`event` is the envelope's `event` object) over one of the app's long
    /// connections, chosen at random; returns once it is answered or 3 seconds of the
    /// emulator's clock have passed. Unanswered, it is pushed again 15 s, 5 min, 1 h and 6 h
    /// after the first push (see [`Emulator::events`]).
    pub async fn push_event(
        &self,
        app_id: &str,
        event_type: &str,
        event: serde_json::Value,
    ) -> Result<PushedEvent, EmulatorError> {
        self.delivery
            .push_event(&self.shared, app_id, event_type, event)
            .await
    }

    /// Pushes a user's message to the bot: an `im.message.receive_v1` event, as
    /// [`Emulator::push_event`].
    pub async fn push_user_message(
        &self,
        app_id: &str,
        message: UserMessage,
    ) -> Result<PushedEvent, EmulatorError> {
        let now = self.shared.clock.now_ms();
        let event = crate::delivery::message_event(&mut self.shared.lock().rng, &message, now);
        self.push_event(app_id, "im.message.receive_v1", event)
            .await
    }

    /// Every event pushed over the long connection so far, oldest first, with its pushes and
    /// its answer.
    pub fn events(&self) -> Vec<PushedEvent> {
        self.shared.lock().long_connections.events().to_vec()
    }

    /// Stops the server and waits until every connection is closed.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(stopped) = self.stopped.take() {
            let _ = stopped.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // The server task sees this and closes its connections; nothing to wait for here.
        let _ = self.shutdown.send(true);
    }
}

//! Events and card callbacks over Lark's **long connection**: the bot dials out to Lark over a
//! WebSocket, so it needs no public URL, no certificate, no decryption. What Lark's own guides
//! suggest for self-built apps, and what every official SDK offers.
//!
//! The card handler is the one the HTTP [`Receiver`](crate::callback::Receiver) takes (feature
//! `callback`): an async function from a [`CardAction`] to an [`Answer`]. Write it once and
//! serve it over either transport, or both.
//!
//! ```no_run
//! use lark_card::callback::{Answer, CardAction, Toast};
//! use lark_card::client::Client;
//! use lark_card::long_connection::{LongConnection, MessageReceived};
//!
//! /// Approve or reject: the same handler serves HTTP callbacks and the long connection.
//! async fn on_click(action: CardAction) -> Answer {
//!     match action.action.raw_value().get("action").and_then(|v| v.as_str()) {
//!         Some("approve") => Answer::new().toast(Toast::success("Approved")),
//!         _ => Answer::new().toast(Toast::info("Rejected")),
//!     }
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .app(std::env::var("LARK_APP_ID")?, std::env::var("LARK_APP_SECRET")?)
//!     .build()?;
//! let connection = LongConnection::builder(&client)
//!     .on_card_action(on_click)
//!     .on_message(|message: MessageReceived| async move {
//!         println!("{:?} says {:?}", message.sender.sender_id.open_id, message.message.text());
//!     })
//!     .build()?;
//! // Serves until Ctrl-C, then answers what is in flight and closes; stops with an error
//! // (wrong credentials, the connection limit) instead of retrying what cannot succeed.
//! connection
//!     .run_until(async { let _ = tokio::signal::ctrl_c().await; })
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! # What happens on the connection
//!
//! - `POST {base}/callback/ws/endpoint` with the app's id and secret gives the WebSocket URL
//!   (its ticket is never logged or shown) and the `ClientConfig` ([`ClientConfig`]).
//! - A ping goes at once and then every `PingInterval`; each pong's `ClientConfig` is applied.
//! - Frames are `pbbp2.Frame` protobuf messages ([`Frame`]), in binary WebSocket messages;
//!   text messages are ignored. A message in fragments (`sum`, `seq`) is put together,
//!   within bounds of count, bytes and age ([`FragmentLimits`]).
//! - Every `event` frame is answered on the same connection: the frame echoed with a
//!   `biz_rt` header and the payload `{"code":200,"data":"<base64 of the answer JSON>"}`
//!   (500 if the handler panicked, or the event cannot be read). `card.action.trigger` gets
//!   its handler's [`Answer`]; a handler slower than 2.5 s gets the default answer sent for
//!   it, as the receiver does, and its card, when it comes, goes with the delayed update
//!   ([`Client::update_card_later`], the action's token). A message to
//!   the bot (`im.message.receive_v1`) goes to [`on_message`](LongConnectionBuilder::on_message)
//!   as a [`MessageReceived`]; any other event to [`on_event`](LongConnectionBuilder::on_event)
//!   as JSON. An event without a handler is acknowledged all the same, so that Lark does not
//!   push it again. Handlers run concurrently; answers are written one at a time.
//! - `card` frames (the old card callback) are dropped, as every official SDK drops them:
//!   card actions come as `card.action.trigger` events. If your clicks show 200340, publish
//!   the app's callback subscription (`card.action.trigger`, "long connection") again.
//! - When the connection drops, it is opened again as the SDKs do: after a random wait up
//!   to `ReconnectNonce`, then every `ReconnectInterval`, `ReconnectCount` times (forever by
//!   default). A client error ([`LongConnectionError::is_client_error`]: wrong credentials,
//!   more than 50 connections, a forbidden upgrade) stops at once. As the SDKs, a ping
//!   without a pong is not noticed unless you set
//!   [`pong_timeout`](LongConnectionBuilder::pong_timeout).
//! - [`Running::stats`] counts what it did: connections, answers, failures, dropped frames.
//!
//! What is not served, as in the official SDKs: the old card callback (`card` frames), the
//! keyless `ClientAssertion` credentials.
//!
//! # A fleet of replicas
//!
//! Each replica may hold a connection: Lark allows at most
//! [`MAX_CONNECTIONS_PER_APP`](crate::lark::long_connection::MAX_CONNECTIONS_PER_APP) (50)
//! per app and refuses the next with 1000040350. Lark delivers each event to **one** of the
//! app's connections, chosen at random; it is not broadcast. So a handler may assume that its
//! replica alone answers this click (no coordination is needed to answer once), but not that
//! related events (two clicks on one card, a message and the click that follows) reach the
//! same replica: keep shared state outside the process. An event not answered in 3 s is
//! pushed again (after 15 s, 5 min, 1 h, 6 h), possibly to another replica: use
//! `header.event_id` to recognise a repeat.

mod config;
mod endpoint;
mod error;
mod event;
mod fragments;
mod frame;
mod reconnect;
mod session;
mod stats;

use core::fmt;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio_tungstenite::tungstenite;

use lark_card_schema::lark::{long_connection as facts, LarkCode};

pub use config::ClientConfig;
pub use error::LongConnectionError;
pub use event::{
    Event, Mention, MessageReceived, MessageSender, ReceivedMessage, UserIds, IM_MESSAGE_RECEIVE_V1,
};
pub use fragments::FragmentLimits;
pub use frame::{answer_payload, AnswerPayload, Frame, Header, METHOD_CONTROL, METHOD_DATA};
pub use stats::LongConnectionStats;

use crate::callback::{Answer, CardAction};
use crate::client::{Client, ConfigError, Credentials};
use crate::Secret;
use endpoint::ConnectUrl;
use reconnect::{reconnect, stopped};
use session::{End, Shared};

/// How long a handler has before its default answer or acknowledgement goes (2.5 s, under
/// Lark's 3 s with room for the network).
pub const DEFAULT_ANSWER_WITHIN: Duration = Duration::from_millis(2_500);
/// How long shutdown waits for the handlers in flight (3 s: they answer within 2.5 s).
pub const DEFAULT_DRAIN_WITHIN: Duration = Duration::from_secs(3);
/// How long connecting the WebSocket may take.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Configures a [`LongConnection`].
pub struct LongConnectionBuilder {
    client: Client,
    shared: Shared,
    default_answer: Answer,
    connect_timeout: Duration,
}

impl fmt::Debug for LongConnectionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LongConnectionBuilder")
            .field("client", &self.client)
            .field("answer_within", &self.shared.answer_within)
            .finish_non_exhaustive()
    }
}

impl LongConnectionBuilder {
    /// The handler of card actions (`card.action.trigger`): the same as
    /// [`ReceiverBuilder::build`](crate::callback::ReceiverBuilder::build) takes.
    pub fn on_card_action<F, Fut, A>(mut self, handler: F) -> Self
    where
        F: Fn(CardAction) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = A> + Send + 'static,
        A: Into<Answer>,
    {
        self.shared.card = Some(Arc::new(move |action| {
            let future = handler(action);
            Box::pin(async move { future.await.into() })
        }));
        self
    }

    /// The handler of messages sent to the bot (`im.message.receive_v1`).
    pub fn on_message<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(MessageReceived) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.shared.message = Some(Arc::new(move |message| Box::pin(handler(message))));
        self
    }

    /// The handler of every other event, as JSON.
    pub fn on_event<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(Event) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.shared.event = Some(Arc::new(move |event| Box::pin(handler(event))));
        self
    }

    /// How long a handler may take before the default answer (a card action) or the
    /// acknowledgement (an event) goes; the handler goes on. Default 2.5 s, at most 2.9 s.
    pub fn answer_within(mut self, within: Duration) -> Self {
        self.shared.answer_within = within.min(Duration::from_millis(2_900));
        self
    }

    /// The answer when the card handler is slow (default `{}`: the card stays). The handler
    /// goes on; if its answer has a card, the card is sent with the delayed update
    /// ([`Client::update_card_later`]) and the action's token.
    pub fn default_answer(mut self, answer: impl Into<Answer>) -> Self {
        self.default_answer = answer.into();
        self
    }

    /// The bounds of fragment reassembly.
    pub fn fragment_limits(mut self, limits: FragmentLimits) -> Self {
        self.shared.fragment_limits = limits;
        self
    }

    /// How long shutdown waits for the handlers in flight (default 3 s).
    pub fn drain_within(mut self, within: Duration) -> Self {
        self.shared.drain_within = within;
        self
    }

    /// The `ClientConfig` until the service gives one (default: Lark's defaults, a ping
    /// every 120 s, reconnection forever every 120 s after up to 30 s). Each endpoint answer
    /// and pong replaces the values it gives; this matters when the endpoint cannot be
    /// reached at all, and in tests.
    pub fn client_config(self, config: ClientConfig) -> Self {
        *self
            .shared
            .config
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = config;
        self
    }

    /// Counts the connection as dead (and reconnects) when a ping gets no pong within
    /// `timeout`: a half-open TCP connection otherwise goes unnoticed until a write fails,
    /// which can take many minutes. Off by default, as in the official SDKs (Node's
    /// `pingTimeout`).
    pub fn pong_timeout(mut self, timeout: Duration) -> Self {
        self.shared.pong_timeout = Some(timeout);
        self
    }

    /// How long connecting the WebSocket may take (default 15 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The long connection; [`ConfigError::LongConnectionNeedsApp`] unless the client has
    /// an app's id and secret.
    pub fn build(self) -> Result<LongConnection, ConfigError> {
        let Credentials::App { app_id, app_secret } = self.client.credentials().clone() else {
            return Err(ConfigError::LongConnectionNeedsApp);
        };
        if app_id.is_empty() || app_secret.expose().is_empty() {
            return Err(ConfigError::LongConnectionNeedsApp);
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(rustls_platform_verifier::BuilderVerifierExt::with_platform_verifier)
            .map_err(ConfigError::LongConnectionTls)?
            .with_no_client_auth();
        let mut shared = self.shared;
        shared.default_answer = self
            .default_answer
            .to_json()
            .unwrap_or_else(|_| "{}".to_owned());
        Ok(LongConnection {
            inner: Arc::new(Inner {
                http: self.client.http().clone(),
                base_url: self.client.base_url().to_owned(),
                app_id,
                app_secret,
                connect_timeout: self.connect_timeout,
                tls: Arc::new(tls),
                shared: Arc::new(shared),
            }),
        })
    }
}

/// A bot's long connection to Lark: build it with [`LongConnection::builder`], then
/// [`run_until`](LongConnection::run_until) a shutdown signal, or
/// [`spawn`](LongConnection::spawn) it.
#[derive(Clone)]
pub struct LongConnection {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    app_id: String,
    app_secret: Secret,
    connect_timeout: Duration,
    tls: Arc<rustls::ClientConfig>,
    shared: Arc<Shared>,
}

impl fmt::Debug for LongConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LongConnection")
            .field("base_url", &self.inner.base_url)
            .field("app_id", &self.inner.app_id)
            .finish_non_exhaustive()
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A long connection running on its own task ([`LongConnection::spawn`]).
///
/// Dropping it leaves the connection running until the runtime ends; call
/// [`shutdown`](Running::shutdown) to close it gracefully.
pub struct Running {
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<Result<(), LongConnectionError>>>,
    config: Arc<Mutex<ClientConfig>>,
    shared: Arc<Shared>,
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Running")
            .field("stats", &self.stats())
            .field("config", &self.config())
            .finish_non_exhaustive()
    }
}

impl Running {
    /// What it did so far.
    pub fn stats(&self) -> LongConnectionStats {
        self.shared.counters.snapshot()
    }

    /// Closes the connection: no more events are read, the handlers in flight answer
    /// (bounded by [`LongConnectionBuilder::drain_within`]), the socket is closed. The
    /// connection's error if it had stopped already.
    pub async fn shutdown(mut self) -> Result<(), LongConnectionError> {
        let _ = self.stop.send(true);
        self.stopped().await
    }

    /// Waits until the connection stops: by itself (a client error, or reconnection given
    /// up) or after [`shutdown`](Running::shutdown). Once it returned, it returns `Ok(())`.
    pub async fn stopped(&mut self) -> Result<(), LongConnectionError> {
        let Some(task) = &mut self.task else {
            return Ok(());
        };
        let result = task.await;
        self.task = None;
        result.map_err(LongConnectionError::Task)?
    }

    /// Waits until a connection is open (at once if one is): to send a card only once its
    /// clicks can be served, or to learn at start that the credentials are wrong. The
    /// connection's error if it stops first (then [`stopped`](Running::stopped) returns
    /// `Ok(())`).
    pub async fn connected(&mut self) -> Result<(), LongConnectionError> {
        self.until(|counters| counters.connected.load(Ordering::Relaxed))
            .await
    }

    /// Waits until `count` connections were opened in all, the first and every reconnection
    /// ([`LongConnectionStats::connections`]): after the service dropped the connection,
    /// `opened(previous + 1)` returns once the client is connected again. The connection's
    /// error if it stops first.
    pub async fn opened(&mut self, count: u64) -> Result<(), LongConnectionError> {
        self.until(|counters| counters.connections.load(Ordering::Relaxed) >= count)
            .await
    }

    /// Waits until `holds` on the counters, woken at each opening; the connection's error if
    /// it stops first.
    async fn until(
        &mut self,
        holds: impl Fn(&stats::Counters) -> bool,
    ) -> Result<(), LongConnectionError> {
        loop {
            let opened = self.shared.counters.opened.notified();
            tokio::pin!(opened);
            // Registered before looking, so that an opening in between still wakes us.
            opened.as_mut().enable();
            if holds(&self.shared.counters) {
                return Ok(());
            }
            let Some(task) = &mut self.task else {
                return Err(LongConnectionError::Stopped);
            };
            tokio::select! {
                () = &mut opened => {}
                result = task => {
                    self.task = None;
                    return match result.map_err(LongConnectionError::Task)? {
                        Ok(()) => Err(LongConnectionError::Stopped),
                        Err(error) => Err(error),
                    };
                }
            }
        }
    }

    /// Whether it stopped.
    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(|task| task.is_finished())
    }

    /// The `ClientConfig` in force (the last endpoint answer or pong gave it).
    pub fn config(&self) -> ClientConfig {
        reconnect::current(&self.config)
    }
}

impl LongConnection {
    /// A builder, with the app's credentials, base URL and HTTP client taken from `client`
    /// (which must be an app's, [`ClientBuilder::app`](crate::client::ClientBuilder::app)).
    pub fn builder(client: &Client) -> LongConnectionBuilder {
        LongConnectionBuilder {
            client: client.clone(),
            shared: Shared {
                card: None,
                message: None,
                event: None,
                answer_within: DEFAULT_ANSWER_WITHIN,
                default_answer: "{}".to_owned(),
                fragment_limits: FragmentLimits::default(),
                drain_within: DEFAULT_DRAIN_WITHIN,
                pong_timeout: None,
                config: Arc::new(Mutex::new(ClientConfig::default())),
                counters: stats::Counters::default(),
                client: client.clone(),
            },
            default_answer: Answer::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }

    /// What it did so far (its clones share the counts).
    pub fn stats(&self) -> LongConnectionStats {
        self.inner.shared.counters.snapshot()
    }

    /// Serves until `signal` resolves, then shuts down gracefully; returns early with the
    /// error that stopped it (a client error, or reconnection given up).
    pub async fn run_until(
        self,
        signal: impl Future<Output = ()>,
    ) -> Result<(), LongConnectionError> {
        let (stop, stopped) = watch::channel(false);
        let run = self.run(stopped);
        tokio::pin!(run);
        tokio::select! {
            result = &mut run => return result,
            () = signal => { let _ = stop.send(true); }
        }
        run.await
    }

    /// Serves on a task of its own (inside a Tokio runtime);
    /// [`Running::connected`] waits until the connection is open, or says why it stopped.
    #[must_use = "dropping `Running` leaves the connection running: keep it to shut it down"]
    pub fn spawn(self) -> Running {
        let (stop, stopped) = watch::channel(false);
        let config = self.inner.shared.config.clone();
        let shared = self.inner.shared.clone();
        Running {
            shared,
            stop,
            task: Some(tokio::spawn(self.run(stopped))),
            config,
        }
    }

    async fn run(self, mut shutdown: watch::Receiver<bool>) -> Result<(), LongConnectionError> {
        let config = self.inner.shared.config.clone();
        let mut opened = tokio::select! {
            opened = self.connect() => opened,
            () = stopped(&mut shutdown) => return Ok(()),
        };
        loop {
            let (ws, url) = match opened {
                Ok(connected) => connected,
                Err(error) if error.is_client_error() => return Err(error),
                Err(error) => {
                    tracing::warn!(error = %crate::client::WithCauses(&error), "the long connection is down");
                    match reconnect(&config, &mut shutdown, error, || self.connect()).await? {
                        Some(connected) => connected,
                        None => return Ok(()),
                    }
                }
            };
            tracing::info!(device_id = %url.device_id, service_id = url.service_id, "the long connection is open");
            let counters = &self.inner.shared.counters;
            stats::bump(&counters.connections);
            counters
                .connected
                .store(true, std::sync::atomic::Ordering::Relaxed);
            counters.opened.notify_waiters();
            let end =
                session::serve(ws, url.service_id, self.inner.shared.clone(), &mut shutdown).await;
            counters
                .connected
                .store(false, std::sync::atomic::Ordering::Relaxed);
            match end {
                End::Shutdown => return Ok(()),
                End::Dropped(error) => opened = Err(error),
            }
        }
    }

    /// The endpoint, then the WebSocket.
    async fn connect(&self) -> Result<(Ws, ConnectUrl), LongConnectionError> {
        let inner = &self.inner;
        let endpoint = endpoint::fetch(
            &inner.http,
            &inner.base_url,
            &inner.app_id,
            &inner.app_secret,
        )
        .await?;
        if let Some(raw) = endpoint.config {
            inner
                .shared
                .config
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .apply(raw);
        }
        let limits = &inner.shared.fragment_limits;
        let ws_config = tungstenite::protocol::WebSocketConfig::default()
            .max_message_size(Some(limits.max_bytes.max(1 << 20)))
            .max_frame_size(Some(limits.max_bytes.max(1 << 20)));
        let connecting = tokio_tungstenite::connect_async_tls_with_config(
            endpoint.url.expose(),
            Some(ws_config),
            true,
            Some(tokio_tungstenite::Connector::Rustls(inner.tls.clone())),
        );
        match tokio::time::timeout(inner.connect_timeout, connecting).await {
            Err(_) => Err(LongConnectionError::Timeout),
            Ok(Err(error)) => Err(handshake_error(error)),
            Ok(Ok((ws, _response))) => Ok((ws, endpoint.url)),
        }
    }
}

/// A refused upgrade's `Handshake-*` headers as an error; any other failure as it is.
fn handshake_error(error: tungstenite::Error) -> LongConnectionError {
    if let tungstenite::Error::Http(response) = &error {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::trim)
        };
        if let Some(status) = header(facts::HEADER_HANDSHAKE_STATUS).and_then(|s| s.parse().ok()) {
            return LongConnectionError::Handshake {
                status,
                code: header(facts::HEADER_HANDSHAKE_AUTH_ERRCODE)
                    .and_then(|code| code.parse().ok())
                    .map(LarkCode::from_code),
                msg: header(facts::HEADER_HANDSHAKE_MSG)
                    .unwrap_or_default()
                    .to_owned(),
            };
        }
    }
    LongConnectionError::WebSocket(error)
}

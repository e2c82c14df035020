//! The receiver: a tower [`Service`] (mount it in an axum [`Router`](axum::Router)) that
//! checks each callback, runs your handler, and answers Lark within its 3 seconds.

use core::fmt;
use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use tower::Service;

use super::action::{CallbackToken, CardAction, Envelope};
use super::answer::Answer;
use super::crypto::{self, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use super::error::CallbackError;
use crate::Secret;

/// The largest body the receiver reads (1 MiB); larger ones answer 413.
pub const DEFAULT_MAX_BODY: usize = 1 << 20;
/// How far a request's timestamp may be from now (5 minutes); further answers 401.
pub const DEFAULT_REPLAY_WINDOW: Duration = Duration::from_secs(5 * 60);
/// How long the handler has before the default answer goes (2.5 s, under Lark's 3 s with
/// room for the network).
pub const DEFAULT_ANSWER_WITHIN: Duration = Duration::from_millis(2_500);
/// How many nonces the receiver remembers at most (older ones are forgotten first; a nonce
/// older than the replay window is refused by its timestamp anyway).
pub const DEFAULT_NONCE_CAPACITY: usize = 100_000;

/// Why a request was refused, each with its HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Refusal {
    /// Not a `POST` (405).
    MethodNotAllowed,
    /// The body is over the limit (413).
    TooLarge,
    /// The body is not JSON, or not a callback's shape (400).
    BadJson,
    /// A callback of another type than `card.action.trigger` (400).
    UnsupportedEvent,
    /// `encrypt` does not decrypt with the Encrypt Key, or there is no key (401).
    Undecryptable,
    /// The Verification Token is missing or wrong (401).
    WrongToken,
    /// The signature headers are missing or do not match (401).
    BadSignature,
    /// The timestamp is outside the replay window (401).
    Stale,
    /// The nonce was seen before (401).
    Replayed,
}

impl Refusal {
    /// Every kind, in order.
    pub const ALL: [Refusal; 9] = [
        Refusal::MethodNotAllowed,
        Refusal::TooLarge,
        Refusal::BadJson,
        Refusal::UnsupportedEvent,
        Refusal::Undecryptable,
        Refusal::WrongToken,
        Refusal::BadSignature,
        Refusal::Stale,
        Refusal::Replayed,
    ];

    /// The HTTP status of the answer.
    pub fn status(self) -> u16 {
        match self {
            Refusal::MethodNotAllowed => 405,
            Refusal::TooLarge => 413,
            Refusal::BadJson | Refusal::UnsupportedEvent => 400,
            Refusal::Undecryptable
            | Refusal::WrongToken
            | Refusal::BadSignature
            | Refusal::Stale
            | Refusal::Replayed => 401,
        }
    }

    fn message(self) -> &'static str {
        match self {
            Refusal::MethodNotAllowed => "callbacks are POST requests",
            Refusal::TooLarge => "the body is too large",
            Refusal::BadJson => "the body is not a callback",
            Refusal::UnsupportedEvent => "this endpoint answers card.action.trigger only",
            Refusal::Undecryptable => "the body cannot be decrypted",
            Refusal::WrongToken => "wrong verification token",
            Refusal::BadSignature => "wrong signature",
            Refusal::Stale => "the request is too old or too new",
            Refusal::Replayed => "the request was seen before",
        }
    }

    /// What the answer says: the same for every 401, so that a prober learns nothing of
    /// which check failed.
    fn public_message(self) -> &'static str {
        if self.status() == 401 {
            "unauthorized"
        } else {
            self.message()
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// What a receiver did so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceiverStats {
    /// URL verifications answered.
    pub challenges: u64,
    /// Callbacks answered with the handler's answer.
    pub answered: u64,
    /// Callbacks answered with the default answer because the handler was slow.
    pub answered_by_default: u64,
    /// Handlers that panicked (answered 500).
    pub handler_failures: u64,
    /// Late answers whose card went out with the delayed update.
    pub late_updates: u64,
    /// Late answers whose card could not be sent (no client configured, or an error).
    pub late_updates_lost: u64,
    refused: [u64; Refusal::ALL.len()],
}

impl ReceiverStats {
    /// Requests refused for this reason.
    pub fn refused(&self, kind: Refusal) -> u64 {
        self.refused[kind.index()]
    }

    /// Requests refused, all reasons.
    pub fn refused_total(&self) -> u64 {
        self.refused.iter().sum()
    }
}

#[derive(Default)]
struct Counters {
    challenges: AtomicU64,
    answered: AtomicU64,
    answered_by_default: AtomicU64,
    handler_failures: AtomicU64,
    late_updates: AtomicU64,
    late_updates_lost: AtomicU64,
    refused: [AtomicU64; Refusal::ALL.len()],
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Nonces seen within the replay window, oldest first, bounded.
struct Nonces {
    order: VecDeque<(i64, String)>,
    seen: HashSet<String>,
    capacity: usize,
}

impl Nonces {
    /// Remembers a nonce; false if it was seen already.
    fn insert(&mut self, nonce: &str, timestamp: i64, oldest_kept: i64) -> bool {
        while let Some((at, _)) = self.order.front() {
            if *at >= oldest_kept && self.order.len() < self.capacity {
                break;
            }
            if let Some((_, old)) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        if !self.seen.insert(nonce.to_owned()) {
            return false;
        }
        self.order.push_back((timestamp, nonce.to_owned()));
        true
    }
}

type BoxedAnswer = Pin<Box<dyn Future<Output = Answer> + Send>>;
type Handler = Arc<dyn Fn(CardAction) -> BoxedAnswer + Send + Sync>;

/// Configures a [`Receiver`].
pub struct ReceiverBuilder {
    verification_token: Option<Secret>,
    encrypt_key: Option<Secret>,
    replay_window: Duration,
    max_body: usize,
    answer_within: Duration,
    default_answer: Answer,
    nonce_capacity: usize,
    #[cfg(feature = "client")]
    late_updates: Option<crate::client::Client>,
}

impl fmt::Debug for ReceiverBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiverBuilder")
            .field("verification_token", &self.verification_token)
            .field("encrypt_key", &self.encrypt_key)
            .field("replay_window", &self.replay_window)
            .field("max_body", &self.max_body)
            .field("answer_within", &self.answer_within)
            .finish_non_exhaustive()
    }
}

impl ReceiverBuilder {
    /// The app's Verification Token (required): requests without it answer 401.
    pub fn verification_token(mut self, token: impl Into<Secret>) -> Self {
        self.verification_token = Some(token.into());
        self
    }

    /// The app's Encrypt Key: bodies are decrypted, and every callback must carry a valid
    /// `X-Lark-Signature`, a timestamp within the replay window and a fresh nonce. Set it in
    /// production: without it nothing but the Verification Token authenticates a request.
    pub fn encrypt_key(mut self, key: impl Into<Secret>) -> Self {
        self.encrypt_key = Some(key.into());
        self
    }

    /// How far a signed request's timestamp may be from now (default 5 minutes).
    pub fn replay_window(mut self, window: Duration) -> Self {
        self.replay_window = window;
        self
    }

    /// The largest body read (default 1 MiB).
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// How many nonces to remember at most (default 100 000).
    pub fn nonce_capacity(mut self, nonces: usize) -> Self {
        self.nonce_capacity = nonces.max(1);
        self
    }

    /// How long the handler may take before [`ReceiverBuilder::default_answer`] goes
    /// (default 2.5 s; it is kept under Lark's 3 s).
    pub fn answer_within(mut self, within: Duration) -> Self {
        self.answer_within = within.min(Duration::from_millis(2_900));
        self
    }

    /// The answer when the handler is slow (default `{}`: the card stays). The handler goes
    /// on; see [`ReceiverBuilder::late_updates`] for its answer.
    pub fn default_answer(mut self, answer: impl Into<Answer>) -> Self {
        self.default_answer = answer.into();
        self
    }

    /// When a handler answers after the default answer went, its card is sent with this
    /// client's [`update_card_later`](crate::client::Client::update_card_later) and the
    /// callback's token (a delayed update may only follow the answer, as here).
    #[cfg(feature = "client")]
    pub fn late_updates(mut self, client: crate::client::Client) -> Self {
        self.late_updates = Some(client);
        self
    }

    /// The receiver, calling `handler` for each card action.
    pub fn build<F, Fut, A>(self, handler: F) -> Result<Receiver, CallbackError>
    where
        F: Fn(CardAction) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = A> + Send + 'static,
        A: Into<Answer>,
    {
        let verification_token = self.verification_token.ok_or(CallbackError::Config(
            "a Verification Token is required: call `.verification_token(..)`",
        ))?;
        if verification_token.expose().is_empty() {
            return Err(CallbackError::Config("the Verification Token is empty"));
        }
        let handler: Handler = Arc::new(move |action| {
            let future = handler(action);
            Box::pin(async move { future.await.into() })
        });
        Ok(Receiver {
            inner: Arc::new(Inner {
                verification_token,
                encrypt_key: self.encrypt_key.filter(|key| !key.expose().is_empty()),
                replay_window: self.replay_window,
                max_body: self.max_body,
                answer_within: self.answer_within,
                default_answer: self.default_answer,
                nonces: Mutex::new(Nonces {
                    order: VecDeque::new(),
                    seen: HashSet::new(),
                    capacity: self.nonce_capacity,
                }),
                counters: Counters::default(),
                handler,
                #[cfg(feature = "client")]
                late_updates: self.late_updates,
            }),
        })
    }
}

/// Receives Lark's card callbacks: mount it at the path of your callback URL.
///
/// For each request it, in order: reads at most 1 MiB (413); parses the JSON (400); with an
/// Encrypt Key, checks the signature (401) and decrypts `encrypt` (401); answers the URL
/// verification (which Lark does not sign) after checking its token; with an Encrypt Key,
/// requires the signature, a timestamp within 5 minutes and an unseen nonce (401); checks the Verification Token in `header.token` (401, compared in
/// constant time); reads the card action (400); then runs the handler and answers with its
/// [`Answer`], or with the default answer if it takes longer than 2.5 s (the handler goes on).
/// It never panics on a request, and neither secrets nor bodies reach the logs.
///
/// ```no_run
/// use lark_card::callback::{Answer, CardAction, Receiver, Toast};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let receiver = Receiver::builder()
///     .verification_token(std::env::var("LARK_VERIFICATION_TOKEN")?)
///     .encrypt_key(std::env::var("LARK_ENCRYPT_KEY")?)
///     .build(|action: CardAction| async move {
///         Answer::new().toast(Toast::info(format!("{} clicked", action.operator.open_id)))
///     })?;
/// let app = axum::Router::new().route_service("/lark/callback", receiver);
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// axum::serve(listener, app).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
}

struct Inner {
    verification_token: Secret,
    encrypt_key: Option<Secret>,
    replay_window: Duration,
    max_body: usize,
    answer_within: Duration,
    default_answer: Answer,
    nonces: Mutex<Nonces>,
    counters: Counters,
    handler: Handler,
    #[cfg(feature = "client")]
    late_updates: Option<crate::client::Client>,
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("verification_token", &self.inner.verification_token)
            .field("encrypt_key", &self.inner.encrypt_key)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Receiver {
    /// Starts configuring a receiver: its Verification Token, Encrypt Key and limits, then
    /// its handler in [`ReceiverBuilder::build`].
    pub fn builder() -> ReceiverBuilder {
        ReceiverBuilder {
            verification_token: None,
            encrypt_key: None,
            replay_window: DEFAULT_REPLAY_WINDOW,
            max_body: DEFAULT_MAX_BODY,
            answer_within: DEFAULT_ANSWER_WITHIN,
            default_answer: Answer::new(),
            nonce_capacity: DEFAULT_NONCE_CAPACITY,
            #[cfg(feature = "client")]
            late_updates: None,
        }
    }

    /// What it did so far.
    pub fn stats(&self) -> ReceiverStats {
        let c = &self.inner.counters;
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let mut refused = [0; Refusal::ALL.len()];
        for (slot, counter) in refused.iter_mut().zip(&c.refused) {
            *slot = load(counter);
        }
        ReceiverStats {
            challenges: load(&c.challenges),
            answered: load(&c.answered),
            answered_by_default: load(&c.answered_by_default),
            handler_failures: load(&c.handler_failures),
            late_updates: load(&c.late_updates),
            late_updates_lost: load(&c.late_updates_lost),
            refused,
        }
    }

    /// Answers one request.
    pub async fn handle(&self, request: Request<Body>) -> Response<Body> {
        match self.inner.clone().answer(request).await {
            Ok(response) => response,
            Err(refusal) => {
                bump(&self.inner.counters.refused[refusal.index()]);
                tracing::warn!(reason = %refusal, status = refusal.status(), "callback refused");
                json_response(
                    StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST),
                    serde_json::json!({ "msg": refusal.public_message() }).to_string(),
                )
            }
        }
    }
}

impl Service<Request<Body>> for Receiver {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let receiver = self.clone();
        Box::pin(async move { Ok(receiver.handle(request).await) })
    }
}

fn json_response(status: StatusCode, body: String) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// How much of a body over the limit is read and thrown away before the 413, so that the
/// client, still sending, reads the answer instead of a reset connection.
const DRAIN_LIMIT: usize = 8 << 20;

/// The body, at most `max` bytes: [`Refusal::TooLarge`] beyond (after draining up to
/// [`DRAIN_LIMIT`]), [`Refusal::BadJson`] if it breaks off.
async fn read_body(mut body: Body, max: usize) -> Result<Vec<u8>, Refusal> {
    let mut kept = Vec::new();
    let mut total: usize = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| Refusal::BadJson)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total <= max {
            kept.extend_from_slice(&data);
        } else if total > DRAIN_LIMIT {
            break;
        }
    }
    if total > max {
        return Err(Refusal::TooLarge);
    }
    Ok(kept)
}

/// Fires `written` when the server has taken the response's body (its last frame read, or
/// the body dropped with the connection).
fn signal_when_written(
    response: Response<Body>,
    written: tokio::sync::oneshot::Sender<()>,
) -> Response<Body> {
    /// Fires on drop: the server drops a body once it has read all of it.
    struct FireOnDrop(Option<tokio::sync::oneshot::Sender<()>>);
    impl Drop for FireOnDrop {
        fn drop(&mut self) {
            if let Some(written) = self.0.take() {
                let _ = written.send(());
            }
        }
    }
    let guard = FireOnDrop(Some(written));
    response.map(move |body| {
        Body::new(body.map_frame(move |frame| {
            // The guard lives as long as the body.
            let _ = &guard;
            frame
        }))
    })
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Inner {
    async fn answer(self: Arc<Self>, request: Request<Body>) -> Result<Response<Body>, Refusal> {
        if request.method() != Method::POST {
            return Err(Refusal::MethodNotAllowed);
        }
        let (parts, body) = request.into_parts();
        let raw = read_body(body, self.max_body).await?;

        let outer: serde_json::Value =
            serde_json::from_slice(&raw).map_err(|_| Refusal::BadJson)?;
        let outer = outer.as_object().ok_or(Refusal::BadJson)?;

        // With an Encrypt Key, a signed request is authenticated before anything is decrypted
        // (so that the decryption cannot be probed). Lark does not sign the URL verification:
        // an unsigned request may be that, and nothing else.
        let signed = match &self.encrypt_key {
            Some(key) => self.verify_signature(&parts.headers, key, &raw)?,
            None => None,
        };
        let plaintext = match outer.get("encrypt") {
            Some(encrypted) => {
                let encrypted = encrypted.as_str().ok_or(Refusal::BadJson)?;
                let key = self.encrypt_key.as_ref().ok_or(Refusal::Undecryptable)?;
                crypto::decrypt(key, encrypted).map_err(|_| Refusal::Undecryptable)?
            }
            None => raw.clone(),
        };
        let envelope: Envelope =
            serde_json::from_slice(&plaintext).map_err(|_| Refusal::BadJson)?;

        let token_ok = envelope
            .verification_token()
            .is_some_and(|token| crypto::secrets_equal(token, self.verification_token.expose()));
        if envelope.is_url_verification() {
            if !token_ok {
                return Err(Refusal::WrongToken);
            }
            bump(&self.counters.challenges);
            let challenge = envelope.challenge.unwrap_or_default();
            return Ok(json_response(
                StatusCode::OK,
                serde_json::json!({ "challenge": challenge }).to_string(),
            ));
        }
        if self.encrypt_key.is_some() {
            let Some((timestamp, nonce)) = signed else {
                return Err(Refusal::BadSignature);
            };
            self.check_fresh(timestamp, nonce)?;
        }
        if !token_ok {
            return Err(Refusal::WrongToken);
        }
        let action = envelope.into_card_action().map_err(|error| match error {
            CallbackError::UnsupportedEvent(_) => Refusal::UnsupportedEvent,
            _ => Refusal::BadJson,
        })?;
        Ok(self.run_handler(action).await)
    }

    /// The timestamp and nonce of a signed request; `None` for a request without signature
    /// headers; [`Refusal::BadSignature`] for a wrong signature.
    fn verify_signature<'h>(
        &self,
        headers: &'h HeaderMap,
        key: &Secret,
        raw: &[u8],
    ) -> Result<Option<(&'h str, &'h str)>, Refusal> {
        let (Some(timestamp), Some(nonce), Some(signature)) = (
            header_str(headers, TIMESTAMP_HEADER),
            header_str(headers, NONCE_HEADER),
            header_str(headers, SIGNATURE_HEADER),
        ) else {
            return Ok(None);
        };
        if crypto::signature_matches(signature, timestamp, nonce, key, raw) {
            Ok(Some((timestamp, nonce)))
        } else {
            Err(Refusal::BadSignature)
        }
    }

    /// A signed request's timestamp is within the replay window and its nonce is new.
    fn check_fresh(&self, timestamp: &str, nonce: &str) -> Result<(), Refusal> {
        let at: i64 = timestamp.trim().parse().map_err(|_| Refusal::Stale)?;
        let window = i64::try_from(self.replay_window.as_secs()).unwrap_or(i64::MAX);
        let now = unix_now();
        if at.saturating_sub(now).abs() > window {
            return Err(Refusal::Stale);
        }
        let fresh = self
            .nonces
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(nonce, at, now.saturating_sub(window));
        if fresh {
            Ok(())
        } else {
            Err(Refusal::Replayed)
        }
    }

    async fn run_handler(self: Arc<Self>, action: CardAction) -> Response<Body> {
        let token = action.token.clone();
        let (sender, mut receiver) = tokio::sync::oneshot::channel::<Answer>();
        // Fired once the default answer's body was handed to the server to write (or the
        // answer was dropped unsent): Lark undoes a delayed update made before the
        // callback's answer, so a late answer's card waits for this.
        let (written, answer_written) = tokio::sync::oneshot::channel::<()>();
        let handler = self.handler.clone();
        let inner = self.clone();
        // On a task of its own, so that it goes on after the default answer (and after the
        // connection closes).
        tokio::spawn(async move {
            let answer = handler(action).await;
            if let Err(late) = sender.send(answer) {
                tracing::debug!("the late answer's card waits until the default answer is written");
                // An error only means the answer is gone unsent: nothing to wait for.
                let _ = answer_written.await;
                inner.late_answer(token, late).await;
            }
        });
        let answer = match tokio::time::timeout(self.answer_within, &mut receiver).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => {
                bump(&self.counters.handler_failures);
                tracing::error!("the callback handler panicked");
                return json_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    r#"{"msg":"the handler failed"}"#.to_owned(),
                );
            }
            Err(_) => {
                receiver.close();
                match receiver.try_recv() {
                    // It answered at the last moment.
                    Ok(answer) => answer,
                    Err(_) => {
                        bump(&self.counters.answered_by_default);
                        tracing::info!("the callback handler is slow: the default answer goes");
                        let response = self.respond(&self.default_answer);
                        return signal_when_written(response, written);
                    }
                }
            }
        };
        bump(&self.counters.answered);
        self.respond(&answer)
    }

    /// The answer as a response.
    fn respond(&self, answer: &Answer) -> Response<Body> {
        let body = answer.to_json().unwrap_or_else(|_| "{}".to_owned());
        json_response(StatusCode::OK, body)
    }

    /// A handler's answer after the default answer went: its card goes with the delayed
    /// update, if a client was configured.
    async fn late_answer(&self, token: CallbackToken, mut answer: Answer) {
        let Some(card) = answer.take_card() else {
            return;
        };
        #[cfg(feature = "client")]
        if let Some(client) = &self.late_updates {
            match card.content() {
                Ok(content) => match client.update_content_later(&token, &content).await {
                    Ok(()) => {
                        bump(&self.counters.late_updates);
                        tracing::debug!("the late answer's card went with the delayed update");
                        return;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "the late answer's card could not be sent")
                    }
                },
                Err(error) => tracing::warn!(%error, "the late answer's card could not be sent"),
            }
            bump(&self.counters.late_updates_lost);
            return;
        }
        let _ = (token, card);
        bump(&self.counters.late_updates_lost);
        tracing::warn!("a late answer's card was dropped: configure `late_updates(client)`");
    }
}

//! The client itself: its builder, and each call with the limits, the token and the
//! retries, down to Lark's `{code, msg, data}` envelope.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;
use tracing::{field, Instrument};

use super::auth::{
    CachedToken, Credentials, TokenCache, TokenResponse, TokenStore, REFRESH_MARGIN,
};
use super::error::{
    ApiError, CardContentError, ClientError, ConfigError, LarkCode, Retry, WithCauses,
};
use super::limiter::{AppPermit, KeyTurn, Limiter, Outcome};
use super::limits::{KeyWindow, Limits};
use super::ratelimit::RateLimiter;
#[cfg(feature = "redis")]
use super::redis::{Fleet, RedisConfig};
use super::retry::RetryPolicy;
use super::sequences::{CardSequences, SharedSequences};
use crate::card::{SendableCard, UpdatableCard, UpdateBody};
use crate::message_id::MessageId;
use crate::Secret;

/// Which Lark deployment to talk to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Domain {
    /// Lark, `https://open.larksuite.com` (the default).
    Lark,
    /// Feishu, `https://open.feishu.cn`.
    Feishu,
    /// Any base URL: a proxy, or the local emulator (`http://127.0.0.1:PORT`).
    Custom(String),
}

impl Domain {
    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        match self {
            Domain::Lark => "https://open.larksuite.com",
            Domain::Feishu => "https://open.feishu.cn",
            Domain::Custom(url) => url.trim_end_matches('/'),
        }
    }
}

/// Who receives a sent card: the `receive_id_type` and `receive_id` of the send request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    kind: &'static str,
    id: String,
}

impl Recipient {
    /// A chat, `oc_...`.
    pub fn chat(id: impl Into<String>) -> Self {
        Recipient {
            kind: "chat_id",
            id: id.into(),
        }
    }

    /// A user by `open_id`, `ou_...`.
    pub fn open_id(id: impl Into<String>) -> Self {
        Recipient {
            kind: "open_id",
            id: id.into(),
        }
    }

    /// A user by `user_id`.
    pub fn user_id(id: impl Into<String>) -> Self {
        Recipient {
            kind: "user_id",
            id: id.into(),
        }
    }

    /// A user by `union_id`, `on_...`.
    pub fn union_id(id: impl Into<String>) -> Self {
        Recipient {
            kind: "union_id",
            id: id.into(),
        }
    }

    /// A user by email.
    pub fn email(address: impl Into<String>) -> Self {
        Recipient {
            kind: "email",
            id: address.into(),
        }
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    domain: Domain,
    timeout: Duration,
    connect_timeout: Duration,
    limits: Limits,
    retry: RetryPolicy,
    #[cfg(feature = "redis")]
    redis: Option<RedisConfig>,
}

/// The backends a client shares with other replicas of its app, if any.
#[derive(Default)]
struct SharedBackends {
    limits: Option<Arc<dyn RateLimiter>>,
    tokens: Option<Arc<dyn TokenStore>>,
    sequences: Option<Arc<dyn SharedSequences>>,
}

impl SharedBackends {
    /// The fleet's windows and token in Redis, if configured.
    #[cfg(feature = "redis")]
    fn redis(config: Option<RedisConfig>, credentials: &Credentials) -> Result<Self, ClientError> {
        let Some(config) = config else {
            return Ok(SharedBackends::default());
        };
        let fleet = Fleet::new(config, credentials)?;
        Ok(SharedBackends {
            limits: Some(fleet.clone()),
            tokens: Some(fleet.clone()),
            sequences: Some(fleet),
        })
    }
}

impl ClientBuilder {
    /// Authenticate as a self-built app (tenant access token, fetched and refreshed).
    pub fn app(mut self, app_id: impl Into<String>, app_secret: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::App {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
        });
        self
    }

    /// Authenticate with a user access token (`u-...`); updates must be of cards that user sent.
    pub fn user_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::UserToken(token.into()));
        self
    }

    /// Lark (default), Feishu, or any base URL.
    pub fn domain(mut self, domain: Domain) -> Self {
        self.domain = domain;
        self
    }

    /// Shorthand for `domain(Domain::Custom(url))`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.domain(Domain::Custom(url.into()))
    }

    /// Timeout of each request (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout of connecting (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The client-side rate limits (default: Lark's).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The retry policy of transient failures.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Shares the app's limits and its tenant token with every replica using the same Redis
    /// (feature `redis`); see [`RedisConfig`].
    #[cfg(feature = "redis")]
    pub fn redis(mut self, config: RedisConfig) -> Self {
        self.redis = Some(config);
        self
    }

    /// Builds the client; [`ClientError::Config`] without credentials, with a base URL that
    /// is not `http(s)://`, or when the HTTP client cannot be made.
    pub fn build(self) -> Result<Client, ClientError> {
        let credentials = self.credentials.ok_or(ConfigError::NoCredentials)?;
        let base_url = self.domain.base_url().to_string();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(ConfigError::BaseUrlScheme { url: base_url }.into());
        }
        // A URL that does not parse would fail every request the same way: say so now.
        if let Err(error) = reqwest::Url::parse(&base_url) {
            return Err(ConfigError::BaseUrl {
                url: base_url,
                source: Box::new(error),
            }
            .into());
        }
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(ConfigError::HttpClient)?;
        #[cfg(feature = "redis")]
        let shared = SharedBackends::redis(self.redis, &credentials)?;
        #[cfg(not(feature = "redis"))]
        let shared = SharedBackends::default();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                credentials,
                tokens: TokenCache::default(),
                shared_tokens: shared.tokens,
                limiter: Limiter::new(self.limits, shared.limits),
                retry: self.retry,
                cards: CardSequences::default(),
                shared_sequences: shared.sequences,
            }),
        })
    }
}

/// A client of Lark's message API. Cheap to clone; clones share the token, the limits and
/// the connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    tokens: TokenCache,
    /// The token shared with the app's other replicas, if any.
    shared_tokens: Option<Arc<dyn TokenStore>>,
    limiter: Limiter,
    retry: RetryPolicy,
    /// The sequence counter of each card entity this client operates.
    cards: CardSequences,
    /// The card counters shared with the app's other replicas, if any.
    shared_sequences: Option<Arc<dyn SharedSequences>>,
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

/// The right to send one update now: the token, the message's turn and the app's.
pub(crate) struct Turns<'a> {
    token: Secret,
    message: KeyTurn,
    app: AppPermit<'a>,
}

/// One request: what it is, for the limits and the logs.
pub(crate) struct Call<'a> {
    pub method: reqwest::Method,
    pub path: String,
    pub body: String,
    pub message_id: Option<&'a str>,
    /// The chat (or user) a send goes to, for the per-chat limit.
    pub chat: Option<&'a str>,
    /// The CardKit card entity operated, for the per-card limit.
    pub card: Option<&'a str>,
}

/// A successful answer: its `data`, and what to report if `data` is not what was expected.
pub(crate) struct Answer {
    pub data: Option<Value>,
    pub status: u16,
    pub log_id: Option<String>,
    /// The start of the body.
    pub snippet: String,
}

impl Answer {
    /// The string `data.<field>`, or what is wrong with the answer (`problem`).
    pub fn string(&self, field: &str, problem: &'static str) -> Result<&str, ClientError> {
        self.data
            .as_ref()
            .and_then(|d| d.get(field))
            .and_then(Value::as_str)
            .ok_or_else(|| ClientError::UnexpectedResponse {
                status: self.status,
                problem,
                snippet: self.snippet.clone(),
                log_id: self.log_id.clone(),
            })
    }

    /// The `data.message_id` of a send or a reply.
    pub fn message_id(&self) -> Result<MessageId, ClientError> {
        let id = self.string("message_id", "no `data.message_id` in the answer to a send")?;
        Ok(MessageId::new(id)?)
    }
}

#[derive(Deserialize)]
struct Envelope {
    code: i64,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    data: Option<Value>,
}

impl Client {
    /// Starts configuring a client: its credentials, then the domain, retries and limits
    /// where Lark's defaults do not fit.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            credentials: None,
            domain: Domain::Lark,
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            limits: Limits::default(),
            retry: RetryPolicy::default(),
            #[cfg(feature = "redis")]
            redis: None,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The HTTP client, for the long connection's endpoint.
    #[cfg(feature = "long-connection")]
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The credentials, for the long connection's endpoint.
    #[cfg(feature = "long-connection")]
    pub(crate) fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// Sends a card; its message id is what [`Client::update_card`] takes.
    pub async fn send_card(
        &self,
        to: &Recipient,
        card: &impl SendableCard,
    ) -> Result<MessageId, ClientError> {
        let content = card.content()?;
        // The size limit applies to sending too.
        UpdateBody::from_content(&content)?;
        self.send_content(to, content).await
    }

    /// Sends an interactive message of this `content` (card JSON, or a card entity's
    /// `{"type":"card",...}`).
    pub(crate) async fn send_content(
        &self,
        to: &Recipient,
        content: String,
    ) -> Result<MessageId, ClientError> {
        // Lark drops a repeated `uuid` within an hour, so a retried send is not sent twice.
        let body = serde_json::json!({
            "receive_id": to.id,
            "msg_type": "interactive",
            "content": content,
            "uuid": send_uuid(),
        });
        let call = Call {
            method: reqwest::Method::POST,
            path: format!("/open-apis/im/v1/messages?receive_id_type={}", to.kind),
            body: body.to_string(),
            message_id: None,
            chat: Some(&to.id),
            card: None,
        };
        let answer = self.call(call, &self.inner.retry, None).await?;
        answer.message_id()
    }

    /// Replies to a message with an interactive message of this `content`
    /// (`POST /open-apis/im/v1/messages/:message_id/reply`).
    pub(crate) async fn reply_content(
        &self,
        to: &MessageId,
        content: String,
    ) -> Result<MessageId, ClientError> {
        let body = serde_json::json!({
            "msg_type": "interactive",
            "content": content,
            "uuid": send_uuid(),
        });
        let call = Call {
            method: reqwest::Method::POST,
            path: format!("/open-apis/im/v1/messages/{to}/reply"),
            body: body.to_string(),
            message_id: None,
            chat: None,
            card: None,
        };
        let answer = self.call(call, &self.inner.retry, None).await?;
        answer.message_id()
    }

    /// Replaces the content of a sent card (`PATCH /open-apis/im/v1/messages/:message_id`).
    ///
    /// Only shared cards are accepted (see [`UpdatableCard`]); the 30 KB limit is checked
    /// before any request. Frequency limits and transient failures are retried with backoff;
    /// terminal errors (recalled, deleted, older than 14 days, invalid card...) are not.
    // `&dyn`, not `&impl`: a card that is not shared is then one compile error at the
    // argument, where an `async fn` generic over the card repeats it for its future.
    pub async fn update_card(
        &self,
        message_id: &MessageId,
        card: &(dyn UpdatableCard + Sync),
    ) -> Result<(), ClientError> {
        let body = UpdateBody::from_content(&card.content()?)?;
        self.update_body(message_id, body, &self.inner.retry, None)
            .await
    }

    /// One update, retried by `retry` (the updater retries by itself, with the newest state).
    pub(crate) async fn update_body(
        &self,
        message_id: &MessageId,
        body: UpdateBody,
        retry: &RetryPolicy,
        turns: Option<Turns<'_>>,
    ) -> Result<(), ClientError> {
        let call = Call {
            method: reqwest::Method::PATCH,
            path: format!("/open-apis/im/v1/messages/{message_id}"),
            body: body.into_string(),
            message_id: Some(message_id.as_str()),
            chat: None,
            card: None,
        };
        self.call(call, retry, turns).await.map(|_| ())
    }

    /// Waits until an update of the message may go under every limit (the updater waits
    /// first, then picks the newest state). The token comes first: a fetch (with its own
    /// retries) while holding turns would leave the app's slots idle, and spend them all at
    /// once when the token comes.
    pub(crate) async fn turns(&self, message_id: &MessageId) -> Result<Turns<'_>, ClientError> {
        let key = self.inner.limiter.limits().message(message_id.as_str());
        self.turns_of(key).await
    }

    /// Waits until an operation on the card entity may go under every limit: its 10 a second
    /// and the app's.
    pub(crate) async fn card_turns(&self, card_id: &str) -> Result<Turns<'_>, ClientError> {
        let key = self.inner.limiter.limits().card_entity(card_id);
        self.turns_of(key).await
    }

    /// The token, the key's turn and the app's (see [`Client::turns`]).
    async fn turns_of(&self, key: KeyWindow) -> Result<Turns<'_>, ClientError> {
        let token = self.access_token().await?;
        let limiter = &self.inner.limiter;
        let message = limiter.key_turn(&key).await;
        let app = limiter.app_turn(Some(&key)).await;
        Ok(Turns {
            token,
            message,
            app,
        })
    }

    /// The limits kept.
    pub(crate) fn limits(&self) -> &Limits {
        self.inner.limiter.limits()
    }

    /// The retry policy.
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The card entities' sequence counters of this process.
    pub(crate) fn card_sequences(&self) -> &CardSequences {
        &self.inner.cards
    }

    /// The card counters shared with the fleet, if any.
    pub(crate) fn shared_sequences(&self) -> Option<&Arc<dyn SharedSequences>> {
        self.inner.shared_sequences.as_ref()
    }

    /// Makes a call with the limits, the token and the retries.
    pub(crate) async fn call(
        &self,
        call: Call<'_>,
        retry: &RetryPolicy,
        mut preacquired: Option<Turns<'_>>,
    ) -> Result<Answer, ClientError> {
        let inner = &self.inner;
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        let limits = inner.limiter.limits();
        let key = match (call.message_id, call.chat, call.card) {
            (Some(message), _, _) => Some(limits.message(message)),
            (None, Some(chat), _) => Some(limits.chat(chat)),
            (None, None, Some(card)) => Some(limits.card_entity(card)),
            (None, None, None) => None,
        };
        loop {
            attempt += 1;
            let (token, mut turn, mut permit) = match preacquired.take() {
                Some(Turns {
                    token,
                    message,
                    app,
                }) => (token, Some(message), app),
                None => {
                    // The token before the turns (see `turns`).
                    let token = self.access_token().await?;
                    let turn = match &key {
                        Some(key) => Some(inner.limiter.key_turn(key).await),
                        None => None,
                    };
                    (token, turn, inner.limiter.app_turn(key.as_ref()).await)
                }
            };
            permit.sending();
            if let Some(turn) = turn.as_mut() {
                turn.sending();
            }
            let span = tracing::info_span!(
                "lark_request",
                method = %call.method,
                message_id = call.message_id.unwrap_or(""),
                attempt,
                status = field::Empty,
                code = field::Empty,
                log_id = field::Empty,
            );
            let result = self.once(&call, &token).instrument(span).await;
            let refused =
                matches!(&result, Err(e) if e.lark_code() == Some(LarkCode::MessageRateLimited));
            let outcome = if refused {
                Outcome::Refused
            } else {
                Outcome::Answered
            };
            let counted = turn.as_mut().is_none_or(|turn| turn.answered(outcome));
            permit.answered(counted);
            drop(turn);
            let error = match result {
                Ok(data) => return Ok(data),
                Err(error) => error,
            };
            let is_app = matches!(inner.credentials, Credentials::App { .. });
            match error.lark_code().map(LarkCode::retry) {
                Some(Retry::RefreshToken) if is_app && !refreshed => {
                    // The cached token was revoked or expired early: drop it, retry once.
                    inner.tokens.invalidate(&token).await;
                    if let Some(shared) = &inner.shared_tokens {
                        shared.invalidate(&token).await;
                    }
                    refreshed = true;
                    continue;
                }
                _ => {}
            }
            if !error.is_transient() {
                return Err(error);
            }
            if attempt >= retry.max_attempts {
                return Err(ClientError::RetriesExhausted {
                    attempts: attempt,
                    last: Box::new(error),
                });
            }
            let wait = match &error {
                // Not counted by Lark: the next turn is the window's next free slot.
                _ if refused => Duration::ZERO,
                ClientError::Api(api) => api.retry_after.unwrap_or_else(|| retry.delay(attempt)),
                _ => retry.delay(attempt),
            };
            tracing::debug!(?wait, error = %WithCauses(&error), "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// One HTTP request and its answer.
    async fn once(&self, call: &Call<'_>, token: &Secret) -> Result<Answer, ClientError> {
        let inner = &self.inner;
        let url = format!("{}{}", inner.base_url, call.path);
        let response = inner
            .http
            .request(call.method.clone(), url)
            .header("Authorization", format!("Bearer {}", token.expose()))
            .header("Content-Type", "application/json; charset=utf-8")
            .body(call.body.clone())
            .send()
            .await
            .map_err(transport_error)?;
        read_envelope(response).await
    }

    /// The access token: the user's, or the app's tenant token from the cache, fetched when
    /// absent or about to expire.
    async fn access_token(&self) -> Result<Secret, ClientError> {
        let inner = &self.inner;
        let (app_id, app_secret) = match &inner.credentials {
            Credentials::UserToken(token) => return Ok(token.clone()),
            Credentials::App { app_id, app_secret } => (app_id, app_secret),
        };
        let mut slot = inner.tokens.slot.lock().await;
        if let Some(cached) = slot.as_ref() {
            if Instant::now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        let fetched = match &inner.shared_tokens {
            // One fetch for the whole fleet; the others read it from the store.
            Some(shared) => {
                shared
                    .tenant_token(Box::pin(self.fetch_tenant_token(app_id, app_secret)))
                    .await?
            }
            None => self.fetch_tenant_token(app_id, app_secret).await?,
        };
        let token = fetched.token.clone();
        *slot = Some(fetched);
        Ok(token)
    }

    async fn fetch_tenant_token(
        &self,
        app_id: &str,
        app_secret: &Secret,
    ) -> Result<CachedToken, ClientError> {
        let inner = &self.inner;
        let url = format!(
            "{}/open-apis/auth/v3/tenant_access_token/internal",
            inner.base_url
        );
        let body = serde_json::json!({ "app_id": app_id, "app_secret": app_secret.expose() });
        let mut attempt = 0;
        loop {
            attempt += 1;
            let span = tracing::info_span!("lark_token", attempt, status = field::Empty);
            let result = async {
                let response = inner
                    .http
                    .post(&url)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .body(body.to_string())
                    .send()
                    .await
                    .map_err(transport_error)?;
                let status = response.status().as_u16();
                tracing::Span::current().record("status", status);
                let log_id = header(&response, "x-tt-logid");
                let text = response.text().await.map_err(transport_error)?;
                let parsed: TokenResponse =
                    serde_json::from_str(&text).map_err(|_| ClientError::UnexpectedResponse {
                        status,
                        problem: NOT_JSON,
                        snippet: snippet(&text),
                        log_id: log_id.clone(),
                    })?;
                match (parsed.code, parsed.tenant_access_token, parsed.expire) {
                    (0, Some(token), Some(expire)) => {
                        let lifetime = Duration::from_secs(expire)
                            .saturating_sub(REFRESH_MARGIN)
                            .max(Duration::from_secs(1));
                        Ok(CachedToken {
                            token: Secret::new(token),
                            refresh_at: Instant::now() + lifetime,
                        })
                    }
                    (code, _, _) => Err(ClientError::from(ApiError {
                        code: LarkCode::from_code(code),
                        status,
                        msg: parsed.msg,
                        log_id,
                        card: None,
                        retry_after: None,
                    })),
                }
            }
            .instrument(span)
            .await;
            match result {
                Err(e) if e.is_transient() && attempt < inner.retry.max_attempts => {
                    tokio::time::sleep(inner.retry.delay(attempt)).await;
                }
                other => return other,
            }
        }
    }
}

/// A send's `uuid`: Lark drops a repeated one within an hour.
fn send_uuid() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// Sorts a failure to get an answer by whether trying again can help. reqwest's error names
/// the URL, which holds no secret (the token goes in a header).
fn transport_error(error: reqwest::Error) -> ClientError {
    if error.is_timeout() {
        ClientError::Timeout(error)
    } else if error.is_builder() || error.is_redirect() || error.is_decode() || is_tls(&error) {
        ClientError::Request(error)
    } else {
        // Connecting failed, or the connection broke: another try may get through.
        ClientError::Connection(error)
    }
}

/// Whether a connection failed in its TLS handshake (a certificate refused, a server that
/// does not speak TLS): rustls's errors reach reqwest as I/O errors of kind `InvalidData`,
/// which a failing network never causes.
fn is_tls(error: &reqwest::Error) -> bool {
    let mut cause = std::error::Error::source(error);
    while let Some(error) = cause {
        // An I/O error's `source` skips the error it wraps: look inside it too.
        let mut io = error.downcast_ref::<std::io::Error>();
        while let Some(inner) = io {
            if inner.kind() == std::io::ErrorKind::InvalidData {
                return true;
            }
            io = inner
                .get_ref()
                .and_then(|e| e.downcast_ref::<std::io::Error>());
        }
        cause = error.source();
    }
    false
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The problem of an answer that is not Lark's JSON.
const NOT_JSON: &str = "a body that is not Lark's JSON";

fn snippet(text: &str) -> String {
    text.chars().take(200).collect()
}

/// Reads Lark's `{code, msg, data}` answer; a non-zero code is an [`ApiError`].
async fn read_envelope(response: reqwest::Response) -> Result<Answer, ClientError> {
    let status = response.status().as_u16();
    let log_id = header(&response, "x-tt-logid");
    let retry_after = header(&response, "x-ogw-ratelimit-reset")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let span = tracing::Span::current();
    span.record("status", status);
    if let Some(log_id) = &log_id {
        span.record("log_id", log_id.as_str());
    }
    let text = response.text().await.map_err(transport_error)?;
    let envelope: Envelope = match serde_json::from_str(&text) {
        Ok(envelope) => envelope,
        Err(_) => {
            return Err(ClientError::UnexpectedResponse {
                status,
                problem: NOT_JSON,
                snippet: snippet(&text),
                log_id,
            })
        }
    };
    span.record("code", envelope.code);
    if envelope.code == 0 {
        if status >= 400 {
            return Err(ClientError::UnexpectedResponse {
                status,
                problem: "code 0 on an error status",
                snippet: snippet(&text),
                log_id,
            });
        }
        return Ok(Answer {
            data: envelope.data,
            status,
            log_id,
            snippet: snippet(&text),
        });
    }
    let code = LarkCode::from_code(envelope.code);
    let card = (code == LarkCode::CardContentFailed)
        .then(|| CardContentError::parse(&envelope.msg))
        .flatten();
    Err(ClientError::from(ApiError {
        code,
        status,
        msg: envelope.msg,
        log_id,
        card,
        // 429 is the gateway's limit: wait as long as it says (at least a little).
        retry_after: retry_after.filter(|_| status == 429),
    }))
}

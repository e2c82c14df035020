//! What the Lark API can answer, as types. The codes themselves (number, HTTP status, `msg`,
//! meaning, whether retrying can help) are the table in [`crate::lark`].

use core::fmt;
use std::time::Duration;

use crate::error::CardError;
use crate::message_id::InvalidMessageId;

pub(crate) use crate::lark::{CardSubCode, LarkCode, Retry};

/// The sub-error of 230099 ("failed to create card content"): Lark's own code, message and
/// the path of the problem in the card, read from `ext=ErrCode: ...; ErrMsg: ...; ErrPath: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardContentError {
    /// `ErrCode`, by name ([`CardSubCode::ParseError`], [`CardSubCode::UnsupportedInV2`]...).
    pub code: CardSubCode,
    /// `ErrMsg`.
    pub message: String,
    /// `ErrPath`, if given (`ROOT -> elements -> 0`).
    pub path: Option<String>,
}

impl CardContentError {
    /// Reads the sub-error out of a 230099 message.
    pub fn parse(msg: &str) -> Option<Self> {
        let ext = &msg[msg.find("ErrCode:")?..];
        let mut code = None;
        let mut message = String::new();
        let mut path = None;
        for part in ext.split(';') {
            let part = part.trim();
            if let Some(v) = part.strip_prefix("ErrCode:") {
                code = v.trim().parse().ok();
            } else if let Some(v) = part.strip_prefix("ErrMsg:") {
                message = v.trim().to_string();
            } else if let Some(v) = part.strip_prefix("ErrPath:") {
                path = Some(v.trim().to_string());
            }
        }
        Some(CardContentError {
            code: CardSubCode::from_code(code?),
            message,
            path,
        })
    }
}

/// An answer of Lark with a non-zero `code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The code, by name (its number, retry class and meaning come with it).
    pub code: LarkCode,
    /// The HTTP status Lark answered with (400 for most business errors, 200 for some).
    pub status: u16,
    /// Lark's `msg`, as sent.
    pub msg: String,
    /// The `X-Tt-Logid` header: give it to Lark support.
    pub log_id: Option<String>,
    /// For 230099: the sub-code and path.
    pub card: Option<CardContentError>,
    /// For HTTP 429: the `x-ogw-ratelimit-reset` header.
    pub retry_after: Option<Duration>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Lark answered {} (HTTP {}): {}",
            self.code.code(),
            self.status,
            self.code.meaning()
        )?;
        if let Some(card) = &self.card {
            write!(f, "; card error {}: {}", card.code.code(), card.message)?;
            if let Some(path) = &card.path {
                write!(f, " at {path}")?;
            }
        }
        if let Some(log_id) = &self.log_id {
            write!(f, " (log id {log_id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// What can go wrong when talking to Lark.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The card could not be made into a request (too large, unserializable).
    #[error(transparent)]
    Card(#[from] CardError),
    /// The message id is malformed.
    #[error(transparent)]
    MessageId(#[from] InvalidMessageId),
    /// Lark answered with an error code.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The request timed out (transient).
    #[error("the request to Lark timed out")]
    Timeout(#[source] reqwest::Error),
    /// Connecting failed, or the connection broke before the answer (transient).
    #[error("could not reach Lark")]
    Connection(#[source] reqwest::Error),
    /// The request could not be made or its answer not read, in a way that trying again
    /// cannot change: an unusable URL or header, a TLS failure, a redirect loop, an answer
    /// that cannot be decoded.
    #[error("the request to Lark failed and cannot succeed as it is")]
    Request(#[source] reqwest::Error),
    /// Lark answered something the client cannot use: not its JSON envelope, an error status
    /// with code 0, or a send's answer without `data.message_id`.
    #[error(
        "Lark answered HTTP {status} with {problem}: {snippet}{}",
        log_id.as_ref().map(|id| format!(" (log id {id})")).unwrap_or_default()
    )]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// What is wrong with the answer.
        problem: &'static str,
        /// The start of the body.
        snippet: String,
        /// The `X-Tt-Logid` header, if any: give it to Lark support.
        log_id: Option<String>,
    },
    /// The client is misconfigured.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Retries were used up; the last error is kept.
    #[error("gave up after {attempts} attempts: {last}")]
    RetriesExhausted {
        /// How many requests were made.
        attempts: u32,
        /// The last error.
        last: Box<ClientError>,
    },
    /// A callback token refused before any request (expired, or used up); its
    /// [`lark_code`](ClientError::lark_code) is the one Lark would answer.
    #[cfg(any(feature = "callback", feature = "long-connection"))]
    #[error(transparent)]
    SpentToken(SpentToken),
    /// A CardKit request body could not be made (streamed text empty or too long, a card
    /// that failed its checks).
    #[error(transparent)]
    CardKitBody(#[from] crate::cardkit::BodyError),
    /// The card entity's `sequence` reached its largest value: no operation can follow.
    #[error(transparent)]
    BadSequence(#[from] crate::cardkit::SequenceError),
    /// A stream target that is not in the card streamed into (named `NotInCard`, not after
    /// the type, so that the compiler's messages about `StreamTarget` stay short).
    #[error(transparent)]
    NotInCard(#[from] crate::cardkit::StreamTargetError),
    /// Lark answered an id that is not one (a `card_id` too long, say).
    #[error(transparent)]
    BadId(#[from] crate::cardkit::InvalidId),
    /// The card entity cannot be operated any more: no entity has this `card_id` (200740),
    /// or it expired 14 days after it was made (200750). Terminal: make a new card entity.
    #[error("card entity {card_id} cannot be operated any more: {cause}")]
    CardEntityGone {
        /// The card entity.
        card_id: crate::cardkit::CardId,
        /// Lark's answer: [`LarkCode::CardEntityNotFound`] or [`LarkCode::CardEntityExpired`].
        #[source]
        cause: Box<ApiError>,
    },
    /// A card stream stopped after an error; later pushes are refused with it. The stream
    /// closed its card's streaming mode if the card could still be operated.
    #[error("the stream into card {card_id} stopped")]
    CardStreamStopped {
        /// The card entity the stream was writing to.
        card_id: crate::cardkit::CardId,
        /// The error that stopped it.
        #[source]
        cause: std::sync::Arc<ClientError>,
    },
    /// The updater stopped this message's stream after a terminal error.
    #[error("updates to {message_id} stopped: {reason}")]
    StreamStopped {
        /// The message.
        message_id: String,
        /// The Lark code that stopped it, if Lark answered.
        code: Option<LarkCode>,
        /// The error that stopped it.
        reason: String,
    },
}

#[cfg(any(feature = "callback", feature = "long-connection"))]
/// Why a callback token was refused before any request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpentToken {
    /// It arrived more than 30 minutes ago.
    #[error("the callback token is older than 30 minutes")]
    Expired,
    /// It was used for 2 updates already.
    #[error("the callback token was used for 2 updates already")]
    UsedUp,
}

#[cfg(any(feature = "callback", feature = "long-connection"))]
impl SpentToken {
    /// The code Lark answers for such a token: 300030 or 300040.
    pub fn lark_code(self) -> LarkCode {
        match self {
            SpentToken::Expired => LarkCode::CallbackTokenExpired,
            SpentToken::UsedUp => LarkCode::CallbackTokenUsedUp,
        }
    }
}

/// How the client is misconfigured; found before any request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Neither `.app(id, secret)` nor `.user_token(..)` was called.
    #[error("no credentials: call `.app(id, secret)` or `.user_token(..)`")]
    NoCredentials,
    /// The base URL does not parse.
    #[error("the base URL `{url}` is not a URL")]
    BaseUrl {
        /// The base URL, as given.
        url: String,
        /// Why it does not parse.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The base URL is not `http://` or `https://`.
    #[error("the base URL must start with http:// or https://, not `{url}`")]
    BaseUrlScheme {
        /// The base URL, as given.
        url: String,
    },
    /// The HTTP client could not be built (its TLS backend, say).
    #[error("the HTTP client could not be built")]
    HttpClient(#[source] reqwest::Error),
    /// The Redis URL is not a valid `redis://` URL (feature `redis`). Its cause is not kept:
    /// it may quote the URL, which may hold a password.
    #[error("the Redis URL is not a valid redis:// URL")]
    RedisUrl,
    /// The long connection was given a client without an app's id and secret (a user token
    /// cannot open it).
    #[cfg(feature = "long-connection")]
    #[error("the long connection needs an app's id and secret: build the client with `.app(id, secret)`")]
    LongConnectionNeedsApp,
    /// The long connection's TLS configuration could not be built (the platform's
    /// certificate verifier).
    #[cfg(feature = "long-connection")]
    #[error("the long connection's TLS configuration could not be built")]
    LongConnectionTls(#[source] rustls::Error),
    /// The updater was used outside a Tokio runtime: it sends in the background.
    #[error("the updater sends in the background: call it inside a Tokio runtime")]
    NoRuntime(#[source] tokio::runtime::TryCurrentError),
}

/// An error with its causes, `error: cause: cause`, for logs and reasons kept as text.
pub(crate) struct WithCauses<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Display for WithCauses<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

impl From<ApiError> for ClientError {
    fn from(error: ApiError) -> Self {
        ClientError::Api(Box::new(error))
    }
}

impl ClientError {
    /// The Lark code, if Lark answered with one.
    pub fn lark_code(&self) -> Option<LarkCode> {
        match self {
            ClientError::Api(e) => Some(e.code),
            ClientError::RetriesExhausted { last, .. } => last.lark_code(),
            ClientError::StreamStopped { code, .. } => *code,
            ClientError::CardEntityGone { cause, .. } => Some(cause.code),
            ClientError::CardStreamStopped { cause, .. } => cause.lark_code(),
            // Refused before asking: the code Lark would have answered.
            #[cfg(any(feature = "callback", feature = "long-connection"))]
            ClientError::SpentToken(spent) => Some(spent.lark_code()),
            _ => None,
        }
    }

    /// Whether retrying later can help: frequency limits, transient failures, timeouts.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Api(e) => e.code.retry() == Retry::Backoff || e.status >= 500,
            ClientError::Timeout(_) | ClientError::Connection(_) => true,
            ClientError::UnexpectedResponse { status, .. } => *status >= 500,
            ClientError::RetriesExhausted { last, .. } => last.is_transient(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_sub_error_is_parsed() {
        let msg = format!(
            "Failed to create card content, ext=ErrCode: {}; ErrMsg: parse card json err; ErrPath: ROOT -> elements -> 0",
            CardSubCode::ParseError.code()
        );
        assert_eq!(
            CardContentError::parse(&msg),
            Some(CardContentError {
                code: CardSubCode::ParseError,
                message: "parse card json err".into(),
                path: Some("ROOT -> elements -> 0".into()),
            })
        );
        assert_eq!(CardContentError::parse("no ext here"), None);
    }
}

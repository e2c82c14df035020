//! What the Lark API can answer, as types: every documented code of the update and send
//! endpoints and of the token gateway, with its meaning and whether retrying can help.

use core::fmt;
use std::time::Duration;

use crate::error::CardError;
use crate::message_id::InvalidMessageId;

macro_rules! lark_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $meaning:literal, $class:ident; )*) => {
        /// A Lark error code, by name. Unknown codes are kept as [`LarkCode::Other`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum LarkCode {
            $( $(#[$doc])* $variant, )*
            /// A code this library does not know.
            Other(i64),
        }

        impl LarkCode {
            /// The code for a number.
            pub fn from_code(code: i64) -> Self {
                match code {
                    $( $code => LarkCode::$variant, )*
                    other => LarkCode::Other(other),
                }
            }

            /// The number.
            pub fn code(self) -> i64 {
                match self {
                    $( LarkCode::$variant => $code, )*
                    LarkCode::Other(code) => code,
                }
            }

            /// What it means, from Lark's documentation.
            pub fn meaning(self) -> &'static str {
                match self {
                    $( LarkCode::$variant => $meaning, )*
                    LarkCode::Other(_) => "an error code this library does not know",
                }
            }

            /// How a client should react to it.
            pub fn class(self) -> Retry {
                match self {
                    $( LarkCode::$variant => Retry::$class, )*
                    LarkCode::Other(_) => Retry::Never,
                }
            }
        }
    };
}

lark_codes! {
    /// 230001: invalid request parameter (also "this message is NOT a card", and `PUT` on a card).
    InvalidParameter = 230001, "invalid request parameter (for example the message is not a card)", Never;
    /// 230002: the bot is not in the chat.
    BotNotInChat = 230002, "the bot is not in the chat", Never;
    /// 230006: the app's bot ability is not activated.
    BotAbilityInactive = 230006, "the bot ability of the app is not activated", Never;
    /// 230011: the message was recalled.
    MessageRecalled = 230011, "the message was recalled", Never;
    /// 230013: the bot is not available to this user.
    NoAvailability = 230013, "the bot is not available to this user", Never;
    /// 230017: the bot is not the owner of the resource.
    NotResourceOwner = 230017, "the bot does not own the resource", Never;
    /// 230018: the chat's settings forbid the operation.
    ChatForbids = 230018, "the chat's settings forbid this operation", Never;
    /// 230020: the per-message (or per-chat) frequency limit was hit.
    MessageRateLimited = 230020, "the frequency limit of the message was hit (5 updates per second)", Backoff;
    /// 230022: the content was judged sensitive.
    SensitiveContent = 230022, "the content was judged sensitive", Never;
    /// 230025: the request body is over 30 KB.
    ContentTooLong = 230025, "the message content is over the 30 KB limit", Never;
    /// 230027: permissions are missing (or the chat is external).
    LackOfPermissions = 230027, "necessary permissions are missing", Never;
    /// 230028: the content failed the DLP audit.
    AuditFailed = 230028, "the message did not pass the content audit", Never;
    /// 230029: the user has resigned.
    UserResigned = 230029, "the user has resigned", Never;
    /// 230031: the message is more than 14 days old.
    MessageTooOld = 230031, "a message can only be updated within 14 days of sending", Never;
    /// 230034: the `receive_id` is invalid.
    InvalidReceiveId = 230034, "the receive_id is invalid", Never;
    /// 230035: no permission to send.
    NoSendPermission = 230035, "the app may not send this message", Never;
    /// 230053: the user blocked the bot.
    BotBlocked = 230053, "the user blocked the bot", Never;
    /// 230099: the card content could not be built (see the sub-code).
    CardContentFailed = 230099, "the card content could not be created (see the sub-code and path)", Never;
    /// 230110: the message was deleted.
    MessageDeleted = 230110, "the message was deleted", Never;
    /// 232009: the chat was dissolved.
    ChatDissolved = 232009, "the chat was dissolved", Never;
    /// 2200: internal error, usually under heavy calling.
    InternalError = 2200, "Lark internal error (often from calling too fast)", Backoff;
    /// 99991400: the app's API rate limit (50/s, 1000/min) was hit.
    AppRateLimited = 99991400, "the app's request rate limit was hit", Backoff;
    /// 99991401: the caller's IP is not allowed.
    IpNotAllowed = 99991401, "the caller's IP address is not in the app's allow-list", Never;
    /// 99991403: the monthly API quota is used up.
    QuotaExhausted = 99991403, "the monthly API quota is used up", Never;
    /// 99991661: no access token (or an ill-formed `Authorization` header).
    TokenMissing = 99991661, "the request has no access token", Never;
    /// 99991663: the tenant access token is invalid or expired.
    TenantTokenInvalid = 99991663, "the tenant access token is invalid or expired", RefreshToken;
    /// 99991664: the app access token is invalid.
    AppTokenInvalid = 99991664, "the app access token is invalid", RefreshToken;
    /// 99991668: the user access token is invalid.
    UserTokenInvalid = 99991668, "the user access token is invalid", Never;
    /// 99991671: the token is not a `t-` or `u-` token.
    TokenMalformed = 99991671, "the access token must start with `t-` or `u-`", RefreshToken;
    /// 99991672: the app lacks a scope.
    MissingScope = 99991672, "the app lacks a required scope", Never;
    /// 99991677: the user access token expired.
    UserTokenExpired = 99991677, "the user access token expired", Never;
    /// 99992354: no message with this id.
    MessageNotFound = 99992354, "no message has this id", Never;
    /// 10003: invalid app credentials (token endpoint).
    InvalidCredentials = 10003, "the app id or app secret is wrong", Never;
    /// 10014: invalid app secret (token endpoint).
    InvalidAppSecret = 10014, "the app secret is wrong", Never;
}

/// Whether, and how, a request that got a code may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Never: retrying gives the same answer (recalled, deleted, too old, invalid card...).
    Never,
    /// After a backoff: a frequency limit or a transient failure.
    Backoff,
    /// Once, with a fresh tenant token.
    RefreshToken,
}

/// The sub-error of 230099 ("failed to create card content"): Lark's own code, message and
/// the path of the problem in the card, read from `ext=ErrCode: ...; ErrMsg: ...; ErrPath: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardContentError {
    /// `ErrCode` (200621 parse error, 200861 tag unsupported in 2.0...).
    pub code: i64,
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
            code: code?,
            message,
            path,
        })
    }
}

/// An answer of Lark with a non-zero `code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The code, by name.
    pub code: LarkCode,
    /// The HTTP status.
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
            write!(f, "; card error {}: {}", card.code, card.message)?;
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
    /// The request timed out.
    #[error("the request to Lark timed out")]
    Timeout,
    /// The connection failed or was dropped.
    #[error("could not reach Lark: {0}")]
    Connection(String),
    /// Lark answered something that is not its JSON envelope.
    #[error("Lark answered HTTP {status} with a body that is not Lark's JSON: {snippet}")]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        snippet: String,
    },
    /// The client is misconfigured.
    #[error("client configuration: {0}")]
    Config(String),
    /// Retries were used up; the last error is kept.
    #[error("gave up after {attempts} attempts: {last}")]
    RetriesExhausted {
        /// How many requests were made.
        attempts: u32,
        /// The last error.
        last: Box<ClientError>,
    },
    /// A callback token refused before any request (expired, or used up).
    #[cfg(feature = "callback")]
    #[error(transparent)]
    SpentToken(super::SpentToken),
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
            _ => None,
        }
    }

    /// Whether retrying later can help: frequency limits, transient failures, timeouts.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Api(e) => e.code.class() == Retry::Backoff || e.status >= 500,
            ClientError::Timeout | ClientError::Connection(_) => true,
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
    fn codes_round_trip_and_classify() {
        for code in [
            230001, 230011, 230020, 230031, 230099, 230110, 99991663, 99991400,
        ] {
            assert_eq!(LarkCode::from_code(code).code(), code);
        }
        assert_eq!(LarkCode::from_code(230020).class(), Retry::Backoff);
        assert_eq!(LarkCode::from_code(230031).class(), Retry::Never);
        assert_eq!(LarkCode::from_code(99991663).class(), Retry::RefreshToken);
        assert_eq!(LarkCode::from_code(12345), LarkCode::Other(12345));
    }

    #[test]
    fn the_card_sub_error_is_parsed() {
        let msg = "Failed to create card content, ext=ErrCode: 200621; ErrMsg: parse card json err; ErrPath: ROOT -> elements -> 0";
        assert_eq!(
            CardContentError::parse(msg),
            Some(CardContentError {
                code: 200621,
                message: "parse card json err".into(),
                path: Some("ROOT -> elements -> 0".into()),
            })
        );
        assert_eq!(CardContentError::parse("no ext here"), None);
    }
}

//! What can go wrong with the long connection.

use lark_card_schema::lark::{LarkCode, Retry};
use tokio_tungstenite::tungstenite;

use crate::client::ConfigError;

/// Why the long connection stopped, or an attempt to connect failed.
///
/// Client errors ([`is_client_error`](LongConnectionError::is_client_error): wrong
/// credentials, the 50-connection limit, a forbidden upgrade) stop the connection at once;
/// the others are retried with the service's `ClientConfig` until its `ReconnectCount` is
/// used up. Neither the app secret nor the connection URL (its ticket) is ever in one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LongConnectionError {
    /// The endpoint answered a code: a client error (wrong credentials, an app without the
    /// long connection...) unless [`LarkCode::retry`] says it may be retried (1, 1000040343).
    #[error("Lark's long connection endpoint answered {} ({}): {msg}", code.code(), code.meaning())]
    Endpoint {
        /// Lark's code.
        code: LarkCode,
        /// Lark's `msg`.
        msg: String,
    },
    /// The WebSocket upgrade was refused with `Handshake-Status` (403, 514) and maybe
    /// `Handshake-Autherrcode` (1000040350: the connection limit).
    #[error(
        "Lark refused the WebSocket upgrade with status {status}{}: {msg}",
        code.map(|c| format!(" and code {} ({})", c.code(), c.meaning())).unwrap_or_default()
    )]
    Handshake {
        /// `Handshake-Status`.
        status: u16,
        /// `Handshake-Autherrcode`, if given.
        code: Option<LarkCode>,
        /// `Handshake-Msg`.
        msg: String,
    },
    /// The endpoint could not be reached, or its answer read.
    #[error("could not reach Lark's long connection endpoint")]
    Http(#[source] reqwest::Error),
    /// The endpoint answered something else than its JSON, or a URL that cannot be used.
    #[error("Lark's long connection endpoint answered HTTP {status} with {problem}")]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Connecting the WebSocket took too long.
    #[error("the WebSocket connection timed out")]
    Timeout,
    /// The WebSocket failed (connecting, reading or writing).
    #[error("the WebSocket failed")]
    WebSocket(#[source] tungstenite::Error),
    /// A ping got no pong within the pong timeout
    /// ([`LongConnectionBuilder::pong_timeout`](super::LongConnectionBuilder::pong_timeout)).
    #[error("Lark did not answer a ping in time")]
    NoPong,
    /// Lark closed the connection.
    #[error("Lark closed the long connection")]
    Closed,
    /// The long connection's configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The service's `ReconnectCount` of attempts failed; the last error is kept.
    #[error("gave up reconnecting after {attempts} attempts")]
    RetriesExhausted {
        /// How many attempts were made.
        attempts: u32,
        /// The last error.
        #[source]
        last: Box<LongConnectionError>,
    },
    /// The connection had stopped already ([`Running::connected`](super::Running::connected)
    /// after its error was returned).
    #[error("the long connection has stopped")]
    Stopped,
    /// The task running the connection panicked.
    #[error("the long connection's task failed")]
    Task(#[source] tokio::task::JoinError),
}

impl LongConnectionError {
    /// Lark's code, if Lark answered one.
    pub fn lark_code(&self) -> Option<LarkCode> {
        match self {
            LongConnectionError::Endpoint { code, .. } => Some(*code),
            LongConnectionError::Handshake { code, .. } => *code,
            LongConnectionError::RetriesExhausted { last, .. } => last.lark_code(),
            _ => None,
        }
    }

    /// Whether no attempt can succeed as things are (credentials, the connection limit, a
    /// forbidden upgrade, the configuration): the connection stops instead of retrying.
    /// As the official SDKs: an endpoint code other than 1 and 1000040343, and an upgrade
    /// refused with 403, or with 514 and 1000040350.
    pub fn is_client_error(&self) -> bool {
        use lark_card_schema::lark::long_connection::{HANDSHAKE_AUTH_FAILED, HANDSHAKE_FORBIDDEN};
        match self {
            LongConnectionError::Endpoint { code, .. } => code.retry() != Retry::Backoff,
            LongConnectionError::Handshake { status, code, .. } => {
                *status == HANDSHAKE_FORBIDDEN
                    || (*status == HANDSHAKE_AUTH_FAILED
                        && *code == Some(LarkCode::LongConnectionLimit))
            }
            LongConnectionError::Config(_) => true,
            _ => false,
        }
    }
}

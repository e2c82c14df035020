//! Errors: [`EmulatorError`] for the library API, and the Lark error answers the endpoints
//! build (`ApiError`).

use std::fmt;

use lark_card::lark::LarkCode;

/// What can go wrong when starting or driving the emulator from Rust.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The server could not start (the port is taken, say).
    #[error("the emulator could not start: {0}")]
    Io(#[from] std::io::Error),
    /// No message has this id.
    #[error("no message `{0}` in the emulator")]
    UnknownMessage(String),
    /// No app has this id.
    #[error(
        "no app `{0}` in the emulator (add it with `EmulatorBuilder::app` or `Emulator::add_app`)"
    )]
    UnknownApp(String),
    /// The app has no long connection to push an event over.
    #[error("the app `{0}` has no long connection (connect a client through POST /callback/ws/endpoint)")]
    NoLongConnection(String),
    /// No CardKit card entity has this id.
    #[error("no card entity `{0}` in the emulator")]
    UnknownCardEntity(String),
    /// The emulator refused the operation the way the API would: the code and `msg` are
    /// the ones an HTTP client would have received.
    #[error("Lark error {code}: {msg}")]
    Api {
        /// The Lark error code ([`LarkCode`] names them).
        code: i64,
        /// The `msg` of the response.
        msg: String,
    },
}

/// A Lark error answer: HTTP status, `code`, `msg`, and extra headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) code: i64,
    pub(crate) msg: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// `error.field_violations` of the body, for parameter errors.
    pub(crate) field_violations: Vec<(String, String)>,
}

impl ApiError {
    /// The answer Lark documents for `code`: its HTTP status and `msg` from the table, or
    /// HTTP 400 and a placeholder `msg` for a code whose page gives neither.
    pub(crate) fn new(code: LarkCode) -> ApiError {
        ApiError {
            status: code.status().unwrap_or(400),
            code: code.code(),
            msg: code.msg().unwrap_or("emulated error").to_owned(),
            headers: Vec::new(),
            field_violations: Vec::new(),
        }
    }

    /// The answer for `code` with details, the way Lark appends them:
    /// `Your request contains an invalid request parameter, ext=This message is NOT a card.`
    pub(crate) fn with_ext(code: LarkCode, ext: impl fmt::Display) -> ApiError {
        let mut error = ApiError::new(code);
        let base = error.msg.trim_end_matches('.');
        error.msg = format!("{base}, ext={ext}");
        error
    }

    /// The answer for `code` with `msg` replaced.
    pub(crate) fn with_msg(code: LarkCode, msg: impl Into<String>) -> ApiError {
        let mut error = ApiError::new(code);
        error.msg = msg.into();
        error
    }

    /// Overrides the HTTP status (Lark sometimes answers token errors with HTTP 200).
    pub(crate) fn status(mut self, status: u16) -> ApiError {
        self.status = status;
        self
    }

    /// Names the request field at fault, as Lark's `error.field_violations` do.
    pub(crate) fn field_violation(
        mut self,
        field: &str,
        description: impl Into<String>,
    ) -> ApiError {
        self.field_violations
            .push((field.to_owned(), description.into()));
        self
    }

    /// Adds a response header.
    pub(crate) fn header(mut self, name: &'static str, value: impl fmt::Display) -> ApiError {
        self.headers.push((name, value.to_string()));
        self
    }
}

impl From<ApiError> for EmulatorError {
    fn from(error: ApiError) -> EmulatorError {
        EmulatorError::Api {
            code: error.code,
            msg: error.msg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ext_replaces_the_final_period() {
        let error = ApiError::with_ext(LarkCode::InvalidParameter, "This message is NOT a card.");
        assert_eq!(
            error.msg,
            "Your request contains an invalid request parameter, ext=This message is NOT a card."
        );
        assert_eq!(error.status, 400);
    }

    #[test]
    fn unknown_codes_are_http_400() {
        let error = ApiError::new(LarkCode::from_code(123_456));
        assert_eq!((error.status, error.code), (400, 123_456));
    }
}

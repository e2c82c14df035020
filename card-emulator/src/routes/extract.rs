//! What handlers take from a request and give back, in axum's terms: the server has already
//! read the body and chosen a log id (so that faults and counting see every request), and
//! left both in the request's extensions; these extractors hand them over, and the error
//! types answer as Lark does (Lark's endpoints) or as `{"error": "…"}` (the emulator's own).

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::failure;
use crate::body::ReadBody;
use crate::errors::{ApiError, EmulatorError};

/// The log id of the request being answered (also sent as `X-Tt-Logid`), set by the server.
#[derive(Clone, Debug, Default)]
pub(crate) struct LogId(pub(crate) String);

/// The request body, read by the server before routing.
#[derive(Clone, Debug)]
pub(crate) struct ReceivedBody(pub(crate) Arc<ReadBody>);

/// What every Lark endpoint starts from: the request's log id and its body.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) log_id: String,
    pub(crate) body: Arc<ReadBody>,
}

impl Received {
    /// The Lark error answer to this request.
    pub(crate) fn refuse(&self, error: ApiError) -> Refused {
        Refused {
            error,
            log_id: self.log_id.clone(),
        }
    }
}

fn received_body(parts: &Parts) -> Arc<ReadBody> {
    parts
        .extensions
        .get::<ReceivedBody>()
        .map(|ReceivedBody(body)| body.clone())
        .unwrap_or_else(|| {
            Arc::new(ReadBody {
                bytes: Vec::new(),
                len: 0,
                complete: true,
            })
        })
}

impl<S: Send + Sync> FromRequestParts<S> for Received {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let log_id = parts
            .extensions
            .get::<LogId>()
            .map(|LogId(id)| id.clone())
            .unwrap_or_default();
        Ok(Received {
            log_id,
            body: received_body(parts),
        })
    }
}

/// A Lark error answer: the error, and the log id its body names.
#[derive(Debug)]
pub(crate) struct Refused {
    error: ApiError,
    log_id: String,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        failure(self.error, &self.log_id)
    }
}

/// A refused request to the emulator's own endpoints: `{"error": "…"}` with its status.
#[derive(Debug)]
pub(crate) struct Problem {
    status: StatusCode,
    message: String,
}

impl Problem {
    /// HTTP 400 with this message.
    pub(crate) fn bad_request(message: impl std::fmt::Display) -> Problem {
        Problem {
            status: StatusCode::BAD_REQUEST,
            message: message.to_string(),
        }
    }
}

impl From<EmulatorError> for Problem {
    fn from(error: EmulatorError) -> Problem {
        let status = match error {
            EmulatorError::UnknownMessage(_)
            | EmulatorError::UnknownApp(_)
            | EmulatorError::UnknownCardEntity(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::BAD_REQUEST,
        };
        Problem {
            status,
            message: error.to_string(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

/// The body of a control request as `T` (an empty body reads as `{}`), or a 400 naming the
/// problem.
#[derive(Debug)]
pub(crate) struct JsonBody<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let body = received_body(parts);
        let bytes: &[u8] = if body.bytes.is_empty() {
            b"{}"
        } else {
            &body.bytes
        };
        serde_json::from_slice(bytes)
            .map(JsonBody)
            .map_err(Problem::bad_request)
    }
}

/// The one parameter of a control path (`{id}`, `{app_id}`, `{chat_id}`), or a 400.
#[derive(Debug)]
pub(crate) struct Param(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for Param {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Param(value))
            .map_err(Problem::bad_request)
    }
}

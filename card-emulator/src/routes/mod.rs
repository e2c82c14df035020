//! The HTTP API as an axum router: Lark's endpoints, and the emulator's own under
//! `/__emulator`.
//!
//! Handlers never use extractors that could answer on their own (axum's rejections are plain
//! text, not Lark's JSON): the server has already read the body and put it, and the log id,
//! in the request's extensions, and every failure is turned into a Lark answer here.

mod actions;
mod auth;
mod control;
mod messages;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Map, Value};

use crate::body::ReadBody;
use crate::errors::ApiError;
use crate::state::Shared;
use lark_card::lark::{self, LarkCode};

/// Where the emulator's own endpoints live; requests there are neither counted nor faulted.
pub const CONTROL_PREFIX: &str = "/__emulator";

/// The log id of the request being answered (also sent as `X-Tt-Logid`).
#[derive(Clone, Debug, Default)]
pub(crate) struct LogId(pub(crate) String);

/// The request body, read by the server before routing.
#[derive(Clone, Debug)]
pub(crate) struct ReceivedBody(pub(crate) Arc<ReadBody>);

impl ReceivedBody {
    pub(crate) fn empty() -> ReceivedBody {
        ReceivedBody(Arc::new(ReadBody {
            bytes: Vec::new(),
            len: 0,
            complete: true,
        }))
    }
}

/// The Lark `code` an answer carries, for the counts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReplyCode(pub(crate) i64);

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/open-apis/auth/v3/tenant_access_token/internal",
            post(auth::tenant_access_token),
        )
        .route("/open-apis/im/v1/messages", post(messages::send))
        .route(
            "/open-apis/im/v1/messages/{message_id}",
            patch(messages::update_card).put(messages::edit),
        )
        .route(
            "/open-apis/interactive/v1/card/update",
            post(actions::update_card_later),
        )
        .nest(
            CONTROL_PREFIX,
            control::router().merge(actions::control_router()),
        )
        .merge(crate::viewer::router())
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(shared)
}

/// The request's log id and body, as the server left them.
pub(crate) fn request_parts(
    log_id: Option<Extension<LogId>>,
    body: Option<Extension<ReceivedBody>>,
) -> (String, Arc<ReadBody>) {
    let log_id = log_id.map(|Extension(LogId(id))| id).unwrap_or_default();
    let body = body.unwrap_or(Extension(ReceivedBody::empty())).0 .0;
    (log_id, body)
}

pub(crate) fn with_code(mut response: Response, code: i64) -> Response {
    response.extensions_mut().insert(ReplyCode(code));
    response
}

/// A success: `{"code":0,"msg":msg,"data":data}`.
pub(crate) fn success(msg: &str, data: Value) -> Response {
    with_code(
        Json(json!({ "code": lark::SUCCESS, "msg": msg, "data": data })).into_response(),
        lark::SUCCESS,
    )
}

/// A success whose fields sit at the top level, as the token endpoint answers.
pub(crate) fn success_flat(body: Value) -> Response {
    with_code(Json(body).into_response(), lark::SUCCESS)
}

/// A Lark error: the status, `{"code","msg","error":{"log_id",…}}`, and its headers.
pub(crate) fn failure(error: ApiError, log_id: &str) -> Response {
    let mut detail = Map::new();
    detail.insert("log_id".to_owned(), Value::from(log_id));
    if !error.field_violations.is_empty() {
        let violations = error
            .field_violations
            .iter()
            .map(|(field, description)| json!({ "field": field, "description": description }))
            .collect();
        detail.insert("field_violations".to_owned(), Value::Array(violations));
    }
    let body = json!({ "code": error.code, "msg": error.msg, "error": detail });
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (status, Json(body)).into_response();
    for (name, value) in &error.headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            response.headers_mut().insert(*name, value);
        }
    }
    with_code(response, error.code)
}

/// Any path or method the emulator does not serve.
async fn not_found(log_id: Option<Extension<LogId>>) -> Response {
    let (log_id, _) = request_parts(log_id, None);
    failure(ApiError::new(LarkCode::NotFound), &log_id)
}

/// A plain-text answer with an HTTP error status, as a gateway in front of Lark sends one.
pub(crate) fn gateway_failure(status: u16, log_id: &str) -> Response {
    if status == 500 {
        return failure(ApiError::new(LarkCode::InternalError), log_id);
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = format!(
        "{} {}",
        status.as_str(),
        status.canonical_reason().unwrap_or("Error")
    );
    (status, Body::from(text)).into_response()
}

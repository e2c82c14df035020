//! The HTTP API as an axum router: Lark's endpoints, and the emulator's own under
//! `/__emulator`.
//!
//! The server reads every body and chooses the log id before routing (faults and counts see
//! every request); handlers take them with the [`Received`](extract::Received) extractor and
//! answer failures with error types that implement `IntoResponse`: Lark's JSON for Lark's
//! endpoints, `{"error": "…"}` for the emulator's own. Handlers take the slice of the state
//! they need (`State<Arc<Shared>>`, `State<Arc<Delivery>>`) through `FromRef`.

mod actions;
mod auth;
mod cardkit;
mod control;
mod extract;
mod long_connection;
mod messages;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::delivery::Delivery;
use crate::errors::ApiError;
use crate::paths::CONTROL_PREFIX;
use crate::state::Shared;
use lark_card::lark::{self, LarkCode};

pub(crate) use extract::{LogId, ReceivedBody};

/// The Lark `code` an answer carries, for the counts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReplyCode(pub(crate) i64);

/// Lark's endpoints and the emulator's own, for any state that holds the emulator's state and
/// its callback delivery.
pub(crate) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Shared>: FromRef<S>,
    Arc<Delivery>: FromRef<S>,
{
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
            "/open-apis/im/v1/messages/{message_id}/reply",
            post(messages::reply),
        )
        .route(
            "/open-apis/interactive/v1/card/update",
            post(actions::update_card_later),
        )
        .merge(long_connection::router())
        .merge(cardkit::router())
        .nest(
            CONTROL_PREFIX,
            control::router()
                .merge(actions::control_router())
                .merge(long_connection::control_router())
                .merge(cardkit::control_router()),
        )
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

/// Any path or method the emulator does not serve: the fallback of the whole router, the
/// viewer's paths included.
pub(crate) async fn not_found(received: extract::Received) -> extract::Refused {
    received.refuse(ApiError::new(LarkCode::NotFound))
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

//! Card callbacks over HTTP: the delayed update (`POST /open-apis/interactive/v1/card/update`)
//! and the emulator's control endpoints for callbacks (see [`crate::callbacks`]).

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::de::DeserializeOwned;
use serde_json::json;

use super::auth::authenticate;
use super::{failure, request_parts, with_code, LogId, ReceivedBody};
use crate::callbacks::{self, CallbackApp, Click};
use crate::errors::{ApiError, EmulatorError};
use crate::inspect::Endpoint;
use crate::limits::MAX_CARD_BODY;
use crate::state::Shared;
use lark_card::lark::{self, LarkCode};

/// `POST /open-apis/interactive/v1/card/update`: `{"token": "c-…", "card": {…}}`.
pub(crate) async fn update_card_later(
    State(shared): State<Arc<Shared>>,
    log_id: Option<Extension<LogId>>,
    body: Option<Extension<ReceivedBody>>,
    headers: HeaderMap,
) -> Response {
    let (log_id, body) = request_parts(log_id, body);
    let result = (|| {
        let now = shared.clock.now_ms();
        let app_id = authenticate(&shared, &headers, now)?;
        shared
            .lock()
            .gate(&app_id, Endpoint::UpdateCardLater, now, &shared.faults)?;
        if body.len > MAX_CARD_BODY || !body.complete {
            return Err(ApiError::with_msg(
                LarkCode::DelayedCardInvalid,
                "the card is over 30 KB",
            ));
        }
        callbacks::update_later(&shared, &app_id, &body.bytes)
    })();
    match result {
        // This endpoint answers `{"code":0,"msg":"ok"}`, without `data`.
        Ok(()) => with_code(
            Json(json!({ "code": lark::SUCCESS, "msg": "ok" })).into_response(),
            lark::SUCCESS,
        ),
        Err(error) => failure(error, &log_id),
    }
}

pub(crate) fn control_router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/apps/{app_id}/callback", post(set_callback))
        .route("/messages/{id}/actions", post(act))
        .route("/interactions", get(interactions))
}

fn refuse(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "error": message.to_string() }))).into_response()
}

fn parse<T: DeserializeOwned>(body: Option<Extension<ReceivedBody>>) -> Result<T, String> {
    let body = body.unwrap_or(Extension(ReceivedBody::empty())).0 .0;
    serde_json::from_slice(&body.bytes).map_err(|e| e.to_string())
}

fn from_emulator(error: EmulatorError) -> Response {
    let status = match error {
        EmulatorError::UnknownMessage(_) | EmulatorError::UnknownApp(_) => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    };
    refuse(status, error)
}

/// `POST /__emulator/apps/{app_id}/callback` `{"url", "verification_token", "encrypt_key"?}`.
async fn set_callback(
    State(shared): State<Arc<Shared>>,
    app_id: Result<Path<String>, PathRejection>,
    body: Option<Extension<ReceivedBody>>,
) -> Response {
    let Ok(Path(app_id)) = app_id else {
        return refuse(StatusCode::BAD_REQUEST, "bad app id");
    };
    if !shared.lock().has_app(&app_id) {
        return from_emulator(EmulatorError::UnknownApp(app_id));
    }
    match parse::<CallbackApp>(body) {
        Ok(app) => {
            shared.callbacks.set_app(&app_id, app);
            Json(json!({ "app_id": app_id })).into_response()
        }
        Err(error) => refuse(StatusCode::BAD_REQUEST, error),
    }
}

/// `POST /__emulator/messages/{id}/actions`: a simulated interaction (see [`Click`]).
async fn act(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    body: Option<Extension<ReceivedBody>>,
) -> Response {
    let Ok(Path(id)) = id else {
        return refuse(StatusCode::BAD_REQUEST, "bad message id");
    };
    let click: Click = match parse(body) {
        Ok(click) => click,
        Err(error) => return refuse(StatusCode::BAD_REQUEST, error),
    };
    match callbacks::click_on(&shared, &id, click).await {
        Ok(interaction) => Json(interaction).into_response(),
        Err(error) => from_emulator(error),
    }
}

/// `GET /__emulator/interactions`.
async fn interactions(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.callbacks.interactions()).into_response()
}

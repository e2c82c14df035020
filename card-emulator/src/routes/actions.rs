//! Card callbacks over HTTP: the delayed update (`POST /open-apis/interactive/v1/card/update`)
//! and the emulator's control endpoints for callbacks (see [`crate::callbacks`]).

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use lark_card::lark::{self, LarkCode};
use lark_card::{Card, NoUpdateMulti};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::auth::authenticate;
use super::extract::{JsonBody, MessageParam, Param, Problem, Received, Refused};
use super::with_code;
use crate::callbacks::{CallbackApp, Click};
use crate::card::CheckedCard;
use crate::delivery::Delivery;
use crate::errors::{ApiError, EmulatorError};
use crate::inspect::Endpoint;
use crate::limits::MAX_CARD_BODY;
use crate::state::{DelayedUpdate, Shared};

/// `POST /open-apis/interactive/v1/card/update`: `{"token": "c-…", "card": {…}}`.
pub(crate) async fn update_card_later(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    let now = shared.clock.now_ms();
    let result = authenticate(&shared, &headers, now)
        .and_then(|app_id| {
            shared
                .lock()
                .gate(&app_id, Endpoint::UpdateCardLater, now, &shared.faults)?;
            Ok(app_id)
        })
        .and_then(|app_id| {
            if received.body.len > MAX_CARD_BODY || !received.body.complete {
                return Err(ApiError::with_msg(
                    LarkCode::DelayedCardInvalid,
                    "the card is over 30 KB",
                ));
            }
            // The card is checked before the lock is taken: it is the only slow step.
            let update = delayed_update(&received.body.bytes)?;
            shared.lock().update_later(&app_id, update, now)
        });
    result.map_err(|error| received.refuse(error))?;
    // This endpoint answers `{"code":0,"msg":"ok"}`, without `data`.
    Ok(with_code(
        Json(json!({ "code": lark::SUCCESS, "msg": "ok" })).into_response(),
        lark::SUCCESS,
    ))
}

/// Reads the body of a delayed update: 10002 not JSON, 300020 a token that is not `c-…`;
/// the card's refusals (11311 a template or an invalid card) wait for the token's checks.
fn delayed_update(body: &[u8]) -> Result<DelayedUpdate, ApiError> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Err(ApiError::with_msg(
            LarkCode::DelayedBodyNotJson,
            "the body is not JSON",
        ));
    };
    let (Some(token), Some(card)) = (
        value.get("token").and_then(Value::as_str),
        value.get("card").filter(|c| c.is_object()),
    ) else {
        return Err(ApiError::with_msg(
            LarkCode::DelayedCardParamInvalid,
            "the body must be {\"token\": \"c-…\", \"card\": {…}}",
        ));
    };
    if !token.starts_with("c-") {
        return Err(ApiError::with_msg(
            LarkCode::CallbackTokenMalformed,
            "the token is not a `c-…` token",
        ));
    }
    let mut card = card.clone();
    let open_ids = card
        .as_object_mut()
        .and_then(|c| c.remove("open_ids"))
        .is_some();
    // The card as the app wrote it, key order and spacing included, unless `open_ids` had to
    // be taken out of it (or the text cannot be cut out: a repeated key, say).
    let content = match raw_card(body) {
        Some(raw) if !open_ids => raw,
        _ => card.to_string(),
    };
    let checked = if card.get("type").and_then(Value::as_str) == Some("template") {
        Err(ApiError::with_msg(
            LarkCode::DelayedCardInvalid,
            "template cards are not emulated: the emulator holds no templates",
        ))
    } else {
        Card::<NoUpdateMulti>::from_json(&content)
            .map(|card| CheckedCard {
                shared: card.into_shared().is_ok(),
            })
            .map_err(|error| {
                ApiError::with_msg(
                    LarkCode::DelayedCardInvalid,
                    format!("the card is invalid: {error}"),
                )
            })
    };
    Ok(DelayedUpdate {
        token: token.to_owned(),
        content,
        card: checked,
        open_ids,
    })
}

/// The text of the body's `card`, exactly as sent.
fn raw_card(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct BodyText<'a> {
        #[serde(borrow)]
        card: Option<&'a RawValue>,
    }
    let body: BodyText<'_> = serde_json::from_slice(body).ok()?;
    Some(body.card?.get().to_owned())
}

pub(crate) fn control_router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Shared>: FromRef<S>,
    Arc<Delivery>: FromRef<S>,
{
    Router::new()
        .route("/apps/{app_id}/callback", post(set_callback))
        .route("/messages/{id}/actions", post(act))
        .route("/interactions", get(interactions))
}

/// `POST /__emulator/apps/{app_id}/callback` `{"url", "verification_token", "encrypt_key"?}`.
async fn set_callback(
    State(shared): State<Arc<Shared>>,
    Param(app_id): Param,
    JsonBody(app): JsonBody<CallbackApp>,
) -> Result<Response, Problem> {
    let mut state = shared.lock();
    if !state.has_app(&app_id) {
        return Err(EmulatorError::UnknownApp(app_id).into());
    }
    state.callbacks.set_app(&app_id, app);
    Ok(Json(json!({ "app_id": app_id })).into_response())
}

/// `POST /__emulator/messages/{id}/actions`: a simulated interaction (see [`Click`]).
async fn act(
    State(shared): State<Arc<Shared>>,
    State(delivery): State<Arc<Delivery>>,
    MessageParam(id): MessageParam,
    JsonBody(click): JsonBody<Click>,
) -> Result<Response, Problem> {
    let interaction = delivery.click(&shared, &id, click).await?;
    Ok(Json(interaction).into_response())
}

/// `GET /__emulator/interactions`.
async fn interactions(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.lock().callbacks.interactions()).into_response()
}

//! The emulator's own endpoints under `/__emulator`: what the library API offers, over HTTP,
//! so the binary is as useful to a test in another language as the library is to a Rust one.
//!
//! The endpoints are listed in the crate docs (`# The /__emulator endpoints`).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{JsonBody, MessageParam, Param, Problem};
use crate::errors::EmulatorError;
use crate::inspect::MessageState;
use crate::state::Shared;

pub(crate) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Shared>: FromRef<S>,
{
    Router::new()
        .route("/messages", get(list_messages).post(send_card))
        .route("/messages/{id}", get(message))
        .route("/messages/{id}/history", get(history))
        .route("/messages/{id}/recall", post(recall))
        .route("/messages/{id}/delete", post(delete))
        .route("/counts", get(counts))
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/clock/pause", post(pause))
        .route("/clock/resume", post(resume))
        .route("/tokens/revoke", post(revoke_tokens))
        .route("/apps", get(apps).post(add_app))
        .route("/apps/{app_id}/bot", post(set_bot))
        .route("/chats/{chat_id}/dissolve", post(dissolve_chat))
        .route("/chats/{chat_id}/bot", post(bot_in_chat))
        .route("/faults", get(faults).post(add_faults).delete(clear_faults))
}

type Answer = Result<Response, Problem>;

fn ok(value: impl serde::Serialize) -> Answer {
    Ok(Json(value).into_response())
}

async fn list_messages(State(shared): State<Arc<Shared>>) -> Answer {
    ok(shared.lock().messages())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendCard {
    chat_id: String,
    content: String,
    app_id: Option<String>,
}

async fn send_card(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<SendCard>,
) -> Answer {
    let id = shared.send_card(
        request.app_id.as_deref(),
        &request.chat_id,
        &request.content,
    )?;
    ok(json!({ "message_id": id }))
}

async fn message(State(shared): State<Arc<Shared>>, MessageParam(id): MessageParam) -> Answer {
    let view = shared.lock().message(&id);
    view.map_or_else(|| Err(EmulatorError::UnknownMessage(id).into()), ok)
}

async fn history(State(shared): State<Arc<Shared>>, MessageParam(id): MessageParam) -> Answer {
    let history = shared.lock().history(&id);
    history.map_or_else(|| Err(EmulatorError::UnknownMessage(id).into()), ok)
}

async fn recall(State(shared): State<Arc<Shared>>, MessageParam(id): MessageParam) -> Answer {
    shared.set_message_state(&id, MessageState::Recalled)?;
    ok(json!({ "message_id": id, "state": MessageState::Recalled }))
}

async fn delete(State(shared): State<Arc<Shared>>, MessageParam(id): MessageParam) -> Answer {
    shared.set_message_state(&id, MessageState::Deleted)?;
    ok(json!({ "message_id": id, "state": MessageState::Deleted }))
}

async fn counts(State(shared): State<Arc<Shared>>) -> Answer {
    ok(shared.lock().counts.clone())
}

fn clock_json(shared: &Shared) -> Value {
    json!({ "now_ms": shared.clock.now_ms(), "paused": shared.clock.is_paused() })
}

async fn clock(State(shared): State<Arc<Shared>>) -> Answer {
    ok(clock_json(&shared))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    ms: Option<u64>,
    seconds: Option<u64>,
}

async fn advance(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<Advance>,
) -> Answer {
    let by = match (request.ms, request.seconds) {
        (Some(ms), None) => Duration::from_millis(ms),
        (None, Some(seconds)) => Duration::from_secs(seconds),
        _ => {
            return Err(Problem::bad_request(
                "give exactly one of `ms` and `seconds`",
            ))
        }
    };
    shared.clock.advance(by);
    ok(clock_json(&shared))
}

async fn pause(State(shared): State<Arc<Shared>>) -> Answer {
    shared.clock.pause();
    ok(clock_json(&shared))
}

async fn resume(State(shared): State<Arc<Shared>>) -> Answer {
    shared.clock.resume();
    ok(clock_json(&shared))
}

async fn revoke_tokens(State(shared): State<Arc<Shared>>) -> Answer {
    shared.lock().tokens.revoke_all();
    ok(json!({ "revoked": true }))
}

async fn apps(State(shared): State<Arc<Shared>>) -> Answer {
    ok(shared.lock().app_ids())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddApp {
    app_id: String,
    app_secret: String,
}

async fn add_app(State(shared): State<Arc<Shared>>, JsonBody(request): JsonBody<AddApp>) -> Answer {
    shared.lock().add_app(&request.app_id, &request.app_secret);
    ok(json!({ "app_id": request.app_id }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetBot {
    enabled: bool,
}

async fn set_bot(
    State(shared): State<Arc<Shared>>,
    Param(app_id): Param,
    JsonBody(request): JsonBody<SetBot>,
) -> Answer {
    shared.set_bot_enabled(&app_id, request.enabled)?;
    ok(json!({ "app_id": app_id, "bot_enabled": request.enabled }))
}

async fn dissolve_chat(State(shared): State<Arc<Shared>>, Param(chat_id): Param) -> Answer {
    shared.lock().dissolve_chat(&chat_id);
    ok(json!({ "chat_id": chat_id, "dissolved": true }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BotInChat {
    app_id: String,
    present: bool,
}

async fn bot_in_chat(
    State(shared): State<Arc<Shared>>,
    Param(chat_id): Param,
    JsonBody(request): JsonBody<BotInChat>,
) -> Answer {
    shared.set_bot_in_chat(&request.app_id, &chat_id, request.present)?;
    ok(json!({ "chat_id": chat_id, "app_id": request.app_id, "present": request.present }))
}

async fn faults(State(shared): State<Arc<Shared>>) -> Answer {
    ok(shared.faults.pending())
}

/// `POST /__emulator/faults`: any of these fields, each adding to what is queued.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultRequest {
    latency_ms: Option<u64>,
    fail_next: Option<FailNext>,
    fail_after_next: Option<FailNext>,
    fail_fraction: Option<FailFraction>,
    drop_next: Option<u64>,
    invalidate_token_next: Option<u64>,
    rate_limit_app_next: Option<u64>,
    throttle_message_next: Option<u64>,
    error_next: Option<ErrorNext>,
    long_connection_noise_next: Option<u64>,
    withhold_pong_next: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailNext {
    count: u64,
    status: u16,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailFraction {
    p: f64,
    seed: u64,
    status: Option<u16>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorNext {
    count: u64,
    code: i64,
}

async fn add_faults(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<FaultRequest>,
) -> Answer {
    let faults = &shared.faults;
    if let Some(ms) = request.latency_ms {
        faults.latency(Duration::from_millis(ms));
    }
    if let Some(FailNext { count, status }) = request.fail_next {
        faults.fail_next(count, status);
    }
    if let Some(FailNext { count, status }) = request.fail_after_next {
        faults.fail_after_next(count, status);
    }
    if let Some(FailFraction { p, seed, status }) = request.fail_fraction {
        faults.fail_fraction_with_status(p, seed, status.unwrap_or(500));
    }
    if let Some(n) = request.drop_next {
        faults.drop_next(n);
    }
    if let Some(n) = request.invalidate_token_next {
        faults.invalidate_token_next(n);
    }
    if let Some(n) = request.rate_limit_app_next {
        faults.rate_limit_app_next(n);
    }
    if let Some(n) = request.throttle_message_next {
        faults.throttle_message_next(n);
    }
    if let Some(ErrorNext { count, code }) = request.error_next {
        faults.error_next(count, code);
    }
    if let Some(n) = request.long_connection_noise_next {
        faults.long_connection_noise_next(n);
    }
    if let Some(n) = request.withhold_pong_next {
        faults.withhold_pong_next(n);
    }
    ok(faults.pending())
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Answer {
    ok(shared.faults.clear().pending())
}

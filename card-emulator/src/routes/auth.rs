//! `POST /open-apis/auth/v3/tenant_access_token/internal`, and the bearer-token check every
//! other Lark endpoint starts with.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::extract::{Received, Refused};
use super::success_flat;
use crate::errors::ApiError;
use crate::state::Shared;
use lark_card::lark::{self, LarkCode};

/// Self-built app token: `{app_id, app_secret}` → `{"code":0,"msg":"ok","tenant_access_token",
/// "expire"}`, at the top level (not under `data`), as Lark answers.
pub(crate) async fn tenant_access_token(
    State(shared): State<Arc<Shared>>,
    received: Received,
) -> Result<Response, Refused> {
    let body = &received.body;
    let credentials = serde_json::from_slice::<Value>(&body.bytes)
        .ok()
        .filter(|_| body.complete && body.len == body.bytes.len());
    let field = |name: &str| {
        credentials
            .as_ref()
            .and_then(|c| c.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let (Some(app_id), Some(secret)) = (field("app_id"), field("app_secret")) else {
        return Err(received.refuse(ApiError::new(LarkCode::InvalidCredentials)));
    };
    let now = shared.clock.now_ms();
    let (token, expire) = shared
        .lock()
        .tenant_token(&app_id, &secret, now)
        .map_err(|error| received.refuse(error))?;
    Ok(success_flat(json!({
        "code": lark::SUCCESS,
        "msg": "ok",
        "tenant_access_token": token,
        "expire": expire,
    })))
}

/// The app behind the request's `Authorization: Bearer t-…`, or Lark's refusal:
/// 99991661 without a token, 99991671 for a token that is neither `t-` nor `u-`, 99991668 for
/// a user token (the emulator issues none), 99991663 for an unknown, expired or revoked tenant
/// token, and 99991663 on HTTP 200 when a test forced it.
pub(crate) fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    now: u64,
) -> Result<String, ApiError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|token| !token.is_empty())
        .ok_or_else(|| ApiError::new(LarkCode::TokenMissing))?;
    if shared.faults.take_token_invalidation() {
        // Lark's gateway has been seen answering a dropped token with HTTP 200.
        return Err(ApiError::new(LarkCode::TenantTokenInvalid).status(200));
    }
    if token.starts_with("u-") {
        return Err(ApiError::new(LarkCode::UserTokenInvalid));
    }
    if !token.starts_with("t-") {
        return Err(ApiError::new(LarkCode::TokenMalformed));
    }
    let state = shared.lock();
    state
        .tokens
        .check(token, now)
        .map(str::to_owned)
        .map_err(|_| ApiError::new(LarkCode::TenantTokenInvalid))
}

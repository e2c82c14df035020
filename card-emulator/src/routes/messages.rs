//! The message endpoints: send (`POST`), reply (`POST …/reply`), update a card (`PATCH`), edit
//! a text message (`PUT`).
//!
//! Each checks in the order Lark's stack does: the gateway first (token, app rate limit, bot
//! ability, path id), then the request body (size, shape), then the message itself (see
//! `State::update_card` for that order).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::auth::authenticate;
use super::extract::{Received, Refused};
use super::success;
use crate::body::ReadBody;
use crate::card::check_card;
use crate::errors::ApiError;
use crate::ids;
use crate::inspect::Endpoint;
use crate::limits::{MAX_CARD_BODY, MAX_TEXT_BODY};
use crate::state::{SendInput, Shared, RECEIVE_ID_TYPES};
use lark_card::lark::limits::MAX_UUID_CHARS;
use lark_card::lark::LarkCode;
use lark_card::MessageId;

/// `POST /open-apis/im/v1/messages?receive_id_type=…`.
pub(crate) async fn send(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, Refused> {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let data = send_message(&shared, &headers, &query, &received.body)
        .map_err(|error| received.refuse(error))?;
    Ok(success("success", data))
}

fn send_message(
    shared: &Shared,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    body: &ReadBody,
) -> Result<Value, ApiError> {
    let now = shared.clock.now_ms();
    let app_id = authenticate(shared, headers, now)?;
    shared
        .lock()
        .gate(&app_id, Endpoint::SendMessage, now, &shared.faults)?;

    let receive_id_type = query
        .get("receive_id_type")
        .filter(|t| RECEIVE_ID_TYPES.contains(&t.as_str()))
        .ok_or_else(|| {
            ApiError::new(LarkCode::FieldValidationFailed).field_violation(
                "receive_id_type",
                "receive_id_type is required: one of open_id, union_id, user_id, email, chat_id",
            )
        })?
        .clone();

    let fields = message_fields(body)?;
    let receive_id = string_field(&fields, "receive_id")?;
    let input = send_input(body, &fields, app_id, receive_id_type, receive_id)?;
    shared
        .lock()
        .send(input, now, Some(&shared.faults))
        .map(|(_, data)| data)
}

/// The body of a send or a reply: a JSON object within the text limit (230025).
fn message_fields(body: &ReadBody) -> Result<Map<String, Value>, ApiError> {
    if body.len > MAX_TEXT_BODY {
        return Err(ApiError::new(LarkCode::ContentTooLong));
    }
    json_object(body)
}

/// What a send and a reply share: `msg_type`, `content` and `uuid`, a card or post within 30
/// KB (230025), and a card checked before taking the lock (the only slow step).
fn send_input(
    body: &ReadBody,
    fields: &Map<String, Value>,
    app_id: String,
    receive_id_type: String,
    receive_id: String,
) -> Result<SendInput, ApiError> {
    let msg_type = string_field(fields, "msg_type")?;
    let content = string_field(fields, "content")?;
    let uuid = uuid_field(fields)?;
    if matches!(msg_type.as_str(), "interactive" | "post") && body.len > MAX_CARD_BODY {
        return Err(ApiError::new(LarkCode::ContentTooLong));
    }
    let card = (msg_type == "interactive").then(|| check_card(&content));
    Ok(SendInput {
        app_id,
        receive_id_type,
        receive_id,
        msg_type,
        content,
        uuid,
        card,
        parent_id: None,
    })
}

/// `POST /open-apis/im/v1/messages/:message_id/reply`: a message in the chat of the message
/// replied to, with the same `content` forms as a send (a card JSON, or a card entity's
/// `{"type":"card","data":{"card_id":…}}`); `reply_in_thread` is accepted and ignored.
pub(crate) async fn reply(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refused> {
    let id = path.map(|Path(id)| id).unwrap_or_default();
    let data = reply_message(&shared, &headers, &id, &received.body)
        .map_err(|error| received.refuse(error))?;
    Ok(success("success", data))
}

fn reply_message(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
    body: &ReadBody,
) -> Result<Value, ApiError> {
    let (app_id, id, now) = gate_message(shared, headers, Endpoint::ReplyMessage, id)?;
    let fields = message_fields(body)?;
    // The reply goes to the chat of the message replied to, which the state knows.
    let input = send_input(body, &fields, app_id, String::new(), String::new())?;
    shared.lock().reply(input, &id, now, &shared.faults)
}

/// The optional `uuid` of a send or reply.
fn uuid_field(fields: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    match fields.get("uuid") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(uuid)) if uuid.chars().count() <= MAX_UUID_CHARS => {
            Ok(Some(uuid.clone()))
        }
        Some(_) => Err(ApiError::with_ext(
            LarkCode::InvalidParameter,
            format!("uuid must be a string of at most {MAX_UUID_CHARS} characters"),
        )),
    }
}

/// `PATCH /open-apis/im/v1/messages/:message_id`: replaces a shared card.
pub(crate) async fn update_card(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refused> {
    let id = path.map(|Path(id)| id).unwrap_or_default();
    patch_message(&shared, &headers, &id, &received.body)
        .map_err(|error| received.refuse(error))?;
    Ok(success("ok", json!({})))
}

fn patch_message(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
    body: &ReadBody,
) -> Result<(), ApiError> {
    let (app_id, id, now) = gate_message(shared, headers, Endpoint::UpdateCard, id)?;
    // Lark measures the request body, not the card: `{"content":"…"}` with its escapes.
    if body.len > MAX_CARD_BODY {
        return Err(ApiError::new(LarkCode::ContentTooLong));
    }
    let content = update_body(body)?;
    let card = check_card(&content);
    shared
        .lock()
        .update_card(&app_id, &id, content, card, now, &shared.faults)
}

/// `PUT /open-apis/im/v1/messages/:message_id`: edits text and post messages only.
pub(crate) async fn edit(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refused> {
    let id = path.map(|Path(id)| id).unwrap_or_default();
    let data = edit_message(&shared, &headers, &id, &received.body)
        .map_err(|error| received.refuse(error))?;
    Ok(success("success", data))
}

fn edit_message(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
    body: &ReadBody,
) -> Result<Value, ApiError> {
    let (app_id, id, now) = gate_message(shared, headers, Endpoint::EditMessage, id)?;
    if body.len > MAX_TEXT_BODY {
        return Err(ApiError::new(LarkCode::ContentTooLong));
    }
    let fields = json_object(body)?;
    let msg_type = string_field(&fields, "msg_type")?;
    let content = string_field(&fields, "content")?;
    shared.lock().edit(&app_id, &id, &msg_type, content, now)
}

/// The checks before a request on a message is read: the token, the app's limits on the
/// endpoint (and forced faults), then the path's message id; answers the app, the id and now.
fn gate_message(
    shared: &Shared,
    headers: &HeaderMap,
    endpoint: Endpoint,
    id: &str,
) -> Result<(String, MessageId, u64), ApiError> {
    let now = shared.clock.now_ms();
    let app_id = authenticate(shared, headers, now)?;
    shared.lock().gate(&app_id, endpoint, now, &shared.faults)?;
    Ok((app_id, check_message_id(id)?, now))
}

/// 99992354 for a path id that is no message id at all (a callback token `c-…`, say): Lark's
/// gateway cannot even look it up.
fn check_message_id(id: &str) -> Result<MessageId, ApiError> {
    if let Some(id) = ids::parse_message_id(id) {
        return Ok(id);
    }
    let shown: String = id.chars().take(100).collect();
    Err(ApiError::with_msg(
        LarkCode::MessageNotFound,
        format!("these ids not existed: [{shown}]"),
    ))
}

/// The body as a JSON object, or 230001.
fn json_object(body: &ReadBody) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(&body.bytes) {
        Ok(Value::Object(fields)) if body.complete && body.len == body.bytes.len() => Ok(fields),
        Ok(_) => Err(ApiError::with_ext(
            LarkCode::InvalidParameter,
            "the request body must be a JSON object",
        )),
        Err(error) => Err(ApiError::with_ext(
            LarkCode::InvalidParameter,
            format!("the request body is not JSON: {error}"),
        )),
    }
}

/// A required string field, or 230001 naming it.
fn string_field(fields: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match fields.get(name) {
        Some(Value::String(value)) => Ok(value.clone()),
        Some(other) => Err(ApiError::with_ext(
            LarkCode::InvalidParameter,
            format!("{name} must be a string, found {}", kind(other)),
        )
        .field_violation(name, "must be a string")),
        None => Err(
            ApiError::with_ext(LarkCode::InvalidParameter, format!("{name} is required"))
                .field_violation(name, "is required"),
        ),
    }
}

/// The body of an update: exactly `{"content": "<card JSON as a string>"}`.
fn update_body(body: &ReadBody) -> Result<String, ApiError> {
    let fields = json_object(body)?;
    if let Some(extra) = fields.keys().find(|key| *key != "content") {
        return Err(ApiError::with_ext(
            LarkCode::InvalidParameter,
            format!(
                "unknown field `{extra}`: the body of an update is exactly {{\"content\": \"<card JSON as a string>\"}} (no msg_type)"
            ),
        )
        .field_violation(extra, "unknown field"));
    }
    match fields.get("content") {
        Some(Value::String(content)) => Ok(content.clone()),
        Some(other) => Err(ApiError::with_ext(
            LarkCode::InvalidParameter,
            format!(
                "content must be a string (the card JSON serialized once more), found {}",
                kind(other)
            ),
        )
        .field_violation("content", "must be a string")),
        None => Err(
            ApiError::with_ext(LarkCode::InvalidParameter, "content is required")
                .field_violation("content", "is required"),
        ),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

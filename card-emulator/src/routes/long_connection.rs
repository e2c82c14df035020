//! The long connection: its endpoint (`POST /callback/ws/endpoint`), the WebSocket the URL it
//! answers opens (`GET /ws/v2?…&ticket=…`), and the emulator's control endpoints for it (see
//! [`crate::long_connections`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRef, Query, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use lark_card::lark::long_connection::TYPE_PING;
use lark_card::lark::{self, LarkCode};
use lark_card::long_connection::{Frame, METHOD_CONTROL, METHOD_DATA};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{JsonBody, Param, Problem, Received};
use super::with_code;
use crate::callbacks::UserMessage;
use crate::delivery::{message_event, Delivery};
use crate::hub::{Outgoing, Registration};
use crate::long_connections::Ticket;
use crate::state::Shared;

/// Where the WebSocket is served.
pub(crate) const WS_PATH: &str = "/ws/v2";

/// Lark's routes of the long connection.
pub(crate) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Shared>: FromRef<S>,
    Arc<Delivery>: FromRef<S>,
{
    Router::new()
        .route("/callback/ws/endpoint", post(endpoint))
        .route(WS_PATH, get(connect))
}

/// The emulator's control routes for the long connection (under `/__emulator`).
pub(crate) fn control_router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Shared>: FromRef<S>,
    Arc<Delivery>: FromRef<S>,
{
    Router::new()
        .route("/long_connection", get(settings).post(change_settings))
        .route("/apps/{app_id}/long_connection/close", post(close))
        .route("/apps/{app_id}/events", post(push_event))
        .route("/apps/{app_id}/user_messages", post(push_user_message))
        .route("/events", get(events))
}

/// The endpoint's answer: always HTTP 200, `{"code","msg","data"}`.
fn answer(code: i64, msg: &str, data: Value) -> Response {
    with_code(
        Json(json!({ "code": code, "msg": msg, "data": data })).into_response(),
        code,
    )
}

/// `POST /callback/ws/endpoint` `{"AppID","AppSecret"}`.
async fn endpoint(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    received: Received,
) -> Response {
    #[derive(Deserialize)]
    struct Credentials {
        #[serde(rename = "AppID", default)]
        app_id: String,
        #[serde(rename = "AppSecret", default)]
        app_secret: String,
    }
    let credentials = serde_json::from_slice::<Credentials>(&received.body.bytes)
        .ok()
        .filter(|c| !c.app_id.is_empty() && !c.app_secret.is_empty());
    let Some(credentials) = credentials else {
        return answer(
            LarkCode::LongConnectionNoCredential.code(),
            "AppID and AppSecret are required",
            Value::Null,
        );
    };
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned();
    let mut state = shared.lock();
    if state.long_connections.take_busy() {
        return answer(
            LarkCode::LongConnectionBusy.code(),
            "system busy",
            Value::Null,
        );
    }
    if !state.app_secret_is(&credentials.app_id, &credentials.app_secret) {
        return answer(
            LarkCode::LongConnectionAuthFailed.code(),
            "auth failed",
            Value::Null,
        );
    }
    let rng = &mut state.rng;
    let ticket = rng.hex(32);
    let device_id = (rng.next_u64() >> 1).to_string();
    let service_id = i32::try_from(rng.next_u64() % 1_000_000).unwrap_or(1);
    let access_key = rng.hex(32);
    state.long_connections.issue_ticket(
        &ticket,
        Ticket {
            app_id: credentials.app_id,
            device_id: device_id.clone(),
            service_id,
        },
    );
    let url = format!(
        "ws://{host}{WS_PATH}?fpid=493&device_id={device_id}&access_key={access_key}\
         &service_id={service_id}&ticket={ticket}"
    );
    let config = state.long_connections.settings.client_config;
    answer(
        lark::SUCCESS,
        "ok",
        json!({ "URL": url, "ClientConfig": config }),
    )
}

/// A refused handshake, as Lark refuses one: HTTP 403 and the `Handshake-*` headers.
fn refuse_handshake(status: LarkCode, msg: &str, auth_code: Option<LarkCode>) -> Response {
    let mut response = (StatusCode::FORBIDDEN, msg.to_owned()).into_response();
    let headers = response.headers_mut();
    headers.insert("Handshake-Status", HeaderValue::from(status.code()));
    if let Ok(msg) = HeaderValue::from_str(msg) {
        headers.insert("Handshake-Msg", msg);
    }
    if let Some(code) = auth_code {
        headers.insert("Handshake-Autherrcode", HeaderValue::from(code.code()));
    }
    with_code(response, status.code())
}

/// `GET /ws/v2?device_id=…&service_id=…&ticket=…`: the WebSocket.
async fn connect(
    State(shared): State<Arc<Shared>>,
    State(delivery): State<Arc<Delivery>>,
    Query(query): Query<HashMap<String, String>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let ticket = query
        .get("ticket")
        .and_then(|ticket| shared.lock().long_connections.take_ticket(ticket));
    let Some(ticket) = ticket.filter(|t| {
        query.get("device_id") == Some(&t.device_id)
            && query.get("service_id") == Some(&t.service_id.to_string())
    }) else {
        return refuse_handshake(
            LarkCode::LongConnectionForbidden,
            "invalid or used ticket: ask POST /callback/ws/endpoint for a new URL",
            None,
        );
    };
    let Ok((registration, outgoing)) = delivery.hub.register(&ticket.app_id, ticket.service_id)
    else {
        return refuse_handshake(
            LarkCode::LongConnectionAuthFailed,
            "exceed connection limit",
            Some(LarkCode::LongConnectionLimit),
        );
    };
    upgrade
        .on_upgrade(move |socket| serve(socket, registration, outgoing, shared, delivery))
        .into_response()
}

/// One connection, until either side closes it; dropping the registration at the end tells
/// the hub at once.
async fn serve(
    mut socket: WebSocket,
    registration: Registration,
    mut outgoing: tokio::sync::mpsc::UnboundedReceiver<Outgoing>,
    shared: Arc<Shared>,
    delivery: Arc<Delivery>,
) {
    loop {
        tokio::select! {
            received = socket.recv() => match received {
                Some(Ok(Message::Binary(bytes))) => {
                    if let Some(reply) = receive(&bytes, &shared, &delivery) {
                        if socket.send(Message::Binary(reply.into())).await.is_err() {
                            break;
                        }
                    }
                }
                // Text frames are not the protocol's: ignored, as the SDKs ignore them.
                Some(Ok(Message::Text(_) | Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
            },
            next = outgoing.recv() => match next {
                Some(Outgoing::Frame(frame)) => {
                    if socket.send(Message::Binary(frame.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Text(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close) | None => {
                    let _ = socket.send(Message::Close(None)).await;
                    break;
                }
            },
        }
    }
    drop(registration);
}

/// A binary message from a client: a ping is answered with a pong carrying the
/// `ClientConfig`; a data frame is an answer; anything else is ignored.
fn receive(bytes: &[u8], shared: &Shared, delivery: &Delivery) -> Option<Vec<u8>> {
    let frame = match Frame::decode(bytes) {
        Ok(frame) => frame,
        Err(error) => {
            tracing::debug!(%error, "an undecodable frame, ignored");
            return None;
        }
    };
    match (frame.method, frame.kind()) {
        (METHOD_CONTROL, Some(TYPE_PING)) => {
            if shared.faults.take_withheld_pong() {
                tracing::debug!("a ping left without its pong (fault injection)");
                return None;
            }
            let config = shared.lock().long_connections.settings.client_config;
            Some(Frame::pong(frame.service, &config).encode())
        }
        (METHOD_DATA, _) => {
            delivery.hub.answer(frame);
            None
        }
        _ => None,
    }
}

/// `POST /__emulator/long_connection`: any of `ping_interval`, `reconnect_count`,
/// `reconnect_interval`, `reconnect_nonce` (seconds), `fragment_size` (bytes, `null` for
/// none), `busy_next`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeSettings {
    ping_interval: Option<u64>,
    reconnect_count: Option<i64>,
    reconnect_interval: Option<u64>,
    reconnect_nonce: Option<u64>,
    #[serde(default, deserialize_with = "present")]
    fragment_size: Option<Option<usize>>,
    busy_next: Option<u64>,
}

/// A field that may be `null`: `Some(None)` then, `None` when left out.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<usize>>, D::Error> {
    Option::<usize>::deserialize(d).map(Some)
}

async fn settings(
    State(shared): State<Arc<Shared>>,
    State(delivery): State<Arc<Delivery>>,
) -> Response {
    let state = shared.lock();
    let connections: HashMap<String, usize> = state
        .app_ids()
        .into_iter()
        .map(|app| {
            let n = delivery.hub.count(&app);
            (app, n)
        })
        .collect();
    Json(json!({
        "settings": state.long_connections.settings,
        "connections": connections,
    }))
    .into_response()
}

async fn change_settings(
    State(shared): State<Arc<Shared>>,
    JsonBody(change): JsonBody<ChangeSettings>,
) -> Response {
    let mut state = shared.lock();
    let settings = &mut state.long_connections.settings;
    let config = &mut settings.client_config;
    if let Some(secs) = change.ping_interval {
        config.ping_interval = Duration::from_secs(secs.max(1));
    }
    if let Some(count) = change.reconnect_count {
        config.reconnect_count = count;
    }
    if let Some(secs) = change.reconnect_interval {
        config.reconnect_interval = Duration::from_secs(secs);
    }
    if let Some(secs) = change.reconnect_nonce {
        config.reconnect_nonce = Duration::from_secs(secs);
    }
    if let Some(size) = change.fragment_size {
        settings.fragment_size = size.filter(|s| *s > 0);
    }
    if let Some(n) = change.busy_next {
        settings.busy_next = settings.busy_next.saturating_add(n);
    }
    Json(json!({ "settings": settings })).into_response()
}

/// `POST /__emulator/apps/{app_id}/long_connection/close`: closes the app's connections.
async fn close(State(delivery): State<Arc<Delivery>>, Param(app_id): Param) -> Response {
    let closed = delivery.hub.close(Some(&app_id));
    Json(json!({ "app_id": app_id, "closed": closed })).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PushEvent {
    event_type: String,
    event: Value,
}

/// `POST /__emulator/apps/{app_id}/events` `{"event_type", "event"}`.
async fn push_event(
    State(shared): State<Arc<Shared>>,
    State(delivery): State<Arc<Delivery>>,
    Param(app_id): Param,
    JsonBody(request): JsonBody<PushEvent>,
) -> Result<Response, Problem> {
    let pushed = delivery
        .push_event(&shared, &app_id, &request.event_type, request.event)
        .await?;
    Ok(Json(pushed).into_response())
}

/// `POST /__emulator/apps/{app_id}/user_messages` ([`UserMessage`]).
async fn push_user_message(
    State(shared): State<Arc<Shared>>,
    State(delivery): State<Arc<Delivery>>,
    Param(app_id): Param,
    JsonBody(message): JsonBody<UserMessage>,
) -> Result<Response, Problem> {
    let now = shared.clock.now_ms();
    let event = message_event(&mut shared.lock().rng, &message, now);
    let pushed = delivery
        .push_event(&shared, &app_id, "im.message.receive_v1", event)
        .await?;
    Ok(Json(pushed).into_response())
}

/// `GET /__emulator/events`.
async fn events(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.lock().long_connections.events()).into_response()
}

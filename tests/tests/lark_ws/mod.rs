//! Lark's side of the long connection, over real sockets on loopback, until the emulator has
//! it: a plain axum router answering the endpoint's documented JSON (and refusing an upgrade
//! as Lark refuses the 51st connection), and a WebSocket listener the test drives frame by
//! frame. Each test binary uses a part of it.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use lark_card::client::Client;
use lark_card::long_connection::{ClientConfig, Frame, Header, METHOD_CONTROL, METHOD_DATA};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

pub const APP_ID: &str = "cli_a1b2c3d4e5f60718";
pub const SECRET: &str = "s3cret-of-the-app";

/// What the endpoint answers next.
#[derive(Clone)]
pub enum Reply {
    /// The URL of the WebSocket listener and a ClientConfig.
    Url,
    /// A code.
    Code(i64),
}

/// What the endpoint received: the `locale` header and the body of each request.
pub type Requests = Arc<Mutex<Vec<(Option<String>, Value)>>>;

#[derive(Clone)]
pub struct Lark {
    pub ws_url: String,
    pub replies: Arc<Mutex<Vec<Reply>>>,
    pub hits: Arc<AtomicUsize>,
    pub bodies: Requests,
}

pub async fn endpoint(
    State(lark): State<Lark>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Json<Value> {
    lark.hits.fetch_add(1, Ordering::SeqCst);
    let locale = headers
        .get("locale")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    lark.bodies.lock().unwrap().push((locale, body));
    let reply = {
        let mut replies = lark.replies.lock().unwrap();
        if replies.len() > 1 {
            replies.remove(0)
        } else {
            replies[0].clone()
        }
    };
    Json(match reply {
        Reply::Url => json!({"code": 0, "msg": "ok", "data": {
            "URL": lark.ws_url,
            "ClientConfig": {"ReconnectCount": 3, "ReconnectInterval": 0, "ReconnectNonce": 0, "PingInterval": 60}
        }}),
        Reply::Code(code) => json!({"code": code, "msg": "refused"}),
    })
}

/// A WebSocket upgrade refused as Lark refuses the 51st connection.
pub async fn refused_upgrade() -> impl IntoResponse {
    (
        StatusCode::from_u16(514).unwrap(),
        [
            ("handshake-status", "514"),
            ("handshake-msg", "exceed conn limit"),
            ("handshake-autherrcode", "1000040350"),
        ],
    )
}

/// Starts the endpoint (and a WebSocket listener unless `ws_url` is given).
pub async fn start_lark(
    replies: Vec<Reply>,
    ws_url: Option<String>,
) -> (Lark, String, Option<TcpListener>) {
    let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", http.local_addr().unwrap());
    let (ws_url, listener) = match ws_url {
        Some(url) => (url.replace("{base}", &base.replace("http", "ws")), None),
        None => {
            let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!(
                "ws://{}/ws/v2?device_id=dev-1&service_id=42&access_key=k3y&ticket=t1ck3t",
                ws.local_addr().unwrap()
            );
            (url, Some(ws))
        }
    };
    let lark = Lark {
        ws_url,
        replies: Arc::new(Mutex::new(replies)),
        hits: Arc::default(),
        bodies: Arc::default(),
    };
    let router = Router::new()
        .route("/callback/ws/endpoint", post(endpoint))
        .route("/refused", get(refused_upgrade))
        .with_state(lark.clone());
    tokio::spawn(async move { axum::serve(http, router).await });
    (lark, base, listener)
}

pub fn client(base: &str) -> Client {
    Client::builder()
        .app(APP_ID, SECRET)
        .base_url(base)
        .build()
        .unwrap()
}

pub fn fast() -> ClientConfig {
    ClientConfig::new(Duration::from_secs(60), 3, Duration::ZERO, Duration::ZERO)
}

pub type Ws = WebSocketStream<TcpStream>;

pub async fn accept(listener: &TcpListener) -> Ws {
    let (stream, _) = tokio::time::timeout(Duration::from_secs(10), listener.accept())
        .await
        .expect("the client connects")
        .unwrap();
    tokio_tungstenite::accept_async(stream).await.unwrap()
}

/// The next frame the client sends, pings skipped unless asked for.
pub async fn next_frame(ws: &mut Ws, pings: bool) -> Frame {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a frame in time");
        let Some(Ok(Message::Binary(bytes))) = message else {
            panic!("not a binary message: {message:?}");
        };
        let frame = Frame::decode(&bytes).unwrap();
        if pings || frame.method != METHOD_CONTROL {
            return frame;
        }
    }
}

pub fn event_frame(seq_id: u64, message_id: &str, sum: usize, seq: usize, payload: &[u8]) -> Frame {
    Frame {
        seq_id,
        log_id: (1 << 60) + seq_id,
        service: 42,
        method: METHOD_DATA,
        headers: vec![
            Header::new("type", "event"),
            Header::new("message_id", message_id),
            Header::new("sum", sum.to_string()),
            Header::new("seq", seq.to_string()),
            Header::new("trace_id", "trace"),
        ],
        payload: Some(payload.to_vec()),
        ..Frame::default()
    }
}

pub fn click(id: &str, action: &str) -> Vec<u8> {
    json!({"schema": "2.0", "header": {"event_id": id, "event_type": "card.action.trigger", "app_id": APP_ID},
        "event": {"operator": {"open_id": "ou_ann"}, "token": "c-token",
        "action": {"tag": "button", "value": {"action": action}},
        "context": {"open_message_id": "om_1", "open_chat_id": "oc_1"}}})
    .to_string()
    .into_bytes()
}

pub async fn send(ws: &mut Ws, frame: &Frame) {
    ws.send(Message::Binary(frame.encode().into()))
        .await
        .unwrap();
}

/// The answer's code and its decoded data.
pub fn answer_of(frame: &Frame) -> (i64, Option<String>) {
    let payload: Value = serde_json::from_slice(frame.payload.as_deref().unwrap()).unwrap();
    let data = payload["data"].as_str().map(|data| {
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .unwrap(),
        )
        .unwrap()
    });
    (payload["code"].as_i64().unwrap(), data)
}

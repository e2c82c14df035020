//! The long connection's client (feature `long-connection`), until the emulator has Lark's
//! long connection: the frame codec against bytes made and read by Lark's official Python
//! SDK; and the client over real sockets on loopback against a fixture that plays Lark's
//! side (a plain axum router answering the endpoint's documented JSON, and a WebSocket
//! speaking `pbbp2.Frame`): a click answered on the same connection, fragments, concurrent
//! handlers, text and garbage survived, a `card` frame dropped, a failing handler answered
//! 500, reconnection after a drop and after 'system busy', client errors that stop at once,
//! graceful shutdown.

mod lark_ws;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use card_test_support::PYTHON_LARK_OAPI;
use futures_util::{SinkExt, StreamExt};
use lark_card::callback::{Answer, CardAction, Toast};
use lark_card::client::Client;
use lark_card::lark::LarkCode;
use lark_card::long_connection::{
    answer_payload, AnswerPayload, Frame, Header, LongConnection, LongConnectionError,
    MessageReceived, METHOD_CONTROL, METHOD_DATA,
};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use lark_ws::{
    accept, answer_of, click, client, event_frame, fast, next_frame, send, start_lark, Reply,
    APP_ID, SECRET,
};

// ---------------------------------------------------------------------------------------
// The codec against Lark's Python SDK.

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Runs a Python script with Lark's SDK; `None` (after the workspace's notice) without it.
fn python(script: &str, args: &[&str]) -> Option<String> {
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output();
    match output {
        Ok(output) if output.status.success() => {
            Some(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Ok(output) => {
            let why = String::from_utf8_lossy(&output.stderr).into_owned();
            if why.contains("ModuleNotFoundError") {
                PYTHON_LARK_OAPI.missing("the frame codec cross-checks", &why);
                None
            } else {
                panic!("the Python script failed: {why}");
            }
        }
        Err(why) => {
            PYTHON_LARK_OAPI.missing("the frame codec cross-checks", &why.to_string());
            None
        }
    }
}

const PYTHON_FRAMES: &str = r#"
import base64
from lark_oapi.ws.client import _new_ping_frame
from lark_oapi.ws.model import Response
from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from lark_oapi.core.json import JSON
print(_new_ping_frame(33554678).SerializeToString().hex())
f = Frame(); f.SeqID = 7; f.LogID = 2**60 + 3; f.service = 33554678; f.method = 1
for k, v in [("type", "event"), ("message_id", "m1"), ("sum", "1"), ("seq", "0"), ("trace_id", "t1")]:
    h = f.headers.add(); h.key = k; h.value = v
f.payload = '{"schema":"2.0","header":{"event_type":"x"}}'.encode()
f.payload_type = "json"; f.LogIDNew = "new-log"
print(f.SerializeToString().hex())
r = Response(code=200); r.data = base64.b64encode(b'{"toast":{"type":"info","content":"hi"}}')
print(JSON.marshal(r))
"#;

const PYTHON_READ: &str = r#"
import json, sys
f = Frame(); f.ParseFromString(bytes.fromhex(sys.argv[1]))
print(json.dumps({"SeqID": f.SeqID, "LogID": str(f.LogID), "service": f.service, "method": f.method,
  "headers": [[h.key, h.value] for h in f.headers], "payload": f.payload.decode(),
  "LogIDNew": f.LogIDNew}))
"#;

/// The event frame the Python script writes, made here.
fn event_like_pythons() -> Frame {
    Frame {
        seq_id: 7,
        log_id: (1 << 60) + 3,
        service: 33554678,
        method: METHOD_DATA,
        headers: [
            ("type", "event"),
            ("message_id", "m1"),
            ("sum", "1"),
            ("seq", "0"),
            ("trace_id", "t1"),
        ]
        .into_iter()
        .map(|(k, v)| Header::new(k, v))
        .collect(),
        payload_type: Some("json".into()),
        payload: Some(br#"{"schema":"2.0","header":{"event_type":"x"}}"#.to_vec()),
        log_id_new: Some("new-log".into()),
        ..Frame::default()
    }
}

#[test]
fn frames_are_the_bytes_lark_python_sdk_makes_and_reads() {
    let answer = r#"{"toast":{"type":"info","content":"hi"}}"#;
    // Our answer to the event, for the SDK to read (one Python run: importing the SDK is slow).
    let reply = event_like_pythons().answer(12, answer_payload(200, Some(answer)));
    let script = format!("{PYTHON_FRAMES}{PYTHON_READ}");
    let Some(out) = python(&script, &[&hex(&reply.encode())]) else {
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    // The SDK's own ping, byte for byte.
    assert_eq!(hex(&Frame::ping(33554678).encode()), lines[0]);

    // An event frame the SDK wrote, read; and written again, the same bytes.
    let event = Frame::decode(&unhex(lines[1])).expect("a frame");
    assert_eq!(event, event_like_pythons());
    assert_eq!((event.seq_id, event.log_id), (7, (1 << 60) + 3));
    assert_eq!(event.kind(), Some("event"));
    assert_eq!(event.header("trace_id"), Some("t1"));
    assert_eq!(hex(&event.encode()), lines[1]);

    // The answer payload: the same JSON as the SDK's.
    let ours: Value = serde_json::from_slice(&answer_payload(200, Some(answer))).expect("json");
    let theirs: Value = serde_json::from_str(lines[2]).expect("json");
    assert_eq!(ours, theirs);
    let read = AnswerPayload::parse(lines[2].as_bytes()).expect("the SDK's answer reads");
    assert_eq!(
        (read.code, read.data),
        (200, Some(answer.as_bytes().to_vec()))
    );

    // The answer frame, read by the SDK: the same frame, `biz_rt` added, the payload.
    let read: Value = serde_json::from_str(lines[3]).expect("json");
    assert_eq!(read["SeqID"], 7);
    assert_eq!(read["LogID"], ((1u64 << 60) + 3).to_string());
    assert_eq!(read["method"], 1);
    assert_eq!(read["LogIDNew"], "new-log");
    assert_eq!(read["headers"][0], json!(["type", "event"]));
    assert_eq!(read["headers"][5], json!(["biz_rt", "12"]));
    let payload: Value =
        serde_json::from_str(read["payload"].as_str().expect("text")).expect("json");
    assert_eq!(payload, theirs);
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for bytes in [&b"\xff\xff\xff"[..], b"\x0a\x05ab", b"\x2a\x80"] {
        assert!(Frame::decode(bytes).is_err(), "{bytes:?}");
    }
    // A frame with only what a peer must send reads with defaults.
    assert_eq!(Frame::decode(b"").map(|f| f.payload), Ok(None));
}

/// The one handler: the same `async fn` the HTTP `Receiver` takes.
async fn on_click(action: CardAction) -> Answer {
    let value = action.action.raw_value()["action"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if value == "slow" {
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    Answer::new().toast(Toast::success(format!(
        "{value} by {}",
        action.operator.open_id
    )))
}

#[test]
fn one_handler_serves_both_transports() {
    let _http = lark_card::callback::Receiver::builder()
        .verification_token("vt")
        .build(on_click)
        .unwrap();
    let _ws = LongConnection::builder(&client("http://127.0.0.1:1"))
        .on_card_action(on_click)
        .build()
        .unwrap();
}

#[tokio::test]
async fn clicks_fragments_and_events_are_answered_on_the_same_connection() {
    let (lark, base, listener) = start_lark(vec![Reply::Url], None).await;
    let listener = listener.unwrap();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let seen = messages.clone();
    let running = LongConnection::builder(&client(&base))
        .on_card_action(on_click)
        .on_message(move |message: MessageReceived| {
            let seen = seen.clone();
            async move {
                let text = message.message.text().unwrap_or_default();
                assert_ne!(text, "panic", "the handler fails");
                seen.lock().unwrap().push(text);
            }
        })
        .client_config(fast())
        .build()
        .unwrap()
        .spawn();
    let mut ws = accept(&listener).await;

    // The endpoint got the credentials and `locale: zh`.
    let (locale, body) = lark.bodies.lock().unwrap()[0].clone();
    assert_eq!(locale.as_deref(), Some("zh"));
    assert_eq!(body, json!({"AppID": APP_ID, "AppSecret": SECRET}));

    // A ping first, of the URL's service.
    let ping = next_frame(&mut ws, true).await;
    assert_eq!(
        (ping.method, ping.kind(), ping.service),
        (METHOD_CONTROL, Some("ping"), 42)
    );
    // A pong's config is applied.
    let pong = Frame {
        service: 42,
        method: METHOD_CONTROL,
        headers: vec![Header::new("type", "pong")],
        payload: Some(br#"{"PingInterval":7,"ReconnectCount":5}"#.to_vec()),
        ..Frame::default()
    };
    send(&mut ws, &pong).await;

    // Text, garbage, and a `card` frame are survived and not answered.
    ws.send(Message::Text("hello".into())).await.unwrap();
    ws.send(Message::Binary(vec![0xff, 0xff, 0xff].into()))
        .await
        .unwrap();
    let mut card = event_frame(1, "card-1", 1, 0, &click("e0", "approve"));
    card.headers[0] = Header::new("type", "card");
    send(&mut ws, &card).await;

    // A click in two fragments, the last first: one answer, the frame echoed.
    let whole = click("e1", "approve");
    let (a, b) = whole.split_at(whole.len() / 2);
    send(&mut ws, &event_frame(2, "msg-2", 2, 1, b)).await;
    send(&mut ws, &event_frame(2, "msg-2", 2, 0, a)).await;
    let answer = next_frame(&mut ws, false).await;
    assert_eq!(
        (answer.seq_id, answer.log_id, answer.method),
        (2, (1 << 60) + 2, METHOD_DATA)
    );
    assert_eq!(answer.header("message_id"), Some("msg-2"));
    assert!(answer
        .header("biz_rt")
        .is_some_and(|ms| ms.parse::<u64>().is_ok()));
    let expected =
        on_click(CardAction::from_json(std::str::from_utf8(&whole).unwrap()).unwrap()).await;
    assert_eq!(answer_of(&answer), (200, Some(expected.to_json().unwrap())));
    assert_eq!(running.config().ping_interval, Duration::from_secs(7));
    assert_eq!(running.config().reconnect_count, 5);

    // Handlers run concurrently: a slow click does not hold a quick one.
    send(
        &mut ws,
        &event_frame(3, "msg-3", 1, 0, &click("e3", "slow")),
    )
    .await;
    send(
        &mut ws,
        &event_frame(4, "msg-4", 1, 0, &click("e4", "quick")),
    )
    .await;
    let first = next_frame(&mut ws, false).await;
    let second = next_frame(&mut ws, false).await;
    assert_eq!((first.seq_id, second.seq_id), (4, 3));

    // A message to the bot, typed; another event, acknowledged; a failing handler, 500.
    let message = |id: &str, text: &str| {
        json!({"schema": "2.0", "header": {"event_id": id, "event_type": "im.message.receive_v1"},
            "event": {"sender": {"sender_id": {"open_id": "ou_ann"}, "sender_type": "user"},
            "message": {"message_id": "om_9", "chat_id": "oc_1", "chat_type": "p2p", "message_type": "text",
            "content": json!({"text": text}).to_string()}}})
        .to_string()
        .into_bytes()
    };
    send(
        &mut ws,
        &event_frame(5, "msg-5", 1, 0, &message("e5", "deploy")),
    )
    .await;
    assert_eq!(answer_of(&next_frame(&mut ws, false).await), (200, None));
    assert_eq!(*messages.lock().unwrap(), ["deploy"]);
    let other = br#"{"schema":"2.0","header":{"event_id":"e6","event_type":"im.chat.member.bot.added_v1"},"event":{}}"#;
    send(&mut ws, &event_frame(6, "msg-6", 1, 0, other)).await;
    assert_eq!(answer_of(&next_frame(&mut ws, false).await), (200, None));
    send(
        &mut ws,
        &event_frame(7, "msg-7", 1, 0, &message("e7", "panic")),
    )
    .await;
    let failed = next_frame(&mut ws, false).await;
    assert_eq!((failed.seq_id, answer_of(&failed)), (7, (500, None)));
    send(&mut ws, &event_frame(8, "msg-8", 1, 0, b"not json")).await;
    assert_eq!(answer_of(&next_frame(&mut ws, false).await), (500, None));

    let stats = running.stats();
    assert!(stats.connected);
    assert_eq!(stats.connections, 1);
    assert_eq!(
        (stats.card_actions, stats.events, stats.failures),
        (3, 2, 2)
    );
    assert_eq!((stats.card_frames_dropped, stats.ignored), (1, 2));

    // Graceful shutdown: a slow click in flight is answered, then the socket closes.
    send(
        &mut ws,
        &event_frame(9, "msg-9", 1, 0, &click("e9", "slow")),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let stop = tokio::spawn(running.shutdown());
    let last = next_frame(&mut ws, false).await;
    assert_eq!((last.seq_id, answer_of(&last).0), (9, 200));
    let closed = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap();
    assert!(
        matches!(closed, Some(Ok(Message::Close(_))) | None),
        "{closed:?}"
    );
    stop.await.unwrap().unwrap();
    assert_eq!(lark.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn shutdown_waits_for_handlers_in_flight_at_most_drain_within() {
    let (_, base, listener) = start_lark(vec![Reply::Url], None).await;
    let listener = listener.unwrap();
    let running = LongConnection::builder(&client(&base))
        .on_card_action(on_click)
        .client_config(fast())
        .drain_within(Duration::from_millis(100))
        .build()
        .unwrap()
        .spawn();
    let mut ws = accept(&listener).await;
    next_frame(&mut ws, true).await;
    send(&mut ws, &event_frame(1, "m", 1, 0, &click("e1", "slow"))).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    running.shutdown().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(350),
        "{:?}",
        started.elapsed()
    );
    // The socket closes without the slow answer.
    let closed = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap();
    assert!(
        matches!(closed, Some(Ok(Message::Close(_))) | None),
        "{closed:?}"
    );
}

#[tokio::test]
async fn a_dropped_connection_and_a_busy_endpoint_are_retried() {
    let (lark, base, listener) = start_lark(
        vec![
            Reply::Url,
            Reply::Code(1),
            Reply::Code(1000040343),
            Reply::Url,
        ],
        None,
    )
    .await;
    let listener = listener.unwrap();
    let running = LongConnection::builder(&client(&base))
        .on_card_action(on_click)
        .client_config(fast())
        .build()
        .unwrap()
        .spawn();
    let mut ws = accept(&listener).await;
    next_frame(&mut ws, true).await;
    // Lark drops the connection: busy twice, then a new connection.
    ws.close(None).await.unwrap();
    drop(ws);
    let mut ws = accept(&listener).await;
    assert_eq!(lark.hits.load(Ordering::SeqCst), 4);
    assert_eq!(next_frame(&mut ws, true).await.kind(), Some("ping"));
    send(&mut ws, &event_frame(1, "m", 1, 0, &click("e1", "approve"))).await;
    assert_eq!(answer_of(&next_frame(&mut ws, false).await).0, 200);
    assert_eq!(running.stats().connections, 2);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_connection_without_pongs_is_replaced_with_a_pong_timeout() {
    let (_, base, listener) = start_lark(vec![Reply::Url], None).await;
    let listener = listener.unwrap();
    let running = LongConnection::builder(&client(&base))
        .client_config(fast())
        .pong_timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .spawn();
    // The first connection answers no ping: it is dropped, a second one comes.
    let mut first = accept(&listener).await;
    assert_eq!(next_frame(&mut first, true).await.kind(), Some("ping"));
    let mut second = accept(&listener).await;
    let ping = next_frame(&mut second, true).await;
    assert_eq!(running.stats().connections, 2);
    // This one answers: it stays.
    let pong = Frame {
        service: ping.service,
        method: METHOD_CONTROL,
        headers: vec![Header::new("type", "pong")],
        ..Frame::default()
    };
    send(&mut second, &pong).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(running.stats().connected);
    assert_eq!(running.stats().connections, 2);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn client_errors_stop_at_once_naming_lark_code() {
    // The endpoint refuses the credentials.
    let (lark, base, _) = start_lark(vec![Reply::Code(1000040344)], None).await;
    let error = LongConnection::builder(&client(&base))
        .client_config(fast())
        .build()
        .unwrap()
        .run_until(std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(
        error.lark_code(),
        Some(LarkCode::LongConnectionNoCredential)
    );
    assert!(error.is_client_error());
    assert!(error.to_string().contains("1000040344"), "{error}");
    assert_eq!(lark.hits.load(Ordering::SeqCst), 1, "not retried");
    assert!(!format!("{error:?}{error}").contains(SECRET));

    // The 51st connection: the upgrade refused with 514 and 1000040350.
    let (lark, base, _) = start_lark(
        vec![Reply::Url],
        Some("{base}/refused?device_id=d&service_id=1&ticket=t1ck3t".into()),
    )
    .await;
    let error = LongConnection::builder(&client(&base))
        .client_config(fast())
        .build()
        .unwrap()
        .run_until(std::future::pending())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            LongConnectionError::Handshake {
                status: 514,
                code: Some(LarkCode::LongConnectionLimit),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_client_error());
    assert_eq!(lark.hits.load(Ordering::SeqCst), 1, "not retried");
    assert!(!format!("{error:?}{error}").contains("t1ck3t"));

    // Retried errors end when ReconnectCount is used up, keeping the last.
    let (_, base, _) = start_lark(vec![Reply::Code(1)], None).await;
    let error = LongConnection::builder(&client(&base))
        .client_config(fast())
        .build()
        .unwrap()
        .run_until(std::future::pending())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            LongConnectionError::RetriesExhausted { attempts: 3, .. }
        ),
        "{error:?}"
    );
    assert_eq!(error.lark_code(), Some(LarkCode::LongConnectionBusy));

    // A user token cannot open it.
    let user = Client::builder().user_token("u-token").build().unwrap();
    assert!(LongConnection::builder(&user).build().is_err());
}

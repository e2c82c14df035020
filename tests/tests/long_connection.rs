//! The long connection's client (feature `long-connection`): the frame codec against bytes
//! made and read by Lark's official Python SDK; and the client over a real WebSocket on
//! loopback against the emulator playing Lark's side: a click answered with a toast and a
//! card, in fragments, past noise (text, bytes that are no frame, a `card` frame); concurrent
//! handlers; a message to the bot, an unknown event and a failing handler; graceful shutdown;
//! reconnection after the service drops the connection and after 'system busy', and after a
//! ping without its pong; client errors (wrong credentials, the 51st connection) that stop at
//! once naming Lark's code; a slow handler meeting 200341; a late card by the delayed update;
//! three replicas on one app, each click answered once.

mod log_capture;

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use card_test_support::PYTHON_LARK_OAPI;
use lark_card::callback::{Answer, CardAction, Toast, V2Card};
use lark_card::client::Client;
use lark_card::lark::long_connection::{ANSWER_WITHIN, ENDPOINT_PATH, MAX_CONNECTIONS_PER_APP};
use lark_card::lark::LarkCode;
use lark_card::long_connection::{
    answer_payload, AnswerPayload, ClientConfig, Frame, Header, LongConnection,
    LongConnectionError, MessageReceived, Running, METHOD_DATA,
};
use lark_card::{card, trusted_markdown};
use lark_card_emulator::{Click, Emulator, Operator, RevisionKind, UserMessage, Via};
use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};

use log_capture::LogLines;

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

// ---------------------------------------------------------------------------------------
// The client against the emulator.

const APP_ID: &str = "cli_a1b2c3d4e5f60718";
const SECRET: &str = "s3cret-of-the-app";

/// A card JSON 2.0 card of buttons, each with the callback value `{"action": <its id>}`:
/// `approve` is answered at once, `held` when the test releases it.
const PANEL: &str = r#"{"schema":"2.0","body":{"elements":[
  {"tag":"markdown","content":"Deploy?"},
  {"tag":"button","element_id":"approve","text":{"tag":"plain_text","content":"Approve"},"behaviors":[{"type":"callback","value":{"action":"approve"}}]},
  {"tag":"button","element_id":"held","text":{"tag":"plain_text","content":"Held"},"behaviors":[{"type":"callback","value":{"action":"held"}}]}
]}}"#;

/// The answer's card: the same buttons under a line of text, so it can be clicked again.
fn panel(text: String) -> V2Card {
    card!(V2Card, { "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (trusted_markdown(text)) },
        { "tag": "button", "element_id": "approve", "text": { "tag": "plain_text", "content": "Approve" },
          "behaviors": [ { "type": "callback", "value": { "action": "approve" } } ] },
        { "tag": "button", "element_id": "held", "text": { "tag": "plain_text", "content": "Held" },
          "behaviors": [ { "type": "callback", "value": { "action": "held" } } ] }
    ] } })
}

/// Reconnection at once, three times; a ping a minute.
fn fast() -> ClientConfig {
    ClientConfig::new(Duration::from_secs(60), 3, Duration::ZERO, Duration::ZERO)
}

fn builder() -> lark_card_emulator::EmulatorBuilder {
    Emulator::builder()
        .app(APP_ID, SECRET)
        .client_config(fast())
        .seed(18)
}

fn client(emulator: &Emulator, secret: &str) -> Client {
    Client::builder()
        .app(APP_ID, secret)
        .base_url(emulator.base_url())
        .build()
        .unwrap()
}

/// What the handler of [`Gate::handler`] lets the test see and steer: each `held` click
/// says it started, and waits until the test releases it.
#[derive(Clone)]
struct Gate {
    started: mpsc::UnboundedSender<String>,
    release: Arc<Notify>,
}

impl Gate {
    fn new() -> (Gate, mpsc::UnboundedReceiver<String>) {
        let (started, seen) = mpsc::unbounded_channel();
        let gate = Gate {
            started,
            release: Arc::new(Notify::new()),
        };
        (gate, seen)
    }

    /// The card handler: a `success` toast and a card naming the action and the operator.
    fn handler(
        &self,
    ) -> impl Fn(CardAction) -> std::pin::Pin<Box<dyn Future<Output = Answer> + Send>>
           + Send
           + Sync
           + 'static {
        let gate = self.clone();
        move |action: CardAction| {
            let gate = gate.clone();
            Box::pin(async move {
                let name = action.action.raw_value()["action"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                if name == "held" {
                    let _ = gate.started.send(action.header.event_id.clone());
                    gate.release.notified().await;
                }
                let text = format!("{name} by {}", action.operator.open_id);
                let answer: Answer = Answer::v2()
                    .toast(Toast::success(text.clone()))
                    .card(panel(text))
                    .into();
                answer
            })
        }
    }
}

/// Starts the shutdown and polls it once, so that the stop is asked before the caller goes
/// on; the rest of it is awaited with the handle.
async fn begin_shutdown(
    running: Running,
) -> tokio::task::JoinHandle<Result<(), LongConnectionError>> {
    let (asked, asked_rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let shutdown = running.shutdown();
        tokio::pin!(shutdown);
        let mut asked = Some(asked);
        std::future::poll_fn(|cx| {
            let polled = shutdown.as_mut().poll(cx);
            if let Some(asked) = asked.take() {
                let _ = asked.send(());
            }
            polled
        })
        .await
    });
    let _ = asked_rx.await;
    task
}

fn endpoint_requests(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.uri.starts_with(ENDPOINT_PATH))
        .count()
}

#[tokio::test]
async fn clicks_fragments_noise_and_events_are_answered_over_the_emulator() {
    // Events over 256 bytes go in fragments.
    let emulator = builder().fragment_size(256).start().await.unwrap();
    let (gate, mut started) = Gate::new();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let seen = messages.clone();
    let running = LongConnection::builder(&client(&emulator, SECRET))
        .on_card_action(gate.handler())
        .on_message(move |message: MessageReceived| {
            let seen = seen.clone();
            async move {
                let text = message.message.text().unwrap_or_default();
                assert_ne!(text, "panic", "the handler fails");
                seen.lock().unwrap().push(text);
            }
        })
        .build()
        .unwrap()
        .spawn();
    emulator.wait_for_long_connections(APP_ID, 1).await;
    // The endpoint got the credentials and `locale: zh`.
    let endpoint = &emulator.requests()[0];
    assert_eq!(endpoint.uri, ENDPOINT_PATH);
    assert_eq!(
        serde_json::from_str::<Value>(&endpoint.body).unwrap(),
        json!({"AppID": APP_ID, "AppSecret": SECRET})
    );

    // A click, after a text message, bytes that are no frame and a `card` frame, in
    // fragments: answered with a toast and a card, applied.
    emulator.faults().long_connection_noise_next(1);
    let id = emulator.send_card_as(APP_ID, "oc_ops", PANEL).unwrap();
    let click = emulator
        .click(&id, Click::element("approve").by(Operator::new("ou_ann")))
        .await
        .unwrap();
    assert_eq!(click.via, Some(Via::LongConnection));
    assert_eq!(
        (click.code, click.status),
        (0, Some(200)),
        "{:?}",
        click.error
    );
    assert!(
        click.callback.to_string().len() > 256,
        "the click went in fragments"
    );
    assert_eq!(
        click.toast,
        Some(json!({"type": "success", "content": "approve by ou_ann"}))
    );
    assert!(click.card_applied);
    let content = emulator.message(&id).unwrap().content;
    assert!(content.contains("approve by ou_ann"), "{content}");
    assert_eq!(emulator.faults().pending().long_connection_noise, 0);
    let stats = running.stats();
    assert_eq!((stats.card_frames_dropped, stats.ignored), (1, 2));

    // Handlers run concurrently: a held click does not hold another.
    let emulator = Arc::new(emulator);
    let held = {
        let (emulator, id) = (emulator.clone(), id.clone());
        tokio::spawn(async move { emulator.click(&id, Click::element("held")).await })
    };
    let held_event = started.recv().await.unwrap();
    let quick = emulator
        .click(&id, Click::element("approve"))
        .await
        .unwrap();
    assert_eq!(quick.code, 0, "{:?}", quick.error);
    gate.release.notify_one();
    let held = held.await.unwrap().unwrap();
    assert_eq!((held.code, held.event_id), (0, held_event));
    assert!(emulator.message(&id).unwrap().content.contains("held by"));

    // A message to the bot, typed; an event nobody handles, acknowledged; a failing
    // handler, 500.
    let pushed = emulator
        .push_user_message(APP_ID, UserMessage::new("oc_ops", "deploy"))
        .await
        .unwrap();
    assert_eq!(pushed.answer_code, Some(200));
    assert_eq!(*messages.lock().unwrap(), ["deploy"]);
    let other = emulator
        .push_event(
            APP_ID,
            "im.chat.member.bot.added_v1",
            json!({"chat_id": "oc_ops"}),
        )
        .await
        .unwrap();
    assert_eq!(other.answer_code, Some(200));
    let failed = emulator
        .push_user_message(APP_ID, UserMessage::new("oc_ops", "panic"))
        .await
        .unwrap();
    assert_eq!(failed.answer_code, Some(500));

    let stats = running.stats();
    assert!(stats.connected);
    assert_eq!(stats.connections, 1);
    assert_eq!(
        (stats.card_actions, stats.events, stats.failures),
        (3, 2, 1)
    );

    // Graceful shutdown: a held click in flight is answered, then the socket closes.
    let last = {
        let (emulator, id) = (emulator.clone(), id.clone());
        tokio::spawn(async move { emulator.click(&id, Click::element("held")).await })
    };
    started.recv().await.unwrap();
    let stop = begin_shutdown(running).await;
    gate.release.notify_one();
    let last = last.await.unwrap().unwrap();
    assert_eq!(last.code, 0, "{:?}", last.error);
    stop.await.unwrap().unwrap();
    emulator.wait_for_long_connections(APP_ID, 0).await;
    assert_eq!(endpoint_requests(&emulator), 1);
}

#[tokio::test]
async fn a_slow_handler_meets_200341_and_shutdown_waits_at_most_drain_within() {
    // Lark's 3 seconds pass on the emulator's clock when the test says.
    let emulator = Arc::new(builder().paused_clock().start().await.unwrap());
    let (gate, mut started) = Gate::new();
    let running = LongConnection::builder(&client(&emulator, SECRET))
        .on_card_action(gate.handler())
        .drain_within(Duration::from_millis(100))
        .build()
        .unwrap()
        .spawn();
    emulator.wait_for_long_connections(APP_ID, 1).await;
    let id = emulator.send_card_as(APP_ID, "oc_ops", PANEL).unwrap();
    let click = |emulator: &Arc<Emulator>| {
        let (emulator, id) = (emulator.clone(), id.clone());
        tokio::spawn(async move { emulator.click(&id, Click::element("held")).await })
    };

    // The handler is still working when 3 seconds have passed: 200341, the card stays.
    let slow = click(&emulator);
    started.recv().await.unwrap();
    emulator.clock().advance(ANSWER_WITHIN);
    let slow = slow.await.unwrap().unwrap();
    assert_eq!(slow.via, Some(Via::LongConnection));
    assert_eq!(slow.code, LarkCode::CallbackTimeout.code());
    assert_eq!(emulator.message(&id).unwrap().content, PANEL);
    let clicked: Vec<_> = emulator
        .history(&id)
        .into_iter()
        .filter_map(|r| r.interaction)
        .collect();
    assert_eq!(clicked.len(), 1);
    assert_eq!(clicked[0].code, Some(LarkCode::CallbackTimeout.code()));
    gate.release.notify_one();

    // A handler that never ends: shutdown waits 100 ms for it, then closes; no answer went.
    let hanging = click(&emulator);
    started.recv().await.unwrap();
    running.shutdown().await.unwrap();
    emulator.wait_for_long_connections(APP_ID, 0).await;
    emulator.clock().advance(ANSWER_WITHIN);
    let hanging = hanging.await.unwrap().unwrap();
    assert_eq!(hanging.code, LarkCode::CallbackTimeout.code());
}

// On one thread, so that the client's logs reach the test's subscriber.
#[tokio::test(flavor = "current_thread")]
async fn a_slow_handler_s_card_goes_by_the_delayed_update_after_the_default_answer() {
    let logs = LogLines::default();
    let _capture = logs.capture();
    let emulator = Arc::new(builder().start().await.unwrap());
    let (gate, mut started) = Gate::new();
    let running = LongConnection::builder(&client(&emulator, SECRET))
        .on_card_action(gate.handler())
        // The default answer goes at once; Lark's 3 seconds are the emulator's to enforce.
        .answer_within(Duration::from_millis(10))
        .default_answer(Answer::new().toast(Toast::info("Working on it")))
        .build()
        .unwrap()
        .spawn();
    emulator.wait_for_long_connections(APP_ID, 1).await;
    let id = emulator.send_card_as(APP_ID, "oc_ops", PANEL).unwrap();

    let click = emulator
        .click(&id, Click::element("held").by(Operator::new("ou_bob")))
        .await
        .unwrap();
    started.recv().await.unwrap();
    assert_eq!(click.code, 0, "{:?}", click.error);
    assert_eq!(
        click.toast,
        Some(json!({"type": "info", "content": "Working on it"}))
    );
    assert!(!click.card_applied);

    // Released after the answer: its card comes with the delayed update and the click's
    // token, after the answer, so Lark keeps it.
    gate.release.notify_one();
    logs.until_one_of(&["the late answer's card went with the delayed update"])
        .await;
    let kinds: Vec<RevisionKind> = emulator.history(&id).iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            RevisionKind::Sent,
            RevisionKind::Clicked,
            RevisionKind::DelayedUpdate
        ]
    );
    let content = emulator.message(&id).unwrap().content;
    assert!(content.contains("held by ou_bob"), "{content}");
    let stats = running.stats();
    assert_eq!((stats.answered_by_default, stats.late_updates), (1, 1));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_dropped_connection_and_a_busy_endpoint_are_retried() {
    let emulator = builder().start().await.unwrap();
    let (gate, _started) = Gate::new();
    let mut running = LongConnection::builder(&client(&emulator, SECRET))
        .on_card_action(gate.handler())
        .client_config(fast())
        .build()
        .unwrap()
        .spawn();
    emulator.wait_for_long_connections(APP_ID, 1).await;
    // The service drops the connection, and is busy twice: the third attempt connects.
    emulator.long_connection_busy_next(2);
    assert_eq!(emulator.close_long_connections(APP_ID), 1);
    running.opened(2).await.unwrap();
    emulator.wait_for_long_connections(APP_ID, 1).await;
    assert_eq!(endpoint_requests(&emulator), 4);
    assert_eq!(emulator.long_connection_settings().busy_next, 0);

    let id = emulator.send_card_as(APP_ID, "oc_ops", PANEL).unwrap();
    let click = emulator
        .click(&id, Click::element("approve"))
        .await
        .unwrap();
    assert_eq!(
        (click.via, click.code),
        (Some(Via::LongConnection), 0),
        "{:?}",
        click.error
    );
    assert_eq!(running.stats().connections, 2);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_ping_without_its_pong_replaces_the_connection_with_a_pong_timeout() {
    let emulator = builder().start().await.unwrap();
    // The first ping (sent at once on connecting) gets no pong.
    emulator.faults().withhold_pong_next(1);
    let (gate, _started) = Gate::new();
    let mut running = LongConnection::builder(&client(&emulator, SECRET))
        .on_card_action(gate.handler())
        .pong_timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .spawn();
    running.opened(2).await.unwrap();
    emulator.wait_for_long_connections(APP_ID, 1).await;
    assert_eq!(emulator.faults().pending().withheld_pongs, 0);
    assert_eq!(endpoint_requests(&emulator), 2);

    // The new connection serves.
    let id = emulator.send_card_as(APP_ID, "oc_ops", PANEL).unwrap();
    let click = emulator
        .click(&id, Click::element("approve"))
        .await
        .unwrap();
    assert_eq!(click.code, 0, "{:?}", click.error);
    assert_eq!(running.stats().connections, 2);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn client_errors_stop_at_once_naming_lark_code() {
    let emulator = builder().start().await.unwrap();
    let run = |secret: &str| {
        LongConnection::builder(&client(&emulator, secret))
            .client_config(fast())
            .build()
            .unwrap()
            .run_until(std::future::pending())
    };

    // Wrong credentials: the endpoint's code, not retried, no secret in the error; a bot
    // waiting for its connection learns it there.
    let mut running = LongConnection::builder(&client(&emulator, "not-the-secret"))
        .client_config(fast())
        .build()
        .unwrap()
        .spawn();
    let error = running.connected().await.unwrap_err();
    assert!(running.is_finished());
    assert!(running.stopped().await.is_ok());
    assert!(
        matches!(
            error,
            LongConnectionError::Endpoint {
                code: LarkCode::LongConnectionAuthFailed,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_client_error());
    let code = LarkCode::LongConnectionAuthFailed.code().to_string();
    assert!(error.to_string().contains(&code), "{error}");
    assert_eq!(endpoint_requests(&emulator), 1, "not retried");
    assert!(!format!("{error:?}{error}").contains("not-the-secret"));

    // The 51st connection: the upgrade refused with 514 and 1000040350, not retried.
    let fleet: Vec<Running> = (0..MAX_CONNECTIONS_PER_APP)
        .map(|_| {
            LongConnection::builder(&client(&emulator, SECRET))
                .build()
                .unwrap()
                .spawn()
        })
        .collect();
    emulator
        .wait_for_long_connections(APP_ID, MAX_CONNECTIONS_PER_APP)
        .await;
    let before = endpoint_requests(&emulator);
    let error = run(SECRET).await.unwrap_err();
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
    assert_eq!(endpoint_requests(&emulator), before + 1, "not retried");
    for running in fleet {
        running.shutdown().await.unwrap();
    }
    emulator.wait_for_long_connections(APP_ID, 0).await;

    // Retried errors end when ReconnectCount (3) is used up, keeping the last.
    emulator.long_connection_busy_next(10);
    let error = run(SECRET).await.unwrap_err();
    assert!(
        matches!(
            error,
            LongConnectionError::RetriesExhausted { attempts: 3, .. }
        ),
        "{error:?}"
    );
    assert_eq!(error.lark_code(), Some(LarkCode::LongConnectionBusy));
    assert_eq!(emulator.long_connection_settings().busy_next, 10 - 4);

    // A user token cannot open it.
    let user = Client::builder().user_token("u-token").build().unwrap();
    assert!(LongConnection::builder(&user).build().is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_on_one_app_answer_each_click_once() {
    const CLICKS: usize = 24;
    let emulator = Arc::new(builder().start().await.unwrap());
    // Each replica's handler notes the clicks it answered, and signs its toast.
    let answered: Arc<Mutex<Vec<(usize, String)>>> = Arc::default();
    let replicas: Vec<Running> = (0..3)
        .map(|replica| {
            let answered = answered.clone();
            LongConnection::builder(&client(&emulator, SECRET))
                .on_card_action(move |action: CardAction| {
                    let answered = answered.clone();
                    async move {
                        answered
                            .lock()
                            .unwrap()
                            .push((replica, action.header.event_id.clone()));
                        let text = format!("replica {replica}");
                        Answer::v2()
                            .toast(Toast::success(text.clone()))
                            .card(panel(text))
                    }
                })
                .build()
                .unwrap()
                .spawn()
        })
        .collect();
    emulator.wait_for_long_connections(APP_ID, 3).await;
    let id = emulator.send_card_as(APP_ID, "oc_ops", PANEL).unwrap();

    // All at once.
    let clicks: Vec<_> = (0..CLICKS)
        .map(|n| {
            let (emulator, id) = (emulator.clone(), id.clone());
            tokio::spawn(async move {
                let by = Operator::new(format!("ou_user{n}"));
                emulator.click(&id, Click::element("approve").by(by)).await
            })
        })
        .collect();
    let mut event_ids = BTreeSet::new();
    for click in clicks {
        let click = click.await.unwrap().unwrap();
        assert_eq!(
            (click.via, click.code),
            (Some(Via::LongConnection), 0),
            "{:?}",
            click.error
        );
        event_ids.insert(click.event_id);
    }
    assert_eq!(event_ids.len(), CLICKS);

    // Each click reached one replica, once.
    let answered = answered.lock().unwrap().clone();
    assert_eq!(answered.len(), CLICKS, "{answered:?}");
    let handled: BTreeSet<String> = answered.iter().map(|(_, e)| e.clone()).collect();
    assert_eq!(handled, event_ids);
    for replica in 0..3 {
        assert!(
            answered.iter().any(|(r, _)| *r == replica),
            "replica {replica} got no click: {answered:?}"
        );
    }
    let per_replica: u64 = replicas.iter().map(|r| r.stats().card_actions).sum();
    assert_eq!(per_replica, CLICKS as u64);

    // The emulator's history: one `clicked` entry per click, each with one answer.
    let clicked: Vec<_> = emulator
        .history(&id)
        .into_iter()
        .filter(|r| r.kind == RevisionKind::Clicked)
        .filter_map(|r| r.interaction)
        .collect();
    assert_eq!(clicked.len(), CLICKS);
    for entry in &clicked {
        let by = answered
            .iter()
            .find(|(_, e)| *e == entry.event_id)
            .map(|(r, _)| *r)
            .unwrap();
        assert_eq!(entry.code, Some(0));
        assert_eq!(entry.via, Some(Via::LongConnection));
        assert_eq!(
            entry.toast,
            Some(json!({"type": "success", "content": format!("replica {by}")}))
        );
    }
    for running in replicas {
        running.shutdown().await.unwrap();
    }
}

#[test]
fn one_handler_serves_both_transports() {
    let (gate, _started) = Gate::new();
    let _http = lark_card::callback::Receiver::builder()
        .verification_token("vt")
        .build(gate.handler())
        .unwrap();
    let _ws = LongConnection::builder(
        &Client::builder()
            .app(APP_ID, SECRET)
            .base_url("http://127.0.0.1:1")
            .build()
            .unwrap(),
    )
    .on_card_action(gate.handler())
    .build()
    .unwrap();
}

//! The long connection against a real WebSocket client on loopback: the endpoint, the
//! handshake's refusals, ping and pong, clicks and events pushed as `pbbp2` frames (in
//! fragments), answers applied, 200341 and 200340, events pushed again on the clock.

mod common;

use std::time::Duration;

use common::{TestResult, APP_ID, APP_SECRET};
use futures_util::{SinkExt, StreamExt};
use lark_card::lark::long_connection::MAX_CONNECTIONS_PER_APP;
use lark_card::lark::LarkCode;
use lark_card::long_connection::{answer_payload, Frame, METHOD_CONTROL, METHOD_DATA};
use lark_card_emulator::{CallbackApp, Click, ClientConfig, Emulator, Operator, UserMessage, Via};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const CARD: &str = r#"{"schema":"2.0","config":{"update_multi":true},"body":{"elements":[
  {"tag":"markdown","content":"deploy?"},
  {"tag":"button","element_id":"approve","text":{"tag":"plain_text","content":"Approve"},
   "behaviors":[{"type":"callback","value":{"action":"approve"}}]}]}}"#;

async fn endpoint(
    emulator: &Emulator,
    app_id: &str,
    secret: &str,
) -> Result<Value, Box<dyn std::error::Error>> {
    let answer = reqwest::Client::new()
        .post(format!("{}/callback/ws/endpoint", emulator.base_url()))
        .header("locale", "zh")
        .json(&json!({ "AppID": app_id, "AppSecret": secret }))
        .send()
        .await?;
    assert_eq!(answer.status(), 200);
    Ok(answer.json().await?)
}

/// Asks for a URL and connects to it.
async fn connect(emulator: &Emulator) -> Result<(Socket, i32), Box<dyn std::error::Error>> {
    let answer = endpoint(emulator, APP_ID, APP_SECRET).await?;
    let url = answer["data"]["URL"].as_str().ok_or("no URL")?;
    let service = url
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("service_id="))
        .ok_or("no service_id")?
        .parse()?;
    let (socket, _) = tokio_tungstenite::connect_async(url).await?;
    Ok((socket, service))
}

/// The next frame the emulator sends (binary messages only).
async fn next_frame(socket: &mut Socket) -> Result<Frame, Box<dyn std::error::Error>> {
    loop {
        match socket.next().await.ok_or("the connection closed")?? {
            Message::Binary(bytes) => return Ok(Frame::decode(&bytes)?),
            Message::Close(_) => return Err("the connection closed".into()),
            _ => {}
        }
    }
}

/// The next event, its fragments put together: (the last frame, the whole payload, sum).
async fn next_event(
    socket: &mut Socket,
) -> Result<(Frame, Vec<u8>, usize), Box<dyn std::error::Error>> {
    let mut parts: Vec<Option<Vec<u8>>> = Vec::new();
    loop {
        let frame = next_frame(socket).await?;
        assert_eq!(frame.method, METHOD_DATA);
        assert_eq!(frame.header("type"), Some("event"));
        let sum: usize = frame.header("sum").ok_or("no sum")?.parse()?;
        let seq: usize = frame.header("seq").ok_or("no seq")?.parse()?;
        assert!(frame.header("trace_id").is_some());
        if parts.is_empty() {
            parts = vec![None; sum];
        }
        *parts.get_mut(seq).ok_or("seq beyond sum")? = frame.payload.clone();
        if parts.iter().all(Option::is_some) {
            let whole = parts.into_iter().flatten().flatten().collect();
            return Ok((frame, whole, sum));
        }
    }
}

/// Answers an event frame as the SDKs do: the frame echoed with `biz_rt`, and
/// `{"code":200,"data":<base64 of the answer>}`.
async fn answer(socket: &mut Socket, frame: Frame, answer: &Value) -> TestResult {
    let answer = frame.answer(3, answer_payload(200, Some(&answer.to_string())));
    socket.send(Message::Binary(answer.encode().into())).await?;
    Ok(())
}

#[tokio::test]
async fn the_endpoint_checks_credentials_and_hands_out_the_client_config() -> TestResult {
    let config = ClientConfig::new(
        Duration::from_secs(7),
        3,
        Duration::from_secs(2),
        Duration::from_secs(1),
    );
    let emulator = Emulator::builder().client_config(config).start().await?;
    let answer = endpoint(&emulator, APP_ID, APP_SECRET).await?;
    assert_eq!(answer["code"], 0);
    assert_eq!(
        answer["data"]["ClientConfig"],
        json!({"ReconnectCount": 3, "ReconnectInterval": 2, "ReconnectNonce": 1, "PingInterval": 7})
    );
    let url = answer["data"]["URL"].as_str().unwrap_or_default();
    let prefix = format!("ws://{}/ws/v2?", emulator.addr());
    assert!(url.starts_with(&prefix), "{url}");
    for key in ["device_id=", "service_id=", "ticket="] {
        assert!(url.contains(key), "{url}");
    }

    let wrong = endpoint(&emulator, APP_ID, "wrong").await?;
    assert_eq!(wrong["code"], LarkCode::LongConnectionAuthFailed.code());
    let unknown = endpoint(&emulator, "cli_nobody", APP_SECRET).await?;
    assert_eq!(unknown["code"], LarkCode::LongConnectionAuthFailed.code());
    let missing = endpoint(&emulator, APP_ID, "").await?;
    assert_eq!(missing["code"], LarkCode::LongConnectionNoCredential.code());

    // 'System busy', queued over HTTP, once; and the ping interval changed there too.
    let http = reqwest::Client::new();
    let changed: Value = http
        .post(format!(
            "{}/__emulator/long_connection",
            emulator.base_url()
        ))
        .json(&json!({ "busy_next": 1, "ping_interval": 9, "fragment_size": 100 }))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(changed["settings"]["client_config"]["PingInterval"], 9);
    assert_eq!(changed["settings"]["fragment_size"], 100);
    let busy = endpoint(&emulator, APP_ID, APP_SECRET).await?;
    assert_eq!(busy["code"], LarkCode::LongConnectionBusy.code());
    let after = endpoint(&emulator, APP_ID, APP_SECRET).await?;
    assert_eq!(
        (
            after["code"].as_i64(),
            after["data"]["ClientConfig"]["PingInterval"].as_i64()
        ),
        (Some(0), Some(9))
    );
    assert_eq!(
        emulator
            .long_connection_settings()
            .client_config
            .ping_interval,
        Duration::from_secs(9)
    );
    Ok(())
}

#[tokio::test]
async fn a_ping_gets_a_pong_with_the_client_config_and_a_ticket_opens_one_connection() -> TestResult
{
    let emulator = Emulator::builder()
        .client_config(ClientConfig::new(
            Duration::from_secs(5),
            -1,
            Duration::from_secs(120),
            Duration::from_secs(30),
        ))
        .start()
        .await?;
    let answer = endpoint(&emulator, APP_ID, APP_SECRET).await?;
    let url = answer["data"]["URL"].as_str().ok_or("no URL")?.to_owned();
    let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str()).await?;
    emulator.wait_for_long_connections(APP_ID, 1).await;

    // Garbage and text are survived.
    socket
        .send(Message::Binary(vec![0xff, 0x01, 0x02].into()))
        .await?;
    socket.send(Message::Text("hello".into())).await?;
    socket
        .send(Message::Binary(Frame::ping(42).encode().into()))
        .await?;
    let pong = next_frame(&mut socket).await?;
    assert_eq!(
        (pong.method, pong.service, pong.header("type")),
        (METHOD_CONTROL, 42, Some("pong"))
    );
    let config: Value = serde_json::from_slice(pong.payload.as_deref().unwrap_or_default())?;
    assert_eq!(config["PingInterval"], 5);
    assert_eq!(config["ReconnectCount"], -1);

    // The ticket was used: a second connection with the same URL is forbidden.
    let Err(tungstenite::Error::Http(refused)) =
        tokio_tungstenite::connect_async(url.as_str()).await
    else {
        return Err("a used ticket opened a connection".into());
    };
    assert_eq!(refused.status(), 403);
    assert_eq!(refused.headers()["handshake-status"], "403");
    assert_eq!(emulator.long_connections(APP_ID), 1);

    // A closed connection is noticed: the wait ends when the emulator has seen the close.
    socket.close(None).await?;
    emulator.wait_for_long_connections(APP_ID, 0).await;
    Ok(())
}

#[tokio::test]
async fn the_51st_connection_of_an_app_is_refused_as_lark_refuses_it() -> TestResult {
    let emulator = Emulator::start().await?;
    let mut sockets = Vec::new();
    for _ in 0..MAX_CONNECTIONS_PER_APP {
        sockets.push(connect(&emulator).await?.0);
    }
    assert_eq!(emulator.long_connections(APP_ID), 50);
    let answer = endpoint(&emulator, APP_ID, APP_SECRET).await?;
    let url = answer["data"]["URL"].as_str().ok_or("no URL")?;
    let Err(tungstenite::Error::Http(refused)) = tokio_tungstenite::connect_async(url).await else {
        return Err("the 51st connection was accepted".into());
    };
    assert_eq!(refused.headers()["handshake-status"], "514");
    assert_eq!(refused.headers()["handshake-autherrcode"], "1000040350");
    assert!(refused.headers().contains_key("handshake-msg"));
    // One closed, the next is accepted.
    let first = sockets.remove(0);
    drop(first);
    emulator.wait_for_long_connections(APP_ID, 49).await;
    sockets.push(connect(&emulator).await?.0);
    assert_eq!(emulator.long_connections(APP_ID), 50);
    // The emulator closes them all when asked.
    assert_eq!(emulator.close_long_connections(APP_ID), 50);
    emulator.wait_for_long_connections(APP_ID, 0).await;
    Ok(())
}

#[tokio::test]
async fn a_click_goes_over_the_long_connection_in_fragments_and_its_answer_is_applied() -> TestResult
{
    let emulator = Emulator::builder().fragment_size(200).start().await?;
    // A callback URL too: the long connection is preferred.
    emulator.set_callback(APP_ID, CallbackApp::new("http://127.0.0.1:9/never", "vt"));
    let (mut socket, service) = connect(&emulator).await?;
    emulator.wait_for_long_connections(APP_ID, 1).await;
    let id = emulator.send_card("oc_team", CARD)?;

    let app = async {
        let (frame, payload, sum) = next_event(&mut socket).await?;
        assert!(sum > 1, "the event was not split: {sum}");
        assert_eq!(frame.service, service);
        let event: Value = serde_json::from_slice(&payload)?;
        assert_eq!(event["schema"], "2.0");
        assert_eq!(event["header"]["event_type"], "card.action.trigger");
        assert_eq!(event["event"]["action"]["value"]["action"], "approve");
        let who = event["event"]["operator"]["open_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let card = json!({"schema":"2.0","config":{"update_multi":true},"body":{"elements":[
            {"tag":"markdown","content": format!("approved by {who}")}]}});
        answer(
            &mut socket,
            frame,
            &json!({"toast":{"type":"success","content":"done"},"card":{"type":"raw","data":card}}),
        )
        .await?;
        Ok::<_, Box<dyn std::error::Error>>(event)
    };
    let (event, interaction) = tokio::join!(
        app,
        emulator.click(&id, Click::element("approve").by(Operator::new("ou_ws")))
    );
    let (event, interaction) = (event?, interaction?);
    assert_eq!(interaction.via, Some(Via::LongConnection));
    assert_eq!(
        (interaction.code, interaction.status),
        (0, Some(200)),
        "{:?}",
        interaction.error
    );
    assert_eq!(interaction.callback, event);
    assert_eq!(
        interaction.toast,
        Some(json!({"type":"success","content":"done"}))
    );
    assert!(interaction.card_applied);
    let content = emulator.message(&id).map(|m| m.content).unwrap_or_default();
    assert!(content.contains("approved by ou_ws"), "{content}");
    let clicked = emulator
        .history(&id)
        .into_iter()
        .find_map(|r| r.interaction)
        .ok_or("no click in the history")?;
    assert_eq!(clicked.via, Some(Via::LongConnection));
    // The viewer's history page says how the click went.
    let page = reqwest::get(format!(
        "{}/__emulator/viewer/messages/{id}",
        emulator.base_url()
    ))
    .await?
    .text()
    .await?;
    assert!(page.contains(r#"data-via="long_connection""#), "{page}");
    assert!(page.contains("via long connection"));
    Ok(())
}

#[tokio::test]
async fn no_answer_is_200341_on_the_clock_and_no_way_to_the_app_is_200340() -> TestResult {
    let emulator = Emulator::builder().paused_clock().start().await?;
    let id = emulator.send_card("oc_team", CARD)?;
    let nowhere = emulator.click(&id, Click::element("approve")).await?;
    assert_eq!(nowhere.code, LarkCode::CallbackUrlMissing.code());
    assert_eq!(nowhere.via, None);

    let (mut socket, _) = connect(&emulator).await?;
    emulator.wait_for_long_connections(APP_ID, 1).await;
    let app = async {
        // The event arrives; the app says nothing, and the clock passes 3 seconds.
        let (frame, _, _) = next_event(&mut socket).await?;
        emulator.clock().advance(Duration::from_millis(2_999));
        emulator.clock().advance(Duration::from_millis(1));
        Ok::<_, Box<dyn std::error::Error>>(frame)
    };
    let (frame, late) = tokio::join!(app, emulator.click(&id, Click::element("approve")));
    let late = late?;
    assert_eq!(late.code, LarkCode::CallbackTimeout.code());
    assert_eq!(late.via, Some(Via::LongConnection));
    // An answer after the deadline changes nothing.
    answer(
        &mut socket,
        frame?,
        &json!({"toast":{"type":"info","content":"late"}}),
    )
    .await?;
    assert_eq!(
        emulator.message(&id).map(|m| m.content),
        Some(CARD.to_owned())
    );
    Ok(())
}

#[tokio::test]
async fn each_click_goes_to_one_connection_chosen_at_random() -> TestResult {
    let emulator = Emulator::builder().seed(7).start().await?;
    let (mut a, _) = connect(&emulator).await?;
    let (mut b, _) = connect(&emulator).await?;
    emulator.wait_for_long_connections(APP_ID, 2).await;
    let ok = json!({"toast":{"type":"info","content":"ok"}});
    let mut got = [0, 0];
    for _ in 0..12 {
        let id = emulator.send_card("oc_team", CARD)?;
        // Whichever connection receives it answers; the other must receive nothing.
        let app = async {
            let which = tokio::select! {
                event = next_event(&mut a) => {
                    answer(&mut a, event?.0, &ok).await?;
                    0
                }
                event = next_event(&mut b) => {
                    answer(&mut b, event?.0, &ok).await?;
                    1
                }
            };
            Ok::<usize, Box<dyn std::error::Error>>(which)
        };
        let (which, interaction) =
            tokio::join!(app, emulator.click(&id, Click::element("approve")));
        got[which?] += 1;
        let interaction = interaction?;
        assert_eq!(interaction.code, 0, "{:?}", interaction.error);
    }
    assert_eq!(got[0] + got[1], 12);
    assert!(got[0] > 0 && got[1] > 0, "{got:?}");
    Ok(())
}

#[tokio::test]
async fn a_user_message_is_pushed_again_on_the_clock_until_answered() -> TestResult {
    let emulator = Emulator::builder().paused_clock().start().await?;
    let (mut socket, _) = connect(&emulator).await?;
    emulator.wait_for_long_connections(APP_ID, 1).await;
    let message = UserMessage::new("oc_team", "hello bot").by(Operator::new("ou_writer"));

    let app = async {
        let (first, payload, _) = next_event(&mut socket).await?;
        emulator.clock().advance(Duration::from_secs(3));
        Ok::<_, Box<dyn std::error::Error>>((first, payload))
    };
    let (first, pushed) = tokio::join!(app, emulator.push_user_message(APP_ID, message));
    let ((_, payload), pushed) = (first?, pushed?);
    let event: Value = serde_json::from_slice(&payload)?;
    assert_eq!(event["header"]["event_type"], "im.message.receive_v1");
    assert_eq!(
        event["event"]["sender"]["sender_id"]["open_id"],
        "ou_writer"
    );
    assert_eq!(
        event["event"]["message"]["content"],
        r#"{"text":"hello bot"}"#
    );
    assert_eq!(pushed.answer_code, None);

    // 15 seconds after the first push it comes again, with the same event_id; answered now.
    emulator.clock().advance(Duration::from_secs(12));
    let (again, payload, _) = next_event(&mut socket).await?;
    let again_event: Value = serde_json::from_slice(&payload)?;
    assert_eq!(
        again_event["header"]["event_id"],
        event["header"]["event_id"]
    );
    answer(&mut socket, again, &json!({})).await?;
    loop {
        let events = emulator.events();
        if events.first().and_then(|e| e.answer_code).is_some() {
            assert_eq!(events[0].pushes.len(), 2);
            assert_eq!(events[0].answer_code, Some(200));
            break;
        }
        tokio::task::yield_now().await;
    }
    // Answered: not pushed at 5 minutes.
    emulator.clock().advance(Duration::from_secs(300));
    socket
        .send(Message::Binary(Frame::ping(1).encode().into()))
        .await?;
    let next = next_frame(&mut socket).await?;
    assert_eq!(next.header("type"), Some("pong"), "{next:?}");
    Ok(())
}

#[tokio::test]
async fn an_event_never_answered_is_pushed_again_after_15_s_5_min_1_h_and_6_h() -> TestResult {
    let emulator = Emulator::builder().paused_clock().start().await?;
    let (mut socket, _) = connect(&emulator).await?;
    emulator.wait_for_long_connections(APP_ID, 1).await;
    let first_ms = emulator.clock().now_millis();
    let app = async {
        let (_, payload, _) = next_event(&mut socket).await?;
        emulator.clock().advance(Duration::from_secs(3));
        Ok::<_, Box<dyn std::error::Error>>(payload)
    };
    let event = json!({ "object": { "id": "x" } });
    let (first, pushed) = tokio::join!(app, emulator.push_event(APP_ID, "custom.event_v1", event));
    let (first, pushed) = (first?, pushed?);
    assert_eq!(pushed.answer_code, None);
    let first: Value = serde_json::from_slice(&first)?;
    assert_eq!(first["header"]["event_type"], "custom.event_v1");

    let mut elapsed = Duration::from_secs(3);
    for after in lark_card::lark::long_connection::EVENT_RETRIES_AFTER {
        // A moment before, nothing; at the time, the same event again.
        emulator
            .clock()
            .advance(after - elapsed - Duration::from_millis(1));
        assert_eq!(emulator.events()[0].pushes.len(), pushes_before(after));
        emulator.clock().advance(Duration::from_millis(1));
        let (_, payload, _) = next_event(&mut socket).await?;
        let again: Value = serde_json::from_slice(&payload)?;
        assert_eq!(again["header"]["event_id"], first["header"]["event_id"]);
        emulator.clock().advance(Duration::from_secs(3));
        elapsed = after + Duration::from_secs(3);
    }
    let events = emulator.events();
    let at: Vec<u64> = events[0]
        .pushes
        .iter()
        .filter_map(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(0) - first_ms)
        .collect();
    assert_eq!(at, [0, 15_000, 300_000, 3_600_000, 21_600_000]);
    assert_eq!(events[0].answer_code, None);
    Ok(())
}

/// How many pushes were made before the push again at `after`.
fn pushes_before(after: Duration) -> usize {
    1 + lark_card::lark::long_connection::EVENT_RETRIES_AFTER
        .iter()
        .filter(|a| **a < after)
        .count()
}

#[tokio::test]
async fn the_control_endpoints_push_a_user_message_list_events_and_close_connections() -> TestResult
{
    let emulator = Emulator::start().await?;
    let (mut socket, _) = connect(&emulator).await?;
    emulator.wait_for_long_connections(APP_ID, 1).await;
    let http = reqwest::Client::new();
    let control = |path: &str| format!("{}/__emulator{path}", emulator.base_url());

    let status: Value = http
        .get(control("/long_connection"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(status["connections"][APP_ID], 1);

    let app = async {
        let (frame, payload, _) = next_event(&mut socket).await?;
        answer(&mut socket, frame, &json!({})).await?;
        Ok::<_, Box<dyn std::error::Error>>(payload)
    };
    let push = http
        .post(control(&format!("/apps/{APP_ID}/user_messages")))
        .json(
            &json!({ "chat_id": "oc_team", "text": "ping?", "chat_type": "p2p",
                        "operator": { "open_id": "ou_http" } }),
        )
        .send();
    let (payload, pushed) = tokio::join!(app, push);
    let event: Value = serde_json::from_slice(&payload?)?;
    let pushed: Value = pushed?.json().await?;
    assert_eq!(pushed["answer_code"], 200);
    assert_eq!(pushed["event_id"], event["header"]["event_id"]);
    assert_eq!(event["event"]["message"]["chat_type"], "p2p");
    assert_eq!(event["event"]["sender"]["sender_id"]["open_id"], "ou_http");
    let events: Value = http.get(control("/events")).send().await?.json().await?;
    assert_eq!(events[0]["event_type"], "im.message.receive_v1");

    // An app without a connection: the push is refused, naming why.
    let refused = http
        .post(control("/apps/cli_nobody/events"))
        .json(&json!({ "event_type": "x", "event": {} }))
        .send()
        .await?;
    assert_eq!(refused.status(), 404);

    let closed: Value = http
        .post(control(&format!("/apps/{APP_ID}/long_connection/close")))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(closed["closed"], 1);
    emulator.wait_for_long_connections(APP_ID, 0).await;
    let none = http
        .post(control(&format!("/apps/{APP_ID}/events")))
        .json(&json!({ "event_type": "x", "event": {} }))
        .send()
        .await?;
    assert_eq!(none.status(), 400);
    let error: Value = none.json().await?;
    assert!(
        error["error"]
            .as_str()
            .unwrap_or_default()
            .contains("no long connection"),
        "{error}"
    );
    Ok(())
}

//! Lark's side of card callbacks, against plain HTTP apps on loopback: the envelope, its
//! encryption and signature; every bad answer with Lark's code; cards for one user; the
//! control endpoints; and the delayed update's rules.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use common::{call, TestResult, APP_ID, APP_SECRET, OTHER_APP_ID, OTHER_APP_SECRET};
use lark_card::callback::crypto;
use lark_card::lark::LarkCode;
use lark_card::{MessageId, Secret};
use lark_card_emulator::callbacks::ANSWER_WITHIN;
use lark_card_emulator::{CallbackApp, Click, Emulator, Operator, RevisionKind};
use serde_json::{json, Value};

const TOKEN: &str = "vt-emulator";
const KEY: &str = "ek-emulator";

const V2_CARD: &str = r#"{"schema":"2.0","body":{"elements":[
  {"tag":"markdown","content":"Deploy?"},
  {"tag":"button","element_id":"go","text":{"tag":"plain_text","content":"Go"},"behaviors":[{"type":"callback","value":{"go":true}}]}
]}}"#;
const V1_CARD: &str = r#"{"elements":[{"tag":"action","actions":[
  {"tag":"button","text":{"tag":"plain_text","content":"Go"},"value":{"go":1}}
]}]}"#;

/// Whether the app answers a callback.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Answering {
    #[default]
    Now,
    /// Never: the emulator's 3 seconds (of its clock) run out (200341).
    Never,
}

/// What the app answers, and what it received.
#[derive(Clone, Default)]
struct App {
    answer: Arc<Mutex<(u16, String, Answering)>>,
    received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    /// Woken on each callback received.
    arrived: Arc<tokio::sync::Notify>,
}

impl App {
    fn answers(&self, status: u16, body: &str, answering: Answering) {
        if let Ok(mut answer) = self.answer.lock() {
            *answer = (status, body.to_owned(), answering);
        }
    }

    fn count(&self) -> usize {
        self.received.lock().map_or(0, |r| r.len())
    }

    /// Waits until `n` callbacks have arrived in all.
    async fn until_received(&self, n: usize) {
        loop {
            let arrived = self.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            if self.count() >= n {
                return;
            }
            arrived.await;
        }
    }

    fn last(&self) -> (HeaderMap, Bytes) {
        self.received
            .lock()
            .ok()
            .and_then(|r| r.last().cloned())
            .unwrap_or_default()
    }
}

async fn answer(State(app): State<App>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    if let Ok(mut received) = app.received.lock() {
        received.push((headers, body));
    }
    app.arrived.notify_waiters();
    let (status, body, answering) = app.answer.lock().map(|a| a.clone()).unwrap_or_default();
    if answering == Answering::Never {
        std::future::pending::<()>().await;
    }
    (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body)
}

/// An app on loopback answering `{}`; its callback URL.
async fn start_app() -> Result<(String, App), Box<dyn std::error::Error>> {
    let app = App::default();
    app.answers(200, "{}", Answering::Now);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/callback", listener.local_addr()?);
    let router = axum::Router::new()
        .route("/callback", post(answer))
        .with_state(app.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((url, app))
}

async fn emulator() -> Result<Emulator, Box<dyn std::error::Error>> {
    Ok(Emulator::builder()
        .app(APP_ID, APP_SECRET)
        .app(OTHER_APP_ID, OTHER_APP_SECRET)
        .paused_clock()
        .start()
        .await?)
}

/// The contents a message had (its history without the interactions).
fn contents(emulator: &Emulator, id: &MessageId) -> Vec<String> {
    emulator
        .history(id)
        .into_iter()
        .filter(|revision| revision.kind.changes_content())
        .map(|revision| revision.content)
        .collect()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn the_callback_is_lark_s_envelope_encrypted_and_signed() -> TestResult {
    let emulator = emulator().await?;
    let (url, app) = start_app().await?;
    emulator.set_callback(APP_ID, CallbackApp::new(&url, TOKEN).encrypt_key(KEY));
    let id = emulator.send_card("oc_team", V2_CARD)?;
    let interaction = emulator
        .click(&id, Click::element("go").by(Operator::new("ou_ann")))
        .await?;
    assert_eq!(interaction.code, 0, "{:?}", interaction.error);

    let (headers, body) = app.last();
    let now = emulator
        .clock()
        .now()
        .duration_since(std::time::UNIX_EPOCH)?;
    let timestamp = header(&headers, crypto::TIMESTAMP_HEADER);
    let nonce = header(&headers, crypto::NONCE_HEADER);
    assert_eq!(timestamp, now.as_secs().to_string());
    assert!(!nonce.is_empty());
    let key = Secret::new(KEY);
    assert_eq!(
        header(&headers, crypto::SIGNATURE_HEADER),
        crypto::signature(timestamp, nonce, &key, &body)
    );
    let outer: Value = serde_json::from_slice(&body)?;
    let plaintext = crypto::decrypt(&key, outer["encrypt"].as_str().unwrap_or(""))?;
    let callback: Value = serde_json::from_slice(&plaintext)?;
    assert_eq!(callback, interaction.callback);
    assert_eq!(callback["schema"], "2.0");
    assert_eq!(callback["header"]["token"], TOKEN);
    assert_eq!(callback["header"]["app_id"], APP_ID);
    assert_eq!(callback["header"]["event_type"], "card.action.trigger");
    assert_eq!(
        callback["header"]["create_time"],
        (now.as_micros()).to_string()
    );
    assert_eq!(callback["event"]["operator"]["open_id"], "ou_ann");
    assert_eq!(callback["event"]["operator"]["union_id"], "on_ann");
    assert_eq!(
        callback["event"]["action"],
        json!({ "tag": "button", "value": { "go": true } })
    );
    assert_eq!(callback["event"]["context"]["open_message_id"], id.as_str());
    assert_eq!(callback["event"]["context"]["open_chat_id"], "oc_team");
    assert_eq!(callback["event"]["host"], "im_message");
    assert!(callback["event"]["token"]
        .as_str()
        .is_some_and(|t| t.starts_with("c-")));

    // Without an Encrypt Key the body is the callback itself.
    emulator.set_callback(APP_ID, CallbackApp::new(&url, TOKEN));
    let plain = emulator
        .click(&id, Click::value(json!({ "go": true })))
        .await?;
    let (_, body) = app.last();
    assert_eq!(serde_json::from_slice::<Value>(&body)?, plain.callback);
    // Every callback has its own event id, nonce and token.
    assert_ne!(plain.event_id, interaction.event_id);
    assert_ne!(plain.token, interaction.token);
    Ok(())
}

#[tokio::test]
async fn bad_answers_are_recorded_with_lark_s_codes_and_change_nothing() -> TestResult {
    let emulator = emulator().await?;
    let (url, app) = start_app().await?;
    emulator.set_callback(APP_ID, CallbackApp::new(&url, TOKEN).encrypt_key(KEY));
    let id = emulator.send_card("oc_team", V2_CARD)?;
    let v1_answer = json!({ "card": { "type": "raw", "data": serde_json::from_str::<Value>(
        r#"{"config":{"update_multi":true},"elements":[{"tag":"markdown","content":"v1"}]}"#)? } })
    .to_string();
    let cases = [
        (500, "{}".to_owned(), Answering::Now, LarkCode::CallbackNot200),
        (401, "{}".to_owned(), Answering::Now, LarkCode::CallbackNot200),
        (200, "not json".to_owned(), Answering::Now, LarkCode::CallbackBadBody),
        (200, "[]".to_owned(), Answering::Now, LarkCode::CallbackBadBody),
        (200, r#"{"toast":{"type":"loud","content":"hi"}}"#.to_owned(), Answering::Now, LarkCode::CallbackBadBody),
        (200, r#"{"card":"raw"}"#.to_owned(), Answering::Now, LarkCode::CallbackBadBody),
        (200, r#"{"card":{"type":"html","data":{}}}"#.to_owned(), Answering::Now, LarkCode::CallbackBadBody),
        (
            200,
            r#"{"card":{"type":"raw","data":{"schema":"2.0","body":{"elements":[{"tag":"blink"}]}}}}"#.to_owned(),
            Answering::Now,
            LarkCode::CallbackBadCard,
        ),
        (
            200,
            r#"{"card":{"type":"template","data":{"template_id":"AAq1"}}}"#.to_owned(),
            Answering::Now,
            LarkCode::CallbackBadCard,
        ),
        (200, v1_answer, Answering::Now, LarkCode::CallbackV2ToV1),
        (200, "{}".to_owned(), Answering::Never, LarkCode::CallbackTimeout),
    ];
    for (status, body, answering, expected) in cases {
        app.answers(status, &body, answering);
        let before = app.count();
        let click = emulator.click(&id, Click::element("go"));
        let interaction = if answering == Answering::Never {
            // The clock is paused: Lark's 3 seconds pass when the test moves it, once the app
            // has the callback.
            let pass_3_seconds = async {
                app.until_received(before + 1).await;
                emulator.clock().advance(ANSWER_WITHIN);
            };
            tokio::join!(click, pass_3_seconds).0?
        } else {
            click.await?
        };
        assert_eq!(
            interaction.code,
            expected.code(),
            "{status} {body}: {interaction:?}"
        );
        assert!(interaction.error.is_some());
        assert!(!interaction.card_applied);
    }
    assert_eq!(
        contents(&emulator, &id).len(),
        1,
        "a bad answer changed the card"
    );

    // No callback URL, and a URL nobody listens on.
    let other = emulator.send_card_as(OTHER_APP_ID, "oc_team", V2_CARD)?;
    let missing = emulator.click(&other, Click::element("go")).await?;
    assert_eq!(missing.code, LarkCode::CallbackUrlMissing.code());
    // A port held (bound, not listening) for the whole test: connections to it are refused,
    // and no other program can take it meanwhile.
    let closed = tokio::net::TcpSocket::new_v4()?;
    closed.bind("127.0.0.1:0".parse()?)?;
    let closed_url = format!("http://{}/callback", closed.local_addr()?);
    emulator.set_callback(OTHER_APP_ID, CallbackApp::new(closed_url, TOKEN));
    let unreachable = emulator.click(&other, Click::element("go")).await?;
    assert_eq!(unreachable.code, LarkCode::CallbackUnreachable.code());
    drop(closed);

    // A good answer after all that applies.
    app.answers(
        200,
        r#"{"toast":{"type":"warning","content":"careful"},"card":{"type":"raw","data":{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"done"}]}}}}"#,
        Answering::Now,
    );
    let good = emulator.click(&id, Click::element("go")).await?;
    assert_eq!(good.code, 0, "{:?}", good.error);
    assert!(good.card_applied);
    assert_eq!(
        good.toast,
        Some(json!({ "type": "warning", "content": "careful" }))
    );
    assert!(emulator
        .message(&id)
        .is_some_and(|m| m.content.contains("done")));
    assert_eq!(emulator.interactions().len(), 14);
    Ok(())
}

#[tokio::test]
async fn a_card_that_is_not_shared_is_for_the_operator_alone() -> TestResult {
    let emulator = emulator().await?;
    let (url, app) = start_app().await?;
    emulator.set_callback(APP_ID, CallbackApp::new(&url, TOKEN));
    let id = emulator.send_card("oc_team", V1_CARD)?;
    let private = r#"{"elements":[{"tag":"markdown","content":"only you"}]}"#;
    app.answers(
        200,
        &json!({ "card": { "type": "raw", "data": serde_json::from_str::<Value>(private)? } })
            .to_string(),
        Answering::Now,
    );
    let interaction = emulator
        .click(&id, Click::value(json!({ "go": 1 })))
        .await?;
    assert_eq!(interaction.code, 0, "{:?}", interaction.error);
    assert!(!interaction.card_applied);
    assert_eq!(
        interaction
            .private_card
            .as_deref()
            .map(serde_json::from_str::<Value>)
            .and_then(Result::ok),
        Some(serde_json::from_str::<Value>(private)?)
    );
    assert_eq!(
        emulator.message(&id).map(|m| m.content),
        Some(V1_CARD.to_owned())
    );
    Ok(())
}

#[tokio::test]
async fn the_control_endpoints_drive_callbacks_over_http() -> TestResult {
    let emulator = emulator().await?;
    let (url, app) = start_app().await?;
    app.answers(
        200,
        r#"{"toast":{"type":"info","content":"seen"}}"#,
        Answering::Now,
    );
    let http = reqwest::Client::new();
    let base = format!("{}/__emulator", emulator.base_url());
    let set = call(
        http.post(format!("{base}/apps/{APP_ID}/callback"))
            .json(&json!({
                "url": url, "verification_token": TOKEN, "encrypt_key": KEY
            })),
    )
    .await?;
    assert_eq!(set.status, 200, "{}", set.text);
    let unknown_app = call(
        http.post(format!("{base}/apps/cli_nobody/callback"))
            .json(&json!({
                "url": url, "verification_token": TOKEN
            })),
    )
    .await?;
    assert_eq!(unknown_app.status, 404);

    let id = emulator.send_card("oc_team", V2_CARD)?;
    let clicked = call(
        http.post(format!("{base}/messages/{id}/actions"))
            .json(&json!({
                "value": { "go": true }, "operator": { "open_id": "ou_bob" }
            })),
    )
    .await?;
    assert_eq!(clicked.status, 200, "{}", clicked.text);
    assert_eq!(clicked.body["code"], 0);
    assert_eq!(clicked.body["toast"]["content"], "seen");
    assert_eq!(
        clicked.body["callback"]["event"]["operator"]["open_id"],
        "ou_bob"
    );

    let no_element = call(
        http.post(format!("{base}/messages/{id}/actions"))
            .json(&json!({
                "element_id": "nope"
            })),
    )
    .await?;
    assert_eq!(no_element.status, 400);
    assert!(no_element.body["error"]
        .as_str()
        .is_some_and(|e| e.contains("nope")));
    let no_message = call(
        http.post(format!("{base}/messages/om_0000/actions"))
            .json(&json!({ "element_id": "go" })),
    )
    .await?;
    assert_eq!(no_message.status, 404);
    let recalled = emulator.send_card("oc_team", V2_CARD)?;
    emulator.recall(&recalled)?;
    let on_recalled = call(
        http.post(format!("{base}/messages/{recalled}/actions"))
            .json(&json!({ "element_id": "go" })),
    )
    .await?;
    assert_eq!(on_recalled.status, 400);

    let list = call(http.get(format!("{base}/interactions"))).await?;
    assert_eq!(list.body.as_array().map(Vec::len), Some(1));
    Ok(())
}

#[tokio::test]
async fn the_delayed_update_keeps_lark_s_token_rules() -> TestResult {
    let emulator = emulator().await?;
    let (url, _app) = start_app().await?;
    emulator.set_callback(APP_ID, CallbackApp::new(&url, TOKEN).encrypt_key(KEY));
    let id = emulator.send_card("oc_team", V2_CARD)?;
    let token = emulator.click(&id, Click::element("go")).await?.token;
    let bearer = emulator.tenant_token(APP_ID)?;
    let http = reqwest::Client::new();
    let endpoint = format!(
        "{}/open-apis/interactive/v1/card/update",
        emulator.base_url()
    );
    let update = |body: String, bearer: &str| {
        call(
            http.post(&endpoint)
                .bearer_auth(bearer)
                .header("Content-Type", "application/json; charset=utf-8")
                .body(body),
        )
    };
    let card = |text: &str| json!({ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "content": text } ] } });
    let code = |reply: &common::Reply| LarkCode::from_code(reply.code());

    for n in 1..=2 {
        let ok = update(
            json!({ "token": token, "card": card(&format!("later {n}")) }).to_string(),
            &bearer,
        )
        .await?;
        assert_eq!(
            (ok.status, ok.code(), ok.msg()),
            (200, 0, "ok"),
            "{}",
            ok.text
        );
        assert!(emulator
            .message(&id)
            .is_some_and(|m| m.content.contains(&format!("later {n}"))));
    }
    let third = update(
        json!({ "token": token, "card": card("later 3") }).to_string(),
        &bearer,
    )
    .await?;
    assert_eq!(code(&third), LarkCode::CallbackTokenUsedUp);
    assert!(third.body["error"]["log_id"].is_string());

    let fresh = emulator.click(&id, Click::element("go")).await;
    // The card has no button any more: a new card to click.
    assert!(fresh.is_err());
    let id = emulator.send_card("oc_team", V2_CARD)?;
    let token = emulator.click(&id, Click::element("go")).await?.token;

    let refusals = [
        ("{not json".to_owned(), LarkCode::DelayedBodyNotJson),
        (json!({ "token": token }).to_string(), LarkCode::DelayedCardParamInvalid),
        (json!({ "token": "t-123", "card": card("x") }).to_string(), LarkCode::CallbackTokenMalformed),
        (json!({ "token": "c-unknown", "card": card("x") }).to_string(), LarkCode::CallbackTokenExpired),
        (
            json!({ "token": token, "card": { "schema": "2.0", "body": { "elements": [ { "tag": "blink" } ] } } }).to_string(),
            LarkCode::DelayedCardInvalid,
        ),
        (
            json!({ "token": token, "card": { "elements": [ { "tag": "hr" } ] } }).to_string(),
            LarkCode::DelayedOpenIdsRequired,
        ),
        (
            json!({ "token": token, "card": { "type": "template", "data": { "template_id": "AAq1" } } }).to_string(),
            LarkCode::DelayedCardInvalid,
        ),
    ];
    for (body, expected) in refusals {
        let reply = update(body.clone(), &bearer).await?;
        assert_eq!(code(&reply), expected, "{body}: {}", reply.text);
    }
    let other_bearer = emulator.tenant_token(OTHER_APP_ID)?;
    let other_app = update(
        json!({ "token": token, "card": card("x") }).to_string(),
        &other_bearer,
    )
    .await?;
    assert_eq!(code(&other_app), LarkCode::DelayedCardOfOtherApp);
    let no_auth = call(
        http.post(&endpoint)
            .json(&json!({ "token": token, "card": card("x") })),
    )
    .await?;
    assert_eq!(code(&no_auth), LarkCode::TokenMissing);
    // None of the refusals used the token up, and the card is as sent.
    assert_eq!(contents(&emulator, &id).len(), 1);

    // 30 minutes later the token is expired.
    emulator.clock().advance(Duration::from_secs(29 * 60 + 59));
    let just_in_time = update(
        json!({ "token": token, "card": card("in time") }).to_string(),
        &bearer,
    )
    .await?;
    assert_eq!(just_in_time.code(), 0, "{}", just_in_time.text);
    emulator.clock().advance(Duration::from_secs(1));
    let expired = update(
        json!({ "token": token, "card": card("too late") }).to_string(),
        &bearer,
    )
    .await?;
    assert_eq!(code(&expired), LarkCode::CallbackTokenExpired);

    // A recalled card cannot be updated.
    let id = emulator.send_card("oc_team", V2_CARD)?;
    let token = emulator.click(&id, Click::element("go")).await?.token;
    emulator.recall(&id)?;
    let recalled = update(
        json!({ "token": token, "card": card("x") }).to_string(),
        &bearer,
    )
    .await?;
    assert_eq!(code(&recalled), LarkCode::DelayedCardRecalled);
    Ok(())
}

#[tokio::test]
async fn the_history_lists_each_click_and_its_toast_in_order_with_the_cards() -> TestResult {
    let emulator = emulator().await?;
    let (url, app) = start_app().await?;
    emulator.set_callback(APP_ID, CallbackApp::new(&url, TOKEN));
    let id = emulator.send_card("oc_team", V2_CARD)?;
    // A first click answered with a toast alone, a second with a toast and a new card.
    app.answers(
        200,
        r#"{"toast":{"type":"info","content":"looking"}}"#,
        Answering::Now,
    );
    let first = emulator
        .click(&id, Click::element("go").by(Operator::new("ou_ann")))
        .await?;
    let done = r#"{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"Deployed"}]}}"#;
    app.answers(
        200,
        &format!(r#"{{"toast":{{"type":"success","content":"done"}},"card":{{"type":"raw","data":{done}}}}}"#),
        Answering::Now,
    );
    let second = emulator.click(&id, Click::element("go")).await?;
    assert!(second.card_applied, "{:?}", second.error);

    let history = emulator.history(&id);
    let kinds: Vec<RevisionKind> = history.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            RevisionKind::Sent,
            RevisionKind::Clicked,
            RevisionKind::Clicked,
            RevisionKind::CallbackAnswer
        ]
    );
    let clicks: Vec<_> = history
        .iter()
        .filter_map(|r| r.interaction.as_ref())
        .collect();
    assert_eq!(clicks[0].event_id, first.event_id);
    assert_eq!(clicks[0].open_id, "ou_ann");
    assert_eq!(clicks[0].tag, "button");
    assert_eq!(clicks[0].code, Some(0));
    assert_eq!(
        clicks[0].toast,
        Some(json!({ "type": "info", "content": "looking" }))
    );
    assert_eq!(clicks[1].event_id, second.event_id);
    assert_eq!(
        clicks[1].toast.as_ref().map(|t| &t["content"]),
        Some(&json!("done"))
    );
    // A click shows the card it was made on; the answer's card comes after it.
    assert_eq!(history[2].content, V2_CARD);
    assert_eq!(history[3].content, done);

    // The same over HTTP.
    let http = reqwest::Client::new();
    let over_http = call(http.get(format!(
        "{}/__emulator/messages/{id}/history",
        emulator.base_url()
    )))
    .await?;
    let kinds: Vec<&str> = over_http
        .body
        .as_array()
        .map(|entries| entries.iter().filter_map(|e| e["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["sent", "clicked", "clicked", "callback_answer"]);
    assert_eq!(
        over_http.body[1]["interaction"]["toast"]["content"],
        "looking"
    );
    assert_eq!(over_http.body[1]["interaction"]["code"], 0);
    assert!(over_http.body[0].get("interaction").is_none());
    Ok(())
}

#[tokio::test]
async fn a_card_from_a_callback_answer_is_kept_exactly_as_the_app_wrote_it() -> TestResult {
    let emulator = emulator().await?;
    let (url, app) = start_app().await?;
    emulator.set_callback(APP_ID, CallbackApp::new(&url, TOKEN));
    let id = emulator.send_card("oc_team", V2_CARD)?;
    // Keys out of alphabetical order, and spacing: a re-serialized map would change both.
    let written = r#"{ "schema": "2.0", "header": {"title": {"tag": "plain_text", "content": "Done"}},
 "body": {"elements": [{"tag": "markdown", "content": "Deployed"}]} }"#;
    app.answers(
        200,
        &format!(r#"{{"card": {{"type": "raw", "data": {written}}}}}"#),
        Answering::Now,
    );
    let interaction = emulator.click(&id, Click::element("go")).await?;
    assert!(interaction.card_applied, "{:?}", interaction.error);
    assert_eq!(
        emulator.message(&id).map(|m| m.content),
        Some(written.to_owned())
    );
    let last = emulator.history(&id).pop();
    assert_eq!(
        last.as_ref().map(|r| r.kind),
        Some(RevisionKind::CallbackAnswer)
    );
    assert_eq!(last.map(|r| r.content), Some(written.to_owned()));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_delayed_updates_at_once_with_a_token_used_once_make_one_use_not_two() -> TestResult {
    let emulator = emulator().await?;
    let (url, _app) = start_app().await?;
    emulator.set_callback(APP_ID, CallbackApp::new(&url, TOKEN));
    let bearer = emulator.tenant_token(APP_ID)?;
    let http = reqwest::Client::new();
    let endpoint = format!(
        "{}/open-apis/interactive/v1/card/update",
        emulator.base_url()
    );
    // A large card takes the emulator a while to check: a check of the token before it and a
    // count after it would leave both requests room to pass.
    let card = |text: &str| {
        let elements: Vec<Value> = (0..150)
            .map(|n| json!({ "tag": "markdown", "content": format!("{text} {n}: **deploy** [log](https://example.com)") }))
            .collect();
        json!({ "schema": "2.0", "body": { "elements": elements } })
    };
    // A race shows only sometimes: many rounds, each a fresh token.
    for round in 0..30 {
        let id = emulator.send_card("oc_team", V2_CARD)?;
        let token = emulator.click(&id, Click::element("go")).await?.token;
        let first = call(
            http.post(&endpoint)
                .bearer_auth(&bearer)
                .json(&json!({ "token": token, "card": card("first") })),
        )
        .await?;
        assert_eq!(first.code(), 0, "{}", first.text);

        // Both requests leave together: one may pass (Lark allows a token 2 uses), not both.
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let racers: Vec<_> = ["second", "third"]
            .into_iter()
            .map(|text| {
                let request = http
                    .post(&endpoint)
                    .bearer_auth(&bearer)
                    .json(&json!({ "token": token, "card": card(text) }));
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    call(request).await.map_err(|e| e.to_string())
                })
            })
            .collect();
        let mut codes = Vec::new();
        for racer in racers {
            codes.push(racer.await??.code());
        }
        codes.sort_unstable();
        assert_eq!(
            codes,
            [0, LarkCode::CallbackTokenUsedUp.code()],
            "round {round}: {codes:?}"
        );
        let updates = emulator
            .history(&id)
            .iter()
            .filter(|r| r.kind == RevisionKind::DelayedUpdate)
            .count();
        assert_eq!(updates, 2, "round {round}");
        // Out of the app's 50 per second.
        emulator.clock().advance(Duration::from_secs(1));
    }
    Ok(())
}

/// An app that, before answering a callback, makes a delayed update with its token.
#[derive(Clone)]
struct EarlyUpdater {
    endpoint: String,
    bearer: String,
    card: Value,
}

async fn update_then_answer(State(app): State<EarlyUpdater>, body: Bytes) -> impl IntoResponse {
    let callback: Value = serde_json::from_slice(&body).unwrap_or_default();
    let token = callback["event"]["token"].as_str().unwrap_or_default();
    let updated = reqwest::Client::new()
        .post(&app.endpoint)
        .bearer_auth(&app.bearer)
        .json(&json!({ "token": token, "card": app.card }))
        .send()
        .await;
    let code = match updated {
        Ok(response) => response
            .json::<Value>()
            .await
            .map_or(-1, |v| v["code"].as_i64().unwrap_or(-1)),
        Err(_) => -1,
    };
    // The answer says what the update's answer was, for the test to read in the toast.
    json!({ "toast": { "type": "info", "content": format!("update answered {code}") } }).to_string()
}

#[tokio::test]
async fn a_delayed_update_made_before_the_callback_s_answer_is_undone() -> TestResult {
    let emulator = emulator().await?;
    let later = json!({ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "content": "too early" } ] } });
    let app = EarlyUpdater {
        endpoint: format!(
            "{}/open-apis/interactive/v1/card/update",
            emulator.base_url()
        ),
        bearer: emulator.tenant_token(APP_ID)?,
        card: later.clone(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/callback", listener.local_addr()?);
    let router = axum::Router::new()
        .route("/callback", post(update_then_answer))
        .with_state(app);
    tokio::spawn(async move { axum::serve(listener, router).await });
    emulator.set_callback(APP_ID, CallbackApp::new(&url, TOKEN));
    let id = emulator.send_card("oc_team", V2_CARD)?;

    let interaction = emulator.click(&id, Click::element("go")).await?;
    // Lark answers the early update with success, then undoes it when the answer comes.
    assert_eq!(
        interaction.toast.as_ref().map(|t| &t["content"]),
        Some(&json!("update answered 0"))
    );
    let kinds: Vec<RevisionKind> = emulator.history(&id).iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            RevisionKind::Sent,
            RevisionKind::Clicked,
            RevisionKind::DelayedUpdate,
            RevisionKind::Undone
        ]
    );
    assert_eq!(
        emulator.message(&id).map(|m| m.content),
        Some(V2_CARD.to_owned())
    );

    // After the answer, the same token's update stays, kept as the app wrote it.
    let written =
        r#"{ "schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "kept"}]} }"#;
    let after = call(
        reqwest::Client::new()
            .post(format!(
                "{}/open-apis/interactive/v1/card/update",
                emulator.base_url()
            ))
            .bearer_auth(emulator.tenant_token(APP_ID)?)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(format!(
                r#"{{"token": "{}", "card": {written}}}"#,
                interaction.token
            )),
    )
    .await?;
    assert_eq!(after.code(), 0, "{}", after.text);
    assert_eq!(
        emulator.history(&id).last().map(|r| r.kind),
        Some(RevisionKind::DelayedUpdate)
    );
    assert_eq!(
        emulator.message(&id).map(|m| m.content),
        Some(written.to_owned())
    );
    Ok(())
}

//! The callback receiver against the emulator's simulated interactions, over real HTTP on
//! loopback: approve and reject buttons, a form, a select, an input and a checker; every kind
//! of refused request (and the bot still serving after each); a slow handler answered within
//! Lark's 3 seconds with its card sent later by the delayed update; the delayed update's
//! token rules on the emulator's clock.

mod log_capture;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lark_card::callback::{
    crypto, Answer, CallbackToken, CardAction, Receiver, Refusal, Toast, V2Card,
};
use lark_card::client::{Client, ClientError, SpentToken};
use lark_card::lark::LarkCode;
use lark_card::Secret;
use lark_card::{card, trusted_markdown, Card, MessageId, Shared};
use lark_card_emulator::{CallbackApp, Click, Emulator, Operator, RevisionKind};
use serde::Deserialize;
use serde_json::{json, Value};

use log_capture::LogLines;

const APP: &str = "cli_callbacks";
const SECRET: &str = "app-secret";
const TOKEN: &str = "verification-token-1";
const KEY: &str = "encrypt-key-1";

const APPROVAL: &str = r#"{"schema":"2.0","header":{"title":{"tag":"plain_text","content":"Expense #42"}},"body":{"elements":[
  {"tag":"markdown","content":"Ann asks for **120 EUR**"},
  {"tag":"button","element_id":"approve","text":{"tag":"plain_text","content":"Approve"},"type":"primary","behaviors":[{"type":"callback","value":{"action":"approve"}}]},
  {"tag":"button","element_id":"reject","text":{"tag":"plain_text","content":"Reject"},"type":"danger","behaviors":[{"type":"callback","value":{"action":"reject"}}]}
]}}"#;

#[derive(Deserialize, Debug, PartialEq)]
#[serde(tag = "action", rename_all = "snake_case")]
enum Decision {
    Approve,
    Reject,
}

fn decided(text: String) -> V2Card {
    card!(V2Card, { "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (trusted_markdown(text)) }
    ] } })
}

/// `V2Card::new` checks a card made at run time: only `"schema": "2.0"` is 2.0, and a card
/// written `"schema": "1.0"` is refused too (it was let through when `new` tested only that a
/// `schema` was there).
#[test]
fn v2_card_new_takes_2_0_cards_only() {
    let v2 = card!({ "schema": "2.0", "body": { "elements": [] } });
    let built = card!(V2Card, { "schema": "2.0", "body": { "elements": [] } });
    assert_eq!(V2Card::new(v2.clone()).ok(), Some(built.clone()));
    assert_eq!(built.into_card(), v2);
    let v1 = card!({ "config": { "update_multi": true }, "elements": [] });
    assert!(V2Card::new(v1).is_err());
    let v1_named = card!({ "schema": "1.0", "config": { "update_multi": true }, "elements": [] });
    assert!(V2Card::new(v1_named).is_err());
}

/// The approval bot's handler.
async fn approval(action: CardAction) -> Answer {
    match action.action.value::<Decision>() {
        Ok(Decision::Approve) => Answer::v2()
            .toast(Toast::success("Approved"))
            .card(decided(format!(
                "Approved by <at id={}></at>",
                action.operator.open_id
            )))
            .into(),
        Ok(Decision::Reject) => Answer::v2().card(decided("Rejected".into())).into(),
        Err(_) => Answer::new().toast(Toast::error("unknown action")),
    }
}

async fn emulator() -> Emulator {
    Emulator::builder()
        .app(APP, SECRET)
        .start()
        .await
        .unwrap_or_else(|e| panic!("the emulator did not start: {e}"))
}

/// Serves the receiver at `/lark/callback` on loopback; the URL.
async fn serve(receiver: Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let app = axum::Router::new().route_service("/lark/callback", receiver);
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/lark/callback")
}

fn receiver_with<F, Fut>(handler: F) -> Receiver
where
    F: Fn(CardAction) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Answer> + Send + 'static,
{
    Receiver::builder()
        .verification_token(TOKEN)
        .encrypt_key(KEY)
        .build(handler)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// An emulator whose app posts callbacks to a receiver running `handler`.
async fn bot(receiver: Receiver) -> (Emulator, String) {
    let emulator = emulator().await;
    let url = serve(receiver).await;
    emulator.set_callback(APP, CallbackApp::new(&url, TOKEN).encrypt_key(KEY));
    (emulator, url)
}

fn text_of(emulator: &Emulator, id: &MessageId) -> String {
    emulator.message(id).map(|m| m.content).unwrap_or_default()
}

#[tokio::test]
async fn approve_and_reject_answer_a_toast_and_a_2_0_card() {
    let receiver = receiver_with(approval);
    let (emulator, _) = bot(receiver.clone()).await;
    let id = emulator
        .send_card("oc_team", APPROVAL)
        .unwrap_or_else(|e| panic!("{e}"));

    let ann = Operator::new("ou_ann");
    let approved = emulator
        .click(&id, Click::element("approve").by(ann))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(approved.code, 0, "{:?}", approved.error);
    assert_eq!(approved.status, Some(200));
    assert_eq!(approved.tag, "button");
    assert_eq!(
        approved.toast,
        Some(json!({ "type": "success", "content": "Approved" }))
    );
    assert!(approved.card_applied);
    let content = text_of(&emulator, &id);
    assert!(
        content.contains("Approved by <at id=ou_ann></at>"),
        "{content}"
    );
    // The callback carried what the docs describe.
    let event = &approved.callback["event"];
    assert_eq!(event["operator"]["open_id"], "ou_ann");
    assert_eq!(event["action"]["value"], json!({ "action": "approve" }));
    assert_eq!(event["context"]["open_message_id"], id.as_str());
    assert_eq!(
        approved.callback["header"]["event_type"],
        "card.action.trigger"
    );
    assert!(approved.token.starts_with("c-"));

    // The card changed: send the approval again and reject it, found by its value this time.
    let id = emulator
        .send_card("oc_team", APPROVAL)
        .unwrap_or_else(|e| panic!("{e}"));
    let rejected = emulator
        .click(&id, Click::value(json!({ "action": "reject" })))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rejected.code, 0, "{:?}", rejected.error);
    assert_eq!(rejected.toast, None);
    assert!(text_of(&emulator, &id).contains("Rejected"));
    let kinds: Vec<RevisionKind> = emulator.history(&id).iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            RevisionKind::Sent,
            RevisionKind::Clicked,
            RevisionKind::CallbackAnswer
        ]
    );

    let stats = receiver.stats();
    assert_eq!(stats.answered, 2);
    assert_eq!(stats.refused_total(), 0);
}

const FORM: &str = r#"{"schema":"2.0","body":{"elements":[
  {"tag":"form","name":"leave","elements":[
    {"tag":"input","name":"reason","placeholder":{"tag":"plain_text","content":"Why?"}},
    {"tag":"select_static","name":"days","placeholder":{"tag":"plain_text","content":"Days"},"options":[
      {"text":{"tag":"plain_text","content":"1"},"value":"1"},{"text":{"tag":"plain_text","content":"2"},"value":"2"}]},
    {"tag":"multi_select_static","name":"tags","placeholder":{"tag":"plain_text","content":"Tags"},"options":[
      {"text":{"tag":"plain_text","content":"a"},"value":"a"},{"text":{"tag":"plain_text","content":"b"},"value":"b"}]},
    {"tag":"button","name":"submit","element_id":"submit","text":{"tag":"plain_text","content":"Send"},"form_action_type":"submit","behaviors":[{"type":"callback","value":{"form":"leave"}}]}
  ]},
  {"tag":"select_static","element_id":"priority","placeholder":{"tag":"plain_text","content":"Priority"},"options":[
    {"text":{"tag":"plain_text","content":"High"},"value":"high"},{"text":{"tag":"plain_text","content":"Low"},"value":"low"}],
    "behaviors":[{"type":"callback","value":{"pick":"priority"}}]},
  {"tag":"input","element_id":"note","placeholder":{"tag":"plain_text","content":"Note"},"behaviors":[{"type":"callback","value":{"field":"note"}}]},
  {"tag":"checker","element_id":"done","text":{"tag":"plain_text","content":"Done"},"behaviors":[{"type":"callback","value":{"check":"done"}}]}
]}}"#;

#[derive(Deserialize, Debug, PartialEq)]
struct Leave {
    reason: String,
    days: String,
    tags: Vec<String>,
}

#[tokio::test]
async fn forms_selects_inputs_and_checkers_arrive_typed() {
    let seen: Arc<Mutex<Vec<CardAction>>> = Arc::default();
    let record = seen.clone();
    let receiver = receiver_with(move |action: CardAction| {
        let record = record.clone();
        async move {
            let tag = action.action.tag().to_owned();
            if let Ok(mut seen) = record.lock() {
                seen.push(action);
            }
            Answer::new().toast(Toast::info(tag))
        }
    });
    let (emulator, _) = bot(receiver).await;
    let id = emulator
        .send_card("oc_team", FORM)
        .unwrap_or_else(|e| panic!("{e}"));
    let clicks = [
        Click::element("submit")
            .field("reason", "moving house")
            .field("days", "2")
            .field("tags", json!(["a", "b"])),
        Click::element("priority").option("high"),
        Click::element("note").input("call me"),
        Click::element("done").checked(true),
    ];
    for click in clicks {
        let interaction = emulator
            .click(&id, click)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(interaction.code, 0, "{:?}", interaction.error);
        assert_eq!(
            interaction.toast.as_ref().map(|t| &t["content"]),
            Some(&json!(interaction.tag))
        );
    }
    let seen = seen.lock().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(seen.len(), 4);

    let form = &seen[0].action;
    assert_eq!(form.tag(), "button");
    assert_eq!(form.name(), Some("submit"));
    let leave: Leave = form
        .form()
        .unwrap_or_else(|| panic!("no form value"))
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        leave,
        Leave {
            reason: "moving house".into(),
            days: "2".into(),
            tags: vec!["a".into(), "b".into()]
        }
    );
    assert_eq!(form.form().and_then(|f| f.text("days")), Some("2"));

    assert_eq!(seen[1].action.tag(), "select_static");
    assert_eq!(seen[1].action.option(), Some("high"));
    assert_eq!(seen[1].action.raw_value(), &json!({ "pick": "priority" }));
    assert_eq!(seen[2].action.tag(), "input");
    assert_eq!(seen[2].action.input_value(), Some("call me"));
    assert_eq!(seen[3].action.tag(), "checker");
    assert_eq!(seen[3].action.checked(), Some(true));
    assert_eq!(seen[3].operator.open_id, "ou_emulated_user");
    assert_eq!(
        seen[3]
            .context
            .open_message_id
            .as_ref()
            .map(|id| id.as_str()),
        Some(id.as_str())
    );
}

/// Posts a body to the receiver as Lark would: encrypted with `key`, signed with it at
/// `timestamp` with `nonce`.
async fn post_signed(
    url: &str,
    plaintext: &str,
    key: &str,
    timestamp: &str,
    nonce: &str,
) -> reqwest::Response {
    let key = Secret::new(key);
    let body =
        json!({ "encrypt": crypto::encrypt(&key, plaintext.as_bytes(), [5; 16]) }).to_string();
    let signature = crypto::signature(timestamp, nonce, &key, body.as_bytes());
    reqwest::Client::new()
        .post(url)
        .header(crypto::TIMESTAMP_HEADER, timestamp)
        .header(crypto::NONCE_HEADER, nonce)
        .header(crypto::SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn unix_now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string()
}

/// A simulated click that must get through: the bot still serves.
async fn still_serving(emulator: &Emulator, id: &MessageId) {
    let interaction = emulator
        .click(id, Click::element("approve"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        interaction.code, 0,
        "the bot stopped serving: {:?}",
        interaction.error
    );
}

/// Answers a toast only: the card keeps its buttons.
async fn toast_only(action: CardAction) -> Answer {
    Answer::new().toast(Toast::info(action.operator.open_id))
}

#[tokio::test]
async fn bad_requests_are_refused_with_their_status_and_the_bot_keeps_serving() {
    let receiver = receiver_with(toast_only);
    let (emulator, url) = bot(receiver.clone()).await;
    let id = emulator
        .send_card("oc_team", APPROVAL)
        .unwrap_or_else(|e| panic!("{e}"));
    let first = emulator
        .click(&id, Click::element("approve"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let plaintext = first.callback.to_string();
    let http = reqwest::Client::new();

    // A forged signature: the right body, signed with something else.
    let key = Secret::new(KEY);
    let body =
        json!({ "encrypt": crypto::encrypt(&key, plaintext.as_bytes(), [1; 16]) }).to_string();
    let forged = http
        .post(&url)
        .header(crypto::TIMESTAMP_HEADER, unix_now())
        .header(crypto::NONCE_HEADER, "forged-nonce")
        .header(crypto::SIGNATURE_HEADER, "0".repeat(64))
        .body(body.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(forged.status(), 401);
    // No signature headers at all.
    let unsigned = http
        .post(&url)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unsigned.status(), 401);
    still_serving(&emulator, &id).await;

    // The wrong Verification Token: Lark sees a non-200 answer (200671).
    emulator.set_callback(
        APP,
        CallbackApp::new(&url, "another-token").encrypt_key(KEY),
    );
    let wrong_token = emulator
        .click(&id, Click::element("approve"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(wrong_token.status, Some(401));
    assert_eq!(wrong_token.code, LarkCode::CallbackNot200.code());

    // Another Encrypt Key: the signature fails first.
    emulator.set_callback(
        APP,
        CallbackApp::new(&url, TOKEN).encrypt_key("another key"),
    );
    let other_key = emulator
        .click(&id, Click::element("approve"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(other_key.status, Some(401));
    emulator.set_callback(APP, CallbackApp::new(&url, TOKEN).encrypt_key(KEY));
    still_serving(&emulator, &id).await;

    // A body encrypted with another key but signed with ours does not decrypt.
    let undecryptable = {
        let other = Secret::new("another key");
        let body = json!({ "encrypt": crypto::encrypt(&other, plaintext.as_bytes(), [2; 16]) })
            .to_string();
        let timestamp = unix_now();
        let signature = crypto::signature(&timestamp, "n-undecryptable", &key, body.as_bytes());
        http.post(&url)
            .header(crypto::TIMESTAMP_HEADER, timestamp)
            .header(crypto::NONCE_HEADER, "n-undecryptable")
            .header(crypto::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(undecryptable.status(), 401);

    // A stale timestamp: the emulator's clock 10 minutes ahead.
    emulator.clock().advance(Duration::from_secs(10 * 60));
    let stale = emulator
        .click(&id, Click::element("approve"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stale.status, Some(401));
    let stale_direct = post_signed(&url, &plaintext, KEY, "1000000000", "n-stale").await;
    assert_eq!(stale_direct.status(), 401);

    // A replayed nonce: the same signed request twice.
    let now = unix_now();
    let once = post_signed(&url, &plaintext, KEY, &now, "n-replayed").await;
    assert_eq!(once.status(), 200);
    let twice = post_signed(&url, &plaintext, KEY, &now, "n-replayed").await;
    assert_eq!(twice.status(), 401);

    // Bad JSON, and a 2 MiB body.
    let bad_json = http
        .post(&url)
        .body("{not json")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad_json.status(), 400);
    let huge = http
        .post(&url)
        .body(vec![b' '; 2 << 20])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(huge.status(), 413);
    let get = http
        .get(&url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(get.status(), 405);

    // Back to the right time: still serving.
    let fresh = Emulator::builder()
        .app(APP, SECRET)
        .start()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    fresh.set_callback(APP, CallbackApp::new(&url, TOKEN).encrypt_key(KEY));
    let id = fresh
        .send_card("oc_team", APPROVAL)
        .unwrap_or_else(|e| panic!("{e}"));
    still_serving(&fresh, &id).await;

    let stats = receiver.stats();
    assert_eq!(stats.refused(Refusal::BadSignature), 3, "{stats:?}"); // forged, unsigned, other key
    assert_eq!(stats.refused(Refusal::WrongToken), 1, "{stats:?}");
    assert_eq!(stats.refused(Refusal::Undecryptable), 1, "{stats:?}");
    assert_eq!(stats.refused(Refusal::Stale), 2, "{stats:?}");
    assert_eq!(stats.refused(Refusal::Replayed), 1, "{stats:?}");
    assert_eq!(stats.refused(Refusal::BadJson), 1, "{stats:?}");
    assert_eq!(stats.refused(Refusal::TooLarge), 1, "{stats:?}");
    assert_eq!(stats.refused(Refusal::MethodNotAllowed), 1, "{stats:?}");
    assert_eq!(stats.refused_total(), 11);
    // first + 2 still-serving + the replay's first copy + the fresh emulator's click
    assert_eq!(stats.answered, 5, "{stats:?}");
}

#[tokio::test]
async fn the_url_verification_is_answered_encrypted_or_not() {
    let receiver = receiver_with(approval);
    let url = serve(receiver.clone()).await;
    let challenge =
        json!({ "challenge": "ch-123", "token": TOKEN, "type": "url_verification" }).to_string();
    let answer = post_signed(&url, &challenge, KEY, &unix_now(), "n-challenge").await;
    assert_eq!(answer.status(), 200);
    let body: Value = serde_json::from_str(&answer.text().await.unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body, json!({ "challenge": "ch-123" }));

    let wrong =
        json!({ "challenge": "ch-123", "token": "nope", "type": "url_verification" }).to_string();
    let refused = post_signed(&url, &wrong, KEY, &unix_now(), "n-challenge-2").await;
    assert_eq!(refused.status(), 401);

    // Without an Encrypt Key the body is plain JSON.
    let plain = Receiver::builder()
        .verification_token(TOKEN)
        .build(approval)
        .unwrap_or_else(|e| panic!("{e}"));
    let url = serve(plain).await;
    let answer = reqwest::Client::new()
        .post(&url)
        .body(challenge)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.status(), 200);
    let body: Value = serde_json::from_str(&answer.text().await.unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body["challenge"], "ch-123");
    assert_eq!(receiver.stats().challenges, 1);
}

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .app(APP, SECRET)
        .base_url(emulator.base_url())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What the emulator logs when it has answered a delayed update.
const DELAYED_UPDATE_ANSWERED: &str = "path=/open-apis/interactive/v1/card/update";
/// What the receiver logs when a late answer's card waits for the default answer.
const LATE_CARD_WAITS: &str = "waits until the default answer is written";

// On one thread, so that the emulator's, the receiver's and the client's logs all reach the
// test's subscriber.
#[tokio::test(flavor = "current_thread")]
async fn a_slow_handler_s_card_follows_the_default_answer_and_is_not_undone() {
    let logs = LogLines::default();
    let _capture = logs.capture();
    let emulator = emulator().await;
    // The handler finishes once the default answer has left the receiver.
    let release = Arc::new(tokio::sync::Notify::new());
    let handler_release = release.clone();
    let receiver = Receiver::builder()
        .verification_token(TOKEN)
        .encrypt_key(KEY)
        // A short wait, so that the default answer goes at once (Lark's 3 seconds are the
        // emulator's to enforce).
        .answer_within(Duration::from_millis(10))
        .default_answer(Answer::new().toast(Toast::info("Working on it")))
        .late_updates(client(&emulator))
        .build(move |_action: CardAction| {
            let release = handler_release.clone();
            async move {
                release.notified().await;
                Answer::v2().card(decided("Report ready".into()))
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
    // In front of the receiver, a layer that holds the default answer until the late card
    // was sent (as a slow network would) or is seen waiting for the answer.
    let held_logs = logs.clone();
    let app = axum::Router::new()
        .route_service("/lark/callback", receiver.clone())
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let release = release.clone();
                let logs = held_logs.clone();
                async move {
                    let response = next.run(request).await;
                    release.notify_one();
                    logs.until_one_of(&[DELAYED_UPDATE_ANSWERED, LATE_CARD_WAITS])
                        .await;
                    response
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "http://{}/lark/callback",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    emulator.set_callback(APP, CallbackApp::new(&url, TOKEN).encrypt_key(KEY));
    let id = emulator
        .send_card("oc_team", APPROVAL)
        .unwrap_or_else(|e| panic!("{e}"));

    let interaction = emulator
        .click(&id, Click::element("approve"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Answered in time (the emulator would record 200341 after 3 seconds), by default.
    assert_eq!(interaction.code, 0, "{:?}", interaction.error);
    assert_eq!(
        interaction.toast,
        Some(json!({ "type": "info", "content": "Working on it" }))
    );
    assert!(!interaction.card_applied);

    // The handler went on; its card comes with the delayed update, after the answer, so Lark
    // keeps it.
    logs.until_one_of(&["the late answer's card went with the delayed update"])
        .await;
    let kinds: Vec<RevisionKind> = emulator.history(&id).iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            RevisionKind::Sent,
            RevisionKind::Clicked,
            RevisionKind::DelayedUpdate
        ],
        "a delayed update before the answer is undone"
    );
    assert!(text_of(&emulator, &id).contains("Report ready"));
    let stats = receiver.stats();
    assert_eq!(stats.answered_by_default, 1);
    assert_eq!(stats.late_updates, 1);
}

/// A card that keeps its button, so it can be clicked again.
fn step(n: u32) -> Card<Shared> {
    card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (format!("step {n}")) },
        { "tag": "button", "element_id": "approve", "text": { "tag": "plain_text", "content": "Again" },
          "behaviors": [ { "type": "callback", "value": { "action": "approve" } } ] }
    ] } })
}

#[tokio::test]
async fn the_delayed_update_token_serves_twice_for_30_minutes() {
    let tokens: Arc<Mutex<Vec<CallbackToken>>> = Arc::default();
    let keep = tokens.clone();
    let receiver = receiver_with(move |action: CardAction| {
        let keep = keep.clone();
        async move {
            if let Ok(mut tokens) = keep.lock() {
                tokens.push(action.token);
            }
            Answer::new()
        }
    });
    let (emulator, _) = bot(receiver).await;
    let client = client(&emulator);
    let id = emulator
        .send_card("oc_team", APPROVAL)
        .unwrap_or_else(|e| panic!("{e}"));
    let click = || emulator.click(&id, Click::element("approve"));
    click().await.unwrap_or_else(|e| panic!("{e}"));
    let token = tokens.lock().unwrap_or_else(|e| panic!("{e}"))[0].clone();
    assert!(!format!("{token:?}").contains(token.expose()));

    // Twice, then refused here, before any request.
    for n in 1..=2 {
        client
            .update_card_later(&token, &step(n))
            .await
            .unwrap_or_else(|e| panic!("update {n}: {e}"));
        assert!(text_of(&emulator, &id).contains(&format!("step {n}")));
    }
    let requests = emulator.requests().len();
    let third = client.update_card_later(&token, &step(3)).await;
    assert!(
        matches!(third, Err(ClientError::SpentToken(SpentToken::UsedUp))),
        "{third:?}"
    );
    assert_eq!(emulator.requests().len(), requests);

    // The same token, as kept in storage: Lark (the emulator) refuses it, 300040.
    let stored = CallbackToken::new(token.expose());
    let third = client.update_card_later(&stored, &step(3)).await;
    assert_eq!(
        third.err().and_then(|e| e.lark_code()),
        Some(LarkCode::CallbackTokenUsedUp)
    );

    // A fresh token, used once, then 30 minutes later: expired, 300030.
    click().await.unwrap_or_else(|e| panic!("{e}"));
    let fresh = CallbackToken::new(tokens.lock().unwrap_or_else(|e| panic!("{e}"))[1].expose());
    client
        .update_card_later(&fresh, &step(4))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    emulator.clock().advance(Duration::from_secs(30 * 60));
    let late = client.update_card_later(&fresh, &step(5)).await;
    assert_eq!(
        late.err().and_then(|e| e.lark_code()),
        Some(LarkCode::CallbackTokenExpired)
    );
    assert!(text_of(&emulator, &id).contains("step 4"));

    // A token that is not a callback token.
    let bogus = client
        .update_card_later(&CallbackToken::new("t-not-a-callback-token"), &step(6))
        .await;
    assert_eq!(
        bogus.err().and_then(|e| e.lark_code()),
        Some(LarkCode::CallbackTokenMalformed)
    );
}

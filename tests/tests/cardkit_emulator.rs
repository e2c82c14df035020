//! The emulator's CardKit endpoints over real HTTP: card entities created, sent by `card_id`
//! (in a send and a reply), operated with `sequence` and `uuid`, and every rule Lark's pages
//! give them (codes from `lark_card::lark`), the times on the emulator's paused clock.

use std::time::Duration;

use lark_card::cardkit::CardId;
use lark_card::lark::limits::{
    CARD_ENTITY_LIFETIME, MAX_CARD_ELEMENTS, PER_APP_PER_SECOND, PER_CARD_ENTITY_PER_SECOND,
    STREAMING_AUTO_CLOSE,
};
use lark_card::lark::{streaming_print, LarkCode, STREAMING_SUMMARY, SUCCESS};
use lark_card::MessageId;
use lark_card_emulator::{Emulator, RevisionKind};
use reqwest::Method;
use serde_json::{json, Value};

const APP: &str = "cli_kit";
const OTHER_APP: &str = "cli_other";
const CHAT: &str = "oc_stream";

struct Kit {
    emulator: Emulator,
    http: reqwest::Client,
    token: String,
}

/// A card JSON 2.0 card with a markdown element `answer` and a button `stop`.
fn streaming_card(streaming: bool) -> Value {
    json!({
        "schema": "2.0",
        "config": { "streaming_mode": streaming },
        "body": { "elements": [
            { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
            { "tag": "button", "element_id": "stop",
              "text": { "tag": "plain_text", "content": "Stop" } }
        ] }
    })
}

impl Kit {
    async fn new() -> Kit {
        let emulator = Emulator::builder()
            .app(APP, "secret")
            .app(OTHER_APP, "secret2")
            .paused_clock()
            .start()
            .await
            .unwrap();
        let token = emulator.tenant_token(APP).unwrap();
        Kit {
            emulator,
            http: reqwest::Client::new(),
            token,
        }
    }

    async fn call_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.emulator.base_url()))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json; charset=utf-8")
                .body(serde_json::to_vec(&body).unwrap());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn call(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        self.call_as(&self.token, method, path, Some(body)).await
    }

    /// The Lark `code` of an answer.
    async fn code(&self, method: Method, path: &str, body: Value) -> i64 {
        let (_, answer) = self.call(method, path, body).await;
        answer["code"].as_i64().unwrap_or(-1)
    }

    async fn create(&self, card: &Value) -> CardId {
        let (status, answer) = self
            .call(
                Method::POST,
                "/open-apis/cardkit/v1/cards",
                json!({ "type": "card_json", "data": card.to_string() }),
            )
            .await;
        assert_eq!(
            (status, answer["code"].as_i64()),
            (200, Some(SUCCESS)),
            "{answer}"
        );
        answer["data"]["card_id"].as_str().unwrap().parse().unwrap()
    }

    async fn create_code(&self, card: &Value) -> i64 {
        self.code(
            Method::POST,
            "/open-apis/cardkit/v1/cards",
            json!({ "type": "card_json", "data": card.to_string() }),
        )
        .await
    }

    async fn send(&self, card_id: &CardId) -> (i64, Option<MessageId>) {
        let (_, answer) = self
            .call(
                Method::POST,
                "/open-apis/im/v1/messages?receive_id_type=chat_id",
                json!({
                    "receive_id": CHAT,
                    "msg_type": "interactive",
                    "content": json!({ "type": "card", "data": { "card_id": card_id.as_str() } }).to_string(),
                }),
            )
            .await;
        let id = answer["data"]["message_id"]
            .as_str()
            .map(|id| id.parse().unwrap());
        (answer["code"].as_i64().unwrap_or(-1), id)
    }

    async fn stream(&self, card_id: &CardId, element: &str, text: &str, sequence: i64) -> i64 {
        self.code(
            Method::PUT,
            &format!("/open-apis/cardkit/v1/cards/{card_id}/elements/{element}/content"),
            json!({ "content": text, "sequence": sequence }),
        )
        .await
    }

    async fn settings(&self, card_id: &CardId, settings: Value, sequence: i64) -> i64 {
        self.code(
            Method::PATCH,
            &format!("/open-apis/cardkit/v1/cards/{card_id}/settings"),
            json!({ "settings": settings.to_string(), "sequence": sequence }),
        )
        .await
    }

    fn card(&self, card_id: &CardId) -> Value {
        self.emulator
            .card_entity(card_id)
            .and_then(|entity| entity.card_json())
            .unwrap()
    }
}

fn code(code: LarkCode) -> i64 {
    code.code()
}

#[tokio::test]
async fn a_card_sent_by_card_id_shows_the_entity_card_as_it_streams() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(true)).await;
    let (sent, message_id) = kit.send(&card_id).await;
    assert_eq!(sent, SUCCESS);
    let message_id = message_id.unwrap();

    assert_eq!(kit.stream(&card_id, "answer", "Hello", 1).await, SUCCESS);
    assert_eq!(
        kit.stream(&card_id, "answer", "Hello, world", 2).await,
        SUCCESS
    );

    let message = kit.emulator.message(message_id.as_str()).unwrap();
    let shown = message.content_json().unwrap();
    assert_eq!(shown["body"]["elements"][0]["content"], "Hello, world");
    assert_eq!(shown["schema"], "2.0");

    let history = kit.emulator.history(message_id.as_str());
    let operations: Vec<_> = history
        .iter()
        .filter(|revision| revision.kind == RevisionKind::CardKit)
        .map(|revision| revision.operation.clone().unwrap_or_default())
        .collect();
    assert_eq!(operations, ["stream_content", "stream_content"]);
    assert_eq!(history[0].kind, RevisionKind::Sent);

    let entity = kit.emulator.card_entity(&card_id).unwrap();
    assert!(entity.streaming_mode);
    assert_eq!(entity.summary.as_deref(), Some(STREAMING_SUMMARY));
    assert_eq!(entity.last_sequence.map(|s| s.get()), Some(2));
    assert_eq!(entity.message_id.as_ref(), Some(&message_id));
    assert_eq!(
        kit.emulator
            .card_entity_of_message(&message_id)
            .map(|e| e.card),
        Some(entity.card.clone())
    );

    // The same over the control API.
    let (status, served) = kit
        .call_as(
            "",
            Method::GET,
            &format!("/__emulator/cards/{card_id}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(served["streaming_mode"], true);
    assert_eq!(served["summary"], STREAMING_SUMMARY);
    assert_eq!(served["last_sequence"], 2);
    assert_eq!(served["message_id"], message_id.as_str());
    let (status, _) = kit
        .call_as(
            "",
            Method::GET,
            "/__emulator/cards/7000000000000000000",
            None,
        )
        .await;
    assert_eq!(status, 404);

    // The viewer: the chat list's summary, and Lark's printing defaults for the script.
    let page = kit
        .http
        .get(format!(
            "{}/__emulator/viewer/chats",
            kit.emulator.base_url()
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(">{STREAMING_SUMMARY}</span>")),
        "{page}"
    );
    let defaults = format!(
        "data-print-frequency-ms=\"{}\" data-print-step=\"{}\" data-print-strategy=\"{}\"",
        streaming_print::DEFAULT_FREQUENCY_MS,
        streaming_print::DEFAULT_STEP,
        streaming_print::DEFAULT_STRATEGY
    );
    assert!(page.contains(&defaults), "{page}");
    assert!(page.contains(&format!("data-card-id=\"{card_id}\"")));
    let history = kit
        .http
        .get(format!(
            "{}/__emulator/viewer/messages/{message_id}",
            kit.emulator.base_url()
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        history.matches("data-operation=\"stream_content\"").count(),
        2,
        "{history}"
    );
}

#[tokio::test]
async fn a_reply_sends_a_card_entity_into_the_chat_of_the_message_replied_to() {
    let kit = Kit::new().await;
    let question = kit
        .emulator
        .send_card_as(
            APP,
            "oc_question",
            r#"{"schema":"2.0","body":{"elements":[]}}"#,
        )
        .unwrap();
    let card_id = kit.create(&streaming_card(true)).await;
    let (status, answer) = kit
        .call(
            Method::POST,
            &format!("/open-apis/im/v1/messages/{question}/reply"),
            json!({
                "msg_type": "interactive",
                "content": json!({ "type": "card", "data": { "card_id": card_id.as_str() } }).to_string(),
            }),
        )
        .await;
    assert_eq!(
        (status, answer["code"].as_i64()),
        (200, Some(SUCCESS)),
        "{answer}"
    );
    assert_eq!(answer["data"]["parent_id"], question);
    let reply = answer["data"]["message_id"].as_str().unwrap();
    let view = kit.emulator.message(reply).unwrap();
    assert_eq!(view.chat_id, "oc_question");
    assert_eq!(
        view.content,
        kit.emulator.card_entity(&card_id).unwrap().card
    );

    // A recalled message takes no reply.
    kit.emulator.recall(&question).unwrap();
    let card_id = kit.create(&streaming_card(true)).await;
    let recalled = kit
        .code(
            Method::POST,
            &format!("/open-apis/im/v1/messages/{question}/reply"),
            json!({
                "msg_type": "interactive",
                "content": json!({ "type": "card", "data": { "card_id": card_id.as_str() } }).to_string(),
            }),
        )
        .await;
    assert_eq!(recalled, code(LarkCode::MessageRecalled));
}

#[tokio::test]
async fn an_entity_is_sent_once_and_only_by_the_app_that_created_it() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(true)).await;

    let other = kit.emulator.tenant_token(OTHER_APP).unwrap();
    let (_, answer) = kit
        .call_as(
            &other,
            Method::PUT,
            &format!("/open-apis/cardkit/v1/cards/{card_id}/elements/answer/content"),
            Some(json!({ "content": "not mine", "sequence": 1 })),
        )
        .await;
    assert_eq!(answer["code"], code(LarkCode::NoCardPermission));
    let (_, answer) = kit
        .call_as(
            &other,
            Method::POST,
            "/open-apis/im/v1/messages?receive_id_type=chat_id",
            Some(json!({
                "receive_id": CHAT, "msg_type": "interactive",
                "content": json!({ "type": "card", "data": { "card_id": card_id.as_str() } }).to_string(),
            })),
        )
        .await;
    assert_eq!(answer["code"], code(LarkCode::CardContentFailed));

    assert_eq!(kit.send(&card_id).await.0, SUCCESS);
    let (again, _) = kit.send(&card_id).await;
    assert_eq!(again, code(LarkCode::CardContentFailed));
    assert_eq!(kit.emulator.messages().len(), 1);

    let unknown: CardId = "7000000000000000001".parse().unwrap();
    assert_eq!(
        kit.send(&unknown).await.0,
        code(LarkCode::CardContentFailed)
    );
    assert_eq!(
        kit.stream(&unknown, "answer", "x", 1).await,
        code(LarkCode::CardEntityNotFound)
    );
}

#[tokio::test]
async fn the_sequence_must_rise_above_the_last_applied_one() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(true)).await;
    assert_eq!(kit.stream(&card_id, "answer", "a", 1).await, SUCCESS);
    assert_eq!(
        kit.stream(&card_id, "answer", "ab", 1).await,
        code(LarkCode::SequenceNotIncreasing)
    );
    // Lark's `msg` for the code, with the detail after `ext=`.
    let (status, answer) = kit
        .call(
            Method::PUT,
            &format!("/open-apis/cardkit/v1/cards/{card_id}/elements/answer/content"),
            json!({ "content": "ab", "sequence": 1 }),
        )
        .await;
    assert_eq!(status, 400);
    let msg = answer["msg"].as_str().unwrap_or_default();
    let documented = LarkCode::SequenceNotIncreasing.msg().unwrap_or("none");
    assert!(msg.starts_with(documented) && msg.contains("ext="), "{msg}");
    assert!(answer["error"]["log_id"].is_string());
    // Gaps are fine; going back is not, whatever the operation.
    assert_eq!(kit.stream(&card_id, "answer", "abc", 5).await, SUCCESS);
    assert_eq!(
        kit.settings(
            &card_id,
            json!({ "config": { "streaming_mode": false } }),
            3
        )
        .await,
        code(LarkCode::SequenceNotIncreasing)
    );
    // A refused operation does not use its sequence up.
    assert_eq!(
        kit.stream(&card_id, "stop", "x", 6).await,
        code(LarkCode::NotStreamable)
    );
    assert_eq!(kit.stream(&card_id, "answer", "abcd", 6).await, SUCCESS);
    assert_eq!(kit.card(&card_id)["body"]["elements"][0]["content"], "abcd");
    // Out of int32's positive range: a bad parameter.
    assert_eq!(
        kit.stream(&card_id, "answer", "abcde", 0).await,
        code(LarkCode::BadParam)
    );
    assert_eq!(
        kit.stream(&card_id, "answer", "abcde", 2_147_483_648).await,
        code(LarkCode::BadParam)
    );
}

#[tokio::test]
async fn a_repeated_uuid_is_applied_once_and_another_operation_with_it_conflicts() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(false)).await;
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements");
    let add = json!({
        "type": "append", "uuid": "add-1", "sequence": 1,
        "elements": json!([{ "tag": "hr", "element_id": "rule" }]).to_string(),
    });
    assert_eq!(kit.code(Method::POST, &path, add.clone()).await, SUCCESS);
    // The retry (the first answer was lost, say): success, and one rule only.
    assert_eq!(kit.code(Method::POST, &path, add).await, SUCCESS);
    let elements = kit.card(&card_id)["body"]["elements"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(elements, 3);
    assert_eq!(kit.emulator.card_entity(&card_id).unwrap().operations, 1);

    let other = json!({
        "type": "append", "uuid": "add-1", "sequence": 2,
        "elements": json!([{ "tag": "hr", "element_id": "rule2" }]).to_string(),
    });
    assert_eq!(
        kit.code(Method::POST, &path, other).await,
        code(LarkCode::UuidConflict)
    );
    // A uuid over 64 characters is a bad parameter.
    let long = json!({ "uuid": "u".repeat(65), "sequence": 3 });
    assert_eq!(
        kit.code(Method::DELETE, &format!("{path}/rule"), long)
            .await,
        code(LarkCode::BadParam)
    );
}

#[tokio::test]
async fn ten_operations_a_second_per_card_entity() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(true)).await;
    let other = kit.create(&streaming_card(true)).await;
    let mut text = String::new();
    let mut sequence = 0;
    for _ in 0..PER_CARD_ENTITY_PER_SECOND {
        text.push('x');
        sequence += 1;
        assert_eq!(
            kit.stream(&card_id, "answer", &text, sequence).await,
            SUCCESS
        );
    }
    sequence += 1;
    assert_eq!(
        kit.stream(&card_id, "answer", "y", sequence).await,
        code(LarkCode::MessageRateLimited)
    );
    // Another card has a budget of its own.
    assert_eq!(kit.stream(&other, "answer", "z", 1).await, SUCCESS);
    kit.emulator.clock().advance(Duration::from_millis(999));
    assert_eq!(
        kit.stream(&card_id, "answer", "y", sequence).await,
        code(LarkCode::MessageRateLimited)
    );
    kit.emulator.clock().advance(Duration::from_millis(1));
    assert_eq!(kit.stream(&card_id, "answer", "y", sequence).await, SUCCESS);
    assert_eq!(
        kit.emulator.counts().throttled.get(card_id.as_str()),
        Some(&2)
    );
}

#[tokio::test]
async fn the_app_has_fifty_a_second_on_each_endpoint() {
    let kit = Kit::new().await;
    for _ in 0..PER_APP_PER_SECOND {
        kit.create(&streaming_card(true)).await;
    }
    let (status, answer) = kit
        .call(
            Method::POST,
            "/open-apis/cardkit/v1/cards",
            json!({ "type": "card_json", "data": streaming_card(true).to_string() }),
        )
        .await;
    assert_eq!(status, 429);
    assert_eq!(answer["code"], code(LarkCode::AppRateLimited));
    // Streaming is another endpoint, with a budget of its own.
    let card_id = kit.emulator.card_entities()[0].card_id.clone().unwrap();
    assert_eq!(kit.stream(&card_id, "answer", "x", 1).await, SUCCESS);
}

#[tokio::test]
async fn tokens_are_checked_first() {
    let kit = Kit::new().await;
    let (status, answer) = kit
        .call_as(
            "",
            Method::POST,
            "/open-apis/cardkit/v1/cards",
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, answer["code"].as_i64()),
        (400, Some(code(LarkCode::TokenMissing)))
    );
    let (_, answer) = kit
        .call_as(
            "t-0000000000000000000000000000000000000000",
            Method::POST,
            "/open-apis/cardkit/v1/cards",
            Some(json!({})),
        )
        .await;
    assert_eq!(answer["code"], code(LarkCode::TenantTokenInvalid));
}

#[tokio::test]
async fn only_card_json_2_0_and_shared_cards_make_entities() {
    let kit = Kit::new().await;
    let v1 = json!({ "config": { "update_multi": true }, "elements": [{ "tag": "hr" }] });
    assert_eq!(kit.create_code(&v1).await, code(LarkCode::CardKitNeedsV2));
    let exclusive =
        json!({ "schema": "2.0", "config": { "update_multi": false }, "body": { "elements": [] } });
    assert_eq!(
        kit.create_code(&exclusive).await,
        code(LarkCode::CardEntityNotShared)
    );
    assert_eq!(
        kit.create_code(&json!({})).await,
        code(LarkCode::CardDslEmpty)
    );
    let invalid = json!({ "schema": "2.0", "body": { "elements": [{ "tag": "no_such_tag" }] } });
    assert_eq!(
        kit.create_code(&invalid).await,
        code(LarkCode::CardKitContentFailed)
    );
    let duplicate = json!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "a", "content": "1" },
        { "tag": "markdown", "element_id": "a", "content": "2" }
    ] } });
    assert_eq!(
        kit.create_code(&duplicate).await,
        code(LarkCode::DuplicateElementId)
    );

    // A full update to a 1.0 card is refused, and the card stays.
    let card_id = kit.create(&streaming_card(false)).await;
    let answer = kit
        .code(
            Method::PUT,
            &format!("/open-apis/cardkit/v1/cards/{card_id}"),
            json!({ "card": { "type": "card_json", "data": v1.to_string() }, "sequence": 1 }),
        )
        .await;
    assert_eq!(answer, code(LarkCode::CardKitNeedsV2));
    assert_eq!(kit.card(&card_id), streaming_card(false));
    let answer = kit
        .code(
            Method::PUT,
            &format!("/open-apis/cardkit/v1/cards/{card_id}"),
            json!({ "card": { "type": "card_json", "data": streaming_card(true).to_string() }, "sequence": 1 }),
        )
        .await;
    assert_eq!(answer, SUCCESS);
    assert_eq!(kit.card(&card_id), streaming_card(true));
}

fn markdowns(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({ "tag": "markdown", "element_id": format!("m{i}"), "content": "x" }))
        .collect()
}

#[tokio::test]
async fn at_most_200_elements() {
    let kit = Kit::new().await;
    let over = json!({ "schema": "2.0", "body": { "elements": markdowns(MAX_CARD_ELEMENTS + 1) } });
    assert_eq!(
        kit.create_code(&over).await,
        code(LarkCode::TooManyElements)
    );
    let full = json!({ "schema": "2.0", "body": { "elements": markdowns(MAX_CARD_ELEMENTS) } });
    let card_id = kit.create(&full).await;
    let answer = kit
        .code(
            Method::POST,
            &format!("/open-apis/cardkit/v1/cards/{card_id}/elements"),
            json!({ "type": "append", "sequence": 1,
                    "elements": json!([{ "tag": "hr" }]).to_string() }),
        )
        .await;
    assert_eq!(answer, code(LarkCode::TooManyElements));
    let elements = kit.card(&card_id)["body"]["elements"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(elements, MAX_CARD_ELEMENTS);
}

#[tokio::test]
async fn at_most_30_kb_counted_as_the_request_body_of_the_card() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(true)).await;
    // Quotes are escaped twice in `{"content":"<card JSON>"}`: 10,000 of them are ~40 KB.
    let quotes = "\"".repeat(10_000);
    assert_eq!(
        kit.stream(&card_id, "answer", &quotes, 1).await,
        code(LarkCode::CardEntityTooLarge)
    );
    assert_eq!(
        kit.card(&card_id)["body"]["elements"][0]["content"],
        "Thinking…"
    );
    let plain = "a".repeat(20_000);
    assert_eq!(kit.stream(&card_id, "answer", &plain, 2).await, SUCCESS);
    let big = json!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": "a".repeat(40_000) }
    ] } });
    assert_eq!(
        kit.create_code(&big).await,
        code(LarkCode::CardEntityTooLarge)
    );
}

#[tokio::test]
async fn text_streams_only_into_markdown_and_plain_text() {
    let kit = Kit::new().await;
    let card = json!({ "schema": "2.0", "config": { "streaming_mode": true }, "body": { "elements": [
        { "tag": "div", "text": { "tag": "plain_text", "element_id": "line", "content": "" } },
        { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
    ] } });
    let card_id = kit.create(&card).await;
    assert_eq!(kit.stream(&card_id, "line", "streamed", 1).await, SUCCESS);
    assert_eq!(
        kit.card(&card_id)["body"]["elements"][0]["text"]["content"],
        "streamed"
    );
    assert_eq!(
        kit.stream(&card_id, "stop", "x", 2).await,
        code(LarkCode::NotStreamable)
    );
    assert_eq!(
        kit.stream(&card_id, "nowhere", "x", 2).await,
        code(LarkCode::ElementUpdateFailed)
    );
    assert_eq!(
        kit.stream(&card_id, "1bad", "x", 2).await,
        code(LarkCode::BadParam)
    );
    assert_eq!(
        kit.stream(&card_id, "line", "", 2).await,
        code(LarkCode::BadParam)
    );
}

#[tokio::test]
async fn an_element_keeps_its_tag() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(false)).await;
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements/answer");
    let retag = json!({ "partial_element": json!({ "tag": "hr" }).to_string(), "sequence": 1 });
    assert_eq!(
        kit.code(Method::PATCH, &path, retag).await,
        code(LarkCode::TagCannotChange)
    );
    let replace = json!({ "element": json!({ "tag": "hr" }).to_string(), "sequence": 1 });
    assert_eq!(
        kit.code(Method::PUT, &path, replace).await,
        code(LarkCode::TagCannotChange)
    );

    // A new `element_id` follows the rules of one.
    let bad_rename = json!({
        "partial_element": json!({ "element_id": "9lives" }).to_string(),
        "sequence": 1,
    });
    assert_eq!(
        kit.code(Method::PATCH, &path, bad_rename).await,
        code(LarkCode::BadParam)
    );
    // A patch changes fields, and an `element_id` renames.
    let rename = json!({
        "partial_element": json!({ "content": "Done", "element_id": "result" }).to_string(),
        "sequence": 2,
    });
    assert_eq!(kit.code(Method::PATCH, &path, rename).await, SUCCESS);
    let card = kit.card(&card_id);
    assert_eq!(card["body"]["elements"][0]["element_id"], "result");
    assert_eq!(card["body"]["elements"][0]["content"], "Done");
    let replace = json!({ "element": json!({ "tag": "markdown", "content": "New" }).to_string(), "sequence": 3 });
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements/result");
    assert_eq!(kit.code(Method::PUT, &path, replace).await, SUCCESS);
    assert_eq!(
        kit.card(&card_id)["body"]["elements"][0],
        json!({ "tag": "markdown", "content": "New", "element_id": "result" })
    );
}

#[tokio::test]
async fn elements_are_added_where_the_request_says() {
    let kit = Kit::new().await;
    let card = json!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "answer", "content": "a" },
        { "tag": "collapsible_panel", "element_id": "panel",
          "header": { "title": { "tag": "plain_text", "content": "Log" } }, "elements": [] }
    ] } });
    let card_id = kit.create(&card).await;
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements");
    let hr = |id: &str| json!([{ "tag": "hr", "element_id": id }]).to_string();
    let add = |kind: &str, target: Option<&str>, id: &str, sequence: i64| {
        let mut body = json!({ "type": kind, "elements": hr(id), "sequence": sequence });
        if let Some(target) = target {
            body["target_element_id"] = json!(target);
        }
        body
    };
    assert_eq!(
        kit.code(
            Method::POST,
            &path,
            add("insert_before", Some("answer"), "first", 1)
        )
        .await,
        SUCCESS
    );
    assert_eq!(
        kit.code(
            Method::POST,
            &path,
            add("insert_after", Some("answer"), "third", 2)
        )
        .await,
        SUCCESS
    );
    assert_eq!(
        kit.code(
            Method::POST,
            &path,
            add("append", Some("panel"), "inside", 3)
        )
        .await,
        SUCCESS
    );
    assert_eq!(
        kit.code(Method::POST, &path, add("append", None, "last", 4))
            .await,
        SUCCESS
    );
    let card = kit.card(&card_id);
    let ids: Vec<&str> = card["body"]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["element_id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["first", "answer", "third", "panel", "last"]);
    assert_eq!(
        card["body"]["elements"][3]["elements"][0]["element_id"],
        "inside"
    );

    assert_eq!(
        kit.code(Method::POST, &path, add("insert_after", None, "x", 5))
            .await,
        code(LarkCode::BadParam)
    );
    assert_eq!(
        kit.code(Method::POST, &path, add("append", None, "answer", 5))
            .await,
        code(LarkCode::DuplicateElementId)
    );
    assert_eq!(
        kit.code(Method::POST, &path, add("append", Some("answer"), "x", 5))
            .await,
        code(LarkCode::AddElementsFailed)
    );
}

#[tokio::test]
async fn delete_takes_its_sequence_in_a_json_body() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(false)).await;
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements/stop");
    let (_, answer) = kit.call_as(&kit.token, Method::DELETE, &path, None).await;
    assert_eq!(answer["code"], code(LarkCode::BadParam));
    assert_eq!(
        kit.code(
            Method::DELETE,
            &path,
            json!({ "uuid": "del-stop", "sequence": 1 })
        )
        .await,
        SUCCESS
    );
    let card = kit.card(&card_id);
    assert_eq!(card["body"]["elements"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        kit.code(Method::DELETE, &path, json!({ "sequence": 2 }))
            .await,
        code(LarkCode::ElementUpdateFailed)
    );
}

#[tokio::test]
async fn a_batch_update_applies_all_its_actions_or_none() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(false)).await;
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/batch_update");
    let actions = |last: &str| {
        json!([
            { "action": "partial_update_setting",
              "params": { "settings": { "config": { "streaming_mode": true } } } },
            { "action": "add_elements",
              "params": { "type": "insert_after", "target_element_id": "answer",
                          "elements": [{ "tag": "hr", "element_id": "rule" }] } },
            { "action": "partial_update_element",
              "params": { "element_id": "answer", "partial_element": { "content": "Batched" } } },
            { "action": "delete_elements", "params": { "element_ids": [last] } }
        ])
        .to_string()
    };
    let refused = kit
        .code(
            Method::POST,
            &path,
            json!({ "actions": actions("nothing"), "sequence": 1 }),
        )
        .await;
    assert_eq!(refused, code(LarkCode::ElementUpdateFailed));
    assert_eq!(kit.card(&card_id), streaming_card(false));
    assert_eq!(
        kit.emulator.card_entity(&card_id).unwrap().last_sequence,
        None
    );

    let applied = kit
        .code(
            Method::POST,
            &path,
            json!({ "actions": actions("stop"), "sequence": 1 }),
        )
        .await;
    assert_eq!(applied, SUCCESS);
    let entity = kit.emulator.card_entity(&card_id).unwrap();
    assert!(entity.streaming_mode);
    let card = entity.card_json().unwrap();
    assert_eq!(card["body"]["elements"][0]["content"], "Batched");
    assert_eq!(card["body"]["elements"][1]["element_id"], "rule");
    assert_eq!(card["body"]["elements"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn streaming_mode_closes_itself_ten_minutes_after_it_was_last_enabled() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(true)).await;
    let (_, message_id) = kit.send(&card_id).await;
    let message_id = message_id.unwrap();
    let clock = kit.emulator.clock();

    clock.advance(STREAMING_AUTO_CLOSE - Duration::from_millis(1));
    assert_eq!(kit.stream(&card_id, "answer", "still on", 1).await, SUCCESS);
    // Streaming does not restart the ten minutes.
    clock.advance(Duration::from_millis(1));
    let entity = kit.emulator.card_entity(&card_id).unwrap();
    assert!(!entity.streaming_mode);
    assert_eq!(entity.summary, None);
    assert_eq!(
        entity.card_json().unwrap()["config"]["streaming_mode"],
        false
    );
    // An operation that leaves streaming mode alone does not hide the time-out.
    let patch = json!({ "partial_element": json!({ "content": "…" }).to_string(), "sequence": 2 });
    let answer_path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements/answer");
    assert_eq!(kit.code(Method::PATCH, &answer_path, patch).await, SUCCESS);
    assert_eq!(
        kit.stream(&card_id, "answer", "late", 3).await,
        code(LarkCode::StreamingTimedOut)
    );
    assert_eq!(
        kit.stream(&card_id, "answer", "later", 4).await,
        code(LarkCode::StreamingClosed)
    );
    let history = kit.emulator.history(message_id.as_str());
    let closed = history
        .iter()
        .find(|r| r.operation.as_deref() == Some("streaming_timed_out"))
        .unwrap();
    assert_eq!(
        closed.at.duration_since(history[0].at).ok(),
        Some(STREAMING_AUTO_CLOSE)
    );
    // The other operations work without streaming mode.
    let patch =
        json!({ "partial_element": json!({ "content": "final" }).to_string(), "sequence": 5 });
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements/answer");
    assert_eq!(kit.code(Method::PATCH, &path, patch).await, SUCCESS);

    // Reopened, it streams again, for ten minutes from the reopening.
    assert_eq!(
        kit.settings(&card_id, json!({ "config": { "streaming_mode": true } }), 6)
            .await,
        SUCCESS
    );
    assert_eq!(
        kit.stream(&card_id, "answer", "final answer", 7).await,
        SUCCESS
    );
    clock.advance(STREAMING_AUTO_CLOSE - Duration::from_millis(1));
    assert!(kit.emulator.card_entity(&card_id).unwrap().streaming_mode);
    clock.advance(Duration::from_millis(1));
    assert!(!kit.emulator.card_entity(&card_id).unwrap().streaming_mode);
}

#[tokio::test]
async fn closing_streaming_mode_keeps_a_summary_the_card_set() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(true)).await;
    let closed = kit
        .settings(
            &card_id,
            json!({ "config": { "streaming_mode": false, "summary": { "content": "Answered" } } }),
            1,
        )
        .await;
    assert_eq!(closed, SUCCESS);
    let entity = kit.emulator.card_entity(&card_id).unwrap();
    assert!(!entity.streaming_mode);
    assert_eq!(entity.summary.as_deref(), Some("Answered"));
    // Closed by the app (not by time): 300309 at once.
    assert_eq!(
        kit.stream(&card_id, "answer", "x", 2).await,
        code(LarkCode::StreamingClosed)
    );
    // Settings without the `config` wrapper, as some clients send them, work too.
    assert_eq!(
        kit.settings(&card_id, json!({ "streaming_mode": true }), 3)
            .await,
        SUCCESS
    );
    assert!(kit.emulator.card_entity(&card_id).unwrap().streaming_mode);
}

#[tokio::test]
async fn an_entity_expires_fourteen_days_after_it_was_created() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(true)).await;
    let unsent = kit.create(&streaming_card(true)).await;
    kit.emulator
        .clock()
        .advance(CARD_ENTITY_LIFETIME - Duration::from_secs(1));
    let token = kit.emulator.tenant_token(APP).unwrap();
    let settings = json!({ "settings": json!({ "config": { "streaming_mode": true } }).to_string(), "sequence": 1 });
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/settings");
    let (_, answer) = kit
        .call_as(&token, Method::PATCH, &path, Some(settings.clone()))
        .await;
    assert_eq!(answer["code"], SUCCESS);
    kit.emulator.clock().advance(Duration::from_secs(1));
    let token = kit.emulator.tenant_token(APP).unwrap();
    let (_, answer) = kit
        .call_as(&token, Method::PATCH, &path, Some(settings))
        .await;
    assert_eq!(answer["code"], code(LarkCode::CardEntityExpired));
    let (_, answer) = kit
        .call_as(
            &token,
            Method::POST,
            "/open-apis/im/v1/messages?receive_id_type=chat_id",
            Some(json!({
                "receive_id": CHAT, "msg_type": "interactive",
                "content": json!({ "type": "card", "data": { "card_id": unsent.as_str() } }).to_string(),
            })),
        )
        .await;
    assert_eq!(answer["code"], code(LarkCode::CardContentFailed));
}

#[tokio::test]
async fn id_convert_gives_the_card_id_of_a_card_message() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(true)).await;
    let (_, message_id) = kit.send(&card_id).await;
    let message_id = message_id.unwrap();
    let (_, answer) = kit
        .call(
            Method::POST,
            "/open-apis/cardkit/v1/cards/id_convert",
            json!({ "message_id": message_id.as_str() }),
        )
        .await;
    assert_eq!(answer["data"]["card_id"], card_id.as_str());

    // A card sent as JSON 2.0 becomes an entity, streamed into like any other.
    let sent = kit
        .emulator
        .send_card_as(APP, CHAT, &streaming_card(true).to_string())
        .unwrap();
    let (_, answer) = kit
        .call(
            Method::POST,
            "/open-apis/cardkit/v1/cards/id_convert",
            json!({ "message_id": sent }),
        )
        .await;
    let converted: CardId = answer["data"]["card_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        kit.stream(&converted, "answer", "converted", 1).await,
        SUCCESS
    );
    let shown = kit.emulator.message(&sent).unwrap().content_json().unwrap();
    assert_eq!(shown["body"]["elements"][0]["content"], "converted");
}

#[tokio::test]
async fn an_answer_lost_after_the_operation_was_applied_is_retried_safely_with_its_uuid() {
    let kit = Kit::new().await;
    let card_id = kit.create(&streaming_card(false)).await;
    let path = format!("/open-apis/cardkit/v1/cards/{card_id}/elements");
    let add = |uuid: Option<&str>, sequence: i64| {
        let mut body = json!({
            "type": "append", "sequence": sequence,
            "elements": json!([{ "tag": "hr" }]).to_string(),
        });
        if let Some(uuid) = uuid {
            body["uuid"] = json!(uuid);
        }
        body
    };
    kit.emulator.faults().fail_after_next(1, 502);
    let (status, _) = kit.call(Method::POST, &path, add(Some("hr-1"), 1)).await;
    assert_eq!(status, 502);
    // Applied although the client saw a failure.
    let count = |kit: &Kit| {
        kit.card(&card_id)["body"]["elements"]
            .as_array()
            .map(Vec::len)
    };
    assert_eq!(count(&kit), Some(3));
    // The retry with its uuid: success, not applied twice.
    assert_eq!(
        kit.code(Method::POST, &path, add(Some("hr-1"), 1)).await,
        SUCCESS
    );
    assert_eq!(count(&kit), Some(3));
    // Without a uuid the same retry is refused: its sequence was used.
    kit.emulator.faults().fail_after_next(1, 500);
    let (status, _) = kit.call(Method::POST, &path, add(None, 2)).await;
    assert_eq!(status, 500);
    assert_eq!(
        kit.code(Method::POST, &path, add(None, 2)).await,
        code(LarkCode::SequenceNotIncreasing)
    );
    assert_eq!(count(&kit), Some(4));
    assert_eq!(kit.emulator.faults().pending().failures_after, 0);
}

/// A bot's callback URL that answers `answer` to each callback once the test lets it: each
/// request arrives on the receiver, and waits for one permit of the semaphore.
async fn slow_bot(
    answer: Value,
) -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<()>,
    std::sync::Arc<tokio::sync::Semaphore>,
) {
    let (arrived, arrivals) = tokio::sync::mpsc::unbounded_channel();
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(0));
    let permits = gate.clone();
    let handler = move || {
        let arrived = arrived.clone();
        let permits = permits.clone();
        let answer = answer.to_string();
        async move {
            let _ = arrived.send(());
            if let Ok(permit) = permits.acquire().await {
                permit.forget();
            }
            ([("content-type", "application/json")], answer)
        }
    };
    let app = axum::Router::new().route("/callback", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, arrivals, gate)
}

#[tokio::test]
async fn while_a_click_waits_for_the_bot_the_card_refuses_operations_and_streaming_ignores_callback_cards(
) {
    let kit = Kit::new().await;
    let answered = json!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "answer", "content": "from the callback" }
    ] } });
    let (url, mut arrivals, gate) =
        slow_bot(json!({ "card": { "type": "raw", "data": answered } })).await;
    kit.emulator
        .set_callback(APP, lark_card_emulator::CallbackApp::new(url, "vtoken"));
    let card = json!({
        "schema": "2.0",
        "config": { "streaming_mode": true },
        "body": { "elements": [
            { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
            { "tag": "button", "element_id": "stop",
              "text": { "tag": "plain_text", "content": "Stop" },
              "behaviors": [ { "type": "callback", "value": { "action": "stop" } } ] }
        ] }
    });
    let card_id = kit.create(&card).await;
    let (_, message_id) = kit.send(&card_id).await;
    let message_id = message_id.unwrap();

    let click = kit.emulator.click(
        message_id.as_str(),
        lark_card_emulator::Click::element("stop"),
    );
    let during = async {
        arrivals.recv().await;
        let refused = kit.stream(&card_id, "answer", "Thinking… more", 1).await;
        gate.add_permits(1);
        refused
    };
    let (interaction, refused) = tokio::join!(click, during);
    assert_eq!(refused, code(LarkCode::CardInInteraction));
    let interaction = interaction.unwrap();
    assert_eq!(interaction.code, SUCCESS);
    // Streaming: the callback's card is not applied.
    assert!(!interaction.card_applied);
    assert_eq!(kit.card(&card_id), card);
    assert_eq!(
        kit.stream(&card_id, "answer", "Thinking… more", 1).await,
        SUCCESS
    );

    // Streaming closed, the callback's card replaces the card, of the entity too.
    assert_eq!(
        kit.settings(
            &card_id,
            json!({ "config": { "streaming_mode": false } }),
            2
        )
        .await,
        SUCCESS
    );
    gate.add_permits(1);
    let interaction = kit
        .emulator
        .click(
            message_id.as_str(),
            lark_card_emulator::Click::element("stop"),
        )
        .await
        .unwrap();
    assert!(interaction.card_applied);
    assert_eq!(kit.card(&card_id), answered);
    assert_eq!(
        kit.emulator
            .message(message_id.as_str())
            .unwrap()
            .content_json(),
        Some(answered)
    );
}

//! The CardKit client against the emulator, over real HTTP on loopback: card entities made,
//! sent by `card_id` and operated with one increasing `sequence` and a `uuid` per operation;
//! the stream handle (coalescing, 10 a second per card, the typewriter rule), its recoveries
//! (200850, 300309, 300317, a 5xx after the operation was applied), its terminal errors
//! (200740, 200750), its closing on every way out, and its rollover at 30 KB and at 200
//! elements with the text intact; two replicas streaming into one card through Redis.

use std::time::Duration;

use card_test_support::shared_redis;
use lark_card::cardkit::{
    BatchAction, CardId, ElementId, PartialElement, Placement, Sequence, Settings, StreamTarget,
    StreamingCard,
};
use lark_card::client::{CardStream, Client, ClientError, Destination, Recipient, RedisConfig};
use lark_card::lark::limits::{
    CARD_ENTITY_LIFETIME, MAX_CARD_BODY, MAX_CARD_ELEMENTS, STREAMING_AUTO_CLOSE,
};
use lark_card::lark::LarkCode;
use lark_card::model::{Element, Hr, Markdown};
use lark_card_emulator::{element_text, Emulator, Endpoint};
use serde_json::{json, Value};

mod common;
use common::{client, emulator, APP, SECRET};

const CHAT: &str = "oc_stream";

struct AnswerIds {
    answer: StreamTarget,
    status: StreamTarget,
    rule: ElementId,
}

fn answer_card() -> StreamingCard<AnswerIds> {
    lark_card::streaming_card!(AnswerIds, {
        "schema": "2.0",
        "config": { "streaming_mode": true, "summary": { "content": "" } },
        "body": { "elements": [
            { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
            { "tag": "div", "text": { "tag": "plain_text", "element_id": "status", "content": "working" } },
            { "tag": "hr", "element_id": "rule" }
        ] }
    })
}

fn ok<T, E: std::error::Error>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| {
        let mut message = e.to_string();
        let mut cause = e.source();
        while let Some(error) = cause {
            message.push_str(&format!(": {error}"));
            cause = error.source();
        }
        panic!("{message}")
    })
}

fn entity_card(emulator: &Emulator, card_id: &CardId) -> Value {
    let entity = emulator
        .card_entity(card_id)
        .unwrap_or_else(|| panic!("no card entity {card_id}"));
    entity
        .card_json()
        .unwrap_or_else(|| panic!("{}", entity.card))
}

/// The bodies of the requests to this path, as JSON, in order.
fn bodies(emulator: &Emulator, method: &str, path: &str) -> Vec<Value> {
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == method && r.uri == path)
        .map(|r| serde_json::from_str(&r.body).unwrap_or(Value::Null))
        .collect()
}

/// Every CardKit operation's body, in the order received.
fn operations(emulator: &Emulator) -> Vec<Value> {
    emulator
        .requests()
        .iter()
        .filter(|r| r.uri.starts_with("/open-apis/cardkit/v1/cards/"))
        .map(|r| serde_json::from_str(&r.body).unwrap_or(Value::Null))
        .collect()
}

#[tokio::test]
async fn every_operation_takes_the_next_sequence_of_one_counter_and_a_uuid() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let entity = ok(client.create_card(&card).await);
    let message = ok(entity.send(&Recipient::chat(CHAT).into()).await);
    let id = entity.card_id().clone();

    // The message shows the entity: its content is `{"type":"card","data":{"card_id":…}}`.
    let sends = bodies(
        &emulator,
        "POST",
        "/open-apis/im/v1/messages?receive_id_type=chat_id",
    );
    assert_eq!(sends.len(), 1);
    let content: Value =
        serde_json::from_str(sends[0]["content"].as_str().unwrap_or("")).unwrap_or(Value::Null);
    assert_eq!(
        content,
        json!({ "type": "card", "data": { "card_id": id.as_str() } })
    );
    assert_eq!(
        emulator.card_entity(&id).and_then(|e| e.message_id),
        Some(message.clone())
    );

    let ids = card.ids();
    let hr = Element::Hr(Hr::default());
    let note = Element::Markdown(Markdown {
        content: Some("note".into()),
        element_id: Some("note".into()),
        ..Default::default()
    });
    let mut sequences = Vec::new();
    sequences.push(ok(entity.stream_text(&ids.answer, "The answer").await));
    sequences.push(ok(entity
        .settings(&Settings::streaming(true).with_summary("…"))
        .await));
    sequences.push(ok(entity
        .add_elements(
            &Placement::InsertAfter(ids.answer.element_id().clone()),
            &[note],
        )
        .await));
    sequences.push(ok(entity
        .patch_element(
            &ids.status,
            &PartialElement::new().set("content", "patched"),
        )
        .await));
    sequences.push(ok(entity.replace_element(&ids.rule, &hr).await));
    sequences.push(ok(entity.delete_element(ok(ElementId::new("note"))).await));
    let collapse = BatchAction::PartialUpdateElement(
        ids.status.element_id().clone(),
        PartialElement::new().set("content", "batched"),
    );
    sequences.push(ok(entity.batch_update(&[collapse]).await));
    sequences.push(ok(entity.full_update(&card).await));
    let numbers: Vec<i32> = sequences.iter().map(|s| s.get()).collect();
    assert_eq!(numbers, (1..=8).collect::<Vec<_>>());

    // On the wire: the sequence and the handle's uuid for it in every body, DELETE with
    // its JSON body.
    let sent = operations(&emulator);
    assert_eq!(sent.len(), 8, "{sent:?}");
    for (n, body) in sent.iter().enumerate() {
        let sequence = i64::try_from(n + 1).unwrap_or(0);
        assert_eq!(body["sequence"], json!(sequence), "{body}");
        assert_eq!(
            body["uuid"],
            json!(entity.operation_uuid(ok(Sequence::new(sequence))).as_str()),
            "{body}"
        );
    }
    let delete = emulator
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .unwrap_or_else(|| panic!("no DELETE"));
    assert_eq!(
        delete.uri,
        format!("/open-apis/cardkit/v1/cards/{id}/elements/note")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&delete.body).unwrap_or(Value::Null),
        json!({ "uuid": entity.operation_uuid(ok(Sequence::new(6))).as_str(), "sequence": 6 })
    );
    let view = emulator
        .card_entity(&id)
        .unwrap_or_else(|| panic!("no entity"));
    assert_eq!(view.last_sequence.map(Sequence::get), Some(8));
    assert_eq!(view.operations, 8);

    // A second handle of the same card shares the counter.
    let again = client.card_entity(id.clone());
    assert_eq!(
        ok(again.stream_text(&ids.answer, "The answer is").await).get(),
        9
    );
    assert_eq!(
        emulator
            .counts()
            .code(LarkCode::SequenceNotIncreasing.code()),
        0
    );
}

#[tokio::test]
async fn a_card_entity_is_sent_as_a_reply_by_card_id() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let question = common::sent(&emulator, &client).await;
    let card = answer_card();
    let stream = ok(client
        .stream(&card, Destination::reply(question.clone()))
        .await);
    ok(stream.push(&card.ids().answer, "Yes."));
    let report = ok(stream.finish("Yes.").await);
    let replies = bodies(
        &emulator,
        "POST",
        &format!("/open-apis/im/v1/messages/{question}/reply"),
    );
    assert_eq!(replies.len(), 1, "{replies:?}");
    let content: Value =
        serde_json::from_str(replies[0]["content"].as_str().unwrap_or("")).unwrap_or(Value::Null);
    assert_eq!(
        content["data"]["card_id"],
        json!(report.cards[0].card_id.as_str())
    );
    assert_eq!(emulator.counts().endpoint(Endpoint::ReplyMessage), 1);
}

/// The texts of the `StreamContent` requests, in order.
fn streamed(emulator: &Emulator) -> Vec<String> {
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.uri.ends_with("/content"))
        .map(|r| {
            let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
            body["content"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_stream_coalesces_to_the_newest_text_within_10_a_second_and_closes_with_the_summary() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    let mut watch = stream.watch();
    let mut text = String::new();
    for n in 0..300 {
        text.push_str(&format!("word{n} "));
        ok(stream.push(&card.ids().answer, text.as_str()));
        if n % 50 == 0 {
            ok(stream.flush().await);
        }
    }
    // The watcher sees every push reach the card.
    loop {
        let progress = watch
            .changed()
            .await
            .unwrap_or_else(|| panic!("the stream ended"));
        assert!(progress.accepted <= progress.pushed);
        if progress.accepted == 300 {
            break;
        }
    }
    let report = ok(stream.finish("300 words").await);
    assert_eq!(report.cards.len(), 1);
    let id = &report.cards[0].card_id;
    let view = emulator
        .card_entity(id)
        .unwrap_or_else(|| panic!("no entity"));
    assert_eq!(
        element_text(&entity_card(&emulator, id), "answer").as_deref(),
        Some(text.as_str())
    );
    assert!(!view.streaming_mode, "streaming mode still on");
    assert_eq!(view.summary.as_deref(), Some("300 words"));
    // Coalesced: far fewer requests than texts; each text extends the one before (the
    // typewriter types on), and the last is the whole text.
    let sent = streamed(&emulator);
    assert!(sent.len() < 100, "{} requests for 300 texts", sent.len());
    assert!(sent
        .windows(2)
        .all(|w| w[1].starts_with(&w[0]) && w[1].len() > w[0].len()));
    assert_eq!(sent.last(), Some(&text));
    // Never over 10 a second per card, nor the app's limits.
    let counts = emulator.counts();
    assert_eq!(counts.code(LarkCode::MessageRateLimited.code()), 0);
    assert_eq!(counts.rate_limited_total() + counts.throttled_total(), 0);
    assert_eq!(report.operations, view.operations);
}

#[tokio::test]
async fn a_text_that_does_not_extend_the_last_is_sent_as_it_is() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    let answer = &card.ids().answer;
    ok(stream.push(answer, "Searching the web"));
    ok(stream.flush().await);
    ok(stream.push(answer, "Found 3 results"));
    ok(stream.flush().await);
    ok(stream.push(answer, "Found 3 results: a, b, c"));
    let report = ok(stream.finish("a, b, c").await);
    assert_eq!(
        streamed(&emulator),
        [
            "Searching the web",
            "Found 3 results",
            "Found 3 results: a, b, c"
        ]
    );
    assert_eq!(
        element_text(&entity_card(&emulator, &report.cards[0].card_id), "answer").as_deref(),
        Some("Found 3 results: a, b, c")
    );
}

#[tokio::test]
async fn streaming_mode_closed_by_lark_after_10_minutes_is_reopened_and_the_text_sent_again() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    let answer = &card.ids().answer;
    ok(stream.push(answer, "part one"));
    ok(stream.flush().await);
    emulator
        .clock()
        .advance(STREAMING_AUTO_CLOSE + Duration::from_secs(1));
    ok(stream.push(answer, "part one, part two"));
    ok(stream.flush().await);
    // Closed again: now Lark answers 300309 to the next text.
    emulator
        .faults()
        .error_next(1, LarkCode::StreamingClosed.code());
    ok(stream.push(answer, "part one, part two, part three"));
    let report = ok(stream.finish("three parts").await);
    assert_eq!(report.reopened, 2);
    let counts = emulator.counts();
    assert_eq!(counts.code(LarkCode::StreamingTimedOut.code()), 1);
    assert_eq!(counts.code(LarkCode::StreamingClosed.code()), 1);
    let id = &report.cards[0].card_id;
    assert_eq!(
        element_text(&entity_card(&emulator, id), "answer").as_deref(),
        Some("part one, part two, part three")
    );
    // Each refused text was followed by the settings that reopen streaming mode, then the
    // text again (never the refused call retried as it was).
    let settings: Vec<Value> = bodies(
        &emulator,
        "PATCH",
        &format!("/open-apis/cardkit/v1/cards/{id}/settings"),
    )
    .iter()
    .map(|b| serde_json::from_str(b["settings"].as_str().unwrap_or("")).unwrap_or(Value::Null))
    .collect();
    assert_eq!(settings.len(), 3, "{settings:?}");
    assert_eq!(settings[0], json!({ "config": { "streaming_mode": true } }));
    assert_eq!(settings[1], json!({ "config": { "streaming_mode": true } }));
    assert_eq!(settings[2]["config"]["streaming_mode"], json!(false));
    assert!(!emulator.card_entity(id).is_some_and(|e| e.streaming_mode));
}

#[tokio::test]
async fn when_streaming_mode_cannot_be_reopened_the_text_goes_as_full_updates() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    let answer = &card.ids().answer;
    ok(stream.push(answer, "first"));
    ok(stream.flush().await);
    // The text is refused (300309), and so is the settings call that would reopen it.
    emulator
        .faults()
        .error_next(2, LarkCode::StreamingClosed.code());
    ok(stream.push(answer, "first, second"));
    ok(stream.flush().await);
    ok(stream.push(answer, "first, second, third"));
    let report = ok(stream.finish("three").await);
    assert_eq!(report.reopened, 0);
    let id = &report.cards[0].card_id;
    let full = bodies(
        &emulator,
        "PUT",
        &format!("/open-apis/cardkit/v1/cards/{id}"),
    );
    assert_eq!(full.len(), 2, "{full:?}");
    let last: Value =
        serde_json::from_str(full[1]["card"]["data"].as_str().unwrap_or("")).unwrap_or(Value::Null);
    assert_eq!(
        element_text(&last, "answer").as_deref(),
        Some("first, second, third")
    );
    // The refused text was not sent again as it was: one content request per text before.
    assert_eq!(streamed(&emulator), ["first", "first, second"]);
    let view = emulator
        .card_entity(id)
        .unwrap_or_else(|| panic!("no entity"));
    assert!(!view.streaming_mode);
    assert_eq!(view.summary.as_deref(), Some("three"));
    assert_eq!(
        element_text(&entity_card(&emulator, id), "answer").as_deref(),
        Some("first, second, third")
    );
}

#[tokio::test]
async fn a_card_in_an_ongoing_interaction_is_retried_with_the_same_sequence_and_uuid() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let entity = ok(client.create_card(&card).await);
    ok(entity.send(&Recipient::chat(CHAT).into()).await);
    emulator
        .faults()
        .error_next(1, LarkCode::CardInInteraction.code());
    let taken = ok(entity
        .stream_text(&card.ids().answer, "after the callback")
        .await);
    assert_eq!(taken, Sequence::FIRST);
    let sent = operations(&emulator);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0], sent[1]);
    assert_eq!(
        emulator.counts().code(LarkCode::CardInInteraction.code()),
        1
    );
}

#[tokio::test]
async fn with_redis_unreachable_a_replica_goes_on_with_its_own_counter() {
    let emulator = emulator().await;
    // A port nothing listens on.
    let port = ok(std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr())).port();
    let client = ok(Client::builder()
        .app(APP, SECRET)
        .base_url(emulator.base_url())
        .redis(
            RedisConfig::new(format!("redis://127.0.0.1:{port}/"))
                .timeout(Duration::from_millis(50)),
        )
        .build());
    let card = answer_card();
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    for text in ["one", "one two", "one two three"] {
        ok(stream.push(&card.ids().answer, text));
        ok(stream.flush().await);
    }
    let report = ok(stream.finish("three").await);
    let view = emulator
        .card_entity(&report.cards[0].card_id)
        .unwrap_or_else(|| panic!("no entity"));
    assert_eq!(view.last_sequence.map(Sequence::get), Some(4));
    assert_eq!(
        emulator
            .counts()
            .code(LarkCode::SequenceNotIncreasing.code()),
        0
    );
}

#[tokio::test]
async fn a_counter_behind_the_card_catches_up_after_300317() {
    let emulator = emulator().await;
    let first = client(&emulator);
    let card = answer_card();
    let entity = ok(first.create_card(&card).await);
    ok(entity.send(&Recipient::chat(CHAT).into()).await);
    for n in 0..5 {
        ok(entity.stream_text(&card.ids().answer, format!("{n}")).await);
    }
    // Another process (no shared counter) starts at 1: refused until its counter passes 5.
    let second = client(&emulator);
    let other = second.card_entity(entity.card_id().clone());
    let taken = ok(other
        .stream_text(&card.ids().answer, "from the second")
        .await);
    assert!(taken.get() > 5, "{taken}");
    let refused = emulator
        .counts()
        .code(LarkCode::SequenceNotIncreasing.code());
    assert!(refused >= 1, "no 300317");
    // The first is now behind the second: it catches up too, and nothing is lost.
    let last = ok(entity
        .stream_text(&card.ids().answer, "from the first")
        .await);
    assert!(last > taken);
    assert!(
        emulator
            .counts()
            .code(LarkCode::SequenceNotIncreasing.code())
            > refused
    );
    assert_eq!(
        element_text(&entity_card(&emulator, entity.card_id()), "answer").as_deref(),
        Some("from the first")
    );
}

#[tokio::test]
async fn a_retry_after_a_5xx_that_came_after_the_operation_was_applied_is_applied_once() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = lark_card::streaming_card!({ "schema": "2.0", "config": { "streaming_mode": true }, "body": { "elements": [
        { "tag": "markdown", "element_id": "answer", "content": "" }
    ] } });
    let entity = ok(client.create_card(&card).await);
    ok(entity.send(&Recipient::chat(CHAT).into()).await);
    let id = entity.card_id().clone();
    // Lark applies each operation, and its answer is lost in a 503: the retry carries the
    // same sequence and uuid, which Lark applies once.
    emulator.faults().fail_after_next(1, 503);
    let first = ok(entity.stream_text(&card.ids().answer, "applied once").await);
    assert_eq!(first, Sequence::FIRST);
    // Adding an element twice would be refused (its `element_id` taken) or show it twice.
    let note = Element::Markdown(Markdown {
        content: Some("note".into()),
        element_id: Some("note".into()),
        ..Default::default()
    });
    emulator.faults().fail_after_next(1, 503);
    let second = ok(entity
        .add_elements(&Placement::Append(None), std::slice::from_ref(&note))
        .await);
    assert_eq!(second.get(), 2);
    let view = emulator
        .card_entity(&id)
        .unwrap_or_else(|| panic!("no entity"));
    assert_eq!((view.operations, view.last_sequence), (2, Some(second)));
    let counts = emulator.counts();
    assert_eq!(counts.status(503), 2);
    assert_eq!(counts.code(LarkCode::SequenceNotIncreasing.code()), 0);
    assert_eq!(counts.code(LarkCode::DuplicateElementId.code()), 0);
    let shown = entity_card(&emulator, &id);
    let elements = shown["body"]["elements"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(elements.len(), 2, "{shown}");
    assert_eq!(
        element_text(&shown, "answer").as_deref(),
        Some("applied once")
    );
    // The counter goes on from there.
    assert_eq!(
        ok(entity.settings(&Settings::streaming(false)).await).get(),
        3
    );
}

#[tokio::test]
async fn an_entity_gone_is_a_typed_terminal_error_and_pushes_after_it_are_refused() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    ok(stream.push(&card.ids().answer, "before"));
    ok(stream.flush().await);
    emulator
        .clock()
        .advance(CARD_ENTITY_LIFETIME + Duration::from_secs(1));
    ok(stream.push(&card.ids().answer, "after"));
    let error = stream
        .flush()
        .await
        .err()
        .unwrap_or_else(|| panic!("no error"));
    let ClientError::CardStreamStopped { cause, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        matches!(&**cause, ClientError::CardEntityGone { .. }),
        "{cause:?}"
    );
    assert_eq!(error.lark_code(), Some(LarkCode::CardEntityExpired));
    assert!(stream.push(&card.ids().answer, "later").is_err());
    let finished = stream.finish("never").await.err().map(|e| e.lark_code());
    assert_eq!(finished, Some(Some(LarkCode::CardEntityExpired)));

    // 200740: an entity that does not exist.
    let nobody = client.card_entity(ok(CardId::new("7355372766134157313")));
    let error = nobody.settings(&Settings::streaming(false)).await.err();
    assert!(
        matches!(error, Some(ClientError::CardEntityGone { ref cause, .. }) if cause.code == LarkCode::CardEntityNotFound),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_stream_that_stops_on_an_error_still_closes_streaming_mode() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    ok(stream.push(&card.ids().answer, "half an answer"));
    ok(stream.flush().await);
    emulator
        .faults()
        .error_next(1, LarkCode::NotStreamable.code());
    ok(stream.push(&card.ids().answer, "half an answer, and"));
    let closed = stream.closed();
    let error = stream
        .flush()
        .await
        .err()
        .unwrap_or_else(|| panic!("no error"));
    assert_eq!(error.lark_code(), Some(LarkCode::NotStreamable));
    closed.await;
    let view = &emulator.card_entities()[0];
    assert!(!view.streaming_mode);
    assert_eq!(view.summary.as_deref(), Some("half an answer"));
    assert!(stream.push(&card.ids().answer, "more").is_err());
    let finished = stream
        .finish("done")
        .await
        .err()
        .and_then(|e| e.lark_code());
    assert_eq!(finished, Some(LarkCode::NotStreamable));
}

#[tokio::test]
async fn a_dropped_stream_sends_what_waits_and_closes_in_the_background() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let stream: CardStream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    ok(stream.push(
        &card.ids().answer,
        "An answer cut short\nby a cancelled task",
    ));
    let cards = stream.cards();
    let closed = stream.closed();
    // A task cancelled while streaming drops its handle.
    let task = tokio::spawn(async move {
        let _stream = stream;
        std::future::pending::<()>().await;
    });
    task.abort();
    assert!(task.await.is_err_and(|e| e.is_cancelled()));
    closed.await;
    let view = emulator
        .card_entity(&cards[0].card_id)
        .unwrap_or_else(|| panic!("no entity"));
    assert!(!view.streaming_mode);
    assert_eq!(view.summary.as_deref(), Some("An answer cut short"));
    assert_eq!(
        element_text(&entity_card(&emulator, &cards[0].card_id), "answer").as_deref(),
        Some("An answer cut short\nby a cancelled task")
    );
}

#[tokio::test]
async fn a_cancelled_stream_drops_what_waits_and_closes() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    ok(stream.push(&card.ids().answer, "kept"));
    ok(stream.flush().await);
    // Held by the card's 10 a second (one text may already be on its way).
    ok(stream.push(&card.ids().answer, "kept, then"));
    ok(stream.push(&card.ids().answer, "kept, then dropped"));
    let report = ok(stream.cancel("Stopped").await);
    let view = emulator
        .card_entity(&report.cards[0].card_id)
        .unwrap_or_else(|| panic!("no entity"));
    assert!(!view.streaming_mode);
    assert_eq!(view.summary.as_deref(), Some("Stopped"));
    // At most the text in flight when it was cancelled went after the first.
    assert!(streamed(&emulator).len() <= 2);
}

/// The texts of `id` in each card of the report, in order.
fn texts(emulator: &Emulator, cards: &[lark_card::client::StreamedCard], id: &str) -> Vec<String> {
    cards
        .iter()
        .map(|c| element_text(&entity_card(emulator, &c.card_id), id).unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn a_text_over_30_kb_continues_in_new_cards_split_not_lost_or_repeated() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    // Over Lark's 100,000 characters of one streamed text (a card holds far fewer), with
    // quotes and newlines (escaped twice in the request), pushed in chunks.
    let mut text = String::new();
    let mut n = 0;
    while text.chars().count() < 110_000 {
        text.push_str(&format!("line {n}: \"quoted\" ünïcödé text\n"));
        n += 1;
        if n % 40 == 0 {
            ok(stream.push(&card.ids().answer, text.as_str()));
        }
    }
    ok(stream.push(&card.ids().answer, text.as_str()));
    let report = ok(stream.finish("a long answer").await);
    assert!(report.cards.len() >= 3, "{:?}", report.cards);
    let applied: u64 = report
        .cards
        .iter()
        .filter_map(|c| emulator.card_entity(&c.card_id))
        .map(|view| view.operations)
        .sum();
    assert_eq!(report.operations, applied);
    let parts = texts(&emulator, &report.cards, "answer");
    assert_eq!(parts.concat(), text);
    // Each card ends at the end of a line, and is summarised by its first line.
    for part in &parts[..parts.len() - 1] {
        assert!(
            part.ends_with('\n'),
            "{:?}",
            &part[part.len().saturating_sub(40)..]
        );
    }
    for (part, streamed) in parts.iter().zip(&report.cards).take(parts.len() - 1) {
        let view = emulator
            .card_entity(&streamed.card_id)
            .unwrap_or_else(|| panic!("no entity"));
        assert_eq!(view.summary.as_deref(), part.lines().next());
    }
    for (n, streamed) in report.cards.iter().enumerate() {
        let view = emulator
            .card_entity(&streamed.card_id)
            .unwrap_or_else(|| panic!("no entity"));
        assert!(!view.streaming_mode, "card {n} still streaming");
        assert!(view.summary.is_some());
        let checked = ok(lark_card::Card::<lark_card::Shared>::from_json(&view.card));
        assert!(checked.update_body_size() <= MAX_CARD_BODY);
        // Each card was sent after the one before, to the same chat.
        assert_eq!(view.message_id.as_ref(), Some(&streamed.message_id));
        let message = emulator
            .message(&streamed.message_id)
            .unwrap_or_else(|| panic!("no message"));
        assert_eq!(message.chat_id, CHAT);
    }
    assert_eq!(
        emulator.counts().code(LarkCode::CardEntityTooLarge.code()),
        0
    );
}

#[tokio::test]
async fn a_text_that_rewrites_what_an_earlier_card_holds_goes_on_in_the_current_card() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    let long: String = (0..5000).map(|n| format!("line {n}\n")).collect();
    ok(stream.push(&card.ids().answer, long.as_str()));
    ok(stream.flush().await);
    assert_eq!(stream.cards().len(), 2);
    // Shares "line " with the earlier card's text, then differs: the rest shows here.
    // A text that goes back to a start of what the earlier card holds: nothing to send.
    ok(stream.push(&card.ids().answer, "line 0\nline 1\n"));
    ok(stream.flush().await);
    ok(stream.push(&card.ids().answer, "line one, rewritten"));
    let report = ok(stream.finish("rewritten").await);
    assert_eq!(report.cards.len(), 2);
    let parts = texts(&emulator, &report.cards, "answer");
    assert!(long.starts_with(&parts[0]) && parts[0].len() > long.len() / 2);
    assert_eq!(parts[1], "one, rewritten");
}

#[tokio::test]
async fn elements_over_200_continue_in_a_new_card_in_order() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "title", "content": "Build log" }
    ] } });
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    let lines: Vec<String> = (0..450).map(|n| format!("step {n} ok")).collect();
    for chunk in lines.chunks(7) {
        let elements = chunk
            .iter()
            .map(|line| {
                Element::Markdown(Markdown {
                    content: Some(line.clone()),
                    ..Default::default()
                })
            })
            .collect();
        ok(stream.append(elements));
    }
    let report = ok(stream.finish("450 steps").await);
    assert!(report.cards.len() >= 3, "{:?}", report.cards);
    let mut shown = Vec::new();
    for streamed in &report.cards {
        let card = entity_card(&emulator, &streamed.card_id);
        let elements = card["body"]["elements"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(elements.len() <= MAX_CARD_ELEMENTS, "{}", elements.len());
        assert_eq!(elements[0]["content"], json!("Build log"));
        shown.extend(
            elements[1..]
                .iter()
                .map(|e| e["content"].as_str().unwrap_or_default().to_string()),
        );
    }
    assert_eq!(shown, lines);
    assert_eq!(emulator.counts().code(LarkCode::TooManyElements.code()), 0);
}

#[tokio::test]
async fn a_target_of_another_card_is_refused_before_any_request() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let card = answer_card();
    let other = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "elsewhere", "content": "" }
    ] } });
    let stream = ok(client.stream(&card, Recipient::chat(CHAT)).await);
    let error = stream.push(&other.ids().elsewhere, "x").err();
    assert!(
        matches!(error, Some(ClientError::NotInCard(_))),
        "{error:?}"
    );
    assert!(matches!(
        stream.push(&card.ids().answer, ""),
        Err(ClientError::CardKitBody(_))
    ));
    ok(stream.finish("nothing").await);
    assert!(streamed(&emulator).is_empty());
}

fn replica(emulator: &Emulator, redis: &str, prefix: &str) -> Client {
    ok(Client::builder()
        .app(APP, SECRET)
        .base_url(emulator.base_url())
        .redis(
            RedisConfig::new(redis)
                .prefix(prefix)
                .timeout(Duration::from_secs(1)),
        )
        .build())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_streaming_into_one_card_share_its_sequence_and_its_10_a_second() {
    let Some((url, _server)) = shared_redis("two replicas streaming into one card") else {
        return;
    };
    let emulator = emulator().await;
    let prefix = format!("cardkit-{}-{}", std::process::id(), fastrand_suffix());
    let (a, b) = (
        replica(&emulator, &url, &prefix),
        replica(&emulator, &url, &prefix),
    );
    let card = answer_card();
    let made = ok(a.create_card(&card).await);
    ok(made.send(&Recipient::chat(CHAT).into()).await);
    let id = made.card_id().clone();
    let per_replica = 15;
    let run = |client: Client, target: &'static str| {
        let id = id.clone();
        let card = answer_card();
        tokio::spawn(async move {
            let entity = client.card_entity(id);
            let target = ok(card.stream_target(target));
            for n in 1..=per_replica {
                ok(entity.stream_text(&target, format!("{target} {n}")).await);
            }
        })
    };
    let (x, y) = (run(a.clone(), "answer"), run(b.clone(), "status"));
    ok(x.await);
    ok(y.await);
    let counts = emulator.counts();
    assert_eq!(counts.code(LarkCode::SequenceNotIncreasing.code()), 0);
    assert_eq!(counts.code(LarkCode::MessageRateLimited.code()), 0);
    assert_eq!(counts.rate_limited_total() + counts.throttled_total(), 0);
    let view = emulator
        .card_entity(&id)
        .unwrap_or_else(|| panic!("no entity"));
    // One counter for both: every sequence used once, none skipped.
    assert_eq!(view.last_sequence.map(Sequence::get), Some(2 * per_replica));
    assert_eq!(view.operations, u64::try_from(2 * per_replica).unwrap_or(0));
    let shown = entity_card(&emulator, &id);
    assert_eq!(
        element_text(&shown, "answer"),
        Some(format!("answer {per_replica}"))
    );
    assert_eq!(
        element_text(&shown, "status"),
        Some(format!("status {per_replica}"))
    );
}

fn fastrand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

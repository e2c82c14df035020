//! `PATCH /open-apis/im/v1/messages/:message_id`: every rule and error code of Lark's page, and
//! `PUT` on a card.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use lark_card::lark::LarkCode;
use lark_card::MessageId;
use lark_card_emulator::RevisionKind;
use serde_json::json;

const DAY: Duration = Duration::from_secs(24 * 3600);

#[tokio::test]
async fn a_shared_card_is_replaced_and_its_history_kept() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.send_card(&shared_card("v1")).await?;
    lark.emulator.clock().advance(Duration::from_secs(5));
    let reply = lark.patch(&id, &shared_card("v2")).await?;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, json!({ "code": 0, "data": {}, "msg": "ok" }));
    lark.emulator.clock().advance(Duration::from_secs(7));
    assert_eq!(lark.patch(&id, &v2_card("v3")).await?.code(), 0);

    let view = lark.emulator.message(&id).ok_or("gone")?;
    assert_eq!(view.content, v2_card("v3"));
    assert_eq!(view.updates, 2);
    assert_eq!(
        view.updated_at.duration_since(view.created_at)?,
        Duration::from_secs(12)
    );

    let history = lark.emulator.history(&id);
    let kinds: Vec<_> = history.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            RevisionKind::Sent,
            RevisionKind::Updated,
            RevisionKind::Updated
        ]
    );
    let contents: Vec<_> = history.iter().map(|r| r.content.clone()).collect();
    assert_eq!(
        contents,
        [shared_card("v1"), shared_card("v2"), v2_card("v3")]
    );
    assert_eq!(
        history[1].at.duration_since(history[0].at)?,
        Duration::from_secs(5)
    );
    assert_eq!(
        history[2].at.duration_since(history[1].at)?,
        Duration::from_secs(7)
    );
    Ok(())
}

#[tokio::test]
async fn every_answer_has_a_log_id_and_errors_repeat_it_in_the_body() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    let mut seen = HashSet::new();
    let ok = lark.patch(&id, &shared_card("v2")).await?;
    let refused = lark.patch(&id, "not a card").await?;
    let not_found = call(lark.http.get(lark.url("/open-apis/nothing/here"))).await?;
    for reply in [&ok, &refused, &not_found] {
        let log_id = reply.header("x-tt-logid").ok_or("no X-Tt-Logid")?;
        assert_eq!(log_id.len(), 34, "{log_id}");
        assert!(seen.insert(log_id.to_owned()), "log ids are unique");
    }
    assert_eq!(
        refused.body["error"]["log_id"],
        refused.header("x-tt-logid").unwrap_or("")
    );
    assert_eq!(
        (not_found.status, not_found.code()),
        (404, LarkCode::NotFound.code())
    );
    Ok(())
}

#[tokio::test]
async fn the_body_must_be_exactly_content_as_a_string() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    let card = shared_card("v2");
    let cases = [
        ("not json".to_owned(), "the request body is not JSON"),
        ("[1, 2]".to_owned(), "must be a JSON object"),
        ("{}".to_owned(), "content is required"),
        (
            json!({ "content": 42 }).to_string(),
            "content must be a string",
        ),
        (
            json!({ "content": { "elements": [] } }).to_string(),
            "content must be a string",
        ),
        (
            json!({ "content": card, "msg_type": "interactive" }).to_string(),
            "unknown field `msg_type`",
        ),
        (json!({ "card": card }).to_string(), "unknown field `card`"),
        (String::new(), "the request body is not JSON"),
    ];
    for (body, expected) in cases {
        let reply = lark.patch_with(&lark.token, &id, body.clone()).await?;
        assert_eq!(
            (reply.status, reply.code()),
            (400, LarkCode::InvalidParameter.code()),
            "{body}"
        );
        assert!(
            reply
                .msg()
                .starts_with("Your request contains an invalid request parameter, ext=")
                && reply.msg().contains(expected),
            "{body}: {}",
            reply.msg()
        );
    }
    assert_eq!(lark.emulator.message(&id).map(|m| m.updates), Some(0));
    Ok(())
}

#[tokio::test]
async fn an_unknown_message_is_230001_and_a_non_message_id_99992354() -> TestResult {
    let lark = Lark::start().await?;
    let unknown = lark
        .patch("om_dc13264520392913993dd051dba21dcf", &shared_card("v2"))
        .await?;
    assert_eq!(
        (unknown.status, unknown.code()),
        (400, LarkCode::InvalidParameter.code())
    );
    for id in [
        "c-7f1bcd13fc57d46bac21793a18e560",
        "om_short",
        "scheduled-task-prompt%3Arun-1",
    ] {
        let reply = lark.patch(id, &shared_card("v2")).await?;
        assert_eq!(
            (reply.status, reply.code()),
            (400, LarkCode::MessageNotFound.code()),
            "{id}"
        );
        assert!(
            reply.msg().starts_with("these ids not existed: "),
            "{}",
            reply.msg()
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_message_that_is_not_a_card_is_230001() -> TestResult {
    let lark = Lark::start().await?;
    let reply = lark
        .send("chat_id", CHAT, "text", r#"{"text":"hello"}"#)
        .await?;
    let id = reply.body["data"]["message_id"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let reply = lark.patch(&id, &shared_card("v2")).await?;
    assert_eq!(reply.code(), LarkCode::InvalidParameter.code());
    assert_eq!(
        reply.msg(),
        "Your request contains an invalid request parameter, ext=This message is NOT a card."
    );
    Ok(())
}

#[tokio::test]
async fn a_recalled_message_is_230011() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.send_card(&shared_card("v1")).await?;
    lark.emulator.recall(&id)?;
    let reply = lark.patch(&id, &shared_card("v2")).await?;
    assert_eq!(
        (reply.status, reply.code(), reply.msg()),
        (
            400,
            LarkCode::MessageRecalled.code(),
            "The message is recalled."
        )
    );
    assert!(lark
        .emulator
        .recall(&"om_00000000000000000000000000000000".parse()?)
        .is_err());
    Ok(())
}

#[tokio::test]
async fn a_deleted_message_is_230110() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.send_card(&shared_card("v1")).await?;
    lark.emulator.delete(&id)?;
    let reply = lark.patch(&id, &shared_card("v2")).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::MessageDeleted.code())
    );
    assert_eq!(
        reply.msg(),
        "Action unavailable as the message has been deleted."
    );
    Ok(())
}

#[tokio::test]
async fn a_message_in_a_dissolved_chat_is_232009() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.send_card(&shared_card("v1")).await?;
    lark.emulator.dissolve_chat(CHAT);
    let reply = lark.patch(&id, &shared_card("v2")).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::ChatDissolved.code())
    );
    Ok(())
}

#[tokio::test]
async fn updates_stop_at_fourteen_days() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    lark.emulator
        .clock()
        .advance(14 * DAY - Duration::from_millis(1));
    // A token from before the jump would have expired long ago.
    let token = lark.fetch_token(APP_ID, APP_SECRET).await?;
    let body = json!({ "content": shared_card("v2") }).to_string();
    assert_eq!(lark.patch_with(&token, &id, body.clone()).await?.code(), 0);
    lark.emulator.clock().advance(Duration::from_millis(1));
    let reply = lark.patch_with(&token, &id, body).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::MessageTooOld.code())
    );
    assert_eq!(
        reply.msg(),
        "Message can only be modified within 14 days after sending."
    );
    Ok(())
}

#[tokio::test]
async fn a_card_sent_without_update_multi_cannot_be_updated() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.send_card(&exclusive_card("v1")).await?;
    assert_eq!(lark.emulator.message(&id).map(|m| m.shared), Some(false));
    let reply = lark.patch(&id, &shared_card("v2")).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::InvalidParameter.code())
    );
    assert!(reply.msg().contains("update_multi"), "{}", reply.msg());
    Ok(())
}

#[tokio::test]
async fn the_new_card_must_be_shared_too() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.send_card(&shared_card("v1")).await?;
    let reply = lark.patch(&id, &exclusive_card("v2")).await?;
    assert_eq!(reply.code(), LarkCode::InvalidParameter.code());
    assert!(
        reply.msg().contains("the new card is not shared"),
        "{}",
        reply.msg()
    );
    // A 2.0 card is always shared.
    assert_eq!(lark.patch(&id, &v2_card("v2")).await?.code(), 0);
    Ok(())
}

#[tokio::test]
async fn a_body_over_30_kb_is_230025_measured_in_request_bytes() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    let at_limit = card_with_body_size(30 * 1024)?;
    assert_eq!(
        lark.patch(&id, &at_limit).await?.code(),
        0,
        "30720 bytes is allowed"
    );
    let over = card_with_body_size(30 * 1024 + 1)?;
    let reply = lark.patch(&id, &over).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::ContentTooLong.code())
    );
    assert_eq!(
        reply.msg(),
        "The length of the message content reaches its limit."
    );

    // Escapes count: a card of 20 KB of quotes is a body of 40 KB.
    let quotes = shared_card(&"\"".repeat(10 * 1024));
    assert!(quotes.len() < 30 * 1024);
    assert_eq!(
        lark.patch(&id, &quotes).await?.code(),
        LarkCode::ContentTooLong.code()
    );
    Ok(())
}

#[tokio::test]
async fn an_invalid_card_is_230099_with_errcode_and_path() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    let card = json!({
        "config": { "update_multi": true },
        "elements": [
            { "tag": "markdown", "content": "ok" },
            { "tag": "action", "actions": [
                { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "primary" },
                { "tag": "button", "text": { "tag": "plain_text", "content": "Stop" }, "type": "dangerous" }
            ] }
        ]
    })
    .to_string();
    let reply = lark.patch(&id, &card).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::CardContentFailed.code())
    );
    let msg = reply.msg();
    assert!(
        msg.starts_with(
            "Failed to create card content, ext=ErrCode: 200621; ErrPath: ROOT -> elements -> [1](tag: action) -> actions -> [1](tag: button) -> type; ErrMsg: "
        ),
        "{msg}"
    );
    assert!(msg.ends_with("ErrorValue: dangerous; "), "{msg}");
    assert_eq!(
        lark.emulator.message(&id).map(|m| m.content),
        Some(shared_card("v1"))
    );

    let not_json = lark.patch(&id, "{\"config\": ").await?;
    assert!(
        not_json
            .msg()
            .contains("ext=ErrCode: 200621; ErrMsg: parse card json err"),
        "{}",
        not_json.msg()
    );
    Ok(())
}

#[tokio::test]
async fn a_one_point_zero_tag_in_a_two_point_zero_card_is_200861() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &v2_card("v1"))?;
    let card = json!({
        "schema": "2.0",
        "body": { "elements": [ { "tag": "note", "elements": [ { "tag": "plain_text", "content": "n" } ] } ] }
    })
    .to_string();
    let reply = lark.patch(&id, &card).await?;
    assert_eq!(reply.code(), LarkCode::CardContentFailed.code());
    assert!(
        reply
            .msg()
            .contains("ErrCode: 200861; ErrPath: ROOT -> body -> elements -> [0](tag: note)"),
        "{}",
        reply.msg()
    );
    Ok(())
}

#[tokio::test]
async fn put_on_a_card_is_230001_invalid_msg_type() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    let url = lark.url(&format!("/open-apis/im/v1/messages/{id}"));
    for msg_type in ["interactive", "text"] {
        let content = if msg_type == "text" {
            r#"{"text":"x"}"#.to_owned()
        } else {
            shared_card("v2")
        };
        let reply = call(
            lark.http
                .put(&url)
                .bearer_auth(&lark.token)
                .json(&json!({ "msg_type": msg_type, "content": content })),
        )
        .await?;
        assert_eq!(
            (reply.status, reply.code()),
            (400, LarkCode::InvalidParameter.code()),
            "{msg_type}"
        );
        assert_eq!(
            reply.msg(),
            "Your request contains an invalid request parameter, ext=invalid msg_type."
        );
    }
    assert_eq!(lark.emulator.message(&id).map(|m| m.updates), Some(0));
    Ok(())
}

#[tokio::test]
async fn put_edits_a_text_message() -> TestResult {
    let lark = Lark::start().await?;
    let sent = lark
        .send("chat_id", CHAT, "text", r#"{"text":"hello"}"#)
        .await?;
    let id: MessageId = sent.body["data"]["message_id"]
        .as_str()
        .ok_or("no message id")?
        .parse()?;
    let reply = call(
        lark.http
            .put(lark.url(&format!("/open-apis/im/v1/messages/{id}")))
            .bearer_auth(&lark.token)
            .json(&json!({ "msg_type": "text", "content": r#"{"text":"edited"}"# })),
    )
    .await?;
    assert_eq!(reply.code(), 0, "{}", reply.text);
    assert_eq!(
        lark.emulator.message(&id).map(|m| m.content),
        Some(r#"{"text":"edited"}"#.to_owned())
    );
    Ok(())
}

#[tokio::test]
async fn forced_business_errors_answer_with_their_documented_status() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    lark.emulator
        .faults()
        .error_next(1, LarkCode::AuditFailed.code())
        .error_next(1, LarkCode::NoAvailability.code())
        .error_next(1, LarkCode::LackOfPermissions.code());
    let expected = [
        (
            LarkCode::AuditFailed.code(),
            "The messages do NOT pass the audit.",
        ),
        (
            LarkCode::NoAvailability.code(),
            "Bot has NO availability to this user.",
        ),
        (
            LarkCode::LackOfPermissions.code(),
            "Lack of necessary permissions.",
        ),
    ];
    for (code, msg) in expected {
        let reply = lark.patch(&id, &shared_card("v2")).await?;
        assert_eq!((reply.status, reply.code(), reply.msg()), (400, code, msg));
    }
    assert_eq!(lark.patch(&id, &shared_card("v2")).await?.code(), 0);
    Ok(())
}

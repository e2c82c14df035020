//! `POST /open-apis/im/v1/messages`: sending cards (and other messages) with Lark's rules.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use lark_card::lark::LarkCode;
use lark_card::MessageId;
use lark_card_emulator::MessageState;
use serde_json::json;

#[tokio::test]
async fn a_card_is_stored_and_answered_like_lark() -> TestResult {
    let lark = Lark::start().await?;
    let card = shared_card("**Deploy** started");
    let reply = lark.send("chat_id", CHAT, "interactive", &card).await?;
    assert_eq!(
        (reply.status, reply.code(), reply.msg()),
        (200, 0, "success")
    );
    let data = &reply.body["data"];
    let id = data["message_id"].as_str().unwrap_or("");
    assert!(id.starts_with("om_") && id.len() == 35, "{id}");
    assert_eq!(data["msg_type"], "interactive");
    assert_eq!(data["chat_id"], CHAT);
    assert_eq!(data["sender"]["id"], APP_ID);
    assert_eq!(data["sender"]["sender_type"], "app");
    assert_eq!(data["deleted"], false);
    assert_eq!(data["updated"], false);
    let created = data["create_time"].as_str().unwrap_or("");
    assert!(
        created.len() >= 13 && created.bytes().all(|b| b.is_ascii_digit()),
        "{created}"
    );

    let id: MessageId = id.parse()?;
    let view = lark.emulator.message(&id).ok_or("message not stored")?;
    assert_eq!(view.content, card);
    assert!(view.shared);
    assert_eq!(view.state, MessageState::Live);
    assert_eq!(view.app_id, APP_ID);
    assert_eq!(lark.emulator.history(&id).len(), 1);
    Ok(())
}

#[tokio::test]
async fn message_ids_are_unique() -> TestResult {
    let lark = Lark::start().await?;
    let mut ids = HashSet::new();
    for i in 0..40 {
        // Five a second per chat: spread over chats so the per-chat limit stays out of the way.
        let reply = lark
            .send(
                "chat_id",
                &format!("oc_chat{}", i % 8),
                "interactive",
                &shared_card("x"),
            )
            .await?;
        assert_eq!(reply.code(), 0, "{}", reply.text);
        ids.insert(
            reply.body["data"]["message_id"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
        );
    }
    assert_eq!(ids.len(), 40);
    assert_eq!(lark.emulator.messages().len(), 40);
    Ok(())
}

#[tokio::test]
async fn an_invalid_card_is_refused_with_230099_and_its_path() -> TestResult {
    let lark = Lark::start().await?;
    let card = json!({
        "elements": [ { "tag": "action", "actions": [
            { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "type": "primry" }
        ] } ]
    })
    .to_string();
    let reply = lark.send("chat_id", CHAT, "interactive", &card).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::CardContentFailed.code())
    );
    assert!(
        reply.msg().starts_with(
            "Failed to create card content, ext=ErrCode: 200621; ErrPath: ROOT -> elements -> [0](tag: action) -> actions -> [0](tag: button) -> type; ErrMsg: "
        ),
        "{}",
        reply.msg()
    );
    assert!(
        reply.msg().contains("ErrorValue: primry; "),
        "{}",
        reply.msg()
    );
    assert!(lark.emulator.messages().is_empty());

    let not_json = lark
        .send("chat_id", CHAT, "interactive", "{\"elements\": [")
        .await?;
    assert_eq!(not_json.code(), LarkCode::CardContentFailed.code());
    assert!(
        not_json
            .msg()
            .contains("ErrCode: 200621; ErrMsg: parse card json err"),
        "{}",
        not_json.msg()
    );
    Ok(())
}

#[tokio::test]
async fn templates_and_card_entities_are_not_emulated() -> TestResult {
    let lark = Lark::start().await?;
    let template = json!({ "type": "template", "data": { "template_id": "AAq123" } }).to_string();
    let reply = lark.send("chat_id", CHAT, "interactive", &template).await?;
    assert_eq!(reply.code(), LarkCode::CardContentFailed.code());
    assert!(reply.msg().contains("ErrCode: 200380"), "{}", reply.msg());
    let entity =
        json!({ "type": "card", "data": { "card_id": "7653518360769137639" } }).to_string();
    let reply = lark.send("chat_id", CHAT, "interactive", &entity).await?;
    assert!(
        reply
            .msg()
            .contains("ErrCode: 11310; ErrMsg: cardid is invalid"),
        "{}",
        reply.msg()
    );
    Ok(())
}

#[tokio::test]
async fn receive_id_type_is_required() -> TestResult {
    let lark = Lark::start().await?;
    let body =
        json!({ "receive_id": CHAT, "msg_type": "interactive", "content": shared_card("x") });
    for query in ["", "?receive_id_type=group", "?receive_id_type="] {
        let reply = call(
            lark.http
                .post(lark.url(&format!("/open-apis/im/v1/messages{query}")))
                .bearer_auth(&lark.token)
                .json(&body),
        )
        .await?;
        assert_eq!(
            (reply.status, reply.code()),
            (400, LarkCode::FieldValidationFailed.code()),
            "{query}"
        );
        assert_eq!(
            reply.body["error"]["field_violations"][0]["field"],
            "receive_id_type"
        );
    }
    Ok(())
}

#[tokio::test]
async fn receive_ids_of_the_wrong_shape_are_230001() -> TestResult {
    let lark = Lark::start().await?;
    for (kind, id) in [
        ("chat_id", "ou_user"),
        ("open_id", "oc_chat"),
        ("email", "nobody"),
    ] {
        let reply = lark
            .send(kind, id, "interactive", &shared_card("x"))
            .await?;
        assert_eq!(
            reply.code(),
            LarkCode::InvalidParameter.code(),
            "{kind} {id}"
        );
        assert!(
            reply.msg().contains("ext=invalid receive_id"),
            "{}",
            reply.msg()
        );
    }
    let to_user = lark
        .send(
            "open_id",
            "ou_7d8a6e6df7621556ce0d21922b676706",
            "interactive",
            &shared_card("x"),
        )
        .await?;
    assert_eq!(to_user.code(), 0);
    assert!(to_user.body["data"]["chat_id"]
        .as_str()
        .unwrap_or("")
        .starts_with("oc_"));
    Ok(())
}

#[tokio::test]
async fn bodies_of_the_wrong_shape_are_230001() -> TestResult {
    let lark = Lark::start().await?;
    let cases = [
        "not json".to_owned(),
        "[]".to_owned(),
        json!({ "msg_type": "interactive", "content": shared_card("x") }).to_string(),
        json!({ "receive_id": CHAT, "content": shared_card("x") }).to_string(),
        json!({ "receive_id": CHAT, "msg_type": "interactive" }).to_string(),
        json!({ "receive_id": CHAT, "msg_type": "interactive", "content": { "elements": [] } }).to_string(),
        json!({ "receive_id": 7, "msg_type": "interactive", "content": shared_card("x") }).to_string(),
        json!({ "receive_id": CHAT, "msg_type": "interactive", "content": shared_card("x"), "uuid": "u".repeat(51) }).to_string(),
    ];
    for body in cases {
        let reply = lark.send_body("chat_id", body.clone()).await?;
        assert_eq!(
            (reply.status, reply.code()),
            (400, LarkCode::InvalidParameter.code()),
            "{body}"
        );
        assert!(reply
            .msg()
            .starts_with("Your request contains an invalid request parameter, ext="));
    }
    Ok(())
}

#[tokio::test]
async fn a_card_body_over_30_kb_is_230025() -> TestResult {
    let lark = Lark::start().await?;
    let card = shared_card(&"x".repeat(31 * 1024));
    let reply = lark.send("chat_id", CHAT, "interactive", &card).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::ContentTooLong.code())
    );
    // Text messages may be up to 150 KB.
    let text = json!({ "text": "y".repeat(100 * 1024) }).to_string();
    assert_eq!(lark.send("chat_id", CHAT, "text", &text).await?.code(), 0);
    let text = json!({ "text": "y".repeat(151 * 1024) }).to_string();
    assert_eq!(
        lark.send("chat_id", CHAT, "text", &text).await?.code(),
        LarkCode::ContentTooLong.code()
    );
    Ok(())
}

#[tokio::test]
async fn a_dissolved_chat_is_232009_and_a_chat_without_the_bot_230002() -> TestResult {
    let lark = Lark::start().await?;
    lark.emulator.dissolve_chat("oc_gone");
    let reply = lark
        .send("chat_id", "oc_gone", "interactive", &shared_card("x"))
        .await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::ChatDissolved.code())
    );

    lark.emulator.set_bot_in_chat(APP_ID, "oc_private", false)?;
    let reply = lark
        .send("chat_id", "oc_private", "interactive", &shared_card("x"))
        .await?;
    assert_eq!(reply.code(), LarkCode::BotNotInChat.code());
    assert_eq!(reply.msg(), "The bot can not be outside the group.");
    lark.emulator.set_bot_in_chat(APP_ID, "oc_private", true)?;
    assert_eq!(
        lark.send("chat_id", "oc_private", "interactive", &shared_card("x"))
            .await?
            .code(),
        0
    );
    Ok(())
}

#[tokio::test]
async fn an_app_without_bot_ability_is_230006() -> TestResult {
    let lark = Lark::start().await?;
    lark.emulator.set_bot_enabled(APP_ID, false)?;
    let reply = lark
        .send("chat_id", CHAT, "interactive", &shared_card("x"))
        .await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::BotAbilityInactive.code())
    );
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    assert_eq!(
        lark.patch(&id, &shared_card("v2")).await?.code(),
        LarkCode::BotAbilityInactive.code()
    );
    lark.emulator.set_bot_enabled(APP_ID, true)?;
    assert_eq!(lark.patch(&id, &shared_card("v2")).await?.code(), 0);
    Ok(())
}

#[tokio::test]
async fn the_same_uuid_within_an_hour_sends_once() -> TestResult {
    let lark = Lark::start().await?;
    let body = json!({ "receive_id": CHAT, "msg_type": "interactive", "content": shared_card("x"), "uuid": "a0d69e20-1dd1" });
    let first = lark.send_body("chat_id", body.to_string()).await?;
    let again = lark.send_body("chat_id", body.to_string()).await?;
    assert_eq!(
        first.body["data"]["message_id"],
        again.body["data"]["message_id"]
    );
    assert_eq!(lark.emulator.messages().len(), 1);
    lark.emulator.clock().advance(Duration::from_secs(3600));
    let later = lark.send_body("chat_id", body.to_string()).await?;
    assert_ne!(
        first.body["data"]["message_id"],
        later.body["data"]["message_id"]
    );
    Ok(())
}

#[tokio::test]
async fn five_sends_per_second_per_chat_then_230020() -> TestResult {
    let lark = Lark::start().await?;
    for _ in 0..5 {
        assert_eq!(
            lark.send("chat_id", CHAT, "interactive", &shared_card("x"))
                .await?
                .code(),
            0
        );
    }
    let reply = lark
        .send("chat_id", CHAT, "interactive", &shared_card("x"))
        .await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::MessageRateLimited.code())
    );
    // Another chat is not affected; the same chat is again a second later.
    assert_eq!(
        lark.send("chat_id", "oc_other", "interactive", &shared_card("x"))
            .await?
            .code(),
        0
    );
    lark.emulator.clock().advance(Duration::from_secs(1));
    assert_eq!(
        lark.send("chat_id", CHAT, "interactive", &shared_card("x"))
            .await?
            .code(),
        0
    );
    assert_eq!(lark.emulator.counts().throttled.get(CHAT), Some(&1));
    Ok(())
}

#[tokio::test]
async fn text_messages_are_stored_but_are_not_cards() -> TestResult {
    let lark = Lark::start().await?;
    let reply = lark
        .send("chat_id", CHAT, "text", r#"{"text":"hello"}"#)
        .await?;
    assert_eq!(reply.code(), 0);
    let bad = lark
        .send("chat_id", CHAT, "text", r#"{"txt":"hello"}"#)
        .await?;
    assert_eq!(bad.code(), LarkCode::InvalidParameter.code());
    let id: MessageId = reply.body["data"]["message_id"]
        .as_str()
        .ok_or("no message id")?
        .parse()?;
    let view = lark.emulator.message(&id).ok_or("not stored")?;
    assert_eq!((view.msg_type.as_str(), view.shared), ("text", false));
    Ok(())
}

#[tokio::test]
async fn send_card_follows_the_send_rules() -> TestResult {
    let lark = Lark::start().await?;
    let error = lark.emulator.send_card(CHAT, "{\"elements\": 3}").err();
    assert!(
        matches!(
            error,
            Some(lark_card_emulator::EmulatorError::Api { code, .. })
                if code == LarkCode::CardContentFailed.code()
        ),
        "{error:?}"
    );
    let id = lark
        .emulator
        .send_card_as(OTHER_APP_ID, CHAT, &shared_card("x"))?;
    assert_eq!(
        lark.emulator.message(&id).map(|m| m.app_id),
        Some(OTHER_APP_ID.to_owned())
    );
    assert!(lark
        .emulator
        .send_card_as("cli_nobody", CHAT, &shared_card("x"))
        .is_err());
    Ok(())
}

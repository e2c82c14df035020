//! Bad input never brings the emulator down: every request gets a Lark-shaped answer.

mod common;

use std::time::Duration;

use common::*;
use lark_card::lark::LarkCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn huge_bodies_are_230025_without_being_held() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    for size in [200 * 1024, 8 * 1024 * 1024] {
        let reply = lark.patch_with(&lark.token, &id, vec![b'{'; size]).await?;
        assert_eq!(
            (reply.status, reply.code()),
            (400, LarkCode::ContentTooLong.code()),
            "{size} bytes"
        );
    }
    let reply = lark
        .send_body("chat_id", vec![b' '; 2 * 1024 * 1024])
        .await?;
    assert_eq!(reply.code(), LarkCode::ContentTooLong.code());
    assert_eq!(
        lark.patch(&id, &shared_card("v2")).await?.code(),
        0,
        "still serving"
    );
    Ok(())
}

#[tokio::test]
async fn a_body_past_the_read_cap_is_answered_and_the_connection_closed() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    // Past 64 MiB the emulator stops reading and answers at once.
    let result = lark
        .patch_with(&lark.token, &id, vec![b'x'; 65 * 1024 * 1024])
        .await;
    if let Ok(reply) = result {
        assert_eq!(reply.code(), LarkCode::ContentTooLong.code());
    } // else: the client saw the close before the answer, which is allowed
    assert_eq!(
        lark.patch(&id, &shared_card("v2")).await?.code(),
        0,
        "still serving"
    );
    Ok(())
}

#[tokio::test]
async fn garbage_bodies_and_contents_are_parameter_or_card_errors() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let bodies: Vec<Vec<u8>> = vec![
        vec![0xff, 0xfe, 0x00, 0x7b],
        b"\x00\x00\x00".to_vec(),
        nested.clone().into_bytes(),
        json!({ "content": nested }).to_string().into_bytes(),
        json!({ "content": "\u{0}" }).to_string().into_bytes(),
        json!({ "content": "[]" }).to_string().into_bytes(),
        json!({ "content": "null" }).to_string().into_bytes(),
        json!({ "content": "{\"elements\": {\"tag\": 1}}" })
            .to_string()
            .into_bytes(),
        json!({ "content": "{\"config\": {\"update_multi\": \"yes\"}}" })
            .to_string()
            .into_bytes(),
    ];
    for body in bodies {
        // The emulator counts an update against the message's 5 per second before it checks
        // the card: a second apart, every request reaches the card check.
        lark.emulator.clock().advance(Duration::from_secs(1));
        let reply = lark.patch_with(&lark.token, &id, body).await?;
        assert_eq!(reply.status, 400, "{}", reply.text);
        assert!(
            [
                LarkCode::InvalidParameter.code(),
                LarkCode::CardContentFailed.code(),
                LarkCode::ContentTooLong.code()
            ]
            .contains(&reply.code()),
            "{}",
            reply.text
        );
    }
    assert_eq!(lark.emulator.message(&id).map(|m| m.updates), Some(0));
    Ok(())
}

#[tokio::test]
async fn odd_paths_methods_and_headers_get_json_answers() -> TestResult {
    let lark = Lark::start().await?;
    // `GET /` is the viewer (an HTML page); anything else there is Lark's JSON 404.
    for (method, path) in [
        ("POST", "/"),
        ("GET", "/open-apis"),
        (
            "DELETE",
            "/open-apis/im/v1/messages/om_00000000000000000000000000000000",
        ),
        ("GET", "/open-apis/im/v1/messages"),
        ("POST", "/open-apis/im/v1/messages/om_x/extra"),
        ("PATCH", "/open-apis/im/v1/messages/%FF%FE"),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let reply = call(
            lark.http
                .request(method.clone(), lark.url(path))
                .bearer_auth(&lark.token),
        )
        .await?;
        assert!(
            reply.status == 404 || reply.status == 400,
            "{method} {path}: {}",
            reply.status
        );
        assert!(reply.code() > 0, "{method} {path}: {}", reply.text);
        assert!(reply.header("x-tt-logid").is_some());
    }
    Ok(())
}

#[tokio::test]
async fn raw_http_with_broken_headers_does_not_hurt() -> TestResult {
    let lark = Lark::start().await?;
    let addr = lark.emulator.addr();
    for request in [
        &b"PATCH /open-apis/im/v1/messages/om_00000000000000000000000000000000 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"[..],
        &b"GARBAGE\r\n\r\n"[..],
        &b"POST /open-apis/im/v1/messages?receive_id_type=%ZZ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"[..],
    ] {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream.write_all(request).await?;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
    }
    // The server is still there.
    assert!(lark
        .fetch_token(APP_ID, APP_SECRET)
        .await?
        .starts_with("t-"));
    Ok(())
}

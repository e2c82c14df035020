//! Inspection and control, from Rust and over HTTP under `/__emulator`, and the binary.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use lark_card::lark::LarkCode;
use lark_card::MessageId;
use lark_card_emulator::{Emulator, Endpoint, MessageState};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn counts_per_endpoint_message_app_code_and_status() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.send_card(&shared_card("v1")).await?;
    lark.patch(&id, &shared_card("v2")).await?;
    lark.patch(&id, &exclusive_card("v3")).await?;
    let other = lark.emulator.send_card(CHAT, &shared_card("w1"))?;
    lark.patch(&other, &shared_card("w2")).await?;
    call(lark.http.get(lark.url("/open-apis/unknown"))).await?;
    call(lark.http.get(lark.url("/__emulator/counts"))).await?;

    let counts = lark.emulator.counts();
    assert_eq!(counts.endpoint(Endpoint::TenantAccessToken), 1);
    assert_eq!(counts.endpoint(Endpoint::SendMessage), 1);
    assert_eq!(counts.endpoint(Endpoint::UpdateCard), 3);
    assert_eq!(counts.endpoint(Endpoint::Other), 1);
    assert_eq!(counts.requests, 6, "control requests are not counted");
    assert_eq!(counts.message(&id), 2);
    assert_eq!(counts.message(&other), 1);
    assert_eq!(counts.app(APP_ID), 4);
    assert_eq!(counts.code(0), 4);
    assert_eq!(counts.code(LarkCode::InvalidParameter.code()), 1);
    assert_eq!(counts.status(404), 1);
    Ok(())
}

#[tokio::test]
async fn messages_history_and_counts_over_http() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.send_card(&shared_card("v1")).await?;
    lark.emulator.clock().advance(Duration::from_secs(3));
    lark.patch(&id, &shared_card("v2")).await?;

    let message = call(
        lark.http
            .get(lark.url(&format!("/__emulator/messages/{id}"))),
    )
    .await?;
    assert_eq!(message.status, 200);
    assert_eq!(message.body["content"], shared_card("v2"));
    assert_eq!(message.body["state"], "live");
    assert_eq!(message.body["updates"], 1);

    let history = call(
        lark.http
            .get(lark.url(&format!("/__emulator/messages/{id}/history"))),
    )
    .await?;
    let entries = history.body.as_array().ok_or("history is a list")?;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["kind"], "sent");
    assert_eq!(entries[1]["kind"], "updated");
    let gap = entries[1]["at"].as_u64().unwrap_or(0) - entries[0]["at"].as_u64().unwrap_or(0);
    assert_eq!(gap, 3_000);

    let all = call(lark.http.get(lark.url("/__emulator/messages"))).await?;
    assert_eq!(all.body.as_array().map(Vec::len), Some(1));
    let counts = call(lark.http.get(lark.url("/__emulator/counts"))).await?;
    assert_eq!(counts.body["by_endpoint"]["update_card"], 1);
    assert_eq!(counts.body["by_message"][id.as_str()], 1);

    let missing = call(lark.http.get(lark.url("/__emulator/messages/om_nope"))).await?;
    assert_eq!(missing.status, 404);
    // A path that is no message id at all names no message either, and says why.
    let malformed = call(lark.http.get(lark.url("/__emulator/messages/c-token"))).await?;
    assert_eq!(malformed.status, 404);
    assert!(
        malformed.text.contains("start with `om_`"),
        "{}",
        malformed.text
    );
    Ok(())
}

#[tokio::test]
async fn control_over_http() -> TestResult {
    let lark = Lark::start().await?;
    let sent = call(
        lark.http
            .post(lark.url("/__emulator/messages"))
            .json(&json!({ "chat_id": CHAT, "content": shared_card("v1") })),
    )
    .await?;
    let id: MessageId = sent.body["message_id"]
        .as_str()
        .ok_or("no message id")?
        .parse()?;

    call(
        lark.http
            .post(lark.url(&format!("/__emulator/messages/{id}/recall"))),
    )
    .await?;
    assert_eq!(
        lark.emulator.message(&id).map(|m| m.state),
        Some(MessageState::Recalled)
    );
    call(
        lark.http
            .post(lark.url(&format!("/__emulator/messages/{id}/delete"))),
    )
    .await?;
    assert_eq!(
        lark.patch(&id, &shared_card("v2")).await?.code(),
        LarkCode::MessageDeleted.code()
    );

    let before = lark.emulator.clock().now();
    let clock = call(
        lark.http
            .post(lark.url("/__emulator/clock/advance"))
            .json(&json!({ "seconds": 60 })),
    )
    .await?;
    assert_eq!(clock.body["paused"], true);
    assert_eq!(
        lark.emulator.clock().now().duration_since(before)?,
        Duration::from_secs(60)
    );

    call(lark.http.post(lark.url("/__emulator/tokens/revoke"))).await?;
    let other = lark.emulator.send_card(CHAT, &shared_card("w"))?;
    assert_eq!(
        lark.patch(&other, &shared_card("w2")).await?.code(),
        LarkCode::TenantTokenInvalid.code()
    );

    call(
        lark.http
            .post(lark.url("/__emulator/apps"))
            .json(&json!({ "app_id": "cli_new", "app_secret": "s" })),
    )
    .await?;
    assert!(lark.fetch_token("cli_new", "s").await?.starts_with("t-"));
    let bot = call(
        lark.http
            .post(lark.url("/__emulator/apps/cli_new/bot"))
            .json(&json!({ "enabled": false })),
    )
    .await?;
    assert_eq!(bot.status, 200);
    let unknown = call(
        lark.http
            .post(lark.url("/__emulator/apps/cli_ghost/bot"))
            .json(&json!({ "enabled": false })),
    )
    .await?;
    assert_eq!(unknown.status, 404);

    call(lark.http.post(lark.url("/__emulator/chats/oc_x/dissolve"))).await?;
    let token = lark.fetch_token(APP_ID, APP_SECRET).await?;
    let reply = call(
        lark.http
            .post(lark.url("/open-apis/im/v1/messages?receive_id_type=chat_id"))
            .bearer_auth(&token)
            .json(&json!({ "receive_id": "oc_x", "msg_type": "interactive", "content": shared_card("x") })),
    )
    .await?;
    assert_eq!(reply.code(), LarkCode::ChatDissolved.code());

    let bad = call(
        lark.http
            .post(lark.url("/__emulator/clock/advance"))
            .json(&json!({ "ms": 1, "seconds": 1 })),
    )
    .await?;
    assert_eq!(bad.status, 400);
    Ok(())
}

#[tokio::test]
async fn a_blocking_start_serves_without_a_runtime_of_the_callers() -> TestResult {
    // `start_blocking` runs the server on its own thread; drive it from a plain thread.
    let result = std::thread::spawn(|| -> Result<String, String> {
        let emulator = Emulator::builder().start_blocking().map_err(|e| e.to_string())?;
        let mut stream = std::net::TcpStream::connect(emulator.addr()).map_err(|e| e.to_string())?;
        use std::io::{Read, Write};
        let body = r#"{"app_id":"cli_test","app_secret":"secret"}"#;
        write!(
            stream,
            "POST /open-apis/auth/v3/tenant_access_token/internal HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .map_err(|e| e.to_string())?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).map_err(|e| e.to_string())?;
        Ok(answer)
    })
    .join()
    .map_err(|_| "the thread panicked")??;
    assert!(result.starts_with("HTTP/1.1 200 OK"), "{result}");
    assert!(result.contains("\"tenant_access_token\":\"t-"), "{result}");
    Ok(())
}

#[tokio::test]
async fn seeded_emulators_issue_the_same_ids() -> TestResult {
    let start = || Emulator::builder().seed(99).paused_clock().start();
    let (a, b) = (start().await?, start().await?);
    assert_eq!(
        a.tenant_token(lark_card_emulator::DEFAULT_APP_ID)?,
        b.tenant_token(lark_card_emulator::DEFAULT_APP_ID)?
    );
    assert_eq!(
        a.send_card(CHAT, &shared_card("x"))?,
        b.send_card(CHAT, &shared_card("x"))?
    );
    a.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn shutdown_stops_serving() -> TestResult {
    let emulator = Emulator::start().await?;
    let url = format!("{}/__emulator/counts", emulator.base_url());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    assert_eq!(http.get(&url).send().await?.status(), 200);
    emulator.shutdown().await;
    assert!(http.get(&url).send().await.is_err());
    Ok(())
}

#[tokio::test]
async fn the_binary_prints_its_url_first_and_serves() -> TestResult {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_lark-card-emulator"))
        .args(["--port", "0", "--app", "cli_bin:bin-secret", "--seed", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut first_line = String::new();
    // The first line is the event waited for; a binary that exits first ends it empty.
    BufReader::new(stdout).read_line(&mut first_line).await?;
    let base_url = first_line.trim();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");

    let reply = call(
        reqwest::Client::new()
            .post(format!(
                "{base_url}/open-apis/auth/v3/tenant_access_token/internal"
            ))
            .json(&json!({ "app_id": "cli_bin", "app_secret": "bin-secret" })),
    )
    .await?;
    assert_eq!(reply.code(), 0, "{}", reply.text);
    child.kill().await?;

    let help = tokio::process::Command::new(env!("CARGO_BIN_EXE_lark-card-emulator"))
        .arg("--bogus")
        .output()
        .await?;
    assert_eq!(help.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&help.stderr).contains("Usage: lark-card-emulator"));
    Ok(())
}

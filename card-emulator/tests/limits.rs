//! Rate limits, counted exactly on a paused clock: 5 updates per second per message (230020),
//! 50 per second and 1000 per minute per app (HTTP 429, 99991400, `x-ogw-ratelimit-reset`).

mod common;

use std::time::Duration;

use common::*;
use lark_card::lark::LarkCode;
use lark_card_emulator::limits::{PER_APP_PER_MINUTE, PER_APP_PER_SECOND, PER_MESSAGE_PER_SECOND};
use lark_card_emulator::Endpoint;

/// A well-formed id of no message: each request passes the gateway (and counts against the
/// app's limits) and then fails on its own, without touching any message's limit.
const NO_MESSAGE: &str = "om_00000000000000000000000000000000";

#[tokio::test]
async fn five_updates_per_second_per_message_then_230020() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v0"))?;
    let other = lark.emulator.send_card(CHAT, &shared_card("w0"))?;
    for i in 0..PER_MESSAGE_PER_SECOND {
        let reply = lark.patch(&id, &shared_card(&format!("v{i}"))).await?;
        assert_eq!(reply.code(), 0, "update {i}: {}", reply.text);
    }
    let reply = lark.patch(&id, &shared_card("too fast")).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::MessageRateLimited.code())
    );
    assert_eq!(reply.msg(), "This operation triggers the frequency limit.");
    assert!(
        reply.header("x-ogw-ratelimit-reset").is_none(),
        "230020 carries no gateway headers"
    );

    // The limit is per message.
    assert_eq!(lark.patch(&other, &shared_card("w1")).await?.code(), 0);

    // The window slides: 999 ms later still full, at 1000 ms the first update has left it.
    lark.emulator.clock().advance(Duration::from_millis(999));
    assert_eq!(
        lark.patch(&id, &shared_card("still")).await?.code(),
        LarkCode::MessageRateLimited.code()
    );
    lark.emulator.clock().advance(Duration::from_millis(1));
    assert_eq!(lark.patch(&id, &shared_card("v5")).await?.code(), 0);

    let counts = lark.emulator.counts();
    assert_eq!(counts.throttled.get(id.as_str()), Some(&2));
    assert_eq!(counts.throttled_total(), 2);
    assert_eq!(counts.code(LarkCode::MessageRateLimited.code()), 2);
    assert_eq!(counts.message(&id), 8);
    assert_eq!(lark.emulator.message(&id).map(|m| m.updates), Some(6));
    Ok(())
}

#[tokio::test]
async fn refused_updates_do_not_push_the_window() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v0"))?;
    for _ in 0..PER_MESSAGE_PER_SECOND {
        assert_eq!(lark.patch(&id, &shared_card("v")).await?.code(), 0);
    }
    // Hammering while throttled...
    for step in 0..9 {
        lark.emulator.clock().advance(Duration::from_millis(100));
        assert_eq!(
            lark.patch(&id, &shared_card("v")).await?.code(),
            LarkCode::MessageRateLimited.code(),
            "step {step}"
        );
    }
    // ...does not delay the moment the first updates leave the window.
    lark.emulator.clock().advance(Duration::from_millis(100));
    assert_eq!(lark.patch(&id, &shared_card("v")).await?.code(), 0);
    Ok(())
}

#[tokio::test]
async fn fifty_requests_per_second_per_app_then_http_429() -> TestResult {
    let lark = Lark::start().await?;
    for i in 0..PER_APP_PER_SECOND {
        let reply = lark.patch(NO_MESSAGE, &shared_card("x")).await?;
        assert_eq!(
            reply.code(),
            LarkCode::InvalidParameter.code(),
            "request {i}"
        );
    }
    let reply = lark.patch(NO_MESSAGE, &shared_card("x")).await?;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.code(), LarkCode::AppRateLimited.code());
    assert_eq!(reply.msg(), "request trigger frequency limit");
    assert_eq!(reply.header("x-ogw-ratelimit-reset"), Some("1"));
    assert_eq!(reply.header("x-ogw-ratelimit-limit"), Some("50"));

    // Another app has its own budget; the limit is per API too.
    let other = lark.fetch_token(OTHER_APP_ID, OTHER_APP_SECRET).await?;
    let body = serde_json::json!({ "content": shared_card("x") }).to_string();
    assert_eq!(lark.patch_with(&other, NO_MESSAGE, body).await?.status, 400);
    assert_eq!(
        lark.send("chat_id", CHAT, "interactive", &shared_card("x"))
            .await?
            .code(),
        0
    );

    lark.emulator.clock().advance(Duration::from_secs(1));
    assert_eq!(
        lark.patch(NO_MESSAGE, &shared_card("x")).await?.code(),
        LarkCode::InvalidParameter.code()
    );

    let counts = lark.emulator.counts();
    assert_eq!(counts.rate_limited.get(APP_ID), Some(&1));
    assert_eq!(counts.status(429), 1);
    assert_eq!(counts.rate_limited_total(), 1);
    Ok(())
}

#[tokio::test]
async fn a_thousand_requests_per_minute_per_app_then_http_429_with_the_reset() -> TestResult {
    let lark = Lark::start().await?;
    // 50 a second for 20 seconds: the minute's budget, and never over the second's.
    for second in 0..(PER_APP_PER_MINUTE / PER_APP_PER_SECOND) {
        for _ in 0..PER_APP_PER_SECOND {
            let reply = lark.patch(NO_MESSAGE, &shared_card("x")).await?;
            assert_eq!(
                reply.code(),
                LarkCode::InvalidParameter.code(),
                "second {second}"
            );
        }
        lark.emulator.clock().advance(Duration::from_secs(1));
    }
    // 20 s into the minute: refused until the first second's requests are 60 s old.
    let reply = lark.patch(NO_MESSAGE, &shared_card("x")).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (429, LarkCode::AppRateLimited.code())
    );
    assert_eq!(reply.header("x-ogw-ratelimit-reset"), Some("40"));
    assert_eq!(reply.header("x-ogw-ratelimit-limit"), Some("1000"));

    lark.emulator.clock().advance(Duration::from_secs(39));
    let reply = lark.patch(NO_MESSAGE, &shared_card("x")).await?;
    assert_eq!(reply.header("x-ogw-ratelimit-reset"), Some("1"));
    lark.emulator.clock().advance(Duration::from_secs(1));
    assert_eq!(
        lark.patch(NO_MESSAGE, &shared_card("x")).await?.code(),
        LarkCode::InvalidParameter.code()
    );

    let counts = lark.emulator.counts();
    assert_eq!(counts.endpoint(Endpoint::UpdateCard), 1003);
    assert_eq!(counts.app(APP_ID), 1003);
    assert_eq!(counts.rate_limited.get(APP_ID), Some(&2));
    Ok(())
}

#[tokio::test]
async fn a_running_clock_paused_for_a_burst_counts_it_exactly() -> TestResult {
    // The default clock runs with real time; paused (as `POST /__emulator/clock/pause` does for
    // the binary), a burst of one update over the limit is refused its last, and once the clock is a second on
    // the message can be updated again, with no real second waited.
    let emulator = lark_card_emulator::Emulator::builder()
        .app(APP_ID, APP_SECRET)
        .start()
        .await?;
    assert!(!emulator.clock().is_paused());
    let http = reqwest::Client::new();
    let token = emulator.tenant_token(APP_ID)?;
    let id = emulator.send_card(CHAT, &shared_card("v0"))?;
    let url = format!("{}/open-apis/im/v1/messages/{id}", emulator.base_url());
    let body = serde_json::json!({ "content": shared_card("v") }).to_string();
    emulator.clock().pause();
    let mut codes_seen = Vec::new();
    for _ in 0..=PER_MESSAGE_PER_SECOND {
        let reply = call(http.patch(&url).bearer_auth(&token).body(body.clone())).await?;
        codes_seen.push(reply.code());
    }
    let mut expected = vec![0; codes_seen.len() - 1];
    expected.push(LarkCode::MessageRateLimited.code());
    assert_eq!(codes_seen, expected);
    emulator.clock().advance(Duration::from_secs(1));
    let reply = call(http.patch(&url).bearer_auth(&token).body(body)).await?;
    assert_eq!(reply.code(), 0);
    // And it runs again from there.
    emulator.clock().resume();
    assert!(!emulator.clock().is_paused());
    Ok(())
}

//! Fault injection: latency, HTTP 5xx (before or after the request was handled), dropped
//! connections, forced 230020, 429 and 99991663.

mod common;

use std::time::Duration;

use common::*;
use lark_card::lark::LarkCode;
use serde_json::json;

#[tokio::test]
async fn the_next_requests_fail_with_the_status_given() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    lark.emulator.faults().fail_next(2, 503).fail_next(1, 500);

    for _ in 0..2 {
        let reply = lark.patch(&id, &shared_card("v2")).await?;
        assert_eq!(reply.status, 503);
        assert_eq!(
            reply.text, "503 Service Unavailable",
            "a gateway's plain-text answer"
        );
        assert!(reply.header("x-tt-logid").is_some());
    }
    let reply = lark.patch(&id, &shared_card("v2")).await?;
    assert_eq!(
        (reply.status, reply.code(), reply.msg()),
        (500, LarkCode::InternalError.code(), "internal error")
    );

    assert_eq!(lark.patch(&id, &shared_card("v2")).await?.code(), 0);
    let counts = lark.emulator.counts();
    assert_eq!(counts.injected_failures, 3);
    assert_eq!(counts.status(503), 2);
    assert_eq!(
        lark.emulator.message(&id).map(|m| m.updates),
        Some(1),
        "failed requests change nothing"
    );
    Ok(())
}

#[tokio::test]
async fn an_answer_lost_after_the_request_was_handled_leaves_its_change() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    let queued = call(
        lark.http
            .post(lark.url("/__emulator/faults"))
            .json(&json!({ "fail_after_next": { "count": 1, "status": 502 } })),
    )
    .await?;
    assert_eq!(queued.body["failures_after"], 1);

    let reply = lark.patch(&id, &shared_card("v2")).await?;
    assert_eq!(
        (reply.status, reply.text.as_str()),
        (502, "502 Bad Gateway")
    );
    assert_eq!(
        lark.emulator.message(&id).map(|m| m.content),
        Some(shared_card("v2")),
        "handled before its answer was lost"
    );
    assert_eq!(lark.emulator.faults().pending().failures_after, 0);
    assert_eq!(lark.patch(&id, &shared_card("v3")).await?.status, 200);
    Ok(())
}

#[tokio::test]
async fn the_token_endpoint_fails_too() -> TestResult {
    let lark = Lark::start().await?;
    lark.emulator.faults().fail_next(1, 502);
    let reply = lark
        .token_request(json!({ "app_id": APP_ID, "app_secret": APP_SECRET }))
        .await?;
    assert_eq!(reply.status, 502);
    assert!(lark
        .fetch_token(APP_ID, APP_SECRET)
        .await?
        .starts_with("t-"));
    Ok(())
}

#[tokio::test]
async fn a_fraction_of_requests_fails_reproducibly_from_the_seed() -> TestResult {
    async fn run(seed: u64) -> Result<Vec<u16>, Box<dyn std::error::Error>> {
        let lark = Lark::start().await?;
        lark.emulator.faults().fail_fraction(0.25, seed);
        let mut statuses = Vec::new();
        for _ in 0..80 {
            let reply = lark
                .token_request(json!({ "app_id": APP_ID, "app_secret": APP_SECRET }))
                .await?;
            statuses.push(reply.status);
        }
        Ok(statuses)
    }
    let first = run(11).await?;
    assert_eq!(
        first,
        run(11).await?,
        "the same seed fails the same requests"
    );
    let failed = first.iter().filter(|s| **s == 500).count();
    assert!((8..=35).contains(&failed), "{failed} of 80 at p = 0.25");
    assert!(first.iter().all(|s| *s == 200 || *s == 500));
    Ok(())
}

#[tokio::test]
async fn dropped_connections_close_without_an_answer() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    lark.emulator.faults().drop_next(1);
    let dropped = lark
        .http
        .patch(lark.url(&format!("/open-apis/im/v1/messages/{id}")))
        .bearer_auth(&lark.token)
        .json(&json!({ "content": shared_card("v2") }))
        .send()
        .await;
    let error = dropped.err().ok_or("the request was answered")?;
    assert!(!error.is_timeout(), "{error}");
    assert_eq!(lark.emulator.message(&id).map(|m| m.updates), Some(0));
    // The next request, on a new connection, is served.
    assert_eq!(lark.patch(&id, &shared_card("v2")).await?.code(), 0);
    assert_eq!(lark.emulator.counts().dropped, 1);
    Ok(())
}

#[tokio::test]
async fn latency_holds_every_api_answer_until_the_clock_passes_it() -> TestResult {
    // The clock is paused: the held answer goes when the test moves the clock, not with time.
    let lark = Lark::start().await?;
    let answered = lark.emulator.counts().status(200);
    lark.emulator.faults().latency(Duration::from_millis(150));
    let http = lark.http.clone();
    let url = lark.url("/open-apis/auth/v3/tenant_access_token/internal");
    let request = tokio::spawn(
        http.post(url)
            .json(&json!({ "app_id": APP_ID, "app_secret": APP_SECRET }))
            .send(),
    );
    // Arrived and held, or (without the latency) answered: either ends the wait.
    let counts = lark
        .emulator
        .wait_for_counts(|c| c.held == 1 || c.status(200) > answered)
        .await;
    assert_eq!(
        (counts.held, counts.status(200)),
        (1, answered),
        "{counts:?}"
    );
    lark.emulator.clock().advance(Duration::from_millis(149));
    assert_eq!(
        lark.emulator.counts().held,
        1,
        "answered before its latency"
    );
    lark.emulator.clock().advance(Duration::from_millis(1));
    let reply = request.await??;
    assert_eq!(reply.status(), 200);
    let counts = lark.emulator.counts();
    assert_eq!((counts.held, counts.status(200)), (0, answered + 1));
    lark.emulator.faults().clear_latency();
    Ok(())
}

#[tokio::test]
async fn control_endpoints_answer_while_latency_holds_every_api_answer() -> TestResult {
    let lark = Lark::start().await?;
    // The clock is paused and never advanced: an API request held by it never answers here.
    lark.emulator.faults().latency(Duration::from_secs(3600));
    let held = tokio::spawn(
        lark.http
            .post(lark.url("/open-apis/auth/v3/tenant_access_token/internal"))
            .json(&json!({ "app_id": APP_ID, "app_secret": APP_SECRET }))
            .send(),
    );
    lark.emulator.wait_for_counts(|c| c.held == 1).await;
    // Control endpoints are never faulted: they answer all the same, and show the hold.
    let counts = call(lark.http.get(lark.url("/__emulator/counts"))).await?;
    assert_eq!(counts.status, 200, "{}", counts.text);
    assert_eq!(counts.body["held"], 1, "{}", counts.text);
    let faults = call(lark.http.get(lark.url("/__emulator/faults"))).await?;
    assert_eq!(faults.body["latency_ms"], 3_600_000, "{}", faults.text);
    assert!(!held.is_finished(), "the API request was not held");
    held.abort();
    lark.emulator.faults().clear_latency();
    Ok(())
}

#[tokio::test]
async fn forced_230020_hits_the_next_updates() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    lark.emulator.faults().throttle_message_next(2);
    for _ in 0..2 {
        let reply = lark.patch(&id, &shared_card("v2")).await?;
        assert_eq!(
            (reply.status, reply.code()),
            (400, LarkCode::MessageRateLimited.code())
        );
    }
    assert_eq!(lark.patch(&id, &shared_card("v2")).await?.code(), 0);
    assert_eq!(lark.emulator.counts().throttled.get(id.as_str()), Some(&2));
    Ok(())
}

#[tokio::test]
async fn forced_429_carries_the_reset_header() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    lark.emulator.faults().rate_limit_app_next(2);
    for _ in 0..2 {
        let reply = lark.patch(&id, &shared_card("v2")).await?;
        assert_eq!(
            (reply.status, reply.code()),
            (429, LarkCode::AppRateLimited.code())
        );
        assert_eq!(reply.header("x-ogw-ratelimit-reset"), Some("1"));
        // Held to the reset it names, as by Lark's gateway: a request before it is refused
        // again (without using up a forced refusal), one at it is not.
        lark.emulator.clock().advance(Duration::from_millis(999));
        let early = lark.patch(&id, &shared_card("v2")).await?;
        assert_eq!(early.status, 429);
        assert_eq!(early.header("x-ogw-ratelimit-reset"), Some("1"));
        lark.emulator.clock().advance(Duration::from_millis(1));
    }
    assert_eq!(lark.patch(&id, &shared_card("v2")).await?.code(), 0);
    assert_eq!(lark.emulator.counts().rate_limited.get(APP_ID), Some(&4));
    Ok(())
}

#[tokio::test]
async fn forced_token_invalidation_answers_99991663_on_http_200() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    lark.emulator.faults().invalidate_token_next(1);
    let reply = lark.patch(&id, &shared_card("v2")).await?;
    assert_eq!(reply.status, 200, "as Lark sometimes does");
    assert_eq!(reply.code(), LarkCode::TenantTokenInvalid.code());
    // A client that fetches a token again and retries succeeds.
    let token = lark.fetch_token(APP_ID, APP_SECRET).await?;
    let body = json!({ "content": shared_card("v2") }).to_string();
    assert_eq!(lark.patch_with(&token, &id, body).await?.code(), 0);
    Ok(())
}

#[tokio::test]
async fn faults_can_be_set_and_cleared_over_http() -> TestResult {
    let lark = Lark::start().await?;
    let pending = call(
        lark.http
            .post(lark.url("/__emulator/faults"))
            .json(&json!({ "fail_next": { "count": 2, "status": 503 }, "drop_next": 1, "error_next": { "count": 1, "code": 230028 },
                "long_connection_noise_next": 3, "withhold_pong_next": 1 })),
    )
    .await?;
    assert_eq!(pending.status, 200);
    assert_eq!(pending.body["failures"], 2);
    assert_eq!(pending.body["drops"], 1);
    assert_eq!(pending.body["long_connection_noise"], 3);
    assert_eq!(pending.body["withheld_pongs"], 1);
    assert_eq!(lark.emulator.faults().pending().errors, 1);
    let bad = call(
        lark.http
            .post(lark.url("/__emulator/faults"))
            .json(&json!({ "explode": true })),
    )
    .await?;
    assert_eq!(bad.status, 400);
    let cleared = call(lark.http.delete(lark.url("/__emulator/faults"))).await?;
    assert_eq!(cleared.body["failures"], 0);
    assert_eq!(
        lark.emulator.faults().pending(),
        lark_card_emulator::PendingFaults::default()
    );
    Ok(())
}

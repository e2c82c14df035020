//! The token endpoint and the bearer-token check, with Lark's lifetime rules on the emulator
//! clock.

mod common;

use std::time::Duration;

use common::*;
use lark_card::lark::LarkCode;
use serde_json::json;

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn a_token_is_answered_at_the_top_level_not_under_data() -> TestResult {
    let lark = Lark::start().await?;
    let reply = lark
        .token_request(json!({ "app_id": APP_ID, "app_secret": APP_SECRET }))
        .await?;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.code(), 0);
    assert_eq!(reply.msg(), "ok");
    assert_eq!(reply.body["expire"], 7200);
    assert!(reply.body.get("data").is_none(), "{}", reply.text);
    let token = reply.body["tenant_access_token"].as_str().unwrap_or("");
    assert!(token.starts_with("t-") && token.len() == 42, "{token}");
    assert!(reply.header("x-tt-logid").is_some());
    Ok(())
}

#[tokio::test]
async fn the_same_token_is_returned_until_under_thirty_minutes_are_left() -> TestResult {
    let lark = Lark::start().await?;
    let first = lark.token.clone();

    lark.emulator.clock().advance(89 * MINUTE);
    let reply = lark
        .token_request(json!({ "app_id": APP_ID, "app_secret": APP_SECRET }))
        .await?;
    assert_eq!(reply.body["tenant_access_token"], first.as_str());
    assert_eq!(
        reply.body["expire"],
        31 * 60,
        "expire is the remaining lifetime"
    );

    // 90 minutes in: exactly 30 minutes left is not "under 30 minutes".
    lark.emulator.clock().advance(MINUTE);
    assert_eq!(lark.fetch_token(APP_ID, APP_SECRET).await?, first);

    lark.emulator.clock().advance(Duration::from_secs(1));
    let reply = lark
        .token_request(json!({ "app_id": APP_ID, "app_secret": APP_SECRET }))
        .await?;
    let second = reply.body["tenant_access_token"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert_ne!(second, first, "under 30 minutes left: a new token");
    assert_eq!(reply.body["expire"], 7200);

    // Both tokens are valid until the first one's two hours are over.
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    assert_eq!(
        lark.patch_with(&first, &id, update_body("a")).await?.code(),
        0
    );
    lark.emulator.clock().advance(Duration::from_secs(1));
    assert_eq!(
        lark.patch_with(&second, &id, update_body("b"))
            .await?
            .code(),
        0
    );
    Ok(())
}

fn update_body(text: &str) -> String {
    json!({ "content": shared_card(text) }).to_string()
}

#[tokio::test]
async fn a_token_expires_after_two_hours() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    lark.emulator
        .clock()
        .advance(2 * 60 * MINUTE - Duration::from_millis(1));
    assert_eq!(lark.patch(&id, &shared_card("v2")).await?.code(), 0);
    lark.emulator.clock().advance(Duration::from_millis(1));
    let reply = lark.patch(&id, &shared_card("v3")).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::TenantTokenInvalid.code())
    );
    assert_eq!(
        reply.msg(),
        "Invalid access token for authorization. Please make a request with token attached."
    );
    Ok(())
}

#[tokio::test]
async fn wrong_credentials_are_refused() -> TestResult {
    let lark = Lark::start().await?;
    let wrong_secret = lark
        .token_request(json!({ "app_id": APP_ID, "app_secret": "nope" }))
        .await?;
    assert_eq!(
        (wrong_secret.status, wrong_secret.code()),
        (400, LarkCode::InvalidAppSecret.code())
    );
    assert_eq!(wrong_secret.msg(), "app secret invalid");

    let unknown_app = lark
        .token_request(json!({ "app_id": "cli_unknown", "app_secret": APP_SECRET }))
        .await?;
    assert_eq!(unknown_app.code(), LarkCode::InvalidCredentials.code());

    for body in [
        json!({}),
        json!({ "app_id": APP_ID }),
        json!({ "app_id": 1, "app_secret": 2 }),
        json!([1]),
    ] {
        let reply = lark.token_request(body.clone()).await?;
        assert_eq!(
            (reply.status, reply.code()),
            (400, LarkCode::InvalidCredentials.code()),
            "{body}"
        );
    }
    let not_json = call(
        lark.http
            .post(lark.url("/open-apis/auth/v3/tenant_access_token/internal"))
            .body("app_id=cli_test"),
    )
    .await?;
    assert_eq!(not_json.code(), LarkCode::InvalidCredentials.code());
    Ok(())
}

#[tokio::test]
async fn requests_without_a_token_answer_99991661() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    let url = lark.url(&format!("/open-apis/im/v1/messages/{id}"));
    let body = update_body("v2");
    for request in [
        lark.http.patch(&url).body(body.clone()),
        lark.http
            .patch(&url)
            .header("authorization", "Bearer")
            .body(body.clone()),
        lark.http
            .patch(&url)
            .header("authorization", lark.token.as_str())
            .body(body.clone()),
        lark.http
            .patch(&url)
            .header("authorization", format!("Basic {}", lark.token))
            .body(body.clone()),
    ] {
        let reply = call(request).await?;
        assert_eq!(
            (reply.status, reply.code()),
            (400, LarkCode::TokenMissing.code()),
            "{}",
            reply.text
        );
        assert!(reply.header("x-tt-logid").is_some());
    }
    assert_eq!(lark.emulator.message(&id).map(|m| m.updates), Some(0));
    Ok(())
}

#[tokio::test]
async fn malformed_unknown_and_user_tokens_are_refused() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    let cases = [
        ("x-0123", LarkCode::TokenMalformed.code()),
        (
            "u-7f1bcd13fc57d46bac21793a18e560",
            LarkCode::UserTokenInvalid.code(),
        ),
        (
            "t-caecc734c2e3328a62489fe0648c4b98779515d3",
            LarkCode::TenantTokenInvalid.code(),
        ),
    ];
    for (token, code) in cases {
        let reply = lark.patch_with(token, &id, update_body("v2")).await?;
        assert_eq!((reply.status, reply.code()), (400, code), "{token}");
    }
    Ok(())
}

#[tokio::test]
async fn revoked_tokens_answer_99991663_and_a_new_one_is_issued() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    lark.emulator.revoke_tokens();
    let reply = lark.patch(&id, &shared_card("v2")).await?;
    assert_eq!(reply.code(), LarkCode::TenantTokenInvalid.code());

    let fresh = lark.fetch_token(APP_ID, APP_SECRET).await?;
    assert_ne!(fresh, lark.token);
    assert_eq!(
        lark.patch_with(&fresh, &id, update_body("v2"))
            .await?
            .code(),
        0
    );

    assert!(lark.emulator.revoke_token(&fresh));
    assert!(!lark.emulator.revoke_token("t-never-issued"));
    assert_eq!(
        lark.patch_with(&fresh, &id, update_body("v3"))
            .await?
            .code(),
        LarkCode::TenantTokenInvalid.code()
    );
    Ok(())
}

#[tokio::test]
async fn tokens_of_one_app_do_not_update_another_apps_card() -> TestResult {
    let lark = Lark::start().await?;
    let id = lark.emulator.send_card(CHAT, &shared_card("v1"))?;
    let other = lark.fetch_token(OTHER_APP_ID, OTHER_APP_SECRET).await?;
    let reply = lark.patch_with(&other, &id, update_body("v2")).await?;
    assert_eq!(
        (reply.status, reply.code()),
        (400, LarkCode::NotResourceOwner.code())
    );
    Ok(())
}

#[tokio::test]
async fn apps_added_at_run_time_get_tokens() -> TestResult {
    let lark = Lark::start().await?;
    lark.emulator.add_app("cli_late", "late-secret");
    assert!(lark
        .fetch_token("cli_late", "late-secret")
        .await?
        .starts_with("t-"));
    // Changing the secret takes effect at once.
    lark.emulator.add_app("cli_late", "rotated");
    let reply = lark
        .token_request(json!({ "app_id": "cli_late", "app_secret": "late-secret" }))
        .await?;
    assert_eq!(reply.code(), LarkCode::InvalidAppSecret.code());
    Ok(())
}

//! The client against the emulator, over real HTTP on loopback: the wire format, every error
//! code, tokens, limits, retries and backoff.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lark_card::client::{Client, ClientError, ConfigError, RetryPolicy};
use lark_card::lark::{LarkCode, Retry};
use lark_card::{card, MessageId, TemplateCard, Unchecked};
use lark_card_emulator::{Emulator, Endpoint};
use serde_json::json;

mod common;
use common::{client, emulator, progress, sent, APP, SECRET};

/// `n` shared cards sent straight into the emulator.
fn messages(emulator: &Emulator, n: usize) -> Vec<MessageId> {
    (0..n)
        .map(|_| {
            let id = emulator
                .send_card("oc_team", &progress(0).to_content())
                .unwrap_or_else(|e| panic!("{e}"));
            MessageId::new(id).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

/// Makes every update at once, each from its own task, and requires all to succeed.
async fn update_all_at_once(client: &Client, updates: Vec<(MessageId, u32)>) {
    let tasks: Vec<_> = updates
        .into_iter()
        .map(|(id, n)| {
            let client = client.clone();
            tokio::spawn(async move { client.update_card(&id, &progress(n)).await })
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

fn code(result: Result<(), ClientError>) -> LarkCode {
    match result {
        Err(e) => e
            .lark_code()
            .unwrap_or_else(|| panic!("no Lark code in {e}")),
        Ok(()) => panic!("the update succeeded"),
    }
}

#[tokio::test]
async fn send_then_update_puts_the_exact_content_on_the_wire() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = sent(&emulator, &client).await;
    let card = progress(1);
    client
        .update_card(&id, &card)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let history = emulator.history(&id);
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history[1].content, card.to_content());
    let counts = emulator.counts();
    assert_eq!(counts.endpoint(Endpoint::UpdateCard), 1);
    assert_eq!(counts.endpoint(Endpoint::TenantAccessToken), 1);

    // The request itself: PATCH, the headers Lark's page asks for, the body exactly
    // {"content": "<card JSON>"} and nothing else (no msg_type).
    let requests = emulator.requests();
    let patch = requests
        .iter()
        .find(|r| r.method == "PATCH")
        .unwrap_or_else(|| panic!("no PATCH in {requests:?}"));
    assert_eq!(patch.uri, format!("/open-apis/im/v1/messages/{id}"));
    assert_eq!(
        patch.content_type.as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(patch.authorization.as_deref(), Some("Bearer t-…"));
    let body: serde_json::Value = serde_json::from_str(&patch.body).unwrap_or_default();
    assert_eq!(body, json!({ "content": card.to_content() }));
    let send = requests
        .iter()
        .find(|r| r.method == "POST" && r.uri.starts_with("/open-apis/im/v1/messages"))
        .unwrap_or_else(|| panic!("no send in {requests:?}"));
    assert_eq!(
        send.uri,
        "/open-apis/im/v1/messages?receive_id_type=chat_id"
    );
    let body: serde_json::Value = serde_json::from_str(&send.body).unwrap_or_default();
    assert_eq!(body["msg_type"], "interactive");
    assert_eq!(body["receive_id"], "oc_team");
    assert!(
        body["content"].is_string() && body["uuid"].is_string(),
        "{body}"
    );
    // The app secret goes to the token endpoint only, which takes no token.
    let token = requests
        .iter()
        .find(|r| r.uri == "/open-apis/auth/v3/tenant_access_token/internal")
        .unwrap_or_else(|| panic!("no token request in {requests:?}"));
    assert_eq!(token.authorization, None);
    assert!(token.body.contains(SECRET));
    assert!(requests
        .iter()
        .filter(|r| r.uri != token.uri)
        .all(|r| !r.body.contains(SECRET)));
}

#[tokio::test]
async fn a_template_card_updates_a_sent_card() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = sent(&emulator, &client).await;
    let template = TemplateCard::new("AAqk1234").variable("n", 3);
    let result = client.update_card(&id, &template).await;
    // The emulator has no template store: it answers what Lark answers for an unknown
    // template, a card content error with its sub-code, not a transport failure.
    match result {
        Ok(()) => {
            let last = emulator.history(&id).pop().map(|r| r.content);
            assert_eq!(last, Some(template.to_content()));
        }
        Err(e) => assert_eq!(e.lark_code(), Some(LarkCode::CardContentFailed), "{e}"),
    }
}

#[tokio::test]
async fn recalled_deleted_and_old_messages_are_terminal_and_not_retried() {
    let emulator = emulator().await;
    let client = client(&emulator);

    type Action = fn(&Emulator, &MessageId) -> Result<(), lark_card_emulator::EmulatorError>;
    let endings: [(Action, LarkCode); 2] = [
        (Emulator::recall, LarkCode::MessageRecalled),
        (Emulator::delete, LarkCode::MessageDeleted),
    ];
    for (end, expected) in endings {
        let id = sent(&emulator, &client).await;
        end(&emulator, &id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(code(client.update_card(&id, &progress(1)).await), expected);
        assert_eq!(
            emulator.counts().message(&id),
            1,
            "{expected:?} was retried"
        );
    }

    let old = sent(&emulator, &client).await;
    emulator
        .clock()
        .advance(Duration::from_secs(15 * 24 * 3600));
    assert_eq!(
        code(client.update_card(&old, &progress(1)).await),
        LarkCode::MessageTooOld
    );
    // Fifteen days also expired the token on the emulator's clock: one refused request
    // (99991663), a new token, then 230031 once, not retried.
    let counts = emulator.counts();
    assert_eq!(counts.code(LarkCode::MessageTooOld.code()), 1);
    assert_eq!(counts.code(LarkCode::TenantTokenInvalid.code()), 1);
    assert_eq!(counts.message(&old), 2);
}

#[tokio::test]
async fn a_card_lark_cannot_build_is_230099_with_its_sub_code_and_path() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = sent(&emulator, &client).await;
    // A raw element is not checked by card!: Lark (here, the emulator) checks it.
    let raw = Unchecked::new(json!({ "tag": "sparkle" }));
    let card = card!({ "schema": "2.0", "body": { "elements": [ (raw) ] } });
    let Err(ClientError::Api(error)) = client.update_card(&id, &card).await else {
        panic!("an unknown tag was accepted");
    };
    assert_eq!(error.code, LarkCode::CardContentFailed);
    assert_eq!(error.status, 400);
    assert!(error.log_id.is_some());
    let sub = error
        .card
        .unwrap_or_else(|| panic!("no sub-code in {}", error.msg));
    assert!(
        sub.path.is_some_and(|p| p.contains("elements")),
        "{}",
        error.msg
    );
    assert_eq!(emulator.counts().message(&id), 1);
}

#[tokio::test]
async fn a_card_sent_without_update_multi_cannot_be_updated() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let exclusive = emulator
        .send_card(
            "oc_team",
            r#"{"elements":[{"tag":"markdown","content":"mine"}]}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let id = MessageId::new(exclusive).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        code(client.update_card(&id, &progress(1)).await),
        LarkCode::InvalidParameter
    );
}

#[tokio::test]
async fn a_message_that_does_not_exist_is_an_error_not_a_retry() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = MessageId::new("om_doesnotexist0000").unwrap_or_else(|e| panic!("{e}"));
    let result = client.update_card(&id, &progress(1)).await;
    assert!(result.is_err());
    assert_eq!(emulator.counts().endpoint(Endpoint::UpdateCard), 1);
}

#[tokio::test]
async fn every_documented_code_maps_to_its_variant_and_terminal_ones_are_not_retried() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = sent(&emulator, &client).await;
    // Every code of the table that no retry can help, injected as Lark's answer.
    let terminal = LarkCode::ALL
        .iter()
        .copied()
        .filter(|code| code.retry() == Retry::Never);
    let mut checked = 0;
    for variant in terminal {
        let before = emulator.counts().message(&id);
        emulator.faults().error_next(1, variant.code());
        assert_eq!(
            code(client.update_card(&id, &progress(1)).await),
            variant,
            "{variant:?}"
        );
        assert_eq!(
            emulator.counts().message(&id),
            before + 1,
            "{variant:?} was retried"
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} terminal codes in the table");
}

#[tokio::test]
async fn frequency_limits_and_internal_errors_are_retried_with_backoff() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = sent(&emulator, &client).await;
    for (number, times) in [
        (LarkCode::MessageRateLimited.code(), 2),
        (LarkCode::InternalError.code(), 2),
    ] {
        let before = emulator.counts().message(&id);
        emulator.faults().error_next(times, number);
        client
            .update_card(&id, &progress(1))
            .await
            .unwrap_or_else(|e| panic!("{number}: {e}"));
        assert_eq!(
            emulator.counts().message(&id),
            before + times + 1,
            "{number}"
        );
    }
}

#[tokio::test]
async fn server_errors_and_dropped_connections_are_retried() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = sent(&emulator, &client).await;
    emulator.faults().fail_next(2, 503);
    client
        .update_card(&id, &progress(1))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    emulator.faults().drop_next(1);
    client
        .update_card(&id, &progress(2))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let last = emulator.history(&id).pop().map(|r| r.content);
    assert_eq!(last, Some(progress(2).to_content()));
}

#[tokio::test]
async fn retries_end_and_the_last_error_is_kept() {
    let emulator = emulator().await;
    let client = Client::builder()
        .app(APP, SECRET)
        .base_url(emulator.base_url())
        .retry(RetryPolicy::new(
            3,
            Duration::from_millis(10),
            Duration::from_millis(50),
        ))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let id = sent(&emulator, &client).await;
    emulator
        .faults()
        .error_next(10, LarkCode::MessageRateLimited.code());
    let Err(ClientError::RetriesExhausted { attempts, last }) =
        client.update_card(&id, &progress(1)).await
    else {
        panic!("did not give up");
    };
    assert_eq!(attempts, 3);
    assert_eq!(last.lark_code(), Some(LarkCode::MessageRateLimited));
    assert_eq!(emulator.counts().message(&id), 3);
}

#[tokio::test]
async fn http_429_waits_for_the_reset_the_gateway_names() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = sent(&emulator, &client).await;
    emulator.faults().rate_limit_app_next(1);
    client
        .update_card(&id, &progress(1))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The emulator answers `x-ogw-ratelimit-reset: 1` and, like the gateway, refuses the app
    // again until then (on its clock): one 429 and then success means the retry waited.
    let counts = emulator.counts();
    assert_eq!(counts.status(429), 1, "{counts:?}");
    assert_eq!(counts.message(&id), 2);
}

#[tokio::test]
async fn a_revoked_token_is_dropped_refreshed_and_the_request_retried_once() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = sent(&emulator, &client).await;
    emulator.revoke_tokens();
    client
        .update_card(&id, &progress(1))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let counts = emulator.counts();
    assert_eq!(counts.endpoint(Endpoint::TenantAccessToken), 2);
    assert_eq!(counts.code(LarkCode::TenantTokenInvalid.code()), 1);

    // Lark sometimes says 99991663 on HTTP 200 for a token it dropped early.
    emulator.faults().invalidate_token_next(1);
    client
        .update_card(&id, &progress(2))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(emulator.counts().endpoint(Endpoint::TenantAccessToken), 3);

    // Only once: a token refused twice is an error.
    emulator.faults().invalidate_token_next(2);
    assert_eq!(
        code(client.update_card(&id, &progress(3)).await),
        LarkCode::TenantTokenInvalid
    );
}

#[tokio::test]
async fn concurrent_callers_share_one_token_request() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let updates = messages(&emulator, 5)
        .into_iter()
        .map(|id| (id, 1))
        .collect();
    update_all_at_once(&client, updates).await;
    assert_eq!(emulator.counts().endpoint(Endpoint::TenantAccessToken), 1);
}

#[tokio::test]
async fn wrong_credentials_are_a_typed_error_without_the_secret() {
    let emulator = emulator().await;
    let client = Client::builder()
        .app(APP, "not-the-secret-xyz")
        .base_url(emulator.base_url())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let id = MessageId::new("om_anything").unwrap_or_else(|e| panic!("{e}"));
    let error = client
        .update_card(&id, &progress(1))
        .await
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert!(
        matches!(
            error.lark_code(),
            Some(LarkCode::InvalidCredentials | LarkCode::InvalidAppSecret)
        ),
        "{error}"
    );
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
    ] {
        assert!(!shown.contains("not-the-secret-xyz"), "{shown}");
    }
    assert_eq!(emulator.counts().endpoint(Endpoint::UpdateCard), 0);
}

#[tokio::test]
async fn the_30_kb_limit_is_checked_before_any_request() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = MessageId::new("om_anything").unwrap_or_else(|e| panic!("{e}"));
    let long = lark_card::trusted_markdown("x".repeat(31 * 1024));
    let card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "content": (long) } ] } });
    let Err(ClientError::Card(lark_card::CardError::TooLarge { size, limit })) =
        client.update_card(&id, &card).await
    else {
        panic!("a card over 30 KB was sent");
    };
    assert!(size > limit);
    let counts = emulator.counts();
    assert_eq!(
        counts.endpoint(Endpoint::UpdateCard) + counts.endpoint(Endpoint::TenantAccessToken),
        0
    );
}

#[tokio::test]
async fn the_client_keeps_under_5_updates_per_second_per_message() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let id = sent(&emulator, &client).await;
    let updates: Vec<(MessageId, u32)> = (0..15).map(|n| (id.clone(), n)).collect();
    update_all_at_once(&client, updates).await;
    let counts = emulator.counts();
    assert_eq!(
        counts.throttled_total(),
        0,
        "Lark had to throttle the client"
    );
    assert_eq!(counts.message(&id), 15);
}

#[tokio::test]
async fn the_client_keeps_under_50_requests_per_second_per_app() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let ids = messages(&emulator, 20);
    let updates = (0..4).flat_map(|round| ids.iter().map(move |id| (id.clone(), round)));
    update_all_at_once(&client, updates.collect()).await;
    let counts = emulator.counts();
    assert_eq!(
        counts.rate_limited_total(),
        0,
        "the gateway had to throttle the client"
    );
    assert_eq!(counts.throttled_total(), 0);
    assert_eq!(counts.endpoint(Endpoint::UpdateCard), 80);
}

#[tokio::test]
async fn a_failed_send_is_retried_and_makes_one_message() {
    let emulator = emulator().await;
    let client = client(&emulator);
    emulator.faults().fail_next(1, 502);
    let id = client
        .send_card(&lark_card::client::Recipient::chat("oc_team"), &progress(0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(emulator.messages().len(), 1);
    assert!(emulator.message(&id).is_some());
    assert_eq!(emulator.counts().injected_failures, 1);
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() {
    let emulator = emulator().await;
    let client = Client::builder()
        .app(APP, SECRET)
        .base_url(emulator.base_url())
        .timeout(Duration::from_millis(150))
        .retry(RetryPolicy::new(
            2,
            Duration::from_millis(10),
            Duration::from_millis(20),
        ))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let id = sent(&emulator, &client).await;
    // Held past any test (on the emulator's clock): the client's own timeout ends each try.
    emulator.faults().latency(Duration::from_secs(3600));
    let Err(ClientError::RetriesExhausted { attempts, last }) =
        client.update_card(&id, &progress(1)).await
    else {
        panic!("a slow Lark did not time out");
    };
    assert_eq!(attempts, 2);
    assert!(matches!(*last, ClientError::Timeout(_)), "{last}");
    emulator.faults().clear_latency();
    client
        .update_card(&id, &progress(2))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The causes of an error, outermost first.
fn causes(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut causes = Vec::new();
    let mut cause = error.source();
    while let Some(error) = cause {
        causes.push(error.to_string());
        cause = error.source();
    }
    causes
}

#[tokio::test]
async fn a_malformed_base_url_is_a_configuration_error_with_its_cause() {
    for url in ["http://exa mple.com", "https://[::1"] {
        let Err(error) = Client::builder().app(APP, SECRET).base_url(url).build() else {
            panic!("`{url}` was accepted as a base URL");
        };
        assert!(
            matches!(
                &error,
                ClientError::Config(ConfigError::BaseUrl { url: kept, .. }) if kept == url
            ),
            "{error:?}"
        );
        assert_eq!(causes(&error).len(), 1, "{error:?}");
        assert!(!error.is_transient());
    }
}

#[tokio::test]
async fn a_request_that_cannot_be_made_is_not_retried_and_keeps_its_cause() {
    let emulator = emulator().await;
    // A header value cannot hold a line break: reqwest refuses to build the request.
    let client = Client::builder()
        .user_token("u-line\nbreak")
        .base_url(emulator.base_url())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let id = MessageId::new("om_anything").unwrap_or_else(|e| panic!("{e}"));
    let error = client
        .update_card(&id, &progress(1))
        .await
        .err()
        .unwrap_or_else(|| panic!("an unusable header was sent"));
    assert!(matches!(error, ClientError::Request(_)), "{error:?}");
    assert!(!error.is_transient());
    assert!(!causes(&error).is_empty(), "{error:?}");
    assert_eq!(emulator.counts().requests, 0);
}

/// A server that is not TLS, counting the connections made to it.
fn plain_http_server() -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"))
        .port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counted.fetch_add(1, Ordering::SeqCst);
            let mut stream = stream;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        }
    });
    (format!("https://127.0.0.1:{port}"), connections)
}

#[tokio::test]
async fn a_tls_failure_is_not_retried_and_keeps_its_cause() {
    let (base_url, connections) = plain_http_server();
    // The token's fetch and an update (a user token needs none) each try once.
    let app = Client::builder()
        .app(APP, SECRET)
        .base_url(&base_url)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let user = Client::builder()
        .user_token("u-token")
        .base_url(&base_url)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let id = MessageId::new("om_anything").unwrap_or_else(|e| panic!("{e}"));
    for (n, client) in [app, user].into_iter().enumerate() {
        let error = client
            .update_card(&id, &progress(1))
            .await
            .err()
            .unwrap_or_else(|| panic!("a server without TLS was accepted"));
        assert!(matches!(error, ClientError::Request(_)), "{error:?}");
        assert!(!error.is_transient());
        assert!(causes(&error).len() >= 2, "{:?}", causes(&error));
        assert_eq!(connections.load(Ordering::SeqCst), n + 1, "{error:?}");
    }
}

/// A server that answers every request with `response` (after reading the request), as a
/// proxy in front of Lark might.
fn answering_server(response: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"))
        .port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            // The head, then as much body as it announces.
            while let Ok(n @ 1..) = std::io::Read::read(&mut stream, &mut buffer) {
                request.extend_from_slice(&buffer[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn a_send_answered_without_a_message_id_reports_the_real_status_and_log_id() {
    let body = r#"{"code":0,"msg":"ok","data":{}}"#;
    let response: &'static str = Box::leak(
        format!(
            "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\nx-tt-logid: log-202\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_boxed_str(),
    );
    let client = Client::builder()
        .user_token("u-token")
        .base_url(answering_server(response))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let error = client
        .send_card(&lark_card::client::Recipient::chat("oc_team"), &progress(0))
        .await
        .err()
        .unwrap_or_else(|| panic!("a send without a message id succeeded"));
    let ClientError::UnexpectedResponse { status, log_id, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*status, 202, "{error}");
    assert_eq!(log_id.as_deref(), Some("log-202"), "{error}");
}

#[tokio::test]
async fn a_malformed_redis_url_is_a_configuration_error_without_its_password() {
    let Err(error) = Client::builder()
        .app(APP, SECRET)
        .redis(lark_card::client::RedisConfig::new(
            "redis://:hunter2@exa mple:6379/",
        ))
        .build()
    else {
        panic!("a malformed Redis URL was accepted");
    };
    assert!(
        matches!(error, ClientError::Config(ConfigError::RedisUrl)),
        "{error:?}"
    );
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

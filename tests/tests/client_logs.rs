//! Secrets and tokens never reach the logs. A test binary of its own: the subscriber is the
//! process's global one, so no other test's thread can race the callsites' interest cache
//! (a scoped subscriber under parallel tests sometimes saw no spans at all).

mod common;
mod log_capture;
use common::{client, emulator, progress, sent, APP, SECRET};

#[test]
fn secrets_and_tokens_never_reach_the_logs() {
    let (capture, subscriber) = log_capture::capturing(tracing::Level::TRACE);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    tracing::subscriber::set_global_default(subscriber).unwrap_or_else(|e| panic!("{e}"));
    let token = {
        runtime.block_on(async {
            let emulator = emulator().await;
            let client = client(&emulator);
            let id = sent(&emulator, &client).await;
            emulator.revoke_tokens();
            client
                .update_card(&id, &progress(1))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            emulator.tenant_token(APP).unwrap_or_default()
        })
    };
    let logs = capture.text();
    assert!(
        logs.contains("lark_request"),
        "no request spans were logged:\n{logs}"
    );
    assert!(!logs.contains(SECRET), "the app secret was logged:\n{logs}");
    assert!(
        !token.is_empty() && !logs.contains(&token),
        "a token was logged:\n{logs}"
    );
}

//! Secrets and tokens never reach the logs. A test binary of its own: the subscriber is the
//! process's global one, so no other test's thread can race the callsites' interest cache
//! (a scoped subscriber under parallel tests sometimes saw no spans at all).

mod common;
use common::{client, emulator, progress, sent, APP, SECRET};

#[test]
fn secrets_and_tokens_never_reach_the_logs() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_or(Ok(0), |mut v| {
                v.extend_from_slice(buf);
                Ok(buf.len())
            })
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
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
    let logs = String::from_utf8(capture.0.lock().map(|v| v.clone()).unwrap_or_default())
        .unwrap_or_default();
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

//! The long connection never logs the app secret, the connection URL's ticket and access
//! key, or a click's callback token. A test binary of its own: the subscriber is the
//! process's global one.

mod log_capture;

use std::time::Duration;

use lark_card::callback::{Answer, CardAction, Toast};
use lark_card::client::Client;
use lark_card::long_connection::{ClientConfig, LongConnection};
use lark_card_emulator::{Click, Emulator};

const APP_ID: &str = "cli_a1b2c3d4e5f60718";
const SECRET: &str = "s3cret-of-the-app";
const CARD: &str = r#"{"schema":"2.0","body":{"elements":[{"tag":"button","element_id":"approve","text":{"tag":"plain_text","content":"Approve"},"behaviors":[{"type":"callback","value":{"action":"approve"}}]}]}}"#;

#[test]
fn secrets_never_reach_the_logs() {
    let (capture, subscriber) = log_capture::capturing(tracing::Level::TRACE);
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let token = runtime.block_on(async {
        let emulator = Emulator::builder()
            .app(APP_ID, SECRET)
            .client_config(ClientConfig::new(
                Duration::from_secs(60),
                3,
                Duration::ZERO,
                Duration::ZERO,
            ))
            .start()
            .await
            .unwrap();
        let client = Client::builder()
            .app(APP_ID, SECRET)
            .base_url(emulator.base_url())
            .build()
            .unwrap();
        let mut running = LongConnection::builder(&client)
            .on_card_action(|action: CardAction| async move {
                Answer::new().toast(Toast::info(action.operator.open_id))
            })
            .build()
            .unwrap()
            .spawn();
        emulator.wait_for_long_connections(APP_ID, 1).await;
        let id = emulator.send_card_as(APP_ID, "oc_ops", CARD).unwrap();
        let click = emulator
            .click(&id, Click::element("approve"))
            .await
            .unwrap();
        assert_eq!(click.code, 0, "{:?}", click.error);
        // A drop: the reconnection logs its attempt and the new connection.
        emulator.close_long_connections(APP_ID);
        // The emulator's count cannot tell the old connection, not yet noticed as closed,
        // from the new one (waiting for 0 first races the reconnection): the client's can.
        running.opened(2).await.unwrap();
        emulator.wait_for_long_connections(APP_ID, 1).await;
        running.shutdown().await.unwrap();
        click.token
    });
    let logs = capture.text();
    assert!(logs.contains("the long connection is open"), "{logs}");
    assert!(
        logs.contains("device_id="),
        "the connection's device id is logged: {logs}"
    );
    // The URL's query (its ticket and access key) is never logged, by the client or the
    // emulator.
    for secret in [SECRET, "ticket=", "access_key=", token.as_str()] {
        assert!(!logs.contains(secret), "`{secret}` was logged:\n{logs}");
    }
}

//! The long connection never logs the app secret, the connection URL's ticket and access
//! key, or a click's callback token. A test binary of its own: the subscriber is the
//! process's global one.

mod lark_ws;
mod log_capture;

use lark_card::callback::{Answer, CardAction, Toast};
use lark_card::long_connection::LongConnection;
use lark_ws::{
    accept, click, client, event_frame, fast, next_frame, send, start_lark, Reply, SECRET,
};

#[test]
fn secrets_never_reach_the_logs() {
    let (capture, subscriber) = log_capture::capturing(tracing::Level::TRACE);
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (_, base, listener) = start_lark(vec![Reply::Url], None).await;
        let listener = listener.unwrap();
        let running = LongConnection::builder(&client(&base))
            .on_card_action(|action: CardAction| async move {
                Answer::new().toast(Toast::info(action.operator.open_id))
            })
            .client_config(fast())
            .build()
            .unwrap()
            .spawn();
        let mut ws = accept(&listener).await;
        next_frame(&mut ws, true).await;
        send(&mut ws, &event_frame(1, "m", 1, 0, &click("e1", "approve"))).await;
        next_frame(&mut ws, false).await;
        // A drop: the reconnection logs its attempt and the new connection.
        drop(ws);
        let mut ws = accept(&listener).await;
        next_frame(&mut ws, true).await;
        running.shutdown().await.unwrap();
    });
    let logs = capture.text();
    assert!(logs.contains("the long connection is open"), "{logs}");
    assert!(
        logs.contains("dev-1"),
        "the connection's device id is logged: {logs}"
    );
    for secret in [SECRET, "t1ck3t", "k3y", "c-token"] {
        assert!(!logs.contains(secret), "`{secret}` was logged:\n{logs}");
    }
}

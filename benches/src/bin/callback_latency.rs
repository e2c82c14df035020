//! Callback answers: the receiver (encrypted, signed callbacks, a handler answering a toast
//! and a 2.0 card) against the emulator's simulated clicks, over loopback HTTP; and the same
//! handler over the long connection (a WebSocket to the emulator), in the same run.
//!
//! Reported: the answer latency as Lark (the emulator) measures it, from posting the callback
//! to reading the answer, p50, p99 and max, for clicks one after the other and for clicks in
//! parallel; HTTP against the long connection, clicks alternating between an app with a
//! callback URL and an app with a long connection, each click timed whole (the emulator
//! finds the element, delivers the callback, reads and applies the answer) in microseconds;
//! the time the long connection takes to be open again after the service drops it (the
//! service's `ReconnectNonce` and `ReconnectInterval` set to 0, so what is measured is the
//! client's noticing and reconnecting, not Lark's random wait of up to 30 s); and, after a
//! burst of bad requests of every kind, the refusals counted by kind with the bot still
//! answering.
//!
//! ```sh
//! cargo run --release -p card-benches --bin callback_latency                 # 2000 clicks
//! cargo run --release -p card-benches --bin callback_latency -- --clicks 500 --reconnects 50
//! CI=true cargo run -p card-benches --bin callback_latency                   # smoke: asserts only
//! ```

use std::error::Error;
use std::time::{Duration, Instant};

use lark_card::callback::{crypto, Answer, CardAction, Receiver, Refusal, Toast, V2Card};
use lark_card::client::Client;
use lark_card::long_connection::{ClientConfig, LongConnection};
use lark_card::{card, trusted_markdown};
use lark_card::{MessageId, Secret};
use lark_card_emulator::{
    CallbackApp, Click, Emulator, Operator, Via, DEFAULT_APP_ID, DEFAULT_APP_SECRET,
};

const TOKEN: &str = "bench-verification-token";
const KEY: &str = "bench-encrypt-key";
/// The app whose clicks go over the long connection.
const WS_APP_ID: &str = "cli_bench_long_connection";
const WS_APP_SECRET: &str = "bench-long-connection-secret";
const CARD: &str = r#"{"schema":"2.0","body":{"elements":[{"tag":"button","element_id":"approve","text":{"tag":"plain_text","content":"Approve"},"behaviors":[{"type":"callback","value":{"action":"approve"}}]}]}}"#;

async fn on_click(action: CardAction) -> Answer {
    // A card that keeps its button, so the same message is clicked again and again.
    let card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (trusted_markdown(format!("clicked by <at id={}></at>", action.operator.open_id))) },
        { "tag": "button", "element_id": "approve", "text": { "tag": "plain_text", "content": "Approve" },
          "behaviors": [ { "type": "callback", "value": { "action": "approve" } } ] }
    ] } });
    match V2Card::new(card) {
        Ok(card) => Answer::v2().toast(Toast::success("ok")).card(card).into(),
        Err(_) => Answer::new(),
    }
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64)).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(what: &str, mut latencies: Vec<u64>) -> u64 {
    latencies.sort_unstable();
    let p99 = percentile(&latencies, 99.0);
    println!(
        "{what}: {} clicks, answer latency p50 {} ms, p99 {} ms, max {} ms",
        latencies.len(),
        percentile(&latencies, 50.0),
        p99,
        latencies.last().copied().unwrap_or(0)
    );
    p99
}

fn micros(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
}

/// Prints p50, p99 and max of times in microseconds; returns p50 and p99.
fn report_us(what: &str, mut times: Vec<u64>) -> (u64, u64) {
    times.sort_unstable();
    let (p50, p99) = (percentile(&times, 50.0), percentile(&times, 99.0));
    println!(
        "{what}: {} times, p50 {p50} µs, p99 {p99} µs, max {} µs",
        times.len(),
        times.last().copied().unwrap_or(0)
    );
    (p50, p99)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let smoke = card_benches::smoke();
    let mut clicks: usize = if smoke { 50 } else { 2000 };
    let mut reconnects: usize = if smoke { 5 } else { 100 };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--clicks" {
            clicks = args
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or("--clicks N")?;
        } else if arg == "--reconnects" {
            reconnects = args
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or("--reconnects N")?;
        } else {
            return Err(format!("unknown argument `{arg}`: --clicks N, --reconnects N").into());
        }
    }

    let emulator = Emulator::builder()
        .app(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
        .app(WS_APP_ID, WS_APP_SECRET)
        // Reconnection at once: the time measured is the client's, not a random wait.
        .client_config(ClientConfig::new(
            Duration::from_secs(120),
            -1,
            Duration::ZERO,
            Duration::ZERO,
        ))
        .start()
        .await?;
    let receiver = Receiver::builder()
        .verification_token(TOKEN)
        .encrypt_key(KEY)
        .build(on_click)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/lark/callback", listener.local_addr()?);
    let app = axum::Router::new().route_service("/lark/callback", receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    emulator.set_callback(
        DEFAULT_APP_ID,
        CallbackApp::new(&url, TOKEN).encrypt_key(KEY),
    );

    // One after the other, on one card.
    let id = emulator.send_card("oc_bench", CARD)?;
    let mut latencies = Vec::with_capacity(clicks);
    for n in 0..clicks {
        let click = Click::element("approve").by(Operator::new(format!("ou_user{n}")));
        let interaction = emulator.click(&id, click).await?;
        if interaction.code != 0 || !interaction.card_applied {
            return Err(format!("click {n} was not answered: {interaction:?}").into());
        }
        latencies.push(interaction.latency_ms);
    }
    let sequential_p99 = report("sequential", latencies);

    // In parallel: 16 cards clicked at once, in rounds.
    let cards: Vec<MessageId> = (0..16)
        .map(|_| emulator.send_card("oc_bench", CARD))
        .collect::<Result<_, _>>()?;
    let emulator = std::sync::Arc::new(emulator);
    let mut latencies = Vec::with_capacity(clicks);
    for _ in 0..clicks.div_ceil(cards.len()) {
        let round: Vec<_> = cards
            .iter()
            .map(|id| {
                let emulator = emulator.clone();
                let id = id.clone();
                tokio::spawn(async move { emulator.click(&id, Click::element("approve")).await })
            })
            .collect();
        for task in round {
            let interaction = task.await??;
            if interaction.code != 0 {
                return Err(format!("a parallel click was not answered: {interaction:?}").into());
            }
            latencies.push(interaction.latency_ms);
        }
    }
    let parallel_p99 = report("16 in parallel", latencies);

    // HTTP against the long connection: the same handler, clicks alternating.
    let ws_client = Client::builder()
        .app(WS_APP_ID, WS_APP_SECRET)
        .base_url(emulator.base_url())
        .build()?;
    let mut running = LongConnection::builder(&ws_client)
        .on_card_action(on_click)
        .build()?
        .spawn();
    running.connected().await?;
    let ws_card = emulator.send_card_as(WS_APP_ID, "oc_bench", CARD)?;
    let mut http_us = Vec::with_capacity(clicks);
    let mut ws_us = Vec::with_capacity(clicks);
    for n in 0..clicks {
        for (card, via, times) in [
            (&id, Via::Http, &mut http_us),
            (&ws_card, Via::LongConnection, &mut ws_us),
        ] {
            let click = Click::element("approve").by(Operator::new(format!("ou_user{n}")));
            let started = Instant::now();
            let interaction = emulator.click(card, click).await?;
            times.push(micros(started.elapsed()));
            if interaction.code != 0 || !interaction.card_applied || interaction.via != Some(via) {
                return Err(
                    format!("click {n} ({via:?}) was not answered: {interaction:?}").into(),
                );
            }
        }
    }
    let (http_p50, http_p99) = report_us("HTTP callback", http_us);
    let (ws_p50, ws_p99) = report_us("long connection", ws_us);
    println!(
        "long connection / HTTP: p50 {:.2}x, p99 {:.2}x",
        ws_p50 as f64 / http_p50.max(1) as f64,
        ws_p99 as f64 / http_p99.max(1) as f64
    );

    // The service drops the connection: how long until the client is connected again.
    let mut reconnect_us = Vec::with_capacity(reconnects);
    for _ in 0..reconnects {
        let before = running.stats().connections;
        let started = Instant::now();
        if emulator.close_long_connections(WS_APP_ID) != 1 {
            return Err("the long connection was not open".into());
        }
        // The old connection may still count until its socket ends: wait for the new one.
        while running.stats().connections == before {
            tokio::task::yield_now().await;
            if running.is_finished() {
                return Err("the long connection stopped".into());
            }
        }
        emulator.wait_for_long_connections(WS_APP_ID, 1).await;
        reconnect_us.push(micros(started.elapsed()));
    }
    let (_, reconnect_p99) = report_us("reconnection after a drop", reconnect_us);
    let ws_click = emulator.click(&ws_card, Click::element("approve")).await?;
    if ws_click.code != 0 || ws_click.via != Some(Via::LongConnection) {
        return Err(format!("no answer after the reconnections: {ws_click:?}").into());
    }
    running.shutdown().await?;

    // Bad requests of every kind, 100 each (10 in the smoke run), then a good click.
    let per_kind = if smoke { 10 } else { 100 };
    let http = reqwest::Client::new();
    let key = Secret::new(KEY);
    let plain = emulator
        .interactions()
        .first()
        .map(|i| i.callback.to_string())
        .unwrap_or_default();
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    };
    let signed = |body: String, timestamp: u64, nonce: String, with: &Secret| {
        let timestamp = timestamp.to_string();
        let signature = crypto::signature(&timestamp, &nonce, with, body.as_bytes());
        http.post(&url)
            .header(crypto::TIMESTAMP_HEADER, timestamp)
            .header(crypto::NONCE_HEADER, nonce)
            .header(crypto::SIGNATURE_HEADER, signature)
            .body(body)
    };
    let encrypted = |with: &Secret| {
        format!(
            r#"{{"encrypt":"{}"}}"#,
            crypto::encrypt(with, plain.as_bytes(), [9; 16])
        )
    };
    let other = Secret::new("another key");
    let wrong_token = plain.replace(TOKEN, "another-token");
    for n in 0..per_kind {
        let requests = [
            http.post(&url).body("{not json"),
            http.post(&url).body(vec![b' '; 2 << 20]),
            http.get(&url),
            signed(encrypted(&key), now(), format!("forged{n}"), &other),
            signed(encrypted(&other), now(), format!("undecryptable{n}"), &key),
            signed(
                format!(
                    r#"{{"encrypt":"{}"}}"#,
                    crypto::encrypt(&key, wrong_token.as_bytes(), [3; 16])
                ),
                now(),
                format!("token{n}"),
                &key,
            ),
            signed(encrypted(&key), now() - 3600, format!("stale{n}"), &key),
            signed(encrypted(&key), now(), "replayed".to_owned(), &key),
        ];
        for request in requests {
            let _ = request.send().await?;
        }
    }
    let after = emulator.click(&id, Click::element("approve")).await?;
    let stats = receiver.stats();
    println!(
        "refused after {per_kind} bad requests of each kind (the bot still answered: code {}):",
        after.code
    );
    for kind in Refusal::ALL {
        println!(
            "  {:<16} HTTP {}  {}",
            format!("{kind:?}"),
            kind.status(),
            stats.refused(kind)
        );
    }
    println!(
        "  answered {} (the one replayed request accepted once among them)",
        stats.answered
    );
    if after.code != 0 {
        return Err("the bot stopped answering after the bad requests".into());
    }
    // Each kind refused every time (the replayed nonce: all but its first use).
    let expected = |kind: Refusal| {
        if kind == Refusal::Replayed {
            per_kind as u64 - 1
        } else {
            per_kind as u64
        }
    };
    for kind in Refusal::ALL
        .into_iter()
        .filter(|k| *k != Refusal::UnsupportedEvent)
    {
        if stats.refused(kind) != expected(kind) {
            return Err(format!(
                "{kind:?} refused {} times, not {}",
                stats.refused(kind),
                expected(kind)
            )
            .into());
        }
    }
    // Lark's bound: an answer within 3 seconds.
    let bound = Duration::from_secs(3).as_millis() as u64;
    let bound_us = u64::try_from(Duration::from_secs(3).as_micros()).unwrap_or(u64::MAX);
    if sequential_p99 >= bound || parallel_p99 >= bound || ws_p99 >= bound_us {
        return Err("p99 over Lark's 3 seconds".into());
    }
    if reconnect_p99 >= bound_us {
        return Err("reconnecting took over 3 seconds".into());
    }
    Ok(())
}

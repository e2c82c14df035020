//! Callback answers: the receiver (encrypted, signed callbacks, a handler answering a toast
//! and a 2.0 card) against the emulator's simulated clicks, over loopback HTTP.
//!
//! Reported: the answer latency as Lark (the emulator) measures it, from posting the callback
//! to reading the answer, p50, p99 and max, for clicks one after the other and for clicks in
//! parallel; and, after a burst of bad requests of every kind, the refusals counted by kind
//! with the bot still answering.
//!
//! ```sh
//! cargo run --release -p card-benches --bin callback_latency                 # 2000 clicks
//! cargo run --release -p card-benches --bin callback_latency -- --clicks 500
//! CI=true cargo run -p card-benches --bin callback_latency                   # smoke: asserts only
//! ```

use std::error::Error;
use std::time::Duration;

use lark_card::callback::{crypto, Answer, CardAction, Receiver, Refusal, Toast, V2Card};
use lark_card::{card, trusted_markdown};
use lark_card::{MessageId, Secret};
use lark_card_emulator::{
    CallbackApp, Click, Emulator, Operator, DEFAULT_APP_ID, DEFAULT_APP_SECRET,
};

const TOKEN: &str = "bench-verification-token";
const KEY: &str = "bench-encrypt-key";
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

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let smoke = std::env::var("CI").is_ok_and(|v| v == "true");
    let mut clicks: usize = if smoke { 50 } else { 2000 };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--clicks" {
            clicks = args
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or("--clicks N")?;
        }
    }

    let emulator = Emulator::builder()
        .app(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
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
    if sequential_p99 >= bound || parallel_p99 >= bound {
        return Err("p99 over Lark's 3 seconds".into());
    }
    Ok(())
}

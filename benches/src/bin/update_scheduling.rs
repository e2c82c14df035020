//! Update scheduling at Lark's limits: the client's updater against the emulator.
//!
//! For N messages (1, 10, 100 by default), each is fed a new state every 10 ms (100 per
//! second) for a fixed time. Reported, for each N, with and without injected faults:
//! - delivered updates per second, against what Lark allows: min(5 x N, 50) per second;
//! - throttle answers received (230020 and HTTP 429; goal 0);
//! - the fraction of messages whose final state was delivered (goal 1.0);
//! - staleness: from a state being pushed to a state at least as new being accepted (p50, p99).
//!
//! ```sh
//! cargo run --release -p card-benches --bin update_scheduling              # 10 s per run
//! cargo run --release -p card-benches --bin update_scheduling -- --seconds 3 --messages 1,10
//! CI=true cargo run -p card-benches --bin update_scheduling                # smoke: asserts only
//! ```

use std::collections::HashMap;
use std::error::Error;
use std::time::{Duration, Instant};

use card_core::client::{Client, Delivery};
use card_core::{card, Card, MessageId};
use card_emulator::{Emulator, DEFAULT_APP_ID, DEFAULT_APP_SECRET};
use tokio::sync::broadcast::error::RecvError;

struct Options {
    seconds: f64,
    messages: Vec<usize>,
    faults: Vec<bool>,
    smoke: bool,
}

fn options() -> Result<Options, Box<dyn Error>> {
    let smoke = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let mut options = Options {
        seconds: if smoke { 2.0 } else { 10.0 },
        messages: if smoke { vec![1, 10] } else { vec![1, 10, 100] },
        faults: vec![false, true],
        smoke,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => options.seconds = args.next().ok_or("--seconds N")?.parse()?,
            "--messages" => {
                options.messages = args
                    .next()
                    .ok_or("--messages 1,10,100")?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            "--no-faults" => options.faults = vec![false],
            "--bench" => {} // passed by `cargo bench`
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    Ok(options)
}

fn state(message: usize, version: u64) -> Card {
    card!({
        "schema": "2.0",
        "header": { "title": { "tag": "plain_text", "content": (format!("job {message}")) } },
        "body": { "elements": [
            { "tag": "markdown", "content": (format!("state {version}")) },
            { "tag": "button", "text": { "tag": "plain_text", "content": "Cancel" }, "type": "danger" }
        ] }
    })
}

struct Outcome {
    messages: usize,
    faults: bool,
    seconds: f64,
    delivered: u64,
    allowed_per_second: f64,
    throttles: u64,
    final_delivered: f64,
    p50: Duration,
    p99: Duration,
    pushed: u64,
}

async fn run(messages: usize, faults: bool, seconds: f64) -> Result<Outcome, Box<dyn Error>> {
    let emulator = Emulator::start().await?;
    let client = Client::builder()
        .app(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
        .base_url(emulator.base_url())
        .build()?;
    let ids: Vec<MessageId> = (0..messages)
        .map(|m| -> Result<MessageId, Box<dyn Error>> {
            let id = emulator.send_card("oc_bench", &state(m, 0).to_content()?)?;
            Ok(MessageId::new(id)?)
        })
        .collect::<Result<_, _>>()?;
    let updater = client.updater();
    let mut deliveries = updater.deliveries();
    let collector = tokio::spawn(async move {
        let mut seen: Vec<Delivery> = Vec::new();
        loop {
            match deliveries.recv().await {
                Ok(delivery) => seen.push(delivery),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return seen,
            }
        }
    });
    if faults {
        // 5% of requests fail with HTTP 5xx, plus bursts of 230020 below.
        emulator.faults().fail_fraction(0.05, 42);
    }

    // Feed: every 10 ms, a new state for every message.
    let start = Instant::now();
    let feed_for = Duration::from_secs_f64(seconds);
    let mut pushes: HashMap<MessageId, Vec<Instant>> = HashMap::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(10));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut version = 0u64;
    let mut next_burst = Duration::from_secs(1);
    let mut forced_issued = 0u64;
    while start.elapsed() < feed_for {
        ticker.tick().await;
        version += 1;
        for (m, id) in ids.iter().enumerate() {
            updater.push(id, &state(m, version))?;
            pushes.entry(id.clone()).or_default().push(Instant::now());
        }
        if faults && start.elapsed() >= next_burst {
            emulator.faults().throttle_message_next(3);
            forced_issued += 3;
            next_burst += Duration::from_secs(2);
        }
    }
    let fed = start.elapsed();
    // What was accepted within the feed window is the rate; then let the last states go.
    let report = updater.finish().await;
    let forced_left = emulator.faults().pending().message_throttles;
    emulator.faults().clear();
    drop(updater);
    let counts = emulator.counts();
    let seen = tokio::time::timeout(Duration::from_secs(5), collector).await??;

    let delivered_in_window = seen
        .iter()
        .filter(|d| d.at.duration_since(start) <= fed)
        .count() as u64;
    // Throttles forced by fault injection are not the client's doing.
    let forced = forced_issued.saturating_sub(forced_left);
    let throttles = (counts.throttled_total() + counts.rate_limited_total()).saturating_sub(forced);
    let final_delivered = report
        .streams
        .iter()
        .filter(|(_, s)| s.stopped.is_none() && s.delivered == s.pushed)
        .count() as f64
        / messages as f64;

    // Staleness of every pushed state: until a delivery of it or a newer one.
    let mut by_message: HashMap<&MessageId, Vec<&Delivery>> = HashMap::new();
    for d in &seen {
        by_message.entry(&d.message_id).or_default().push(d);
    }
    let mut staleness = Vec::new();
    for (id, times) in &pushes {
        let accepted = by_message.get(id).cloned().unwrap_or_default();
        for (i, pushed_at) in times.iter().enumerate() {
            let v = i as u64 + 1;
            if let Some(d) = accepted.iter().find(|d| d.version >= v) {
                staleness.push(d.at.saturating_duration_since(*pushed_at));
            }
        }
    }
    staleness.sort();
    let pct = |p: f64| {
        staleness
            .get(((staleness.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    Ok(Outcome {
        messages,
        faults,
        seconds: fed.as_secs_f64(),
        delivered: delivered_in_window,
        allowed_per_second: (5.0 * messages as f64).min(50.0),
        throttles,
        final_delivered,
        p50: pct(0.5),
        p99: pct(0.99),
        pushed: pushes.values().map(|v| v.len() as u64).sum(),
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let options = options()?;
    println!(
        "| messages | faults | seconds | states pushed | updates accepted/s | allowed/s | ratio | throttles | final delivered | staleness p50 | p99 |"
    );
    println!("|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &messages in &options.messages {
        for &faults in &options.faults {
            let o = run(messages, faults, options.seconds).await?;
            let rate = o.delivered as f64 / o.seconds;
            println!(
                "| {} | {} | {:.1} | {} | {:.2} | {:.0} | {:.3} | {} | {:.2} | {} ms | {} ms |",
                o.messages,
                if o.faults {
                    "5% 5xx + 230020 bursts"
                } else {
                    "none"
                },
                o.seconds,
                o.pushed,
                rate,
                o.allowed_per_second,
                rate / o.allowed_per_second,
                o.throttles,
                o.final_delivered,
                o.p50.as_millis(),
                o.p99.as_millis(),
            );
            if options.smoke {
                // Correctness only: speed is not asserted on shared CI machines.
                assert_eq!(o.final_delivered, 1.0, "a final state was not delivered");
                assert_eq!(o.throttles, 0, "Lark had to throttle the client");
                assert!(o.delivered > 0, "nothing was delivered");
            }
        }
    }
    Ok(())
}

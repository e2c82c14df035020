//! Update scheduling at Lark's limits: fleets of replicas of one app, each streaming states to
//! its own cards, against the emulator (or any base URL).
//!
//! For each row (N messages per replica, K replicas, with or without injected faults), K
//! replica processes (this binary, re-executed) each send N cards to the chat, then push a new
//! state to every card every 10 ms (100 per second) for S seconds, the last one with the word
//! `final`. Reported:
//! - delivered updates per second, against what Lark allows: min(5 x N x K, 50) per second;
//! - throttle answers (230020 and HTTP 429) not forced by fault injection (goal 0);
//! - the fraction of cards whose final state was delivered (goal 1.0);
//! - staleness: from a state being pushed to a state at least as new being accepted (p50, p99).
//!
//! With `--redis URL` the replicas share the app's limits and token through Redis; without
//! it each keeps to the limits alone (so K > 1 replicas overrun them). Without `--base-url` the
//! emulator is started in this process (its limits are per app across every connection), and
//! the faults rows inject 5% HTTP 5xx and 3 forced 230020 every 2 seconds. With `--outage AT,FOR`
//! the bench runs a `redis-server` of its own and kills it AT seconds into the stream, for FOR
//! seconds.
//!
//! ```sh
//! cargo run --release -p card-benches --bin update_scheduling                  # the table
//! cargo run --release -p card-benches --bin update_scheduling -- \
//!     --messages 10 --replicas 1,2,4,8 --redis redis://127.0.0.1:6379/ --no-faults
//! cargo run --release -p card-benches --bin update_scheduling -- --base-url http://127.0.0.1:8080 \
//!     --app-id cli_x --app-secret s --chat-id oc_x --messages 5 --seconds 20 --replicas 4 --redis redis://...
//! cargo run --release -p card-benches --bin update_scheduling -- \
//!     --messages 10 --replicas 4 --no-faults --seconds 12 --outage 2,3         # Redis outage
//! CI=true cargo run -p card-benches --bin update_scheduling                    # smoke: asserts
//! ```
//!
//! Exits 0 when every final state was delivered (and, in smoke mode, nothing was throttled).

use std::collections::HashMap;
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use card_benches::{smoke, BoxError};
use clap::Parser;
use lark_card::client::{Client, Delivered, Delivery, Recipient};
use lark_card::{card, Card, MessageId};
use lark_card_emulator::{Emulator, DEFAULT_APP_ID, DEFAULT_APP_SECRET};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Update scheduling at Lark's limits, for fleets of replicas.
#[derive(Parser, Debug, Clone)]
#[command(name = "update_scheduling")]
struct Args {
    /// Lark (or an emulator) at this base URL; without it the emulator is started here.
    #[arg(long)]
    base_url: Option<String>,
    /// The app id (default: the emulator's app).
    #[arg(long)]
    app_id: Option<String>,
    /// The app secret (default: the emulator's).
    #[arg(long)]
    app_secret: Option<String>,
    /// The chat the cards are sent to.
    #[arg(long, default_value = "oc_bench")]
    chat_id: String,
    /// Cards per replica; a list runs a row for each (default 1,10,100).
    #[arg(long, value_delimiter = ',')]
    messages: Vec<usize>,
    /// How long states are pushed (default 10 s, 2 s in smoke mode).
    #[arg(long)]
    seconds: Option<f64>,
    /// Replica processes; a list runs a row for each (default 1).
    #[arg(long, value_delimiter = ',')]
    replicas: Vec<usize>,
    /// Share limits and token through Redis at this URL.
    #[arg(long)]
    redis: Option<String>,
    /// Only the rows without faults.
    #[arg(long)]
    no_faults: bool,
    /// Only the rows with faults (emulator only).
    #[arg(long, conflicts_with = "no_faults")]
    only_faults: bool,
    /// A Redis outage: starts a `redis-server` of its own (instead of `--redis`), kills it
    /// AT seconds into the stream and starts it again FOR seconds later, on the same port.
    #[arg(long, value_name = "AT,FOR", value_delimiter = ',')]
    outage: Vec<f64>,
    /// Internal: run as replica number I of a fleet.
    #[arg(long, hide = true)]
    replica: Option<usize>,
    /// Passed by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

fn state(replica: usize, message: usize, version: u64, last: bool) -> Card {
    let word = if last { "final" } else { "state" };
    card!({
        "schema": "2.0",
        "header": { "title": { "tag": "plain_text", "content": (format!("replica {replica} job {message}")) } },
        "body": { "elements": [
            { "tag": "markdown", "content": (format!("{word} {version}")) },
            { "tag": "button", "text": { "tag": "plain_text", "content": "Cancel" }, "type": "danger" }
        ] }
    })
}

/// One replica: send the cards, say READY, wait for GO, stream, report one JSON line.
async fn replica(args: &Args, index: usize) -> Result<(), BoxError> {
    let base_url = args.base_url.clone().ok_or("a replica needs --base-url")?;
    let mut builder = Client::builder()
        .app(
            args.app_id.clone().unwrap_or_else(|| DEFAULT_APP_ID.into()),
            args.app_secret
                .clone()
                .unwrap_or_else(|| DEFAULT_APP_SECRET.into()),
        )
        .base_url(base_url);
    if let Some(url) = &args.redis {
        let mut config = lark_card::client::RedisConfig::new(url.clone());
        if let Ok(prefix) = std::env::var("BENCH_REDIS_PREFIX") {
            config = config.prefix(prefix);
        }
        builder = builder.redis(config);
    }
    let client = builder.build()?;
    let messages = args.messages.first().copied().unwrap_or(1);
    let seconds = args.seconds.unwrap_or(10.0);
    let to = Recipient::chat(args.chat_id.clone());
    let mut ids = Vec::with_capacity(messages);
    for m in 0..messages {
        ids.push(client.send_card(&to, &state(index, m, 0, false)).await?);
    }
    let mut stdout = tokio::io::stdout();
    stdout.write_all(b"READY\n").await?;
    stdout.flush().await?;
    let mut go = String::new();
    BufReader::new(tokio::io::stdin())
        .read_line(&mut go)
        .await?;

    let updater = client.updater();
    let mut deliveries = updater.deliveries();
    let collector = tokio::spawn(async move {
        let mut seen: Vec<Delivery> = Vec::new();
        loop {
            match deliveries.next().await {
                Some(Delivered::State(delivery)) => seen.push(delivery),
                Some(Delivered::Missed(_)) => continue,
                None => return seen,
            }
        }
    });
    let start = Instant::now();
    let feed_for = Duration::from_secs_f64(seconds);
    let mut pushes: HashMap<MessageId, Vec<Instant>> = HashMap::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(10));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut version = 0u64;
    loop {
        ticker.tick().await;
        version += 1;
        let last = start.elapsed() >= feed_for;
        for (m, id) in ids.iter().enumerate() {
            updater.push(id, &state(index, m, version, last))?;
            pushes.entry(id.clone()).or_default().push(Instant::now());
        }
        if last {
            break;
        }
    }
    let fed = start.elapsed();
    let report = updater.finish().await;
    drop(updater);
    let seen = tokio::time::timeout(Duration::from_secs(5), collector).await??;
    let in_window = seen
        .iter()
        .filter(|d| d.at.duration_since(start) <= fed)
        .count();
    let finals = report
        .streams
        .iter()
        .filter(|(_, s)| s.stopped.is_none() && s.delivered == s.pushed)
        .count()
        // Forgotten once delivered and idle.
        + report.retired;
    let mut by_message: HashMap<&MessageId, Vec<&Delivery>> = HashMap::new();
    for d in &seen {
        by_message.entry(&d.message_id).or_default().push(d);
    }
    let mut staleness: Vec<u64> = Vec::new();
    for (id, times) in &pushes {
        let accepted = by_message.get(id).cloned().unwrap_or_default();
        for (i, pushed_at) in times.iter().enumerate() {
            let v = i as u64 + 1;
            if let Some(d) = accepted.iter().find(|d| d.version >= v) {
                staleness.push(d.at.saturating_duration_since(*pushed_at).as_millis() as u64);
            }
        }
    }
    let line = json!({
        "ids": ids.iter().map(MessageId::as_str).collect::<Vec<_>>(),
        "seconds": fed.as_secs_f64(),
        "delivered": in_window,
        "finals": finals,
        "pushed": pushes.values().map(Vec::len).sum::<usize>(),
        "staleness_ms": staleness,
    });
    stdout.write_all(format!("{line}\n").as_bytes()).await?;
    stdout.flush().await?;
    Ok(())
}

/// A `redis-server` of the bench's own, for `--outage`: on a free port, without persistence.
struct OwnRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    fn start() -> Result<OwnRedis, BoxError> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut redis = OwnRedis { port, child: None };
        redis.spawn()?;
        Ok(redis)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn spawn(&mut self) -> Result<(), BoxError> {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start redis-server (is it on PATH?): {e}"))?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if Instant::now() > deadline {
                return Err("redis-server did not start".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

struct Row {
    messages: usize,
    replicas: usize,
    faults: bool,
    seconds: f64,
    pushed: u64,
    delivered: u64,
    allowed: f64,
    throttles: Option<u64>,
    /// Requests the faults took from the allowed rate (5xx, and forced 230020 when the app's
    /// limit binds: Lark's gateway counts them), if known.
    lost: Option<u64>,
    final_delivered: f64,
    p50: u64,
    p99: u64,
}

/// Runs one row: K replica processes against the base URL (or a fresh emulator).
async fn row(
    args: &Args,
    messages: usize,
    replicas: usize,
    faults: bool,
    mut own_redis: Option<&mut OwnRedis>,
) -> Result<Row, BoxError> {
    let emulator = match &args.base_url {
        Some(_) => None,
        None => Some(Emulator::start().await?),
    };
    let base_url = match (&emulator, &args.base_url) {
        (Some(e), _) => e.base_url().to_string(),
        (None, Some(url)) => url.clone(),
        (None, None) => return Err("no base URL".into()),
    };
    let exe = std::env::current_exe()?;
    let prefix = format!(
        "bench-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let seconds = args.seconds.unwrap_or(if smoke() { 2.0 } else { 10.0 });
    let mut children = Vec::new();
    for index in 0..replicas {
        let mut command = tokio::process::Command::new(&exe);
        command
            .arg("--replica")
            .arg(index.to_string())
            .arg("--base-url")
            .arg(&base_url)
            .arg("--chat-id")
            .arg(&args.chat_id)
            .arg("--messages")
            .arg(messages.to_string())
            .arg("--seconds")
            .arg(seconds.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        // Credentials go by environment, not on the command line (visible in `ps`).
        if let Some(id) = &args.app_id {
            command.env("BENCH_APP_ID", id);
        }
        if let Some(secret) = &args.app_secret {
            command.env("BENCH_APP_SECRET", secret);
        }
        if let Some(url) = &args.redis {
            command.env("BENCH_REDIS_URL", url);
            // Each row has an emulator (a Lark) of its own: its windows in Redis are its own
            // too, or the last row's minute would count in this one.
            command.env("BENCH_REDIS_PREFIX", &prefix);
        }
        let mut child = command.spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        children.push((child, BufReader::new(stdout).lines()));
    }
    for (_, lines) in &mut children {
        match lines.next_line().await? {
            Some(line) if line == "READY" => {}
            other => return Err(format!("a replica did not get ready: {other:?}").into()),
        }
    }
    if let (Some(e), true) = (&emulator, faults) {
        e.faults().fail_fraction(0.05, 42);
    }
    for (child, _) in &mut children {
        let stdin = child.stdin.as_mut().ok_or("no stdin")?;
        stdin.write_all(b"GO\n").await?;
        stdin.flush().await?;
    }
    // Forced 230020 bursts while the replicas stream, and the Redis outage.
    let started = Instant::now();
    let mut forced_issued = 0u64;
    let mut reports = Vec::new();
    let bursts = emulator.as_ref().filter(|_| faults);
    let mut outage = match args.outage.as_slice() {
        [at, length] => Some((
            Duration::from_secs_f64(*at),
            Duration::from_secs_f64(at + length),
        )),
        _ => None,
    };
    if bursts.is_some() || outage.is_some() {
        let mut next_burst = Duration::from_secs(1);
        while started.elapsed() < Duration::from_secs_f64(seconds) {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let now = started.elapsed();
            if let Some(e) = bursts.filter(|_| now >= next_burst) {
                e.faults().throttle_message_next(3);
                forced_issued += 3;
                next_burst += Duration::from_secs(2);
            }
            if let (Some((kill_at, restart_at)), Some(redis)) = (outage, own_redis.as_mut()) {
                if now >= kill_at && redis.child.is_some() && now < restart_at {
                    redis.kill();
                    eprintln!("redis-server killed at {:.2} s", now.as_secs_f64());
                } else if now >= restart_at && redis.child.is_none() {
                    redis.spawn()?;
                    eprintln!("redis-server restarted at {:.2} s", now.as_secs_f64());
                    outage = None;
                }
            }
        }
    }
    for (mut child, mut lines) in children {
        let line = lines
            .next_line()
            .await?
            .ok_or("a replica ended without a report")?;
        let status = child.wait().await?;
        if !status.success() {
            return Err(format!("a replica failed: {status}").into());
        }
        reports.push(serde_json::from_str::<Value>(&line)?);
    }
    let mut throttles = None;
    let mut lost = None;
    let mut final_ok = 0usize;
    let total = messages * replicas;
    if let Some(e) = &emulator {
        let forced_left = e.faults().pending().message_throttles;
        e.faults().clear();
        let counts = e.counts();
        let forced = forced_issued.saturating_sub(forced_left);
        throttles =
            Some((counts.throttled_total() + counts.rate_limited_total()).saturating_sub(forced));
        let app_binds = 5 * messages * replicas >= 50;
        lost = Some(counts.injected_failures + if app_binds { forced } else { 0 });
        // Every card's last content, as the emulator holds it, is its final state.
        for report in &reports {
            for id in report["ids"].as_array().into_iter().flatten() {
                let id = id.as_str().and_then(|id| id.parse::<MessageId>().ok());
                if id
                    .and_then(|id| e.message(&id))
                    .is_some_and(|m| m.content.contains("final"))
                {
                    final_ok += 1;
                }
            }
        }
    } else {
        final_ok = reports
            .iter()
            .map(|r| r["finals"].as_u64().unwrap_or(0) as usize)
            .sum();
    }
    let mut staleness: Vec<u64> = reports
        .iter()
        .flat_map(|r| r["staleness_ms"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_u64())
        .collect();
    staleness.sort_unstable();
    let pct = |p: f64| {
        staleness
            .get(((staleness.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    let fed = reports
        .iter()
        .filter_map(|r| r["seconds"].as_f64())
        .fold(0.0, f64::max);
    Ok(Row {
        messages,
        replicas,
        faults,
        seconds: fed,
        pushed: reports.iter().filter_map(|r| r["pushed"].as_u64()).sum(),
        delivered: reports.iter().filter_map(|r| r["delivered"].as_u64()).sum(),
        allowed: (5.0 * total as f64).min(50.0),
        throttles,
        lost,
        final_delivered: final_ok as f64 / total as f64,
        p50: pct(0.5),
        p99: pct(0.99),
    })
}

async fn main_async(mut args: Args) -> Result<bool, BoxError> {
    if let Some(index) = args.replica {
        // The client's warnings (Redis failing, a stream stopped) on stderr, with the replica.
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::WARN)
            .with_writer(std::io::stderr)
            .try_init();
        args.app_id = args.app_id.or_else(|| std::env::var("BENCH_APP_ID").ok());
        args.app_secret = args
            .app_secret
            .or_else(|| std::env::var("BENCH_APP_SECRET").ok());
        args.redis = args.redis.or_else(|| std::env::var("BENCH_REDIS_URL").ok());
        replica(&args, index).await?;
        return Ok(true);
    }
    let messages = if args.messages.is_empty() {
        if smoke() {
            vec![1, 10]
        } else {
            vec![1, 10, 100]
        }
    } else {
        args.messages.clone()
    };
    let replicas = if args.replicas.is_empty() {
        vec![1]
    } else {
        args.replicas.clone()
    };
    let faults: Vec<bool> = match (args.base_url.is_some(), args.no_faults, args.only_faults) {
        (true, _, _) | (false, true, _) => vec![false],
        (false, _, true) => vec![true],
        (false, false, false) => vec![false, true],
    };
    println!(
        "| replicas | messages each | redis | faults | seconds | states pushed | updates accepted/s | allowed/s | ratio | ceiling | throttles | final delivered | staleness p50 | p99 |"
    );
    println!("|---:|---:|:---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    if !args.outage.is_empty() && args.outage.len() != 2 {
        return Err("--outage takes AT,FOR (seconds)".into());
    }
    let mut own_redis = if args.outage.is_empty() {
        None
    } else {
        let redis = OwnRedis::start()?;
        args.redis = Some(redis.url());
        Some(redis)
    };
    let mut all_final = true;
    let mut all_clean = true;
    for &k in &replicas {
        for &n in &messages {
            for &f in &faults {
                let r = row(&args, n, k, f, own_redis.as_mut()).await?;
                let rate = r.delivered as f64 / r.seconds.max(f64::MIN_POSITIVE);
                println!(
                    "| {} | {} | {} | {} | {:.1} | {} | {:.2} | {:.0} | {:.3} | {} | {} | {:.2} | {} ms | {} ms |",
                    r.replicas,
                    r.messages,
                    if args.redis.is_some() { "yes" } else { "no" },
                    if r.faults { "5% 5xx + 230020 bursts" } else { "none" },
                    r.seconds,
                    r.pushed,
                    rate,
                    r.allowed,
                    rate / r.allowed,
                    // What the allowed rate leaves once the faults took their requests.
                    r.lost.map_or("n/a".to_string(), |lost| {
                        let slots = r.allowed * r.seconds;
                        format!("{:.3}", (slots - lost as f64).max(0.0) / slots)
                    }),
                    r.throttles.map_or("n/a".to_string(), |t| t.to_string()),
                    r.final_delivered,
                    r.p50,
                    r.p99,
                );
                all_final &= r.final_delivered >= 1.0;
                all_clean &= r.throttles.unwrap_or(0) == 0 && r.delivered > 0;
            }
        }
    }
    println!(
        "summary: every final state delivered: {}; throttles of the client's making: {}",
        if all_final { "yes" } else { "NO" },
        if all_clean { "none" } else { "SOME" },
    );
    // Smoke mode (CI) also asserts that nothing was throttled; speed is never asserted.
    Ok(all_final && (!smoke() || all_clean))
}

fn main() -> ExitCode {
    let args = Args::parse();
    card_benches::run("update_scheduling", main_async(args))
}

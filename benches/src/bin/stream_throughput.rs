//! Streaming into cards at Lark's limits: N cards streaming at once against the emulator,
//! through CardKit (`Client::stream`) and, as the baseline a user would otherwise pick, the
//! same answers through the PATCH updater (`Client::updater`), in the same run.
//!
//! For each row (N cards) and each way, a fresh emulator in this process (real HTTP on
//! 127.0.0.1, Lark's sliding-window limits to the millisecond) and a fresh client: N cards
//! are sent (each to a chat of its own, so the 5 sends a second per chat do not pace the
//! start), then every 10 ms each card's answer grows by a chunk of up to 16 characters (100
//! texts a second per card, more than either way may send) for S seconds. Reported:
//! - operations accepted per second during the feed, against what Lark allows: CardKit
//!   min(10 x N, 50) (10 a second per card entity, 50 per app and endpoint), PATCH
//!   min(5 x N, 50) (5 a second per message, 50 per app);
//! - throttles: 230020 (per message, per card entity) and HTTP 429 answers (goal 0);
//! - the fraction of cards whose whole answer was on the card at the end, streaming closed
//!   (goal 1.0);
//! - staleness: from a text being produced to a text at least as new being accepted (p50,
//!   p99).
//!
//! ```sh
//! cargo run --release -p card-benches --bin stream_throughput                 # the table
//! cargo run --release -p card-benches --bin stream_throughput -- --cards 1 --seconds 30
//! CI=true cargo run -p card-benches --bin stream_throughput                   # smoke: asserts
//! ```
//!
//! Exits 0 when every answer was delivered whole (and, in smoke mode, nothing was throttled).
//! Runs longer than a minute at 50 operations a second meet Lark's 1000 a minute per endpoint,
//! which this table does not measure.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use card_benches::{smoke, BoxError};
use clap::Parser;
use lark_card::cardkit::{StreamTarget, StreamingCard};
use lark_card::client::{CardStream, Client, Delivered, Recipient};
use lark_card::lark::limits::{
    PER_APP_PER_SECOND, PER_CARD_ENTITY_PER_SECOND, PER_MESSAGE_PER_SECOND,
};
use lark_card::{card, trusted_markdown, Card, MessageId};
use lark_card_emulator::{element_text, Emulator, DEFAULT_APP_ID, DEFAULT_APP_SECRET};

/// How often every card's answer grows.
const TICK: Duration = Duration::from_millis(10);
/// The most characters an answer grows by at once, like a model's token or few.
const CHUNK_CHARS: usize = 16;

/// Streaming into cards at Lark's limits: CardKit streams against the PATCH updater.
#[derive(Parser, Debug, Clone)]
#[command(name = "stream_throughput")]
struct Args {
    /// Cards streaming at once; a list runs a row for each (default 1,10,60; 1,10 in smoke
    /// mode).
    #[arg(long, value_delimiter = ',')]
    cards: Vec<usize>,
    /// How long the answers grow (default 10 s, 1 s in smoke mode).
    #[arg(long)]
    seconds: Option<f64>,
    /// Passed by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

/// Makes the answers: the next chunk of up to [`CHUNK_CHARS`] characters of words, different
/// per card (a small linear congruential generator: the same answers in every run).
struct Words(u64);

impl Words {
    const WORDS: &'static [&'static str] = &[
        "the ",
        "stream ",
        "sends ",
        "only ",
        "newest ",
        "text, ",
        "card ",
        "entity ",
        "Lark ",
        "types ",
        "it ",
        "on ",
        "while ",
        "model ",
        "writes; ",
        "every ",
        "operation ",
        "has ",
        "sequence ",
        "and ",
        "uuid. ",
        "流式 ",
        "更新 ",
        "卡片 ",
    ];

    fn chunk(&mut self) -> String {
        let mut chunk = String::new();
        loop {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let word = Self::WORDS[(self.0 >> 33) as usize % Self::WORDS.len()];
            if !chunk.is_empty() && chunk.chars().count() + word.chars().count() > CHUNK_CHARS {
                return chunk;
            }
            chunk.push_str(word);
        }
    }
}

/// The ids of the streamed card.
struct AnswerIds {
    answer: StreamTarget,
}

fn streaming_card(n: usize) -> StreamingCard<AnswerIds> {
    lark_card::streaming_card!(AnswerIds, {
        "schema": "2.0",
        "header": { "title": { "tag": "plain_text", "content": (format!("answer {n}")) } },
        "body": { "elements": [
            { "tag": "markdown", "element_id": "answer", "content": "Thinking…" }
        ] }
    })
}

fn patch_card(n: usize, text: &str) -> Card {
    card!({
        "schema": "2.0",
        "header": { "title": { "tag": "plain_text", "content": (format!("answer {n}")) } },
        "body": { "elements": [
            { "tag": "markdown", "element_id": "answer", "content": (trusted_markdown(text)) }
        ] }
    })
}

/// One way's figures for one row.
struct Measured {
    seconds: f64,
    produced: u64,
    accepted: u64,
    allowed: f64,
    throttles: u64,
    whole: f64,
    staleness_ms: Vec<u64>,
}

impl Measured {
    fn rate(&self) -> f64 {
        self.accepted as f64 / self.seconds.max(f64::MIN_POSITIVE)
    }

    fn percentile(&self, p: f64) -> u64 {
        let n = self.staleness_ms.len();
        if n == 0 {
            return 0;
        }
        self.staleness_ms[((n as f64 - 1.0) * p).round() as usize]
    }
}

async fn emulator_and_client() -> Result<(Emulator, Client), BoxError> {
    let emulator = Emulator::start().await?;
    let client = Client::builder()
        .app(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
        .base_url(emulator.base_url())
        .build()?;
    Ok((emulator, client))
}

/// From each text produced (its time, in push order) to the first acceptance of a version
/// at least as new (`moves`: accepted version and when, in order).
fn staleness(produced: &[Instant], moves: &[(u64, Instant)], out: &mut Vec<u64>) {
    let mut next = 0;
    for (i, at) in produced.iter().enumerate() {
        let version = i as u64 + 1;
        while next < moves.len() && moves[next].0 < version {
            next += 1;
        }
        if let Some((_, accepted)) = moves.get(next) {
            out.push(accepted.saturating_duration_since(*at).as_millis() as u64);
        }
    }
}

/// N CardKit streams fed at once.
async fn cardkit(cards: usize, seconds: f64) -> Result<Measured, BoxError> {
    let (emulator, client) = emulator_and_client().await?;
    let mut streams = Vec::with_capacity(cards);
    let card_of: Vec<StreamingCard<AnswerIds>> = (0..cards).map(streaming_card).collect();
    for (n, card) in card_of.iter().enumerate() {
        let stream = client
            .stream(card, Recipient::chat(format!("oc_bench_{n}")))
            .await?;
        streams.push(Arc::new(stream));
    }
    let mut words: Vec<Words> = (0..cards).map(|n| Words(n as u64 + 1)).collect();
    let mut texts = vec![String::new(); cards];
    let mut produced: Vec<Vec<Instant>> = vec![Vec::new(); cards];
    let mut moves: Vec<Vec<(u64, Instant)>> = vec![Vec::new(); cards];
    let sample = |streams: &[Arc<CardStream>], moves: &mut [Vec<(u64, Instant)>]| {
        for (stream, moves) in streams.iter().zip(moves.iter_mut()) {
            let progress = stream.progress();
            if moves.last().is_none_or(|(v, _)| *v < progress.accepted) {
                moves.push((progress.accepted, progress.at));
            }
        }
    };
    let feed_for = Duration::from_secs_f64(seconds);
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let start = Instant::now();
    while start.elapsed() < feed_for {
        ticker.tick().await;
        for n in 0..cards {
            texts[n].push_str(&words[n].chunk());
            streams[n].push(&card_of[n].ids().answer, texts[n].as_str())?;
            produced[n].push(Instant::now());
        }
        // Each card's `accepted` moves at most 10 times a second, and `at` is when it last
        // moved: sampling every tick sees every move, at its own time.
        sample(&streams, &mut moves);
    }
    let fed = start.elapsed();
    let accepted: u64 = streams.iter().map(|s| s.progress().operations).sum();
    // Until every text is on its card (or a stream stopped: its error), still sampling.
    let flushing = {
        let streams = streams.clone();
        tokio::spawn(async move {
            for stream in streams {
                stream.flush().await?;
            }
            Ok::<(), lark_card::client::ClientError>(())
        })
    };
    while !flushing.is_finished() {
        ticker.tick().await;
        sample(&streams, &mut moves);
    }
    flushing.await??;
    sample(&streams, &mut moves);
    let mut reports = Vec::with_capacity(cards);
    for (n, stream) in streams.into_iter().enumerate() {
        let stream = Arc::try_unwrap(stream).map_err(|_| "a stream is still shared")?;
        reports.push(stream.finish(format!("answer {n}")).await?);
    }
    let mut whole = 0usize;
    for (report, text) in reports.iter().zip(&texts) {
        // A long run rolls over into more cards: their texts together are the answer.
        let mut on_cards = String::new();
        let mut closed = true;
        for streamed in &report.cards {
            let entity = emulator.card_entity(&streamed.card_id);
            closed &= entity.as_ref().is_some_and(|e| !e.streaming_mode);
            let card = entity.and_then(|e| e.card_json());
            on_cards.push_str(
                &card
                    .and_then(|c| element_text(&c, "answer"))
                    .unwrap_or_default(),
            );
        }
        if closed && on_cards == *text {
            whole += 1;
        }
    }
    let counts = emulator.counts();
    let mut staleness_ms = Vec::new();
    for (produced, moves) in produced.iter().zip(&moves) {
        staleness(produced, moves, &mut staleness_ms);
    }
    staleness_ms.sort_unstable();
    Ok(Measured {
        seconds: fed.as_secs_f64(),
        produced: produced.iter().map(|p| p.len() as u64).sum(),
        accepted,
        allowed: ((PER_CARD_ENTITY_PER_SECOND * cards).min(PER_APP_PER_SECOND)) as f64,
        throttles: counts.throttled_total() + counts.rate_limited_total(),
        whole: whole as f64 / cards as f64,
        staleness_ms,
    })
}

/// The same answers through the PATCH updater, into N sent messages.
async fn patch(cards: usize, seconds: f64) -> Result<Measured, BoxError> {
    let (emulator, client) = emulator_and_client().await?;
    let mut ids: Vec<MessageId> = Vec::with_capacity(cards);
    for n in 0..cards {
        let to = Recipient::chat(format!("oc_bench_{n}"));
        ids.push(client.send_card(&to, &patch_card(n, "Thinking…")).await?);
    }
    let updater = client.updater();
    let mut deliveries = updater.deliveries();
    let collector = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(delivered) = deliveries.next().await {
            if let Delivered::State(delivery) = delivered {
                seen.push(delivery);
            }
        }
        seen
    });
    let mut words: Vec<Words> = (0..cards).map(|n| Words(n as u64 + 1)).collect();
    let mut texts = vec![String::new(); cards];
    let mut produced: Vec<Vec<Instant>> = vec![Vec::new(); cards];
    let feed_for = Duration::from_secs_f64(seconds);
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let start = Instant::now();
    while start.elapsed() < feed_for {
        ticker.tick().await;
        for n in 0..cards {
            texts[n].push_str(&words[n].chunk());
            updater.push(&ids[n], &patch_card(n, &texts[n]))?;
            produced[n].push(Instant::now());
        }
    }
    let fed = start.elapsed();
    let _report = updater.finish().await;
    drop(updater);
    let seen = collector.await?;
    let accepted = seen
        .iter()
        .filter(|d| d.at.duration_since(start) <= fed)
        .count() as u64;
    let mut moves: HashMap<&MessageId, Vec<(u64, Instant)>> = HashMap::new();
    for d in &seen {
        moves
            .entry(&d.message_id)
            .or_default()
            .push((d.version, d.at));
    }
    let mut staleness_ms = Vec::new();
    let mut whole = 0usize;
    for (n, id) in ids.iter().enumerate() {
        let mut moves = moves.remove(id).unwrap_or_default();
        moves.sort_by_key(|(version, _)| *version);
        staleness(&produced[n], &moves, &mut staleness_ms);
        let on_card = emulator
            .message(id)
            .and_then(|m| m.content_json())
            .and_then(|card| element_text(&card, "answer"));
        if on_card.as_ref() == Some(&texts[n]) {
            whole += 1;
        }
    }
    staleness_ms.sort_unstable();
    let counts = emulator.counts();
    Ok(Measured {
        seconds: fed.as_secs_f64(),
        produced: produced.iter().map(|p| p.len() as u64).sum(),
        accepted,
        allowed: ((PER_MESSAGE_PER_SECOND * cards).min(PER_APP_PER_SECOND)) as f64,
        throttles: counts.throttled_total() + counts.rate_limited_total(),
        whole: whole as f64 / cards as f64,
        staleness_ms,
    })
}

async fn main_async(args: Args) -> Result<bool, BoxError> {
    let cards = if !args.cards.is_empty() {
        args.cards.clone()
    } else if smoke() {
        vec![1, 10]
    } else {
        vec![1, 10, 60]
    };
    let seconds = args.seconds.unwrap_or(if smoke() { 1.0 } else { 10.0 });
    println!(
        "| cards | way | seconds | texts produced | operations accepted/s | allowed/s | ratio | throttles | whole answer on card | staleness p50 | p99 |"
    );
    println!("|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut all_whole = true;
    let mut all_clean = true;
    let mut against = Vec::new();
    for &n in &cards {
        let streamed = cardkit(n, seconds).await?;
        let patched = patch(n, seconds).await?;
        for (way, m) in [("CardKit stream", &streamed), ("PATCH updater", &patched)] {
            println!(
                "| {n} | {way} | {:.1} | {} | {:.2} | {:.0} | {:.3} | {} | {:.2} | {} ms | {} ms |",
                m.seconds,
                m.produced,
                m.rate(),
                m.allowed,
                m.rate() / m.allowed,
                m.throttles,
                m.whole,
                m.percentile(0.5),
                m.percentile(0.99),
            );
            all_whole &= m.whole >= 1.0;
            all_clean &= m.throttles == 0 && m.accepted > 0;
        }
        against.push((n, streamed, patched));
    }
    println!();
    println!("| cards | operations/s, stream / PATCH | staleness p50, stream / PATCH | p99, stream / PATCH |");
    println!("|---:|---:|---:|---:|");
    for (n, s, p) in &against {
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        println!(
            "| {n} | {:.2} | {:.2} | {:.2} |",
            ratio(s.rate(), p.rate()),
            ratio(s.percentile(0.5) as f64, p.percentile(0.5) as f64),
            ratio(s.percentile(0.99) as f64, p.percentile(0.99) as f64),
        );
    }
    println!(
        "summary: every answer whole on its card: {}; throttles: {}",
        if all_whole { "yes" } else { "NO" },
        if all_clean { "none" } else { "SOME" },
    );
    // Smoke mode (CI) also asserts that nothing was throttled; speed is never asserted.
    Ok(all_whole && (!smoke() || all_clean))
}

fn main() -> ExitCode {
    let args = Args::parse();
    card_benches::run("stream_throughput", main_async(args))
}

//! The main job: send a progress card, then push 20 new states of it as fast as possible
//! through the updater, which sends them in order, coalesced, within Lark's 5 updates per
//! second per message, and always delivers the last one.
//!
//! With `LARK_APP_ID`, `LARK_APP_SECRET` and `LARK_CHAT_ID` set it talks to Lark (or to
//! `LARK_BASE_URL`); without them it starts the local Lark emulator in-process and prints what
//! the emulator holds at the end. Its last line on stdout is the final card's `content` string.
//!
//! ```sh
//! cargo run --example update_card
//! ```

use std::error::Error;
use std::time::Instant;

use lark_card::client::{Client, Domain, Recipient};
use lark_card::model::HeaderTemplate;
use lark_card::{card, trusted_markdown, Card};
use lark_card_emulator::{Emulator, DEFAULT_APP_ID, DEFAULT_APP_SECRET};

const STEPS: u32 = 20;

fn progress(job: &str, done: u32) -> Card {
    let finished = done == STEPS;
    let bar: String = (0..STEPS)
        .map(|i| if i < done { '█' } else { '░' })
        .collect();
    card!({
        "schema": "2.0",
        "config": { "width_mode": "fill" },
        "header": {
            "title": { "tag": "plain_text", "content": (job) },
            "subtitle": { "tag": "plain_text", "content": (format!("step {done} of {STEPS}")) },
            "template": (if finished { HeaderTemplate::Green } else { HeaderTemplate::Blue })
        },
        "body": { "elements": [
            { "tag": "markdown", "content": (bar) },
            if finished {
                { "tag": "markdown", "content": (trusted_markdown("**Finished**")) }
            } else {
                { "tag": "button", "text": { "tag": "plain_text", "content": "Cancel" }, "type": "danger" }
            }
        ] }
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let credentials = (
        std::env::var("LARK_APP_ID"),
        std::env::var("LARK_APP_SECRET"),
        std::env::var("LARK_CHAT_ID"),
    );
    let (client, chat, emulator) = match credentials {
        (Ok(app_id), Ok(secret), Ok(chat)) => {
            let domain = match std::env::var("LARK_BASE_URL") {
                Ok(url) => Domain::Custom(url),
                Err(_) => Domain::Lark,
            };
            let client = Client::builder()
                .app(app_id, secret)
                .domain(domain)
                .build()?;
            (client, chat, None)
        }
        _ => {
            let emulator = Emulator::start().await?;
            println!(
                "no LARK_APP_ID/LARK_APP_SECRET/LARK_CHAT_ID: using the local Lark emulator at {}",
                emulator.base_url()
            );
            let client = Client::builder()
                .app(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
                .base_url(emulator.base_url())
                .build()?;
            (client, "oc_demo_chat".to_string(), Some(emulator))
        }
    };
    println!("sending to {} ...", client.base_url());

    let job = "nightly build";
    let id = client
        .send_card(&Recipient::chat(chat), &progress(job, 0))
        .await?;
    println!("sent {id}");

    let updater = client.updater();
    let start = Instant::now();
    for done in 1..=STEPS {
        updater.push(&id, &progress(job, done))?;
    }
    let pushed = start.elapsed();
    updater.flush(&id).await?;
    let delivered = start.elapsed();
    let status = updater.status(&id).ok_or("no stream")?;
    println!(
        "pushed {STEPS} states in {pushed:.1?}; Lark accepted {} update request(s) (older states coalesced), the last after {delivered:.1?}",
        status.sent
    );

    if let Some(emulator) = &emulator {
        let counts = emulator.counts();
        println!(
            "the emulator holds {} revisions of {id}; throttled: {}, rate-limited: {}",
            emulator.history(&id).len(),
            counts.throttled_total(),
            counts.rate_limited_total(),
        );
    }
    let content = match &emulator {
        Some(emulator) => emulator
            .history(&id)
            .pop()
            .map(|revision| revision.content)
            .ok_or("the emulator holds no card")?,
        None => progress(job, STEPS).to_content(),
    };
    println!("{content}");
    Ok(())
}

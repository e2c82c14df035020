//! An assistant's answer streamed into a card as a model produces it: a card entity made from a
//! `streaming_card!`, sent to the chat, and its `answer` element typed on by Lark's typewriter
//! while the text grows. The stream sends the newest text at most 10 times a second, closes
//! streaming mode at the end (the chat list shows the summary, not "[生成中...]"), and goes on
//! in a new card when the answer would not fit in one (30 KB).
//!
//! With `LARK_APP_ID`, `LARK_APP_SECRET` and `LARK_CHAT_ID` set it talks to Lark (or to
//! `LARK_BASE_URL`); without them it starts the local Lark emulator in-process and checks at
//! the end what the emulator holds. With `STREAM_TEXT_FILE=PATH` it streams that file's text
//! instead of its own answer. The text is fed as a model produces it: chunks of up to 16
//! characters every 20 ms.
//!
//! It exits 0 once the whole text is on the card(s) and streaming is closed. Its stdout names
//! each card (`card CARD_ID message MESSAGE_ID`, in order) and ends with
//! `final length: N characters`.
//!
//! ```sh
//! cargo run --example stream_answer
//! STREAM_TEXT_FILE=README.md cargo run --example stream_answer   # rolls over into more cards
//! ```
//!
//! To watch it being typed, run the emulator on its own and open its viewer
//! (<http://127.0.0.1:9000>) before streaming into it:
//!
//! ```sh
//! cargo run -p lark-card-emulator -- --port 9000
//! LARK_APP_ID=cli_test LARK_APP_SECRET=secret LARK_CHAT_ID=oc_demo \
//!   LARK_BASE_URL=http://127.0.0.1:9000 cargo run --example stream_answer
//! ```

use std::error::Error;
use std::time::{Duration, Instant};

use lark_card::cardkit::{StreamTarget, StreamingCard};
use lark_card::client::{Client, Domain, Recipient, StreamReport};
use lark_card_emulator::{Emulator, DEFAULT_APP_ID, DEFAULT_APP_SECRET};

/// The most characters the producer hands over at once, like a model's token or few.
const CHUNK_CHARS: usize = 16;
/// How often the producer hands over a chunk.
const CHUNK_EVERY: Duration = Duration::from_millis(20);
/// The most characters of the summary the chat list shows once the answer is complete.
const SUMMARY_CHARS: usize = 40;

const QUESTION: &str = "How do I stream an answer into a Lark card?";

const ANSWER: &str = "\
**Short answer:** make a card entity with CardKit, send it by its `card_id`, then stream the \
text into one `markdown` element.

1. **Create** the card entity from a card JSON 2.0 card with `streaming_mode` on.
2. **Send** it to the chat as `{\"type\":\"card\",\"data\":{\"card_id\":…}}`.
3. **Stream**: `PUT …/elements/answer/content` with the *whole* text so far. Lark types the \
new characters on, like a typewriter, up to 10 updates a second per card.
4. **Close** streaming mode and set a summary, or the chat list keeps showing \"[生成中...]\".

`lark_card::client::CardStream` does all four: push the whole text as often as you like; it \
coalesces to the newest text, numbers every operation, recovers when Lark closed streaming \
mode, and continues in a new card when the answer outgrows this one.";

/// The ids of the card's elements that the example streams into.
struct AnswerIds {
    /// The `markdown` element the answer is typed into.
    answer: StreamTarget,
}

/// The card the answer streams into: the question in the header, the answer below it.
fn answer_card(question: &str) -> StreamingCard<AnswerIds> {
    lark_card::streaming_card!(AnswerIds, {
        "schema": "2.0",
        "config": {
            "streaming_config": {
                "print_frequency_ms": { "default": 30 },
                "print_step": { "default": 2 },
                "print_strategy": "fast"
            }
        },
        "header": {
            "title": { "tag": "plain_text", "content": (question) },
            "template": "indigo"
        },
        "body": { "elements": [
            { "tag": "markdown", "element_id": "answer", "content": "Thinking…" }
        ] }
    })
}

/// The chunks a model would produce: up to [`CHUNK_CHARS`] characters each, cut after a
/// space where there is one, so that words mostly arrive whole.
fn chunks(text: &str) -> Vec<&str> {
    let mut chunks = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let ends: Vec<usize> = rest
            .char_indices()
            .map(|(at, c)| at + c.len_utf8())
            .take(CHUNK_CHARS)
            .collect();
        let longest = ends.last().copied().unwrap_or(rest.len());
        let cut = ends
            .iter()
            .rev()
            .find(|&&end| rest[..end].ends_with(char::is_whitespace))
            .copied()
            .unwrap_or(longest);
        chunks.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    chunks
}

/// The start of the answer's first line with text, for the chat list.
fn summary(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or_default();
    let mut summary: String = line.chars().take(SUMMARY_CHARS).collect();
    if line.chars().count() > SUMMARY_CHARS {
        summary.push('…');
    }
    summary
}

/// Streams `text` into one card (more if it does not fit), fed as a model produces it.
async fn stream_text(
    client: &Client,
    chat: &str,
    question: &str,
    text: &str,
) -> Result<StreamReport, Box<dyn Error>> {
    let card = answer_card(question);
    let stream = client.stream(&card, Recipient::chat(chat)).await?;
    let mut produced = String::with_capacity(text.len());
    let mut ticker = tokio::time::interval(CHUNK_EVERY);
    for chunk in chunks(text) {
        ticker.tick().await;
        produced.push_str(chunk);
        // The whole text so far: the stream sends only the newest, typed on from the last.
        stream.push(&card.ids().answer, produced.as_str())?;
    }
    Ok(stream.finish(summary(text)).await?)
}

/// The text of the element `id` in a card JSON.
fn text_of(card: &serde_json::Value, id: &str) -> Option<String> {
    match card {
        serde_json::Value::Object(map) => {
            if map.get("element_id").and_then(|v| v.as_str()) == Some(id) {
                return map
                    .get("content")
                    .and_then(|v| v.as_str())
                    .map(str::to_string);
            }
            map.values().find_map(|v| text_of(v, id))
        }
        serde_json::Value::Array(items) => items.iter().find_map(|v| text_of(v, id)),
        _ => None,
    }
}

/// What the emulator holds: every card closed, and their texts together the whole text.
fn check_emulator(
    emulator: &Emulator,
    report: &StreamReport,
    text: &str,
) -> Result<(), Box<dyn Error>> {
    let mut on_cards = String::with_capacity(text.len());
    for streamed in &report.cards {
        let entity = emulator
            .card_entity(&streamed.card_id)
            .ok_or_else(|| format!("the emulator holds no card {}", streamed.card_id))?;
        if entity.streaming_mode {
            return Err(format!("card {} is still streaming", streamed.card_id).into());
        }
        let card = entity
            .card_json()
            .ok_or_else(|| format!("card {} is no JSON", streamed.card_id))?;
        on_cards.push_str(&text_of(&card, "answer").unwrap_or_default());
    }
    if on_cards != text {
        return Err(format!(
            "the cards hold {} characters, not the {} streamed",
            on_cards.chars().count(),
            text.chars().count()
        )
        .into());
    }
    println!(
        "the emulator holds the whole text, streaming closed on every card; throttled: {}",
        emulator.counts().throttled_total()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let (question, text) = match std::env::var_os("STREAM_TEXT_FILE") {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read STREAM_TEXT_FILE {path:?}: {e}"))?;
            (format!("The text of {}", path.to_string_lossy()), text)
        }
        None => (QUESTION.to_string(), ANSWER.to_string()),
    };
    if text.is_empty() {
        return Err("nothing to stream: the text is empty".into());
    }
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
    let chars = text.chars().count();
    println!(
        "streaming {chars} characters to {} in {}, {CHUNK_CHARS} characters at most every {CHUNK_EVERY:?} ...",
        chat,
        client.base_url()
    );

    let start = Instant::now();
    let report = stream_text(&client, &chat, &question, &text).await?;
    println!(
        "done in {:.1?}: {} operation(s) accepted, streaming mode reopened {} time(s)",
        start.elapsed(),
        report.operations,
        report.reopened
    );
    if let Some(emulator) = &emulator {
        check_emulator(emulator, &report, &text)?;
    }
    for streamed in &report.cards {
        println!("card {} message {}", streamed.card_id, streamed.message_id);
    }
    println!("final length: {chars} characters");
    Ok(())
}

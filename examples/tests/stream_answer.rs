//! `stream_answer` run as a user runs it: the example's own binary, without credentials (the
//! emulator in its process), and against an emulator at `LARK_BASE_URL` with
//! `STREAM_TEXT_FILE`, checked over the emulator's HTTP control routes
//! (`/__emulator/cards/{card_id}`, `/__emulator/messages`): the cards' texts together are the
//! file's text, and streaming is closed on every card, also when the text rolled over into
//! more cards.
//!
//! The binary is the one `cargo test -p card-examples` (or `--workspace`) builds beside this
//! test: cargo builds a package's examples before running its tests.

// Test code: a failed expectation is a panic (the workspace's lint is for the libraries).
#![allow(clippy::panic)]

use std::path::PathBuf;
use std::process::Output;

use lark_card::lark::limits::MAX_CARD_BODY;
use lark_card_emulator::{element_text, Emulator, DEFAULT_APP_ID, DEFAULT_APP_SECRET};
use serde_json::Value;

const CHAT: &str = "oc_stream_answer";

/// `target/<profile>/examples/stream_answer`, beside `target/<profile>/deps/<this test>`.
fn example_binary() -> PathBuf {
    let test = std::env::current_exe().unwrap_or_else(|e| panic!("no current exe: {e}"));
    let profile = test
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap_or_else(|| panic!("{} is not in target/<profile>/deps", test.display()));
    let binary = profile
        .join("examples")
        .join(format!("stream_answer{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.is_file(),
        "{} is missing: run `cargo test -p card-examples`, which builds the examples",
        binary.display()
    );
    binary
}

/// Runs the example with these variables, none of a developer's own `LARK_*` or
/// `STREAM_TEXT_FILE` passed through (it must not reach Lark from a test).
async fn run(vars: &[(&str, &str)]) -> (Output, String) {
    let mut command = tokio::process::Command::new(example_binary());
    for name in [
        "LARK_APP_ID",
        "LARK_APP_SECRET",
        "LARK_CHAT_ID",
        "LARK_BASE_URL",
        "STREAM_TEXT_FILE",
    ] {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied());
    let output = command
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run stream_answer: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "stream_answer failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    (output, stdout)
}

/// The `card CARD_ID message MESSAGE_ID` lines, in order.
fn cards(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|line| {
            let mut words = line.strip_prefix("card ")?.split(' ');
            let card_id = words.next()?.to_string();
            let message_id = words.nth(1)?.to_string();
            Some((card_id, message_id))
        })
        .collect()
}

/// The `final length: N characters` line's N.
fn final_length(stdout: &str) -> usize {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("final length: "))
        .and_then(|rest| rest.strip_suffix(" characters"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no final length in:\n{stdout}"))
}

async fn get_json(url: String) -> Value {
    let response = reqwest::get(&url)
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert!(
        response.status().is_success(),
        "GET {url}: {}",
        response.status()
    );
    let body = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {url}: {e}: {body}"))
}

/// Streams `text` from a file through the example into an emulator at `LARK_BASE_URL`, and
/// checks over HTTP what the emulator holds; answers the cards.
async fn stream_file(text: &str) -> Vec<(String, String)> {
    let emulator = Emulator::start()
        .await
        .unwrap_or_else(|e| panic!("emulator: {e}"));
    let dir = std::env::temp_dir().join(format!(
        "stream-answer-{}-{}",
        std::process::id(),
        text.len()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let file = dir.join("answer.md");
    std::fs::write(&file, text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let file_var = file.to_string_lossy().into_owned();
    let (_, stdout) = run(&[
        ("LARK_APP_ID", DEFAULT_APP_ID),
        ("LARK_APP_SECRET", DEFAULT_APP_SECRET),
        ("LARK_CHAT_ID", CHAT),
        ("LARK_BASE_URL", emulator.base_url()),
        ("STREAM_TEXT_FILE", file_var.as_str()),
    ])
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(final_length(&stdout), text.chars().count());
    let cards = cards(&stdout);
    assert!(!cards.is_empty(), "no card in:\n{stdout}");

    let base = emulator.base_url();
    let mut on_cards = String::new();
    for (card_id, message_id) in &cards {
        let entity = get_json(format!("{base}/__emulator/cards/{card_id}")).await;
        assert_eq!(entity["streaming_mode"], Value::Bool(false), "{entity}");
        assert_eq!(entity["message_id"].as_str(), Some(message_id.as_str()));
        // A summary instead of "[生成中...]" in the chat list.
        let summary = entity["summary"].as_str().unwrap_or_default();
        assert!(
            !summary.is_empty() && summary != lark_card::lark::STREAMING_SUMMARY,
            "{entity}"
        );
        let card: Value = serde_json::from_str(entity["card"].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("card {card_id}: {e}"));
        on_cards.push_str(&element_text(&card, "answer").unwrap_or_default());
    }
    assert_eq!(on_cards, text, "the cards do not hold the file's text");

    // The chat shows the cards, in order, each message the card it was sent by.
    let messages = get_json(format!("{base}/__emulator/messages")).await;
    let in_chat: Vec<&Value> = messages
        .as_array()
        .unwrap_or_else(|| panic!("{messages}"))
        .iter()
        .filter(|m| m["chat_id"] == CHAT)
        .collect();
    let ids: Vec<&str> = in_chat
        .iter()
        .filter_map(|m| m["message_id"].as_str())
        .collect();
    let printed: Vec<&str> = cards.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(ids, printed);
    let shown: String = in_chat
        .iter()
        .map(|m| {
            let card: Value =
                serde_json::from_str(m["content"].as_str().unwrap_or_default()).unwrap_or_default();
            element_text(&card, "answer").unwrap_or_default()
        })
        .collect();
    assert_eq!(shown, text);
    // Nothing refused for going too fast.
    let counts = get_json(format!("{base}/__emulator/counts")).await;
    assert_eq!(
        counts["throttled"],
        Value::Object(Default::default()),
        "{counts}"
    );
    assert_eq!(
        counts["rate_limited"],
        Value::Object(Default::default()),
        "{counts}"
    );
    cards
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_credentials_it_streams_into_the_emulator_in_its_process() {
    let (_, stdout) = run(&[]).await;
    assert!(stdout.contains("using the local Lark emulator"), "{stdout}");
    // The example checked the emulator itself: every card closed, the whole text on them.
    assert!(
        stdout.contains("the emulator holds the whole text, streaming closed on every card"),
        "{stdout}"
    );
    assert_eq!(cards(&stdout).len(), 1, "{stdout}");
    assert!(final_length(&stdout) > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_a_base_url_the_card_holds_the_file_s_text_and_streaming_is_closed() {
    let text = "## Release notes\n\n\
        - **Streaming** into cards: `CardStream` pushes the whole text; Lark types it on.\n\
        - Markdown stays markdown: *emphasis*, `code`, [links](https://example.com).\n\
        - Unicode: 流式更新卡片, ünïcödé, emoji 🚀, \"quotes\" and back\\slashes.\n";
    let cards = stream_file(text).await;
    assert_eq!(cards.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_over_30_kb_rolls_over_into_more_cards_with_the_text_intact() {
    // An answer with JSON in it: its quotes count four bytes each as Lark counts the card
    // (the text is a JSON string in the card, which is a JSON string in the request), so the
    // text is over 30 KB with few characters to feed.
    let mut text = String::from("The records, as JSON:\n\n");
    let mut n = 0;
    let over = |text: &str| {
        let in_card = serde_json::to_string(text).unwrap_or_default();
        let in_request = serde_json::to_string(&in_card).unwrap_or_default();
        in_request.len() > MAX_CARD_BODY + MAX_CARD_BODY / 10
    };
    while !over(&text) {
        text.push_str(&format!(
            "{{\"id\":{n},\"名前\":\"記録\\\\{n}\",\"ok\":\"\\\"yes\\\"\"}}\n"
        ));
        n += 1;
    }
    let cards = stream_file(&text).await;
    assert!(cards.len() >= 2, "{cards:?}");
}

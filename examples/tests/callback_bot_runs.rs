//! `examples/callback_bot.rs` run as the program a user runs (its binary, which `cargo test`
//! builds with the package's examples) against the emulator: offline, it answers its own
//! simulated clicks; with `LARK_LONG_CONNECTION=1` it connects to the emulator's long
//! connection, sends its approval card and serves the Approve and Reject clicks; with wrong
//! credentials it exits non-zero naming Lark's code.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use lark_card::lark::LarkCode;
use lark_card_emulator::{Click, Emulator, Operator, Via, DEFAULT_APP_ID, DEFAULT_APP_SECRET};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

type TestResult = Result<(), Box<dyn Error>>;

/// The example's binary: `target/<profile>/examples/callback_bot`, next to this test's
/// `deps/` folder; refused when older than its source (run alone, this test does not build
/// it: `cargo build --example callback_bot`).
fn example() -> Result<PathBuf, Box<dyn Error>> {
    let exe = std::env::current_exe()?;
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("the test binary is not in target/<profile>/deps")?;
    let binary = profile
        .join("examples")
        .join(format!("callback_bot{}", std::env::consts::EXE_SUFFIX));
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/callback_bot.rs");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    assert!(
        modified(&binary) >= modified(&source),
        "{} is missing or older than its source: `cargo test -p card-examples` builds it, or \
         `cargo build -p card-examples --example callback_bot`",
        binary.display()
    );
    Ok(binary)
}

/// The example with none of the environment it reads, but `vars`.
fn bot(vars: &[(&str, &str)]) -> Result<Command, Box<dyn Error>> {
    let mut command = Command::new(example()?);
    for (name, _) in std::env::vars() {
        if name.starts_with("LARK_") {
            command.env_remove(name);
        }
    }
    command
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    Ok(command)
}

#[tokio::test]
async fn offline_it_answers_its_own_clicks_on_the_in_process_emulator() -> TestResult {
    let output = bot(&[])?.output().await?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("approve: Lark code 0"), "{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.contains("Approved by <at id=ou_"), "{stdout}");
    Ok(())
}

#[tokio::test]
async fn over_the_long_connection_it_sends_its_card_and_serves_approve_and_reject() -> TestResult {
    let emulator = Emulator::builder()
        .app(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
        .start()
        .await?;
    let mut child = bot(&[
        ("LARK_LONG_CONNECTION", "1"),
        ("LARK_APP_ID", DEFAULT_APP_ID),
        ("LARK_APP_SECRET", DEFAULT_APP_SECRET),
        ("LARK_BASE_URL", emulator.base_url()),
        ("LARK_CHAT_ID", "oc_approvals"),
    ])?
    .stdout(Stdio::piped())
    .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
    let id: lark_card::MessageId = loop {
        let line = lines
            .next_line()
            .await?
            .ok_or("the bot ended before sending its card")?;
        if let Some(id) = line.strip_prefix("sent the approval card: ") {
            break id.parse()?;
        }
    };
    assert_eq!(emulator.long_connections(DEFAULT_APP_ID), 1);
    let card = emulator.message(&id).ok_or("the card was not sent")?;
    assert_eq!(card.chat_id, "oc_approvals");
    // A second copy of the card, for Reject (Approve replaces the first's buttons).
    let copy = emulator.send_card_as(DEFAULT_APP_ID, "oc_approvals", &card.content)?;

    let approved = emulator
        .click(
            &id,
            Click::element("approve").by(Operator::new("ou_7d8a6e6df7621556ce0d21922b676706")),
        )
        .await?;
    assert_eq!(approved.via, Some(Via::LongConnection));
    assert_eq!(approved.code, 0, "{:?}", approved.error);
    assert_eq!(
        approved.toast,
        Some(json!({"type": "success", "content": "Approved"}))
    );
    let content = emulator.message(&id).map(|m| m.content).unwrap_or_default();
    assert!(
        content.contains("Approved by <at id=ou_7d8a6e6df7621556ce0d21922b676706></at>"),
        "{content}"
    );

    let rejected = emulator.click(&copy, Click::element("reject")).await?;
    assert_eq!(
        (rejected.via, rejected.code),
        (Some(Via::LongConnection), 0),
        "{:?}",
        rejected.error
    );
    let rejected_card = emulator
        .message(&copy)
        .map(|m| m.content)
        .unwrap_or_default();
    assert!(rejected_card.contains("Rejected"), "{rejected_card}");
    child.kill().await?;
    Ok(())
}

#[tokio::test]
async fn over_the_long_connection_wrong_credentials_exit_non_zero_naming_lark_code() -> TestResult {
    let emulator = Emulator::builder()
        .app(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
        .start()
        .await?;
    let output = bot(&[
        ("LARK_LONG_CONNECTION", "1"),
        ("LARK_APP_ID", DEFAULT_APP_ID),
        ("LARK_APP_SECRET", "not-the-secret"),
        ("LARK_BASE_URL", emulator.base_url()),
        ("LARK_CHAT_ID", "oc_approvals"),
    ])?
    .output()
    .await?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    let code = LarkCode::LongConnectionAuthFailed.code().to_string();
    assert!(stderr.contains(&code), "{stderr}");
    assert!(!stderr.contains("not-the-secret"), "{stderr}");
    // Nothing was sent: it stopped before the card.
    assert!(emulator.messages().is_empty());
    assert_eq!(emulator.long_connections(DEFAULT_APP_ID), 0);
    Ok(())
}

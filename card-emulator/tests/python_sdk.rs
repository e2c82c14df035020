//! Lark's official Python SDK (`lark-oapi`) against the emulator: `tests/python/update_card.py`
//! must pass. This test fails, with the reason, when `python3` or `lark-oapi` is missing: CI
//! installs it with `pip install lark-oapi`.

use std::path::Path;
use std::time::Duration;

use card_emulator::Emulator;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn the_official_python_sdk_gets_a_token_sends_and_updates_a_card() -> TestResult {
    // A paused clock makes the script's rate-limit check exact.
    let emulator = Emulator::builder()
        .app("cli_python", "python-secret")
        .paused_clock()
        .start()
        .await?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/update_card.py");
    let run = tokio::process::Command::new("python3")
        .arg(&script)
        .args([emulator.base_url(), "cli_python", "python-secret"])
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(Duration::from_secs(120), run).await {
        Ok(Ok(output)) => output,
        Ok(Err(error)) => {
            return Err(format!(
                "cannot run python3 ({error}): install Python 3 and `pip install lark-oapi`"
            )
            .into())
        }
        Err(_) => return Err("update_card.py did not finish within 120 s".into()),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => {}
        Some(3) => {
            return Err(format!(
                "lark-oapi is not installed for python3: run `pip install lark-oapi`\n{stderr}"
            )
            .into())
        }
        status => {
            return Err(format!(
                "update_card.py failed ({status:?})\nstdout:\n{stdout}\nstderr:\n{stderr}"
            )
            .into())
        }
    }
    assert!(stdout.starts_with("ok: "), "{stdout}");
    // The SDK's requests reached the emulator: a token request of its own, sends and updates.
    let counts = emulator.counts();
    assert!(counts.app("cli_python") >= 10, "{counts:?}");
    assert_eq!(counts.throttled_total(), 1);
    Ok(())
}

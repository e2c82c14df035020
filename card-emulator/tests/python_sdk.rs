//! Lark's official Python SDK (`lark-oapi`) against the emulator: `tests/python/update_card.py`
//! must pass, the SDK's callback dispatcher (`tests/python/callback_app.py`) must accept the
//! emulator's callbacks and have its answers applied, and the SDK's long connection client
//! (`tests/python/long_connection_app.py`) must connect, receive a click and a user's message,
//! and have its answer applied. When `python3` has no `lark-oapi`, the
//! test installs it into a virtual environment of its own under the target directory; when
//! Python or that install is not available, the workspace's one rule applies
//! (`card_test_support`): a notice outside CI, a failure under `CI=true`.

use std::path::{Path, PathBuf};

use card_test_support::PYTHON_LARK_OAPI;
use lark_card::lark::LarkCode;
use lark_card_emulator::{CallbackApp, Click, Emulator, Operator, UserMessage, Via};
use tokio::io::AsyncBufReadExt;

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
    let Some(python) = python_with_lark_oapi().await else {
        return Ok(());
    };
    let run = tokio::process::Command::new(&python)
        .arg(&script)
        .args([emulator.base_url(), "cli_python", "python-secret"])
        .kill_on_drop(true)
        .output();
    let output = match run.await {
        Ok(output) => output,
        Err(error) => {
            return Err(format!(
                "cannot run python3 ({error}): install Python 3 and `pip install lark-oapi`"
            )
            .into())
        }
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

#[tokio::test]
async fn the_official_python_sdk_accepts_the_emulator_s_callbacks() -> TestResult {
    const TOKEN: &str = "python-verification-token";
    const KEY: &str = "python-encrypt-key";
    let emulator = Emulator::builder()
        .app("cli_python", "python-secret")
        .start()
        .await?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/callback_app.py");
    let Some(python) = python_with_lark_oapi().await else {
        return Ok(());
    };
    let mut app = tokio::process::Command::new(&python)
        .arg(&script)
        .args([TOKEN, KEY])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = app.stdout.take().ok_or("no stdout")?;
    let mut first = String::new();
    let mut lines = tokio::io::BufReader::new(stdout);
    // The first line is the event waited for; a script that exits first ends it empty.
    lines.read_line(&mut first).await?;
    let url = first.trim().to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "callback_app.py printed `{url}`"
    );

    emulator.set_callback("cli_python", CallbackApp::new(&url, TOKEN).encrypt_key(KEY));
    let card = r#"{"schema":"2.0","body":{"elements":[{"tag":"button","element_id":"approve","text":{"tag":"plain_text","content":"Approve"},"behaviors":[{"type":"callback","value":{"action":"approve"}}]}]}}"#;
    let id = emulator.send_card("oc_python", card)?;
    let interaction = emulator
        .click(
            &id,
            Click::element("approve").by(Operator::new("ou_python_user")),
        )
        .await?;
    assert_eq!(interaction.code, 0, "{:?}", interaction.error);
    assert_eq!(interaction.status, Some(200));
    assert_eq!(
        interaction.toast,
        Some(serde_json::json!({ "type": "success", "content": "python saw approve" }))
    );
    assert!(interaction.card_applied);
    let content = emulator.message(&id).map(|m| m.content).unwrap_or_default();
    assert!(
        content.contains(&format!("Python: approve by ou_python_user in {id}")),
        "{content}"
    );

    // The SDK checks what the emulator sends: another Verification Token, or another key,
    // and it refuses (HTTP 500, which Lark reports as 200671).
    for wrong in [
        CallbackApp::new(&url, "another-token").encrypt_key(KEY),
        CallbackApp::new(&url, TOKEN).encrypt_key("another-key"),
    ] {
        emulator.set_callback("cli_python", wrong);
        let refused = emulator.click(&id, Click::element("approve")).await;
        // The card was replaced by the answer above: it has no button any more.
        assert!(refused.is_err());
        let id = emulator.send_card("oc_python", card)?;
        let refused = emulator.click(&id, Click::element("approve")).await?;
        assert_eq!(refused.status, Some(500), "{refused:?}");
        assert_eq!(refused.code, LarkCode::CallbackNot200.code());
        // The refused answer changed nothing: the card is as sent.
        let contents = emulator
            .history(&id)
            .into_iter()
            .filter(|revision| revision.kind.changes_content())
            .count();
        assert_eq!(contents, 1);
    }
    // Closing stdin ends the script; its exit is awaited.
    drop(app.stdin.take());
    app.wait().await?;
    Ok(())
}

#[tokio::test]
async fn the_official_python_sdk_answers_a_click_over_the_long_connection() -> TestResult {
    // Events over 100 bytes go in fragments: the SDK puts them together.
    let emulator = Emulator::builder()
        .app("cli_python_ws", "python-ws-secret")
        .fragment_size(100)
        .start()
        .await?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/long_connection_app.py");
    let Some(python) = python_with_lark_oapi().await else {
        return Ok(());
    };
    let mut app = tokio::process::Command::new(&python)
        .arg(&script)
        .args([emulator.base_url(), "cli_python_ws", "python-ws-secret"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = app.stdout.take().ok_or("no stdout")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    // Connected, or the script ended (then it failed: it serves until killed).
    tokio::select! {
        () = emulator.wait_for_long_connections("cli_python_ws", 1) => {}
        status = app.wait() => {
            return Err(format!("long_connection_app.py ended before connecting: {status:?}").into());
        }
    }

    let card = r#"{"schema":"2.0","config":{"update_multi":true},"body":{"elements":[{"tag":"button","element_id":"approve","text":{"tag":"plain_text","content":"Approve"},"behaviors":[{"type":"callback","value":{"action":"approve"}}]}]}}"#;
    let id = emulator.send_card_as("cli_python_ws", "oc_python", card)?;
    let interaction = emulator
        .click(
            &id,
            Click::element("approve").by(Operator::new("ou_python_ws")),
        )
        .await?;
    assert_eq!(interaction.via, Some(Via::LongConnection));
    assert_eq!(interaction.code, 0, "{:?}", interaction.error);
    assert_eq!(interaction.status, Some(200));
    assert_eq!(
        interaction.toast,
        Some(serde_json::json!({ "type": "success", "content": "python ws saw approve" }))
    );
    assert!(interaction.card_applied);
    let content = emulator.message(&id).map(|m| m.content).unwrap_or_default();
    assert!(
        content.contains(&format!(
            "Python over the long connection: approve by ou_python_ws in {id}"
        )),
        "{content}"
    );

    // A user's message reaches the SDK's message handler, and is acknowledged.
    let pushed = emulator
        .push_user_message(
            "cli_python_ws",
            UserMessage::new("oc_python", "hi from a user"),
        )
        .await?;
    assert_eq!(pushed.answer_code, Some(200));
    // The SDK logs on stdout too: the script's own line is the one that starts `message: `.
    let line = loop {
        let line = lines
            .next_line()
            .await?
            .ok_or("the script's stdout ended")?;
        if line.starts_with("message: ") {
            break line;
        }
    };
    assert_eq!(line, r#"message: {"text":"hi from a user"}"#);
    Ok(())
}

/// A Python interpreter that can `import lark_oapi`, under the workspace's rule for programs
/// from outside Rust: `None` after its notice when there is none.
async fn python_with_lark_oapi() -> Option<PathBuf> {
    match python_with_lark_oapi_installed().await {
        Ok(python) => Some(python),
        Err(why) => {
            PYTHON_LARK_OAPI.missing("the cross-checks with Lark's Python SDK", &why.to_string());
            None
        }
    }
}

/// `python3` if it can `import lark_oapi`, else the Python of a virtual environment under the
/// target directory, with `lark-oapi` installed by pip.
async fn python_with_lark_oapi_installed() -> Result<PathBuf, Box<dyn std::error::Error>> {
    let can_import = |python: PathBuf| async move {
        tokio::process::Command::new(&python)
            .args(["-c", "import lark_oapi"])
            .output()
            .await
            .is_ok_and(|o| o.status.success())
            .then_some(python)
    };
    if let Some(python) = can_import(PathBuf::from("python3")).await {
        return Ok(python);
    }
    // The tests of this file run in parallel: one of them makes the virtual environment.
    static MAKING_VENV: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _making = MAKING_VENV.lock().await;
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lark-oapi-venv");
    let python = venv.join("bin").join("python");
    if let Some(python) = can_import(python.clone()).await {
        return Ok(python);
    }
    let run = |program: PathBuf, args: Vec<String>| async move {
        let output = tokio::process::Command::new(&program)
            .args(&args)
            .output()
            .await
            .map_err(|e| format!("cannot run {}: {e}: install Python 3", program.display()))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "`{} {}` failed:\n{}",
                program.display(),
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    };
    run(
        PathBuf::from("python3"),
        vec!["-m".into(), "venv".into(), venv.display().to_string()],
    )
    .await?;
    run(
        python.clone(),
        [
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "lark-oapi",
        ]
        .map(String::from)
        .to_vec(),
    )
    .await?;
    can_import(python.clone())
        .await
        .ok_or_else(|| "lark-oapi was installed but cannot be imported".into())
}

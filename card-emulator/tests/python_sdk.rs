//! Lark's official Python SDK (`lark-oapi`) against the emulator: `tests/python/update_card.py`
//! must pass. When `python3` has no `lark-oapi`, the test installs it into a virtual
//! environment of its own under the target directory (so `cargo test --workspace` works on a
//! fresh machine); it fails, with the reason, when Python or the install is not available.

use std::path::{Path, PathBuf};
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
    let python = python_with_lark_oapi().await?;
    let run = tokio::process::Command::new(&python)
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

/// A Python interpreter that can `import lark_oapi`: `python3` if it can, else one of a
/// virtual environment under the target directory, with `lark-oapi` installed by pip.
async fn python_with_lark_oapi() -> Result<PathBuf, Box<dyn std::error::Error>> {
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

//! `lark-card-emulator render CARD.json [-o OUT.html] [--png]`: the binary writes a self-contained
//! page of the card, and a PNG through the local Chromium. Without Chromium the PNG part
//! follows the workspace's one rule (`card_test_support`): a notice outside CI, a failure
//! under `CI=true`.

mod common;

use std::path::PathBuf;
use std::process::Command;

use card_test_support::CHROMIUM;
use common::TestResult;

fn scratch(name: &str) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!(
        "lark-card-emulator-render-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn corpus_card(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus/cards")
        .join(name)
}

#[test]
fn render_writes_a_page_and_a_png() -> TestResult {
    let dir = scratch("png")?;
    let html = dir.join("header.html");
    let chromium = CHROMIUM.require(
        lark_card_render::screenshot::find_chromium(),
        "the PNG of `lark-card-emulator render --png`",
    );
    let mut render = Command::new(env!("CARGO_BIN_EXE_lark-card-emulator"));
    render
        .arg("render")
        .arg(corpus_card("01-header-title-subtitle-tags.json"))
        .arg("-o")
        .arg(&html);
    if chromium.is_some() {
        render.arg("--png");
    }
    let output = render.output()?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = std::fs::read_to_string(&html)?;
    assert!(page.contains("卡片主标题"));
    assert!(page.contains("script-src 'none'"));
    assert!(!page.contains("<script"));
    // One line for the page, and one for the PNG when there is one.
    let stdout = String::from_utf8_lossy(&output.stdout);
    let written = if chromium.is_some() { 2 } else { 1 };
    assert_eq!(stdout.lines().count(), written, "{stdout}");
    if chromium.is_some() {
        let png = std::fs::read(dir.join("header.png"))?;
        assert_eq!(png.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]));
        assert!(png.len() > 1000, "{} bytes", png.len());
    }
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn render_refuses_what_is_not_json_and_warns_of_an_invalid_card() -> TestResult {
    let dir = scratch("bad")?;
    let not_json = dir.join("not.json");
    std::fs::write(&not_json, "{ nope")?;
    let output = Command::new(env!("CARGO_BIN_EXE_lark-card-emulator"))
        .arg("render")
        .arg(&not_json)
        .output()?;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not JSON"));

    let invalid = dir.join("invalid.json");
    std::fs::write(&invalid, r#"{"elements":[{"tag":"button"}]}"#)?;
    let output = Command::new(env!("CARGO_BIN_EXE_lark-card-emulator"))
        .arg("render")
        .arg(&invalid)
        .output()?;
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Lark would refuse this card"));
    assert!(dir.join("invalid.html").is_file());
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

//! Draws card JSON files as PNG pictures through a local Chromium (how the README's pictures
//! are made):
//!
//! ```text
//! cargo run -p lark-card-render --example screenshot -- [--dark] [--mobile] OUT_DIR CARD.json...
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lark_card_render::{Options, Theme, Width};

fn main() -> ExitCode {
    let mut options = Options::default();
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--dark" => options.theme = Theme::Dark,
            "--mobile" => options.width = Width::Mobile,
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let Some((out_dir, cards)) = paths.split_first() else {
        eprintln!("usage: screenshot [--dark] [--mobile] OUT_DIR CARD.json...");
        return ExitCode::from(2);
    };
    let width = lark_card_render::screenshot::window_width(&options);
    for card in cards {
        if let Err(message) = shoot(card, out_dir, &options, width) {
            eprintln!("{}: {message}", card.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn shoot(card: &Path, out_dir: &Path, options: &Options, width: u32) -> Result<(), String> {
    let text = std::fs::read_to_string(card).map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let stem = card.file_stem().and_then(|s| s.to_str()).unwrap_or("card");
    let html = out_dir.join(format!("{stem}.html"));
    let png = out_dir.join(format!("{stem}.png"));
    std::fs::write(&html, lark_card_render::page(&json, options)).map_err(|e| e.to_string())?;
    lark_card_render::screenshot::screenshot(&html, &png, width).map_err(|e| e.to_string())?;
    println!("{}", png.display());
    Ok(())
}

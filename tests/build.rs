//! Writes one test per card of the corpus (`corpus/cards/*.json`): the card's JSON pasted
//! verbatim into `card!`, as a user would paste it from the Lark docs.

use std::fmt::Write as _;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/cards");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut out = String::new();
    for path in &files {
        let text = std::fs::read_to_string(path)?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or("corpus file name is not UTF-8")?;
        let name: String = stem
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        writeln!(
            out,
            "#[test]\n#[allow(deprecated)] // `wide_screen_mode` is in some of the docs' cards\nfn card_{name}() {{\n    let card = ::card_core::card!({text});\n    \
             check_corpus_card({stem:?}, {path:?}, card.is_shared(), &card.to_content());\n}}\n",
            path = path.display().to_string(),
        )?;
    }
    writeln!(out, "const CORPUS_SIZE: usize = {};", files.len())?;
    let out_dir = std::env::var("OUT_DIR")?;
    std::fs::write(Path::new(&out_dir).join("corpus.rs"), out)?;
    Ok(())
}

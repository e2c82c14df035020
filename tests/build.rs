//! Writes one test per card of the corpus (`corpus/cards/*.json`): the card's JSON pasted
//! verbatim into `card!`, as a user would paste it from the Lark docs, and the same file read
//! by `include_card!`.

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
        let file = path
            .file_name()
            .and_then(|s| s.to_str())
            .ok_or("corpus file name is not UTF-8")?;
        let include = format!("::lark_card::include_card!(\"corpus/cards/{file}\")");
        // The same file through `include_card!`: the same typed value, and the same type
        // (`==` needs both `Card<Shared>` or both `Card<NoUpdateMulti>`). JSON whose escapes Rust
        // cannot tokenize goes through `include_card!` only.
        let body = if rust_can_tokenize(&text) {
            format!(
                "let card = ::lark_card::card!({text});\n    \
                 let from_file = {include};\n    \
                 assert!(from_file == card, \"{stem}: include_card! and card! differ\");\n    \
                 assert!(!card.checks_at_send() && !from_file.checks_at_send());"
            )
        } else {
            format!("let card = {include};")
        };
        writeln!(
            out,
            "#[test]\n#[allow(deprecated)] // `wide_screen_mode` is in some of the docs' cards\nfn card_{name}() {{\n    {body}\n    \
             check_corpus_card({stem:?}, {path:?}, card.is_shared(), &card.to_content());\n}}\n",
            path = path.display().to_string(),
        )?;
    }
    writeln!(out, "const CORPUS_SIZE: usize = {};", files.len())?;
    let out_dir = std::env::var("OUT_DIR")?;
    std::fs::write(Path::new(&out_dir).join("corpus.rs"), out)?;
    Ok(())
}

/// Whether JSON's string escapes are all Rust's too: JSON also has `\uXXXX`, `\b`, `\f` and
/// `\/`, which Rust's tokenizer refuses (it writes `\u{XXXX}`).
fn rust_can_tokenize(json: &str) -> bool {
    let mut chars = json.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.next(), Some('u' | 'b' | 'f' | '/')) {
            return false;
        }
    }
    true
}

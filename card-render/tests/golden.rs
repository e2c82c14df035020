//! Snapshot tests: the HTML of a set of cards, compared exactly with golden files under
//! `tests/golden/`. After a deliberate change of the look, regenerate them with
//! `UPDATE_GOLDEN=1 cargo test -p lark-card-render --test golden` and review the diff.

use std::error::Error;
use std::path::{Path, PathBuf};

use lark_card_render::{Options, Theme, Width};

type TestResult = Result<(), Box<dyn Error>>;

/// Corpus cards covering every kind of element, and the renderer's own hostile card.
const CASES: &[(&str, &str)] = &[
    ("corpus", "01-header-title-subtitle-tags"),
    ("corpus", "02-button-styles"),
    ("corpus", "04-div-lark-md-fields"),
    ("corpus", "06-multi-select-static-form"),
    ("corpus", "09-date-picker-action"),
    ("corpus", "12-input-form"),
    ("corpus", "13-checker"),
    ("corpus", "14-overflow-action"),
    ("corpus", "15-interactive-container"),
    ("corpus", "16-collapsible-panel"),
    ("corpus", "18-column-set-travel"),
    ("corpus", "19-person"),
    ("corpus", "22-note"),
    ("corpus", "23-markdown-syntax"),
    ("corpus", "24-markdown-href-custom-size"),
    ("corpus", "25-table"),
    ("corpus", "30-v2-column-set-report"),
    ("corpus", "44-chart-line"),
    ("corpus", "54-i18n-local-content"),
    ("corpus", "56-v2-markdown-audio-config"),
    ("corpus", "57-img-combination"),
    ("corpus", "60-v2-select-img-form"),
    ("corpus", "62-v2-person-list"),
    ("own", "hostile"),
];

fn card_path(source: &str, name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match source {
        "corpus" => root
            .join("../tests/corpus/cards")
            .join(format!("{name}.json")),
        _ => root.join("tests/cards").join(format!("{name}.json")),
    }
}

/// One line per tag boundary, so that a diff of a golden file reads element by element.
fn lines(html: &str) -> String {
    let mut out = html.replace("><", ">\n<");
    out.push('\n');
    out
}

fn check(name: &str, html: &str, failures: &mut Vec<String>) -> TestResult {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.html"));
    let actual = lines(html);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &actual)?;
        return Ok(());
    }
    match std::fs::read_to_string(&golden) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => {
            let first = expected
                .lines()
                .zip(actual.lines())
                .position(|(e, a)| e != a)
                .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
            failures.push(format!(
                "{name}: differs from {} at line {}:\n  expected: {}\n  actual:   {}",
                golden.display(),
                first + 1,
                expected.lines().nth(first).unwrap_or("<end>"),
                actual.lines().nth(first).unwrap_or("<end>"),
            ));
        }
        Err(error) => failures.push(format!("{name}: {}: {error}", golden.display())),
    }
    Ok(())
}

#[test]
fn cards_render_as_their_golden_files() -> TestResult {
    let mut failures = Vec::new();
    for (source, name) in CASES {
        let text = std::fs::read_to_string(card_path(source, name))?;
        let card: serde_json::Value = serde_json::from_str(&text)?;
        check(
            name,
            &lark_card_render::to_html(&card).into_string(),
            &mut failures,
        )?;
    }
    assert!(
        failures.is_empty(),
        "{} golden file(s) differ (UPDATE_GOLDEN=1 regenerates them):\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

#[test]
fn dark_and_mobile_render_as_their_golden_files() -> TestResult {
    let mut failures = Vec::new();
    let text = std::fs::read_to_string(card_path("corpus", "30-v2-column-set-report"))?;
    let card: serde_json::Value = serde_json::from_str(&text)?;
    for (suffix, theme, width) in [
        ("dark", Theme::Dark, Width::Desktop),
        ("mobile", Theme::Light, Width::Mobile),
    ] {
        let options = Options {
            theme,
            width,
            ..Options::default()
        };
        let html = lark_card_render::render(&card, &options).into_string();
        check(
            &format!("30-v2-column-set-report.{suffix}"),
            &html,
            &mut failures,
        )?;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}

/// The attribute names of every tag in `html` (text holds no `<`: it is escaped; attribute
/// values hold no `"`: it is escaped too).
fn tags_and_attribute_names(html: &str) -> Vec<(String, Vec<String>)> {
    html.split('<')
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag))
        .map(|tag| {
            let mut parts = tag.split('"').step_by(2);
            let head = parts.next().unwrap_or_default();
            let mut words = head.split_whitespace();
            let name = words.next().unwrap_or_default().to_owned();
            let mut names: Vec<String> = words.map(str::to_owned).collect();
            names.extend(parts.flat_map(|p| p.split_whitespace().map(str::to_owned)));
            let names = names
                .into_iter()
                .map(|n| n.trim_end_matches('=').to_owned())
                .filter(|n| !n.is_empty())
                .collect();
            (name, names)
        })
        .collect()
}

#[test]
fn hostile_text_stays_text() -> TestResult {
    let text = std::fs::read_to_string(card_path("own", "hostile"))?;
    let card: serde_json::Value = serde_json::from_str(&text)?;
    let html = lark_card_render::to_html(&card).into_string();
    for (tag, attributes) in tags_and_attribute_names(&html) {
        let tag = tag.trim_start_matches('/');
        assert!(
            ["div", "span", "p", "strong", "button"].contains(&tag),
            "element `{tag}` made from card text in {html}"
        );
        for attribute in attributes {
            assert!(
                [
                    "class",
                    "style",
                    "title",
                    "type",
                    "data-tag",
                    "data-schema",
                    "data-locale",
                    "data-lk-action"
                ]
                .contains(&attribute.as_str()),
                "attribute `{attribute}` on `{tag}` in {html}"
            );
        }
    }
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains("url("), "{html}");
    assert!(html.contains("&lt;script&gt;window.__pwned = 1&lt;/script&gt;Hostile"));
    assert!(html.contains("<strong>bold</strong>"));
    Ok(())
}

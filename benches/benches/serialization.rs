//! Serialization: a typed card to its `content` string (`Card::to_content`), side by side with
//! the same card as `serde_json::json!` and with a hand-written writer of the same bytes.
//!
//! Three realistic card JSON 2.0 cards (a CI pipeline report: header with tags, markdown,
//! a div with fields, one column set per job with a div and a button, buttons), built with
//! `card!` from runtime values: small (5 elements), medium (30), large (150, just under the
//! 30 KB update body limit). For each card, in one run:
//!
//! - `json!_build+serialize`: build the card as a `serde_json::Value` with `json!` and
//!   `serde_json::to_string` it, per iteration, as a user of `json!` does for every update;
//! - `json_serialize_only`: `serde_json::to_string` of a prebuilt `Value`;
//! - `to_content`: `Card::to_content` of the prebuilt typed card (it serializes into a buffer
//!   kept by the thread and copies the result out at its exact length: one allocation);
//! - `to_string_growing` and `two_pass_exact`: two other ways to write `to_content`, for
//!   comparison: `serde_json::to_string` (what it was: a 128-byte buffer that grows), and
//!   measuring the exact length with a counting writer, allocating once and serializing again;
//! - `hand_written`: `String::with_capacity(exact length)` and `push_str` of the same bytes,
//!   literal pieces as they are and only the runtime values escaped: the practical limit.
//!
//! Before measuring, each card is checked: `to_content` is byte-identical to the hand-written
//! output and to both alternatives, parses to the same JSON as the `json!` value, has the
//! stated number of elements, passes validation and fits the update body limit. Allocations
//! (allocations + reallocations) of one call of each line are counted and printed.
//!
//! ```sh
//! cargo bench -p card-benches --bench serialization                # full run (about 2 minutes)
//! cargo bench -p card-benches --bench serialization -- --quick     # quick run
//! BENCH_QUICK=1 cargo bench -p card-benches --bench serialization  # quick run
//! cargo test -p card-benches --benches                             # checks, one iteration each
//! ```

use std::alloc::System;
use std::hint::black_box;
use std::io;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use lark_card::model::{ButtonType, HeaderTemplate};
use lark_card::{card, escape_markdown, trusted_markdown, Card, MAX_UPDATE_BODY_BYTES};
use serde_json::{json, Value};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

// Counts allocations, deallocations and reallocations (no `unsafe` needed here: the crate
// forbids it). Every line of the bench runs under it.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations plus reallocations made while `f` runs. The counts are process-wide: no other
/// thread of this bench allocates meanwhile.
fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let region = Region::new(GLOBAL);
    let result = f();
    let change = region.change();
    (change.allocations + change.reallocations, result)
}

// ---------------------------------------------------------------------------------------
// The data: a CI pipeline, with as many job rows as the card size asks for.

struct Job {
    id: u32,
    name: String,
    stage: &'static str,
    runner: String,
    seconds: u32,
    passed: bool,
}

struct Pipeline {
    project: &'static str,
    number: u32,
    branch: String,
    commit: String,
    author: String,
    message: String,
    trigger: &'static str,
    seconds: u32,
    passed: u32,
    failed: u32,
    /// The job rows shown on the card.
    jobs: Vec<Job>,
}

fn duration(seconds: u32) -> String {
    format!("{}m {:02}s", seconds / 60, seconds % 60)
}

fn pipeline(rows: u32) -> Pipeline {
    const STAGES: [&str; 5] = ["构建 build", "test", "lint", "package", "deploy"];
    const TARGETS: [&str; 6] = [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
        "wasm32-unknown-unknown",
        "x86_64-unknown-linux-musl",
    ];
    let job = |i: u32| Job {
        id: 90_000 + i * 17,
        name: format!(
            "{} / {}",
            STAGES[(i % 5) as usize],
            TARGETS[(i % 6) as usize]
        ),
        stage: STAGES[(i % 5) as usize],
        runner: format!("runner-{:02}.ci.internal", i % 13),
        seconds: 37 + (i * 7919) % 1800,
        passed: i % 7 != 3,
    };
    const ALL_JOBS: u32 = 44;
    let failed = (0..ALL_JOBS).filter(|&i| !job(i).passed).count() as u32;
    Pipeline {
        project: "lark-card",
        number: 4821,
        branch: "feature/streaming-updates".to_string(),
        commit: "3f2a9c1e7b4d08a5c6e2f1d9b8a7c6e5d4f3a2b1".to_string(),
        author: "张三 (zhang.san)".to_string(),
        message: "Fix `update_multi` check for 1.0 cards\n\n\
                  Closes #412: cards with \"update_multi\": true were rejected by the updater."
            .to_string(),
        trigger: "push",
        seconds: 1934,
        passed: ALL_JOBS - failed,
        failed,
        jobs: (0..rows).map(job).collect(),
    }
}

/// The card, built with `card!` from the runtime values (markdown escaped by `card!` or by
/// `escape_markdown` where it is mixed with trusted markdown).
fn build_card(p: &Pipeline) -> Card {
    let (passed, failed) = (p.passed, p.failed);
    card!({
        "schema": "2.0",
        "config": {
            "width_mode": "fill",
            "summary": { "content": (format!("{} #{}: {passed} passed, {failed} failed", p.project, p.number)) }
        },
        "header": {
            "title": { "tag": "plain_text", "content": (format!("{} #{}", p.project, p.number)) },
            "subtitle": { "tag": "plain_text", "content": (format!("{} · {} · {}", p.branch, &p.commit[..7], p.author)) },
            "text_tag_list": [
                { "tag": "text_tag", "text": { "tag": "plain_text", "content": (format!("{passed} passed")) }, "color": "green" },
                { "tag": "text_tag", "text": { "tag": "plain_text", "content": (format!("{failed} failed")) }, "color": "red" }
            ],
            "template": (if failed == 0 { HeaderTemplate::Green } else { HeaderTemplate::Red }),
            "icon": { "tag": "standard_icon", "token": "larkcommunity_colorful" }
        },
        "body": { "elements": [
            { "tag": "markdown", "content": (&p.message) },
            { "tag": "div", "fields": [
                { "is_short": true, "text": { "tag": "lark_md", "content": (trusted_markdown(format!("**Branch**\n{}", escape_markdown(&p.branch)))) } },
                { "is_short": true, "text": { "tag": "lark_md", "content": (trusted_markdown(format!("**Author**\n{}", escape_markdown(&p.author)))) } },
                { "is_short": true, "text": { "tag": "lark_md", "content": (trusted_markdown(format!("**Duration**\n{}", duration(p.seconds)))) } },
                { "is_short": true, "text": { "tag": "lark_md", "content": (trusted_markdown(format!("**Trigger**\n{}", p.trigger))) } }
            ] },
            { "tag": "hr" },
            for job in &p.jobs {
                { "tag": "column_set", "flex_mode": "none", "horizontal_spacing": "8px", "margin": "4px 0px 0px 0px", "columns": [
                    { "tag": "column", "width": "weighted", "weight": 4, "vertical_align": "center", "elements": [
                        { "tag": "div",
                          "text": { "tag": "lark_md", "content": (trusted_markdown(format!(
                              "{} **{}**", if job.passed { "✅" } else { "❌" }, escape_markdown(&job.name)))) },
                          "fields": [
                              { "is_short": true, "text": { "tag": "lark_md", "content": (trusted_markdown(format!("**Stage**\n{}", escape_markdown(job.stage)))) } },
                              { "is_short": true, "text": { "tag": "plain_text", "content": (format!("{} on {}", duration(job.seconds), job.runner)) } }
                          ] }
                    ] },
                    { "tag": "column", "width": "auto", "vertical_align": "center", "elements": [
                        { "tag": "button",
                          "text": { "tag": "plain_text", "content": (if job.passed { "Logs" } else { "Retry" }) },
                          "type": (if job.passed { ButtonType::Default } else { ButtonType::Primary }),
                          "size": "small",
                          "hover_tips": { "tag": "plain_text", "content": (format!("Open the log of \"{}\"", job.name)) },
                          "behaviors": [ { "type": "open_url", "default_url": (format!("https://ci.example.com/{}/pipelines/{}/jobs/{}", p.project, p.number, job.id)) } ]
                        }
                    ] }
                ] }
            },
            { "tag": "button", "text": { "tag": "plain_text", "content": "Open pipeline" }, "type": "primary_filled",
              "behaviors": [ { "type": "open_url", "default_url": (format!("https://ci.example.com/{}/pipelines/{}", p.project, p.number)) } ] },
            { "tag": "button", "text": { "tag": "plain_text", "content": "Re-run failed jobs" }, "type": "danger", "disabled": (failed == 0),
              "behaviors": [ { "type": "callback", "value": { "action": "rerun_failed", "pipeline": (p.number) } } ] }
        ] }
    })
}

// ---------------------------------------------------------------------------------------
// The same card's runtime text, formatted (and markdown-escaped) once: the input of the
// `json!` line and of the hand-written writer, so that both measure building and writing
// JSON, not formatting.

struct JobText {
    title: String,
    stage: String,
    runs_on: String,
    passed: bool,
    hover: String,
    url: String,
}

struct CardText {
    summary: String,
    title: String,
    subtitle: String,
    passed: String,
    failed: String,
    template: &'static str,
    message: String,
    branch: String,
    author: String,
    duration: String,
    trigger: String,
    jobs: Vec<JobText>,
    url: String,
    rerun_disabled: bool,
    number: u32,
}

fn card_text(p: &Pipeline) -> CardText {
    CardText {
        summary: format!(
            "{} #{}: {} passed, {} failed",
            p.project, p.number, p.passed, p.failed
        ),
        title: format!("{} #{}", p.project, p.number),
        subtitle: format!("{} · {} · {}", p.branch, &p.commit[..7], p.author),
        passed: format!("{} passed", p.passed),
        failed: format!("{} failed", p.failed),
        template: if p.failed == 0 { "green" } else { "red" },
        message: escape_markdown(&p.message).into_owned(),
        branch: format!("**Branch**\n{}", escape_markdown(&p.branch)),
        author: format!("**Author**\n{}", escape_markdown(&p.author)),
        duration: format!("**Duration**\n{}", duration(p.seconds)),
        trigger: format!("**Trigger**\n{}", p.trigger),
        jobs: p
            .jobs
            .iter()
            .map(|job| JobText {
                title: format!(
                    "{} **{}**",
                    if job.passed { "✅" } else { "❌" },
                    escape_markdown(&job.name)
                ),
                stage: format!("**Stage**\n{}", escape_markdown(job.stage)),
                runs_on: format!("{} on {}", duration(job.seconds), job.runner),
                passed: job.passed,
                hover: format!("Open the log of \"{}\"", job.name),
                url: format!(
                    "https://ci.example.com/{}/pipelines/{}/jobs/{}",
                    p.project, p.number, job.id
                ),
            })
            .collect(),
        url: format!(
            "https://ci.example.com/{}/pipelines/{}",
            p.project, p.number
        ),
        rerun_disabled: p.failed == 0,
        number: p.number,
    }
}

/// The card as `json!` builds it. The element list is a `Vec` put in place as it is (`json!`
/// would clone a `Vec<Value>` given as a value).
fn build_json(t: &CardText) -> Value {
    let mut elements = Vec::with_capacity(t.jobs.len() + 5);
    elements.push(json!({ "tag": "markdown", "content": t.message }));
    elements.push(json!({ "tag": "div", "fields": [
        { "is_short": true, "text": { "tag": "lark_md", "content": t.branch } },
        { "is_short": true, "text": { "tag": "lark_md", "content": t.author } },
        { "is_short": true, "text": { "tag": "lark_md", "content": t.duration } },
        { "is_short": true, "text": { "tag": "lark_md", "content": t.trigger } }
    ] }));
    elements.push(json!({ "tag": "hr" }));
    elements.extend(t.jobs.iter().map(|job| {
        json!({ "tag": "column_set", "flex_mode": "none", "horizontal_spacing": "8px", "margin": "4px 0px 0px 0px", "columns": [
            { "tag": "column", "width": "weighted", "weight": 4, "vertical_align": "center", "elements": [
                { "tag": "div",
                  "text": { "tag": "lark_md", "content": job.title },
                  "fields": [
                      { "is_short": true, "text": { "tag": "lark_md", "content": job.stage } },
                      { "is_short": true, "text": { "tag": "plain_text", "content": job.runs_on } }
                  ] }
            ] },
            { "tag": "column", "width": "auto", "vertical_align": "center", "elements": [
                { "tag": "button",
                  "text": { "tag": "plain_text", "content": if job.passed { "Logs" } else { "Retry" } },
                  "type": if job.passed { "default" } else { "primary" },
                  "size": "small",
                  "hover_tips": { "tag": "plain_text", "content": job.hover },
                  "behaviors": [ { "type": "open_url", "default_url": job.url } ]
                }
            ] }
        ] })
    }));
    elements.push(json!({ "tag": "button", "text": { "tag": "plain_text", "content": "Open pipeline" }, "type": "primary_filled",
        "behaviors": [ { "type": "open_url", "default_url": t.url } ] }));
    elements.push(json!({ "tag": "button", "text": { "tag": "plain_text", "content": "Re-run failed jobs" }, "type": "danger",
        "disabled": t.rerun_disabled,
        "behaviors": [ { "type": "callback", "value": { "action": "rerun_failed", "pipeline": t.number } } ] }));
    let mut card = json!({
        "schema": "2.0",
        "config": { "width_mode": "fill", "summary": { "content": t.summary } },
        "header": {
            "title": { "tag": "plain_text", "content": t.title },
            "subtitle": { "tag": "plain_text", "content": t.subtitle },
            "text_tag_list": [
                { "tag": "text_tag", "text": { "tag": "plain_text", "content": t.passed }, "color": "green" },
                { "tag": "text_tag", "text": { "tag": "plain_text", "content": t.failed }, "color": "red" }
            ],
            "template": t.template,
            "icon": { "tag": "standard_icon", "token": "larkcommunity_colorful" }
        },
        "body": {}
    });
    card["body"]["elements"] = Value::Array(elements);
    card
}

// ---------------------------------------------------------------------------------------
// The hand-written writer: the exact bytes of `to_content`, literal pieces as they are and
// the runtime text JSON-escaped, into a `String` of exactly the right capacity (one pass to
// measure, one to write).

trait Out {
    fn lit(&mut self, s: &'static str);
    fn text(&mut self, s: &str);
    fn uint(&mut self, n: u32);
}

/// Measures the output.
struct Len(usize);

impl Out for Len {
    fn lit(&mut self, s: &'static str) {
        self.0 += s.len();
    }
    fn text(&mut self, s: &str) {
        self.0 += s.len();
        for &b in s.as_bytes() {
            match b {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => self.0 += 1,
                0..0x20 => self.0 += 5,
                _ => {}
            }
        }
    }
    fn uint(&mut self, n: u32) {
        self.0 += n.checked_ilog10().unwrap_or(0) as usize + 1;
    }
}

impl Out for String {
    fn lit(&mut self, s: &'static str) {
        self.push_str(s);
    }
    /// JSON string escaping as `serde_json` writes it.
    fn text(&mut self, s: &str) {
        let mut run = 0;
        for (i, b) in s.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..0x20 => "",
                _ => continue,
            };
            self.push_str(&s[run..i]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.push_str("\\u00");
                self.push(char::from(HEX[usize::from(b >> 4)]));
                self.push(char::from(HEX[usize::from(b & 0xf)]));
            } else {
                self.push_str(escape);
            }
            run = i + 1;
        }
        self.push_str(&s[run..]);
    }
    fn uint(&mut self, mut n: u32) {
        let mut digits = [0u8; 10];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in &digits[start..] {
            self.push(char::from(d));
        }
    }
}

fn write_card(o: &mut impl Out, t: &CardText) {
    o.lit(r#"{"schema":"2.0","config":{"width_mode":"fill","summary":{"content":""#);
    o.text(&t.summary);
    o.lit(r#""}},"header":{"title":{"tag":"plain_text","content":""#);
    o.text(&t.title);
    o.lit(r#""},"subtitle":{"tag":"plain_text","content":""#);
    o.text(&t.subtitle);
    o.lit(r#""},"text_tag_list":[{"tag":"text_tag","text":{"tag":"plain_text","content":""#);
    o.text(&t.passed);
    o.lit(r#""},"color":"green"},{"tag":"text_tag","text":{"tag":"plain_text","content":""#);
    o.text(&t.failed);
    o.lit(r#""},"color":"red"}],"template":""#);
    o.lit(t.template);
    o.lit(r#"","icon":{"tag":"standard_icon","token":"larkcommunity_colorful"}},"body":{"elements":[{"tag":"markdown","content":""#);
    o.text(&t.message);
    o.lit(r#""},{"tag":"div","fields":[{"is_short":true,"text":{"tag":"lark_md","content":""#);
    o.text(&t.branch);
    o.lit(r#""}},{"is_short":true,"text":{"tag":"lark_md","content":""#);
    o.text(&t.author);
    o.lit(r#""}},{"is_short":true,"text":{"tag":"lark_md","content":""#);
    o.text(&t.duration);
    o.lit(r#""}},{"is_short":true,"text":{"tag":"lark_md","content":""#);
    o.text(&t.trigger);
    o.lit(r#""}}]},{"tag":"hr"},"#);
    for job in &t.jobs {
        o.lit(r#"{"tag":"column_set","columns":[{"tag":"column","width":"weighted","weight":4,"vertical_align":"center","elements":[{"tag":"div","text":{"tag":"lark_md","content":""#);
        o.text(&job.title);
        o.lit(r#""},"fields":[{"is_short":true,"text":{"tag":"lark_md","content":""#);
        o.text(&job.stage);
        o.lit(r#""}},{"is_short":true,"text":{"tag":"plain_text","content":""#);
        o.text(&job.runs_on);
        o.lit(r#""}}]}]},{"tag":"column","width":"auto","vertical_align":"center","elements":[{"tag":"button","text":{"tag":"plain_text","content":""#);
        o.lit(if job.passed {
            r#"Logs"},"type":"default","#
        } else {
            r#"Retry"},"type":"primary","#
        });
        o.lit(r#""size":"small","hover_tips":{"tag":"plain_text","content":""#);
        o.text(&job.hover);
        o.lit(r#""},"behaviors":[{"type":"open_url","default_url":""#);
        o.text(&job.url);
        o.lit(
            r#""}]}]}],"flex_mode":"none","horizontal_spacing":"8px","margin":"4px 0px 0px 0px"},"#,
        );
    }
    o.lit(r#"{"tag":"button","text":{"tag":"plain_text","content":"Open pipeline"},"type":"primary_filled","behaviors":[{"type":"open_url","default_url":""#);
    o.text(&t.url);
    o.lit(r#""}]},{"tag":"button","text":{"tag":"plain_text","content":"Re-run failed jobs"},"type":"danger","disabled":"#);
    o.lit(if t.rerun_disabled { "true" } else { "false" });
    o.lit(r#","behaviors":[{"type":"callback","value":{"action":"rerun_failed","pipeline":"#);
    o.uint(t.number);
    o.lit("}}]}]}}");
}

fn hand_written(t: &CardText) -> String {
    let mut len = Len(0);
    write_card(&mut len, t);
    let mut out = String::with_capacity(len.0);
    write_card(&mut out, t);
    out
}

// ---------------------------------------------------------------------------------------
// The two ways of writing `to_content`, measured next to it.

/// `serde_json::to_string`: a 128-byte buffer that grows.
fn to_string_growing(card: &Card) -> String {
    serde_json::to_string(card.json()).unwrap_or_default()
}

/// Count the bytes with a writer that only counts, allocate exactly, serialize again.
fn two_pass_exact(card: &Card) -> String {
    struct Count(usize);
    impl io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
            self.0 += buf.len();
            Ok(())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    if serde_json::to_writer(&mut count, card.json()).is_err() {
        return String::new();
    }
    let mut out = Vec::with_capacity(count.0);
    if serde_json::to_writer(&mut out, card.json()).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------

struct Size {
    name: &'static str,
    rows: u32,
    elements: usize,
}

// The large card is as large as Lark takes: 24 rows are 199 elements as Lark counts them.
const SIZES: [Size; 3] = [
    Size {
        name: "small",
        rows: 0,
        elements: 7,
    },
    Size {
        name: "medium",
        rows: 5,
        elements: 47,
    },
    Size {
        name: "large",
        rows: 24,
        elements: 199,
    },
];

/// Elements as Lark counts them (the 200-element limit of card JSON 2.0, "200 个元素（如
/// `tag` 为 `plain_text` 的文本元素）或组件"): every element of every `elements` list, at any
/// depth, every column, and every `plain_text` text object of the body.
fn count_elements(value: &Value) -> usize {
    match value {
        Value::Object(map) => {
            let own_text = usize::from(map.get("tag") == Some(&Value::from("plain_text")));
            own_text
                + map
                    .iter()
                    .map(|(key, v)| match (key.as_str(), v) {
                        // The header's texts are not among the card's elements.
                        ("header", _) => 0,
                        ("elements" | "columns", Value::Array(items)) => {
                            items.len() + count_elements(v)
                        }
                        _ => count_elements(v),
                    })
                    .sum::<usize>()
        }
        Value::Array(items) => items.iter().map(count_elements).sum(),
        _ => 0,
    }
}

struct Fixture {
    size: &'static Size,
    card: Card,
    text: CardText,
    value: Value,
    content: String,
}

/// Builds a card and checks that every line produces the same JSON; prints its sizes and
/// the allocations of each line.
fn fixture(size: &'static Size) -> Fixture {
    let name = size.name;
    let p = pipeline(size.rows);
    let card = build_card(&p);
    let text = card_text(&p);
    let value = build_json(&text);
    let content = card.to_content();

    assert_eq!(
        hand_written(&text),
        content,
        "{name}: hand-written bytes differ"
    );
    assert_eq!(
        to_string_growing(&card),
        content,
        "{name}: serde_json::to_string"
    );
    assert_eq!(two_pass_exact(&card), content, "{name}: two-pass");
    let parsed: Value = serde_json::from_str(&content).expect("to_content is JSON");
    assert_eq!(parsed, value, "{name}: to_content and json! differ");
    let json_text = serde_json::to_string(&build_json(&text)).expect("json! serializes");
    let reparsed: Value = serde_json::from_str(&json_text).expect("json! is JSON");
    assert_eq!(reparsed, parsed, "{name}: json! text and to_content differ");
    assert_eq!(json_text.len(), content.len(), "{name}: json! text length");
    assert_eq!(count_elements(&value), size.elements, "{name}: elements");
    card.validate().expect("the card is valid");
    let body = card.update_body_size();
    assert!(
        body <= MAX_UPDATE_BODY_BYTES,
        "{name}: update body {body} bytes"
    );

    // One call each; `to_content` also as the first call on a new thread (its buffer is
    // per thread: made and grown there once).
    let (to_content_allocs, out) = allocations(|| card.to_content());
    assert_eq!(out, content);
    let first_on_thread = std::thread::scope(|s| {
        s.spawn(|| allocations(|| card.to_content()).0)
            .join()
            .expect("thread")
    });
    let (growing_allocs, _) = allocations(|| to_string_growing(&card));
    let (two_pass_allocs, _) = allocations(|| two_pass_exact(&card));
    let (hand_allocs, _) = allocations(|| hand_written(&text));
    let (json_allocs, _) = allocations(|| serde_json::to_string(&build_json(&text)));
    let (value_allocs, _) = allocations(|| serde_json::to_string(&value));
    println!(
        "{name}: {} elements, content {} bytes, update body {body} of {MAX_UPDATE_BODY_BYTES} bytes",
        size.elements,
        content.len()
    );
    println!(
        "{name}: allocations + reallocations in one call: to_content {to_content_allocs} \
         (result capacity {}; first call on a new thread {first_on_thread}), \
         to_string_growing {growing_allocs}, two_pass_exact {two_pass_allocs}, \
         hand_written {hand_allocs}, json!_build+serialize {json_allocs}, \
         json_serialize_only {value_allocs}",
        out.capacity()
    );
    Fixture {
        size,
        card,
        text,
        value,
        content,
    }
}

/// A card larger than the buffer `to_content` keeps between calls (64 KiB): still the same
/// bytes as `serde_json::to_string`, call after call.
fn check_oversized_card() {
    let text = "lorem ipsum dolor sit amet ".repeat(3000);
    let card: Card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (&text) }
    ] } });
    for _ in 0..2 {
        assert_eq!(card.to_content(), to_string_growing(&card));
    }
    let small = build_card(&pipeline(0));
    assert_eq!(small.to_content(), to_string_growing(&small));
}

fn bench(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group(format!("serialization/{}", f.size.name));
    group.throughput(Throughput::Bytes(f.content.len() as u64));
    group.bench_function("json!_build+serialize", |b| {
        b.iter(|| serde_json::to_string(&build_json(black_box(&f.text))))
    });
    group.bench_function("json_serialize_only", |b| {
        b.iter(|| serde_json::to_string(black_box(&f.value)))
    });
    group.bench_function("to_content", |b| b.iter(|| black_box(&f.card).to_content()));
    group.bench_function("to_string_growing", |b| {
        b.iter(|| to_string_growing(black_box(&f.card)))
    });
    group.bench_function("two_pass_exact", |b| {
        b.iter(|| two_pass_exact(black_box(&f.card)))
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| hand_written(black_box(&f.text)))
    });
    group.finish();
}

/// Quick mode (`--quick` or `BENCH_QUICK=1`): 0.1 s of warm-up and at most 0.4 s of
/// measurement per line. Otherwise 2 s of warm-up and 4 s of measurement per line.
fn criterion() -> Criterion {
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| v == "1" || v == "true")
        || std::env::args().any(|a| a == "--quick");
    let c = Criterion::default();
    let c = if quick {
        c.warm_up_time(Duration::from_millis(100))
            .measurement_time(Duration::from_millis(400))
            .sample_size(10)
    } else {
        c.warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(4))
    };
    c.configure_from_args()
}

fn main() {
    let fixtures: Vec<Fixture> = SIZES.iter().map(fixture).collect();
    check_oversized_card();
    let mut c = criterion();
    for f in &fixtures {
        bench(&mut c, f);
    }
    c.final_summary();
}

//! Runtime text interpolated into markdown renders literally; plain text is left alone;
//! trusted markdown is inserted as is.

use lark_card::{card, escape_markdown, trusted_markdown};
use serde_json::Value;

fn first_content(card: &lark_card::Card) -> String {
    let value: Value = serde_json::from_str(&card.to_content()).unwrap_or_default();
    value["body"]["elements"][0]["content"]
        .as_str()
        .or_else(|| value["body"]["elements"][0]["text"]["content"].as_str())
        .unwrap_or_default()
        .to_string()
}

const HOSTILE: &[&str] = &[
    "<at id=all></at>",
    "<at user_id=\"ou_123\"></at>",
    "[click](https://evil.example)",
    "**bold** _it_ ~~gone~~ `code`",
    "<font color='red'>alarm</font>",
    "# heading",
    "> quote",
    "- item",
    "1. item",
    ":OK: emoji",
    "![img](img_v2_key)",
    "a | table | row",
    "$x^2$",
    "<link url=\"https://evil.example\">x</link>",
];

#[test]
fn interpolated_markdown_content_cannot_mention_link_or_format() {
    for input in HOSTILE {
        let card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "content": (input) } ] } });
        let content = first_content(&card);
        assert_eq!(content, escape_markdown(input), "{input}");
        // What is left once entities are taken out is rendered as written: it must hold
        // nothing that starts a tag, a mention, a link, formatting, a table or an emoji, and
        // no line may start a heading, quote or list.
        let bare = without_entities(&content);
        for dangerous in ["<", "*", "_", "[", "`", "~", "|", "$", ":OK:", "://"] {
            assert!(!bare.contains(dangerous), "{input} -> {content}");
        }
        for line in bare.lines() {
            let start = line.trim_start();
            assert!(
                !start.starts_with(['#', '>', '-', '+']),
                "{input} -> {content}"
            );
            assert!(!start.starts_with("1."), "{input} -> {content}");
        }
    }
}

/// The text with its `&#NN;` entities removed: what is left is rendered as written.
fn without_entities(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("&#") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(';') {
            // A character that takes part in no syntax, so neighbours do not join up.
            out.push('\u{FFFC}');
            rest = &after[digits + 1..];
        } else {
            out.push_str("&#");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn interpolated_lark_md_text_is_escaped_too() {
    let name = "<at id=all></at>";
    let card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "div", "text": { "tag": "lark_md", "content": (name) } }
    ] } });
    assert_eq!(first_content(&card), "&#60;at id=all>&#60;/at>");
}

#[test]
fn plain_text_is_not_escaped_because_lark_shows_it_as_written() {
    let name = "<at id=all></at> **x**";
    let card = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "div", "text": { "tag": "plain_text", "content": (name) } }
    ] } });
    assert_eq!(first_content(&card), name);
}

#[test]
fn trusted_markdown_is_the_visible_opt_out() {
    let status = trusted_markdown("**<font color='green'>passed</font>**");
    let card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "content": (status) } ] } });
    assert_eq!(
        first_content(&card),
        "**<font color='green'>passed</font>**"
    );
}

#[test]
fn literal_markdown_written_in_the_card_is_kept_as_written() {
    let card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "content": "**bold** <at id=all></at>" } ] } });
    assert_eq!(first_content(&card), "**bold** <at id=all></at>");
}

#[test]
fn ordinary_text_is_unchanged() {
    for input in ["Deploy finished", "日本語のテキスト", "build 42 ok"] {
        let card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "content": (input) } ] } });
        assert_eq!(first_content(&card), *input);
    }
}

#[test]
fn markdown_format_keeps_the_literal_and_escapes_every_argument() {
    for input in HOSTILE {
        let line = lark_card::markdown!("**Requested by** {input} ({n:>3})", n = 7);
        // The spec applies first, then the escape: "  7" is escaped as a piece that may start
        // a line (its first space becomes `&#32;`), which renders the same.
        let expected = format!(
            "**Requested by** {} ({})",
            escape_markdown(input),
            escape_markdown("  7")
        );
        assert_eq!(line.as_str(), expected, "{input}");
        let card = card!({ "schema": "2.0", "body": { "elements": [ { "tag": "markdown", "content": (line.clone()) } ] } });
        assert_eq!(first_content(&card), expected);
    }
    // Each argument is evaluated once, in order.
    let mut calls = Vec::new();
    let mut next = |name: &'static str| {
        calls.push(name);
        name
    };
    let text = lark_card::markdown!("{1} {0} {1}", next("a"), next("b"));
    assert_eq!(text.as_str(), "b a b");
    assert_eq!(calls, ["a", "b"]);
}

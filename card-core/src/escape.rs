//! Escaping untrusted text for Lark/Feishu card Markdown: [`escape_markdown`].

use std::borrow::Cow;

/// Returns `text` changed so that it shows literally in Lark card Markdown:
/// `lark_md` text objects and the `markdown` component, in card JSON 1.0
/// and 2.0.
///
/// Markdown and Lark-tag characters become HTML numeric character
/// references (`*` becomes `&#42;`, `<` becomes `&#60;`, ...), following the
/// special-character table in the Feishu rich-text docs. Some characters are
/// escaped only at the start of a line. Every rule, with its source, is
/// below.
///
/// Letters, digits, CJK text, spaces and line breaks stay as they are, so
/// ordinary text stays readable and small. If nothing needs escaping, the
/// input is returned as [`Cow::Borrowed`] without allocating.
///
/// Escape only untrusted pieces, then join them with your own Markdown.
/// Escaping text twice shows the first escapes literally (`&#42;`).
///
/// # Examples
///
/// ```
/// use std::borrow::Cow;
/// use lark_card::escape_markdown;
///
/// // Mentions, links and formatting are neutralised.
/// assert_eq!(escape_markdown("<at id=all></at>"), "&#60;at id=all>&#60;/at>");
/// assert_eq!(escape_markdown("**hi**"), "&#42;&#42;hi&#42;&#42;");
/// assert_eq!(escape_markdown("[x](http://a)"), "&#91;x](http&#58;//a)");
/// assert_eq!(escape_markdown(":OK: ${secret}"), ":OK&#58; &#36;{secret}");
///
/// // Punctuation that starts nothing is left alone.
/// assert!(matches!(escape_markdown("Build #42: 3/4 passed - isn't it great!"), Cow::Borrowed(_)));
///
/// // Markers at the start of a line are neutralised; line breaks stay.
/// assert_eq!(escape_markdown("# title\n1. item"), "&#35; title\n1&#46; item");
///
/// // Plain text is borrowed, not copied.
/// assert!(matches!(escape_markdown("你好 world 42"), Cow::Borrowed(_)));
///
/// // Untrusted text goes between your own Markdown.
/// let name = "*evil* <at id=all></at>";
/// let content = format!("**Owner:** {}", escape_markdown(name));
/// assert!(!content.contains("<at"));
/// ```
///
/// # Why, and the sources
///
/// Card text can be rendered as Markdown in two places: `lark_md` text
/// objects (card JSON 1.0 and 2.0) and the `markdown` rich-text component
/// (a Markdown subset in 1.0, almost all of CommonMark plus some HTML-like
/// tags in 2.0). Runtime text such as user names, issue titles or chat input
/// must not be able to mention people (`<at id=all></at>`), add links,
/// formatting, headings, lists, quotes, code, tables, Lark tags (`<font>`,
/// `<text_tag>`, `<link>`, `<person>`, ...) or emoji shortcodes (`:OK:`).
///
/// [`escape_markdown`] does this with HTML numeric character references
/// (`&#NN;`). The Feishu rich-text documentation has a "特殊字符转义说明"
/// (special character escaping) table for exactly this purpose, and says the
/// general format is `&#实体编号;` (`&#number;`). Backslash escapes are not used
/// because Lark's Markdown does not remove the backslash everywhere.
///
/// Sources (Markdown mirror of the official docs in the GitHub repository
/// `wxkingstar/doc-hub-mcp`, under `feishu/001-开发指南/`):
///
/// * 2.0 rich text: `飞书卡片/卡片-JSON-构建卡片/卡片-JSON-2.0-版本组件/展示/富文本（Markdown）.md`,
///   <https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/rich-text>
/// * 1.0 rich text: `飞书卡片/卡片-JSON-构建卡片/卡片-JSON-1.0-版本组件/展示/富文本（Markdown）.md`,
///   <https://open.feishu.cn/document/feishu-cards/card-components/content-components/rich-text>
/// * legacy Markdown page, which covers both the `markdown` component and
///   `lark_md` text: `历史版本（不推荐）/消息卡片/消息卡片组件/内容组件/Markdown.md`,
///   <https://open.feishu.cn/document/common-capabilities/message-card/message-cards-content/using-markdown-tags>
///
/// # What is escaped
///
/// Only what can start Markdown or Lark syntax is escaped, so that a hostile string stays
/// inert and ordinary text (`Build #42: 3/4 passed - isn't it great!`) stays as it is and
/// small against the 30 KB limit. These characters are escaped wherever they appear:
///
/// | char | escape    | why                                        | source        |
/// |------|-----------|--------------------------------------------|---------------|
/// | `&`  | `&#38;`   | user text like `&lt;` stays literal        | added (`&#N;` rule) |
/// | `<`  | `&#60;`   | `<at>`, `<a>`, `<font>`, `<link>`, autolinks: every tag | doc table |
/// | `*`  | `&#42;`   | bold, italic, bullet lists, `***` rules    | doc table     |
/// | `_`  | `&#95;`   | bold, italic, `___` rules                  | doc table     |
/// | `~`  | `&#126;`  | strikethrough, `~~~` code fences           | doc says `&sim;`, see below |
/// | `` ` `` | `&#96;` | inline code, code fences                 | doc table     |
/// | `[`  | `&#91;`   | links, images, references                  | doc table     |
/// | `\`  | `&#92;`   | backslash escapes, hard line breaks        | doc table     |
/// | `\|` | `&#124;`  | 2.0 tables                                 | added (`&#N;` rule) |
/// | `$`  | `&#36;`   | `[x]($urlVal)` links, `${name}` variables, formulas | doc table |
///
/// Some characters are escaped only where they would start syntax:
///
/// | situation | escape | why |
/// |-----------|--------|-----|
/// | a line's first text is `#`, `>`, `-`, `+` or `=` | `&#35;`, `&#62;`, `&#45;`, `&#43;`, `&#61;` | headings, block quotes, bullet lists, `---` rules, setext headings |
/// | a line's first text is digits then `.` or `)` (`1.`, `1)`) | `&#46;`, `&#41;` | ordered lists |
/// | a line starts with a space or tab and has text after it | the first space becomes `&#32;`, a tab `&#9;` | indented code blocks, list nesting |
/// | `:` before `/` (`https://`) | `&#58;` | URL schemes |
/// | `:` that closes `:NAME:` (letters, digits, `_`, `+`, `-` since the last `:`, or since the start of the text, which may follow a `:` of its own) | `&#58;` | emoji shortcodes (`:OK:`) |
///
/// The rest need no escape, because the syntax they take part in cannot start without one of
/// the characters above: `]`, `(`, `)` and `!` make links and images only after `[`; `>`,
/// `"`, `'` and `/` matter only inside a tag, which cannot open without `<`; `#`, `>`, `-`, `+`
/// and `=` only at the start of a line. Letters, digits, CJK and other non-ASCII text, spaces in the
/// middle of a line and line breaks (`\n`, `\r`) stay as they are. A user's multi-line text
/// keeps its line breaks.
///
/// # Limits
///
/// * The docs spell the tilde escape `&sim;`. In HTML `&sim;` means `∼`
///   (U+223C), not `~` (U+007E), so this module uses the numeric `&#126;`,
///   as the docs' general `&#number;` rule allows.
/// * The docs do not say whether bare `www.` addresses or e-mail addresses
///   are auto-linked. Escaping `:` and `/` stops `scheme://` URLs from being
///   recognised; a bare `www.example.com` is left as it is (if it becomes a
///   link, the link text is still the user's literal text).
/// * In 2.0 a single `\n` is a CommonMark soft break, which the docs say some
///   renderers may not show as a new line. `escape_markdown` keeps `\n` as it is.
#[must_use]
pub fn escape_markdown(text: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut line = LineState::Start;
    // After a `:` on this line: whether every character since could be part of an emoji
    // shortcode name, and whether there was at least one. The text may be joined after a `:`
    // of the author's (`status:` + `OK:`), so its start counts as one.
    let mut shortcode: Option<bool> = Some(false);

    for (i, c) in text.char_indices() {
        let next = text[i + c.len_utf8()..].chars().next();
        let escape = match line {
            LineState::Start if c == ' ' || c == '\t' => {
                line = LineState::Indent;
                if rest_of_line_has_text(&text[i..]) {
                    Some(if c == ' ' { "&#32;" } else { "&#9;" })
                } else {
                    None
                }
            }
            LineState::Start | LineState::Indent => {
                if c == ' ' || c == '\t' {
                    None
                } else {
                    line = if c.is_ascii_digit() {
                        LineState::LeadingDigits
                    } else {
                        LineState::Text
                    };
                    match c {
                        '#' => Some("&#35;"),
                        '>' => Some("&#62;"),
                        '-' => Some("&#45;"),
                        '+' => Some("&#43;"),
                        '=' => Some("&#61;"),
                        _ => inline_escape(c, next, shortcode),
                    }
                }
            }
            LineState::LeadingDigits => {
                if !c.is_ascii_digit() {
                    line = LineState::Text;
                }
                match c {
                    '.' => Some("&#46;"),
                    ')' => Some("&#41;"),
                    _ => inline_escape(c, next, shortcode),
                }
            }
            LineState::Text => inline_escape(c, next, shortcode),
        };
        if c == '\n' || c == '\r' {
            line = LineState::Start;
        }
        shortcode = match c {
            ':' => Some(false),
            '\n' | '\r' => None,
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-') => {
                shortcode.map(|_| true)
            }
            _ => None,
        };

        match (escape, out.as_mut()) {
            (Some(entity), Some(buf)) => buf.push_str(entity),
            (Some(entity), None) => {
                let mut buf = String::with_capacity(text.len() + text.len() / 4 + 8);
                buf.push_str(&text[..i]);
                buf.push_str(entity);
                out = Some(buf);
            }
            (None, Some(buf)) => buf.push(c),
            (None, None) => {}
        }
    }

    match out {
        Some(buf) => Cow::Owned(buf),
        None => Cow::Borrowed(text),
    }
}

/// Where the scanner is within the current line.
#[derive(Clone, Copy)]
enum LineState {
    /// At column 0.
    Start,
    /// Inside the leading spaces/tabs of a line.
    Indent,
    /// Inside a run of digits that is the line's first text.
    LeadingDigits,
    /// Anywhere else.
    Text,
}

/// Whether the line that starts at `rest` has a character other than a
/// space or tab before its line break.
fn rest_of_line_has_text(rest: &str) -> bool {
    rest.chars()
        .take_while(|&c| c != '\n' && c != '\r')
        .any(|c| c != ' ' && c != '\t')
}

/// The escape of `c` inside a line, given the character after it and the shortcode state
/// (`Some(true)`: a `:` and then only shortcode-name characters since).
fn inline_escape(c: char, next: Option<char>, shortcode: Option<bool>) -> Option<&'static str> {
    match c {
        ':' if next == Some('/') || shortcode == Some(true) => Some("&#58;"),
        _ => always_escaped(c),
    }
}

/// The escape for characters that are escaped wherever they appear.
fn always_escaped(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "&#38;",
        '<' => "&#60;",
        '*' => "&#42;",
        '_' => "&#95;",
        '~' => "&#126;",
        '`' => "&#96;",
        '[' => "&#91;",
        '\\' => "&#92;",
        '|' => "&#124;",
        '$' => "&#36;",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::escape_markdown;
    use std::borrow::Cow;

    /// Every character escaped anywhere, with the exact escape expected.
    /// Kept separate from the implementation on purpose.
    const TABLE: &[(char, &str)] = &[
        ('&', "&#38;"),
        ('<', "&#60;"),
        ('*', "&#42;"),
        ('_', "&#95;"),
        ('~', "&#126;"),
        ('`', "&#96;"),
        ('[', "&#91;"),
        ('\\', "&#92;"),
        ('|', "&#124;"),
        ('$', "&#36;"),
    ];

    /// Sequences that must never appear in escaped output (with every escape replaced by a
    /// character that takes part in no syntax).
    const DANGEROUS: &[&str] = &[
        "<", "**", "__", "~~", "`", "[", "\\", ":OK:", "://", "${", "|",
    ];

    /// Replaces every `&#NNN;` reference with U+FFFC, which takes part in no syntax, leaving
    /// the raw text around them.
    fn strip_entities(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(pos) = rest.find("&#") {
            out.push_str(&rest[..pos]);
            let after = &rest[pos + 2..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && after[digits..].starts_with(';') {
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

    /// Whether `raw` holds an emoji shortcode `:NAME:`.
    fn has_shortcode(raw: &str) -> bool {
        raw.split(':')
            .skip(1)
            .collect::<Vec<_>>()
            .split_last()
            .is_some_and(|(_, names)| {
                names.iter().any(|name| {
                    !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
                })
            })
    }

    /// Decodes decimal numeric character references (all this module emits).
    fn decode(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(pos) = rest.find("&#") {
            out.push_str(&rest[..pos]);
            let after = &rest[pos + 2..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let ch = after[..digits]
                .parse::<u32>()
                .ok()
                .and_then(char::from_u32)
                .filter(|_| digits > 0 && after[digits..].starts_with(';'));
            match ch {
                Some(ch) => {
                    out.push(ch);
                    rest = &after[digits + 1..];
                }
                None => {
                    out.push_str("&#");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Checks the safety invariants of one escaped output.
    fn assert_safe(input: &str, escaped: &str) {
        let raw = strip_entities(escaped);
        for bad in DANGEROUS {
            assert!(
                !raw.contains(bad),
                "{bad:?} survived in {escaped:?} (input {input:?})"
            );
        }
        for &(c, _) in TABLE {
            assert!(
                !raw.contains(c),
                "raw {c:?} survived in {escaped:?} (input {input:?})"
            );
        }
        for line in escaped.split(['\n', '\r']) {
            // Only a whitespace-only line may start with whitespace.
            if line.starts_with([' ', '\t']) {
                assert!(
                    line.trim_matches([' ', '\t']).is_empty(),
                    "indented line {line:?} in {escaped:?}"
                );
            }
            // The first text after the (escaped) indentation must not be a
            // raw block marker.
            let text = line
                .strip_prefix("&#32;")
                .or_else(|| line.strip_prefix("&#9;"))
                .unwrap_or(line)
                .trim_start_matches([' ', '\t']);
            for marker in ['=', '#', '>', '-', '+'] {
                assert!(
                    !text.starts_with(marker),
                    "line starts with {marker} in {escaped:?}"
                );
            }
            let digits = text.bytes().take_while(u8::is_ascii_digit).count();
            assert!(
                !(digits > 0 && text[digits..].starts_with(['.', ')'])),
                "ordered-list marker in {escaped:?}"
            );
        }
        for line in raw.split(['\n', '\r']) {
            assert!(!has_shortcode(line), "emoji shortcode in {escaped:?}");
        }
        assert_eq!(decode(escaped), input, "round trip of {input:?}");
    }

    fn check(input: &str, expected: &str) {
        let escaped = escape_markdown(input);
        assert_eq!(escaped, expected, "escaping {input:?}");
        assert_safe(input, &escaped);
    }

    #[test]
    fn table_driven_every_special_char() {
        for &(c, entity) in TABLE {
            let alone = c.to_string();
            check(&alone, entity);
            let inside = format!("a{c}b");
            check(&inside, &format!("a{entity}b"));
            let twice = format!("x {c}{c} y");
            check(&twice, &format!("x {entity}{entity} y"));
        }
    }

    #[test]
    fn characters_that_start_syntax_only_in_context() {
        // (input, escaped) at the start of a line; the same text mid-line is unchanged.
        for (input, escaped) in [
            ("# h", "&#35; h"),
            ("- a", "&#45; a"),
            ("+ a", "&#43; a"),
            ("= a", "&#61; a"),
            ("1. a", "1&#46; a"),
            ("1) a", "1&#41; a"),
        ] {
            check(input, escaped);
            let inside = format!("x {input}");
            check(&inside, &inside);
        }
        check("http://x", "http&#58;//x");
        check("x a: /b", "x a: /b");
        check(":thumbs_up:", ":thumbs&#95;up&#58;");
        check("at 12:30:45", "at 12:30&#58;45");
        check("x note: see: this", "x note: see: this");
        // The text may be joined after the author's `:`.
        check("OK: done", "OK&#58; done");
    }

    #[test]
    fn ordinary_punctuation_is_left_alone() {
        for s in [
            "Build #42: 3/4 passed - isn't it great!",
            "\"quoted\" (in parens) 50% off, a+b=c, x/y, a-b",
            "the C: drive, ratio 3:2",
        ] {
            let escaped = escape_markdown(s);
            assert_safe(s, &escaped);
            assert!(
                matches!(escaped, Cow::Borrowed(_)),
                "{s:?} became {escaped:?}"
            );
        }
    }

    /// How much hostile and ordinary text grows: the 30 KB budget of a card is at stake.
    /// Printed for the record (`--nocapture`). Escaping every punctuation mark, as this module
    /// did before, grew the same sets 2.16x and 1.30x.
    #[test]
    fn escaping_grows_text_little() {
        const HOSTILE: &[&str] = &[
            "<at id=all></at>",
            "**urgent** [click here](https://evil.example/login?x=1) :OK: <font color='red'>!</font>",
            "# Title\n- item\n1. first\n> quote\n```\ncode\n```",
            "${secret} ![img](img_v2_x) <link url=\"https://x\">l</link> ~~gone~~ `x` | a | b |",
        ];
        const ORDINARY: &[&str] = &[
            "Deploy of api-gateway (v2.3.1) to prod: 12/14 checks passed, 2 skipped - ETA 5 min!",
            "Alice's review: \"looks good\"; merge when CI is green. Build #42, see ci/42",
            "构建完成：3/4 通过，耗时 12:30。",
        ];
        let growth = |set: &[&str]| {
            let before: usize = set.iter().map(|s| s.len()).sum();
            let after: usize = set.iter().map(|s| escape_markdown(s).len()).sum();
            after as f64 / before as f64
        };
        let (hostile, ordinary) = (growth(HOSTILE), growth(ORDINARY));
        println!("growth: hostile {hostile:.2}x, ordinary {ordinary:.2}x");
        assert!(hostile < 1.8, "hostile text grew {hostile:.2}x");
        assert!(ordinary < 1.05, "ordinary text grew {ordinary:.2}x");
    }

    #[test]
    fn at_all_cannot_survive() {
        check("<at id=all></at>", "&#60;at id=all>&#60;/at>");
        let out = escape_markdown("hi <at id=all></at> there");
        assert!(!out.contains("<at"));
        assert!(!out.contains("</at>"));
    }

    #[test]
    fn mention_by_open_id() {
        check("<at id=ou_xxx></at>", "&#60;at id=ou&#95;xxx>&#60;/at>");
    }

    #[test]
    fn mention_by_email() {
        check("<at email=a@b.com></at>", "&#60;at email=a@b.com>&#60;/at>");
    }

    #[test]
    fn markdown_link() {
        check(
            "[click](http://evil.example)",
            "&#91;click](http&#58;//evil.example)",
        );
    }

    #[test]
    fn image_syntax() {
        check("![alt](img_v2_x)", "!&#91;alt](img&#95;v2&#95;x)");
    }

    #[test]
    fn differentiated_link_variable() {
        check("[x]($urlVal)", "&#91;x](&#36;urlVal)");
    }

    #[test]
    fn bare_url() {
        check("https://a.b/c", "https&#58;//a.b/c");
    }

    #[test]
    fn html_anchor() {
        check(
            "<a href='https://x'>y</a>",
            "&#60;a href='https&#58;//x'>y&#60;/a>",
        );
    }

    #[test]
    fn bold_asterisks() {
        check("**bold**", "&#42;&#42;bold&#42;&#42;");
    }

    #[test]
    fn bold_underscores() {
        check("__bold__", "&#95;&#95;bold&#95;&#95;");
    }

    #[test]
    fn italic() {
        check("*it* _it_", "&#42;it&#42; &#95;it&#95;");
    }

    #[test]
    fn strikethrough() {
        check("~~gone~~", "&#126;&#126;gone&#126;&#126;");
    }

    #[test]
    fn inline_code() {
        check("`code`", "&#96;code&#96;");
    }

    #[test]
    fn code_fences() {
        check("```rust\nx\n```", "&#96;&#96;&#96;rust\nx\n&#96;&#96;&#96;");
        check("~~~\nx\n~~~", "&#126;&#126;&#126;\nx\n&#126;&#126;&#126;");
    }

    #[test]
    fn heading() {
        check("# h1\n###### h6", "&#35; h1\n&#35;##### h6");
    }

    #[test]
    fn setext_heading() {
        check("title\n===", "title\n&#61;==");
        check("title\n---", "title\n&#45;--");
        // `=` elsewhere is left alone.
        check("a=b", "a=b");
    }

    #[test]
    fn bullet_lists() {
        check("- a\n+ b\n* c", "&#45; a\n&#43; b\n&#42; c");
    }

    #[test]
    fn ordered_lists() {
        check("1. a\n23. b", "1&#46; a\n23&#46; b");
        check("1) a", "1&#41; a");
        // Not at the start of a line, or not digits: unchanged.
        check("v1.2 and 3.5", "v1.2 and 3.5");
        check("x\n3.14 is pi", "x\n3&#46;14 is pi");
    }

    #[test]
    fn block_quote() {
        check("> quoted", "&#62; quoted");
    }

    #[test]
    fn thematic_breaks() {
        check("***\n___\n---", "&#42;&#42;&#42;\n&#95;&#95;&#95;\n&#45;--");
    }

    #[test]
    fn table_pipes() {
        check(
            "| a | b |\n| --- | --- |",
            "&#124; a &#124; b &#124;\n&#124; --- &#124; --- &#124;",
        );
    }

    #[test]
    fn indented_code_block() {
        check("    code", "&#32;   code");
        check("\tcode", "&#9;code");
        check("a\n    b", "a\n&#32;   b");
        check("  - nested", "&#32; &#45; nested");
        check("   1. nested", "&#32;  1&#46; nested");
    }

    #[test]
    fn whitespace_only_lines_unchanged() {
        check("a\n   \nb", "a\n   \nb");
        check("  ", "  ");
    }

    #[test]
    fn newlines_preserved() {
        check(
            "line one\nline two\r\nline three\rfour",
            "line one\nline two\r\nline three\rfour",
        );
        check("a\n\nb", "a\n\nb");
    }

    #[test]
    fn hard_break_backslash() {
        check("end\\\nnext", "end&#92;\nnext");
    }

    #[test]
    fn lark_tags() {
        check(
            "<font color=red>x</font>",
            "&#60;font color=red>x&#60;/font>",
        );
        check(
            "<text_tag color='red'>t</text_tag>",
            "&#60;text&#95;tag color='red'>t&#60;/text&#95;tag>",
        );
        check(
            "<link url=\"u\">l</link>",
            "&#60;link url=\"u\">l&#60;/link>",
        );
        check(
            "<local_datetime></local_datetime>",
            "&#60;local&#95;datetime>&#60;/local&#95;datetime>",
        );
        check(
            "<person id='ou_1'></person>",
            "&#60;person id='ou&#95;1'>&#60;/person>",
        );
        check(
            "<number_tag>1</number_tag>",
            "&#60;number&#95;tag>1&#60;/number&#95;tag>",
        );
        check("<br>x<br/>", "&#60;br>x&#60;br/>");
        check("<hr>", "&#60;hr>");
        check("<raw>x</raw>", "&#60;raw>x&#60;/raw>");
    }

    #[test]
    fn emoji_shortcode() {
        check(":OK::THUMBSUP:", ":OK&#58;:THUMBSUP&#58;");
    }

    #[test]
    fn existing_entities_stay_literal() {
        check("&lt;at&gt;", "&#38;lt;at&#38;gt;");
        check("&#60;", "&#38;#60;");
    }

    #[test]
    fn plain_text_is_borrowed() {
        for s in [
            "",
            "hello world",
            "你好，世界",
            "Version 2 is 100% ok; a=b, x@y.z",
            "a.b\nc d",
        ] {
            assert!(matches!(escape_markdown(s), Cow::Borrowed(_)), "{s:?}");
        }
    }

    #[test]
    fn escaped_text_is_owned() {
        assert!(matches!(escape_markdown("a*b"), Cow::Owned(_)));
        assert!(matches!(escape_markdown("1. x"), Cow::Owned(_)));
        assert!(matches!(escape_markdown(" x"), Cow::Owned(_)));
    }

    #[test]
    fn non_ascii_untouched_around_escapes() {
        check("中文*强调*😀", "中文&#42;强调&#42;😀");
    }

    /// Tiny deterministic PRNG so the property test needs no dependencies.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            // n is small; the modulo bias does not matter here.
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }

    #[test]
    fn round_trip_property() {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "0",
            "1",
            "9",
            "12",
            ".",
            "=",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            "中",
            "文",
            "😀",
            "é",
            "@",
            "%",
            ";",
            "&",
            "&#",
            "&#60;",
            "&lt;",
            "&amp;",
            "<at id=all></at>",
            "](",
            "**",
            "__",
            "~~",
            ":OK:",
            "http://",
            "www.",
            "1.",
            "1)",
            "---",
            "===",
            "    ",
            "#",
            "> ",
            "- ",
            "+ ",
            "* ",
            "```",
            "|",
            "\\",
            "$",
            "'",
            "\"",
            "!",
            "[",
            "]",
            "(",
            ")",
            "~",
            "`",
            "_",
            "*",
            "-",
            "+",
            "/",
            ":",
            "<",
            ">",
        ];
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let len = rng.below(24);
            let mut s = String::new();
            for _ in 0..len {
                s.push_str(PIECES[rng.below(PIECES.len())]);
            }
            let escaped = escape_markdown(&s);
            assert_safe(&s, &escaped);
            if matches!(escaped, Cow::Borrowed(_)) {
                assert_eq!(escaped, s);
            }
        }
    }

    #[test]
    fn round_trip_every_ascii_char_and_position() {
        for b in 0u8..128 {
            let c = char::from(b);
            for s in [
                format!("{c}"),
                format!("x{c}"),
                format!("{c}x"),
                format!("\n{c}x"),
                format!(" {c}x"),
                format!("1{c}x"),
            ] {
                assert_safe(&s, &escape_markdown(&s));
            }
        }
    }
}

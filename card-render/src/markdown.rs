//! Lark's markdown (`lark_md` and the `markdown` component) as HTML.
//!
//! The CommonMark part (emphasis, strikethrough, links, lists, headings, code, quotes, tables)
//! is parsed by pulldown-cmark. Lark's own tags (`<at>`, `<font color>`, `<text_tag>`,
//! `<link>`, `<a>`, `<br>`, `<audio>`, `<person>`, `<local_datetime>`) are not HTML to us: they
//! are found in the source first, parsed here into known elements, and replaced by
//! placeholders that pulldown-cmark sees as plain text. Any other HTML in the source reaches
//! the page as text, escaped like everything else (maud escapes every string it is given).
//!
//! Lark also turns a single newline into a line break, and `:CODE:` into one of its emoji.

use maud::{html, Markup};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::Value;

use crate::style::{self, safe_url};

/// Marks the start and end of a placeholder for a Lark tag in the text given to pulldown-cmark.
/// Private-use characters: they never mean anything in card text, and any found in the input
/// are replaced before placeholders are inserted, so content cannot forge one.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Lark's tags that have content and a closing tag.
const CONTAINER_TAGS: &[&str] = &[
    "font",
    "at",
    "text_tag",
    "link",
    "a",
    "person",
    "local_datetime",
    "number_tag",
];
/// Lark's tags that stand alone.
const VOID_TAGS: &[&str] = &["br", "audio"];

/// A Lark tag found in the source.
#[derive(Debug, Clone)]
struct LarkTag {
    /// The tag as written, shown as-is inside code.
    raw: String,
    name: String,
    closing: bool,
    attrs: Vec<(String, String)>,
}

impl LarkTag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Parses a tag at the start of `source` (which begins with `<`): its length and the tag, if
/// it is one of Lark's.
fn parse_tag(source: &str) -> Option<(usize, LarkTag)> {
    let bytes = source.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        i += 1;
    }
    let name = source.get(name_start..i)?.to_ascii_lowercase();
    if !CONTAINER_TAGS.contains(&name.as_str()) && !VOID_TAGS.contains(&name.as_str()) {
        return None;
    }
    let mut attrs = Vec::new();
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => {
                i += 1;
                break;
            }
            b'/' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                break;
            }
            b'<' | b'\n' => return None,
            _ => {}
        }
        let key_start = i;
        while bytes
            .get(i)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'<'))
        {
            i += 1;
        }
        let key = source.get(key_start..i)?.to_ascii_lowercase();
        if key.is_empty() {
            return None;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            match bytes.get(i)? {
                quote @ (b'\'' | b'"') => {
                    let end = source.get(i + 1..)?.find(*quote as char)? + i + 1;
                    value = source.get(i + 1..end)?.to_owned();
                    i = end + 1;
                }
                _ => {
                    let start = i;
                    while bytes
                        .get(i)
                        .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                    {
                        i += 1;
                    }
                    value = source.get(start..i)?.to_owned();
                }
            }
        }
        attrs.push((key, value));
    }
    Some((
        i,
        LarkTag {
            raw: source.get(..i)?.to_owned(),
            name,
            closing,
            attrs,
        },
    ))
}

/// The source with Lark's tags replaced by placeholders, and the tags.
fn extract_tags(source: &str) -> (String, Vec<LarkTag>) {
    let source: String = source
        .chars()
        .map(|c| {
            if c == OPEN || c == CLOSE {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    let mut out = String::with_capacity(source.len());
    let mut tags = Vec::new();
    let mut rest = source.as_str();
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match parse_tag(rest) {
            Some((len, tag)) => {
                out.push(OPEN);
                out.push_str(&tags.len().to_string());
                out.push(CLOSE);
                tags.push(tag);
                rest = &rest[len..];
            }
            None => {
                out.push('<');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    (out, tags)
}

/// A piece of text split at placeholders.
enum Piece<'a> {
    Text(&'a str),
    Tag(&'a LarkTag),
}

fn pieces<'a>(text: &'a str, tags: &'a [LarkTag]) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else { break };
        let tag = after[..end].parse::<usize>().ok().and_then(|n| tags.get(n));
        match tag {
            Some(tag) => {
                if start > 0 {
                    out.push(Piece::Text(&rest[..start]));
                }
                out.push(Piece::Tag(tag));
            }
            None => out.push(Piece::Text(&rest[..start + OPEN.len_utf8() + end])),
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Text with placeholders put back as the tags were written (for code).
fn restore(text: &str, tags: &[LarkTag]) -> String {
    pieces(text, tags)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_owned(),
            Piece::Tag(tag) => tag.raw.clone(),
        })
        .collect()
}

/// An element of the rendered tree.
#[derive(Debug)]
enum Kind {
    Root,
    Paragraph,
    Heading(u8),
    BlockQuote,
    CodeBlock(Option<String>),
    List(Option<u64>),
    Item,
    Emphasis,
    Strong,
    Strike,
    Link(Option<String>),
    Image(String),
    Table,
    TableHead,
    TableRow,
    TableCell,
    /// A Lark tag; its name says which closing tag ends it.
    Lark(&'static str, LarkKind),
    /// Something we keep the content of but draw no element for.
    Plain,
}

#[derive(Debug)]
enum LarkKind {
    Font(Option<&'static str>),
    At(String),
    TextTag(&'static str),
    Link(Option<String>, Option<String>),
    Person(String),
    DateTime,
    NumberTag,
}

#[derive(Debug)]
enum Node {
    Text(String),
    Code(String),
    Break,
    Rule,
    Emoji(String),
    Check(bool),
    Audio(String),
    Element(Kind, Vec<Node>),
}

/// Builds the tree from events; unclosed Lark tags close with the markdown element they are in.
struct Builder {
    stack: Vec<(Kind, Vec<Node>)>,
}

impl Builder {
    fn push(&mut self, node: Node) {
        if let Some((_, children)) = self.stack.last_mut() {
            children.push(node);
        }
    }

    fn open(&mut self, kind: Kind) {
        self.stack.push((kind, Vec::new()));
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            if let Some((kind, children)) = self.stack.pop() {
                self.push(Node::Element(kind, children));
            }
        }
    }

    /// Ends the innermost markdown element, and the Lark tags left open inside it.
    fn close_markdown(&mut self) {
        while matches!(self.stack.last(), Some((Kind::Lark(..), _))) {
            self.pop();
        }
        self.pop();
    }

    /// Ends the innermost open Lark tag of this name, if it is open inside the current
    /// markdown element.
    fn close_lark(&mut self, name: &str) {
        let found = self
            .stack
            .iter()
            .rev()
            .take_while(|(kind, _)| matches!(kind, Kind::Lark(..)))
            .position(|(kind, _)| matches!(kind, Kind::Lark(n, _) if *n == name));
        if let Some(depth) = found {
            for _ in 0..=depth {
                self.pop();
            }
        }
    }

    fn text(&mut self, text: &str) {
        for piece in split_emoji(text) {
            self.push(piece);
        }
    }

    fn finish(mut self) -> Vec<Node> {
        while self.stack.len() > 1 {
            self.pop();
        }
        self.stack.pop().map(|(_, nodes)| nodes).unwrap_or_default()
    }
}

/// `:CODE:` emoji codes in text, as Lark writes them (a letter first, so times such as
/// `12:30:45` stay text).
fn split_emoji(text: &str) -> Vec<Node> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(':') {
        let after = &rest[start + 1..];
        let code_len = after
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let is_code = code_len > 0
            && after.as_bytes().get(code_len) == Some(&b':')
            && after
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_alphabetic);
        if is_code {
            plain.push_str(&rest[..start]);
            if !plain.is_empty() {
                out.push(Node::Text(std::mem::take(&mut plain)));
            }
            out.push(Node::Emoji(after[..code_len].to_owned()));
            rest = &after[code_len + 1..];
        } else {
            plain.push_str(&rest[..=start]);
            rest = after;
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Node::Text(plain));
    }
    out
}

/// Where `[text]($name)` links point: the `href` map of the markdown element.
fn resolve_href(dest: &str, hrefs: Option<&Value>) -> Option<String> {
    let target = match dest.strip_prefix('$') {
        Some(name) => {
            let entry = hrefs?.get(name)?;
            entry
                .get("pc_url")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .or_else(|| entry.get("url").and_then(Value::as_str))?
        }
        None => dest,
    };
    safe_url(target)
}

fn lark_open(builder: &mut Builder, tag: &LarkTag, hrefs: Option<&Value>) {
    let url = |tag: &LarkTag| {
        ["pc_url", "url", "href"]
            .iter()
            .filter_map(|key| tag.attr(key))
            .find(|url| !url.is_empty())
            .and_then(|url| resolve_href(url, hrefs))
    };
    let (name, kind) = match tag.name.as_str() {
        "br" => return builder.push(Node::Break),
        "audio" => {
            return builder.push(Node::Audio(
                tag.attr("file_key").unwrap_or_default().to_owned(),
            ))
        }
        "font" => (
            "font",
            LarkKind::Font(tag.attr("color").and_then(style::text_color)),
        ),
        "at" => {
            let id = ["id", "user_id", "open_id", "email"]
                .iter()
                .find_map(|key| tag.attr(key))
                .unwrap_or_default();
            ("at", LarkKind::At(id.to_owned()))
        }
        "text_tag" => (
            "text_tag",
            LarkKind::TextTag(
                tag.attr("color")
                    .and_then(style::tag_color)
                    .unwrap_or("neutral"),
            ),
        ),
        "link" => (
            "link",
            LarkKind::Link(url(tag), tag.attr("icon").map(str::to_owned)),
        ),
        "a" => ("a", LarkKind::Link(url(tag), None)),
        "person" => (
            "person",
            LarkKind::Person(tag.attr("id").unwrap_or_default().to_owned()),
        ),
        "local_datetime" => ("local_datetime", LarkKind::DateTime),
        "number_tag" => ("number_tag", LarkKind::NumberTag),
        _ => return,
    };
    builder.open(Kind::Lark(name, kind));
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Parses Lark markdown into the tree.
fn parse(source: &str, hrefs: Option<&Value>) -> Vec<Node> {
    let (prepared, tags) = extract_tags(source);
    let options =
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    let mut builder = Builder {
        stack: vec![(Kind::Root, Vec::new())],
    };
    let mut in_code_block = false;
    for event in Parser::new_ext(&prepared, options) {
        match event {
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Paragraph => Kind::Paragraph,
                    Tag::Heading { level, .. } => Kind::Heading(heading_level(level)),
                    Tag::BlockQuote(_) => Kind::BlockQuote,
                    Tag::CodeBlock(kind) => {
                        in_code_block = true;
                        Kind::CodeBlock(match kind {
                            CodeBlockKind::Fenced(lang) if !lang.is_empty() => {
                                Some(lang.to_string())
                            }
                            _ => None,
                        })
                    }
                    Tag::List(start) => Kind::List(start),
                    Tag::Item => Kind::Item,
                    Tag::Emphasis => Kind::Emphasis,
                    Tag::Strong => Kind::Strong,
                    Tag::Strikethrough => Kind::Strike,
                    Tag::Link { dest_url, .. } => {
                        Kind::Link(resolve_href(&restore(&dest_url, &tags), hrefs))
                    }
                    Tag::Image { dest_url, .. } => Kind::Image(restore(&dest_url, &tags)),
                    Tag::Table(_) => Kind::Table,
                    Tag::TableHead => Kind::TableHead,
                    Tag::TableRow => Kind::TableRow,
                    Tag::TableCell => Kind::TableCell,
                    _ => Kind::Plain,
                };
                builder.open(kind);
            }
            Event::End(end) => {
                if end == TagEnd::CodeBlock {
                    in_code_block = false;
                }
                builder.close_markdown();
            }
            Event::Text(text) if in_code_block => builder.push(Node::Text(restore(&text, &tags))),
            Event::Text(text) => {
                for piece in pieces(&text, &tags) {
                    match piece {
                        Piece::Text(text) => builder.text(text),
                        Piece::Tag(tag) if tag.closing => builder.close_lark(&tag.name),
                        Piece::Tag(tag) => lark_open(&mut builder, tag, hrefs),
                    }
                }
            }
            Event::Code(code) => builder.push(Node::Code(restore(&code, &tags))),
            // HTML that is not one of Lark's tags is shown as the text it is.
            Event::Html(html) | Event::InlineHtml(html) => {
                builder.push(Node::Text(restore(&html, &tags)));
            }
            Event::SoftBreak | Event::HardBreak => builder.push(Node::Break),
            Event::Rule => builder.push(Node::Rule),
            Event::TaskListMarker(checked) => builder.push(Node::Check(checked)),
            Event::FootnoteReference(text) | Event::InlineMath(text) | Event::DisplayMath(text) => {
                builder.push(Node::Text(restore(&text, &tags)))
            }
        }
    }
    builder.finish()
}

fn render_nodes(nodes: &[Node]) -> Markup {
    html! { @for node in nodes { (render_node(node)) } }
}

fn render_node(node: &Node) -> Markup {
    match node {
        Node::Text(text) => html! { (text) },
        Node::Code(code) => html! { code.lk-code { (code) } },
        Node::Break => html! { br; },
        Node::Rule => html! { hr.lk-md-hr; },
        Node::Check(checked) => html! { input type="checkbox" disabled checked[*checked]; },
        Node::Audio(key) => html! {
            span.lk-audio.lk-placeholder title=(key) { "▶ audio · " (key) }
        },
        Node::Emoji(code) => match style::emoji(code) {
            Some(glyph) => html! { span.lk-emoji title=(format!(":{code}:")) { (glyph) } },
            None => html! { span.lk-emoji.lk-emoji-unknown title=(format!(":{code}:")) { (code) } },
        },
        Node::Element(kind, children) => render_element(kind, children),
    }
}

fn render_element(kind: &Kind, children: &[Node]) -> Markup {
    let inner = render_nodes(children);
    match kind {
        Kind::Root | Kind::Plain => inner,
        Kind::Paragraph => html! { p { (inner) } },
        Kind::Heading(level) => match level {
            1 => html! { h1 { (inner) } },
            2 => html! { h2 { (inner) } },
            3 => html! { h3 { (inner) } },
            4 => html! { h4 { (inner) } },
            5 => html! { h5 { (inner) } },
            _ => html! { h6 { (inner) } },
        },
        Kind::BlockQuote => html! { blockquote { (inner) } },
        Kind::CodeBlock(lang) => html! {
            pre.lk-pre data-lang=[lang] { code { (inner) } }
        },
        Kind::List(None) => html! { ul { (inner) } },
        Kind::List(Some(start)) => html! {
            ol start=[(*start != 1).then_some(*start)] { (inner) }
        },
        Kind::Item => html! { li { (inner) } },
        Kind::Emphasis => html! { em { (inner) } },
        Kind::Strong => html! { strong { (inner) } },
        Kind::Strike => html! { del { (inner) } },
        Kind::Link(Some(href)) => html! {
            a.lk-link href=(href) target="_blank" rel="noopener noreferrer" { (inner) }
        },
        Kind::Link(None) => html! { span.lk-link.lk-link-off { (inner) } },
        Kind::Image(key) => html! {
            span.lk-img.lk-placeholder.lk-md-img title=(key) { "image · " (key) }
        },
        Kind::Table => html! { div.lk-md-table { table { (inner) } } },
        Kind::TableHead => html! { thead { tr { (inner) } } },
        Kind::TableRow => html! { tr { (inner) } },
        Kind::TableCell => html! { td { (inner) } },
        Kind::Lark(_, lark) => match lark {
            LarkKind::Font(Some(color)) => {
                html! { span class=(format!("lk-c-{color}")) { (inner) } }
            }
            LarkKind::Font(None) | LarkKind::DateTime | LarkKind::NumberTag => {
                html! { span { (inner) } }
            }
            LarkKind::At(id) => {
                let label = if id == "all" {
                    "所有人".to_owned()
                } else {
                    id.clone()
                };
                html! {
                    span.lk-at data-user-id=(id) {
                        "@" @if children.is_empty() { (label) } @else { (inner) }
                    }
                }
            }
            LarkKind::TextTag(color) => html! {
                span class=(format!("lk-tag lk-tag-{color}")) { (inner) }
            },
            LarkKind::Link(href, icon) => html! {
                @if let Some(href) = href {
                    a.lk-link href=(href) target="_blank" rel="noopener noreferrer" {
                        @if let Some(icon) = icon { (style::icon_glyph(icon)) }
                        (inner)
                    }
                } @else {
                    span.lk-link.lk-link-off { (inner) }
                }
            },
            LarkKind::Person(id) => html! {
                span.lk-person.lk-person-inline data-user-id=(id) {
                    span.lk-avatar { (style::initials(id)) } (id)
                }
            },
        },
    }
}

/// Renders Lark markdown; `hrefs` is the element's `href` map for `[text]($name)` links.
pub(crate) fn render(source: &str, hrefs: Option<&Value>) -> Markup {
    render_nodes(&parse(source, hrefs))
}

/// Renders Lark markdown inside a line (a button, a table cell): a single paragraph loses its
/// `<p>`.
pub(crate) fn render_inline(source: &str, hrefs: Option<&Value>) -> Markup {
    match parse(source, hrefs).as_slice() {
        [Node::Element(Kind::Paragraph, children)] => render_nodes(children),
        nodes => render_nodes(nodes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(source: &str) -> String {
        render(source, None).into_string()
    }

    #[test]
    fn lark_tags_become_elements() {
        assert_eq!(
            md("<font color='red'>hot</font>"),
            r#"<p><span class="lk-c-red">hot</span></p>"#
        );
        assert_eq!(
            md("<at id=all></at> hi"),
            r#"<p><span class="lk-at" data-user-id="all">@所有人</span> hi</p>"#
        );
        assert_eq!(
            md("<text_tag color='blue'>tag</text_tag>"),
            r#"<p><span class="lk-tag lk-tag-blue">tag</span></p>"#
        );
    }

    #[test]
    fn other_html_is_text() {
        let out = md("<script>alert(1)</script><img src=x onerror=alert(1)>");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    #[test]
    fn links_keep_only_safe_schemes() {
        assert!(md("[x](javascript:alert(1))").contains("lk-link-off"));
        assert!(md("[x](https://example.com)").contains(r#"href="https://example.com""#));
    }

    #[test]
    fn newline_is_a_break_and_emoji_codes_are_drawn() {
        assert_eq!(md("a\nb"), "<p>a<br>b</p>");
        assert!(md(":OK: at 12:30:45").contains("👌"));
        assert!(md("at 12:30:45").ends_with("at 12:30:45</p>"));
    }

    #[test]
    fn tags_inside_code_stay_as_written() {
        assert_eq!(
            md("`<font color='red'>x</font>`"),
            "<p><code class=\"lk-code\">&lt;font color='red'&gt;x&lt;/font&gt;</code></p>"
        );
    }

    #[test]
    fn placeholders_cannot_be_forged() {
        let out = md("\u{E000}0\u{E001}<br>");
        assert!(out.contains('\u{FFFD}'), "{out}");
    }
}

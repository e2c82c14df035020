//! Lark (Feishu) message cards, card JSON 1.0 and 2.0, drawn as HTML the way Lark draws them:
//! the header with its template colour, subtitle, tags and icon; markdown with Lark's syntax;
//! columns, forms, panels, tables with pages, every control; images, charts and audio as
//! labelled placeholders (nothing is fetched). Light and dark, desktop and mobile widths.
//!
//! It renders from card JSON (a [`serde_json::Value`], such as the content the emulator
//! stores or `Card::to_content` produces), so every card is drawn by one renderer.
//!
//! Card text is never code: the HTML is built with maud, which escapes every string it is
//! given, and Lark's own markdown tags are parsed into known elements rather than passed
//! through. Links keep only web, mail and Lark schemes; styles only take Lark's names and
//! pixel sizes. The output contains no script.
//!
//! ```
//! let card = serde_json::json!({
//!     "header": { "title": { "tag": "plain_text", "content": "Deploy <b>v2</b>" }, "template": "green" },
//!     "elements": [ { "tag": "markdown", "content": "**done** <script>alert(1)</script>" } ]
//! });
//! let html = lark_card_render::to_html(&card).into_string();
//! assert!(html.contains("Deploy &lt;b&gt;v2&lt;/b&gt;"));
//! assert!(html.contains("<strong>done</strong>"));
//! assert!(!html.contains("<script"));
//! ```

/// The README's example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod elements;
mod markdown;
pub mod screenshot;
mod style;

use std::cell::Cell;

use lark_card_schema::Version;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::Value;

use elements::{str_of, Ctx};

pub use maud;

/// Light or dark, as Lark's clients draw cards in each appearance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// White card, dark text.
    #[default]
    Light,
    /// Dark card, light text.
    Dark,
}

/// The width the card is drawn at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Width {
    /// Lark's desktop client: 600 px (400 px for `"width_mode": "compact"`, the window for
    /// `"fill"`).
    #[default]
    Desktop,
    /// A phone: 360 px; `stretch` column sets stack their columns.
    Mobile,
}

/// How to draw a card.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Light or dark.
    pub theme: Theme,
    /// Desktop or mobile width.
    pub width: Width,
    /// The locale of `i18n_elements`, `i18n_header` and `i18n_content` to show; by default
    /// `zh_cn`, else `en_us`, else the first the card has.
    pub locale: Option<String>,
    /// Prefix of the ids made for this card (table pagers), so several cards on one page keep
    /// apart; by default `lk`.
    pub id_prefix: Option<String>,
}

/// Draws a card with the default options (light, desktop).
///
/// Anything that is not a card object is drawn as an error box rather than refused, so a
/// viewer always shows something.
pub fn to_html(card: &Value) -> Markup {
    render(card, &Options::default())
}

/// Draws a card JSON string (as the send and update APIs carry it); JSON that does not parse
/// is drawn as an error box with the parser's message.
pub fn content_to_html(content: &str, options: &Options) -> Markup {
    match serde_json::from_str::<Value>(content) {
        Ok(card) => render(card_of(&card), options),
        Err(error) => html! {
            div.lk-card.lk-error { "card JSON does not parse: " (error.to_string()) }
        },
    }
}

/// A template or card-entity message (`{"type": "card", "data": {...}}`) carries no card JSON
/// we can draw; a card wrapped as `{"type":"raw","data":{...}}` is unwrapped.
fn card_of(value: &Value) -> &Value {
    match (str_of(value, "type"), value.get("data")) {
        (Some("raw"), Some(data)) if data.is_object() => data,
        _ => value,
    }
}

/// The locale to show: the one asked for if the card has it, else `zh_cn`, `en_us`, or the
/// first of the card's.
fn pick_locale(card: &Value, wanted: Option<&str>) -> String {
    let mut available: Vec<&str> = Vec::new();
    for key in ["i18n_elements", "i18n_header"] {
        if let Some(map) = card.get(key).and_then(Value::as_object) {
            available.extend(map.keys().map(String::as_str));
        }
    }
    if let Some(locales) = card
        .get("config")
        .and_then(|c| c.get("locales"))
        .and_then(Value::as_array)
    {
        available.extend(locales.iter().filter_map(Value::as_str));
    }
    let chosen = wanted
        .filter(|w| available.is_empty() || available.contains(w))
        .or_else(|| {
            ["zh_cn", "en_us"]
                .into_iter()
                .find(|l| available.contains(l))
        })
        .or_else(|| available.first().copied())
        .or(wanted)
        .unwrap_or("zh_cn");
    chosen.to_owned()
}

/// Draws a card.
pub fn render(card: &Value, options: &Options) -> Markup {
    if !card.is_object() {
        return html! { div.lk-card.lk-error { "a card is a JSON object" } };
    }
    let version = match str_of(card, "schema") {
        Some("2.0") => Version::V2,
        _ => Version::V1,
    };
    let locale = pick_locale(card, options.locale.as_deref());
    let ctx = Ctx {
        version,
        locale: &locale,
        id_prefix: options.id_prefix.as_deref().unwrap_or("lk"),
        next_id: Cell::new(0),
    };
    let header = card
        .get("header")
        .or_else(|| card.get("i18n_header").and_then(|h| h.get(&locale)));
    let body = card.get("body");
    let elements: &[Value] = match version {
        Version::V2 => body
            .and_then(|b| b.get("elements"))
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice),
        Version::V1 => card
            .get("elements")
            .or_else(|| card.get("i18n_elements").and_then(|e| e.get(&locale)))
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice),
    };
    let config = card.get("config").unwrap_or(&Value::Null);
    let width = match (options.width, str_of(config, "width_mode")) {
        (Width::Mobile, _) => "lk-mobile",
        (Width::Desktop, Some("compact")) => "lk-compact",
        (Width::Desktop, Some("fill")) => "lk-fill",
        (Width::Desktop, _) => "lk-desktop",
    };
    let theme = match options.theme {
        Theme::Light => "lk-light",
        Theme::Dark => "lk-dark",
    };
    let mut body_style = style::Style::default();
    let mut body_class = String::from("lk-body");
    if let (Version::V2, Some(body)) = (version, body) {
        body_style
            .set("padding", str_of(body, "padding").and_then(style::lengths))
            .set(
                "--lk-vgap",
                str_of(body, "vertical_spacing").and_then(style::spacing),
            )
            .set(
                "column-gap",
                str_of(body, "horizontal_spacing").and_then(style::spacing),
            );
        if str_of(body, "direction") == Some("horizontal") {
            body_class.push_str(" lk-horizontal");
        }
        match str_of(body, "horizontal_align") {
            Some("center") => body_class.push_str(" lk-halign-center"),
            Some("right") => body_class.push_str(" lk-halign-right"),
            _ => {}
        }
    }
    html! {
        div class=(format!("lk-card {theme} {width}")) data-schema=(version.label()) data-locale=(locale) {
            @if let Some(header) = header { (header_html(header, &ctx)) }
            div class=(body_class) style=[body_style.attr()] { (elements::elements(elements, &ctx)) }
        }
    }
}

fn header_html(header: &Value, ctx: &Ctx) -> Markup {
    let template = style::template(str_of(header, "template"));
    let tags = header
        .get("text_tag_list")
        .or_else(|| {
            header
                .get("i18n_text_tag_list")
                .and_then(|m| m.get(ctx.locale))
        })
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let icon = header.get("icon").or_else(|| header.get("ud_icon"));
    let mut padding = style::Style::default();
    if ctx.version == Version::V2 {
        padding.set(
            "padding",
            str_of(header, "padding").and_then(style::lengths),
        );
    }
    html! {
        div class=(format!("lk-header lk-h-{template}")) style=[padding.attr()] {
            @if let Some(icon) = icon {
                @if let Some(key) = str_of(icon, "img_key") {
                    span.lk-img.lk-placeholder.lk-img-tiny title=(key) {}
                } @else if let Some(token) = str_of(icon, "token") {
                    (style::icon_glyph(token))
                }
            }
            div.lk-header-main {
                div.lk-title {
                    @if let Some(title) = header.get("title") {
                        span.lk-title-text { (inline_text(title, ctx)) }
                    }
                    @for tag in tags {
                        @let color = str_of(tag, "color").and_then(style::tag_color).unwrap_or("neutral");
                        span class=(format!("lk-tag lk-tag-{color}")) { (inline_text(tag.get("text").unwrap_or(&Value::Null), ctx)) }
                    }
                }
                @if let Some(subtitle) = header.get("subtitle") {
                    div.lk-subtitle { (inline_text(subtitle, ctx)) }
                }
            }
        }
    }
}

/// A header text: `plain_text` or `lark_md`, localised.
fn inline_text(value: &Value, ctx: &Ctx) -> Markup {
    let content = value
        .get("i18n_content")
        .or_else(|| value.get("i18n"))
        .and_then(|m| m.get(ctx.locale))
        .and_then(Value::as_str)
        .or_else(|| str_of(value, "content"))
        .unwrap_or_default();
    match str_of(value, "tag") {
        Some("lark_md") => markdown::render_inline(content, None),
        _ => html! { (content) },
    }
}

/// The stylesheet every rendered card needs (served by the viewer as a file, inlined by
/// [`page`]).
pub fn stylesheet() -> &'static str {
    style::stylesheet()
}

/// A self-contained HTML document showing one card: the stylesheet inlined, no script, and a
/// Content-Security-Policy that allows nothing else (no script, no network).
///
/// ```
/// let page = lark_card_render::page(&serde_json::json!({"elements": []}), &lark_card_render::Options::default());
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("script-src 'none'"));
/// ```
pub fn page(card: &Value, options: &Options) -> String {
    let background = match options.theme {
        Theme::Light => "#f2f3f5",
        Theme::Dark => "#0f0f0f",
    };
    html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy"
                    content="default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "card" }
                style { (PreEscaped(stylesheet())) }
                style { (PreEscaped(format!("body{{margin:0;padding:16px;background:{background}}}"))) }
            }
            body { (render(card, options)) }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_schema_tag_has_a_look_of_its_own() {
        for (tag, _) in lark_card_schema::catalogue::ELEMENT.variants {
            let html = to_html(&json!({ "elements": [ { "tag": tag } ] })).into_string();
            assert!(!html.contains("lk-unknown"), "{tag}: {html}");
        }
    }

    #[test]
    fn unknown_tags_are_labelled() {
        let html = to_html(&json!({ "elements": [ { "tag": "hologram" } ] })).into_string();
        assert!(html.contains("unsupported element `hologram`"), "{html}");
    }

    #[test]
    fn locales_fall_back_in_order() {
        let card = json!({ "i18n_elements": { "en_us": [], "ja_jp": [] } });
        assert_eq!(pick_locale(&card, None), "en_us");
        assert_eq!(pick_locale(&card, Some("ja_jp")), "ja_jp");
        assert_eq!(pick_locale(&card, Some("fr_fr")), "en_us");
        assert_eq!(pick_locale(&json!({}), None), "zh_cn");
    }

    #[test]
    fn styles_never_carry_card_text() {
        let card = json!({ "schema": "2.0", "body": { "padding": "1px;background:url(//x)", "elements": [
            { "tag": "column_set", "horizontal_spacing": "8px\"><script>", "columns": [
                { "tag": "column", "width": "100px;x", "elements": [] } ] } ] } });
        let html = to_html(&card).into_string();
        assert!(!html.contains("url("), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("100px;x"), "{html}");
    }

    #[test]
    fn interactive_elements_carry_what_the_viewer_sends() {
        let card = json!({ "schema": "2.0", "body": { "elements": [
            { "tag": "form", "name": "f", "elements": [
                { "tag": "input", "name": "reason" },
                { "tag": "button", "name": "go", "behaviors": [ { "type": "form_action", "behavior": "submit" } ] },
                { "tag": "button", "name": "clear", "behaviors": [ { "type": "form_action", "behavior": "reset" } ] }
            ] },
            { "tag": "overflow", "element_id": "more",
              "confirm": { "title": { "tag": "plain_text", "content": "Sure?" } },
              "behaviors": [ { "type": "callback", "value": { "m": 1 } } ],
              "options": [ { "value": "a" }, { "value": "b", "url": "javascript:alert(1)" },
                           { "value": "c", "multi_url": { "url": "https://example.com/c" } } ] },
            { "tag": "interactive_container", "elements": [],
              "behaviors": [ { "type": "open_url", "default_url": "https://example.com/box" } ] }
        ] } });
        let html = to_html(&card).into_string();
        assert!(html.contains(r#"<button type="submit""#), "{html}");
        assert!(html.contains(r#"<button type="reset""#), "{html}");
        assert!(html.contains(r#"name="reason" placeholder="" data-lk-action="{&quot;name&quot;:&quot;reason&quot;,&quot;tag&quot;:&quot;input&quot;}""#), "{html}");
        assert!(html.contains(r#"data-lk-confirm="Sure?""#), "{html}");
        assert!(html.contains(r#"<li data-lk-option="a">"#), "{html}");
        // A URL a page may not link to is dropped, not passed to the script.
        assert!(html.contains(r#"<li data-lk-option="b">"#), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains(r#"data-lk-option="c" data-lk-url="https://example.com/c""#),
            "{html}"
        );
        assert!(
            html.contains(r#"data-lk-url="https://example.com/box""#),
            "{html}"
        );
    }
}

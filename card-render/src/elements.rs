//! Each card element as HTML. Tag and enumeration names are read from lark-card-schema's
//! catalogue: a value the schema does not know draws the default look, never a class or style
//! made from the card's text.

use std::cell::Cell;

use lark_card_schema::catalogue::{
    ACTION_LAYOUT, BUTTON_SIZE, BUTTON_TYPE, COMBINATION_MODE, FLEX_MODE, IMG_MODE, IMG_SCALE_TYPE,
    INPUT_TYPE, LABEL_POSITION, PERSON_SIZE, PERSON_STYLE, ROW_HEIGHT, TEXT_ALIGN, TEXT_SIZE,
    VERTICAL_ALIGN,
};
use lark_card_schema::def::EnumDef;
use lark_card_schema::Version;
use maud::{html, Markup};
use serde_json::Value;

use crate::markdown;
use crate::style::{self, lengths, spacing, Style, MAX_TABLE_PAGES};

/// What every element's rendering needs to know about the card and the page.
pub(crate) struct Ctx<'a> {
    pub(crate) version: Version,
    pub(crate) locale: &'a str,
    /// Prefix of ids made for this card (radio groups of table pagers), so that several cards
    /// on one page never share one.
    pub(crate) id_prefix: &'a str,
    pub(crate) next_id: Cell<usize>,
}

impl Ctx<'_> {
    fn fresh_id(&self, what: &str) -> String {
        let n = self.next_id.get() + 1;
        self.next_id.set(n);
        format!("{}-{what}-{n}", self.id_prefix)
    }
}

/// A string field.
pub(crate) fn str_of<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str)
}

fn bool_of(value: &Value, key: &str) -> Option<bool> {
    value.get(key).and_then(Value::as_bool)
}

fn array_of<'v>(value: &'v Value, key: &str) -> &'v [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A value of a closed enumeration of the schema, as the schema spells it.
fn known(def: &EnumDef, value: Option<&str>) -> Option<&'static str> {
    let value = value?;
    def.values
        .iter()
        .find(|(json, _)| *json == value)
        .map(|(json, _)| *json)
}

/// `field` or its `i18n_field[locale]` (2.0's `i18n_content`, 1.0's `i18n`).
fn localized<'v>(value: &'v Value, field: &str, ctx: &Ctx) -> Option<&'v str> {
    for map in [format!("i18n_{field}"), "i18n".to_owned()] {
        if let Some(text) = value
            .get(&map)
            .and_then(|m| m.get(ctx.locale))
            .and_then(Value::as_str)
        {
            return Some(text);
        }
    }
    str_of(value, field)
}

/// A JSON value as text: strings as they are, anything else as JSON.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Classes for `text_size`, `text_align` and `text_color`.
fn text_classes(value: &Value, base: &str) -> String {
    let mut classes = base.to_owned();
    if let Some(size) = known(&TEXT_SIZE, str_of(value, "text_size")) {
        classes.push_str(" lk-size-");
        classes.push_str(size);
    }
    if let Some(align) = known(&TEXT_ALIGN, str_of(value, "text_align")) {
        classes.push_str(" lk-align-");
        classes.push_str(align);
    }
    if let Some(color) = str_of(value, "text_color").and_then(style::text_color) {
        classes.push_str(" lk-c-");
        classes.push_str(color);
    }
    classes
}

/// A text object (`plain_text` or `lark_md`) as a block.
pub(crate) fn text_object(value: &Value, ctx: &Ctx) -> Markup {
    let content = localized(value, "content", ctx).unwrap_or_default();
    let mut line_clamp = Style::default();
    if let Some(lines) = value
        .get("lines")
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
    {
        line_clamp
            .set("display", Some("-webkit-box".to_owned()))
            .set("-webkit-box-orient", Some("vertical".to_owned()))
            .set("-webkit-line-clamp", Some(lines.to_string()))
            .set("overflow", Some("hidden".to_owned()));
    }
    match str_of(value, "tag") {
        Some("lark_md" | "markdown") => html! {
            div class=(text_classes(value, "lk-md")) style=[line_clamp.attr()] {
                (markdown::render(content, None))
            }
        },
        _ => html! {
            div class=(text_classes(value, "lk-text")) style=[line_clamp.attr()] { (content) }
        },
    }
}

/// A text object inside a control (a button's label, an option): no block, no size.
fn text_inline(value: Option<&Value>, ctx: &Ctx) -> Markup {
    let Some(value) = value else {
        return html! {};
    };
    if let Some(text) = value.as_str() {
        return html! { (text) };
    }
    let content = localized(value, "content", ctx).unwrap_or_default();
    match str_of(value, "tag") {
        Some("lark_md" | "markdown") => markdown::render_inline(content, None),
        _ => html! { (content) },
    }
}

/// The plain text of a text object (for `placeholder` and `<option>`, which hold no markup).
fn text_plain(value: Option<&Value>, ctx: &Ctx) -> String {
    match value {
        Some(Value::String(text)) => text.clone(),
        Some(value) => localized(value, "content", ctx)
            .unwrap_or_default()
            .to_owned(),
        None => String::new(),
    }
}

/// An icon object: `standard_icon` (a token of Lark's icon font) or `custom_icon` (an image).
fn icon(value: Option<&Value>) -> Markup {
    let Some(value) = value else {
        return html! {};
    };
    match (
        str_of(value, "tag"),
        str_of(value, "token"),
        str_of(value, "img_key"),
    ) {
        (Some("custom_icon"), _, Some(key)) | (None, None, Some(key)) => html! {
            span.lk-img.lk-placeholder.lk-img-tiny title=(key) {}
        },
        (_, Some(token), _) => style::icon_glyph(token),
        _ => html! {},
    }
}

/// The action a control carries, as JSON for the viewer's script: its `value`, `behaviors`,
/// `name` and tag.
/// The URL an element opens (`url`, `multi_url`, an `open_url` behavior), if it is one a page
/// may link to.
fn opened_url(value: &Value) -> Option<String> {
    str_of(value, "url")
        .or_else(|| value.get("multi_url").and_then(|m| str_of(m, "url")))
        .or_else(|| {
            array_of(value, "behaviors")
                .iter()
                .find(|b| str_of(b, "type") == Some("open_url"))
                .and_then(|b| str_of(b, "default_url"))
        })
        .and_then(style::safe_url)
}

fn action_data(value: &Value, tag: &str) -> String {
    let mut action = serde_json::Map::new();
    action.insert("tag".to_owned(), Value::from(tag));
    for key in [
        "value",
        "behaviors",
        "name",
        "form_action_type",
        "action_type",
    ] {
        if let Some(field) = value.get(key) {
            action.insert(key.to_owned(), field.clone());
        }
    }
    Value::Object(action).to_string()
}

/// Every element of a list.
pub(crate) fn elements(list: &[Value], ctx: &Ctx) -> Markup {
    html! { @for element in list { (element_html(element, ctx)) } }
}

/// One element, in a wrapper that carries its tag, `element_id` and 2.0 `margin`.
pub(crate) fn element_html(value: &Value, ctx: &Ctx) -> Markup {
    let tag = str_of(value, "tag").unwrap_or_default();
    let body = match tag {
        "div" => div(value, ctx),
        "markdown" => markdown_element(value, ctx),
        "hr" => html! { hr.lk-hr; },
        "img" => img(value, ctx),
        "img_combination" => img_combination(value),
        "note" => note(value, ctx),
        "action" => action(value, ctx),
        "button" => button(value, ctx),
        "overflow" => overflow(value, ctx),
        "select_static" | "multi_select_static" | "select_person" | "multi_select_person" => {
            select(value, tag, ctx)
        }
        "select_img" => select_img(value, ctx),
        "date_picker" | "picker_time" | "picker_datetime" => picker(value, tag, ctx),
        "input" => input(value, ctx),
        "column_set" => column_set(value, ctx),
        "form" => form(value, ctx),
        "collapsible_panel" => collapsible_panel(value, ctx),
        "interactive_container" => interactive_container(value, ctx),
        "person" => person(value),
        "person_list" => person_list(value),
        "chart" => chart(value),
        "table" => table(value, ctx),
        "checker" => checker(value, ctx),
        "audio" => html! {
            div.lk-placeholder.lk-audio { "▶ audio · " (str_of(value, "file_key").unwrap_or_default()) }
        },
        "plain_text" | "lark_md" => text_object(value, ctx),
        "standard_icon" | "custom_icon" => icon(Some(value)),
        other => html! { div.lk-unknown { "unsupported element `" (other) "`" } },
    };
    let mut wrapper = Style::default();
    if ctx.version == Version::V2 {
        wrapper.set("margin", str_of(value, "margin").and_then(lengths));
    }
    html! {
        div.lk-el data-tag=(tag) data-element-id=[str_of(value, "element_id")] style=[wrapper.attr()] {
            (body)
        }
    }
}

fn div(value: &Value, ctx: &Ctx) -> Markup {
    let fields = array_of(value, "fields");
    html! {
        div.lk-div {
            (icon(value.get("icon")))
            div.lk-div-main {
                @if let Some(text) = value.get("text") { (text_object(text, ctx)) }
                @if !fields.is_empty() {
                    div.lk-fields {
                        @for field in fields {
                            div.lk-field.lk-short[bool_of(field, "is_short").unwrap_or(false)] {
                                @if let Some(text) = field.get("text") { (text_object(text, ctx)) }
                            }
                        }
                    }
                }
            }
            @if let Some(extra) = value.get("extra") {
                div.lk-div-extra { (element_html(extra, ctx)) }
            }
        }
    }
}

fn markdown_element(value: &Value, ctx: &Ctx) -> Markup {
    let content = localized(value, "content", ctx).unwrap_or_default();
    html! {
        div class=(text_classes(value, "lk-md")) {
            (icon(value.get("icon")))
            (markdown::render(content, value.get("href")))
        }
    }
}

fn img(value: &Value, ctx: &Ctx) -> Markup {
    let key = localized(value, "img_key", ctx).unwrap_or_default();
    let mode = known(&IMG_SCALE_TYPE, str_of(value, "scale_type"))
        .or_else(|| known(&IMG_MODE, str_of(value, "mode")));
    let size_class = match mode {
        Some("large") => " lk-img-large",
        Some("medium") => " lk-img-medium",
        Some("small") => " lk-img-small",
        Some("tiny") => " lk-img-tiny",
        _ => "",
    };
    let mut size = Style::default();
    size.set(
        "width",
        value
            .get("custom_width")
            .and_then(Value::as_u64)
            .map(|w| format!("{}px", w.min(2000))),
    );
    let title = value.get("title").map(|t| text_plain(Some(t), ctx));
    let alt = value.get("alt").map(|t| text_plain(Some(t), ctx));
    html! {
        div class=(format!("lk-img lk-placeholder{size_class}")) style=[size.attr()]
            title=[alt.filter(|a| !a.is_empty())] {
            span { "🖼 image" }
            span.lk-img-key { (key) }
            span.lk-img-size {
                (mode.unwrap_or("fit_horizontal"))
                @if let Some(w) = value.get("custom_width").and_then(Value::as_u64) { " · " (w) "px" }
                @if let Some(size) = str_of(value, "size") { " · " (size) }
            }
            @if let Some(title) = title.filter(|t| !t.is_empty()) { span.lk-img-title { (title) } }
        }
    }
}

fn img_combination(value: &Value) -> Markup {
    let mode = known(&COMBINATION_MODE, str_of(value, "combination_mode")).unwrap_or("bisect");
    html! {
        div class=(format!("lk-imgs lk-imgs-{mode}")) {
            @for image in array_of(value, "img_list") {
                div.lk-img.lk-placeholder {
                    span { "🖼" }
                    span.lk-img-key { (str_of(image, "img_key").unwrap_or_default()) }
                }
            }
        }
    }
}

fn note(value: &Value, ctx: &Ctx) -> Markup {
    html! {
        div.lk-note {
            @for item in array_of(value, "elements") {
                @match str_of(item, "tag") {
                    Some("img") => span.lk-img.lk-placeholder title=(str_of(item, "img_key").unwrap_or_default()) {},
                    Some("standard_icon") | Some("custom_icon") => (icon(Some(item))),
                    _ => span { (text_inline(Some(item), ctx)) },
                }
            }
        }
    }
}

fn action(value: &Value, ctx: &Ctx) -> Markup {
    let layout = known(&ACTION_LAYOUT, str_of(value, "layout")).unwrap_or("flow");
    html! {
        div class=(format!("lk-actions lk-{layout}")) { (elements(array_of(value, "actions"), ctx)) }
    }
}

fn button(value: &Value, ctx: &Ctx) -> Markup {
    let kind = known(&BUTTON_TYPE, str_of(value, "type")).unwrap_or("default");
    let size = known(&BUTTON_SIZE, str_of(value, "size")).unwrap_or("medium");
    let mut width = Style::default();
    let fill = match str_of(value, "width") {
        Some("fill") => true,
        Some(other) => {
            width.set("width", style::px(other));
            false
        }
        None => false,
    };
    // A form button by its field, or by a `form_action` behavior (2.0).
    let form_behavior = array_of(value, "behaviors")
        .iter()
        .find(|b| str_of(b, "type") == Some("form_action"))
        .map(|b| match str_of(b, "behavior") {
            Some("reset") => "reset",
            _ => "submit",
        });
    let html_type = match str_of(value, "form_action_type").or_else(|| str_of(value, "action_type"))
    {
        Some("form_submit" | "submit") => "submit",
        Some("form_reset" | "reset") => "reset",
        _ => form_behavior.unwrap_or("button"),
    };
    let url = opened_url(value);
    let confirm = value
        .get("confirm")
        .map(|c| text_plain(c.get("title"), ctx));
    html! {
        button type=(html_type)
            class=(format!("lk-btn lk-btn-{kind} lk-btn-{size}{}", if fill { " lk-btn-fill" } else { "" }))
            style=[width.attr()] disabled[bool_of(value, "disabled").unwrap_or(false)]
            name=[str_of(value, "name")] data-lk-action=(action_data(value, "button"))
            data-lk-url=[url] data-lk-confirm=[confirm] {
            (icon(value.get("icon")))
            span.lk-btn-label { (text_inline(value.get("text"), ctx)) }
        }
    }
}

/// The overflow carries its own action data (its `value`, `behaviors`); each option its
/// `value`, sent as the callback's `option`, and the URL it opens, if any.
fn overflow(value: &Value, ctx: &Ctx) -> Markup {
    html! {
        details.lk-overflow data-lk-action=(action_data(value, "overflow"))
            data-lk-confirm=[value.get("confirm").map(|c| text_plain(c.get("title"), ctx))] {
            summary.lk-btn.lk-btn-default.lk-btn-small aria-label="more" { "···" }
            ul.lk-overflow-menu {
                @for option in array_of(value, "options") {
                    li data-lk-option=(option_value(option)) data-lk-url=[opened_url(option)] {
                        (text_inline(option.get("text"), ctx))
                    }
                }
            }
        }
    }
}

fn option_value(option: &Value) -> String {
    option.get("value").map(as_text).unwrap_or_default()
}

fn select(value: &Value, tag: &str, ctx: &Ctx) -> Markup {
    let multiple = tag.starts_with("multi_");
    let person = tag.ends_with("_person");
    let initial: Vec<String> = if multiple {
        array_of(value, "selected_values")
            .iter()
            .chain(array_of(value, "initial_options"))
            .map(as_text)
            .collect()
    } else {
        value
            .get("initial_option")
            .or_else(|| {
                value.get("initial_index").and_then(|i| {
                    let i = usize::try_from(i.as_u64()?).ok()?;
                    array_of(value, "options")
                        .get(i.checked_sub(1)?)
                        .and_then(|o| o.get("value"))
                })
            })
            .map(as_text)
            .into_iter()
            .collect()
    };
    let placeholder = text_plain(value.get("placeholder"), ctx);
    html! {
        select class=(format!("lk-control lk-select lk-{tag}")) multiple[multiple]
            name=[str_of(value, "name")] required[bool_of(value, "required").unwrap_or(false)]
            disabled[bool_of(value, "disabled").unwrap_or(false)]
            data-lk-action=(action_data(value, tag)) {
            @if !multiple {
                option value="" disabled selected[initial.is_empty()] { (placeholder) }
            }
            @for option in array_of(value, "options") {
                @let option_value = option_value(option);
                option value=(option_value) selected[initial.contains(&option_value)] {
                    @if person { "@" (option_value) } @else { (text_plain(option.get("text"), ctx)) }
                }
            }
        }
    }
}

fn select_img(value: &Value, ctx: &Ctx) -> Markup {
    let multiple = bool_of(value, "multi_select").unwrap_or(false);
    let group = str_of(value, "name")
        .map(str::to_owned)
        .unwrap_or_else(|| ctx.fresh_id("select-img"));
    html! {
        div.lk-select-img data-lk-action=(action_data(value, "select_img")) {
            @for option in array_of(value, "options") {
                label {
                    div.lk-img.lk-placeholder {
                        span { "🖼" }
                        span.lk-img-key { (str_of(option, "img_key").unwrap_or_default()) }
                    }
                    span {
                        input type=(if multiple { "checkbox" } else { "radio" }) name=(group)
                            value=(option_value(option)) disabled[bool_of(option, "disabled").unwrap_or(false)];
                        " " (text_inline(option.get("text"), ctx))
                    }
                }
            }
        }
    }
}

fn picker(value: &Value, tag: &str, ctx: &Ctx) -> Markup {
    let (input_type, initial) = match tag {
        "date_picker" => ("date", str_of(value, "initial_date").map(str::to_owned)),
        "picker_time" => ("time", str_of(value, "initial_time").map(str::to_owned)),
        _ => (
            "datetime-local",
            str_of(value, "initial_datetime").map(|d| d.replacen(' ', "T", 1)),
        ),
    };
    let placeholder = text_plain(value.get("placeholder"), ctx);
    html! {
        input type=(input_type) class=(format!("lk-control lk-{tag}")) value=[initial]
            name=[str_of(value, "name")] placeholder=(placeholder) title=(placeholder)
            required[bool_of(value, "required").unwrap_or(false)]
            disabled[bool_of(value, "disabled").unwrap_or(false)]
            data-lk-action=(action_data(value, tag));
    }
}

fn input(value: &Value, ctx: &Ctx) -> Markup {
    let kind = known(&INPUT_TYPE, str_of(value, "input_type")).unwrap_or("text");
    let left = known(&LABEL_POSITION, str_of(value, "label_position")) == Some("left");
    let placeholder = text_plain(value.get("placeholder"), ctx);
    let default = str_of(value, "default_value");
    let required = bool_of(value, "required").unwrap_or(false);
    let disabled = bool_of(value, "disabled").unwrap_or(false);
    let name = str_of(value, "name");
    let rows = value
        .get("rows")
        .and_then(Value::as_u64)
        .unwrap_or(3)
        .min(20);
    let max_length = value.get("max_length").and_then(Value::as_u64);
    html! {
        label.lk-input.lk-label-left[left] {
            @if let Some(label) = value.get("label") {
                span.lk-input-label.lk-required[required] { (text_inline(Some(label), ctx)) }
            }
            @if kind == "multiline_text" {
                textarea.lk-control name=[name] placeholder=(placeholder) rows=(rows)
                    maxlength=[max_length] required[required] disabled[disabled]
                    data-lk-action=(action_data(value, "input")) {
                    (default.unwrap_or_default())
                }
            } @else {
                input.lk-control type=(if kind == "password" { "password" } else { "text" })
                    name=[name] placeholder=(placeholder) value=[default] maxlength=[max_length]
                    required[required] disabled[disabled]
                    data-lk-action=(action_data(value, "input"));
            }
        }
    }
}

/// The flex rule of a column: `weighted` shares by `weight`, `auto` fits its content, `Npx`
/// is fixed.
fn column_flex(column: &Value, equal: bool) -> Style {
    let mut flex = Style::default();
    let width = str_of(column, "width").unwrap_or("auto");
    if equal {
        flex.set("flex", Some("1 1 0".to_owned()));
    } else if width == "weighted" {
        let weight = column
            .get("weight")
            .and_then(Value::as_u64)
            .unwrap_or(1)
            .clamp(1, 5);
        flex.set("flex", Some(format!("{weight} 1 0")));
    } else if let Some(px) = style::px(width) {
        flex.set("flex", Some(format!("0 0 {px}")));
    } else {
        flex.set("flex", Some("0 0 auto".to_owned()));
    }
    flex
}

fn background_class(value: &Value) -> &'static str {
    match str_of(value, "background_style") {
        None | Some("default" | "" | "none") => "",
        Some(_) => " lk-bg-grey",
    }
}

fn column_set(value: &Value, ctx: &Ctx) -> Markup {
    let flex = known(&FLEX_MODE, str_of(value, "flex_mode")).unwrap_or("none");
    let equal = matches!(flex, "bisect" | "trisect");
    let mut gap = Style::default();
    gap.set(
        "--lk-hgap",
        str_of(value, "horizontal_spacing").and_then(spacing),
    );
    let halign = match str_of(value, "horizontal_align") {
        Some("center") => " lk-halign-center",
        Some("right") => " lk-halign-right",
        _ => "",
    };
    let classes = format!(
        "lk-columns lk-flex-{flex}{}{halign}",
        background_class(value)
    );
    html! {
        div class=(classes) style=[gap.attr()] data-lk-url=[value.get("action").and_then(opened_url)] {
            @for column in array_of(value, "columns") {
                (column_html(column, equal, ctx))
            }
        }
    }
}

fn column_html(column: &Value, equal: bool, ctx: &Ctx) -> Markup {
    let mut style = column_flex(column, equal);
    style
        .set("padding", str_of(column, "padding").and_then(lengths))
        .set(
            "--lk-col-vgap",
            str_of(column, "vertical_spacing").and_then(spacing),
        );
    let valign = match known(&VERTICAL_ALIGN, str_of(column, "vertical_align")) {
        Some("center") => " lk-valign-center",
        Some("bottom") => " lk-valign-bottom",
        _ => "",
    };
    let horizontal = str_of(column, "direction") == Some("horizontal");
    let classes = format!(
        "lk-column{}{valign}{}",
        background_class(column),
        if horizontal { " lk-horizontal" } else { "" }
    );
    html! {
        div class=(classes) style=[style.attr()] data-lk-url=[column.get("action").and_then(opened_url)] {
            (elements(array_of(column, "elements"), ctx))
        }
    }
}

fn form(value: &Value, ctx: &Ctx) -> Markup {
    // `method="dialog"`: submitting does nothing by itself, so a static page never navigates;
    // the viewer's script handles the submit.
    html! {
        form.lk-form method="dialog" name=[str_of(value, "name")] data-lk-form=[str_of(value, "name")] {
            (elements(array_of(value, "elements"), ctx))
        }
    }
}

fn collapsible_panel(value: &Value, ctx: &Ctx) -> Markup {
    let header = value.get("header");
    let title = header.and_then(|h| h.get("title"));
    let mut body = Style::default();
    body.set("padding", str_of(value, "padding").and_then(lengths))
        .set("gap", str_of(value, "vertical_spacing").and_then(spacing));
    let mut frame = Style::default();
    if let Some(border) = value.get("border") {
        frame.set(
            "border-radius",
            str_of(border, "corner_radius").and_then(lengths),
        );
    }
    html! {
        details.lk-panel open[bool_of(value, "expanded").unwrap_or(false)] style=[frame.attr()] {
            summary {
                (icon(header.and_then(|h| h.get("icon"))))
                span.lk-panel-title { @if let Some(title) = title { (text_inline(Some(title), ctx)) } }
            }
            div.lk-panel-body style=[body.attr()] { (elements(array_of(value, "elements"), ctx)) }
        }
    }
}

fn interactive_container(value: &Value, ctx: &Ctx) -> Markup {
    let mut style = Style::default();
    style
        .set("padding", str_of(value, "padding").and_then(lengths))
        .set(
            "border-radius",
            str_of(value, "corner_radius").and_then(lengths),
        )
        .set("gap", str_of(value, "vertical_spacing").and_then(spacing));
    let bordered = bool_of(value, "has_border").unwrap_or(false);
    let classes = format!(
        "lk-container{}{}",
        if bordered { " lk-bordered" } else { "" },
        background_class(value)
    );
    html! {
        div class=(classes) style=[style.attr()] role="button" tabindex="0"
            data-lk-action=(action_data(value, "interactive_container"))
            data-lk-url=[opened_url(value)] {
            (elements(array_of(value, "elements"), ctx))
        }
    }
}

fn person_chip(id: &str, value: &Value) -> Markup {
    let size = known(&PERSON_SIZE, str_of(value, "size")).unwrap_or("medium");
    let capsule = known(&PERSON_STYLE, str_of(value, "style")) == Some("capsule");
    let show_avatar = bool_of(value, "show_avatar").unwrap_or(true);
    let show_name = bool_of(value, "show_name").unwrap_or(true);
    html! {
        span class=(format!("lk-person lk-person-{size}{}", if capsule { " lk-capsule" } else { "" })) data-user-id=(id) title=(id) {
            @if show_avatar { span.lk-avatar { (style::initials(id)) } }
            @if show_name { span.lk-person-name { "@" (id) } }
        }
    }
}

fn person(value: &Value) -> Markup {
    person_chip(str_of(value, "user_id").unwrap_or_default(), value)
}

fn person_list(value: &Value) -> Markup {
    html! {
        div.lk-persons {
            @for person in array_of(value, "persons") {
                (person_chip(str_of(person, "id").unwrap_or_default(), value))
            }
        }
    }
}

fn chart(value: &Value) -> Markup {
    let spec = value.get("chart_spec");
    let kind = spec.and_then(|s| str_of(s, "type")).unwrap_or("chart");
    let title = spec
        .and_then(|s| s.get("title"))
        .and_then(|t| str_of(t, "text").or_else(|| t.as_str()));
    let mut height = Style::default();
    height.set("min-height", str_of(value, "height").and_then(style::px));
    html! {
        div.lk-chart.lk-placeholder style=[height.attr()] {
            span.lk-chart-kind { "📊 " (kind) " chart" }
            @if let Some(title) = title { span { (title) } }
            @if let Some(ratio) = str_of(value, "aspect_ratio") { span { "aspect " (ratio) } }
        }
    }
}

/// A date cell: Lark sends milliseconds since the epoch; shown in the column's `date_format`
/// (`YYYY`, `MM`, `DD`, `HH`, `mm`, `ss`; by default `YYYY/MM/DD`), in UTC.
fn date_text(value: &Value, format: Option<&str>) -> String {
    let Some(ms) = value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
    else {
        return as_text(value);
    };
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format
        .unwrap_or("YYYY/MM/DD")
        .replace("YYYY", &format!("{year:04}"))
        .replace("MM", &format!("{month:02}"))
        .replace("DD", &format!("{day:02}"))
        .replace("HH", &format!("{:02}", rest / 3600))
        .replace("mm", &format!("{:02}", rest % 3600 / 60))
        .replace("ss", &format!("{:02}", rest % 60))
}

fn number_text(value: &Value, column: &Value) -> String {
    let Some(number) = value.as_f64() else {
        return as_text(value);
    };
    let format = column.get("format");
    let precision = format
        .and_then(|f| f.get("precision"))
        .and_then(Value::as_u64)
        .map(|p| p.min(10) as usize);
    let mut text = match precision {
        Some(p) => format!("{number:.p$}"),
        None => as_text(value),
    };
    if format.and_then(|f| bool_of(f, "separator")) == Some(true) {
        let (int, frac) = text
            .split_once('.')
            .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
        let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
        let mut grouped = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        text = format!(
            "{sign}{grouped}{}",
            frac.map(|f| format!(".{f}")).unwrap_or_default()
        );
    }
    match format.and_then(|f| str_of(f, "symbol")) {
        Some(symbol) => format!("{symbol}{text}"),
        None => text,
    }
}

fn cell(value: &Value, column: &Value) -> Markup {
    match str_of(column, "data_type").unwrap_or("text") {
        "lark_md" | "markdown" => markdown::render_inline(&as_text(value), None),
        "number" => html! { (number_text(value, column)) },
        "date" => html! { (date_text(value, str_of(column, "date_format"))) },
        "options" => {
            let options = value.as_array().map_or(&[][..], Vec::as_slice);
            html! {
                @for option in options {
                    @let color = str_of(option, "color").and_then(style::tag_color).unwrap_or("neutral");
                    span class=(format!("lk-tag lk-tag-{color}")) { (str_of(option, "text").unwrap_or_default()) } " "
                }
            }
        }
        "persons" => {
            let ids: Vec<String> = match value {
                Value::Array(list) => list.iter().map(as_text).collect(),
                other => vec![as_text(other)],
            };
            html! { @for id in &ids { (person_chip(id, &Value::Null)) " " } }
        }
        _ => html! { (as_text(value)) },
    }
}

fn cell_align(column: &Value) -> Option<&'static str> {
    match known(&TEXT_ALIGN, str_of(column, "horizontal_align")) {
        Some("center") => Some("lk-align-center"),
        Some("right") => Some("lk-align-right"),
        _ => None,
    }
}

fn table(value: &Value, ctx: &Ctx) -> Markup {
    let columns = array_of(value, "columns");
    let rows = array_of(value, "rows");
    let requested = value
        .get("page_size")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(5)
        .max(1);
    // Never more pages than the stylesheet has rules for.
    let page_size = requested.max(rows.len().div_ceil(MAX_TABLE_PAGES));
    let pages = rows.len().div_ceil(page_size).max(1);
    let height = known(&ROW_HEIGHT, str_of(value, "row_height")).unwrap_or("middle");
    let group = ctx.fresh_id("table");
    let header_style = value.get("header_style").unwrap_or(&Value::Null);
    html! {
        div.lk-table-box {
            div.lk-table-wrap {
                table class=(format!("lk-table lk-table-{height}")) {
                    thead {
                        tr {
                            @for column in columns {
                                th class=(text_classes(header_style, "lk-th")) {
                                    (str_of(column, "display_name").or_else(|| str_of(column, "name")).unwrap_or_default())
                                }
                            }
                        }
                    }
                    @for (page, chunk) in rows.chunks(page_size).enumerate() {
                        tbody class=(format!("lk-page lk-page-{}", page + 1)) {
                            @for row in chunk {
                                tr {
                                    @for column in columns {
                                        @let key = str_of(column, "name").unwrap_or_default();
                                        td class=[cell_align(column)] {
                                            @if let Some(cell_value) = row.get(key) { (cell(cell_value, column)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if pages > 1 {
                div.lk-pager {
                    @for page in 1..=pages {
                        @let id = format!("{group}-p{page}");
                        input type="radio" name=(group) id=(id) class=(format!("lk-pg-{page}")) checked[page == 1];
                        label for=(id) { (page) }
                    }
                }
            }
        }
    }
}

fn checker(value: &Value, ctx: &Ctx) -> Markup {
    let checked = bool_of(value, "checked").unwrap_or(false);
    let strike = value
        .get("checked_style")
        .and_then(|s| bool_of(s, "show_strikethrough"))
        .unwrap_or(false);
    let buttons = value
        .get("button_area")
        .map_or(&[][..], |area| array_of(area, "buttons"));
    html! {
        label.lk-checker.lk-checked[checked].lk-strike[strike] {
            input type="checkbox" checked[checked] name=[str_of(value, "name")]
                disabled[bool_of(value, "disabled").unwrap_or(false)]
                data-lk-action=(action_data(value, "checker"));
            div.lk-checker-text { @if let Some(text) = value.get("text") { (text_object(text, ctx)) } }
            @if !buttons.is_empty() { div.lk-actions { (elements(buttons, ctx)) } }
        }
    }
}

//! What the renderer knows of Lark's look: colour names, sizes, spacings, emoji, and the
//! stylesheet. Values from a card reach a `style` attribute or a class name only through the
//! functions here, which accept Lark's names and `Npx` sizes and nothing else.

use std::fmt::Write;
use std::sync::OnceLock;

use maud::{html, Markup};

/// Lark's colour names for text, with their light and dark values (approximate: Lark's own
/// palette, read from its screenshots).
const COLORS: &[(&str, &str, &str)] = &[
    ("default", "#1f2329", "#e3e5e8"),
    ("grey", "#8f959e", "#a6a6a6"),
    ("gray", "#8f959e", "#a6a6a6"),
    ("red", "#f54a45", "#f76964"),
    ("orange", "#ff8800", "#ff9b2d"),
    ("yellow", "#dc9b04", "#f8c83a"),
    ("green", "#34c724", "#51d440"),
    ("turquoise", "#14c0ff", "#3dcbff"),
    ("wathet", "#14c0ff", "#6bcbf7"),
    ("blue", "#3370ff", "#4c88ff"),
    ("indigo", "#4954e6", "#6e77f2"),
    ("purple", "#7f3bf5", "#9f6ff1"),
    ("violet", "#d136d1", "#e05ee0"),
    ("carmine", "#f01d94", "#f556b0"),
    ("lime", "#8ebf00", "#aad13a"),
    ("white", "#ffffff", "#ffffff"),
    ("black", "#1f2329", "#e3e5e8"),
];

/// Header templates: (name, light background, dark background, accent).
const TEMPLATES: &[(&str, &str, &str, &str)] = &[
    ("default", "transparent", "transparent", "#1f2329"),
    ("blue", "#e1eaff", "#1a2a4f", "#245bdb"),
    ("wathet", "#d9f3fd", "#10334a", "#037eaa"),
    ("turquoise", "#d5f6f2", "#0e3a35", "#078372"),
    ("green", "#d9f5d6", "#183d15", "#237b19"),
    ("yellow", "#faf1d1", "#40350f", "#aa7803"),
    ("orange", "#feead2", "#4a2f0f", "#b26206"),
    ("red", "#fde2e2", "#4d1c1c", "#c02a26"),
    ("carmine", "#fdddef", "#4a1533", "#b3166b"),
    ("violet", "#f8def8", "#42163f", "#a325a3"),
    ("purple", "#ece2fe", "#2f1f52", "#6425d0"),
    ("indigo", "#e0e9ff", "#222a55", "#3848c9"),
    ("grey", "#eff0f1", "#2b2f36", "#51565d"),
];

/// Lark's emoji codes (`:OK:`) that have a Unicode look-alike. Codes not listed are drawn as
/// their name in a pill.
const EMOJI: &[(&str, &str)] = &[
    ("OK", "👌"),
    ("THUMBSUP", "👍"),
    ("ThumbsDown", "👎"),
    ("THANKS", "🙏"),
    ("MUSCLE", "💪"),
    ("STRIVE", "💪"),
    ("APPLAUSE", "👏"),
    ("CLAP", "👏"),
    ("DONE", "✅"),
    ("CheckMark", "✔️"),
    ("CrossMark", "❌"),
    ("Yes", "✅"),
    ("No", "❌"),
    ("SMILE", "😄"),
    ("LAUGH", "😆"),
    ("LOL", "😂"),
    ("WINK", "😉"),
    ("THINKING", "🤔"),
    ("CRY", "😢"),
    ("SOB", "😭"),
    ("ANGRY", "😠"),
    ("SHOCKED", "😱"),
    ("WAVE", "👋"),
    ("HUG", "🤗"),
    ("HEART", "❤️"),
    ("HEARTBROKEN", "💔"),
    ("ROSE", "🌹"),
    ("PARTY", "🎉"),
    ("FIREWORKS", "🎆"),
    ("GIFT", "🎁"),
    ("CAKE", "🎂"),
    ("BEER", "🍺"),
    ("Coffee", "☕"),
    ("Fire", "🔥"),
    ("Trophy", "🏆"),
    ("Hundred", "💯"),
    ("Alarm", "⏰"),
    ("Pin", "📌"),
    ("Loudspeaker", "📢"),
    ("BOMB", "💣"),
    ("POOP", "💩"),
    ("SKULL", "💀"),
    ("YouAreTheBest", "🥇"),
    ("LGTM", "👍"),
    ("Get", "🆗"),
    ("OnIt", "🫡"),
    ("SALUTE", "🫡"),
    ("HIGHFIVE", "🙌"),
    ("FISTBUMP", "🤜"),
    ("MinusOne", "➖"),
    ("JIAYI", "➕"),
];

/// The CSS name of a Lark text colour, if `name` is one.
pub(crate) fn text_color(name: &str) -> Option<&'static str> {
    let name = name.trim().to_ascii_lowercase();
    COLORS
        .iter()
        .find(|(known, _, _)| *known == name)
        .map(|(known, _, _)| *known)
}

/// The colour class of a `text_tag` (`neutral` is Lark's grey tag).
pub(crate) fn tag_color(name: &str) -> Option<&'static str> {
    let name = name.trim().to_ascii_lowercase();
    if name == "neutral" {
        return Some("neutral");
    }
    text_color(&name).filter(|c| *c != "default")
}

/// The header template, `default` when unknown.
pub(crate) fn template(name: Option<&str>) -> &'static str {
    let name = name.unwrap_or("default").to_ascii_lowercase();
    TEMPLATES
        .iter()
        .find(|(known, ..)| *known == name)
        .map_or("default", |(known, ..)| *known)
}

/// The glyph of a Lark emoji code.
pub(crate) fn emoji(code: &str) -> Option<&'static str> {
    EMOJI
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, glyph)| *glyph)
}

/// A URL a link may point at: web, mail and Lark's own schemes. Anything else (`javascript:`,
/// `data:`) is refused, and the link is drawn as text.
pub(crate) fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let allowed = [
        "http://",
        "https://",
        "mailto:",
        "lark://",
        "feishu://",
        "tel:",
    ];
    allowed
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        .then(|| url.to_owned())
}

/// A standard icon: Lark draws thousands from its icon font; we draw a neutral glyph and keep
/// the token as its title.
pub(crate) fn icon_glyph(token: &str) -> Markup {
    let glyph = if token.contains("chat") {
        "💬"
    } else if token.contains("calendar") || token.contains("time") {
        "📅"
    } else if token.contains("approval") || token.contains("done") || token.contains("check") {
        "✔"
    } else if token.contains("warning") || token.contains("alert") {
        "⚠"
    } else if token.contains("search") {
        "🔍"
    } else if token.contains("link") {
        "🔗"
    } else {
        "◆"
    };
    html! { span.lk-icon title=(token) aria-hidden="true" { (glyph) } }
}

/// Up to two letters standing for a user id in an avatar circle.
pub(crate) fn initials(id: &str) -> String {
    let tail = id.rsplit('_').next().unwrap_or(id);
    tail.chars()
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

/// A CSS length: `Npx` (N a plain number), or `0`.
pub(crate) fn px(token: &str) -> Option<String> {
    let token = token.trim();
    if token == "0" {
        return Some("0".to_owned());
    }
    let number = token.strip_suffix("px")?;
    let valid = !number.is_empty()
        && number.len() <= 6
        && number
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && number.parse::<f64>().is_ok();
    valid.then(|| format!("{number}px"))
}

/// A spacing: Lark's names (`small` 4px, `medium` 8px, `large` 12px, `extra_large` 16px) or
/// `Npx`.
pub(crate) fn spacing(value: &str) -> Option<String> {
    match value.trim() {
        "none" => Some("0".to_owned()),
        "small" => Some("4px".to_owned()),
        "medium" | "default" => Some("8px".to_owned()),
        "large" => Some("12px".to_owned()),
        "extra_large" => Some("16px".to_owned()),
        other => px(other),
    }
}

/// A box of one to four lengths (`margin`, `padding`).
pub(crate) fn lengths(value: &str) -> Option<String> {
    let parts: Vec<String> = value
        .split_whitespace()
        .map(px)
        .collect::<Option<Vec<_>>>()?;
    (1..=4).contains(&parts.len()).then(|| parts.join(" "))
}

/// A `style` attribute built from checked values only.
#[derive(Default)]
pub(crate) struct Style(String);

impl Style {
    /// Adds `property: value` when there is a value.
    pub(crate) fn set(&mut self, property: &str, value: Option<String>) -> &mut Self {
        if let Some(value) = value {
            let _ = write!(self.0, "{property}:{value};");
        }
        self
    }

    /// The attribute, `None` when empty (maud then writes no attribute).
    pub(crate) fn attr(&self) -> Option<&str> {
        (!self.0.is_empty()).then_some(self.0.as_str())
    }
}

/// Most table pages the stylesheet has rules for.
pub(crate) const MAX_TABLE_PAGES: usize = 100;

const BASE_CSS: &str = r#"
.lk-card{--lk-bg:#fff;--lk-fg:#1f2329;--lk-muted:#646a73;--lk-line:#dee0e3;--lk-soft:#f5f6f7;--lk-accent:#3370ff;--lk-danger:#f54a45;
 box-sizing:border-box;width:var(--lk-width,600px);max-width:100%;background:var(--lk-bg);color:var(--lk-fg);border:1px solid var(--lk-line);
 border-radius:8px;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Helvetica Neue","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",Arial,sans-serif;text-align:left}
.lk-card *{box-sizing:border-box}
/* The card does not clip (no overflow:hidden), so that an open menu reaches past its edge, above the page; its first and last parts round their own corners instead. */
.lk-card>:first-child{border-top-left-radius:7px;border-top-right-radius:7px}.lk-card>:last-child{border-bottom-left-radius:7px;border-bottom-right-radius:7px}
.lk-card.lk-dark{--lk-bg:#1f1f1f;--lk-fg:#e3e5e8;--lk-muted:#a6a6a6;--lk-line:#373737;--lk-soft:#2a2a2a;--lk-accent:#4c88ff;--lk-danger:#f76964}
.lk-card.lk-desktop{--lk-width:600px}.lk-card.lk-compact{--lk-width:400px}.lk-card.lk-mobile{--lk-width:360px}.lk-card.lk-fill{--lk-width:100%}
.lk-header{padding:12px 16px;display:flex;gap:8px;align-items:flex-start;background:var(--lk-h-bg,transparent)}
.lk-header-main{flex:1;min-width:0}.lk-title{font-size:16px;font-weight:600;line-height:24px;display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center}
.lk-subtitle{font-size:14px;color:var(--lk-muted);margin-top:2px}.lk-header .lk-icon{font-size:18px;line-height:24px}
.lk-body{padding:12px 16px 16px;display:flex;flex-direction:column;gap:var(--lk-vgap,12px)}
.lk-body.lk-horizontal{flex-direction:row;flex-wrap:wrap}
.lk-el{min-width:0}.lk-el[data-tag=button],.lk-el[data-tag=overflow]{flex:none;min-width:auto}
.lk-text{white-space:pre-wrap;word-break:break-word}
.lk-md{display:flow-root}.lk-md>.lk-icon{float:left;margin-right:4px;line-height:21px}.lk-md p{margin:0}.lk-md p+p{margin-top:4px}.lk-md ul,.lk-md ol{margin:0;padding-left:20px}.lk-md h1,.lk-md h2,.lk-md h3,.lk-md h4,.lk-md h5,.lk-md h6{margin:0 0 4px;line-height:1.4}
.lk-md h1{font-size:24px}.lk-md h2{font-size:20px}.lk-md h3{font-size:18px}.lk-md h4,.lk-md h5,.lk-md h6{font-size:16px}
.lk-md blockquote{margin:0;padding-left:10px;border-left:3px solid var(--lk-line);color:var(--lk-muted)}
.lk-code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;background:var(--lk-soft);border-radius:4px;padding:1px 4px}
.lk-pre{margin:4px 0;background:var(--lk-soft);border-radius:6px;padding:8px 12px;overflow-x:auto;font:12px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre}
.lk-md-hr{border:0;border-top:1px solid var(--lk-line);margin:8px 0}
.lk-md-table{overflow-x:auto}.lk-md-table table{border-collapse:collapse}.lk-md-table td{border:1px solid var(--lk-line);padding:4px 8px}
.lk-link{color:var(--lk-accent);text-decoration:none}.lk-link-off{color:var(--lk-muted)}
.lk-at{color:var(--lk-accent)}
.lk-emoji-unknown{display:inline-block;font-size:11px;line-height:16px;padding:0 4px;border-radius:8px;background:var(--lk-soft);color:var(--lk-muted)}
.lk-size-heading-0{font-size:26px;font-weight:600}.lk-size-heading-1{font-size:24px;font-weight:600}.lk-size-heading-2{font-size:20px;font-weight:600}
.lk-size-heading-3{font-size:18px;font-weight:600}.lk-size-heading-4{font-size:16px;font-weight:600}.lk-size-heading{font-size:16px;font-weight:600}
.lk-size-normal{font-size:14px}.lk-size-notation{font-size:12px;color:var(--lk-muted)}.lk-size-xxxx-large{font-size:30px}.lk-size-xxx-large{font-size:26px}
.lk-size-xx-large{font-size:24px}.lk-size-x-large{font-size:20px}.lk-size-large{font-size:16px}.lk-size-medium{font-size:14px}.lk-size-small{font-size:12px}.lk-size-x-small{font-size:10px}
.lk-align-left{text-align:left}.lk-align-center{text-align:center}.lk-align-right{text-align:right}
.lk-div{display:flex;gap:8px;align-items:flex-start}.lk-div-main{flex:1;min-width:0}.lk-div-extra{flex:none}
.lk-fields{display:grid;grid-template-columns:1fr 1fr;gap:4px 16px;margin-top:4px}.lk-field{grid-column:1/-1}.lk-field.lk-short{grid-column:auto}
.lk-hr{border:0;border-top:1px solid var(--lk-line);margin:0;width:100%}
.lk-note{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center;font-size:12px;color:var(--lk-muted)}
.lk-placeholder{display:flex;flex-direction:column;align-items:center;justify-content:center;gap:2px;border:1px dashed var(--lk-line);background:var(--lk-soft);color:var(--lk-muted);font-size:12px;border-radius:6px;text-align:center;overflow:hidden;word-break:break-all}
span.lk-placeholder{display:inline-flex;flex-direction:row;padding:0 6px;vertical-align:middle}
.lk-img{width:100%;min-height:120px;padding:8px}.lk-img.lk-img-small{width:80px;min-height:80px}.lk-img.lk-img-tiny{width:16px;min-height:16px;padding:0;font-size:0}
.lk-img.lk-img-medium{width:160px;min-height:160px}.lk-img.lk-img-large{width:240px;min-height:240px}.lk-img-title{font-weight:600}
.lk-note .lk-img{width:16px;min-height:16px;padding:0;font-size:0}
.lk-imgs{display:grid;gap:4px}.lk-imgs-double,.lk-imgs-bisect{grid-template-columns:1fr 1fr}.lk-imgs-triple{grid-template-columns:2fr 1fr}.lk-imgs-trisect{grid-template-columns:1fr 1fr 1fr}
.lk-imgs .lk-img{min-height:90px}
.lk-placeholder.lk-md-img{width:auto;min-height:0;padding:0 6px;display:inline-block;max-width:220px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.lk-actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center}.lk-actions.lk-bisected>*{flex:1 1 calc(50% - 8px)}.lk-actions.lk-trisection>*{flex:1 1 calc(33% - 8px)}
.lk-btn{white-space:nowrap;display:inline-flex;align-items:center;justify-content:center;gap:4px;border-radius:6px;border:1px solid var(--lk-line);background:var(--lk-bg);color:var(--lk-fg);font:inherit;cursor:pointer;padding:4px 12px;min-height:32px}
.lk-btn:disabled{opacity:.45;cursor:not-allowed}
.lk-btn-tiny{min-height:24px;padding:0 6px;font-size:12px}.lk-btn-small{min-height:28px;padding:2px 8px;font-size:12px}.lk-btn-large{min-height:40px;padding:8px 16px}
.lk-btn-fill{width:100%}
.lk-btn-primary{border-color:var(--lk-accent);color:var(--lk-accent)}.lk-btn-danger{border-color:var(--lk-danger);color:var(--lk-danger)}
.lk-btn-primary_filled{background:var(--lk-accent);border-color:var(--lk-accent);color:#fff}.lk-btn-danger_filled{background:var(--lk-danger);border-color:var(--lk-danger);color:#fff}
.lk-btn-text,.lk-btn-primary_text,.lk-btn-danger_text{border-color:transparent;background:transparent;padding-left:4px;padding-right:4px}
.lk-btn-primary_text{color:var(--lk-accent)}.lk-btn-danger_text{color:var(--lk-danger)}
.lk-btn-laser{border-color:transparent;background:linear-gradient(90deg,#4c88ff,#b56cff);color:#fff}
.lk-control{font:inherit;color:var(--lk-fg);background:var(--lk-bg);border:1px solid var(--lk-line);border-radius:6px;min-height:32px;padding:4px 8px;max-width:100%}
.lk-select{min-width:160px}.lk-select[multiple]{min-height:64px}
.lk-input{display:flex;gap:4px 8px;flex-direction:column}.lk-input.lk-label-left{flex-direction:row;align-items:center}.lk-input .lk-control{width:100%}
.lk-required::before{content:"*";color:var(--lk-danger);margin-right:2px}
.lk-overflow{position:relative;display:inline-block}.lk-overflow>summary{list-style:none}.lk-overflow>summary::-webkit-details-marker{display:none}
.lk-overflow-menu{position:absolute;z-index:1000;left:0;margin:4px 0 0;padding:4px;list-style:none;min-width:140px;background:var(--lk-bg);border:1px solid var(--lk-line);border-radius:6px;box-shadow:0 4px 12px rgba(0,0,0,.12)}
.lk-div-extra .lk-overflow-menu{left:auto;right:0}
.lk-overflow-menu li{padding:4px 8px;border-radius:4px;cursor:pointer}.lk-overflow-menu li:hover{background:var(--lk-line)}
.lk-columns{display:flex;gap:var(--lk-hgap,8px);width:100%}.lk-columns.lk-bg-grey{background:var(--lk-soft);padding:8px;border-radius:6px}
.lk-column{display:flex;flex-direction:column;gap:var(--lk-col-vgap,8px);min-width:0}.lk-column.lk-horizontal{flex-direction:row;flex-wrap:wrap}.lk-horizontal>.lk-el[data-tag=column_set]{flex:1 1 100%}
.lk-column.lk-bg-grey,.lk-bg-grey{background:var(--lk-soft);border-radius:6px}
.lk-valign-center{justify-content:center}.lk-valign-bottom{justify-content:flex-end}
.lk-halign-center{justify-content:center}.lk-halign-right{justify-content:flex-end}
.lk-mobile .lk-columns.lk-flex-stretch,.lk-mobile .lk-columns.lk-flex-flow{flex-wrap:wrap}.lk-mobile .lk-columns.lk-flex-stretch>.lk-column{flex:1 1 100%!important}
.lk-columns.lk-flex-flow{flex-wrap:wrap}
.lk-form{display:flex;flex-direction:column;gap:12px;margin:0}
.lk-panel{border:1px solid var(--lk-line);border-radius:8px}.lk-panel>summary{cursor:pointer;padding:8px 12px;display:flex;align-items:center;gap:8px;list-style:none}
.lk-panel>summary::-webkit-details-marker{display:none}.lk-panel>summary::after{content:"⌄";margin-left:auto;transition:transform .15s}.lk-panel[open]>summary::after{transform:rotate(180deg)}
.lk-panel-body{padding:4px 12px 12px;display:flex;flex-direction:column;gap:8px}
.lk-container{display:flex;flex-direction:column;gap:8px;padding:4px;border-radius:8px}.lk-container.lk-bordered{border:1px solid var(--lk-line)}.lk-container[data-lk-action]{cursor:pointer}
.lk-person{display:inline-flex;align-items:center;gap:6px}.lk-avatar{display:inline-flex;align-items:center;justify-content:center;width:24px;height:24px;border-radius:50%;background:var(--lk-accent);color:#fff;font-size:10px;font-weight:600;flex:none}
.lk-person-large .lk-avatar{width:40px;height:40px;font-size:14px}.lk-person-medium .lk-avatar{width:32px;height:32px}.lk-person-extra_small .lk-avatar{width:16px;height:16px;font-size:8px}
.lk-person.lk-capsule{background:var(--lk-soft);border-radius:14px;padding:2px 8px 2px 2px}
.lk-person-inline .lk-avatar{width:18px;height:18px;font-size:8px}
.lk-persons{display:flex;flex-wrap:wrap;gap:8px}
.lk-chart{min-height:180px}.lk-chart-kind{font-weight:600;font-size:14px}
.lk-table-wrap{overflow-x:auto;border:1px solid var(--lk-line);border-radius:6px}
.lk-table{border-collapse:collapse;width:max-content;min-width:100%;font-size:14px}.lk-table th,.lk-table td{padding:6px 8px;border-bottom:1px solid var(--lk-line);vertical-align:top}
.lk-table th{color:var(--lk-muted);font-weight:600;background:var(--lk-soft)}.lk-table th,.lk-table td{min-width:96px;text-align:left}
.lk-person-name{max-width:140px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.lk-table-low td{padding:4px 8px}.lk-table-high td{padding:12px 8px}
.lk-page{display:none}.lk-page-1{display:table-row-group}
.lk-pager{display:flex;gap:4px;justify-content:flex-end;padding:6px 8px;font-size:12px}.lk-pager input{position:absolute;opacity:0;pointer-events:none}
.lk-pager label{min-width:24px;text-align:center;border:1px solid var(--lk-line);border-radius:4px;cursor:pointer;padding:0 4px}
.lk-pager input:checked+label{border-color:var(--lk-accent);color:var(--lk-accent)}
.lk-checker{display:flex;align-items:flex-start;gap:8px;padding:4px 0}.lk-checker input{margin-top:4px}
.lk-checker.lk-checked.lk-strike .lk-checker-text{text-decoration:line-through;opacity:.6}
.lk-tag{display:inline-block;font-size:12px;line-height:18px;padding:0 6px;border-radius:4px;font-weight:500;color:var(--lk-tag-fg);background:var(--lk-tag-bg);white-space:nowrap}
.lk-tag-neutral{--lk-tag-fg:var(--lk-muted);--lk-tag-bg:var(--lk-soft)}
.lk-unknown{border:1px dashed var(--lk-danger);color:var(--lk-danger);padding:6px;border-radius:6px;font-size:12px}
.lk-error{border:1px solid var(--lk-danger);color:var(--lk-danger);padding:12px;border-radius:8px}
.lk-icon{display:inline-block;line-height:1}
.lk-select-img{display:grid;grid-template-columns:repeat(auto-fill,minmax(100px,1fr));gap:8px}.lk-select-img label{display:flex;flex-direction:column;gap:4px}
"#;

/// The stylesheet of every rendered card: the rules above, one rule per template and colour
/// in both themes, and the table pager's rules.
pub(crate) fn stylesheet() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(|| {
        let mut css = String::from(BASE_CSS);
        for (name, light, dark, accent) in TEMPLATES {
            let _ = writeln!(
                css,
                ".lk-card .lk-h-{name}{{--lk-h-bg:{light}}}.lk-card.lk-dark .lk-h-{name}{{--lk-h-bg:{dark}}}.lk-h-{name} .lk-title{{color:{accent}}}.lk-dark .lk-h-{name} .lk-title{{color:var(--lk-fg)}}"
            );
        }
        for (name, light, dark) in COLORS {
            let _ = writeln!(
                css,
                ".lk-c-{name}{{color:{light}}}.lk-dark .lk-c-{name}{{color:{dark}}}.lk-tag-{name}{{--lk-tag-fg:{light};--lk-tag-bg:color-mix(in srgb,{light} 16%,transparent)}}.lk-dark .lk-tag-{name}{{--lk-tag-fg:{dark}}}"
            );
        }
        for page in 1..=MAX_TABLE_PAGES {
            let _ = writeln!(
                css,
                ".lk-table-box:has(.lk-pg-{page}:checked) .lk-page{{display:none}}.lk-table-box:has(.lk-pg-{page}:checked) .lk-page-{page}{{display:table-row-group}}"
            );
        }
        css
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_accept_only_pixels() {
        assert_eq!(lengths("16px 0px 0 4px").as_deref(), Some("16px 0px 0 4px"));
        assert_eq!(lengths("1px;background:url(x)"), None);
        assert_eq!(lengths("1em"), None);
        assert_eq!(spacing("large").as_deref(), Some("12px"));
    }

    #[test]
    fn urls_keep_only_safe_schemes() {
        assert!(safe_url("javascript:alert(1)").is_none());
        assert!(safe_url(" JavaScript:alert(1)").is_none());
        assert!(safe_url("data:text/html,x").is_none());
        assert!(safe_url("https://open.feishu.cn").is_some());
    }
}

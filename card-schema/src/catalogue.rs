//! The card schema: every object, element, enumeration and placement rule, written once.
//!
//! Sources: Lark's own pages, one per component and structure, card JSON 1.0 and 2.0 (each
//! object names its pages in [`ObjectDef::pages`]), read field by field; and the cards of Lark's
//! own examples, which use values the tables do not list (those values are kept open, with a
//! comment saying why). Where two pages disagree, the looser one wins and a comment says so.
//! Read by the `card!` checker, the runtime validator, the emulator and the generator of the
//! typed model.

use crate::def::{
    Accepts, EnumDef, Field, Kind, Need, ObjectDef, Pattern, Placement, Rule, Since, Slot,
    StyleSet, UnionDef, Version,
};

// ---------------------------------------------------------------------------------------------
// Pages: the official URL of every page the schema was read from.

macro_rules! page {
    ($path:literal) => {
        concat!("https://open.feishu.cn/document/feishu-cards/", $path)
    };
}
macro_rules! v1_page {
    ($path:literal) => {
        concat!(
            "https://open.feishu.cn/document/feishu-cards/card-components/",
            $path
        )
    };
}
macro_rules! v2_page {
    ($path:literal) => {
        concat!(
            "https://open.feishu.cn/document/feishu-cards/card-json-v2-components/",
            $path
        )
    };
}

/// Card JSON 1.0 structure.
pub const PAGE_STRUCTURE_V1: &str = page!("card-json-structure");
/// Card JSON 2.0 structure.
pub const PAGE_STRUCTURE_V2: &str = page!("card-json-v2-structure");
/// What changed from 1.0 to 2.0.
pub const PAGE_V2_CHANGES: &str = page!("card-json-v2-breaking-changes-release-notes");
/// Interactions: `behaviors`.
pub const PAGE_INTERACTIONS: &str = page!("configuring-card-interactions");
/// Multi-language content: `i18n_*` fields.
pub const PAGE_I18N: &str = page!("configure-multi-language-content");
/// The colour enumeration: named colours, shades, custom RGBA colours.
pub const PAGE_COLORS: &str = page!("enumerations-for-fields-related-to-color");
/// Streaming updates: `streaming_mode`, `streaming_config`.
pub const PAGE_STREAMING: &str =
    "https://open.feishu.cn/document/cardkit-v1/streaming-updates-openapi-overview";

const TITLE: [&str; 2] = [
    v1_page!("content-components/title"),
    v2_page!("content-components/title"),
];
const PLAIN_TEXT_PAGES: [&str; 2] = [
    v1_page!("content-components/plain-text"),
    v2_page!("content-components/plain-text"),
];
const RICH_TEXT: [&str; 2] = [
    v1_page!("content-components/rich-text"),
    v2_page!("content-components/rich-text"),
];
const IMAGE: [&str; 2] = [
    v1_page!("content-components/image"),
    v2_page!("content-components/image"),
];
const MULTI_IMAGE: [&str; 2] = [
    v1_page!("content-components/multi-image-laylout"),
    v2_page!("content-components/multi-image-laylout"),
];
const DIVIDER: [&str; 2] = [
    v1_page!("content-components/divider"),
    v2_page!("content-components/divider"),
];
const USER_PROFILE: [&str; 2] = [
    v1_page!("content-components/user-profile"),
    v2_page!("content-components/user-profile"),
];
const USER_LIST: [&str; 2] = [
    v1_page!("content-components/user-list"),
    v2_page!("content-components/user-list"),
];
const CHART_PAGES: [&str; 2] = [
    v1_page!("content-components/chart"),
    v2_page!("content-components/chart"),
];
const TABLE_PAGES: [&str; 2] = [
    v1_page!("content-components/table"),
    v2_page!("content-components/table"),
];
const NOTE_PAGES: [&str; 1] = [v1_page!("content-components/note")];
const AUDIO_PAGES: [&str; 1] = [v2_page!("content-components/audio")];
const COLUMN_SET_PAGES: [&str; 2] = [
    v1_page!("containers/column-set"),
    v2_page!("containers/column-set"),
];
const FORM_PAGES: [&str; 2] = [
    v1_page!("containers/form-container"),
    v2_page!("containers/form-container"),
];
const PANEL_PAGES: [&str; 2] = [
    v1_page!("containers/collapsible-panel"),
    v2_page!("containers/collapsible-panel"),
];
const INTERACTIVE_PAGES: [&str; 2] = [
    v1_page!("containers/interactive-container"),
    v2_page!("containers/interactive-container"),
];
const BUTTON_PAGES: [&str; 2] = [
    v1_page!("interactive-components/button"),
    v2_page!("interactive-components/button"),
];
const OVERFLOW_PAGES: [&str; 2] = [
    v1_page!("interactive-components/overflow"),
    v2_page!("interactive-components/overflow"),
];
const SELECT_PAGES: [&str; 2] = [
    v1_page!("interactive-components/single-select-dropdown-menu"),
    v2_page!("interactive-components/single-select-dropdown-menu"),
];
const MULTI_SELECT_PAGES: [&str; 2] = [
    v1_page!("interactive-components/multi-select-dropdown-menu"),
    v2_page!("interactive-components/multi-select-dropdown-menu"),
];
const PERSON_PICKER_PAGES: [&str; 2] = [
    v1_page!("interactive-components/single-select-user-picker"),
    v2_page!("interactive-components/single-select-user-picker"),
];
const MULTI_PERSON_PICKER_PAGES: [&str; 2] = [
    v1_page!("interactive-components/multi-select-user-picker"),
    v2_page!("interactive-components/multi-select-user-picker"),
];
const DATE_PICKER_PAGES: [&str; 2] = [
    v1_page!("interactive-components/date-picker"),
    v2_page!("interactive-components/date-picker"),
];
const TIME_PICKER_PAGES: [&str; 2] = [
    v1_page!("interactive-components/time-selector"),
    v2_page!("interactive-components/time-selector"),
];
const DATETIME_PICKER_PAGES: [&str; 2] = [
    v1_page!("interactive-components/date-time-picker"),
    v2_page!("interactive-components/date-time-picker"),
];
const INPUT_PAGES: [&str; 2] = [
    v1_page!("interactive-components/input"),
    v2_page!("interactive-components/input"),
];
const CHECKER_PAGES: [&str; 2] = [
    v1_page!("interactive-components/checker"),
    v2_page!("interactive-components/checker"),
];
const IMAGE_PICKER_PAGES: [&str; 2] = [
    v1_page!("interactive-components/image-picker"),
    v2_page!("interactive-components/image-picker"),
];
const STRUCTURE: [&str; 2] = [PAGE_STRUCTURE_V1, PAGE_STRUCTURE_V2];
/// The 1.0 action module page (`"tag": "action"`), from the legacy message-card docs.
const ACTION_PAGES: [&str; 1] =
    ["https://open.feishu.cn/document/ukTMukTMukTM/uYzM3QjL2MzN04iNzcDN/component-list/common-components-and-elements"];

// ---------------------------------------------------------------------------------------------
// Field constructors: the table below reads as "name, kind, what it means".

const fn opt(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field {
        name,
        kind,
        need: Need::Optional,
        since: Since::Both,
        deprecated: None,
        doc,
        other_version: None,
    }
}

const fn req(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field {
        need: Need::Required,
        ..opt(name, kind, doc)
    }
}

const fn v1(field: Field) -> Field {
    Field {
        since: Since::V1Only,
        ..field
    }
}

const fn v2(field: Field) -> Field {
    Field {
        since: Since::V2Only,
        ..field
    }
}

/// A field of one version, with how to write the same in the other version.
const fn elsewhere(field: Field, other_version: &'static str) -> Field {
    Field {
        other_version: Some(other_version),
        ..field
    }
}

const fn deprecated(field: Field, note: &'static str) -> Field {
    Field {
        deprecated: Some(note),
        ..field
    }
}

const STR: Kind = Kind::String;
const MD: Kind = Kind::Markdown;
const BOOL: Kind = Kind::Bool;
const NUM: Kind = Kind::Number;
const JSON: Kind = Kind::Json;
const TEXT: Kind = Kind::Union(&TEXT_OBJECT);
const LINES: Kind = Kind::Integer { min: 1, max: 1000 };

const fn obj(def: &'static ObjectDef) -> Kind {
    Kind::Object(def)
}

const fn one_of(def: &'static EnumDef) -> Kind {
    Kind::Enum(def)
}

// ---------------------------------------------------------------------------------------------
// Patterns.

fn is_px(s: &str) -> bool {
    s.strip_suffix("px").is_some_and(|n| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !n.starts_with('.')
    })
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_date(s: &str) -> bool {
    // Lark's own examples write both `2020-09-20` and `2020-9-20`.
    let one_or_two = |p: &str| is_digits(p, 1) || is_digits(p, 2);
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3 && is_digits(parts[0], 4) && one_or_two(parts[1]) && one_or_two(parts[2])
}

fn is_time(s: &str) -> bool {
    s.split_once(':')
        .is_some_and(|(h, m)| is_digits(h, 2) && is_digits(m, 2))
}

fn is_datetime(s: &str) -> bool {
    s.split_once(' ')
        .is_some_and(|(d, t)| is_date(d) && is_time(t))
}

fn is_px_or_empty(s: &str) -> bool {
    s.is_empty() || is_px(s)
}

fn is_percent(s: &str) -> bool {
    s.strip_suffix('%').is_some_and(|n| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !n.starts_with('.')
    })
}

fn is_px_or_percent(s: &str) -> bool {
    is_px(s) || is_percent(s)
}

/// The hues of Lark's colour palette (the colour enumeration page). Each is a colour name,
/// and so is each hue followed by one of its shades (`blue-50` .. `blue-900`, `grey-00` ..
/// `grey-1000`).
const HUES: &[&str] = &[
    "blue",
    "carmine",
    "green",
    "indigo",
    "lime",
    "orange",
    "purple",
    "red",
    "sunflower",
    "turquoise",
    "violet",
    "wathet",
    "yellow",
];
/// The shades of every hue but grey.
const SHADES: &[&str] = &[
    "50", "100", "200", "300", "350", "400", "500", "600", "700", "800", "900",
];
/// The shades of grey, the neutral hue.
const GREY_SHADES: &[&str] = &[
    "00", "50", "100", "200", "300", "350", "400", "500", "600", "650", "700", "800", "900", "950",
    "1000",
];

fn is_palette_shade(s: &str) -> bool {
    s.rsplit_once('-').is_some_and(|(hue, shade)| {
        (HUES.contains(&hue) && SHADES.contains(&shade))
            || (hue == "grey" && GREY_SHADES.contains(&shade))
    })
}

fn is_colour(s: &str) -> bool {
    // `""` is how the docs' own cards (collapsible panel icons) ask for the default colour.
    s.is_empty() || is_palette_shade(s)
}

/// `element_id`: a letter, then letters, digits or `_`; at most 20 characters.
pub fn is_element_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= crate::lark::limits::MAX_ELEMENT_ID_CHARS
}

/// A size in pixels, `"12px"`.
pub static PX: Pattern = Pattern {
    expected: "a size in pixels such as `12px`",
    matches: is_px,
    identity: false,
};
/// A size in pixels or a percentage, `"12px"`, `"25%"`.
pub static PX_OR_PERCENT: Pattern = Pattern {
    expected: "a size in pixels such as `12px` or a percentage such as `25%`",
    matches: is_px_or_percent,
    identity: false,
};
/// A palette colour with its shade, `"grey-500"` (or `""` for the default).
pub static PALETTE: Pattern = Pattern {
    expected: "a palette colour with its shade such as `grey-500` or `blue-350`",
    matches: is_colour,
    identity: false,
};
/// Pixels, or empty for the default.
pub static PX_OR_EMPTY: Pattern = Pattern {
    expected: "a size in pixels such as `12px` (or `\"\"` for the default)",
    matches: is_px_or_empty,
    identity: false,
};
/// `yyyy-MM-dd`.
pub static DATE: Pattern = Pattern {
    expected: "a date written `yyyy-MM-dd`",
    matches: is_date,
    identity: false,
};
/// `HH:mm`.
pub static TIME: Pattern = Pattern {
    expected: "a time written `HH:mm`",
    matches: is_time,
    identity: false,
};
/// `yyyy-MM-dd HH:mm`.
pub static DATETIME: Pattern = Pattern {
    expected: "a date and time written `yyyy-MM-dd HH:mm`",
    matches: is_datetime,
    identity: false,
};
/// An `element_id`.
pub static ELEMENT_ID: Pattern = Pattern {
    expected: "an id of at most 20 letters, digits or `_`, starting with a letter",
    matches: is_element_id,
    identity: true,
};

// ---------------------------------------------------------------------------------------------
// Enumerations.

const fn closed(
    rust_name: &'static str,
    what: &'static str,
    values: &'static [(&'static str, &'static str)],
) -> EnumDef {
    EnumDef {
        rust_name,
        what,
        values,
        open: None,
        custom: None,
    }
}

const fn open(
    rust_name: &'static str,
    what: &'static str,
    values: &'static [(&'static str, &'static str)],
    pattern: &'static Pattern,
) -> EnumDef {
    EnumDef {
        open: Some(pattern),
        ..closed(rust_name, what, values)
    }
}

/// `schema`: the card JSON version. `"1.0"` is what a 1.0 card may write explicitly (the 2.0
/// release notes show it); leaving it out means 1.0 too.
pub static SCHEMA_VERSION: EnumDef = closed(
    "SchemaVersion",
    "card schema version",
    &[("2.0", "V2"), ("1.0", "V1")],
);

/// `config.width_mode`.
pub static WIDTH_MODE: EnumDef = closed(
    "WidthMode",
    "width mode",
    &[
        ("default", "Default"),
        ("compact", "Compact"),
        ("fill", "Fill"),
    ],
);

/// `header.template`.
pub static HEADER_TEMPLATE: EnumDef = closed(
    "HeaderTemplate",
    "header template colour",
    &[
        ("blue", "Blue"),
        ("wathet", "Wathet"),
        ("turquoise", "Turquoise"),
        ("green", "Green"),
        ("yellow", "Yellow"),
        ("orange", "Orange"),
        ("red", "Red"),
        ("carmine", "Carmine"),
        ("violet", "Violet"),
        ("purple", "Purple"),
        ("indigo", "Indigo"),
        ("grey", "Grey"),
        ("default", "Default"),
    ],
);

/// `text_tag.color`.
pub static TEXT_TAG_COLOR: EnumDef = closed(
    "TextTagColor",
    "text tag colour",
    &[
        ("neutral", "Neutral"),
        ("blue", "Blue"),
        ("turquoise", "Turquoise"),
        ("lime", "Lime"),
        ("orange", "Orange"),
        ("violet", "Violet"),
        ("indigo", "Indigo"),
        ("wathet", "Wathet"),
        ("green", "Green"),
        ("yellow", "Yellow"),
        ("red", "Red"),
        ("purple", "Purple"),
        ("carmine", "Carmine"),
    ],
);

/// A colour: a named colour, a palette colour with its shade (`grey-500`), or a custom
/// colour the card declares in `config.style.color`. Anything else is refused: no Lark SDK
/// checks this, and a misspelt colour silently renders as the default.
pub static COLOR: EnumDef = EnumDef {
    custom: Some(StyleSet::Color),
    ..open(
        "Color",
        "colour",
        &[
            ("default", "Default"),
            ("grey", "Grey"),
            ("blue", "Blue"),
            ("wathet", "Wathet"),
            ("turquoise", "Turquoise"),
            ("green", "Green"),
            ("lime", "Lime"),
            ("yellow", "Yellow"),
            ("orange", "Orange"),
            ("red", "Red"),
            ("carmine", "Carmine"),
            ("violet", "Violet"),
            ("purple", "Purple"),
            ("indigo", "Indigo"),
            ("neutral", "Neutral"),
            ("sunflower", "Sunflower"),
            ("white", "White"),
            ("bg-white", "BgWhite"),
            // Not on the colour page, but written by Lark's own cards: `light_grey` by the 2.0
            // form page's icons, `laser` by the interactive container pages (its gradient).
            ("light_grey", "LightGrey"),
            ("laser", "Laser"),
        ],
        &PALETTE,
    )
};

/// `text_size`: a named size or a custom size the card declares in `config.style.text_size`.
/// Lark renders an unknown size as `normal`, so a misspelt size is refused here.
pub static TEXT_SIZE: EnumDef = EnumDef {
    custom: Some(StyleSet::TextSize),
    ..closed(
        "TextSize",
        "text size",
        &[
            ("heading-0", "Heading0"),
            ("heading-1", "Heading1"),
            ("heading-2", "Heading2"),
            ("heading-3", "Heading3"),
            ("heading-4", "Heading4"),
            ("heading", "Heading"),
            ("normal", "Normal"),
            ("notation", "Notation"),
            ("xxxx-large", "XxxxLarge"),
            ("xxx-large", "XxxLarge"),
            ("xx-large", "XxLarge"),
            ("x-large", "XLarge"),
            ("large", "Large"),
            ("medium", "Medium"),
            ("small", "Small"),
            ("x-small", "XSmall"),
        ],
    )
};

/// `text_align`, `horizontal_align`.
pub static TEXT_ALIGN: EnumDef = closed(
    "TextAlign",
    "text alignment",
    &[("left", "Left"), ("center", "Center"), ("right", "Right")],
);

/// `vertical_align`.
pub static VERTICAL_ALIGN: EnumDef = closed(
    "VerticalAlign",
    "vertical alignment",
    &[("top", "Top"), ("center", "Center"), ("bottom", "Bottom")],
);

/// `direction` of a 2.0 container.
pub static DIRECTION: EnumDef = closed(
    "Direction",
    "direction",
    &[("vertical", "Vertical"), ("horizontal", "Horizontal")],
);

/// Spacing between elements: a named step or pixels (`""` in the docs' own cards).
pub static SPACING: EnumDef = open(
    "Spacing",
    "spacing",
    &[
        ("default", "Default"),
        ("small", "Small"),
        ("medium", "Medium"),
        ("large", "Large"),
        ("extra_large", "ExtraLarge"),
    ],
    &PX_OR_EMPTY,
);

/// `button.type`.
pub static BUTTON_TYPE: EnumDef = closed(
    "ButtonType",
    "button type",
    &[
        ("default", "Default"),
        ("primary", "Primary"),
        ("danger", "Danger"),
        ("text", "Text"),
        ("primary_text", "PrimaryText"),
        ("danger_text", "DangerText"),
        ("primary_filled", "PrimaryFilled"),
        ("danger_filled", "DangerFilled"),
        ("laser", "Laser"),
    ],
);

/// `button.size`.
pub static BUTTON_SIZE: EnumDef = closed(
    "ButtonSize",
    "button size",
    &[
        ("tiny", "Tiny"),
        ("small", "Small"),
        ("medium", "Medium"),
        ("large", "Large"),
    ],
);

/// `width` of buttons and form controls: `default`, `fill` or pixels.
pub static WIDTH: EnumDef = open(
    "Width",
    "width",
    &[("default", "Default"), ("fill", "Fill")],
    &PX,
);

/// `div.width` (2.0): `fill`, `auto` or pixels.
pub static TEXT_WIDTH: EnumDef = open(
    "TextWidth",
    "text width",
    &[("fill", "Fill"), ("auto", "Auto")],
    &PX,
);

/// `interactive_container.width`: `fill`, `auto` or pixels.
pub static CONTAINER_WIDTH: EnumDef = open(
    "ContainerWidth",
    "container width",
    &[("fill", "Fill"), ("auto", "Auto")],
    &PX,
);

/// `select_img.layout`.
pub static SELECT_IMG_LAYOUT: EnumDef = closed(
    "SelectImgLayout",
    "image picker layout",
    &[
        ("stretch", "Stretch"),
        ("bisect", "Bisect"),
        ("trisect", "Trisect"),
    ],
);

/// `select_img.aspect_ratio`.
pub static IMG_ASPECT_RATIO: EnumDef = closed(
    "ImgAspectRatio",
    "image aspect ratio",
    &[
        ("1:1", "Square"),
        ("16:9", "SixteenToNine"),
        ("4:3", "FourToThree"),
    ],
);

/// `select_img.style` (1.0).
pub static SELECT_IMG_STYLE: EnumDef = closed(
    "SelectImgStyle",
    "image picker style",
    &[("default", "Default"), ("laser", "Laser")],
);

/// `column.width`: `auto`, `weighted` or pixels.
pub static COLUMN_WIDTH: EnumDef = open(
    "ColumnWidth",
    "column width",
    &[("auto", "Auto"), ("weighted", "Weighted")],
    &PX,
);

/// `column_set.flex_mode`.
pub static FLEX_MODE: EnumDef = closed(
    "FlexMode",
    "flex mode",
    &[
        ("none", "None"),
        ("stretch", "Stretch"),
        ("flow", "Flow"),
        ("bisect", "Bisect"),
        ("trisect", "Trisect"),
    ],
);

/// `action.layout`.
pub static ACTION_LAYOUT: EnumDef = closed(
    "ActionLayout",
    "action layout",
    &[
        ("default", "Default"),
        ("bisected", "Bisected"),
        ("trisection", "Trisection"),
        ("flow", "Flow"),
    ],
);

/// `button.action_type` inside a form (the older name of `form_action_type`).
pub static FORM_ACTION_TYPE: EnumDef = closed(
    "FormActionType",
    "form action type",
    &[
        ("link", "Link"),
        ("request", "Request"),
        ("multi", "Multi"),
        ("form_submit", "FormSubmit"),
        ("form_reset", "FormReset"),
    ],
);

/// `form_action` behavior, `button.form_action_type`.
pub static FORM_BEHAVIOR: EnumDef = closed(
    "FormBehavior",
    "form behavior",
    &[("submit", "Submit"), ("reset", "Reset")],
);

/// `img.scale_type`.
pub static IMG_SCALE_TYPE: EnumDef = closed(
    "ImgScaleType",
    "image scale type",
    &[
        ("crop_center", "CropCenter"),
        ("crop_top", "CropTop"),
        ("fit_horizontal", "FitHorizontal"),
    ],
);

/// `img.mode` (a historic field).
pub static IMG_MODE: EnumDef = closed(
    "ImgMode",
    "image mode",
    &[
        ("crop_center", "CropCenter"),
        ("fit_horizontal", "FitHorizontal"),
        ("stretch", "Stretch"),
        ("large", "Large"),
        ("medium", "Medium"),
        ("small", "Small"),
        ("tiny", "Tiny"),
    ],
);

/// `input.input_type`.
pub static INPUT_TYPE: EnumDef = closed(
    "InputType",
    "input type",
    &[
        ("text", "Text"),
        ("multiline_text", "MultilineText"),
        ("password", "Password"),
    ],
);

/// `input.label_position`.
pub static LABEL_POSITION: EnumDef = closed(
    "LabelPosition",
    "label position",
    &[("top", "Top"), ("left", "Left")],
);

/// Border style of selects and pickers (`type`).
pub static SELECT_TYPE: EnumDef = closed(
    "SelectType",
    "select style",
    &[("default", "Default"), ("text", "Text")],
);

/// Size of a `person` / `person_list` avatar.
pub static PERSON_SIZE: EnumDef = closed(
    "PersonSize",
    "person size",
    &[
        ("extra_small", "ExtraSmall"),
        ("small", "Small"),
        ("medium", "Medium"),
        ("large", "Large"),
    ],
);

/// `person.style`.
pub static PERSON_STYLE: EnumDef = closed(
    "PersonStyle",
    "person style",
    &[("normal", "Normal"), ("capsule", "Capsule")],
);

/// `chart.aspect_ratio`.
pub static ASPECT_RATIO: EnumDef = closed(
    "AspectRatio",
    "chart aspect ratio",
    &[
        ("1:1", "Square"),
        ("2:1", "TwoToOne"),
        ("4:3", "FourToThree"),
        ("16:9", "SixteenToNine"),
    ],
);

/// `chart.color_theme`.
pub static COLOR_THEME: EnumDef = closed(
    "ColorTheme",
    "chart colour theme",
    &[
        ("brand", "Brand"),
        ("rainbow", "Rainbow"),
        ("complementary", "Complementary"),
        ("converse", "Converse"),
        ("primary", "Primary"),
    ],
);

/// `table.row_height`: a named height or pixels.
pub static ROW_HEIGHT: EnumDef = open(
    "RowHeight",
    "row height",
    &[
        ("low", "Low"),
        ("middle", "Middle"),
        ("high", "High"),
        ("auto", "Auto"),
    ],
    &PX,
);

/// `table.columns[].data_type`.
pub static TABLE_DATA_TYPE: EnumDef = closed(
    "TableDataType",
    "table data type",
    &[
        ("text", "Text"),
        ("lark_md", "LarkMd"),
        ("markdown", "Markdown"),
        ("options", "Options"),
        ("number", "Number"),
        ("persons", "Persons"),
        ("date", "Date"),
    ],
);

/// `table.columns[].width`: `auto`, pixels or a percentage.
pub static TABLE_COLUMN_WIDTH: EnumDef = open(
    "TableColumnWidth",
    "table column width",
    &[("auto", "Auto")],
    &PX_OR_PERCENT,
);

/// `table.header_style.text_size`.
pub static TABLE_HEADER_TEXT_SIZE: EnumDef = closed(
    "TableHeaderTextSize",
    "table header text size",
    &[("normal", "Normal"), ("heading", "Heading")],
);

/// `table.header_style.background_style`.
pub static TABLE_HEADER_BACKGROUND: EnumDef = closed(
    "TableHeaderBackground",
    "table header background",
    &[("none", "None"), ("grey", "Grey")],
);

/// `table.header_style.text_color`.
pub static TABLE_HEADER_TEXT_COLOR: EnumDef = closed(
    "TableHeaderTextColor",
    "table header text colour",
    &[("default", "Default"), ("grey", "Grey")],
);

/// `icon.tag`.
pub static ICON_TAG: EnumDef = closed(
    "IconTag",
    "icon kind",
    &[
        ("standard_icon", "StandardIcon"),
        ("custom_icon", "CustomIcon"),
    ],
);

/// `text_tag.tag`.
pub static TEXT_TAG_TAG: EnumDef = closed("TextTagTag", "text tag", &[("text_tag", "TextTag")]);

/// `img_combination.combination_mode`.
pub static COMBINATION_MODE: EnumDef = closed(
    "CombinationMode",
    "image combination mode",
    &[
        ("double", "Double"),
        ("triple", "Triple"),
        ("bisect", "Bisect"),
        ("trisect", "Trisect"),
    ],
);

/// `config.streaming_config.print_strategy`.
pub static STREAMING_STRATEGY: EnumDef = closed(
    "PrintStrategy",
    "streaming print strategy",
    &[("fast", "Fast"), ("delay", "Delay")],
);

/// `fallback.trigger_conditions[].type` (1.0 card-wide fallback).
pub static FALLBACK_CONDITION_TYPE: EnumDef = closed(
    "FallbackConditionType",
    "fallback condition",
    &[
        ("min_client_version", "MinClientVersion"),
        ("element_tags", "ElementTags"),
    ],
);

/// `collapsible_panel.header.width` (2.0).
pub static PANEL_HEADER_WIDTH: EnumDef = closed(
    "PanelHeaderWidth",
    "panel header width",
    &[
        ("fill", "Fill"),
        ("auto", "Auto"),
        ("auto_when_fold", "AutoWhenFold"),
    ],
);

/// `collapsible_panel.header.icon_position`.
pub static ICON_POSITION: EnumDef = closed(
    "IconPosition",
    "icon position",
    &[
        ("left", "Left"),
        ("right", "Right"),
        ("follow_text", "FollowText"),
    ],
);

/// `checker.button_area.pc_display_rule`.
pub static PC_DISPLAY_RULE: EnumDef = closed(
    "PcDisplayRule",
    "button display rule",
    &[("always", "Always"), ("on_hover", "OnHover")],
);

/// `audio.time_display`.
pub static TIME_DISPLAY: EnumDef = closed(
    "TimeDisplay",
    "time display",
    &[("default", "Default"), ("both", "Both")],
);

/// `audio.time_position`.
pub static TIME_POSITION: EnumDef = closed(
    "TimePosition",
    "time position",
    &[
        ("end", "End"),
        ("start", "Start"),
        ("both_sides", "BothSides"),
    ],
);

/// `audio.style`: the play button.
pub static AUDIO_STYLE: EnumDef = closed(
    "AudioStyle",
    "audio style",
    &[("normal", "Normal"), ("flat", "Flat"), ("speak", "Speak")],
);

/// `column.tag`: always `column`.
pub static COLUMN_TAG: EnumDef = closed("ColumnTag", "column tag", &[("column", "Column")]);

/// Every enumeration, for the generator of the typed model.
pub static ENUMS: &[&EnumDef] = &[
    &SCHEMA_VERSION,
    &SELECT_IMG_LAYOUT,
    &IMG_ASPECT_RATIO,
    &SELECT_IMG_STYLE,
    &CONTAINER_WIDTH,
    &WIDTH_MODE,
    &HEADER_TEMPLATE,
    &TEXT_TAG_COLOR,
    &COLOR,
    &TEXT_SIZE,
    &TEXT_ALIGN,
    &VERTICAL_ALIGN,
    &DIRECTION,
    &SPACING,
    &BUTTON_TYPE,
    &BUTTON_SIZE,
    &WIDTH,
    &TEXT_WIDTH,
    &COLUMN_WIDTH,
    &FLEX_MODE,
    &ACTION_LAYOUT,
    &FORM_ACTION_TYPE,
    &FORM_BEHAVIOR,
    &IMG_SCALE_TYPE,
    &IMG_MODE,
    &INPUT_TYPE,
    &LABEL_POSITION,
    &SELECT_TYPE,
    &PERSON_SIZE,
    &PERSON_STYLE,
    &ASPECT_RATIO,
    &COLOR_THEME,
    &ROW_HEIGHT,
    &TABLE_DATA_TYPE,
    &TABLE_COLUMN_WIDTH,
    &TABLE_HEADER_TEXT_SIZE,
    &TABLE_HEADER_BACKGROUND,
    &TABLE_HEADER_TEXT_COLOR,
    &ICON_TAG,
    &TEXT_TAG_TAG,
    &COMBINATION_MODE,
    &STREAMING_STRATEGY,
    &FALLBACK_CONDITION_TYPE,
    &PANEL_HEADER_WIDTH,
    &ICON_POSITION,
    &PC_DISPLAY_RULE,
    &TIME_DISPLAY,
    &TIME_POSITION,
    &AUDIO_STYLE,
    &COLUMN_TAG,
];

// ---------------------------------------------------------------------------------------------
// Shared objects.

const fn object(
    name: &'static str,
    rust_name: &'static str,
    doc: &'static str,
    pages: &'static [&'static str],
    fields: &'static [Field],
) -> ObjectDef {
    ObjectDef {
        name,
        rust_name,
        doc,
        since: Since::Both,
        fields,
        rules: &[],
        container: None,
        pages,
        other_version: None,
        counts_as_element: false,
    }
}

// Fields that many objects share, each with one meaning.
const CONTENT: Field = opt("content", STR, "The text shown.");
const I18N_CONTENT: Field = opt(
    "i18n_content",
    Kind::Map(&STR),
    "The text per locale (`zh_cn`, `en_us`, ...), used instead of `content` for that locale.",
);
const TEXT_ELEMENT_ID: Field = v2(opt(
    "element_id",
    Kind::Pattern(&ELEMENT_ID),
    "An id unique in the card, to address this text in later updates (2.0).",
));
const TEXT_SIZE_FIELD: Field = opt(
    "text_size",
    one_of(&TEXT_SIZE),
    "Font size: a named size or one declared in `config.style.text_size`.",
);
const TEXT_COLOR_FIELD: Field = opt(
    "text_color",
    one_of(&COLOR),
    "Text colour (plain text only): a named colour or one declared in `config.style.color`.",
);
const TEXT_ALIGN_FIELD: Field = opt(
    "text_align",
    one_of(&TEXT_ALIGN),
    "Horizontal alignment of the text.",
);
const TEXT_LINES: Field = opt(
    "lines",
    LINES,
    "Most lines shown; longer text ends with `...`.",
);

/// Text object `{"tag": "plain_text", ...}`. Inside an element (a `div`'s text, a button's),
/// Lark counts it towards the card's element limit (300305: "plain_text elements count").
pub static PLAIN_TEXT: ObjectDef = ObjectDef {
    counts_as_element: true,
    ..object(
        "plain_text",
        "PlainText",
        "Plain text, shown as written.",
        &PLAIN_TEXT_PAGES,
        &[
            CONTENT,
            opt(
                "i18n",
                Kind::Map(&STR),
                "The text per locale, the header's older name of `i18n_content`.",
            ),
            I18N_CONTENT,
            TEXT_LINES,
            TEXT_SIZE_FIELD,
            TEXT_COLOR_FIELD,
            TEXT_ALIGN_FIELD,
            TEXT_ELEMENT_ID,
        ],
    )
};

const MD_I18N: Field = opt(
    "i18n",
    Kind::Map(&MD),
    "The Markdown per locale (header titles).",
);
const MD_I18N_CONTENT: Field = opt(
    "i18n_content",
    Kind::Map(&MD),
    "The Markdown per locale, used instead of `content` for that locale.",
);
const URL_SET_KIND: Kind = obj(&URL_SET);
const MD_HREF: Field = v1(opt(
    "href",
    Kind::Map(&URL_SET_KIND),
    "Links by name, for `[text]($name)` in the content, with per-platform URLs (1.0).",
));

/// Text object `{"tag": "lark_md", ...}`.
pub static LARK_MD: ObjectDef = object(
    "lark_md",
    "LarkMd",
    "Text in Lark's Markdown subset: mentions, links, emphasis.",
    &PLAIN_TEXT_PAGES,
    &[
        opt("content", MD, "The Markdown source."),
        MD_I18N,
        MD_I18N_CONTENT,
        TEXT_LINES,
        TEXT_SIZE_FIELD,
        TEXT_COLOR_FIELD,
        TEXT_ALIGN_FIELD,
        MD_HREF,
        TEXT_ELEMENT_ID,
    ],
);

/// Text object `{"tag": "markdown", ...}` (a collapsible panel's title, say): the fields of
/// `lark_md`, and the same Rust struct, with `content` required.
pub static MARKDOWN_TEXT: ObjectDef = object(
    "markdown",
    "LarkMd",
    "Text in Lark's Markdown subset: mentions, links, emphasis.",
    &PLAIN_TEXT_PAGES,
    &[
        req("content", MD, "The Markdown source."),
        MD_I18N,
        MD_I18N_CONTENT,
        TEXT_LINES,
        TEXT_SIZE_FIELD,
        TEXT_COLOR_FIELD,
        TEXT_ALIGN_FIELD,
        MD_HREF,
        TEXT_ELEMENT_ID,
    ],
);

/// A text object: `plain_text` or `lark_md`.
pub static TEXT_OBJECT: UnionDef = UnionDef {
    what: "text object",
    rust_name: "Text",
    key: "tag",
    // `markdown` is how collapsible panel titles write `lark_md` in the docs' examples.
    variants: &[
        ("plain_text", &PLAIN_TEXT),
        ("lark_md", &LARK_MD),
        ("markdown", &MARKDOWN_TEXT),
    ],
    open: false,
};

/// Per-platform links: `card_link`, `multi_url`, `href` targets.
pub static URL_SET: ObjectDef = object(
    "url",
    "UrlSet",
    "A link, with optional per-platform overrides.",
    &STRUCTURE,
    &[
        opt("url", STR, "The link used where no platform link is given."),
        opt("pc_url", STR, "The link on desktop."),
        opt("ios_url", STR, "The link on iOS."),
        opt("android_url", STR, "The link on Android."),
    ],
);

/// `confirm`: a dialog shown before an interaction.
pub static CONFIRM: ObjectDef = object(
    "confirm",
    "Confirm",
    "A confirmation dialog shown before the interaction is sent.",
    &BUTTON_PAGES,
    &[
        req("title", TEXT, "The dialog's title."),
        req("text", TEXT, "The dialog's message."),
    ],
);

/// An icon (`icon`): 1.0 `{img_key}`; 2.0 `{tag, token, color, img_key}`.
pub static ICON: ObjectDef = object(
    "icon",
    "Icon",
    "An icon from the standard set (`token`) or an uploaded image (`img_key`).",
    &TITLE,
    &[
        opt(
            "tag",
            one_of(&ICON_TAG),
            "Which kind of icon: from the icon library or an uploaded image.",
        ),
        opt(
            "token",
            STR,
            "The library icon's name, such as `chat_outlined`.",
        ),
        opt("color", one_of(&COLOR), "The library icon's colour."),
        opt("img_key", STR, "The uploaded image used as the icon."),
        opt(
            "style",
            JSON,
            "Icon style (`{\"color\": ...}`), as the 1.0 header writes it.",
        ),
        opt(
            "size",
            STR,
            "Icon size, `\"16px 16px\"` (collapsible panel headers).",
        ),
    ],
);

/// `ud_icon`: a library icon in a 1.0 header or a person list.
pub static UD_ICON: ObjectDef = object(
    "ud_icon",
    "UdIcon",
    "A library icon, the older form of `icon` (1.0 headers, person lists).",
    &[TITLE[0], USER_LIST[0], USER_LIST[1]],
    &[
        opt("token", STR, "The library icon's name."),
        opt("style", JSON, "Icon style: `{\"color\": ...}`."),
    ],
);

/// A coloured tag in the header.
pub static TEXT_TAG: ObjectDef = object(
    "text_tag",
    "TextTag",
    "A coloured tag shown beside the header title.",
    &TITLE,
    &[
        req("tag", one_of(&TEXT_TAG_TAG), "Always `text_tag`."),
        v2(opt(
            "element_id",
            Kind::Pattern(&ELEMENT_ID),
            "An id unique in the card, to address the tag in later updates (2.0).",
        )),
        // The 2.0 title page marks `text` optional; the 1.0 page requires it: the looser wins.
        opt("text", TEXT, "The tag's text."),
        opt(
            "color",
            one_of(&TEXT_TAG_COLOR),
            "The tag's colour (default blue).",
        ),
    ],
);

/// `header`.
pub static HEADER: ObjectDef = object(
    "header",
    "Header",
    "The card's title bar.",
    &TITLE,
    &[
        req(
            "title",
            TEXT,
            "The main title (at most four lines are shown).",
        ),
        opt("subtitle", TEXT, "The subtitle (one line is shown)."),
        opt(
            "text_tag_list",
            Kind::Array(&obj(&TEXT_TAG)),
            "Tags after the title (the first three are shown).",
        ),
        opt(
            "i18n_text_tag_list",
            Kind::Map(&Kind::Array(&obj(&TEXT_TAG))),
            "Tags after the title, per locale; wins over `text_tag_list`.",
        ),
        opt(
            "template",
            one_of(&HEADER_TEMPLATE),
            "The title bar's colour theme.",
        ),
        opt("icon", obj(&ICON), "An icon before the title."),
        v1(opt(
            "ud_icon",
            obj(&UD_ICON),
            "A library icon before the title (1.0).",
        )),
        v2(opt(
            "padding",
            STR,
            "Inner padding, `\"12px\"` or `\"12px 8px\"` (2.0).",
        )),
    ],
);

/// `config.style`.
pub static STYLE: ObjectDef = object(
    "style",
    "Style",
    "Custom text sizes and colours, referred to by name elsewhere in the card.",
    &[PAGE_STRUCTURE_V1, PAGE_STRUCTURE_V2, PAGE_COLORS],
    &[
        opt(
            "text_size",
            Kind::Map(&JSON),
            "Custom text sizes by name: `{\"default\", \"pc\", \"mobile\"}` sizes for each.",
        ),
        opt(
            "color",
            Kind::Map(&JSON),
            "Custom colours by name: `{\"light_mode\", \"dark_mode\"}` RGBA for each.",
        ),
    ],
);

/// `config.summary` (2.0).
pub static SUMMARY: ObjectDef = object(
    "summary",
    "Summary",
    "What the chat list shows for the card.",
    &[PAGE_STRUCTURE_V2],
    &[
        opt(
            "content",
            STR,
            "The preview text (\"generating\" while streaming, by default).",
        ),
        I18N_CONTENT,
    ],
);

/// `streaming_config.print_frequency_ms`, `streaming_config.print_step`: a number per platform.
pub static PER_PLATFORM: ObjectDef = object(
    "per-platform number",
    "PerPlatform",
    "A number for every platform, with per-platform overrides.",
    &[PAGE_STREAMING],
    &[
        // Required on the streaming page; optional here, as the structure page's skeleton
        // leaves the whole object out.
        opt(
            "default",
            NUM,
            "The value on every platform without its own.",
        ),
        opt("android", NUM, "The value on Android."),
        opt("ios", NUM, "The value on iOS."),
        opt("pc", NUM, "The value on desktop."),
    ],
);

/// `config.streaming_config` (2.0).
pub static STREAMING_CONFIG: ObjectDef = object(
    "streaming_config",
    "StreamingConfig",
    "How streamed text is printed.",
    &[PAGE_STRUCTURE_V2, PAGE_STREAMING],
    &[
        opt(
            "print_frequency_ms",
            obj(&PER_PLATFORM),
            "Milliseconds between printing steps, per platform (`default`, `android`, `ios`, `pc`).",
        ),
        opt(
            "print_step",
            obj(&PER_PLATFORM),
            "Characters printed per step, per platform (`default`, `android`, `ios`, `pc`).",
        ),
        opt(
            "print_strategy",
            one_of(&STREAMING_STRATEGY),
            "What happens to text not yet printed when new text arrives.",
        ),
    ],
);

/// `config`.
pub static CONFIG: ObjectDef = object(
    "config",
    "Config",
    "Card-wide behaviour: sharing, forwarding, width.",
    &STRUCTURE,
    &[
        opt("enable_forward", BOOL, "Whether the card may be forwarded (default true)."),
        opt(
            "update_multi",
            BOOL,
            "Whether the card is shared: updates show to everyone who received it.",
        ),
        opt("width_mode", one_of(&WIDTH_MODE), "Card width: default (600px), compact (400px) or fill."),
        deprecated(
            opt("compact_width", BOOL, "Compact 400px width; replaced by `width_mode`."),
            "`compact_width` is deprecated: use `\"width_mode\": \"compact\"`",
        ),
        opt(
            "use_custom_translation",
            BOOL,
            "Whether translating the message uses the card's own `i18n` texts.",
        ),
        opt(
            "enable_forward_interaction",
            BOOL,
            "Whether a forwarded card still sends interactions.",
        ),
        opt("style", obj(&STYLE), "Custom text sizes and colours the card's fields may name."),
        deprecated(
            opt("wide_screen_mode", BOOL, "Wide layout; every card now adapts to the screen."),
            "`wide_screen_mode` is deprecated and has no effect: every card now adapts to the screen width",
        ),
        v2(opt("streaming_mode", BOOL, "Whether the card is being streamed (2.0).")),
        v2(opt(
            "streaming_config",
            obj(&STREAMING_CONFIG),
            "How streamed text is printed (2.0).",
        )),
        v2(opt("summary", obj(&SUMMARY), "What the chat list shows for the card (2.0).")),
        v2(opt(
            "locales",
            Kind::Array(&STR),
            "The only locales the card shows; the others are dropped (2.0).",
        )),
    ],
);

const DIRECTION_FIELD: Field = opt(
    "direction",
    one_of(&DIRECTION),
    "How the children are laid out: in a column (vertical) or a row (horizontal).",
);
const PADDING_FIELD: Field = opt(
    "padding",
    STR,
    "Inner padding, one to four sizes: `\"4px 12px\"`.",
);
const HORIZONTAL_SPACING: Field = opt(
    "horizontal_spacing",
    one_of(&SPACING),
    "Space between children side by side: a named step or pixels.",
);
const VERTICAL_SPACING: Field = opt(
    "vertical_spacing",
    one_of(&SPACING),
    "Space between children one above the other: a named step or pixels.",
);
const HORIZONTAL_ALIGN: Field = opt(
    "horizontal_align",
    one_of(&TEXT_ALIGN),
    "How the children are aligned horizontally.",
);
const VERTICAL_ALIGN_FIELD: Field = opt(
    "vertical_align",
    one_of(&VERTICAL_ALIGN),
    "How the children are aligned vertically.",
);

/// `body` (2.0).
pub static BODY: ObjectDef = object(
    "body",
    "Body",
    "The body of a 2.0 card: its elements and their layout.",
    &[PAGE_STRUCTURE_V2],
    &[
        DIRECTION_FIELD,
        PADDING_FIELD,
        HORIZONTAL_SPACING,
        HORIZONTAL_ALIGN,
        VERTICAL_SPACING,
        VERTICAL_ALIGN_FIELD,
        req(
            "elements",
            Kind::Elements(Slot::Root),
            "The card's elements, shown in order.",
        ),
    ],
);

/// One condition of the card-wide `fallback` (1.0).
pub static FALLBACK_CONDITION: ObjectDef = object(
    "fallback condition",
    "FallbackCondition",
    "When to show the upgrade placeholder instead of the card.",
    &[PAGE_STRUCTURE_V1],
    &[
        opt(
            "type",
            one_of(&FALLBACK_CONDITION_TYPE),
            "Below which client version, or for which element tags, the fallback applies.",
        ),
        opt(
            "value",
            JSON,
            "The minimum client version (`\"7.4\"`), or the element tags (`[\"table\"]`).",
        ),
    ],
);

/// The card-wide `fallback` (1.0).
pub static CARD_FALLBACK: ObjectDef = object(
    "fallback",
    "CardFallback",
    "When older clients show Lark's upgrade placeholder instead of the card.",
    &[PAGE_STRUCTURE_V1],
    &[opt(
        "trigger_conditions",
        Kind::Array(&obj(&FALLBACK_CONDITION)),
        "Conditions, any of which shows the placeholder.",
    )],
);

/// Where a 2.0 card's elements go.
const IN_BODY: &str = "a 2.0 card puts its elements in `body.elements`";

/// The card itself: the top-level object.
pub static CARD: ObjectDef = object(
    "card",
    "CardJson",
    "A whole card, as Lark's card JSON (1.0 or 2.0).",
    &[PAGE_STRUCTURE_V1, PAGE_STRUCTURE_V2, PAGE_V2_CHANGES],
    &[
        opt(
            "schema",
            one_of(&SCHEMA_VERSION),
            "The card JSON version: `\"2.0\"`, or absent (or `\"1.0\"`) for 1.0.",
        ),
        opt("config", obj(&CONFIG), "Card-wide behaviour."),
        opt(
            "card_link",
            obj(&URL_SET),
            "Where a click anywhere on the card leads.",
        ),
        opt("header", obj(&HEADER), "The title bar."),
        opt(
            "i18n_header",
            Kind::Map(&obj(&HEADER)),
            "The title bar per locale (what the card builder exports).",
        ),
        elsewhere(
            v1(opt(
                "elements",
                Kind::Elements(Slot::Root),
                "The card's elements, shown in order (1.0).",
            )),
            IN_BODY,
        ),
        elsewhere(
            v1(opt(
                "i18n_elements",
                Kind::Map(&Kind::Elements(Slot::Root)),
                "The card's elements per locale (1.0).",
            )),
            IN_BODY,
        ),
        // The 2.0 release notes list `fallback` in the 2.0 skeleton while saying 2.0 does not
        // support it yet: the looser reading wins, so it is accepted in both versions.
        opt(
            "fallback",
            obj(&CARD_FALLBACK),
            "When older clients show an upgrade placeholder instead of the card.",
        ),
        elsewhere(
            v2(req(
                "body",
                obj(&BODY),
                "The body: elements and their layout (2.0).",
            )),
            "add `\"schema\": \"2.0\"` to make this a 2.0 card",
        ),
    ],
);

// Interaction pieces.

/// `behaviors[]` of type `open_url`.
pub static OPEN_URL: ObjectDef = object(
    "open_url",
    "OpenUrl",
    "Open a link when clicked.",
    &[PAGE_INTERACTIONS],
    &[
        // Required on the interactions page; Lark's own form examples leave it out of some
        // buttons: optional, the looser reading.
        opt(
            "default_url",
            STR,
            "The link used where no platform link is given.",
        ),
        opt(
            "android_url",
            STR,
            "The link on Android (`lark://msgcard/unsupported_action` to disable).",
        ),
        opt(
            "ios_url",
            STR,
            "The link on iOS (`lark://msgcard/unsupported_action` to disable).",
        ),
        opt(
            "pc_url",
            STR,
            "The link on desktop (`lark://msgcard/unsupported_action` to disable).",
        ),
    ],
);

/// `behaviors[]` of type `callback`.
pub static CALLBACK: ObjectDef = object(
    "callback",
    "Callback",
    "Send a callback to the app when clicked.",
    &[PAGE_INTERACTIONS],
    &[opt("value", JSON, "The data sent back in the callback.")],
);

/// `behaviors[]` of type `form_action`.
pub static FORM_ACTION: ObjectDef = object(
    "form_action",
    "FormAction",
    "Submit or reset the enclosing form.",
    &FORM_PAGES,
    &[opt("behavior", one_of(&FORM_BEHAVIOR), "Submit or reset.")],
);

/// What happens on interaction: `behaviors` entries.
pub static BEHAVIOR: UnionDef = UnionDef {
    what: "behavior",
    rust_name: "Behavior",
    key: "type",
    variants: &[
        ("open_url", &OPEN_URL),
        ("callback", &CALLBACK),
        ("form_action", &FORM_ACTION),
    ],
    open: false,
};

const BEHAVIORS: Kind = Kind::Array(&Kind::Union(&BEHAVIOR));

/// An option of `overflow` and the selects.
pub static OPTION: ObjectDef = ObjectDef {
    rules: &[
        Rule::AtMostOne(&["url", "multi_url"]),
        Rule::MaxTextChars {
            field: "text",
            max: 100,
            page: OVERFLOW_PAGES[1],
        },
    ],
    ..object(
        "option",
        "SelectOption",
        "One choice of an overflow menu or a select.",
        &[
            OVERFLOW_PAGES[0],
            OVERFLOW_PAGES[1],
            SELECT_PAGES[0],
            SELECT_PAGES[1],
        ],
        &[
            opt("text", TEXT, "The choice's label (at most 100 characters)."),
            opt(
                "value",
                STR,
                "What the callback reports when this choice is picked.",
            ),
            opt("icon", obj(&ICON), "An icon before the label."),
            opt("url", STR, "A link opened when the choice is picked."),
            opt(
                "multi_url",
                obj(&URL_SET),
                "Per-platform links opened when the choice is picked.",
            ),
            opt("action_type", STR, "What picking does (historic field)."),
        ],
    )
};

const OPTIONS: Kind = Kind::Array(&obj(&OPTION));

/// A `div` field: `{is_short, text}`.
pub static DIV_FIELD: ObjectDef = object(
    "field",
    "DivField",
    "One field of a div, laid out in columns when `is_short`.",
    &PLAIN_TEXT_PAGES,
    &[
        req(
            "is_short",
            BOOL,
            "Whether the field shares its row with the next short field.",
        ),
        req("text", TEXT, "The field's text."),
    ],
);

/// `table.columns[].format`.
pub static NUMBER_FORMAT: ObjectDef = object(
    "format",
    "NumberFormat",
    "How a number column is written.",
    &TABLE_PAGES,
    &[
        opt(
            "precision",
            Kind::Integer { min: 0, max: 10 },
            "Digits after the decimal point.",
        ),
        opt(
            "symbol",
            STR,
            "A currency sign before the number, such as `¥`.",
        ),
        opt(
            "separator",
            BOOL,
            "Whether thousands are separated by commas.",
        ),
    ],
);

/// A column of a `table`.
pub static TABLE_COLUMN: ObjectDef = object(
    "table column",
    "TableColumn",
    "A column of a table.",
    &TABLE_PAGES,
    &[
        req("name", STR, "The key that rows use for this column's cell."),
        opt("display_name", STR, "The column's heading."),
        // Required on the 2.0 page, with a default of `text`: optional, the looser reading.
        opt(
            "data_type",
            one_of(&TABLE_DATA_TYPE),
            "What the cells hold (default text).",
        ),
        opt(
            "width",
            one_of(&TABLE_COLUMN_WIDTH),
            "Column width: auto, pixels (80 to 600) or a percentage.",
        ),
        opt(
            "vertical_align",
            one_of(&VERTICAL_ALIGN),
            "Vertical alignment of the cells.",
        ),
        opt(
            "horizontal_align",
            one_of(&TEXT_ALIGN),
            "Horizontal alignment of the cells.",
        ),
        opt(
            "format",
            obj(&NUMBER_FORMAT),
            "How numbers are written (number columns).",
        ),
        opt(
            "date_format",
            STR,
            "How dates are written, such as `YYYY/MM/DD` (date columns).",
        ),
    ],
);

/// `table.header_style`.
pub static TABLE_HEADER_STYLE: ObjectDef = object(
    "header_style",
    "TableHeaderStyle",
    "How a table's heading row looks.",
    &TABLE_PAGES,
    &[
        opt(
            "text_align",
            one_of(&TEXT_ALIGN),
            "Alignment of the headings.",
        ),
        opt(
            "text_size",
            one_of(&TABLE_HEADER_TEXT_SIZE),
            "Size of the headings.",
        ),
        opt(
            "background_style",
            one_of(&TABLE_HEADER_BACKGROUND),
            "Background of the heading row.",
        ),
        opt(
            "text_color",
            one_of(&TABLE_HEADER_TEXT_COLOR),
            "Colour of the headings.",
        ),
        opt("bold", BOOL, "Whether the headings are bold."),
        opt("lines", LINES, "Most lines of a heading."),
    ],
);

/// A border: `{color, corner_radius}`.
pub static BORDER: ObjectDef = object(
    "border",
    "Border",
    "A border around an element.",
    &[PANEL_PAGES[0], PANEL_PAGES[1], AUDIO_PAGES[0]],
    &[
        opt("color", one_of(&COLOR), "The border's colour."),
        opt("corner_radius", STR, "The corners' radius, `\"5px\"`."),
    ],
);

/// `collapsible_panel.header`.
pub static PANEL_HEADER: ObjectDef = object(
    "panel header",
    "PanelHeader",
    "The always-visible header of a collapsible panel.",
    &PANEL_PAGES,
    &[
        // Marked optional on the 2.0 page, required on the 1.0 page: the looser wins.
        opt("title", TEXT, "The header's text (plain text or markdown)."),
        opt(
            "background_color",
            one_of(&COLOR),
            "The header's background colour.",
        ),
        opt(
            "vertical_align",
            one_of(&VERTICAL_ALIGN),
            "Vertical alignment of the header.",
        ),
        opt("padding", STR, "Inner padding of the header."),
        opt("position", STR, "Where the header sits (`top`)."),
        v2(opt(
            "width",
            one_of(&PANEL_HEADER_WIDTH),
            "The header's width (2.0).",
        )),
        opt("icon", obj(&ICON), "The fold icon."),
        opt(
            "icon_position",
            one_of(&ICON_POSITION),
            "Where the fold icon sits.",
        ),
        opt(
            "icon_expanded_angle",
            NUM,
            "How far the icon turns when the panel opens (degrees).",
        ),
        opt("margin", STR, "Outer margin of the header."),
    ],
);

/// An `img` inside `note.elements`.
pub static NOTE_IMG: ObjectDef = object(
    "img",
    "NoteImg",
    "A small image in a note.",
    &NOTE_PAGES,
    &[
        req("img_key", STR, "The uploaded image."),
        opt("alt", TEXT, "Text shown on hover."),
        opt("preview", BOOL, "Whether a click opens the image."),
    ],
);

/// An icon inside `note.elements`.
pub static NOTE_ICON: ObjectDef = object(
    "icon",
    "NoteIcon",
    "An icon in a note.",
    &NOTE_PAGES,
    &[
        opt("token", STR, "The library icon's name (standard icons)."),
        opt("color", one_of(&COLOR), "The library icon's colour."),
        opt("img_key", STR, "The uploaded image (custom icons)."),
    ],
);

/// What a `note` may hold.
pub static NOTE_ITEM: UnionDef = UnionDef {
    what: "note element",
    rust_name: "NoteItem",
    key: "tag",
    variants: &[
        ("plain_text", &PLAIN_TEXT),
        ("lark_md", &LARK_MD),
        ("img", &NOTE_IMG),
        ("standard_icon", &NOTE_ICON),
        ("custom_icon", &NOTE_ICON),
    ],
    open: false,
};

/// `column_set.action`, `column.action`: where a click leads.
pub static CLICK_ACTION: ObjectDef = object(
    "action",
    "ClickAction",
    "Where a click on a column set or column leads.",
    &COLUMN_SET_PAGES,
    &[opt(
        "multi_url",
        obj(&URL_SET),
        "Per-platform links opened on click.",
    )],
);

/// `person_list.persons[]`.
pub static PERSON_ID: ObjectDef = object(
    "person",
    "PersonId",
    "One person of a person list.",
    &USER_LIST,
    &[req("id", STR, "The person's open_id, union_id or user_id.")],
);

/// `img_combination.img_list[]`.
pub static COMBINED_IMG: ObjectDef = object(
    "image",
    "CombinedImg",
    "One image of an image combination.",
    &MULTI_IMAGE,
    &[
        req("img_key", STR, "The uploaded image."),
        opt(
            "transparent",
            BOOL,
            "Whether the image keeps a transparent background.",
        ),
    ],
);

/// `select_img.options[]`.
pub static IMG_OPTION: ObjectDef = object(
    "image option",
    "ImgOption",
    "One image of an image picker.",
    &IMAGE_PICKER_PAGES,
    &[
        req("img_key", STR, "The uploaded image."),
        opt(
            "value",
            STR,
            "What the callback reports when this image is picked.",
        ),
        opt("disabled", BOOL, "Whether this image cannot be picked."),
        opt("disabled_tips", TEXT, "Text shown on a disabled image."),
        opt("hover_tips", TEXT, "Text shown on hover (desktop)."),
    ],
);

/// `checker.checked_style`.
pub static CHECKED_STYLE: ObjectDef = object(
    "checked_style",
    "CheckedStyle",
    "How a checked to-do looks.",
    &CHECKER_PAGES,
    &[
        opt(
            "show_strikethrough",
            BOOL,
            "Whether the text is struck through.",
        ),
        opt("opacity", NUM, "Opacity of the content, from 0 to 1."),
    ],
);

/// `checker.button_area`.
pub static BUTTON_AREA: ObjectDef = ObjectDef {
    rules: &[Rule::MaxItems {
        field: "buttons",
        max: 3,
        page: CHECKER_PAGES[1],
    }],
    ..object(
        "button_area",
        "ButtonArea",
        "Buttons shown on a to-do item.",
        &CHECKER_PAGES,
        &[
            opt(
                "pc_display_rule",
                one_of(&PC_DISPLAY_RULE),
                "On desktop, whether the buttons always show or only on hover.",
            ),
            opt(
                "buttons",
                Kind::Elements(Slot::ButtonArea),
                "The buttons, checked as buttons (at most three).",
            ),
        ],
    )
};

// ---------------------------------------------------------------------------------------------
// Elements. Each is an object told apart by its `tag`; every element also takes the fields of
// `ELEMENT_COMMON`.

/// Fields every element accepts.
pub static ELEMENT_COMMON: &[Field] = &[
    opt(
        "element_id",
        Kind::Pattern(&ELEMENT_ID),
        "An id unique in the card, to address the element in later updates.",
    ),
    opt(
        "margin",
        STR,
        "Outer margin, one to four sizes from -99px to 99px: `\"4px 0\"`.",
    ),
    opt(
        "fallback",
        JSON,
        "What older clients show instead: `\"drop\"`, or a `fallback_text` object.",
    ),
    // Written by the card builder's loop container (the 1.0 column set page's data report).
    opt(
        "_varloop",
        STR,
        "The card builder's loop: the `${variable}` whose items repeat this element.",
    ),
];

const fn element(
    tag: &'static str,
    rust_name: &'static str,
    doc: &'static str,
    pages: &'static [&'static str],
    fields: &'static [Field],
) -> ObjectDef {
    object(tag, rust_name, doc, pages, fields)
}

const fn container(def: ObjectDef, slot: Slot) -> ObjectDef {
    ObjectDef {
        container: Some(slot),
        ..def
    }
}

// Fields of interactive elements, each with one meaning.
const FORM_NAME: Field = opt(
    "name",
    STR,
    "The field's name in the form's submitted data (required inside a form, unique in the card).",
);
const REQUIRED: Field = opt(
    "required",
    BOOL,
    "Inside a form: whether the form refuses to submit until this is filled.",
);
const DISABLED: Field = opt("disabled", BOOL, "Whether the element is shown disabled.");
const DISABLED_TIPS: Field = opt(
    "disabled_tips",
    TEXT,
    "Text shown when a disabled element is hovered or clicked.",
);
const HOVER_TIPS: Field = opt("hover_tips", TEXT, "Text shown on hover (desktop).");
const PLACEHOLDER: Field = opt(
    "placeholder",
    TEXT,
    "Text shown while empty (at most 100 characters).",
);
const CONTROL_WIDTH: Field = opt(
    "width",
    one_of(&WIDTH),
    "Width: default, fill, or pixels (100px or more).",
);
const CALLBACK_VALUE: Field = opt(
    "value",
    JSON,
    "Data sent back in the callback (historic field; see `behaviors`).",
);
const BEHAVIORS_FIELD: Field = opt(
    "behaviors",
    BEHAVIORS,
    "What an interaction does: open links, send callbacks.",
);
const CONFIRM_FIELD: Field = opt(
    "confirm",
    obj(&CONFIRM),
    "A dialog the user confirms before the interaction is sent.",
);
const PLACEHOLDER_LIMIT: Rule = Rule::MaxTextChars {
    field: "placeholder",
    max: 100,
    page: MULTI_PERSON_PICKER_PAGES[1],
};

/// `div`: text, fields and an extra element.
pub static DIV: ObjectDef = ObjectDef {
    rules: &[Rule::AtLeastOne(&["text", "fields"])],
    ..element(
        "div",
        "Div",
        "A block of text, optional two-column fields, and one extra element at the right.",
        &PLAIN_TEXT_PAGES,
        &[
            opt("text", TEXT, "The text."),
            opt(
                "fields",
                Kind::Array(&obj(&DIV_FIELD)),
                "Fields laid out in two columns when short.",
            ),
            opt(
                "extra",
                Kind::Element(Slot::DivExtra),
                "One element at the right of the text.",
            ),
            opt("icon", obj(&ICON), "An icon before the text."),
            v2(opt(
                "width",
                one_of(&TEXT_WIDTH),
                "Text width: fill, auto or pixels (2.0).",
            )),
        ],
    )
};

/// `markdown`.
pub static MARKDOWN: ObjectDef = ObjectDef {
    rules: &[Rule::MaxMarkdownTables {
        field: "content",
        max: 4,
        page: RICH_TEXT[1],
    }],
    ..element(
        "markdown",
        "Markdown",
        "Markdown text: mentions, links, emphasis (and headings, lists, tables in 2.0).",
        &RICH_TEXT,
        &[
            req("content", MD, "The Markdown source (at most four tables)."),
            opt(
                "i18n_content",
                Kind::Map(&MD),
                "The Markdown per locale, used instead of `content` for that locale.",
            ),
            TEXT_ALIGN_FIELD,
            TEXT_SIZE_FIELD,
            opt("icon", obj(&ICON), "An icon before the text."),
            v1(opt(
                "href",
                Kind::Map(&obj(&URL_SET)),
                "Links by name, for `[text]($name)` in the content (1.0; 2.0 uses `<link>`).",
            )),
        ],
    )
};

/// `hr`.
pub static HR: ObjectDef = element("hr", "Hr", "A horizontal rule.", &DIVIDER, &[]);

/// `img`.
pub static IMG: ObjectDef = element(
    "img",
    "Img",
    "An image uploaded to Lark, referred to by its `img_key`.",
    &IMAGE,
    &[
        req("img_key", STR, "The uploaded image."),
        // Required on both pages; the docs' own i18n example sends an empty `alt`, and Lark
        // accepts it absent: optional, the looser reading.
        opt("alt", TEXT, "Text shown on hover."),
        opt("title", TEXT, "A caption."),
        opt("i18n_img_key", Kind::Map(&STR), "The image per locale."),
        opt("corner_radius", STR, "The corners' radius, in pixels or percent."),
        opt("scale_type", one_of(&IMG_SCALE_TYPE), "How the image is cropped to its size."),
        opt(
            "size",
            STR,
            "Size: stretch, large, medium, small, tiny, or `\"100px 100px\"` (1.0 also `stretch_without_padding`).",
        ),
        opt("transparent", BOOL, "Whether the image keeps a transparent background."),
        opt("preview", BOOL, "Whether a click opens the image viewer."),
        opt("mode", one_of(&IMG_MODE), "Size mode (historic field)."),
        // The table says int; the 2.0 page's skeleton writes `"300px"`: both are accepted.
        opt("custom_width", JSON, "Most width shown, 278 to 580 pixels (historic field)."),
        opt("compact_width", BOOL, "Whether the image is shown at most 278px wide (historic field)."),
    ],
);

/// `img_combination`.
pub static IMG_COMBINATION: ObjectDef = element(
    "img_combination",
    "ImgCombination",
    "Several images laid out together.",
    &MULTI_IMAGE,
    &[
        req(
            "combination_mode",
            one_of(&COMBINATION_MODE),
            "How the images are laid out.",
        ),
        req(
            "img_list",
            Kind::Array(&obj(&COMBINED_IMG)),
            "The images, in layout order (extra images are not shown).",
        ),
        opt(
            "corner_radius",
            STR,
            "The corners' radius, in pixels or percent.",
        ),
        opt(
            "combination_transparent",
            BOOL,
            "Whether the images keep a transparent background.",
        ),
    ],
);

/// `note` (1.0).
pub static NOTE: ObjectDef = ObjectDef {
    since: Since::V1Only,
    other_version: Some("in 2.0, use a `div` with `text_size: notation` and an `icon`"),
    ..element(
        "note",
        "Note",
        "Small grey text and icons at the foot of a card (1.0).",
        &NOTE_PAGES,
        // Optional on the note page.
        &[opt(
            "elements",
            Kind::Array(&Kind::Union(&NOTE_ITEM)),
            "Texts, images and icons.",
        )],
    )
};

/// `action` (1.0): the row that holds interactive elements at the root of a 1.0 card.
pub static ACTION: ObjectDef = ObjectDef {
    since: Since::V1Only,
    other_version: Some("in 2.0, place interactive elements directly in `elements`"),
    ..container(
        element(
            "action",
            "Action",
            "A row of interactive elements (1.0).",
            &ACTION_PAGES,
            &[
                req(
                    "actions",
                    Kind::Elements(Slot::Action),
                    "The interactive elements.",
                ),
                opt(
                    "layout",
                    one_of(&ACTION_LAYOUT),
                    "How the elements share the row.",
                ),
            ],
        ),
        Slot::Action,
    )
};

/// `button`.
pub static BUTTON: ObjectDef = ObjectDef {
    rules: &[
        Rule::AtMostOne(&["url", "multi_url"]),
        Rule::MaxTextChars {
            field: "text",
            max: 100,
            page: BUTTON_PAGES[1],
        },
    ],
    ..element(
        "button",
        "Button",
        "A button: opens a link, sends a callback, or submits a form.",
        &BUTTON_PAGES,
        &[
            opt("text", TEXT, "The label (at most 100 characters)."),
            opt("type", one_of(&BUTTON_TYPE), "The button's style."),
            opt("size", one_of(&BUTTON_SIZE), "The button's height."),
            opt(
                "width",
                one_of(&WIDTH),
                "Width: default, fill, or pixels (100px or more).",
            ),
            opt("icon", obj(&ICON), "An icon before the label."),
            HOVER_TIPS,
            DISABLED,
            DISABLED_TIPS,
            CONFIRM_FIELD,
            BEHAVIORS_FIELD,
            opt("url", STR, "A link opened on click (historic field)."),
            opt(
                "multi_url",
                obj(&URL_SET),
                "Per-platform links opened on click (historic field).",
            ),
            CALLBACK_VALUE,
            opt(
                "complex_interaction",
                BOOL,
                "Whether both the link and the callback fire (historic field).",
            ),
            FORM_NAME,
            REQUIRED,
            opt(
                "action_type",
                one_of(&FORM_ACTION_TYPE),
                "Inside a form: what the button does (older name).",
            ),
            opt(
                "form_action_type",
                one_of(&FORM_BEHAVIOR),
                "Inside a form: submit or reset it.",
            ),
        ],
    )
};

/// `overflow`.
pub static OVERFLOW: ObjectDef = element(
    "overflow",
    "Overflow",
    "A `...` menu of options.",
    &OVERFLOW_PAGES,
    &[
        req("options", OPTIONS, "The menu's choices."),
        opt(
            "width",
            one_of(&WIDTH),
            "Width: default, fill, or pixels (100px or more).",
        ),
        CALLBACK_VALUE,
        BEHAVIORS_FIELD,
        CONFIRM_FIELD,
    ],
);

/// Fields shared by the selects.
const SELECT_FIELDS: &[Field] = &[
    opt(
        "type",
        one_of(&SELECT_TYPE),
        "Border style: with a border, or plain text.",
    ),
    FORM_NAME,
    REQUIRED,
    DISABLED,
    PLACEHOLDER,
    CONTROL_WIDTH,
    opt(
        "initial_option",
        STR,
        "The `value` of the choice shown first.",
    ),
    opt(
        "initial_index",
        Kind::Integer { min: 0, max: 1000 },
        "The choice shown first, counted from 1 (0 for none).",
    ),
    opt(
        "selected_values",
        Kind::Array(&STR),
        "The `value`s chosen at first (multi-selects).",
    ),
    opt("options", OPTIONS, "The choices."),
    CALLBACK_VALUE,
    BEHAVIORS_FIELD,
    CONFIRM_FIELD,
];

const fn select(
    tag: &'static str,
    rust_name: &'static str,
    doc: &'static str,
    pages: &'static [&'static str],
) -> ObjectDef {
    ObjectDef {
        rules: &[PLACEHOLDER_LIMIT],
        ..element(tag, rust_name, doc, pages, SELECT_FIELDS)
    }
}

/// `select_static`.
pub static SELECT_STATIC: ObjectDef = select(
    "select_static",
    "SelectStatic",
    "A drop-down list of fixed options.",
    &SELECT_PAGES,
);

/// `multi_select_static`.
pub static MULTI_SELECT_STATIC: ObjectDef = select(
    "multi_select_static",
    "MultiSelectStatic",
    "A drop-down list of fixed options, several may be chosen (in a form).",
    &MULTI_SELECT_PAGES,
);

/// `select_person`.
pub static SELECT_PERSON: ObjectDef = select(
    "select_person",
    "SelectPerson",
    "A drop-down list of people.",
    &PERSON_PICKER_PAGES,
);

/// `multi_select_person`.
pub static MULTI_SELECT_PERSON: ObjectDef = select(
    "multi_select_person",
    "MultiSelectPerson",
    "A drop-down list of people, several may be chosen (in a form).",
    &MULTI_PERSON_PICKER_PAGES,
);

/// `select_img`.
pub static SELECT_IMG: ObjectDef = element(
    "select_img",
    "SelectImg",
    "A choice among images.",
    &IMAGE_PICKER_PAGES,
    &[
        FORM_NAME,
        REQUIRED,
        DISABLED,
        opt(
            "multi_select",
            BOOL,
            "Whether several images may be chosen (inside a form only).",
        ),
        opt(
            "layout",
            one_of(&SELECT_IMG_LAYOUT),
            "How the images share the width.",
        ),
        opt(
            "aspect_ratio",
            one_of(&IMG_ASPECT_RATIO),
            "The images' aspect ratio.",
        ),
        opt(
            "can_preview",
            BOOL,
            "Whether a click opens the image viewer (inside a form).",
        ),
        DISABLED_TIPS,
        v1(opt(
            "style",
            one_of(&SELECT_IMG_STYLE),
            "The picker's style (1.0).",
        )),
        opt(
            "options",
            Kind::Array(&obj(&IMG_OPTION)),
            "The images to choose from.",
        ),
        CALLBACK_VALUE,
        BEHAVIORS_FIELD,
        CONFIRM_FIELD,
    ],
);

const fn picker(
    tag: &'static str,
    rust_name: &'static str,
    doc: &'static str,
    pages: &'static [&'static str],
    fields: &'static [Field],
) -> ObjectDef {
    ObjectDef {
        rules: &[PLACEHOLDER_LIMIT],
        ..element(tag, rust_name, doc, pages, fields)
    }
}

const PICKER_VALUE: Field = opt(
    "value",
    Kind::StringOrJson,
    "Data sent back in the callback (historic field; see `behaviors`).",
);

/// `date_picker`.
pub static DATE_PICKER: ObjectDef = picker(
    "date_picker",
    "DatePicker",
    "Picks a date.",
    &DATE_PICKER_PAGES,
    &[
        FORM_NAME,
        REQUIRED,
        DISABLED,
        PLACEHOLDER,
        CONTROL_WIDTH,
        opt(
            "initial_date",
            Kind::Pattern(&DATE),
            "The date shown first, `yyyy-MM-dd`.",
        ),
        PICKER_VALUE,
        BEHAVIORS_FIELD,
        CONFIRM_FIELD,
    ],
);

/// `picker_time`.
pub static PICKER_TIME: ObjectDef = picker(
    "picker_time",
    "PickerTime",
    "Picks a time of day.",
    &TIME_PICKER_PAGES,
    &[
        FORM_NAME,
        REQUIRED,
        DISABLED,
        PLACEHOLDER,
        CONTROL_WIDTH,
        opt(
            "initial_time",
            Kind::Pattern(&TIME),
            "The time shown first, `HH:mm`.",
        ),
        PICKER_VALUE,
        BEHAVIORS_FIELD,
        CONFIRM_FIELD,
    ],
);

/// `picker_datetime`.
pub static PICKER_DATETIME: ObjectDef = picker(
    "picker_datetime",
    "PickerDatetime",
    "Picks a date and a time.",
    &DATETIME_PICKER_PAGES,
    &[
        FORM_NAME,
        REQUIRED,
        DISABLED,
        PLACEHOLDER,
        CONTROL_WIDTH,
        opt(
            "initial_datetime",
            Kind::Pattern(&DATETIME),
            "The date and time shown first, `yyyy-MM-dd HH:mm`.",
        ),
        opt(
            "initial_date",
            Kind::Pattern(&DATE),
            "The date shown first (as some examples write it).",
        ),
        PICKER_VALUE,
        BEHAVIORS_FIELD,
        CONFIRM_FIELD,
    ],
);

/// `input`.
pub static INPUT: ObjectDef = ObjectDef {
    rules: &[PLACEHOLDER_LIMIT],
    ..element(
        "input",
        "Input",
        "A text box.",
        &INPUT_PAGES,
        &[
            FORM_NAME,
            REQUIRED,
            DISABLED,
            v2(opt(
                "disabled_tips",
                TEXT,
                "Text shown when the disabled box is hovered (2.0).",
            )),
            PLACEHOLDER,
            opt("default_value", STR, "Text already typed in the box."),
            opt(
                "i18n_default_value",
                Kind::Map(&STR),
                "Text already typed, per locale.",
            ),
            CONTROL_WIDTH,
            opt(
                "max_length",
                Kind::Integer { min: 1, max: 1000 },
                "Most characters the user may type, 1 to 1000.",
            ),
            opt(
                "input_type",
                one_of(&INPUT_TYPE),
                "Single line, several lines, or a password.",
            ),
            opt("show_icon", BOOL, "Whether a password box shows its icon."),
            opt("rows", LINES, "Lines shown by a multi-line box."),
            opt(
                "auto_resize",
                BOOL,
                "Whether a multi-line box grows with its text (desktop).",
            ),
            opt("max_rows", LINES, "Most lines a growing box reaches."),
            opt("label", TEXT, "A label describing the box."),
            opt(
                "label_position",
                one_of(&LABEL_POSITION),
                "Where the label sits.",
            ),
            CALLBACK_VALUE,
            BEHAVIORS_FIELD,
            CONFIRM_FIELD,
        ],
    )
};

/// `column_set`.
pub static COLUMN_SET: ObjectDef = element(
    "column_set",
    "ColumnSet",
    "Columns side by side.",
    &COLUMN_SET_PAGES,
    &[
        req("columns", Kind::Array(&obj(&COLUMN)), "The columns."),
        opt(
            "flex_mode",
            one_of(&FLEX_MODE),
            "How columns adapt on narrow screens.",
        ),
        opt("background_style", one_of(&COLOR), "The background colour."),
        HORIZONTAL_SPACING,
        HORIZONTAL_ALIGN,
        opt(
            "action",
            obj(&CLICK_ACTION),
            "Where a click on the column set leads.",
        ),
    ],
);

/// `column`, inside `column_set.columns`.
pub static COLUMN: ObjectDef = ObjectDef {
    counts_as_element: true,
    ..container(
        element(
            "column",
            "Column",
            "One column of a column set.",
            &COLUMN_SET_PAGES,
            &[
                req("tag", Kind::Enum(&COLUMN_TAG), "Always `column`."),
                opt(
                    "width",
                    one_of(&COLUMN_WIDTH),
                    "Width: auto, weighted, or pixels (16 to 600).",
                ),
                opt(
                    "weight",
                    Kind::Integer { min: 1, max: 5 },
                    "The share of a weighted column, 1 to 5.",
                ),
                VERTICAL_ALIGN_FIELD,
                VERTICAL_SPACING,
                HORIZONTAL_ALIGN,
                v2(HORIZONTAL_SPACING),
                DIRECTION_FIELD,
                PADDING_FIELD,
                opt("background_style", one_of(&COLOR), "The background colour."),
                opt(
                    "elements",
                    Kind::Elements(Slot::Column),
                    "The column's elements.",
                ),
                opt(
                    "action",
                    obj(&CLICK_ACTION),
                    "Where a click on the column leads.",
                ),
                opt(
                    "element_id",
                    Kind::Pattern(&ELEMENT_ID),
                    "An id unique in the card, to address the column in later updates.",
                ),
                opt("margin", STR, "Outer margin, one to four sizes."),
            ],
        ),
        Slot::Column,
    )
};

/// `form`.
pub static FORM: ObjectDef = container(
    element(
        "form",
        "Form",
        "A form: its inputs are sent together when a `form_submit` button is clicked.",
        &FORM_PAGES,
        &[
            req("name", STR, "The form's name, unique in the card."),
            req(
                "elements",
                Kind::Elements(Slot::Form),
                "The form's elements (with a submit button).",
            ),
            opt(
                "confirm",
                obj(&CONFIRM),
                "A dialog the user confirms before the form is sent.",
            ),
            v2(DIRECTION_FIELD),
            v2(PADDING_FIELD),
            v2(HORIZONTAL_SPACING),
            v2(HORIZONTAL_ALIGN),
            v2(VERTICAL_SPACING),
            v2(VERTICAL_ALIGN_FIELD),
        ],
    ),
    Slot::Form,
);

/// `collapsible_panel`.
pub static COLLAPSIBLE_PANEL: ObjectDef = container(
    element(
        "collapsible_panel",
        "CollapsiblePanel",
        "A panel that folds its elements under a header.",
        &PANEL_PAGES,
        &[
            opt("expanded", BOOL, "Whether the panel starts open."),
            DIRECTION_FIELD,
            VERTICAL_SPACING,
            HORIZONTAL_SPACING,
            VERTICAL_ALIGN_FIELD,
            HORIZONTAL_ALIGN,
            PADDING_FIELD,
            opt(
                "background_color",
                one_of(&COLOR),
                "The panel's background colour.",
            ),
            opt(
                "header",
                obj(&PANEL_HEADER),
                "The header that stays visible.",
            ),
            opt("border", obj(&BORDER), "A border around the panel."),
            // Required on the 1.0 page, optional on the 2.0 page: the looser wins.
            opt(
                "elements",
                Kind::Elements(Slot::CollapsiblePanel),
                "The elements folded away.",
            ),
        ],
    ),
    Slot::CollapsiblePanel,
);

/// `interactive_container`.
pub static INTERACTIVE_CONTAINER: ObjectDef = container(
    element(
        "interactive_container",
        "InteractiveContainer",
        "A clickable area around other elements.",
        &INTERACTIVE_PAGES,
        &[
            opt(
                "width",
                one_of(&CONTAINER_WIDTH),
                "Width: fill, auto, or pixels.",
            ),
            opt("height", STR, "Height: auto, or pixels."),
            opt(
                "background_style",
                one_of(&COLOR),
                "The background colour (`laser` for the gradient).",
            ),
            opt("has_border", BOOL, "Whether a 1px border is drawn."),
            opt("border_color", one_of(&COLOR), "The border's colour."),
            opt(
                "corner_radius",
                STR,
                "The corners' radius, in pixels or percent.",
            ),
            PADDING_FIELD,
            DIRECTION_FIELD,
            VERTICAL_SPACING,
            HORIZONTAL_SPACING,
            VERTICAL_ALIGN_FIELD,
            HORIZONTAL_ALIGN,
            BEHAVIORS_FIELD,
            HOVER_TIPS,
            DISABLED,
            DISABLED_TIPS,
            CONFIRM_FIELD,
            req(
                "elements",
                Kind::Elements(Slot::InteractiveContainer),
                "The elements inside the area.",
            ),
        ],
    ),
    Slot::InteractiveContainer,
);

/// `person`.
pub static PERSON: ObjectDef = element(
    "person",
    "Person",
    "A person's avatar and name.",
    &USER_PROFILE,
    &[
        req("user_id", STR, "The person's open_id, union_id or user_id."),
        opt("size", one_of(&PERSON_SIZE), "The avatar's size."),
        opt("show_avatar", BOOL, "Whether the avatar shows."),
        opt("show_name", BOOL, "Whether the name shows."),
        opt("style", one_of(&PERSON_STYLE), "Plain, or a capsule."),
    ],
);

/// `person_list`.
pub static PERSON_LIST: ObjectDef = element(
    "person_list",
    "PersonList",
    "Several people.",
    &USER_LIST,
    &[
        req("persons", Kind::Array(&obj(&PERSON_ID)), "The people."),
        opt("size", one_of(&PERSON_SIZE), "The avatars' size."),
        opt("show_avatar", BOOL, "Whether avatars show."),
        opt("show_name", BOOL, "Whether names show."),
        opt("lines", LINES, "Most lines shown."),
        opt(
            "drop_invalid_user_id",
            BOOL,
            "Whether invalid ids are skipped rather than refused.",
        ),
        opt("icon", obj(&ICON), "An icon before the list."),
        opt(
            "ud_icon",
            obj(&UD_ICON),
            "A library icon before the list (`icon` wins).",
        ),
    ],
);

/// `chart`.
pub static CHART: ObjectDef = element(
    "chart",
    "Chart",
    "A chart drawn from a VChart spec.",
    &CHART_PAGES,
    &[
        req("chart_spec", JSON, "The VChart chart definition."),
        opt(
            "aspect_ratio",
            one_of(&ASPECT_RATIO),
            "The chart's aspect ratio.",
        ),
        opt(
            "color_theme",
            one_of(&COLOR_THEME),
            "The chart's colour theme.",
        ),
        opt(
            "preview",
            BOOL,
            "Whether the chart opens in its own window.",
        ),
        opt("height", STR, "Height: auto, or pixels (1 to 999)."),
    ],
);

/// `table`.
pub static TABLE: ObjectDef = element(
    "table",
    "Table",
    "A table of rows.",
    &TABLE_PAGES,
    &[
        opt(
            "page_size",
            Kind::Integer { min: 1, max: 10 },
            "Rows per page, 1 to 10.",
        ),
        opt(
            "row_height",
            one_of(&ROW_HEIGHT),
            "Row height: low, middle, high, auto or pixels.",
        ),
        v2(opt(
            "row_max_height",
            Kind::Pattern(&PX),
            "Most row height when rows are `auto` (2.0).",
        )),
        opt(
            "header_style",
            obj(&TABLE_HEADER_STYLE),
            "How the heading row looks.",
        ),
        req(
            "columns",
            Kind::Array(&obj(&TABLE_COLUMN)),
            "The columns (the first 50 are shown).",
        ),
        // Required on the 2.0 page; an empty table is still a table: optional.
        opt(
            "rows",
            Kind::Array(&JSON),
            "The rows: objects keyed by column `name`.",
        ),
        opt(
            "freeze_first_column",
            BOOL,
            "Whether the first column stays while scrolling.",
        ),
    ],
);

/// `checker`.
pub static CHECKER: ObjectDef = element(
    "checker",
    "Checker",
    "A to-do item with a check box.",
    &CHECKER_PAGES,
    &[
        FORM_NAME,
        opt("checked", BOOL, "Whether it starts checked."),
        opt("text", TEXT, "The to-do's text."),
        opt(
            "overall_checkable",
            BOOL,
            "Whether the whole item shades on hover.",
        ),
        opt(
            "button_area",
            obj(&BUTTON_AREA),
            "Buttons shown on the item.",
        ),
        opt(
            "checked_style",
            obj(&CHECKED_STYLE),
            "How the item looks when checked.",
        ),
        PADDING_FIELD,
        BEHAVIORS_FIELD,
        HOVER_TIPS,
        DISABLED,
        DISABLED_TIPS,
        CONFIRM_FIELD,
        REQUIRED,
    ],
);

/// `audio` (2.0).
pub static AUDIO: ObjectDef = ObjectDef {
    since: Since::V2Only,
    ..element(
        "audio",
        "Audio",
        "An OPUS audio file with a play button (2.0; the card must not allow forwarding).",
        &AUDIO_PAGES,
        &[
            req("file_key", STR, "The uploaded OPUS file."),
            opt("i18n_file_key", Kind::Map(&STR), "The file per locale."),
            opt(
                "audio_id",
                STR,
                "An id unique in the card; playback survives updates of the same id and file.",
            ),
            DISABLED,
            DISABLED_TIPS,
            opt("show_progress_bar", BOOL, "Whether the progress bar shows."),
            opt("show_time", BOOL, "Whether the time shows."),
            opt(
                "time_display",
                one_of(&TIME_DISPLAY),
                "One time, or elapsed and total.",
            ),
            opt(
                "time_position",
                one_of(&TIME_POSITION),
                "Where the time sits.",
            ),
            opt("border", obj(&BORDER), "A border around the player."),
            opt("style", one_of(&AUDIO_STYLE), "The play button's look."),
            PADDING_FIELD,
            opt(
                "background_style",
                one_of(&COLOR),
                "The player's background colour.",
            ),
            opt(
                "fill_color",
                one_of(&COLOR),
                "The colour of the button, progress and time.",
            ),
            CONTROL_WIDTH,
        ],
    )
};

/// Every element, by tag.
pub static ELEMENT: UnionDef = UnionDef {
    what: "element",
    rust_name: "Element",
    key: "tag",
    variants: &[
        ("div", &DIV),
        ("markdown", &MARKDOWN),
        ("hr", &HR),
        ("img", &IMG),
        ("img_combination", &IMG_COMBINATION),
        ("note", &NOTE),
        ("action", &ACTION),
        ("button", &BUTTON),
        ("overflow", &OVERFLOW),
        ("select_static", &SELECT_STATIC),
        ("multi_select_static", &MULTI_SELECT_STATIC),
        ("select_person", &SELECT_PERSON),
        ("multi_select_person", &MULTI_SELECT_PERSON),
        ("select_img", &SELECT_IMG),
        ("date_picker", &DATE_PICKER),
        ("picker_time", &PICKER_TIME),
        ("picker_datetime", &PICKER_DATETIME),
        ("input", &INPUT),
        ("column_set", &COLUMN_SET),
        ("form", &FORM),
        ("collapsible_panel", &COLLAPSIBLE_PANEL),
        ("interactive_container", &INTERACTIVE_CONTAINER),
        ("person", &PERSON),
        ("person_list", &PERSON_LIST),
        ("chart", &CHART),
        ("table", &TABLE),
        ("checker", &CHECKER),
        ("audio", &AUDIO),
    ],
    open: true,
};

/// Every union, for the generator of the typed model.
pub static UNIONS: &[&UnionDef] = &[&TEXT_OBJECT, &BEHAVIOR, &NOTE_ITEM, &ELEMENT];

/// Every object that is not an element, for the generator of the typed model.
pub static OBJECTS: &[&ObjectDef] = &[
    &CARD,
    &CONFIG,
    &STYLE,
    &SUMMARY,
    &STREAMING_CONFIG,
    &PER_PLATFORM,
    &BODY,
    &CARD_FALLBACK,
    &FALLBACK_CONDITION,
    &HEADER,
    &TEXT_TAG,
    &ICON,
    &UD_ICON,
    &URL_SET,
    &CONFIRM,
    &PLAIN_TEXT,
    &LARK_MD,
    &OPEN_URL,
    &CALLBACK,
    &FORM_ACTION,
    &OPTION,
    &DIV_FIELD,
    &TABLE_COLUMN,
    &NUMBER_FORMAT,
    &TABLE_HEADER_STYLE,
    &BORDER,
    &PANEL_HEADER,
    &NOTE_IMG,
    &NOTE_ICON,
    &CLICK_ACTION,
    &PERSON_ID,
    &COMBINED_IMG,
    &IMG_OPTION,
    &CHECKED_STYLE,
    &BUTTON_AREA,
    &COLUMN,
];

/// Most elements of one tag in a card (per locale, for `i18n_elements`), with the page that
/// states it: `(tag, most, page)`.
pub static PER_CARD: &[(&str, usize, &str)] = &[("table", 5, TABLE_PAGES[1])];

// ---------------------------------------------------------------------------------------------
// Placement: which tags a slot accepts, per version.

const WRAP_IN_ACTION: &str =
    "wrap it in `{ \"tag\": \"action\", \"actions\": [...] }`, or put it in a `column` or a `form`";
const ONLY_IN_FORM: &str = "multi-selects are only allowed inside a `form`";
const TABLE_AT_ROOT: &str = "a `table` may only sit directly in the card's elements";
const NO_NESTED_FORM: &str = "a `form` may only sit directly in the card's elements";
/// The hints of every slot inside the card's elements: what only the root or a form takes.
const NESTED_HINTS: &[(&str, &str)] = &[
    ("table", TABLE_AT_ROOT),
    ("form", NO_NESTED_FORM),
    ("multi_select_static", ONLY_IN_FORM),
    ("multi_select_person", ONLY_IN_FORM),
];
/// What the containers of a 2.0 card refuse, and what a 2.0 form refuses (multi-selects
/// belong there).
const V2_NOT_IN_CONTAINER: &[&str] = &[
    "form",
    "table",
    "action",
    "note",
    "multi_select_static",
    "multi_select_person",
];
const V2_NOT_IN_FORM: &[&str] = &["form", "table", "action", "note"];

/// The placement rules: one for each slot in each version (a test holds the table whole).
pub static PLACEMENTS: &[Placement] = &[
    Placement {
        slot: Slot::Root,
        version: Version::V1,
        accepts: Accepts::AllExcept(&[
            "button",
            "overflow",
            "select_static",
            "select_person",
            "multi_select_static",
            "multi_select_person",
            "date_picker",
            "picker_time",
            "picker_datetime",
            "input",
        ]),
        hints: &[
            ("button", WRAP_IN_ACTION),
            ("overflow", WRAP_IN_ACTION),
            ("select_static", WRAP_IN_ACTION),
            ("select_person", WRAP_IN_ACTION),
            ("date_picker", WRAP_IN_ACTION),
            ("picker_time", WRAP_IN_ACTION),
            ("picker_datetime", WRAP_IN_ACTION),
            ("input", WRAP_IN_ACTION),
            ("multi_select_static", ONLY_IN_FORM),
            ("multi_select_person", ONLY_IN_FORM),
        ],
    },
    Placement {
        slot: Slot::Root,
        version: Version::V2,
        accepts: Accepts::AllExcept(&["multi_select_static", "multi_select_person"]),
        hints: &[
            ("multi_select_static", ONLY_IN_FORM),
            ("multi_select_person", ONLY_IN_FORM),
        ],
    },
    Placement {
        slot: Slot::Action,
        version: Version::V1,
        accepts: Accepts::Only(&[
            "button",
            "overflow",
            "select_static",
            "select_person",
            "date_picker",
            "picker_time",
            "picker_datetime",
            "input",
        ]),
        hints: NESTED_HINTS,
    },
    Placement {
        slot: Slot::DivExtra,
        version: Version::V1,
        accepts: Accepts::Only(&[
            "img",
            "button",
            "overflow",
            "select_static",
            "select_person",
            "date_picker",
            "picker_time",
            "picker_datetime",
        ]),
        hints: NESTED_HINTS,
    },
    Placement {
        slot: Slot::DivExtra,
        version: Version::V2,
        accepts: Accepts::Only(&[
            "img",
            "button",
            "overflow",
            "select_static",
            "select_person",
            "date_picker",
            "picker_time",
            "picker_datetime",
        ]),
        hints: NESTED_HINTS,
    },
    Placement {
        slot: Slot::Column,
        version: Version::V1,
        accepts: Accepts::AllExcept(&[
            "table",
            "form",
            "img_combination",
            "overflow",
            "multi_select_static",
            "multi_select_person",
        ]),
        hints: NESTED_HINTS,
    },
    Placement {
        slot: Slot::Form,
        version: Version::V1,
        accepts: Accepts::AllExcept(&["table", "chart", "form", "div", "action"]),
        hints: &[
            ("table", TABLE_AT_ROOT),
            ("form", NO_NESTED_FORM),
            (
                "div",
                "a `div` cannot sit directly in a `form`: wrap it in a `column_set`",
            ),
        ],
    },
    Placement {
        slot: Slot::CollapsiblePanel,
        version: Version::V1,
        accepts: Accepts::AllExcept(&[
            "form",
            "table",
            "multi_select_static",
            "multi_select_person",
        ]),
        hints: NESTED_HINTS,
    },
    Placement {
        slot: Slot::InteractiveContainer,
        version: Version::V1,
        accepts: Accepts::Only(&[
            "div",
            "markdown",
            "img",
            "note",
            "column_set",
            "checker",
            "interactive_container",
        ]),
        hints: NESTED_HINTS,
    },
    Placement {
        slot: Slot::ButtonArea,
        version: Version::V1,
        accepts: Accepts::Only(&["button"]),
        hints: &[],
    },
    Placement {
        slot: Slot::ButtonArea,
        version: Version::V2,
        accepts: Accepts::Only(&["button"]),
        hints: &[],
    },
    // 2.0 has no `action` (reported as a 1.0 tag); what was written inside it is still
    // checked as in a 2.0 form-less container.
    Placement {
        slot: Slot::Action,
        version: Version::V2,
        accepts: Accepts::AllExcept(V2_NOT_IN_FORM),
        hints: NESTED_HINTS,
    },
    Placement {
        slot: Slot::Form,
        version: Version::V2,
        accepts: Accepts::AllExcept(V2_NOT_IN_FORM),
        hints: NESTED_HINTS,
    },
    Placement {
        slot: Slot::Column,
        version: Version::V2,
        accepts: Accepts::AllExcept(V2_NOT_IN_CONTAINER),
        hints: NESTED_HINTS,
    },
    Placement {
        slot: Slot::CollapsiblePanel,
        version: Version::V2,
        accepts: Accepts::AllExcept(V2_NOT_IN_CONTAINER),
        hints: NESTED_HINTS,
    },
    Placement {
        slot: Slot::InteractiveContainer,
        version: Version::V2,
        accepts: Accepts::AllExcept(V2_NOT_IN_CONTAINER),
        hints: NESTED_HINTS,
    },
];

/// The rule for `slot` in `version` (every pair has one).
pub fn placement(slot: Slot, version: Version) -> Option<&'static Placement> {
    PLACEMENTS
        .iter()
        .find(|p| p.slot == slot && p.version == version)
}

/// Elements allowed anywhere inside a `form` (in its columns too), and nowhere else.
pub const FORM_ONLY: &[&str] = &["multi_select_static", "multi_select_person"];

/// Most nesting levels of elements in a card. A `column` is part of its `column_set` and
/// does not count: the docs' own cards nest `column_set > column > column_set > column` deeper
/// than five otherwise.
pub const MAX_DEPTH: usize = 5;
/// Most elements in a 2.0 card.
pub const MAX_ELEMENTS_V2: usize = 200;

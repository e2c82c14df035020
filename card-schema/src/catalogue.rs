//! The card schema: every object, element, enumeration and placement rule, written once.
//!
//! Sources: `shared/spec/lark-cards.md` (sections 1 and 2), which cites the official Feishu and
//! Lark pages for each component. Read by the `card!` checker, the runtime validator, the
//! emulator and the generator of the typed model.

use crate::def::{
    Accepts, EnumDef, Field, Kind, Need, ObjectDef, Pattern, Placement, Rule, Since, Slot,
    UnionDef, Version,
};

// ---------------------------------------------------------------------------------------------
// Field constructors: the table below reads as "name, kind, who may use it".

const fn opt(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        need: Need::Optional,
        since: Since::Both,
        deprecated: None,
    }
}

const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        need: Need::Required,
        since: Since::Both,
        deprecated: None,
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

fn is_name(_: &str) -> bool {
    // Custom colours are declared in `config.style`; the docs' own cards also write `""`
    // for the default.
    true
}

fn is_px_or_empty(s: &str) -> bool {
    s.is_empty() || is_px(s)
}

/// `element_id`: a letter, then letters, digits or `_`; at most 20 characters.
pub fn is_element_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= 20
}

/// A size in pixels, `"12px"`.
pub static PX: Pattern = Pattern {
    expected: "a size in pixels such as `12px`",
    matches: is_px,
};
/// A custom name (of a colour or text size declared in `config.style`).
pub static NAME: Pattern = Pattern {
    expected: "a name declared in `config.style`",
    matches: is_name,
};
/// Pixels, or empty for the default.
pub static PX_OR_EMPTY: Pattern = Pattern {
    expected: "a size in pixels such as `12px` (or `\"\"` for the default)",
    matches: is_px_or_empty,
};
/// `yyyy-MM-dd`.
pub static DATE: Pattern = Pattern {
    expected: "a date written `yyyy-MM-dd`",
    matches: is_date,
};
/// `HH:mm`.
pub static TIME: Pattern = Pattern {
    expected: "a time written `HH:mm`",
    matches: is_time,
};
/// `yyyy-MM-dd HH:mm`.
pub static DATETIME: Pattern = Pattern {
    expected: "a date and time written `yyyy-MM-dd HH:mm`",
    matches: is_datetime,
};
/// An `element_id`.
pub static ELEMENT_ID: Pattern = Pattern {
    expected: "an id of at most 20 letters, digits or `_`, starting with a letter",
    matches: is_element_id,
};

// ---------------------------------------------------------------------------------------------
// Enumerations.

/// `schema`: the card JSON version.
pub static SCHEMA_VERSION: EnumDef = EnumDef {
    rust_name: "SchemaVersion",
    what: "card schema version",
    values: &[("2.0", "V2")],
    open: None,
};

/// `config.width_mode`.
pub static WIDTH_MODE: EnumDef = EnumDef {
    rust_name: "WidthMode",
    what: "width mode",
    values: &[
        ("default", "Default"),
        ("compact", "Compact"),
        ("fill", "Fill"),
    ],
    open: None,
};

/// `header.template`.
pub static HEADER_TEMPLATE: EnumDef = EnumDef {
    rust_name: "HeaderTemplate",
    what: "header template colour",
    values: &[
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
    open: None,
};

/// `text_tag.color`.
pub static TEXT_TAG_COLOR: EnumDef = EnumDef {
    rust_name: "TextTagColor",
    what: "text tag colour",
    values: &[
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
    open: None,
};

/// A colour: a named colour of the palette or a custom name from `config.style.color`.
pub static COLOR: EnumDef = EnumDef {
    rust_name: "Color",
    what: "colour",
    values: &[
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
    ],
    open: Some(&NAME),
};

/// `text_size`: a named size or a custom name from `config.style.text_size`.
pub static TEXT_SIZE: EnumDef = EnumDef {
    rust_name: "TextSize",
    what: "text size",
    values: &[
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
    open: Some(&NAME),
};

/// `text_align`.
pub static TEXT_ALIGN: EnumDef = EnumDef {
    rust_name: "TextAlign",
    what: "text alignment",
    values: &[("left", "Left"), ("center", "Center"), ("right", "Right")],
    open: None,
};

/// `vertical_align`.
pub static VERTICAL_ALIGN: EnumDef = EnumDef {
    rust_name: "VerticalAlign",
    what: "vertical alignment",
    values: &[("top", "Top"), ("center", "Center"), ("bottom", "Bottom")],
    open: None,
};

/// `direction` of a 2.0 container.
pub static DIRECTION: EnumDef = EnumDef {
    rust_name: "Direction",
    what: "direction",
    values: &[("vertical", "Vertical"), ("horizontal", "Horizontal")],
    open: None,
};

/// Spacing between elements: a named step or pixels.
pub static SPACING: EnumDef = EnumDef {
    rust_name: "Spacing",
    what: "spacing",
    values: &[
        ("default", "Default"),
        ("small", "Small"),
        ("medium", "Medium"),
        ("large", "Large"),
        ("extra_large", "ExtraLarge"),
    ],
    open: Some(&PX_OR_EMPTY),
};

/// `button.type`.
pub static BUTTON_TYPE: EnumDef = EnumDef {
    rust_name: "ButtonType",
    what: "button type",
    values: &[
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
    open: None,
};

/// `button.size`.
pub static BUTTON_SIZE: EnumDef = EnumDef {
    rust_name: "ButtonSize",
    what: "button size",
    values: &[
        ("tiny", "Tiny"),
        ("small", "Small"),
        ("medium", "Medium"),
        ("large", "Large"),
    ],
    open: None,
};

/// `width` of buttons and form controls: `default`, `fill` or pixels.
pub static WIDTH: EnumDef = EnumDef {
    rust_name: "Width",
    what: "width",
    values: &[("default", "Default"), ("fill", "Fill")],
    open: Some(&PX),
};

/// `interactive_container.width`: `fill`, `auto` or pixels.
pub static CONTAINER_WIDTH: EnumDef = EnumDef {
    rust_name: "ContainerWidth",
    what: "container width",
    values: &[("fill", "Fill"), ("auto", "Auto")],
    open: Some(&PX),
};

/// `select_img.layout`.
pub static SELECT_IMG_LAYOUT: EnumDef = EnumDef {
    rust_name: "SelectImgLayout",
    what: "image picker layout",
    values: &[
        ("stretch", "Stretch"),
        ("bisect", "Bisect"),
        ("trisect", "Trisect"),
    ],
    open: None,
};

/// `select_img.aspect_ratio`.
pub static IMG_ASPECT_RATIO: EnumDef = EnumDef {
    rust_name: "ImgAspectRatio",
    what: "image aspect ratio",
    values: &[
        ("1:1", "Square"),
        ("16:9", "SixteenToNine"),
        ("4:3", "FourToThree"),
    ],
    open: None,
};

/// `select_img.style` (1.0).
pub static SELECT_IMG_STYLE: EnumDef = EnumDef {
    rust_name: "SelectImgStyle",
    what: "image picker style",
    values: &[("default", "Default"), ("laser", "Laser")],
    open: None,
};

/// `column.width`.
pub static COLUMN_WIDTH: EnumDef = EnumDef {
    rust_name: "ColumnWidth",
    what: "column width",
    values: &[("auto", "Auto"), ("weighted", "Weighted")],
    open: Some(&PX),
};

/// `column_set.flex_mode`.
pub static FLEX_MODE: EnumDef = EnumDef {
    rust_name: "FlexMode",
    what: "flex mode",
    values: &[
        ("none", "None"),
        ("stretch", "Stretch"),
        ("flow", "Flow"),
        ("bisect", "Bisect"),
        ("trisect", "Trisect"),
    ],
    open: None,
};

/// `action.layout`.
pub static ACTION_LAYOUT: EnumDef = EnumDef {
    rust_name: "ActionLayout",
    what: "action layout",
    values: &[
        ("default", "Default"),
        ("bisected", "Bisected"),
        ("trisection", "Trisection"),
        ("flow", "Flow"),
    ],
    open: None,
};

/// `button.action_type` inside a form.
pub static FORM_ACTION_TYPE: EnumDef = EnumDef {
    rust_name: "FormActionType",
    what: "form action type",
    values: &[
        ("link", "Link"),
        ("request", "Request"),
        ("multi", "Multi"),
        ("form_submit", "FormSubmit"),
        ("form_reset", "FormReset"),
    ],
    open: None,
};

/// `form_action` behavior.
pub static FORM_BEHAVIOR: EnumDef = EnumDef {
    rust_name: "FormBehavior",
    what: "form behavior",
    values: &[("submit", "Submit"), ("reset", "Reset")],
    open: None,
};

/// `img.scale_type`.
pub static IMG_SCALE_TYPE: EnumDef = EnumDef {
    rust_name: "ImgScaleType",
    what: "image scale type",
    values: &[
        ("crop_center", "CropCenter"),
        ("crop_top", "CropTop"),
        ("fit_horizontal", "FitHorizontal"),
    ],
    open: None,
};

/// `img.mode` (1.0).
pub static IMG_MODE: EnumDef = EnumDef {
    rust_name: "ImgMode",
    what: "image mode",
    values: &[
        ("crop_center", "CropCenter"),
        ("fit_horizontal", "FitHorizontal"),
        ("stretch", "Stretch"),
        ("large", "Large"),
        ("medium", "Medium"),
        ("small", "Small"),
        ("tiny", "Tiny"),
    ],
    open: None,
};

/// `input.input_type`.
pub static INPUT_TYPE: EnumDef = EnumDef {
    rust_name: "InputType",
    what: "input type",
    values: &[
        ("text", "Text"),
        ("multiline_text", "MultilineText"),
        ("password", "Password"),
    ],
    open: None,
};

/// `input.label_position`.
pub static LABEL_POSITION: EnumDef = EnumDef {
    rust_name: "LabelPosition",
    what: "label position",
    values: &[("top", "Top"), ("left", "Left")],
    open: None,
};

/// Border style of selects and pickers (`type`).
pub static SELECT_TYPE: EnumDef = EnumDef {
    rust_name: "SelectType",
    what: "select style",
    values: &[("default", "Default"), ("text", "Text")],
    open: None,
};

/// Size of a `person` / `person_list` avatar.
pub static PERSON_SIZE: EnumDef = EnumDef {
    rust_name: "PersonSize",
    what: "person size",
    values: &[
        ("extra_small", "ExtraSmall"),
        ("small", "Small"),
        ("medium", "Medium"),
        ("large", "Large"),
    ],
    open: None,
};

/// `person.style`.
pub static PERSON_STYLE: EnumDef = EnumDef {
    rust_name: "PersonStyle",
    what: "person style",
    values: &[("normal", "Normal"), ("capsule", "Capsule")],
    open: None,
};

/// `chart.aspect_ratio`.
pub static ASPECT_RATIO: EnumDef = EnumDef {
    rust_name: "AspectRatio",
    what: "chart aspect ratio",
    values: &[
        ("1:1", "Square"),
        ("2:1", "TwoToOne"),
        ("4:3", "FourToThree"),
        ("16:9", "SixteenToNine"),
    ],
    open: None,
};

/// `chart.color_theme`.
pub static COLOR_THEME: EnumDef = EnumDef {
    rust_name: "ColorTheme",
    what: "chart colour theme",
    values: &[
        ("brand", "Brand"),
        ("rainbow", "Rainbow"),
        ("complementary", "Complementary"),
        ("converse", "Converse"),
        ("primary", "Primary"),
    ],
    open: None,
};

/// `table.row_height`.
pub static ROW_HEIGHT: EnumDef = EnumDef {
    rust_name: "RowHeight",
    what: "row height",
    values: &[
        ("low", "Low"),
        ("middle", "Middle"),
        ("high", "High"),
        ("auto", "Auto"),
    ],
    open: Some(&PX),
};

/// `table.columns[].data_type`.
pub static TABLE_DATA_TYPE: EnumDef = EnumDef {
    rust_name: "TableDataType",
    what: "table data type",
    values: &[
        ("text", "Text"),
        ("lark_md", "LarkMd"),
        ("markdown", "Markdown"),
        ("options", "Options"),
        ("number", "Number"),
        ("persons", "Persons"),
        ("date", "Date"),
    ],
    open: None,
};

/// `icon.tag`.
pub static ICON_TAG: EnumDef = EnumDef {
    rust_name: "IconTag",
    what: "icon kind",
    values: &[
        ("standard_icon", "StandardIcon"),
        ("custom_icon", "CustomIcon"),
    ],
    open: None,
};

/// `text_tag.tag`.
pub static TEXT_TAG_TAG: EnumDef = EnumDef {
    rust_name: "TextTagTag",
    what: "text tag",
    values: &[("text_tag", "TextTag")],
    open: None,
};

/// `img_combination.combination_mode`.
pub static COMBINATION_MODE: EnumDef = EnumDef {
    rust_name: "CombinationMode",
    what: "image combination mode",
    values: &[
        ("double", "Double"),
        ("triple", "Triple"),
        ("bisect", "Bisect"),
        ("trisect", "Trisect"),
    ],
    open: None,
};

/// `fallback.trigger_conditions[].type`.
pub static STREAMING_STRATEGY: EnumDef = EnumDef {
    rust_name: "PrintStrategy",
    what: "streaming print strategy",
    values: &[("fast", "Fast"), ("delay", "Delay")],
    open: None,
};

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
    &ICON_TAG,
    &TEXT_TAG_TAG,
    &COMBINATION_MODE,
    &STREAMING_STRATEGY,
    &COLUMN_TAG,
];

// ---------------------------------------------------------------------------------------------
// Shared objects.

const fn object(
    name: &'static str,
    rust_name: &'static str,
    doc: &'static str,
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
    }
}

/// Text object `{"tag": "plain_text", ...}`.
pub static PLAIN_TEXT: ObjectDef = object(
    "plain_text",
    "PlainText",
    "Plain text, shown as written.",
    &[
        opt("content", STR),
        opt("i18n", Kind::Map(&STR)),
        opt("i18n_content", Kind::Map(&STR)),
        opt("lines", Kind::Integer { min: 1, max: 1000 }),
        opt("text_size", one_of(&TEXT_SIZE)),
        opt("text_color", one_of(&COLOR)),
        opt("text_align", one_of(&TEXT_ALIGN)),
    ],
);

/// Text object `{"tag": "lark_md", ...}`.
pub static LARK_MD: ObjectDef = object(
    "lark_md",
    "LarkMd",
    "Text in Lark's Markdown subset: mentions, links, emphasis.",
    &[
        opt("content", MD),
        opt("i18n", Kind::Map(&MD)),
        opt("i18n_content", Kind::Map(&MD)),
        opt("lines", Kind::Integer { min: 1, max: 1000 }),
        opt("text_size", one_of(&TEXT_SIZE)),
        opt("text_color", one_of(&COLOR)),
        opt("text_align", one_of(&TEXT_ALIGN)),
        v1(opt("href", Kind::Map(&obj(&URL_SET)))),
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
        ("markdown", &LARK_MD),
    ],
    open: false,
};

/// Per-platform links: `card_link`, `multi_url`, `href` targets.
pub static URL_SET: ObjectDef = object(
    "url",
    "UrlSet",
    "A link, with optional per-platform overrides.",
    &[
        opt("url", STR),
        opt("pc_url", STR),
        opt("ios_url", STR),
        opt("android_url", STR),
    ],
);

/// `confirm`: a dialog shown before an interaction.
pub static CONFIRM: ObjectDef = object(
    "confirm",
    "Confirm",
    "A confirmation dialog shown before the interaction is sent.",
    &[req("title", TEXT), req("text", TEXT)],
);

/// An icon (`icon`): 1.0 `{img_key}`; 2.0 `{tag, token, color, img_key}`.
pub static ICON: ObjectDef = object(
    "icon",
    "Icon",
    "An icon from the standard set (`token`) or an uploaded image (`img_key`).",
    &[
        opt("tag", one_of(&ICON_TAG)),
        opt("token", STR),
        opt("color", one_of(&COLOR)),
        opt("img_key", STR),
        opt("style", JSON),
        opt("size", STR),
    ],
);

/// Header `ud_icon` (1.0).
pub static UD_ICON: ObjectDef = object(
    "ud_icon",
    "UdIcon",
    "A standard icon in a 1.0 header.",
    &[req("token", STR), opt("style", JSON)],
);

/// A coloured tag in the header.
pub static TEXT_TAG: ObjectDef = object(
    "text_tag",
    "TextTag",
    "A coloured tag shown beside the header title.",
    &[
        req("tag", one_of(&TEXT_TAG_TAG)),
        req("text", TEXT),
        opt("color", one_of(&TEXT_TAG_COLOR)),
    ],
);

/// `header`.
pub static HEADER: ObjectDef = object(
    "header",
    "Header",
    "The card's title bar.",
    &[
        req("title", TEXT),
        opt("subtitle", TEXT),
        opt("text_tag_list", Kind::Array(&obj(&TEXT_TAG))),
        opt(
            "i18n_text_tag_list",
            Kind::Map(&Kind::Array(&obj(&TEXT_TAG))),
        ),
        opt("template", one_of(&HEADER_TEMPLATE)),
        opt("icon", obj(&ICON)),
        v1(opt("ud_icon", obj(&UD_ICON))),
        v2(opt("padding", STR)),
    ],
);

/// `config.style`.
pub static STYLE: ObjectDef = object(
    "style",
    "Style",
    "Custom text sizes and colours, referred to by name elsewhere in the card.",
    &[
        opt("text_size", Kind::Map(&JSON)),
        opt("color", Kind::Map(&JSON)),
    ],
);

/// `config.summary` (2.0).
pub static SUMMARY: ObjectDef = object(
    "summary",
    "Summary",
    "What the chat list shows for the card.",
    &[opt("content", STR), opt("i18n_content", Kind::Map(&STR))],
);

/// `config.streaming_config` (2.0).
pub static STREAMING_CONFIG: ObjectDef = object(
    "streaming_config",
    "StreamingConfig",
    "How streamed text is printed.",
    &[
        opt("print_frequency_ms", JSON),
        opt("print_step", JSON),
        opt("print_strategy", one_of(&STREAMING_STRATEGY)),
    ],
);

/// `config`.
pub static CONFIG: ObjectDef = object(
    "config",
    "Config",
    "Card-wide behaviour: sharing, forwarding, width.",
    &[
        opt("enable_forward", BOOL),
        opt("update_multi", BOOL),
        opt("width_mode", one_of(&WIDTH_MODE)),
        opt("compact_width", BOOL),
        opt("use_custom_translation", BOOL),
        opt("enable_forward_interaction", BOOL),
        opt("style", obj(&STYLE)),
        deprecated(
            opt("wide_screen_mode", BOOL),
            "`wide_screen_mode` is deprecated and has no effect: every card now adapts to the screen width",
        ),
        v2(opt("streaming_mode", BOOL)),
        v2(opt("streaming_config", obj(&STREAMING_CONFIG))),
        v2(opt("summary", obj(&SUMMARY))),
        v2(opt("locales", Kind::Array(&STR))),
    ],
);

/// `body` (2.0).
pub static BODY: ObjectDef = object(
    "body",
    "Body",
    "The body of a 2.0 card: its elements and their layout.",
    &[
        opt("direction", one_of(&DIRECTION)),
        opt("padding", STR),
        opt("horizontal_spacing", one_of(&SPACING)),
        opt("horizontal_align", one_of(&TEXT_ALIGN)),
        opt("vertical_spacing", one_of(&SPACING)),
        opt("vertical_align", one_of(&VERTICAL_ALIGN)),
        req("elements", Kind::Elements(Slot::Root)),
    ],
);

/// The card itself: the top-level object.
pub static CARD: ObjectDef = object(
    "card",
    "CardJson",
    "A whole card, as Lark's card JSON (1.0 or 2.0).",
    &[
        opt("schema", one_of(&SCHEMA_VERSION)),
        opt("config", obj(&CONFIG)),
        opt("card_link", obj(&URL_SET)),
        opt("header", obj(&HEADER)),
        opt("i18n_header", Kind::Map(&obj(&HEADER))),
        v1(opt("elements", Kind::Elements(Slot::Root))),
        v1(opt("i18n_elements", Kind::Map(&Kind::Elements(Slot::Root)))),
        v1(opt("fallback", JSON)),
        v2(req("body", obj(&BODY))),
    ],
);

// Interaction pieces.

/// `behaviors[]` of type `open_url`.
pub static OPEN_URL: ObjectDef = object(
    "open_url",
    "OpenUrl",
    "Open a link when clicked.",
    &[
        opt("default_url", STR),
        opt("android_url", STR),
        opt("ios_url", STR),
        opt("pc_url", STR),
    ],
);

/// `behaviors[]` of type `callback`.
pub static CALLBACK: ObjectDef = object(
    "callback",
    "Callback",
    "Send a callback to the app when clicked.",
    &[opt("value", JSON)],
);

/// `behaviors[]` of type `form_action`.
pub static FORM_ACTION: ObjectDef = object(
    "form_action",
    "FormAction",
    "Submit or reset the enclosing form.",
    &[opt("behavior", one_of(&FORM_BEHAVIOR))],
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
    rules: &[Rule::AtMostOne(&["url", "multi_url"])],
    ..object(
        "option",
        "SelectOption",
        "One choice of an overflow menu or a select.",
        &[
            opt("text", TEXT),
            opt("value", STR),
            opt("icon", obj(&ICON)),
            opt("url", STR),
            opt("multi_url", obj(&URL_SET)),
            opt("action_type", STR),
        ],
    )
};

const OPTIONS: Kind = Kind::Array(&obj(&OPTION));

/// A `div` field: `{is_short, text}`.
pub static DIV_FIELD: ObjectDef = object(
    "field",
    "DivField",
    "One field of a div, laid out in columns when `is_short`.",
    &[req("is_short", BOOL), req("text", TEXT)],
);

/// A column of a `table`.
pub static TABLE_COLUMN: ObjectDef = object(
    "table column",
    "TableColumn",
    "A column of a table.",
    &[
        req("name", STR),
        opt("display_name", STR),
        opt("data_type", one_of(&TABLE_DATA_TYPE)),
        opt("width", STR),
        opt("vertical_align", one_of(&VERTICAL_ALIGN)),
        opt("horizontal_align", one_of(&TEXT_ALIGN)),
        opt("format", JSON),
        opt("date_format", STR),
    ],
);

/// `collapsible_panel.header`.
pub static PANEL_HEADER: ObjectDef = object(
    "panel header",
    "PanelHeader",
    "The always-visible header of a collapsible panel.",
    &[
        req("title", TEXT),
        opt("background_color", one_of(&COLOR)),
        opt("vertical_align", one_of(&VERTICAL_ALIGN)),
        opt("padding", STR),
        opt("position", STR),
        opt("width", STR),
        opt("icon", obj(&ICON)),
        opt("icon_position", STR),
        opt("icon_expanded_angle", NUM),
    ],
);

/// An `img` inside `note.elements`.
pub static NOTE_IMG: ObjectDef = object(
    "img",
    "NoteImg",
    "A small image in a note.",
    &[req("img_key", STR), req("alt", TEXT), opt("preview", BOOL)],
);

/// An icon inside `note.elements`.
pub static NOTE_ICON: ObjectDef = object(
    "icon",
    "NoteIcon",
    "An icon in a note.",
    &[
        opt("token", STR),
        opt("color", one_of(&COLOR)),
        opt("img_key", STR),
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

// ---------------------------------------------------------------------------------------------
// Elements. Each is an object told apart by its `tag`; every element also takes the fields of
// `ELEMENT_COMMON`.

/// Fields every element accepts.
pub static ELEMENT_COMMON: &[Field] = &[
    opt("element_id", Kind::Pattern(&ELEMENT_ID)),
    opt("margin", STR),
    opt("fallback", JSON),
];

const fn element(
    tag: &'static str,
    rust_name: &'static str,
    doc: &'static str,
    fields: &'static [Field],
) -> ObjectDef {
    object(tag, rust_name, doc, fields)
}

const fn container(def: ObjectDef, slot: Slot) -> ObjectDef {
    ObjectDef {
        container: Some(slot),
        ..def
    }
}

/// `div`: text, fields and an extra element.
pub static DIV: ObjectDef = ObjectDef {
    rules: &[Rule::AtLeastOne(&["text", "fields"])],
    ..element(
        "div",
        "Div",
        "A block of text, optional two-column fields, and one extra element at the right.",
        &[
            opt("text", TEXT),
            opt("fields", Kind::Array(&obj(&DIV_FIELD))),
            opt("extra", Kind::Element(Slot::DivExtra)),
            opt("icon", obj(&ICON)),
        ],
    )
};

/// `markdown`.
pub static MARKDOWN: ObjectDef = element(
    "markdown",
    "Markdown",
    "Markdown text: mentions, links, emphasis (and headings, lists, tables in 2.0).",
    &[
        req("content", MD),
        opt("i18n_content", Kind::Map(&MD)),
        opt("text_align", one_of(&TEXT_ALIGN)),
        opt("text_size", one_of(&TEXT_SIZE)),
        opt("icon", obj(&ICON)),
        v1(opt("href", Kind::Map(&obj(&URL_SET)))),
    ],
);

/// `hr`.
pub static HR: ObjectDef = element("hr", "Hr", "A horizontal rule.", &[]);

/// `img`.
pub static IMG: ObjectDef = element(
    "img",
    "Img",
    "An image uploaded to Lark, referred to by its `img_key`.",
    &[
        req("img_key", STR),
        opt("alt", TEXT),
        opt("title", TEXT),
        opt("i18n_img_key", Kind::Map(&STR)),
        opt("corner_radius", STR),
        opt("scale_type", one_of(&IMG_SCALE_TYPE)),
        opt("size", STR),
        opt("transparent", BOOL),
        opt("preview", BOOL),
        v1(opt("mode", one_of(&IMG_MODE))),
        v1(opt("custom_width", Kind::Integer { min: 278, max: 580 })),
        v1(opt("compact_width", BOOL)),
    ],
);

/// `img_combination`.
pub static IMG_COMBINATION: ObjectDef = element(
    "img_combination",
    "ImgCombination",
    "Several images laid out together.",
    &[
        req("combination_mode", one_of(&COMBINATION_MODE)),
        req("img_list", Kind::Array(&JSON)),
        opt("corner_radius", STR),
        v2(opt("combination_transparent", BOOL)),
    ],
);

/// `note` (1.0).
pub static NOTE: ObjectDef = ObjectDef {
    since: Since::V1Only,
    ..element(
        "note",
        "Note",
        "Small grey text and icons at the foot of a card (1.0).",
        &[req("elements", Kind::Array(&Kind::Union(&NOTE_ITEM)))],
    )
};

/// `action` (1.0): the row that holds interactive elements at the root of a 1.0 card.
pub static ACTION: ObjectDef = ObjectDef {
    since: Since::V1Only,
    ..container(
        element(
            "action",
            "Action",
            "A row of interactive elements (1.0).",
            &[
                req("actions", Kind::Elements(Slot::Action)),
                opt("layout", one_of(&ACTION_LAYOUT)),
            ],
        ),
        Slot::Action,
    )
};

/// `button`.
pub static BUTTON: ObjectDef = ObjectDef {
    rules: &[Rule::AtMostOne(&["url", "multi_url"])],
    ..element(
        "button",
        "Button",
        "A button: opens a link, sends a callback, or submits a form.",
        &[
            opt("text", TEXT),
            opt("type", one_of(&BUTTON_TYPE)),
            opt("size", one_of(&BUTTON_SIZE)),
            opt("width", one_of(&WIDTH)),
            opt("icon", obj(&ICON)),
            opt("hover_tips", TEXT),
            opt("disabled", BOOL),
            opt("disabled_tips", TEXT),
            opt("confirm", obj(&CONFIRM)),
            opt("behaviors", BEHAVIORS),
            opt("url", STR),
            opt("multi_url", obj(&URL_SET)),
            opt("value", JSON),
            opt("complex_interaction", BOOL),
            opt("name", STR),
            opt("required", BOOL),
            opt("action_type", one_of(&FORM_ACTION_TYPE)),
            opt("form_action_type", one_of(&FORM_BEHAVIOR)),
        ],
    )
};

/// `overflow`.
pub static OVERFLOW: ObjectDef = element(
    "overflow",
    "Overflow",
    "A `...` menu of options.",
    &[
        req("options", OPTIONS),
        opt("width", one_of(&WIDTH)),
        opt("value", JSON),
        opt("behaviors", BEHAVIORS),
        opt("confirm", obj(&CONFIRM)),
    ],
);

/// Fields shared by the selects.
const SELECT_FIELDS: &[Field] = &[
    opt("type", one_of(&SELECT_TYPE)),
    opt("name", STR),
    opt("required", BOOL),
    opt("disabled", BOOL),
    opt("placeholder", TEXT),
    opt("width", one_of(&WIDTH)),
    opt("initial_option", STR),
    opt("initial_index", Kind::Integer { min: 1, max: 1000 }),
    opt("selected_values", Kind::Array(&STR)),
    opt("options", OPTIONS),
    opt("value", JSON),
    opt("behaviors", BEHAVIORS),
    opt("confirm", obj(&CONFIRM)),
];

/// `select_static`.
pub static SELECT_STATIC: ObjectDef = element(
    "select_static",
    "SelectStatic",
    "A drop-down list of fixed options.",
    SELECT_FIELDS,
);

/// `multi_select_static`.
pub static MULTI_SELECT_STATIC: ObjectDef = element(
    "multi_select_static",
    "MultiSelectStatic",
    "A drop-down list of fixed options, several may be chosen (in a form).",
    SELECT_FIELDS,
);

/// `select_person`.
pub static SELECT_PERSON: ObjectDef = element(
    "select_person",
    "SelectPerson",
    "A drop-down list of people.",
    SELECT_FIELDS,
);

/// `multi_select_person`.
pub static MULTI_SELECT_PERSON: ObjectDef = element(
    "multi_select_person",
    "MultiSelectPerson",
    "A drop-down list of people, several may be chosen (in a form).",
    SELECT_FIELDS,
);

/// `select_img`.
pub static SELECT_IMG: ObjectDef = element(
    "select_img",
    "SelectImg",
    "A choice among images.",
    &[
        opt("name", STR),
        opt("required", BOOL),
        opt("disabled", BOOL),
        opt("multi_select", BOOL),
        opt("layout", one_of(&SELECT_IMG_LAYOUT)),
        opt("aspect_ratio", one_of(&IMG_ASPECT_RATIO)),
        opt("can_preview", BOOL),
        opt("disabled_tips", TEXT),
        v1(opt("style", one_of(&SELECT_IMG_STYLE))),
        opt("options", Kind::Array(&JSON)),
        opt("value", JSON),
        opt("behaviors", BEHAVIORS),
        opt("confirm", obj(&CONFIRM)),
    ],
);

const fn picker(
    tag: &'static str,
    rust_name: &'static str,
    doc: &'static str,
    fields: &'static [Field],
) -> ObjectDef {
    element(tag, rust_name, doc, fields)
}

/// `date_picker`.
pub static DATE_PICKER: ObjectDef = picker(
    "date_picker",
    "DatePicker",
    "Picks a date.",
    &[
        opt("name", STR),
        opt("required", BOOL),
        opt("disabled", BOOL),
        opt("placeholder", TEXT),
        opt("width", one_of(&WIDTH)),
        opt("initial_date", Kind::Pattern(&DATE)),
        opt("value", Kind::StringOrJson),
        opt("behaviors", BEHAVIORS),
        opt("confirm", obj(&CONFIRM)),
    ],
);

/// `picker_time`.
pub static PICKER_TIME: ObjectDef = picker(
    "picker_time",
    "PickerTime",
    "Picks a time of day.",
    &[
        opt("name", STR),
        opt("required", BOOL),
        opt("disabled", BOOL),
        opt("placeholder", TEXT),
        opt("width", one_of(&WIDTH)),
        opt("initial_time", Kind::Pattern(&TIME)),
        opt("value", Kind::StringOrJson),
        opt("behaviors", BEHAVIORS),
        opt("confirm", obj(&CONFIRM)),
    ],
);

/// `picker_datetime`.
pub static PICKER_DATETIME: ObjectDef = picker(
    "picker_datetime",
    "PickerDatetime",
    "Picks a date and a time.",
    &[
        opt("name", STR),
        opt("required", BOOL),
        opt("disabled", BOOL),
        opt("placeholder", TEXT),
        opt("width", one_of(&WIDTH)),
        opt("initial_datetime", Kind::Pattern(&DATETIME)),
        opt("initial_date", Kind::Pattern(&DATE)),
        opt("value", Kind::StringOrJson),
        opt("behaviors", BEHAVIORS),
        opt("confirm", obj(&CONFIRM)),
    ],
);

/// `input`.
pub static INPUT: ObjectDef = element(
    "input",
    "Input",
    "A text box.",
    &[
        opt("name", STR),
        opt("required", BOOL),
        opt("disabled", BOOL),
        opt("placeholder", TEXT),
        opt("default_value", STR),
        opt("width", one_of(&WIDTH)),
        opt("max_length", Kind::Integer { min: 1, max: 1000 }),
        opt("input_type", one_of(&INPUT_TYPE)),
        opt("show_icon", BOOL),
        opt("rows", Kind::Integer { min: 1, max: 1000 }),
        opt("auto_resize", BOOL),
        opt("max_rows", Kind::Integer { min: 1, max: 1000 }),
        opt("label", TEXT),
        opt("label_position", one_of(&LABEL_POSITION)),
        opt("value", JSON),
        opt("behaviors", BEHAVIORS),
        opt("confirm", obj(&CONFIRM)),
    ],
);

/// `column_set`.
pub static COLUMN_SET: ObjectDef = element(
    "column_set",
    "ColumnSet",
    "Columns side by side.",
    &[
        req("columns", Kind::Array(&obj(&COLUMN))),
        opt("flex_mode", one_of(&FLEX_MODE)),
        opt("background_style", one_of(&COLOR)),
        opt("horizontal_spacing", one_of(&SPACING)),
        opt("horizontal_align", one_of(&TEXT_ALIGN)),
        opt("action", JSON),
    ],
);

/// `column`, inside `column_set.columns`.
pub static COLUMN: ObjectDef = container(
    element(
        "column",
        "Column",
        "One column of a column set.",
        &[
            req("tag", Kind::Enum(&COLUMN_TAG)),
            opt("width", one_of(&COLUMN_WIDTH)),
            opt("weight", Kind::Integer { min: 1, max: 5 }),
            opt("vertical_align", one_of(&VERTICAL_ALIGN)),
            opt("vertical_spacing", one_of(&SPACING)),
            opt("horizontal_align", one_of(&TEXT_ALIGN)),
            opt("direction", one_of(&DIRECTION)),
            opt("padding", STR),
            opt("background_style", one_of(&COLOR)),
            opt("elements", Kind::Elements(Slot::Column)),
            opt("action", JSON),
            opt("element_id", Kind::Pattern(&ELEMENT_ID)),
            opt("margin", STR),
        ],
    ),
    Slot::Column,
);

/// `column.tag`: always `column`.
pub static COLUMN_TAG: EnumDef = EnumDef {
    rust_name: "ColumnTag",
    what: "column tag",
    values: &[("column", "Column")],
    open: None,
};

/// `form`.
pub static FORM: ObjectDef = container(
    element(
        "form",
        "Form",
        "A form: its inputs are sent together when a `form_submit` button is clicked.",
        &[
            req("name", STR),
            req("elements", Kind::Elements(Slot::Form)),
            opt("confirm", obj(&CONFIRM)),
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
        &[
            opt("expanded", BOOL),
            opt("direction", one_of(&DIRECTION)),
            opt("vertical_spacing", one_of(&SPACING)),
            opt("horizontal_spacing", one_of(&SPACING)),
            opt("vertical_align", one_of(&VERTICAL_ALIGN)),
            opt("horizontal_align", one_of(&TEXT_ALIGN)),
            opt("padding", STR),
            opt("background_color", one_of(&COLOR)),
            opt("header", obj(&PANEL_HEADER)),
            opt("border", JSON),
            req("elements", Kind::Elements(Slot::CollapsiblePanel)),
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
        &[
            opt("width", one_of(&CONTAINER_WIDTH)),
            opt("height", STR),
            opt("background_style", one_of(&COLOR)),
            opt("has_border", BOOL),
            opt("border_color", one_of(&COLOR)),
            opt("corner_radius", STR),
            opt("padding", STR),
            opt("direction", one_of(&DIRECTION)),
            opt("vertical_spacing", one_of(&SPACING)),
            opt("horizontal_spacing", one_of(&SPACING)),
            opt("vertical_align", one_of(&VERTICAL_ALIGN)),
            opt("horizontal_align", one_of(&TEXT_ALIGN)),
            opt("behaviors", BEHAVIORS),
            opt("hover_tips", TEXT),
            opt("disabled", BOOL),
            opt("disabled_tips", TEXT),
            opt("confirm", obj(&CONFIRM)),
            req("elements", Kind::Elements(Slot::InteractiveContainer)),
        ],
    ),
    Slot::InteractiveContainer,
);

/// `person`.
pub static PERSON: ObjectDef = element(
    "person",
    "Person",
    "A person's avatar and name.",
    &[
        req("user_id", STR),
        opt("size", one_of(&PERSON_SIZE)),
        opt("show_avatar", BOOL),
        opt("show_name", BOOL),
        opt("style", one_of(&PERSON_STYLE)),
    ],
);

/// `person_list`.
pub static PERSON_LIST: ObjectDef = element(
    "person_list",
    "PersonList",
    "Several people.",
    &[
        req("persons", Kind::Array(&JSON)),
        opt("size", one_of(&PERSON_SIZE)),
        opt("show_avatar", BOOL),
        opt("show_name", BOOL),
        opt("lines", Kind::Integer { min: 1, max: 1000 }),
        opt("drop_invalid_user_id", BOOL),
        opt("icon", obj(&ICON)),
    ],
);

/// `chart`.
pub static CHART: ObjectDef = element(
    "chart",
    "Chart",
    "A chart drawn from a VChart spec.",
    &[
        req("chart_spec", JSON),
        opt("aspect_ratio", one_of(&ASPECT_RATIO)),
        opt("color_theme", one_of(&COLOR_THEME)),
        opt("preview", BOOL),
        opt("height", STR),
    ],
);

/// `table`.
pub static TABLE: ObjectDef = element(
    "table",
    "Table",
    "A table of rows.",
    &[
        opt("page_size", Kind::Integer { min: 1, max: 10 }),
        opt("row_height", one_of(&ROW_HEIGHT)),
        opt("header_style", JSON),
        req("columns", Kind::Array(&obj(&TABLE_COLUMN))),
        opt("rows", Kind::Array(&JSON)),
        opt("freeze_first_column", BOOL),
    ],
);

/// `checker`.
pub static CHECKER: ObjectDef = element(
    "checker",
    "Checker",
    "A to-do item with a check box.",
    &[
        opt("name", STR),
        opt("checked", BOOL),
        opt("text", TEXT),
        opt("overall_checkable", BOOL),
        opt("button_area", JSON),
        opt("checked_style", JSON),
        opt("padding", STR),
        opt("behaviors", BEHAVIORS),
        opt("hover_tips", TEXT),
        opt("disabled", BOOL),
        opt("disabled_tips", TEXT),
        opt("confirm", obj(&CONFIRM)),
    ],
);

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
    &BODY,
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
    &PANEL_HEADER,
    &NOTE_IMG,
    &NOTE_ICON,
    &COLUMN,
];

// ---------------------------------------------------------------------------------------------
// Placement: which tags a slot accepts, per version.

/// Interactive elements: in 1.0 they sit in `action` at the root.
pub const INTERACTIVE: &[&str] = &[
    "button",
    "overflow",
    "select_static",
    "select_person",
    "multi_select_static",
    "multi_select_person",
    "select_img",
    "date_picker",
    "picker_time",
    "picker_datetime",
    "input",
    "checker",
];

const WRAP_IN_ACTION: &str =
    "wrap it in `{ \"tag\": \"action\", \"actions\": [...] }`, or put it in a `column` or a `form`";
const ONLY_IN_FORM: &str = "multi-selects are only allowed inside a `form`";
const TABLE_AT_ROOT: &str = "a `table` may only sit directly in the card's elements";
const NO_NESTED_FORM: &str = "a `form` may only sit directly in the card's elements";

/// The placement rules.
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
        hints: &[
            ("multi_select_static", ONLY_IN_FORM),
            ("multi_select_person", ONLY_IN_FORM),
        ],
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
        hints: &[],
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
        hints: &[],
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
        hints: &[
            ("table", TABLE_AT_ROOT),
            ("form", NO_NESTED_FORM),
            ("multi_select_static", ONLY_IN_FORM),
            ("multi_select_person", ONLY_IN_FORM),
        ],
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
        hints: &[("table", TABLE_AT_ROOT), ("form", NO_NESTED_FORM)],
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
        hints: &[],
    },
];

/// Slots of 2.0 containers: everything except `form` and `table`.
static V2_CONTAINER: Accepts = Accepts::AllExcept(&["form", "table", "action", "note"]);
static V2_FORM: Accepts = Accepts::AllExcept(&["form", "table", "action", "note"]);
static V2_NOT_IN_FORM: Accepts = Accepts::AllExcept(&[
    "form",
    "table",
    "action",
    "note",
    "multi_select_static",
    "multi_select_person",
]);

/// The rule for `slot` in `version`: what it accepts and how to fix a misplaced tag.
pub fn placement(slot: Slot, version: Version) -> (&'static Accepts, Option<&'static Placement>) {
    if let Some(p) = PLACEMENTS
        .iter()
        .find(|p| p.slot == slot && p.version == version)
    {
        return (&p.accepts, Some(p));
    }
    let accepts = match slot {
        Slot::Form => &V2_FORM,
        Slot::Column | Slot::CollapsiblePanel | Slot::InteractiveContainer => &V2_NOT_IN_FORM,
        _ => &V2_CONTAINER,
    };
    (accepts, None)
}

/// How to fix placing `tag` in `slot`, when the schema knows one.
pub fn placement_hint(slot: Slot, version: Version, tag: &str) -> Option<&'static str> {
    let (_, rule) = placement(slot, version);
    let hint = rule.and_then(|p| p.hints.iter().find(|(t, _)| *t == tag).map(|(_, h)| *h));
    hint.or(match tag {
        "table" => Some(TABLE_AT_ROOT),
        "form" => Some(NO_NESTED_FORM),
        "multi_select_static" | "multi_select_person" => Some(ONLY_IN_FORM),
        _ => None,
    })
}

/// Elements allowed anywhere inside a `form` (in its columns too), and nowhere else.
pub const FORM_ONLY: &[&str] = &["multi_select_static", "multi_select_person"];

/// Most nesting levels of elements in a card. A `column` is part of its `column_set` and
/// does not count: the docs' own cards nest `column_set > column > column_set > column` deeper
/// than five otherwise.
pub const MAX_DEPTH: usize = 5;
/// Most elements in a 2.0 card.
pub const MAX_ELEMENTS_V2: usize = 200;

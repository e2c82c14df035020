//! The vocabulary the schema is written in: kinds of values, fields, objects, unions,
//! enumerations and element slots.

/// The escape hatch: in any object the schema checks, `"$unchecked": { ... }` holds
/// properties passed through verbatim and unchecked, for the day Lark adds a field before the
/// schema does. An object whose discriminator (`tag`) is itself inside `$unchecked` is passed
/// through whole (an element or text object the schema does not know). The same marker is
/// read by `card!`, `include_card!` and runtime validation; the card's output carries the
/// properties in place of the marker.
pub const UNCHECKED: &str = "$unchecked";

/// Fields that cannot be passed through [`UNCHECKED`]: they decide the card's version and
/// whether it is shared, which `card!` records in the card's type.
pub const ALWAYS_CHECKED: &[&str] = &["schema", "update_multi"];

/// A card JSON schema version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// Card JSON 1.0: no `schema` key, elements under `elements`.
    V1,
    /// Card JSON 2.0: `"schema": "2.0"`, elements under `body.elements`.
    V2,
}

impl Version {
    /// How the version is written in messages: `1.0` or `2.0`.
    pub const fn label(self) -> &'static str {
        match self {
            Version::V1 => "1.0",
            Version::V2 => "2.0",
        }
    }
}

/// In which card versions a field or tag exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// Both 1.0 and 2.0.
    Both,
    /// Only card JSON 1.0.
    V1Only,
    /// Only card JSON 2.0.
    V2Only,
}

impl Since {
    /// Whether something with this availability exists in `version`.
    pub const fn includes(self, version: Version) -> bool {
        matches!(
            (self, version),
            (Since::Both, _) | (Since::V1Only, Version::V1) | (Since::V2Only, Version::V2)
        )
    }
}

/// What kind of JSON value a field holds.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// Any string.
    String,
    /// Markdown source (`lark_md` / `markdown` content): runtime text interpolated here is
    /// escaped so that it renders literally.
    Markdown,
    /// A string with a syntax of its own (`"12px"`, a date, an `element_id`).
    Pattern(&'static Pattern),
    /// `true` or `false`.
    Bool,
    /// A whole number within an inclusive range.
    Integer {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// Any JSON number; kept exactly as written.
    Number,
    /// One of a fixed set of strings (possibly open to strings of a pattern).
    Enum(&'static EnumDef),
    /// An object with fixed fields.
    Object(&'static ObjectDef),
    /// An object chosen among several by a discriminator key (`tag`, `type`).
    Union(&'static UnionDef),
    /// A single card element placed in a slot.
    Element(Slot),
    /// An array of card elements placed in a slot.
    Elements(Slot),
    /// An array of values of one kind.
    Array(&'static Kind),
    /// An object whose keys are free (locale codes, style names) and values of one kind.
    Map(&'static Kind),
    /// Any JSON: callback values, chart specs. Kept as written, not checked.
    Json,
    /// A string or an object (the `value` of pickers is either).
    StringOrJson,
}

impl Kind {
    /// A short description of the expected value, used in messages ("a string", "an object").
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::String | Kind::Markdown | Kind::Pattern(_) | Kind::Enum(_) => "a string",
            Kind::Bool => "`true` or `false`",
            Kind::Integer { .. } => "an integer",
            Kind::Number => "a number",
            Kind::Object(_) | Kind::Union(_) | Kind::Element(_) | Kind::Map(_) => "an object",
            Kind::Elements(_) | Kind::Array(_) => "an array",
            Kind::Json => "a JSON value",
            Kind::StringOrJson => "a string or an object",
        }
    }
}

/// A string syntax, checked by a plain function so the schema stays data.
#[derive(Debug)]
pub struct Pattern {
    /// What the syntax is, for messages: "a size such as `12px`".
    pub expected: &'static str,
    /// Whether a string matches.
    pub matches: fn(&str) -> bool,
    /// Whether a value is an identity (an `element_id`): unique across the card, so it
    /// cannot be written inside a loop, where every repetition would carry it.
    pub identity: bool,
}

/// A closed or open set of string values; each value also names its Rust enum variant.
#[derive(Debug)]
pub struct EnumDef {
    /// The Rust type generated for it, `ButtonType`.
    pub rust_name: &'static str,
    /// What it is, for docs and messages: "button type".
    pub what: &'static str,
    /// `(json value, Rust variant)` pairs.
    pub values: &'static [(&'static str, &'static str)],
    /// Other strings accepted when they match this pattern (`"120px"` for a width).
    pub open: Option<&'static Pattern>,
    /// Names the card may declare itself in `config.style` (custom colours, text sizes), which
    /// are then accepted too.
    pub custom: Option<StyleSet>,
}

/// A set of custom names a card declares in `config.style`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StyleSet {
    /// `config.style.color`: custom colours.
    Color,
    /// `config.style.text_size`: custom text sizes.
    TextSize,
}

impl StyleSet {
    /// The key under `config.style`.
    pub const fn key(self) -> &'static str {
        match self {
            StyleSet::Color => "color",
            StyleSet::TextSize => "text_size",
        }
    }
}

impl EnumDef {
    /// The Rust variant of a JSON value, if it is one of the fixed values.
    pub fn variant(&self, value: &str) -> Option<&'static str> {
        self.values
            .iter()
            .find(|(json, _)| *json == value)
            .map(|(_, rust)| *rust)
    }

    /// Whether `value` is allowed (a fixed value, or matching the open pattern).
    pub fn allows(&self, value: &str) -> bool {
        self.variant(value).is_some() || self.open.is_some_and(|p| (p.matches)(value))
    }
}

/// Whether a field must be present.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// May be absent.
    Optional,
    /// Must be present.
    Required,
}

/// One field of an object.
#[derive(Debug)]
pub struct Field {
    /// The JSON key.
    pub name: &'static str,
    /// The kind of its value.
    pub kind: Kind,
    /// Whether it must be present.
    pub need: Need,
    /// In which card versions it exists.
    pub since: Since,
    /// `Some(note)` when the field is deprecated: accepted, with a warning.
    pub deprecated: Option<&'static str>,
    /// What the field means, in one line of our own words (for docs and the generated model).
    pub doc: &'static str,
    /// How to write what this field does in the card version it does not exist in
    /// (`elements` in a 2.0 card: "a 2.0 card puts its elements in `body.elements`").
    pub other_version: Option<&'static str>,
}

/// A rule across several fields of one object.
#[derive(Debug)]
pub enum Rule {
    /// At most one of these fields may be present (`url` xor `multi_url`).
    AtMostOne(&'static [&'static str]),
    /// At least one of these fields must be present (`text` or `fields` in a `div`).
    AtLeastOne(&'static [&'static str]),
    /// The text object in `field` holds at most `max` characters of `content` (a button's
    /// text, a placeholder).
    MaxTextChars {
        /// The field holding the text object.
        field: &'static str,
        /// Most characters.
        max: usize,
        /// The page that states the limit.
        page: &'static str,
    },
    /// The array in `field` holds at most `max` items.
    MaxItems {
        /// The array field.
        field: &'static str,
        /// Most items.
        max: usize,
        /// The page that states the limit.
        page: &'static str,
    },
    /// The Markdown in `field` holds at most `max` tables (`| a | b |` syntax).
    MaxMarkdownTables {
        /// The Markdown field.
        field: &'static str,
        /// Most tables.
        max: usize,
        /// The page that states the limit.
        page: &'static str,
    },
}

/// An object with fixed fields: an element, a text object, the config, a header...
#[derive(Debug)]
pub struct ObjectDef {
    /// Its name in messages and docs: the tag for elements (`button`), else a noun (`header`).
    pub name: &'static str,
    /// The Rust struct generated for it.
    pub rust_name: &'static str,
    /// One line of documentation for the generated struct.
    pub doc: &'static str,
    /// In which card versions it exists (for elements: the tag).
    pub since: Since,
    /// Its fields, in the order the docs list them.
    pub fields: &'static [Field],
    /// Rules across fields.
    pub rules: &'static [Rule],
    /// For containers: the slot their child elements are placed in.
    pub container: Option<Slot>,
    /// The official pages (open.feishu.cn) that document it: the 1.0 and/or 2.0 page.
    pub pages: &'static [&'static str],
    /// For elements of one version only: how to write the same thing in the other version
    /// (`note` in a 2.0 card: "use a `div` with `text_size: notation` and an `icon`").
    pub other_version: Option<&'static str>,
    /// Whether it counts towards the card's element limit inside an element without sitting
    /// in an element slot: a `column` of a `column_set`, a `plain_text` text object. It is not
    /// a nesting level (see the depth limit).
    pub counts_as_element: bool,
}

impl ObjectDef {
    /// The field with this JSON key.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Objects told apart by the value of a discriminator key.
#[derive(Debug)]
pub struct UnionDef {
    /// Its name in messages: "text object", "behavior".
    pub what: &'static str,
    /// The Rust enum generated for it.
    pub rust_name: &'static str,
    /// The discriminator key (`tag`, `type`).
    pub key: &'static str,
    /// `(discriminator value, object)` pairs.
    pub variants: &'static [(&'static str, &'static ObjectDef)],
    /// Whether Lark adds members often (elements: new components). Unknown discriminator
    /// values are reported either way; every union's model has a `Raw` variant, for objects
    /// passed through [`UNCHECKED`] and for elements built as raw JSON.
    pub open: bool,
}

impl UnionDef {
    /// The object for a discriminator value.
    pub fn variant(&self, tag: &str) -> Option<&'static ObjectDef> {
        self.variants
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, def)| *def)
    }
}

/// Where an element is placed: the slots have different rules about what they accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The card's own `elements` (1.0, also `i18n_elements`) or `body.elements` (2.0).
    Root,
    /// `action.actions` (1.0).
    Action,
    /// `div.extra`: one element shown at the right of a div.
    DivExtra,
    /// `column.elements`.
    Column,
    /// `form.elements`.
    Form,
    /// `collapsible_panel.elements`.
    CollapsiblePanel,
    /// `interactive_container.elements`.
    InteractiveContainer,
    /// `checker.button_area.buttons`: buttons only.
    ButtonArea,
}

impl Slot {
    /// Every slot.
    pub const ALL: [Slot; 8] = [
        Slot::Root,
        Slot::Action,
        Slot::DivExtra,
        Slot::Column,
        Slot::Form,
        Slot::CollapsiblePanel,
        Slot::InteractiveContainer,
        Slot::ButtonArea,
    ];

    /// How the slot is written in messages.
    pub const fn describe(self) -> &'static str {
        match self {
            Slot::Root => "the card's `elements`",
            Slot::Action => "`action.actions`",
            Slot::DivExtra => "`div.extra`",
            Slot::Column => "a `column`",
            Slot::Form => "a `form`",
            Slot::CollapsiblePanel => "a `collapsible_panel`",
            Slot::InteractiveContainer => "an `interactive_container`",
            Slot::ButtonArea => "a checker's `button_area.buttons`",
        }
    }
}

/// Which tags a slot accepts in one card version.
#[derive(Debug)]
pub enum Accepts {
    /// Only these tags.
    Only(&'static [&'static str]),
    /// Every element except these tags.
    AllExcept(&'static [&'static str]),
}

impl Accepts {
    /// Whether `tag` is accepted.
    pub fn accepts(&self, tag: &str) -> bool {
        match self {
            Accepts::Only(tags) => tags.contains(&tag),
            Accepts::AllExcept(tags) => !tags.contains(&tag),
        }
    }
}

/// The placement rule of a slot in one version, with hints for the usual mistakes.
#[derive(Debug)]
pub struct Placement {
    /// The slot.
    pub slot: Slot,
    /// The card version the rule is for.
    pub version: Version,
    /// What it accepts.
    pub accepts: Accepts,
    /// `(tag, hint)`: how to fix placing `tag` here.
    pub hints: &'static [(&'static str, &'static str)],
}

impl Placement {
    /// How to fix placing `tag` here, when the schema knows one.
    pub fn hint(&self, tag: &str) -> Option<&'static str> {
        self.hints.iter().find(|(t, _)| *t == tag).map(|(_, h)| *h)
    }
}

//! The validator: walks a card (any [`Node`]) against the schema and collects every violation.

use crate::catalogue::{self, CARD, ELEMENT, ELEMENT_COMMON, MAX_DEPTH, MAX_ELEMENTS_V2, PER_CARD};
use crate::def::{
    EnumDef, Field, Kind, Need, ObjectDef, Rule, Slot, StyleSet, UnionDef, Version, ALWAYS_CHECKED,
    UNCHECKED,
};
use crate::tree::{Entry, Item, Node, Number, View};
use crate::violation::{did_you_mean, Violation, ViolationKind};

/// Whether a card is shared (`update_multi`), as far as can be known without running code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sharing {
    /// Shared: a 2.0 card, or a 1.0 card with `config.update_multi: true`.
    Shared,
    /// Not shared: a 1.0 card without `update_multi: true`.
    NotShared,
    /// `update_multi` is computed at run time.
    Unknown,
}

impl Sharing {
    /// Lark's rule: a 2.0 card is always shared; a 1.0 card (with `"schema": "1.0"` or
    /// without `schema`) only with `"config": { "update_multi": true }`.
    pub fn of(version: Version, update_multi: Option<bool>) -> Sharing {
        match (version, update_multi) {
            (Version::V2, _) | (Version::V1, Some(true)) => Sharing::Shared,
            (Version::V1, _) => Sharing::NotShared,
        }
    }
}

/// What the validator found.
#[derive(Debug)]
pub struct Report<I> {
    /// The card version.
    pub version: Version,
    /// Whether the card is shared.
    pub sharing: Sharing,
    /// Every broken rule, in the order met.
    pub violations: Vec<Violation<I>>,
    /// How many elements the card has, as Lark counts them for its limit (300305): elements,
    /// the columns of a column set and the `plain_text` text objects inside elements (those
    /// written out; loops and spreads add more).
    pub elements: usize,
    /// Whether loops, conditionals, spreads or interpolated values make the card's content
    /// depend on run time.
    pub dynamic: bool,
    /// Whether some rule could not be checked without running the code: an interpolated
    /// value whose type allows what the schema forbids (an `element_id`, an integer, an
    /// enumeration, a typed object or element), a spread, or a loop of elements (the element
    /// count). Such a card is checked again before it is sent; a card without is not.
    pub checks_at_send: bool,
}

impl<I> Report<I> {
    /// Whether any violation is an error (warnings do not count).
    pub fn has_errors(&self) -> bool {
        self.violations
            .iter()
            .any(|v| v.severity() == crate::violation::Severity::Error)
    }
}

/// Validates a whole card.
pub fn validate_card<I: Copy>(card: &dyn Node<Id = I>) -> Report<I> {
    let mut walk = Walk {
        version: Version::V1,
        path: Vec::new(),
        violations: Vec::new(),
        element_ids: Vec::new(),
        elements: 0,
        depth: 0,
        forms: 0,
        loops: 0,
        dynamic: false,
        style: Style::default(),
        tag_counts: Vec::new(),
        checks_at_send: false,
    };
    let View::Object(entries) = card.view() else {
        walk.report(card.id(), ViolationKind::NotAnObject);
        return walk.finish(Sharing::NotShared);
    };
    walk.version = detect_version(&entries, &mut walk);
    walk.style = Style::declared(&entries);
    walk.object(&CARD, card.id(), &entries, None);
    let sharing = sharing(&entries, &mut walk);
    if walk.version == Version::V2 && walk.elements > MAX_ELEMENTS_V2 {
        let count = walk.elements;
        walk.report(
            card.id(),
            ViolationKind::TooManyElements {
                count,
                max: MAX_ELEMENTS_V2,
            },
        );
    }
    walk.finish(sharing)
}

fn detect_version<I: Copy>(entries: &[Entry<'_, I>], walk: &mut Walk<I>) -> Version {
    let Some(schema) = entries.iter().find(|e| e.key == "schema") else {
        return Version::V1;
    };
    match schema.value.view() {
        View::String("2.0") => Version::V2,
        View::Dynamic => {
            walk.report(schema.value.id(), ViolationKind::SchemaNotLiteral);
            // Go on with the version the card's shape suggests, so that this one mistake is
            // reported once.
            if entries.iter().any(|e| e.key == "body") {
                Version::V2
            } else {
                Version::V1
            }
        }
        // Anything else is reported by the field check of `schema`.
        _ => Version::V1,
    }
}

fn sharing<I: Copy>(entries: &[Entry<'_, I>], walk: &mut Walk<I>) -> Sharing {
    let update_multi = entries
        .iter()
        .find(|e| e.key == "config")
        .and_then(|config| match config.value.view() {
            View::Object(fields) => fields
                .iter()
                .find(|f| f.key == "update_multi")
                .map(|f| (f.value.id(), f.value.view())),
            _ => None,
        });
    match (walk.version, update_multi) {
        (Version::V2, Some((span, View::Bool(false)))) => {
            walk.report(span, ViolationKind::ExclusiveV2);
            Sharing::NotShared
        }
        (_, Some((span, View::Dynamic))) => {
            walk.report(span, ViolationKind::UpdateMultiNotLiteral);
            Sharing::Unknown
        }
        (version, Some((_, View::Bool(update_multi)))) => Sharing::of(version, Some(update_multi)),
        (version, _) => Sharing::of(version, None),
    }
}

/// The custom names a card declares in `config.style`.
#[derive(Default)]
struct Style {
    colors: Vec<String>,
    text_sizes: Vec<String>,
    /// The declarations are (partly) computed at run time: custom names cannot be checked.
    dynamic: bool,
}

impl Style {
    fn declared<I: Copy>(card: &[Entry<'_, I>]) -> Style {
        let mut style = Style::default();
        let Some(config) = card.iter().find(|e| e.key == "config") else {
            return style;
        };
        let config = match config.value.view() {
            View::Object(entries) => entries,
            View::Dynamic => {
                style.dynamic = true;
                return style;
            }
            _ => return style,
        };
        let Some(declared) = config.iter().find(|e| e.key == "style") else {
            return style;
        };
        let sets = match declared.value.view() {
            View::Object(entries) => entries,
            View::Dynamic => {
                style.dynamic = true;
                return style;
            }
            _ => return style,
        };
        for set in &sets {
            let names = match set.key {
                "color" => &mut style.colors,
                "text_size" => &mut style.text_sizes,
                _ => continue,
            };
            match set.value.view() {
                View::Object(entries) => names.extend(entries.iter().map(|e| e.key.to_string())),
                View::Dynamic => style.dynamic = true,
                _ => {}
            }
        }
        style
    }

    fn names(&self, set: StyleSet) -> &[String] {
        match set {
            StyleSet::Color => &self.colors,
            StyleSet::TextSize => &self.text_sizes,
        }
    }
}

/// How many Markdown tables `source` holds: each table has one delimiter row (`| --- | :-: |`).
fn markdown_tables(source: &str) -> usize {
    source
        .lines()
        .filter(|line| {
            let line = line.trim();
            line.contains('-')
                && line.contains('|')
                && line
                    .chars()
                    .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
        })
        .count()
}

struct Walk<I> {
    version: Version,
    path: Vec<String>,
    violations: Vec<Violation<I>>,
    element_ids: Vec<String>,
    elements: usize,
    depth: usize,
    /// How many `form`s enclose the current element.
    forms: usize,
    loops: usize,
    dynamic: bool,
    style: Style,
    /// Elements met so far per tag, for the per-card limits (`PER_CARD`); one count per
    /// elements list of the card (per locale of `i18n_elements`).
    tag_counts: Vec<(&'static str, usize)>,
    checks_at_send: bool,
}

fn found<I>(view: &View<'_, I>) -> &'static str {
    match view {
        View::Null => "`null`",
        View::Bool(_) => "a boolean",
        View::Number(_) => "a number",
        View::String(_) => "a string",
        View::Array(_) => "an array",
        View::Object(_) => "an object",
        View::Dynamic => "a Rust expression",
    }
}

impl<I: Copy> Walk<I> {
    fn finish(self, sharing: Sharing) -> Report<I> {
        Report {
            version: self.version,
            sharing,
            violations: self.violations,
            elements: self.elements,
            dynamic: self.dynamic,
            checks_at_send: self.checks_at_send,
        }
    }

    fn report(&mut self, span: I, kind: ViolationKind) {
        let path = self.path.concat();
        self.violations.push(Violation {
            node: span,
            path,
            kind,
        });
    }

    fn field_name(&self) -> String {
        self.path
            .last()
            .map(|p| p.trim_start_matches('.').to_string())
            .unwrap_or_else(|| "card".to_string())
    }

    fn enter_key(&mut self, key: &str) {
        if self.path.is_empty() {
            self.path.push(key.to_string());
        } else {
            self.path.push(format!(".{key}"));
        }
    }

    fn value(&mut self, kind: &Kind, node: &dyn Node<Id = I>) {
        let view = node.view();
        if let View::Dynamic = view {
            self.dynamic = true;
            self.checks_at_send |= !compiler_checks_fully(kind);
            return;
        }
        let span = node.id();
        match (kind, &view) {
            (Kind::String | Kind::Markdown, View::String(_)) => {}
            (Kind::Pattern(p), View::String(s)) => {
                if !(p.matches)(s) {
                    let field = self.field_name();
                    let kind = ViolationKind::BadSyntax {
                        field,
                        value: s.to_string(),
                        expected: p.expected,
                    };
                    self.report(span, kind);
                }
            }
            (Kind::Bool, View::Bool(_)) => {}
            (Kind::Integer { min, max }, View::Number(number)) => {
                let value = match number {
                    Number::Int(v) if (*min..=*max).contains(v) => None,
                    Number::Int(v) => Some(v.to_string()),
                    Number::Big(v) => Some(v.to_string()),
                    Number::Fraction => Some("a fraction".to_string()),
                };
                if let Some(value) = value {
                    let field = self.field_name();
                    self.report(
                        span,
                        ViolationKind::OutOfRange {
                            field,
                            value,
                            min: *min,
                            max: *max,
                        },
                    );
                }
            }
            (Kind::Number, View::Number(_)) => {}
            (Kind::Enum(def), View::String(s)) => {
                if !def.allows(s) && def.custom.is_some() {
                    self.custom_name(def, span, s);
                } else if !def.allows(s) {
                    let suggestion = did_you_mean(s, def.values.iter().map(|(v, _)| *v));
                    let kind = ViolationKind::NotInEnum {
                        field: self.field_name(),
                        what: def.what,
                        value: s.to_string(),
                        allowed: def.values.iter().map(|(v, _)| *v).collect(),
                        open: def.open.map(|p| p.expected),
                        suggestion,
                    };
                    self.report(span, kind);
                }
            }
            (Kind::Object(def), View::Object(entries)) => self.object(def, span, entries, None),
            (Kind::Union(def), View::Object(entries)) => self.union(def, span, entries, None),
            (Kind::Element(slot), View::Object(entries)) => {
                self.union(&ELEMENT, span, entries, Some(*slot))
            }
            (Kind::Elements(Slot::Root), View::Array(items)) => {
                let counts = core::mem::take(&mut self.tag_counts);
                self.items(&Kind::Element(Slot::Root), items, &mut 0);
                self.tag_counts = counts;
            }
            (Kind::Elements(slot), View::Array(items)) => {
                self.items(&Kind::Element(*slot), items, &mut 0)
            }
            (Kind::Array(inner), View::Array(items)) => self.items(inner, items, &mut 0),
            (Kind::Map(inner), View::Object(entries)) => {
                self.duplicate_keys(entries);
                for entry in entries {
                    self.enter_key(entry.key);
                    self.value(inner, entry.value);
                    self.path.pop();
                }
            }
            (Kind::Json, _) | (Kind::StringOrJson, _) => {}
            _ => {
                let field = self.field_name();
                let kind = ViolationKind::WrongKind {
                    field,
                    expected: kind.describe(),
                    found: found(&view),
                };
                self.report(span, kind);
            }
        }
    }

    /// A value outside an enumeration that also takes the card's own names (`config.style`).
    fn custom_name(&mut self, def: &'static EnumDef, span: I, value: &str) {
        let Some(set) = def.custom else {
            return;
        };
        if self.style.dynamic || self.style.names(set).iter().any(|n| n == value) {
            return;
        }
        let fixed = def.values.iter().map(|(v, _)| *v);
        let declared = self.style.names(set).iter().map(String::as_str);
        let suggestion = did_you_mean(value, fixed.chain(declared)).map(str::to_string);
        let kind = ViolationKind::UnknownStyleName {
            field: self.field_name(),
            what: def.what,
            value: value.to_string(),
            style_key: set.key(),
            suggestion,
        };
        self.report(span, kind);
    }

    /// Counts an element against the per-card limits of its tag.
    fn count_tag(&mut self, tag: &str, span: I) {
        let Some(&(tag, max, page)) = PER_CARD.iter().find(|(t, _, _)| *t == tag) else {
            return;
        };
        let count = match self.tag_counts.iter_mut().find(|(t, _)| *t == tag) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.tag_counts.push((tag, 1));
                1
            }
        };
        if count > max {
            let kind = ViolationKind::TooManyOfTag {
                tag,
                count,
                max,
                page,
            };
            self.report(span, kind);
        }
    }

    fn items(&mut self, kind: &Kind, items: &[Item<'_, I>], index: &mut usize) {
        for item in items {
            match item {
                Item::Value(node) => {
                    self.path.push(format!("[{index}]"));
                    self.value(kind, *node);
                    self.path.pop();
                    *index += 1;
                }
                Item::Repeated(body) => {
                    self.dynamic = true;
                    // Repeated elements count towards the card's limit.
                    self.checks_at_send |= matches!(kind, Kind::Element(_));
                    self.loops += 1;
                    self.items(kind, body, index);
                    self.loops -= 1;
                }
                Item::Conditional(branches) => {
                    self.dynamic = true;
                    self.branches(kind, branches, index);
                }
                Item::Spread(_) => {
                    self.dynamic = true;
                    self.checks_at_send = true;
                }
            }
        }
    }

    /// The branches of an `if`: each starts from what came before it (indices, elements,
    /// element ids, elements per tag), since only one of them is present; afterwards the card
    /// has the larger index, element count and count per tag of any branch, and the element
    /// ids of all of them (an id after the `if` must differ from every branch's).
    fn branches(&mut self, kind: &Kind, branches: &[Vec<Item<'_, I>>], index: &mut usize) {
        let (start, elements, ids) = (*index, self.elements, self.element_ids.len());
        let (mut end, mut most, mut seen) = (start, elements, Vec::new());
        let counts = self.tag_counts.clone();
        let mut most_counts = counts.clone();
        for branch in branches {
            *index = start;
            self.elements = elements;
            self.tag_counts.clone_from(&counts);
            self.items(kind, branch, index);
            end = end.max(*index);
            most = most.max(self.elements);
            for id in self.element_ids.split_off(ids) {
                if !seen.contains(&id) {
                    seen.push(id);
                }
            }
            for &(tag, count) in &self.tag_counts {
                match most_counts.iter_mut().find(|(t, _)| *t == tag) {
                    Some((_, most)) => *most = (*most).max(count),
                    None => most_counts.push((tag, count)),
                }
            }
        }
        *index = end;
        self.elements = most;
        self.element_ids.extend(seen);
        self.tag_counts = most_counts;
    }

    fn duplicate_keys(&mut self, entries: &[Entry<'_, I>]) {
        for (i, entry) in entries.iter().enumerate() {
            if entries[..i].iter().any(|e| e.key == entry.key) {
                self.report(
                    entry.key_id,
                    ViolationKind::DuplicateKey {
                        key: entry.key.to_string(),
                    },
                );
            }
        }
    }

    fn union(
        &mut self,
        def: &'static UnionDef,
        span: I,
        entries: &[Entry<'_, I>],
        slot: Option<Slot>,
    ) {
        let Some(tag_entry) = entries.iter().find(|e| e.key == def.key) else {
            if entries.iter().any(|e| e.key == UNCHECKED) {
                // Passed through whole: checked only for the marker's own rules.
                self.duplicate_keys(entries);
                for entry in entries.iter().filter(|e| e.key != UNCHECKED) {
                    let kind = ViolationKind::CheckedBesideRaw {
                        field: entry.key.to_string(),
                        key: def.key,
                    };
                    self.report(entry.key_id, kind);
                }
                self.unchecked_keys(entries);
                self.elements += usize::from(slot.is_some());
                return;
            }
            let choices = def.variants.iter().map(|(t, _)| *t).collect();
            self.report(
                span,
                ViolationKind::MissingTag {
                    what: def.what,
                    key: def.key,
                    choices,
                },
            );
            return;
        };
        let tag = match tag_entry.value.view() {
            View::String(tag) => tag,
            _ => {
                self.report(
                    tag_entry.value.id(),
                    ViolationKind::TagNotLiteral { key: def.key },
                );
                return;
            }
        };
        let Some(object) = def.variant(tag) else {
            let suggestion = did_you_mean(tag, def.variants.iter().map(|(t, _)| *t));
            let kind = ViolationKind::UnknownTag {
                what: def.what,
                key: def.key,
                tag: tag.to_string(),
                suggestion,
            };
            self.report(tag_entry.value.id(), kind);
            return;
        };
        let tag_span = tag_entry.value.id();
        if let Some(slot) = slot {
            if !object.since.includes(self.version) {
                let kind = ViolationKind::WrongVersion {
                    what: format!("tag `{tag}`"),
                    exists_in: other(self.version),
                    card: self.version,
                    hint: object.other_version,
                };
                self.report(tag_span, kind);
            } else if !self.placeable(slot, tag) {
                let hint = catalogue::placement(slot, self.version).and_then(|p| p.hint(tag));
                let kind = ViolationKind::NotAllowedHere {
                    tag: tag.to_string(),
                    slot,
                    version: self.version,
                    hint,
                };
                self.report(tag_span, kind);
            }
            self.count_tag(tag, tag_span);
            self.elements += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                let kind = ViolationKind::TooDeep {
                    tag: tag.to_string(),
                    depth: self.depth,
                    max: MAX_DEPTH,
                };
                self.report(tag_span, kind);
            }
            let is_form = object.container == Some(Slot::Form);
            self.forms += usize::from(is_form);
            self.object(object, span, entries, Some(def.key));
            self.forms -= usize::from(is_form);
            self.depth -= 1;
        } else {
            self.object(object, span, entries, Some(def.key));
        }
    }

    /// Whether `tag` may sit in `slot`: the slot's rule, or a form-only element anywhere
    /// inside a form (in a column of the form, say).
    fn placeable(&self, slot: Slot, tag: &str) -> bool {
        catalogue::placement(slot, self.version).is_none_or(|p| p.accepts.accepts(tag))
            || (self.forms > 0 && catalogue::FORM_ONLY.contains(&tag))
    }

    fn object(
        &mut self,
        def: &'static ObjectDef,
        span: I,
        entries: &[Entry<'_, I>],
        discriminator: Option<&'static str>,
    ) {
        let is_element = discriminator == Some(ELEMENT.key)
            && ELEMENT.variants.iter().any(|(_, d)| core::ptr::eq(*d, def));
        // Inside an element only: a header's title is not counted.
        if def.counts_as_element && self.depth > 0 {
            self.elements += 1;
        }
        self.duplicate_keys(entries);
        let unchecked = self.unchecked_keys(entries);
        let present =
            |name: &str| entries.iter().any(|e| e.key == name) || unchecked.contains(&name);
        // Fields an unknown key was taken for (`txet`: `text`): the key is reported, with its
        // did-you-mean, and the field is not reported missing as well.
        let mut misspelt: Vec<&'static str> = Vec::new();
        for entry in entries {
            if Some(entry.key) == discriminator || entry.key == UNCHECKED {
                continue;
            }
            if entry.key.starts_with('$') {
                let kind = ViolationKind::UnknownMarker {
                    key: entry.key.to_string(),
                };
                self.report(entry.key_id, kind);
                continue;
            }
            let field = def.field(entry.key).or_else(|| {
                is_element
                    .then(|| ELEMENT_COMMON.iter().find(|f| f.name == entry.key))
                    .flatten()
            });
            let Some(field) = field else {
                let names = def
                    .fields
                    .iter()
                    .chain(if is_element { ELEMENT_COMMON } else { &[] });
                // Only fields of this card's version: suggesting a 1.0-only field in a 2.0
                // card would lead to the next error.
                let version = self.version;
                let names = names.filter(|f| f.since.includes(version));
                let suggestion = did_you_mean(entry.key, names.map(|f| f.name));
                // Lark's 1.0 ignores the fields it does not know (2.0 refuses them): one that
                // is close to none of the object's fields is passed through as written, like
                // `$unchecked`. One that is close to a field is a typo Lark would silently
                // drop, so it is reported (and `$unchecked` still passes it).
                if version == Version::V1 && suggestion.is_none() {
                    continue;
                }
                misspelt.extend(suggestion);
                let kind = ViolationKind::UnknownField {
                    object: def.name,
                    field: entry.key.to_string(),
                    suggestion,
                };
                self.report(entry.key_id, kind);
                continue;
            };
            self.enter_key(entry.key);
            self.field(def, field, entry);
            self.path.pop();
        }
        for field in def.fields.iter().filter(|f| f.need == Need::Required) {
            if !present(field.name)
                && !misspelt.contains(&field.name)
                && field.since.includes(self.version)
            {
                self.report(
                    span,
                    ViolationKind::MissingField {
                        object: def.name,
                        field: field.name,
                    },
                );
            }
        }
        for rule in def.rules {
            match rule {
                Rule::AtMostOne(names) => {
                    let present: Vec<&'static str> =
                        names.iter().copied().filter(|n| present(n)).collect();
                    if present.len() > 1 {
                        let last = entries.iter().rev().find(|e| present.contains(&e.key));
                        let at = last.map_or(span, |e| e.key_id);
                        self.report(
                            at,
                            ViolationKind::Exclusive {
                                object: def.name,
                                fields: present,
                            },
                        );
                    }
                }
                Rule::MaxTextChars { field, max, page } => {
                    let Some(entry) = entries.iter().find(|e| e.key == *field) else {
                        continue;
                    };
                    let View::Object(text) = entry.value.view() else {
                        continue;
                    };
                    let content = text.iter().find(|e| e.key == "content");
                    if let Some(View::String(content)) = content.map(|e| e.value.view()) {
                        let chars = content.chars().count();
                        if chars > *max {
                            let at = content_span(&text).unwrap_or(entry.value.id());
                            self.enter_key(field);
                            self.enter_key("content");
                            let kind = ViolationKind::TextTooLong {
                                field,
                                chars,
                                max: *max,
                                page,
                            };
                            self.report(at, kind);
                            self.path.pop();
                            self.path.pop();
                        }
                    }
                }
                Rule::MaxItems { field, max, page } => {
                    let Some(entry) = entries.iter().find(|e| e.key == *field) else {
                        continue;
                    };
                    if let View::Array(items) = entry.value.view() {
                        let count = items.iter().filter(|i| matches!(i, Item::Value(_))).count();
                        if count > *max {
                            self.enter_key(field);
                            let kind = ViolationKind::TooManyItems {
                                field,
                                count,
                                max: *max,
                                page,
                            };
                            self.report(entry.value.id(), kind);
                            self.path.pop();
                        }
                    }
                }
                Rule::MaxMarkdownTables { field, max, page } => {
                    let Some(entry) = entries.iter().find(|e| e.key == *field) else {
                        continue;
                    };
                    if let View::String(source) = entry.value.view() {
                        let count = markdown_tables(source);
                        if count > *max {
                            self.enter_key(field);
                            let kind = ViolationKind::TooManyMarkdownTables {
                                count,
                                max: *max,
                                page,
                            };
                            self.report(entry.value.id(), kind);
                            self.path.pop();
                        }
                    }
                }
                Rule::AtLeastOne(names) => {
                    if !names.iter().any(|n| present(n) || misspelt.contains(n)) {
                        let kind = ViolationKind::NeedsOneOf {
                            object: def.name,
                            fields: names.to_vec(),
                        };
                        self.report(span, kind);
                    }
                }
            }
        }
    }

    /// The keys inside the object's `$unchecked`, after checking the marker's rules: an object
    /// written out, no key also checked, none of [`ALWAYS_CHECKED`]. What they hold is not
    /// looked at.
    fn unchecked_keys<'a>(&mut self, entries: &[Entry<'a, I>]) -> Vec<&'a str> {
        let mut keys = Vec::new();
        for entry in entries.iter().filter(|e| e.key == UNCHECKED) {
            let View::Object(inner) = entry.value.view() else {
                self.report(entry.value.id(), ViolationKind::UncheckedNotAnObject);
                continue;
            };
            self.enter_key(UNCHECKED);
            self.duplicate_keys(&inner);
            for field in &inner {
                if let Some(name) = ALWAYS_CHECKED.iter().find(|n| **n == field.key) {
                    self.report(field.key_id, ViolationKind::MustBeChecked { field: name });
                } else if entries.iter().any(|e| e.key == field.key) {
                    let kind = ViolationKind::CheckedAndUnchecked {
                        field: field.key.to_string(),
                    };
                    self.report(field.key_id, kind);
                }
                keys.push(field.key);
            }
            self.path.pop();
        }
        keys
    }

    fn field(&mut self, owner: &ObjectDef, field: &'static Field, entry: &Entry<'_, I>) {
        if !field.since.includes(self.version) {
            let kind = ViolationKind::WrongVersion {
                what: format!("field `{}` of `{}`", field.name, owner.name),
                exists_in: other(self.version),
                card: self.version,
                hint: field.other_version,
            };
            self.report(entry.key_id, kind);
            return;
        }
        if let Some(note) = field.deprecated {
            self.report(
                entry.key_id,
                ViolationKind::Deprecated {
                    field: field.name,
                    note,
                },
            );
        }
        if let (Kind::Pattern(pattern), View::String(id)) = (&field.kind, entry.value.view()) {
            if pattern.identity {
                if self.loops > 0 {
                    self.report(
                        entry.value.id(),
                        ViolationKind::ElementIdInLoop { id: id.to_string() },
                    );
                } else if self.element_ids.iter().any(|seen| seen == id) {
                    self.report(
                        entry.value.id(),
                        ViolationKind::DuplicateElementId { id: id.to_string() },
                    );
                } else {
                    self.element_ids.push(id.to_string());
                }
            }
        }
        // The card builder exports `{}` for an optional object left unset (`"confirm": {}`,
        // `"hover_tips": {}`): Lark reads it as absent, so neither its required fields nor a
        // text object's `tag` are asked for.
        if field.need == Need::Optional && matches!(field.kind, Kind::Object(_) | Kind::Union(_)) {
            if let View::Object(entries) = entry.value.view() {
                if entries.is_empty() {
                    return;
                }
            }
        }
        self.value(&field.kind, entry.value);
    }
}

/// Where the `content` string of a text object is.
fn content_span<I: Copy>(text: &[Entry<'_, I>]) -> Option<I> {
    text.iter()
        .find(|e| e.key == "content")
        .map(|e| e.value.id())
}

fn other(version: Version) -> Version {
    match version {
        Version::V1 => Version::V2,
        Version::V2 => Version::V1,
    }
}

/// Whether the compiler's type check of an interpolated value is the whole rule: text,
/// booleans, numbers and free JSON can be any value of their type. Anything else (an
/// `element_id` or other pattern, an integer range, an enumeration value given as a string or
/// as an open enumeration's `Other`, a typed object or element built by code) is checked again
/// before the card is sent.
fn compiler_checks_fully(kind: &Kind) -> bool {
    match kind {
        Kind::String | Kind::Markdown | Kind::Bool | Kind::Number => true,
        Kind::Json | Kind::StringOrJson => true,
        Kind::Enum(_) | Kind::Pattern(_) | Kind::Integer { .. } => false,
        Kind::Object(_) | Kind::Union(_) | Kind::Element(_) | Kind::Elements(_) => false,
        Kind::Array(_) | Kind::Map(_) => false,
    }
}

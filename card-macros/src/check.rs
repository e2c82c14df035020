//! Stage 2, check: the syntax tree against the card schema, with the validator `lark-card`
//! runs on JSON at run time, plus what only the macro can know (the size of a static card).

use lark_card_schema::def::UNCHECKED;
use lark_card_schema::lark::limits::MAX_CARD_BODY as MAX_BODY_BYTES;
use lark_card_schema::{
    validate_card, Entry, Item, Node, Number, Report, Severity, Version, View, ViolationKind,
};

use proc_macro2::Ident;
use syn::Error;

use crate::ast::{self, NodeId, NumberValue, Range, Value};

/// What the validator names a node by: where the node is in the source (so that every
/// violation has a place to point at, with no table to look it up in), and its id (with its
/// line and column in a file read by `include_card!`).
#[derive(Clone, Copy, Debug)]
pub struct Place {
    /// The node's number.
    pub id: NodeId,
    /// Where it is.
    pub range: Range,
}

impl Node for Value {
    type Id = Place;

    fn id(&self) -> Place {
        Place {
            id: Value::id(self),
            range: self.range(),
        }
    }

    fn view(&self) -> View<'_, Place> {
        match self {
            Value::Null(..) => View::Null,
            Value::Bool(b, ..) => View::Bool(*b),
            Value::Number(n) => View::Number(match n.value {
                NumberValue::Int(i) => Number::Int(i),
                NumberValue::UInt(u) => Number::Big(u),
                NumberValue::Float(_) => Number::Fraction,
            }),
            Value::String(s) => View::String(&s.text),
            Value::Array(a) => View::Array(items(&a.items)),
            Value::Object(o) => View::Object(
                o.entries
                    .iter()
                    .map(|e| Entry {
                        key: &e.name,
                        key_id: Place {
                            id: e.key.id,
                            range: Range::one(e.key.lit.span()),
                        },
                        value: &e.value,
                    })
                    .collect(),
            ),
            Value::Rust(_) => View::Dynamic,
        }
    }
}

fn items(items: &[ast::Item]) -> Vec<Item<'_, Place>> {
    items
        .iter()
        .map(|item| match item {
            ast::Item::Value(v) => Item::Value(v),
            ast::Item::For { body, .. } => Item::Repeated(self::items(body)),
            ast::Item::If {
                then, otherwise, ..
            } => Item::Conditional(vec![
                self::items(then),
                otherwise.as_deref().map(self::items).unwrap_or_default(),
            ]),
            ast::Item::Spread(rust) => Item::Spread(Place {
                id: rust.id,
                range: rust.range,
            }),
        })
        .collect()
}

/// What the checks found: errors (the card does not compile) and warnings.
pub struct Checked {
    /// The validator's report (each violation with its [`Place`]).
    pub report: Report<Place>,
    /// Compile errors, every one found.
    pub errors: Vec<Error>,
    /// `(where, field, note)` of deprecated fields.
    pub deprecated: Vec<(Range, &'static str, &'static str)>,
}

/// A violation's message. About a node read from a file by `include_card!`, it starts with
/// the node's line and column and its JSON path (the file has no tokens to point at, and
/// `include_card!` puts the file's name in front): `12:21: at `body.elements[0].type`: ...`.
fn message(id: NodeId, path: &str, kind: &dyn core::fmt::Display) -> String {
    match id.at {
        None => kind.to_string(),
        Some(at) if path.is_empty() => format!("{}:{}: {kind}", at.line, at.column),
        Some(at) => format!("{}:{}: at `{path}`: {kind}", at.line, at.column),
    }
}

/// Checks a card written in `card!` or read from a file by `include_card!`.
pub fn check(card: &Value) -> Checked {
    let report = validate_card(card);
    let mut errors = Vec::new();
    let mut deprecated = Vec::new();
    for violation in &report.violations {
        let Place { id, range } = violation.node;
        match (&violation.kind, violation.severity()) {
            (ViolationKind::Deprecated { field, note }, Severity::Warning) => {
                deprecated.push((range, *field, *note));
            }
            (kind, _) => errors.push(range.error(message(id, &violation.path, kind))),
        }
    }
    if !report.dynamic && errors.is_empty() {
        let body = body_size(card);
        if body > MAX_BODY_BYTES {
            let kind = ViolationKind::TooLarge {
                size: body,
                limit: MAX_BODY_BYTES,
            };
            errors.push(card.range().error(message(card.id(), "", &kind)));
        }
    }
    Checked {
        report,
        errors,
        deprecated,
    }
}

/// The size of the update request body of a static card: `{"content":"..."}` where `...` is
/// the card's compact JSON, escaped as a JSON string. It counts what serde_json writes: the
/// same keys and values, numbers as `serde_json::Number` writes them (`1e3` as `1000.0`).
pub fn body_size(card: &Value) -> usize {
    let mut json = String::new();
    write_json(card, &mut json);
    let mut body = String::from("{\"content\":");
    lark_card_schema::json::write_string(&json, &mut body);
    body.push('}');
    body.len()
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null(..) => out.push_str("null"),
        Value::Bool(b, ..) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(n.value, out),
        Value::String(s) => lark_card_schema::json::write_string(&s.text, out),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let ast::Item::Value(v) = item {
                    write_json(v, out);
                }
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            write_entries(&o.entries, out, &mut true);
            out.push('}');
        }
        // Not reached: dynamic cards are not measured.
        Value::Rust(_) => out.push_str("null"),
    }
}

/// The entries of an object, with those of `"$unchecked": { ... }` in place of the marker,
/// as the card is written (the order differs, the size does not).
fn write_entries(entries: &[ast::Entry], out: &mut String, first: &mut bool) {
    for entry in entries {
        if let (lark_card_schema::def::UNCHECKED, Value::Object(inner)) =
            (entry.name.as_str(), &entry.value)
        {
            write_entries(&inner.entries, out, first);
            continue;
        }
        if !std::mem::replace(first, false) {
            out.push(',');
        }
        lark_card_schema::json::write_string(&entry.name, out);
        out.push(':');
        write_json(&entry.value, out);
    }
}

/// A number as `serde_json` writes it: integers in decimal; floats with the shortest digits
/// that read back the same (ties to even), in fixed notation from `1e-5` to below `1e16`
/// with at least one decimal (`1000.0`, `0.00001`), else in exponent notation (`1e-6`,
/// `1.5e+16`); `-0.0` keeps its sign.
pub fn write_number(value: NumberValue, out: &mut String) {
    use core::fmt::Write as _;
    let float = match value {
        NumberValue::Int(i) => return out.push_str(&i.to_string()),
        NumberValue::UInt(u) => return out.push_str(&u.to_string()),
        NumberValue::Float(f) => f,
    };
    if float.is_sign_negative() {
        out.push('-');
    }
    let float = float.abs();
    // `{:e}` writes the shortest digits; with their count as the precision, the digits are
    // rounded from the exact value, ties to even, as serde_json's writer does.
    let shortest = format!("{float:e}");
    let count = shortest
        .split('e')
        .next()
        .map_or(1, |m| m.bytes().filter(u8::is_ascii_digit).count());
    let exact = format!("{float:.*e}", count.saturating_sub(1));
    let (mantissa, exponent) = exact.split_once('e').unwrap_or((&exact, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let len = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let zeros = |n: i32| "0".repeat(usize::try_from(n).unwrap_or(0));
    if (-5..=15).contains(&exponent) {
        if len - 1 <= exponent {
            // 15e2 -> 1500.0
            let _ = write!(out, "{digits}{}.0", zeros(exponent - (len - 1)));
        } else if exponent >= 0 {
            // 1234e-2 -> 12.34
            let (whole, fraction) = digits.split_at(usize::try_from(exponent + 1).unwrap_or(0));
            let _ = write!(out, "{whole}.{fraction}");
        } else {
            // 12e-5 -> 0.00012
            let _ = write!(out, "0.{}{digits}", zeros(-exponent - 1));
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(
            out,
            "e{}{}",
            if exponent < 0 { '-' } else { '+' },
            exponent.abs()
        );
    }
}

/// An element `streaming_card!` names: its literal `element_id`, where it is written, and
/// its literal `tag` (`None` when the tag is computed).
pub struct Named {
    /// The `element_id`.
    pub id: String,
    /// The `element_id` string's span.
    pub span: proc_macro2::Span,
    /// The element's `tag`.
    pub tag: Option<String>,
}

/// The elements of the card that are there whatever runs: a literal `element_id` outside
/// `if` branches, loops and `$unchecked`. An id in a branch may be absent, so it is looked
/// up at run time (`StreamingCard::stream_target`) instead.
pub fn named_elements(card: &Value) -> Vec<Named> {
    let mut named = Vec::new();
    collect_named(card, &mut named);
    named
}

fn collect_named(value: &Value, named: &mut Vec<Named>) {
    match value {
        Value::Object(o) => {
            let literal = |key: &str| {
                o.entries
                    .iter()
                    .find(|e| e.name == key)
                    .and_then(|e| match &e.value {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
            };
            if let Some(id) = literal("element_id") {
                named.push(Named {
                    id: id.text.clone(),
                    span: id.lit.span(),
                    tag: literal("tag").map(|t| t.text.clone()),
                });
            }
            for entry in o.entries.iter().filter(|e| e.name != UNCHECKED) {
                collect_named(&entry.value, named);
            }
        }
        Value::Array(a) => {
            for item in &a.items {
                if let ast::Item::Value(v) = item {
                    collect_named(v, named);
                }
            }
        }
        _ => {}
    }
}

/// Where a card that must be 2.0 is not: its `schema` value, or the whole card without one.
fn not_v2(card: &Value, checked: &Checked) -> Option<Range> {
    if checked.report.version != Version::V1 {
        return None;
    }
    let schema = match card {
        Value::Object(o) => o.entries.iter().find(|e| e.name == "schema"),
        _ => None,
    };
    Some(schema.map_or_else(|| card.range(), |e| e.value.range()))
}

/// What `card!(V2Card, { ... })` asks beyond `card!`: a card JSON 2.0 card, since the type
/// says so. The message begins with the run-time error of `V2Card::new` (`CallbackError::NotV2`).
pub fn named_v2(name: &Ident, card: &Value, checked: &Checked) -> Option<Error> {
    let range = not_v2(card, checked)?;
    Some(range.error(format_args!(
        "the card is not card JSON 2.0 (it has no `\"schema\": \"2.0\"`), so it cannot be a `{name}` (hint: add `\"schema\": \"2.0\"` and move the elements into `\"body\": {{ \"elements\": [...] }}`; to answer a click on a 1.0 card, use `Answer::new().card(card!({{ ... }}))`)"
    )))
}

/// What `streaming_card!` asks beyond `card!`: a card JSON 2.0 card (CardKit takes no other),
/// and ids that can name a field.
pub fn streaming(card: &Value, checked: &Checked, named: &[Named]) -> Vec<Error> {
    let mut errors = Vec::new();
    if let Some(range) = not_v2(card, checked) {
        errors.push(range.error(ViolationKind::CardKitNeedsV2));
    }
    for element in named {
        if RESERVED.contains(&element.id.as_str()) {
            errors.push(Range::one(element.span).error(format_args!(
                "`element_id` `{}` cannot name a field of the card's ids: `{}` is a Rust keyword that no field can have (rename the element)",
                element.id, element.id
            )));
        }
    }
    errors
}

/// Keywords that even a raw identifier (`r#type`) cannot be.
pub const RESERVED: &[&str] = &["self", "Self", "super", "crate"];

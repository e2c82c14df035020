//! Stage 2, check: the syntax tree against the card schema, with the validator `card-core`
//! runs on JSON at run time, plus what only the macro can know (the size of a static card).

use card_schema::lark::limits::MAX_CARD_BODY as MAX_BODY_BYTES;
use card_schema::{validate_card, Entry, Item, Node, Report, Severity, View};
use std::collections::HashMap;

use crate::diag::Error;

use crate::ast::{self, Range, Value};
use crate::json::Positions;

/// The id of a node for the validator: its address, looked up again in [`Spans`].
pub fn node_id<T>(node: &T) -> usize {
    node as *const T as usize
}

use node_id as id;

impl Node for Value {
    fn span(&self) -> usize {
        id(self)
    }

    fn view(&self) -> View<'_> {
        match self {
            Value::Null(_) => View::Null,
            Value::Bool(b, _) => View::Bool(*b),
            Value::Number(n) => View::Number { int: n.int },
            Value::String(s) => View::String(&s.text),
            Value::Array(a) => View::Array(items(&a.items)),
            Value::Object(o) => View::Object(
                o.entries
                    .iter()
                    .map(|e| Entry {
                        key: &e.name,
                        key_span: id(&e.key),
                        value: &e.value,
                    })
                    .collect(),
            ),
            Value::Rust(_) => View::Dynamic,
        }
    }
}

fn items(items: &[ast::Item]) -> Vec<Item<'_>> {
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
            ast::Item::Spread(rust) => Item::Spread(id(rust)),
        })
        .collect()
}

/// Where each node the validator can name is: node ids (addresses) to source ranges.
struct Spans(HashMap<usize, Range>);

impl Spans {
    fn of(card: &Value) -> Spans {
        let mut spans = Spans(HashMap::new());
        spans.value(card);
        spans
    }

    fn value(&mut self, value: &Value) {
        self.0.insert(id(value), value.range());
        match value {
            Value::Array(a) => self.items(&a.items),
            Value::Object(o) => {
                for entry in &o.entries {
                    self.0
                        .insert(id(&entry.key), Range::one(entry.key.lit.span()));
                    self.value(&entry.value);
                }
            }
            _ => {}
        }
    }

    fn items(&mut self, items: &[ast::Item]) {
        for item in items {
            match item {
                ast::Item::Value(v) => self.value(v),
                ast::Item::For { body, .. } => self.items(body),
                ast::Item::If {
                    then, otherwise, ..
                } => {
                    self.items(then);
                    if let Some(otherwise) = otherwise {
                        self.items(otherwise);
                    }
                }
                ast::Item::Spread(rust) => {
                    self.0.insert(id(rust), rust.range);
                }
            }
        }
    }

    /// The range of a node; the whole card if the id is unknown (it never is).
    fn get(&self, id: usize, card: &Value) -> Range {
        self.0.get(&id).copied().unwrap_or_else(|| card.range())
    }
}

/// What the checks found: errors (the card does not compile) and warnings.
pub struct Checked {
    /// The validator's report (spans as node ids).
    pub report: Report,
    /// Compile errors, every one found.
    pub errors: Vec<Error>,
    /// `(where, field, note)` of deprecated fields.
    pub deprecated: Vec<(Range, &'static str, &'static str)>,
}

/// A card read from a file by `include_card!`: its errors name the file, the line and
/// column, and the JSON path, since the file has no tokens to point at.
pub struct File<'a> {
    /// The path as written in `include_card!`.
    pub name: &'a str,
    /// Where each node is in the file.
    pub positions: &'a Positions,
}

impl File<'_> {
    /// `cards/approval.json:12:21: at `body.elements[0].type`: ...`.
    fn locate(&self, id: usize, path: &str, message: &dyn core::fmt::Display) -> String {
        let name = self.name;
        let at = if path.is_empty() {
            String::new()
        } else {
            format!("at `{path}`: ")
        };
        match self.positions.get(&id) {
            Some(p) => format!("{name}:{}:{}: {at}{message}", p.line, p.column),
            None => format!("{name}: {at}{message}"),
        }
    }
}

/// Checks a card written in `card!` (`file` is `None`) or read from a file.
pub fn check(card: &Value, file: Option<&File<'_>>) -> Checked {
    let report = validate_card(card);
    let spans = Spans::of(card);
    let mut errors = Vec::new();
    let mut deprecated = Vec::new();
    for violation in &report.violations {
        let range = spans.get(violation.span, card);
        match (&violation.kind, violation.severity(), file) {
            (card_schema::ViolationKind::Deprecated { field, note }, Severity::Warning, _) => {
                deprecated.push((range, *field, *note));
            }
            (kind, _, None) => errors.push(range.error(kind)),
            (kind, _, Some(file)) => {
                errors.push(range.error(file.locate(violation.span, &violation.path, kind)))
            }
        }
    }
    if !report.dynamic && errors.is_empty() {
        let body = body_size(card);
        if body > MAX_BODY_BYTES {
            let kind = card_schema::ViolationKind::TooLarge {
                size: body,
                limit: MAX_BODY_BYTES,
            };
            errors.push(match file {
                None => card.range().error(kind),
                Some(file) => card.range().error(file.locate(id(card), "", &kind)),
            });
        }
    }
    Checked {
        report,
        errors,
        deprecated,
    }
}

/// The size of the update request body of a static card: `{"content":"..."}` where `...` is
/// the card's compact JSON, escaped as a JSON string. It counts what serde_json writes
/// (the same keys and values; numbers as written).
pub fn body_size(card: &Value) -> usize {
    let mut json = String::new();
    write_json(card, &mut json);
    let mut body = String::from("{\"content\":");
    card_schema::json::write_string(&json, &mut body);
    body.push('}');
    body.len()
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b, _) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.text),
        Value::String(s) => card_schema::json::write_string(&s.text, out),
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
        if let (card_schema::def::UNCHECKED, Value::Object(inner)) =
            (entry.name.as_str(), &entry.value)
        {
            write_entries(&inner.entries, out, first);
            continue;
        }
        if !std::mem::replace(first, false) {
            out.push(',');
        }
        card_schema::json::write_string(&entry.name, out);
        out.push(':');
        write_json(&entry.value, out);
    }
}

//! Stage 2, check: the syntax tree against the card schema, with the validator `card-core`
//! runs on JSON at run time, plus what only the macro can know (the size of a static card).

use card_schema::catalogue::MAX_BODY_BYTES;
use card_schema::{validate_card, Entry, Item, Node, Report, Severity, View};
use syn::Error;

use crate::ast::{self, Range, Value};

impl Node for Value {
    type Span = Range;

    fn span(&self) -> Range {
        self.range()
    }

    fn view(&self) -> View<'_, Self> {
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
                        key_span: Range::one(e.key.span()),
                        value: &e.value,
                    })
                    .collect(),
            ),
            Value::Rust(_) => View::Dynamic,
        }
    }
}

fn items(items: &[ast::Item]) -> Vec<Item<'_, Value>> {
    items
        .iter()
        .map(|item| match item {
            ast::Item::Value(v) => Item::Value(v),
            ast::Item::For { body, .. } => Item::Repeated(self::items(body)),
            ast::Item::If {
                then, otherwise, ..
            } => {
                let mut branches = self::items(then);
                if let Some(otherwise) = otherwise {
                    branches.extend(self::items(otherwise));
                }
                Item::Conditional(branches)
            }
            ast::Item::Spread(rust) => Item::Spread(rust.range),
        })
        .collect()
}

/// What the checks found: errors (the card does not compile) and warnings.
pub struct Checked {
    /// The validator's report.
    pub report: Report<Range>,
    /// Compile errors, every one found.
    pub errors: Vec<Error>,
    /// `(where, field, note)` of deprecated fields.
    pub deprecated: Vec<(Range, &'static str, &'static str)>,
}

/// Checks a card.
pub fn check(card: &Value) -> Checked {
    let report = validate_card(card);
    let mut errors = Vec::new();
    let mut deprecated = Vec::new();
    for violation in &report.violations {
        match (&violation.kind, violation.severity()) {
            (card_schema::ViolationKind::Deprecated { field, note }, Severity::Warning) => {
                deprecated.push((violation.span, *field, *note));
            }
            (kind, _) => errors.push(violation.span.error(kind)),
        }
    }
    if !report.dynamic && errors.is_empty() {
        let body = body_size(card);
        if body > MAX_BODY_BYTES {
            let kind = card_schema::ViolationKind::TooLarge {
                size: body,
                limit: MAX_BODY_BYTES,
            };
            errors.push(card.range().error(kind));
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
    write_string(&json, &mut body);
    body.push('}');
    body.len()
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b, _) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.text),
        Value::String(s) => write_string(&s.text, out),
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
            for (i, entry) in o.entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(&entry.name, out);
                out.push(':');
                write_json(&entry.value, out);
            }
            out.push('}');
        }
        // Not reached: dynamic cards are not measured.
        Value::Rust(_) => out.push_str("null"),
    }
}

/// Writes a JSON string the way serde_json does: `"` `\` and control characters escaped,
/// everything else (`/`, non-ASCII) as is.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

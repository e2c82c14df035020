//! A direct JSON writer for the typed model: the exact bytes `serde_json::to_string` writes,
//! without going through a `Serializer`.
//!
//! The impls for the model's structs, unions and enumerations are generated with the model
//! (`lark_card_schema::codegen`): keys and union tags are string literals escaped when the model is
//! generated, so only runtime values are escaped here. Everything is written into a `String`,
//! piece by piece, so the result is UTF-8 by construction.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

use crate::raw::Unchecked;

/// A value written as compact JSON, exactly as `serde_json` serializes it.
pub(crate) trait WriteJson {
    /// Appends the JSON of `self` to `out`.
    fn write_json(&self, out: &mut String);
}

/// A struct's fields without the braces: what a struct writes inside `{}`, and what an
/// internally tagged union (`#[serde(tag = "tag")]`) writes after its tag entry.
pub(crate) trait WriteFields {
    /// Appends the present fields (`None` is skipped), each but the first preceded by a comma;
    /// `first` says whether anything was written in the object before.
    fn write_fields(&self, out: &mut String, first: bool);
}

/// Writes a struct: `{`, its fields, `}`.
pub(crate) fn object(out: &mut String, value: &dyn WriteFields) {
    out.push('{');
    value.write_fields(out, true);
    out.push('}');
}

/// Writes a variant of an internally tagged union: `open` is `{"tag":"value"` (escaped when
/// the model was generated), then the variant's fields, as serde writes them.
pub(crate) fn tagged(out: &mut String, open: &str, value: &dyn WriteFields) {
    out.push_str(open);
    value.write_fields(out, false);
    out.push('}');
}

/// The fields of one object as they are written.
pub(crate) struct Fields<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(out: &'a mut String, first: bool) -> Self {
        Fields { out, first }
    }

    /// Writes the properties passed through unchecked after the fields, as serde's
    /// `flatten` does; or (marked) the marker `"$unchecked":{...}` holding them.
    pub(crate) fn unchecked(&mut self, unchecked: &Unchecked) {
        if unchecked.is_empty() {
            return;
        }
        if marking_unchecked() {
            self.separator();
            string(self.out, lark_card_schema::def::UNCHECKED);
            self.out.push(':');
            unchecked.0.write_json(self.out);
            return;
        }
        for (key, value) in unchecked {
            self.separator();
            string(self.out, key);
            self.out.push(':');
            value.write_json(self.out);
        }
    }

    /// A comma, unless nothing was written in the object yet.
    fn separator(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.out.push(',');
        }
    }

    /// Writes `key` and the value, if there is one. `key` is `,"name":`, escaped; its comma
    /// is left out for the first field written.
    #[inline]
    pub(crate) fn field<T: WriteJson>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            let key = if self.first {
                self.first = false;
                key.get(1..).unwrap_or(key)
            } else {
                key
            };
            self.out.push_str(key);
            value.write_json(self.out);
        }
    }
}

/// Writes a string whose JSON form is itself in quotes (enumeration values, checked when the
/// model is generated).
pub(crate) fn plain(out: &mut String, value: &str) {
    out.reserve(value.len() + 2);
    out.push('"');
    out.push_str(value);
    out.push('"');
}

/// Writes `value` as a JSON string, escaped as serde_json escapes it (the project's one
/// escaper, [`lark_card_schema::json::write_string`]).
#[inline]
pub(crate) fn string(out: &mut String, value: &str) {
    lark_card_schema::json::write_string(value, out);
}

impl WriteJson for str {
    fn write_json(&self, out: &mut String) {
        string(out, self);
    }
}

impl WriteJson for String {
    fn write_json(&self, out: &mut String) {
        string(out, self);
    }
}

impl WriteJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl WriteJson for i64 {
    fn write_json(&self, out: &mut String) {
        // Decimal digits, as itoa (serde_json) writes them.
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut n = self.unsigned_abs();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if *self < 0 {
            out.push('-');
        }
        out.push_str(core::str::from_utf8(&digits[start..]).unwrap_or_default());
    }
}

impl WriteJson for Number {
    fn write_json(&self, out: &mut String) {
        // A `Number`'s `Display` is what it serializes to (itoa for integers, the same float
        // formatting as serde_json's writer, or the digits as written with
        // `arbitrary_precision`); a `Number` is never NaN or infinite. Writing to a `String`
        // cannot fail.
        let _ = write!(out, "{self}");
    }
}

impl WriteJson for Value {
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(value) => value.write_json(out),
            Value::Number(value) => value.write_json(out),
            Value::String(value) => string(out, value),
            Value::Array(items) => items.write_json(out),
            Value::Object(map) => map.write_json(out),
        }
    }
}

/// Writes an object's entries in the order the map iterates them, as serde does.
fn entries<'a, V: WriteJson + 'a>(
    out: &mut String,
    entries: impl Iterator<Item = (&'a String, &'a V)>,
) {
    out.push('{');
    for (i, (key, value)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, key);
        out.push(':');
        value.write_json(out);
    }
    out.push('}');
}

impl WriteJson for Map<String, Value> {
    fn write_json(&self, out: &mut String) {
        entries(out, self.iter());
    }
}

impl<V: WriteJson> WriteJson for BTreeMap<String, V> {
    fn write_json(&self, out: &mut String) {
        entries(out, self.iter());
    }
}

thread_local! {
    /// Whether [`Unchecked`] parts are written with their marker, `"$unchecked": {...}`.
    static MARK_UNCHECKED: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

/// Runs `write` with [`Unchecked`] parts written inside their marker: card JSON that
/// runtime validation reads as `card!` did (properties passed through unchecked stay
/// unchecked). Lark never sees this form.
pub(crate) fn with_unchecked_marked<R>(write: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = MARK_UNCHECKED.try_with(|mark| mark.set(self.0));
        }
    }
    let before = MARK_UNCHECKED
        .try_with(|mark| mark.replace(true))
        .unwrap_or(false);
    let _restore = Restore(before);
    write()
}

fn marking_unchecked() -> bool {
    MARK_UNCHECKED
        .try_with(core::cell::Cell::get)
        .unwrap_or(false)
}

/// A whole object passed through: its properties, or (marked) `{"$unchecked":{...}}`.
impl WriteJson for Unchecked {
    fn write_json(&self, out: &mut String) {
        if marking_unchecked() {
            out.push('{');
            string(out, lark_card_schema::def::UNCHECKED);
            out.push(':');
            self.0.write_json(out);
            out.push('}');
        } else {
            self.0.write_json(out);
        }
    }
}

impl<T: WriteJson> WriteJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<T: WriteJson + ?Sized> WriteJson for Box<T> {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

#[cfg(test)]
mod tests {
    // Test code: a failed expectation is a panic.
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn json<T: WriteJson + ?Sized>(value: &T) -> String {
        let mut out = String::new();
        value.write_json(&mut out);
        out
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let mut every_control: String = (0u8..0x20).map(char::from).collect();
        every_control.push_str("\"\\/ \u{7f} é 中文 😀 \u{2028}\u{2029} end");
        for s in [
            "",
            "plain",
            "\"",
            "\\",
            "a\"b\\c",
            "\n\r\t\u{8}\u{c}",
            "\u{0}\u{1f}x",
            "中文 😀",
            "trailing\\",
            every_control.as_str(),
        ] {
            assert_eq!(json(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn integers_are_written_like_serde_json() {
        for n in [0, 1, -1, 9, 10, -10, 4821, i64::MAX, i64::MIN, i64::MIN + 1] {
            assert_eq!(json(&n), serde_json::to_string(&n).unwrap(), "{n}");
        }
    }

    #[test]
    fn free_json_is_written_like_serde_json() {
        let value = serde_json::json!({
            "z": [1, -2, 3.5, 1e300, -0.0, 0.1, u64::MAX, i64::MIN, null, true, false],
            "a\"\n": { "": "", "/": "\u{1}\u{2028}" },
            "中": [[], {}, [{}]],
        });
        assert_eq!(json(&value), serde_json::to_string(&value).unwrap());
        let map: BTreeMap<String, Vec<Value>> = [
            ("b".to_string(), vec![value.clone()]),
            ("a\t".to_string(), vec![]),
        ]
        .into();
        assert_eq!(json(&map), serde_json::to_string(&map).unwrap());
    }
}

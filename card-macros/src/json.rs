//! Stage 1 for `include_card!`: card JSON read from a file into the same syntax tree as
//! `card!` parses, so that the same checks and the same expansion follow.
//!
//! A reader of our own, not serde_json: the checks need the line and column of every value
//! and key (to say where in the file a rule is broken) and duplicate keys kept as written;
//! serde_json gives neither, and adding it to the macro would put its build in front of
//! every user's first compile of `card!`. JSON's grammar is small (RFC 8259); this reads all
//! of it, escapes included (`\u4e2d`, surrogate pairs, `\b`, `\f`), which Rust's tokenizer
//! does not, so exported files work as they are.

use proc_macro2::Span;
use syn::LitStr;

pub use crate::ast::At;
use crate::ast::{new_id, Array, Entry, Item, Number, NumberValue, Object, Range, Str, Value};

/// How deeply arrays and objects may nest in a card file. The reader (like the checks and the
/// expansion after it) recurses once per level, so without a limit a file nested deeply
/// enough would overflow the compiler's stack. The number is serde_json's own recursion
/// limit: far above any card Lark accepts (elements nest at most
/// `lark_card_schema::catalogue::MAX_DEPTH` levels, each a few JSON levels deep) and far
/// below what the stack holds.
const MAX_NESTING: usize = 128;

/// A JSON syntax error.
#[derive(Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where.
    pub at: At,
    /// What is wrong.
    pub message: String,
}

/// Reads card JSON. Every node gets `span` (the path literal of `include_card!`), and in its
/// id where it is in the file.
pub fn read(text: &str, span: Span) -> Result<Value> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        span,
        depth: 0,
    };
    // Some editors and exporters begin UTF-8 files with a byte order mark.
    if text.starts_with('\u{feff}') {
        reader.pos = '\u{feff}'.len_utf8();
        reader.line_start = reader.pos;
    }
    reader.whitespace();
    let value = reader.value()?;
    reader.whitespace();
    if reader.pos < reader.bytes.len() {
        return Err(reader.error("unexpected text after the card's closing `}`"));
    }
    Ok(value)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The current line, and the byte where it starts (newlines only occur in whitespace:
    /// JSON strings cannot hold a raw one).
    line: usize,
    line_start: usize,
    span: Span,
    /// How many arrays and objects enclose the current position.
    depth: usize,
}

type Result<T> = core::result::Result<T, SyntaxError>;

impl Reader<'_> {
    fn at(&self) -> At {
        let column = self
            .text
            .get(self.line_start..self.pos)
            .map_or(0, |line| line.chars().count());
        At {
            line: self.line,
            column: column + 1,
        }
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            at: self.at(),
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn whitespace(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                _ => break,
            }
        }
    }

    fn range(&self) -> Range {
        Range::one(self.span)
    }

    fn value(&mut self) -> Result<Value> {
        let at = self.at();
        let mut value = match self.peek() {
            Some(b'{' | b'[') => self.nested()?,
            Some(b'"') => {
                let text = self.string()?;
                Value::String(self.str(text))
            }
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            Some(b't') => self.word("true", Value::Bool(true, self.span, new_id()))?,
            Some(b'f') => self.word("false", Value::Bool(false, self.span, new_id()))?,
            Some(b'n') => self.word("null", Value::Null(self.span, new_id()))?,
            Some(_) => {
                return Err(self.error(format!(
                    "expected a JSON value, found `{}`",
                    self.text
                        .get(self.pos..)
                        .and_then(|t| t.chars().next())
                        .unwrap_or(' ')
                )))
            }
            None => return Err(self.error("expected a JSON value, found the end of the file")),
        };
        value.id_mut().at = Some(at);
        Ok(value)
    }

    /// An object or an array, one level deeper, within [`MAX_NESTING`].
    fn nested(&mut self) -> Result<Value> {
        if self.depth == MAX_NESTING {
            return Err(self.error(format!(
                "arrays and objects nest more than {MAX_NESTING} levels deep here: no card nests \
                 this deep (elements nest at most {} levels)",
                lark_card_schema::catalogue::MAX_DEPTH
            )));
        }
        self.depth += 1;
        let read = if self.peek() == Some(b'{') {
            self.object()
        } else {
            self.array()
        };
        self.depth -= 1;
        read
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(
                "expected a JSON value (`true`, `false` and `null` are lowercase; strings are in double quotes)",
            ))
        }
    }

    fn str(&self, text: String) -> Str {
        Str {
            lit: LitStr::new(&text, self.span),
            text,
            id: new_id(),
        }
    }

    fn object(&mut self) -> Result<Value> {
        self.pos += 1; // `{`
        let mut entries = Vec::new();
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.whitespace();
                if self.peek() != Some(b'"') {
                    return Err(self.error(if self.peek() == Some(b'}') {
                        "trailing comma: JSON has no comma after the last entry"
                    } else {
                        "expected a key: keys are strings in double quotes"
                    }));
                }
                let key_at = self.at();
                let name = self.string()?;
                self.whitespace();
                if self.peek() != Some(b':') {
                    return Err(self.error(format!("expected `:` after the key `\"{name}\"`")));
                }
                self.pos += 1;
                self.whitespace();
                let value = self.value()?;
                let mut key = self.str(name.clone());
                key.id.at = Some(key_at);
                entries.push(Entry { key, name, value });
                self.whitespace();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error("expected `,` or `}` after the value")),
                }
            }
        }
        Ok(Value::Object(Object {
            entries,
            open: self.span,
            id: new_id(),
        }))
    }

    fn array(&mut self) -> Result<Value> {
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                self.whitespace();
                if self.peek() == Some(b']') {
                    return Err(self.error("trailing comma: JSON has no comma after the last item"));
                }
                items.push(Item::Value(self.value()?));
                self.whitespace();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error("expected `,` or `]` after the item")),
                }
            }
        }
        Ok(Value::Array(Array {
            items,
            span: self.span,
            id: new_id(),
        }))
    }

    /// A string, its escapes decoded.
    fn string(&mut self) -> Result<String> {
        self.pos += 1; // `"`
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // `start` and `pos` are next to ASCII bytes: character boundaries.
            out.push_str(self.text.get(start..self.pos).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                Some(_) => {
                    return Err(self.error(
                        "a control character (a line break, say) inside a string: write it as an escape such as `\\n`",
                    ))
                }
                None => return Err(self.error("this string is not closed: expected `\"`")),
            }
        }
    }

    /// The character after a backslash.
    fn escape(&mut self) -> Result<char> {
        let Some(byte) = self.peek() else {
            return Err(self.error("expected an escape after `\\`"));
        };
        self.pos += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(),
            _ => {
                self.pos -= 1;
                return Err(self.error(
                    "unknown escape: JSON has `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`",
                ));
            }
        })
    }

    /// `\uXXXX`, or two of them for a character outside the Basic Multilingual Plane.
    fn unicode_escape(&mut self) -> Result<char> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(high).ok_or_else(|| {
                self.error("`\\u` escape of a lone low surrogate: not a character")
            });
        }
        if !self.bytes[self.pos..].starts_with(b"\\u") {
            return Err(self.error(
                "`\\u` escape of a lone high surrogate: it must be followed by a low one (`\\udc00` to `\\udfff`)",
            ));
        }
        self.pos += 2;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(self.error("expected a low surrogate (`\\udc00` to `\\udfff`)"));
        }
        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        char::from_u32(code).ok_or_else(|| self.error("not a character"))
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some(digits) = digits else {
            return Err(self.error("expected four hex digits after `\\u`"));
        };
        let value = u32::from_str_radix(digits, 16).map_err(|_| self.error("bad hex digits"))?;
        self.pos += 4;
        Ok(value)
    }

    fn number(&mut self) -> Result<Number> {
        let start = self.pos;
        let digits = |reader: &mut Self| {
            let from = reader.pos;
            while reader.peek().is_some_and(|b| b.is_ascii_digit()) {
                reader.pos += 1;
            }
            reader.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let leading = self.pos;
        if !digits(self) {
            return Err(self.error("expected a digit"));
        }
        if self.bytes[leading] == b'0' && self.pos > leading + 1 {
            self.pos = leading;
            return Err(self.error("a JSON number has no leading zeros"));
        }
        let mut whole = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            whole = false;
            if !digits(self) {
                return Err(self.error("expected a digit after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            whole = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        let text = self
            .text
            .get(start..self.pos)
            .unwrap_or_default()
            .to_string();
        let value = if whole {
            match (text.parse::<i64>(), text.parse::<u64>()) {
                (Ok(i), _) => NumberValue::Int(i),
                (_, Ok(u)) => NumberValue::UInt(u),
                _ => {
                    self.pos = start;
                    return Err(self.error("this number is too large for JSON numbers Lark reads"));
                }
            }
        } else {
            match text.parse::<f64>() {
                Ok(f) if f.is_finite() => NumberValue::Float(f),
                _ => {
                    self.pos = start;
                    return Err(self.error("this number is out of range"));
                }
            }
        };
        Ok(Number {
            value,
            range: self.range(),
            id: new_id(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]

    use super::*;

    fn value(text: &str) -> Value {
        match read(text, Span::call_site()) {
            Ok(value) => value,
            Err(e) => panic!("{text}: {e:?}"),
        }
    }

    fn error(text: &str) -> (usize, usize, String) {
        match read(text, Span::call_site()) {
            Ok(_) => panic!("{text}: accepted"),
            Err(e) => (e.at.line, e.at.column, e.message),
        }
    }

    fn string(text: &str) -> String {
        match value(text) {
            Value::String(s) => s.text,
            _ => panic!("{text}: not a string"),
        }
    }

    #[test]
    fn escapes_rust_cannot_tokenize_are_read() {
        assert_eq!(string(r#""\u4e2d\u6587""#), "中文");
        assert_eq!(string(r#""\b\f\n\r\t\/\\\"""#), "\u{8}\u{c}\n\r\t/\\\"");
        assert_eq!(string(r#""\ud83d\ude00""#), "😀");
        assert_eq!(string("\"中文 as is\""), "中文 as is");
    }

    #[test]
    fn numbers_are_read_as_the_card_holds_them() {
        for (text, expected) in [
            ("0", NumberValue::Int(0)),
            ("-0", NumberValue::Int(0)),
            ("-12", NumberValue::Int(-12)),
            ("1.5", NumberValue::Float(1.5)),
            ("2e3", NumberValue::Float(2000.0)),
            ("-0.0", NumberValue::Float(-0.0)),
            ("9223372036854775808", NumberValue::UInt(1 << 63)),
            ("18446744073709551615", NumberValue::UInt(u64::MAX)),
        ] {
            match value(text) {
                Value::Number(n) => assert_eq!(n.value, expected, "{text}"),
                _ => panic!("{text}"),
            }
        }
        assert_eq!(
            error("18446744073709551616").2,
            "this number is too large for JSON numbers Lark reads"
        );
    }

    #[test]
    fn errors_say_where_and_what() {
        assert_eq!(
            error("{\n  \"a\": 1,\n}"),
            (
                3,
                1,
                "trailing comma: JSON has no comma after the last entry".into()
            )
        );
        assert_eq!(error("{ \"a\" 1 }").0, 1);
        assert_eq!(error("{ \"a\" 1 }").1, 7);
        assert_eq!(error("[1 2]").2, "expected `,` or `]` after the item");
        assert_eq!(error("{ \"中文\": tru }").1, 9);
        assert!(error(r#""\x""#).2.starts_with("unknown escape"));
        assert!(error(r#""\ud83d""#).2.contains("lone high surrogate"));
        assert!(error("\"a\nb\"").2.contains("control character"));
        assert_eq!(error("01").2, "a JSON number has no leading zeros");
        assert_eq!(
            error("{} {}").2,
            "unexpected text after the card's closing `}`"
        );
        assert_eq!(
            error("").2,
            "expected a JSON value, found the end of the file"
        );
        assert_eq!(error("1e999").2, "this number is out of range");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow() {
        let nested = |levels: usize| {
            let mut text = String::from("{\n\"a\": ");
            for _ in 1..levels {
                text.push('[');
            }
            text.push('1');
            for _ in 1..levels {
                text.push(']');
            }
            text.push('}');
            text
        };
        assert!(read(&nested(MAX_NESTING), Span::call_site()).is_ok());
        let (line, column, message) = error(&nested(MAX_NESTING + 1));
        // At the first `[` one level too deep: the 128th on line 2, after `"a": `.
        assert_eq!((line, column), (2, 6 + MAX_NESTING - 1));
        assert!(
            message.starts_with("arrays and objects nest more than 128 levels"),
            "{message}"
        );
        // Far deeper than any stack holds: still the same error, at the same place.
        let (line, column, _) = error(&nested(1_000_000));
        assert_eq!((line, column), (2, 6 + MAX_NESTING - 1));
    }

    #[test]
    fn positions_of_values_and_keys_are_kept() {
        let text = "{\n  \"schema\": \"2.0\",\n  \"body\": [ null ]\n}";
        let card = match read(text, Span::call_site()) {
            Ok(read) => read,
            Err(e) => panic!("{e:?}"),
        };
        let Value::Object(object) = &card else {
            panic!("not an object")
        };
        let at = |id: crate::ast::NodeId| id.at.map(|a| (a.line, a.column));
        assert_eq!(at(card.id()), Some((1, 1)));
        assert_eq!(at(object.entries[0].key.id), Some((2, 3)));
        assert_eq!(at(object.entries[0].value.id()), Some((2, 13)));
        let Value::Array(body) = &object.entries[1].value else {
            panic!("not an array")
        };
        let Item::Value(null) = &body.items[0] else {
            panic!("not a value")
        };
        assert_eq!(at(null.id()), Some((3, 13)));
    }
}

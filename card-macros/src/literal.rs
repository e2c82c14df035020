//! Rust literals, read from their source text: string literals (with their escapes), integer
//! and float literals. `proc_macro2::Literal` gives only the text; `syn` is not used (see
//! `ast.rs`).

/// What a literal is.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    /// `"..."` or `r#"..."#`: its value, and a suffix if one was written.
    Str {
        /// The string's value, escapes resolved.
        text: String,
        /// A suffix after the closing quote (Rust accepts some).
        suffix: String,
    },
    /// An integer: its decimal digits, and its type suffix if any (`u8`).
    Int {
        /// Decimal digits, without `_`.
        digits: String,
        /// `u8`, `i64`... or empty.
        suffix: String,
    },
    /// A float: its digits (`1.5e3`), and its suffix if any (`f32`).
    Float {
        /// The number, without `_`.
        digits: String,
        /// `f32`, `f64` or empty.
        suffix: String,
    },
    /// Anything else (characters, byte strings): not JSON.
    Other,
}

/// Reads a literal's source text.
pub fn classify(repr: &str) -> Kind {
    if let Some(rest) = repr.strip_prefix('r') {
        return raw_string(rest).unwrap_or(Kind::Other);
    }
    if repr.starts_with('"') {
        return string(repr).unwrap_or(Kind::Other);
    }
    if repr.starts_with(|c: char| c.is_ascii_digit()) {
        return number(repr);
    }
    Kind::Other
}

fn raw_string(rest: &str) -> Option<Kind> {
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    let body = rest[hashes..].strip_prefix('"')?;
    let closing = format!("\"{}", "#".repeat(hashes));
    let end = body.rfind(&closing)?;
    Some(Kind::Str {
        text: body[..end].to_string(),
        suffix: body[end + closing.len()..].to_string(),
    })
}

fn string(repr: &str) -> Option<Kind> {
    let body = repr.strip_prefix('"')?;
    let mut text = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                return Some(Kind::Str {
                    text,
                    suffix: body[i + 1..].to_string(),
                })
            }
            '\\' => {
                let (_, escape) = chars.next()?;
                match escape {
                    'n' => text.push('\n'),
                    'r' => text.push('\r'),
                    't' => text.push('\t'),
                    '\\' => text.push('\\'),
                    '0' => text.push('\0'),
                    '\'' => text.push('\''),
                    '"' => text.push('"'),
                    'x' => {
                        let hex: String = [chars.next()?.1, chars.next()?.1].iter().collect();
                        text.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
                    }
                    'u' => {
                        if chars.next()?.1 != '{' {
                            return None;
                        }
                        let mut hex = String::new();
                        loop {
                            match chars.next()?.1 {
                                '}' => break,
                                '_' => {}
                                h => hex.push(h),
                            }
                        }
                        text.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    // A line continuation: the newline and the next line's indentation go.
                    '\n' | '\r' => {
                        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                            chars.next();
                        }
                    }
                    _ => return None,
                }
            }
            c => text.push(c),
        }
    }
    None
}

fn number(repr: &str) -> Kind {
    let radix = match repr.get(..2) {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => 10,
    };
    if radix != 10 {
        let body = &repr[2..];
        let end = body
            .find(|c: char| !(c.is_digit(radix) || c == '_'))
            .unwrap_or(body.len());
        let digits: String = body[..end].chars().filter(|&c| c != '_').collect();
        return match u128::from_str_radix(&digits, radix) {
            Ok(value) => Kind::Int {
                digits: value.to_string(),
                suffix: body[end..].to_string(),
            },
            Err(_) => Kind::Other,
        };
    }
    let bytes = repr.as_bytes();
    let mut i = 0;
    let digits_while = |mut i: usize| {
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
            i += 1;
        }
        i
    };
    i = digits_while(i);
    let mut float = false;
    if i < bytes.len() && bytes[i] == b'.' {
        float = true;
        i = digits_while(i + 1);
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        let k = digits_while(j);
        if k > j {
            float = true;
            i = k;
        }
    }
    let mut digits: String = repr[..i].chars().filter(|&c| c != '_').collect();
    let suffix = repr[i..].to_string();
    if float || suffix.starts_with('f') {
        if digits.ends_with('.') {
            digits.push('0');
        }
        Kind::Float { digits, suffix }
    } else {
        Kind::Int { digits, suffix }
    }
}

#[cfg(test)]
mod tests {
    use super::{classify, Kind};

    fn s(text: &str) -> Kind {
        Kind::Str {
            text: text.into(),
            suffix: String::new(),
        }
    }

    #[test]
    fn strings() {
        assert_eq!(
            classify(r#""a\"b\\c\n\t\0\x41\u{1F600}\u{4e2d}""#),
            s("a\"b\\c\n\t\0A😀中")
        );
        assert_eq!(
            classify(r##"r#"raw "quoted" \n"#"##),
            s("raw \"quoted\" \\n")
        );
        assert_eq!(classify("r\"x\""), s("x"));
        assert_eq!(classify("\"a\\\n    b\""), s("ab"));
        assert_eq!(classify("\"日本\""), s("日本"));
        assert_eq!(
            classify("\"x\"suffix"),
            Kind::Str {
                text: "x".into(),
                suffix: "suffix".into()
            }
        );
        assert_eq!(classify("b\"x\""), Kind::Other);
        assert_eq!(classify("'x'"), Kind::Other);
    }

    #[test]
    fn numbers() {
        let int = |d: &str, s: &str| Kind::Int {
            digits: d.into(),
            suffix: s.into(),
        };
        let float = |d: &str, s: &str| Kind::Float {
            digits: d.into(),
            suffix: s.into(),
        };
        assert_eq!(classify("42"), int("42", ""));
        assert_eq!(classify("1_000"), int("1000", ""));
        assert_eq!(classify("2u8"), int("2", "u8"));
        assert_eq!(classify("0x1F"), int("31", ""));
        assert_eq!(classify("0xffu8"), int("255", "u8"));
        assert_eq!(classify("0b101"), int("5", ""));
        assert_eq!(classify("1.5"), float("1.5", ""));
        assert_eq!(classify("2."), float("2.0", ""));
        assert_eq!(classify("1e3"), float("1e3", ""));
        assert_eq!(classify("1.5E-3"), float("1.5E-3", ""));
        assert_eq!(classify("1.5f32"), float("1.5", "f32"));
        assert_eq!(classify("3f64"), float("3", "f64"));
    }
}

//! JSON text, written the way serde_json writes it (this crate has no dependencies).

use std::fmt::Write;

/// Appends `value` as a JSON string, quoted and escaped exactly as serde_json escapes it:
/// `"`, `\` and control characters; everything else (`/`, non-ASCII) as is. Used for the
/// model's keys by the generator and by `card!` to measure a static card's update body.
pub fn write_string(value: &str, out: &mut String) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\0'..='\u{1f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

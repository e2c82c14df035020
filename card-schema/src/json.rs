//! JSON text, written the way serde_json writes it (this crate has no dependencies): the one
//! JSON string escaper of the project, used by the generated model's writer, by `card!` to
//! measure a static card's update body, and by the update body itself.

/// `\uXXXX` escapes use lowercase hex digits, like serde_json.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// For each byte: 0 if it is written as is, else the letter after the backslash (`u` for
/// `\u00XX`). The same table as serde_json's.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Appends `value` as a JSON string, quoted and escaped exactly as serde_json escapes it:
/// `"`, `\` and the control characters U+0000 to U+001F; everything else (`/`, non-ASCII,
/// U+2028) as it is.
///
/// ```
/// let mut out = String::new();
/// lark_card_schema::json::write_string("a \"b\"\n/", &mut out);
/// assert_eq!(out, r#""a \"b\"\n/""#);
/// ```
#[inline]
pub fn write_string(value: &str, out: &mut String) {
    out.reserve(value.len() + 2);
    out.push('"');
    let mut start = 0;
    for (i, &byte) in value.as_bytes().iter().enumerate() {
        let escape = ESCAPE[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        // `i` and `start` are next to ASCII bytes: character boundaries.
        out.push_str(&value[start..i]);
        start = i + 1;
        if escape == b'u' {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push('\\');
            out.push(char::from(escape));
        }
    }
    out.push_str(&value[start..]);
    out.push('"');
}

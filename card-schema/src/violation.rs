//! What the validator reports, and how it reads: one message per rule, shared by the compile
//! errors of `card!` and the runtime errors of card validation.

use core::fmt;

use crate::def::{Slot, Version};

/// How bad a violation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The card is wrong: Lark rejects it or renders it differently than written.
    Error,
    /// The card works, but something in it has no effect (a deprecated field).
    Warning,
}

/// A broken rule, where it was broken, and the JSON path to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation<I> {
    /// Where: the [`Node::id`](crate::tree::Node::id) of the offending value (for `card!`,
    /// its place in the source; runtime validation locates by `path` alone).
    pub node: I,
    /// The JSON path to the offending value, such as `elements[1].actions[0].type`.
    pub path: String,
    /// Which rule.
    pub kind: ViolationKind,
}

impl<I> Violation<I> {
    /// Error or warning.
    pub fn severity(&self) -> Severity {
        match self.kind {
            ViolationKind::Deprecated { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// Every rule the validator checks. The `Display` text reads like a rustc message: the rule,
/// then how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The card is not a JSON object.
    NotAnObject,
    /// A field the object does not have.
    UnknownField {
        /// The object (`button`, `header`).
        object: &'static str,
        /// The field as written.
        field: String,
        /// A close name, if any.
        suggestion: Option<&'static str>,
    },
    /// A `tag` (or `type`) value that names nothing.
    UnknownTag {
        /// What the discriminator chooses: `element`, `text object`, `behavior`.
        what: &'static str,
        /// The discriminator key.
        key: &'static str,
        /// The value as written.
        tag: String,
        /// A close name, if any.
        suggestion: Option<&'static str>,
    },
    /// An object without its discriminator (`tag`).
    MissingTag {
        /// What it should be: `element`, `text object`.
        what: &'static str,
        /// The discriminator key.
        key: &'static str,
        /// The values it could take.
        choices: Vec<&'static str>,
    },
    /// The discriminator is not a string literal.
    TagNotLiteral {
        /// The discriminator key.
        key: &'static str,
    },
    /// A value of the wrong JSON kind.
    WrongKind {
        /// The field (`text`, `disabled`).
        field: String,
        /// What it must be: "a string".
        expected: &'static str,
        /// What it is: "a number".
        found: &'static str,
    },
    /// A string outside an enumeration.
    NotInEnum {
        /// The field.
        field: String,
        /// What the enumeration is: "button type".
        what: &'static str,
        /// The value as written.
        value: String,
        /// The allowed values.
        allowed: Vec<&'static str>,
        /// What else is allowed beyond the values ("a size in pixels").
        open: Option<&'static str>,
        /// A close value, if any.
        suggestion: Option<&'static str>,
    },
    /// A string that does not have the expected syntax.
    BadSyntax {
        /// The field.
        field: String,
        /// The value as written.
        value: String,
        /// The syntax expected.
        expected: &'static str,
    },
    /// A whole number outside its range, or not a whole number.
    OutOfRange {
        /// The field.
        field: String,
        /// The value as written.
        value: String,
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// A required field is absent.
    MissingField {
        /// The object.
        object: &'static str,
        /// The field.
        field: &'static str,
    },
    /// The same key twice in one object.
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// Fields that exclude each other are both present.
    Exclusive {
        /// The object.
        object: &'static str,
        /// The fields present.
        fields: Vec<&'static str>,
    },
    /// None of the fields of which one is needed is present.
    NeedsOneOf {
        /// The object.
        object: &'static str,
        /// The fields of which one is needed.
        fields: Vec<&'static str>,
    },
    /// An element where its parent does not accept it.
    NotAllowedHere {
        /// The element's tag.
        tag: String,
        /// Where it was placed.
        slot: Slot,
        /// The card version.
        version: Version,
        /// How to fix it.
        hint: Option<&'static str>,
    },
    /// A field or tag that exists only in the other card version.
    WrongVersion {
        /// "field `wide_screen_mode` of `config`" or "tag `action`".
        what: String,
        /// The version it exists in.
        exists_in: Version,
        /// The version of this card.
        card: Version,
        /// How to fix it, if there is a usual way.
        hint: Option<&'static str>,
    },
    /// Elements nested deeper than Lark allows.
    TooDeep {
        /// The element's tag.
        tag: String,
        /// Its depth.
        depth: usize,
        /// The most allowed.
        max: usize,
    },
    /// Two elements with the same `element_id`.
    DuplicateElementId {
        /// The id.
        id: String,
    },
    /// A literal `element_id` inside a loop would repeat.
    ElementIdInLoop {
        /// The id.
        id: String,
    },
    /// A 2.0 card with more elements than Lark allows.
    TooManyElements {
        /// How many.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// A 1.0 card where a CardKit card entity (a streaming card) is made: CardKit takes card
    /// JSON 2.0 only (300303). Reported by `streaming_card!` and `StreamingCard::from_json`,
    /// not by [`validate_card`](crate::validate_card), which takes both versions.
    CardKitNeedsV2,
    /// `update_multi: false` in a 2.0 card (2.0 cards are always shared).
    ExclusiveV2,
    /// `schema` is not a literal.
    SchemaNotLiteral,
    /// `update_multi` is not a literal.
    UpdateMultiNotLiteral,
    /// The value of `$unchecked` is not an object written out.
    UncheckedNotAnObject,
    /// A key starting with `$` that is not `$unchecked`.
    UnknownMarker {
        /// The key as written.
        key: String,
    },
    /// A field both checked and inside `$unchecked`.
    CheckedAndUnchecked {
        /// The field.
        field: String,
    },
    /// A field that cannot be unchecked (`schema`, `update_multi`).
    MustBeChecked {
        /// The field.
        field: &'static str,
    },
    /// A checked field beside a `$unchecked` that holds the object's discriminator.
    CheckedBesideRaw {
        /// The field.
        field: String,
        /// The discriminator key.
        key: &'static str,
    },
    /// The update request body would exceed the size limit.
    TooLarge {
        /// Bytes of the `{"content": ...}` request body.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A colour or text size that is neither one Lark names nor one the card declares in
    /// `config.style`.
    UnknownStyleName {
        /// The field.
        field: String,
        /// What the value is: "colour", "text size".
        what: &'static str,
        /// The value as written.
        value: String,
        /// The key under `config.style` where custom names are declared.
        style_key: &'static str,
        /// A close name, among Lark's and the card's own.
        suggestion: Option<String>,
    },
    /// More elements of one tag than Lark allows in a card.
    TooManyOfTag {
        /// The tag.
        tag: &'static str,
        /// How many so far.
        count: usize,
        /// The most allowed.
        max: usize,
        /// The page that states the limit.
        page: &'static str,
    },
    /// A text longer than Lark allows.
    TextTooLong {
        /// The field holding the text.
        field: &'static str,
        /// Its length in characters.
        chars: usize,
        /// The most allowed.
        max: usize,
        /// The page that states the limit.
        page: &'static str,
    },
    /// An array with more items than Lark allows.
    TooManyItems {
        /// The array field.
        field: &'static str,
        /// How many items.
        count: usize,
        /// The most allowed.
        max: usize,
        /// The page that states the limit.
        page: &'static str,
    },
    /// Markdown with more tables than Lark allows in one element.
    TooManyMarkdownTables {
        /// How many tables.
        count: usize,
        /// The most allowed.
        max: usize,
        /// The page that states the limit.
        page: &'static str,
    },
    /// A deprecated field (a warning).
    Deprecated {
        /// The field.
        field: &'static str,
        /// Why, and what to do.
        note: &'static str,
    },
}

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ViolationKind::*;
        match self {
            NotAnObject => f.write_str("a card must be a JSON object `{ ... }`"),
            UnknownField { object, field, suggestion } => {
                write!(f, "unknown field `{field}` in `{object}`")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            UnknownTag { what, key, tag, suggestion } => {
                write!(f, "unknown {what} {key} `{tag}`")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            MissingTag { what, key, choices } => {
                write!(f, "this {what} has no `{key}`")?;
                if choices.len() <= 6 {
                    write!(f, " (add `\"{key}\": ` with {})", list(choices))
                } else {
                    write!(f, " (add `\"{key}\": \"...\"` naming the {what}, such as `\"markdown\"`)")
                }
            }
            TagNotLiteral { key } => {
                write!(f, "`{key}` must be a string literal: it decides which fields are allowed")
            }
            WrongKind { field, expected, found } => {
                write!(f, "`{field}` must be {expected}, found {found}")
            }
            NotInEnum { field, what, value, allowed, open, suggestion } => {
                write!(f, "`{value}` is not a valid {what} for `{field}`")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => {
                        write!(f, " (expected {}", list(allowed))?;
                        if let Some(open) = open {
                            write!(f, ", or {open}")?;
                        }
                        f.write_str(")")
                    }
                }
            }
            BadSyntax { field, value, expected } => {
                write!(f, "`{value}` is not valid for `{field}`: expected {expected}")
            }
            OutOfRange { field, value, min, max } => {
                write!(f, "`{field}` must be a whole number from {min} to {max}, found `{value}`")
            }
            MissingField { object, field } => {
                write!(f, "`{object}` is missing the required field `{field}`")
            }
            DuplicateKey { key } => write!(f, "duplicate key `{key}` (remove one of them)"),
            Exclusive { object, fields } => write!(
                f,
                "`{object}` may have only one of {} (remove all but one)",
                list(fields)
            ),
            NeedsOneOf { object, fields } => {
                write!(f, "`{object}` needs at least one of {}", list(fields))
            }
            NotAllowedHere { tag, slot, version, hint } => {
                write!(
                    f,
                    "`{tag}` cannot be placed in {} in a {} card",
                    slot.describe(),
                    version.label()
                )?;
                match hint {
                    Some(h) => write!(f, " (hint: {h})"),
                    None => Ok(()),
                }
            }
            WrongVersion { what, exists_in, card, hint } => {
                write!(
                    f,
                    "{what} exists only in card JSON {}, and this is a {} card",
                    exists_in.label(),
                    card.label()
                )?;
                match hint {
                    Some(h) => write!(f, " (hint: {h})"),
                    None => Ok(()),
                }
            }
            TooDeep { tag, depth, max } => write!(
                f,
                "`{tag}` is nested {depth} levels deep; Lark allows at most {max} (flatten the containers)"
            ),
            DuplicateElementId { id } => write!(
                f,
                "duplicate `element_id` `{id}`: each element_id must be unique in the card"
            ),
            ElementIdInLoop { id } => write!(
                f,
                "`element_id` `{id}` is inside a loop, so it would repeat (compute it from the loop variable, or move it out of the loop)"
            ),
            TooManyElements { count, max } => write!(
                f,
                "this 2.0 card has {count} elements; Lark allows at most {max} (split it, or update parts with several cards)"
            ),
            CardKitNeedsV2 => f.write_str(
                "a streaming card must be card JSON 2.0: CardKit makes card entities of 2.0 cards only (Lark answers 300303) (hint: add `\"schema\": \"2.0\"` and move the elements into `\"body\": { \"elements\": [...] }`)",
            ),
            ExclusiveV2 => f.write_str(
                "`update_multi` cannot be `false` in a 2.0 card: 2.0 cards are always shared (remove the field)",
            ),
            SchemaNotLiteral => {
                f.write_str("`schema` must be the literal `\"2.0\"` (or absent for a 1.0 card)")
            }
            UpdateMultiNotLiteral => f.write_str(
                "`update_multi` must be the literal `true` or `false`: it decides whether a sent card can be updated, which `card!` records in the card's type (write the literal; if it varies, write two cards)",
            ),
            UncheckedNotAnObject => f.write_str(
                "`$unchecked` takes an object of the properties to pass through unchecked: `\"$unchecked\": { \"new_field\": ... }`",
            ),
            UnknownMarker { key } => write!(
                f,
                "`{key}` is neither a Lark field nor a marker of card JSON (the only `$` key is `$unchecked`, which passes properties through unchecked)"
            ),
            CheckedAndUnchecked { field } => write!(
                f,
                "`{field}` is both checked and in `$unchecked` (keep one of them)"
            ),
            MustBeChecked { field } => write!(
                f,
                "`{field}` cannot be in `$unchecked`: it decides the card's version and whether it can be updated, which `card!` records in the card's type"
            ),
            CheckedBesideRaw { field, key } => write!(
                f,
                "`{field}` is checked, but this object's `{key}` is in `$unchecked`, so the object is passed through whole (move `{field}` into `$unchecked` too)"
            ),
            TooLarge { size, limit } => write!(
                f,
                "the card's update request body is {size} bytes, over Lark's limit of {limit} bytes by {} (split the card or shorten its content)",
                size - limit.min(size)
            ),
            UnknownStyleName { field, what, value, style_key, suggestion } => {
                write!(
                    f,
                    "`{value}` is not a {what} Lark knows for `{field}`, nor one declared in `config.style.{style_key}`"
                )?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => write!(f, " (declare it in `config.style.{style_key}`, or use one of Lark's)"),
                }
            }
            TooManyOfTag { tag, count, max, page } => write!(
                f,
                "this is `{tag}` number {count} in the card; Lark allows at most {max} per card (see {page})"
            ),
            TextTooLong { field, chars, max, page } => write!(
                f,
                "`{field}` is {chars} characters long; Lark allows at most {max} (see {page})"
            ),
            TooManyItems { field, count, max, page } => write!(
                f,
                "`{field}` has {count} items; Lark allows at most {max} (see {page})"
            ),
            TooManyMarkdownTables { count, max, page } => write!(
                f,
                "this markdown has {count} tables; Lark allows at most {max} in one element (split it, see {page})"
            ),
            Deprecated { note, .. } => f.write_str(note),
        }
    }
}

impl<I> fmt::Display for Violation<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "at `{}`: {}", self.path, self.kind)
        }
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance counted in characters, with a swap of two neighbours as one edit (the
/// optimal string alignment distance): `txet` is one edit from `text`, as typed.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i-2, i-1 and i of the table.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut row: Vec<usize> = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let mut best = (previous[j + 1] + 1)
                .min(row[j] + 1)
                .min(previous[j] + usize::from(ca != cb));
            if i > 0 && j > 0 && a[i - 1] == *cb && b[j - 1] == *ca {
                best = best.min(before[j - 1] + 1);
            }
            row[j + 1] = best;
        }
        core::mem::swap(&mut before, &mut previous);
        core::mem::swap(&mut previous, &mut row);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("contnet", ["content", "tag"]), Some("content"));
        assert_eq!(did_you_mean("buton", ["button", "hr"]), Some("button"));
        assert_eq!(did_you_mean("zzz", ["content", "tag"]), None);
        // Two letters swapped are one slip of the fingers.
        assert_eq!(did_you_mean("txet", ["fields", "text"]), Some("text"));
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("txet", "text"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("标题", "标题"), 0);
    }
}

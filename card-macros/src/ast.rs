//! Stage 1, parse: the tokens of `card!( ... )` into a JSON-shaped syntax tree.
//!
//! The grammar is JSON's, as in `serde_json::json!`, with Rust where JSON has none:
//!
//! ```text
//! value  := null | true | false | number | "string" | array | object | rust
//! object := { ("key": value),* }          keys are string literals, as in JSON
//! array  := [ item,* ]
//! item   := value
//!         | for PAT in EXPR { item,* }   the items once per iteration
//!         | if COND { item,* } (else if COND { item,* })* (else { item,* })?
//!         | ..EXPR                       every value of an iterator
//! rust   := ( EXPR ) | EXPR              a Rust expression; parentheses are needed only
//!                                        when it has a comma outside brackets
//! ```
//!
//! Every node keeps its span, so that the checks of stage 2 point at the offending token.

use proc_macro2::{Delimiter, Group, Literal, Span, TokenStream, TokenTree};

use crate::diag::Error;
use crate::literal;

/// Where something is: its first and last token (a range, so errors underline all of it).
#[derive(Clone, Copy, Debug)]
pub struct Range {
    /// The first token.
    pub start: Span,
    /// The last token.
    pub end: Span,
}

impl Range {
    /// A range of one token.
    pub fn one(span: Span) -> Self {
        Range {
            start: span,
            end: span,
        }
    }

    /// An error message over the whole range.
    pub fn error(self, message: impl core::fmt::Display) -> Error {
        Error::new(self, message.to_string())
    }
}

/// A value.
pub enum Value {
    /// `null`.
    Null(Span),
    /// `true` or `false`.
    Bool(bool, Span),
    /// A number literal, possibly negative.
    Number(Number),
    /// A string literal.
    String(Str),
    /// `[ ... ]`.
    Array(Array),
    /// `{ ... }`.
    Object(Object),
    /// A Rust expression, evaluated at run time.
    Rust(Rust),
}

/// A string literal and its text.
pub struct Str {
    /// The literal, as written.
    pub lit: Literal,
    /// Its text.
    pub text: String,
}

/// A number literal.
pub struct Number {
    /// Its JSON text, such as `-12` or `1.5`.
    pub text: String,
    /// Its value when it is a whole number that fits an `i64`.
    pub int: Option<i64>,
    /// Its value when it is a whole number above `i64::MAX`.
    pub uint: Option<u64>,
    /// Where it is.
    pub range: Range,
}

/// A Rust expression.
pub struct Rust {
    /// Its tokens.
    pub tokens: TokenStream,
    /// Where it is.
    pub range: Range,
}

/// An array.
pub struct Array {
    /// Its items.
    pub items: Vec<Item>,
    /// The brackets.
    pub span: Span,
}

/// An object.
pub struct Object {
    /// Its entries, as written (duplicates kept for the checker).
    pub entries: Vec<Entry>,
    /// The opening brace.
    pub open: Span,
}

/// `"key": value`.
pub struct Entry {
    /// The key.
    pub key: Str,
    /// Its text.
    pub name: String,
    /// The value.
    pub value: Value,
}

/// One item of an array.
pub enum Item {
    /// A value.
    Value(Value),
    /// `for PAT in EXPR { items }`.
    For {
        /// The pattern.
        pat: TokenStream,
        /// The iterated expression.
        expr: TokenStream,
        /// The items of each iteration.
        body: Vec<Item>,
    },
    /// `if COND { items } else ...`.
    If {
        /// The condition (`x > 1`, `let Some(y) = z`).
        cond: TokenStream,
        /// The items when it holds.
        then: Vec<Item>,
        /// `else { items }` or `else if ...` (as a single nested `If`).
        otherwise: Option<Vec<Item>>,
    },
    /// `..EXPR`.
    Spread(Rust),
}

impl Value {
    /// Where the value is: for objects, their `tag` value if they have one (the name of what
    /// they are reads best under a message), else the opening brace.
    pub fn range(&self) -> Range {
        match self {
            Value::Null(span) | Value::Bool(_, span) => Range::one(*span),
            Value::Number(n) => n.range,
            Value::String(s) => Range::one(s.lit.span()),
            Value::Array(a) => Range::one(a.span),
            Value::Object(o) => o
                .entries
                .iter()
                .find(|e| e.name == "tag")
                .map_or(Range::one(o.open), |e| e.value.range()),
            Value::Rust(r) => r.range,
        }
    }
}

type Result<T> = core::result::Result<T, Error>;

/// The tokens of one delimited group (or the whole input), read front to back.
///
/// `syn` is not used: the grammar only needs tokens, and leaving `syn` out keeps the macro
/// cheap to build for every user.
struct Cursor {
    tokens: Vec<TokenTree>,
    pos: usize,
    /// Where the group ends, for "expected ..." at the end.
    end: Span,
}

impl Cursor {
    fn new(stream: TokenStream, end: Span) -> Self {
        Cursor {
            tokens: stream.into_iter().collect(),
            pos: 0,
            end,
        }
    }

    fn peek(&self) -> Option<&TokenTree> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, ahead: usize) -> Option<&TokenTree> {
        self.tokens.get(self.pos + ahead)
    }

    fn next(&mut self) -> Option<TokenTree> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += usize::from(token.is_some());
        token
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// The span of the next token, or the end of the group.
    fn span(&self) -> Span {
        self.peek().map_or(self.end, TokenTree::span)
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::new(Range::one(self.span()), message.into())
    }

    fn peek_punct(&self, ch: char) -> bool {
        matches!(self.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ch)
    }

    fn peek_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(TokenTree::Ident(i)) if i == word)
    }

    /// `..`: two joint dots not followed by a third or `=`.
    fn peek_dot_dot(&self) -> bool {
        let dot =
            |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == '.');
        matches!(self.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '.' && p.spacing() == proc_macro2::Spacing::Joint)
            && dot(self.peek_at(1))
            && !matches!(self.peek_at(2), Some(TokenTree::Punct(p)) if p.as_char() == '.' || p.as_char() == '=')
    }

    /// Whether the next tokens end a value: the end of the group or a comma.
    fn at_end(&self) -> bool {
        self.is_empty() || self.peek_punct(',')
    }

    /// A comma between entries or items, unless at the end.
    fn comma(&mut self) -> Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        if self.peek_punct(',') {
            self.next();
            Ok(())
        } else {
            Err(self.error("expected `,`"))
        }
    }
}

/// Parses the whole input of `card!`.
pub fn parse(input: TokenStream) -> Result<Value> {
    let mut cursor = Cursor::new(input, Span::call_site());
    if cursor.is_empty() {
        return Err(cursor.error("expected a card: `card!({ \"elements\": [...] })`"));
    }
    let card = value(&mut cursor)?;
    if cursor.peek_punct(',') {
        cursor.next();
    }
    if !cursor.is_empty() {
        return Err(cursor.error("unexpected tokens after the card"));
    }
    Ok(card)
}

fn value(input: &mut Cursor) -> Result<Value> {
    let start = input.pos;
    let literal = match input.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
            Some(Value::Object(object(&g)?))
        }
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
            let mut inner = Cursor::new(g.stream(), g.span_close());
            Some(Value::Array(Array {
                items: items(&mut inner)?,
                span: g.span(),
            }))
        }
        Some(TokenTree::Ident(i)) if i == "null" => Some(Value::Null(i.span())),
        Some(TokenTree::Ident(i)) if i == "true" => Some(Value::Bool(true, i.span())),
        Some(TokenTree::Ident(i)) if i == "false" => Some(Value::Bool(false, i.span())),
        Some(TokenTree::Literal(lit)) => literal(lit, None)?,
        Some(TokenTree::Punct(p)) if p.as_char() == '-' => match input.next() {
            Some(TokenTree::Literal(lit)) => literal(lit, Some(p.span()))?,
            _ => None,
        },
        _ => None,
    };
    match literal {
        // A literal followed by more tokens (`"a".to_owned()`, `1 + n`) is Rust.
        Some(v) if input.at_end() => Ok(v),
        _ => {
            input.pos = start;
            Ok(Value::Rust(rust(input)?))
        }
    }
}

/// A literal: a string or a number; other Rust literals are expressions.
fn literal(lit: Literal, minus: Option<Span>) -> Result<Option<Value>> {
    let start = minus.unwrap_or_else(|| lit.span());
    let range = Range {
        start,
        end: lit.span(),
    };
    let sign = if minus.is_some() { "-" } else { "" };
    match literal::classify(&lit.to_string()) {
        literal::Kind::Str { text, suffix } if minus.is_none() => {
            if !suffix.is_empty() {
                return Err(range.error("remove the suffix: JSON strings have none"));
            }
            Ok(Some(Value::String(Str { lit, text })))
        }
        literal::Kind::Int { digits, suffix } => {
            if !suffix.is_empty() {
                return Err(range.error(format!(
                    "remove the suffix `{suffix}`: a JSON number has no type"
                )));
            }
            let text = format!("{sign}{digits}");
            let int = text.parse::<i64>().ok();
            let uint = if int.is_none() {
                text.parse::<u64>().ok()
            } else {
                None
            };
            if int.is_none() && uint.is_none() {
                return Err(range.error("this number is too large for JSON numbers Lark reads"));
            }
            Ok(Some(Value::Number(Number {
                text,
                int,
                uint,
                range,
            })))
        }
        literal::Kind::Float { digits, suffix } => {
            if !suffix.is_empty() {
                return Err(range.error(format!(
                    "remove the suffix `{suffix}`: a JSON number has no type"
                )));
            }
            let text = format!("{sign}{digits}");
            if !text.parse::<f64>().is_ok_and(f64::is_finite) {
                return Err(range.error("this number is out of range"));
            }
            Ok(Some(Value::Number(Number {
                text,
                int: None,
                uint: None,
                range,
            })))
        }
        _ => Ok(None),
    }
}

/// A Rust expression: a parenthesized group, or the tokens up to the next comma.
fn rust(input: &mut Cursor) -> Result<Rust> {
    let mut tokens = TokenStream::new();
    let mut range: Option<Range> = None;
    while !input.at_end() {
        let Some(token) = input.next() else { break };
        let span = token.span();
        range = Some(match range {
            None => Range::one(span),
            Some(r) => Range { end: span, ..r },
        });
        tokens.extend([token]);
    }
    let range = range.ok_or_else(|| input.error("expected a value"))?;
    Ok(Rust {
        tokens: unparenthesized(tokens),
        range,
    })
}

fn object(group: &Group) -> Result<Object> {
    let mut input = Cursor::new(group.stream(), group.span_close());
    let mut entries = Vec::new();
    while !input.is_empty() {
        let key = match input.next() {
            Some(TokenTree::Literal(lit)) => match literal::classify(&lit.to_string()) {
                literal::Kind::Str { text, suffix } if suffix.is_empty() => Str { lit, text },
                _ => return Err(not_a_key(&TokenTree::Literal(lit))),
            },
            Some(other) => return Err(not_a_key(&other)),
            None => break,
        };
        if !input.peek_punct(':') {
            return Err(Range::one(key.lit.span())
                .error(format!("expected `:` after the key `\"{}\"`", key.text)));
        }
        input.next();
        if input.at_end() {
            return Err(input.error(format!("expected a value for `\"{}\"`", key.text)));
        }
        let value = value(&mut input)?;
        entries.push(Entry {
            name: key.text.clone(),
            key,
            value,
        });
        input.comma()?;
    }
    Ok(Object {
        entries,
        open: group.span_open(),
    })
}

fn not_a_key(found: &TokenTree) -> Error {
    let hint = match found {
        TokenTree::Ident(i) => format!(": write `\"{i}\"`"),
        _ => String::new(),
    };
    Range::one(found.span()).error(format!(
        "expected a key: keys are string literals, as in JSON{hint}"
    ))
}

fn items(input: &mut Cursor) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        items.push(item(input)?);
        input.comma()?;
    }
    Ok(items)
}

fn item(input: &mut Cursor) -> Result<Item> {
    if input.peek_keyword("for") {
        input.next();
        let pat = until_in(input)?;
        let (expr, body) = head_and_body(input)?;
        return Ok(Item::For { pat, expr, body });
    }
    if input.peek_keyword("if") {
        return if_item(input);
    }
    if input.peek_dot_dot() {
        input.next();
        input.next();
        return Ok(Item::Spread(rust(input)?));
    }
    Ok(Item::Value(value(input)?))
}

fn if_item(input: &mut Cursor) -> Result<Item> {
    input.next(); // `if`
    let (cond, then) = head_and_body(input)?;
    let otherwise = if input.peek_keyword("else") {
        input.next();
        if input.peek_keyword("if") {
            Some(vec![if_item(input)?])
        } else {
            match input.next() {
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                    let mut inner = Cursor::new(g.stream(), g.span_close());
                    Some(items(&mut inner)?)
                }
                _ => return Err(input.error("expected `{ ... }` after `else`")),
            }
        }
    } else {
        None
    };
    Ok(Item::If {
        cond,
        then,
        otherwise,
    })
}

/// The tokens of a `for`/`if` head, then its `{ items }` body: the last brace group before
/// a comma, an `else` or the end.
fn head_and_body(input: &mut Cursor) -> Result<(TokenStream, Vec<Item>)> {
    let mut head = TokenStream::new();
    loop {
        let Some(token) = input.next() else {
            return Err(input.error("expected `{ ... }`: the items of the loop or branch"));
        };
        if let TokenTree::Group(g) = &token {
            if g.delimiter() == Delimiter::Brace && (input.at_end() || input.peek_keyword("else")) {
                let mut inner = Cursor::new(g.stream(), g.span_close());
                return Ok((head, items(&mut inner)?));
            }
        }
        head.extend([token]);
    }
}

/// The pattern of a `for`, up to `in`.
fn until_in(input: &mut Cursor) -> Result<TokenStream> {
    let mut tokens = TokenStream::new();
    while !input.peek_keyword("in") {
        match input.next() {
            Some(token) => tokens.extend([token]),
            None => return Err(input.error("expected `in`")),
        }
    }
    input.next();
    Ok(tokens)
}

/// `(expr)` as `expr`: the parentheses only delimit the expression in the card, and kept
/// they would draw rustc's `unused_parens` warning in the expansion.
fn unparenthesized(tokens: TokenStream) -> TokenStream {
    let mut iter = tokens.clone().into_iter();
    match (iter.next(), iter.next()) {
        (Some(TokenTree::Group(g)), None)
            if g.delimiter() == Delimiter::Parenthesis && !has_top_level_comma(&g.stream()) =>
        {
            g.stream()
        }
        _ => tokens,
    }
}

fn has_top_level_comma(tokens: &TokenStream) -> bool {
    tokens
        .clone()
        .into_iter()
        .any(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
}

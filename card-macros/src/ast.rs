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

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::{Error, LitStr, Result, Token};

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
        let mut tokens = TokenStream::new();
        tokens.extend([
            TokenTree::Ident(Ident::new("start", self.start)),
            TokenTree::Ident(Ident::new("end", self.end)),
        ]);
        Error::new_spanned(tokens, message)
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
    /// The literal.
    pub lit: LitStr,
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
    pub key: LitStr,
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

impl Parse for Value {
    fn parse(input: ParseStream) -> Result<Self> {
        if input.is_empty() {
            return Err(input.error("expected a card: `card!({ \"elements\": [...] })`"));
        }
        value(input)
    }
}

/// Whether the next tokens end a value: the end of input or a comma.
fn at_end(input: ParseStream) -> bool {
    input.is_empty() || input.peek(Token![,])
}

fn value(input: ParseStream) -> Result<Value> {
    let fork = input.fork();
    let literal = match fork.parse::<TokenTree>()? {
        TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
            Some(Value::Object(object(g.stream(), g.span_open())?))
        }
        TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => Some(Value::Array(Array {
            items: syn::parse::Parser::parse2(items, g.stream())?,
            span: g.span(),
        })),
        TokenTree::Ident(i) if i == "null" => Some(Value::Null(i.span())),
        TokenTree::Ident(i) if i == "true" => Some(Value::Bool(true, i.span())),
        TokenTree::Ident(i) if i == "false" => Some(Value::Bool(false, i.span())),
        TokenTree::Literal(lit) => literal(lit, None)?,
        TokenTree::Punct(p) if p.as_char() == '-' => match fork.parse::<TokenTree>() {
            Ok(TokenTree::Literal(lit)) => literal(lit, Some(p.span()))?,
            _ => None,
        },
        _ => None,
    };
    match literal {
        // A literal followed by more tokens (`"a".to_owned()`, `1 + n`) is Rust.
        Some(v) if at_end(&fork) => {
            syn::parse::discouraged::Speculative::advance_to(input, &fork);
            Ok(v)
        }
        _ => Ok(Value::Rust(rust(input)?)),
    }
}

/// A literal: a string or a number; other Rust literals are expressions.
fn literal(lit: proc_macro2::Literal, minus: Option<Span>) -> Result<Option<Value>> {
    let start = minus.unwrap_or_else(|| lit.span());
    let range = Range {
        start,
        end: lit.span(),
    };
    let sign = if minus.is_some() { "-" } else { "" };
    match syn::Lit::new(lit) {
        syn::Lit::Str(s) if minus.is_none() => {
            if !s.suffix().is_empty() {
                return Err(Error::new(
                    s.span(),
                    "remove the suffix: JSON strings have none",
                ));
            }
            Ok(Some(Value::String(Str {
                text: s.value(),
                lit: s,
            })))
        }
        syn::Lit::Int(i) => {
            if !i.suffix().is_empty() {
                return Err(range.error(format!(
                    "remove the suffix `{}`: a JSON number has no type",
                    i.suffix()
                )));
            }
            let text = format!("{sign}{}", i.base10_digits());
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
        syn::Lit::Float(f) => {
            if !f.suffix().is_empty() {
                return Err(range.error(format!(
                    "remove the suffix `{}`: a JSON number has no type",
                    f.suffix()
                )));
            }
            let text = format!("{sign}{}", f.base10_digits());
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
fn rust(input: ParseStream) -> Result<Rust> {
    let mut tokens = TokenStream::new();
    let mut range: Option<Range> = None;
    while !at_end(input) {
        let token: TokenTree = input.parse()?;
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

fn object(stream: TokenStream, open: Span) -> Result<Object> {
    let parse = |input: ParseStream| {
        let mut entries = Vec::new();
        while !input.is_empty() {
            let key: LitStr = match input.parse() {
                Ok(key) => key,
                Err(_) => {
                    let found: TokenTree = input.parse()?;
                    let hint = match &found {
                        TokenTree::Ident(i) => format!(": write `\"{i}\"`"),
                        _ => String::new(),
                    };
                    return Err(Error::new(
                        found.span(),
                        format!("expected a key: keys are string literals, as in JSON{hint}"),
                    ));
                }
            };
            input.parse::<Token![:]>().map_err(|_| {
                Error::new(
                    key.span(),
                    format!("expected `:` after the key `\"{}\"`", key.value()),
                )
            })?;
            if at_end(input) {
                return Err(input.error(format!("expected a value for `\"{}\"`", key.value())));
            }
            let value = value(input)?;
            entries.push(Entry {
                name: key.value(),
                key,
                value,
            });
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(entries)
    };
    Ok(Object {
        entries: syn::parse::Parser::parse2(parse, stream)?,
        open,
    })
}

fn items(input: ParseStream) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        items.push(item(input)?);
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(items)
}

fn item(input: ParseStream) -> Result<Item> {
    if input.peek(Token![for]) {
        input.parse::<Token![for]>()?;
        let pat = until(input, |i| i.peek(Token![in]))?;
        input.parse::<Token![in]>()?;
        let (expr, body) = head_and_body(input)?;
        return Ok(Item::For { pat, expr, body });
    }
    if input.peek(Token![if]) {
        return if_item(input);
    }
    if input.peek(Token![..]) {
        input.parse::<Token![..]>()?;
        return Ok(Item::Spread(rust(input)?));
    }
    Ok(Item::Value(value(input)?))
}

fn if_item(input: ParseStream) -> Result<Item> {
    input.parse::<Token![if]>()?;
    let (cond, then) = head_and_body(input)?;
    let otherwise = if input.peek(Token![else]) {
        input.parse::<Token![else]>()?;
        if input.peek(Token![if]) {
            Some(vec![if_item(input)?])
        } else {
            let group: proc_macro2::Group = input.parse()?;
            Some(syn::parse::Parser::parse2(items, group.stream())?)
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
fn head_and_body(input: ParseStream) -> Result<(TokenStream, Vec<Item>)> {
    let mut head = TokenStream::new();
    loop {
        let token: TokenTree = input
            .parse()
            .map_err(|_| input.error("expected `{ ... }`: the items of the loop or branch"))?;
        if let TokenTree::Group(g) = &token {
            if g.delimiter() == Delimiter::Brace && (at_end(input) || input.peek(Token![else])) {
                let body = syn::parse::Parser::parse2(items, g.stream())?;
                return Ok((head, body));
            }
        }
        head.extend([token]);
    }
}

fn until(input: ParseStream, stop: impl Fn(ParseStream) -> bool) -> Result<TokenStream> {
    let mut tokens = TokenStream::new();
    while !stop(input) {
        if input.is_empty() {
            return Err(input.error("expected `in`"));
        }
        tokens.extend([input.parse::<TokenTree>()?]);
    }
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

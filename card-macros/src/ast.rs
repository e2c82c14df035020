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
//! Rust expressions stay token streams (syn's `full` feature is not needed, which keeps the
//! macro cheap to build). Every node keeps its span, so that the checks of stage 2 point at
//! the offending token.

use proc_macro2::{Delimiter, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt as _;
use syn::parse::discouraged::Speculative as _;
use syn::parse::{Parse, ParseStream, Parser as _};
use syn::{braced, bracketed, token, Error, Ident, Lit, LitStr, Result, Token};

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
        Error::new_spanned(self, message)
    }
}

/// A token at the start and one at the end: `syn::Error::new_spanned` spans an error from
/// the first token it is given to the last.
impl ToTokens for Range {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        for span in [self.start, self.end] {
            let mut mark = Punct::new('#', Spacing::Alone);
            mark.set_span(span);
            tokens.extend([TokenTree::Punct(mark)]);
        }
    }
}

/// A line and a column in a file, from 1; the column counts characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    /// The line.
    pub line: usize,
    /// The column, in characters.
    pub column: usize,
}

/// The id of a node (a value, a key, a spread): its number, given when the node is parsed or
/// read, in the order met, and for a node read from a file by `include_card!`, where it is
/// in the file. The validator names a node by its `check::Place` (this id and its span), so
/// a message about a node read from a file has its line and column at hand, with no table
/// to look them up in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeId {
    /// Unlike any other node's on this thread.
    pub number: usize,
    /// Where the node is in the file it was read from; `None` in `card!`'s tokens, which
    /// errors point at instead.
    pub at: Option<At>,
}

thread_local! {
    static NEXT_ID: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

/// A new node id, unlike any other given on this thread (a macro expands on one thread).
/// Ids given to nodes that a speculative parse then drops are skipped.
pub fn new_id() -> NodeId {
    NEXT_ID.with(|next| {
        let number = next.get();
        next.set(number.wrapping_add(1));
        NodeId { number, at: None }
    })
}

/// A value.
pub enum Value {
    /// `null`.
    Null(Span, NodeId),
    /// `true` or `false`.
    Bool(bool, Span, NodeId),
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
    pub lit: LitStr,
    /// Its text.
    pub text: String,
    /// Its id.
    pub id: NodeId,
}

/// A number literal.
pub struct Number {
    /// Its value, as the card holds it.
    pub value: NumberValue,
    /// Where it is.
    pub range: Range,
    /// Its id.
    pub id: NodeId,
}

/// The value of a number literal: what `serde_json::Number` the card holds for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NumberValue {
    /// A whole number that fits an `i64` (`-0` is `0`).
    Int(i64),
    /// A whole number above `i64::MAX`.
    UInt(u64),
    /// A number with a fraction or an exponent (`1.5`, `1e3`), finite.
    Float(f64),
}

impl Number {
    /// Its value when it is a whole number that fits an `i64`.
    pub fn int(&self) -> Option<i64> {
        match self.value {
            NumberValue::Int(i) => Some(i),
            NumberValue::UInt(_) | NumberValue::Float(_) => None,
        }
    }
}

/// A Rust expression.
pub struct Rust {
    /// Its tokens.
    pub tokens: TokenStream,
    /// Where it is.
    pub range: Range,
    /// Its id.
    pub id: NodeId,
}

/// An array.
pub struct Array {
    /// Its items.
    pub items: Vec<Item>,
    /// The brackets.
    pub span: Span,
    /// Its id.
    pub id: NodeId,
}

/// An object.
pub struct Object {
    /// Its entries, as written (duplicates kept for the checker).
    pub entries: Vec<Entry>,
    /// The opening brace.
    pub open: Span,
    /// Its id.
    pub id: NodeId,
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
    /// Its id.
    pub fn id(&self) -> NodeId {
        match self {
            Value::Null(_, id) | Value::Bool(_, _, id) => *id,
            Value::Number(n) => n.id,
            Value::String(s) => s.id,
            Value::Array(a) => a.id,
            Value::Object(o) => o.id,
            Value::Rust(r) => r.id,
        }
    }

    /// Its id, for the JSON reader to note where in the file the value is.
    pub fn id_mut(&mut self) -> &mut NodeId {
        match self {
            Value::Null(_, id) | Value::Bool(_, _, id) => id,
            Value::Number(n) => &mut n.id,
            Value::String(s) => &mut s.id,
            Value::Array(a) => &mut a.id,
            Value::Object(o) => &mut o.id,
            Value::Rust(r) => &mut r.id,
        }
    }

    /// Where the value is: for objects, their `tag` value if they have one (the name of what
    /// they are reads best under a message), else the opening brace.
    pub fn range(&self) -> Range {
        match self {
            Value::Null(span, _) | Value::Bool(_, span, _) => Range::one(*span),
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

/// Parses the whole input of `card!`.
pub fn parse(input: TokenStream) -> Result<Value> {
    card.parse2(input)
}

/// The card after a type name, if one is given: the user's ids struct of `streaming_card!`
/// (`AnswerIds, { ... }`), or the type `card!` builds (`V2Card, { ... }`).
pub fn parse_named(input: TokenStream) -> Result<(Option<Ident>, Value)> {
    let named = |input: ParseStream| {
        let name = if input.peek(Ident) && input.peek2(Token![,]) {
            let name: Ident = input.parse()?;
            input.parse::<Token![,]>()?;
            Some(name)
        } else {
            None
        };
        Ok((name, card(input)?))
    };
    named.parse2(input)
}

/// The card, and at most a trailing comma.
fn card(input: ParseStream) -> Result<Value> {
    if input.is_empty() {
        return Err(Error::new(
            Span::call_site(),
            "expected a card: `card!({ \"elements\": [...] })`",
        ));
    }
    let card = input.parse()?;
    input.parse::<Option<Token![,]>>()?;
    if !input.is_empty() {
        return Err(error_at_next(input, "unexpected tokens after the card"));
    }
    Ok(card)
}

/// The span of the next token (all of it, for a group), or the end of the group at its end.
fn next_span(input: ParseStream) -> Span {
    input
        .cursor()
        .token_tree()
        .map_or_else(|| input.span(), |(token, _)| token.span())
}

fn error_at_next(input: ParseStream, message: impl core::fmt::Display) -> Error {
    Error::new(next_span(input), message)
}

/// Whether the next tokens end a value: the end of the group or a comma.
fn at_end(input: ParseStream) -> bool {
    input.is_empty() || input.peek(Token![,])
}

/// A comma between entries or items, unless at the end.
fn comma(input: ParseStream) -> Result<()> {
    if input.is_empty() {
        return Ok(());
    }
    if input.parse::<Option<Token![,]>>()?.is_some() {
        Ok(())
    } else {
        Err(error_at_next(input, "expected `,`"))
    }
}

impl Parse for Value {
    fn parse(input: ParseStream) -> Result<Self> {
        // A literal followed by more tokens (`"a".to_owned()`, `1 + n`) is Rust: read it
        // ahead, and keep it only if the value ends there.
        let ahead = input.fork();
        if let Some(value) = json_value(&ahead)? {
            if at_end(&ahead) {
                input.advance_to(&ahead);
                return Ok(value);
            }
            // No Rust expression goes on after an object, or with a literal or an object after
            // a value: a comma is missing between two values.
            if matches!(value, Value::Object(_)) || starts_value(&ahead) {
                return Err(error_at_next(&ahead, MISSING_COMMA));
            }
        }
        Ok(Value::Rust(rust(input)?))
    }
}

const MISSING_COMMA: &str = "expected `,`";

/// Whether the next token starts a value that no Rust expression continues with: a literal,
/// or a brace group holding a JSON object (`{ "key": ...`), or a key (`"key":`).
fn starts_value(input: ParseStream) -> bool {
    input.cursor().literal().is_some() || starts_object(input)
}

/// Whether the next token is a brace group holding a JSON object (`{ "key": ...`).
fn starts_object(input: ParseStream) -> bool {
    input
        .cursor()
        .group(Delimiter::Brace)
        .is_some_and(|(inside, _, _)| starts_entry(inside))
}

/// Whether the tokens start with a JSON key: a string literal and a single `:`.
fn starts_entry(cursor: syn::buffer::Cursor) -> bool {
    let Some((lit, rest)) = cursor.literal() else {
        return false;
    };
    let is_colon = |c: syn::buffer::Cursor| c.punct().is_some_and(|(p, _)| p.as_char() == ':');
    matches!(Lit::new(lit), Lit::Str(_))
        && rest
            .punct()
            .is_some_and(|(p, after)| p.as_char() == ':' && !is_colon(after))
}

/// A JSON value: an object, an array, a word or a literal; `None` for anything else, which
/// is Rust.
fn json_value(input: ParseStream) -> Result<Option<Value>> {
    if input.peek(token::Brace) {
        return Ok(Some(Value::Object(input.parse()?)));
    }
    if input.peek(token::Bracket) {
        let content;
        let brackets = bracketed!(content in input);
        return Ok(Some(Value::Array(Array {
            items: items(&content)?,
            span: brackets.span.join(),
            id: new_id(),
        })));
    }
    if input.peek(Ident::peek_any) {
        let word = input.call(Ident::parse_any)?;
        return Ok(match word.to_string().as_str() {
            "null" => Some(Value::Null(word.span(), new_id())),
            "true" => Some(Value::Bool(true, word.span(), new_id())),
            "false" => Some(Value::Bool(false, word.span(), new_id())),
            _ => None,
        });
    }
    let minus = input.parse::<Option<Token![-]>>()?.map(|minus| minus.span);
    if input.cursor().literal().is_none() {
        return Ok(None);
    }
    literal(Lit::new(input.parse::<Literal>()?), minus)
}

/// A literal: a string or a number; other Rust literals are expressions.
fn literal(lit: Lit, minus: Option<Span>) -> Result<Option<Value>> {
    let end = lit.span();
    let range = Range {
        start: minus.unwrap_or(end),
        end,
    };
    let sign = if minus.is_some() { "-" } else { "" };
    let no_type = |suffix: &str| {
        range.error(format!(
            "remove the suffix `{suffix}`: a JSON number has no type"
        ))
    };
    let value = match lit {
        Lit::Str(lit) if minus.is_none() => {
            if !lit.suffix().is_empty() {
                return Err(range.error("remove the suffix: JSON strings have none"));
            }
            let text = lit.value();
            let id = new_id();
            return Ok(Some(Value::String(Str { lit, text, id })));
        }
        Lit::Int(int) => {
            if !int.suffix().is_empty() {
                return Err(no_type(int.suffix()));
            }
            let text = format!("{sign}{}", int.base10_digits());
            match (text.parse::<i64>(), text.parse::<u64>()) {
                (Ok(i), _) => NumberValue::Int(i),
                (_, Ok(u)) => NumberValue::UInt(u),
                _ => {
                    return Err(range.error("this number is too large for JSON numbers Lark reads"))
                }
            }
        }
        Lit::Float(float) => {
            if !float.suffix().is_empty() {
                return Err(no_type(float.suffix()));
            }
            match format!("{sign}{}", float.base10_digits()).parse::<f64>() {
                Ok(f) if f.is_finite() => NumberValue::Float(f),
                _ => return Err(range.error("this number is out of range")),
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(Value::Number(Number {
        value,
        range,
        id: new_id(),
    })))
}

/// A Rust expression: a parenthesized group, or the tokens up to the next comma.
fn rust(input: ParseStream) -> Result<Rust> {
    let mut tokens = TokenStream::new();
    let mut range: Option<Range> = None;
    while !at_end(input) {
        // `(x) { "tag": ... }` or `(x) "key": ...`: the next value or entry, after a missing
        // comma (no Rust expression holds either).
        if range.is_some() && (starts_entry(input.cursor()) || starts_object(input)) {
            return Err(error_at_next(input, MISSING_COMMA));
        }
        let token: TokenTree = input.parse()?;
        let span = token.span();
        range = Some(match range {
            None => Range::one(span),
            Some(r) => Range { end: span, ..r },
        });
        tokens.extend([token]);
    }
    let range = range.ok_or_else(|| error_at_next(input, "expected a value"))?;
    Ok(Rust {
        tokens: unparenthesized(tokens),
        range,
        id: new_id(),
    })
}

impl Parse for Object {
    fn parse(input: ParseStream) -> Result<Self> {
        let content;
        let braces = braced!(content in input);
        let mut entries = Vec::new();
        while !content.is_empty() {
            let key: Str = content.parse()?;
            if content.parse::<Option<Token![:]>>()?.is_none() {
                return Err(Range::one(key.lit.span())
                    .error(format!("expected `:` after the key `\"{}\"`", key.text)));
            }
            if at_end(&content) {
                return Err(error_at_next(
                    &content,
                    format!("expected a value for `\"{}\"`", key.text),
                ));
            }
            let value = content.parse()?;
            entries.push(Entry {
                name: key.text.clone(),
                key,
                value,
            });
            comma(&content)?;
        }
        Ok(Object {
            entries,
            open: braces.span.open(),
            id: new_id(),
        })
    }
}

/// A key: a string literal, as in JSON.
impl Parse for Str {
    fn parse(input: ParseStream) -> Result<Self> {
        let token: TokenTree = input.parse()?;
        if let TokenTree::Literal(lit) = &token {
            if let Lit::Str(lit) = Lit::new(lit.clone()) {
                if lit.suffix().is_empty() {
                    let text = lit.value();
                    let id = new_id();
                    return Ok(Str { lit, text, id });
                }
            }
        }
        let hint = match &token {
            TokenTree::Ident(i) => format!(": write `\"{i}\"`"),
            _ => String::new(),
        };
        Err(Error::new(
            token.span(),
            format!("expected a key: keys are string literals, as in JSON{hint}"),
        ))
    }
}

fn items(input: ParseStream) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        items.push(input.parse()?);
        comma(input)?;
    }
    Ok(items)
}

impl Parse for Item {
    fn parse(input: ParseStream) -> Result<Self> {
        if input.parse::<Option<Token![for]>>()?.is_some() {
            let pat = until_in(input)?;
            let (expr, body) = head_and_body(input)?;
            return Ok(Item::For { pat, expr, body });
        }
        if input.peek(Token![if]) {
            return if_item(input);
        }
        if input.peek(Token![..]) && !input.peek(Token![...]) && !input.peek(Token![..=]) {
            input.parse::<Token![..]>()?;
            return Ok(Item::Spread(rust(input)?));
        }
        Ok(Item::Value(input.parse()?))
    }
}

fn if_item(input: ParseStream) -> Result<Item> {
    input.parse::<Token![if]>()?;
    let (cond, then) = head_and_body(input)?;
    let otherwise = if input.parse::<Option<Token![else]>>()?.is_some() {
        if input.peek(Token![if]) {
            Some(vec![if_item(input)?])
        } else if input.peek(token::Brace) {
            let content;
            braced!(content in input);
            Some(items(&content)?)
        } else {
            return Err(error_at_next(input, "expected `{ ... }` after `else`"));
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
        if input.is_empty() {
            return Err(error_at_next(
                input,
                "expected `{ ... }`: the items of the loop or branch",
            ));
        }
        if input.peek(token::Brace) && ends_after_one_token(input) {
            let content;
            braced!(content in input);
            return Ok((head, items(&content)?));
        }
        head.extend([input.parse::<TokenTree>()?]);
    }
}

/// Whether the next token is followed by a comma, an `else` or the end.
fn ends_after_one_token(input: ParseStream) -> bool {
    let ahead = input.fork();
    ahead.parse::<TokenTree>().is_ok() && (at_end(&ahead) || ahead.peek(Token![else]))
}

/// The pattern of a `for`, up to `in`.
fn until_in(input: ParseStream) -> Result<TokenStream> {
    let mut tokens = TokenStream::new();
    while input.parse::<Option<Token![in]>>()?.is_none() {
        if input.is_empty() {
            return Err(error_at_next(input, "expected `in`"));
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

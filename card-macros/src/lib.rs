//! The `card!`, `include_card!` and `markdown!` macros of `lark-card`: Lark card JSON, checked
//! when your program compiles.
//!
//! Depend on `lark-card`, which re-exports them with their documentation (the syntax and the
//! checks) and holds the types they expand to:
//!
//! ```toml
//! [dependencies]
//! lark-card = "0.1"
//! ```
//!
//! ```text
//! let card = lark_card::card!({ "schema": "2.0", "body": { "elements": [
//!     { "tag": "markdown", "content": (format!("{done}/{total} done")) }
//! ] } });
//! ```
//!
//! It works in three stages, one file each, each depending only on the ones before it: `ast`
//! parses the tokens into a JSON-shaped tree (with `syn`, parsing only), `check` validates
//! the tree against the card schema of `lark-card-schema`, and `expand` writes the typed value;
//! `diag` reports every error at once (`syn::Error::combine`). `include_card!` reads a card
//! JSON file into the same tree (`json`, `include`), and the same stages follow.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::ToTokens as _;

mod ast;
mod check;
mod diag;
mod expand;
mod include;
mod json;
mod markdown;

/// Builds a typed, checked Lark card from card JSON. See `lark_card::card!`.
#[proc_macro]
pub fn card(input: TokenStream) -> TokenStream {
    expand(input.into()).into()
}

/// Builds a checked card JSON 2.0 card for a CardKit card entity, with its element ids as
/// typed fields. See `lark_card::streaming_card!`.
#[proc_macro]
pub fn streaming_card(input: TokenStream) -> TokenStream {
    expand_streaming(input.into()).into()
}

/// Builds the same typed, checked card from a card JSON file read when the program compiles.
/// See `lark_card::include_card!`.
#[proc_macro]
pub fn include_card(input: TokenStream) -> TokenStream {
    include::expand(input.into()).into()
}

/// `format!` for card markdown: the literal stays markdown, every argument is escaped. See
/// `lark_card::markdown!`.
#[proc_macro]
pub fn markdown(input: TokenStream) -> TokenStream {
    markdown::expand(input.into()).into()
}

/// The size in bytes of the update request body the `card!` of the same tokens checks
/// against Lark's limit, as a `usize` literal: for tests that compare it with what the
/// card serializes to. Not part of the API.
#[doc(hidden)]
#[proc_macro]
pub fn __update_body_size(input: TokenStream) -> TokenStream {
    update_body_size(input.into()).into()
}

/// The whole pipeline, on `proc_macro2` tokens so that it runs in unit tests.
///
/// `card!(V2Card, { ... })` names the type it builds: the card must be card JSON 2.0, and
/// becomes that type without a run-time check.
fn expand(input: TokenStream2) -> TokenStream2 {
    let (name, card) = match ast::parse_named(input) {
        Ok(parsed) => parsed,
        Err(error) => return diag::failed(error),
    };
    let mut checked = check::check(&card);
    let mut errors = std::mem::take(&mut checked.errors);
    if let Some(name) = &name {
        errors.extend(check::named_v2(name, &card, &checked));
    }
    match (diag::combine(errors), &name) {
        (Some(errors), None) => diag::failed(errors),
        (Some(errors), Some(name)) => {
            let placeholder = quote::quote!(::lark_card::__private::placeholder());
            diag::failed_as(errors, expand::named_v2(name, placeholder))
        }
        (None, None) => expand::card(&card, &checked),
        (None, Some(name)) => expand::named_v2(name, expand::card(&card, &checked)),
    }
}

/// `streaming_card!`: the stages of `card!`, the streaming card's own checks, and the ids.
fn expand_streaming(input: TokenStream2) -> TokenStream2 {
    let (name, card) = match ast::parse_named(input) {
        Ok(parsed) => parsed,
        Err(error) => return diag::failed_streaming(error, TokenStream2::new()),
    };
    let mut checked = check::check(&card);
    let named = check::named_elements(&card);
    let mut errors = std::mem::take(&mut checked.errors);
    errors.extend(check::streaming(&card, &checked, &named));
    let name = name.as_ref();
    match diag::combine(errors) {
        Some(errors) => {
            let placeholder = quote::quote!(::lark_card::__private::placeholder());
            diag::failed_streaming(errors, expand::streaming_card(placeholder, &named, name))
        }
        None => expand::streaming_card(expand::card(&card, &checked), &named, name),
    }
}

fn update_body_size(input: TokenStream2) -> TokenStream2 {
    let card = match ast::parse(input) {
        Ok(card) => card,
        Err(error) => return error.into_compile_error(),
    };
    let checked = check::check(&card);
    if let Some(errors) = diag::combine(checked.errors) {
        return errors.into_compile_error();
    }
    if checked.report.dynamic {
        return card
            .range()
            .error("only a card without Rust expressions has a size when it compiles")
            .into_compile_error();
    }
    proc_macro2::Literal::usize_unsuffixed(check::body_size(&card)).into_token_stream()
}

#[cfg(test)]
mod tests;

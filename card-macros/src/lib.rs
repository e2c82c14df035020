//! The `card!` macro of `card-core`: Lark card JSON, checked when your program compiles.
//!
//! Use it through `card_core::card!`, whose documentation describes the syntax and the checks.
//! It works in three stages, one file each: `ast` parses the tokens into a JSON-shaped tree,
//! `check` validates the tree against the card schema of `card-schema`, and `expand`
//! writes the typed value; `diag` reports every error at once.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;

mod ast;
mod check;
mod diag;
mod expand;
mod literal;
mod markdown;

/// Builds a typed, checked Lark card from card JSON. See `card_core::card!`.
#[proc_macro]
pub fn card(input: TokenStream) -> TokenStream {
    expand(input.into()).into()
}

/// `format!` for card markdown: the literal stays markdown, every argument is escaped. See
/// `card_core::markdown!`.
#[proc_macro]
pub fn markdown(input: TokenStream) -> TokenStream {
    markdown::expand(input.into()).into()
}

/// The whole pipeline, on `proc_macro2` tokens so that it runs in unit tests.
fn expand(input: TokenStream2) -> TokenStream2 {
    let card: ast::Value = match ast::parse(input) {
        Ok(card) => card,
        Err(error) => return diag::failed(error),
    };
    let checked = check::check(&card);
    match diag::combine(checked.errors.iter().cloned()) {
        Some(errors) => diag::failed(errors),
        None => expand::card(&card, &checked),
    }
}

#[cfg(test)]
mod tests;

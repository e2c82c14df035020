//! Diagnostics: every error the stages found, reported at once, with a placeholder value so
//! that the user sees our messages and not the type errors that would follow them.
//!
//! The messages themselves ("did you mean") live in `card-schema`, shared with runtime
//! validation, so that a card is described the same way at compile time and at run time.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, TokenStream, TokenTree};
use quote::quote;

use crate::ast::Range;

/// One or more compile errors, each over a range of the input.
#[derive(Clone, Debug)]
pub struct Error {
    messages: Vec<(Range, String)>,
}

impl Error {
    /// An error over `range`.
    pub fn new(range: Range, message: String) -> Self {
        Error {
            messages: vec![(range, message)],
        }
    }

    /// The messages, for tests.
    #[cfg(test)]
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.messages.iter().map(|(_, m)| m.as_str())
    }

    /// `::core::compile_error! { "..." }` per message. The first tokens carry the range's
    /// start and the braces its end, so rustc underlines the whole range (as `syn` does).
    pub fn to_compile_error(&self) -> TokenStream {
        self.messages
            .iter()
            .flat_map(|(range, message)| {
                let (start, end) = (range.start, range.end);
                let mut colons = Punct::new(':', Spacing::Joint);
                colons.set_span(start);
                let mut colon = Punct::new(':', Spacing::Alone);
                colon.set_span(start);
                let mut bang = Punct::new('!', Spacing::Alone);
                bang.set_span(start);
                let mut text = Literal::string(message);
                text.set_span(end);
                let mut body = Group::new(
                    Delimiter::Brace,
                    TokenStream::from(TokenTree::Literal(text)),
                );
                body.set_span(end);
                let colons2 = [
                    TokenTree::Punct(colons.clone()),
                    TokenTree::Punct(colon.clone()),
                ];
                let mut tokens = Vec::new();
                tokens.extend(colons2.clone());
                tokens.push(TokenTree::Ident(Ident::new("core", start)));
                tokens.extend(colons2);
                tokens.push(TokenTree::Ident(Ident::new("compile_error", start)));
                tokens.push(TokenTree::Punct(bang));
                tokens.push(TokenTree::Group(body));
                tokens
            })
            .collect()
    }
}

/// All errors as one (each becomes its own `compile_error!`), if there are any.
pub fn combine(errors: impl IntoIterator<Item = Error>) -> Option<Error> {
    let mut errors = errors.into_iter();
    let mut first = errors.next()?;
    for error in errors {
        first.messages.extend(error.messages);
    }
    Some(first)
}

/// The expansion of a card with errors: the errors, then a placeholder `Card` (its type is
/// inferred), so that no follow-on error is reported.
pub fn failed(error: Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote! {{
        #errors
        ::card_core::__private::placeholder()
    }}
}

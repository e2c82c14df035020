//! Diagnostics: every error the stages found, reported at once, with a placeholder value so
//! that the user sees our messages and not the type errors that would follow them.
//!
//! The messages themselves ("did you mean") live in `lark-card-schema`, shared with runtime
//! validation, so that a card is described the same way at compile time and at run time.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Error;

/// All errors as one (each becomes its own `compile_error!`), if there are any.
pub fn combine(errors: impl IntoIterator<Item = Error>) -> Option<Error> {
    let mut errors = errors.into_iter();
    let mut all = errors.next()?;
    for error in errors {
        all.combine(error);
    }
    Some(all)
}

/// The expansion of a card with errors: the errors, then a placeholder `Card` (its type is
/// inferred), so that no follow-on error is reported.
pub fn failed(error: Error) -> TokenStream {
    let errors = error.into_compile_error();
    quote! {{
        #errors
        ::lark_card::__private::placeholder()
    }}
}

/// The expansion of a card with errors whose type is named (`card!(V2Card, { ... })`): the
/// errors, then `value`, a placeholder of that type.
pub fn failed_as(error: Error, value: TokenStream) -> TokenStream {
    let errors = error.into_compile_error();
    quote! {{
        #errors
        #value
    }}
}

/// The expansion of a streaming card with errors: the errors, then `value` (the card's ids
/// around a placeholder card, when the card parsed), so that `card.ids().answer` after it
/// reports nothing more.
pub fn failed_streaming(error: Error, value: TokenStream) -> TokenStream {
    let errors = error.into_compile_error();
    let value = if value.is_empty() {
        quote!(::lark_card::__private::streaming_card(
            ::lark_card::__private::placeholder(),
            ()
        ))
    } else {
        value
    };
    quote! {{
        #errors
        #value
    }}
}

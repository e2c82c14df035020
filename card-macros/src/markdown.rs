//! `markdown!`: `format!` for card markdown. The format string is the author's markdown, kept
//! as written; every argument is escaped so that it renders literally.
//!
//! ```text
//! markdown!("**Requested by** {user}, {} items ({ratio:.1}%)", count)
//! ```
//!
//! expands to (names shortened)
//!
//! ```text
//! trusted_markdown(match (&count,) { (a0,) => format!("**Requested by** {}, {} items ({}%)",
//!     Escaped(format_args!("{}", user)), Escaped(format_args!("{}", a0)),
//!     Escaped(format_args!("{:.1}", ratio))) })
//! ```
//!
//! Each placeholder keeps its format spec, applied before escaping. Arguments are evaluated
//! once, in order, as `format!` does. Width and precision taken from arguments (`{:1$}`,
//! `{:.*}`) are refused: format the value first.

use proc_macro2::{Delimiter, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::parse::{ParseStream, Parser as _};
use syn::{Error, Lit, LitStr, Token};

use crate::diag;

/// One argument after the format string.
struct Arg {
    /// `name = expr`: the name.
    name: Option<Ident>,
    expr: TokenStream,
    used: bool,
}

/// What a placeholder refers to.
enum Target {
    /// The argument at this index.
    Index(usize),
    /// An implicit capture of a variable in scope (`{user}`).
    Capture(Ident),
}

/// Expands `markdown!(...)`.
pub fn expand(input: TokenStream) -> TokenStream {
    let (format, args) = match arguments.parse2(input) {
        Ok(parsed) => parsed,
        Err(error) => return error.into_compile_error(),
    };
    match expand_format(&format, args) {
        Ok(tokens) => tokens,
        Err(errors) => {
            diag::combine(errors).map_or_else(TokenStream::new, Error::into_compile_error)
        }
    }
}

/// The format string, then `, a, name = b, c`: the arguments, split at commas outside
/// groups.
fn arguments(input: ParseStream) -> syn::Result<(LitStr, Vec<Arg>)> {
    let Some((first, _)) = input.cursor().token_tree() else {
        return Err(Error::new(
            Span::call_site(),
            "`markdown!` needs a format string: `markdown!(\"**{}** joined\", name)`",
        ));
    };
    let format = match input.parse::<Lit>() {
        Ok(Lit::Str(format)) if format.suffix().is_empty() => format,
        _ => {
            return Err(Error::new(
                first.span(),
                "`markdown!` takes a string literal first, as `format!` does",
            ))
        }
    };
    let mut args = Vec::new();
    while !input.is_empty() {
        if input.parse::<Option<Token![,]>>()?.is_none() {
            let found: TokenTree = input.parse()?;
            return Err(Error::new(
                found.span(),
                "expected `,` between the format string and its arguments",
            ));
        }
        let name = named(input)?;
        let mut expr = TokenStream::new();
        while !input.is_empty() && !input.peek(Token![,]) {
            expr.extend([input.parse::<TokenTree>()?]);
        }
        if expr.is_empty() {
            // A trailing comma.
            continue;
        }
        args.push(Arg {
            name,
            expr: group_if_needed(expr),
            used: false,
        });
    }
    Ok((format, args))
}

/// `name =` before an argument's expression (not `name == x`, nor `name =` alone).
fn named(input: ParseStream) -> syn::Result<Option<Ident>> {
    let ahead = input.fork();
    let is_named = ahead.parse::<Ident>().is_ok()
        && ahead.peek(Token![=])
        && !ahead.peek(Token![==])
        && !ahead.peek(Token![=>])
        && ahead.parse::<Token![=]>().is_ok()
        && !ahead.is_empty()
        && !ahead.peek(Token![,]);
    if !is_named {
        return Ok(None);
    }
    let name = input.parse::<Ident>()?;
    input.parse::<Token![=]>()?;
    Ok(Some(name))
}

/// The expansion for a parsed format string and its arguments; every mistake in the format
/// string, or else every argument it does not use.
fn expand_format(format: &LitStr, mut args: Vec<Arg>) -> Result<TokenStream, Vec<Error>> {
    let format_span = format.span();
    let mut errors = Vec::new();
    let mut template = String::new();
    let mut pieces: Vec<(Target, String)> = Vec::new();
    let mut next_positional = 0;
    let text = format.value();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                template.push_str("{{");
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                template.push_str("}}");
            }
            '}' => errors.push(Error::new(
                format_span,
                "unmatched `}` in the format string (write `}}` for a literal brace)",
            )),
            '{' => {
                let mut inside = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    inside.push(c);
                }
                if !closed {
                    errors.push(Error::new(
                        format_span,
                        "unclosed `{` in the format string (write `{{` for a literal brace)",
                    ));
                    break;
                }
                match placeholder(&inside, &mut args, &mut next_positional, format_span) {
                    Ok(target) => {
                        let spec = inside.split_once(':').map_or("", |(_, spec)| spec);
                        template.push_str("{}");
                        pieces.push((target, format!("{{:{spec}}}")));
                    }
                    Err(error) => errors.push(error),
                }
            }
            c => template.push(c),
        }
    }
    if errors.is_empty() {
        // Only when every placeholder was understood: one that was not may have been meant
        // for an argument.
        for unused in args.iter().filter(|arg| !arg.used) {
            let span = unused
                .expr
                .clone()
                .into_iter()
                .next()
                .map_or(Span::call_site(), |token| token.span());
            errors.push(Error::new(span, "argument never used in the format string"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let bindings: Vec<Ident> = (0..args.len())
        .map(|index| format_ident!("__markdown_arg_{}", index, span = Span::mixed_site()))
        .collect();
    let exprs = args.iter().map(|arg| &arg.expr);
    let escaped = pieces.iter().map(|(target, spec)| {
        let spec = Literal::string(spec);
        let value = match target {
            Target::Index(index) => {
                let binding = &bindings[*index];
                quote!(#binding)
            }
            Target::Capture(ident) => quote!(&#ident),
        };
        quote! {
            ::lark_card::__private::Escaped(::core::format_args!(#spec, #value))
        }
    });
    let template = Literal::string(&template);
    Ok(quote! {
        ::lark_card::trusted_markdown(
            match ( #( &(#exprs), )* ) {
                ( #( #bindings, )* ) => ::std::format!(#template #(, #escaped)*),
            }
        )
    })
}

/// What `{inside}` refers to; the argument it names is marked used.
fn placeholder(
    inside: &str,
    args: &mut [Arg],
    next_positional: &mut usize,
    format_span: Span,
) -> Result<Target, Error> {
    let (reference, spec) = match inside.split_once(':') {
        Some((reference, spec)) => (reference.trim(), spec),
        None => (inside.trim(), ""),
    };
    if spec.contains('$') || spec.contains('*') {
        return Err(Error::new(
            format_span,
            format!(
                "`markdown!` does not take width or precision from arguments (`{{{inside}}}`): format the value first"
            ),
        ));
    }
    let target = if reference.is_empty() {
        *next_positional += 1;
        Target::Index(*next_positional - 1)
    } else if let Ok(index) = reference.parse::<usize>() {
        Target::Index(index)
    } else if let Some(index) = args
        .iter()
        .position(|arg| arg.name.as_ref().is_some_and(|name| name == reference))
    {
        Target::Index(index)
    } else if is_identifier(reference) {
        Target::Capture(Ident::new(reference, format_span))
    } else {
        return Err(Error::new(
            format_span,
            format!("`{{{inside}}}` is not a placeholder `format!` understands"),
        ));
    };
    if let Target::Index(index) = target {
        let count = args.len();
        match args.get_mut(index) {
            Some(arg) => arg.used = true,
            None => {
                return Err(Error::new(
                    format_span,
                    format!(
                        "`{{{inside}}}` refers to argument {index}, but there {}",
                        match count {
                            0 => "are no arguments".to_string(),
                            1 => "is 1 argument".to_string(),
                            n => format!("are {n} arguments"),
                        }
                    ),
                ))
            }
        }
    }
    Ok(target)
}

/// An expression's tokens, in parentheses so that it stays one expression once placed.
fn group_if_needed(expr: TokenStream) -> TokenStream {
    let mut tokens = expr.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(TokenTree::Group(group)), None) if group.delimiter() == Delimiter::Parenthesis => {
            expr
        }
        _ => quote!((#expr)),
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && text != "_"
}

#[cfg(test)]
mod tests {
    use super::expand;
    use quote::quote;

    fn expanded(input: proc_macro2::TokenStream) -> String {
        expand(input).to_string()
    }

    #[test]
    fn literal_parts_stay_and_placeholders_become_escaped_arguments() {
        let out = expanded(quote!("**By** {user}, {} items ({:.1}%)", count, ratio));
        assert!(out.contains(r#""**By** {}, {} items ({}%)""#), "{out}");
        assert!(out.contains("Escaped"), "{out}");
        assert!(out.contains(r#"format_args ! ("{:.1}""#), "{out}");
    }

    #[test]
    fn mistakes_are_compile_errors() {
        for (input, message) in [
            (quote!(name), "takes a string literal first"),
            (
                quote!("{} {}", a),
                "refers to argument 1, but there is 1 argument",
            ),
            (quote!("{}", a, b), "argument never used"),
            (quote!("{:1$}", a, b), "width or precision"),
            (quote!("{"), "unclosed `{`"),
            (quote!("}"), "unmatched `}`"),
            (quote!("{a b}"), "not a placeholder"),
        ] {
            let out = expanded(input);
            assert!(out.contains("compile_error"), "{out}");
            assert!(out.contains(message), "{message}: {out}");
        }
    }

    #[test]
    fn braces_and_named_arguments() {
        let out = expanded(quote!("{{literal}} {name}", name = first()));
        assert!(out.contains(r#""{{literal}} {}""#), "{out}");
        assert!(out.contains("first ()"), "{out}");
    }
}

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
use quote::{format_ident, quote, quote_spanned};

use crate::literal::{classify, Kind};

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
    match expand_inner(input) {
        Ok(tokens) => tokens,
        Err((span, message)) => quote_spanned! {span=>
            ::core::compile_error!(#message)
        },
    }
}

type Failure = (Span, String);

fn expand_inner(input: TokenStream) -> Result<TokenStream, Failure> {
    let mut tokens = input.into_iter().peekable();
    let (format, format_span) = match tokens.next() {
        Some(TokenTree::Literal(literal)) => match classify(&literal.to_string()) {
            Kind::Str { text, suffix } if suffix.is_empty() => (text, literal.span()),
            _ => {
                return Err((
                    literal.span(),
                    "`markdown!` takes a string literal first, as `format!` does".into(),
                ))
            }
        },
        Some(other) => {
            return Err((
                other.span(),
                "`markdown!` takes a string literal first, as `format!` does".into(),
            ))
        }
        None => {
            return Err((
                Span::call_site(),
                "`markdown!` needs a format string: `markdown!(\"**{}** joined\", name)`".into(),
            ))
        }
    };
    let mut args = split_args(tokens.collect())?;

    let mut template = String::new();
    let mut pieces: Vec<(Target, String)> = Vec::new();
    let mut next_positional = 0;
    let mut chars = format.chars().peekable();
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
            '}' => {
                return Err((
                    format_span,
                    "unmatched `}` in the format string (write `}}` for a literal brace)".into(),
                ))
            }
            '{' => {
                let mut inside = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => inside.push(c),
                        None => return Err((
                            format_span,
                            "unclosed `{` in the format string (write `{{` for a literal brace)"
                                .into(),
                        )),
                    }
                }
                let (reference, spec) = match inside.split_once(':') {
                    Some((reference, spec)) => (reference.trim(), spec),
                    None => (inside.trim(), ""),
                };
                if spec.contains('$') || spec.contains('*') {
                    return Err((
                        format_span,
                        format!(
                            "`markdown!` does not take width or precision from arguments (`{{{inside}}}`): format the value first"
                        ),
                    ));
                }
                let target = if reference.is_empty() {
                    next_positional += 1;
                    Target::Index(next_positional - 1)
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
                    return Err((
                        format_span,
                        format!("`{{{inside}}}` is not a placeholder `format!` understands"),
                    ));
                };
                if let Target::Index(index) = target {
                    match args.get_mut(index) {
                        Some(arg) => arg.used = true,
                        None => {
                            return Err((
                                format_span,
                                format!(
                                    "`{{{inside}}}` refers to argument {index}, but there {}",
                                    match args.len() {
                                        0 => "are no arguments".to_string(),
                                        1 => "is 1 argument".to_string(),
                                        n => format!("are {n} arguments"),
                                    }
                                ),
                            ))
                        }
                    }
                }
                template.push_str("{}");
                pieces.push((target, format!("{{:{spec}}}")));
            }
            c => template.push(c),
        }
    }
    if let Some(unused) = args.iter().find(|arg| !arg.used) {
        let span = unused
            .expr
            .clone()
            .into_iter()
            .next()
            .map_or(Span::call_site(), |token| token.span());
        return Err((span, "argument never used in the format string".into()));
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
            ::card_core::__private::Escaped(::core::format_args!(#spec, #value))
        }
    });
    let template = Literal::string(&template);
    Ok(quote! {
        ::card_core::trusted_markdown(
            match ( #( &(#exprs), )* ) {
                ( #( #bindings, )* ) => ::std::format!(#template #(, #escaped)*),
            }
        )
    })
}

/// Splits `, a, name = b, c` into arguments, at commas outside groups.
fn split_args(tokens: Vec<TokenTree>) -> Result<Vec<Arg>, Failure> {
    let mut args = Vec::new();
    let mut rest = tokens.into_iter().peekable();
    while let Some(token) = rest.next() {
        match &token {
            TokenTree::Punct(p) if p.as_char() == ',' => {}
            other => {
                return Err((
                    other.span(),
                    "expected `,` between the format string and its arguments".into(),
                ))
            }
        }
        let mut expr: Vec<TokenTree> = Vec::new();
        while let Some(token) = rest.peek() {
            if matches!(token, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
            expr.extend(rest.next());
        }
        if expr.is_empty() {
            // A trailing comma.
            continue;
        }
        let name = match expr.as_slice() {
            [TokenTree::Ident(name), TokenTree::Punct(eq), _, ..]
                if eq.as_char() == '=' && eq.spacing() == proc_macro2::Spacing::Alone =>
            {
                Some(name.clone())
            }
            _ => None,
        };
        let expr: TokenStream = if name.is_some() {
            expr.into_iter().skip(2).collect()
        } else {
            expr.into_iter().collect()
        };
        args.push(Arg {
            name,
            expr: group_if_needed(expr),
            used: false,
        });
    }
    Ok(args)
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

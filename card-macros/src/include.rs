//! `include_card!("cards/approval.json")`: a card JSON file, read when the program compiles,
//! checked with the rules `card!` applies, and expanded to the same typed value.
//!
//! The path is relative to the crate's root (`CARGO_MANIFEST_DIR`, where its `Cargo.toml`
//! is). The expansion includes the file's bytes in an unused constant, so that Cargo rebuilds
//! the crate when the file changes (a proc-macro's own reads are not tracked).

use std::path::Path;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{ParseStream, Parser as _};
use syn::{Error, Lit, LitStr, Token};

use crate::check;
use crate::{diag, json};

/// The expansion of `include_card!(...)`.
pub fn expand(input: TokenStream) -> TokenStream {
    let path = match path_literal(input) {
        Ok(path) => path,
        Err(error) => return diag::failed(error),
    };
    let (name, span) = (path.value(), path.span());
    let error = |message: String| Error::new(span, message);
    let Some(root) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return diag::failed(error(
            "`include_card!` reads paths relative to `CARGO_MANIFEST_DIR`, which is not set: build with Cargo".into(),
        ));
    };
    let path = Path::new(&root).join(&name);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => return diag::failed(error(unreadable(&name, &e))),
    };
    let track = track(&path, span);
    let card = match json::read(&text, span) {
        Ok(read) => read,
        Err(e) => {
            let message = format!("{name}:{}:{}: {}", e.at.line, e.at.column, e.message);
            return with_tracking(&track, diag::failed(error(message)));
        }
    };
    let mut checked = check::check(&card);
    // Each message starts with the node's line and column in the file: the file's name goes
    // in front (`cards/approval.json:12:21: ...`).
    let errors = std::mem::take(&mut checked.errors)
        .into_iter()
        .map(|e| Error::new(e.span(), format!("{name}:{e}")));
    let expansion = match diag::combine(errors) {
        Some(errors) => diag::failed(errors),
        None => crate::expand::card(&card, &checked),
    };
    with_tracking(&track, expansion)
}

/// The one argument: a string literal, and at most a trailing comma.
fn path_literal(input: TokenStream) -> syn::Result<LitStr> {
    let path = |input: ParseStream| {
        // Any mistake is shown under the first token (the call site when there is none).
        let first = input
            .cursor()
            .token_tree()
            .map_or_else(Span::call_site, |(token, _)| token.span());
        let usage = || {
            Error::new(first, "expected the path of a card JSON file, relative to the crate's root: `include_card!(\"cards/approval.json\")`")
        };
        let path = match input.parse::<Lit>() {
            Ok(Lit::Str(path)) if path.suffix().is_empty() => path,
            _ => return Err(usage()),
        };
        input.parse::<Option<Token![,]>>()?;
        if !input.is_empty() {
            return Err(usage());
        }
        Ok(path)
    };
    path.parse2(input)
}

fn unreadable(name: &str, error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => format!(
            "cannot read `{name}`: no such file (the path is relative to the crate's root, where its `Cargo.toml` is)"
        ),
        std::io::ErrorKind::InvalidData => format!("cannot read `{name}`: it is not UTF-8 text"),
        _ => format!("cannot read `{name}`: {error}"),
    }
}

/// `const _: &[u8] = include_bytes!("/abs/path");`: the file becomes an input of the crate.
fn track(path: &Path, span: Span) -> TokenStream {
    let Some(absolute) = path.to_str() else {
        // A path that is not UTF-8 cannot be written in `include_bytes!`; the card is still
        // read, only edits to it do not trigger a rebuild.
        return TokenStream::new();
    };
    let lit = LitStr::new(absolute, span);
    quote!(
        const _: &[u8] = ::core::include_bytes!(#lit);
    )
}

fn with_tracking(track: &TokenStream, expansion: TokenStream) -> TokenStream {
    quote!({
        #track
        #expansion
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]

    use super::*;

    /// The expansion of `include_card!` for a file holding `json` (written under the
    /// system's temporary directory, passed as an absolute path).
    fn expand_file(name: &str, json: &str) -> (String, String) {
        let dir = std::env::temp_dir().join(format!("include-card-{}", std::process::id()));
        let path = dir.join(name);
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, json)) {
            panic!("{}: {e}", path.display());
        }
        let literal = path.display().to_string();
        let out = expand(quote!(#literal)).to_string();
        (out, literal)
    }

    #[test]
    fn the_expansion_includes_the_file_so_that_editing_it_rebuilds() {
        let (out, path) = expand_file("ok.json", r#"{ "elements": [ { "tag": "hr" } ] }"#);
        assert!(out.contains("include_bytes"), "{out}");
        assert!(out.contains(&format!("{path:?}")), "{out}");
        assert!(out.contains("lark_card :: model :: Hr"), "{out}");
        // Also when the file does not parse: fixing it must rebuild too.
        let (out, _) = expand_file("broken.json", "{ \"elements\": [ }");
        assert!(out.contains("include_bytes"), "{out}");
        assert!(out.contains("compile_error"), "{out}");
    }

    #[test]
    fn errors_name_the_file_line_column_and_path() {
        let (out, path) = expand_file(
            "bad.json",
            "{\n  \"elements\": [\n    { \"tag\": \"hr\" }\n    { \"tag\": \"hr\" }\n  ]\n}",
        );
        assert!(
            out.contains(&format!("{path}:4:5: expected `,` or `]` after the item")),
            "{out}"
        );
        let (out, path) = expand_file(
            "schema.json",
            "{ \"schema\": \"2.0\", \"body\": { \"elements\": [\n  { \"tag\": \"markdown\", \"contnet\": \"x\" }\n] } }",
        );
        let expected = format!(
            "{path}:2:24: at `body.elements[0]`: unknown field `contnet` in `markdown` (did you mean `content`?)"
        );
        assert!(out.contains(&expected), "{out}");
    }

    #[test]
    fn a_file_nested_too_deep_is_an_error_at_its_line_and_column() {
        let deep = format!(
            "{{\n\"elements\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (out, path) = expand_file("deep.json", &deep);
        let expected =
            format!("{path}:2:140: arrays and objects nest more than 128 levels deep here");
        assert!(out.contains(&expected), "{out}");
    }

    #[test]
    fn the_argument_is_one_string_literal() {
        assert!(path_literal(quote!("cards/a.json")).is_ok());
        assert!(path_literal(quote!("cards/a.json",)).is_ok());
        for input in [quote!(), quote!(cards), quote!("a" "b"), quote!(1)] {
            assert!(path_literal(input).is_err());
        }
    }
}

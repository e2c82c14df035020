//! Stage 3, generate: the checked syntax tree into the typed value of `lark-card`.
//!
//! The card becomes struct literals of `lark_card::model`, enum variants and `Vec`s, built in
//! place: no JSON is parsed at run time and nothing can panic. Interpolated expressions keep
//! their spans, so the compiler's type errors point at them.

use lark_card_schema::catalogue::{CARD, ELEMENT, ELEMENT_COMMON};
use lark_card_schema::codegen::{field_ident, variant_ident};
use lark_card_schema::def::{EnumDef, ObjectDef, UnionDef, UNCHECKED};
use lark_card_schema::{Kind, Sharing};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};

use crate::ast::{Array, Item, NumberValue, Object, Range, Rust, Value};
use crate::check::{Checked, Named};
use lark_card_schema::lark::STREAMABLE_TAGS;

/// The expression `card!` expands to, for a card that passed the checks.
pub fn card(card: &Value, checked: &Checked) -> TokenStream {
    let sharing = match checked.report.sharing {
        Sharing::Shared => quote!(::lark_card::Shared),
        Sharing::NotShared | Sharing::Unknown => quote!(::lark_card::NoUpdateMulti),
    };
    let json = match card {
        Value::Object(o) => object(&CARD, o, false, None),
        other => mismatch(other),
    };
    let warnings = checked.deprecated.iter().map(|(range, field, note)| {
        // Stable Rust has no warnings for proc-macros; using a deprecated item gives one, on
        // the field's key.
        let name = Ident::new(field, range.start);
        quote_spanned! {range.start=>
            #[deprecated(note = #note)]
            #[allow(non_upper_case_globals)]
            const #name: () = ();
            let () = #name;
        }
    });
    // A card with parts only a run-time check can check is validated before it is sent.
    let make = if checked.report.checks_at_send {
        quote!(card_checked_at_send)
    } else {
        quote!(card)
    };
    quote! {{
        #(#warnings)*
        ::lark_card::__private::#make::<#sharing>(#json)
    }}
}

/// Not reached for a checked card; kept total so that a schema/expander mismatch becomes a
/// compile error instead of a panic.
fn mismatch(value: &Value) -> TokenStream {
    mismatch_at(value.range())
}

fn mismatch_at(range: Range) -> TokenStream {
    range
        .error("card! internal error: this value does not match the schema; please report it")
        .to_compile_error()
}

fn value(kind: &Kind, v: &Value) -> TokenStream {
    if let Value::Rust(rust) = v {
        return interpolated(kind, rust);
    }
    match (kind, v) {
        (Kind::String | Kind::Markdown | Kind::Pattern(_), Value::String(s)) => {
            let lit = &s.lit;
            quote!(::lark_card::__private::lit(#lit))
        }
        (Kind::Bool, Value::Bool(b, span, _)) => {
            let ident = Ident::new(if *b { "true" } else { "false" }, *span);
            quote!(#ident)
        }
        (Kind::Integer { .. }, Value::Number(n)) => match n.int() {
            Some(i) => Literal::i64_unsuffixed(i).into_token_stream(),
            None => mismatch(v),
        },
        (Kind::Number, Value::Number(_)) => number(v),
        (Kind::Enum(def), Value::String(s)) => enum_value(def, s),
        (Kind::Object(def), Value::Object(o)) => object(def, o, false, None),
        (Kind::Union(def), Value::Object(o)) => union(def, o, false),
        (Kind::Element(_), Value::Object(o)) => {
            let element = union(&ELEMENT, o, true);
            quote!(::std::boxed::Box::new(#element))
        }
        (Kind::Elements(_), Value::Array(a)) => list(a, &|item| match item {
            Value::Object(o) => union(&ELEMENT, o, true),
            Value::Rust(r) => interpolated_element(r),
            other => mismatch(other),
        }),
        (Kind::Array(inner), Value::Array(a)) => list(a, &|item| value(inner, item)),
        (Kind::Map(inner), Value::Object(o)) => {
            let entries = o.entries.iter().map(|e| {
                let key = &e.key.lit;
                let value = value(inner, &e.value);
                quote!((#key, #value))
            });
            quote!(::lark_card::__private::map([#(#entries),*]))
        }
        (Kind::Json | Kind::StringOrJson, _) => json(v),
        _ => mismatch(v),
    }
}

fn interpolated(kind: &Kind, rust: &Rust) -> TokenStream {
    let expr = &rust.tokens;
    let span = rust.range.start;
    match kind {
        Kind::String | Kind::Pattern(_) => {
            quote_spanned!(span=> ::lark_card::__private::text(#expr))
        }
        Kind::Markdown => quote_spanned!(span=> ::lark_card::__private::markdown(#expr)),
        Kind::Bool => quote_spanned!(span=> { let value: bool = #expr; value }),
        Kind::Integer { .. } => quote_spanned!(span=> ::lark_card::__private::integer(#expr)),
        Kind::Number => quote_spanned!(span=> ::lark_card::__private::number(#expr)),
        Kind::Json | Kind::StringOrJson => {
            quote_spanned!(span=> ::lark_card::__private::json(#expr))
        }
        Kind::Element(_) => {
            let element = interpolated_element(rust);
            quote!(::std::boxed::Box::new(#element))
        }
        Kind::Elements(_) => quote_spanned! {span=>
            ::core::iter::Iterator::collect::<::std::vec::Vec<::lark_card::model::Element>>(
                ::core::iter::Iterator::map(
                    ::core::iter::IntoIterator::into_iter(#expr),
                    ::core::convert::Into::into,
                ),
            )
        },
        // Named, so that a value of another type is reported against the field's enum.
        Kind::Enum(def) => {
            let ty = format_ident!("{}", def.rust_name);
            quote_spanned!(span=> ::lark_card::__private::enumeration::<::lark_card::model::#ty, _>(#expr))
        }
        // The field's type is known from the struct, so `Into` needs no annotation.
        Kind::Object(_) | Kind::Union(_) | Kind::Array(_) | Kind::Map(_) => {
            quote_spanned!(span=> ::core::convert::Into::into(#expr))
        }
    }
}

fn interpolated_element(rust: &Rust) -> TokenStream {
    let expr = &rust.tokens;
    quote_spanned!(rust.range.start=> ::lark_card::__private::element(#expr))
}

fn number(v: &Value) -> TokenStream {
    let Value::Number(n) = v else {
        return mismatch(v);
    };
    match n.value {
        NumberValue::Int(i) => {
            let lit = Literal::i64_unsuffixed(i);
            quote!(::lark_card::__private::number_i64(#lit))
        }
        NumberValue::UInt(u) => {
            let lit = Literal::u64_unsuffixed(u);
            quote!(::lark_card::__private::number_u64(#lit))
        }
        NumberValue::Float(f) => {
            let lit = Literal::f64_unsuffixed(f);
            quote!(::lark_card::__private::number_f64(#lit))
        }
    }
}

fn enum_value(def: &EnumDef, s: &crate::ast::Str) -> TokenStream {
    let ty = format_ident!("{}", def.rust_name);
    match def.variant(&s.text) {
        Some(variant) => {
            let variant = Ident::new(variant, s.lit.span());
            quote!(::lark_card::model::#ty::#variant)
        }
        None => {
            let lit = &s.lit;
            quote!(::lark_card::model::#ty::Other(::lark_card::__private::lit(#lit)))
        }
    }
}

/// A struct literal for an object of the schema.
fn object(
    def: &ObjectDef,
    o: &Object,
    is_element: bool,
    discriminator: Option<&str>,
) -> TokenStream {
    let ty = format_ident!("{}", def.rust_name);
    let common: &[lark_card_schema::def::Field] = if is_element { ELEMENT_COMMON } else { &[] };
    let mut written = 0;
    let field_of = |name: &str| {
        def.field(name)
            .or_else(|| common.iter().find(|f| f.name == name))
    };
    // Passed through as written: the entries of `$unchecked`, and the fields a 1.0 card may
    // hold that the schema does not know (the checker let them through; Lark ignores them).
    let marker = o.entries.iter().find(|e| e.name == UNCHECKED);
    let unknown: Vec<_> = o
        .entries
        .iter()
        .filter(|e| Some(e.name.as_str()) != discriminator && e.name != UNCHECKED)
        .filter(|e| field_of(&e.name).is_none())
        .collect();
    let unchecked = match (marker, unknown.is_empty()) {
        (None, true) => None,
        (Some(e), true) => {
            let value = json(&e.value);
            let name = Ident::new("unchecked", e.key.lit.span());
            Some(quote!(#name: ::lark_card::__private::unchecked(#value)))
        }
        (marker, false) => {
            let inner = marker.into_iter().flat_map(|e| match &e.value {
                Value::Object(inner) => inner.entries.iter().collect(),
                _ => Vec::new(),
            });
            let entries = unknown.iter().copied().chain(inner).map(|e| {
                let key = &e.key.lit;
                let value = json(&e.value);
                quote!((#key, #value))
            });
            Some(quote!(unchecked: ::lark_card::__private::unchecked(
                ::lark_card::__private::json_object([#(#entries),*])
            )))
        }
    };
    let fields = o
        .entries
        .iter()
        .filter(|e| Some(e.name.as_str()) != discriminator && e.name != UNCHECKED)
        .filter_map(|e| Some((e, field_of(&e.name)?)))
        .map(|(e, field)| {
            written += 1;
            let name = rust_field(field.name, e.key.lit.span());
            let value = value(&field.kind, &e.value);
            quote!(#name: ::core::option::Option::Some(#value))
        })
        .collect::<Vec<_>>();
    // Every struct also has `unchecked`.
    let rest = if written < def.fields.len() + common.len() || unchecked.is_none() {
        quote!(..::core::default::Default::default())
    } else {
        quote!()
    };
    let unchecked = unchecked.into_iter();
    quote!(::lark_card::model::#ty { #(#fields,)* #(#unchecked,)* #rest })
}

fn rust_field(name: &str, span: Span) -> Ident {
    let ident = field_ident(name);
    match ident.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, span),
        None => Ident::new(&ident, span),
    }
}

/// A variant of a union enum (`TextObject::PlainText(PlainText { .. })`).
fn union(def: &UnionDef, o: &Object, is_element: bool) -> TokenStream {
    let tag = o
        .entries
        .iter()
        .find(|e| e.name == def.key)
        .and_then(|e| match &e.value {
            Value::String(s) => Some(s),
            _ => None,
        });
    let ty = format_ident!("{}", def.rust_name);
    // Its tag is in `$unchecked`: the object is passed through whole.
    let raw = o.entries.iter().find(|e| e.name == UNCHECKED);
    if let (None, Some(raw)) = (tag, raw) {
        let value = json(&raw.value);
        let variant = Ident::new("Raw", raw.key.lit.span());
        return quote!(::lark_card::model::#ty::#variant(::lark_card::__private::unchecked(#value)));
    }
    // `{}` where a text object is optional (`"hover_tips": {}`, as the card builder exports
    // it): Lark reads it as absent; it is kept as written.
    if o.entries.is_empty() {
        let variant = Ident::new("Raw", o.open);
        return quote!(::lark_card::model::#ty::#variant(::core::default::Default::default()));
    }
    let Some(tag) = tag else {
        return mismatch_at(Range::one(o.open));
    };
    let Some(variant_def) = def.variant(&tag.text) else {
        return mismatch_at(Range::one(tag.lit.span()));
    };
    let variant = Ident::new(&variant_ident(&tag.text), tag.lit.span());
    let inner = object(variant_def, o, is_element, Some(def.key));
    quote!(::lark_card::model::#ty::#variant(#inner))
}

/// A `Vec` of the array's items: `vec![...]` when every item is a value, else a block that
/// pushes them, with the loops, branches and spreads as written.
fn list(a: &Array, each: &dyn Fn(&Value) -> TokenStream) -> TokenStream {
    if a.items.iter().all(|i| matches!(i, Item::Value(_))) {
        let values = a.items.iter().map(|i| match i {
            Item::Value(v) => each(v),
            _ => quote!(),
        });
        return quote!(::std::vec![#(#values),*]);
    }
    let items = Ident::new("__card_items", Span::mixed_site());
    let pushes = pushes(&a.items, &items, each);
    quote! {{
        let mut #items = ::std::vec::Vec::new();
        #pushes
        #items
    }}
}

fn pushes(list: &[Item], items: &Ident, each: &dyn Fn(&Value) -> TokenStream) -> TokenStream {
    list.iter()
        .map(|item| match item {
            Item::Value(v) => {
                let v = each(v);
                quote!(::std::vec::Vec::push(&mut #items, #v);)
            }
            Item::For { pat, expr, body } => {
                let body = pushes(body, items, each);
                quote!(for #pat in #expr { #body })
            }
            Item::If {
                cond,
                then,
                otherwise,
            } => {
                let then = pushes(then, items, each);
                let otherwise = otherwise.as_ref().map(|o| {
                    let o = pushes(o, items, each);
                    quote!(else { #o })
                });
                quote!(if #cond { #then } #otherwise)
            }
            Item::Spread(rust) => {
                let expr = &rust.tokens;
                quote_spanned!(rust.range.start=> ::lark_card::__private::extend(&mut #items, #expr);)
            }
        })
        .collect()
}

/// Free JSON (callback values, chart specs) as a `serde_json::Value`.
fn json(v: &Value) -> TokenStream {
    let value = quote!(::lark_card::__private::serde_json::Value);
    match v {
        Value::Null(..) => quote!(#value::Null),
        Value::Bool(b, ..) => quote!(#value::Bool(#b)),
        Value::Number(_) => {
            let n = number(v);
            quote!(#value::Number(#n))
        }
        Value::String(s) => {
            let lit = &s.lit;
            quote!(#value::String(::lark_card::__private::lit(#lit)))
        }
        Value::Array(a) => {
            let list = list(a, &json);
            quote!(#value::Array(#list))
        }
        Value::Object(o) => {
            let entries = o.entries.iter().map(|e| {
                let key = &e.key.lit;
                let v = json(&e.value);
                quote!((#key, #v))
            });
            quote!(::lark_card::__private::json_object([#(#entries),*]))
        }
        Value::Rust(rust) => {
            let expr = &rust.tokens;
            quote_spanned!(rust.range.start=> ::lark_card::__private::json(#expr))
        }
    }
}

/// The expression `card!(V2Card, { ... })` expands to: the checked 2.0 card `card` as the
/// named type, spanned at the name so that a type `card!` cannot build is reported there.
pub fn named_v2(name: &Ident, card: TokenStream) -> TokenStream {
    let convert = quote_spanned!(name.span()=>
        <#name as ::lark_card::__private::FromCheckedV2>::from_checked_v2
    );
    quote!(#convert(#card))
}

/// The expression `streaming_card!` expands to: a struct of the card's element ids, one field
/// per named element (spanned at its `element_id`), and the card with it. `card` is the
/// card's expression, or a placeholder when the card has errors, so that the ids are still
/// fields and only the card's errors are reported.
pub fn streaming_card(card: TokenStream, named: &[Named], ids: Option<&Ident>) -> TokenStream {
    // With errors, the ids may repeat or not be identifiers: one field each, only for
    // identifiers, so that the card's errors come without follow-on ones.
    let mut seen = Vec::new();
    let named: Vec<_> = named
        .iter()
        .filter(|element| {
            let new = !seen.contains(&element.id.as_str());
            seen.push(element.id.as_str());
            new
        })
        .filter_map(|element| Some((element, id_field(&element.id, element.span)?)))
        .collect();
    // The user's struct: a field per id, each converted to the field's type, so that a
    // missing, extra or wrongly typed field is reported on the card's `element_id`.
    if let Some(ids) = ids {
        let values = named.iter().map(|(element, field)| {
            let id = Literal::string(&element.id);
            let value = match streamable(element) {
                Some(tag) => {
                    let tag = Literal::string(tag);
                    quote!(::lark_card::__private::stream_target(#id, #tag))
                }
                None => quote!(::lark_card::__private::element_id(#id)),
            };
            quote_spanned!(element.span=> #field: ::lark_card::__private::id_field(#value))
        });
        return quote! {
            ::lark_card::__private::streaming_card(#card, #ids { #(#values,)* })
        };
    }
    let ids = Ident::new("ElementIds", Span::mixed_site());
    let fields = named.iter().map(|(element, field)| {
        let ty = match streamable(element) {
            Some(_) => quote!(::lark_card::cardkit::StreamTarget),
            None => quote!(::lark_card::cardkit::ElementId),
        };
        quote!(pub #field: #ty)
    });
    let values = named.iter().map(|(element, field)| {
        let id = Literal::string(&element.id);
        match streamable(element) {
            Some(tag) => {
                let tag = Literal::string(tag);
                quote!(#field: ::lark_card::__private::stream_target(#id, #tag))
            }
            None => quote!(#field: ::lark_card::__private::element_id(#id)),
        }
    });
    quote! {{
        /// The element ids of the card, from its literal `element_id`s.
        #[allow(non_snake_case)]
        #[derive(::core::clone::Clone, ::core::fmt::Debug)]
        struct #ids { #(#fields,)* }
        ::lark_card::__private::streaming_card(#card, #ids { #(#values,)* })
    }}
}

/// The element's tag, if text can be streamed into it.
fn streamable(element: &Named) -> Option<&'static str> {
    let tag = element.tag.as_deref()?;
    STREAMABLE_TAGS.iter().copied().find(|t| *t == tag)
}

/// The field an `element_id` names (`r#type` for a keyword); none for the keywords no field
/// can be (reported by the checker).
fn id_field(id: &str, span: Span) -> Option<Ident> {
    let mut chars = id.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && id != "_";
    if !identifier || crate::check::RESERVED.contains(&id) {
        return None;
    }
    match syn::parse_str::<Ident>(id) {
        Ok(_) => Some(Ident::new(id, span)),
        Err(_) => Some(Ident::new_raw(id, span)),
    }
}

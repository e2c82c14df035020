//! Expansion tests: what `card!` writes for small cards, read as formatted Rust.

// Test code: a failed expectation is a panic.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use proc_macro2::TokenStream;
use quote::quote;

fn pretty(expansion: TokenStream) -> String {
    let file: syn::File = match syn::parse2(quote!(fn card() { let _ = #expansion; })) {
        Ok(file) => file,
        Err(e) => return format!("does not parse: {e}"),
    };
    prettyplease::unparse(&file)
}

fn expand(input: TokenStream) -> String {
    pretty(crate::expand(input))
}

#[test]
fn a_static_card_is_struct_literals_with_no_json_at_run_time() {
    let out = expand(quote!({
        "schema": "2.0",
        "body": { "elements": [ { "tag": "markdown", "content": "hi", "text_align": "center" } ] }
    }));
    let expected = r#"fn card() {
    let _ = {
        ::lark_card::__private::card::<
            ::lark_card::Shared,
        >(::lark_card::model::CardJson {
            schema: ::core::option::Option::Some(::lark_card::model::SchemaVersion::V2),
            body: ::core::option::Option::Some(::lark_card::model::Body {
                elements: ::core::option::Option::Some(
                    ::std::vec![
                        ::lark_card::model::Element::Markdown(::lark_card::model::Markdown
                        { content :
                        ::core::option::Option::Some(::lark_card::__private::lit("hi")),
                        text_align :
                        ::core::option::Option::Some(::lark_card::model::TextAlign::Center),
                        .. ::core::default::Default::default() })
                    ],
                ),
                ..::core::default::Default::default()
            }),
            ..::core::default::Default::default()
        })
    };
}
"#;
    assert_eq!(out, expected);
}

#[test]
fn a_v1_card_without_update_multi_is_typed_not_shared() {
    let out = expand(quote!({ "elements": [ { "tag": "hr" } ] }));
    assert!(out.contains("::lark_card::NoUpdateMulti"), "{out}");
    let out = expand(quote!({ "config": { "update_multi": true }, "elements": [] }));
    assert!(out.contains("::lark_card::Shared,"), "{out}");
}

#[test]
fn interpolated_values_go_through_the_trait_of_their_field() {
    let out = expand(quote!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (who) },
        { "tag": "div", "text": { "tag": "plain_text", "content": (count) } },
        (extra)
    ] } }));
    assert!(
        out.contains("::lark_card::__private::markdown(who)"),
        "{out}"
    );
    assert!(out.contains("::lark_card::__private::text(count)"), "{out}");
    assert!(
        out.contains("::lark_card::__private::element(extra)"),
        "{out}"
    );
}

#[test]
fn loops_branches_and_spreads_push_in_order() {
    let out = expand(quote!({ "schema": "2.0", "body": { "elements": [
        { "tag": "hr" },
        for x in xs { { "tag": "markdown", "content": (x) } },
        if ok { { "tag": "hr" } } else { },
        ..more
    ] } }));
    let push = out.find("::std::vec::Vec::push(").unwrap_or(usize::MAX);
    let for_loop = out.find("for x in xs").unwrap_or(usize::MAX);
    let branch = out.find("if ok").unwrap_or(usize::MAX);
    let spread = out
        .find("::lark_card::__private::extend(")
        .unwrap_or(usize::MAX);
    assert!(
        push < for_loop && for_loop < branch && branch < spread,
        "{out}"
    );
}

#[test]
fn every_error_is_reported_and_the_value_is_a_placeholder() {
    let out = crate::expand(quote!({ "schema": "2.0", "body": { "elements": [
        { "tag": "buton" },
        { "tag": "markdown", "content": 1 }
    ] } }))
    .to_string();
    assert_eq!(out.matches("compile_error").count(), 2, "{out}");
    assert!(
        out.contains("unknown element tag `buton` (did you mean `button`?)"),
        "{out}"
    );
    assert!(out.contains("placeholder"), "{out}");
}

#[test]
fn a_deprecated_field_expands_to_a_deprecation_warning() {
    let out = expand(quote!({ "config": { "wide_screen_mode": true }, "elements": [] }));
    assert!(out.contains("#[deprecated("), "{out}");
    assert!(out.contains("let () = wide_screen_mode;"), "{out}");
}

#[test]
fn free_json_fields_are_built_as_values() {
    let out = expand(quote!({ "schema": "2.0", "body": { "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" },
          "behaviors": [ { "type": "callback", "value": { "k": [1, -2.5, null, true] } } ] }
    ] } }));
    assert!(
        out.contains("::lark_card::__private::json_object([(\"k\","),
        "{out}"
    );
    // A negative literal prints as `- 2.5` inside `vec![]`, which prettyplease leaves alone.
    let compact: String = out.split_whitespace().collect();
    assert!(compact.contains("number_f64(-2.5)"), "{out}");
    assert!(out.contains("Value::Null"), "{out}");
}

#[test]
fn the_static_size_check_counts_the_update_body() {
    let card: crate::ast::Value = match crate::ast::parse(
        quote!({ "elements": [ { "tag": "markdown", "content": "a\"b" } ] }),
    ) {
        Ok(card) => card,
        Err(e) => panic!("{e}"),
    };
    // {"content":"{\"elements\":[{\"tag\":\"markdown\",\"content\":\"a\\\"b\"}]}"}
    let body = r#"{"content":"{\"elements\":[{\"tag\":\"markdown\",\"content\":\"a\\\"b\"}]}"}"#;
    assert_eq!(crate::check::body_size(&card), body.len());
}

/// The messages `card!` reports for a card, in order.
fn errors(input: TokenStream) -> Vec<String> {
    let card = match crate::ast::parse(input) {
        Ok(card) => card,
        Err(e) => return e.into_iter().map(|e| e.to_string()).collect(),
    };
    crate::check::check(&card)
        .errors
        .into_iter()
        .flatten()
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn an_element_id_may_repeat_across_branches_but_not_around_them() {
    let ok = errors(quote!({ "schema": "2.0", "body": { "elements": [
        if ok { { "tag": "hr", "element_id": "state" } }
        else if late { { "tag": "markdown", "content": "late", "element_id": "state" } }
        else { { "tag": "markdown", "content": "no", "element_id": "state" } }
    ] } }));
    assert!(ok.is_empty(), "{ok:?}");
    let before = errors(quote!({ "schema": "2.0", "body": { "elements": [
        { "tag": "hr", "element_id": "state" },
        if ok { { "tag": "hr", "element_id": "state" } }
    ] } }));
    assert_eq!(before.len(), 1, "{before:?}");
    assert!(before[0].starts_with("duplicate `element_id` `state`"));
    let after = errors(quote!({ "schema": "2.0", "body": { "elements": [
        if ok { { "tag": "hr" } } else { { "tag": "hr", "element_id": "state" } },
        { "tag": "hr", "element_id": "state" }
    ] } }));
    assert_eq!(after.len(), 1, "{after:?}");
    let within = errors(quote!({ "schema": "2.0", "body": { "elements": [
        if ok { { "tag": "hr", "element_id": "a" }, { "tag": "hr", "element_id": "a" } }
    ] } }));
    assert_eq!(within.len(), 1, "{within:?}");
}

/// `n` `hr` elements, as items of a `card!` array.
fn hrs(n: usize) -> TokenStream {
    let one = quote!({ "tag": "hr" });
    let items = std::iter::repeat_n(one, n);
    quote!(#(#items),*)
}

#[test]
fn the_element_count_takes_the_larger_branch() {
    let (a, b) = (hrs(150), hrs(120));
    let ok = errors(quote!({ "schema": "2.0", "body": { "elements": [
        if wide { #a } else { #b }
    ] } }));
    assert!(ok.is_empty(), "{ok:?}");
    // 60 before the branch and the larger branch of 150: 210.
    let (before, a, b) = (hrs(60), hrs(150), hrs(120));
    let over = errors(quote!({ "schema": "2.0", "body": { "elements": [
        #before,
        if wide { #b } else { #a }
    ] } }));
    assert_eq!(over.len(), 1, "{over:?}");
    assert!(
        over[0].starts_with("this 2.0 card has 210 elements"),
        "{over:?}"
    );
}

/// The JSON the size check counts for one number literal in a free JSON value.
fn number_json(literal: TokenStream) -> String {
    let card = match crate::ast::parse(quote!({ "elements": [], "x": #literal })) {
        Ok(card) => card,
        Err(e) => panic!("{literal}: {e}"),
    };
    // {"content":"{\"elements\":[],\"x\":N}"}
    let size = crate::check::body_size(&card);
    let frame = r#"{"content":"{\"elements\":[],\"x\":}"}"#.len();
    let crate::ast::Value::Object(object) = &card else {
        panic!("not an object")
    };
    let crate::ast::Value::Number(n) = &object.entries[1].value else {
        panic!("{literal}: not a number")
    };
    let mut out = String::new();
    crate::check::write_number(n.value, &mut out);
    assert_eq!(size, frame + out.len(), "{literal}");
    out
}

#[test]
fn the_size_check_writes_numbers_as_serde_json_does() {
    // What `serde_json::to_string` writes for the `serde_json::Number` each literal becomes
    // (checked against serde_json itself in card-tests' `update_body_size`).
    for (literal, json) in [
        (quote!(1e3), "1000.0"),
        (quote!(1E3), "1000.0"),
        (quote!(1.50), "1.5"),
        (quote!(2.), "2.0"),
        (quote!(1_000), "1000"),
        (quote!(0x1F), "31"),
        (quote!(-0), "0"),
        (quote!(-0.0), "-0.0"),
        (quote!(0.0), "0.0"),
        (quote!(-12), "-12"),
        (quote!(0.1), "0.1"),
        (quote!(1e15), "1000000000000000.0"),
        (quote!(1e16), "1e+16"),
        (quote!(1.5e16), "1.5e+16"),
        (quote!(0.00001), "0.00001"),
        (quote!(1e-6), "1e-6"),
        (quote!(1.5e-7), "1.5e-7"),
        (quote!(1e300), "1e+300"),
        (quote!(5e-324), "5e-324"),
        (quote!(26829767983277.3125), "26829767983277.312"),
        (quote!(9223372036854775808), "9223372036854775808"),
        (quote!(-9223372036854775808), "-9223372036854775808"),
    ] {
        assert_eq!(number_json(literal.clone()), json, "{literal}");
    }
}

#[test]
fn a_whole_number_above_i64_max_is_out_of_range_not_a_fraction() {
    let out = errors(quote!({ "elements": [
        { "tag": "column_set", "columns": [ { "tag": "column", "width": "weighted",
          "weight": 9223372036854775808, "elements": [] } ] }
    ] }));
    assert_eq!(
        out,
        ["`weight` must be a whole number from 1 to 5, found `9223372036854775808`"]
    );
    let out = errors(quote!({ "elements": [
        { "tag": "column_set", "columns": [ { "tag": "column", "width": "weighted",
          "weight": 1.5, "elements": [] } ] }
    ] }));
    assert_eq!(
        out,
        ["`weight` must be a whole number from 1 to 5, found `a fraction`"]
    );
}

#[test]
fn syntax_errors_say_what_was_expected() {
    for (input, message) in [
        (
            quote!(),
            "expected a card: `card!({ \"elements\": [...] })`",
        ),
        (quote!({}, x), "unexpected tokens after the card"),
        (quote!({ "a" 1 }), "expected `:` after the key `\"a\"`"),
        (quote!({ "a": }), "expected a value for `\"a\"`"),
        (
            quote!({ a: 1 }),
            "expected a key: keys are string literals, as in JSON: write `\"a\"`",
        ),
        (
            quote!({ "a": 1u8 }),
            "remove the suffix `u8`: a JSON number has no type",
        ),
        (
            quote!({ "a": 1.5f32 }),
            "remove the suffix `f32`: a JSON number has no type",
        ),
        (
            quote!({ "a": "x"y }),
            "remove the suffix: JSON strings have none",
        ),
        (quote!({ "a": 1e999 }), "this number is out of range"),
        (
            quote!({ "a": 18446744073709551616 }),
            "this number is too large for JSON numbers Lark reads",
        ),
        (quote!({ "a": [ , ] }), "expected a value"),
        (
            quote!({ "a": [ { "tag": "hr" } { "tag": "hr" } ] }),
            "expected `,`",
        ),
        (quote!({ "a": [ "x" "y" ] }), "expected `,`"),
        (quote!({ "a": [ (x) { "tag": "hr" } ] }), "expected `,`"),
        (quote!({ "a": 1 "b": 2 }), "expected `,`"),
        (quote!({ "a": { "c": 1 } "b": 2 }), "expected `,`"),
        (quote!({ "a": x "b": -2 }), "expected `,`"),
        (quote!({ "a": [1, 2] "b": 2 }), "expected `,`"),
        (quote!({ "a": [ for x xs { } ] }), "expected `in`"),
        (
            quote!({ "a": [ if ok ] }),
            "expected `{ ... }`: the items of the loop or branch",
        ),
        (
            quote!({ "a": [ if ok { } else x ] }),
            "expected `{ ... }` after `else`",
        ),
    ] {
        let out = match crate::ast::parse(input.clone()) {
            Ok(_) => panic!("{input}: accepted"),
            Err(e) => e.to_string(),
        };
        assert_eq!(out, message, "{input}");
    }
}

#[test]
fn a_literal_followed_by_more_tokens_is_rust() {
    let card =
        crate::ast::parse(quote!({ "a": "x".to_owned(), "b": 1 + n, "c": -x, "d": true && y }));
    let Ok(crate::ast::Value::Object(object)) = card else {
        panic!("does not parse")
    };
    for entry in &object.entries {
        assert!(
            matches!(entry.value, crate::ast::Value::Rust(_)),
            "{}",
            entry.name
        );
    }
}

#[test]
fn every_node_the_validator_can_name_has_its_own_id() {
    fn ids(value: &crate::ast::Value, out: &mut Vec<usize>) {
        out.push(value.id().number);
        match value {
            crate::ast::Value::Array(a) => items(&a.items, out),
            crate::ast::Value::Object(o) => {
                for entry in &o.entries {
                    out.push(entry.key.id.number);
                    ids(&entry.value, out);
                }
            }
            _ => {}
        }
    }
    fn items(list: &[crate::ast::Item], out: &mut Vec<usize>) {
        for item in list {
            match item {
                crate::ast::Item::Value(v) => ids(v, out),
                crate::ast::Item::For { body, .. } => items(body, out),
                crate::ast::Item::If {
                    then, otherwise, ..
                } => {
                    items(then, out);
                    items(otherwise.as_deref().unwrap_or_default(), out);
                }
                crate::ast::Item::Spread(rust) => out.push(rust.id.number),
            }
        }
    }
    // Literals are read ahead and read again (`"a".to_owned()` is Rust): each node kept has
    // one id all the same.
    let Ok(card) = crate::ast::parse(quote!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": "a".to_owned() },
        for n in 0..2 { { "tag": "markdown", "content": (n) } },
        if ok { { "tag": "hr" } } else { null, true, 1 },
        ..more
    ] } })) else {
        panic!("does not parse")
    };
    let mut all = Vec::new();
    ids(&card, &mut all);
    let count = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), count);
    assert_eq!(count, 24);
}

#[test]
fn a_streaming_card_has_a_field_per_literal_element_id_typed_by_its_tag() {
    let out = pretty(crate::expand_streaming(quote!({
        "schema": "2.0",
        "body": { "elements": [
            { "tag": "markdown", "element_id": "answer", "content": "" },
            { "tag": "div", "text": { "tag": "lark_md", "element_id": "note", "content": "" } },
            { "tag": "hr", "element_id": "type" },
            if true { { "tag": "markdown", "element_id": "maybe", "content": "" } }
        ] }
    })));
    assert!(
        out.contains("pub answer: ::lark_card::cardkit::StreamTarget"),
        "{out}"
    );
    assert!(
        out.contains("pub note: ::lark_card::cardkit::ElementId"),
        "{out}"
    );
    assert!(
        out.contains("pub r#type: ::lark_card::cardkit::ElementId"),
        "{out}"
    );
    assert!(
        out.contains(r#"::lark_card::__private::stream_target("answer", "markdown")"#),
        "{out}"
    );
    // An id in a branch may be absent: no field.
    assert!(!out.contains("maybe:"), "{out}");
    assert!(!out.contains("compile_error"), "{out}");
}

#[test]
fn a_streaming_card_with_errors_keeps_its_ids_around_a_placeholder() {
    let out = pretty(crate::expand_streaming(quote!({
        "elements": [ { "tag": "markdown", "element_id": "answer", "content": "" } ]
    })));
    assert!(out.contains("compile_error"), "{out}");
    assert!(
        out.contains("CardKit makes card entities of 2.0 cards only"),
        "{out}"
    );
    assert!(
        out.contains("::lark_card::__private::placeholder()"),
        "{out}"
    );
    assert!(
        out.contains("pub answer: ::lark_card::cardkit::StreamTarget"),
        "{out}"
    );
}

#[test]
fn a_streaming_card_with_bad_or_repeated_ids_reports_them_without_more() {
    let out = pretty(crate::expand_streaming(quote!({
        "schema": "2.0",
        "body": { "elements": [
            { "tag": "markdown", "element_id": "has space", "content": "" },
            { "tag": "markdown", "element_id": "twice", "content": "" },
            { "tag": "hr", "element_id": "twice" }
        ] }
    })));
    assert!(out.contains("compile_error"), "{out}");
    assert_eq!(out.matches("pub twice:").count(), 1, "{out}");
    assert!(!out.contains("has space:"), "{out}");
}

#[test]
fn a_card_named_v2_card_is_the_checked_card_converted_without_a_result() {
    let out = expand(quote!(V2Card, { "schema": "2.0", "body": { "elements": [] } }));
    assert!(
        out.contains("<V2Card as ::lark_card::__private::FromCheckedV2>::from_checked_v2("),
        "{out}"
    );
    assert!(out.contains("::lark_card::Shared"), "{out}");
    assert!(!out.contains("compile_error"), "{out}");
}

#[test]
fn a_v1_card_named_v2_card_is_refused_around_a_placeholder_of_the_type() {
    let out = expand(quote!(V2Card, { "config": { "update_multi": true }, "elements": [] }));
    assert!(
        out.contains("the card is not card JSON 2.0 (it has no `\\\"schema\\\": \\\"2.0\\\"`), so it cannot be a `V2Card`"),
        "{out}"
    );
    assert!(out.contains("FromCheckedV2>::from_checked_v2("), "{out}");
    assert!(
        out.contains("::lark_card::__private::placeholder()"),
        "{out}"
    );
    // An unnamed card is as before.
    let out = expand(quote!({ "config": { "update_multi": true }, "elements": [] }));
    assert!(!out.contains("from_checked_v2"), "{out}");
}

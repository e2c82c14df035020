//! `Card::to_content` writes JSON with the model's own writer (generated with the model), not
//! through serde: its output must be byte for byte what `serde_json::to_string` writes for the
//! same typed card.

use std::cell::Cell;
use std::path::Path;

use lark_card::model::{
    ButtonType, CardFallback, CardJson, ColumnWidth, Element, FallbackCondition,
    FallbackConditionType, Header, LarkMd, Markdown, PlainText, Text, Width,
};
use lark_card::{card, Card, NoUpdateMulti, Sharing, Unchecked};
use lark_card_schema::catalogue::{CARD, ELEMENT, UNIONS};
use lark_card_schema::def::{Kind, ObjectDef, UnionDef};
use serde_json::{json, Map, Value};

/// `to_content` and serde_json agree, byte for byte.
#[track_caller]
fn assert_same_bytes<S: Sharing>(what: &str, card: &Card<S>) {
    let content = card.to_content();
    let serde = serde_json::to_string(card.json()).unwrap_or_else(|e| panic!("{what}: {e}"));
    if content != serde {
        let at = content
            .bytes()
            .zip(serde.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(content.len().min(serde.len()));
        let from = at.saturating_sub(60);
        panic!(
            "{what}: to_content differs from serde_json at byte {at}:\n  to_content: {:?}\n  serde_json: {:?}",
            content.get(from..(at + 60).min(content.len())),
            serde.get(from..(at + 60).min(serde.len())),
        );
    }
    // Twice: the second call reuses the thread's buffer.
    assert_eq!(
        Some(card.to_content().as_str()),
        Some(serde.as_str()),
        "{what}"
    );
}

/// A card holding `json`, as it is (no validation: the writer must match serde for any value).
fn card_of(json: CardJson) -> Card<NoUpdateMulti> {
    let mut card = card!({ "elements": [] });
    *card.json_mut() = json;
    card
}

/// Strings with everything JSON escaping cares about.
fn hostile_strings() -> Vec<String> {
    let controls: String = (0u8..0x20).map(char::from).collect();
    vec![
        String::new(),
        controls.clone(),
        format!("before{controls}after"),
        "\"quoted\" and \\backslashed\\ and / slash </script>".to_string(),
        "\\".to_string(),
        "\"".to_string(),
        "中文 日本語 한국어 😀👍🏽 \u{2028}\u{2029} \u{7f} \u{80} \u{feff} é".to_string(),
        "line\nbreak\r\ntab\tbell\u{7}backspace\u{8}formfeed\u{c}nul\u{0}unit\u{1f}".to_string(),
        "ends with a backslash\\".to_string(),
        "a".repeat(300) + "\"" + &"b".repeat(300),
    ]
}

#[test]
fn every_corpus_card_is_written_like_serde_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/cards");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "{} corpus cards", files.len());
    for path in &files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let card =
            Card::<NoUpdateMulti>::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same_bytes(&name, &card);
        // And it is the card as written.
        let written: Value = serde_json::from_str(&text).unwrap_or_default();
        let content: Value = serde_json::from_str(&card.to_content()).unwrap_or_default();
        assert_eq!(content, written, "{name}");
    }
}

#[test]
fn hostile_strings_are_escaped_like_serde_json() {
    for s in hostile_strings() {
        let what = format!("{s:?}");
        // Text content, markdown (escaped for markdown first by `card!`), plain and lark_md.
        let card = card!({ "schema": "2.0", "body": { "elements": [
            { "tag": "markdown", "content": (&s) },
            { "tag": "div", "text": { "tag": "plain_text", "content": (&s) } },
            { "tag": "button", "text": { "tag": "lark_md", "content": (lark_card::trusted_markdown(s.clone())) },
              "width": (Width::Other(s.clone())), "type": "primary",
              "behaviors": [ { "type": "callback", "value": (json!({ "k": s.clone(), (s.clone()): [s.clone(), null, 1.5] })) } ] },
            { "tag": "column_set", "columns": [ { "tag": "column", "width": (ColumnWidth::Other(s.clone())), "elements": [] } ] }
        ] } });
        assert_same_bytes(&what, &card);

        // Open enumeration values, map keys and values, raw elements, free JSON.
        let mut card = card;
        let json = card.json_mut();
        json.header = Some(Header {
            title: Some(Text::PlainText(PlainText {
                content: Some(s.clone()),
                i18n: Some([(s.clone(), s.clone()), ("zh_cn".into(), "标题".into())].into()),
                ..Default::default()
            })),
            ..Default::default()
        });
        json.i18n_elements = Some(
            [(
                s.clone(),
                vec![Element::Markdown(Markdown {
                    content: Some(s.clone()),
                    i18n_content: Some([(s.clone(), String::new())].into()),
                    margin: Some(s.clone()),
                    fallback: Some(json!({ (s.clone()): { (s.clone()): [(s.clone())] } })),
                    ..Default::default()
                })],
            )]
            .into(),
        );
        json.fallback = Some(CardFallback {
            trigger_conditions: Some(vec![FallbackCondition {
                r#type: Some(FallbackConditionType::ElementTags),
                value: Some(Value::String(s.clone())),
                ..Default::default()
            }]),
            ..Default::default()
        });
        let mut raw = Map::new();
        raw.insert("tag".into(), Value::String(s.clone()));
        raw.insert(
            s.clone(),
            json!([s.clone(), { "": s.clone() }, -0.0, 1e-7, 12345678901234567890u64]),
        );
        json.elements = Some(vec![
            Element::Raw(Unchecked(raw)),
            Element::Raw(Unchecked::default()),
            Element::Raw(Unchecked::new(Value::String(s.clone()))),
        ]);
        assert_same_bytes(&what, &card);
    }
}

#[test]
fn cards_built_with_loops_and_interpolation_are_written_like_serde_json() {
    let rows: Vec<&str> = vec!["build", "test \"quoted\"", "部署 deploy", "", "tab\there"];
    let urgent = rows.len() > 3;
    let extra = vec![
        Element::Hr(Default::default()),
        Unchecked::new(
            json!({ "tag": "sparkle", "speed": 3, "nested": { "b": 1, "a": [true, null] } }),
        )
        .into(),
    ];
    let card = card!({
        "schema": "2.0",
        "config": { "update_multi": true, "width_mode": "fill", "summary": { "content": (format!("{} rows", rows.len())) } },
        "header": {
            "title": { "tag": "plain_text", "content": "Report" },
            "template": "blue",
            "text_tag_list": [ { "tag": "text_tag", "text": { "tag": "plain_text", "content": "new" }, "color": "green" } ]
        },
        "body": { "elements": [
            for (i, row) in rows.iter().enumerate() {
                { "tag": "column_set", "flex_mode": "none", "columns": [
                    { "tag": "column", "width": "weighted", "weight": (i as i64 % 5 + 1), "elements": [
                        { "tag": "markdown", "content": (row) },
                        { "tag": "button", "text": { "tag": "plain_text", "content": (*row) },
                          "type": (if urgent { ButtonType::Danger } else { ButtonType::Default }),
                          "behaviors": [ { "type": "callback", "value": { "row": (i), "name": (*row) } } ] }
                    ] },
                    { "tag": "column", "width": "auto", "elements": [ { "tag": "hr" } ] }
                ] }
            },
            if rows.is_empty() { { "tag": "markdown", "content": "nothing" } } else { { "tag": "hr" } },
            { "tag": "div", "fields": [
                for row in &rows { { "is_short": true, "text": { "tag": "lark_md", "content": (row) } } }
            ] },
            ..extra
        ] }
    });
    assert_same_bytes("card! with loops", &card);
    let content = card.to_content();
    assert!(content.contains(r#""tag":"sparkle""#), "{content}");

    // The doc example's exact output.
    let card = card!({
        "schema": "2.0",
        "body": { "elements": [ { "tag": "markdown", "content": "**Deploy** finished" } ] }
    });
    assert_eq!(
        Some(card.to_content().as_str()),
        Some(
            r#"{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"**Deploy** finished"}]}}"#
        )
    );
}

#[test]
fn an_empty_card_and_empty_collections_are_written_like_serde_json() {
    assert_same_bytes("default card", &card_of(CardJson::default()));
    let json = CardJson {
        elements: Some(vec![]),
        i18n_elements: Some([("en_us".to_string(), vec![])].into()),
        i18n_header: Some(Default::default()),
        fallback: Some(CardFallback::default()),
        header: Some(Header {
            title: Some(Text::LarkMd(LarkMd::default())),
            subtitle: Some(Text::Markdown(LarkMd::default())),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_same_bytes("empty collections", &card_of(json));
}

// -------------------------------------------------------------------------------------------
// Every generated struct, union variant and enumeration, every field present: a card made
// from the schema tables themselves, read into the model with serde (not validated), then
// written both ways.

struct Filler {
    /// Rotates through union variants, enumeration values, and value shapes.
    turn: Cell<usize>,
    /// How many more element lists get one element of every kind (the others get one).
    every_element: Cell<usize>,
    strings: Vec<String>,
}

impl Filler {
    fn next(&self) -> usize {
        let n = self.turn.get();
        self.turn.set(n + 1);
        n
    }

    fn string(&self) -> Value {
        Value::String(self.strings[self.next() % self.strings.len()].clone())
    }

    fn object(
        &self,
        def: &ObjectDef,
        extra: &[&lark_card_schema::def::Field],
        depth: usize,
    ) -> Value {
        let mut map = Map::new();
        for field in def.fields.iter().chain(extra.iter().copied()) {
            map.insert(field.name.to_string(), self.value(&field.kind, depth + 1));
        }
        Value::Object(map)
    }

    fn variant(&self, union: &UnionDef, index: usize, depth: usize) -> Value {
        let (tag, def) = union.variants[index % union.variants.len()];
        let common = if std::ptr::eq(union, &ELEMENT) {
            lark_card_schema::catalogue::ELEMENT_COMMON.iter().collect()
        } else {
            Vec::new()
        };
        let mut value = self.object(def, &common, depth);
        if let Value::Object(map) = &mut value {
            map.insert(union.key.to_string(), Value::String(tag.to_string()));
        }
        value
    }

    fn element(&self, depth: usize) -> Value {
        self.variant(&ELEMENT, self.next(), depth)
    }

    fn value(&self, kind: &Kind, depth: usize) -> Value {
        match kind {
            Kind::String | Kind::Markdown | Kind::Pattern(_) => self.string(),
            Kind::Bool => Value::Bool(self.next() % 2 == 0),
            Kind::Integer { min, max } => {
                let n = [*min, *max, 0, -1, i64::MIN, i64::MAX, 4821][self.next() % 7];
                json!(n)
            }
            Kind::Number => [
                json!(4),
                json!(-2.5),
                json!(1e300),
                json!(u64::MAX),
                json!(0.1),
            ][self.next() % 5]
                .clone(),
            Kind::Enum(def) => {
                let n = self.next();
                match def.open {
                    Some(_) if n % (def.values.len() + 1) == def.values.len() => self.string(),
                    _ => Value::String(def.values[n % def.values.len()].0.to_string()),
                }
            }
            Kind::Object(def) => self.object(def, &[], depth),
            Kind::Union(def) => self.variant(def, self.next(), depth),
            Kind::Element(_) => self.element(depth),
            Kind::Elements(_) => {
                let mut items: Vec<Value> = if self.every_element.get() > 0 {
                    self.every_element.set(self.every_element.get() - 1);
                    (0..ELEMENT.variants.len())
                        .map(|i| self.variant(&ELEMENT, i, depth))
                        .collect()
                } else if depth <= 8 {
                    vec![self.element(depth)]
                } else {
                    vec![]
                };
                items.push(json!({ "tag": "sparkle", "k\"ey": ["raw", 1, null] }));
                Value::Array(items)
            }
            Kind::Array(inner) => Value::Array(vec![
                self.value(inner, depth + 1),
                self.value(inner, depth + 1),
            ]),
            Kind::Map(inner) => {
                let mut map = Map::new();
                map.insert("zh_cn".into(), self.value(inner, depth + 1));
                if let Value::String(key) = self.string() {
                    map.insert(key, self.value(inner, depth + 1));
                }
                map.insert("en_us".into(), self.value(inner, depth + 1));
                Value::Object(map)
            }
            Kind::Json | Kind::StringOrJson => match self.next() % 3 {
                0 => self.string(),
                1 => json!({ "b": [1, -2, 3.25, "x\ny"], "a": { "": null, "t": true } }),
                _ => json!([[], {}, 0, "/"]),
            },
        }
    }
}

#[test]
fn every_generated_type_with_every_field_is_written_like_serde_json() {
    for strings in [vec!["plain".to_string()], hostile_strings()] {
        let filler = Filler {
            turn: Cell::new(0),
            every_element: Cell::new(0),
            strings,
        };
        // Several rounds, so that the rotation reaches every variant and value in many places.
        let mut written = String::new();
        for round in 0..4 {
            filler.turn.set(round);
            filler.every_element.set(3);
            let value = filler.object(&CARD, &[], 0);
            let json: CardJson = serde_json::from_value(value.clone())
                .unwrap_or_else(|e| panic!("the filled card does not fit the model: {e}"));
            let card = card_of(json);
            assert_same_bytes(&format!("filled card, round {round}"), &card);
            // Nothing was dropped on the way: the typed card is the filled JSON.
            let content: Value = serde_json::from_str(&card.to_content()).unwrap_or_default();
            assert_eq!(content, value, "round {round}");
            written.push_str(&card.to_content());
        }
        for union in UNIONS {
            for (tag, _) in union.variants {
                let open = format!("{{\"{}\":\"{tag}\"", union.key);
                assert!(
                    written.contains(&open),
                    "{} `{tag}` not covered",
                    union.what
                );
            }
        }
    }
}

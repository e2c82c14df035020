//! Card JSON read for validation: parsed by serde_json into a tree that keeps duplicate keys
//! and the order written, so the runtime validator sees what the `card!` checker sees.

use core::fmt;

use lark_card_schema::{Entry, Item, Node, Number, View};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// One JSON value, with object entries kept as written (duplicates included).
#[derive(Debug)]
pub(crate) enum JsonNode {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<JsonNode>),
    Object(Vec<(String, JsonNode)>),
}

impl Node for JsonNode {
    // Runtime errors are located by their JSON path, which the validator keeps.
    type Id = ();

    fn id(&self) {}

    fn view(&self) -> View<'_, ()> {
        match self {
            JsonNode::Null => View::Null,
            JsonNode::Bool(b) => View::Bool(*b),
            JsonNode::Number(number) => View::Number(*number),
            JsonNode::String(s) => View::String(s),
            JsonNode::Array(items) => View::Array(items.iter().map(|i| Item::Value(i)).collect()),
            JsonNode::Object(entries) => View::Object(
                entries
                    .iter()
                    .map(|(key, value)| Entry {
                        key,
                        key_id: (),
                        value,
                    })
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for JsonNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = JsonNode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<JsonNode, E> {
        Ok(JsonNode::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<JsonNode, E> {
        Ok(JsonNode::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<JsonNode, E> {
        Ok(JsonNode::Number(Number::Int(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<JsonNode, E> {
        Ok(JsonNode::Number(
            i64::try_from(v).map_or(Number::Big(v), Number::Int),
        ))
    }

    fn visit_f64<E>(self, _: f64) -> Result<JsonNode, E> {
        Ok(JsonNode::Number(Number::Fraction))
    }

    fn visit_str<E>(self, v: &str) -> Result<JsonNode, E> {
        Ok(JsonNode::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<JsonNode, E> {
        Ok(JsonNode::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(JsonNode::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, JsonNode>()? {
            entries.push(entry);
        }
        Ok(JsonNode::Object(entries))
    }
}

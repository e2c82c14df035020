//! The escape hatch: JSON carried verbatim, unchecked ([`Unchecked`]).

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// JSON properties carried verbatim and unchecked: the extra properties of an object
/// (`"$unchecked": { ... }`), or a whole element or text object the model does not know, for
/// what Lark added before this crate did.
///
/// One mechanism serves every case. In card JSON (in `card!`, `include_card!` and
/// [`Card::from_json`](crate::Card::from_json)) the marker `"$unchecked": { ... }` inside an
/// object holds properties passed through as written; when the object's `tag` is itself
/// inside the marker, the whole object is passed through. In the typed model the properties
/// live in the `unchecked` field every struct has, and a whole object in the `Raw` variant of
/// its union ([`Element::Raw`](crate::model::Element::Raw),
/// [`Text::Raw`](crate::model::Text::Raw)...). The output carries them verbatim, in place of
/// the marker.
///
/// ```
/// use lark_card::{card, Unchecked};
///
/// // A component Lark added after this crate was written, built as raw JSON.
/// let sparkle = Unchecked::new(serde_json::json!({ "tag": "sparkle", "speed": 3 }));
/// let card = card!({
///     "schema": "2.0",
///     "body": { "elements": [ { "tag": "markdown", "content": "hi" }, (sparkle) ] }
/// });
/// assert!(card.to_content().contains(r#"{"speed":3,"tag":"sparkle"}"#));
/// # Ok::<(), lark_card::CardError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Unchecked(pub Map<String, Value>);

impl Unchecked {
    /// Wraps a JSON object. Anything else becomes an object with the value under
    /// `"content"`, so nothing is lost.
    pub fn new(value: Value) -> Self {
        match value {
            Value::Object(map) => Unchecked(map),
            other => {
                let mut map = Map::new();
                map.insert("content".to_string(), other);
                Unchecked(map)
            }
        }
    }

    /// The object's `tag`, if it has one.
    pub fn tag(&self) -> Option<&str> {
        self.0.get("tag").and_then(Value::as_str)
    }

    /// Whether there is nothing to pass through.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The properties (in the order of their keys, as `serde_json::Map` keeps them).
    pub fn iter(&self) -> serde_json::map::Iter<'_> {
        self.0.iter()
    }
}

impl From<Map<String, Value>> for Unchecked {
    fn from(map: Map<String, Value>) -> Self {
        Unchecked(map)
    }
}

/// Reads the properties of an object (as `flatten` hands them over: every key no field
/// took) or a whole object. The marker is unwrapped: the entries of `"$unchecked": { ... }`
/// become properties; any other key is kept as it is (runtime validation has already
/// refused unknown fields when a card is read with `Card::from_json`).
impl<'de> Deserialize<'de> for Unchecked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(UncheckedVisitor)
    }
}

struct UncheckedVisitor;

impl<'de> Visitor<'de> for UncheckedVisitor {
    type Value = Unchecked;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Unchecked, A::Error> {
        let mut map = Map::new();
        while let Some((key, value)) = access.next_entry::<String, Value>()? {
            match value {
                Value::Object(inner) if key == lark_card_schema::def::UNCHECKED => {
                    map.extend(inner);
                }
                value => {
                    map.insert(key, value);
                }
            }
        }
        Ok(Unchecked(map))
    }
}

impl<'a> IntoIterator for &'a Unchecked {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

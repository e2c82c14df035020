//! The escape hatch: an element the typed model does not know yet, carried as raw JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An element the typed model does not know yet, kept exactly as written.
///
/// Lark adds components faster than any library: when you need one the model lacks, build it
/// as JSON and place it like any element. It is serialized as is; neither `card!` nor runtime
/// validation can check it.
///
/// ```
/// use card_core::{card, RawElement};
///
/// let sparkle = RawElement::new(serde_json::json!({ "tag": "sparkle", "speed": 3 }));
/// let card = card!({
///     "schema": "2.0",
///     "body": { "elements": [ { "tag": "markdown", "content": "hi" }, (sparkle) ] }
/// });
/// assert!(card.to_content().unwrap().contains(r#""tag":"sparkle""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawElement(pub Map<String, Value>);

impl RawElement {
    /// Wraps a JSON object. Anything else becomes an empty object with the value under
    /// `"content"`, so nothing is lost.
    pub fn new(value: Value) -> Self {
        match value {
            Value::Object(map) => RawElement(map),
            other => {
                let mut map = Map::new();
                map.insert("content".to_string(), other);
                RawElement(map)
            }
        }
    }

    /// The element's `tag`, if it has one.
    pub fn tag(&self) -> Option<&str> {
        self.0.get("tag").and_then(Value::as_str)
    }
}

impl From<RawElement> for crate::model::Element {
    fn from(raw: RawElement) -> Self {
        crate::model::Element::Raw(raw)
    }
}

//! Template cards: a card built in Lark's card builder, sent by id with variables.

use serde_json::{Map, Value};

use crate::write_json::WriteJson;

/// A card template published in Lark's card builder, with the values of its variables.
///
/// Its content is `{"type":"template","data":{"template_id":..,"template_version_name":..,
/// "template_variable":{..}}}`. Templates are always shared, so they can update a sent card.
///
/// ```
/// use lark_card::TemplateCard;
///
/// let card = TemplateCard::new("AAqk1234")
///     .version("1.0.2")
///     .variable("build", "lark-card #42")
///     .variable("progress", 40);
/// assert_eq!(
///     card.to_content(),
///     r#"{"type":"template","data":{"template_id":"AAqk1234","template_version_name":"1.0.2","template_variable":{"build":"lark-card #42","progress":40}}}"#
/// );
/// # Ok::<(), lark_card::CardError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateCard {
    template_id: String,
    version_name: Option<String>,
    variables: Map<String, Value>,
}

impl TemplateCard {
    /// The template with this id, at its latest published version.
    pub fn new(template_id: impl Into<String>) -> Self {
        TemplateCard {
            template_id: template_id.into(),
            version_name: None,
            variables: Map::new(),
        }
    }

    /// A fixed published version (`"1.0.2"`); without it Lark uses the latest.
    pub fn version(mut self, version_name: impl Into<String>) -> Self {
        self.version_name = Some(version_name.into());
        self
    }

    /// Sets a variable.
    pub fn variable(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.variables.insert(name.into(), value.into());
        self
    }

    /// The `content` string of a send or update request:
    /// `{"type":"template","data":{"template_id":...,"template_variable":{...}}}`.
    pub fn to_content(&self) -> String {
        let mut out = String::with_capacity(96 + self.template_id.len());
        out.push_str(r#"{"type":"template","data":{"template_id":"#);
        self.template_id.write_json(&mut out);
        if let Some(version) = &self.version_name {
            out.push_str(r#","template_version_name":"#);
            version.write_json(&mut out);
        }
        out.push_str(r#","template_variable":"#);
        self.variables.write_json(&mut out);
        out.push_str("}}");
        out
    }
}

#[cfg(test)]
mod tests {
    // Test code: a failed expectation is a panic.
    #![allow(clippy::unwrap_used)]

    use super::TemplateCard;

    #[test]
    fn content_is_the_json_lark_reads() {
        let bare = TemplateCard::new("AAq\"1");
        let full = TemplateCard::new("AAq1")
            .version("1.0.2")
            .variable("title", "a \"b\"\n")
            .variable("rows", serde_json::json!([{ "n": 1 }, null]));
        let expected = [
            serde_json::json!({ "type": "template", "data": {
                "template_id": "AAq\"1", "template_variable": {} } }),
            serde_json::json!({ "type": "template", "data": {
                "template_id": "AAq1", "template_version_name": "1.0.2",
                "template_variable": { "title": "a \"b\"\n", "rows": [{ "n": 1 }, null] } } }),
        ];
        for (card, expected) in [bare, full].iter().zip(expected) {
            let content: serde_json::Value = serde_json::from_str(&card.to_content()).unwrap();
            assert_eq!(content, expected);
        }
    }
}

//! Template cards: a card built in Lark's card builder, sent by id with variables.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::CardError;

/// A card template published in Lark's card builder, with the values of its variables.
///
/// Its content is `{"type":"template","data":{"template_id":..,"template_version_name":..,
/// "template_variable":{..}}}`. Templates are always shared, so they can update a sent card.
///
/// ```
/// use card_core::TemplateCard;
///
/// let card = TemplateCard::new("AAqk1234")
///     .version("1.0.2")
///     .variable("build", "lark-card #42")
///     .variable("progress", 40);
/// assert_eq!(
///     card.to_content()?,
///     r#"{"type":"template","data":{"template_id":"AAqk1234","template_version_name":"1.0.2","template_variable":{"build":"lark-card #42","progress":40}}}"#
/// );
/// # Ok::<(), card_core::CardError>(())
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

    /// The `content` string of a send or update request.
    pub fn to_content(&self) -> Result<String, CardError> {
        #[derive(Serialize)]
        struct Data<'a> {
            template_id: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            template_version_name: Option<&'a str>,
            template_variable: &'a Map<String, Value>,
        }
        #[derive(Serialize)]
        struct Content<'a> {
            r#type: &'static str,
            data: Data<'a>,
        }
        serde_json::to_string(&Content {
            r#type: "template",
            data: Data {
                template_id: &self.template_id,
                template_version_name: self.version_name.as_deref(),
                template_variable: &self.variables,
            },
        })
        .map_err(CardError::Serialize)
    }
}

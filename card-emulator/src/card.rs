//! Card content: checked with lark-card's runtime validation (the same rules as `card!`), and
//! a refusal worded like Lark's 230099.
//!
//! Lark puts the reason in `msg` after `ext=`:
//! `Failed to create card content, ext=ErrCode: 200550; ErrPath: ROOT -> elements -> [2](tag: chart); ErrMsg: chart spec is invalid; ErrorValue: …; `
//! The emulator answers the first problem lark-card finds in that shape, with lark-card's
//! message as `ErrMsg`, its JSON path as `ErrPath`, and the offending value when it is a
//! scalar.

use lark_card::{Card, CardError, NoUpdateMulti, ValidationError, ViolationKind};
use serde_json::Value;

use crate::errors::ApiError;
use lark_card::lark::{CardSubCode, LarkCode};

/// A card that passed validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CheckedCard {
    /// 2.0, or 1.0 with `"update_multi": true`.
    pub(crate) shared: bool,
}

/// What Lark says for a card that does not parse, when it has nothing more specific.
const PARSE_ERROR_MSG: &str = match CardSubCode::ParseError.err_msg() {
    Some(msg) => msg,
    None => "",
};

/// Checks card content (the `content` string of a send or update).
pub(crate) fn check_card(content: &str) -> Result<CheckedCard, ApiError> {
    // Template and card-entity content are not card JSON: the emulator holds neither, so it
    // answers as Lark does for one it cannot find.
    if let Ok(Value::Object(object)) = serde_json::from_str::<Value>(content) {
        match object.get("type").and_then(Value::as_str) {
            Some("template") if object.contains_key("data") => {
                return Err(ext(format!(
                    "ErrCode: {}; ErrMsg: {}; ErrorValue: templateID: {}; ",
                    CardSubCode::TemplateNotFound.code(),
                    CardSubCode::TemplateNotFound.err_msg().unwrap_or_default(),
                    object
                        .get("data")
                        .and_then(|d| d.get("template_id"))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                )));
            }
            Some("card") if object.contains_key("data") => {
                return Err(ext(format!(
                    "ErrCode: {}; ErrMsg: cardid is invalid; ",
                    CardSubCode::LimitOrLocked.code()
                )));
            }
            _ => {}
        }
    }
    match Card::<NoUpdateMulti>::from_json(content) {
        Ok(card) => Ok(CheckedCard {
            shared: card.into_shared().is_ok(),
        }),
        Err(CardError::Json(error)) => Err(ext(format!(
            "ErrCode: {}; ErrMsg: {PARSE_ERROR_MSG}; ErrorValue: {error}; ",
            CardSubCode::ParseError.code()
        ))),
        Err(CardError::Invalid(errors)) => match errors.first() {
            Some(first) => Err(violation(content, first)),
            None => Err(ext(format!(
                "ErrCode: {}; ErrMsg: {PARSE_ERROR_MSG}; ",
                CardSubCode::ParseError.code()
            ))),
        },
        Err(other) => Err(ext(format!(
            "ErrCode: {}; ErrMsg: {other}; ",
            CardSubCode::ParseError.code()
        ))),
    }
}

fn ext(detail: String) -> ApiError {
    ApiError::with_ext(LarkCode::CardContentFailed, detail)
}

/// The sub-code Lark would give a broken rule.
fn sub_code(kind: &ViolationKind) -> i64 {
    match kind {
        ViolationKind::WrongVersion { .. } => CardSubCode::UnsupportedInV2.code(),
        ViolationKind::TooManyElements { .. }
        | ViolationKind::TooDeep { .. }
        | ViolationKind::TooLarge { .. } => CardSubCode::LimitOrLocked.code(),
        _ => CardSubCode::ParseError.code(),
    }
}

fn violation(content: &str, error: &ValidationError) -> ApiError {
    let tree: Value = serde_json::from_str(content).unwrap_or(Value::Null);
    let (path, value) = err_path(&error.path, &tree);
    let mut detail = format!(
        "ErrCode: {}; ErrPath: {path}; ErrMsg: {}; ",
        sub_code(&error.kind),
        error.kind
    );
    if let Some(value) = value {
        detail.push_str(&format!("ErrorValue: {value}; "));
    }
    ext(detail)
}

/// One step of a lark-card JSON path.
#[derive(Debug, PartialEq, Eq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Splits `elements[0].actions[1].type` into steps. Unparsable brackets stay in the key.
fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix('[') {
            if let Some(close) = after.find(']') {
                if let Ok(index) = after[..close].parse() {
                    out.push(Step::Index(index));
                    rest = &after[close + 1..];
                    continue;
                }
            }
        }
        // A key runs to the next `.` or `[` (not counting a `[` at its very start).
        let end = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '.' || *c == '[')
            .map_or(rest.len(), |(i, _)| i);
        out.push(Step::Key(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// The path as Lark writes it (`ROOT -> elements -> [0](tag: action) -> actions`), and the
/// value found there when it is a scalar.
fn err_path(path: &str, tree: &Value) -> (String, Option<String>) {
    let mut text = String::from("ROOT");
    let mut node = Some(tree);
    for step in steps(path) {
        text.push_str(" -> ");
        match step {
            Step::Key(key) => {
                text.push_str(key);
                node = node.and_then(|n| n.get(key));
            }
            Step::Index(index) => {
                node = node.and_then(|n| n.get(index));
                text.push_str(&format!("[{index}]"));
                if let Some(tag) = node.and_then(|n| n.get("tag")).and_then(Value::as_str) {
                    text.push_str(&format!("(tag: {tag})"));
                }
            }
        }
    }
    let value = match node {
        Some(Value::String(s)) => Some(s.clone()),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => Some(v.to_string()),
        _ => None,
    };
    (text, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_keys_and_indices() {
        assert_eq!(
            steps("elements[0].actions[12].type"),
            vec![
                Step::Key("elements"),
                Step::Index(0),
                Step::Key("actions"),
                Step::Index(12),
                Step::Key("type")
            ]
        );
        assert_eq!(steps(""), vec![]);
        assert_eq!(steps("a[x]"), vec![Step::Key("a"), Step::Key("[x]")]);
    }

    #[test]
    fn err_path_names_tags_and_the_value() {
        let tree = serde_json::json!({
            "elements": [ { "tag": "action", "actions": [ { "tag": "button", "type": "primry" } ] } ]
        });
        let (path, value) = err_path("elements[0].actions[0].type", &tree);
        assert_eq!(
            path,
            "ROOT -> elements -> [0](tag: action) -> actions -> [0](tag: button) -> type"
        );
        assert_eq!(value.as_deref(), Some("primry"));
        assert_eq!(err_path("", &tree), ("ROOT".to_owned(), None));
    }

    #[test]
    fn a_bad_button_type_is_230099_with_its_path() {
        let content = r#"{"config":{"update_multi":true},"elements":[{"tag":"action","actions":[{"tag":"button","text":{"tag":"plain_text","content":"Go"},"type":"primry"}]}]}"#;
        let error = check_card(content).err();
        let msg = error.as_ref().map(|e| e.msg.as_str()).unwrap_or("");
        assert_eq!(
            error.as_ref().map(|e| e.code),
            Some(LarkCode::CardContentFailed.code())
        );
        let start = format!(
            "Failed to create card content, ext=ErrCode: {}; ErrPath: ROOT -> elements -> [0](tag: action) -> actions -> [0](tag: button) -> type; ErrMsg: ",
            CardSubCode::ParseError.code()
        );
        assert!(msg.starts_with(&start), "{msg}");
        assert!(msg.ends_with("ErrorValue: primry; "), "{msg}");
    }

    #[test]
    fn shared_and_not_shared_cards_pass() {
        let shared = r#"{"config":{"update_multi":true},"elements":[{"tag":"hr"}]}"#;
        let not_shared = r#"{"elements":[{"tag":"hr"}]}"#;
        assert_eq!(check_card(shared), Ok(CheckedCard { shared: true }));
        assert_eq!(check_card(not_shared), Ok(CheckedCard { shared: false }));
    }

    #[test]
    fn non_json_is_a_parse_error() {
        let msg = check_card("{not json")
            .err()
            .map(|e| e.msg)
            .unwrap_or_default();
        let expected = format!(
            "ErrCode: {}; ErrMsg: parse card json err",
            CardSubCode::ParseError.code()
        );
        assert!(msg.contains(&expected), "{msg}");
    }
}

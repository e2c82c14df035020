//! Checking an app's answer to a callback, as Lark does: the toast, and the card (raw, valid,
//! no 2.0 card turned into a 1.0 one); what is wrong is named with Lark's code.

use lark_card::lark::LarkCode;
use lark_card::{Card, NoUpdateMulti};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// What the app's answer says to do.
pub(crate) struct Applied {
    /// `None` for success.
    pub(crate) code: Option<LarkCode>,
    /// Why, for a code.
    pub(crate) error: Option<String>,
    pub(crate) toast: Option<Value>,
    /// A shared card to replace the card for everyone, as the app wrote it.
    pub(crate) shared_card: Option<String>,
    /// A card that is not shared: what the operator alone sees.
    pub(crate) private_card: Option<String>,
}

impl Applied {
    pub(crate) fn refused(code: LarkCode, error: impl Into<String>) -> Applied {
        Applied {
            code: Some(code),
            error: Some(error.into()),
            toast: None,
            shared_card: None,
            private_card: None,
        }
    }
}

/// Whether card content is card JSON 2.0.
pub(crate) fn is_v2(content: &str) -> bool {
    serde_json::from_str::<Value>(content)
        .ok()
        .and_then(|v| v.get("schema").and_then(Value::as_str).map(|s| s == "2.0"))
        .unwrap_or(false)
}

/// The text of the answer's `card.data`, exactly as the app sent it.
fn raw_card_data(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct AnswerText<'a> {
        #[serde(borrow)]
        card: Option<CardText<'a>>,
    }
    #[derive(Deserialize)]
    struct CardText<'a> {
        #[serde(borrow)]
        data: Option<&'a RawValue>,
    }
    let answer: AnswerText<'_> = serde_json::from_slice(body).ok()?;
    Some(answer.card?.data?.get().to_owned())
}

/// Checks an answer body; what it would do to a card that was 2.0 (`original_v2`) or not.
pub(crate) fn check(original_v2: bool, body: &[u8]) -> Applied {
    let Ok(Value::Object(answer)) = serde_json::from_slice::<Value>(body) else {
        return Applied::refused(LarkCode::CallbackBadBody, "the answer is not a JSON object");
    };
    let toast = match answer.get("toast") {
        None | Some(Value::Null) => None,
        Some(Value::Object(toast)) => {
            let kind_ok = match toast.get("type") {
                None => true,
                Some(kind) => kind
                    .as_str()
                    .is_some_and(|k| ["info", "success", "error", "warning"].contains(&k)),
            };
            let text_ok = toast.get("content").is_none_or(Value::is_string)
                && toast.get("i18n").is_none_or(Value::is_object);
            if !(kind_ok && text_ok) {
                return Applied::refused(
                    LarkCode::CallbackBadBody,
                    "the toast's type must be info, success, error or warning, its content a string",
                );
            }
            Some(Value::Object(toast.clone()))
        }
        Some(_) => return Applied::refused(LarkCode::CallbackBadBody, "`toast` is not an object"),
    };
    let mut applied = Applied {
        code: None,
        error: None,
        toast,
        shared_card: None,
        private_card: None,
    };
    let card = match answer.get("card") {
        None | Some(Value::Null) => return applied,
        Some(Value::Object(card)) => card,
        Some(_) => return Applied::refused(LarkCode::CallbackBadBody, "`card` is not an object"),
    };
    let data = card.get("data");
    match (card.get("type").and_then(Value::as_str), data) {
        (Some("raw"), Some(data @ Value::Object(_))) => {
            // The card as the app wrote it, key order and spacing included; the parsed map
            // (keys sorted) only if the text cannot be cut out (a repeated key, say).
            let content = raw_card_data(body).unwrap_or_else(|| data.to_string());
            let checked = match Card::<NoUpdateMulti>::from_json(&content) {
                Ok(card) => card,
                Err(error) => {
                    return Applied {
                        code: Some(LarkCode::CallbackBadCard),
                        error: Some(format!("the answer's card is invalid: {error}")),
                        ..applied
                    }
                }
            };
            if original_v2 && !is_v2(&content) {
                return Applied {
                    code: Some(LarkCode::CallbackV2ToV1),
                    error: Some("a card JSON 2.0 card cannot become a 1.0 card".into()),
                    ..applied
                };
            }
            if checked.into_shared().is_ok() {
                applied.shared_card = Some(content);
            } else {
                applied.private_card = Some(content);
            }
            applied
        }
        (Some("template"), Some(Value::Object(_))) => Applied {
            code: Some(LarkCode::CallbackBadCard),
            error: Some("template cards are not emulated: the emulator holds no templates".into()),
            ..applied
        },
        _ => Applied {
            code: Some(LarkCode::CallbackBadBody),
            error: Some("`card` must be {\"type\": \"raw\" | \"template\", \"data\": {…}}".into()),
            ..applied
        },
    }
}

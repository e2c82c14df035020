//! Finding the element a simulated interaction names, in the card as it is now, and the
//! `action` object of its callback (`value`, `tag`, `name`, and what the element calls for:
//! `form_value`, `input_value`, `option`, `options`, `checked`, `timezone`).

use serde_json::{json, Map, Value};

use crate::callbacks::Click;

/// The element found, and the form around it.
pub(crate) struct Found<'a> {
    pub(crate) element: &'a Map<String, Value>,
    /// Whether the element sits in a form (its submit collects the form's fields).
    pub(crate) form: bool,
}

const INTERACTIVE_TAGS: &[&str] = &[
    "button",
    "select_static",
    "multi_select_static",
    "select_person",
    "multi_select_person",
    "input",
    "checker",
    "overflow",
    "date_picker",
    "picker_time",
    "picker_datetime",
    "select_img",
    "interactive_container",
];

/// The callback value of an element: of its `callback` behavior, or its `value`.
fn callback_value(element: &Map<String, Value>) -> Value {
    if let Some(behaviors) = element.get("behaviors").and_then(Value::as_array) {
        for behavior in behaviors {
            if behavior.get("type").and_then(Value::as_str) == Some("callback") {
                return behavior.get("value").cloned().unwrap_or(Value::Null);
            }
        }
    }
    element.get("value").cloned().unwrap_or(Value::Null)
}

fn is_submit(element: &Map<String, Value>) -> bool {
    let by_field = element.get("form_action_type").and_then(Value::as_str) == Some("submit")
        || element.get("action_type").and_then(Value::as_str) == Some("form_submit");
    let by_behavior = element
        .get("behaviors")
        .and_then(Value::as_array)
        .is_some_and(|behaviors| {
            behaviors.iter().any(|b| {
                b.get("type").and_then(Value::as_str) == Some("form_action")
                    && b.get("behavior").and_then(Value::as_str) != Some("reset")
            })
        });
    by_field || by_behavior
}

pub(crate) fn find<'a>(
    node: &'a Value,
    click: &Click,
    in_form: bool,
    depth: usize,
) -> Option<Found<'a>> {
    if depth > 64 {
        return None;
    }
    match node {
        Value::Object(object) => {
            let tag = object.get("tag").and_then(Value::as_str).unwrap_or("");
            let matches = match (&click.element_id, &click.value, &click.name) {
                (Some(id), _, _) => object.get("element_id").and_then(Value::as_str) == Some(id),
                (None, Some(value), _) => {
                    INTERACTIVE_TAGS.contains(&tag) && callback_value(object) == *value
                }
                (None, None, Some(name)) => {
                    object.get("name").and_then(Value::as_str) == Some(name)
                }
                (None, None, None) => false,
            };
            if matches && INTERACTIVE_TAGS.contains(&tag) {
                return Some(Found {
                    element: object,
                    form: in_form,
                });
            }
            let in_form = in_form || tag == "form";
            object
                .values()
                .find_map(|child| find(child, click, in_form, depth + 1))
        }
        Value::Array(items) => items
            .iter()
            .find_map(|child| find(child, click, in_form, depth + 1)),
        _ => None,
    }
}

/// The `action` of the callback.
pub(crate) fn action_json(found: &Found<'_>, click: &Click) -> Value {
    let element = found.element;
    let tag = element.get("tag").and_then(Value::as_str).unwrap_or("");
    let mut action = Map::new();
    let value = callback_value(element);
    if !value.is_null() {
        action.insert("value".into(), value);
    }
    action.insert("tag".into(), Value::from(tag));
    if let Some(name) = element.get("name").and_then(Value::as_str) {
        action.insert("name".into(), Value::from(name));
    }
    if found.form && tag == "button" && is_submit(element) {
        let form = click.form_value.clone().unwrap_or_default();
        action.insert("form_value".into(), Value::Object(form));
        return Value::Object(action);
    }
    match tag {
        "input" => {
            let text = click.input_value.clone().unwrap_or_default();
            action.insert("input_value".into(), Value::from(text));
        }
        "checker" => {
            let was = element
                .get("checked")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            action.insert("checked".into(), Value::from(click.checked.unwrap_or(!was)));
        }
        "multi_select_static" | "multi_select_person" => {
            let options = click.options.clone().unwrap_or_default();
            action.insert("options".into(), json!(options));
        }
        "select_static" | "select_person" | "overflow" | "select_img" => {
            action.insert(
                "option".into(),
                json!(click.option.clone().unwrap_or_default()),
            );
        }
        "date_picker" | "picker_time" | "picker_datetime" => {
            action.insert(
                "option".into(),
                json!(click.option.clone().unwrap_or_default()),
            );
            let zone = click
                .timezone
                .clone()
                .unwrap_or_else(|| "Asia/Shanghai".to_owned());
            action.insert("timezone".into(), Value::from(zone));
        }
        _ => {}
    }
    Value::Object(action)
}

/// Why no element matched, in words for the person who clicked.
pub(crate) fn not_found(click: &Click) -> String {
    match (&click.element_id, &click.value, &click.name) {
        (Some(id), _, _) => format!("the card has no interactive element with element_id `{id}`"),
        (None, Some(value), _) => format!("the card has no interactive element with value {value}"),
        (None, None, Some(name)) => format!("the card has no interactive element named `{name}`"),
        (None, None, None) => "give `element_id`, `value` or `name`".to_owned(),
    }
}

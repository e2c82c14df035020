//! CardKit's endpoints (`/open-apis/cardkit/v1`): card entities created from card JSON 2.0,
//! changed by operations with a `sequence` and an optional `uuid`; and the emulator's own
//! `GET /__emulator/cards` and `GET /__emulator/cards/{card_id}`.
//!
//! Each handler checks as the other endpoints do: the token, the app's limit on this endpoint
//! (50/s and 1000/min), its bot ability; then the path (`card_id` of 1 to 20 characters,
//! `element_id` a letter then letters, digits or `_`, at most 20: 10002), the body (a JSON
//! object with the documented fields and lengths: 10002; over the emulator's body buffer:
//! 200860, the card could not be under 30 KB anyway); then the entity and the operation (see
//! `state/cardkit.rs`). Every error is HTTP 400 with the code in the body, as Lark's pages
//! give them; every success is `{"code":0,"msg":"success","data":{}}` (create and id_convert:
//! `data.card_id`).

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRef, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::auth::authenticate;
use super::extract::{Param, Problem, Received, Refused};
use super::success;
use crate::body::ReadBody;
use crate::card_entity::{Change, Placement};
use crate::errors::{ApiError, EmulatorError};
use crate::inspect::Endpoint;
use crate::state::{CardOperation, Shared};
use lark_card::cardkit::{CardId, ElementId, OperationUuid, Sequence};
use lark_card::lark::limits::{
    MAX_CONVERT_MESSAGE_ID_CHARS, MAX_CREATE_DATA_CHARS, MAX_SETTINGS_CHARS,
    MAX_STREAM_CONTENT_CHARS, MAX_UPDATE_DATA_CHARS,
};
use lark_card::lark::LarkCode;

const CARDS: &str = "/open-apis/cardkit/v1/cards";

/// The ten CardKit endpoints.
pub(crate) fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Shared>: FromRef<S>,
{
    Router::new()
        .route(CARDS, post(create))
        .route(&format!("{CARDS}/id_convert"), post(id_convert))
        .route(&format!("{CARDS}/{{card_id}}"), put(full_update))
        .route(
            &format!("{CARDS}/{{card_id}}/settings"),
            axum::routing::patch(settings),
        )
        .route(
            &format!("{CARDS}/{{card_id}}/batch_update"),
            post(batch_update),
        )
        .route(&format!("{CARDS}/{{card_id}}/elements"), post(add_elements))
        .route(
            &format!("{CARDS}/{{card_id}}/elements/{{element_id}}"),
            put(replace_element)
                .patch(patch_element)
                .delete(delete_element),
        )
        .route(
            &format!("{CARDS}/{{card_id}}/elements/{{element_id}}/content"),
            put(stream_content),
        )
}

/// `GET /__emulator/cards` and `GET /__emulator/cards/{card_id}`.
pub(crate) fn control_router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Shared>: FromRef<S>,
{
    Router::new()
        .route("/cards", get(list_entities))
        .route("/cards/{card_id}", get(entity))
}

async fn list_entities(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.lock().card_entities()).into_response()
}

async fn entity(
    State(shared): State<Arc<Shared>>,
    Param(card_id): Param,
) -> Result<Response, Problem> {
    let view = shared.lock().card_entity(&card_id);
    view.map(|view| Json(view).into_response())
        .ok_or_else(|| Problem::from(EmulatorError::UnknownCardEntity(card_id)))
}

fn bad_param(detail: impl std::fmt::Display) -> ApiError {
    ApiError::with_msg(
        LarkCode::BadParam,
        format!("invalid request parameter: {detail}"),
    )
}

/// The body as `T`: 10002 for a body that is no JSON object of `T`'s fields, 200860 for one
/// larger than the emulator reads (its card could not be under 30 KB).
fn body_of<T: DeserializeOwned>(body: &ReadBody) -> Result<T, ApiError> {
    if body.len > body.bytes.len() {
        return Err(ApiError::new(LarkCode::CardEntityTooLarge));
    }
    if !body.complete {
        return Err(bad_param("the request body broke off"));
    }
    match serde_json::from_slice::<Value>(&body.bytes) {
        Ok(value @ Value::Object(_)) => serde_json::from_value(value).map_err(bad_param),
        Ok(_) => Err(bad_param("the body must be a JSON object")),
        Err(error) => Err(bad_param(format!("the body is not JSON: {error}"))),
    }
}

/// A JSON string field's length, in characters, within `1..=max`.
fn check_chars(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    let chars = value.chars().count();
    if chars == 0 || chars > max {
        return Err(bad_param(format!(
            "{field} has {chars} characters; 1 to {max} are taken"
        )));
    }
    Ok(())
}

/// A field Lark takes as a JSON string holding JSON.
fn parse_json(field: &str, value: &str, code: LarkCode) -> Result<Value, ApiError> {
    serde_json::from_str(value).map_err(|error| {
        let detail = format!("{field} is not JSON: {error}");
        if code == LarkCode::BadParam {
            bad_param(detail)
        } else {
            ApiError::with_ext(code, detail)
        }
    })
}

fn object(field: &str, value: Value) -> Result<Map<String, Value>, ApiError> {
    match value {
        Value::Object(object) => Ok(object),
        _ => Err(bad_param(format!("{field} must be a JSON object"))),
    }
}

fn card_id_of(path: &str) -> Result<(), ApiError> {
    CardId::new(path).map(|_| ()).map_err(bad_param)
}

fn element_id_of(path: &str) -> Result<(), ApiError> {
    ElementId::new(path).map(|_| ()).map_err(bad_param)
}

/// What every operation starts with: the token and the app's limit on this endpoint.
fn gate(
    shared: &Shared,
    headers: &HeaderMap,
    endpoint: Endpoint,
) -> Result<(String, u64), ApiError> {
    let now = shared.clock.now_ms();
    let app_id = authenticate(shared, headers, now)?;
    shared.lock().gate(&app_id, endpoint, now, &shared.faults)?;
    Ok((app_id, now))
}

fn done() -> Response {
    success("success", json!({}))
}

// ----- create and id_convert -----

#[derive(Deserialize)]
struct CreateBody {
    r#type: String,
    data: String,
}

/// `POST /open-apis/cardkit/v1/cards`.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    let card_id = (|| {
        let (app_id, now) = gate(&shared, &headers, Endpoint::CreateCardEntity)?;
        let body: CreateBody = body_of(&received.body)?;
        check_chars("data", &body.data, MAX_CREATE_DATA_CHARS)?;
        if body.r#type != "card_json" {
            return Err(bad_param(format!(
                "type `{}`: the emulator creates card entities of card JSON (`card_json`) only",
                body.r#type
            )));
        }
        let card = parse_json("data", &body.data, LarkCode::CardKitContentFailed)?;
        shared.lock().create_card_entity(&app_id, card, now)
    })()
    .map_err(|error| received.refuse(error))?;
    Ok(success("success", json!({ "card_id": card_id })))
}

#[derive(Deserialize)]
struct ConvertBody {
    message_id: String,
}

/// `POST /open-apis/cardkit/v1/cards/id_convert`.
pub(crate) async fn id_convert(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    let card_id = (|| {
        let (app_id, now) = gate(&shared, &headers, Endpoint::CardIdConvert)?;
        let body: ConvertBody = body_of(&received.body)?;
        check_chars("message_id", &body.message_id, MAX_CONVERT_MESSAGE_ID_CHARS)?;
        shared
            .lock()
            .card_id_of_message(&app_id, &body.message_id, now)
    })()
    .map_err(|error| received.refuse(error))?;
    Ok(success("success", json!({ "card_id": card_id })))
}

// ----- the operations -----

/// An operation's common fields.
#[derive(Deserialize)]
struct Ordered {
    uuid: Option<OperationUuid>,
    sequence: Sequence,
}

/// Runs an operation: gate, path, body, then the state.
fn operate(
    shared: &Shared,
    headers: &HeaderMap,
    endpoint: Endpoint,
    card_id: &str,
    element_id: Option<&str>,
    body: &ReadBody,
    change: impl FnOnce(&ReadBody) -> Result<Change, ApiError>,
) -> Result<(), ApiError> {
    let (app_id, now) = gate(shared, headers, endpoint)?;
    card_id_of(card_id)?;
    if let Some(element_id) = element_id {
        element_id_of(element_id)?;
    }
    let ordered: Ordered = body_of(body)?;
    let change = change(body)?;
    let operation = CardOperation {
        sequence: ordered.sequence.get(),
        uuid: ordered.uuid.map(|uuid| uuid.as_str().to_owned()),
        fingerprint: format!(
            "{endpoint:?} {card_id} {} {}",
            element_id.unwrap_or_default(),
            String::from_utf8_lossy(&body.bytes)
        ),
        change,
    };
    shared
        .lock()
        .operate_card_entity(&app_id, card_id, operation, now, &shared.faults)
}

type Ids = Result<Path<(String, String)>, PathRejection>;

fn ids(path: Ids) -> (String, String) {
    path.map(|Path(ids)| ids).unwrap_or_default()
}

#[derive(Deserialize)]
struct FullUpdateBody {
    card: CardData,
}

#[derive(Deserialize)]
struct CardData {
    r#type: String,
    data: String,
}

/// `PUT /open-apis/cardkit/v1/cards/:card_id`.
pub(crate) async fn full_update(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refused> {
    let card_id = path.map(|Path(id)| id).unwrap_or_default();
    operate(
        &shared,
        &headers,
        Endpoint::UpdateCardEntity,
        &card_id,
        None,
        &received.body,
        |body| {
            let body: FullUpdateBody = body_of(body)?;
            check_chars("card.data", &body.card.data, MAX_UPDATE_DATA_CHARS)?;
            if body.card.r#type != "card_json" {
                return Err(bad_param("card.type must be `card_json`"));
            }
            let card = parse_json("card.data", &body.card.data, LarkCode::CardKitContentFailed)?;
            Ok(Change::FullUpdate(card))
        },
    )
    .map_err(|error| received.refuse(error))?;
    Ok(done())
}

#[derive(Deserialize)]
struct SettingsBody {
    settings: String,
}

/// Settings as the settings operation (a string) and a batch's `partial_update_setting` (an
/// object) give them: `{"config":{…},"card_link":{…}}`. Clients that send the keys of
/// `config` without the wrapper (`{"streaming_mode":false}`) are seen to work against Lark, so
/// an object with neither key is taken as `config` itself.
fn settings_change(settings: Map<String, Value>) -> Result<Change, ApiError> {
    if !settings.contains_key("config") && !settings.contains_key("card_link") {
        return Ok(Change::Settings {
            config: settings,
            card_link: None,
        });
    }
    let mut config = Map::new();
    let mut card_link = None;
    for (key, value) in settings {
        match key.as_str() {
            "config" => config = object("settings.config", value)?,
            "card_link" => card_link = Some(value),
            other => return Err(bad_param(format!("settings: unknown key `{other}`"))),
        }
    }
    Ok(Change::Settings { config, card_link })
}

/// `PATCH /open-apis/cardkit/v1/cards/:card_id/settings`.
pub(crate) async fn settings(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refused> {
    let card_id = path.map(|Path(id)| id).unwrap_or_default();
    operate(
        &shared,
        &headers,
        Endpoint::CardSettings,
        &card_id,
        None,
        &received.body,
        |body| {
            let body: SettingsBody = body_of(body)?;
            check_chars("settings", &body.settings, MAX_SETTINGS_CHARS)?;
            let settings = parse_json("settings", &body.settings, LarkCode::BadParam)?;
            settings_change(object("settings", settings)?)
        },
    )
    .map_err(|error| received.refuse(error))?;
    Ok(done())
}

#[derive(Deserialize)]
struct BatchBody {
    actions: String,
}

fn placement(kind: &str, target: Option<String>) -> Result<Placement, ApiError> {
    match (kind, target) {
        ("insert_before", Some(target)) => Ok(Placement::InsertBefore(target)),
        ("insert_after", Some(target)) => Ok(Placement::InsertAfter(target)),
        ("insert_before" | "insert_after", None) => Err(bad_param(format!(
            "type `{kind}` needs a target_element_id"
        ))),
        ("append", target) => Ok(Placement::Append(target)),
        (other, _) => Err(bad_param(format!(
            "type `{other}`: one of insert_before, insert_after, append"
        ))),
    }
}

fn string_param(params: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    params
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| bad_param(format!("params.{key} must be a string")))
}

/// One action of a batch update.
fn batch_action(action: Value) -> Result<Change, ApiError> {
    let mut action = object("action", action)?;
    let name = action
        .get("action")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| bad_param("an action without `action`"))?;
    let params = object("params", action.remove("params").unwrap_or(Value::Null))?;
    match name.as_str() {
        "partial_update_setting" => {
            let settings = params.get("settings").cloned().unwrap_or(Value::Null);
            settings_change(object("params.settings", settings)?)
        }
        "add_elements" => {
            let kind = string_param(&params, "type")?;
            let target = params
                .get("target_element_id")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let elements = match params.get("elements") {
                Some(Value::Array(elements)) => elements.clone(),
                _ => return Err(bad_param("params.elements must be an array")),
            };
            Ok(Change::AddElements {
                placement: placement(&kind, target)?,
                elements,
            })
        }
        "delete_elements" => match params.get("element_ids") {
            Some(Value::Array(ids)) => ids
                .iter()
                .map(|id| {
                    id.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| bad_param("params.element_ids must be strings"))
                })
                .collect::<Result<_, _>>()
                .map(Change::DeleteElements),
            _ => Err(bad_param("params.element_ids must be an array")),
        },
        "partial_update_element" => Ok(Change::PatchElement {
            element_id: string_param(&params, "element_id")?,
            partial: object(
                "params.partial_element",
                params
                    .get("partial_element")
                    .cloned()
                    .unwrap_or(Value::Null),
            )?,
        }),
        "update_element" => Ok(Change::ReplaceElement {
            element_id: string_param(&params, "element_id")?,
            element: params.get("element").cloned().unwrap_or(Value::Null),
        }),
        other => Err(bad_param(format!("unknown action `{other}`"))),
    }
}

/// `POST /open-apis/cardkit/v1/cards/:card_id/batch_update`.
pub(crate) async fn batch_update(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refused> {
    let card_id = path.map(|Path(id)| id).unwrap_or_default();
    operate(
        &shared,
        &headers,
        Endpoint::BatchUpdateCard,
        &card_id,
        None,
        &received.body,
        |body| {
            let body: BatchBody = body_of(body)?;
            check_chars("actions", &body.actions, MAX_UPDATE_DATA_CHARS)?;
            match parse_json("actions", &body.actions, LarkCode::BadParam)? {
                Value::Array(actions) => actions
                    .into_iter()
                    .map(batch_action)
                    .collect::<Result<_, _>>()
                    .map(Change::Batch),
                _ => Err(bad_param("actions must be a JSON array")),
            }
        },
    )
    .map_err(|error| received.refuse(error))?;
    Ok(done())
}

#[derive(Deserialize)]
struct AddBody {
    r#type: String,
    target_element_id: Option<String>,
    elements: String,
}

/// `POST /open-apis/cardkit/v1/cards/:card_id/elements`.
pub(crate) async fn add_elements(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, Refused> {
    let card_id = path.map(|Path(id)| id).unwrap_or_default();
    operate(
        &shared,
        &headers,
        Endpoint::AddElements,
        &card_id,
        None,
        &received.body,
        |body| {
            let body: AddBody = body_of(body)?;
            check_chars("elements", &body.elements, MAX_UPDATE_DATA_CHARS)?;
            let target = body.target_element_id.filter(|t| !t.is_empty());
            if let Some(target) = &target {
                element_id_of(target)?;
            }
            let elements = match parse_json("elements", &body.elements, LarkCode::BadParam)? {
                Value::Array(elements) => elements,
                _ => return Err(bad_param("elements must be a JSON array")),
            };
            Ok(Change::AddElements {
                placement: placement(&body.r#type, target)?,
                elements,
            })
        },
    )
    .map_err(|error| received.refuse(error))?;
    Ok(done())
}

#[derive(Deserialize)]
struct ReplaceBody {
    element: String,
}

/// `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.
pub(crate) async fn replace_element(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Ids,
) -> Result<Response, Refused> {
    let (card_id, element_id) = ids(path);
    operate(
        &shared,
        &headers,
        Endpoint::ReplaceElement,
        &card_id,
        Some(&element_id),
        &received.body,
        |body| {
            let body: ReplaceBody = body_of(body)?;
            check_chars("element", &body.element, MAX_UPDATE_DATA_CHARS)?;
            Ok(Change::ReplaceElement {
                element_id: element_id.clone(),
                element: parse_json("element", &body.element, LarkCode::BadParam)?,
            })
        },
    )
    .map_err(|error| received.refuse(error))?;
    Ok(done())
}

#[derive(Deserialize)]
struct PatchBody {
    partial_element: String,
}

/// `PATCH /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`.
pub(crate) async fn patch_element(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Ids,
) -> Result<Response, Refused> {
    let (card_id, element_id) = ids(path);
    operate(
        &shared,
        &headers,
        Endpoint::PatchElement,
        &card_id,
        Some(&element_id),
        &received.body,
        |body| {
            let body: PatchBody = body_of(body)?;
            check_chars(
                "partial_element",
                &body.partial_element,
                MAX_UPDATE_DATA_CHARS,
            )?;
            let partial = parse_json("partial_element", &body.partial_element, LarkCode::BadParam)?;
            Ok(Change::PatchElement {
                element_id: element_id.clone(),
                partial: object("partial_element", partial)?,
            })
        },
    )
    .map_err(|error| received.refuse(error))?;
    Ok(done())
}

#[derive(Deserialize)]
struct ContentBody {
    content: String,
}

/// `PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content`.
pub(crate) async fn stream_content(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Ids,
) -> Result<Response, Refused> {
    let (card_id, element_id) = ids(path);
    operate(
        &shared,
        &headers,
        Endpoint::StreamContent,
        &card_id,
        Some(&element_id),
        &received.body,
        |body| {
            let body: ContentBody = body_of(body)?;
            check_chars("content", &body.content, MAX_STREAM_CONTENT_CHARS)?;
            Ok(Change::StreamContent {
                element_id: element_id.clone(),
                content: body.content,
            })
        },
    )
    .map_err(|error| received.refuse(error))?;
    Ok(done())
}

/// `DELETE /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`, with a JSON body
/// (`{"uuid"?, "sequence"}`).
pub(crate) async fn delete_element(
    State(shared): State<Arc<Shared>>,
    received: Received,
    headers: HeaderMap,
    path: Ids,
) -> Result<Response, Refused> {
    let (card_id, element_id) = ids(path);
    operate(
        &shared,
        &headers,
        Endpoint::DeleteElement,
        &card_id,
        Some(&element_id),
        &received.body,
        |_| Ok(Change::DeleteElements(vec![element_id.clone()])),
    )
    .map_err(|error| received.refuse(error))?;
    Ok(done())
}

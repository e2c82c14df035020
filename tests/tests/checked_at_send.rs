//! What `card!` cannot check when the program compiles (an interpolated `element_id`, an
//! integer, a typed element built by code) is checked before a card is sent: `send_card`,
//! `update_card` and `UpdateBody::new` refuse a wrong card with the JSON path of the problem,
//! before any request reaches the server (the emulator, over real HTTP on loopback). A card
//! `card!` checked whole is not checked again.

use lark_card::client::{Client, ClientError, Recipient};
use lark_card::model::{Element, Hr};
use lark_card::{card, Card, CardError, MessageId, Shared, UpdateBody, ViolationKind};
use lark_card_emulator::Emulator;

const APP: &str = "cli_checked_at_send";
const SECRET: &str = "checked-at-send-secret";

async fn emulator() -> Emulator {
    match Emulator::builder().app(APP, SECRET).start().await {
        Ok(emulator) => emulator,
        Err(e) => panic!("the emulator did not start: {e}"),
    }
}

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .app(APP, SECRET)
        .base_url(emulator.base_url())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A card whose `element_id` is computed.
fn with_id(id: &str) -> Card<Shared> {
    card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": "status" },
        { "tag": "markdown", "content": "details", "element_id": (id) }
    ] } })
}

/// A card whose `lines` (1 or more) is computed.
fn with_lines(lines: i64) -> Card<Shared> {
    card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "div", "text": { "tag": "plain_text", "content": "log", "lines": (lines) } }
    ] } })
}

/// The one validation error of a refused card: its path and rule.
fn refusal(result: Result<impl std::fmt::Debug, CardError>) -> (String, ViolationKind) {
    match result {
        Err(CardError::Invalid(errors)) => {
            let all: Vec<_> = errors.iter().collect();
            assert_eq!(all.len(), 1, "{errors}");
            (all[0].path.clone(), all[0].kind.clone())
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn client_refusal<T: std::fmt::Debug>(result: Result<T, ClientError>) -> (String, ViolationKind) {
    match result {
        Err(ClientError::Card(error)) => refusal(Err::<(), _>(error)),
        other => panic!("expected the card to be refused, got {other:?}"),
    }
}

#[test]
fn a_fully_static_card_is_not_checked_again_and_a_dynamic_one_is() {
    let fixed = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": "fixed", "element_id": "fixed" }
    ] } });
    assert!(!fixed.checks_at_send());
    // Text is any `Display` value: the compiler's type check is the whole rule.
    let name = "Ann";
    let text_only = card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (name) }
    ] } });
    assert!(!text_only.checks_at_send());
    assert!(with_id("ok").checks_at_send());
    assert!(with_lines(3).checks_at_send());
    // Spread elements and loops of elements (the element count) are checked at send too.
    let more = vec![Element::Hr(Hr::default())];
    let spread = card!({ "schema": "2.0", "body": { "elements": [ ..more ] } });
    assert!(spread.checks_at_send());
    let looped = card!({ "schema": "2.0", "body": { "elements": [
        for n in 0..3 { { "tag": "markdown", "content": (n) } }
    ] } });
    assert!(looped.checks_at_send());
    // A card changed by hand is checked again.
    let mut changed = fixed.clone();
    let _ = changed.json_mut();
    assert!(changed.checks_at_send());
}

#[test]
fn update_body_refuses_a_bad_interpolated_element_id_with_its_path() {
    assert!(UpdateBody::new(&with_id("details_1")).is_ok());
    let (path, kind) = refusal(UpdateBody::new(&with_id("1 details")));
    assert_eq!(path, "body.elements[1].element_id");
    assert!(
        matches!(&kind, ViolationKind::BadSyntax { value, .. } if value == "1 details"),
        "{kind:?}"
    );
}

#[test]
fn update_body_refuses_an_out_of_range_integer_with_its_path() {
    assert!(UpdateBody::new(&with_lines(2)).is_ok());
    let (path, kind) = refusal(UpdateBody::new(&with_lines(0)));
    assert_eq!(path, "body.elements[0].text.lines");
    assert!(
        matches!(&kind, ViolationKind::OutOfRange { value, .. } if value == "0"),
        "{kind:?}"
    );
}

/// A card whose header colour is computed, as a string.
fn with_template(template: &str) -> Card<Shared> {
    card!({ "schema": "2.0",
        "header": { "title": { "tag": "plain_text", "content": "Deploy" }, "template": (template) },
        "body": { "elements": [ { "tag": "hr" } ] } })
}

#[test]
fn update_body_refuses_an_unknown_interpolated_enumeration_value_with_its_path() {
    assert!(with_template("green").checks_at_send());
    assert!(UpdateBody::new(&with_template("green")).is_ok());
    let (path, kind) = refusal(UpdateBody::new(&with_template("gren")));
    assert_eq!(path, "header.template");
    assert!(
        matches!(&kind, ViolationKind::NotInEnum { value, suggestion: Some("green"), .. } if value == "gren"),
        "{kind:?}"
    );
    // The same in a 1.0 card, on a `String`, in a loop of buttons.
    let sizes = [String::from("small"), String::from("huge")];
    let card = card!({ "config": { "update_multi": true }, "elements": [ { "tag": "action", "actions": [
        for size in &sizes { { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "size": (size) } }
    ] } ] });
    let (path, _) = refusal(UpdateBody::new(&card));
    assert_eq!(path, "elements[0].actions[1].size");
}

#[test]
fn duplicate_element_ids_built_in_a_loop_are_refused() {
    let ids = ["same", "same"];
    let card = card!({ "schema": "2.0", "body": { "elements": [
        for id in ids { { "tag": "hr", "element_id": (id) } }
    ] } });
    let (path, kind) = refusal(UpdateBody::new(&card));
    assert_eq!(path, "body.elements[1].element_id");
    assert!(matches!(kind, ViolationKind::DuplicateElementId { .. }));
}

#[test]
fn more_than_200_elements_from_a_loop_are_refused() {
    let card = card!({ "schema": "2.0", "body": { "elements": [
        for _ in 0..201 { { "tag": "hr" } }
    ] } });
    let (path, kind) = refusal(UpdateBody::new(&card));
    assert_eq!(path, "");
    assert!(
        matches!(kind, ViolationKind::TooManyElements { count: 201, .. }),
        "{kind:?}"
    );
    let fits = card!({ "schema": "2.0", "body": { "elements": [
        for _ in 0..200 { { "tag": "hr" } }
    ] } });
    assert!(UpdateBody::new(&fits).is_ok());
}

#[tokio::test]
async fn send_card_refuses_before_any_request() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let to = Recipient::chat("oc_team");
    let (path, _) = client_refusal(client.send_card(&to, &with_id("no spaces allowed")).await);
    assert_eq!(path, "body.elements[1].element_id");
    let (path, _) = client_refusal(client.send_card(&to, &with_lines(-1)).await);
    assert_eq!(path, "body.elements[0].text.lines");
    // Nothing reached the server, not even a token request.
    assert_eq!(emulator.counts().requests, 0, "{:?}", emulator.requests());
    assert!(emulator.requests().is_empty());

    // The same cards with good values go through.
    client
        .send_card(&to, &with_id("details"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(emulator.counts().requests > 0);
}

#[tokio::test]
async fn update_card_refuses_before_any_request() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let content = with_id("details").to_content();
    let id = emulator
        .send_card("oc_team", &content)
        .unwrap_or_else(|e| panic!("{e}"));
    let id = MessageId::new(id).unwrap_or_else(|e| panic!("{e}"));
    let before = emulator.counts().requests;
    let (path, kind) = client_refusal(client.update_card(&id, &with_lines(5000)).await);
    assert_eq!(path, "body.elements[0].text.lines");
    assert!(matches!(kind, ViolationKind::OutOfRange { .. }), "{kind:?}");
    let (path, _) = client_refusal(client.update_card(&id, &with_id("")).await);
    assert_eq!(path, "body.elements[1].element_id");
    assert_eq!(
        emulator.counts().requests,
        before,
        "{:?}",
        emulator.requests()
    );
    assert_eq!(emulator.history(&id).len(), 1);

    client
        .update_card(&id, &with_lines(5))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(emulator.history(&id).len(), 2);
}

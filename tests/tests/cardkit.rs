//! CardKit, before any request: the ids of a streaming card (typed when it compiles, checked
//! lookups at run time, the two agreeing), its element count as Lark counts it, and the
//! request bodies of the ten endpoints against the JSON Lark's pages show.

use lark_card::cardkit::{
    print_config, AddElements, BatchAction, BatchUpdate, BodyError, CardId, CreateCard,
    DeleteElement, ElementId, FullUpdate, OperationUuid, PartialElement, PatchElement, Placement,
    ReplaceElement, Sequence, SequenceError, Settings, StreamContent, StreamTargetError,
    StreamingCard, StreamingCardError, UpdateSettings,
};
use lark_card::lark::limits::{
    MAX_CARDKIT_UUID_CHARS, MAX_CARD_ELEMENTS, MAX_STREAM_CONTENT_CHARS,
};
use lark_card::model::{Element, Hr, PrintStrategy};
use lark_card::{Card, CardError, Shared};

const CARD: &str = r#"{ "schema": "2.0", "body": { "elements": [
    { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
    { "tag": "div", "text": { "tag": "plain_text", "element_id": "status", "content": "" } },
    { "tag": "div", "text": { "tag": "lark_md", "element_id": "note", "content": "**x**" } },
    { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
] } }"#;

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| panic!("{e}"))
}

fn seq(n: i64) -> Sequence {
    Sequence::new(n).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_card_made_at_run_time_names_its_targets_with_checked_lookups() {
    let card = StreamingCard::from_json(CARD).unwrap_or_else(|e| panic!("{e}"));
    let answer = card
        .stream_target("answer")
        .unwrap_or_else(|e| panic!("{e}"));
    let status = card
        .stream_target("status")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((answer.tag(), status.tag()), ("markdown", "plain_text"));

    let error = card.stream_target("stpo").err();
    assert_eq!(
        error,
        Some(StreamTargetError::Unknown {
            id: "stpo".into(),
            suggestion: Some("stop".into())
        })
    );
    assert_eq!(
        error.map(|e| e.to_string()).as_deref(),
        Some("the card has no element with `element_id` `stpo` (did you mean `stop`?)")
    );
    for (id, tag) in [("stop", "button"), ("note", "lark_md")] {
        match card.stream_target(id) {
            Err(e @ StreamTargetError::NotStreamable { .. }) => {
                assert!(
                    e.to_string().contains(&format!("`{id}` is a `{tag}`")),
                    "{e}"
                );
                assert!(e.to_string().contains("300310"), "{e}");
            }
            other => panic!("{id}: {other:?}"),
        }
        // Not streamable, but an element all the same: patch, replace, delete.
        assert_eq!(
            card.element_id(id).map(|e| e.to_string()).as_deref(),
            Ok(id)
        );
    }
    assert!(card.element_id("nothing").is_err());
}

#[test]
fn the_ids_of_streaming_card_are_what_the_lookups_find() {
    let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
        { "tag": "div", "text": { "tag": "plain_text", "element_id": "status", "content": "" } },
        { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
    ] } });
    assert_eq!(
        card.stream_target("answer").ok().as_ref(),
        Some(&card.ids().answer)
    );
    assert_eq!(
        card.stream_target("status").ok().as_ref(),
        Some(&card.ids().status)
    );
    assert_eq!(
        card.element_id("stop").ok().as_ref(),
        Some(&card.ids().stop)
    );
    assert!(card.stream_target("stop").is_err());
}

#[test]
fn an_id_in_an_if_branch_is_looked_up_when_it_runs() {
    for thinking in [true, false] {
        let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
            if thinking { { "tag": "markdown", "element_id": "spinner", "content": "…" } }
        ] } });
        assert_eq!(card.stream_target("spinner").is_ok(), thinking);
    }
}

#[test]
fn only_card_json_2_0_makes_a_card_entity() {
    let v1 = r#"{ "config": { "update_multi": true }, "elements": [ { "tag": "hr" } ] }"#;
    assert!(matches!(
        StreamingCard::from_json(v1),
        Err(StreamingCardError::NotV2)
    ));
    let shared: Card<Shared> = Card::<Shared>::from_json(v1).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        StreamingCard::from_card(shared),
        Err(StreamingCardError::NotV2)
    ));
    // A 1.0 card that is not shared is refused for its version, the real reason.
    let not_shared = r#"{ "elements": [ { "tag": "hr" } ] }"#;
    let error = StreamingCard::from_json(not_shared).err();
    assert!(matches!(error, Some(StreamingCardError::NotV2)));
    assert!(error.is_some_and(|e| e.to_string().contains("300303")));
    // Invalid JSON keeps its cause.
    match StreamingCard::from_json("{ nope") {
        Err(StreamingCardError::Card(CardError::Json(_))) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn elements_are_counted_as_lark_counts_them() {
    let card = StreamingCard::from_json(CARD).unwrap_or_else(|e| panic!("{e}"));
    // 4 elements, and the plain_text of `status` and of the button.
    assert_eq!(card.element_count().ok(), Some(6));
    // 100 divs with a plain_text each are at the limit; one more element is over it.
    let divs = |n: usize| {
        let div = r#"{ "tag": "div", "text": { "tag": "plain_text", "content": "x" } }"#;
        let elements = vec![div; n].join(",");
        format!(r#"{{ "schema": "2.0", "body": {{ "elements": [{elements}] }} }}"#)
    };
    assert!(StreamingCard::from_json(&divs(MAX_CARD_ELEMENTS / 2)).is_ok());
    match StreamingCard::from_json(&divs(MAX_CARD_ELEMENTS / 2 + 1)) {
        Err(StreamingCardError::Card(CardError::Invalid(errors))) => {
            assert!(errors.to_string().contains("202 elements"), "{errors}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn sequences_are_1_to_i32_max_and_next_is_checked() {
    assert_eq!(Sequence::FIRST.get(), 1);
    assert_eq!(
        Sequence::new(0),
        Err(SequenceError::OutOfRange { value: 0 })
    );
    assert!(Sequence::new(i64::from(i32::MAX) + 1).is_err());
    assert_eq!(Sequence::new(41).and_then(Sequence::next), Ok(seq(42)));
    assert_eq!(Sequence::MAX.next(), Err(SequenceError::Exhausted));
    assert!(Sequence::FIRST < seq(2));
    assert_eq!(json(&seq(7)), "7");
}

#[test]
fn uuids_are_1_to_64_characters_and_one_per_operation() {
    assert!(OperationUuid::new("").is_err());
    assert!(OperationUuid::new("u".repeat(MAX_CARDKIT_UUID_CHARS)).is_ok());
    assert!(OperationUuid::new("u".repeat(MAX_CARDKIT_UUID_CHARS + 1)).is_err());
    let card = CardId::new("7355372766134157313").unwrap_or_else(|e| panic!("{e}"));
    let longest = CardId::new("c".repeat(20)).unwrap_or_else(|e| panic!("{e}"));
    assert!(CardId::new("c".repeat(21)).is_err());
    assert_ne!(
        OperationUuid::of(&card, seq(1)),
        OperationUuid::of(&card, seq(2))
    );
    assert_eq!(
        OperationUuid::of(&card, seq(3)),
        OperationUuid::of(&card, seq(3))
    );
    let uuid = OperationUuid::of(&longest, Sequence::MAX);
    assert!(OperationUuid::new(uuid.as_str()).is_ok(), "{uuid}");
}

#[test]
fn ids_are_checked() {
    assert!(ElementId::new("answer_1").is_ok());
    for bad in ["", "1st", "has space", "a-b", &"a".repeat(21)] {
        assert!(ElementId::new(bad).is_err(), "{bad}");
    }
    let error = ElementId::new("1st").err().map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some("`1st` is not a valid element id: a letter, then letters, digits or `_`, at most 20 characters")
    );
}

/// The settings of "流式更新卡片" (§ streaming mode), field for field.
#[test]
fn settings_write_the_streaming_config_of_lark_s_page() {
    let settings = Settings::streaming(true)
        .with_summary("")
        .with_streaming_config(print_config(70, 1, PrintStrategy::Fast));
    assert_eq!(
        json(&settings),
        r#"{"config":{"streaming_mode":true,"streaming_config":{"print_frequency_ms":{"default":70},"print_step":{"default":1},"print_strategy":"fast"},"summary":{"content":""}}}"#
    );
    let body = UpdateSettings::new(&Settings::streaming(false), seq(3))
        .map(|b| b.with_uuid(OperationUuid::new("s_3").unwrap_or_else(|e| panic!("{e}"))))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        json(&body),
        r#"{"settings":"{\"config\":{\"streaming_mode\":false}}","uuid":"s_3","sequence":3}"#
    );
    assert_eq!(
        json(&print_config(15, 2, PrintStrategy::Delay)),
        r#"{"print_frequency_ms":{"default":15},"print_step":{"default":2},"print_strategy":"delay"}"#
    );
}

#[test]
fn create_and_full_update_carry_the_card_as_a_string() {
    let card = StreamingCard::from_json(r#"{"schema":"2.0","body":{"elements":[]}}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let create = CreateCard::new(&card).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        json(&create),
        r#"{"type":"card_json","data":"{\"schema\":\"2.0\",\"body\":{\"elements\":[]}}"}"#
    );
    let update = FullUpdate::new(&card, seq(10)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        json(&update),
        r#"{"card":{"type":"card_json","data":"{\"schema\":\"2.0\",\"body\":{\"elements\":[]}}"},"sequence":10}"#
    );
}

#[test]
fn a_card_with_an_interpolated_id_is_checked_before_its_body_is_made() {
    let id = "not an id";
    let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "element_id": (id), "content": "" }
    ] } });
    match CreateCard::new(&card) {
        Err(BodyError::Card(CardError::Invalid(errors))) => {
            assert_eq!(
                errors.first().map(|e| e.path.as_str()),
                Some("body.elements[0].element_id")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn element_operations_write_lark_s_bodies_and_keep_the_path_ids() {
    let answer = ElementId::new("answer").unwrap_or_else(|e| panic!("{e}"));
    let hr = [Element::Hr(Hr::default())];
    let add = |placement: Placement| json(&AddElements::new(&placement, &hr, seq(2)));
    assert_eq!(
        add(Placement::InsertBefore(answer.clone())),
        r#"{"type":"insert_before","target_element_id":"answer","sequence":2,"elements":"[{\"tag\":\"hr\"}]"}"#
    );
    assert_eq!(
        add(Placement::Append(None)),
        r#"{"type":"append","sequence":2,"elements":"[{\"tag\":\"hr\"}]"}"#
    );

    let patch = PatchElement::new(
        &answer,
        &PartialElement::new().set("element_id", "answer_2"),
        seq(3),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(patch.element_id(), &answer);
    assert_eq!(
        json(&patch),
        r#"{"partial_element":"{\"element_id\":\"answer_2\"}","sequence":3}"#
    );

    let replace = ReplaceElement::new(&answer, &hr[0], seq(4));
    assert_eq!(
        (replace.element_id(), replace.sequence()),
        (&answer, seq(4))
    );
    assert_eq!(
        json(&replace),
        r#"{"element":"{\"tag\":\"hr\"}","sequence":4}"#
    );

    // DELETE takes a JSON body.
    let delete = DeleteElement::new(answer.clone(), seq(5));
    assert_eq!(json(&delete), r#"{"sequence":5}"#);
}

#[test]
fn streamed_text_is_1_to_100000_characters_into_a_target() {
    let card = StreamingCard::from_json(CARD).unwrap_or_else(|e| panic!("{e}"));
    let answer = card
        .stream_target("answer")
        .unwrap_or_else(|e| panic!("{e}"));
    let card_id = CardId::new("7355372766134157313").unwrap_or_else(|e| panic!("{e}"));
    let body = StreamContent::new(&answer, "Hello", seq(6))
        .map(|b| b.with_uuid(OperationUuid::of(&card_id, seq(6))))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body.target(), &answer);
    assert_eq!(
        json(&body),
        r#"{"uuid":"7355372766134157313_6","content":"Hello","sequence":6}"#
    );
    assert!(matches!(
        StreamContent::new(&answer, "", seq(7)),
        Err(BodyError::EmptyContent)
    ));
    // Characters, not bytes: 100,000 `é` are 200,000 bytes and still allowed.
    assert!(StreamContent::new(&answer, "é".repeat(MAX_STREAM_CONTENT_CHARS), seq(7)).is_ok());
    match StreamContent::new(answer, "x".repeat(MAX_STREAM_CONTENT_CHARS + 1), seq(7)) {
        Err(BodyError::ContentTooLong { chars, max }) => {
            assert_eq!(
                (chars, max),
                (MAX_STREAM_CONTENT_CHARS + 1, MAX_STREAM_CONTENT_CHARS)
            );
        }
        other => panic!("{other:?}"),
    }
}

/// The batch example of Lark's page: settings are an object here, not a string.
#[test]
fn batch_actions_are_objects_inside_the_actions_string() {
    let answer = ElementId::new("answer").unwrap_or_else(|e| panic!("{e}"));
    let actions = [
        BatchAction::PartialUpdateSetting(Box::new(Settings::streaming(true))),
        BatchAction::AddElements(
            Placement::InsertAfter(answer.clone()),
            vec![Element::Hr(Hr::default())],
        ),
        BatchAction::DeleteElements(vec![answer.clone()]),
        BatchAction::PartialUpdateElement(
            answer.clone(),
            PartialElement::new().set("content", "x"),
        ),
        BatchAction::UpdateElement(answer, Box::new(Element::Hr(Hr::default()))),
    ];
    let body = BatchUpdate::new(&actions, seq(9)).unwrap_or_else(|e| panic!("{e}"));
    let written: serde_json::Value =
        serde_json::from_str(&json(&body)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written["sequence"], 9);
    let actions: serde_json::Value = written["actions"]
        .as_str()
        .map(|a| serde_json::from_str(a).unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|| panic!("actions is a string: {written}"));
    assert_eq!(
        actions,
        serde_json::json!([
            { "action": "partial_update_setting", "params": { "settings": { "config": { "streaming_mode": true } } } },
            { "action": "add_elements", "params": { "type": "insert_after", "target_element_id": "answer", "elements": [ { "tag": "hr" } ] } },
            { "action": "delete_elements", "params": { "element_ids": ["answer"] } },
            { "action": "partial_update_element", "params": { "element_id": "answer", "partial_element": { "content": "x" } } },
            { "action": "update_element", "params": { "element_id": "answer", "element": { "tag": "hr" } } }
        ])
    );
}

/// What a receiver of these bodies (the emulator) reads back is checked as it is made.
#[test]
fn sequences_uuids_and_ids_read_from_json_are_checked() {
    let read = |text: &str| serde_json::from_str::<Sequence>(text);
    assert_eq!(read("3").ok(), Some(seq(3)));
    for bad in ["0", "-1", "2147483648", "\"1\""] {
        assert!(read(bad).is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<OperationUuid>("\"\"").is_err());
    assert!(serde_json::from_str::<ElementId>("\"1st\"").is_err());
    let id: Result<ElementId, _> = serde_json::from_str("\"answer\"");
    assert_eq!(id.ok().map(|id| json(&id)).as_deref(), Some("\"answer\""));
    assert!(serde_json::from_str::<CardId>(&format!("\"{}\"", "c".repeat(21))).is_err());
}

#[test]
fn settings_over_100000_characters_are_refused_before_any_request() {
    use lark_card::lark::limits::MAX_SETTINGS_CHARS;
    let long = Settings::streaming(false).with_summary("x".repeat(MAX_SETTINGS_CHARS));
    match UpdateSettings::new(&long, seq(1)) {
        Err(BodyError::FieldTooLong { field, chars, max }) => {
            assert_eq!(field, "settings");
            assert!(chars > max && max == MAX_SETTINGS_CHARS, "{chars} {max}");
        }
        other => panic!("{other:?}"),
    }
}

/// Ids of your own: the card's element ids as its fields, checked when it compiles.
struct AnswerIds {
    answer: lark_card::cardkit::StreamTarget,
    stop: ElementId,
}

fn answer_card(question: &str) -> StreamingCard<AnswerIds> {
    lark_card::streaming_card!(AnswerIds, { "schema": "2.0", "body": { "elements": [
        { "tag": "markdown", "content": (question) },
        { "tag": "markdown", "element_id": "answer", "content": "Thinking…" },
        { "tag": "button", "element_id": "stop", "text": { "tag": "plain_text", "content": "Stop" } }
    ] } })
}

#[test]
fn a_card_with_ids_of_your_own_can_be_returned() {
    let card = answer_card("Why?");
    assert_eq!(
        card.stream_target("answer").ok().as_ref(),
        Some(&card.ids().answer)
    );
    assert_eq!(
        card.element_id("stop").ok().as_ref(),
        Some(&card.ids().stop)
    );
    assert!(card.card().to_content().contains(r#""content":"Why?""#));
}

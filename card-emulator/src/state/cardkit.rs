//! CardKit's card entities in the state: created, sent by `card_id` (once, by the app that
//! created them), operated with a `sequence` and `uuid`, 10 operations a second each, closing
//! their streaming mode by themselves and expiring with time; and replies to messages.
//!
//! An operation passes, in this order (after the route's token, app limit, path and body
//! checks): the entity exists (200740), the app created it (300311), it is under 14 days old
//! (200750); a `uuid` the entity applied already answers success at once when it names the
//! same operation (a retry: not applied twice) and 200770 when it names another; the
//! `sequence` is above the entity's last applied one (300317); 10 operations a second per
//! entity (230020, counted here, so the refusals below use up the budget too); no
//! interaction with the card waiting for the app's answer (200810); streaming text needs
//! streaming mode on (200850 for the first request after it closed itself, 300309
//! after that or when it was closed by settings); then the change itself and the card it
//! leaves (`card_entity`). Only an applied operation moves the entity's `sequence` on and
//! records its `uuid`. Unlike a message's card, the card an operation leaves is checked under
//! the lock: it depends on the entity's card as it is then.

use serde_json::Value;

use super::messages::Entry;
use super::State;
use crate::card_entity::{self, CardEntity, CardEntityView, Change};
use crate::errors::ApiError;
use crate::faults::Faults;
use crate::ids;
use crate::inspect::{bump, MessageState};
use lark_card::lark::{CardSubCode, LarkCode};

/// The `type` of a message content that sends a card entity:
/// `{"type":"card","data":{"card_id":…}}`.
const CARD_ID_CONTENT: &str = "card";

/// An operation on a card entity, as read from its request.
#[derive(Debug)]
pub(crate) struct CardOperation {
    pub(crate) sequence: i32,
    pub(crate) uuid: Option<String>,
    /// What the request asked for (endpoint, path and body), to tell the retry of an
    /// operation from another operation with the same `uuid`.
    pub(crate) fingerprint: String,
    pub(crate) change: Change,
}

/// The card id a message's content sends, if it sends a card entity.
fn card_id_in(content: &str) -> Option<String> {
    let value: Value = serde_json::from_str(content).ok()?;
    if value.get("type").and_then(Value::as_str) != Some(CARD_ID_CONTENT) {
        return None;
    }
    value
        .get("data")?
        .get("card_id")?
        .as_str()
        .map(str::to_owned)
}

/// The send endpoint's refusal of a `card_id` (230099 with sub-code 11310, as Lark answers an
/// unknown one).
fn invalid_card_id(reason: &str) -> ApiError {
    ApiError::with_ext(
        LarkCode::CardContentFailed,
        format!(
            "ErrCode: {}; ErrMsg: {reason}; ",
            CardSubCode::LimitOrLocked.code()
        ),
    )
}

impl State {
    fn now(&self) -> Option<u64> {
        self.clock.as_ref().map(|clock| clock.now_ms())
    }

    /// Closes the streaming modes whose time came (each in its message's history, at the
    /// time it closed).
    pub(crate) fn settle(&mut self) {
        if let Some(now) = self.now() {
            self.settle_at(now);
        }
    }

    fn settle_at(&mut self, now: u64) {
        let mut closed = Vec::new();
        for entity in self.card_entities.values_mut() {
            if let Some(at) = entity.settle(now) {
                if let Some(message_id) = &entity.message_id {
                    closed.push((message_id.clone(), at, entity.content()));
                }
            }
        }
        closed.sort_by_key(|(_, at, _)| *at);
        for (message_id, at, content) in closed {
            self.record_card_change(&message_id, at, "streaming_timed_out", content);
        }
    }

    /// The message sent by a card entity shows its new card.
    fn record_card_change(
        &mut self,
        message_id: &str,
        at: u64,
        operation: &'static str,
        content: String,
    ) {
        if let Some(message) = self.messages.get_mut(message_id) {
            if message.state != MessageState::Live {
                return;
            }
            message.content.clone_from(&content);
            message.updated_ms = message.updated_ms.max(at);
            message.history.push(Entry::cardkit(at, operation, content));
            self.journal.changed();
        }
    }

    /// `POST /open-apis/cardkit/v1/cards`, once the body was read: the new entity's id.
    pub(crate) fn create_card_entity(
        &mut self,
        app_id: &str,
        card: Value,
        now: u64,
    ) -> Result<String, ApiError> {
        card_entity::check_entity_card(&card, LarkCode::CardKitContentFailed)?;
        let id = loop {
            let candidate = ids::card_id(&mut self.rng);
            if !self.card_entities.contains_key(&candidate) {
                break candidate;
            }
        };
        self.card_entities.insert(
            id.clone(),
            CardEntity::new(id.clone(), app_id.to_owned(), card, now),
        );
        self.journal.changed();
        Ok(id)
    }

    /// An operation on a card entity, once its request was read (see the module's docs for
    /// the order of checks).
    pub(crate) fn operate_card_entity(
        &mut self,
        app_id: &str,
        card_id: &str,
        operation: CardOperation,
        now: u64,
        faults: &Faults,
    ) -> Result<(), ApiError> {
        self.settle_at(now);
        let in_interaction = self
            .card_entities
            .get(card_id)
            .and_then(|entity| entity.message_id.as_deref())
            .is_some_and(|message_id| self.interaction_pending(message_id));
        let Some(entity) = self.card_entities.get_mut(card_id) else {
            return Err(ApiError::new(LarkCode::CardEntityNotFound));
        };
        if entity.app_id != app_id {
            return Err(ApiError::new(LarkCode::NoCardPermission));
        }
        if entity.expired(now) {
            return Err(ApiError::new(LarkCode::CardEntityExpired));
        }
        if let Some(uuid) = &operation.uuid {
            if let Some(applied) = entity.uuids.get(uuid) {
                return if *applied == operation.fingerprint {
                    Ok(())
                } else {
                    Err(ApiError::with_ext(
                        LarkCode::UuidConflict,
                        format!("the uuid `{uuid}` was used by another operation on this card"),
                    ))
                };
            }
        }
        if let Some(last) = entity
            .last_sequence
            .filter(|last| operation.sequence <= *last)
        {
            return Err(ApiError::with_ext(
                LarkCode::SequenceNotIncreasing,
                format!(
                    "sequence number compare failed: {} is not above {last}, the card's last",
                    operation.sequence
                ),
            ));
        }
        if faults.take_message_throttle() || !entity.limiter.try_hit(now) {
            bump(&mut self.counts.throttled, card_id.to_owned());
            return Err(ApiError::new(LarkCode::MessageRateLimited));
        }
        if in_interaction {
            return Err(ApiError::new(LarkCode::CardInInteraction));
        }
        if matches!(operation.change, Change::StreamContent { .. })
            && entity.streaming_since.is_none()
        {
            if entity.timeout_unreported {
                entity.timeout_unreported = false;
                return Err(ApiError::new(LarkCode::StreamingTimedOut));
            }
            return Err(ApiError::new(LarkCode::StreamingClosed));
        }
        entity.card = card_entity::apply(&entity.card, &operation.change)?;
        entity.after_change(&operation.change, now);
        entity.last_sequence = Some(operation.sequence);
        if let Some(uuid) = operation.uuid {
            entity.uuids.insert(uuid, operation.fingerprint);
        }
        entity.operations += 1;
        let message_id = entity.message_id.clone();
        let content = entity.content();
        if let Some(message_id) = message_id {
            self.record_card_change(&message_id, now, operation.change.name(), content);
        } else {
            self.journal.changed();
        }
        Ok(())
    }

    /// For a send whose content names a card entity: the entity's id and card, if the app may
    /// send it (its own, unexpired, not sent yet).
    pub(super) fn card_for_send(
        &mut self,
        app_id: &str,
        content: &str,
        now: u64,
    ) -> Result<Option<(String, String)>, ApiError> {
        let Some(card_id) = card_id_in(content) else {
            return Ok(None);
        };
        self.settle_at(now);
        let entity = match self.card_entities.get(&card_id) {
            Some(entity) if !entity.expired(now) => entity,
            _ => return Err(invalid_card_id("cardid is invalid")),
        };
        if entity.app_id != app_id {
            return Err(invalid_card_id(
                "the card entity was created by another app: only its creator sends it",
            ));
        }
        if entity.message_id.is_some() {
            return Err(invalid_card_id(
                "the card entity was sent already: a card entity is sent once",
            ));
        }
        Ok(Some((card_id, entity.content())))
    }

    /// Whether a callback's answer (or Lark undoing a delayed update) may replace the card
    /// of a message sent by this entity: not while streaming mode is on ("在开启了流式更新模式
    /// 下，卡片不支持以响应卡片回传交互回调的方式，直接更新卡片"); otherwise the entity takes the
    /// card too.
    pub(super) fn card_entity_takes_callback_card(&mut self, card_id: &str, content: &str) -> bool {
        self.settle();
        let Some(entity) = self.card_entities.get_mut(card_id) else {
            return true;
        };
        if entity.streaming_since.is_some() {
            return false;
        }
        if let Ok(card @ Value::Object(_)) = serde_json::from_str::<Value>(content) {
            entity.card = card;
        }
        true
    }

    pub(super) fn link_card_entity(&mut self, card_id: &str, message_id: &str) {
        if let Some(entity) = self.card_entities.get_mut(card_id) {
            entity.message_id = Some(message_id.to_owned());
        }
    }

    /// `POST /open-apis/cardkit/v1/cards/id_convert`: the card entity of a card message the
    /// app sent; a message sent as card JSON 2.0 becomes one (1.0: 300303).
    pub(crate) fn card_id_of_message(
        &mut self,
        app_id: &str,
        message_id: &str,
        now: u64,
    ) -> Result<String, ApiError> {
        let message = self.existing(app_id, message_id)?;
        if let Some(card_id) = &message.card_id {
            return Ok(card_id.clone());
        }
        if message.msg_type != "interactive" {
            return Err(ApiError::with_msg(
                LarkCode::BadParam,
                "invalid request parameter: the message is not a card",
            ));
        }
        let card: Value = serde_json::from_str(&message.content)
            .map_err(|_| ApiError::new(LarkCode::CardKitContentFailed))?;
        let card_id = self.create_card_entity(app_id, card, now)?;
        self.link_card_entity(&card_id, message_id);
        if let Some(message) = self.messages.get_mut(message_id) {
            message.card_id = Some(card_id.clone());
        }
        Ok(card_id)
    }

    /// `POST /open-apis/im/v1/messages/:message_id/reply`: a message in the chat of the
    /// message replied to, with the send's rules; the message must be neither recalled
    /// (230011) nor deleted (230110).
    pub(crate) fn reply(
        &mut self,
        mut input: super::SendInput,
        parent_id: &str,
        now: u64,
        faults: &Faults,
    ) -> Result<Value, ApiError> {
        let chat_id = match self.messages.get(parent_id) {
            None => {
                return Err(ApiError::with_ext(
                    LarkCode::InvalidParameter,
                    "invalid message_id: no such message",
                ))
            }
            Some(parent) => match parent.state {
                MessageState::Deleted => return Err(ApiError::new(LarkCode::MessageDeleted)),
                MessageState::Recalled => return Err(ApiError::new(LarkCode::MessageRecalled)),
                MessageState::Live => parent.chat_id.clone(),
            },
        };
        input.receive_id_type = "chat_id".to_owned();
        input.receive_id = chat_id;
        input.parent_id = Some(parent_id.to_owned());
        self.send(input, now, Some(faults))
    }

    /// A card entity now (its streaming mode closed first if its time came).
    pub(crate) fn card_entity(&mut self, card_id: &str) -> Option<CardEntityView> {
        self.settle();
        self.card_entities.get(card_id).map(CardEntity::view)
    }

    /// Every card entity, oldest first.
    pub(crate) fn card_entities(&mut self) -> Vec<CardEntityView> {
        self.settle();
        let mut entities: Vec<&CardEntity> = self.card_entities.values().collect();
        entities.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
        entities.into_iter().map(CardEntity::view).collect()
    }

    /// The card entity a message shows, if it was sent by one.
    pub(crate) fn card_entity_of_message(&mut self, message_id: &str) -> Option<CardEntityView> {
        let card_id = self.messages.get(message_id)?.card_id.clone()?;
        self.card_entity(&card_id)
    }
}

//! CardKit's calls: make a card entity, send it by `card_id`, and every operation on it, each
//! with the next `sequence` of the card's one counter and a `uuid` that makes its retry safe.

use std::sync::Arc;

use reqwest::Method;
use serde::Serialize;

use super::api::{Call, Client, Recipient};
use super::error::{ClientError, LarkCode};
use super::retry::RetryPolicy;
use super::sequences::{Counter, Last, Take};
use crate::cardkit::{
    AddElements, BatchAction, BatchUpdate, CardId, CreateCard, DeleteElement, ElementId,
    FullUpdate, IntoStreamTarget, OperationUuid, PartialElement, PatchElement, Placement,
    ReplaceElement, Sequence, Settings, StreamContent, StreamTarget, StreamingCard, UpdateSettings,
};
use crate::message_id::MessageId;
use crate::model::Element;

/// The path of CardKit's card endpoints.
const CARDS: &str = "/open-apis/cardkit/v1/cards";

/// How often a refusal with 300317 moves the counter up (each time twice as far as the time
/// before) before the operation fails: 2^31 covers every `sequence`.
const RESYNCS: u32 = 31;

/// Where a card entity goes: a chat or a user, or a reply to a message.
///
/// ```
/// use lark_card::client::{Destination, Recipient};
/// use lark_card::MessageId;
///
/// let chat: Destination = Recipient::chat("oc_84983ff6516d731e5b5f68d4ea2e1da5").into();
/// let reply = Destination::reply("om_dc13264520392913993dd051dba21dcf".parse::<MessageId>()?);
/// assert_ne!(chat, reply);
/// # Ok::<(), lark_card::InvalidMessageId>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// A new message to a chat or a user.
    To(Recipient),
    /// A reply to this message (in its chat).
    ReplyTo(MessageId),
}

impl Destination {
    /// A reply to `message`.
    pub fn reply(message: MessageId) -> Self {
        Destination::ReplyTo(message)
    }
}

impl From<Recipient> for Destination {
    fn from(to: Recipient) -> Self {
        Destination::To(to)
    }
}

/// The content of a message that shows a card entity: `{"type":"card","data":{"card_id":…}}`.
fn entity_content(card_id: &CardId) -> String {
    serde_json::json!({ "type": "card", "data": { "card_id": card_id.as_str() } }).to_string()
}

impl Client {
    /// Makes a card entity of a card JSON 2.0 card (`POST /open-apis/cardkit/v1/cards`); a
    /// 1.0 card is not a [`StreamingCard`], so it does not compile here. The entity can be
    /// sent once ([`CardEntity::send`]) and operated for 14 days.
    ///
    /// ```no_run
    /// use lark_card::client::{Client, Recipient};
    /// use lark_card::cardkit::Settings;
    ///
    /// # async fn run() -> Result<(), lark_card::client::ClientError> {
    /// let client = Client::builder().app("cli_a1b2c3", "app secret").build()?;
    /// let card = lark_card::streaming_card!({
    ///     "schema": "2.0",
    ///     "config": { "streaming_mode": true },
    ///     "body": { "elements": [ { "tag": "markdown", "element_id": "answer", "content": "…" } ] }
    /// });
    /// let entity = client.create_card(&card).await?;
    /// let message = entity.send(&Recipient::chat("oc_84983ff6516d731e5b5f68d4ea2e1da5").into()).await?;
    /// entity.stream_text(&card.ids().answer, "The answer").await?; // sequence 1
    /// entity.stream_text(&card.ids().answer, "The answer is 42.").await?; // sequence 2
    /// entity.settings(&Settings::streaming(false).with_summary("The answer is 42.")).await?;
    /// # let _ = message;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// A card JSON 1.0 card is not a `StreamingCard`: CardKit takes 2.0 only (Lark answers
    /// 300303), so this does not compile.
    ///
    /// ```compile_fail
    /// # async fn run(client: lark_card::client::Client) {
    /// let v1 = lark_card::card!({ "config": { "update_multi": true }, "elements": [ { "tag": "hr" } ] });
    /// client.create_card(&v1).await;
    /// # }
    /// ```
    pub async fn create_card<Ids>(
        &self,
        card: &StreamingCard<Ids>,
    ) -> Result<CardEntity, ClientError> {
        let body = CreateCard::new(card)?;
        let call = Call {
            method: Method::POST,
            path: CARDS.to_string(),
            body: json(&body)?,
            message_id: None,
            chat: None,
            card: None,
        };
        // A create that failed on the way may have made an entity nobody will use: harmless
        // (it expires), so it is retried like any request.
        let answer = self.call(call, self.retry_policy(), None).await?;
        let card_id: CardId = answer
            .string("card_id", "no `data.card_id` in the answer to a create")?
            .parse()?;
        Ok(self.card_entity(card_id))
    }

    /// A handle of a card entity made earlier (by this process or another). Every handle of
    /// one card in this client shares its `sequence` counter; with
    /// [`ClientBuilder::redis`](super::ClientBuilder::redis), so do the app's replicas. A
    /// counter that starts behind the card's (an entity operated by another process without
    /// Redis) is brought up by Lark's first refusal (300317).
    pub fn card_entity(&self, card_id: CardId) -> CardEntity {
        CardEntity {
            counter: self.card_sequences().counter(card_id.as_str()),
            client: self.clone(),
            card_id,
            holder: format!("{:016x}", fastrand::u64(..)).into(),
        }
    }

    /// Sends a card entity by its `card_id` to a chat or user, or as a reply: the message's
    /// content is `{"type":"card","data":{"card_id":…}}`. An entity is sent once.
    pub async fn send_card_entity(
        &self,
        to: &Destination,
        card_id: &CardId,
    ) -> Result<MessageId, ClientError> {
        let content = entity_content(card_id);
        match to {
            Destination::To(recipient) => self.send_content(recipient, content).await,
            Destination::ReplyTo(message) => self.reply_content(message, content).await,
        }
    }
}

/// A card entity, to operate with CardKit: stream text into an element, change its
/// settings, update it whole, add, change or delete elements.
///
/// Every operation takes the next `sequence` of the card's one counter (shared by every
/// handle of the card in this client, and through Redis by the app's replicas), goes when the
/// card's 10 operations a second and the app's limits allow, and carries a `uuid` of its own
/// ([`CardEntity::operation_uuid`]): a retry after a failure that may have come after Lark applied
/// the operation (a 5xx, a timeout) sends the same `sequence` and `uuid`, which Lark applies
/// once. Lark's refusal of a sequence that is not above its last (300317) moves the counter
/// up and sends again; 200740 and 200750 are [`ClientError::CardEntityGone`]. Each operation
/// answers the `sequence` Lark accepted it with.
///
/// Cheap to clone.
#[derive(Clone)]
pub struct CardEntity {
    client: Client,
    card_id: CardId,
    counter: Counter,
    /// Who holds the card in the fleet's store while an operation of this handle is sent.
    holder: Arc<str>,
}

impl core::fmt::Debug for CardEntity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardEntity")
            .field("card_id", &self.card_id)
            .finish_non_exhaustive()
    }
}

/// One request of an operation, made for its sequence.
#[derive(Clone)]
pub(crate) struct Request {
    method: Method,
    path: String,
    body: String,
}

fn json(body: &impl Serialize) -> Result<String, ClientError> {
    serde_json::to_string(body)
        .map_err(|e| ClientError::CardKitBody(crate::cardkit::BodyError::Json(e)))
}

impl CardEntity {
    /// The card entity's id.
    pub fn card_id(&self) -> &CardId {
        &self.card_id
    }

    /// The `uuid` this handle sends with the operation of `sequence`:
    /// `<card_id>_<sequence>_<handle>`, the handle's part random. A retry of the operation
    /// sends it again; another process operating the card (whose counter may reuse the
    /// sequence) sends another.
    pub fn operation_uuid(&self, sequence: Sequence) -> OperationUuid {
        let uuid = format!(
            "{}_{}",
            OperationUuid::of(&self.card_id, sequence),
            self.holder
        );
        // At most 20 + 1 + 10 + 1 + 16 characters: within the 64 Lark takes.
        OperationUuid::new(uuid).unwrap_or_else(|_| OperationUuid::of(&self.card_id, sequence))
    }

    /// The client.
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// Sends the card entity by its `card_id` (see [`Client::send_card_entity`]).
    pub async fn send(&self, to: &Destination) -> Result<MessageId, ClientError> {
        self.client.send_card_entity(to, &self.card_id).await
    }

    /// The whole text of a `markdown` element or `plain_text` text object
    /// (`PUT …/elements/:element_id/content`), streaming mode on: a text that extends the
    /// one before is typed on from where it was; any other is shown at once.
    pub async fn stream_text(
        &self,
        target: impl IntoStreamTarget,
        text: impl Into<String>,
    ) -> Result<Sequence, ClientError> {
        let target = target.into_stream_target();
        let text = text.into();
        self.operate(|sequence, uuid| {
            let body = StreamContent::new(&target, text.as_str(), sequence)?.with_uuid(uuid);
            self.request(
                Method::PUT,
                format!("/elements/{}/content", target.as_str()),
                &body,
            )
        })
        .await
    }

    /// Streams the text `text` answers when the card's turn came (the newest one, for a
    /// stream that coalesces); `text` is asked again only after a refusal of the sequence.
    pub(crate) async fn stream_newest(
        &self,
        target: &StreamTarget,
        mut text: impl FnMut() -> String,
    ) -> Result<Sequence, ClientError> {
        self.operate(|sequence, uuid| {
            let body = StreamContent::new(target, text(), sequence)?.with_uuid(uuid);
            self.request(
                Method::PUT,
                format!("/elements/{}/content", target.as_str()),
                &body,
            )
        })
        .await
    }

    /// The card's settings (`PATCH …/settings`): streaming mode, summary, how streamed text
    /// is printed, the card's link.
    pub async fn settings(&self, settings: &Settings) -> Result<Sequence, ClientError> {
        self.operate(|sequence, uuid| {
            let body = UpdateSettings::new(settings, sequence)?.with_uuid(uuid);
            self.request(Method::PATCH, "/settings".into(), &body)
        })
        .await
    }

    /// The whole card replaced (`PUT /cards/:card_id`); works with streaming mode on or off.
    pub async fn full_update<Ids>(&self, card: &StreamingCard<Ids>) -> Result<Sequence, ClientError>
    where
        Ids: Sync,
    {
        self.operate(|sequence, uuid| {
            let body = FullUpdate::new(card, sequence)?.with_uuid(uuid);
            self.request(Method::PUT, String::new(), &body)
        })
        .await
    }

    /// Elements added at a placement (`POST …/elements`).
    pub async fn add_elements(
        &self,
        placement: &Placement,
        elements: &[Element],
    ) -> Result<Sequence, ClientError> {
        self.operate(|sequence, uuid| {
            let body = AddElements::new(placement, elements, sequence).with_uuid(uuid);
            self.request(Method::POST, "/elements".into(), &body)
        })
        .await
    }

    /// Some fields of an element changed (`PATCH …/elements/:element_id`); its tag cannot.
    pub async fn patch_element(
        &self,
        element: impl Into<ElementId>,
        fields: &PartialElement,
    ) -> Result<Sequence, ClientError> {
        let element = element.into();
        self.operate(|sequence, uuid| {
            let body = PatchElement::new(element.clone(), fields, sequence)?.with_uuid(uuid);
            self.request(Method::PATCH, format!("/elements/{element}"), &body)
        })
        .await
    }

    /// An element replaced by another of the same tag (`PUT …/elements/:element_id`).
    pub async fn replace_element(
        &self,
        target: impl Into<ElementId>,
        element: &Element,
    ) -> Result<Sequence, ClientError> {
        let target = target.into();
        self.operate(|sequence, uuid| {
            let body = ReplaceElement::new(target.clone(), element, sequence).with_uuid(uuid);
            self.request(Method::PUT, format!("/elements/{target}"), &body)
        })
        .await
    }

    /// An element deleted, with its children (`DELETE …/elements/:element_id`, with a JSON
    /// body).
    pub async fn delete_element(
        &self,
        element: impl Into<ElementId>,
    ) -> Result<Sequence, ClientError> {
        let element = element.into();
        self.operate(|sequence, uuid| {
            let body = DeleteElement::new(element.clone(), sequence).with_uuid(uuid);
            self.request(Method::DELETE, format!("/elements/{element}"), &body)
        })
        .await
    }

    /// Several actions as one operation (`POST …/batch_update`), applied in order.
    pub async fn batch_update(&self, actions: &[BatchAction]) -> Result<Sequence, ClientError> {
        self.operate(|sequence, uuid| {
            let body = BatchUpdate::new(actions, sequence)?.with_uuid(uuid);
            self.request(Method::POST, "/batch_update".into(), &body)
        })
        .await
    }

    fn request(
        &self,
        method: Method,
        under_card: String,
        body: &impl Serialize,
    ) -> Result<Request, ClientError> {
        Ok(Request {
            method,
            path: format!("{CARDS}/{}{under_card}", self.card_id),
            body: json(body)?,
        })
    }

    /// One operation: `build` makes its request for a sequence (once per sequence, after the
    /// card's turn came, so that what it reads is the newest); the request is sent until
    /// Lark answers it, the same request (same `sequence`, same `uuid`) after a transient
    /// failure, a new one after a refusal of its sequence (300317).
    pub(crate) async fn operate<F>(&self, mut build: F) -> Result<Sequence, ClientError>
    where
        F: FnMut(Sequence, OperationUuid) -> Result<Request, ClientError>,
    {
        let client = &self.client;
        let retry: RetryPolicy = *client.retry_policy();
        let card = self.card_id.as_str();
        let shared = client.shared_sequences().cloned();
        let holder = &*self.holder;
        // One operation of this card at a time in this process, from its first attempt to
        // its answer.
        let mut last = self.counter.clone().lock_owned().await;
        let mut take = Take::Next { floor: *last };
        let mut current: Option<(Sequence, Request)> = None;
        let (mut failures, mut resyncs) = (0u32, 0u32);
        loop {
            let turns = client.card_turns(card).await?;
            let fleet = match &shared {
                Some(shared) => shared.take(card, holder, take).await,
                None => None,
            };
            let number = match take {
                // A retry sends its sequence again, whatever the fleet's counter says.
                Take::Again { sent } => sent,
                _ => fleet.or_else(|| local(take)).unwrap_or(0),
            };
            let sequence = match Sequence::new(i64::from(number)) {
                Ok(sequence) => sequence,
                // Past the largest sequence (or a store's answer that is none).
                Err(_) => {
                    release(&shared, card, holder).await;
                    return Err(crate::cardkit::SequenceError::Exhausted.into());
                }
            };
            *last = (*last).max(sequence.get());
            let request = match current.take() {
                Some((sent, request)) if sent == sequence => request,
                _ => match build(sequence, self.operation_uuid(sequence)) {
                    Ok(request) => request,
                    Err(error) => {
                        release(&shared, card, holder).await;
                        return Err(error);
                    }
                },
            };
            let call = Call {
                method: request.method.clone(),
                path: request.path.clone(),
                body: request.body.clone(),
                message_id: None,
                chat: None,
                card: Some(card),
            };
            current = Some((sequence, request));
            let result = client.call(call, &RetryPolicy::none(), Some(turns)).await;
            release(&shared, card, holder).await;
            let error = match result {
                Ok(_) => return Ok(sequence),
                Err(error) => error,
            };
            match error.lark_code() {
                // The counter is behind the card's (a uuid used by another operation means
                // that too): jump, twice as far each time.
                Some(LarkCode::SequenceNotIncreasing | LarkCode::UuidConflict)
                    if resyncs < RESYNCS =>
                {
                    take = Take::Jump {
                        floor: *last,
                        jump: 1 << resyncs,
                    };
                    resyncs += 1;
                    tracing::debug!(card_id = card, sequence = %sequence, "sequence or uuid refused (300317, 200770): moving the counter up");
                    continue;
                }
                Some(LarkCode::CardEntityNotFound | LarkCode::CardEntityExpired) => {
                    if let ClientError::Api(cause) = error {
                        return Err(ClientError::CardEntityGone {
                            card_id: self.card_id.clone(),
                            cause,
                        });
                    }
                    return Err(error);
                }
                _ => {}
            }
            failures += 1;
            if !error.is_transient() {
                return Err(error);
            }
            if failures >= retry.max_attempts {
                return Err(ClientError::RetriesExhausted {
                    attempts: failures,
                    last: Box::new(error),
                });
            }
            let wait = match &error {
                ClientError::Api(api) => api.retry_after.unwrap_or_else(|| retry.delay(failures)),
                _ => retry.delay(failures),
            };
            tokio::time::sleep(wait).await;
            // It may have been applied: the same sequence and uuid again.
            take = Take::Again {
                sent: sequence.get(),
            };
        }
    }
}

/// The sequence to send when no shared counter answers; `None` past the largest.
fn local(take: Take) -> Option<Last> {
    match take {
        Take::Next { floor } => floor.checked_add(1),
        Take::Again { sent } => Some(sent),
        Take::Jump { floor, jump } => floor
            .checked_add(jump.max(1))
            .or((floor < Last::MAX).then_some(Last::MAX)),
    }
}

async fn release(
    shared: &Option<Arc<dyn super::sequences::SharedSequences>>,
    card: &str,
    holder: &str,
) {
    if let Some(shared) = shared {
        shared.release(card, holder).await;
    }
}

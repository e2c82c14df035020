//! A stream into a card: push the whole text of an element as often as you like; the stream
//! sends the newest text at most 10 times a second per card, closes streaming mode on every
//! way out, and continues in a new card when the next text would not fit.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use serde_json::Value;
use tokio::sync::{watch, Notify};

use super::api::Client;
use super::cardkit::{CardEntity, Destination};
use super::error::{ClientError, ConfigError, LarkCode, Retry, WithCauses};
use crate::card::UpdateBody;
use crate::cardkit::{
    CardId, ElementId, IntoStreamTarget, Placement, Settings, StreamTarget, StreamTargetError,
    StreamingCard,
};
use crate::lark::limits::{MAX_CARD_BODY, MAX_CARD_ELEMENTS};
use crate::message_id::MessageId;
use crate::model::Element;

/// The most characters of a summary the stream makes itself (on a drop, an error, or for a
/// card it continued after): the start of the text, like a chat preview.
const SUMMARY_CHARS: usize = 60;

/// One card a stream wrote to, in order: the card entity and the message that shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamedCard {
    /// The card entity.
    pub card_id: CardId,
    /// The message it was sent as.
    pub message_id: MessageId,
}

/// What a finished stream did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamReport {
    /// The cards written to, in order: more than one when the text did not fit in one card
    /// (30 KB, 200 elements).
    pub cards: Vec<StreamedCard>,
    /// Operations Lark accepted on the card entities (texts, settings, elements added, full
    /// updates), over every card; making and sending a card are not operations.
    pub operations: u64,
    /// Times streaming mode was found closed by Lark (200850, 300309) and reopened.
    pub reopened: u64,
}

/// Where a stream stands: how much was pushed and how much of it Lark accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamProgress {
    /// Texts and elements pushed: the version of the newest.
    pub pushed: u64,
    /// Every push up to this version is on the card (accepted, or replaced by a newer text of
    /// its element that is).
    pub accepted: u64,
    /// Operations Lark accepted.
    pub operations: u64,
    /// When `accepted` last moved.
    pub at: Instant,
}

/// The progress of a stream as it changes, from [`CardStream::watch`].
#[derive(Debug)]
pub struct ProgressWatch(watch::Receiver<StreamProgress>);

impl ProgressWatch {
    /// Waits for the next change and answers the progress then (changes in between are
    /// seen as one); `None` once the stream's handle and its worker are gone.
    pub async fn changed(&mut self) -> Option<StreamProgress> {
        self.0.changed().await.ok()?;
        let progress = self.0.borrow_and_update().clone();
        Some(progress)
    }

    /// The progress now.
    pub fn now(&self) -> StreamProgress {
        self.0.borrow().clone()
    }
}

/// A text waiting: the newest pushed for an element, and the oldest push it stands for.
struct PendingText {
    target: StreamTarget,
    text: String,
    /// The newest push for the element.
    version: u64,
    /// The oldest push for it not on the card yet.
    since: u64,
}

/// What the handle and the worker share.
struct State {
    texts: Vec<PendingText>,
    appends: VecDeque<(u64, Vec<Element>)>,
    pushed: u64,
    accepted: u64,
    operations: u64,
    reopened: u64,
    cards: Vec<StreamedCard>,
    /// The card written to now.
    card_id: CardId,
    /// The summary to close with: asked by `finish`, or made up on a drop.
    closing: Option<Option<String>>,
    stopped: Option<Arc<ClientError>>,
    /// The worker ended (closed, or stopped).
    done: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Wakes the worker.
    work: Notify,
    progress: watch::Sender<StreamProgress>,
}

fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Recomputes what is accepted and tells the watchers.
    fn changed(&self, state: &mut State) {
        let oldest = state
            .texts
            .iter()
            .map(|t| t.since)
            .chain(state.appends.iter().map(|(v, _)| *v))
            .min();
        let accepted = oldest.map_or(state.pushed, |v| v.saturating_sub(1));
        let moved = accepted != state.accepted;
        state.accepted = accepted;
        let progress = StreamProgress {
            pushed: state.pushed,
            accepted,
            operations: state.operations,
            at: if moved {
                Instant::now()
            } else {
                self.progress.borrow().at
            },
        };
        self.progress.send_replace(progress);
    }
}

/// A stream of text into a card entity, from [`Client::stream`].
///
/// [`CardStream::push`] takes the *whole* text of a `markdown` element or `plain_text` text
/// object (of the card given to [`Client::stream`]) and returns at once; in the background
/// the newest text of each element is sent (older ones it replaced are not), at most
/// 10 operations a second on the card, within the app's limits. A text that extends the one
/// before is typed on from where it was (Lark's typewriter); any other text is sent as it is
/// and shows at once.
///
/// Never stuck: [`CardStream::finish`] sends what is waiting, then closes streaming mode and
/// sets the card's summary (what the chat list shows instead of "[生成中...]"). So does a
/// stream that stops on an error, and a stream dropped without `finish` (in the background,
/// with the start of its text as the summary). Streaming mode that Lark closed (200850,
/// 300309) is opened again and the text sent again; if it cannot be, the text goes as a
/// full update of the card.
///
/// Never too big: when the next text would take the card over 30 KB (counted as Lark counts
/// a card's request) or an [`append`](CardStream::append) over 200 elements, the stream
/// sends the card as much of the text as fits, closes it, and goes on in a new card sent
/// after it (to the same chat, or as a reply to the same message); the text is split, not
/// lost or repeated. Keep pushing the whole text: the part already in earlier cards is left
/// out of the new one. [`CardStream::cards`] and the report name every card.
///
/// ```no_run
/// use lark_card::client::{Client, Recipient};
///
/// # async fn run() -> Result<(), lark_card::client::ClientError> {
/// let client = Client::builder().app("cli_a1b2c3", "app secret").build()?;
/// let card = lark_card::streaming_card!({ "schema": "2.0", "body": { "elements": [
///     { "tag": "markdown", "element_id": "answer", "content": "Thinking…" }
/// ] } });
/// let stream = client.stream(&card, Recipient::chat("oc_84983ff6516d731e5b5f68d4ea2e1da5")).await?;
/// let mut answer = String::new();
/// for word in ["The ", "answer ", "is ", "42."] {
///     answer.push_str(word);
///     stream.push(&card.ids().answer, answer.as_str())?; // returns at once
/// }
/// let report = stream.finish("The answer is 42.").await?;
/// println!("{:?}", report.cards); // card ids and message ids, in order
/// # Ok(())
/// # }
/// ```
pub struct CardStream {
    shared: Arc<Shared>,
    /// The card's element ids, to refuse a target of another card before any request.
    element_ids: Arc<Vec<String>>,
}

impl core::fmt::Debug for CardStream {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardStream")
            .field("cards", &lock(&self.shared).cards)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Makes a card entity of `card` (streaming mode on), sends it to `to` (a chat or user, or
    /// a reply: [`Destination`]), and answers a [`CardStream`] into it.
    ///
    /// The card's own `streaming_config` (how text is typed) and `summary` are kept; set them
    /// in the card (see [`crate::cardkit::print_config`]). Fails if the card cannot be made
    /// or sent (nothing was streamed then), or outside a Tokio runtime.
    pub async fn stream<Ids>(
        &self,
        card: &StreamingCard<Ids>,
        to: impl Into<Destination>,
    ) -> Result<CardStream, ClientError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(ConfigError::NoRuntime)?;
        let to = to.into();
        let mut template: Value =
            serde_json::from_str(&card.card().to_content()).map_err(crate::CardError::Json)?;
        streaming_on(&mut template);
        let mut element_ids = Vec::new();
        collect_ids(&template, &mut element_ids);
        let (entity, message_id) = self.open_card(&template, &to).await?;
        let (progress, _) = watch::channel(StreamProgress {
            pushed: 0,
            accepted: 0,
            operations: 0,
            at: Instant::now(),
        });
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                texts: Vec::new(),
                appends: VecDeque::new(),
                pushed: 0,
                accepted: 0,
                operations: 0,
                reopened: 0,
                cards: vec![StreamedCard {
                    card_id: entity.card_id().clone(),
                    message_id,
                }],
                card_id: entity.card_id().clone(),
                closing: None,
                stopped: None,
                done: false,
            }),
            work: Notify::new(),
            progress,
        });
        let worker = Worker {
            shared: shared.clone(),
            to,
            model: template.clone(),
            template,
            entity,
            frozen: Vec::new(),
            shown: Vec::new(),
            full_updates: false,
        };
        runtime.spawn(worker.run());
        Ok(CardStream {
            shared,
            element_ids: Arc::new(element_ids),
        })
    }

    /// Makes a card entity of this card JSON and sends it.
    async fn open_card(
        &self,
        card: &Value,
        to: &Destination,
    ) -> Result<(CardEntity, MessageId), ClientError> {
        let card = streaming_card(card)?;
        let entity = self.create_card(&card).await?;
        let message_id = entity.send(to).await?;
        Ok((entity, message_id))
    }
}

/// A `StreamingCard` of card JSON the stream made from a checked card.
fn streaming_card(card: &Value) -> Result<StreamingCard, ClientError> {
    StreamingCard::from_json(&card.to_string()).map_err(|error| match error {
        crate::cardkit::StreamingCardError::Card(error) => ClientError::Card(error),
        // The template was a 2.0 card, and the stream keeps its schema.
        other => ClientError::Card(crate::CardError::Json(serde::de::Error::custom(other))),
    })
}

/// Turns streaming mode on in a card's `config`.
fn streaming_on(card: &mut Value) {
    if let Value::Object(map) = card {
        let config = map
            .entry("config")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(config) = config {
            config.insert("streaming_mode".into(), Value::Bool(true));
        }
    }
}

fn collect_ids(json: &Value, out: &mut Vec<String>) {
    match json {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("element_id") {
                out.push(id.clone());
            }
            map.values().for_each(|v| collect_ids(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_ids(v, out)),
        _ => {}
    }
}

/// The object of `element_id` `id` in the card.
fn element_mut<'a>(
    json: &'a mut Value,
    id: &str,
) -> Option<&'a mut serde_json::Map<String, Value>> {
    match json {
        Value::Object(map) => {
            if map.get("element_id").and_then(Value::as_str) == Some(id) {
                return Some(map);
            }
            map.values_mut().find_map(|v| element_mut(v, id))
        }
        Value::Array(items) => items.iter_mut().find_map(|v| element_mut(v, id)),
        _ => None,
    }
}

/// Sets the text of the element `id`.
fn set_text(card: &mut Value, id: &str, text: &str) {
    if let Some(element) = element_mut(card, id) {
        element.insert("content".into(), Value::String(text.to_string()));
    }
}

/// The card's size as Lark counts it for its 30 KB: the body of a request carrying the card
/// as lark-card writes it ([`crate::Card::update_body_size`]).
fn size(card: &Value) -> usize {
    match streaming_card(card) {
        Ok(card) => card.card().update_body_size(),
        // Not a card lark-card reads (it will not be sent): its JSON as it is.
        Err(_) => UpdateBody::size_of(&card.to_string()),
    }
}

/// Whether the card fits in 30 KB with a summary of [`SUMMARY_CHARS`] of the widest
/// characters set: closing it with one does not take it over.
fn fits(mut card: Value) -> bool {
    if let Value::Object(map) = &mut card {
        let config = map
            .entry("config")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(config) = config {
            let widest = "\u{10000}".repeat(SUMMARY_CHARS);
            config.insert("summary".into(), serde_json::json!({ "content": widest }));
        }
    }
    size(&card) <= MAX_CARD_BODY
}

/// How many elements the card has, as Lark counts them for its 200.
fn element_count(card: &Value) -> usize {
    serde_json::from_value::<crate::json_tree::JsonNode>(card.clone())
        .map(|tree| lark_card_schema::validate_card(&tree).elements)
        .unwrap_or(0)
}

fn body_elements(card: &mut Value) -> Option<&mut Vec<Value>> {
    card.get_mut("body")?.get_mut("elements")?.as_array_mut()
}

/// A summary made of the start of a text: its first line that has any, cut to
/// [`SUMMARY_CHARS`].
fn summary_of(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim().chars().take(SUMMARY_CHARS).collect()
}

impl CardStream {
    /// Queues the whole text of an element and returns at once; an older text of the
    /// element still waiting is replaced. Fails at once if the element is not in the card
    /// (a target of another card), if the text is empty, or if the stream stopped (its error, as [`ClientError::CardStreamStopped`]).
    pub fn push(
        &self,
        target: impl IntoStreamTarget,
        text: impl Into<String>,
    ) -> Result<(), ClientError> {
        let target = target.into_stream_target();
        let text = text.into();
        if !self.element_ids.iter().any(|id| id == target.as_str()) {
            return Err(StreamTargetError::Unknown {
                id: target.as_str().to_string(),
                suggestion: None,
            }
            .into());
        }
        // No limit on the length: the part that earlier cards do not hold is sent, and a
        // card holds far fewer than Lark's 100,000 characters of one text.
        if text.is_empty() {
            return Err(crate::cardkit::BodyError::EmptyContent.into());
        }
        let mut state = self.open()?;
        state.pushed += 1;
        let version = state.pushed;
        match state.texts.iter_mut().find(|t| t.target == target) {
            Some(pending) => {
                pending.text = text;
                pending.version = version;
            }
            None => state.texts.push(PendingText {
                target,
                text,
                version,
                since: version,
            }),
        }
        self.shared.changed(&mut state);
        drop(state);
        self.shared.work.notify_one();
        Ok(())
    }

    /// Queues elements to add at the end of the card's body (in the order queued, after the
    /// texts waiting), and returns at once. When they would take the card over 200 elements
    /// or 30 KB, they go into the next card instead.
    pub fn append(&self, elements: Vec<Element>) -> Result<(), ClientError> {
        let mut state = self.open()?;
        state.pushed += 1;
        let version = state.pushed;
        state.appends.push_back((version, elements));
        self.shared.changed(&mut state);
        drop(state);
        self.shared.work.notify_one();
        Ok(())
    }

    /// The state, if the stream still takes pushes.
    fn open(&self) -> Result<MutexGuard<'_, State>, ClientError> {
        let state = lock(&self.shared);
        if let Some(error) = &state.stopped {
            return Err(stopped(&state, error));
        }
        Ok(state)
    }

    /// The cards written to so far, in order.
    pub fn cards(&self) -> Vec<StreamedCard> {
        lock(&self.shared).cards.clone()
    }

    /// Where the stream stands.
    pub fn progress(&self) -> StreamProgress {
        self.shared.progress.borrow().clone()
    }

    /// A watcher of the stream's progress: each change as it happens (for progress displays,
    /// and to measure how long a text takes to reach the card).
    pub fn watch(&self) -> ProgressWatch {
        ProgressWatch(self.shared.progress.subscribe())
    }

    /// A future that ends when the stream has ended: closed (after [`CardStream::finish`],
    /// or in the background after a drop), or stopped by an error. It does not hold the
    /// stream open: take it, drop the stream, and await it to know the card was closed.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let shared = self.shared.clone();
        let mut watcher = shared.progress.subscribe();
        async move {
            while !lock(&shared).done {
                if watcher.changed().await.is_err() {
                    return;
                }
            }
        }
    }

    /// Waits until everything pushed so far is on the card (or the stream stopped: its
    /// error).
    pub async fn flush(&self) -> Result<(), ClientError> {
        let mut watcher = self.shared.progress.subscribe();
        let target = lock(&self.shared).pushed;
        loop {
            {
                let state = lock(&self.shared);
                if let Some(error) = &state.stopped {
                    return Err(stopped(&state, error));
                }
                if state.accepted >= target || state.done {
                    return Ok(());
                }
            }
            if watcher.changed().await.is_err() {
                return Ok(());
            }
        }
    }

    /// Sends what is waiting, then closes streaming mode and sets the summary (what the chat
    /// list shows for the card), and reports the cards. A stream that stopped on an error
    /// answers it (it closed streaming mode already, if the card could still be operated).
    pub async fn finish(self, summary: impl Into<String>) -> Result<StreamReport, ClientError> {
        self.close(Some(summary.into()));
        let mut watcher = self.shared.progress.subscribe();
        loop {
            {
                let state = lock(&self.shared);
                if let Some(error) = &state.stopped {
                    return Err(stopped(&state, error));
                }
                if state.done {
                    return Ok(StreamReport {
                        cards: state.cards.clone(),
                        operations: state.operations,
                        reopened: state.reopened,
                    });
                }
            }
            if watcher.changed().await.is_err() {
                // The worker is gone (its runtime shut down).
                let state = lock(&self.shared);
                return Ok(StreamReport {
                    cards: state.cards.clone(),
                    operations: state.operations,
                    reopened: state.reopened,
                });
            }
        }
    }

    /// Stops streaming without sending what is waiting (a text being sent still goes), then
    /// closes streaming mode and sets the summary, as [`CardStream::finish`] does: for a
    /// "Stop" button. The texts dropped count as done in [`CardStream::progress`].
    pub async fn cancel(self, summary: impl Into<String>) -> Result<StreamReport, ClientError> {
        {
            let mut state = lock(&self.shared);
            state.texts.clear();
            state.appends.clear();
            self.shared.changed(&mut state);
        }
        self.finish(summary).await
    }

    /// Asks the worker to close, with this summary (`None`: one made of the text).
    fn close(&self, summary: Option<String>) {
        let mut state = lock(&self.shared);
        if state.closing.is_none() {
            state.closing = Some(summary);
        }
        drop(state);
        self.shared.work.notify_one();
    }
}

impl Drop for CardStream {
    /// A stream dropped without [`CardStream::finish`] (a cancelled task, an early return)
    /// still sends what is waiting and closes streaming mode, in the background, with the
    /// start of its text as the summary.
    fn drop(&mut self) {
        self.close(None);
    }
}

fn stopped(state: &State, error: &Arc<ClientError>) -> ClientError {
    ClientError::CardStreamStopped {
        card_id: state.card_id.clone(),
        cause: error.clone(),
    }
}

/// What the worker does next.
enum Next {
    /// Send this element's newest text.
    Text(usize),
    /// Add the first queued elements.
    Append,
    /// Close streaming mode with this summary.
    Close(Option<String>),
    /// Wait for a push.
    Wait,
}

/// Sends one stream's texts, one operation at a time, newest text first.
struct Worker {
    shared: Arc<Shared>,
    to: Destination,
    /// The card as given, streaming mode on: what a new card starts from.
    template: Value,
    /// The card as Lark has it now.
    model: Value,
    entity: CardEntity,
    /// Per element: the part of its text that earlier cards hold.
    frozen: Vec<(ElementId, String)>,
    /// Per element: the text the current card shows (of what was streamed), and the whole
    /// text that this card and the earlier ones hold together.
    shown: Vec<(ElementId, Shown)>,
    /// Streaming mode could not be reopened: texts go as full updates.
    full_updates: bool,
}

/// What the current card shows of an element.
#[derive(Clone)]
struct Shown {
    /// The element's text in this card.
    text: String,
    /// The start of the pushed text that the cards so far hold: earlier cards, then `text`.
    through: String,
}

/// `text` without `prefix`, if it starts with it; else the whole text.
/// The length in bytes of the longest start `text` and `other` share (at a character
/// boundary).
fn common_start(text: &str, other: &str) -> usize {
    text.char_indices()
        .zip(other.chars())
        .find(|((_, a), b)| a != b)
        .map_or_else(|| text.len().min(other.len()), |((i, _), _)| i)
}

impl Worker {
    fn client(&self) -> &Client {
        self.entity.client()
    }

    fn frozen(&self, id: &ElementId) -> &str {
        self.frozen
            .iter()
            .find(|(e, _)| e == id)
            .map_or("", |(_, t)| t.as_str())
    }

    fn shown(&self, id: &ElementId) -> Option<&str> {
        self.shown
            .iter()
            .find(|(e, _)| e == id)
            .map(|(_, s)| s.text.as_str())
    }

    /// Records that the card shows `text` for `id`: the end of `through`, the start of the
    /// pushed text the cards so far hold.
    fn set_shown(&mut self, id: &ElementId, text: &str, through: &str) {
        set_text(&mut self.model, id.as_str(), text);
        let shown = Shown {
            text: text.to_string(),
            through: through.to_string(),
        };
        match self.shown.iter_mut().find(|(e, _)| e == id) {
            Some((_, s)) => *s = shown,
            None => self.shown.push((id.clone(), shown)),
        }
    }

    /// The part of `text` for the current card: what follows the start it shares with what
    /// earlier cards hold (all of it but that part, for a text that extends it).
    fn visible<'a>(&self, id: &ElementId, text: &'a str) -> &'a str {
        &text[common_start(text, self.frozen(id))..]
    }

    /// The current card is closed with what it shows: the earlier cards hold that now.
    fn freeze(&mut self) {
        for (element, shown) in std::mem::take(&mut self.shown) {
            match self.frozen.iter_mut().find(|(e, _)| *e == element) {
                Some((_, t)) => *t = shown.through,
                None => self.frozen.push((element, shown.through)),
            }
        }
    }

    /// Whether the card with `text` in `id` fits in 30 KB, with room for the summary it is
    /// closed with.
    fn fits(&self, id: &ElementId, text: &str) -> bool {
        let mut card = self.model.clone();
        set_text(&mut card, id.as_str(), text);
        fits(card)
    }

    async fn run(mut self) {
        loop {
            let next = self.next().await;
            let result = match next {
                Next::Wait => continue,
                Next::Text(i) => self.send_text(i).await,
                Next::Append => self.send_append().await,
                Next::Close(summary) => {
                    let result = self.close(summary).await;
                    let mut state = lock(&self.shared);
                    if let Err(error) = result {
                        tracing::warn!(card_id = %self.entity.card_id(), error = %WithCauses(&error), "closing the card's streaming mode failed");
                        state.stopped.get_or_insert_with(|| Arc::new(error));
                    }
                    state.done = true;
                    self.shared.changed(&mut state);
                    return;
                }
            };
            if let Err(error) = result {
                self.stop(error).await;
                return;
            }
        }
    }

    /// Waits for work, and says which.
    async fn next(&self) -> Next {
        // A push between the look and the wait leaves a permit: the wait ends at once.
        let notified = self.shared.work.notified();
        {
            let state = lock(&self.shared);
            // The element whose waiting text is the oldest goes first.
            if let Some((i, _)) = state.texts.iter().enumerate().min_by_key(|(_, t)| t.since) {
                let first_append = state.appends.front().map_or(u64::MAX, |(v, _)| *v);
                if state.texts[i].since < first_append {
                    return Next::Text(i);
                }
            }
            if !state.appends.is_empty() {
                return Next::Append;
            }
            if let Some(summary) = &state.closing {
                return Next::Close(summary.clone());
            }
        }
        notified.await;
        Next::Wait
    }

    /// Sends the newest text of the `i`th waiting element: read again when the card's turn
    /// came, so that a text pushed while waiting goes instead.
    async fn send_text(&mut self, i: usize) -> Result<(), ClientError> {
        let (target, text, version) = {
            let state = lock(&self.shared);
            let Some(pending) = state.texts.get(i) else {
                return Ok(());
            };
            (
                pending.target.clone(),
                pending.text.clone(),
                pending.version,
            )
        };
        let id = target.element_id().clone();
        let visible = self.visible(&id, &text).to_string();
        if !self.fits(&id, &visible) {
            return self.roll_over_text(&target, &text).await;
        }
        if visible.is_empty() || self.shown(&id) == Some(visible.as_str()) {
            // Already on the card, or held whole by earlier cards (a text that went back to a
            // start of what they hold): nothing for this card.
            self.accepted(&target, version, false);
            return Ok(());
        }
        if self.full_updates {
            self.full_update_with(&id, &visible).await?;
            self.set_shown(&id, &visible, &text);
            self.accepted(&target, version, true);
            return Ok(());
        }
        let mut sent = (visible, version, text);
        let result = {
            let this = &*self;
            let sent = &mut sent;
            this.entity
                .stream_newest(&target, || {
                    let newest = lock(&this.shared)
                        .texts
                        .iter()
                        .find(|t| t.target == target)
                        .map(|t| (t.text.clone(), t.version));
                    if let Some((text, version)) = newest {
                        let visible = this.visible(&id, &text);
                        if version != sent.1 && this.fits(&id, visible) {
                            *sent = (visible.to_string(), version, text.clone());
                        }
                    }
                    sent.0.clone()
                })
                .await
        };
        let (visible, version, text) = sent;
        match result {
            Ok(_) => {}
            Err(error) if error.lark_code().map(LarkCode::retry) == Some(Retry::Reopen) => {
                self.reopen_and_send(&target, &visible, error).await?;
            }
            Err(error) => return Err(error),
        }
        self.set_shown(&id, &visible, &text);
        self.accepted(&target, version, true);
        Ok(())
    }

    /// Streams a text, reopening streaming mode if Lark closed it.
    async fn stream(&mut self, target: &StreamTarget, text: &str) -> Result<(), ClientError> {
        match self.entity.stream_text(target, text).await {
            Ok(_) => Ok(()),
            Err(error) if error.lark_code().map(LarkCode::retry) == Some(Retry::Reopen) => {
                self.reopen_and_send(target, text, error).await
            }
            Err(error) => Err(error),
        }
    }

    /// Lark refused a text because streaming mode is closed (200850, 300309): reopen it and
    /// send the text again; if it cannot be reopened (or is refused again), the text goes as
    /// a full update of the card, and so does every later one.
    async fn reopen_and_send(
        &mut self,
        target: &StreamTarget,
        text: &str,
        refused: ClientError,
    ) -> Result<(), ClientError> {
        tracing::debug!(card_id = %self.entity.card_id(), code = ?refused.lark_code(), "streaming mode was closed: reopening it");
        match self.entity.settings(&Settings::streaming(true)).await {
            Ok(_) => {
                self.count(1);
                lock(&self.shared).reopened += 1;
                match self.entity.stream_text(target, text).await {
                    Ok(_) => return Ok(()),
                    Err(error) if error.lark_code().map(LarkCode::retry) == Some(Retry::Reopen) => {
                    }
                    Err(error) => return Err(error),
                }
            }
            Err(reopen) => {
                tracing::debug!(error = %WithCauses(&reopen), "reopening streaming mode failed: full updates from now on");
            }
        }
        self.full_updates = true;
        self.full_update_with(target.element_id(), text).await
    }

    /// The whole card, with `text` in `id`, as a full update.
    async fn full_update_with(&mut self, id: &ElementId, text: &str) -> Result<(), ClientError> {
        let mut card = self.model.clone();
        set_text(&mut card, id.as_str(), text);
        let card = streaming_card(&card)?;
        self.entity.full_update(&card).await?;
        Ok(())
    }

    /// Records that the text of `target` up to `version` is on the card.
    fn accepted(&self, target: &StreamTarget, version: u64, operation: bool) {
        let mut state = lock(&self.shared);
        if operation {
            state.operations += 1;
        }
        if let Some(at) = state.texts.iter().position(|t| &t.target == target) {
            if state.texts[at].version == version {
                state.texts.remove(at);
            } else {
                state.texts[at].since = version + 1;
            }
        }
        self.shared.changed(&mut state);
    }

    fn count(&self, operations: u64) {
        let mut state = lock(&self.shared);
        state.operations += operations;
        self.shared.changed(&mut state);
    }

    /// The text does not fit: the card gets as much as fits (cut after a line if one ends in
    /// the last quarter of it), is closed, and a new card goes on with the rest.
    async fn roll_over_text(
        &mut self,
        target: &StreamTarget,
        text: &str,
    ) -> Result<(), ClientError> {
        let id = target.element_id().clone();
        let held = common_start(text, self.frozen(&id));
        let visible = text[held..].to_string();
        let shown = self.shown(&id).unwrap_or("").to_string();
        // The longest start of the text that fits (sizes grow with the length).
        let bounds: Vec<usize> = visible
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(visible.len()))
            .collect();
        let (mut low, mut high) = (0usize, bounds.len() - 1);
        while low < high {
            let mid = (low + high).div_ceil(2);
            if self.fits(&id, &visible[..bounds[mid]]) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        let mut cut = bounds[low];
        if let Some(line) = visible[..cut].rfind('\n') {
            if line + 1 >= cut - cut / 4 && line + 1 > shown.len().min(cut) {
                cut = line + 1;
            }
        }
        // What the card shows cannot be taken back: never cut before it.
        if visible.starts_with(&shown) && cut < shown.len() {
            cut = shown.len();
        }
        if cut == 0 && self.shown.is_empty() {
            // A new card with nothing streamed yet, and no room for one character: a new
            // card would be no roomier.
            let mut card = self.model.clone();
            set_text(&mut card, id.as_str(), &visible);
            return Err(crate::CardError::TooLarge {
                size: size(&card),
                limit: MAX_CARD_BODY,
            }
            .into());
        }
        let head = &visible[..cut];
        if !head.is_empty() && head != shown {
            if self.full_updates {
                self.full_update_with(&id, head).await?;
            } else {
                self.stream(target, head).await?;
            }
            self.count(1);
        }
        // The card holds the text up to the cut (or what it showed, if nothing was added).
        self.set_shown(&id, head, &text[..held + cut]);
        self.next_card(None).await
    }

    /// The first queued elements: added, or into a new card if they do not fit.
    async fn send_append(&mut self) -> Result<(), ClientError> {
        let Some((version, elements)) = lock(&self.shared).appends.front().cloned() else {
            return Ok(());
        };
        let mut card = self.model.clone();
        let values: Vec<Value> = elements
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect();
        if let Some(list) = body_elements(&mut card) {
            list.extend(values.iter().cloned());
        }
        let added = element_count(&card) <= MAX_CARD_ELEMENTS && fits(card.clone());
        if added {
            self.entity
                .add_elements(&Placement::Append(None), &elements)
                .await?;
            self.model = card;
        } else {
            // This card is closed whole with what it shows; the elements open the next.
            self.next_card(Some(values)).await?;
        }
        let mut state = lock(&self.shared);
        if added {
            state.operations += 1;
        }
        if state.appends.front().is_some_and(|(v, _)| *v == version) {
            state.appends.pop_front();
        }
        self.shared.changed(&mut state);
        Ok(())
    }

    /// Closes the current card (the earlier cards hold what it shows from then on) and goes
    /// on in a new one, made of the card given (with `elements` added at the end of its body),
    /// sent after it.
    async fn next_card(&mut self, elements: Option<Vec<Value>>) -> Result<(), ClientError> {
        let summary = self
            .shown
            .iter()
            .map(|(_, s)| summary_of(&s.text))
            .find(|s| !s.is_empty());
        self.close(summary).await?;
        self.freeze();
        let mut card = self.template.clone();
        if let Some(elements) = elements {
            if let Some(list) = body_elements(&mut card) {
                list.extend(elements);
            }
        }
        let (entity, message_id) = self.client().open_card(&card, &self.to).await?;
        tracing::debug!(from = %self.entity.card_id(), to = %entity.card_id(), "the stream goes on in a new card");
        self.entity = entity;
        self.model = card;
        self.shown.clear();
        let mut state = lock(&self.shared);
        state.cards.push(StreamedCard {
            card_id: self.entity.card_id().clone(),
            message_id,
        });
        state.card_id = self.entity.card_id().clone();
        self.shared.changed(&mut state);
        Ok(())
    }

    /// Closes streaming mode and sets the summary (`None`: the start of the text).
    async fn close(&mut self, summary: Option<String>) -> Result<(), ClientError> {
        let summary = summary.unwrap_or_else(|| {
            self.shown
                .iter()
                .map(|(_, s)| summary_of(&s.text))
                .find(|s| !s.is_empty())
                .unwrap_or_default()
        });
        let closing = Settings::streaming(false);
        if summary.is_empty() {
            self.entity.settings(&closing).await?;
        } else {
            match self
                .entity
                .settings(&closing.clone().with_summary(summary))
                .await
            {
                // A summary too long for the room left: closed without it, rather than not.
                Err(error) if error.lark_code() == Some(LarkCode::CardEntityTooLarge) => {
                    tracing::debug!(card_id = %self.entity.card_id(), "the summary does not fit in the card: closing without it");
                    self.entity.settings(&closing).await?;
                }
                other => {
                    other?;
                }
            }
        }
        self.count(1);
        Ok(())
    }

    /// The stream stopped on `error`: streaming mode is closed if the card can still be
    /// operated, and later pushes are refused with the error.
    async fn stop(&mut self, error: ClientError) {
        tracing::warn!(card_id = %self.entity.card_id(), error = %WithCauses(&error), "card stream stopped");
        let gone = matches!(error, ClientError::CardEntityGone { .. });
        let error = Arc::new(error);
        {
            let mut state = lock(&self.shared);
            state.stopped = Some(error.clone());
            self.shared.changed(&mut state);
        }
        if !gone {
            let summary = lock(&self.shared).closing.clone().flatten();
            if let Err(close) = self.close(summary).await {
                tracing::warn!(error = %WithCauses(&close), "closing the card's streaming mode failed");
            }
        }
        let mut state = lock(&self.shared);
        state.done = true;
        self.shared.changed(&mut state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_start_ends_at_a_character_boundary() {
        assert_eq!(common_start("naïve text", "naïve tex"), "naïve tex".len());
        assert_eq!(common_start("naïve", "naive"), 2);
        assert_eq!(common_start("abc", "abcdef"), 3);
        assert_eq!(common_start("", "abc"), 0);
        // 'é' and 'ê' share their first byte: the start ends before them, not inside.
        assert_eq!(common_start("café", "cafê"), 3);
    }

    #[test]
    fn a_made_summary_is_the_first_line_with_text_cut_short() {
        assert_eq!(summary_of("\n  \n  First line  \nsecond"), "First line");
        assert_eq!(summary_of(&"é".repeat(100)).chars().count(), SUMMARY_CHARS);
        assert_eq!(summary_of(""), "");
    }

    #[test]
    fn a_card_with_room_for_a_summary_fits() {
        let small = serde_json::json!({ "schema": "2.0", "body": { "elements": [
            { "tag": "markdown", "element_id": "a", "content": "x" }
        ] } });
        assert!(fits(small.clone()));
        let mut big = small;
        set_text(&mut big, "a", &"x".repeat(MAX_CARD_BODY));
        assert!(!fits(big));
    }
}

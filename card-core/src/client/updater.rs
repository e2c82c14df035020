//! Streaming and progress cards: push new states as fast as you like; per message, the
//! updater sends them in order, keeps only the latest state waiting, stays within Lark's
//! 5 updates per second, and always delivers the final state.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, watch};

use super::api::Client;
use super::error::{ClientError, ConfigError, LarkCode, WithCauses};
use super::retry::RetryPolicy;
use crate::card::{UpdatableCard, UpdateBody};
use crate::message_id::MessageId;

/// Deliveries kept for a slow subscriber before the oldest are dropped. The buffer is
/// allocated in full when the first subscriber asks ([`Updater::deliveries`]), and not
/// before: most updaters have none.
const DELIVERY_BUFFER: usize = 1 << 16;

/// How long a message's latest state is retried through transient failures (frequency
/// limits, 5xx, timeouts) before the updater reports it undeliverable.
const GIVE_UP_AFTER: Duration = Duration::from_secs(120);

/// Sends the states pushed for each message, coalesced to the latest.
///
/// ```no_run
/// use lark_card::{card, client::Client, MessageId};
///
/// # async fn run(client: Client, id: MessageId) -> Result<(), lark_card::client::ClientError> {
/// let updater = client.updater();
/// for percent in 0..=100 {
///     let card = card!({ "schema": "2.0", "body": { "elements": [
///         { "tag": "markdown", "content": (format!("{percent}%")) }
///     ] } });
///     updater.push(&id, &card)?; // returns at once; sending happens in the background
/// }
/// updater.flush(&id).await?; // the 100% state has been accepted by Lark
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Updater {
    client: Client,
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    streams: Mutex<HashMap<MessageId, Stream>>,
    /// Streams that delivered everything and were idle for a message's window: forgotten.
    retired: Mutex<usize>,
    changed: watch::Sender<u64>,
    /// Created by the first subscriber.
    delivered: OnceLock<broadcast::Sender<Delivery>>,
}

/// A state Lark accepted: which message, which version (the count of states pushed for it
/// when this one was), and when the answer came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The message the state was delivered to.
    pub message_id: MessageId,
    /// The state's version: 1 for the first state pushed, and so on.
    pub version: u64,
    /// When Lark's answer arrived.
    pub at: Instant,
}

/// The states Lark accepted, in order, from [`Updater::deliveries`].
#[derive(Debug)]
pub struct Deliveries(broadcast::Receiver<Delivery>);

/// What [`Deliveries::next`] gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivered {
    /// A state Lark accepted.
    State(Delivery),
    /// This many deliveries were dropped because the subscriber fell behind.
    Missed(u64),
}

impl Deliveries {
    /// The next delivery; `None` once the updater and all its streams are gone.
    pub async fn next(&mut self) -> Option<Delivered> {
        match self.0.recv().await {
            Ok(delivery) => Some(Delivered::State(delivery)),
            Err(broadcast::error::RecvError::Lagged(missed)) => Some(Delivered::Missed(missed)),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

#[derive(Debug, Default)]
struct Stream {
    /// The latest state not yet sent: its version, body and when it was pushed.
    pending: Option<(u64, UpdateBody, Instant)>,
    pushed: u64,
    delivered: u64,
    requests: u64,
    running: bool,
    stopped: Option<Stopped>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Stopped {
    code: Option<LarkCode>,
    reason: String,
}

/// Where one message's stream stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamStatus {
    /// States pushed (the version of the latest).
    pub pushed: u64,
    /// The version of the latest state Lark accepted (0: none yet).
    pub delivered: u64,
    /// Update requests Lark accepted (states skipped by coalescing are not sent).
    pub sent: u64,
    /// Whether a state is waiting to be sent.
    pub pending: bool,
    /// The terminal error that stopped the stream, if any: its code and message.
    pub stopped: Option<(Option<LarkCode>, String)>,
}

/// The end state of every stream of an updater.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdaterReport {
    /// Each message still tracked (or stopped), with its stream's status.
    pub streams: Vec<(MessageId, StreamStatus)>,
    /// Streams no longer in `streams`: they delivered their final state, then nothing was
    /// pushed for a message's window (Lark's per-message window), so they were forgotten.
    pub retired: usize,
}

impl UpdaterReport {
    /// Whether every stream delivered its final state.
    pub fn all_delivered(&self) -> bool {
        self.streams
            .iter()
            .all(|(_, s)| s.stopped.is_none() && s.delivered == s.pushed)
    }
}

fn lock_retired(shared: &Shared) -> MutexGuard<'_, usize> {
    shared
        .retired
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn lock(shared: &Shared) -> MutexGuard<'_, HashMap<MessageId, Stream>> {
    // A worker never panics while holding the lock, but a poisoned map is still consistent.
    shared
        .streams
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Updater {
    pub(crate) fn new(client: Client) -> Self {
        let (changed, _) = watch::channel(0);
        Updater {
            client,
            shared: Arc::new(Shared {
                streams: Mutex::new(HashMap::new()),
                retired: Mutex::new(0),
                changed,
                delivered: OnceLock::new(),
            }),
        }
    }

    /// Queues a new state of a message's card and returns at once. An older state still
    /// waiting is replaced (it would be overwritten anyway). Fails at once if the card is over
    /// 30 KB, if the stream was stopped by a terminal error, or outside a Tokio runtime.
    pub fn push(
        &self,
        message_id: &MessageId,
        card: &impl UpdatableCard,
    ) -> Result<(), ClientError> {
        let body = UpdateBody::new(card)?;
        let runtime = tokio::runtime::Handle::try_current().map_err(ConfigError::NoRuntime)?;
        let start_worker = {
            let mut streams = lock(&self.shared);
            let stream = streams.entry(message_id.clone()).or_default();
            if let Some(stopped) = &stream.stopped {
                return Err(stopped_error(message_id, stopped));
            }
            stream.pushed += 1;
            stream.pending = Some((stream.pushed, body, Instant::now()));
            !std::mem::replace(&mut stream.running, true)
        };
        if start_worker {
            let worker = Worker {
                client: self.client.clone(),
                shared: self.shared.clone(),
                message_id: message_id.clone(),
            };
            runtime.spawn(worker.run());
        }
        self.shared.changed.send_modify(|n| *n += 1);
        Ok(())
    }

    /// Every state Lark accepts from now on, as it happens (for progress displays and for
    /// measuring staleness). A subscriber that falls more than 65536 deliveries behind loses
    /// the oldest, and is told how many.
    pub fn deliveries(&self) -> Deliveries {
        Deliveries(
            self.shared
                .delivered
                .get_or_init(|| broadcast::channel(DELIVERY_BUFFER).0)
                .subscribe(),
        )
    }

    /// Where a message's stream stands, if anything was pushed for it. A stream that
    /// delivered its final state and then had nothing pushed for a message's window is
    /// forgotten (`None`; counted in [`UpdaterReport::retired`]); a later push starts it
    /// again, its versions from 1.
    pub fn status(&self, message_id: &MessageId) -> Option<StreamStatus> {
        lock(&self.shared).get(message_id).map(status)
    }

    /// Waits until every stream that delivered its final state is forgotten: the test of
    /// that forgetting, without a sleep.
    #[doc(hidden)]
    pub async fn until_delivered_streams_are_forgotten(&self) {
        let mut changes = self.shared.changed.subscribe();
        loop {
            let tracked = lock(&self.shared)
                .values()
                .filter(|stream| stream.stopped.is_none())
                .count();
            if tracked == 0 || changes.changed().await.is_err() {
                return;
            }
        }
    }

    /// Waits until the latest state pushed for the message so far is accepted by Lark, or
    /// the stream is stopped by a terminal error (returned).
    pub async fn flush(&self, message_id: &MessageId) -> Result<(), ClientError> {
        let mut changes = self.shared.changed.subscribe();
        let target = match lock(&self.shared).get(message_id) {
            Some(stream) => stream.pushed,
            None => return Ok(()),
        };
        loop {
            {
                let streams = lock(&self.shared);
                let Some(stream) = streams.get(message_id) else {
                    return Ok(());
                };
                if let Some(stopped) = &stream.stopped {
                    return Err(stopped_error(message_id, stopped));
                }
                if stream.delivered >= target || !stream.running && stream.pending.is_none() {
                    return Ok(());
                }
            }
            if changes.changed().await.is_err() {
                return Ok(());
            }
        }
    }

    /// Waits until every stream has delivered its latest state or stopped, and reports each.
    pub async fn finish(&self) -> UpdaterReport {
        let ids: Vec<MessageId> = lock(&self.shared).keys().cloned().collect();
        for id in &ids {
            // A stopped stream is in the report; nothing else to do with its error here.
            let _ = self.flush(id).await;
        }
        let streams = lock(&self.shared);
        let mut report: Vec<(MessageId, StreamStatus)> = streams
            .iter()
            .map(|(id, stream)| (id.clone(), status(stream)))
            .collect();
        drop(streams);
        report.sort_by(|a, b| a.0.cmp(&b.0));
        UpdaterReport {
            streams: report,
            retired: *lock_retired(&self.shared),
        }
    }
}

impl Client {
    /// An updater for streaming and progress cards (see [`Updater`]).
    pub fn updater(&self) -> Updater {
        Updater::new(self.clone())
    }
}

fn status(stream: &Stream) -> StreamStatus {
    StreamStatus {
        pushed: stream.pushed,
        delivered: stream.delivered,
        sent: stream.requests,
        pending: stream.pending.is_some(),
        stopped: stream.stopped.as_ref().map(|s| (s.code, s.reason.clone())),
    }
}

fn stopped_error(message_id: &MessageId, stopped: &Stopped) -> ClientError {
    ClientError::StreamStopped {
        message_id: message_id.to_string(),
        code: stopped.code,
        reason: stopped.reason.clone(),
    }
}

/// Ends a stream after an error: what is pending is dropped, later pushes are refused.
fn stop(stream: &mut Stream, error: &ClientError) {
    stream.stopped = Some(Stopped {
        code: error.lark_code(),
        reason: WithCauses(error).to_string(),
    });
    stream.pending = None;
    stream.running = false;
}

/// What a worker does after an answer.
enum Step {
    /// Send the next state.
    Next,
    /// Wait, then send the newest state.
    Wait(Duration),
    /// The stream is over.
    Stop,
}

/// Sends one message's states, one request at a time, newest first.
struct Worker {
    client: Client,
    shared: Arc<Shared>,
    message_id: MessageId,
}

impl Worker {
    async fn run(self) {
        let mut first_failure: Option<Instant> = None;
        let mut failures: u32 = 0;
        loop {
            // The turn first, then the newest state: a state pushed while waiting goes out.
            let turns = self.client.turns(&self.message_id).await;
            let next = {
                let mut streams = lock(&self.shared);
                let Some(stream) = streams.get_mut(&self.message_id) else {
                    return;
                };
                match stream.pending.take() {
                    Some(next) => Ok(next),
                    None => {
                        stream.running = false;
                        Err(stream.pushed)
                    }
                }
            };
            let next = match next {
                Ok(next) => next,
                Err(idle_at) => {
                    self.shared.changed.send_modify(|n| *n += 1);
                    self.retire_when_idle(idle_at).await;
                    return;
                }
            };
            let (version, body, pushed_at) = next;
            // One attempt at a time: after a transient failure the newest state is retried,
            // not the one that failed.
            let result = match turns {
                Ok(turns) => {
                    self.client
                        .update_body(
                            &self.message_id,
                            body.clone(),
                            &RetryPolicy::none(),
                            Some(turns),
                        )
                        .await
                }
                // No token: the state is kept or the stream stopped, as for a failed update.
                Err(error) => Err(error),
            };
            // The lock is taken and released in this block, never held across an await.
            let step = {
                let mut streams = lock(&self.shared);
                let Some(stream) = streams.get_mut(&self.message_id) else {
                    return;
                };
                self.settle(
                    stream,
                    result,
                    (version, body, pushed_at),
                    &mut failures,
                    &mut first_failure,
                )
            };
            self.shared.changed.send_modify(|n| *n += 1);
            match step {
                Step::Next => {}
                Step::Wait(wait) => tokio::time::sleep(wait).await,
                Step::Stop => return,
            }
        }
    }

    /// Forgets the stream if nothing is pushed for a message's window (a push within it
    /// would wait for the window anyway): its entry would otherwise stay for as long as the
    /// updater. `idle_at` is the count of states pushed when the stream went idle; a push
    /// since then started a new worker, which forgets the stream in its turn.
    async fn retire_when_idle(&self, idle_at: u64) {
        tokio::time::sleep(self.client.limits().per_message_window).await;
        let retired = {
            let mut streams = lock(&self.shared);
            let idle = streams.get(&self.message_id).is_some_and(|stream| {
                stream.pushed == idle_at
                    && !stream.running
                    && stream.pending.is_none()
                    && stream.stopped.is_none()
            });
            if idle {
                streams.remove(&self.message_id);
                *lock_retired(&self.shared) += 1;
            }
            idle
        };
        if retired {
            self.shared.changed.send_modify(|n| *n += 1);
        }
    }

    /// Records the answer to one request in the stream, and says what to do next.
    fn settle(
        &self,
        stream: &mut Stream,
        result: Result<(), ClientError>,
        sent: (u64, UpdateBody, Instant),
        failures: &mut u32,
        first_failure: &mut Option<Instant>,
    ) -> Step {
        let version = sent.0;
        match result {
            Ok(()) => {
                *failures = 0;
                *first_failure = None;
                stream.delivered = version;
                stream.requests += 1;
                if let Some(delivered) = self.shared.delivered.get() {
                    // Nobody listening is fine.
                    let _ = delivered.send(Delivery {
                        message_id: self.message_id.clone(),
                        version,
                        at: Instant::now(),
                    });
                }
                Step::Next
            }
            Err(error) if error.is_transient() => {
                let since = *first_failure.get_or_insert_with(Instant::now);
                if since.elapsed() > GIVE_UP_AFTER {
                    stop(stream, &error);
                    return Step::Stop;
                }
                // Keep the state unless a newer one came meanwhile.
                if stream.pending.is_none() {
                    stream.pending = Some(sent);
                }
                let wait = match &error {
                    // 230020: Lark did not count the request, so its slot is still free; the
                    // next turn waits for the window's next free slot, no more.
                    _ if error.lark_code() == Some(LarkCode::MessageRateLimited) => None,
                    // HTTP 429: the gateway says when its window has room.
                    ClientError::Api(api) if api.retry_after.is_some() => api.retry_after,
                    // 5xx, timeouts: the request counts in the windows, so the next turn is
                    // already a slot later; only failures in a row back off, exponentially.
                    _ => {
                        *failures += 1;
                        (*failures > 1).then(|| self.client.retry_policy().delay(*failures - 1))
                    }
                };
                wait.map_or(Step::Next, Step::Wait)
            }
            Err(error) => {
                tracing::warn!(message_id = %self.message_id, error = %WithCauses(&error), "update stream stopped");
                stop(stream, &error);
                Step::Stop
            }
        }
    }
}

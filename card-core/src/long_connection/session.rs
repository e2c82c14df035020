//! One open connection: frames in, pings and answers out, handlers run concurrently.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{Sink, SinkExt as _, Stream, StreamExt as _};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{self, Message};

use lark_card_schema::lark::long_connection as facts;

use super::config::ClientConfig;
use super::error::LongConnectionError;
use super::event::{self, Event, Incoming, MessageReceived};
use super::fragments::{FragmentLimits, Fragments};
use super::frame::{answer_payload, Frame, METHOD_CONTROL, METHOD_DATA};
use super::reconnect::{current, stopped};
use super::stats::{bump, Counters};
use crate::callback::{Answer, CallbackToken, CardAction};
use crate::client::{Client, WithCauses};

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
pub(crate) type CardHandler = Arc<dyn Fn(CardAction) -> BoxFuture<Answer> + Send + Sync>;
pub(crate) type MessageHandler = Arc<dyn Fn(MessageReceived) -> BoxFuture<()> + Send + Sync>;
pub(crate) type EventHandler = Arc<dyn Fn(Event) -> BoxFuture<()> + Send + Sync>;

/// What every connection of a [`LongConnection`](super::LongConnection) shares.
pub(crate) struct Shared {
    pub(crate) card: Option<CardHandler>,
    pub(crate) message: Option<MessageHandler>,
    pub(crate) event: Option<EventHandler>,
    pub(crate) answer_within: Duration,
    /// The default answer's JSON, sent when the card handler is slow.
    pub(crate) default_answer: String,
    pub(crate) fragment_limits: FragmentLimits,
    pub(crate) drain_within: Duration,
    /// With one, a ping without a pong within it drops the connection.
    pub(crate) pong_timeout: Option<Duration>,
    pub(crate) config: Arc<Mutex<ClientConfig>>,
    pub(crate) counters: Counters,
    /// Sends the card of a late answer with the delayed update.
    pub(crate) client: Client,
}

/// How a connection ended.
#[derive(Debug)]
pub(crate) enum End {
    /// Shutdown was asked; the answers in flight went out, the socket was closed.
    Shutdown,
    /// The connection broke.
    Dropped(LongConnectionError),
}

/// What a handler gave, in time or not.
enum Outcome<T> {
    Done(T),
    Failed,
    /// The handler goes on, on its task.
    Late(tokio::task::JoinHandle<T>),
}

/// Runs a handler on a task of its own (so a panic is a 500, not a dead connection) and
/// waits for it at most `within`; a late handler goes on.
async fn within<T: Send + 'static>(handler: BoxFuture<T>, within: Duration) -> Outcome<T> {
    let mut task = tokio::spawn(handler);
    match tokio::time::timeout(within, &mut task).await {
        Ok(Ok(value)) => Outcome::Done(value),
        Ok(Err(_)) => Outcome::Failed,
        Err(_) => Outcome::Late(task),
    }
}

/// A card handler's answer after the default answer went: its card goes with the delayed
/// update and the action's token (a delayed update may only follow the answer, as here).
async fn late_answer(
    shared: Arc<Shared>,
    token: CallbackToken,
    task: tokio::task::JoinHandle<Answer>,
) {
    let Ok(mut answer) = task.await else {
        bump(&shared.counters.failures);
        tracing::error!("the card handler panicked after the default answer went");
        return;
    };
    let Some(card) = answer.take_card() else {
        return;
    };
    let sent = match card.content() {
        Ok(content) => shared
            .client
            .update_content_later(&token, &content)
            .await
            .map_err(|error| WithCauses(&error).to_string()),
        Err(error) => Err(WithCauses(&error).to_string()),
    };
    match sent {
        Ok(()) => {
            bump(&shared.counters.late_updates);
            tracing::info!("the late answer's card went with the delayed update");
        }
        Err(error) => {
            bump(&shared.counters.late_updates_lost);
            tracing::warn!(%error, "the late answer's card could not be sent");
        }
    }
}

/// The answer to an event's payload: the HTTP-like code and the answer's JSON.
pub(crate) async fn answer(shared: &Arc<Shared>, payload: &[u8]) -> (u16, Option<String>) {
    let counters = &shared.counters;
    let incoming = match event::read(payload) {
        Ok(incoming) => incoming,
        Err(error) => {
            bump(&counters.failures);
            tracing::warn!(%error, "an event that cannot be read was answered 500");
            return (500, None);
        }
    };
    let ack = |outcome: Outcome<()>, what: &str| match outcome {
        Outcome::Done(()) => {
            bump(&counters.events);
            (200, None)
        }
        Outcome::Failed => {
            bump(&counters.failures);
            tracing::error!(event = what, "the event handler panicked: answered 500");
            (500, None)
        }
        Outcome::Late(_) => {
            bump(&counters.events);
            tracing::info!(
                event = what,
                "the event handler is slow: acknowledged, it goes on"
            );
            (200, None)
        }
    };
    match incoming {
        Incoming::Card(action) => {
            let Some(handler) = &shared.card else {
                bump(&counters.card_actions);
                return (200, Some("{}".to_owned()));
            };
            let token = action.token.clone();
            match within(handler(*action), shared.answer_within).await {
                Outcome::Done(answer) => match answer.to_json() {
                    Ok(json) => {
                        bump(&counters.card_actions);
                        (200, Some(json))
                    }
                    Err(error) => {
                        bump(&counters.failures);
                        tracing::error!(%error, "the card handler's answer cannot be written: answered 500");
                        (500, None)
                    }
                },
                Outcome::Failed => {
                    bump(&counters.failures);
                    tracing::error!("the card handler panicked: answered 500");
                    (500, None)
                }
                Outcome::Late(task) => {
                    bump(&counters.answered_by_default);
                    tracing::info!("the card handler is slow: the default answer goes");
                    tokio::spawn(late_answer(shared.clone(), token, task));
                    (200, Some(shared.default_answer.clone()))
                }
            }
        }
        Incoming::Message(message) => match &shared.message {
            Some(handler) => ack(
                within(handler(*message), shared.answer_within).await,
                event::IM_MESSAGE_RECEIVE_V1,
            ),
            None => ack(Outcome::Done(()), event::IM_MESSAGE_RECEIVE_V1),
        },
        Incoming::Other(event) => match &shared.event {
            Some(handler) => {
                let kind = event.event_type.clone();
                ack(within(handler(event), shared.answer_within).await, &kind)
            }
            None => ack(Outcome::Done(()), &event.event_type),
        },
    }
}

fn header_number(frame: &Frame, key: &str, default: usize) -> Option<usize> {
    match frame.header(key) {
        Some(value) => value.trim().parse().ok(),
        None => Some(default),
    }
}

/// Serves one open connection until it breaks or shutdown is asked.
pub(crate) async fn serve<S>(
    mut ws: S,
    service: i32,
    shared: Arc<Shared>,
    shutdown: &mut watch::Receiver<bool>,
) -> End
where
    S: Stream<Item = Result<Message, tungstenite::Error>>
        + Sink<Message, Error = tungstenite::Error>
        + Unpin,
{
    let (answers, mut to_send) = mpsc::channel::<Frame>(64);
    let mut tasks = JoinSet::new();
    let mut fragments = Fragments::new(shared.fragment_limits);
    let mut last_ping = Instant::now();
    let mut ping_interval = current(&shared.config).ping_interval;
    let mut next_ping = last_ping; // the first ping goes at once
                                   // When the connection counts as dead if no pong came (with a pong timeout).
    let mut pong_due: Option<Instant> = None;
    let mut sweep = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            () = stopped(shutdown) => {
                drain(&mut ws, &mut tasks, &mut to_send, shared.drain_within).await;
                return End::Shutdown;
            }
            Some(frame) = to_send.recv() => {
                if let Err(error) = ws.send(Message::Binary(frame.encode().into())).await {
                    return End::Dropped(LongConnectionError::WebSocket(error));
                }
            }
            () = tokio::time::sleep_until(next_ping) => {
                if let Err(error) = ws.send(Message::Binary(Frame::ping(service).encode().into())).await {
                    return End::Dropped(LongConnectionError::WebSocket(error));
                }
                last_ping = Instant::now();
                next_ping = last_ping + ping_interval;
                if pong_due.is_none() {
                    pong_due = shared.pong_timeout.map(|timeout| last_ping + timeout);
                }
            }
            () = tokio::time::sleep_until(pong_due.unwrap_or(next_ping)), if pong_due.is_some() => {
                return End::Dropped(LongConnectionError::NoPong);
            }
            message = ws.next() => match message {
                None | Some(Ok(Message::Close(_))) => return End::Dropped(LongConnectionError::Closed),
                Some(Err(error)) => return End::Dropped(LongConnectionError::WebSocket(error)),
                Some(Ok(Message::Binary(bytes))) => {
                    let Ok(frame) = Frame::decode(&bytes) else {
                        bump(&shared.counters.ignored);
                        tracing::warn!(bytes = bytes.len(), "a binary message that is not a frame was ignored");
                        continue;
                    };
                    if frame.method == METHOD_CONTROL && frame.kind() == Some(facts::TYPE_PONG) {
                        pong_due = None;
                    }
                    on_frame(frame, &shared, &mut fragments, &mut tasks, &answers);
                    let interval = current(&shared.config).ping_interval;
                    if interval != ping_interval {
                        ping_interval = interval;
                        next_ping = last_ping + ping_interval;
                    }
                }
                Some(Ok(Message::Text(_))) => {
                    bump(&shared.counters.ignored);
                    tracing::debug!("a text message was ignored");
                }
                Some(Ok(_)) => {} // WebSocket pings are answered by tungstenite
            },
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            _ = sweep.tick() => fragments.expire(Instant::now()),
        }
    }
}

/// One frame: a pong's config applied, an event's handler started, the rest ignored.
fn on_frame(
    frame: Frame,
    shared: &Arc<Shared>,
    fragments: &mut Fragments,
    tasks: &mut JoinSet<()>,
    answers: &mpsc::Sender<Frame>,
) {
    match (frame.method, frame.kind()) {
        (METHOD_CONTROL, Some(facts::TYPE_PONG)) => {
            let Some(payload) = frame.payload.as_deref().filter(|p| !p.is_empty()) else {
                return;
            };
            let mut config = shared.config.lock().unwrap_or_else(PoisonError::into_inner);
            if let Err(error) = config.apply_json(payload) {
                tracing::warn!(%error, "a pong's ClientConfig cannot be read: ignored");
            }
        }
        (METHOD_DATA, Some(facts::TYPE_EVENT)) => {
            let (Some(sum), Some(seq)) = (
                header_number(&frame, facts::HEADER_SUM, 1),
                header_number(&frame, facts::HEADER_SEQ, 0),
            ) else {
                bump(&shared.counters.fragments_dropped);
                tracing::warn!("an event frame with an unreadable `sum` or `seq` was ignored");
                return;
            };
            let payload = if sum > 1 {
                let message_id = frame.header(facts::HEADER_MESSAGE_ID).unwrap_or_default();
                let part = frame.payload.clone().unwrap_or_default();
                match fragments.add(message_id, sum, seq, part, Instant::now()) {
                    Ok(Some(whole)) => whole,
                    Ok(None) => return,
                    Err(refused) => {
                        bump(&shared.counters.fragments_dropped);
                        tracing::warn!(message_id, ?refused, "a fragment was dropped");
                        return;
                    }
                }
            } else {
                frame.payload.clone().unwrap_or_default()
            };
            let shared = shared.clone();
            let answers = answers.clone();
            tasks.spawn(async move {
                let started = Instant::now();
                let (status, json) = answer(&shared, &payload).await;
                let reply = frame.answer(
                    started.elapsed().as_millis(),
                    answer_payload(status, json.as_deref()),
                );
                let _ = answers.send(reply).await;
            });
        }
        (METHOD_DATA, Some(facts::TYPE_CARD)) => {
            // As every official SDK: the old card callback is not served over the long
            // connection (`card.action.trigger` comes as an event).
            bump(&shared.counters.card_frames_dropped);
            tracing::debug!("a `card` frame was dropped, as the official SDKs drop them");
        }
        _ => {}
    }
}

/// Shutdown: no more frames are read; the handlers in flight answer (at most `within`),
/// then the socket is closed.
async fn drain<S>(
    ws: &mut S,
    tasks: &mut JoinSet<()>,
    to_send: &mut mpsc::Receiver<Frame>,
    within: Duration,
) where
    S: Sink<Message, Error = tungstenite::Error> + Unpin,
{
    let deadline = Instant::now() + within;
    loop {
        tokio::select! {
            Some(frame) = to_send.recv() => {
                if ws.send(Message::Binary(frame.encode().into())).await.is_err() {
                    return;
                }
            }
            joined = tasks.join_next() => {
                if joined.is_none() {
                    break;
                }
            }
            () = tokio::time::sleep_until(deadline) => {
                tracing::warn!(in_flight = tasks.len(), "shutdown: handlers still running were not waited for");
                break;
            }
        }
    }
    while let Ok(frame) = to_send.try_recv() {
        if ws
            .send(Message::Binary(frame.encode().into()))
            .await
            .is_err()
        {
            return;
        }
    }
    let _ = ws.close().await;
}

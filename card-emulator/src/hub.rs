//! The live long connections: each app's connected clients, a channel to each one's socket
//! task, and the answers awaited by `message_id`. The sockets themselves are served by the
//! routes (`routes/long_connection.rs`); the delivery pushes frames through here.
//!
//! A connection is registered at its handshake and unregistered the moment its socket task
//! ends (the client closed it, the socket failed, or the emulator closed it), so a closed
//! connection is noticed as soon as its socket reports it; every change wakes
//! [`Hub::wait_for`].

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use lark_card::lark::long_connection::MAX_CONNECTIONS_PER_APP;
use tokio::sync::{mpsc, oneshot, Notify};

use crate::ids::Rng;
use lark_card::lark::long_connection::HEADER_MESSAGE_ID;
use lark_card::long_connection::Frame;

/// What a socket task is told to do.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// Send this encoded frame.
    Frame(Vec<u8>),
    /// Send this text message (not the protocol's: fault injection's noise).
    Text(String),
    /// Close the connection.
    Close,
}

#[derive(Debug)]
struct Conn {
    app_id: String,
    service: i32,
    tx: mpsc::UnboundedSender<Outgoing>,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    conns: BTreeMap<u64, Conn>,
    /// Answers awaited, by the `message_id` of the frames pushed.
    pending: HashMap<String, oneshot::Sender<Frame>>,
}

/// Every live connection.
#[derive(Debug, Default)]
pub(crate) struct Hub {
    inner: Mutex<Inner>,
    changed: Notify,
    /// Set when the server stops: pushes waiting to be made again give up.
    stopped: AtomicBool,
    stopping: Notify,
}

/// A connection's place in the hub; dropping it unregisters the connection.
#[derive(Debug)]
pub(crate) struct Registration {
    hub: Arc<Hub>,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.lock().conns.remove(&self.id);
        self.hub.changed.notify_waiters();
    }
}

/// The app has [`MAX_CONNECTIONS_PER_APP`] connections already.
#[derive(Debug)]
pub(crate) struct Full;

/// A connection chosen for a push.
#[derive(Debug)]
pub(crate) struct Chosen {
    pub(crate) service: i32,
    tx: mpsc::UnboundedSender<Outgoing>,
}

impl Chosen {
    /// Sends encoded frames, in order; false if the connection is gone.
    pub(crate) fn send(&self, frames: Vec<Vec<u8>>) -> bool {
        self.send_all(frames.into_iter().map(Outgoing::Frame))
    }

    /// Sends messages, in order; false if the connection is gone.
    pub(crate) fn send_all(&self, messages: impl IntoIterator<Item = Outgoing>) -> bool {
        messages
            .into_iter()
            .all(|message| self.tx.send(message).is_ok())
    }
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a connection of `app_id`, unless it has the most it may have.
    pub(crate) fn register(
        self: &Arc<Self>,
        app_id: &str,
        service: i32,
    ) -> Result<(Registration, mpsc::UnboundedReceiver<Outgoing>), Full> {
        let mut inner = self.lock();
        let count = inner.conns.values().filter(|c| c.app_id == app_id).count();
        if count >= MAX_CONNECTIONS_PER_APP {
            return Err(Full);
        }
        let (tx, rx) = mpsc::unbounded_channel();
        inner.next_id += 1;
        let id = inner.next_id;
        inner.conns.insert(
            id,
            Conn {
                app_id: app_id.to_owned(),
                service,
                tx,
            },
        );
        drop(inner);
        self.changed.notify_waiters();
        Ok((
            Registration {
                hub: self.clone(),
                id,
            },
            rx,
        ))
    }

    /// How many connections an app has now.
    pub(crate) fn count(&self, app_id: &str) -> usize {
        self.lock()
            .conns
            .values()
            .filter(|c| c.app_id == app_id)
            .count()
    }

    /// Waits until `app_id` has exactly `n` connections.
    pub(crate) async fn wait_for(&self, app_id: &str, n: usize) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.count(app_id) == n {
                return;
            }
            changed.await;
        }
    }

    /// One of the app's connections, chosen at random with `rng`.
    pub(crate) fn choose(&self, app_id: &str, rng: &mut Rng) -> Option<Chosen> {
        let inner = self.lock();
        let conns: Vec<&Conn> = inner
            .conns
            .values()
            .filter(|c| c.app_id == app_id)
            .collect();
        if conns.is_empty() {
            return None;
        }
        let len = u64::try_from(conns.len()).unwrap_or(u64::MAX);
        let at = usize::try_from(rng.next_u64() % len).unwrap_or(0);
        conns.get(at).map(|c| Chosen {
            service: c.service,
            tx: c.tx.clone(),
        })
    }

    /// Awaits the answer to frames pushed with `message_id`.
    pub(crate) fn expect_answer(&self, message_id: &str) -> oneshot::Receiver<Frame> {
        let (tx, rx) = oneshot::channel();
        self.lock().pending.insert(message_id.to_owned(), tx);
        rx
    }

    /// No answer is awaited any more for `message_id`.
    pub(crate) fn forget(&self, message_id: &str) {
        self.lock().pending.remove(message_id);
    }

    /// A data frame from a client: the answer awaited with its `message_id`, if any.
    pub(crate) fn answer(&self, frame: Frame) {
        let Some(message_id) = frame.header(HEADER_MESSAGE_ID) else {
            return;
        };
        let waiting = self.lock().pending.remove(message_id);
        if let Some(waiting) = waiting {
            let _ = waiting.send(frame);
        }
    }

    /// The server stops: every connection is closed, and [`Hub::stopped`] ends.
    pub(crate) fn shut_down(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.stopping.notify_waiters();
        self.close(None);
    }

    /// Ends when the server stops.
    pub(crate) async fn stopped(&self) {
        let stopping = self.stopping.notified();
        tokio::pin!(stopping);
        stopping.as_mut().enable();
        if !self.stopped.load(Ordering::SeqCst) {
            stopping.await;
        }
    }

    /// Closes every connection of `app_id` (of every app with `None`).
    pub(crate) fn close(&self, app_id: Option<&str>) -> usize {
        let inner = self.lock();
        let mut closed = 0;
        for conn in inner.conns.values() {
            if app_id.is_none_or(|app| app == conn.app_id) && conn.tx.send(Outgoing::Close).is_ok()
            {
                closed += 1;
            }
        }
        closed
    }
}

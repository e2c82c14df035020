//! The seam between the limiter and the backends that keep rate windows: the in-process
//! windows ([`super::local`]) and the fleet's windows in Redis (`super::redis`, feature
//! `redis`) both implement [`RateLimiter`], and neither knows the other. The limiter
//! ([`super::limiter`]) always keeps the in-process windows and asks a shared backend first
//! when there is one.
//!
//! A request asks for one turn under the app's windows and, optionally, one key's window
//! ([`KeyWindow`]: a message, a chat; any kind a later API brings). A backend answers with a
//! [`Grant`], or `None` when it cannot answer now (Redis failing), and is told how each
//! granted request ended ([`Settled`]).

// Without a shared backend (feature `redis`), what only such a backend reads is unread.
#![cfg_attr(not(feature = "redis"), allow(dead_code))]

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use tokio::sync::MutexGuard;

use super::limits::{KeyWindow, Limits};

/// A boxed future, so that [`RateLimiter`] can be used as a trait object.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A request's place in this process's queue for the app's turn. A backend that keeps its
/// own order (Redis's reservations) drops it as soon as that order holds, so the next request
/// of the process may ask; one that does not keeps it until the turn is granted.
pub(crate) struct Place<'a> {
    _held: MutexGuard<'a, ()>,
}

impl<'a> Place<'a> {
    /// The place a guard of the queue holds.
    pub fn new(held: MutexGuard<'a, ()>) -> Self {
        Place { _held: held }
    }
}

/// What a request asks a backend for.
pub(crate) struct TurnRequest<'a> {
    /// The key whose window applies besides the app's, if any.
    pub key: Option<&'a KeyWindow>,
    /// The app's limits.
    pub app: &'a Limits,
    /// The part of the app's limits this backend may use: `1/share` of them.
    pub share: usize,
    /// The place in the process's queue, if still held.
    pub place: Option<Place<'a>>,
}

/// A granted request, as the backend that granted it knows it: its id there and its key.
#[derive(Debug, Default)]
pub(crate) struct Grant {
    /// The backend's id of the request (empty where the backend needs none).
    pub id: String,
    /// The key's window the request was granted under.
    pub key: Option<KeyWindow>,
}

/// How a granted request ended, for the windows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settled {
    /// Whether it was sent (if not, its place is given back).
    pub sent: bool,
    /// Whether it counts in its key's window (false: refused with 230020, not counted by Lark).
    pub counted: bool,
    /// From sending to the answer.
    pub latency: Duration,
    /// When the answer came (or the request ended).
    pub answered_at: Instant,
}

/// A backend that keeps rate windows (after twilight-http-ratelimiting's `Ratelimiter`).
pub(crate) trait RateLimiter: Send + Sync {
    /// Waits until one request may go under the app's windows (at `1/share` of them) and the
    /// key's. `None`: the backend cannot answer now, and the caller falls back.
    fn acquire<'a>(&'a self, request: TurnRequest<'a>) -> BoxFuture<'a, Option<Grant>>;

    /// Records how a granted request ended. Called in synchronous code (a permit's drop):
    /// a backend that needs I/O does it in the background.
    fn settle(&self, grant: Grant, settled: Settled);

    /// The share of the app's limits a local fallback keeps to while this backend is not
    /// keeping them (1: it is, or there is nothing to share).
    fn share(&self) -> usize {
        1
    }

    /// Whether to ask this backend now (a failing one is probed in the background instead).
    fn usable(&self) -> bool {
        true
    }
}

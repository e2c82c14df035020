//! What a long connection did so far.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// What a long connection did so far ([`Running::stats`](super::Running::stats),
/// [`LongConnection::stats`](super::LongConnection::stats)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LongConnectionStats {
    /// Whether a connection is open now.
    pub connected: bool,
    /// Connections opened (the first and every reconnection).
    pub connections: u64,
    /// Card actions answered with the handler's answer.
    pub card_actions: u64,
    /// Card actions answered with the default answer, the handler being slow.
    pub answered_by_default: u64,
    /// Other events acknowledged (a handler's or not).
    pub events: u64,
    /// Events answered 500: a handler panicked, or the event could not be read.
    pub failures: u64,
    /// Late answers whose card went out with the delayed update.
    pub late_updates: u64,
    /// Late answers whose card could not be sent.
    pub late_updates_lost: u64,
    /// `card` frames dropped (as the official SDKs drop them).
    pub card_frames_dropped: u64,
    /// Fragments dropped (a bound of the reassembly, or a bad index).
    pub fragments_dropped: u64,
    /// Text messages and binary messages that are not frames, ignored.
    pub ignored: u64,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) connected: AtomicBool,
    /// Woken each time a connection opens.
    pub(crate) opened: tokio::sync::Notify,
    pub(crate) connections: AtomicU64,
    pub(crate) card_actions: AtomicU64,
    pub(crate) answered_by_default: AtomicU64,
    pub(crate) events: AtomicU64,
    pub(crate) failures: AtomicU64,
    pub(crate) late_updates: AtomicU64,
    pub(crate) late_updates_lost: AtomicU64,
    pub(crate) card_frames_dropped: AtomicU64,
    pub(crate) fragments_dropped: AtomicU64,
    pub(crate) ignored: AtomicU64,
}

pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    pub(crate) fn snapshot(&self) -> LongConnectionStats {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        LongConnectionStats {
            connected: self.connected.load(Ordering::Relaxed),
            connections: load(&self.connections),
            card_actions: load(&self.card_actions),
            answered_by_default: load(&self.answered_by_default),
            events: load(&self.events),
            failures: load(&self.failures),
            late_updates: load(&self.late_updates),
            late_updates_lost: load(&self.late_updates_lost),
            card_frames_dropped: load(&self.card_frames_dropped),
            fragments_dropped: load(&self.fragments_dropped),
            ignored: load(&self.ignored),
        }
    }
}

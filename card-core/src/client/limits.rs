//! Client-side rate limits, so that Lark never has to throttle us: Lark's per-message,
//! per-chat and per-app limits ([`crate::lark::limits`]).
//!
//! Lark counts requests as they arrive, in windows. Requests sent at a steady spacing can
//! arrive closer together (a slow connection delays one, not the next), so spacing alone can
//! still be throttled. The windows are kept on *answers* instead: Lark received a request
//! before it answered, so a request sent at least a window after the answer to the request
//! five back cannot be the sixth in any window. The app's windows count requests in flight
//! and answered within the window; requests are spaced evenly (one every 20 ms) so they do not
//! leave in bursts at the windows' edges.
//!
//! A request refused with 230020 was not counted by Lark (it was refused, not served): its
//! slot in the message's window is still free, so the retry may go at once. Up to the limit of
//! refusals in a row are treated so; beyond, someone else is updating the message and every
//! refusal counts like an answer (the retries slow to the message's own rate).
//!
//! With Redis (feature `redis`, [`RedisConfig`](super::RedisConfig)) the same windows are also
//! kept for the whole fleet of replicas, in Redis; this limiter then keeps its own replica's
//! windows as well, and takes over alone, at a share of the app's limits, when Redis fails.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Mutex as AsyncMutex, Notify, OwnedMutexGuard};

#[cfg(feature = "redis")]
use super::redis::{Fleet, Grant, Settled};

use crate::lark::limits as lark;

/// The limits the client keeps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Updates of one message per window (Lark: [`lark::PER_MESSAGE_PER_SECOND`]).
    pub per_message: usize,
    /// The window of the per-message and per-chat limits (Lark: [`lark::PER_MESSAGE_WINDOW`]).
    pub per_message_window: Duration,
    /// Sends to one chat (or user) per window (Lark: [`lark::PER_CHAT_PER_SECOND`]).
    pub per_chat: usize,
    /// Requests of the app per second window (Lark: [`lark::PER_APP_PER_SECOND`]).
    pub per_app_per_second: usize,
    /// Requests of the app per minute window (Lark: [`lark::PER_APP_PER_MINUTE`]).
    pub per_app_per_minute: usize,
}

impl Default for Limits {
    /// Lark's limits ([`crate::lark::limits`]).
    fn default() -> Self {
        Limits {
            per_message: lark::PER_MESSAGE_PER_SECOND,
            // Lark's windows are counted in milliseconds: 2 ms of margin for rounding.
            per_message_window: lark::PER_MESSAGE_WINDOW + MARGIN,
            per_chat: lark::PER_CHAT_PER_SECOND,
            per_app_per_second: lark::PER_APP_PER_SECOND,
            per_app_per_minute: lark::PER_APP_PER_MINUTE,
        }
    }
}

/// What a per-key window limits: updates of a message, or sends to a chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TurnKey<'a> {
    /// Updates of one message (`om_...`).
    Message(&'a str),
    /// Sends to one chat or user (its `receive_id`).
    Chat(&'a str),
}

impl TurnKey<'_> {
    /// The key of its window, unique across kinds.
    pub fn name(self) -> String {
        match self {
            TurnKey::Message(id) => format!("m:{id}"),
            TurnKey::Chat(id) => format!("c:{id}"),
        }
    }
}

/// How a request ended, for its key's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Answered (or failed in a way that Lark may have counted).
    Answered,
    /// Refused with 230020: Lark did not count it.
    Refused,
}

/// One key's recent requests: when the last answers came (newest last), the slot of the
/// last counted request in the key's even schedule, and the refusals in a row.
#[derive(Default)]
struct Answers {
    answered: VecDeque<Instant>,
    /// The schedule's slot of the last request sent: when it was due, or when it went if it
    /// went much later (so that a stream idle for a while does not catch up in a burst).
    last_sent: Option<Instant>,
    previous_sent: Option<Instant>,
    refusals: usize,
}

/// A window of the app: requests in flight, and when recent ones were answered. A request may
/// go when fewer than `limit` are in flight or were answered within `span`: Lark received each
/// of those no later than its answer, so the new one cannot be over the limit in any window.
struct AppWindow {
    span: Duration,
    in_flight: usize,
    answered: VecDeque<Instant>,
}

impl AppWindow {
    fn new(span: Duration) -> Self {
        AppWindow {
            span,
            in_flight: 0,
            answered: VecDeque::new(),
        }
    }

    /// `None` if a request may go now under `limit`; else when to look again (`Some(None)`:
    /// when a request in flight is answered).
    fn blocked(&mut self, limit: usize, now: Instant) -> Option<Option<Instant>> {
        while self.answered.front().is_some_and(|t| *t + self.span <= now) {
            self.answered.pop_front();
        }
        let limit = limit.max(1);
        if self.in_flight + self.answered.len() < limit {
            None
        } else {
            // The slot frees when enough answers leave the window.
            let excess = (self.in_flight + self.answered.len()).saturating_sub(limit);
            Some(self.answered.get(excess).map(|t| *t + self.span))
        }
    }
}

struct AppWindows {
    second: AppWindow,
    minute: AppWindow,
    /// When the next request of the app may go, for even spacing.
    next_slot: Option<Instant>,
    /// The spacing of that schedule.
    spacing: Duration,
    /// The share the windows were last used at.
    share: usize,
}

/// The limiters of one client.
pub(crate) struct Limiters {
    limits: Limits,
    per_key: Mutex<HashMap<String, Arc<AsyncMutex<Answers>>>>,
    app: Mutex<AppWindows>,
    answered: Notify,
    /// Serves waiting requests in the order they came (tokio's mutex is fair), so that no
    /// message starves when many share the app's limit.
    turnstile: AsyncMutex<()>,
    /// The fleet's shared windows in Redis.
    #[cfg(feature = "redis")]
    fleet: Option<Arc<Fleet>>,
}

/// The right to send one request for a message (or to a chat); hold it until the answer
/// comes, then [`MessageTurn::answered`].
pub(crate) struct MessageTurn {
    answers: OwnedMutexGuard<Answers>,
    keep: usize,
    /// When the even schedule said this request was due.
    due: Option<Instant>,
    /// The schedule's spacing.
    spacing: Duration,
}

impl MessageTurn {
    /// Records that the request is being sent now. Its slot in the schedule is when it was
    /// due, not when it went: a timer that fires a little late (a loaded machine) then does
    /// not push every later slot back. The windows on answers still hold whatever the slots.
    pub fn sending(&mut self) {
        let now = Instant::now();
        let late_by_at_most = now
            .checked_sub(self.spacing / LATENESS_ABSORBED)
            .unwrap_or(now);
        let slot = self.due.map_or(now, |due| due.max(late_by_at_most));
        self.answers.previous_sent = self.answers.last_sent;
        self.answers.last_sent = Some(slot);
    }

    /// Records how the request ended; returns whether it counts in the window.
    pub fn answered(&mut self, outcome: Outcome) -> bool {
        let answers = &mut *self.answers;
        if outcome == Outcome::Refused && answers.refusals < self.keep {
            // Not counted by Lark: the slot is still free, and the spacing runs from the
            // request before.
            answers.refusals += 1;
            answers.last_sent = answers.previous_sent;
            return false;
        }
        if outcome == Outcome::Answered {
            answers.refusals = 0;
        }
        answers.answered.push_back(Instant::now());
        while answers.answered.len() > self.keep {
            answers.answered.pop_front();
        }
        true
    }
}

/// One request of the app in flight; its answer (or its end) is recorded when dropped. A
/// permit dropped before [`AppPermit::sending`] gives its place back.
pub(crate) struct AppPermit<'a> {
    limiters: &'a Limiters,
    sent: bool,
    /// When the request was sent.
    sent_at: Option<Instant>,
    /// Whether the request counts in its key's window (false: refused with 230020).
    counted: bool,
    #[cfg(feature = "redis")]
    grant: Option<Grant>,
}

impl AppPermit<'_> {
    /// Records that the request is being sent.
    pub fn sending(&mut self) {
        self.sent = true;
        self.sent_at = Some(Instant::now());
    }

    /// Records the answer: `counted` is what [`MessageTurn::answered`] said (true without a
    /// key).
    pub fn answered(mut self, counted: bool) {
        self.counted = counted;
    }
}

impl Drop for AppPermit<'_> {
    fn drop(&mut self) {
        let now = Instant::now();
        {
            let mut app = self.limiters.lock_app();
            let AppWindows {
                second,
                minute,
                next_slot,
                spacing,
                ..
            } = &mut *app;
            for window in [second, minute] {
                window.in_flight = window.in_flight.saturating_sub(1);
                if self.sent {
                    window.answered.push_back(now);
                }
            }
            if self.sent && !self.counted {
                // Refused with 230020: the retry needs the message's slot, which is still free,
                // not a later one of the app's schedule. The app's windows still count it
                // (Lark's gateway did).
                *next_slot = next_slot.map(|t| t.checked_sub(*spacing).unwrap_or(t).max(now));
            }
        }
        #[cfg(feature = "redis")]
        if let (Some(fleet), Some(grant)) = (&self.limiters.fleet, self.grant.take()) {
            let settled = Settled {
                sent: self.sent,
                counted: self.counted,
                latency: self
                    .sent_at
                    .map_or(Duration::ZERO, |t| now.duration_since(t)),
                answered_at: now,
            };
            fleet.report(grant, settled, &self.limiters.limits);
        }
        self.limiters.answered.notify_waiters();
    }
}

/// Windows kept for this many keys before idle ones are forgotten.
const TRACKED_KEYS: usize = 4096;

/// Lateness of a request absorbed by the even schedules: up to 1/4 of their spacing.
const LATENESS_ABSORBED: u32 = 4;

/// Lark counts its windows in milliseconds: a little margin for rounding.
pub(crate) const MARGIN: Duration = Duration::from_millis(2);

impl Limiters {
    pub fn new(limits: Limits) -> Self {
        Limiters {
            limits,
            per_key: Mutex::new(HashMap::new()),
            app: Mutex::new(AppWindows {
                second: AppWindow::new(Duration::from_secs(1) + MARGIN),
                minute: AppWindow::new(Duration::from_secs(60) + MARGIN),
                next_slot: None,
                spacing: Duration::ZERO,
                share: 1,
            }),
            answered: Notify::new(),
            turnstile: AsyncMutex::new(()),
            #[cfg(feature = "redis")]
            fleet: None,
        }
    }

    /// The same, with the fleet's windows kept in Redis too.
    #[cfg(feature = "redis")]
    pub fn with_fleet(limits: Limits, fleet: Option<Arc<Fleet>>) -> Self {
        Limiters {
            fleet,
            ..Limiters::new(limits)
        }
    }

    fn lock_app(&self) -> std::sync::MutexGuard<'_, AppWindows> {
        self.app
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The part of the app's limits this replica may use alone: all of it without Redis or
    /// while Redis works; 1/K of it (K replicas seen) while Redis fails, and for a minute
    /// after it is back (the windows in Redis do not hold what was sent meanwhile).
    fn share(&self) -> usize {
        #[cfg(feature = "redis")]
        if let Some(fleet) = &self.fleet {
            return fleet.share();
        }
        1
    }

    /// Waits for this key's turn: one request of it at a time, evenly spaced, and no more
    /// than the limit in any window.
    pub async fn message_turn(&self, key: TurnKey<'_>) -> MessageTurn {
        let window = {
            let mut windows = self
                .per_key
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if windows.len() >= TRACKED_KEYS {
                let horizon = self.limits.per_message_window;
                windows.retain(|_, w| {
                    Arc::strong_count(w) > 1
                        || w.try_lock().map_or(true, |a| {
                            a.answered.back().is_some_and(|t| t.elapsed() < horizon)
                        })
                });
            }
            windows.entry(key.name()).or_default().clone()
        };
        let answers = window.lock_owned().await;
        let keep = match key {
            TurnKey::Message(_) => self.limits.per_message,
            TurnKey::Chat(_) => self.limits.per_chat,
        }
        .max(1);
        let window = self.limits.per_message_window;
        // Evenly spaced (not five at once, then a wait), so that each request carries a
        // newer state; and never before the window since the answer five back has passed.
        let spacing = window / u32::try_from(keep).unwrap_or(u32::MAX);
        let mut ready = answers.last_sent.map(|t| t + spacing);
        if answers.answered.len() >= keep {
            let oldest = answers.answered[answers.answered.len() - keep] + window;
            ready = Some(ready.map_or(oldest, |r| r.max(oldest)));
        }
        if let Some(ready) = ready {
            tokio::time::sleep_until(ready.into()).await;
        }
        MessageTurn {
            answers,
            keep,
            due: ready,
            spacing,
        }
    }

    /// Waits until one more request of the app (for `key`, if any) may go; the permit
    /// records its answer. Waiting requests are served in the order they came: in this
    /// process by the turnstile, across the fleet by the reservations in Redis.
    // Without Redis there is no second try: the loop ends at once.
    #[cfg_attr(not(feature = "redis"), allow(clippy::never_loop))]
    pub async fn app_turn(&self, key: Option<TurnKey<'_>>) -> AppPermit<'_> {
        #[cfg_attr(not(feature = "redis"), allow(unused_mut))]
        let mut in_order = Some(self.turnstile.lock().await);
        // Without Redis the turnstile is held to the end, and there is no key in Redis.
        #[cfg(not(feature = "redis"))]
        let _ = (key, &in_order);
        loop {
            let share = self.share();
            #[cfg(feature = "redis")]
            if let Some(fleet) = &self.fleet {
                if share == 1 && fleet.usable() {
                    // Redis keeps the fleet's windows and its order: the local windows only
                    // record this replica's requests, for the day Redis fails.
                    self.lock_app().share = 1;
                    if let Some(grant) = fleet.acquire(key, &self.limits, in_order.take()).await {
                        self.take_place();
                        return AppPermit {
                            grant: Some(grant),
                            ..self.permit()
                        };
                    }
                    // Redis failed: in line again, under the local share.
                    if in_order.is_none() {
                        in_order = Some(self.turnstile.lock().await);
                    }
                    continue;
                }
            }
            // Alone, or at a share of the app's limits while Redis fails or recovers.
            self.local_app_turn(share).await;
            let permit = self.permit();
            #[cfg(feature = "redis")]
            if let Some(fleet) = &self.fleet {
                if fleet.usable() {
                    // The local turn is taken: the order is Redis's from its first answer.
                    match fleet.acquire(key, &self.limits, in_order.take()).await {
                        Some(grant) => {
                            return AppPermit {
                                grant: Some(grant),
                                ..permit
                            };
                        }
                        // Redis failed again: the place is given back (the permit is dropped
                        // unsent), and taken again under the new share.
                        None if self.share() != share => {
                            if in_order.is_none() {
                                in_order = Some(self.turnstile.lock().await);
                            }
                            continue;
                        }
                        None => {}
                    }
                }
            }
            return permit;
        }
    }

    /// A permit for a place already taken in the local windows.
    fn permit(&self) -> AppPermit<'_> {
        AppPermit {
            limiters: self,
            sent: false,
            sent_at: None,
            counted: true,
            #[cfg(feature = "redis")]
            grant: None,
        }
    }

    /// Takes a place in the local windows without waiting (Redis granted it).
    #[cfg(feature = "redis")]
    fn take_place(&self) {
        let mut app = self.lock_app();
        app.second.in_flight += 1;
        app.minute.in_flight += 1;
    }

    /// Waits for the local windows at `1/share` of the app's limits and takes a place in them.
    async fn local_app_turn(&self, share: usize) {
        let share = share.max(1);
        let per_second = (self.limits.per_app_per_second / share).max(1);
        let per_minute = (self.limits.per_app_per_minute / share).max(1);
        let spacing = Duration::from_secs(1) / u32::try_from(per_second).unwrap_or(u32::MAX);
        // Even spacing first (a slot of the app's schedule), then the windows.
        let slot = {
            let mut app = self.lock_app();
            let now = Instant::now();
            if share > app.share {
                // Redis just failed: the other replicas' requests of the last second are not
                // in these windows, so nothing goes until a whole window has passed.
                let after = now + Duration::from_secs(1) + MARGIN;
                app.next_slot = Some(app.next_slot.map_or(after, |t| t.max(after)));
            }
            app.share = share;
            let slot = app.next_slot.map_or(now, |t| t.max(now));
            app.next_slot = Some(slot + spacing);
            app.spacing = spacing;
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
        loop {
            let answered = self.answered.notified();
            let wait = {
                let mut app = self.lock_app();
                let now = Instant::now();
                let second = app.second.blocked(per_second, now);
                let minute = app.minute.blocked(per_minute, now);
                match (second, minute) {
                    (None, None) => {
                        app.second.in_flight += 1;
                        app.minute.in_flight += 1;
                        return;
                    }
                    (a, b) => [a, b].into_iter().flatten().flatten().max(),
                }
            };
            match wait {
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at.into()) => {}
                        () = answered => {}
                    }
                }
                None => answered.await,
            }
        }
    }
}

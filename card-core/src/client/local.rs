//! The in-process backend: the windows of this client's own requests, kept in memory.
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
//! slot in the key's window is still free, so the retry may go at once. Up to the limit of
//! refusals in a row are treated so; beyond, someone else is updating the message and every
//! refusal counts like an answer (the retries slow to the message's own rate).
//!
//! Each key's turns (one request at a time, evenly spaced) are always kept here, whatever
//! other backend keeps the fleet's windows; so are the app's windows of this process's own
//! requests, for the day that backend fails.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{Mutex as AsyncMutex, Notify, OwnedMutexGuard};

use super::limits::{KeyWindow, Limits, APP_MINUTE, APP_SECOND, MARGIN};
use super::ratelimit::{BoxFuture, Grant, RateLimiter, Settled, TurnRequest};

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

/// The windows of this process's requests.
pub(crate) struct InProcess {
    per_key: Mutex<HashMap<String, Arc<AsyncMutex<Answers>>>>,
    /// How long a key's window lasts, to forget idle keys.
    key_horizon: Duration,
    app: Mutex<AppWindows>,
    answered: Notify,
}

/// The right to send one request of a key (a message, a chat); hold it until the answer
/// comes, then [`KeyTurn::answered`].
pub(crate) struct KeyTurn {
    answers: OwnedMutexGuard<Answers>,
    keep: usize,
    /// When the even schedule said this request was due.
    due: Option<Instant>,
    /// The schedule's spacing.
    spacing: Duration,
}

impl KeyTurn {
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

/// Windows kept for this many keys before idle ones are forgotten.
const TRACKED_KEYS: usize = 4096;

/// Lateness of a request absorbed by the even schedules: up to 1/4 of their spacing.
const LATENESS_ABSORBED: u32 = 4;

impl InProcess {
    /// Empty windows; keys idle for `limits.per_message_window` may be forgotten.
    pub fn new(limits: &Limits) -> Self {
        InProcess {
            per_key: Mutex::new(HashMap::new()),
            key_horizon: limits.per_message_window.max(limits.per_card_entity_window),
            app: Mutex::new(AppWindows {
                second: AppWindow::new(APP_SECOND),
                minute: AppWindow::new(APP_MINUTE),
                next_slot: None,
                spacing: Duration::ZERO,
                share: 1,
            }),
            answered: Notify::new(),
        }
    }

    fn lock_app(&self) -> MutexGuard<'_, AppWindows> {
        self.app.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for this key's turn: one request of it at a time, evenly spaced, and no more
    /// than the limit in any window.
    pub async fn key_turn(&self, key: &KeyWindow) -> KeyTurn {
        let window = {
            let mut windows = self.per_key.lock().unwrap_or_else(PoisonError::into_inner);
            if windows.len() >= TRACKED_KEYS {
                let horizon = self.key_horizon;
                windows.retain(|_, w| {
                    Arc::strong_count(w) > 1
                        || w.try_lock().map_or(true, |a| {
                            a.answered.back().is_some_and(|t| t.elapsed() < horizon)
                        })
                });
            }
            match windows.get(&key.name) {
                Some(window) => window.clone(),
                None => windows.entry(key.name.clone()).or_default().clone(),
            }
        };
        let answers = window.lock_owned().await;
        let keep = key.limit.max(1);
        let window = key.span;
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
        KeyTurn {
            answers,
            keep,
            due: ready,
            spacing,
        }
    }

    /// Notes that another backend keeps the app's windows, at the whole of its limits: if it
    /// fails, these windows wait a whole window before going on alone.
    pub fn kept_elsewhere(&self) {
        self.lock_app().share = 1;
    }

    /// Takes a place in the windows without waiting: another backend granted the request,
    /// and these windows keep it for the day that backend fails.
    pub fn granted_elsewhere(&self) {
        let mut app = self.lock_app();
        app.second.in_flight += 1;
        app.minute.in_flight += 1;
    }

    /// Waits for the windows at `1/share` of the app's limits and takes a place in them.
    async fn app_turn(&self, app: &Limits, share: usize) {
        let share = share.max(1);
        let per_second = (app.per_app_per_second / share).max(1);
        let per_minute = (app.per_app_per_minute / share).max(1);
        let spacing = Duration::from_secs(1) / u32::try_from(per_second).unwrap_or(u32::MAX);
        // Even spacing first (a slot of the app's schedule), then the windows.
        let slot = {
            let mut app = self.lock_app();
            let now = Instant::now();
            if share > app.share {
                // The shared backend just failed: the other replicas' requests of the last
                // second are not in these windows, so nothing goes until a whole window has
                // passed.
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

impl RateLimiter for InProcess {
    /// The app's windows only: the key's turn is [`InProcess::key_turn`], taken before (one
    /// request of a key at a time). The caller keeps its place in the queue meanwhile.
    fn acquire<'a>(&'a self, request: TurnRequest<'a>) -> BoxFuture<'a, Option<Grant>> {
        Box::pin(async move {
            let _place = request.place;
            self.app_turn(request.app, request.share).await;
            Some(Grant::default())
        })
    }

    fn settle(&self, _grant: Grant, settled: Settled) {
        {
            let mut app = self.lock_app();
            let AppWindows {
                second,
                minute,
                next_slot,
                spacing,
                ..
            } = &mut *app;
            for window in [second, minute] {
                window.in_flight = window.in_flight.saturating_sub(1);
                if settled.sent {
                    window.answered.push_back(settled.answered_at);
                }
            }
            if settled.sent && !settled.counted {
                // Refused with 230020: the retry needs the message's slot, which is still free,
                // not a later one of the app's schedule. The app's windows still count it
                // (Lark's gateway did).
                let now = settled.answered_at;
                *next_slot = next_slot.map(|t| t.checked_sub(*spacing).unwrap_or(t).max(now));
            }
        }
        self.answered.notify_waiters();
    }
}

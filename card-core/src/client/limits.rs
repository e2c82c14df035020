//! Client-side rate limits, so that Lark never has to throttle us: Lark's per-message and
//! per-app limits ([`crate::lark::limits`]).
//!
//! Lark counts requests as they arrive, in windows. Requests sent at a steady spacing can
//! arrive closer together (a slow connection delays one, not the next), so spacing alone can
//! still be throttled. Per message, where the limit is tightest, the window is kept on
//! *answers* instead: Lark received a request before it answered, so a request sent at least a
//! window after the answer to the request five back cannot be the sixth in any window. The
//! per-app limits are looser and shared by every message: `governor` (GCRA) spaces them, with
//! a margin.

use std::collections::{HashMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::DefaultClock;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use tokio::sync::{Mutex as AsyncMutex, Notify, OwnedMutexGuard};

use crate::lark::limits as lark;

/// The limits the client keeps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Updates of one message per window (Lark: [`lark::PER_MESSAGE_PER_SECOND`]).
    pub per_message: usize,
    /// The window of the per-message limit (Lark: [`lark::PER_MESSAGE_WINDOW`]).
    pub per_message_window: Duration,
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
            per_message_window: lark::PER_MESSAGE_WINDOW + Duration::from_millis(2),
            per_app_per_second: lark::PER_APP_PER_SECOND,
            per_app_per_minute: lark::PER_APP_PER_MINUTE,
        }
    }
}

type Direct = RateLimiter<NotKeyed, InMemoryState, DefaultClock>;

/// One message's recent requests: when the last answers came (newest last), and when the
/// last request was sent.
#[derive(Default)]
struct Answers {
    answered: VecDeque<Instant>,
    last_sent: Option<Instant>,
}

/// A window of the app: requests in flight, and when recent ones were answered. A request may
/// go when fewer than `limit` are in flight or were answered within `span`: Lark received each
/// of those no later than its answer, so the new one cannot be over the limit in any window.
struct AppWindow {
    limit: usize,
    span: Duration,
    in_flight: usize,
    answered: VecDeque<Instant>,
}

impl AppWindow {
    fn new(limit: usize, span: Duration) -> Self {
        AppWindow {
            limit: limit.max(1),
            span,
            in_flight: 0,
            answered: VecDeque::new(),
        }
    }

    /// `None` if a request may go now; else when to look again (`Some(None)`: when a request
    /// in flight is answered).
    fn blocked(&mut self, now: Instant) -> Option<Option<Instant>> {
        while self.answered.front().is_some_and(|t| *t + self.span <= now) {
            self.answered.pop_front();
        }
        if self.in_flight + self.answered.len() < self.limit {
            None
        } else {
            Some(self.answered.front().map(|t| *t + self.span))
        }
    }
}

struct AppWindows {
    second: AppWindow,
    minute: AppWindow,
}

/// The limiters of one client.
pub(crate) struct Limiters {
    limits: Limits,
    per_message: Mutex<HashMap<String, Arc<AsyncMutex<Answers>>>>,
    /// Spaces the app's requests evenly (GCRA), so they do not leave in bursts.
    spacing: Direct,
    app: Mutex<AppWindows>,
    answered: Notify,
    /// Serves waiting requests in the order they came (tokio's mutex is fair), so that no
    /// message starves when many share the app's limit.
    turnstile: AsyncMutex<()>,
}

/// The right to send one request for a message; hold it until the answer comes, then
/// [`MessageTurn::answered`].
pub(crate) struct MessageTurn {
    answers: OwnedMutexGuard<Answers>,
    keep: usize,
}

impl MessageTurn {
    /// Records that the request is being sent now.
    pub fn sending(&mut self) {
        self.answers.last_sent = Some(Instant::now());
    }

    /// Records that the request was answered (or failed) now.
    pub fn answered(&mut self) {
        self.answers.answered.push_back(Instant::now());
        while self.answers.answered.len() > self.keep {
            self.answers.answered.pop_front();
        }
    }
}

/// One request of the app in flight; its answer (or its end) is recorded when dropped. A
/// permit dropped before [`AppPermit::sending`] gives its place back.
pub(crate) struct AppPermit<'a> {
    limiters: &'a Limiters,
    sent: bool,
}

impl AppPermit<'_> {
    /// Records that the request is being sent.
    pub fn sending(&mut self) {
        self.sent = true;
    }
}

impl Drop for AppPermit<'_> {
    fn drop(&mut self) {
        let now = Instant::now();
        {
            let mut app = self.limiters.lock_app();
            let AppWindows { second, minute } = &mut *app;
            for window in [second, minute] {
                window.in_flight = window.in_flight.saturating_sub(1);
                if self.sent {
                    window.answered.push_back(now);
                }
            }
        }
        self.limiters.answered.notify_waiters();
    }
}

fn quota(interval: Duration, burst: u32) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(interval.max(Duration::from_micros(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

/// Windows kept for this many messages before idle ones are forgotten.
const TRACKED_MESSAGES: usize = 4096;

/// Lark counts its windows in milliseconds: a little margin for rounding.
const MARGIN: Duration = Duration::from_millis(2);

impl Limiters {
    pub fn new(limits: Limits) -> Self {
        let per_second = limits.per_app_per_second.max(1);
        let spacing = Duration::from_secs(1) / u32::try_from(per_second).unwrap_or(u32::MAX);
        Limiters {
            limits,
            per_message: Mutex::new(HashMap::new()),
            spacing: RateLimiter::direct(quota(spacing, 1)),
            app: Mutex::new(AppWindows {
                second: AppWindow::new(per_second, Duration::from_secs(1) + MARGIN),
                minute: AppWindow::new(limits.per_app_per_minute, Duration::from_secs(60) + MARGIN),
            }),
            answered: Notify::new(),
            turnstile: AsyncMutex::new(()),
        }
    }

    fn lock_app(&self) -> std::sync::MutexGuard<'_, AppWindows> {
        self.app
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits for this message's turn: one request of it at a time, evenly spaced, and no more
    /// than the limit in any window.
    pub async fn message_turn(&self, message: &str) -> MessageTurn {
        let window = {
            let mut windows = self
                .per_message
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if windows.len() >= TRACKED_MESSAGES {
                let horizon = self.limits.per_message_window;
                windows.retain(|_, w| {
                    Arc::strong_count(w) > 1
                        || w.try_lock().map_or(true, |a| {
                            a.answered.back().is_some_and(|t| t.elapsed() < horizon)
                        })
                });
            }
            windows.entry(message.to_string()).or_default().clone()
        };
        let answers = window.lock_owned().await;
        let keep = self.limits.per_message.max(1);
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
        MessageTurn { answers, keep }
    }

    /// Waits until one more request of the app may go; the permit records its answer.
    pub async fn app_turn(&self) -> AppPermit<'_> {
        let _in_order = self.turnstile.lock().await;
        self.spacing.until_ready().await;
        loop {
            let answered = self.answered.notified();
            let wait = {
                let mut app = self.lock_app();
                let now = Instant::now();
                let second = app.second.blocked(now);
                let minute = app.minute.blocked(now);
                match (second, minute) {
                    (None, None) => {
                        app.second.in_flight += 1;
                        app.minute.in_flight += 1;
                        return AppPermit {
                            limiters: self,
                            sent: false,
                        };
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

//! Client-side rate limits, so that Lark never has to throttle us: 5 updates per second per
//! message, 50 requests per second and 1000 per minute per app.
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
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// The limits the client keeps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Updates of one message per window (Lark: 5).
    pub per_message: usize,
    /// The window of the per-message limit (Lark: 1 second).
    pub per_message_window: Duration,
    /// Least time between two requests of the app (Lark: 50 per second).
    pub per_app_interval: Duration,
    /// Requests of the app per minute (Lark: 1000), as a burst and a steady rate that keep
    /// every 60-second window under it.
    pub per_app_minute_burst: u32,
    /// Steady spacing of the per-minute limit.
    pub per_app_minute_interval: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_message: 5,
            // Lark's windows are counted in milliseconds: 2 ms of margin for rounding.
            per_message_window: Duration::from_millis(1002),
            // 50/s is one every 20 ms; 1 ms of margin.
            per_app_interval: Duration::from_millis(21),
            // 100 + 60 s / 67 ms = 995 requests at most in any minute.
            per_app_minute_burst: 100,
            per_app_minute_interval: Duration::from_millis(67),
        }
    }
}

type Direct = RateLimiter<NotKeyed, InMemoryState, DefaultClock>;

/// When the last answers for one message came, newest last.
type Answers = VecDeque<Instant>;

/// The limiters of one client.
pub(crate) struct Limiters {
    limits: Limits,
    per_message: Mutex<HashMap<String, Arc<AsyncMutex<Answers>>>>,
    per_app_second: Direct,
    per_app_minute: Direct,
}

/// The right to send one request for a message; hold it until the answer comes, then
/// [`MessageTurn::answered`].
pub(crate) struct MessageTurn {
    answers: OwnedMutexGuard<Answers>,
    keep: usize,
}

impl MessageTurn {
    /// Records that the request was answered (or failed) now.
    pub fn answered(&mut self) {
        self.answers.push_back(Instant::now());
        while self.answers.len() > self.keep {
            self.answers.pop_front();
        }
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

impl Limiters {
    pub fn new(limits: Limits) -> Self {
        Limiters {
            limits,
            per_message: Mutex::new(HashMap::new()),
            per_app_second: RateLimiter::direct(quota(limits.per_app_interval, 1)),
            per_app_minute: RateLimiter::direct(quota(
                limits.per_app_minute_interval,
                limits.per_app_minute_burst,
            )),
        }
    }

    /// Waits for this message's turn: one request of it at a time, and no more than the
    /// limit in any window.
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
                        || w.try_lock()
                            .map_or(true, |a| a.back().is_some_and(|t| t.elapsed() < horizon))
                });
            }
            windows.entry(message.to_string()).or_default().clone()
        };
        let answers = window.lock_owned().await;
        let keep = self.limits.per_message.max(1);
        if answers.len() >= keep {
            if let Some(oldest) = answers.get(answers.len() - keep) {
                tokio::time::sleep_until((*oldest + self.limits.per_message_window).into()).await;
            }
        }
        MessageTurn { answers, keep }
    }

    /// Waits until one more request of the app is allowed.
    pub async fn app_turn(&self) {
        self.per_app_minute.until_ready().await;
        self.per_app_second.until_ready().await;
    }
}

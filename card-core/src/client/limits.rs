//! Client-side rate limits, so that Lark never has to throttle us: 5 updates per second per
//! message, 50 requests per second and 1000 per minute per app.
//!
//! Lark counts requests in windows; the limiters here space them (GCRA, from `governor`) so
//! that no window of Lark's can hold more than its limit, with a small margin for requests
//! that travel at different speeds.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::DefaultClock;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

/// The limits the client keeps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Least time between two updates of one message (Lark: 5 per second).
    pub per_message_interval: Duration,
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
            // 5/s is one every 200 ms; 4 ms of margin for requests overtaking each other.
            per_message_interval: Duration::from_millis(204),
            per_app_interval: Duration::from_millis(21),
            // 100 + 60 s / 67 ms = 995 requests at most in any minute.
            per_app_minute_burst: 100,
            per_app_minute_interval: Duration::from_millis(67),
        }
    }
}

type Direct = RateLimiter<NotKeyed, InMemoryState, DefaultClock>;
type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

/// The limiters of one client.
pub(crate) struct Limiters {
    per_message: Keyed,
    per_app_second: Direct,
    per_app_minute: Direct,
}

fn quota(interval: Duration, burst: u32) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(interval.max(Duration::from_micros(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl Limiters {
    pub fn new(limits: Limits) -> Self {
        Limiters {
            per_message: RateLimiter::keyed(quota(limits.per_message_interval, 1)),
            per_app_second: RateLimiter::direct(quota(limits.per_app_interval, 1)),
            per_app_minute: RateLimiter::direct(quota(
                limits.per_app_minute_interval,
                limits.per_app_minute_burst,
            )),
        }
    }

    /// Waits until one more request of the app (and of `message`, if given) is allowed.
    pub async fn acquire(&self, message: Option<&str>) {
        if let Some(message) = message {
            self.per_message.until_key_ready(&message.to_string()).await;
        }
        self.per_app_minute.until_ready().await;
        self.per_app_second.until_ready().await;
    }
}

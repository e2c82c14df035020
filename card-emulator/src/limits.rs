//! Lark's rate limits, as sliding windows on the emulator clock.
//!
//! Lark documents the limits (5 QPS per message; "1000 次/分钟、50 次/秒" per app) but not how
//! it measures them. The emulator uses the strictest reading: a request is allowed only if
//! fewer than `limit` accepted requests fall in the `span` before it (a sliding window, to the
//! millisecond). A client that passes here passes under any windowing Lark may use, and the
//! counts are exact when the clock is paused.
//!
//! Refused requests do not count against the window: a client that retries too early is told
//! no again, but does not push its own reset further away.

use std::collections::VecDeque;

pub use lark_card::lark::limits::{
    MAX_CARD_BODY, MAX_TEXT_BODY, PER_APP_PER_MINUTE, PER_APP_PER_SECOND, PER_CHAT_PER_SECOND,
    PER_MESSAGE_PER_SECOND, PER_MESSAGE_WINDOW,
};

/// A sliding window: at most `limit` hits in any `span_ms` milliseconds.
#[derive(Clone, Debug)]
pub(crate) struct Window {
    limit: usize,
    span_ms: u64,
    /// Times of accepted hits, oldest first; never more than `limit` of them in the window.
    hits: VecDeque<u64>,
}

impl Window {
    pub(crate) fn new(limit: usize, span_ms: u64) -> Window {
        Window {
            limit,
            span_ms,
            hits: VecDeque::new(),
        }
    }

    /// Forgets hits that left the window: a hit at `t` counts while `now < t + span`.
    fn prune(&mut self, now: u64) {
        while self
            .hits
            .front()
            .is_some_and(|&t| t.saturating_add(self.span_ms) <= now)
        {
            self.hits.pop_front();
        }
    }

    /// Milliseconds until a hit at `now` would be allowed; `0` if it is allowed now.
    pub(crate) fn wait_ms(&mut self, now: u64) -> u64 {
        self.prune(now);
        if self.hits.len() < self.limit {
            return 0;
        }
        // The window is full: a slot opens when the hit `len - limit` from the front leaves.
        let index = self.hits.len() - self.limit;
        self.hits
            .get(index)
            .map_or(0, |&t| t.saturating_add(self.span_ms).saturating_sub(now))
    }

    pub(crate) fn record(&mut self, now: u64) {
        self.hits.push_back(now);
    }

    /// Records a hit at `now` if the window allows it.
    pub(crate) fn try_hit(&mut self, now: u64) -> bool {
        if self.wait_ms(now) == 0 {
            self.record(now);
            true
        } else {
            false
        }
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }
}

/// An app's limits on one API: per second and per minute, both of which must allow a request.
#[derive(Clone, Debug)]
pub(crate) struct AppLimiter {
    second: Window,
    minute: Window,
}

/// How a gateway refusal is described: the limit that was hit and when to come back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// `x-ogw-ratelimit-limit`.
    pub(crate) limit: usize,
    /// `x-ogw-ratelimit-reset`: whole seconds until a request would be allowed, at least 1.
    pub(crate) reset_secs: u64,
}

impl Default for AppLimiter {
    fn default() -> Self {
        AppLimiter {
            second: Window::new(PER_APP_PER_SECOND, 1_000),
            minute: Window::new(PER_APP_PER_MINUTE, 60_000),
        }
    }
}

impl AppLimiter {
    /// Counts a request at `now`, or refuses it without counting it.
    pub(crate) fn check(&mut self, now: u64) -> Result<(), Refusal> {
        let second = self.second.wait_ms(now);
        let minute = self.minute.wait_ms(now);
        if second == 0 && minute == 0 {
            self.second.record(now);
            self.minute.record(now);
            return Ok(());
        }
        // Report the window that keeps the client waiting longest.
        let (limit, wait) = if minute >= second {
            (self.minute.limit(), minute)
        } else {
            (self.second.limit(), second)
        };
        Err(Refusal {
            limit,
            reset_secs: wait.div_ceil(1_000).max(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_per_second_then_a_refusal_until_the_first_leaves() {
        let mut window = Window::new(PER_MESSAGE_PER_SECOND, 1_000);
        for i in 0..5 {
            assert!(window.try_hit(1_000 + i * 10), "hit {i}");
        }
        assert!(!window.try_hit(1_100));
        assert_eq!(window.wait_ms(1_100), 900);
        // The first hit (t=1000) leaves the window at t=2000.
        assert!(!window.try_hit(1_999));
        assert!(window.try_hit(2_000));
    }

    #[test]
    fn refused_hits_do_not_count() {
        let mut window = Window::new(2, 1_000);
        assert!(window.try_hit(0));
        assert!(window.try_hit(0));
        for t in 1..100 {
            assert!(!window.try_hit(t));
        }
        assert!(window.try_hit(1_000));
    }

    #[test]
    fn the_minute_limit_reports_its_reset() {
        let mut limiter = AppLimiter::default();
        // 50 a second for 20 seconds: 1000 requests, all allowed.
        for s in 0..20u64 {
            for _ in 0..PER_APP_PER_SECOND {
                assert_eq!(limiter.check(s * 1_000), Ok(()));
            }
        }
        // The 1001st within the minute is refused until the first second's hits leave.
        let refusal = limiter.check(20_000);
        assert_eq!(
            refusal,
            Err(Refusal {
                limit: PER_APP_PER_MINUTE,
                reset_secs: 40
            })
        );
        assert_eq!(limiter.check(60_000), Ok(()));
    }

    #[test]
    fn the_second_limit_reports_one_second() {
        let mut limiter = AppLimiter::default();
        for _ in 0..PER_APP_PER_SECOND {
            assert_eq!(limiter.check(500), Ok(()));
        }
        assert_eq!(
            limiter.check(500),
            Err(Refusal {
                limit: PER_APP_PER_SECOND,
                reset_secs: 1
            })
        );
    }
}

//! When and how long to wait before trying a request again.

use std::time::Duration;

/// Retries of transient failures: frequency limits (230020, HTTP 429), Lark's internal error
/// 2200, HTTP 5xx, timeouts and connection errors. Terminal errors are never retried.
///
/// ```
/// use std::time::Duration;
/// use lark_card::client::RetryPolicy;
///
/// let quick = RetryPolicy::new(3, Duration::from_millis(10), Duration::from_millis(50));
/// assert_eq!(quick.max_attempts, 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Most attempts of one request, the first included.
    pub max_attempts: u32,
    /// Wait before the first retry; doubled each time.
    pub base_delay: Duration,
    /// Longest wait between two attempts.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// At most `max_attempts` attempts of one request (the first included), waiting
    /// `base_delay` before the first retry, doubled each time up to `max_delay`.
    pub const fn new(max_attempts: u32, base_delay: Duration, max_delay: Duration) -> Self {
        RetryPolicy {
            max_attempts,
            base_delay,
            max_delay,
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before attempt `attempt + 1` (after `attempt` failures): exponential, with
    /// "equal jitter" (half fixed, half random) so that clients do not retry in lockstep.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        let policy = RetryPolicy::default();
        for attempt in 1..20 {
            let d = policy.delay(attempt);
            let exp = policy.base_delay * 2u32.pow((attempt - 1).min(16));
            let cap = exp.min(policy.max_delay);
            assert!(d >= cap / 2 && d <= cap, "attempt {attempt}: {d:?}");
        }
    }
}

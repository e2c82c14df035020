//! Fault injection: what a test can make the emulator do wrong on purpose, to prove a client
//! copes with it.
//!
//! Each fault applies where it would happen in Lark's stack, so a client sees it the way it
//! would see the real thing:
//! - transport faults (latency, dropped connections, HTTP 5xx) hit every API request, the
//!   token endpoint included, before anything else looks at it;
//! - a lost answer (HTTP 5xx after the request was handled: what it changed stays changed)
//!   hits the next API requests after the API answered them, as a gateway failing on the way
//!   back would: the case a client's `uuid` is for;
//! - a forced token invalidation answers the next requests that carry a token with 99991663
//!   on HTTP 200, as Lark's gateway sometimes does;
//! - a forced app rate limit answers HTTP 429 / 99991400 where the gateway counts requests,
//!   and refuses the app until the reset it names;
//! - a forced per-message throttle answers 230020 where the message's own limit is counted;
//! - a forced error answers any business code (230028 DLP, 230013 availability…) after
//!   authentication;
//! - on the long connection, noise before a push (a text message, bytes that are no frame, a
//!   `card` frame), which a client must survive, and a ping left without its pong, which a
//!   client watching for pongs must notice. A real service seldom does either; a test of a
//!   client needs both, and only the service's side of the socket can send them.
//!
//! "Next N" faults count down with each request they hit; several calls queue up in order.
//! The control endpoints under `/__emulator` are never faulted.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::Serialize;

use crate::ids::Rng;

/// The faults to inject, shared by every connection. Get it with
/// [`Emulator::faults`](crate::Emulator::faults); every method returns `&Self` to chain.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), lark_card_emulator::EmulatorError> {
/// let emulator = lark_card_emulator::Emulator::builder().start().await?;
/// emulator
///     .faults()
///     .fail_next(2, 503)
///     .drop_next(1)
///     .throttle_message_next(3);
/// assert_eq!(emulator.faults().pending().failures, 2);
/// emulator.faults().clear();
/// assert_eq!(emulator.faults().pending().failures, 0);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<FaultState>,
}

#[derive(Debug, Default)]
struct FaultState {
    latency: Option<Duration>,
    /// `(requests left, HTTP status)`, served front to back.
    fail: VecDeque<(u64, u16)>,
    /// The same, for answers lost after the request was handled.
    fail_after: VecDeque<(u64, u16)>,
    /// `(probability, generator, HTTP status)`.
    fraction: Option<(f64, Rng, u16)>,
    drop: u64,
    invalidate_token: u64,
    rate_limit_app: u64,
    throttle_message: u64,
    /// `(requests left, Lark code)`.
    errors: VecDeque<(u64, i64)>,
    long_connection_noise: u64,
    withhold_pong: u64,
}

/// What is still queued, as [`Faults::pending`] reports it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PendingFaults {
    /// Added latency per request, in milliseconds.
    pub latency_ms: Option<u64>,
    /// Requests still to answer with an HTTP error status.
    pub failures: u64,
    /// Requests still to handle and then answer with an HTTP error status.
    pub failures_after: u64,
    /// The probability of a random HTTP error, if set.
    pub fail_fraction: Option<f64>,
    /// Connections still to drop.
    pub drops: u64,
    /// Requests still to answer 99991663.
    pub token_invalidations: u64,
    /// Requests still to answer HTTP 429.
    pub app_rate_limits: u64,
    /// Updates or sends still to answer 230020.
    pub message_throttles: u64,
    /// Requests still to answer a forced business error.
    pub errors: u64,
    /// Pushes over the long connection still to precede with noise.
    pub long_connection_noise: u64,
    /// Pings over the long connection still to leave without a pong.
    pub withheld_pongs: u64,
}

/// What happens to a request before it reaches the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Transport {
    /// Handle it.
    Pass,
    /// Close the connection without answering.
    Drop,
    /// Answer this HTTP status.
    Fail(u16),
}

/// An HTTP status to inject: a valid error status, else 500.
fn error_status(status: u16) -> u16 {
    if (400..=599).contains(&status) {
        status
    } else {
        500
    }
}

/// Takes one from the front of a "next N" queue.
fn take<T: Copy>(queue: &mut VecDeque<(u64, T)>) -> Option<T> {
    let (left, value) = queue.front_mut()?;
    let value = *value;
    *left -= 1;
    if *left == 0 {
        queue.pop_front();
    }
    Some(value)
}

fn push<T>(queue: &mut VecDeque<(u64, T)>, n: u64, value: T) {
    if n > 0 {
        queue.push_back((n, value));
    }
}

fn take_count(count: &mut u64) -> bool {
    if *count > 0 {
        *count -= 1;
        true
    } else {
        false
    }
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, FaultState> {
        // Counters only: still meaningful if a holder panicked.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Delays every API request by `delay` on the emulator's clock: with real time while the
    /// clock runs; while it is paused, a held request is answered when
    /// [`Clock::advance`](crate::Clock::advance) passes its delay. Requests held now are
    /// counted in [`Counts::held`](crate::Counts::held).
    pub fn latency(&self, delay: Duration) -> &Self {
        self.lock().latency = Some(delay);
        self
    }

    /// Answers the next `n` API requests with HTTP `status` (a 4xx or 5xx; anything else
    /// means 500). A 500 carries Lark's JSON `{"code":2200,"msg":"internal error"}`; other
    /// statuses carry a plain-text body, as a gateway in front of Lark would send.
    pub fn fail_next(&self, n: u64, status: u16) -> &Self {
        push(&mut self.lock().fail, n, error_status(status));
        self
    }

    /// Handles the next `n` API requests, then answers each with HTTP `status` (a 5xx; other
    /// numbers become 500) instead of its answer: what the request changed stays changed (a
    /// message sent, a CardKit operation applied) but the client sees a failure, as when an
    /// answer is lost on its way back. Queued after any earlier ones.
    pub fn fail_after_next(&self, n: u64, status: u16) -> &Self {
        push(&mut self.lock().fail_after, n, error_status(status));
        self
    }

    /// Answers each API request with HTTP 500 with probability `p` (0 to 1), drawn from a
    /// generator seeded with `seed`, so a run can be repeated exactly.
    pub fn fail_fraction(&self, p: f64, seed: u64) -> &Self {
        self.fail_fraction_with_status(p, seed, 500)
    }

    /// Like [`Faults::fail_fraction`], with another HTTP status.
    pub fn fail_fraction_with_status(&self, p: f64, seed: u64, status: u16) -> &Self {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        self.lock().fraction = Some((p, Rng::new(seed), error_status(status)));
        self
    }

    /// Closes the connection of the next `n` API requests without answering.
    pub fn drop_next(&self, n: u64) -> &Self {
        let mut state = self.lock();
        state.drop = state.drop.saturating_add(n);
        self
    }

    /// Answers the next `n` requests that carry a token with 99991663 on HTTP 200, whatever
    /// the token, as Lark sometimes does for a token it dropped early. The token itself stays
    /// valid: a client that fetches a token again and retries succeeds.
    pub fn invalidate_token_next(&self, n: u64) -> &Self {
        let mut state = self.lock();
        state.invalidate_token = state.invalidate_token.saturating_add(n);
        self
    }

    /// Answers the next `n` authenticated API requests with HTTP 429 / 99991400 and
    /// `x-ogw-ratelimit-reset: 1`. Like the gateway, the emulator holds the app to that reset:
    /// its requests within the next second (emulator clock) are refused again, with the
    /// seconds left, without using up one of the `n`.
    pub fn rate_limit_app_next(&self, n: u64) -> &Self {
        let mut state = self.lock();
        state.rate_limit_app = state.rate_limit_app.saturating_add(n);
        self
    }

    /// Answers the next `n` updates (or sends) that reach the per-message (per-chat) limit
    /// with 230020.
    pub fn throttle_message_next(&self, n: u64) -> &Self {
        let mut state = self.lock();
        state.throttle_message = state.throttle_message.saturating_add(n);
        self
    }

    /// Answers the next `n` authenticated API requests with Lark error `code`, with the HTTP
    /// status Lark documents for it ([`LarkCode`](lark_card::lark::LarkCode)'s table; 400 for
    /// codes it does not know). For rules the emulator cannot decide by itself, such as
    /// 230028 (DLP audit) or 230013 (availability).
    pub fn error_next(&self, n: u64, code: i64) -> &Self {
        push(&mut self.lock().errors, n, code);
        self
    }

    /// Precedes the next `n` pushes over a long connection (a click, an event) with what is
    /// not the protocol's, on the same connection: a text message, a binary message that is
    /// no `pbbp2.Frame`, and a `card` frame (the old card callback, which the official SDKs
    /// drop). None of them is answered; a client must go on and answer the push.
    pub fn long_connection_noise_next(&self, n: u64) -> &Self {
        let mut state = self.lock();
        state.long_connection_noise = state.long_connection_noise.saturating_add(n);
        self
    }

    /// Leaves the next `n` pings over the long connection without their pong, as a
    /// connection that died half-open would.
    pub fn withhold_pong_next(&self, n: u64) -> &Self {
        let mut state = self.lock();
        state.withhold_pong = state.withhold_pong.saturating_add(n);
        self
    }

    /// Removes the added latency.
    pub fn clear_latency(&self) -> &Self {
        self.lock().latency = None;
        self
    }

    /// Removes every fault.
    pub fn clear(&self) -> &Self {
        *self.lock() = FaultState::default();
        self
    }

    /// What is still queued.
    pub fn pending(&self) -> PendingFaults {
        let state = self.lock();
        PendingFaults {
            latency_ms: state.latency.map(crate::clock::millis),
            failures: state.fail.iter().map(|(n, _)| n).sum(),
            failures_after: state.fail_after.iter().map(|(n, _)| n).sum(),
            fail_fraction: state.fraction.as_ref().map(|(p, _, _)| *p),
            drops: state.drop,
            token_invalidations: state.invalidate_token,
            app_rate_limits: state.rate_limit_app,
            message_throttles: state.throttle_message,
            errors: state.errors.iter().map(|(n, _)| n).sum(),
            long_connection_noise: state.long_connection_noise,
            withheld_pongs: state.withhold_pong,
        }
    }

    /// The latency to add and the transport fault for the next API request.
    pub(crate) fn take_transport(&self) -> (Option<Duration>, Transport) {
        let mut state = self.lock();
        let latency = state.latency;
        let action = if take_count(&mut state.drop) {
            Transport::Drop
        } else if let Some(status) = take(&mut state.fail) {
            Transport::Fail(status)
        } else if let Some((p, rng, status)) = state.fraction.as_mut() {
            if rng.next_f64() < *p {
                Transport::Fail(*status)
            } else {
                Transport::Pass
            }
        } else {
            Transport::Pass
        };
        (latency, action)
    }

    /// The HTTP status to answer instead of the API's answer, for a lost answer.
    pub(crate) fn take_failure_after(&self) -> Option<u16> {
        take(&mut self.lock().fail_after)
    }

    pub(crate) fn take_token_invalidation(&self) -> bool {
        take_count(&mut self.lock().invalidate_token)
    }

    pub(crate) fn take_app_rate_limit(&self) -> bool {
        take_count(&mut self.lock().rate_limit_app)
    }

    pub(crate) fn take_message_throttle(&self) -> bool {
        take_count(&mut self.lock().throttle_message)
    }

    pub(crate) fn take_error(&self) -> Option<i64> {
        take(&mut self.lock().errors)
    }

    pub(crate) fn take_long_connection_noise(&self) -> bool {
        take_count(&mut self.lock().long_connection_noise)
    }

    pub(crate) fn take_withheld_pong(&self) -> bool {
        take_count(&mut self.lock().withhold_pong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_n_faults_queue_in_order() {
        let faults = Faults::default();
        faults.fail_next(2, 503).fail_next(1, 200).drop_next(1);
        assert_eq!(faults.take_transport().1, Transport::Drop);
        assert_eq!(faults.take_transport().1, Transport::Fail(503));
        assert_eq!(faults.take_transport().1, Transport::Fail(503));
        // 200 is not an error status: it becomes 500.
        assert_eq!(faults.take_transport().1, Transport::Fail(500));
        assert_eq!(faults.take_transport().1, Transport::Pass);
    }

    #[test]
    fn a_fraction_is_reproducible_from_its_seed() {
        let run = |seed| {
            let faults = Faults::default();
            faults.fail_fraction(0.3, seed);
            (0..200)
                .map(|_| faults.take_transport().1 != Transport::Pass)
                .collect::<Vec<_>>()
        };
        let first = run(9);
        assert_eq!(first, run(9));
        let failed = first.iter().filter(|f| **f).count();
        assert!(
            (30..90).contains(&failed),
            "{failed} of 200 failed at p = 0.3"
        );
    }
}

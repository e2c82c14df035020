//! The emulator's clock.
//!
//! Every rule that depends on time reads this clock, never the system clock directly: token
//! lifetimes (2 hours, renewed under 30 minutes), the 14-day update window, the rate-limit
//! windows (per second, per minute), the 3 seconds Lark waits for a callback's answer and the
//! 30 minutes of a callback's token. A test can therefore jump 14 days ahead in a microsecond.
//!
//! By default the clock runs: it starts at the wall-clock time the emulator started and moves
//! with real time, plus whatever [`Clock::advance`] added. That keeps the binary and clients
//! that pace themselves with real sleeps (a 5 QPS limiter, say) behaving as against Lark.
//! [`Clock::pause`] stops it, so that only [`Clock::advance`] moves it: then every request in a
//! test happens at a time the test chose, and rate-limit tests count exactly.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::Notify;

/// The emulator's clock: real time plus manual advances, or paused.
///
/// ```
/// use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), lark_card_emulator::EmulatorError> {
/// let emulator = lark_card_emulator::Emulator::builder().paused_clock().start().await?;
/// let before = emulator.clock().now();
/// emulator.clock().advance(Duration::from_secs(14 * 24 * 3600));
/// assert_eq!(emulator.clock().now().duration_since(before).ok(), Some(Duration::from_secs(14 * 24 * 3600)));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Clock {
    inner: Mutex<ClockState>,
    /// Woken on every advance, pause and resume, for waits on the clock.
    changed: Notify,
}

#[derive(Debug)]
struct ClockState {
    /// Emulated milliseconds since the Unix epoch at the moment `running_since` was taken (or
    /// now, when paused).
    anchor_ms: u64,
    /// When the clock last started running; `None` while paused.
    running_since: Option<Instant>,
}

impl ClockState {
    fn now_ms(&self) -> u64 {
        let elapsed = self
            .running_since
            .map_or(0, |since| millis(since.elapsed()));
        self.anchor_ms.saturating_add(elapsed)
    }
}

/// Milliseconds in a duration, saturating instead of overflowing.
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Milliseconds since the Unix epoch as a `SystemTime`.
pub(crate) fn to_system_time(ms: u64) -> SystemTime {
    UNIX_EPOCH
        .checked_add(Duration::from_millis(ms))
        .unwrap_or(UNIX_EPOCH)
}

impl Clock {
    pub(crate) fn new(start: SystemTime, paused: bool) -> Clock {
        let anchor_ms = start.duration_since(UNIX_EPOCH).map_or(0, millis);
        Clock {
            inner: Mutex::new(ClockState {
                anchor_ms,
                running_since: if paused { None } else { Some(Instant::now()) },
            }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, ClockState> {
        // The state is two plain numbers, valid even if a holder panicked.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The emulated time now: the start time plus the time run (while not paused) and
    /// advanced.
    pub fn now(&self) -> SystemTime {
        to_system_time(self.now_ms())
    }

    /// The emulated time now, in milliseconds since the Unix epoch (Lark's `create_time`).
    pub fn now_millis(&self) -> u64 {
        self.now_ms()
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.lock().now_ms()
    }

    /// Moves the clock forward. Tokens expire, messages age and rate-limit windows pass as if
    /// that much time had gone by.
    pub fn advance(&self, by: Duration) {
        let mut state = self.lock();
        state.anchor_ms = state.anchor_ms.saturating_add(millis(by));
        drop(state);
        self.changed.notify_waiters();
    }

    /// Stops the clock: from now on only [`Clock::advance`] moves it.
    pub fn pause(&self) {
        let mut state = self.lock();
        state.anchor_ms = state.now_ms();
        state.running_since = None;
        drop(state);
        self.changed.notify_waiters();
    }

    /// Lets the clock run with real time again, from the time it shows now.
    pub fn resume(&self) {
        let mut state = self.lock();
        if state.running_since.is_none() {
            state.running_since = Some(Instant::now());
        }
        drop(state);
        self.changed.notify_waiters();
    }

    /// Waits until the clock shows `target_ms` (milliseconds since the Unix epoch): with real
    /// time while it runs, and at an [`Clock::advance`] that reaches it while it is paused.
    pub(crate) async fn reached(&self, target_ms: u64) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before the clock is read, so that a change in between still wakes us.
            changed.as_mut().enable();
            let (now, running) = {
                let state = self.lock();
                (state.now_ms(), state.running_since.is_some())
            };
            if now >= target_ms {
                return;
            }
            if running {
                let left = Duration::from_millis(target_ms - now);
                tokio::select! {
                    () = tokio::time::sleep(left) => {}
                    () = &mut changed => {}
                }
            } else {
                changed.await;
            }
        }
    }

    /// Whether the clock is paused.
    pub fn is_paused(&self) -> bool {
        self.lock().running_since.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn a_paused_clock_is_reached_by_an_advance_only() {
        let clock = std::sync::Arc::new(Clock::new(UNIX_EPOCH, true));
        let waiter = clock.clone();
        let waiting = tokio::spawn(async move { waiter.reached(3_000).await });
        // On one thread, a yield lets the waiter run until it waits.
        tokio::task::yield_now().await;
        clock.advance(Duration::from_millis(2_999));
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        clock.advance(Duration::from_millis(1));
        assert!(waiting.await.is_ok());
    }

    #[test]
    fn a_paused_clock_moves_only_when_advanced() {
        let clock = Clock::new(UNIX_EPOCH + Duration::from_secs(1_000), true);
        assert_eq!(clock.now_ms(), 1_000_000);
        // The event that time passed: a running clock, started after it, showing a later
        // millisecond (however long that takes; no fixed sleep).
        let running = Clock::new(UNIX_EPOCH, false);
        let started = running.now_ms();
        while running.now_ms() == started {
            std::thread::yield_now();
        }
        assert_eq!(clock.now_ms(), 1_000_000);
        clock.advance(Duration::from_millis(250));
        assert_eq!(clock.now_ms(), 1_000_250);
    }

    #[test]
    fn a_running_clock_keeps_advances_across_pause_and_resume() {
        let clock = Clock::new(UNIX_EPOCH, false);
        clock.advance(Duration::from_secs(60));
        clock.pause();
        let paused_at = clock.now_ms();
        assert!(paused_at >= 60_000);
        clock.resume();
        assert!(!clock.is_paused());
        assert!(clock.now_ms() >= paused_at);
    }
}

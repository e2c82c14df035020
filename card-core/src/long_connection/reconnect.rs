//! Reconnection as the official SDKs do it (Go `reconnect`): a random wait up to
//! `ReconnectNonce` first, then an attempt every `ReconnectInterval`, `ReconnectCount` times
//! (forever when negative); a client error stops at once.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;

use super::config::ClientConfig;
use super::error::LongConnectionError;

/// The current configuration (the last endpoint answer or pong wrote it).
pub(crate) fn current(config: &Mutex<ClientConfig>) -> ClientConfig {
    *config.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Resolves when shutdown is asked; never if nobody can ask any more.
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Sleeps; true if shutdown was asked meanwhile.
async fn sleep_or_stop(wait: Duration, shutdown: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        () = tokio::time::sleep(wait) => false,
        () = stopped(shutdown) => true,
    }
}

/// A random time in `[0, nonce]`, to the millisecond.
fn jitter(nonce: Duration) -> Duration {
    let most = u64::try_from(nonce.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(0..=most))
}

/// Reconnects after `cause` (the drop, or the first failed attempt): `Ok(None)` if shutdown
/// was asked meanwhile.
pub(crate) async fn reconnect<T, C, F>(
    config: &Mutex<ClientConfig>,
    shutdown: &mut watch::Receiver<bool>,
    cause: LongConnectionError,
    mut connect: C,
) -> Result<Option<T>, LongConnectionError>
where
    C: FnMut() -> F,
    F: Future<Output = Result<T, LongConnectionError>>,
{
    let nonce = current(config).reconnect_nonce;
    if !nonce.is_zero() && sleep_or_stop(jitter(nonce), shutdown).await {
        return Ok(None);
    }
    let mut last = cause;
    let mut attempts: u32 = 0;
    loop {
        let count = current(config).reconnect_count;
        if count >= 0 && i64::from(attempts) >= count {
            return Err(LongConnectionError::RetriesExhausted {
                attempts,
                last: Box::new(last),
            });
        }
        attempts = attempts.saturating_add(1);
        tracing::info!(attempt = attempts, "reconnecting the long connection");
        let outcome = tokio::select! {
            outcome = connect() => outcome,
            () = stopped(shutdown) => return Ok(None),
        };
        match outcome {
            Ok(connected) => return Ok(Some(connected)),
            Err(error) if error.is_client_error() => return Err(error),
            Err(error) => {
                tracing::warn!(
                    attempt = attempts,
                    error = %crate::client::WithCauses(&error),
                    "the long connection could not reconnect"
                );
                last = error;
            }
        }
        if sleep_or_stop(current(config).reconnect_interval, shutdown).await {
            return Ok(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio::time::Instant;

    use super::*;
    use crate::client::ConfigError;

    /// A client error, as an attempt could end with (the wrong credentials, say).
    fn client_error() -> LongConnectionError {
        LongConnectionError::Config(ConfigError::NoCredentials)
    }

    fn config(count: i64, interval: u64, nonce: u64) -> Mutex<ClientConfig> {
        Mutex::new(ClientConfig {
            reconnect_count: count,
            reconnect_interval: Duration::from_secs(interval),
            reconnect_nonce: Duration::from_secs(nonce),
            ..ClientConfig::default()
        })
    }

    /// Runs `reconnect` with attempts that fail until `succeed_at` (1-based), recording when
    /// each attempt was made, relative to the start.
    async fn attempts(
        config: &Mutex<ClientConfig>,
        succeed_at: Option<usize>,
        fail_with: fn() -> LongConnectionError,
    ) -> (Result<Option<usize>, LongConnectionError>, Vec<Duration>) {
        let start = Instant::now();
        let times = Arc::new(Mutex::new(Vec::new()));
        let (_tx, mut rx) = watch::channel(false);
        let seen = times.clone();
        let result = reconnect(config, &mut rx, LongConnectionError::Closed, || {
            let seen = seen.clone();
            async move {
                let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
                seen.push(start.elapsed());
                if Some(seen.len()) == succeed_at {
                    Ok(seen.len())
                } else {
                    Err(fail_with())
                }
            }
        })
        .await;
        let times = times.lock().unwrap_or_else(PoisonError::into_inner).clone();
        (result, times)
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_attempt_waits_the_jitter_then_each_the_interval() {
        for _ in 0..20 {
            let config = config(-1, 120, 30);
            let (result, times) = attempts(&config, Some(3), || LongConnectionError::Timeout).await;
            assert_eq!(result.ok().flatten(), Some(3));
            assert_eq!(times.len(), 3);
            assert!(times[0] <= Duration::from_secs(30), "{times:?}");
            assert_eq!(times[1] - times[0], Duration::from_secs(120));
            assert_eq!(times[2] - times[1], Duration::from_secs(120));
        }
        // No nonce: the first attempt is immediate.
        let (_, times) =
            attempts(&config(-1, 5, 0), Some(1), || LongConnectionError::Timeout).await;
        assert_eq!(times, [Duration::ZERO]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_count_of_attempts_is_kept_and_the_last_error_too() {
        let (result, times) =
            attempts(&config(3, 10, 0), None, || LongConnectionError::Timeout).await;
        assert_eq!(times.len(), 3);
        assert!(
            matches!(&result, Err(LongConnectionError::RetriesExhausted { attempts: 3, last }) if matches!(**last, LongConnectionError::Timeout)),
            "{result:?}"
        );
        // ReconnectCount 0: no attempt, the drop is the error.
        let (result, times) =
            attempts(&config(0, 10, 0), None, || LongConnectionError::Timeout).await;
        assert!(times.is_empty());
        assert!(matches!(
            result,
            Err(LongConnectionError::RetriesExhausted { attempts: 0, last }) if matches!(*last, LongConnectionError::Closed)
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_error_stops_without_another_attempt() {
        let (result, times) = attempts(&config(-1, 10, 0), None, client_error).await;
        assert_eq!(times.len(), 1);
        assert!(matches!(result, Err(LongConnectionError::Config(_))));
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_interrupts_the_waits() {
        let config = config(-1, 3600, 0);
        let (tx, mut rx) = watch::channel(false);
        let start = Instant::now();
        let stop = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            let _ = tx.send(true);
        };
        let run = reconnect(&config, &mut rx, LongConnectionError::Closed, || async {
            Err::<(), _>(LongConnectionError::Timeout)
        });
        let (result, ()) = tokio::join!(run, stop);
        assert!(matches!(result, Ok(None)));
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }
}

//! Logs written to memory, for tests that read what the client logged (and check that no
//! secret is in it).

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Where a test's logs go: a buffer shared by the subscriber's writers and the test, and a
/// signal for a test waiting for a line.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>, Arc<tokio::sync::Notify>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.0.lock().map_or(Ok(0), |mut v| {
            v.extend_from_slice(buf);
            Ok(buf.len())
        });
        self.1.notify_waiters();
        written
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    /// What was logged so far.
    pub fn text(&self) -> String {
        self.0
            .lock()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default()
    }

    /// Waits until `text` was logged `times` times (the event a test waits for instead of a
    /// time: "every replica noticed").
    #[allow(dead_code)] // Not every test binary that captures logs waits for a line.
    pub async fn wait_for(&self, text: &str, times: usize) {
        loop {
            let logged = self.1.notified();
            tokio::pin!(logged);
            // Registered before the logs are read, so that a line written in between wakes us.
            logged.as_mut().enable();
            if self.text().matches(text).count() >= times {
                return;
            }
            logged.await;
        }
    }
}

/// A subscriber that writes everything up to `level` into a new capture.
pub fn capturing(level: tracing::Level) -> (Capture, impl tracing::Subscriber + Send + Sync) {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(move || writer.clone())
        .finish();
    (capture, subscriber)
}

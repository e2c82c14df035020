//! Logs written to memory, for tests that read what the client logged (and check that no
//! secret is in it).

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Where a test's logs go: a buffer shared by the subscriber's writers and the test.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_or(Ok(0), |mut v| {
            v.extend_from_slice(buf);
            Ok(buf.len())
        })
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

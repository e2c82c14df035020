//! Logs written to memory, for tests that read what the client logged (and check that no
//! secret is in it), or wait for a line. Each test binary uses a part of it.
#![allow(dead_code)]

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

/// Logs written to memory, with an event on each line, so that a test can wait for a line.
#[derive(Clone, Default)]
pub struct LogLines {
    text: Arc<Mutex<String>>,
    written: Arc<tokio::sync::Notify>,
}

impl std::io::Write for LogLines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut text) = self.text.lock() {
            text.push_str(&String::from_utf8_lossy(buf));
        }
        self.written.notify_waiters();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogLines {
    /// Everything at debug level and above, on this thread, goes here while the guard lives.
    pub fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// Waits until a line contains one of `needles`; which one.
    pub async fn until_one_of<'n>(&self, needles: &[&'n str]) -> &'n str {
        loop {
            let written = self.written.notified();
            tokio::pin!(written);
            // Registered before reading, so that a line written in between still wakes us.
            written.as_mut().enable();
            let text = self.text.lock().map(|t| t.clone()).unwrap_or_default();
            if let Some(found) = needles.iter().find(|needle| text.contains(**needle)) {
                return found;
            }
            written.await;
        }
    }
}

//! A `redis-server` of a test's own, for the tests of replicas sharing limits through Redis.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::{on_path, REDIS_SERVER};

/// A `redis-server` of the test's own, on a port of its own, without persistence.
pub struct RedisServer {
    binary: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts one; `None` (with a notice naming `part`, what passes over it) if
    /// `redis-server` is missing and this is not CI.
    pub fn start(part: &str) -> Option<RedisServer> {
        let binary = REDIS_SERVER.require(on_path(&["redis-server"]), part)?;
        let mut server = RedisServer {
            binary,
            port: 0,
            child: None,
        };
        // Redis cannot pick its own port (`--port 0` turns TCP off), so the test picks a free
        // one, which another process may take before Redis binds it: then Redis exits without
        // listening, and another port is tried.
        for _ in 0..5 {
            server.port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .unwrap_or_else(|e| panic!("no free port: {e}"));
            if server.launch() {
                return Some(server);
            }
        }
        panic!("redis-server did not listen on any of five free ports");
    }

    /// Its URL, for `RedisConfig::new`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Starts Redis again on its port (the restart tests).
    pub fn spawn(&mut self) {
        assert!(
            self.launch(),
            "redis-server did not listen again on port {}",
            self.port
        );
    }

    /// Starts `redis-server` on `self.port`; whether it listens. Its log line `Ready to
    /// accept connections` is the event waited for; its output ending first means it exited.
    fn launch(&mut self) -> bool {
        let mut child = Command::new(&self.binary)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start redis-server: {e}"));
        let Some(stdout) = child.stdout.take() else {
            panic!("redis-server's output is not piped");
        };
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        let ready = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|line| line.contains("Ready to accept connections"));
        if ready {
            // Drained, so that Redis never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            self.child = Some(child);
        } else {
            let _ = child.kill();
            let _ = child.wait();
        }
        ready
    }

    /// Stops it (the restart tests); [`RedisServer::spawn`] starts it again.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The CI's Redis (`LARK_TEST_REDIS_URL`), or one of the test's own (kept alive by the
/// returned guard); `None` as [`RedisServer::start`] says.
pub fn shared_redis(part: &str) -> Option<(String, Option<RedisServer>)> {
    if let Ok(url) = std::env::var("LARK_TEST_REDIS_URL") {
        if !url.is_empty() {
            return Some((url, None));
        }
    }
    let server = RedisServer::start(part)?;
    Some((server.url(), Some(server)))
}

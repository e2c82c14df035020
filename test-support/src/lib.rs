//! What the workspace's tests share: the one rule for a test that needs a program from
//! outside Rust (Chromium, chromedriver, `redis-server`, Python with Lark's SDK).
//!
//! - Under `CI=true` (or `CI=1`) a missing program fails the test, naming what to install:
//!   `.ci/run` installs them all, and a test that passes over its subject there proves
//!   nothing.
//! - Elsewhere, on a machine with only the Rust toolchain, the test prints one notice on the
//!   terminal (past the test harness's capture, so that `cargo test` shows it) naming what is
//!   missing and how to install it, and passes over the part that needs it.
//!
//! ```
//! use card_test_support::{on_path, REDIS_SERVER};
//!
//! // `None` after the notice (or a panic under CI) when it is not installed.
//! if let Some(redis_server) = REDIS_SERVER.require(on_path(&["redis-server"]), "the fleet tests") {
//!     assert!(redis_server.ends_with("redis-server"));
//! }
//! ```

mod redis;

pub use redis::{shared_redis, RedisServer};

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// A program from outside Rust that some tests need, and how a newcomer installs it.
#[derive(Debug)]
pub struct Program {
    /// What it is called in the notice.
    pub name: &'static str,
    /// How to install it, as a command for Debian (what CI and the development machines run).
    pub install: &'static str,
}

/// Chromium, for the viewer's browser tests and PNG rendering (found by
/// `lark_card_render::screenshot::find_chromium`).
pub const CHROMIUM: Program = Program {
    name: "Chromium",
    install: "apt-get update && apt-get install -y chromium chromium-driver",
};

/// chromedriver, which drives Chromium over WebDriver (`$CHROMEDRIVER`, else `PATH`).
pub const CHROMEDRIVER: Program = Program {
    name: "chromedriver",
    install: "apt-get update && apt-get install -y chromium chromium-driver",
};

/// `redis-server`, for replicas sharing the app's limits through Redis.
pub const REDIS_SERVER: Program = Program {
    name: "redis-server",
    install: "apt-get update && apt-get install -y redis-server",
};

/// Python 3 with Lark's official SDK (`lark-oapi`), the second opinion on the emulator. The
/// tests install the SDK into a virtual environment of their own when `python3` lacks it.
pub const PYTHON_LARK_OAPI: Program = Program {
    name: "Python 3 with lark-oapi",
    install: "apt-get update && apt-get install -y python3 python3-venv && python3 -m pip install lark-oapi",
};

/// Whether this is CI (`CI=true` or `CI=1`), where nothing may be passed over.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The first of `names` found as a file in a folder of `PATH`.
pub fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

impl Program {
    /// The rule applied to a look-up: what was found, or, when nothing was, `None` after the
    /// notice (outside CI) or a panic that says what to install (under CI). `part` names
    /// what is passed over ("the viewer's browser tests").
    #[track_caller]
    pub fn require<T>(&self, found: Option<T>, part: &str) -> Option<T> {
        if found.is_none() {
            self.missing(part, "not found");
        }
        found
    }

    /// The rule for a program that was found but cannot serve (an install that failed):
    /// returns after the notice outside CI, and panics with `why` under CI.
    #[track_caller]
    pub fn missing(&self, part: &str, why: &str) {
        let Program { name, install } = self;
        if in_ci() {
            panic!("{name} is needed by {part} under CI=true: {why}; install it: `{install}`");
        }
        // One notice per program and test binary: the first test to miss it says so.
        static TOLD: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
        let first = TOLD
            .lock()
            .map(|mut told| told.get_or_insert_with(HashSet::new).insert(name))
            .unwrap_or(true);
        if first {
            // Straight to the process's stderr: the test harness captures `eprintln!` of a
            // passing test, and a newcomer must see why a part did not run.
            let _ = writeln!(
                std::io::stderr().lock(),
                "notice: {name} {why}, so this did not run: {part} (install it: `{install}`; under CI=true it fails instead)"
            );
        }
    }
}

/// Which modules each module of a crate uses, read from its sources by a layers test (the
/// client's and the emulator's each read theirs in their own way).
pub type ModuleGraph = BTreeMap<String, BTreeSet<String>>;

/// A circle of modules, each using the next and the last the first, if there is one.
///
/// ```
/// use card_test_support::{find_cycle, ModuleGraph};
///
/// let mut graph = ModuleGraph::new();
/// graph.entry("state".into()).or_default().insert("clock".into());
/// assert_eq!(find_cycle(&graph), None);
/// graph.entry("clock".into()).or_default().insert("state".into());
/// assert_eq!(find_cycle(&graph), Some(vec!["clock".into(), "state".into(), "clock".into()]));
/// ```
pub fn find_cycle(graph: &ModuleGraph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &ModuleGraph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

/// The graph one module a line, `module -> used, used`, for a test's output.
pub fn printed(graph: &ModuleGraph) -> String {
    graph
        .iter()
        .map(|(module, uses)| {
            let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
            format!("{module} -> {}\n", uses.join(", "))
        })
        .collect()
}

//! Benchmarks of the workspace; see `BENCHMARKS.md` at the root. What the bench binaries
//! (`src/bin`) share: smoke mode and how a run ends.

use std::error::Error;
use std::future::Future;
use std::process::ExitCode;

/// A bench's error, sendable between tasks.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// Whether this is CI's smoke run (`CI=true` or `CI=1`): short, and checking correctness
/// only (speed is in `BENCHMARKS.md`, never asserted).
pub fn smoke() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Runs a bench on a multi-threaded runtime: success when it answers `Ok(true)`, failure
/// (with the error on stderr, after the bench's `name`) otherwise.
pub fn run(name: &str, bench: impl Future<Output = Result<bool, BoxError>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("{name}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(bench) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("{name}: {error}");
            ExitCode::FAILURE
        }
    }
}

//! Benchmarks of the workspace; see `BENCHMARKS.md` at the root.

#!/usr/bin/env bash
# The benchmarks, briefly: finishes in under two minutes once the workspace is built.
# COMPILE=1 adds one run of the compile-cost measurement.
# For the full runs and their method, see BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== update scheduling (3 s per run, 1 and 10 messages)"
cargo run --quiet --release -p card-benches --bin update_scheduling -- --seconds 3 --messages 1,10

echo
echo "== streaming into cards, CardKit against the PATCH updater (3 s per way, 1 and 10 cards)"
cargo run --quiet --release -p card-benches --bin stream_throughput -- --seconds 3 --cards 1,10

echo
echo "== serialization (criterion, quick)"
BENCH_QUICK=1 cargo bench --quiet -p card-benches --bench serialization -- --quick

# Compile cost builds its own crates (a minute or two the first time), so it is opt-in here.
if [ "${COMPILE:-0}" = 1 ]; then
    echo
    echo "== compile cost (one run each; RUNS=7 scripts/compile-cost/run.sh for the real figures)"
    RUNS=1 scripts/compile-cost/run.sh
fi

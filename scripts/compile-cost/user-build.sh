#!/usr/bin/env bash
# What `card!` costs a user's first build, before and after a change (measured, never asserted
# in tests).
#
# A fresh crate outside the workspace depends on `lark-card` (by path) and uses `card!` once.
# It is built clean (its own fresh target dir each run), with lark-card's default features
# and with `--no-default-features`, against two commits of this repository: BEFORE and AFTER,
# each exported with `git archive` (so edits in the repository do not change what is
# measured). Runs alternate (BEFORE first on odd runs, AFTER first on even runs); the table
# shows medians of wall-clock seconds and the ratio after/before, with the load average
# before each run (the machine may be shared). Also prints the syn majors `cargo tree` shows
# for each side.
#
#   scripts/compile-cost/user-build.sh BEFORE [AFTER]     commits; AFTER defaults to HEAD
#
# Environment:
#   RUNS=N        runs per side and feature set (default 3)
#   FEATURES="default no-default"   which feature sets to build (default both)
#   WORK_DIR=DIR  where the trees, crates and target dirs go
#                 (default: ${TMPDIR:-/tmp}/lark-card-user-build; replaced on every start)
#
# Needs cargo, git, python3, and the dependencies in Cargo's cache (it builds --offline with
# each commit's own Cargo.lock, so both sides use the versions they were tested with).

set -euo pipefail

BEFORE=${1:?usage: user-build.sh BEFORE [AFTER]}
AFTER=${2:-HEAD}
RUNS=${RUNS:-3}
FEATURES=${FEATURES:-default no-default}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${WORK_DIR:-${TMPDIR:-/tmp}/lark-card-user-build}
RESULTS=$WORK/results.tsv

case $RUNS in '' | *[!0-9]* | 0) echo "RUNS must be a positive integer" >&2; exit 2 ;; esac

# Measure cargo and rustc as a user runs them: no wrapper, no inherited target dir or flags.
unset RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER CARGO_TARGET_DIR \
    CARGO_BUILD_TARGET_DIR RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_INCREMENTAL \
    CARGO_BUILD_INCREMENTAL RUSTC_BOOTSTRAP || true
export CARGO_TERM_COLOR=never

log() { printf '%s\n' "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

rm -rf "$WORK"
mkdir -p "$WORK/logs"
: >"$RESULTS"
log "machine: $(nproc) CPUs; $(rustc --version); load average now: $(load)"

# side NAME COMMIT: the repository at COMMIT, and the user crate next to it.
side() {
    local name=$1 commit=$2 dir=$WORK/$1
    mkdir -p "$dir/tree" "$dir/user/src"
    git -C "$REPO" archive "$commit" | tar -x -C "$dir/tree"
    log "$name: $(git -C "$REPO" log -1 --format='%h %s' "$commit")"
    cat >"$dir/user/Cargo.toml" <<EOF
[package]
name = "user-card"
version = "0.0.0"
edition = "2021"
publish = false

[features]
default = ["lark-card/default"]

[dependencies]
lark-card = { path = "../tree/card-core", default-features = false }

[workspace]
EOF
    cat >"$dir/user/src/main.rs" <<'EOF'
//! A user's crate: one card, checked when it compiles.

fn main() {
    let card = lark_card::card!({
        "schema": "2.0",
        "config": { "update_multi": true },
        "body": { "elements": [ { "tag": "markdown", "content": "**Deploy** finished" } ] }
    });
    // `to_content` returned a `Result` before 97df049 and a `String` since: both are used so.
    let content = card.to_content();
    std::hint::black_box(&content);
}
EOF
    # The commit's own lock file: the versions it was tested with (cargo prunes the rest).
    cp "$dir/tree/Cargo.lock" "$dir/user/Cargo.lock"
    (cd "$dir/user" && cargo metadata --offline --format-version 1 >/dev/null)
    for features in $FEATURES; do
        local flags=()
        [ "$features" = no-default ] && flags=(--no-default-features)
        local majors
        majors=$(cd "$dir/user" && cargo tree --offline -e normal "${flags[@]}" --prefix none |
            grep -oE '^syn v[0-9]+\.[0-9.]+' | sort -u | tr '\n' ' ')
        log "    $features: cargo tree -e normal shows ${majors:-no syn}"
        printf 'tree\t%s\t%s\t%s\n' "$name" "$features" "$majors" >>"$RESULTS"
    done
}

side before "$BEFORE"
side after "$AFTER"

# build SIDE FEATURES RUN: one clean build, timed.
build() {
    local name=$1 features=$2 r=$3 dir=$WORK/$1 flags=() out before_load
    [ "$features" = no-default ] && flags=(--no-default-features)
    rm -rf "$dir/target"
    before_load=$(load)
    if ! out=$( { TIMEFORMAT='%R'; time (cd "$dir/user" && CARGO_TARGET_DIR="$dir/target" \
        cargo build --offline --locked "${flags[@]}" >"$WORK/logs/$name-$features-$r.log" 2>&1); } 2>&1 ); then
        log "FAILED: $name $features (see $WORK/logs/$name-$features-$r.log)"
        tail -n 30 "$WORK/logs/$name-$features-$r.log" >&2
        exit 1
    fi
    printf 'run\t%s\t%s\t%s\t%s\n' "$name" "$features" "$out" "$before_load" >>"$RESULTS"
    log "    $name, $features, run $r: ${out}s (load average before: $before_load)"
}

for r in $(seq 1 "$RUNS"); do
    for features in $FEATURES; do
        if [ $((r % 2)) = 1 ]; then order="before after"; else order="after before"; fi
        for name in $order; do
            build "$name" "$features" "$r"
        done
    done
done
rm -rf "$WORK/before/target" "$WORK/after/target"

python3 - "$RESULTS" "$RUNS" <<'EOF'
import statistics
import sys

path, runs = sys.argv[1], int(sys.argv[2])
trees, times = {}, {}
for line in open(path, encoding="utf-8"):
    fields = line.rstrip("\n").split("\t")
    if fields[0] == "tree":
        trees[(fields[1], fields[2])] = fields[3].strip() or "no syn"
    else:
        _, side, features, wall, load = fields
        times.setdefault((features, side), []).append((float(wall), load))

print()
print("Clean build of a user crate with one card! (medians of %d runs; wall seconds)" % runs)
print("| lark-card features | before | after | after/before | runs before / after (load average) |")
print("|---|---:|---:|---:|---|")
for features in dict.fromkeys(f for f, _ in times):
    b, a = times[(features, "before")], times[(features, "after")]
    mb, ma = statistics.median(w for w, _ in b), statistics.median(w for w, _ in a)
    runs_text = ", ".join("%.1f (%s)" % x for x in b) + " / " + ", ".join("%.1f (%s)" % x for x in a)
    print("| %s | %.1f s | %.1f s | **%.2fx** | %s |" % (features, mb, ma, ma / mb, runs_text))
print()
print("syn in `cargo tree -e normal`:")
for (side, features), majors in trees.items():
    print("  %s, %s: %s" % (side, features, majors))
EOF

#!/usr/bin/env bash
# Compile cost of `card!`, measured (never asserted in tests).
#
#   1. A crate of 100 real cards written with `lark_card::card!` against the same 100 cards
#      written with `serde_json::json!` (gen_cards.py writes both): dependencies prebuilt, only
#      that crate rebuilt (its lib.rs touched). Goal: card!/json! <= 1.0x.
#   2. The clean build of a user's crate, before and after a change: see user-build.sh next
#      to this file.
#   3. PROFILE=1: what the time goes to (cargo --timings per crate, rustc passes, the size of
#      the expansions).
#
# Runs alternate A/B (A first on odd runs, B first on even runs); the table shows medians.
#
# Environment:
#   RUNS=N        runs per measurement (default 5); RUNS=1 is the quick mode
#   RELEASE=1     also time part 1 with --release (one more dependency build)
#   PROFILE=1     also print part 3 (uses RUSTC_BOOTSTRAP=1 for rustc's -Z time-passes and
#                 -Z unpretty=expanded, on this script's own target dirs only)
#   CLIENT=1      cards_macro depends on lark-card with default features (the HTTP client);
#                 default: without, so the one-time dependency build is short (the client
#                 takes no part in expanding or compiling cards)
#   WORK_DIR=DIR  where the generated crates and target dirs go
#                 (default: ${TMPDIR:-/tmp}/lark-card-compile-cost; kept between runs)
#   WAIT_IDLE=S   before each timed build, wait up to S seconds (default 60; 3 when RUNS=1)
#                 until no other rustc runs on the machine; runs that overlapped one are
#                 marked with *
#
# Needs only the Rust toolchain (cargo, rustc) and python3. Writes nothing in the repository.

set -euo pipefail

RUNS=${RUNS:-5}
RELEASE=${RELEASE:-0}
PROFILE=${PROFILE:-0}
CLIENT=${CLIENT:-0}
if [ "${RUNS:-5}" = 1 ]; then WAIT_IDLE=${WAIT_IDLE:-3}; else WAIT_IDLE=${WAIT_IDLE:-60}; fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${WORK_DIR:-${TMPDIR:-/tmp}/lark-card-compile-cost}
CARDS_WS=$WORK/cards-ws
SNAPSHOT=$WORK/snapshot
TARGETS=$WORK/target
LOGS=$WORK/logs
RESULTS=$WORK/results.tsv

case $RUNS in '' | *[!0-9]* | 0) echo "RUNS must be a positive integer" >&2; exit 2 ;; esac

# Measure cargo and rustc as they are: no wrapper (sccache would make every build a cache
# hit), no inherited target dir, flags or incremental setting.
unset RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER CARGO_TARGET_DIR \
    CARGO_BUILD_TARGET_DIR RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_INCREMENTAL \
    CARGO_BUILD_INCREMENTAL RUSTC_BOOTSTRAP || true
export CARGO_TERM_COLOR=never

log() { printf '%s\n' "$*" >&2; }

slugify() { printf '%s' "$1" | tr -c 'A-Za-z0-9' '-' | tr -s '-' | tr 'A-Z' 'a-z'; }

# Whether a rustc process runs now (none of ours runs when this is called).
other_rustc() {
    local f comm
    for f in /proc/[0-9]*/comm; do
        read -r comm 2>/dev/null <"$f" || continue
        [ "$comm" = rustc ] && return 0
    done
    return 1
}

wait_idle() {
    local waited=0
    while other_rustc && [ "$waited" -lt "$WAIT_IDLE" ]; do
        sleep 1
        waited=$((waited + 1))
    done
    [ "$waited" -gt 0 ] && log "    (waited ${waited}s for other rustc processes to finish)"
    return 0
}

# timed LABEL LOG CMD... : runs CMD (output to LOG), appends "LABEL wall cpu busy" to RESULTS.
timed() {
    local label=$1 logfile=$2 out busy=""
    shift 2
    wait_idle
    other_rustc && busy="*"
    if ! out=$( { TIMEFORMAT='%R %U %S'; time "$@" >"$logfile" 2>&1; } 2>&1 ); then
        log "FAILED: $*"
        tail -n 30 "$logfile" >&2
        exit 1
    fi
    other_rustc && busy="*"
    read -r wall user sys <<<"$(printf '%s\n' "$out" | tail -n 1)"
    local cpu
    cpu=$(python3 -c "print(f'{$user + $sys:.3f}')")
    printf '%s\t%s\t%s\t%s\n' "$label" "$wall" "$cpu" "$busy" >>"$RESULTS"
    log "    $label: ${wall}s wall, ${cpu}s cpu${busy:+ (another rustc was running)}"
}

# Whether the build compiled that crate and nothing else.
only_compiled() {
    local logfile=$1 crate=$2 compiled
    compiled=$(grep -E '^ *(Compiling|Checking) ' "$logfile" | awk '{print $2}' | sort -u | tr '\n' ' ')
    [ "$compiled" = "$crate " ]
}

# --- Machine -------------------------------------------------------------------------------

cpu_model=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo unknown)
log "machine: $(nproc) CPUs, ${cpu_model}; $(rustc --version); $(cargo --version)"
log "work dir: $WORK; RUNS=$RUNS RELEASE=$RELEASE PROFILE=$PROFILE CLIENT=$CLIENT"
mkdir -p "$WORK" "$TARGETS" "$LOGS"
: >"$RESULTS"

# --- Generate --------------------------------------------------------------------------------

gen_args=(--out "$CARDS_WS" --snapshot "$SNAPSHOT" --repo "$REPO")
[ "$CLIENT" = 1 ] && gen_args+=(--client)
python3 "$HERE/gen_cards.py" "${gen_args[@]}" >&2
# Both lock files are the repo's: same versions. Cargo only adds/prunes workspace members.
(cd "$CARDS_WS" && cargo metadata --format-version 1 --offline >/dev/null 2>&1 ||
    cargo metadata --format-version 1 >/dev/null)
(cd "$SNAPSHOT" && cargo metadata --format-version 1 --offline >/dev/null 2>&1 ||
    cargo metadata --format-version 1 >/dev/null)

# in_dir DIR CMD... : runs CMD in DIR.
in_dir() {
    local dir=$1
    shift
    (cd "$dir" && "$@")
}
cargo_cards() { in_dir "$CARDS_WS" env "$@"; }

# --- Part 1 ---------------------------------------------------------------------------------

# part1 MODE TARGET_DIR ENV... -- CARGO_SUBCOMMAND_AND_ARGS...
part1() {
    local mode=$1 target=$2
    shift 2
    local envs=() args=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    args=("$@")
    local slug
    slug=$(slugify "$mode")
    log "part 1, $mode"
    local r order crate attempt
    for r in $(seq 1 "$RUNS"); do
        if [ $((r % 2)) = 1 ]; then order="cards_macro cards_json"; else order="cards_json cards_macro"; fi
        for crate in $order; do
            local logfile="$LOGS/$slug-$crate-$r.log"
            for attempt in 1 2 3; do
                touch "$CARDS_WS/$crate/src/lib.rs"
                timed "$mode|$crate" "$logfile" \
                    in_dir "$CARDS_WS" env CARGO_TARGET_DIR="$target" "${envs[@]}" cargo "${args[@]}" -p "$crate"
                only_compiled "$logfile" "$crate" && break
                if [ "$attempt" = 3 ]; then
                    log "warning: it keeps compiling more than $crate (see $logfile); counted as is"
                    break
                fi
                # It built dependencies too (first run, or the snapshot changed): not a
                # measurement. Now they are built; time it again.
                sed -i '$d' "$RESULTS"
                log "    (that build also compiled dependencies: not counted, timing again)"
            done
        done
    done
}

{
    # The cards compile, and card! and json! build the same JSON (card! escapes interpolated
    # markdown; compared accordingly). Its own target dir: it must not disturb the others'.
    log "checking that card! and json! build the same 100 cards"
    cargo_cards CARGO_TARGET_DIR="$TARGETS/verify" cargo run -q -p cards_verify >"$LOGS/verify.log" 2>&1 || {
        tail -n 40 "$LOGS/verify.log" >&2
        exit 1
    }
    log "    $(tail -n 1 "$LOGS/verify.log")"

    part1 "dev, full crate compile (CARGO_INCREMENTAL=0)" "$TARGETS/dev-full" CARGO_INCREMENTAL=0 -- build
    part1 "dev, incremental rebuild (the default)" "$TARGETS/dev-incr" CARGO_INCREMENTAL=1 -- build
    part1 "dev, cargo check only (info: front end; CARGO_INCREMENTAL=0)" "$TARGETS/dev-full" CARGO_INCREMENTAL=0 -- check
    if [ "$RELEASE" = 1 ]; then
        part1 "release, full crate compile" "$TARGETS/release" CARGO_INCREMENTAL=0 -- build --release
    fi
}

# --- Table ------------------------------------------------------------------------------------

python3 - "$RESULTS" "$RUNS" <<'EOF'
import statistics
import sys

path, runs = sys.argv[1], int(sys.argv[2])
rows = {}
order = []
for line in open(path, encoding="utf-8"):
    label, wall, cpu, busy = line.rstrip("\n").split("\t")
    mode, crate = label.split("|")
    if mode not in rows:
        rows[mode] = {}
        order.append(mode)
    rows[mode].setdefault(crate, []).append((float(wall), float(cpu), busy == "*"))

def med(xs):
    return statistics.median(xs)

print()
print("Compile cost of card! (medians of %d run%s; wall seconds, CPU = user+sys seconds)"
      % (runs, "" if runs == 1 else "s"))
parts = [
    ("Part 1: the crate of 100 cards, dependencies prebuilt", "cards_macro", "cards_json",
     "card!", "json!", 1.0),
]
for title, a, b, an, bn, goal in parts:
    modes = [m for m in order if a in rows[m] and b in rows[m]]
    if not modes:
        continue
    print()
    print(title)
    w = max(len(m) for m in modes)
    print("  %-*s  %11s  %11s  %7s  %9s  %-7s  %s" % (w, "", an + " wall", bn + " wall", "ratio",
                                                     "CPU ratio", "goal", "runs (wall: A / B)"))
    for m in modes:
        A, B = rows[m][a], rows[m][b]
        wa, wb = med([x[0] for x in A]), med([x[0] for x in B])
        ca, cb = med([x[1] for x in A]), med([x[1] for x in B])
        ratio = wa / wb
        verdict = "met" if ratio <= goal else "MISSED"
        if "(info" in m or m.startswith("dev, cargo check"):
            verdict = "(info)"
        runs_text = " ".join("%.2f%s" % (x[0], "*" if x[2] else "") for x in A) + " / " + \
            " ".join("%.2f%s" % (x[0], "*" if x[2] else "") for x in B)
        print("  %-*s  %10.2fs  %10.2fs  %6.2fx  %8.2fx  <=%.1fx %-6s  %s"
              % (w, m, wa, wb, ratio, ca / cb, goal, verdict, runs_text))
if any(x[2] for r in rows.values() for xs in r.values() for x in xs):
    print("\n  * another rustc was running during that run (the machine was shared): noisier")
EOF

# --- Part 3 ---------------------------------------------------------------------------------

if [ "$PROFILE" = 1 ]; then
    echo
    echo "Part 3: profile (RUSTC_BOOTSTRAP=1 for rustc's -Z flags; diagnostics only)"

    echo
    echo "  Clean build of lark-card-macros, per crate (cargo build --timings; start and duration, s):"
    for crate in lark-card-macros; do
        ws=$SNAPSHOT
        target="$TARGETS/timings-$crate"
        rm -rf "$target"
        in_dir "$ws" env CARGO_TARGET_DIR="$target" cargo build --locked -p "$crate" --timings \
            >"$LOGS/timings-$crate.log" 2>&1
        python3 - "$target/cargo-timings/cargo-timing.html" "$crate" <<'EOF'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"const UNIT_DATA = (\[.*?\]);", html, re.S)
if not m:
    print("    (could not read the timings report: %s)" % sys.argv[1])
    sys.exit(0)
units = json.loads(m.group(1))
end = max(u["start"] + u["duration"] for u in units)
print("    %s (total %.2fs): %s" % (sys.argv[2], end, ", ".join(
    "%s%s %.2f+%.2f" % (u["name"], u.get("target", "").rstrip(), u["start"], u["duration"])
    for u in units)))
EOF
    done

    echo
    echo "  rustc passes (-Z time-passes, the largest; seconds):"
    passes() { # label ws target package [cargo args]
        local label=$1 ws=$2 target=$3 pkg=$4
        shift 4
        in_dir "$ws" env CARGO_TARGET_DIR="$target" CARGO_INCREMENTAL=0 RUSTC_BOOTSTRAP=1 \
            cargo rustc -p "$pkg" "$@" -- -Ztime-passes >"$LOGS/passes-$pkg.log" 2>&1
        python3 - "$LOGS/passes-$pkg.log" "$label" <<'EOF'
import re, sys
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"time:\s+([0-9.]+);.*\t(\S+)", line.rstrip("\n"))
    if m:
        rows.append((float(m.group(1)), m.group(2)))
total = [t for t, n in rows if n == "total"]
keep = ["expand_crate", "type_check_crate", "MIR_borrow_checking", "codegen_crate", "LLVM_passes",
        "generate_crate_metadata", "link"]
have = {n: t for t, n in rows}
print("    %-34s total %6.2f | %s" % (sys.argv[2], max(total) if total else float("nan"),
      "  ".join("%s %.2f" % (n, have[n]) for n in keep if n in have)))
EOF
    }
    passes "cards_macro (100 cards, card!)" "$CARDS_WS" "$TARGETS/dev-full" cards_macro
    passes "cards_json (100 cards, json!)" "$CARDS_WS" "$TARGETS/dev-full" cards_json
    passes "lark-card-schema (clean-build dep)" "$SNAPSHOT" "$TARGETS/timings-lark-card-macros" lark-card-schema
    passes "lark-card-macros" "$SNAPSHOT" "$TARGETS/timings-lark-card-macros" lark-card-macros

    echo
    echo "  Size of the expansion (-Z unpretty=expanded of the whole crate):"
    for crate in cards_macro cards_json; do
        in_dir "$CARDS_WS" env CARGO_TARGET_DIR="$TARGETS/dev-full" RUSTC_BOOTSTRAP=1 \
            cargo rustc -q -p "$crate" --profile=check -- -Zunpretty=expanded \
            >"$LOGS/expanded-$crate.rs" 2>"$LOGS/expanded-$crate.log"
        python3 - "$LOGS/expanded-$crate.rs" "$CARDS_WS/$crate/src" "$crate" <<'EOF'
import os, re, sys
TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])\'|[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|::|=>|->|\S')
def tokens(text):
    text = re.sub(r"//[^\n]*", "", text)
    return len(TOKEN.findall(text))
src = ""
for root, _, files in os.walk(sys.argv[2]):
    for f in files:
        src += open(os.path.join(root, f), encoding="utf-8").read()
exp = open(sys.argv[1], encoding="utf-8").read()
print("    %-12s source %7d tokens -> expanded %8d tokens, %7d lines, %6.1f KB"
      % (sys.argv[3], tokens(src), tokens(exp), exp.count("\n"), len(exp.encode()) / 1024))
EOF
    done
    # The profiling builds changed the units' fingerprints: the next run rebuilds them once,
    # in its dependency build step (not timed).
fi

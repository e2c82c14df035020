#!/usr/bin/env bash
# Redraws the README's pictures (docs/img/) of corpus cards with the project's own tooling:
# `lark-card-emulator render --png`, through the local Chromium (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet -p lark-card-emulator
bin=target/debug/lark-card-emulator
out=docs/img
mkdir -p "$out"
shoot() {
    local card=$1 name=$2
    shift 2
    "$bin" render "tests/corpus/cards/$card.json" -o "$out/$name.html" --png "$@" >/dev/null
    rm "$out/$name.html"
    echo "$out/$name.png"
}
shoot 30-v2-column-set-report card-report
shoot 23-markdown-syntax card-markdown-dark --dark
shoot 18-column-set-travel card-hotel-mobile --mobile

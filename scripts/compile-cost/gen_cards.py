#!/usr/bin/env python3
"""Writes the compile-cost benchmark workspace (see run.sh next to this file).

The generated workspace holds:

  cards_macro/   100 cards written with `lark_card::card!`, one function per card
  cards_json/    the same 100 cards written with `serde_json::json!` (same JSON, same
                 interpolations; a loop becomes a `Vec<Value>` built before the `json!`)
  cards_verify/  a binary that calls both with the same arguments and checks that every
                 card serializes to the same JSON value (run once by run.sh)

With --snapshot DIR it also copies lark-card, lark-card-macros and lark-card-schema (with the repo's
workspace manifest and Cargo.lock) to DIR, and the crates depend on that copy: the code under
test does not change while the benchmark runs, even if the repo is being edited.

The cards come from the corpus of real cards from the Lark docs (tests/corpus/cards/*.json):
even cards are 1.0 and odd cards 2.0; card i is the next corpus card of its version, kept as
written (header, config, i18n), trimmed or padded with top-level elements of other corpus
cards of the same version to 5-30 elements, with function parameters interpolated in some
fields (header title, a markdown summary, a few `content`s, callback values) and, in some
cards, a loop over a slice. Deterministic (fixed seed).

Usage: gen_cards.py --out DIR --repo REPO_ROOT [--snapshot DIR] [--client] [--count 100]
"""

import argparse
import copy
import glob
import json
import os
import random
import re
import shutil
import sys

# Tags that are not components (text objects, icons) and do not count as elements.
NOT_ELEMENTS = {"plain_text", "lark_md", "standard_icon", "custom_icon", "text_tag"}
PALETTE = ["blue", "wathet", "turquoise", "green", "yellow", "orange", "red", "carmine",
           "violet", "purple", "indigo", "grey"]


class Rust:
    """An interpolated Rust expression: the same tokens in card! and in json!."""

    def __init__(self, expr, params):
        self.expr = expr
        self.params = set(params)


class Loop:
    """An array written as a loop: `[ for PAT in ITER { BODY } ]` in card!, and a
    `Vec<Value>` built before the json! (`ITER.iter().map(|PAT| json!(BODY)).collect()`)."""

    def __init__(self, pat, param, body, var):
        self.pat = pat
        self.param = param
        self.body = body
        self.var = var


def count_elements(v):
    n = 0
    if isinstance(v, dict):
        if isinstance(v.get("tag"), str) and v["tag"] not in NOT_ELEMENTS:
            n += 1
        for x in v.values():
            n += count_elements(x)
    elif isinstance(v, list):
        for x in v:
            n += count_elements(x)
    elif isinstance(v, Loop):
        n += count_elements(v.body)
    return n


def is_v2(card):
    return card.get("schema") == "2.0"


def top_level(card):
    """The list of top-level elements of a card (the first language for i18n cards)."""
    if is_v2(card):
        body = card.get("body")
        if isinstance(body, dict) and isinstance(body.get("elements"), list):
            return body["elements"]
        return None
    if isinstance(card.get("elements"), list):
        return card["elements"]
    i18n = card.get("i18n_elements")
    if isinstance(i18n, dict) and i18n:
        first = next(iter(i18n.values()))
        if isinstance(first, list):
            return first
    return None


def strip_key(v, key):
    if isinstance(v, dict):
        v.pop(key, None)
        for x in v.values():
            strip_key(x, key)
    elif isinstance(v, list):
        for x in v:
            strip_key(x, key)


def text_contents(v, out):
    """Every dict that is a text object or markdown element with a literal `content`."""
    if isinstance(v, dict):
        if v.get("tag") in ("plain_text", "lark_md", "markdown") and isinstance(v.get("content"), str):
            out.append(v)
        for x in v.values():
            text_contents(x, out)
    elif isinstance(v, list):
        for x in v:
            text_contents(x, out)


def callback_values(v, out):
    """Every button (1.0) whose callback `value` is an object."""
    if isinstance(v, dict):
        if v.get("tag") == "button" and isinstance(v.get("value"), dict):
            out.append(v["value"])
        for x in v.values():
            callback_values(x, out)
    elif isinstance(v, list):
        for x in v:
            callback_values(x, out)


def rust_str(s):
    """A Rust string literal with the same value (JSON's escapes are not all Rust's)."""
    out = ['"']
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20:
            out.append("\\u{%x}" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def emit(v, mode, indent):
    """The card as card!/json! tokens (mode "card" or "json"), pretty-printed."""
    pad = "    " * indent
    inner = "    " * (indent + 1)
    if isinstance(v, Rust):
        return "(" + v.expr + ")"
    if isinstance(v, Loop):
        if mode == "json":
            return v.var
        body = emit(v.body, mode, indent + 2)
        return ("[\n" + inner + "for " + v.pat + " in " + v.param + " {\n" + inner + "    " + body
                + "\n" + inner + "}\n" + pad + "]")
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [inner + rust_str(k) + ": " + emit(x, mode, indent + 1) for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        items = [inner + emit(x, mode, indent + 1) for x in v]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, str):
        return rust_str(v)
    if isinstance(v, int) and mode == "json" and not -2**31 <= v < 2**31:
        return "%d_i64" % v  # json! types an unsuffixed integer literal as i32
    if isinstance(v, (int, float)):
        return json.dumps(v)
    raise TypeError(type(v))


def loops_in(v, out):
    if isinstance(v, Loop):
        out.append(v)
        loops_in(v.body, out)
    elif isinstance(v, dict):
        for x in v.values():
            loops_in(x, out)
    elif isinstance(v, list):
        for x in v:
            loops_in(x, out)


def params_in(v, out):
    if isinstance(v, Rust):
        out |= v.params
    elif isinstance(v, Loop):
        out.add(v.param)
        params_in(v.body, out)
    elif isinstance(v, dict):
        for x in v.values():
            params_in(x, out)
    elif isinstance(v, list):
        for x in v:
            params_in(x, out)


PARAM_TYPES = {
    "title": "&str",
    "user": "&str",
    "count": "i64",
    "request_id": "&str",
    "facts": "&[(String, String)]",
}
PARAM_ORDER = ["title", "user", "count", "request_id", "facts"]


def loop_element(v2, rng, n):
    """A loop over `facts`: fields of a div (1.0), columns of a column_set (both versions)."""
    fmt = Rust('format!("**{}**\\n{}", k, v)', [])
    if not v2 and rng.random() < 0.5:
        field = {"is_short": True, "text": {"tag": "lark_md", "content": fmt}}
        return {"tag": "div", "fields": Loop("(k, v)", "facts", field, "facts_%d" % n)}
    column = {
        "tag": "column",
        "width": "weighted",
        "weight": 1,
        "vertical_align": "top",
        "elements": [{"tag": "markdown", "content": fmt, "text_align": "center"}],
    }
    return {
        "tag": "column_set",
        "flex_mode": "bisect",
        "background_style": "grey" if v2 else "default",
        "columns": Loop("(k, v)", "facts", column, "facts_%d" % n),
    }


def make_card(i, corpus, pools, rng):
    # Even cards are 1.0, odd cards 2.0; each version's corpus cards in turn.
    same_version = [c for c in corpus if is_v2(c[1]) == (i % 2 == 1)]
    name, base = same_version[(i // 2) % len(same_version)]
    card = copy.deepcopy(base)
    v2 = is_v2(card)
    elements = top_level(card)
    if elements is None:
        sys.exit("corpus card %s: no top-level elements" % name)
    # A corpus card used a second time is always varied by interpolations.
    dynamic = rng.random() < 0.85 or i // 2 >= len(same_version)

    # Interpolations.
    if dynamic:
        header = card.get("header")
        if header is None and "i18n_header" not in card:
            header = card["header"] = {
                "title": {"tag": "plain_text", "content": ""},
                "template": PALETTE[i % len(PALETTE)],
            }
        if isinstance(header, dict) and isinstance(header.get("title"), dict):
            header["title"]["content"] = Rust("title", ["title"])
        summary = {
            "tag": "markdown",
            "content": Rust('format!("**{}** requested {} item(s), ref `{}`", user, count, request_id)',
                            ["user", "count", "request_id"]),
        }
        elements.insert(0, summary)
        if rng.random() < 0.4:
            elements.append(loop_element(v2, rng, i))

    # Trim to at most 30 elements: drop corpus elements from the end (keep the summary, the
    # loop and at least one corpus element).
    def droppable(e):
        found = []
        loops_in(e, found)
        return not found and e is not elements[0]
    while count_elements(card) > 30:
        candidates = [k for k, e in enumerate(elements) if droppable(e)]
        if len(candidates) <= 1:
            break
        elements.pop(candidates[-1])

    # Pad with top-level elements of other corpus cards of the same version.
    target = rng.randint(5, 30)
    pool = pools[v2]
    start = rng.randrange(len(pool))
    for k in range(len(pool)):
        have = count_elements(card)
        if have >= target:
            break
        source, element = pool[(start + k) % len(pool)]
        if source == name:
            continue
        n = count_elements(element)
        if have + n > 30 and have >= 5:
            continue
        extra = copy.deepcopy(element)
        strip_key(extra, "element_id")  # ids must be unique in a card
        elements.append(extra)

    if dynamic:
        texts = []
        text_contents(card, texts)
        texts = [t for t in texts if isinstance(t.get("content"), str)]
        rng.shuffle(texts)
        for t in texts[: rng.randint(1, 5)]:
            t["content"] = Rust('format!("{}: {}", user, %s)' % rust_str(t["content"]), ["user"])
        for value in callback_values(card, []) or []:
            value["request_id"] = Rust("request_id", ["request_id"])
    return name, card


def card_fn(i, name, card, mode):
    used = set()
    params_in(card, used)
    params = ", ".join("%s: %s" % (p, PARAM_TYPES[p]) for p in PARAM_ORDER if p in used)
    if mode == "card":
        shared = is_v2(card) or card.get("config", {}).get("update_multi") is True
        ret = "Card<%s>" % ("Shared" if shared else "NotShared")
        body = "    card!(" + emit(card, "card", 1) + ")\n"
    else:
        ret = "Value"
        loops = []
        loops_in(card, loops)
        body = ""
        for lp in loops:
            body += ("    let %s: Vec<Value> = %s\n        .iter()\n        .map(|%s| json!(%s))\n"
                     "        .collect();\n") % (lp.var, lp.param, lp.pat, emit(lp.body, "json", 2))
        body += "    json!(" + emit(card, "json", 1) + ")\n"
    return ("/// Card %d, from the corpus card `%s`.\npub fn card_%03d(%s) -> %s {\n%s}\n"
            % (i, name, i, params, ret, body)), [p for p in PARAM_ORDER if p in used], \
        ret


def write(path, text):
    """Writes a file, unless it already holds that text (so that reruns rebuild nothing)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


SNAPSHOT_CRATES = ("lark-card-schema", "lark-card-macros", "lark-card")


def snapshot_workspace(repo, dest):
    """A snapshot of lark-card, lark-card-macros and lark-card-schema with the repo's workspace manifest
    (members cut down to these three), lock file and README: the code under test, isolated
    from edits made in the repo while the benchmark runs. Files keep their modification times,
    so an unchanged snapshot rebuilds nothing."""
    os.makedirs(dest, exist_ok=True)
    for crate in SNAPSHOT_CRATES:
        target = os.path.join(dest, crate)
        if os.path.isdir(target):
            shutil.rmtree(target)
        shutil.copytree(os.path.join(repo, crate), target, ignore=shutil.ignore_patterns("target"))
    with open(os.path.join(repo, "Cargo.toml"), encoding="utf-8") as f:
        manifest = f.read()
    members = ", ".join('"%s"' % c for c in SNAPSHOT_CRATES)
    cut = re.sub(r"(?ms)^members\s*=\s*\[.*?\]", "members = [%s]" % members, manifest, count=1)
    if cut == manifest:
        sys.exit("no `members = [...]` in %s/Cargo.toml" % repo)
    write(os.path.join(dest, "Cargo.toml"), cut)
    for name in ("Cargo.lock", "README.md"):
        shutil.copy2(os.path.join(repo, name), os.path.join(dest, name))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--repo", required=True, help="the lark-card workspace root")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--snapshot", help="copy lark-card, lark-card-macros and lark-card-schema here and "
                    "depend on the copy (default: depend on the repo's lark-card)")
    ap.add_argument("--client", action="store_true",
                    help="depend on lark-card with its default features (the HTTP client)")
    args = ap.parse_args()
    repo = os.path.abspath(args.repo)
    out = os.path.abspath(args.out)

    corpus = []
    for path in sorted(glob.glob(os.path.join(repo, "tests/corpus/cards/*.json"))):
        with open(path, encoding="utf-8") as f:
            corpus.append((os.path.splitext(os.path.basename(path))[0], json.load(f)))
    if not corpus:
        sys.exit("no corpus cards under %s/tests/corpus/cards" % repo)
    pools = {False: [], True: []}
    for name, card in corpus:
        for element in top_level(card) or []:
            if count_elements(element) <= 25:
                pools[is_v2(card)].append((name, element))

    lark_card = os.path.join(repo, "lark-card")
    if args.snapshot:
        snapshot_workspace(repo, os.path.abspath(args.snapshot))
        lark_card = os.path.join(os.path.abspath(args.snapshot), "lark-card")

    rng = random.Random(20240501)
    cards = [make_card(i, corpus, pools, rng) for i in range(args.count)]

    # Workspace.
    os.makedirs(out, exist_ok=True)
    shutil.copyfile(os.path.join(repo, "Cargo.lock"), os.path.join(out, "Cargo.lock"))
    write(os.path.join(out, "Cargo.toml"),
          '[workspace]\nresolver = "2"\n'
          'members = ["cards_macro", "cards_json", "cards_verify"]\n')
    features = "" if args.client else ", default-features = false"
    write(os.path.join(out, "cards_macro/Cargo.toml"),
          '[package]\nname = "cards_macro"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n'
          '[dependencies]\nlark-card = { path = %s%s }\n' % (json.dumps(lark_card), features))
    write(os.path.join(out, "cards_json/Cargo.toml"),
          '[package]\nname = "cards_json"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n'
          '[dependencies]\nserde_json = { version = "1.0.140", features = ["std"] }\n')
    write(os.path.join(out, "cards_verify/Cargo.toml"),
          '[package]\nname = "cards_verify"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n'
          '[dependencies]\ncards_macro = { path = "../cards_macro" }\ncards_json = { path = "../cards_json" }\n'
          'serde_json = { version = "1.0.140", features = ["std"] }\n'
          'lark-card = { path = %s%s }\n' % (json.dumps(lark_card), features))

    macro_mods, json_mods, calls = [], [], []
    stats = {"v1": 0, "v2": 0, "loops": 0, "dynamic": 0, "elements": []}
    for i, (name, card) in enumerate(cards):
        text, params, ret = card_fn(i, name, card, "card")
        write(os.path.join(out, "cards_macro/src/cards/c%03d.rs" % i),
              "use lark_card::{card, Card, NotShared, Shared};\n\n" + text)
        jtext, _, _ = card_fn(i, name, card, "json")
        write(os.path.join(out, "cards_json/src/cards/c%03d.rs" % i),
              "use serde_json::{json, Value};\n\n" + jtext)
        macro_mods.append("pub mod c%03d;" % i)
        args_ = {"title": '"Weekly report"', "user": '"alice"', "count": "3",
                 "request_id": '"req42"', "facts": "&facts"}
        call_args = ", ".join(args_[p] for p in params)
        calls.append('    check(%d, &cards_macro::cards::c%03d::card_%03d(%s), cards_json::cards::c%03d::card_%03d(%s));'
                     % (i, i, i, call_args, i, i, call_args))
        stats["v2" if is_v2(card) else "v1"] += 1
        loops = []
        loops_in(card, loops)
        stats["loops"] += bool(loops)
        stats["dynamic"] += bool(params)
        stats["elements"].append(count_elements(card))
    allow = "#![allow(missing_docs, deprecated, unused)]\n"
    # json! recurses once per token tree: big cards need a higher limit, as users set it.
    json_allow = allow + '#![recursion_limit = "512"]\n'
    write(os.path.join(out, "cards_macro/src/lib.rs"),
          "//! %d cards written with `lark_card::card!` (generated).\n%s"
          "pub mod cards {\n    %s\n}\n" % (len(cards), allow, "\n    ".join(macro_mods)))
    write(os.path.join(out, "cards_json/src/lib.rs"),
          "//! The same %d cards written with `serde_json::json!` (generated).\n%s"
          "pub mod cards {\n    %s\n}\n" % (len(cards), json_allow, "\n    ".join(macro_mods)))
    write(os.path.join(out, "cards_verify/src/main.rs"),
          "//! Every card!-built card serializes to the same JSON value as its json! twin\n"
          "//! (strings compared after markdown escaping: card! escapes interpolated markdown).\n"
          "use serde_json::Value;\n\n"
          "fn same(typed: &Value, json: &Value) -> bool {\n"
          "    match (typed, json) {\n"
          "        (Value::String(t), Value::String(j)) => t == j || *t == lark_card::escape_markdown(j),\n"
          "        (Value::Array(t), Value::Array(j)) => t.len() == j.len() && t.iter().zip(j).all(|(t, j)| same(t, j)),\n"
          "        (Value::Object(t), Value::Object(j)) => t.len() == j.len() && t.iter().all(|(k, t)| j.get(k).is_some_and(|j| same(t, j))),\n"
          "        (t, j) => t == j,\n"
          "    }\n}\n\n"
          "fn check<S: lark_card::Sharing>(i: usize, card: &lark_card::Card<S>, json: Value) {\n"
          "    let typed: Value = serde_json::from_str(&card.to_content().expect(\"serializes\")).expect(\"JSON\");\n"
          "    assert!(same(&typed, &json), \"card {i}: card! and json! differ:\\n{typed}\\n{json}\");\n}\n\n"
          "fn main() {\n"
          "    let facts: Vec<(String, String)> = vec![(\"owner\".into(), \"bob\".into()), (\"state\".into(), \"open\".into()), (\"eta\".into(), \"2d\".into())];\n"
          + "\n".join(calls) + "\n"
          "    println!(\"%d cards: card! and json! give the same JSON\");\n}\n" % len(cards))
    e = sorted(stats["elements"])
    print("generated %d cards in %s: %d 1.0, %d 2.0, %d with interpolations, %d with loops, "
          "elements per card min %d / median %d / max %d"
          % (len(cards), out, stats["v1"], stats["v2"], stats["dynamic"], stats["loops"],
             e[0], e[len(e) // 2], e[-1]))


if __name__ == "__main__":
    main()

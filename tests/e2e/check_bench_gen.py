#!/usr/bin/env python3
"""Checks a corpus written by bench/gen_corpus.py against its own ground truth.

  check_bench_gen.py DIR

Recomputes every truth record's figures with the independent tokeniser of
tests/e2e/jaccard.py (Unicode rules, not the generator's ASCII regex), checks the
gold label of each pair against the thresholds, that gold.jsonl and gold-all.jsonl
are the connected components of the gold pairs, that every base comes before its
copies (a reused passage joins two bases in any order), that meta.json's counts
match the files, and that gold-passages.jsonl lists the passage pairs of truth.jsonl
with byte ranges that hold the passage in both texts. Exit 1 on the first mismatch."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jaccard import shingles  # noqa: E402


def fail(msg):
    print("check_bench_gen: " + msg)
    sys.exit(1)


def components(edges):
    parent = {}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x
    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    groups = {}
    for x in parent:
        groups.setdefault(find(x), set()).add(x)
    return sorted(sorted(g) for g in groups.values())


def main():
    d = sys.argv[1]
    docs, pos = {}, {}
    with open(os.path.join(d, "corpus.jsonl"), encoding="ascii") as f:
        for n, line in enumerate(f):
            r = json.loads(line)
            if set(r) != {"id", "text", "source", "date"}:
                fail(f"corpus line {n + 1}: keys {sorted(r)}")
            if r["id"] in docs:
                fail(f"corpus line {n + 1}: duplicate id {r['id']}")
            docs[r["id"]] = r["text"]
            pos[r["id"]] = n
    meta = json.load(open(os.path.join(d, "meta.json")))
    if meta["counts"]["documents"] != len(docs):
        fail(f"meta says {meta['counts']['documents']} documents, corpus has {len(docs)}")
    near, alle = [], []
    kinds = {}
    truth = []
    with open(os.path.join(d, "truth.jsonl"), encoding="ascii") as f:
        for n, line in enumerate(f):
            r = json.loads(line)
            a, b = r["a"], r["b"]
            if r["kind"] != "passage" and pos[a] >= pos[b]:
                fail(f"truth line {n + 1}: {b} comes before its base {a}")
            sa, sb = shingles(docs[a]), shingles(docs[b])
            inter = len(sa & sb)
            res = inter / len(sa | sb)
            b_in_a = inter / len(sb)
            for name, want in (("resemblance", res), ("b_in_a", b_in_a)):
                if abs(r[name] - want) > 1e-4:
                    fail(f"truth line {n + 1}: {name} {r[name]}, recomputed {want:.4f}")
            gold = "near" if res >= 0.8 else ("contained" if b_in_a >= 0.9 else None)
            if r["gold"] != gold:
                fail(f"truth line {n + 1}: gold {r['gold']}, figures say {gold}")
            if gold == "near":
                near.append((a, b))
            if gold:
                alle.append((a, b))
            kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
            truth.append(r)
    # gold-passages.jsonl: the passage pairs of truth.jsonl, with byte ranges that
    # hold the same words in both texts.
    want = sorted((r["a"], r["b"], r["words"]) for r in truth if r["kind"] == "passage")
    got = []
    with open(os.path.join(d, "gold-passages.jsonl"), encoding="ascii") as f:
        for n, line in enumerate(f):
            r = json.loads(line)
            got.append((r["a"], r["b"], r["words"]))
            wa = docs[r["a"]][r["a_start"]:r["a_end"]].split()
            wb = docs[r["b"]][r["b_start"]:r["b_end"]].split()
            if wa != wb or len(wa) != r["words"]:
                fail(f"gold-passages line {n + 1}: the byte ranges do not hold the passage")
    if sorted(got) != want:
        fail("gold-passages.jsonl is not the passage pairs of truth.jsonl")
    for k, v in kinds.items():
        if meta["counts"][k] != v:
            fail(f"meta counts {k} {meta['counts'][k]}, truth has {v}")
    for name, edges in (("gold.jsonl", near), ("gold-all.jsonl", alle)):
        with open(os.path.join(d, name)) as f:
            got = sorted(sorted(json.loads(line)["members"]) for line in f)
        if got != components(edges):
            fail(f"{name} is not the components of the gold pairs")
    print(f"check_bench_gen: {len(docs)} documents, {sum(kinds.values())} injected pairs "
          f"{kinds}, {len(near)} near, {len(alle) - len(near)} contained, "
          f"{meta['epochs']} pool epoch(s): consistent")


if __name__ == "__main__":
    main()

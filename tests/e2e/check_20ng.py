#!/usr/bin/env python3
"""Checks neardup's clusters on 20 Newsgroups against the gold cross-posts.

usage: check_20ng.py DOCS.jsonl.gz CROSSPOSTS.jsonl CLUSTERS.jsonl

1. Recall: every gold cross-post pair lies in one predicted cluster (1.0).
2. Purity: no predicted cluster holds members of two gold clusters, except
   where those messages have identical bodies (the text after the header
   block, whitespace folded): the data's README counts such reposts without a
   shared Message-ID as neither right nor wrong. Each exception is printed.
Exit 0 when both hold."""
import gzip
import itertools
import json
import sys


def members(line):
    return [m["id"] if isinstance(m, dict) else m for m in json.loads(line)["members"]]


def body(text):
    i = text.find("\n\n")
    return " ".join((text[i + 2:] if i >= 0 else text).split())


docs_path, gold_path, pred_path = sys.argv[1:4]
gold = [members(l) for l in open(gold_path) if l.strip()]
pred = [members(l) for l in open(pred_path) if l.strip()]
gold_of = {x: i for i, c in enumerate(gold) for x in c}
pred_of = {x: i for i, c in enumerate(pred) for x in c}
texts = {}
with gzip.open(docs_path, "rt", encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        if d["id"] in pred_of:
            texts[d["id"]] = d["text"]

pairs = [(a, b) for c in gold for a, b in itertools.combinations(c, 2)]
found = sum(1 for a, b in pairs if a in pred_of and pred_of.get(a) == pred_of.get(b))
print(f"gold pairs {len(pairs)}, found {found}, recall {found / len(pairs):.4f}")

bad = 0
reposts = 0
for c in pred:
    groups = {}
    for x in c:
        if x in gold_of:
            groups.setdefault(gold_of[x], []).append(x)
    if len(groups) < 2:
        continue
    firsts = [g[0] for g in groups.values()]
    if len({body(texts[x]) for x in firsts}) == 1:
        reposts += 1
        print(f"repost (identical bodies, neither right nor wrong): {sorted(firsts)}")
    else:
        bad += 1
        print(f"MIXED: cluster holds gold clusters {sorted(groups)}: {c}")
print(f"predicted clusters {len(pred)}, mixing gold clusters: {bad}, identical-body reposts: "
      f"{reposts}")
sys.exit(0 if found == len(pairs) and bad == 0 else 1)

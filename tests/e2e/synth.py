#!/usr/bin/env python3
"""Seeded synthetic near-duplicate check on real documents.

usage: synth.py make DOCS.jsonl.gz OUT.jsonl TRUTH.jsonl [--seed N] [--bases N]
       synth.py score OUT.jsonl TRUTH.jsonl PAIRS.jsonl [--min-recall R] [--min-precision P]

make: takes real documents (ASCII-only 20 Newsgroups messages of 80+ words
with distinct bodies), and for each base writes the base and one copy with
1-10% word edits (substitutions, deletions, insertions), and, each with
probability 1/2, a new title line, a footer line, and re-wrapped lines. The
truth file gives each (base, copy) pair with its true word-5-gram Jaccard
(tests/e2e/jaccard.py rules).
score: recall = share of truth pairs with Jaccard >= 0.85 that neardup's
--pairs output reports as exact or near-duplicate; precision = share of
reported exact/near-duplicate pairs that are a (base, copy) pair or whose true
Jaccard is >= the 0.8 threshold. Prints both; exit 0 when recall >= R and
precision >= P (by default 0.95 and 0.99)."""
import gzip
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jaccard import jaccard  # noqa: E402

FOOTERS = ["Leave a Comment", "Share this article with your friends and family today",
           "All rights reserved by the publisher of this page", "Read more stories like this"]


def make(docs_path, out_path, truth_path, seed, nbases):
    rng = random.Random(seed)
    cands, seen = [], set()
    with gzip.open(docs_path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            t = d["text"]
            i = t.find("\n\n")
            body = t[i + 2:] if i >= 0 else t
            key = " ".join(body.split())
            if not t.isascii() or len(body.split()) < 80 or key in seen:
                continue
            seen.add(key)
            cands.append((d["id"], t))
    rng.shuffle(cands)
    bases = sorted(cands[:nbases])
    vocab = [w for _, t in bases[:200] for w in t.split()]
    with open(out_path, "w") as out, open(truth_path, "w") as truth:
        for bid, text in bases:
            words = text.split()
            rate = rng.uniform(0.01, 0.10)
            for _ in range(max(1, round(rate * len(words)))):
                op = rng.random()
                pos = rng.randrange(len(words))
                if op < 0.5:
                    words[pos] = rng.choice(vocab)
                elif op < 0.75 and len(words) > 10:
                    del words[pos]
                else:
                    words.insert(pos, rng.choice(vocab))
            if rng.random() < 0.5:
                width = rng.randint(50, 100)
                lines, cur = [], ""
                for w in words:
                    if cur and len(cur) + 1 + len(w) > width:
                        lines.append(cur)
                        cur = w
                    else:
                        cur = f"{cur} {w}" if cur else w
                lines.append(cur)
                body = "\n".join(lines)
            else:
                body = " ".join(words)
            if rng.random() < 0.5:
                body = " ".join(rng.choice(vocab) for _ in range(rng.randint(5, 10))) + "\n" + body
            if rng.random() < 0.5:
                body = body + "\n" + rng.choice(FOOTERS)
            cid = "copy/" + bid
            out.write(json.dumps({"id": bid, "text": text}) + "\n")
            out.write(json.dumps({"id": cid, "text": body, "edit_rate": round(rate, 4)}) + "\n")
            truth.write(json.dumps({"a": bid, "b": cid, "jaccard": round(jaccard(text, body), 4),
                                    "edit_rate": round(rate, 4)}) + "\n")
    print(f"seed {seed}: {len(bases)} bases, {len(bases)} copies")


def score(out_path, truth_path, pairs_path, min_recall, min_precision):
    texts = {}
    for line in open(out_path):
        d = json.loads(line)
        texts[d["id"]] = d["text"]
    truth = {}
    for line in open(truth_path):
        t = json.loads(line)
        truth[frozenset((t["a"], t["b"]))] = t["jaccard"]
    reported = set()
    for line in open(pairs_path):
        p = json.loads(line)
        if p["relation"] in ("exact", "near-duplicate"):
            reported.add(frozenset((p["a"], p["b"])))
    want = [k for k, j in truth.items() if j >= 0.85]
    hit = sum(1 for k in want if k in reported)
    good = sum(1 for k in reported if k in truth or jaccard(*(texts[x] for x in k)) >= 0.8)
    recall = hit / len(want) if want else 1.0
    precision = good / len(reported) if reported else 1.0
    print(f"pairs with true Jaccard >= 0.85: {len(want)}, found {hit}: recall {recall:.4f}")
    print(f"reported exact/near pairs: {len(reported)}, correct {good}: precision {precision:.4f}")
    missed = sorted((truth[k], sorted(k)) for k in want if k not in reported)[:5]
    for j, k in missed:
        print(f"missed: {k} true Jaccard {j}")
    ok = recall >= min_recall and precision >= min_precision
    print(f"floors: recall {min_recall}, precision {min_precision}: {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    args = sys.argv[1:]
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
    nb = int(args[args.index("--bases") + 1]) if "--bases" in args else 2000
    mr = float(args[args.index("--min-recall") + 1]) if "--min-recall" in args else 0.95
    mp = float(args[args.index("--min-precision") + 1]) if "--min-precision" in args else 0.99
    if args[0] == "make":
        make(args[1], args[2], args[3], seed, nb)
    else:
        sys.exit(score(args[1], args[2], args[3], mr, mp))

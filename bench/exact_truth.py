#!/usr/bin/env python3
"""exact_truth.py - every pair of a sample whose exact resemblance reaches a threshold,
and how many of them a neardup run reports.

  exact_truth.py sample CORPUS.jsonl N SEED OUT.jsonl
      N documents drawn at random (seeded; not a prefix), in corpus order
  exact_truth.py truth SAMPLE.jsonl T NGRAM OUT.json
      all pairs with Jaccard >= T of their word NGRAM-shingle sets, found exactly
  exact_truth.py score SAMPLE.jsonl TRUTH.json PAIRS.jsonl
      recall of the true pairs among neardup's --pairs, and the precision of
      neardup's pairs of resemblance >= T against the exact figures (JSON on stdout)

The truth is independent of neardup: words are runs of letters, digits and marks
after NFKC and case folding (neardup's rule for scripts written with spaces; the
bench corpus is such text), shingles are NGRAM consecutive words (a document with
fewer words has one shingle of all of them), and the pairs are found by prefix
filtering: with the words of each set ordered rarest first, two sets of Jaccard
>= T share at least one of the first |x| - ceil(T |x|) + 1 of either, so only pairs
meeting there are compared, and every such pair is compared exactly.
"""
import json
import math
import random
import re
import sys
import unicodedata

T_EPS = 1e-9


ASCII_WORD = re.compile(r"[a-z0-9]+")


def words(text):
    if text.isascii():  # NFKC and case folding leave ASCII letters lower-cased
        return ASCII_WORD.findall(text.lower())
    t = unicodedata.normalize("NFKC", text).casefold()
    out, cur = [], []
    for ch in t:
        cat = unicodedata.category(ch)
        if cat[0] in "LNM":
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def shingles(text, n):
    w = words(text)
    if not w:
        return frozenset()
    if len(w) < n:
        return frozenset([" ".join(w)])
    return frozenset(" ".join(w[i:i + n]) for i in range(len(w) - n + 1))


def sample(corpus, n, seed, out):
    with open(corpus, encoding="utf-8") as f:
        lines = f.readlines()
    rng = random.Random(int(seed))
    keep = sorted(rng.sample(range(len(lines)), min(int(n), len(lines))))
    with open(out, "w", encoding="utf-8") as o:
        for i in keep:
            o.write(lines[i])


def load(path, n):
    ids, sets = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            ids.append(str(d["id"]))
            sets.append(shingles(d.get("text", ""), n))
    return ids, sets


def truth(path, t, n, out):
    t, n = float(t), int(n)
    ids, sets = load(path, n)
    df = {}
    for s in sets:
        for x in s:
            df[x] = df.get(x, 0) + 1
    # each set as ranks (rarest first: ties by the string, a total order)
    rank = {x: r for r, x in enumerate(sorted(df, key=lambda x: (df[x], x)))}
    ordered = [sorted(rank[x] for x in s) for s in sets]
    index = {}
    pairs = []
    for i, r in enumerate(ordered):
        if not r:
            continue
        p = len(r) - math.ceil(t * len(r) - T_EPS) + 1
        cand = set()
        for x in r[:p]:
            for j in index.get(x, ()):
                cand.add(j)
            index.setdefault(x, []).append(i)
        for j in cand:
            a, b = sets[i], sets[j]
            lo, hi = min(len(a), len(b)), max(len(a), len(b))
            if lo < t * hi - T_EPS:
                continue
            inter = len(a & b)
            jac = inter / (len(a) + len(b) - inter)
            if jac >= t - T_EPS:
                pairs.append((ids[j], ids[i], round(jac, 6)))
    pairs.sort()
    with open(out, "w") as o:
        json.dump({"threshold": t, "ngram": n, "docs": len(ids), "pairs": pairs}, o)


def score(path, truth_path, pairs_path):
    with open(truth_path) as f:
        tr = json.load(f)
    t, n = tr["threshold"], tr["ngram"]
    true = {tuple(sorted(p[:2])): p[2] for p in tr["pairs"]}
    found = {}
    with open(pairs_path) as f:
        for line in f:
            p = json.loads(line)
            found[tuple(sorted((p["a"], p["b"])))] = (p["relation"], p["resemblance"])
    hit = sum(1 for k in true if k in found)
    claimed = [k for k, (rel, r) in found.items()
               if rel in ("exact", "near-duplicate") and r >= t - T_EPS]
    # the claimed pairs not in the truth: measure them exactly
    ids, sets = load(path, n)
    at = {d: i for i, d in enumerate(ids)}
    wrong, below = 0, []
    for k in claimed:
        if k in true:
            continue
        a, b = sets[at[k[0]]], sets[at[k[1]]]
        inter = len(a & b)
        jac = inter / (len(a) + len(b) - inter) if a or b else 0.0
        if jac < t - T_EPS:
            wrong += 1
            below.append(round(jac, 4))
    missed = sorted(true[k] for k in true if k not in found)
    json.dump({"docs": tr["docs"], "true_pairs": len(true), "found": hit,
               "recall": round(hit / len(true), 4) if true else None,
               "claimed": len(claimed),
               "precision": round(1 - wrong / len(claimed), 4) if claimed else None,
               "missed_resemblance": missed[:50],
               "wrong_resemblance": sorted(below)[:50]}, sys.stdout)
    print()


def main():
    cmds = {"sample": (sample, 4), "truth": (truth, 4), "score": (score, 3)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) - 2 != cmds[sys.argv[1]][1]:
        sys.exit(__doc__)
    cmds[sys.argv[1]][0](*sys.argv[2:])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Seeded containment check on real text: cut-down copies and briefs printed
inside longer documents.

usage: contain.py make DOCS.jsonl.gz OUT.jsonl [--seed N] [--docs N]
       contain.py score OUT.jsonl PAIRS.jsonl [--min-recall R] [--min-precision P]

make: takes the bodies (text after the header block) of ASCII-only 20 Newsgroups
messages of 80+ words with distinct bodies and writes --docs documents (2,000 by
default), in shuffled order:
  - a tenth are bases, each with two cut-down copies: its first 10-90% of
    words (a wire story re-sent cut down to its first paragraphs);
  - a fifth are briefs of their own, each printed inside a host 2-10 times
    its length made of other messages' bodies, at a paragraph boundary;
  - the rest are other messages, unrelated.
score: the truth is computed, not taken from make: exact containment of every
pair's word 5-gram sets (tests/e2e/jaccard.py rules: NFKC, casefold, runs of
letters and digits; a text of fewer than 5 tokens is one shingle), found
through an inverted index of the shingles. Recall = share of the pairs where
one document is >= 0.9 contained in the other that neardup's --pairs output
reports as exact, near-duplicate, contained-in or contains; precision = share
of the reported pairs whose true containment (either way) is >= 0.9 or whose
true Jaccard is >= 0.8. Prints both, the pairs missed by their containment
and size ratio; exit 0 when recall >= R and precision >= P (by default 0.98
and 0.99)."""
import gzip
import json
import os
import random
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jaccard import shingles  # noqa: E402


def load(docs_path):
    out, seen = [], set()
    with gzip.open(docs_path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            t = d["text"]
            i = t.find("\n\n")
            body = t[i + 2:].strip() if i >= 0 else t.strip()
            key = " ".join(body.split())
            if not body.isascii() or len(body.split()) < 80 or key in seen:
                continue
            seen.add(key)
            out.append(body)
    return out


def cut_words(text, frac):
    """The text up to the end of its first frac of words (at least 8)."""
    pos, n = [], 0
    inword = False
    for i, c in enumerate(text):
        if not c.isspace() and not inword:
            n += 1
        if c.isspace() and inword:
            pos.append(i)
        inword = not c.isspace()
    pos.append(len(text))
    k = max(8, int(round(frac * len(pos))))
    return text[:pos[min(k, len(pos)) - 1]]


def make(docs_path, out_path, seed, ndocs):
    rng = random.Random(seed)
    bodies = load(docs_path)
    rng.shuffle(bodies)
    nb, nbrief = ndocs // 10, ndocs // 5
    take = iter(bodies)
    docs = []
    for i in range(nb):
        b = next(take)
        docs.append(("base/%d" % i, b))
        for j in range(2):
            docs.append(("cut/%d/%d" % (i, j), cut_words(b, rng.uniform(0.1, 0.9))))
    for i in range(nbrief):
        brief = next(take)
        want = len(brief) * rng.uniform(2, 10)
        parts = []
        while sum(len(p) for p in parts) < want:
            parts.append(next(take))
        at = rng.randrange(len(parts) + 1)
        parts.insert(at, brief)
        docs.append(("brief/%d" % i, brief))
        docs.append(("host/%d" % i, "\n\n".join(parts)))
    while len(docs) < ndocs:
        docs.append(("other/%d" % len(docs), next(take)))
    rng.shuffle(docs)
    with open(out_path, "w") as out:
        for i, t in docs:
            out.write(json.dumps({"id": i, "text": t}) + "\n")
    print(f"seed {seed}: {len(docs)} documents: {nb} bases with {2 * nb} cut-down copies, "
          f"{nbrief} briefs inside hosts")


def score(out_path, pairs_path, min_recall, min_precision):
    sets, ids = [], []
    for line in open(out_path):
        d = json.loads(line)
        ids.append(d["id"])
        sets.append(shingles(d["text"]))
    post = defaultdict(list)
    for k, s in enumerate(sets):
        for g in s:
            post[g].append(k)
    inter = defaultdict(int)
    for lst in post.values():
        if len(lst) > 200:
            continue
        for x in range(len(lst)):
            for y in range(x + 1, len(lst)):
                inter[(lst[x], lst[y])] += 1
    want, fig = set(), {}
    for (x, y), c in inter.items():
        cx, cy = c / len(sets[x]), c / len(sets[y])
        jac = c / (len(sets[x]) + len(sets[y]) - c)
        key = frozenset((ids[x], ids[y]))
        fig[key] = (max(cx, cy), jac,
                    max(len(sets[x]), len(sets[y])) / max(1, min(len(sets[x]), len(sets[y]))))
        if max(cx, cy) >= 0.9:
            want.add(key)
    reported = set()
    for line in open(pairs_path):
        p = json.loads(line)
        if p["relation"] in ("exact", "near-duplicate", "contained-in", "contains"):
            reported.add(frozenset((p["a"], p["b"])))
    hit = len(want & reported)
    good = sum(1 for k in reported if k in fig and (fig[k][0] >= 0.9 or fig[k][1] >= 0.8))
    recall = hit / len(want) if want else 1.0
    precision = good / len(reported) if reported else 1.0
    print(f"pairs with true containment >= 0.9: {len(want)}, found {hit}: recall {recall:.4f}")
    print(f"reported pairs: {len(reported)}, correct {good}: precision {precision:.4f}")
    missed = sorted(want - reported, key=lambda k: fig[k])
    byratio = defaultdict(lambda: [0, 0])
    for k in want:
        r = fig[k][2]
        band = "1-2x" if r < 2 else "2-5x" if r < 5 else "5x+"
        byratio[band][0] += 1
        byratio[band][1] += k in reported
    for band in ("1-2x", "2-5x", "5x+"):
        n, h = byratio[band]
        if n:
            print(f"  size ratio {band}: {n} pairs, recall {h / n:.4f}")
    for k in missed[:5]:
        c, j, r = fig[k]
        print(f"missed: {sorted(k)} containment {c:.3f} Jaccard {j:.3f} size ratio {r:.1f}")
    ok = recall >= min_recall and precision >= min_precision
    print(f"floors: recall {min_recall}, precision {min_precision}: {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    args = sys.argv[1:]

    def opt(name, default, conv):
        return conv(args[args.index(name) + 1]) if name in args else default
    if args[0] == "make":
        make(args[1], args[2], opt("--seed", 1, int), opt("--docs", 2000, int))
    else:
        sys.exit(score(args[1], args[2], opt("--min-recall", 0.98, float),
                       opt("--min-precision", 0.99, float)))

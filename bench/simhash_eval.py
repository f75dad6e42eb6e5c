#!/usr/bin/env python3
"""simhash_eval.py - exact ground truth and pair scores for bench/simhash.sh.

  simhash_eval.py truth CORPUS OUT.json
      every pair of documents of CORPUS whose exact resemblance (Jaccard of the
      sets of word 5-grams, neardup's normalisation for ASCII text, as in
      gen_corpus.py) is >= 0.8, found without sampling (see below), written as
      {"pairs": [[id_a, id_b, resemblance], ...], ...}
  simhash_eval.py score CORPUS TRUTH.json ROWS.jsonl OUT.json
      for each row of ROWS.jsonl (name, pairs file of `neardup dedup --pairs`,
      time and -v figures), recall and precision of its near-duplicate and exact
      pairs against the truth, recall by band of resemblance; prints a table and
      writes OUT.json

All pairs, exactly. A pair with resemblance >= 0.8 has |A & B| >= 0.8 |A|, so
if more than a fifth of A's shingles are rare (in at most DF_CAP documents), A
and B share a rare shingle: every pair of documents sharing a rare shingle is
compared exactly, and every document without enough rare shingles ("heavy") is
compared exactly with every document of compatible size (0.8 <= |A|/|B| <= 1.25).
Shingles are Python hashes of tuples of token numbers (deterministic for ints);
a 64-bit collision is the only approximation.
"""
import json
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_corpus  # noqa: E402  (TOKEN, NGRAM, shingle_set: the generator's figures)

DF_CAP = 64
BANDS = [(0.8, 0.9), (0.9, 0.95), (0.95, 0.98), (0.98, 1.0), (1.0, 1.01)]


def load(corpus):
    ids, sets = [], []
    vocab = {}
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            toks = [vocab.setdefault(t, len(vocab))
                    for t in gen_corpus.TOKEN.findall(r["text"].lower())]
            ids.append(r["id"])
            sets.append(frozenset(hash(s) for s in gen_corpus.shingle_set(toks)))
    return ids, sets


def near(a, b):
    """(is resemblance >= 0.8, resemblance), in integers for the comparison."""
    if not a or not b:
        return False, 0.0
    i = len(a & b)
    u = len(a) + len(b) - i
    return 5 * i >= 4 * u, i / u


def truth(corpus, out):
    ids, sets = load(corpus)
    n = len(ids)
    df = defaultdict(int)
    for s in sets:
        for h in s:
            df[h] += 1
    post = defaultdict(list)
    heavy = []
    for d, s in enumerate(sets):
        rare = [h for h in s if df[h] <= DF_CAP]
        if len(rare) * 5 <= len(s):
            heavy.append(d)
        for h in rare:
            if df[h] >= 2:
                post[h].append(d)
    cand = set()
    for docs in post.values():
        for x in range(len(docs)):
            for y in range(x + 1, len(docs)):
                cand.add((docs[x], docs[y]) if docs[x] < docs[y] else (docs[y], docs[x]))
    brute = 0
    for a in heavy:
        la = len(sets[a])
        for b in range(n):
            lb = len(sets[b])
            if b != a and lb and 4 * lb <= 5 * la and 4 * la <= 5 * lb:
                cand.add((a, b) if a < b else (b, a))
                brute += 1
    pairs = []
    for a, b in sorted(cand):
        ok, j = near(sets[a], sets[b])
        if ok:
            pairs.append([ids[a], ids[b], round(j, 6)])
    meta = {"docs": n, "rare_df_cap": DF_CAP, "candidates_compared": len(cand),
            "heavy_docs": len(heavy), "heavy_comparisons": brute, "pairs": pairs}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(meta, f)
    print(f"truth: {n} documents, {len(pairs)} pairs >= 0.8 ({len(cand)} compared, "
          f"{len(heavy)} heavy documents)", file=sys.stderr)


def key(a, b):
    return (a, b) if a < b else (b, a)


def sketch_alone():
    """The figures of bench/simhash_sketch.c, from the files bench/simhash.sh names."""
    tpath = os.environ.get("SKETCH_TIME")
    if not tpath or not os.path.exists(tpath):
        return None
    lines = open(tpath).read().split("\n")
    head = lines[0].split()
    res = {"documents": int(head[0]), "bytes": int(head[2]), "shingles": int(head[4]),
           "timing": "best of 5 wall times, -T 1", "stages": {}}
    for ln in lines[1:]:
        w = ln.split()
        if len(w) >= 7:
            res["stages"][w[0]] = {"ns_per_shingle": float(w[1]), "ns_per_byte": float(w[3]),
                                   "MB_per_s": float(w[5])}
    ir, k1 = os.environ.get("SKETCH_IR"), os.environ.get("SKETCH_1K")
    if ir and os.path.exists(ir) and os.path.getsize(ir) and k1 and os.path.exists(k1):
        n1k = int(open(k1).read().split("\n")[0].split()[4])
        res["instructions"] = "callgrind, first 1,000 documents (%d shingles); valgrind runs " \
                              "no AVX-512, so the MinHash kernel counted is AVX2" % n1k
        for ln in open(ir):
            name, count = ln.split()
            if name in res["stages"]:
                res["stages"][name]["instructions_per_shingle"] = round(int(count) / n1k, 1)
    return res


def score(corpus, truth_path, rows_path, out):
    with open(truth_path, encoding="utf-8") as f:
        t = json.load(f)
    gold = {key(a, b): j for a, b, j in t["pairs"]}
    size = os.path.getsize(corpus)
    rows = [json.loads(line) for line in open(rows_path, encoding="utf-8")]
    # exact figures of every reported pair, for precision and for the check of
    # neardup's own exact figures
    ids, sets = load(corpus)
    idx = {d: i for i, d in enumerate(ids)}
    res = []
    for r in rows:
        rep = {}
        with open(r["pairs"], encoding="utf-8") as f:
            for line in f:
                p = json.loads(line)
                if p["relation"] in ("near-duplicate", "exact"):
                    rep[key(p["a"], p["b"])] = p["resemblance"]
        tp = sum(1 for k in rep if k in gold)
        false_pos = [k for k in rep if k not in gold]
        worst = max((abs(near(sets[idx[k[0]]], sets[idx[k[1]]])[1] - v)
                     for k, v in rep.items()), default=0.0)
        by_band = {}
        for lo, hi in BANDS:
            g = [k for k, j in gold.items() if lo <= j < hi]
            by_band[f"{lo:g}-{min(hi, 1):g}" if hi <= 1 else "1"] = {
                "gold": len(g), "recall": round(sum(1 for k in g if k in rep) / len(g), 4)
                if g else None}
        wall, cpu = r["wall_s"], r["cpu_s"]
        res.append({
            "name": r["name"], "args": r["args"], "reported_pairs": len(rep),
            "true_pairs": tp,
            "recall": round(tp / len(gold), 4) if gold else None,
            "precision": round(tp / len(rep), 4) if rep else None,
            "recall_by_resemblance": by_band,
            "largest_resemblance_error": round(worst, 4),
            "candidates": r["candidates"], "wall_s": wall, "cpu_s": cpu,
            "MB_per_s": round(size / 1e6 / wall, 2), "MB_per_cpu_s": round(size / 1e6 / cpu, 2),
            "peak_rss_MB": r["rss_MB"], "index_bytes_per_doc": r["bytes_per_doc"],
            "sketch_bytes_per_doc": r["sketch_bytes"],
        })
    base = res[0]
    for x in res:
        x["wall_ratio_to_first"] = round(x["wall_s"] / base["wall_s"], 3)
        x["cpu_ratio_to_first"] = round(x["cpu_s"] / base["cpu_s"], 3)
    meta = {"corpus": os.path.relpath(corpus), "corpus_bytes": size, "docs": t["docs"],
            "gold_pairs": len(gold),
            "gold_pairs_below_1": sum(1 for j in gold.values() if j < 1),
            "truth": {k: t[k] for k in ("rare_df_cap", "candidates_compared", "heavy_docs",
                                        "heavy_comparisons")},
            "rows": res}
    meta["sketch_alone"] = sketch_alone()
    with open(out, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    if meta["sketch_alone"]:
        print("each sketch alone (bench/simhash_sketch.c): " + ", ".join(
            f"{k} {v['ns_per_shingle']} ns"
            + (f" / {v['instructions_per_shingle']} instr." if "instructions_per_shingle" in v
               else "") + " a shingle" for k, v in meta["sketch_alone"]["stages"].items()))
    bands = list(res[0]["recall_by_resemblance"])
    print(f"{len(gold)} pairs of resemblance >= 0.8 "
          f"({meta['gold_pairs_below_1']} below 1) in {t['docs']} documents, "
          f"{size / 1e6:.1f} MB")
    print("| run | recall | precision | recall " + " | ".join(bands) +
          " | candidates | MB/s | MB/cpu-s | cpu ratio | index B/doc | sketch B |")
    print("|---" * (9 + len(bands)) + "|")
    for x in res:
        rb = " | ".join("-" if x["recall_by_resemblance"][b]["recall"] is None
                        else f"{x['recall_by_resemblance'][b]['recall']:.3f}" for b in bands)
        print(f"| {x['name']} | {x['recall']:.4f} | {x['precision']:.4f} | {rb} | "
              f"{x['candidates']} | {x['MB_per_s']:.1f} | {x['MB_per_cpu_s']:.1f} | "
              f"{x['cpu_ratio_to_first']:.2f} | {x['index_bytes_per_doc']} | "
              f"{x['sketch_bytes_per_doc']} |")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "truth":
        truth(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "score":
        score(*sys.argv[2:])
    else:
        sys.exit(__doc__)

#!/usr/bin/env python3
"""index_equiv.py - compares the answers of `neardup index add` (JSON Lines, one
answer per document, in add order) with the batch outputs on the same documents
in the same order: dedup --clusters and --pairs, reuse (passages), stories.

Usage: index_equiv.py ANSWERS BATCH_CLUSTERS BATCH_PAIRS [BATCH_PASSAGES [BATCH_STORIES]]

Prints one line per comparison and a JSON summary on the last line:
  {"docs":N,"cluster_diff":N,"pair_diff":N,"passage_only_index":N,
   "passage_only_batch":N,"passages_batch":N,"story_pair_f1":F}
Exits 1 when the answers are malformed (not when they differ: the caller
asserts on the summary)."""
import json
import sys


def lines(path):
    with open(path, encoding="utf-8") as f:
        for ln in f:
            if ln.strip():
                yield json.loads(ln)


def r4(x):
    return None if x is None else round(float(x), 4)


def main():
    answers = list(lines(sys.argv[1]))
    order = [a["id"] for a in answers]
    # Clusters: id -> (representative, relation, figures)
    idx = {}
    for a in answers:
        c = a["cluster"]
        rel = c["relation"]
        if rel == "representative":
            idx[a["id"]] = (a["id"], "representative", None)
        else:
            idx[a["id"]] = (c["representative"], rel,
                            (r4(c["resemblance"]), r4(c["member_in_rep"]), r4(c["rep_in_member"])))
    bat = {i: (i, "representative", None) for i in order}
    for cl in lines(sys.argv[2]):
        rep = cl["representative"]
        for m in cl["members"]:
            if m["relation"] == "representative":
                continue
            bat[m["id"]] = (rep, m["relation"],
                            (r4(m["resemblance"]), r4(m["member_in_rep"]), r4(m["rep_in_member"])))
    cdiff = [i for i in order if idx.get(i) != bat.get(i)]
    for i in cdiff[:5]:
        print(f"cluster differs: {i}: index {idx.get(i)} batch {bat.get(i)}")
    print(f"clusters: {len(order)} documents, {len(cdiff)} placed differently")
    # Pairs
    ip = set()
    for a in answers:
        for p in a.get("pairs", []):
            ip.add((p["a"], p["b"], p["relation"], r4(p["resemblance"]), r4(p["a_in_b"]),
                    r4(p["b_in_a"])))
    bp = set()
    for p in lines(sys.argv[3]):
        bp.add((p["a"], p["b"], p["relation"], r4(p["resemblance"]), r4(p["a_in_b"]),
                r4(p["b_in_a"])))
    pdiff = ip ^ bp
    for t in sorted(pdiff)[:5]:
        print(f"pair only in {'index' if t in ip else 'batch'}: {t}")
    print(f"pairs: index {len(ip)}, batch {len(bp)}, differing {len(pdiff)}")
    summary = {"docs": len(order), "cluster_diff": len(cdiff), "pair_diff": len(pdiff)}
    if len(sys.argv) > 4:
        ipa = set()
        for a in answers:
            for p in a.get("passages", []):
                ipa.add((p["a"], p["b"], p["a_start"], p["a_end"], p["b_start"], p["b_end"]))
        bpa = set()
        for p in lines(sys.argv[4]):
            bpa.add((p["a"], p["b"], p["a_start"], p["a_end"], p["b_start"], p["b_end"]))
        oi, ob = ipa - bpa, bpa - ipa
        for t in sorted(oi)[:3]:
            print(f"passage only in index: {t}")
        for t in sorted(ob)[:3]:
            print(f"passage only in batch: {t}")
        print(f"passages: index {len(ipa)}, batch {len(bpa)}, only index {len(oi)}, "
              f"only batch {len(ob)}")
        summary.update(passage_only_index=len(oi), passage_only_batch=len(ob),
                       passages_batch=len(bpa), passages_index=len(ipa))
    if len(sys.argv) > 5:
        ist = {}
        for a in answers:
            if "story" in a:
                ist[a["id"]] = a["story"]["story"]
        bst = {}
        for s in lines(sys.argv[5]):
            for m in s["members"]:
                bst[m["id"]] = s["story"]

        def pairs_of(assign):
            groups = {}
            for i, g in assign.items():
                groups.setdefault(g, []).append(i)
            out = set()
            for g in groups.values():
                g.sort()
                for x in range(len(g)):
                    for y in range(x + 1, len(g)):
                        out.add((g[x], g[y]))
            return out
        pi, pb = pairs_of(ist), pairs_of(bst)
        inter = len(pi & pb)
        prec = inter / len(pi) if pi else 1.0
        rec = inter / len(pb) if pb else 1.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        print(f"stories: index {len(set(ist.values()))}, batch {len(set(bst.values()))}; "
              f"pairs agreeing: precision {prec:.4f} recall {rec:.4f} F1 {f1:.4f}")
        summary.update(story_pair_f1=round(f1, 4), story_pair_precision=round(prec, 4),
                       story_pair_recall=round(rec, 4))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

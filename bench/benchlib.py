#!/usr/bin/env python3
"""benchlib.py - helpers of bench/run.sh (standard library only).

  benchlib.py subset CORPUS N OUT           the first N records of a JSON Lines corpus
  benchlib.py gold-subset GOLD SUBSET OUT   gold clusters restricted to SUBSET's ids
  benchlib.py files CORPUS DIR              each record's text as DIR/NNNNNNNN (for simhash)
  benchlib.py simhash-clusters MATRIX CORPUS T OUT
                                            clusters (union of pairs >= T) from `simhash -m`
  benchlib.py plagdet-cases GOLD_PASSAGES CASES PAIRS
                                            gold-passages.jsonl as `neardup eval --plagdet`
                                            cases and labelled pairs
  benchlib.py reuse-note WORK T SAME        the reuse row's extra fields (JSON) and note
  benchlib.py stories-note WORK RUN SAME    the stories row's extra fields (JSON) and note
  benchlib.py row ROWS.jsonl                append a row described by R_* variables
  benchlib.py report ROWS.jsonl META.json OUT.json
                                            table on stdout, JSON result file
"""
import json
import os
import sys


def subset(corpus, n, out):
    n = int(n)
    with open(corpus, "rb") as f, open(out, "wb") as o:
        for i, line in enumerate(f):
            if i >= n:
                break
            o.write(line)


def ids_of(corpus):
    with open(corpus, encoding="utf-8") as f:
        return [json.loads(line)["id"] for line in f]


def gold_subset(gold, sub, out):
    keep = set(ids_of(sub))
    with open(gold, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as o:
        c = 0
        for line in f:
            m = [x for x in json.loads(line)["members"] if x in keep]
            if len(m) > 1:
                o.write(json.dumps({"cluster": c, "members": m}, separators=(",", ":")) + "\n")
                c += 1


def files(corpus, d):
    os.makedirs(d, exist_ok=True)
    with open(corpus, encoding="utf-8") as f:
        for i, line in enumerate(f):
            with open(os.path.join(d, "%08d" % i), "w", encoding="utf-8") as o:
                o.write(json.loads(line)["text"])


def simhash_clusters(matrix, corpus, t, out):
    """`simhash -m` prints a header line, then one line per file: its name, its
    number and its similarity to every earlier file. Pairs at or above t are joined."""
    t = float(t)
    ids = ids_of(corpus)
    parent = list(range(len(ids)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    with open(matrix, encoding="ascii") as f:
        next(f, None)
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            i = int(parts[0])          # file name NNNNNNNN = input position
            for j, v in enumerate(parts[2:]):
                if float(v) >= t:
                    a, b = find(i), find(j)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    groups = {}
    for i in range(len(ids)):
        groups.setdefault(find(i), []).append(i)
    with open(out, "w", encoding="utf-8") as o:
        c = 0
        for root in sorted(groups):
            m = groups[root]
            if len(m) < 2:
                continue
            mem = [{"id": ids[m[0]], "relation": "representative"}] + \
                  [{"id": ids[x], "relation": "near-duplicate"} for x in m[1:]]
            o.write(json.dumps({"cluster": c, "representative": ids[m[0]], "size": len(m),
                                "members": mem}, separators=(",", ":")) + "\n")
            c += 1


def plagdet_cases(gold, cases, pairs):
    """gen_corpus.py's gold-passages.jsonl ({"a": source, "b": receiver, byte ranges})
    as the reuse cases and document pairs that `neardup eval --plagdet` reads. The
    texts are ASCII: characters and bytes are the same offsets."""
    with open(gold, encoding="utf-8") as f, open(cases, "w", encoding="utf-8") as oc, \
            open(pairs, "w", encoding="utf-8") as op:
        for line in f:
            r = json.loads(line)
            c = {"suspicious": r["b"], "source": r["a"]}
            op.write(json.dumps(c) + "\n")
            for suf in ("", "_bytes"):
                c["this_offset" + suf] = r["b_start"]
                c["this_length" + suf] = r["b_end"] - r["b_start"]
                c["source_offset" + suf] = r["a_start"]
                c["source_length" + suf] = r["a_end"] - r["a_start"]
            oc.write(json.dumps(c) + "\n")


def reuse_note(work, t, same):
    """Two lines for the reuse row of run t ("1" or "2": -T 1 or -T 2; "M": -T 2 under
    --memory): its extra fields as JSON, and its note, from WORK/reuseT{t}.pairs.json and
    .plagdet.json (and the runs' times). same: the run's output equals -T 1's."""
    def wall(n):
        with open(os.path.join(work, n + ".time")) as f:
            return float(f.read().split()[-4])
    with open(os.path.join(work, f"reuseT{t}.pairs.json")) as f:
        p = json.load(f)
    with open(os.path.join(work, f"reuseT{t}.plagdet.json")) as f:
        d = json.load(f)
    same = same == "true"
    x = {"passages": p["passages"], "passage_pair_recall": p["recall"],
         "gold_passage_pairs": p["gold_pairs"], "gold_passage_pairs_found": p["found"],
         "identical_T1_T2": same}
    note = (f"passage-pair recall {p['recall']:.4f} ({p['found']}/{p['gold_pairs']}), "
            f"plagdet {d['plagdet']:.4f} on those pairs; {p['passages']:,} passages")
    if t == "2":
        x["speedup_T2_over_T1"] = round(wall("reuseT1") / wall("reuseT2"), 2)
        note += (f"; wall -T 1 / -T 2 = {x['speedup_T2_over_T1']:.2f}; "
                 f"output byte-identical to -T 1: {str(same).lower()}")
    if t == "M":
        x["identical_T1_M"] = x.pop("identical_T1_T2")
        x["slowdown_M_over_T2"] = round(wall("reuseTM") / wall("reuseT2"), 2)
        note += (f"; wall / -T 2 unbounded = {x['slowdown_M_over_T2']:.2f}; "
                 f"output byte-identical to -T 1: {str(same).lower()}")
    print(json.dumps(x))
    print(note)


def stories_note(work, run, same):
    """Two lines for the stories row of run RUN ("N1", "N2": --no-reuse -T 1, -T 2;
    "P2": -T 2 with passages): its extra fields as JSON, and its note, from
    WORK/stories{RUN}.stories (one JSON line per story), .copies.json (eval against
    gold.jsonl) and .time. same: the output equals the "N1" run's."""
    stories = multi = multi_docs = largest = multi_source = 0
    with open(os.path.join(work, f"stories{run}.stories"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            k = len(r["members"])
            stories += 1
            largest = max(largest, k)
            if k >= 2:
                multi += 1
                multi_docs += k
                multi_source += len(r.get("sources") or []) >= 2
    with open(os.path.join(work, f"stories{run}.time")) as f:
        wall = float(f.read().split()[-4])
    with open(os.path.join(work, f"stories{run}.copies.json")) as f:
        ev = json.load(f)
    docs = ev["docs"]
    x = {"stories": stories, "stories_2plus": multi, "docs_in_stories_2plus": multi_docs,
         "stories_2plus_sources": multi_source, "largest_story": largest,
         "s_per_million_docs_extrapolated": round(wall / docs * 1e6, 1),
         "copies_only_pair_recall": ev["pairwise"]["recall"]}
    note = (f"{stories:,} stories, {multi:,} with 2+ docs ({multi_docs:,} docs, "
            f"{multi_source:,} with 2+ sources, largest {largest}); "
            f"extrapolated {x['s_per_million_docs_extrapolated']:.0f} s per million docs; "
            f"copies only: {ev['pairwise']['recall']:.4f} of gold near-duplicate pairs "
            f"in one story")
    if run != "N1":
        x["identical_to_no_reuse_T1"] = same == "true"
    if run == "N2":
        x["speedup_T2_over_T1"] = round(wall_of(work, "storiesN1") / wall, 2)
        note += (f"; wall -T 1 / -T 2 = {x['speedup_T2_over_T1']:.2f}; "
                 f"output byte-identical to -T 1: {same}")
    if run == "P2":
        x["slowdown_over_no_reuse_T2"] = round(wall / wall_of(work, "storiesN2"), 2)
        note += f"; wall / --no-reuse -T 2 = {x['slowdown_over_no_reuse_T2']:.2f}"
    print(json.dumps(x))
    print(note)


def wall_of(work, name):
    with open(os.path.join(work, name + ".time")) as f:
        return float(f.read().split()[-4])


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def report(rows_path, meta_path, out):
    with open(meta_path) as f:
        meta = json.load(f)
    rows = []
    with open(rows_path) as f:
        for line in f:
            r = json.loads(line)
            if r.get("wall_s"):
                r["mb_per_s"] = round(r["bytes"] / 1e6 / r["wall_s"], 2)
                r["docs_per_s"] = round(r["docs"] / r["wall_s"])
            if r.get("cpu_s"):
                r["mb_per_cpu_s"] = round(r["bytes"] / 1e6 / r["cpu_s"], 2)
            rows.append(r)
    meta["rows"] = rows
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    os.replace(tmp, out)
    hdr = ("row", "tool", "input", "MB/s", "docs/s", "wall s", "cpu s", "MB/cpu-s", "peak RSS",
           "R near", "P near", "R all", "P all", "note")
    table = []
    for r in rows:
        ev, ea = r.get("eval_near") or {}, r.get("eval_all") or {}
        pn, pa = ev.get("pairwise", {}), ea.get("pairwise", {})
        table.append((r["row"], r["tool"], r.get("input", ""), fmt(r.get("mb_per_s"), ".1f"),
                      fmt(r.get("docs_per_s"), ",d"), fmt(r.get("wall_s"), ".2f"),
                      fmt(r.get("cpu_s"), ".2f"), fmt(r.get("mb_per_cpu_s"), ".1f"),
                      "-" if r.get("rss_kb") is None else f"{r['rss_kb'] / 1024:.0f} MB",
                      fmt(pn.get("recall"), ".4f"), fmt(pn.get("precision"), ".4f"),
                      fmt(pa.get("recall"), ".4f"), fmt(pa.get("precision"), ".4f"),
                      r.get("note", "")))
    w = [max(len(str(x[i])) for x in table + [hdr]) for i in range(len(hdr))]
    for x in [hdr] + table:
        print("  ".join(str(v).ljust(w[i]) if i in (0, 1, 2, 13) else str(v).rjust(w[i])
                        for i, v in enumerate(x)).rstrip())
    print(f"\nresults: {out}")


def row(rows_path):
    """Appends one row, described by R_* environment variables, to ROWS."""
    e = os.environ
    r = {"row": e["R_ROW"], "tool": e["R_TOOL"], "input": e.get("R_INPUT", ""),
         "bytes": int(e["R_BYTES"]), "docs": int(e["R_DOCS"])}
    if e.get("R_TIME"):
        with open(e["R_TIME"]) as f:      # GNU time -f '%e %U %S %M'
            wall, user, sys_, rss = f.read().split()[-4:]
        r.update(wall_s=float(wall), cpu_s=round(float(user) + float(sys_), 2),
                 rss_kb=int(rss))
    for key, env in (("eval_near", "R_EVAL_NEAR"), ("eval_all", "R_EVAL_ALL"),
                     ("eval_gold_pairs", "R_EVAL_PAIRS"), ("eval_plagdet", "R_EVAL_PLAGDET")):
        if e.get(env) and os.path.exists(e[env]):
            with open(e[env]) as f:
                r[key] = json.load(f)
    if e.get("R_EXTRA"):
        r.update(json.loads(e["R_EXTRA"]))
    r["note"] = e.get("R_NOTE", "")
    with open(rows_path, "a") as f:
        f.write(json.dumps(r) + "\n")


def main():
    cmds = {"subset": (subset, 3), "gold-subset": (gold_subset, 3), "files": (files, 2),
            "simhash-clusters": (simhash_clusters, 4), "report": (report, 3),
            "reuse-note": (reuse_note, 3), "stories-note": (stories_note, 3),
            "plagdet-cases": (plagdet_cases, 3),
            "row": (row, 1)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) - 2 != cmds[sys.argv[1]][1]:
        sys.exit(__doc__)
    cmds[sys.argv[1]][0](*sys.argv[2:])


if __name__ == "__main__":
    main()

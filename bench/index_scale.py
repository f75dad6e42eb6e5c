#!/usr/bin/env python3
"""index_scale.py - the index's scale row (issue 11): batch dedup against
`neardup index add` on the same generated corpus, in one run, with the memory
of each process sampled from /proc (anonymous memory apart from the LMDB map's
file pages, which the kernel can drop at will).

  index_scale.py ND CORPUS WORKDIR OUT.json [--threads N] [--batch N] [--full-docs N]

Runs, each as a child sampled every 0.2 s:
  dedup      neardup dedup -T N -q --clusters ...            (the baseline)
  index      neardup index add -T N [--batch B] --no-answers (--no-passages --no-stories;
             no --batch: the automatic size, a quarter of the index up to 100000)
  index-nosync  the same with --no-sync (one sync at the end)
  index-full the first FULL docs with passages and stories kept (default 100000)
and writes the figures (seconds, MB/s, docs/s, peak RSS, peak anonymous RSS,
the index's file size, the ratio to dedup) to OUT.json and a table to stdout."""
import json
import os
import subprocess
import sys
import time


def run(cmd, env=None):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak_rss = peak_anon = 0
    samples = []
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/status") as f:
                st = {}
                for ln in f:
                    parts = ln.split()
                    if len(parts) >= 2 and parts[0].endswith(":"):
                        st[parts[0][:-1]] = parts[1]
            rss, anon = int(st.get("VmRSS", 0)), int(st.get("RssAnon", 0))
            peak_rss, peak_anon = max(peak_rss, rss), max(peak_anon, anon)
            samples.append((round(time.monotonic() - t0, 1), anon))
        except (OSError, ValueError, IndexError):
            pass
        time.sleep(0.2)
    err = p.stderr.read().decode(errors="replace")
    if p.returncode != 0:
        sys.exit(f"index_scale: {' '.join(cmd)} failed ({p.returncode}): {err[-2000:]}")
    return time.monotonic() - t0, peak_rss, peak_anon, samples


def main():
    nd, corpus, work, out = sys.argv[1:5]
    opts = sys.argv[5:]
    threads = opts[opts.index("--threads") + 1] if "--threads" in opts else "1"
    batch = opts[opts.index("--batch") + 1] if "--batch" in opts else "auto"
    batch_opts = [] if batch == "auto" else ["--batch", batch]
    full = int(opts[opts.index("--full-docs") + 1]) if "--full-docs" in opts else 100000
    os.makedirs(work, exist_ok=True)
    size = os.path.getsize(corpus)
    with open(corpus, "rb") as f:
        docs = sum(1 for _ in f)
    rows = {}

    def row(name, secs, rss, anon, nbytes, ndocs, extra=None):
        r = {"seconds": round(secs, 2), "mb_per_s": round(nbytes / 1e6 / secs, 1),
             "docs_per_s": round(ndocs / secs), "peak_rss_mb": round(rss / 1024, 1),
             "peak_anon_mb": round(anon / 1024, 1), "docs": ndocs, "bytes": nbytes}
        if extra:
            r.update(extra)
        rows[name] = r

    s, rss, anon, _ = run([nd, "dedup", "-q", "-T", threads, "--clusters",
                           os.path.join(work, "clusters.jsonl"), corpus])
    row("dedup", s, rss, anon, size, docs)
    for name, extra_opts in (("index", []), ("index-nosync", ["--no-sync"])):
        d = os.path.join(work, name)
        subprocess.run(["rm", "-rf", d], check=True)
        subprocess.run([nd, "index", "create", "-q", "--no-passages", "--no-stories", d],
                       check=True)
        s, rss, anon, samples = run([nd, "index", "add", "-q", "--no-answers", "-T", threads]
                                    + batch_opts + extra_opts + [d, corpus])
        st = json.loads(subprocess.run([nd, "index", "stats", d], check=True,
                                       capture_output=True, text=True).stdout)
        # anonymous memory over the run: first and last quarter's peaks (flat = bounded)
        q = max(1, len(samples) // 4)
        row(name, s, rss, anon, size, docs,
            {"file_mb": round(st.get("file_bytes", 0) / 1e6, 1),
             "anon_mb_first_quarter": round(max(a for _, a in samples[:q]) / 1024, 1) if samples else 0,
             "anon_mb_last_quarter": round(max(a for _, a in samples[-q:]) / 1024, 1) if samples else 0,
             "ratio_to_dedup": round(s / rows["dedup"]["seconds"], 2)})
    # passages and stories kept: a prefix of the corpus
    sub = os.path.join(work, "full.jsonl")
    nbytes = 0
    with open(corpus, "rb") as f, open(sub, "wb") as o:
        for i, ln in enumerate(f):
            if i >= full:
                break
            o.write(ln)
            nbytes += len(ln)
    nfull = min(full, docs)
    s0, _, _, _ = run([nd, "dedup", "-q", "-T", threads, "--clusters",
                       os.path.join(work, "clusters-full.jsonl"), sub])
    d = os.path.join(work, "index-full")
    subprocess.run(["rm", "-rf", d], check=True)
    subprocess.run([nd, "index", "create", "-q", d], check=True)
    s, rss, anon, _ = run([nd, "index", "add", "-q", "--no-answers", "-T", threads]
                          + batch_opts + [d, sub])
    st = json.loads(subprocess.run([nd, "index", "stats", d], check=True,
                                   capture_output=True, text=True).stdout)
    row("index-full", s, rss, anon, nbytes, nfull,
        {"file_mb": round(st.get("file_bytes", 0) / 1e6, 1), "dedup_seconds_same_docs": round(s0, 2),
         "ratio_to_dedup": round(s / s0, 2)})
    result = {"corpus": corpus, "docs": docs, "bytes": size, "threads": int(threads),
              "batch": batch, "rows": rows,
              "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    print(f"{'run':14} {'s':>8} {'MB/s':>7} {'docs/s':>8} {'RSS MB':>8} {'anon MB':>8} "
          f"{'file MB':>8} {'x dedup':>8}")
    for k, r in rows.items():
        print(f"{k:14} {r['seconds']:8} {r['mb_per_s']:7} {r['docs_per_s']:8} "
              f"{r['peak_rss_mb']:8} {r['peak_anon_mb']:8} {r.get('file_mb', ''):>8} "
              f"{r.get('ratio_to_dedup', ''):>8}")


if __name__ == "__main__":
    main()

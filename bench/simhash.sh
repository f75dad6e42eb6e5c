#!/usr/bin/env bash
# bench/simhash.sh - neardup dedup --method simhash against MinHash on the bench corpus:
# recall and precision of pairs against the exact resemblance (>= 0.8) of every pair,
# speed, and bytes a document. Not part of make test; see docs/benchmarks.md.
#
# Environment (all optional):
#   BENCH_SIZE=100M         size of the generated corpus (bench/gen_corpus.py, cached)
#   BENCH_SEED=20261123     its seed
#   BENCH_SIMHASH_REPS=3    runs of each configuration; the fastest counts
#   BENCH_SIMHASH_K="2 3 4 8"   the --simhash-k values to run
#
# Every configuration runs with -T 1 on the same file (read once first, so it is in
# the page cache) under GNU time, writing --pairs; the exact ground truth is computed
# once per corpus by bench/simhash_eval.py (all pairs, no sampling) and cached beside
# the corpus. Then build/rel/bench/simhash_sketch (bench/simhash_sketch.c) times each
# sketch alone on the corpus's shingle sets (best of 5), and counts its instructions
# under callgrind on the first 1,000 documents when valgrind is installed. The table
# is printed and written to bench/results/simhash-DATE-SIZE.json.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SIZE=${BENCH_SIZE:-100M}
SEED=${BENCH_SEED:-20261123}
REPS=${BENCH_SIMHASH_REPS:-3}
KS=${BENCH_SIMHASH_K:-2 3 4 8}
ND=$ROOT/neardup
EVAL=$ROOT/bench/simhash_eval.py

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "GNU time is missing (apt-get install time)"
say "seed $SEED, size $SIZE (BENCH_SEED, BENCH_SIZE)"
make -s -j2 neardup build/rel/bench/simhash_sketch >&2
CDIR=$(python3 bench/gen_corpus.py --size "$SIZE" --seed "$SEED" --print-dir)
CORPUS=$CDIR/corpus.jsonl
TRUTH=$CDIR/simhash-truth.json
if [ ! -s "$TRUTH" ]; then
    say "exact ground truth (all pairs; once per corpus)"
    python3 "$EVAL" truth "$CORPUS" "$TRUTH.tmp"
    mv "$TRUTH.tmp" "$TRUTH"
fi
WORK=$ROOT/bench/data/simhash-$SIZE-s$SEED
rm -rf "$WORK"
mkdir -p "$WORK" "$ROOT/bench/results"
ROWS=$WORK/rows.jsonl
: >"$ROWS"
cat "$CORPUS" >/dev/null

# run NAME SKETCH_BYTES ARGS...: the fastest of REPS runs
run() {
    local name=$1 sk=$2
    shift 2
    local best="" r
    for r in $(seq "$REPS"); do
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.time" \
            "$ND" dedup -v -T 1 "$@" --pairs "$WORK/$name.pairs" "$CORPUS" 2>"$WORK/$name.err" ||
            { tail -5 "$WORK/$name.err" >&2; die "$name failed"; }
        read -r w u s m <"$WORK/$name.time"
        if [ -z "$best" ] || awk -v a="$w" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
            best="$w $u $s $m"
        fi
    done
    read -r w u s m <<<"$best"
    local cand bpd
    cand=$(sed -n 's/^neardup: \([0-9]*\) candidate pairs\{0,1\}, .*/\1/p' "$WORK/$name.err")
    bpd=$(sed -n 's/.*index memory .* (\([0-9]*\) bytes a document).*/\1/p' "$WORK/$name.err")
    python3 - "$ROWS" "$name" "$WORK/$name.pairs" "$w" "$u" "$s" "$m" "${cand:-0}" \
        "${bpd:-0}" "$sk" "$*" <<'PY'
import json, sys
rows, name, pairs, w, u, s, m, cand, bpd, sk, args = sys.argv[1:]
with open(rows, "a") as f:
    f.write(json.dumps({"name": name, "args": args, "pairs": pairs, "wall_s": float(w),
                        "cpu_s": round(float(u) + float(s), 2), "rss_MB": round(int(m) / 1024, 1),
                        "candidates": int(cand), "bytes_per_doc": int(bpd),
                        "sketch_bytes": int(sk)}) + "\n")
PY
    say "$name: wall $w s, cpu $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') s"
}

# sketch bytes: the signature (128 x 4) or the fingerprint (8)
run minhash 512
run minhash-fast 512 --fast
for k in $KS; do
    run "simhash-k$k" 8 --method simhash --simhash-k "$k"
done
run simhash-k3-fast 8 --method simhash --simhash-k 3 --fast

# each sketch alone: texts one a line (newlines are separators for the tokeniser)
python3 -c 'import json, sys
with open(sys.argv[2], "w") as o:
    for line in open(sys.argv[1], encoding="utf-8"):
        o.write(json.loads(line)["text"].replace("\n", " ").replace("\r", " ") + "\n")' \
    "$CORPUS" "$WORK/texts.txt"
build/rel/bench/simhash_sketch "$WORK/texts.txt" --time 5 >"$WORK/sketch.time"
: >"$WORK/sketch.ir"
if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
    head -1000 "$WORK/texts.txt" >"$WORK/texts1k.txt"
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='micro_*' \
        --callgrind-out-file="$WORK/cg.out" build/rel/bench/simhash_sketch \
        "$WORK/texts1k.txt" >"$WORK/sketch1k.txt" 2>/dev/null
    callgrind_annotate --inclusive=yes "$WORK/cg.out" 2>/dev/null |
        sed -n 's/^ *\([0-9,]*\) .*:micro_\([a-z_]*\) .*/\2 \1/p' | tr -d , >"$WORK/sketch.ir"
fi
export SKETCH_TIME=$WORK/sketch.time SKETCH_IR=$WORK/sketch.ir SKETCH_1K=$WORK/sketch1k.txt

OUT=$ROOT/bench/results/simhash-$(date -u +%Y%m%d-%H%M)-$SIZE.json
python3 "$EVAL" score "$CORPUS" "$TRUTH" "$ROWS" "$OUT.tmp"
python3 - "$OUT.tmp" "$OUT" "$SEED" <<'PY'
import json, os, platform, subprocess, sys
d = json.load(open(sys.argv[1]))
d["seed"] = int(sys.argv[3])
d["machine"] = {"cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                             if l.startswith("model name")), platform.machine()),
                "cores": os.cpu_count(), "load_1min": os.getloadavg()[0]}
d["neardup"] = subprocess.run(["./neardup", "--version"], capture_output=True,
                              text=True).stdout.strip()
d["command"] = "bench/simhash.sh (BENCH_SIZE=%s)" % os.environ.get("BENCH_SIZE", "100M")
git = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True).stdout.strip()
d["commit"] = git("rev-parse", "--short", "HEAD") + (
    "+changes" if git("status", "--porcelain", "--untracked-files=no") else "")
json.dump(d, open(sys.argv[2], "w"), indent=1)
open(sys.argv[2], "a").write("\n")
os.remove(sys.argv[1])
PY
say "written $OUT"

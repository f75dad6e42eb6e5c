# The benchmark's corpus generator (bench/gen_corpus.py) on a small pool: the same
# seed gives the same files, and the ground truth agrees with an independent
# recomputation of every injected pair's figures (tests/e2e/check_bench_gen.py).
# The pool is small on purpose, so that the corpus needs a second, re-worded pass.
set -eu
seed=${ND_SEED:-20261123}
echo "seed $seed (set ND_SEED to change)"
gen() {
    python3 "$ROOT/bench/gen_corpus.py" --seed "$seed" --docs 600 --doc-words 60 \
        --text-from /usr/share/common-licenses --out "$1" 2>"gen-$1.log" ||
        { cat "gen-$1.log"; exit 1; }
}
gen a
gen b
for f in corpus.jsonl truth.jsonl gold.jsonl gold-all.jsonl gold-passages.jsonl; do
    cmp a/$f b/$f
done
python3 "$ROOT/tests/e2e/check_bench_gen.py" a
python3 -c "import json,sys; m=json.load(open('a/meta.json')); sys.exit(m['epochs'] < 2)" ||
    { echo "expected a second pool epoch"; exit 1; }

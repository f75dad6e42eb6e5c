# The figures of docs/neardup.1.md that a quick run can check (the timings and peak
# memory are in bench/results/): the LSH layout chosen for -t 0.8 with the default
# --fn-weight and with 0.5; the story similarity of the seed articles' pairs (the copy
# pair 000/001 left out) without and with a model learnt on the 321 SemEval articles;
# the Pearson correlation of `similarity` with the SemEval annotators, stemmed and
# with --lang none. Needs ../shared ($SHARED) and python3.
set -eu
. "$ROOT/tests/cli/readme_lib.inc"
show './neardup dedup -v --clusters /dev/null examples/corpus/news.jsonl 2>&1 | grep LSH'
show './neardup dedup -v --fn-weight 0.5 --clusters /dev/null examples/corpus/news.jsonl 2>&1 | grep LSH'
python3 - "$SHARED/data/semeval8-en/train.jsonl" "$SHARED/seeds" <<'PY'
import itertools, json, os, sys
docs, pairs, gold = {}, [], []
for line in open(sys.argv[1]):
    r = json.loads(line)
    for side in ("a", "b"):
        docs.setdefault(r[side]["id"], r[side]["text"])
    pairs.append({"a": r["a"]["id"], "b": r["b"]["id"]})
    gold.append(r["overall"])
with open("semeval.jsonl", "w") as f:
    for i, t in docs.items():
        f.write(json.dumps({"id": i, "text": t}) + "\n")
with open("pairs.jsonl", "w") as f:
    for p in pairs:
        f.write(json.dumps(p) + "\n")
json.dump(gold, open("gold.json", "w"))
seeds = sorted(os.listdir(sys.argv[2]))
with open("seedpairs.jsonl", "w") as f:
    for a, b in itertools.combinations(seeds, 2):
        if (a[:3], b[:3]) != ("000", "001"):
            f.write(json.dumps({"a": a, "b": b}) + "\n")
PY
./neardup similarity -q --pairs pairs.jsonl -o sim.jsonl --save-model semeval.model semeval.jsonl
./neardup similarity -q --lang none --pairs pairs.jsonl -o sim-none.jsonl semeval.jsonl
./neardup similarity -q --pairs seedpairs.jsonl -o seeds.jsonl "$SHARED/seeds"
./neardup similarity -q --model semeval.model --pairs seedpairs.jsonl -o seeds-model.jsonl "$SHARED/seeds"
python3 - <<'PY'
import json, math
def sims(f):
    return [json.loads(l)["similarity"] for l in open(f)]
def pearson(x, y):
    n = len(x); mx, my = sum(x) / n, sum(y) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(x, y))
    return cov / math.sqrt(sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y))
print("semeval: %d articles" % sum(1 for _ in open("semeval.jsonl")))
y = [-o for o in json.load(open("gold.json"))]
for f, what in (("sim.jsonl", "default"), ("sim-none.jsonl", "--lang none")):
    print("semeval: %d pairs, Pearson(similarity, -overall), %s: %.3f" % (len(y), what, pearson(sims(f), y)))
for f, what in (("seeds.jsonl", "alone"), ("seeds-model.jsonl", "with the SemEval model")):
    s = sims(f)
    print("seeds: %d pairs other than 000/001, %s: %.2f to %.2f" % (len(s), what, min(s), max(s)))
PY
# the EXAMPLES of the man page that run on the example corpus, and `version`
show './neardup version'
show './neardup stories examples/corpus/news.jsonl | cut -c1-100'
printf '%s\n' '{"a":"vdp-2024-0412-rail","b":"ledger-7781"}' \
    '{"a":"vdp-2024-0412-rail","b":"vdp-2024-0412-bridge"}' > pairs.jsonl
show 'cat pairs.jsonl'
show './neardup similarity --pairs pairs.jsonl examples/corpus/news.jsonl'

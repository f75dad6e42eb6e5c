# The five seed articles (../shared/seeds): exactly one duplicate cluster,
# {000, 001}, near-duplicate, with the resemblance and both containments equal
# to the exact values computed independently (tests/e2e/jaccard.py's rules:
# 351 shared 5-gram shingles of 368 and 362, union 379: resemblance 0.9261,
# 000 in 001 0.9538, 001 in 000 0.9696), to 3 decimals (neardup prints 4);
# 002, 003, 004 stand alone. With --fast (the 128-value MinHash estimate,
# standard error about 0.023 here) the estimate was 0.9141 when written: it
# must lie within 0.025 of the exact value.
set -eu -o pipefail
seeds="$SHARED/seeds"
a="$seeds/000_55cc57f3fd3decfc.txt"
b="$seeds/001_b1c4dd3a512a432f.txt"
"$ND" dedup -q --clusters clusters.jsonl --pairs pairs.jsonl --removed removed.jsonl "$seeds"
cat clusters.jsonl pairs.jsonl
test "$(wc -l < clusters.jsonl)" -eq 1
test "$(wc -l < pairs.jsonl)" -eq 1
grep -q '"representative":"000_55cc57f3fd3decfc.txt","size":2' clusters.jsonl
grep -q '{"id":"001_b1c4dd3a512a432f.txt","relation":"near-duplicate"' clusters.jsonl
for f in clusters.jsonl removed.jsonl pairs.jsonl; do
    if grep -E '00[234]_' "$f"; then echo "002, 003 or 004 in $f"; exit 1; fi
done
"$ND" dedup -q --fast --pairs fast.jsonl --clusters fast-clusters.jsonl "$seeds"
test "$(wc -l < fast-clusters.jsonl)" -eq 1
grep -q '"representative":"000_55cc57f3fd3decfc.txt","size":2' fast-clusters.jsonl
python3 - "$ROOT/tests/e2e" "$a" "$b" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from jaccard import shingles
read = lambda p: open(p, encoding="utf-8", errors="replace").read()
x, y = shingles(read(sys.argv[2])), shingles(read(sys.argv[3]))
both = len(x & y)
exact = {"resemblance": both / len(x | y), "a_in_b": both / len(x), "b_in_a": both / len(y)}
p = json.loads(open("pairs.jsonl").read())
assert (p["a"][:3], p["b"][:3], p["relation"]) == ("000", "001", "near-duplicate"), p
for k, v in exact.items():
    print(f"{k}: reported {p[k]}, independent exact value {v:.4f}")
    assert round(p[k], 3) == round(v, 3), (k, p[k], v)
f = json.loads(open("fast.jsonl").read())
err = abs(f["resemblance"] - exact["resemblance"])
print(f"--fast: estimated resemblance {f['resemblance']}, off by {err:.4f} (at most 0.025)")
assert err <= 0.025, f
PY

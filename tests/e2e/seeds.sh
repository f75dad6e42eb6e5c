# The five seed articles (../shared/seeds): exactly one duplicate cluster,
# {000, 001}, near-duplicate, with a resemblance within 0.02 of the exact value
# computed independently (tests/e2e/jaccard.py); 002, 003, 004 stand alone.
set -eu
"$ND" dedup -q --clusters clusters.jsonl --pairs pairs.jsonl --removed removed.jsonl \
    "$SHARED/seeds"
cat clusters.jsonl
test "$(wc -l < clusters.jsonl)" -eq 1
grep -q '"representative":"000_55cc57f3fd3decfc.txt","size":2' clusters.jsonl
grep -q '{"id":"001_b1c4dd3a512a432f.txt","relation":"near-duplicate"' clusters.jsonl
! grep -qE '00[234]_' clusters.jsonl
! grep -qE '00[234]_' removed.jsonl
test "$(wc -l < pairs.jsonl)" -eq 1
reported=$(sed -n 's/.*"resemblance":\([0-9.]*\).*/\1/p' clusters.jsonl)
exact=$(python3 "$ROOT/tests/e2e/jaccard.py" "$SHARED/seeds/000_55cc57f3fd3decfc.txt" \
        "$SHARED/seeds/001_b1c4dd3a512a432f.txt")
echo "reported resemblance $reported, independent exact value $exact"
python3 -c "import sys; sys.exit(0 if abs($reported - $exact) <= 0.02 else 1)"
# The same with the signature estimate (--fast) instead of exact verification.
"$ND" dedup -q --fast --clusters fast.jsonl "$SHARED/seeds"
test "$(wc -l < fast.jsonl)" -eq 1
grep -q '"representative":"000_55cc57f3fd3decfc.txt","size":2' fast.jsonl

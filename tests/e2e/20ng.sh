# 20 Newsgroups: every gold cross-post cluster found (recall 1.0) and no
# member of one gold cluster placed with a member of another (identical-body
# reposts excepted, as the data's README says). Scored twice: by neardup eval
# and by an independent script. Precision (pairs of a predicted cluster that
# are gold pairs; the others are mostly real duplicates the gold does not
# list): pairwise 0.7947 and B-cubed 0.9954 when written, with 2 predicted
# clusters mixing gold clusters (the two identical-body reposts); floors 0.79,
# 0.99 and at most 2.
set -eu
data="$SHARED/data/20ng"
"$ND" dedup -q --clusters clusters.jsonl "$data/docs.jsonl.gz"
"$ND" eval --json --gold "$data/crossposts.jsonl" --corpus "$data/docs.jsonl.gz" clusters.jsonl \
    > eval.json
cat eval.json
python3 - eval.json <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
assert e["pairwise"]["recall"] == 1, e
assert e["gold_split"] == 0, e
assert e["pairwise"]["precision"] >= 0.79, e
assert e["bcubed"]["precision"] >= 0.99, e
assert e["mixed"] <= 2, e
PY
python3 "$ROOT/tests/e2e/check_20ng.py" "$data/docs.jsonl.gz" "$data/crossposts.jsonl" clusters.jsonl

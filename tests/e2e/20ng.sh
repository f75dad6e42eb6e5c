# 20 Newsgroups: every gold cross-post cluster found (recall 1.0) and no
# member of one gold cluster placed with a member of another (identical-body
# reposts excepted, as the data's README says). Scored twice: by neardup eval
# and by an independent script.
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
PY
python3 "$ROOT/tests/e2e/check_20ng.py" "$data/docs.jsonl.gz" "$data/crossposts.jsonl" clusters.jsonl

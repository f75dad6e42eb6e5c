# 20 Newsgroups replies: at least 95% of the reply-parent pairs whose reply
# quotes 20+ words of the parent are linked by a passage (between the reply
# and the parent or a cross-posted copy of it), scored by neardup eval.
set -eu
data="$SHARED/data/20ng"
"$ND" reuse -q --no-text -o passages.jsonl "$data/docs.jsonl.gz"
"$ND" eval --gold-pairs "$data/replies.jsonl" --pair-fields reply,parent \
    --min quoted_words=20 --same "$data/crossposts.jsonl" passages.jsonl
"$ND" eval --json --gold-pairs "$data/replies.jsonl" --pair-fields reply,parent \
    --min quoted_words=20 --same "$data/crossposts.jsonl" passages.jsonl > eval.json
# the same passages with 1 thread under a 16 MB budget (seeds, hits, words and
# texts go to temporary files)
"$ND" reuse -q --no-text -T 1 --memory 16M -o passages-mem.jsonl "$data/docs.jsonl.gz"
cmp passages.jsonl passages-mem.jsonl
python3 - eval.json <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
assert e["recall"] >= 0.95, e
PY

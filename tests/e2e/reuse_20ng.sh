# 20 Newsgroups replies: the reply-parent pairs whose reply quotes 20+ words
# of the parent are linked by a passage (between the reply and the parent or
# a cross-posted copy of it), scored by neardup eval: recall 0.9992 (6212 of
# 6217) when written, floor 0.995; 0.9986 (6208) since header blocks no
# longer seed passages. Its precision (the share of linked pairs that are
# reply-parent pairs; most passages link other documents, which the gold does
# not list) was 0.0139, and 0.1224 since (99,675 passages instead of
# 562,254, 81% of which lay in a header block): floor 0.11, which catches a
# flood of spurious links. Since a phrase one document repeats is aligned
# once per pair (reuse.c, step 6): 91,746 passages (101,118 with copies
# aligned, before), the same 60,653 linked pairs, recall 0.9989.
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
assert e["recall"] >= 0.995, e
assert e["precision"] >= 0.11, e
PY

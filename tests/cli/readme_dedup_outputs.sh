# README, "Main options": the clusters, removed ids, -o and -t examples.
. "$ROOT/tests/cli/readme_lib.inc"
show './neardup dedup --clusters - examples/corpus/news.jsonl 2>/dev/null'
echo
show './neardup dedup --removed removed.jsonl -o unique.jsonl examples/corpus/news.jsonl'
show 'wc -l < unique.jsonl'
show 'cat removed.jsonl'
echo
show './neardup dedup -t 0.9 examples/corpus/news.jsonl 2>/dev/null'

# examples/README.md, "Expected result": the clusters of the example corpus, its
# verified pairs and its score against the gold clusters.
. "$ROOT/tests/cli/readme_lib.inc"
show './neardup dedup examples/corpus/news.jsonl'
echo
show './neardup dedup --pairs - examples/corpus/news.jsonl 2>/dev/null'
echo
show './neardup dedup --clusters clusters.jsonl examples/corpus/news.jsonl 2>/dev/null'
show './neardup eval --gold examples/corpus/gold.jsonl --corpus examples/corpus/news.jsonl clusters.jsonl | head -6'

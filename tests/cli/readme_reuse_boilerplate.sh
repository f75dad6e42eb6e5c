# README, "Reused passages and boilerplate".
. "$ROOT/tests/cli/readme_lib.inc"
show './neardup reuse --no-text --clusters clusters.jsonl examples/corpus/news.jsonl | head -2'
show './neardup boilerplate examples/corpus/news.jsonl'

# README, "Stories": the stories of the example corpus and the members of story 1.
. "$ROOT/tests/cli/readme_lib.inc"
show './neardup stories examples/corpus/news.jsonl 2>&1 | cut -c1-110'
show "./neardup stories -q examples/corpus/news.jsonl | sed -n 2p | grep -o '{\"id\":[^}]*}'"

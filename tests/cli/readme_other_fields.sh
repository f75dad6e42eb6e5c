# README, "JSON Lines with other field names".
. "$ROOT/tests/cli/readme_lib.inc"
show "sed 's/\"id\":/\"doc_id\":/; s/\"text\":/\"body\":/' examples/corpus/news.jsonl > other.jsonl"
show 'head -c 80 other.jsonl'
echo
show 'gzip -c other.jsonl | ./neardup dedup --id-field doc_id --text-field body --removed - - 2>/dev/null'

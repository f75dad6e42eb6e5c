# dedup, default --on-error skip: an invalid JSON line is reported with its file
# and line, skipped (left out of every output, -o included) and counted in the
# summary; the run goes on and exits 0.
set -eu
cat >corpus.jsonl <<'J'
{"id":"a","text":"the quick brown fox jumps over the lazy dog"}
{"id":"b","text":"pack my box with five dozen liquor jugs"}
{"id":"c","text":"this line is cut short
{"id":"d","text":"the quick brown fox jumps over the lazy dog"}
["an array is not a record"]
{"id":"e","text":"sphinx of black quartz judge my vow"}
J
"$ND" dedup --removed removed.jsonl -o unique.jsonl corpus.jsonl
echo "== removed"; cat removed.jsonl
echo "== output"; cat unique.jsonl
echo "== files"; ls

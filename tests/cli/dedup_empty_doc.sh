# dedup: documents without words (text "", only spaces or punctuation) are
# never matched, not even with each other, are counted in a warning, and are
# kept in the -o output (exit 0).
set -eu
cat >corpus.jsonl <<'J'
{"id":"empty-1","text":""}
{"id":"a","text":"the quick brown fox jumps over the lazy dog"}
{"id":"empty-2","text":""}
{"id":"blank","text":"   \n\t "}
{"id":"b","text":"the quick brown fox jumps over the lazy dog"}
{"id":"dots","text":"... -- !!"}
J
"$ND" dedup --removed removed.jsonl -o unique.jsonl corpus.jsonl
echo "== removed"; cat removed.jsonl
echo "== output"; cat unique.jsonl

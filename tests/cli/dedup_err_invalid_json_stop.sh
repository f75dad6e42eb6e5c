# dedup --on-error stop: the first invalid JSON line stops the run with exit 2
# and a message naming file:line; no output file and no temporary is left.
cat >corpus.jsonl <<'J'
{"id":"a","text":"the quick brown fox jumps over the lazy dog"}
{"id":"b","text":"the quick brown fox jumps over the lazy dog"}
{"id":"c","text":"this line is cut short
{"id":"d","text":"sphinx of black quartz judge my vow"}
J
"$ND" dedup --on-error stop --clusters clusters.jsonl --pairs pairs.jsonl \
    --removed removed.jsonl -o unique.jsonl corpus.jsonl
rc=$?
echo "exit $rc"
echo "== files"; ls
exit "$rc"

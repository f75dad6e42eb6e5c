# dedup: a record without a string text field (missing, a number, null) is
# reported naming file:line and what was found, and skipped (exit 0). Under
# --on-error stop the first one ends the run with exit 2, leaving no output.
cat >corpus.jsonl <<'J'
{"id":"a","text":"the quick brown fox jumps over the lazy dog"}
{"id":"b","body":"the quick brown fox jumps over the lazy dog"}
{"id":"c","text":42}

{"id":"d","text":null,"body":"x"}
{"id":"e","text":"the quick brown fox jumps over the lazy dog"}
J
"$ND" dedup -q --on-error stop -o stopped.jsonl corpus.jsonl 2>stop.err
echo "stop: exit $?"
cat stop.err
rm stop.err
"$ND" dedup -o unique.jsonl corpus.jsonl
rc=$?
echo "skip: exit $rc"
cat unique.jsonl
echo "== files"; ls
exit "$rc"

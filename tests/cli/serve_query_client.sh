# neardup query: batches of --batch documents, one answer line per document in input
# order (the same for any --batch), --add then a query of the same corpus; clear errors
# with their exit status: no server listening, a server's 413, a bad option.
set -eu -o pipefail
. "$ROOT/tests/cli/serve_common.bash"
news=$ROOT/examples/corpus/news.jsonl
"$ND" index create ix
serve_start ix --max-batch 5
echo "== --add, batches of 3"
"$ND" query --server "$URL" --add --batch 3 "$news" | grep -o '"id":"[^"]*","change":"[a-z]*"'
echo "== the same corpus queried: --batch 1 and --batch 5 give the same lines"
"$ND" query --server "$URL" --batch 1 "$news" >b1.jsonl
"$ND" query --server "$URL/" --batch 5 - <"$news" >b5.jsonl
cmp b1.jsonl b5.jsonl && wc -l <b1.jsonl
echo "== a batch over the server's --max-batch: the server's message, exit 4"
rc=0; "$ND" query --server "$URL" --batch 6 "$news" >/dev/null 2>err.txt || rc=$?
echo "exit $rc"; sed "s/$PORT/PORT/g" err.txt
echo "== a record with a date in no form neardup reads is skipped"
printf '{"id":"d1","text":"one two three four five","date":"soon"}\n' >dates.jsonl
"$ND" query --server "$URL" dates.jsonl 2>err.txt | wc -l; cat err.txt
echo "== --add with an id twice: a new batch starts at the second (added, then replaced)"
printf '{"id":"r1","text":"one two three four five six"}\n{"id":"r1","text":"seven eight nine ten"}\n' \
    >rep.jsonl
"$ND" query --server "$URL" --add rep.jsonl | grep -o '"id":"[^"]*","change":"[a-z]*"'
echo "== an id over 500 bytes is skipped"
python3 -c 'print("{\"id\":\"%s\",\"text\":\"a b c\"}" % ("x" * 501))' >long.jsonl
"$ND" query --server "$URL" long.jsonl 2>err.txt | wc -l; cat err.txt
serve_stop TERM
echo "exit $SERVE_RC"
echo "== no server listening: exit 2"
rc=0; "$ND" query --server "$URL" "$news" 2>err.txt || rc=$?
echo "exit $rc"; sed "s/$PORT/PORT/g; s/): .*/): (libcurl's message)/" err.txt
echo "== usage errors: exit 1"
rc=0; "$ND" query "$news" 2>err.txt || rc=$?; echo "exit $rc"; head -1 err.txt
rc=0; "$ND" query --server ftp://x "$news" 2>err.txt || rc=$?; echo "exit $rc"; head -1 err.txt
rc=0; "$ND" query --server "$URL" --batch 0 "$news" 2>err.txt || rc=$?; echo "exit $rc"; head -1 err.txt

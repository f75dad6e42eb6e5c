# dedup: an output in a directory that does not exist. Exit 2 with a message
# naming the path, and nothing left behind: the outputs are written to
# temporaries and only renamed into place once all of them are complete, so
# the outputs that could be written (--clusters, -o) are not left either.
printf '{"id":"a","text":"one two three four five six"}\n{"id":"b","text":"one two three four five six"}\n' >corpus.jsonl
"$ND" dedup --clusters /nonexistent-dir/x.jsonl corpus.jsonl 2>err
echo "--clusters only: exit $?"
cat err
rm err
"$ND" dedup --clusters clusters.jsonl --removed /nonexistent-dir/x.jsonl -o unique.jsonl \
    corpus.jsonl
rc=$?
echo "--removed, with --clusters and -o: exit $rc"
echo "== files"; ls
exit "$rc"

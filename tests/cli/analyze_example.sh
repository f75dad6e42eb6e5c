# analyze on the bundled example: the summary on stderr, the files written (and nothing
# else: no temporary left), summary.json as it is; again into the same directory, which
# replaces the files; --no-report leaves report.html out; --corpus adds corpus.jsonl with
# the documents kept.
set -eu
ex="$ROOT/examples/corpus/news.jsonl"
"$ND" analyze -o out "$ex" 2>err1
sed "s|$ROOT/||" err1
ls out
cat out/summary.json | sed "s|$ROOT/||"
cp out/clusters.jsonl before.jsonl
"$ND" analyze -q --corpus -o out "$ex"
cmp before.jsonl out/clusters.jsonl
echo "corpus.jsonl: $(wc -l < out/corpus.jsonl) documents kept"
"$ND" analyze -q --no-report -o out2 "$ex"
ls out2

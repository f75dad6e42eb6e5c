# analyze on the bundled example: the summary on stderr, the files written (and nothing
# else: no temporary left), summary.json as it is; again into the same directory, which
# replaces the files; --no-report leaves report.html out; --corpus adds corpus.jsonl with
# the documents kept, and a later run without it removes it (it would not match); a
# directory that does not exist is made.
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
"$ND" analyze -q -o out "$ex"
test ! -e out/corpus.jsonl && echo "without --corpus: corpus.jsonl removed"
"$ND" analyze -q --no-report -o new/out2 "$ex" 2>&1 || echo "new/out2: exit $?"
mkdir new
"$ND" analyze -q --no-report -o new/out2 "$ex"
ls new/out2

# README, the first command: ./neardup analyze on the example corpus (its standard
# error: the summary and where the report is), and the files it writes.
. "$ROOT/tests/cli/readme_lib.inc"
./neardup analyze -o results examples/corpus/news.jsonl 2>.stderr
cat .stderr
ls results > files
test "$(cat files | tr '\n' ' ')" = "boilerplate.jsonl clusters.jsonl digest.jsonl pairs.jsonl passage-clusters.jsonl passages.jsonl removed.jsonl report.html stories.jsonl summary.json " || { cat files >&2; exit 1; }

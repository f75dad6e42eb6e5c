# dedup reads its inputs twice for -o and the boilerplate options (issue 10,
# item 1): an input that cannot be read twice - a named pipe, <(...), a pipe
# on stdin - is copied once to a temporary file in --tmp and read from there,
# under its own name; it used to hang (FIFO) or fail with "the inputs changed
# between the two passes" (<(...)).
set -euo pipefail
A='The harbour ferry will run every twenty minutes from the first of June, the council said on Monday.'
B='Rinse the barley until the water runs clear, then chop the onions and fry them gently in butter.'
printf '{"id":"a1","text":"%s"}\n{"id":"b1","text":"%s"}\n{"id":"a2","text":"%s"}\n' "$A" "$B" "$A" >in.jsonl
mkdir tmp
echo "== a named pipe, -o"
mkfifo fifo
cat in.jsonl >fifo &
timeout 60 "$ND" dedup -q --tmp tmp -o out1.jsonl --removed - fifo
wait
cut -c1-10 out1.jsonl
echo "== <(...), -o and --ignore-boilerplate"
timeout 60 "$ND" dedup -q --tmp tmp --ignore-boilerplate -o out2.jsonl <(cat in.jsonl)
cut -c1-10 out2.jsonl
echo "== a pipe on stdin, --strip-boilerplate"
cat in.jsonl | timeout 60 "$ND" dedup -q --tmp tmp --strip-boilerplate -o out3.jsonl --removed - -
cut -c1-10 out3.jsonl
echo "== the copies are gone"
ls -A tmp

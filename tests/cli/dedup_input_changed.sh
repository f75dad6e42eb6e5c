# dedup reads its inputs twice for -o (issue 10, item 2): every later reading
# checks each input's bytes against an XXH3 digest of the first, so an input
# that changed in between (here /proc/self/stat, whose page-fault counters move
# between the passes, as a file edited in place would) stops the run, exit 2,
# naming the file, with no output; it used to be copied unseen. The same check
# runs between the boilerplate pass and pass 1. Unchanged inputs pass.
set -euo pipefail
[ -r /proc/self/stat ] || { echo "no /proc" >&2; exit 1; }
printf '{"id":"a","text":"the ferry runs every twenty minutes"}\n' >a.jsonl
rc=0; "$ND" dedup -q -o out /proc/self/stat 2>err.txt || rc=$?
echo "rc=$rc"; cat err.txt
ls
rc=0; "$ND" dedup -q --ignore-boilerplate --removed removed.jsonl /proc/self/stat 2>err.txt \
    || rc=$?
echo "rc=$rc"; cat err.txt
ls
echo "== unchanged: a regular file on stdin, rewound"
"$ND" dedup -q -o out.jsonl - <a.jsonl
cat out.jsonl

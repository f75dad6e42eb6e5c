# eval, eval --plagdet and similarity read every form neardup writes (issue 10,
# item 7): plain, gzip and zstd, recognised by content, from files and '-';
# damaged compressed data is an input error (exit 2) naming the file.
set -euo pipefail
command -v zstd >/dev/null || { echo "zstd CLI not installed" >&2; exit 1; }
A='The harbour ferry will run every twenty minutes from the first of June, the council said on Monday.'
B='Rinse the barley until the water runs clear, then chop the onions and fry them gently in butter.'
{ printf '{"id":"a1","text":"%s"}\n{"id":"a2","text":"%s"}\n' "$A" "$A"
  printf '{"id":"b1","text":"%s"}\n{"id":"b2","text":"%s!"}\n' "$B" "$B"; } >corpus.jsonl
"$ND" dedup -q --clusters clusters.jsonl.gz --pairs pairs.jsonl.zst corpus.jsonl
echo "== eval: gzip gold, zstd pred, plain from stdin"
zstd -q -c <(gzip -dc clusters.jsonl.gz) >pred.zst
"$ND" eval --json --gold clusters.jsonl.gz pred.zst
gzip -dc clusters.jsonl.gz | "$ND" eval --json --gold clusters.jsonl.gz -
gzip -c clusters.jsonl.gz | gzip -dc | "$ND" eval --json --gold - pred.zst
echo "== similarity --pairs PAIRS.zst"
"$ND" similarity -q --pairs pairs.jsonl.zst corpus.jsonl
echo "== eval --plagdet, gzip cases and passages"
printf '{"suspicious":"s1","source":"r1","this_offset_bytes":0,"this_length_bytes":100,"source_offset_bytes":0,"source_length_bytes":100}\n' | gzip >cases.gz
printf '{"a":"s1","b":"r1","a_start":0,"a_end":100,"b_start":0,"b_end":100}\n' | zstd -q >passages.zst
"$ND" eval --plagdet --json --gold cases.gz passages.zst
echo "== a truncated gzip gold file"
head -c 30 clusters.jsonl.gz >cut.gz
rc=0; "$ND" eval --json --gold cut.gz pred.zst 2>err.txt || rc=$?
echo "rc=$rc"; cat err.txt

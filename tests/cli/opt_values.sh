# Option values (issue 10, item 9): an integer range prints as integers, not
# 4.29497e+09; --bands 0, --rows 0, --lang "" and "version extra" are usage
# errors (exit 1); a size takes a decimal point (--memory 1.5M).
set -euo pipefail
printf '{"id":"a","text":"one two three four five six seven eight"}\n' >a.jsonl
try() { local rc=0; "$ND" "$@" >out.txt 2>err.txt || rc=$?; echo "rc=$rc: $(head -1 err.txt)"; }
try dedup --seed -1 a.jsonl
try dedup --bands 0 a.jsonl
try dedup --rows 0 a.jsonl
try stories --lang "" a.jsonl
try version extra
try dedup -q --memory 1.5M a.jsonl
try dedup -q --max-record 0.5K a.jsonl
try dedup -q --memory 1.5.5M a.jsonl
try dedup -q --memory .5M a.jsonl

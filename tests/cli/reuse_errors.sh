# reuse and boilerplate: usage errors exit 1 with a message naming the option;
# an invalid JSON line is reported with file and line and skipped; a date
# in no form neardup reads is counted (listed at -v); a missing input exits 2
# and writes no output file.
set -eu -o pipefail
printf '%s\n' '{"id":"x","text":"one two three four five six seven eight nine ten eleven"}' \
    '{"id":"y","text":"broken' \
    '{"id":"z","date":"yesterday","text":"one two three four five six seven eight nine ten eleven"}' > c.jsonl
rc=0; "$ND" reuse --df-min 1 c.jsonl 2>&1 || rc=$?; echo "rc=$rc"
rc=0; "$ND" reuse --df-min 50 --df-max 10 c.jsonl 2>&1 || rc=$?; echo "rc=$rc"
rc=0; "$ND" boilerplate --min-words 3 c.jsonl 2>&1 || rc=$?; echo "rc=$rc"
rc=0; "$ND" reuse --strip x.jsonl c.jsonl 2>&1 || rc=$?; echo "rc=$rc"
rc=0; "$ND" reuse -o out.jsonl --clusters out.jsonl c.jsonl 2>&1 || rc=$?; echo "rc=$rc"
rc=0; "$ND" reuse 2>&1 || rc=$?; echo "rc=$rc"
echo "== skip the bad line"
"$ND" reuse --no-text -v c.jsonl 2>&1 | grep -v 'wall\|seeds'
echo "== missing input"
rc=0; "$ND" reuse -o out.jsonl missing.jsonl 2>&1 || rc=$?; echo "rc=$rc"
ls

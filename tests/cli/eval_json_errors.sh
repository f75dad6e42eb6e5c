# eval: GOLD lines are read by the strict JSON scanner shared with dedup's
# reader: a syntax error anywhere on the line is reported first, with its
# column; then the clusters-format errors of valid JSON. Each run stops with
# exit 2 at the bad line.
set -u
printf '{"members":["a","b"]}\n' >pred.jsonl
while IFS= read -r l; do
    printf '%s\n' "$l" >gold.jsonl
    "$ND" eval --gold gold.jsonl pred.jsonl >/dev/null 2>err.txt
    echo "exit $?: $(cat err.txt)"
done <<'L'
{"members":["a","b"],"members":[]}
{"x":1}
[1]
{"members":5}
{"members":5, "x": tru}
{"members":[{"id":1,"id":2}]}
{"members":[{"x":1}]}
{"members":[{"id":null}]}
{"members":[true]}
{"members":["a",]}
{"members":["a\u00"]}
{"members":["a\ud800"]}
{"members":[01]}
L
# valid: escaped ids are decoded, numbers kept as written, member objects read
printf '{"members":[{"id":"x","relation":"exact"}, 7.50, "\\u0061b"]}\n' >gold.jsonl
printf '{"members":["x","7.50","ab"]}\n' >pred.jsonl
"$ND" eval --json --gold gold.jsonl pred.jsonl

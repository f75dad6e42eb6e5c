# Bad input to neardup similarity and neardup stories. similarity: no --pairs
# is a usage error (exit 1); a PAIRS line naming an id not in the corpus, a
# line that is not valid JSON, a line without "b", or a missing PAIRS file stop
# the run with exit 2 and a message naming file and line; nothing is written to
# -o then. stories: an invalid JSON line of the corpus is reported with file
# and line and skipped; the other documents are clustered and the run exits 0.
set -u
exec 2>&1   # the messages are the expected output
cat >corpus.jsonl <<'J'
{"id":"a","text":"the quick brown fox jumps over the lazy dog"}
{"id":"b","text":"pack my box with five dozen liquor jugs"}
{"id":"c","text":"this line is cut short
{"id":"d","text":"the quick brown fox jumps over a sleepy dog"}
J
printf '{"a":"a","b":"d"}\n' >ok.jsonl
printf '{"a":"a","b":"d"}\n{"a":"a","b":"zz"}\n' >unknown.jsonl
printf '{"a":"a","b":"d"}\n{"a":"a","b"\n' >badjson.jsonl
printf '{"a":"a"}\n' >nob.jsonl
echo "== no --pairs"
"$ND" similarity -q corpus.jsonl; echo "exit $?"
for p in ok unknown badjson nob missing; do
    echo "== pairs $p"
    "$ND" similarity -q --pairs $p.jsonl -o out.jsonl corpus.jsonl; echo "exit $?"
    if [ -f out.jsonl ]; then sed 's/"similarity":0\.[5-9][0-9]*}/"similarity":over 0.5}/' out.jsonl; rm out.jsonl; else echo "no output"; fi
done
echo "== stories"
"$ND" stories -q -o s.jsonl corpus.jsonl; echo "exit $?"   # -q: the error, not the summary
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    s = json.loads(l)
    print(s["story"], s["size"], " ".join(m["id"] for m in s["members"]))
' s.jsonl

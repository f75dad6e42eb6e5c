# Bad input to neardup digest. A --stories file with a line that is not JSON,
# without "members", naming an id not in the input, or listing a document
# twice stops the run with exit 2 and a message naming file and line, and
# nothing is written to -o; story options with --stories, a bad --story or
# --min-size, an unknown --lang and --similarity out of (0, 1] are usage
# errors (exit 1); --story of a story not there says so (exit 1).
set -u
exec 2>&1   # the messages are the expected output
cat >corpus.jsonl <<'J'
{"id":"a","text":"Police said 40 people were hurt in the fire at the depot on Monday."}
{"id":"b","text":"The fire at the depot on Monday hurt 45 people, police said."}
{"id":"c","text":"Pack my box with five dozen liquor jugs."}
J
printf '{"story":0,"members":[{"id":"a"},{"id":"b"}]}\n' >ok.jsonl
printf '{"story":0,"members":[{"id":"a"},{"id":"b"}]}\n{"story":1,"members"\n' >badjson.jsonl
printf '{"story":0,"label":"x"}\n' >nomembers.jsonl
printf '{"story":0,"members":[{"id":"a"},{"id":"zz"}]}\n' >unknown.jsonl
printf '{"story":0,"members":[{"id":"a"},{"id":"b"}]}\n{"story":1,"members":[{"id":"b"},{"id":"c"}]}\n' >twice.jsonl
printf '{"story":"zero","members":[]}\n' >nostory.jsonl
for s in ok badjson nomembers unknown twice nostory missing; do
    echo "== --stories $s"
    "$ND" digest -q --stories $s.jsonl -o out.jsonl corpus.jsonl; echo "exit $?"
    if [ -f out.jsonl ]; then
        python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(len(r), "digests:", [(x["story"], x["size"], len(x["groups"])) for x in r])' out.jsonl
        rm out.jsonl
    else
        echo "no output"
    fi
done
echo "== usage"
"$ND" digest -q --stories ok.jsonl --threshold 0.4 corpus.jsonl; echo "exit $?"
"$ND" digest -q --story x corpus.jsonl; echo "exit $?"
"$ND" digest -q --min-size 0 corpus.jsonl; echo "exit $?"
"$ND" digest -q --similarity 0 corpus.jsonl; echo "exit $?"
"$ND" digest -q --lang klingon -o out.jsonl corpus.jsonl; echo "exit $?"
"$ND" digest -q --story 7 --stories ok.jsonl corpus.jsonl; echo "exit $?"
"$ND" digest -q corpus.jsonl --output corpus.jsonl; echo "exit $?"
echo "== --story 0 --no-text"
"$ND" digest -q --story 0 --no-text --stories ok.jsonl corpus.jsonl | head -c 300; echo

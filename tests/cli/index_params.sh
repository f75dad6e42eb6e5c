# neardup index: the parameters are fixed at create. add and query take the
# stored ones; a parameter option that differs from them is refused with exit 3
# (an index made otherwise), one that agrees is accepted. create where an index
# is, and add or stats where none is, are input errors (exit 2). Named values
# and flags are named in the message.
set -u
exec 2>&1
printf '{"id":"a","text":"one two three four five six seven"}\n{"id":"b","text":"one two three four five six seven"}\n' >c.jsonl
t() { echo "== $*"; "$ND" "$@"; echo "exit $?"; }
t index create -q --ngram 3 --threshold 0.7 --no-passages --no-stories ix
t index add -q --ngram 5 ix c.jsonl
t index query -q --threshold 0.8 ix c.jsonl
t index add -q --no-passages ix c.jsonl
t index add -q --ngram 3 --threshold 0.7 --batch 1 ix c.jsonl
t index create -q ix
mkdir empty
t index add -q empty c.jsonl
t index stats nowhere
t index query -q --method simhash ix c.jsonl
t index query -q --fast ix c.jsonl
t index add -q --create --ngram 3 --no-passages --no-stories new c.jsonl
echo "== index stats new (sizes left out)"
"$ND" index stats new | sed -E 's/"(file|used|map)_bytes":[0-9]+/"\1_bytes":N/g'
t index add -q --create --ngram 4 new c.jsonl
t index add -q --create --ngram 3 --no-passages --no-stories new c.jsonl
t index query -q --create new c.jsonl

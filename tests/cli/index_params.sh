# neardup index: the parameters are fixed at create. add and query take the
# stored ones; a parameter option that differs from them is refused with exit 3
# (an index made otherwise), one that agrees is accepted. create where an index
# is, and add or stats where none is, are input errors (exit 2).
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

# neardup index: bad command lines are usage errors (exit 1) with a message and a
# pointer to --help, and touch nothing: no subcommand, an unknown one, no DIR,
# no input, an option another subcommand takes, a bad --batch, a parameter out of
# range, stray arguments, two stdins, compact without DST, remove without ids.
set -u
exec 2>&1   # the messages are the expected output
printf '{"id":"a","text":"one two three"}\n' >c.jsonl
t() { echo "== $*"; "$ND" "$@"; echo "exit $?"; }
t index
t index frobnicate ix
t index create
t index add ix
t index add --batch 0 ix c.jsonl
t index add --batch x ix c.jsonl
t index query --batch 5 ix c.jsonl
t index create --ngram 0 ix
t index create --method lsh ix
t index create --bands 30 --rows 30 ix
t index create -T 2 ix
t index stats ix extra
t index add ix - -
t index add --no-answers -o out.jsonl ix c.jsonl
t index add -o c.jsonl ix c.jsonl
t index compact ix
t index remove ix
t index remove --batch 3 ix a
ls ix 2>/dev/null || echo "no ix"

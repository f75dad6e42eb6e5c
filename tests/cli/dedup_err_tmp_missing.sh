# dedup --memory with a --tmp directory that does not exist: a clear message
# naming it, exit status 2, and no output left behind.
set -u
"$ND" dedup -q --memory 1M --tmp ./missing --clusters c.jsonl "$ROOT/examples/corpus/news.jsonl"
echo "exit $?"
ls

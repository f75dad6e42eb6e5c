# eval: -o writes the result to a file (nothing on stdout, no temporary left).
set -e
printf '{"members":["a","b"]}\n' >g.jsonl
"$ND" eval --json -o out.json --gold g.jsonl g.jsonl
echo "stdout was empty"
cat out.json
ls out.json*

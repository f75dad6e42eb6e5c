# eval: --gold is required: a usage error, exit 1, pointing at --help.
printf '{"members": ["a", "b"]}\n' >pred.jsonl
"$ND" eval --json pred.jsonl

# eval: an invalid JSON line stops with exit 2 and a message naming file:line.
printf '{"cluster": 0, "members": ["a", "b"]}\n{"cluster": 1, "members": ["c" "d"]}\n' >gold.jsonl
printf '{"members": ["a", "b"]}\n' >pred.jsonl
"$ND" eval --gold gold.jsonl pred.jsonl

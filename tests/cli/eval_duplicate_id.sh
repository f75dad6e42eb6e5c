# eval: a document listed in two clusters of one file is an error (exit 2).
printf '{"members": ["a", "b"]}\n' >gold.jsonl
printf '{"members": ["a", "b"]}\n\n{"members": [{"id": "c"}, {"id": "b"}]}\n' >pred.jsonl
"$ND" eval --gold gold.jsonl pred.jsonl

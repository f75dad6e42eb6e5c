# eval: a prediction equal to the gold clusters scores 1 everywhere, in both
# the table and the JSON output, whatever the member form and line order.
set -e
cat >gold.jsonl <<'J'
{"cluster": 0, "members": ["a", "b", "c"]}
{"cluster": 1, "members": ["d", "e"]}
{"cluster": 2, "members": ["f"]}
J
cat >pred.jsonl <<'J'
{"cluster": 0, "representative": "e", "size": 2, "members": [{"id": "e", "relation": "representative"}, {"id": "d", "relation": "near-duplicate", "resemblance": 1}]}

{"cluster": 1, "members": ["c", "a", "b"]}
{"cluster": 2, "members": ["g"]}
J
"$ND" eval --gold gold.jsonl pred.jsonl
"$ND" eval --json --gold gold.jsonl pred.jsonl

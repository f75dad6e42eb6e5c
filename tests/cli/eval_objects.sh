# eval: neardup's own clusters output (members are objects; only "id" is read,
# numeric ids are their JSON text) as PRED and as GOLD.
set -e
cat >gold.jsonl <<'J'
{"cluster": 0, "members": ["x/1", "x/2", "12"]}
{"cluster": 1, "members": ["y/1", "y/2"]}
J
cat >pred.jsonl <<'J'
{"cluster": 0, "representative": "x/1", "size": 4, "members": [{"id": "x/1", "relation": "representative"}, {"id": "x/2", "relation": "near-duplicate", "resemblance": 0.93, "containment": 0.9}, {"relation": "near-duplicate", "id": 12, "extra": {"nested": [1, {"id": "not-this"}]}}, {"id": "y/1", "relation": "near-duplicate", "resemblance": 0.51}]}
{"cluster": 1, "representative": "y/2", "size": 1, "members": [{"id": "y/2", "relation": "representative"}]}
J
"$ND" eval --json --gold gold.jsonl pred.jsonl
"$ND" eval --json --gold pred.jsonl pred.jsonl

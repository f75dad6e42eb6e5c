# eval: a mixed case whose every number was checked by a brute-force Python
# computation over all pairs and items (not run here): pairwise, B-cubed, ARI,
# mixed and gold_split; a numeric id (7) is the same document as "7".
set -e
cat >gold.jsonl <<'J'
{"cluster": 0, "members": ["a", "b", "c", "d"]}
{"cluster": 1, "members": ["e", "f"]}

{"cluster": 2, "members": ["g", "h", "i"]}
{"cluster": 3, "members": ["j"]}
{"cluster": 4, "members": [7, "n"]}
J
cat >pred.jsonl <<'J'
{"cluster": 0, "representative": "a", "size": 3, "members": [{"id": "a", "relation": "representative"}, {"id": "b", "relation": "near-duplicate", "resemblance": 0.93}, {"id": "c", "relation": "near-duplicate", "resemblance": 0.8}]}
{"cluster": 1, "members": ["d", "e", "f"]}
{"cluster": 2, "members": ["g", "h"]}
{"cluster": 3, "members": ["i", "j"]}
{"cluster": 4, "members": ["l", "m", "7"]}
{"cluster": 5, "members": ["k"]}
{"cluster": 6, "members": []}
J
"$ND" eval --gold gold.jsonl pred.jsonl
"$ND" eval --json --gold gold.jsonl pred.jsonl

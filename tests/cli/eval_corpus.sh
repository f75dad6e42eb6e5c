# eval: --corpus sets the universe through the document reader; listed ids not
# in the corpus are ignored with a warning, corpus ids not listed are singletons.
set -e
cat >corpus.jsonl <<'J'
{"id": "a", "text": "one"}
{"id": "b", "text": "two"}
{"id": "c", "text": "three"}
{"id": "d", "text": "four"}
{"id": 7, "text": "five"}
{"id": "z", "text": "six"}
J
cat >gold.jsonl <<'J'
{"cluster": 0, "members": ["a", "b", "c", "d"]}
{"cluster": 1, "members": [7, "n"]}
J
cat >pred.jsonl <<'J'
{"cluster": 0, "members": ["a", "b", "c"]}
{"cluster": 1, "members": ["d", "e"]}
{"cluster": 2, "members": ["7", "z"]}
J
"$ND" eval --corpus corpus.jsonl --gold gold.jsonl pred.jsonl

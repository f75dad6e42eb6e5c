# eval: --num-docs adds unlisted singletons to the universe: pairwise scores stay,
# B-cubed and ARI change (numbers checked with a brute-force Python computation).
set -e
cat >gold.jsonl <<'J'
{"cluster": 0, "members": ["a", "b", "c", "d"]}
{"cluster": 1, "members": ["e", "f"]}
{"cluster": 2, "members": ["g", "h", "i"]}
{"cluster": 3, "members": [7, "n"]}
J
cat >pred.jsonl <<'J'
{"cluster": 0, "members": ["a", "b", "c"]}
{"cluster": 1, "members": ["d", "e", "f"]}
{"cluster": 2, "members": ["g", "h"]}
{"cluster": 3, "members": ["i", "j"]}
{"cluster": 4, "members": ["l", "m", 7]}
J
"$ND" eval --json --gold gold.jsonl pred.jsonl
"$ND" eval --json --num-docs 30 --gold gold.jsonl pred.jsonl
"$ND" eval --num-docs 30 --gold gold.jsonl pred.jsonl >table.txt
head -1 table.txt

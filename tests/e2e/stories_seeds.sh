# The seed articles (issue 5): all five report the same story and land in one;
# 000 and 001 are copies of one another (relation near-duplicate or copy, each
# "of" the other); 002 reuses the ministry's quotation of 000/001 (relation
# "reuse" of 000 or 001). Same output, byte for byte, for 1 and 2 threads.
# With a margin: still one story at a threshold 0.05 above the default (0.3).
set -eu
seeds="$SHARED/seeds"
test "$("$ND" stories -q --threshold 0.35 -o - "$seeds" | wc -l)" -eq 1
"$ND" stories -q -T 1 -o stories1.jsonl "$seeds"
"$ND" stories -q -T 2 -o stories2.jsonl "$seeds"
cmp stories1.jsonl stories2.jsonl
cat stories1.jsonl
python3 - stories1.jsonl <<'PY'
import json, sys
st = [json.loads(l) for l in open(sys.argv[1])]
assert len(st) == 1, [s["members"] for s in st]
s = st[0]
m = {x["id"][:3]: x for x in s["members"]}
assert sorted(m) == ["000", "001", "002", "003", "004"], m
assert s["size"] == 5 and s["story"] == 0, s
for a, b in (("000", "001"), ("001", "000")):
    assert m[a]["relation"] in ("near-duplicate", "copy"), m[a]
    assert m[a]["of"][:3] == b, m[a]
assert m["002"]["relation"] == "reuse" and m["002"]["of"][:3] in ("000", "001"), m["002"]
for x in s["members"]:
    assert 0 <= x["similarity"] <= 1, x
    assert x["relation"] in ("copy", "near-duplicate", "reuse", "independent"), x
    assert ("of" in x) == (x["relation"] != "independent"), x
print("stories/seeds: one story of 5; 000<->001 copies; 002 reuses", m["002"]["of"][:3])
PY

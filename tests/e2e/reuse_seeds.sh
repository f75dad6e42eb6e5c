# The seed articles (DESIGN.md): 002 is linked to 000 and to 001 by the
# ministry's sentence "Some unconventional electronic devices, including a
# number of drones, were seized by the police", with byte ranges that cut
# exactly those words out of each original file; the three occurrences form
# one passage cluster. The Mehr News Agency licence line is boilerplate shared
# by 000 and 004 (from `reuse --boilerplate` and from `neardup boilerplate`),
# and no passage of 000/004 carries it. Same output for 1 and 2 threads.
set -eu
seeds="$SHARED/seeds"
"$ND" reuse -q -T 1 --clusters clusters.jsonl --boilerplate boiler.jsonl "$seeds" > passages.jsonl
"$ND" reuse -q -T 2 --clusters clusters2.jsonl --boilerplate boiler2.jsonl "$seeds" > passages2.jsonl
cmp passages.jsonl passages2.jsonl
cmp clusters.jsonl clusters2.jsonl
"$ND" boilerplate -q "$seeds" > boiler3.jsonl
cmp boiler.jsonl boiler3.jsonl
cat passages.jsonl boiler.jsonl
python3 - "$seeds" <<'PY'
import json, os, sys
seeds = sys.argv[1]
files = {f[:3]: f for f in os.listdir(seeds)}
raw = {k: open(os.path.join(seeds, f), "rb").read() for k, f in files.items()}
quote = b"Some unconventional electronic devices, including a number of drones, were seized by the police"
ps = [json.loads(l) for l in open("passages.jsonl")]
def cut(p, side):
    return raw[p[side][:3]][p[side + "_start"]:p[side + "_end"]]
for other in ("000", "001"):
    hit = [p for p in ps if {p["a"][:3], p["b"][:3]} == {other, "002"}
           and cut(p, "a") == quote and cut(p, "b") == quote]
    assert len(hit) == 1, (other, [(cut(p, "a"), cut(p, "b")) for p in ps])
    p = hit[0]
    assert p["words"] == 14 and p["identity"] == 1 and p["text"] == quote.decode(), p
    assert "b_text" not in p
cl = [json.loads(l) for l in open("clusters.jsonl")]
qc = [c for c in cl if c["text"].encode() == quote]
assert len(qc) == 1 and [o["id"][:3] for o in qc[0]["occurrences"]] == ["000", "001", "002"], qc
for o in qc[0]["occurrences"]:
    assert raw[o["id"][:3]][o["start"]:o["end"]] == quote
# the licence: boilerplate of 000 and 004, never a passage
lic = "All Content by Mehr News Agency is licensed under a Creative Commons Attribution 4.0 International License"
bl = [json.loads(l) for l in open("boiler.jsonl")]
assert [b["text"] for b in bl] == [lic], bl
assert [i[:3] for i in bl[0]["ids"]] == ["000", "004"] and bl[0]["docs"] == 2, bl
for p in ps:
    assert b"Mehr" not in cut(p, "a") and b"Mehr" not in cut(p, "b"), p
    assert {p["a"][:3], p["b"][:3]} != {"000", "004"}, p
print("seeds: quotation found in 000-002 and 001-002 with exact byte ranges; licence is boilerplate")
PY

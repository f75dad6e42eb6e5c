# The digest of the seed articles (issue 16): the ministry statement's group
# is carried by 000, 001 and 002 and is core; "some 2,800 members" (004)
# against "some 3,000 members" (003) is a disagreement, and nothing else
# is; the casualties contrast ("killed" in 000/001/002 against "caused no
# casualties" in 003) is flagged; MEK and MKO are one entity's names. Every
# byte range of the output is checked against the files: its text is those
# bytes. Same output for 1 and 2 threads, and with --stories (the stories of
# neardup stories read back) as without.
set -eu
seeds="$SHARED/seeds"
"$ND" digest -q -T 1 -o d1.jsonl "$seeds"
"$ND" digest -q -T 2 -o d2.jsonl "$seeds"
cmp d1.jsonl d2.jsonl
"$ND" stories -q -o stories.jsonl "$seeds"
"$ND" digest -q --stories stories.jsonl -o d3.jsonl "$seeds"
cmp d1.jsonl d3.jsonl
python3 - d1.jsonl "$seeds" <<'PY'
import json, os, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 1, len(recs)
r = recs[0]
texts = {}
for f in os.listdir(sys.argv[2]):
    texts[f] = open(os.path.join(sys.argv[2], f), "rb").read()
checked = 0
def at(x):
    """x's bytes are its text"""
    global checked
    b = texts[x["id"]][x["start"]:x["end"]]
    assert 0 <= x["start"] < x["end"] <= len(texts[x["id"]]), x
    assert b.decode("utf-8") == x["text"], (x, b)
    checked += 1
assert r["size"] == 5 and r["sources"] == 5, r["size"]
for g in r["groups"]:
    for m in g["members"]:
        at(m)
for u in r["unique"]:
    at(u)
for d in r["disagreements"]:
    for v in d["values"]:
        at(v)
        s = dict(v["sentence"], id=v["id"])
        at(s)
        assert s["start"] <= v["start"] and v["end"] <= s["end"], v
for c in r["contradictions"]:
    for x in c["affirm"] + c["negate"]:
        at(x)
for a in r["aliases"]:
    for n in a["names"]:
        at(n)
    for e in a["evidence"]:
        for x in e["at"]:
            at(x)
# the ministry statement: one group, 000 001 002, core
ministry = [g for g in r["groups"]
            if sorted(m["id"][:3] for m in g["members"]) == ["000", "001", "002"]
            and all("according to" in m["text"] and "2014" in m["text"] for m in g["members"])]
assert len(ministry) == 1 and ministry[0]["core"], [[m["id"][:3] for m in g["members"]]
                                                   for g in r["groups"]]
# 2,800 against 3,000 members, and no other disagreement
dis = r["disagreements"]
assert len(dis) == 1 and dis[0]["what"] == "members", dis
vals = sorted((v["id"][:3], v["value"], v["text"]) for v in dis[0]["values"])
assert vals == [("003", 3000, "some 3,000 members"), ("004", 2800, "some 2,800 members")], vals
# killed against no casualties
kill = [c for c in r["contradictions"] if c["predicate"] == "killed"]
assert len(kill) == 1, r["contradictions"]
aff = {x["id"][:3] for x in kill[0]["affirm"]}
neg = [x for x in kill[0]["negate"] if "no casualties" in x["text"]]
assert {"000", "001", "002"} <= aff and neg and neg[0]["id"][:3] == "003", kill
# MEK and MKO: one entity
ent = [a for a in r["aliases"] if {"MEK", "MKO"} <= {n["text"] for n in a["names"]}]
assert len(ent) == 1, [[n["text"] for n in a["names"]] for a in r["aliases"]]
print("digest/seeds: ministry group 000 001 002 (core, %s); members %s; killed: %s against %s;"
      " %s; %d byte ranges checked" % (ministry[0]["kind"], vals, sorted(aff),
      neg[0]["id"][:3], " = ".join(n["text"] for n in ent[0]["names"]), checked))
PY

# --ignore-boilerplate with templates: a rate notice ending in the wire's
# footer (boilerplate: it ends three pages) and the next day's notice without
# it are templates, and "differs" names what differs in the notices (the
# date first, three runs), read where the template was read: with the footer
# blanked, at the input's byte offsets. Before, the diff read the footer too
# and found no run to name ("runs": 0).
set -eu -o pipefail
python3 - <<'PY'
import json
rate = ("Central Bank daily operation notice. On {d} March 2019 the Central Bank conducted a reverse "
        "repurchase operation of {a} billion at a rate of {r} percent. The operation matured in seven "
        "days. The bank said liquidity in the banking system remained at a reasonable and ample level.")
flood = ("Heavy rain caused the river to burst its banks overnight, flooding low streets near the old "
         "market. Residents were moved to a school on higher ground while crews pumped water from "
         "cellars. The mayor said damage to homes was serious but that nobody had been hurt.")
notice = ("The library will be closed for maintenance of its heating system. Readers may return "
          "borrowed books through the drop box beside the main entrance, and no late fees will be "
          "charged.")
foot = "\nDistributed by Acme Wire Service, Harbour Street 12, Velmora. Copyright 2019 Acme Wire."
docs = [("rate-0302", "2019-03-02", rate.format(d=2, a=30, r="2.55") + foot),
        ("rate-0303", "2019-03-03", rate.format(d=3, a=40, r="2.60")),
        ("flood", "2019-03-04", flood + foot),
        ("notice", "2019-03-05", notice + foot)]
with open("t.jsonl", "w") as f:
    for i, d, t in docs:
        f.write(json.dumps({"id": i, "date": d, "text": t}) + "\n")
PY
"$ND" dedup -q --templates keep --ignore-boilerplate --pairs pairs.jsonl -o /dev/null t.jsonl
cat pairs.jsonl
python3 - <<'PY'
import json
text = {json.loads(l)["id"]: json.loads(l)["text"].encode() for l in open("t.jsonl")}
p = [json.loads(l) for l in open("pairs.jsonl")]
assert len(p) == 1 and p[0]["relation"] == "template", p
d = p[0]["differs"]
assert d["runs"] == 3 and d["days_apart"] == 1, d
for side in ("a", "b"):
    got = text[p[0][side]][d[side + "_start"]:d[side + "_end"]].decode()
    assert got == d[side], (side, got, d)
assert d["a"] == "2 March 2019" and d["b"] == "3 March 2019", d
PY

# The template relation (issue 13, part 2; src/lib/text/mask.c DESIGN): the
# same notice on another date, the same table with other numbers and the same
# announcement by another company are templates of one another; a re-send
# with a corrected word, one with a new headline, a cut-down version and a
# mail message re-sent with a new Message-ID and Date are copies; the same
# text dated a month later is a template (--same-report-window). Every pair
# gets its relation, and each "differs" range is checked against the texts.
set -eu -o pipefail
python3 - <<'PY'
import json
flood = ("Heavy rain caused the river to burst its banks overnight, flooding low streets near the old "
         "market. Residents were moved to a school on higher ground while crews pumped water from "
         "cellars. The mayor said damage to homes was serious but that nobody had been hurt, and that "
         "the clean-up would take several days.")
rate = ("Central Bank daily operation notice. On {d} March 2019 the Central Bank conducted a reverse "
        "repurchase operation of {a} billion at a rate of {r} percent. The operation matured in seven "
        "days. The bank said liquidity in the banking system remained at a reasonable and ample level.")
div = ("{c} announced on Monday that its board of directors has declared a quarterly cash dividend of "
       "0.25 per share, payable to shareholders of record at the close of business. The company said the "
       "dividend reflects confidence in its cash flow and its commitment to returning capital to "
       "shareholders.")
table = ("Closing prices on the exchange for the session. Steel index closed at {0} change {1} points. "
         "Copper index closed at {2} change {3} points. Grain index closed at {4} change {5} points. "
         "Volume was reported as normal for the session by the exchange.")
notice = ("The library will be closed for maintenance of its heating system. Readers may return borrowed "
          "books through the drop box beside the main entrance, and no late fees will be charged while "
          "the building is closed to the public.")
mail = ("From: jo@example.org (Jo Bloggs)\nSubject: Bike for sale\nMessage-ID: <{m}@example.org>\n"
        "Date: {d} Apr 1993 10:00:00 GMT\nLines: 4\n\nI am selling my old touring bike, a steel frame "
        "with new tyres and a rack. It has been kept indoors and ridden gently. Collection only, from "
        "the town centre, any evening this week.\n")
docs = [
    ("rate-0302", "2019-03-02", rate.format(d=2, a=30, r="2.55")),
    ("rate-0303", "2019-03-03", rate.format(d=3, a=40, r="2.60")),
    ("div-acme", "2019-03-04", div.format(c="Acme Industries")),
    ("div-bolt", "2019-03-04", div.format(c="Bolt Motor Holdings")),
    ("table-0304", "2019-03-04", table.format("1204.5", "+3.2", "887.1", "-1.4", "455.0", "+0.6")),
    ("table-0305", "2019-03-05", table.format("1199.0", "-5.5", "891.3", "+4.2", "452.7", "-2.3")),
    ("flood", "2019-03-06", flood),
    ("flood-fix", "2019-03-06", flood.replace("cellars", "basements")),
    ("flood-head", "2019-03-06", "River floods market district\n" + flood),
    ("flood-cut", "2019-03-06", flood[:flood.index(" The mayor")]),
    ("notice-mar", "2019-03-01", notice),
    ("notice-apr", "2019-04-02", notice),
    ("notice-apr2", "2019-04-03", notice),
    ("mail", "1993-04-20", mail.format(m="1993Apr20.100000.123", d=20)),
    ("mail-resent", "1993-04-20", mail.format(m="1993Apr20.103000.456", d=20)),
]
with open("t.jsonl", "w") as f:
    for i, d, t in docs:
        f.write(json.dumps({"id": i, "date": d, "text": t}) + "\n")
PY
check() {  # every "differs" range holds the text it names
    python3 - "$1" <<'PY'
import json, sys
text = {}
for l in open("t.jsonl"):
    d = json.loads(l)
    text[d["id"]] = d["text"].encode()
bad = 0
for l in open(sys.argv[1]):
    p = json.loads(l)
    dif = p.get("differs")
    if not dif or not dif["runs"]:
        continue
    for side in "ab":
        got = text[p[side]][dif[side + "_start"]:dif[side + "_end"]].decode()
        if got != dif[side]:
            bad += 1
            print("offsets wrong:", p[side], repr(got), repr(dif[side]))
print("differs ranges checked, %d wrong" % bad)
PY
}
echo "== --pairs (default: --templates drop)"
"$ND" dedup -q --pairs p.jsonl t.jsonl
cat p.jsonl
check p.jsonl
echo "== the listing"
"$ND" dedup t.jsonl 2>&1
echo "== --templates keep"
"$ND" dedup --templates keep --removed - t.jsonl 2>&1
echo "== --templates off: as before, templates are what their resemblance makes them"
"$ND" dedup -q --templates off --pairs - t.jsonl | python3 -c '
import json, sys
for l in sys.stdin:
    p = json.loads(l)
    print(p["a"], p["b"], p["relation"])'
echo "== --same-report-window 40: the notices a month apart are one report"
"$ND" dedup -q --same-report-window 40 --pairs - t.jsonl | grep notice
echo "== --date-field none: undated, the notices are exact copies"
"$ND" dedup -q --date-field none --pairs - t.jsonl | grep notice
echo "== copies cut into reports by date: a report's first date decides (window 3)"
python3 - <<'PY'
import json
t = ("The museum will open its new wing to the public with free entry for the first week. "
     "Guided tours run every hour and the cafe on the top floor stays open late.")
with open("reports.jsonl", "w") as f:
    for i, d in [("m-day3", "2019-05-04"), ("m-day0", "2019-05-01"), ("m-day4", "2019-05-05"),
                 ("m-undated", None), ("m-day10", "2019-05-11")]:
        r = {"id": i, "text": t}
        if d:
            r["date"] = d
        f.write(json.dumps(r) + "\n")
PY
"$ND" dedup -q --templates keep --pairs - reports.jsonl | python3 -c '
import json, sys
for l in sys.stdin:
    p = json.loads(l)
    print(p["a"], p["b"], p["relation"], p.get("differs", {}).get("days_apart", ""))'

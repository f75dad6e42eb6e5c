# Boilerplate is decided by position and spread, not by being shared by a few
# documents (src/lib/align/reuse.c, DESIGN). Three articles quote the same two
# sentences of an inquiry report inside their own text, and six unrelated
# notes end with the same footer: the quotation is reused passages between
# the four, the footer is boilerplate, and nothing else. Then answers that
# open with sentences copied from the article (which holds them inside its
# text): the copied sentences are passages, not boilerplate. With --copies,
# passages between copies say "relation":"copy".
set -eu -o pipefail
python3 - <<'PY'
import json
S = ("The committee found that the river had risen by more than four metres in a single night "
     "after the dam upstream released water without warning. Engineers at the regional authority "
     "had warned in their spring report that the sluice gates could not be operated safely during a storm.")
docs = [
    ("a1", "Residents of the lower valley are still cleaning their homes a week after the flood. "
           "Many say nobody told them to leave. " + S + " The mayor has promised an inquiry into the timing."),
    ("a2", "Insurers expect claims to run into the millions, according to a trade body. " + S +
           " Farmers downstream lost most of their winter feed and several barns collapsed."),
    ("a3", "Opposition members demanded that the minister appear before parliament on Thursday. " + S +
           " The minister's office declined to comment on the report."),
    ("report", "The final report of the inquiry into the March flood was published on Monday. It draws on "
               "testimony from forty witnesses. " + S + " It recommends that the operating rules be rewritten."),
]
footer = "Copyright 2024 Valley Media Group. All rights reserved. Reproduction without permission is prohibited."
notes = ["The school board approved a new timetable for the autumn term after a long meeting.",
         "A bakery in the old town has won a national prize for its rye bread and its pastries.",
         "The football club confirmed that its captain will miss three matches with a knee injury.",
         "Road works on the bypass will close two lanes overnight for the rest of the month.",
         "The library is extending its opening hours on weekends from the first of next month.",
         "A local choir will perform at the cathedral to raise money for the children's hospital."]
with open("quote.jsonl", "w") as f:
    for i, t in docs:
        f.write(json.dumps({"id": i, "text": t}) + "\n")
    for k, t in enumerate(notes):
        f.write(json.dumps({"id": "note%d" % k, "text": t + "\n" + footer}) + "\n")
S1 = "The committee found that the river had risen by more than four metres in a single night."
S2 = "Engineers had warned that the sluice gates could not be operated safely during a storm."
ans = [("article", "The final report of the inquiry was published on Monday. " + S1 + " " + S2 +
        " The report recommends that the dam's operating rules be rewritten."),
       ("answer1", S1 + " " + S2 + " In my view the authority should have opened the gates earlier."),
       ("answer2", S1 + " " + S2 + " This shows how little the operators knew about their own equipment."),
       ("answer3", "I think the report is fair. " + S1 + " " + S2)]
with open("answers.jsonl", "w") as f:
    for i, t in ans:
        f.write(json.dumps({"id": i, "text": t}) + "\n")
with open("copies.jsonl", "w") as f:
    for i, t in docs[:2] + [("a1-copy", docs[0][1] + " Updated at noon.")]:
        f.write(json.dumps({"id": i, "text": t}) + "\n")
PY
show() {  # the passages' pairs and the boilerplate's texts
    python3 - "$@" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    p = json.loads(l)
    print("passage", p["a"], p["b"], p["words"], "words", p.get("relation", ""))
if len(sys.argv) > 2:
    for l in open(sys.argv[2]):
        b = json.loads(l)
        print("boilerplate", repr(b["text"]), b["docs"], "docs")
PY
}
echo "== quotation and footer"
"$ND" reuse -q --no-text -o p.jsonl --boilerplate b.jsonl quote.jsonl
show p.jsonl b.jsonl
echo "== answers opening with copied sentences"
"$ND" reuse -q --no-text -o p.jsonl --boilerplate b.jsonl answers.jsonl
show p.jsonl b.jsonl
echo "== --copies"
"$ND" reuse -q --no-text --copies -o p.jsonl copies.jsonl
show p.jsonl

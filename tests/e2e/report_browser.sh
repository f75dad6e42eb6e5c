# The report in a browser (issue 15): Debian's Chromium, headless, opens report.html built
# by `neardup analyze` from the seed articles and the test reads the page's DOM after its
# scripts ran (and the texts were inflated: --virtual-time-budget lets the page's
# promises settle before the DOM is dumped):
#   - the story view holds all five documents, and shows 000 and 001 as near-duplicates
#     of one another (each member's relation to another member);
#   - the story's digest: the ministry statement said by 000, 001 and 002, the members
#     counts (2,800 against 3,000), the casualties contrast, MEK = MKO;
#   - side by side, the drones passage ("Some unconventional electronic devices,
#     including a number of drones, were seized by the police") is marked in 000 and in
#     002 at the byte offsets `neardup reuse` reports.
# A screenshot of the side-by-side view is saved under the build directory
# (build/report-seeds.png, or $REPORT_SHOT).
set -eu
command -v chromium >/dev/null || { echo "chromium is not installed (scripts/install-deps.sh)" >&2; exit 1; }
seeds="$SHARED/seeds"
"$ND" analyze -q -o out "$seeds"
"$ND" reuse -q -o reuse.jsonl "$seeds"
shot=${REPORT_SHOT:-$ROOT/build/report-seeds.png}
mkdir -p "$(dirname "$shot")"
page="file://$PWD/out/report.html"
browse() { # browse HASH OUT [more chromium options]: the DOM of report.html#HASH
    local h=$1 o=$2; shift 2
    HOME=$PWD timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --hide-scrollbars --virtual-time-budget=5000 --window-size=1400,1000 "$@" \
        --dump-dom "$page#$h" >"$o" 2>chromium.log || { tail -5 chromium.log >&2; exit 1; }
}
a=000_55cc57f3fd3decfc.txt b=001_b1c4dd3a512a432f.txt c=002_aa95dd8840878a4b.txt
story=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["story"])' out/stories.jsonl)
browse "story/$story" story.html
browse "pair/id:$a/id:$c" pair.html --screenshot="$shot.tmp.png"
mv -f "$shot.tmp.png" "$shot"
python3 - reuse.jsonl "$a" "$b" "$c" <<'PY'
import json, sys
from html.parser import HTMLParser
reuse, A, B, C = sys.argv[1:5]
DRONES = ("Some unconventional electronic devices, including a number of drones, were "
          "seized by the police")

class Dom(HTMLParser):
    """Elements as (tag, attrs, text inside), and the text of each <mark>."""
    def __init__(self, path):
        super().__init__()
        self.stack, self.els = [], []
        self.feed(open(path, encoding="utf-8").read())
    def handle_starttag(self, tag, attrs):
        e = [tag, dict(attrs), ""]
        self.els.append(e)
        if tag not in ("br", "img", "input", "col", "meta", "link"):
            self.stack.append(e)
    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
    def handle_data(self, data):
        for e in self.stack:
            e[2] += data

def ready(d, what):
    body = [e for e in d.els if e[0] == "body"][0]
    assert body[1].get("data-ready") == "1", (what, "the page's scripts did not finish", body)

# the story: five members, the five seeds
d = Dom("story.html"); ready(d, "story")
rows = [e for e in d.els if e[0] == "tr" and "data-doc" in e[1]]
ids = sorted(e[2].split()[0] for e in rows)
assert len(rows) == 5 and [i[:3] for i in ids] == ["000", "001", "002", "003", "004"], ids
print("story: five members:", " ".join(i[:3] for i in ids))

# 000 and 001: near-duplicates of one another, in the members' relations
row = {e[2].strip()[:3]: e[2] for e in rows}  # a row's text: its cells' texts in order
for x, y in (("000", B), ("001", A)):
    assert "near-duplicate of " + y in row[x], (x, row[x])
print("story: 000 and 001 near-duplicates of one another")

# the story's digest (issue 16): the ministry's statement said by 000, 001 and 002,
# 2,800 against 3,000 members, killed against no casualties, MEK = MKO
dg = [e for e in d.els if e[0] == "section" and "digest" in e[1].get("class", "")]
assert len(dg) == 1, "no digest section in the story view"
t = " ".join(dg[0][2].split())
for want in ("Said by most sources", "3 sources, paraphrase", "members:", "some 2,800 members",
             "some 3,000 members", "killed", "no casualties", "MEK = MKO"):
    assert want in t, (want, t[:2000])
core = [e for e in d.els if e[0] == "li" and "2014" in e[2] and "3 sources" in e[2]]
assert core and all(x in core[0][2] for x in (A, B, C)), core
print("story: digest: the ministry statement in 000 001 002; members 2,800 / 3,000; "
      "killed / no casualties; MEK = MKO")

# the drones passage, marked where reuse puts it, in both texts
want = None
for line in open(reuse):
    p = json.loads(line)
    if {p["a"], p["b"]} == {A, C} and DRONES in p.get("text", ""):
        want = p
assert want, "reuse found no drones passage between 000 and 002"
d = Dom("pair.html"); ready(d, "pair")
sides = [e for e in d.els if e[0] == "div" and "side" in e[1].get("class", "").split()]
assert len(sides) == 2, sides
# each mark's column: the marks after a column's element and before the next one's
at = {id(e): i for i, e in enumerate(d.els)}
cols = [at[id(s)] for s in sides] + [len(d.els)]
def marked_at(col, start, end):
    return [m for m in d.els[cols[col]:cols[col + 1]] if m[0] == "mark" and
            int(m[1]["data-start"]) == start and int(m[1]["data-end"]) == end and DRONES in m[2]]
side_ids = [s[2].strip().split("\n")[0].strip() for s in sides]
assert side_ids[0].startswith(A) and side_ids[1].startswith(C), side_ids
ra = (want["a_start"], want["a_end"]) if want["a"] == A else (want["b_start"], want["b_end"])
rc = (want["b_start"], want["b_end"]) if want["b"] == C else (want["a_start"], want["a_end"])
ma, mc = marked_at(0, *ra), marked_at(1, *rc)
assert len(ma) == 1 and len(mc) == 1, (ma, mc)
print("drones passage marked in %s at %d-%d and in %s at %d-%d" % (
    want["a"][:3], want["a_start"], want["a_end"], want["b"][:3], want["b_start"], want["b_end"]))
PY
test -s "$shot"
echo "screenshot: $shot"

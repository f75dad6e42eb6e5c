# PAN text alignment (verbatim cases), scored by neardup eval --plagdet, at
# the defaults and with --min-words 20.
# At the defaults, when written: plagdet 0.9466, precision 0.9322, recall
# 0.9752, granularity 1.0097, 618 of the 620 cases detected; floors 0.94,
# 0.925, 0.97, at most 1.02 and at least 615. Before passages that repeat a
# phrase off the main alignment were dropped (reuse.c, step 6), the defaults
# gave 0.8741 (precision 0.8261, granularity 1.0339).
# --min-words 20: 0.9600 (precision 0.9670, recall 0.9666, granularity
# 1.0098, 612 detected); floors 0.955, 0.96, 0.96, 1.02, 610. PAN's labelled
# cases are sentences to paragraphs; the unlabelled phrases its documents
# share (titles, names, addresses) are what the shorter floor lets in.
set -eu
data="$SHARED/data/pan"
check() { # passages, then plagdet, precision, recall, granularity, detected floors
    "$ND" eval --plagdet --gold "$data/cases.jsonl" --pairs "$data/pairs.jsonl" "$1"
    "$ND" eval --plagdet --json --gold "$data/cases.jsonl" --pairs "$data/pairs.jsonl" \
        "$1" > eval.json
    python3 - eval.json "$2" "$3" "$4" "$5" "$6" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
plagdet, prec, rec, gran, det = map(float, sys.argv[2:])
assert e["cases"] == 620, e
assert e["plagdet"] >= plagdet, e
assert e["precision"] >= prec and e["recall"] >= rec, e
assert e["granularity"] <= gran and e["detected"] >= det, e
PY
}
"$ND" reuse -q --no-text -o passages.jsonl "$data/docs.jsonl.gz"
check passages.jsonl 0.94 0.925 0.97 1.02 615
"$ND" reuse -q --no-text --min-words 20 -o passages20.jsonl "$data/docs.jsonl.gz"
check passages20.jsonl 0.955 0.96 0.96 1.02 610

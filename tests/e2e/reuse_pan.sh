# PAN text alignment (verbatim cases): plagdet of neardup reuse at least 0.90,
# with precision, recall and granularity printed (neardup eval --plagdet).
# --min-words 20: PAN's labelled cases are sentences to paragraphs, and its
# documents share short unlabelled phrases (titles, names) that plagdet counts
# as false detections; at the default of 10 words plagdet is 0.88 (the note of
# issue 4 gives both).
set -eu
data="$SHARED/data/pan"
"$ND" reuse -q --no-text --min-words 20 -o passages.jsonl "$data/docs.jsonl.gz"
"$ND" eval --plagdet --gold "$data/cases.jsonl" --pairs "$data/pairs.jsonl" passages.jsonl
"$ND" eval --plagdet --json --gold "$data/cases.jsonl" --pairs "$data/pairs.jsonl" \
    passages.jsonl > eval.json
python3 - eval.json <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
assert e["cases"] == 620, e
assert e["plagdet"] >= 0.90, e
assert e["recall"] >= 0.93 and e["precision"] >= 0.88, e
PY

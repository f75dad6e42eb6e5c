# examples/README.md's figures that its expected result does not show: the
# resemblance of the original with the Ledger piece and with the footbridge article
# (below every threshold), --fast's estimate for the agency brief, and the lengths
# in words of its table.
. "$ROOT/tests/cli/readme_lib.inc"
show "./neardup dedup -t 0.03 -c 0 --pairs - examples/corpus/news.jsonl 2>/dev/null | grep -e ledger-7781 -e bridge | grep '\"a\":\"vdp-2024-0412-rail\"'"
show './neardup dedup --fast examples/corpus/news.jsonl 2>/dev/null | grep mpa'
# the "length" column: words as runs of letters, digits and underscores (\w+)
python3 - "$ROOT/examples/corpus/news.jsonl" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    print(d["id"], len(re.findall(r"\w+", d["text"])), "words")
PY

# Figures of docs/output-format.md and docs/memory.md on 20 Newsgroups that do not
# depend on the machine: the eval --json example, how many of its false-positive
# pairs are identical-body reposts (body = the text after the header block,
# whitespace folded, as tests/e2e/check_20ng.py reads it), and the index bytes a
# document and the spilling that `dedup -v` reports (the peak RSS beside them in
# docs/memory.md varies and is in bench/results/docs-20261205.json). Needs ../shared.
set -eu
mkdir checkout
ln -s "$SHARED" shared
cd checkout
. "$ROOT/tests/cli/readme_lib.inc"
show './neardup dedup --clusters 20ng.jsonl ../shared/data/20ng/docs.jsonl.gz'
show './neardup eval --json --gold ../shared/data/20ng/crossposts.jsonl --corpus ../shared/data/20ng/docs.jsonl.gz 20ng.jsonl'
python3 - <<'PY'
import gzip, itertools, json
def members(line):
    return [m["id"] if isinstance(m, dict) else m for m in json.loads(line)["members"]]
def body(text):
    i = text.find("\n\n")
    return " ".join((text[i + 2:] if i >= 0 else text).split())
gold = {x: i for i, l in enumerate(open("../shared/data/20ng/crossposts.jsonl"))
        for x in members(l)}
texts = {}
with gzip.open("../shared/data/20ng/docs.jsonl.gz", "rt", encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        texts[d["id"]] = d["text"]
fp = same = 0
for l in open("20ng.jsonl"):
    for a, b in itertools.combinations(members(l), 2):
        if a in gold and gold.get(a) == gold.get(b):
            continue
        fp += 1
        same += body(texts[a]) == body(texts[b])
print(f"false-positive pairs: {fp}, of which identical bodies: {same}")
PY
for opt in "" "--fast" "--memory 8M" "--memory 1M"; do
    echo "== dedup -v $opt"
    ./neardup dedup -v $opt --clusters /dev/null ../shared/data/20ng/docs.jsonl.gz 2>&1 |
        grep -E 'index memory|spilled' | sed -E 's/^neardup: [0-9]+ threads?; /neardup: /'
done

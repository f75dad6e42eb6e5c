# Degenerate documents stay bounded in time and memory: a 16 MB document on
# one line that quotes a passage of a short one, and two documents made of
# one word repeated 2,000,000 times (an n-gram that frequent seeds nothing:
# --df-max bounds the pairs one n-gram can make). The quotation is still
# found, with exact byte ranges. Limits: 60 s and 1.5 GB of address space
# for the run (about 20x what it needs).
set -eu
python3 - <<'PY'
import json, random
rnd = random.Random(20261123)
vocab = ["w%d" % i for i in range(50000)]
quote = "the quick brown fox jumps over the lazy dog near the old stone bridge at dawn"
parts, size = [], 0
while size < 16 << 20:
    s = " ".join(rnd.choice(vocab) for _ in range(12)) + ". "
    parts.append(s)
    size += len(s)
mid = len(parts) // 2
long_text = "".join(parts[:mid]) + quote + ". " + "".join(parts[mid:])
with open("in.jsonl", "w") as f:
    f.write(json.dumps({"id": "long", "text": long_text}) + "\n")
    f.write(json.dumps({"id": "short", "text": "Intro words here. " + quote + ". The end."}) + "\n")
    f.write(json.dumps({"id": "rep1", "text": "the " * 2000000}) + "\n")
    f.write(json.dumps({"id": "rep2", "text": "the " * 2000000}) + "\n")
PY
( ulimit -v 1500000; timeout 60 "$ND" reuse -v --no-progress -o passages.jsonl in.jsonl ) 2> err.txt
cat err.txt
python3 - <<'PY'
import json
ps = [json.loads(l) for l in open("passages.jsonl")]
docs = {json.loads(l)["id"]: json.loads(l)["text"].encode() for l in open("in.jsonl")}
quote = b"the quick brown fox jumps over the lazy dog near the old stone bridge at dawn"
assert len(ps) == 1, ps
p = ps[0]
assert (p["a"], p["b"]) == ("long", "short"), p
assert docs["long"][p["a_start"]:p["a_end"]] == quote, docs["long"][p["a_start"]:p["a_end"]]
assert docs["short"][p["b_start"]:p["b_end"]] == quote
print("degenerate: bounded; the quotation in a 16 MB line found at", p["a_start"])
PY

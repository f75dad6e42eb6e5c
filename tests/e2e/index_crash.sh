# Crash safety of `neardup index add` (issue 11): SIGKILL at 20 seeded random
# moments. Each round adds 150 new documents (some copies and near-copies of
# earlier ones, so that clusters change) with --batch 1, and is killed after a
# random delay. After each kill, `index verify` must pass, and every document
# whose answer line reached standard output before the kill (acknowledged:
# the CLI writes an answer only after its commit returned) must be in the
# index (`index get`) and known to `index query` (a copy of it is answered as
# its exact duplicate). The index must also take further adds after each kill.
# The seed is printed; rerun one with INDEX_CRASH_SEED=N.
set -eu -o pipefail
seed=${INDEX_CRASH_SEED:-20261205}
rounds=20
# the default index (passages and stories) when this neardup has them, else
# one without (INDEX_CRASH_CREATE: the create options)
"$ND" index create -q probe
printf '{"id":"p","text":"one two three four five six"}\n' >probe.jsonl
"$ND" index add -q probe probe.jsonl >/dev/null 2>probe.err || true
if grep -q 'not built yet' probe.err; then
    create=${INDEX_CRASH_CREATE---no-passages --no-stories}
else
    create=${INDEX_CRASH_CREATE-}
fi
echo "index_crash: index create $create"
echo "index_crash: seed $seed"
RANDOM=$seed
"$ND" index create -q $create ix

# round R: 150 documents r<R>-<K>; every fifth is a copy of a document of an
# earlier round with a word changed (a near-duplicate), every seventh an exact copy
gen() {
    awk -v seed="$1" -v round="$2" '
    BEGIN {
        srand(seed % 1000003 + round * 7)
        split("river bridge council flood railway station market harbour school mill " \
              "north south winter summer closed opened repair storm village town road " \
              "ferry museum garden library tower square street valley hill coast", w, " ")
        nw = 0; for (k in w) nw++
        for (k = 0; k < 150; k++) {
            if (round > 1 && k % 7 == 3) {
                src = "r" int(1 + rand() * (round - 1)) "-" int(rand() * 150)
                printf "{\"id\":\"r%d-%d\",\"copy_of\":\"%s\",\"text\":\"%s\"}\n",
                       round, k, src, text_of(src, 0)
            } else if (round > 1 && k % 5 == 1) {
                src = "r" int(1 + rand() * (round - 1)) "-" int(rand() * 150)
                printf "{\"id\":\"r%d-%d\",\"text\":\"%s\"}\n", round, k, text_of(src, 1)
            } else {
                printf "{\"id\":\"r%d-%d\",\"text\":\"%s\"}\n", round, k, \
                       text_of("r" round "-" k, 0)
            }
        }
    }
    # the text of a document, a function of its id (and one word changed when edit)
    function text_of(id, edit,    h, i, s, t) {
        h = 0
        for (i = 1; i <= length(id); i++) h = (h * 31 + index("0123456789r-", substr(id, i, 1))) % 1000003
        s = ""
        for (i = 0; i < 60; i++) {
            h = (h * 1103515245 + 12345) % 2147483648
            t = w[1 + int(h / 65536) % nw]
            if (edit && i == 30) t = "changed"
            s = s (i ? " " : "") t
        }
        return s
    }'
}

: > acked.txt
killed=0
for r in $(seq 1 $rounds); do
    gen "$seed" "$r" > "in$r.jsonl"
    # the delay: 0 to 1.2 s, from the seed (bash's RANDOM, seeded below)
    ms=$((RANDOM % 1200)); delay=$((ms / 1000)).$(printf %03d $((ms % 1000)))
    "$ND" index add -q --batch 1 ix "in$r.jsonl" > "out$r.jsonl" &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null || true
    rc=0; wait "$pid" 2>/dev/null || rc=$?
    if [ "$rc" = 137 ]; then killed=$((killed + 1)); elif [ "$rc" != 0 ]; then
        echo "round $r: neardup index add exited with $rc"; exit 1; fi
    # acknowledged: every whole line (a line cut by the kill has no newline)
    python3 - "out$r.jsonl" >> acked.txt <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
for line in data.split(b"\n")[:-1]:
    print(json.loads(line)["id"])
PY
    n=$(wc -l < "out$r.jsonl")
    if ! "$ND" index verify -q ix > verify.txt; then
        echo "round $r (killed after ${delay}s, $n acknowledged): verify failed"; cat verify.txt
        exit 1
    fi
    # every acknowledged document of every round so far is there
    xargs -a acked.txt -d '\n' "$ND" index get ix > got.txt
    test "$(wc -l < got.txt)" -eq "$(wc -l < acked.txt)"
    echo "round $r: killed after ${delay}s, $n acknowledged, verify ok, $(wc -l < acked.txt) found"
done
echo "killed $killed of $rounds rounds while adding"

# query: an acknowledged document, renamed, is an exact copy of what is indexed
python3 - acked.txt in*.jsonl > probe.jsonl <<'PY'
import json, sys
acked = set(open(sys.argv[1]).read().split())
for p in sys.argv[2:]:
    for line in open(p):
        d = json.loads(line)
        if d["id"] in acked and "copy_of" not in d:
            print(json.dumps({"id": "probe-" + d["id"], "text": d["text"], "of": d["id"]}))
PY
"$ND" index query -q ix probe.jsonl > answers.jsonl
python3 - probe.jsonl answers.jsonl <<'PY'
import json, sys
probes = [json.loads(l) for l in open(sys.argv[1])]
answers = [json.loads(l) for l in open(sys.argv[2])]
assert len(probes) == len(answers), (len(probes), len(answers))
bad = 0
for p, a in zip(probes, answers):
    assert a["id"] == p["id"] and a["change"] == "query"
    if not any(x["a"] == p["of"] and x["relation"] == "exact" for x in a["pairs"]):
        bad += 1
        if bad <= 3:
            print("not found by query:", p["of"])
print(f"query: {len(probes) - bad} of {len(probes)} acknowledged documents found")
sys.exit(1 if bad else 0)
PY
# the index still takes documents, and is clean
gen "$seed" $((rounds + 1)) > last.jsonl
"$ND" index add -q --no-answers ix last.jsonl
"$ND" index verify -q ix >/dev/null

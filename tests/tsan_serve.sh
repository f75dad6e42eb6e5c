#!/usr/bin/env bash
# tests/tsan_serve.sh ND DOCS.jsonl[.gz] - neardup serve under ThreadSanitizer: an
# index of the first 1,500 documents (passages and stories kept), then four clients
# querying it one document a request while a fifth adds 80 documents and deletes 10
# (the writer thread, suspended connections, the index's memo of stories, sessions
# on several threads), then SIGTERM. Exit 0 when the server exits 0 with no report;
# ND must be a -fsanitize=thread build (tests/run.sh's thread sanitizer stage).
set -u
ND=$(realpath "$1")
DOCS=$(realpath "$2")
export TSAN_OPTIONS=halt_on_error=1:exitcode=66
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
python3 - "$DOCS" <<'P'
import gzip, json, sys
p = sys.argv[1]
f = gzip.open(p, "rt") if p.endswith(".gz") else open(p)
docs = [json.loads(l) for _, l in zip(range(1580), f)]
def put(name, rows, prefix):
    with open(name, "w") as o:
        for d in rows:
            o.write(json.dumps({"id": prefix + d["id"], "text": d["text"]}) + "\n")
put("index.jsonl", docs[:1500], "")
put("queries.jsonl", docs[:300], "q-")
put("adds.jsonl", docs[1500:1580], "add-")
with open("deletes.txt", "w") as o:
    for d in docs[1500:1510]:
        o.write("add-" + d["id"].replace("/", "%2F") + "\n")
P
"$ND" index create -q ix && "$ND" index add -q --no-answers ix index.jsonl || exit 1
"$ND" serve --listen 127.0.0.1:0 -T 4 ix 2>serve.log &
pid=$!
port=""
for _ in $(seq 1 600); do
    port=$(sed -n 's/^neardup: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' serve.log)
    [ -n "$port" ] && break
    sleep 0.1
done
if [ -z "$port" ]; then
    cat serve.log
    kill "$pid"
    exit 1
fi
url=http://127.0.0.1:$port
clients=()
for k in 1 2 3 4; do
    "$ND" query -q --server "$url" --batch 1 queries.jsonl >"q$k.out" &
    clients+=($!)
done
rc=0
"$ND" query -q --server "$url" --add --batch 1 adds.jsonl >adds.out || rc=1
while read -r id; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$url/v1/documents/$id")" = 200 ] || rc=1
done <deletes.txt
for c in "${clients[@]}"; do
    wait "$c" || rc=1
done
kill -TERM "$pid"
wait "$pid" || rc=$?
if grep -q "ThreadSanitizer" serve.log; then
    grep -A40 "WARNING: ThreadSanitizer" serve.log | head -60
    rc=66
fi
for k in 1 2 3 4; do
    [ "$(wc -l <"q$k.out")" = 300 ] || { echo "client $k: $(wc -l <"q$k.out") answers of 300"; rc=1; }
done
[ "$(wc -l <adds.out)" = 80 ] || { echo "adds: $(wc -l <adds.out) answers of 80"; rc=1; }
exit "$rc"

#!/usr/bin/env bash
# bench/load.sh - load test of `neardup serve` on loopback (docs/http-api.md, "Performance").
#
# Builds an index of LOAD_DOCS documents of the bench corpus generator
# (bench/gen_corpus.py, seeded; cached under bench/data/), serves it with -T LOAD_THREADS
# on 127.0.0.1 (a free port), and runs a load client (bench/load_client.c) against it: LOAD_CLIENTS
# concurrent clients offering LOAD_QPS single-document queries and LOAD_ADD_QPS
# single-document adds per second for LOAD_SECONDS, then stops the server (SIGTERM).
# Reports queries/s, adds/s, p50/p99 latency of each, and the server's RSS over time;
# writes bench/results/load-DATE-NDOCS.json. Bounded: it stops by itself.
#
# Environment (all optional):
#   LOAD_DOCS=200000      documents in the index (a smaller N for a quick run)
#   LOAD_WORDS=150        words per generated document
#   LOAD_SECONDS=300      duration of the load
#   LOAD_QPS=1000         offered queries per second (all clients together)
#   LOAD_ADD_QPS=20       offered adds per second
#   LOAD_CLIENTS=8        query client threads, one keep-alive connection each
#   LOAD_ADD_CLIENTS=1    add client threads (a feeder), connections of their own
#   LOAD_THREADS=8        the server's threads (-T; its default)
#   LOAD_CLIENT=c         c: bench/load_client.c (built here), py: bench/load_client.py
#                         (the same schedule and figures; more overhead per request)
#   LOAD_SEED=20261123    seed of the corpus
#   LOAD_SYNC=1           0 serves with --no-sync (adds without an fsync each)
#   LOAD_INDEX_OPTS=      options of `neardup index create` (none: passages and
#                         stories kept; "--no-passages --no-stories" for duplicates only)
#   LOAD_WRITE_NICE=10    the server's --write-nice (the writer thread's nice value)
#   LOAD_ANSWERS=all      the parts each query asks for ("answers", docs/http-api.md):
#                         "duplicates" is the crawler's "seen it?", "all" the news desk's
# Targets on a 2-core machine: query p99 < 10 ms at 1,000 queries/s; RSS flat.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DOCS=${LOAD_DOCS:-200000}
WORDS=${LOAD_WORDS:-150}
SECONDS_=${LOAD_SECONDS:-300}
QPS=${LOAD_QPS:-1000}
ADD_QPS=${LOAD_ADD_QPS:-20}
CLIENTS=${LOAD_CLIENTS:-8}
ADD_CLIENTS=${LOAD_ADD_CLIENTS:-1}
THREADS=${LOAD_THREADS:-8}
SEED=${LOAD_SEED:-20261123}
SYNC=${LOAD_SYNC:-1}
CLIENT=${LOAD_CLIENT:-c}
INDEX_OPTS=${LOAD_INDEX_OPTS-}
ANSWERS=${LOAD_ANSWERS:-all}
WRITE_NICE=${LOAD_WRITE_NICE:-10}
ND=$ROOT/neardup
say() { echo "load: $*" >&2; }

make -s -j2 neardup >&2
# The index's documents and, after them, the ones the load adds (3 a second at most
# beyond LOAD_ADD_QPS * LOAD_SECONDS are never needed).
EXTRA=$(python3 -c "import math; print(int(math.ceil($ADD_QPS * $SECONDS_)) + 100)")
say "seed $SEED; $DOCS documents of $WORDS words in the index, $EXTRA more to add"
dir=$(python3 bench/gen_corpus.py --seed "$SEED" --docs $((DOCS + EXTRA)) --doc-words "$WORDS" \
    --print-dir)
WORK=$ROOT/bench/data/load-$DOCS-s$SEED
mkdir -p "$WORK" bench/results
head -n "$DOCS" "$dir/corpus.jsonl" >"$WORK/index.jsonl"
tail -n +"$((DOCS + 1))" "$dir/corpus.jsonl" >"$WORK/adds.jsonl"
# queries: documents of the index under new ids (each finds at least its copy)
python3 - "$WORK/index.jsonl" "$WORK/queries.jsonl" <<'P'
import json, random, sys
r = random.Random(1)
lines = open(sys.argv[1]).readlines()
with open(sys.argv[2], "w") as f:
    for i in range(min(20000, len(lines))):
        d = json.loads(r.choice(lines))
        f.write(json.dumps({"id": "q%d" % i, "text": d["text"]}) + "\n")
P
python3 - "$WORK/adds.jsonl" <<'P'
import json, sys
p = sys.argv[1]
out = [json.dumps({"id": "add:" + d["id"], "text": d["text"]})
       for d in (json.loads(l) for l in open(p) if l.strip())]
open(p, "w").write("\n".join(out) + "\n")
P
IX=$WORK/ix
if [ ! -f "$WORK/ix.done" ] || [ "$(cat "$WORK/ix.done")" != "$INDEX_OPTS" ]; then
    rm -rf "$IX" "$WORK/ix.done"
    # shellcheck disable=SC2086
    "$ND" index create $INDEX_OPTS "$IX"
    say "indexing $DOCS documents"
    start=$(date +%s.%N)
    "$ND" index add --no-sync --no-answers --batch 1000 -q "$IX" "$WORK/index.jsonl"
    say "indexed in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
    echo "$INDEX_OPTS" >"$WORK/ix.done"
fi
# the queries asking for ANSWERS (the "answers" member first in each body)
QUERIES=$WORK/queries-$ANSWERS.jsonl
sed "s/^{/{\"answers\": \"$ANSWERS\", /" "$WORK/queries.jsonl" >"$QUERIES"
# a copy, so that each run starts from the same index
rm -rf "$WORK/ix-run"
cp -r "$IX" "$WORK/ix-run"
SYNC_FLAG=()
[ "$SYNC" = 1 ] || SYNC_FLAG=(--no-sync)
"$ND" serve --listen 127.0.0.1:0 -T "$THREADS" --max-connections $((CLIENTS + ADD_CLIENTS + 8)) \
    --write-nice "$WRITE_NICE" \
    "${SYNC_FLAG[@]}" "$WORK/ix-run" 2>"$WORK/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
PORT=""
for _ in $(seq 1 200); do
    PORT=$(sed -n 's/^neardup: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$WORK/serve.log")
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { cat "$WORK/serve.log" >&2; exit 1; }
say "server pid $PID on 127.0.0.1:$PORT, -T $THREADS; $CLIENTS query clients offer $QPS" \
    "queries/s, $ADD_CLIENTS add clients $ADD_QPS adds/s, for $SECONDS_ s"
OUT=bench/results/load-$(date -u +%Y%m%d-%H%M)-$DOCS.json
CLIENT_CMD=(python3 bench/load_client.py)
if [ "$CLIENT" = c ]; then
    mkdir -p bench/data/bin
    cc -O2 -Wall -Wextra -Werror -pthread -o bench/data/bin/load_client bench/load_client.c -lm
    CLIENT_CMD=(bench/data/bin/load_client)
fi
"${CLIENT_CMD[@]}" --port "$PORT" --pid "$PID" --queries "$QUERIES" \
    --adds "$WORK/adds.jsonl" --qps "$QPS" --add-qps "$ADD_QPS" --clients "$CLIENTS" --add-clients "$ADD_CLIENTS" \
    --seconds "$SECONDS_" --out "$OUT.tmp"
kill -TERM $PID
rc=0
wait $PID || rc=$?
trap - EXIT
python3 - "$OUT.tmp" "$OUT" "$DOCS" "$WORDS" "$THREADS" "$SYNC" "$rc" "$INDEX_OPTS" \
    "$ANSWERS" "$WRITE_NICE" <<'P'
import json, os, platform, sys
r = json.load(open(sys.argv[1]))
r.update({"index_docs": int(sys.argv[3]), "doc_words": int(sys.argv[4]),
          "server_threads": int(sys.argv[5]), "sync": sys.argv[6] == "1",
          "server_exit": int(sys.argv[7]), "index_options": sys.argv[8],
          "answers": sys.argv[9], "write_nice": int(sys.argv[10]),
          "cpus": os.cpu_count(),
          "machine": platform.processor() or platform.machine()})
json.dump(r, open(sys.argv[2], "w"), indent=1)
os.unlink(sys.argv[1])
P
say "server exit $rc; results in $OUT"

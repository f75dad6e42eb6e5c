#!/usr/bin/env bash
# tests/run.sh - runs neardup's test groups and ends with "N passed, N failed".
#
#   tests/run.sh --fast BUILD   unit, golden and CLI tests (make check)
#   tests/run.sh --all  BUILD   also seeds, data-quality, sanitizer build, fuzz replay (make test)
#
# Groups:
#   unit     every BUILD/tests/test_* binary (tests/unit/test_*.c)
#   cli      every tests/cli/NAME.sh, run in a fresh scratch directory with
#            ND=<neardup binary>, ROOT=<repo>, SHARED=<../shared>; compared with
#            NAME.exit (default 0), NAME.stdout.exact and NAME.stderr.glob when present.
#            `tests/run.sh --set-exact-output NAME...` rewrites the expected files.
#   e2e      every tests/e2e/*.sh (seeds, data quality; need ../shared), same env as cli
#   san      rebuild with SANITIZE=address,undefined and rerun unit + cli
#   fuzz     replay tests/fuzz/corpus/* through each fuzz target
set -u
mode=${1:---fast}
build=${2:-build/rel}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export ROOT
export SHARED=${SHARED:-$(cd "$ROOT/.." && pwd)/shared}
pass=0
fail=0
failed_names=()

ok()  { pass=$((pass + 1)); [ -n "${VERBOSE:-}" ] && echo "ok   $1"; return 0; }
bad() { fail=$((fail + 1)); failed_names+=("$1"); echo "FAIL $1"; }

run_unit() {
    local b=$1 t
    for t in "$b"/tests/test_*; do
        [ -x "$t" ] || continue
        if out=$("$t" 2>&1); then ok "unit/$(basename "$t")"; else echo "$out" | tail -20; bad "unit/$(basename "$t")"; fi
    done
}

# run_script DIR SCRIPT ND : one CLI or e2e test
run_script() {
    local dir=$1 s=$2 nd=$3 name base scratch rc want
    base=${s%.sh}
    name=$(basename "$base")
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/ndtest.XXXXXX")
    (cd "$scratch" && ND="$nd" bash "$ROOT/$s" >"$scratch/.stdout" 2>"$scratch/.stderr")
    rc=$?
    want=0
    [ -f "$base.exit" ] && want=$(cat "$base.exit")
    local why=""
    [ "$rc" = "$want" ] || why="exit $rc, want $want"
    if [ -z "$why" ] && [ -f "$base.stdout.exact" ] && ! cmp -s "$base.stdout.exact" "$scratch/.stdout"; then
        why="stdout differs: $(diff "$base.stdout.exact" "$scratch/.stdout" | head -20)"
    fi
    if [ -z "$why" ] && [ -f "$base.stderr.glob" ]; then
        local pat
        pat=$(cat "$base.stderr.glob")
        # shellcheck disable=SC2053
        [[ "$(cat "$scratch/.stderr")" == $pat ]] || why="stderr does not match $base.stderr.glob"
    fi
    if [ -z "$why" ]; then
        ok "$dir/$name"
    else
        echo "--- $dir/$name: $why"
        tail -15 "$scratch/.stderr" | sed 's/^/    stderr: /'
        bad "$dir/$name"
    fi
    rm -rf "$scratch"
}

run_dir() {
    local dir=$1 nd=$2 s
    for s in tests/$dir/*.sh; do
        [ -f "$s" ] || continue
        run_script "$dir" "$s" "$nd"
    done
}

if [ "$mode" = "--set-exact-output" ]; then
    shift
    for n in "$@"; do
        s=tests/cli/$n.sh
        scratch=$(mktemp -d)
        (cd "$scratch" && ND="$ROOT/build/rel/neardup" bash "$ROOT/$s" >"$ROOT/tests/cli/$n.stdout.exact" 2>/dev/null)
        echo $? >"$ROOT/tests/cli/$n.exit"
        rm -rf "$scratch"
        echo "updated tests/cli/$n"
    done
    exit 0
fi

nd="$ROOT/$build/neardup"
echo "== unit"; run_unit "$build"
echo "== cli";  run_dir cli "$nd"
if [ "$mode" = "--all" ]; then
    if [ -d "$SHARED/seeds" ]; then
        echo "== e2e (seeds, ../shared/data)"; run_dir e2e "$nd"
    else
        echo "== e2e skipped: $SHARED not found"; bad "e2e/shared-missing"
    fi
    # The sanitizer build uses clang when there is one, so that clang's
    # warnings (errors here) are checked too; the release build is gcc's.
    san_cc=$(command -v clang || echo cc)
    echo "== sanitizers (ASan+UBSan, $(basename "$san_cc")): build"
    if make -s CC="$san_cc" SANITIZE=address,undefined BUILD=build/san build/san/neardup units \
        >build/san.log 2>&1; then
        ok "san/build"
        export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
        echo "== sanitizers: unit"; run_unit build/san
        echo "== sanitizers: cli";  run_dir cli "$ROOT/build/san/neardup"
    else
        tail -20 build/san.log; bad "san/build"
    fi
    # Threads: ThreadSanitizer over the threaded parts (pool, parallel bands and
    # verification, spilling), where a race would not show as a wrong answer.
    if command -v clang >/dev/null; then
        echo "== thread sanitizer"
        if make -s CC=clang SANITIZE=thread BUILD=build/tsan build/tsan/neardup \
            build/tsan/tests/test_dedup >build/tsan.log 2>&1; then
            export TSAN_OPTIONS=halt_on_error=1:exitcode=66
            if build/tsan/tests/test_dedup >build/tsan.run 2>&1; then ok "tsan/test_dedup"
            else tail -20 build/tsan.run; bad "tsan/test_dedup"; fi
            tdir=$(mktemp -d)
            if [ -d "$SHARED/data/20ng" ] && build/tsan/neardup dedup -q -T 3 --memory 2M \
                --tmp "$tdir" --clusters "$tdir/c" --pairs "$tdir/p" -o "$tdir/o" \
                "$SHARED/data/20ng/docs.jsonl.gz" >build/tsan.run 2>&1; then
                ok "tsan/dedup-20ng-T3-memory"
            else
                tail -20 build/tsan.run; bad "tsan/dedup-20ng-T3-memory"
            fi
            rm -rf "$tdir"
        else
            tail -20 build/tsan.log; bad "tsan/build"
        fi
    fi
    echo "== lint"
    if make -s lint >build/lint.log 2>&1; then ok "lint"; else tail -20 build/lint.log; bad "lint"; fi
    echo "== fuzz replay"
    if make -s fuzz-replay >build/fuzz.log 2>&1; then
        for f in "$build"/fuzz/fuzz_*; do
            [ -x "$f" ] || continue
            n=$(basename "$f")
            if "$f" tests/fuzz/corpus/"${n#fuzz_}" >/dev/null 2>&1; then ok "fuzz/$n"; else bad "fuzz/$n"; fi
        done
    else
        tail -20 build/fuzz.log; bad "fuzz/build"
    fi
fi
echo
[ "$fail" -gt 0 ] && printf 'failed: %s\n' "${failed_names[*]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

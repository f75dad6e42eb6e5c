#!/usr/bin/env bash
# tests/run.sh - runs neardup's test groups and ends with "N passed, N failed, N skipped".
#
#   tests/run.sh --fast BUILD        unit, golden and CLI tests (make check)
#   tests/run.sh --all  BUILD        also e2e, sanitizers, ThreadSanitizer, fuzz replay,
#                                    fault injection, lint
#                                    (make test)
#   tests/run.sh --one SCRIPT [BUILD]  one CLI or e2e script, as the groups run it
#   tests/run.sh --scripts DIR [BUILD] every DIR/*.sh as one group (tests/cli/run_sh_skips.sh)
#
# Groups:
#   unit     BUILD/tests/test_NAME for every tests/unit/test_NAME.c (a missing binary fails)
#   cli      every tests/cli/NAME.sh, run in a fresh scratch directory with
#            ND=<neardup binary>, ROOT=<repo>, SHARED=<../shared>; compared with
#            NAME.exit (default 0), NAME.stdout.exact and NAME.stderr.glob when present.
#            `tests/run.sh --set-exact-output NAME...` rewrites the expected files.
#   e2e      every tests/e2e/*.sh (seeds, data quality; need ../shared), same env as cli
#   san      clang build with SANITIZE=address,undefined (build/san); reruns unit + cli
#   tsan     clang build with SANITIZE=thread (build/tsan): test_dedup, test_dedup_dist,
#            test_reuse_dist, test_reuse test_threads and a threaded 20ng run
#   lint     make lint
#   fuzz     every tests/fuzz/fuzz_NAME.c built with the replay driver under ASan+UBSan
#            (build/san/fuzz) and run over tests/fuzz/corpus/NAME
#   fault    tests/fault/run.sh --only CMD for every command: allocations, writes and
#            renames failing one at a time (build/fault, ASan + LeakSanitizer)
#
# Skips: a test that cannot run here exits 77 (as under automake) with its reason as
# the last line of its stderr; it is counted as skipped, never as passed, and listed
# with the reason. A unit test that passes but leaves out a part prints a line ending
# in "skipped" (test_kernels: a kernel this CPU lacks): each such line counts as a skip. A group that cannot run at all (no clang, no ../shared, no test
# found) is a failure. Exit status: 0 when nothing failed (skips included), else 1.
set -u
mode=${1:---fast}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export ROOT
export SHARED=${SHARED:-$(cd "$ROOT/.." && pwd)/shared}
SKIP=77
pass=0
fail=0
skip=0
failed_names=()
skipped_names=()

ok()   { pass=$((pass + 1)); [ -n "${VERBOSE:-}" ] && echo "ok   $1"; return 0; }
bad()  { fail=$((fail + 1)); failed_names+=("$1"); echo "FAIL $1"; }
skipped() { skip=$((skip + 1)); skipped_names+=("$1"); echo "SKIP $1: ${2#skipped: }"; }

# run_unit BUILD: every unit test binary (one per tests/unit/test_*.c)
run_unit() {
    local b=$1 src t n out rc found=0
    for src in tests/unit/test_*.c; do
        [ -f "$src" ] || continue
        found=1
        n=$(basename "$src" .c)
        t=$b/tests/$n
        if [ ! -x "$t" ]; then
            echo "--- unit/$n: $t not built"; bad "unit/$n"; continue
        fi
        out=$("$t" 2>&1); rc=$?
        if [ "$rc" = 0 ]; then
            ok "unit/$n"
            # a part left out (e.g. test_kernels on a CPU without AVX-512) is a skip too
            while IFS= read -r line; do
                skipped "unit/$n(part)" "$line"
            done < <(echo "$out" | grep -E 'skipped$' || true)
        elif [ "$rc" = "$SKIP" ]; then skipped "unit/$n" "$(echo "$out" | tail -1)"
        else echo "$out" | tail -20; bad "unit/$n"; fi
    done
    [ "$found" = 1 ] || bad "unit/no-tests-found"
}

# run_script GROUP SCRIPT ND : one CLI or e2e test (SCRIPT: a path, relative to ROOT or
# absolute; its expected files sit beside it)
run_script() {
    local dir=$1 s=$2 nd=$3 name base scratch rc want
    case $s in /*) ;; *) s=$ROOT/$s ;; esac
    base=${s%.sh}
    name=$(basename "$base")
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/ndtest.XXXXXX")
    (cd "$scratch" && ND="$nd" bash "$s" >"$scratch/.stdout" 2>"$scratch/.stderr")
    rc=$?
    want=0
    [ -f "$base.exit" ] && want=$(cat "$base.exit")
    if [ "$rc" = "$SKIP" ] && [ "$want" != "$SKIP" ]; then
        skipped "$dir/$name" "$(tail -1 "$scratch/.stderr")"
        rm -rf "$scratch"
        return
    fi
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
        tail -15 "$scratch/.stdout" | sed 's/^/    stdout: /'
        tail -15 "$scratch/.stderr" | sed 's/^/    stderr: /'
        bad "$dir/$name"
    fi
    rm -rf "$scratch"
}

# run_dir GROUP DIR ND: every DIR/*.sh (none at all is a failure)
run_dir() {
    local group=$1 dir=$2 nd=$3 s found=0
    for s in "$dir"/*.sh; do
        [ -f "$s" ] || continue
        found=1
        run_script "$group" "$s" "$nd"
    done
    [ "$found" = 1 ] || { echo "--- $group: no test script in $dir"; bad "$group/no-tests-found"; }
}

# nd_of BUILD: the neardup binary of BUILD (relative to ROOT, or absolute)
nd_of() { case $1 in /*) echo "$1/neardup" ;; *) echo "$ROOT/$1/neardup" ;; esac; }

summary() {
    echo
    [ "$skip" -gt 0 ] && printf 'skipped: %s\n' "${skipped_names[*]}"
    [ "$fail" -gt 0 ] && printf 'failed: %s\n' "${failed_names[*]}"
    echo "$pass passed, $fail failed, $skip skipped"
    [ "$fail" -eq 0 ]
}

case $mode in
--set-exact-output)
    shift
    for n in "$@"; do
        s=tests/cli/$n.sh
        scratch=$(mktemp -d)
        (cd "$scratch" && ND="$ROOT/build/rel/neardup" bash "$ROOT/$s" >"$ROOT/tests/cli/$n.stdout.exact" 2>/dev/null)
        echo $? >"$ROOT/tests/cli/$n.exit"
        rm -rf "$scratch"
        echo "updated tests/cli/$n"
    done
    exit 0 ;;
--one)
    s=${2:?usage: tests/run.sh --one SCRIPT [BUILD]}
    build=${3:-build/rel}
    g=$(basename "$(dirname "$s")")
    VERBOSE=1 run_script "$g" "$s" "$(nd_of "$build")"
    summary; exit ;;
--scripts)
    d=${2:?usage: tests/run.sh --scripts DIR [BUILD]}
    build=${3:-build/rel}
    echo "== $(basename "$d")"
    run_dir "$(basename "$d")" "$d" "$(nd_of "$build")"
    summary; exit ;;
--fast|--all) ;;
*) echo "tests/run.sh: unknown mode '$mode' (see the comment at the top)" >&2; exit 2 ;;
esac

build=${2:-build/rel}
nd=$(nd_of "$build")
# the builds below use every core, unless a make above shares its job slots
jobs=-j$(nproc 2>/dev/null || echo 2)
case " ${MAKEFLAGS:-} " in *jobserver*) jobs= ;; esac
echo "== unit"; run_unit "$build"
echo "== cli";  run_dir cli tests/cli "$nd"
if [ "$mode" = "--all" ]; then
    if [ -d "$SHARED/seeds" ]; then
        echo "== e2e (seeds, ../shared/data)"; run_dir e2e tests/e2e "$nd"
    else
        echo "== e2e: $SHARED not found"; bad "e2e/shared-missing"
    fi
    # The sanitizer builds use clang (scripts/install-deps.sh installs it): ThreadSanitizer
    # needs it, and clang's warnings (errors here) are checked too; the release build is
    # gcc's. Without clang these groups fail (they never quietly fall back to cc).
    clang=$(command -v clang || true)
    if [ -z "$clang" ]; then
        echo "== sanitizers, thread sanitizer, fuzz replay: clang not found (scripts/install-deps.sh)"
        bad "san/no-clang"; bad "tsan/no-clang"; bad "fuzz/no-clang"
    else
        echo "== sanitizers (ASan+UBSan, clang): build"
        if make -s $jobs CC="$clang" SANITIZE=address,undefined BUILD=build/san build/san/neardup units \
            >build/san.log 2>&1; then
            ok "san/build"
            export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
            echo "== sanitizers: unit"; run_unit build/san
            echo "== sanitizers: cli";  run_dir cli tests/cli "$ROOT/build/san/neardup"
        else
            tail -20 build/san.log; bad "san/build"
        fi
        # Fuzz replay: the corpus through each target, built with the replay driver under
        # ASan+UBSan (each input in a buffer of exactly its size: reads past the end are
        # caught). A target without a binary or a corpus fails.
        echo "== fuzz replay (ASan+UBSan)"
        if make -s $jobs CC="$clang" SANITIZE=address,undefined BUILD=build/san fuzz-replay \
            >build/fuzz.log 2>&1; then
            export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
            found=0
            for src in tests/fuzz/fuzz_*.c; do
                [ -f "$src" ] || continue
                found=1
                n=$(basename "$src" .c)
                c=tests/fuzz/corpus/${n#fuzz_}
                if [ ! -x "build/san/fuzz/$n" ]; then
                    echo "--- fuzz/$n: build/san/fuzz/$n not built"; bad "fuzz/$n"
                elif [ ! -d "$c" ] || [ -z "$(ls -A "$c")" ]; then
                    echo "--- fuzz/$n: no corpus in $c"; bad "fuzz/$n"
                elif "build/san/fuzz/$n" "$c" >build/fuzz.run 2>&1; then
                    ok "fuzz/$n"
                else
                    echo "--- fuzz/$n:"; tail -20 build/fuzz.run; bad "fuzz/$n"
                fi
            done
            [ "$found" = 1 ] || bad "fuzz/no-targets-found"
        else
            tail -20 build/fuzz.log; bad "fuzz/build"
        fi
        # Threads: ThreadSanitizer over the threaded parts (pool, parallel bands and
        # verification, spilling), where a race would not show as a wrong answer.
        echo "== thread sanitizer"
        if make -s $jobs CC="$clang" SANITIZE=thread BUILD=build/tsan build/tsan/neardup \
            build/tsan/tests/test_dedup build/tsan/tests/test_dedup_dist \
            build/tsan/tests/test_reuse_dist build/tsan/tests/test_reuse >build/tsan.log 2>&1; then
            export TSAN_OPTIONS=halt_on_error=1:exitcode=66
            if build/tsan/tests/test_dedup >build/tsan.run 2>&1; then ok "tsan/test_dedup"
            else tail -20 build/tsan.run; bad "tsan/test_dedup"; fi
            # threads as processes, each verifying on threads of its own
            if build/tsan/tests/test_dedup_dist >build/tsan.run 2>&1; then
                ok "tsan/test_dedup_dist"
            else tail -20 build/tsan.run; bad "tsan/test_dedup_dist"; fi
            if build/tsan/tests/test_reuse_dist >build/tsan.run 2>&1; then
                ok "tsan/test_reuse_dist"
            else tail -20 build/tsan.run; bad "tsan/test_reuse_dist"; fi
            # the n-grams seen twice, noted from every thread at once; blocks
            if build/tsan/tests/test_reuse test_threads >build/tsan.run 2>&1; then
                ok "tsan/test_reuse_threads"
            else tail -20 build/tsan.run; bad "tsan/test_reuse_threads"; fi
            tdir=$(mktemp -d)
            if [ ! -f "$SHARED/data/20ng/docs.jsonl.gz" ]; then
                echo "--- tsan/dedup-20ng-T3-memory: $SHARED/data/20ng/docs.jsonl.gz not found"
                bad "tsan/dedup-20ng-T3-memory"
            elif build/tsan/neardup dedup -q -T 3 --memory 2M \
                --tmp "$tdir" --clusters "$tdir/c" --pairs "$tdir/p" -o "$tdir/o" \
                "$SHARED/data/20ng/docs.jsonl.gz" >build/tsan.run 2>&1; then
                ok "tsan/dedup-20ng-T3-memory"
            else
                tail -20 build/tsan.run; bad "tsan/dedup-20ng-T3-memory"
            fi
            rm -rf "$tdir"
            # the server: queries on four connections while adds and deletes go on
            if [ ! -f "$SHARED/data/20ng/docs.jsonl.gz" ]; then
                echo "--- tsan/serve: $SHARED/data/20ng/docs.jsonl.gz not found"
                bad "tsan/serve"
            elif tests/tsan_serve.sh build/tsan/neardup "$SHARED/data/20ng/docs.jsonl.gz" \
                >build/tsan.run 2>&1; then
                ok "tsan/serve"
            else
                tail -40 build/tsan.run; bad "tsan/serve"
            fi
        else
            tail -20 build/tsan.log; bad "tsan/build"
        fi
    fi
    # Fault injection: every command with its Nth allocation, write or rename failing
    # (tests/fault/run.sh; N sampled, its seed printed): a named error, the documented
    # exit status, no leak (LeakSanitizer), no output or temporary left behind.
    echo "== fault injection"
    if make -s $jobs build/fault/neardup-fault >build/fault.log 2>&1; then
        for c in $(tests/fault/run.sh --list); do
            if tests/fault/run.sh --only "$c" build/fault/neardup-fault >build/fault.run 2>&1
            then
                ok "fault/$c"
            else
                grep -E '^(FAIL|fault injection:|    stderr)' build/fault.run | head -20; bad "fault/$c"
            fi
        done
    else
        tail -20 build/fault.log; bad "fault/build"
    fi
    echo "== lint"
    if make -s lint >build/lint.log 2>&1; then ok "lint"; else tail -20 build/lint.log; bad "lint"; fi
fi
summary

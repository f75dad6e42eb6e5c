#!/usr/bin/env bash
# tests/fuzz/run.sh - runs the libFuzzer targets of build/fuzz for a while.
#
#   tests/fuzz/run.sh SECONDS [NAME...]     (make fuzz FUZZ_S=SECONDS)
#
# Runs each target (all of build/fuzz/fuzz_*, or the NAMEs given: "date" or
# "fuzz_date") one after the other for SECONDS, at nice 19 on one core, over a
# working corpus build/fuzz/work/NAME that starts from tests/fuzz/corpus/NAME
# (which it never writes). Crash inputs go to build/fuzz/findings/NAME/.
# Prints one line per target: name, seconds, executions, findings; exits 1
# when a target found something. Add a finding, minimised
# (fuzz_NAME -minimize_crash=1 -runs=10000 CRASH), to tests/fuzz/corpus/NAME/.
set -u
secs=${1:?usage: tests/fuzz/run.sh SECONDS [NAME...]}
shift
cd "$(dirname "$0")/../.."
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in build/fuzz/fuzz_*; do [ -x "$f" ] && names+=("$(basename "$f")"); done
fi
status=0
printf '%-20s %8s %12s %s\n' target seconds executions findings
for n in "${names[@]}"; do
    n=fuzz_${n#fuzz_}
    short=${n#fuzz_}
    bin=build/fuzz/$n
    [ -x "$bin" ] || { echo "$n: not built (make fuzz)"; status=1; continue; }
    mkdir -p "build/fuzz/work/$short" "build/fuzz/findings/$short"
    log=build/fuzz/work/$short.log
    seeds=()
    [ -d "tests/fuzz/corpus/$short" ] && seeds=("tests/fuzz/corpus/$short")
    start=$(date +%s)
    nice -n 19 "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="build/fuzz/findings/$short/" "build/fuzz/work/$short" "${seeds[@]}" \
        >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [ -n "$execs" ] || execs=$(sed -n 's/.*Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
    found=$(find "build/fuzz/findings/$short" -type f | wc -l)
    if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
        status=1
        grep -m1 -E 'ERROR|SUMMARY|deadly signal' "$log" | sed "s/^/    $n: /"
    fi
    printf '%-20s %8s %12s %s\n' "$n" "$took" "${execs:-?}" "$found"
done
exit $status

# tests/run.sh (what make test runs) says what it skipped: a script exiting 77
# is counted as skipped, never as passed, and listed with the reason from its
# last stderr line; a script whose NAME.exit is 77 passes on 77; a failure is
# listed; a group without any test fails instead of vanishing. Skips alone
# leave the exit status 0. The summary line, which CI parses, is
# "N passed, N failed, N skipped".
set -eu -o pipefail
unset VERBOSE
mkdir t empty
printf 'echo hello\n' >t/pass.sh
printf 'echo "a line first" >&2\necho "skipped: no widget here" >&2\nexit 77\n' >t/skip.sh
printf 'echo oops\nexit 3\n' >t/fail.sh
printf 'exit 77\n' >t/want77.sh
echo 77 >t/want77.exit
rc=0; bash "$ROOT/tests/run.sh" --scripts "$PWD/t" >out1 2>&1 || rc=$?
cat out1
echo "exit $rc"
rc=0; bash "$ROOT/tests/run.sh" --scripts "$PWD/empty" >out2 2>&1 || rc=$?
sed "s|$PWD|DIR|" out2
echo "exit $rc"
echo "== the failure turned into a skip"
printf 'echo "skipped: no gadget either" >&2\nexit 77\n' >t/fail.sh
rc=0; bash "$ROOT/tests/run.sh" --scripts "$PWD/t" >out3 2>&1 || rc=$?
grep -e '^SKIP' -e 'passed' out3
echo "exit $rc"

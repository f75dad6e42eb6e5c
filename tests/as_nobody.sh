# tests/as_nobody.sh - sourced, as root only, by the CLI tests whose point is a
# permission error (dedup_err_output_readonly.sh, dedup_err_unreadable.sh): root reads
# and writes anywhere, so the test runs again as nobody (uid and gid 65534, no
# supplementary groups, through util-linux's setpriv) in a directory that nobody owns,
# with its own copies of the test script and of the neardup binary (the checkout may be
# out of nobody's reach, e.g. under /root). The directory is .nobody/work under the
# test's scratch directory; the stdout, stderr and exit status are the rerun's. Where
# privileges cannot be dropped, the test exits 77: tests/run.sh counts it as skipped.
#   [ "$(id -u)" != 0 ] || . "$ROOT/tests/as_nobody.sh"
nobody_skip() { echo "skipped: running as root and $*" >&2; exit 77; }
command -v setpriv >/dev/null 2>&1 ||
    nobody_skip "setpriv (util-linux) not found, so privileges cannot be dropped"
nobody_fail() { echo "as_nobody.sh: $*" >&2; exit 1; }
mkdir -p .nobody/work || nobody_fail "cannot create .nobody/work"
cp "$ND" .nobody/neardup && cp "$0" .nobody/test.sh || nobody_fail "cannot copy $ND and $0"
chmod 755 . .nobody .nobody/neardup && chmod 644 .nobody/test.sh &&
    chown 65534:65534 .nobody/work || nobody_fail "cannot hand .nobody/work to uid 65534"
cd .nobody/work || nobody_fail "cannot enter .nobody/work"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
nobody true 2>/dev/null || nobody_skip "setpriv cannot switch to uid 65534 here (no CAP_SETUID?)"
# Every directory above the scratch directory must let nobody through.
nobody test -w . -a -x ../neardup -a -r ../test.sh 2>/dev/null ||
    nobody_skip "uid 65534 cannot reach $PWD (a parent directory is closed; set TMPDIR)"
exec setpriv --reuid=65534 --regid=65534 --clear-groups \
    env ND="$PWD/../neardup" bash ../test.sh

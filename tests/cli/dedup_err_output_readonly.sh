# dedup: outputs into a read-only directory: a file output (--clusters) and a
# directory output (-o for whole-file documents) both fail with exit 2 and a
# message naming the path, leaving nothing behind. Root may write anywhere: as
# root the test runs as nobody (tests/as_nobody.sh; exit 77, skipped, only where
# privileges cannot be dropped).
set -u
[ "$(id -u)" != 0 ] || . "$ROOT/tests/as_nobody.sh"
fail() { echo "FAIL: $*"; bad=1; }
bad=0
mkdir docs ro
printf 'first document here\n' >docs/a.txt
printf 'first document here\n' >docs/b.txt
chmod 555 ro
"$ND" dedup --removed removed.jsonl --clusters ro/clusters.jsonl docs 2>err; rc=$?
[ "$rc" = 2 ] || fail "--clusters: exit $rc, want 2"
grep -q '^neardup: ro/clusters.jsonl: cannot create output: Permission denied$' err || fail "$(cat err)"
"$ND" dedup --removed removed.jsonl -o ro/kept docs 2>err; rc=$?
[ "$rc" = 2 ] || fail "-o: exit $rc, want 2"
grep -q '^neardup: ro/kept: cannot create directory: Permission denied$' err || fail "$(cat err)"
[ "$(ls -A ro)" = "" ] || fail "left in ro: $(ls -A ro)"
[ "$(ls)" = "$(printf 'docs\nerr\nro')" ] || fail "left: $(ls)"
chmod 755 ro
exit "$bad"

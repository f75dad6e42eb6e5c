# dedup: outputs into a read-only directory (skipped as root, who may write
# anywhere): a file output (--clusters) and a directory output (-o for
# whole-file documents) both fail with exit 2 and a message naming the path,
# leaving nothing behind.
if [ "$(id -u)" = 0 ]; then
    echo "skipped: running as root" >&2
    exit 0
fi
set -u
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

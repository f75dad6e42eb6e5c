# dedup: an input that cannot be read. A nonexistent path: exit 2, a message
# naming it, and no output file (nor temporary) left behind. Permission cases
# (as root, where permissions do not stop reads, the test runs as nobody:
# tests/as_nobody.sh): an unreadable directory given as the only input fails
# the same way; an unreadable subdirectory of a directory input is reported
# and skipped (exit 0).
[ "$(id -u)" != 0 ] || . "$ROOT/tests/as_nobody.sh"
printf '{"id":"a","text":"one two three four five"}\n' >ok.jsonl
fail() { echo "FAIL: $*"; }
mkdir -p locked docs/private
printf 'a readable document\n' >docs/a.txt
printf 'a private document\n' >docs/private/b.txt
chmod 000 locked docs/private
"$ND" dedup --clusters c.jsonl -o out locked 2>err1; rc=$?
[ "$rc" = 2 ] || fail "unreadable directory: exit $rc, want 2"
grep -q '^neardup: locked: cannot open: Permission denied$' err1 || fail "message: $(cat err1)"
[ -z "$(ls | grep -v -x -e ok.jsonl -e locked -e docs -e err1)" ] || fail "left: $(ls)"
"$ND" dedup -o out docs 2>err2; rc=$?
[ "$rc" = 0 ] || fail "unreadable subdirectory: exit $rc, want 0"
grep -q '^neardup: docs/private: cannot open: Permission denied$' err2 || fail "message: $(cat err2)"
grep -q '^neardup: warning: 1 input could not be read (reported above)$' err2 || fail "summary: $(cat err2)"
[ "$(cd out && find . -type f)" = ./a.txt ] || fail "output: $(find out)"
chmod 755 locked docs/private
rm -rf locked docs out err1 err2
"$ND" dedup --clusters c.jsonl --removed r.jsonl -o unique.jsonl nope.jsonl; rc=$?
echo "exit $rc"
echo "== files"; ls
exit "$rc"

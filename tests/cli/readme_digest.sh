# README, "Story digests": the digest of the five seed articles as listed on a
# terminal (script(1) gives it one), lines cut at 100 characters. Needs ../shared.
. "$ROOT/tests/cli/readme_lib.inc"
ln -s "$SHARED" ../shared 2>/dev/null || true
printf '$ %s\n' "./neardup digest ../shared/seeds | cut -c1-100   # on a terminal"
script -qec "./neardup digest -q --no-progress $SHARED/seeds" /dev/null </dev/null | tr -d '\r' | cut -c1-100

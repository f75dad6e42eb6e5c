# dedup -o inside an input directory: pass 2 walks that directory while the
# corpus is being written there, so it would read its own output back. This is
# refused up front as a usage error (exit 1), naming both, before any work.
mkdir -p docs/sub
printf 'hello there world\n' >docs/a.txt
"$ND" dedup -o docs/sub/kept docs
rc=$?
find docs | LC_ALL=C sort
exit "$rc"

# dedup -o DIR (a directory of whole-file documents) fills a temporary
# directory DIR.tmp.XXXXXX; a SIGTERM or SIGHUP before the commit removes it
# whole (subdirectories too) with the other temporaries, and leaves the old
# outputs as they were. ND_TEST_PAUSE_COMMIT (a test hook, see the man page)
# holds the run, every output written, just before the commit.
set -euo pipefail
mkdir -p in/a/b/c in/d
for i in $(seq 300); do
    printf 'document number %d says something of its own, word %d.\n' "$i" "$((i * 7))" \
        > "in/a/b/c/f$i.txt"
    printf 'a second tree: text %d, another %d.\n' "$i" "$((i * 13))" > "in/d/g$i.txt"
done
echo old > c.jsonl
for sig in TERM HUP; do
    ND_TEST_PAUSE_COMMIT=3000 "$ND" dedup -q -o out --clusters c.jsonl in &
    pid=$!
    # wait until every output is written: the clusters' temporary is opened last
    for _ in $(seq 500); do
        ls c.jsonl.tmp.* > /dev/null 2>&1 && break
        sleep 0.02
    done
    files=$(find out.tmp.* -type f | wc -l)
    echo "SIG$sig: the temporary directory held $files files"
    kill -"$sig" "$pid"
    rc=0
    wait "$pid" || rc=$?
    echo "exit status $rc"
    ls -d out out.tmp.* c.jsonl.tmp.* 2> /dev/null || echo "no output directory, no temporaries"
    cat c.jsonl
done
"$ND" dedup -q -o out in
echo "without a signal: $(find out -type f | wc -l) files"

# Threads and the memory budget change nothing: 20 Newsgroups deduplicated
# with 1 thread in memory, with 3 threads in memory, and with 2 threads under
# a budget small enough to spill many runs, with both verifications. Clusters,
# pairs and the deduplicated corpus must be byte-identical; the spilling run
# must have spilled (-v reports it) and must leave no file in --tmp.
set -eu
data="$SHARED/data/20ng/docs.jsonl.gz"
mkdir tmp
for mode in exact fast; do
    extra=
    [ "$mode" = fast ] && extra=--fast
    "$ND" dedup -q -T 1 $extra --clusters c1.jsonl --pairs p1.jsonl -o o1.jsonl "$data"
    "$ND" dedup -q -T 3 $extra --clusters c3.jsonl --pairs p3.jsonl -o o3.jsonl "$data"
    "$ND" dedup -v -T 2 --memory 2M --tmp tmp $extra --clusters cm.jsonl --pairs pm.jsonl \
        -o om.jsonl "$data" 2> log.txt
    grep -q "spilled" log.txt || { echo "no spill reported"; cat log.txt; exit 1; }
    for f in c p o; do
        cmp "${f}1.jsonl" "${f}3.jsonl"
        cmp "${f}1.jsonl" "${f}m.jsonl"
    done
    [ -z "$(ls -A tmp)" ] || { echo "files left in --tmp"; ls -la tmp; exit 1; }
    echo "$mode: identical for -T 1, -T 3 and --memory 2M"
done

# An output that does not fit on its disk fails with the real reason ("No
# space left on device"), also when written compressed (.gz, .zst) or by the
# library (stories --save-model); exit 2,
# no temporary left, the old output kept. Needs root to mount a small tmpfs;
# exits 77 (skipped) where it cannot.
set -euo pipefail
C="$ROOT/examples/corpus/news.jsonl"
mkdir full
mount -t tmpfs -o size=64k tmpfs full 2> /dev/null || { echo "cannot mount a tmpfs" >&2; exit 77; }
trap 'umount full' EXIT
for ext in jsonl jsonl.gz jsonl.zst; do echo old > "full/o.$ext"; done
head -c 1M /dev/zero > full/fill 2> /dev/null || true
for ext in jsonl jsonl.gz jsonl.zst; do
    rc=0
    "$ND" dedup -q -o "full/o.$ext" "$C" 2> err || rc=$?
    echo "-o full/o.$ext: exit $rc: $(grep -o 'No space left on device\|Input/output error' err | head -1)"
done
rc=0
"$ND" reuse -q -o full/p.jsonl.gz "$C" 2> err || rc=$?
echo "reuse -o full/p.jsonl.gz: exit $rc: $(grep -o 'No space left on device\|Input/output error' err | head -1)"
rc=0
"$ND" stories -q -o s.jsonl --save-model full/m.model "$C" 2> err || rc=$?
echo "stories --save-model full/m.model: exit $rc: $(grep -o 'No space left on device' err | head -1)"
ls s.jsonl 2> /dev/null || echo "  no stories written either"
rm full/fill
ls full
cat full/o.jsonl full/o.jsonl.gz full/o.jsonl.zst

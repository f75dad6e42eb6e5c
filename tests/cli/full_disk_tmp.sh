# A full disk under --tmp (the temporary files of --memory) is an input/output
# error, exit 2, in every command that spills; not 4 (memory or limit). Needs
# root to mount a small tmpfs; exits 77 (skipped) where it cannot.
set -euo pipefail
mkdir full
mount -t tmpfs -o size=256k tmpfs full 2> /dev/null || { echo "cannot mount a tmpfs" >&2; exit 77; }
trap 'umount full' EXIT
# small documents: the texts fit, the sketches spilled by --memory do not
python3 -c "
for i in range(3000):
    print('{\"id\":\"d%d\",\"text\":\"word%d alpha%d beta%d gamma%d\",\"date\":\"2020-01-01\"}'
          % (i, i, i % 97, i % 89, i % 83))" > tiny.jsonl
for c in dedup reuse boilerplate stories; do
    rc=0
    "$ND" "$c" -q --memory 1M --tmp full -o out.jsonl tiny.jsonl 2> err || rc=$?
    echo "$c: exit $rc, $(grep -c 'No space left on device' err) message(s) 'No space left'"
done
ls full
umount full
trap - EXIT
# a larger tmpfs: reading fits, the passage search's own spill does not
mount -t tmpfs -o size=512k tmpfs full
trap 'umount full' EXIT
for c in reuse stories; do
    rc=0
    "$ND" "$c" -q --memory 1M --tmp full -o out.jsonl tiny.jsonl 2> err || rc=$?
    echo "$c: exit $rc, $(grep -c 'No space left on device' err) message(s) 'No space left'"
done
ls out.jsonl 2> /dev/null || echo "no output"

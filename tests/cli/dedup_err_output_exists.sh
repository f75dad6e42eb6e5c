# dedup -o DIR for whole-file documents: DIR must be new or empty. A trailing
# slash is fine and an empty DIR is filled; a DIR holding files is refused with
# exit 2 before anything is written: it keeps its files and no other output
# (--clusters) and no temporary is left.
printf 'the first document of the set\n' >a.txt
printf 'the first document of the set\n' >b.txt
mkdir empty
"$ND" dedup -q -o empty/ a.txt b.txt
echo "empty directory: exit $?"
ls -A empty
mkdir full
printf 'keep me\n' >full/old.txt
"$ND" dedup --clusters clusters.jsonl -o full a.txt b.txt
rc=$?
echo "non-empty directory: exit $rc"
ls -A full
echo "== files"; ls
exit "$rc"

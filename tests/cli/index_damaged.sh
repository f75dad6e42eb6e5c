# neardup index: a damaged index is refused with exit 3. A byte changed in a
# stored document's record is found by verify (the record's checksum), and the
# index's header page overwritten is refused at open by every subcommand.
set -u
exec 2>&1
"$ND" index create -q --no-passages --no-stories ix
"$ND" index add -q --no-answers ix "$ROOT/examples/corpus/news.jsonl"
cp -r ix ix2
"$ND" index verify -q ix; echo "exit $?"
# a byte of one document's record (its source, stored as given)
off=$(grep -abo 'Kitchen Notes' ix2/data.mdb | head -1 | cut -d: -f1)
[ -n "$off" ] || { echo "the source is not in data.mdb as written"; exit 1; }
printf 'X' | dd of=ix2/data.mdb bs=1 seek="$off" conv=notrunc status=none
echo "== record"
"$ND" index verify -q ix2 >v.txt 2>e.txt; echo "exit $?"
sed 's/[0-9][0-9]*/N/' v.txt
grep -c 'ix2: .* problems\?, the first: .*checksum' e.txt
echo "== header"
head -c 8192 /dev/zero | tr "\\0" X | dd of=ix/data.mdb conv=notrunc status=none
for s in verify stats; do "$ND" index $s ix >/dev/null 2>&1; echo "$s: exit $?"; done
"$ND" index add -q ix "$ROOT/examples/corpus/news.jsonl" >/dev/null 2>&1; echo "add: exit $?"

# dedup: a truncated gzip input is reported as such, naming the file. Cut
# within its header, as the only input: exit 2, no output left. Cut later,
# beside a good input, under the default --on-error skip: the records read
# before the damage count, the rest of the file is skipped and the summary
# says how many records of it were used before the damage (exit 0).
set -u
printf '{"id":"ok","text":"one two three four five"}\n' >good.jsonl
i=0
while [ $i -lt 2000 ]; do
    printf '{"id":"r%d","text":"record number %d of a long compressed file"}\n' $i $i
    i=$((i + 1))
done | gzip -1 >full.gz
head -c 3000 full.gz >cut.gz
head -c 8 full.gz >head.gz
rm full.gz
"$ND" dedup -q --clusters c.jsonl -o unique.jsonl head.gz 2>err
echo "alone: exit $?"
sed 's/\(head.gz: truncated gzip data\).*/\1 .../' err
ls
rm err
"$ND" dedup -o unique.jsonl good.jsonl cut.gz 2>err
rc=$?
echo "cut later, with a good input: exit $rc"
sed 's/\(cut.gz: truncated gzip data\).*/\1 .../; s/^\(neardup: \)[0-9]* documents (.*) read;/\1N documents read;/; s/: [0-9]* records of cut.gz used/: N records of cut.gz used/' err
head -3 unique.jsonl
exit "$rc"

# dedup -: standard input is read by content (JSON Lines here, as it starts
# with '{'; --lines too) and named "-": ids of records without an id field are
# "-:<line>". With -o, stdin is read twice: a pipe is first copied to a
# temporary file (unlinked at once: nothing is left in TMPDIR), a regular file
# is rewound. Both give the same outputs.
set -eu -o pipefail
mkdir tmp
export TMPDIR=$PWD/tmp
S='The library opens at nine on weekdays and at ten on Saturdays; it is closed on Sundays and public holidays.'
{
printf '{"text":"%s"}\n' "$S"
printf '{"id":"x","text":"Fresh snow fell overnight and the ski lifts open at eight tomorrow."}\n'
printf '{"text":"%s","copy":true}\n' "$S"
printf '{"text":"Opening hours: %s"}\n' "$S"
} >corpus.jsonl
echo "== pipe, --removed -"
cat corpus.jsonl | "$ND" dedup -q --removed - -o piped.jsonl -
cat piped.jsonl
echo "== regular file as stdin, --clusters -"
"$ND" dedup -q --clusters - -o redirected.jsonl - <corpus.jsonl
cmp piped.jsonl redirected.jsonl && echo "same corpus from a pipe and from a file"
echo "== --lines from a pipe, listing"
printf 'red green blue yellow\nred green blue yellow\nsomething else\n' | "$ND" dedup --lines -
echo "== --lines from a pipe, -o"
printf 'red green blue yellow\nred green blue yellow\nsomething else\n' \
    | "$ND" dedup -q --lines -o lines.txt -
cat lines.txt
echo "== left in TMPDIR"; ls -A tmp
echo "== files"; ls

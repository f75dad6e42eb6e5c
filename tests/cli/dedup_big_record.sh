# dedup: a JSON Lines record whose text is 100 MB on one line is read and
# analysed without a crash (exit 0) and copied unchanged by -o. With
# --max-record 10M it is reported as over the limit, naming file and line,
# and skipped (exit 0, left out of -o); with --on-error stop as well the run
# ends with exit 2 and leaves no output. (About 5-10 s.)
set -u
{
    printf '{"id":"small-1","text":"a short note about the weather today"}\n'
    printf '{"id":"big","text":"'
    yes 'lorem ipsum dolor sit amet consectetur adipiscing elit' | head -c 100000000 | tr '\n' ' '
    printf '"}\n{"id":"small-2","text":"a short note about the weather today"}\n'
} >big.jsonl
echo "input: $(wc -c <big.jsonl) bytes"
"$ND" dedup --removed removed.jsonl -o unique.jsonl big.jsonl 2>err1
echo "default: exit $?"
cat err1 removed.jsonl
sed 3d big.jsonl | cmp - unique.jsonl && echo "output = lines 1-2, byte for byte"
rm -f err1 removed.jsonl unique.jsonl
"$ND" dedup --max-record 10M --on-error stop -o unique.jsonl big.jsonl 2>err2
echo "--max-record 10M --on-error stop: exit $?"
sed 's/\(big.jsonl:2: record longer than max_record\).*/\1 .../' err2
ls
rm -f err2
"$ND" dedup --max-record 10M -o unique.jsonl big.jsonl
rc=$?
echo "--max-record 10M: exit $rc"
cat unique.jsonl
exit "$rc"

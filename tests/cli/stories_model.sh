# stories/similarity --save-model and --model: the document frequencies of
# one collection saved and added to another's; a model that is not one, or
# is damaged, is refused with exit 3 (corrupt) and nothing is written.
set -eu
printf '%s\n' '{"a":"vdp-2024-0412-rail","b":"ledger-7781"}' \
    '{"a":"vdp-2024-0412-rail","b":"kitchen-notes-212"}' > pairs.jsonl
"$ND" similarity -q --save-model news.model --pairs pairs.jsonl "$ROOT/examples/corpus/news.jsonl"
head -c 8 news.model; echo
head -1 "$ROOT/examples/corpus/news.jsonl" > one.jsonl
echo "== one document, with the model of ten"
"$ND" similarity -q --model news.model --pairs <(echo '{"a":"vdp-2024-0412-rail","b":"vdp-2024-0412-rail"}') one.jsonl
echo "== a damaged model"
python3 -c "
import sys
b=bytearray(open('news.model','rb').read()); b[40]^=1; open('bad.model','wb').write(b)"
rc=0; "$ND" stories --model bad.model -o out.jsonl one.jsonl 2>&1 || rc=$?; echo "rc=$rc"
rc=0; "$ND" stories --model pairs.jsonl -o out.jsonl one.jsonl 2>&1 || rc=$?; echo "rc=$rc"
ls out.jsonl 2>/dev/null || echo "no out.jsonl"

# neardup index with passages and stories (the default): on the example corpus
# each answer carries, besides its cluster and pairs, the passages it shares with
# the indexed documents (the batch's offsets: the Ledger's quote of the Velmora
# article is vdp 548-823 / ledger 421-696, as neardup reuse finds it; likely_source
# from the dates) and the story it joins. Then a query, a record with its story,
# a replacement, a removal, stats and verify.
set -u
exec 2>&1
news="$ROOT/examples/corpus/news.jsonl"
# the sizes depend on LMDB's pages
sizes() { sed -E 's/"(file|used|map)_bytes":[0-9]+/"\1_bytes":N/g'; }
"$ND" index create -q ix
"$ND" index add -q ix "$news" >answers.jsonl 2>err.txt
rc=$?
if grep -q 'not built yet' err.txt; then
    cat err.txt >&2
    echo "skipped: this neardup's index has no passages or stories (their placeholders were linked)" >&2
    exit 77
fi
echo "== add: exit $rc"
cat err.txt answers.jsonl
echo "== query"
sed -n 1p "$news" | sed 's/"vdp-2024-0412-rail"/"vdp-late-edition"/; s/three weeks/four weeks/g' >late.jsonl
"$ND" index query ix late.jsonl
echo "== query --answers duplicates: the cluster and pairs only"
"$ND" index query --answers duplicates ix late.jsonl
echo "== query --answers story: the full query's story, no passages"
"$ND" index query --answers story ix late.jsonl
echo "== query --answers passages,duplicates: no story"
"$ND" index query --answers passages,duplicates ix late.jsonl
echo "== get"
"$ND" index get ix ledger-7781 kitchen-notes-212
echo "== replace, remove"
sed -n 3p "$news" | sed 's/Tourism/Mountain tourism/' | "$ND" index add ix - >r.jsonl
cut -c1-60 r.jsonl
"$ND" index remove ix vdp-2024-0412-rail
"$ND" index stats ix | sizes
"$ND" index verify ix

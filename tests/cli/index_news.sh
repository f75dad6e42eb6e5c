# neardup index on the example corpus: create, add (one answer line per document:
# its cluster, pairs and passages with the indexed documents, its story), add
# again (unchanged), query (nothing written; a document is answered as if it
# were not indexed), get, remove, stats, verify, compact. The pairs are dedup's
# (tests/cli/readme_dedup_outputs.sh): a is the indexed document, b the new one.
set -eu
exec 2>&1
news="$ROOT/examples/corpus/news.jsonl"
sizes() { sed -E 's/"(file|used|map)_bytes":[0-9]+/"\1_bytes":N/g'; }
echo "== create"
"$ND" index create --no-passages --no-stories ix
echo "== add"
"$ND" index add ix "$news"
echo "== stats"
"$ND" index stats ix | sizes
echo "== add again: unchanged"
"$ND" index add --batch 3 -o again.jsonl ix "$news"
grep -c '"change":"unchanged"' again.jsonl
echo "== query"
"$ND" index query ix "$news"
echo "== get"
"$ND" index get ix vdp-2024-0412-rail mpa-0412-0931
echo "== remove"
printf 'vdp-2024-0412-rail\nnot-indexed\n' >ids.txt
"$ND" index remove --ids-file ids.txt ix railfan-hub-5531
"$ND" index get ix vdp-2024-0412-rail-print
"$ND" index stats ix | sizes
echo "== verify"
"$ND" index verify ix
echo "== compact"
"$ND" index compact ix small
"$ND" index verify -q small
"$ND" index stats small | sizes

# neardup serve: every route on examples/corpus/news.jsonl, each with its status and
# body (docs/http-api.md), the query client on the same corpus, SIGTERM exits 0, and
# the index verifies afterwards.
set -eu -o pipefail
. "$ROOT/tests/cli/serve_common.bash"
news=$ROOT/examples/corpus/news.jsonl
"$ND" index create ix
serve_start ix
echo "== GET /healthz"
http GET /healthz
echo "== POST /v1/documents: one document (other fields, like url, are ignored)"
head -1 "$news" >one.json
http POST /v1/documents --data-binary @one.json
echo "== POST /v1/documents: a batch of the other nine, one transaction"
{ printf '{"documents":['; sed -n '2,10p' "$news" | paste -sd, -; printf ']}'; } >batch.json
http POST /v1/documents --data-binary @batch.json
echo "== POST /v1/query: the print edition again under a new id (nothing written)"
sed -n 4p "$news" | sed 's/"id": "vdp-2024-0412-rail-print"/"id": "probe"/' >probe.json
http POST /v1/query --data-binary @probe.json
echo "== POST /v1/query: a batch of one"
{ printf '{"documents":['; cat probe.json; printf ']}'; } >probe-batch.json
http POST /v1/query --data-binary @probe-batch.json
echo "== POST /v1/query: \"answers\" asks for the duplicates only (\"seen it?\")"
sed 's/^{/{"answers": ["duplicates"], /' probe.json >probe-dups.json
http POST /v1/query --data-binary @probe-dups.json
echo "== POST /v1/query: a batch asking for the story, as a string"
{ printf '{"answers":"story","documents":['; cat probe.json; printf ']}'; } >probe-story.json
http POST /v1/query --data-binary @probe-story.json
echo "== GET /v1/documents/ID"
http GET /v1/documents/railfan-hub-5531
echo "== GET /v1/documents/ID, the id percent-encoded"
http GET /v1/documents/kitchen%2Dnotes%2D212
echo "== DELETE /v1/documents/ID"
http DELETE /v1/documents/kitchen-notes-212
echo "== GET /v1/documents/ID after the delete: 404"
http GET /v1/documents/kitchen-notes-212
echo "== GET /v1/stats (sizes left out)"
http GET /v1/stats | sed 's/,"file_bytes".*,"format_version"/,"format_version"/'
echo "== neardup query: the corpus against the index"
"$ND" query --server "$URL" --batch 4 "$news"
echo "== neardup query --answers duplicates"
"$ND" query --server "$URL" --answers duplicates "$news" | head -2
echo "== neardup query --add: the recipe back (others unchanged)"
"$ND" query --server "$URL" --add "$news" | grep -o '"id":"[^"]*","change":"[a-z]*"'
echo "== SIGTERM"
serve_stop TERM
echo "exit $SERVE_RC"
grep -c 'SIGTERM: stopping' serve.log
"$ND" index verify ix
"$ND" index stats ix | sed 's/,"file_bytes".*,"format_version"/,"format_version"/'

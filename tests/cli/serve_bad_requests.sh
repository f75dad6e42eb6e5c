# neardup serve: every bad request gets its 4xx and a JSON error body naming what is
# wrong (docs/http-api.md), and none of them changes the index: its statistics are
# the same before and after, and it verifies once the server is stopped.
set -eu -o pipefail
. "$ROOT/tests/cli/serve_common.bash"
news=$ROOT/examples/corpus/news.jsonl
"$ND" index create ix
serve_start ix --max-body 64K --max-batch 3
{ printf '{"documents":['; sed -n '1,3p' "$news" | paste -sd, -; printf ']}'; } >batch.json
http POST /v1/documents --data-binary @batch.json | cut -c1-3
http GET /v1/stats >before.txt
bad() { echo "== $1"; shift; http "$@"; }
bad "malformed JSON" POST /v1/documents --data '{"id":"x","text":"a b c"'
bad "trailing comma" POST /v1/query --data '{"id":"x","text":"a b c",}'
bad "not an object" POST /v1/documents --data '["x"]'
bad "missing text" POST /v1/documents --data '{"id":"x"}'
bad "missing id" POST /v1/documents --data '{"text":"a b c"}'
bad "id not a string" POST /v1/documents --data '{"id":7,"text":"a b c"}'
bad "text not a string" POST /v1/query --data '{"id":"x","text":["a"]}'
bad "title not a string" POST /v1/documents --data '{"id":"x","text":"a","title":1}'
bad "empty id" POST /v1/documents --data '{"id":"","text":"a b c"}'
bad "bad date" POST /v1/documents --data '{"id":"x","text":"a b c","date":"yesterday"}'
bad "documents not an array" POST /v1/documents --data '{"documents":{"id":"x"}}'
bad "a bad document in a batch: none is added" POST /v1/documents \
    --data '{"documents":[{"id":"y","text":"a b c"},{"id":"z"}]}'
bad "a batch element not an object" POST /v1/documents --data '{"documents":[{"id":"y","text":"a"},3]}'
bad "the same id twice in a batch" POST /v1/documents \
    --data '{"documents":[{"id":"y","text":"a b c"},{"id":"y","text":"d e f"}]}'
bad "answers: an unknown part" POST /v1/query --data '{"id":"x","text":"a b c","answers":["dups"]}'
bad "answers: not an array" POST /v1/query --data '{"id":"x","text":"a b c","answers":3}'
bad "answers: on an add" POST /v1/documents --data '{"id":"x","text":"a b c","answers":"story"}'
printf '{"id":"x","text":"caf\xe9"}' >latin1.json
bad "text not UTF-8 (Latin-1 byte)" POST /v1/documents --data-binary @latin1.json
bad "lone surrogate escape" POST /v1/documents --data '{"id":"x","text":"\ud800"}'
head -c 70000 /dev/zero | tr '\0' a | sed 's/^/{"id":"big","text":"/; s/$/"}/' >big.json
bad "body over --max-body (Content-Length)" POST /v1/documents --data-binary @big.json
bad "body over --max-body (chunked)" POST /v1/documents -H 'Transfer-Encoding: chunked' \
    --data-binary @big.json
{ printf '{"documents":['; sed -n '1,4p' "$news" | paste -sd, -; printf ']}'; } >batch4.json
bad "batch over --max-batch" POST /v1/query --data-binary @batch4.json
bad "unknown route" GET /v2/stats
bad "unknown route under /v1" POST /v1/documentz --data '{}'
bad "wrong method" PUT /v1/documents --data '{}'
echo "== wrong method: the Allow header"
curl -s -i -X DELETE "$URL/v1/stats" | tr -d '\r' | grep -E '^(HTTP|Allow)'
bad "wrong method on a document" POST /v1/documents/ledger-7781 --data '{}'
bad "get an id not in the index" GET /v1/documents/nope
bad "delete an id not in the index" DELETE /v1/documents/nope
bad "delete with %00 in the id (not decoded: ledger-7781 stays)" DELETE /v1/documents/ledger-7781%00x
http GET /v1/stats >after.txt
echo "== statistics unchanged"
cmp before.txt after.txt && echo same
serve_stop TERM
echo "exit $SERVE_RC"
"$ND" index verify ix
"$ND" index stats ix | sed 's/,"file_bytes".*,"format_version"/,"format_version"/'

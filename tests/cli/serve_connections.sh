# neardup serve --max-connections: a request on a connection past the limit gets 503
# with Retry-After and a JSON error; once the others close, requests are served again.
# --read-only: adds and deletes get 403, queries are answered.
set -eu -o pipefail
. "$ROOT/tests/cli/serve_common.bash"
"$ND" index create ix
serve_start ix --max-connections 2
exec 3<>/dev/tcp/127.0.0.1/"$PORT"
exec 4<>/dev/tcp/127.0.0.1/"$PORT"
sleep 0.3
echo "== two idle connections open; a third"
http GET /healthz
curl -s -i "$URL/healthz" | tr -d '\r' | grep -E '^(HTTP|Retry-After)'
exec 3>&- 4>&-
sleep 0.3
echo "== the two closed"
http GET /healthz
serve_stop TERM
echo "exit $SERVE_RC"
serve_start ix --read-only
echo "== --read-only"
http POST /v1/documents --data '{"id":"x","text":"a b c d e f"}'
http DELETE /v1/documents/x
http POST /v1/query --data '{"id":"x","text":"a b c d e f"}' | cut -c1-40
serve_stop INT
echo "exit $SERVE_RC"

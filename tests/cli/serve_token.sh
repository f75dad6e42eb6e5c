# neardup serve: a non-loopback address needs --token-file (refused otherwise, exit 1);
# with a token every route but /healthz needs "Authorization: Bearer TOKEN": missing or
# wrong gives 401 with WWW-Authenticate: Bearer, and changes nothing. neardup query
# sends the token of its --token-file and reports the server's 401.
set -eu -o pipefail
. "$ROOT/tests/cli/serve_common.bash"
news=$ROOT/examples/corpus/news.jsonl
"$ND" index create ix
echo "== --listen 0.0.0.0:8080 without --token-file"
rc=0; "$ND" serve --listen 0.0.0.0:8080 ix 2>err.txt || rc=$?
echo "exit $rc"; cat err.txt
echo "== --listen [::]:8080 without --token-file"
rc=0; "$ND" serve --listen '[::]:8080' ix 2>err.txt || rc=$?
echo "exit $rc"; head -1 err.txt
echo "== an empty token file"
: >empty.tok
rc=0; "$ND" serve --listen 0.0.0.0:0 --token-file empty.tok ix 2>err.txt || rc=$?
echo "exit $rc"; cat err.txt
printf 's3cret-T0ken\n' >tok
printf 'wrong-token\n' >wrong.tok
serve_start ix --token-file tok
echo "== /healthz needs no token"
http GET /healthz
echo "== no token"
http GET /v1/stats
curl -s -i "$URL/v1/stats" | tr -d '\r' | grep -E '^(HTTP|WWW-Authenticate)'
echo "== wrong token"
http POST /v1/documents -H 'Authorization: Bearer wrong' --data '{"id":"x","text":"a b c"}'
echo "== the token as a prefix of the right one"
http GET /v1/stats -H 'Authorization: Bearer s3cret'
echo "== another scheme"
http GET /v1/stats -H 'Authorization: Basic s3cret-T0ken'
echo "== the right token"
http GET /v1/documents/x -H 'Authorization: Bearer s3cret-T0ken'
echo "== neardup query without the token, with a wrong one, with the right one"
rc=0; "$ND" query --server "$URL" "$news" 2>err.txt || rc=$?; echo "exit $rc"; sed "s/$PORT/PORT/g" err.txt
rc=0; "$ND" query --server "$URL" --token-file wrong.tok "$news" 2>err.txt || rc=$?
echo "exit $rc"
"$ND" query --server "$URL" --token-file tok --add "$news" | wc -l
serve_stop TERM
echo "exit $SERVE_RC"
"$ND" index stats ix | grep -o '"docs":[0-9]*'

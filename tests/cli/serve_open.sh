# neardup serve DIR: no index there (exit 2, the message names DIR); --create makes one
# (and opens it as it is the next time); a second server on an index another process
# writes is refused (exit 2); --read-only beside it is served.
set -eu -o pipefail
. "$ROOT/tests/cli/serve_common.bash"
echo "== no index"
rc=0; "$ND" serve --listen 127.0.0.1:0 noix 2>err.txt || rc=$?; echo "exit $rc"; cat err.txt
echo "== --create"
serve_start newix --create
head -1 serve.log
http GET /v1/stats | grep -o '"docs":[0-9]*'
serve_stop INT
echo "exit $SERVE_RC"
serve_start newix --create
head -1 serve.log | sed "s/$PORT/PORT/"
echo "== a second writer"
rc=0; "$ND" serve --listen 127.0.0.1:0 newix 2>err.txt || rc=$?; echo "exit $rc"; cat err.txt
echo "== a reader beside it"
pid=$SERVE_PID
serve_start newix --read-only
http GET /healthz
serve_stop TERM
echo "exit $SERVE_RC"
SERVE_PID=$pid
serve_stop TERM
echo "exit $SERVE_RC"

# serve_common.bash - helpers of the serve_* tests (sourced; not a test itself).
#   serve_start DIR [OPTION...]  starts "$ND serve --listen 127.0.0.1:0 OPTION... DIR" in the
#                                background; sets SERVE_PID, PORT, URL (stderr in serve.log)
#   serve_stop [SIGNAL]          sends SIGNAL (TERM) and waits; sets SERVE_RC
#   http METHOD PATH [CURL_ARG...]  prints "STATUS BODY" (the body's one line)
# Skips (exit 77) when curl is missing.
command -v curl >/dev/null || { echo "skipped: curl not installed" >&2; exit 77; }

serve_start() {
    local dir=$1 i
    shift
    : >serve.log
    "$ND" serve --listen 127.0.0.1:0 "$@" "$dir" 2>>serve.log &
    SERVE_PID=$!
    for i in $(seq 1 200); do
        PORT=$(sed -n 's/^neardup: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' serve.log)
        [ -n "$PORT" ] && break
        kill -0 "$SERVE_PID" 2>/dev/null || { cat serve.log >&2; return 1; }
        sleep 0.05
    done
    [ -n "$PORT" ] || { echo "server did not start" >&2; cat serve.log >&2; return 1; }
    URL=http://127.0.0.1:$PORT
}

serve_stop() {
    kill -"${1:-TERM}" "$SERVE_PID"
    SERVE_RC=0
    wait "$SERVE_PID" || SERVE_RC=$?
}

http() {
    local method=$1 path=$2
    shift 2
    curl -s -o body.out -w '%{http_code}' -X "$method" "$@" "$URL$path" >code.out || true
    printf '%s %s\n' "$(cat code.out)" "$(cat body.out)"
}

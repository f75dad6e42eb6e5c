# neardup serve: SIGTERM (and SIGINT) while clients write: the server stops accepting,
# lets the writes in flight end, closes the index and exits 0; every document whose
# add was acknowledged (HTTP 200) is in the index, which verifies.
set -eu -o pipefail
. "$ROOT/tests/cli/serve_common.bash"
python3 - <<'P' >docs.jsonl
import random
r = random.Random(7)
words = ["w%d" % i for i in range(3000)]
for i in range(400):
    print('{"id":"d%d","text":"%s"}' % (i, " ".join(r.choice(words) for _ in range(60))))
P
"$ND" index create ix
for sig in TERM INT; do
    serve_start ix
    : >acked.txt
    # two writers, batches of 5, each recording the ids of the batches answered 200
    for w in 0 1; do
        (
            n=0
            while :; do
                from=$(( (w * 40 + n) * 5 % 400 + 1 ))
                { printf '{"documents":['; sed -n "${from},$((from + 4))p" docs.jsonl |
                    paste -sd, -; printf ']}'; } >"b$w.json"
                code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"b$w.json" \
                    "$URL/v1/documents") || break
                [ "$code" = 200 ] || break
                sed -n "${from},$((from + 4))p" docs.jsonl | sed 's/^{"id":"\([^"]*\)".*/\1/' \
                    >>acked.txt
                n=$((n + 1))
            done
        ) &
    done
    sleep 0.4
    serve_stop "$sig"
    wait
    echo "SIG$sig: exit $SERVE_RC"
    grep -c "SIG$sig: stopping" serve.log
    grep -c 'index closed' serve.log
    [ -s acked.txt ] || { echo "no write was acknowledged"; exit 1; }
    "$ND" index verify ix >/dev/null
    sort -u acked.txt >ids.txt
    "$ND" index get ix $(cat ids.txt) | grep -c '"id"' >found.txt
    [ "$(cat found.txt)" = "$(wc -l <ids.txt)" ] && echo "every acknowledged document found"
done

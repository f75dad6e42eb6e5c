# dedup -o (issue 10, item 4): WARC records and JSON Lines (or lines) in one
# run cannot make one corpus: refused like whole files mixed with records,
# nothing written; without -o the mix is read as before.
set -euo pipefail
T='The harbour ferry will run every twenty minutes from the first of June, the council said.'
printf '{"id":"j1","text":"%s"}\n' "$T" >a.jsonl
body="$T"
printf 'WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://x.example/1\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n' \
    "${#body}" "$body" >b.warc
"$ND" dedup -q --removed - a.jsonl b.warc
rc=0; "$ND" dedup -q -o out.warc a.jsonl b.warc || rc=$?
echo "rc=$rc"
ls

# Ids (issue 10, item 5): an id holding an escaped NUL ("b\u0000x") is kept
# whole, so it stays distinct from "b", and is written back escaped in every
# output (clusters, pairs, removed, reuse, stories, similarity); an id that is
# an array, an object or a boolean is no id: a warning says so and the record
# gets its file and line as id, as a missing or null id does (silently).
# Numbers are ids as their JSON text.
set -euo pipefail
T='The harbour ferry will run every twenty minutes from the first of June, the council said on Monday.'
{
    printf '{"id":"b","text":"%s"}\n' "$T"
    printf '{"id":"b\\u0000x","text":"%s"}\n' "$T"
    printf '{"id":"b\\u0000y","text":"%s"}\n' "$T"
    printf '{"id":[1,2],"text":"%s"}\n' "$T"
    printf '{"id":{"k":1},"text":"%s"}\n' "$T"
    printf '{"id":true,"text":"%s"}\n' "$T"
    printf '{"id":null,"text":"%s"}\n' "$T"
    printf '{"id":7.50,"text":"%s"}\n' "$T"
} >a.jsonl
echo "== removed"
"$ND" dedup -q --removed - a.jsonl 2>&1
echo "== clusters"
"$ND" dedup -q --clusters - a.jsonl 2>/dev/null
echo "== listing"
"$ND" dedup -q a.jsonl 2>/dev/null
echo "== stories"
"$ND" stories -q a.jsonl 2>/dev/null | grep -o '"members":.*'
echo "== similarity"
printf '{"a":"b\\u0000x","b":"b"}\n' >pairs.jsonl
"$ND" similarity -q --pairs pairs.jsonl a.jsonl 2>/dev/null

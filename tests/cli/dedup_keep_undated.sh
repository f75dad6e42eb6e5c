# dedup --keep earliest (issue 10, item 9): an empty or unparseable date is no
# date, so such a record is never kept over a dated one; dates compare as
# instants (09:00+02:00 is 07:00Z, before 08:30Z), ties keep input order.
set -euo pipefail
T='The harbour ferry will run every twenty minutes from the first of June, the council said on Monday, with extra boats at weekends.'
{
    printf '{"id":"empty","date":"","text":"%s"}\n' "$T"
    printf '{"id":"junk","date":"yesterday","text":"%s"}\n' "$T"
    printf '{"id":"0900+0200","date":"2024-05-02T09:00:00+02:00","text":"%s"}\n' "$T"
    printf '{"id":"0830Z","date":"2024-05-02T08:30:00Z","text":"%s"}\n' "$T"
} >a.jsonl
"$ND" dedup -q --keep earliest --removed - a.jsonl
echo "== undated only: input order"
grep -v '"20' a.jsonl >b.jsonl
"$ND" dedup -q --keep earliest --removed - b.jsonl

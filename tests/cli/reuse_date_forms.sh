# reuse --window reads dates in the forms news archives and mail use, not only
# ISO 8601: RFC 2822 (with a zone, a comment), news-wire 26-FEB-2019
# 15:01:01.79, "Feb 26, 2019", Unix seconds as a JSON number or a string. The
# same paragraph in five documents: those dated within a day of one another
# share it, the one two years later shares it with none of them, and the one
# whose date cannot be read (undated) with all. A date in no such form is
# counted, with the first and its line, in the summary.
set -eu -o pipefail
P="The harbour authority said on Tuesday that the northern quay would stay closed to container ships until the cranes damaged in the storm had been inspected and repaired by the engineers"
printf '%s\n' \
  "{\"id\":\"rfc\",\"date\":\"Tue, 26 Feb 2019 10:01:01 -0500 (EST)\",\"text\":\"First. $P.\"}" \
  "{\"id\":\"wire\",\"date\":\"26-FEB-2019 17:30:00.79\",\"text\":\"Second. $P.\"}" \
  "{\"id\":\"unix\",\"date\":1551240000,\"text\":\"Third. $P.\"}" \
  "{\"id\":\"later\",\"date\":\"Feb 26, 2021\",\"text\":\"Fourth. $P.\"}" \
  "{\"id\":\"bad\",\"date\":\"26/02/2019\",\"text\":\"Fifth. $P.\"}" \
  "{\"id\":\"bad2\",\"date\":\"the day before\",\"text\":\"Sixth, unrelated: rain.\"}" >news.jsonl
"$ND" reuse --keep-boilerplate --copies --window 1 --min-words 10 -o p.jsonl news.jsonl 2>&1 | grep -v wall
python3 - <<'PY'
import json
pairs = sorted({tuple(sorted((p["a"], p["b"]))) for p in map(json.loads, open("p.jsonl"))})
for a, b in pairs:
    print(a, b)
PY

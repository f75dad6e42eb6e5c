# reuse on a small JSON Lines corpus with sources and dates: passages with
# byte offsets and the earlier document as the likely source, the passage
# cluster of a sentence quoted three times, the boilerplate footer of one
# outlet (not a passage), --no-same-source and --window.
set -eu -o pipefail
cat >news.jsonl <<'J'
{"id":"a1","source":"outlet-a","date":"2023-06-20T09:00:00Z","text":"Police raided the camp on Tuesday.\nThe ministry said: Some unconventional electronic devices, including a number of drones, were seized by the police.\nMore details will follow later today.\nAll content by Outlet A is licensed under a Creative Commons licence."}
{"id":"b1","source":"outlet-b","date":"2023-06-21","text":"A statement was issued. Some unconventional electronic devices, including a number of drones, were seized by the police, according to the statement. Reporters could not confirm it."}
{"id":"a2","source":"outlet-a","date":"2023-06-22T10:30:00+02:00","text":"Weather warnings were issued for the coast and the hills.\nAll content by Outlet A is licensed under a Creative Commons licence."}
{"id":"c1","source":"outlet-c","date":"not a date","text":"Quoting the ministry: Some unconventional electronic devices, including a number of drones, were seized by the police; nothing else."}
J
echo "== passages"
"$ND" reuse -q --clusters clusters.jsonl --boilerplate boiler.jsonl news.jsonl
echo "== clusters"; cat clusters.jsonl
echo "== boilerplate"; cat boiler.jsonl
echo "== --no-same-source --window 0.5 --no-text"
"$ND" reuse -q --no-same-source --window 0.5 --no-text news.jsonl
echo "== --keep-boilerplate: the footer is a passage of a1 and a2"
"$ND" reuse -q --keep-boilerplate --no-text news.jsonl | grep '"a2"'

# dedup: JSON Lines happy path. One exact duplicate (of a short note), one
# near-duplicate (a ~120-word paragraph with a title line and a footer added),
# unrelated documents, a numeric id and a record without id. Checks
# --clusters, --pairs, --removed and -o byte for byte, and that -o keeps every
# kept record exactly as it was (all fields, spacing, escapes) in input order.
set -eu
P='The river valley was settled long ago by farmers who planted wheat and barley along the fertile banks. Each spring the floods brought fresh silt, and the villages grew up around the water mills that ground the grain. Traders came upstream by boat from the coast, carrying salt, cloth and iron tools, and they went home with sacks of flour and casks of beer. Over the centuries the small markets became towns, and the towns built stone bridges, churches and halls where the guilds met. The old roads that follow the water are still used today, although the mills have fallen silent and most of the fields are now pasture for sheep and cattle. Visitors walk the towpaths in summer and stop at the inns that once served the boatmen.'
N='Remember to water the tomatoes on the balcony every evening while we are away.'
{
printf '{"id": "valley", "lang": "en", "text": "%s", "meta": {"source": "wiki", "rank": 1}}\n' "$P"
printf '{"id":"note-1","text":"%s","tags":["home","todo"],"score":0.25}\n' "$N"
printf '{"text":"Quantum computers use qubits that can hold superpositions of states, which lets some algorithms finish faster.","lang":"en"}\n'
printf '{"id":42,"text":"A History of the Valley\\n\\n%s\\n\\nCopyright 2024 Valley Press. All rights reserved.","lang":"en"}\n' "$P"
printf '{"id":"note-2","text":"%s","tags":["copy"],"note":"caf\\u00e9 \\"quoted\\""}\n' "$N"
printf '{"id":"poem","text":"Über den Wipfeln ist Ruh, in allen Gipfeln spürest du kaum einen Hauch."}\n'
} >corpus.jsonl
"$ND" dedup --clusters clusters.jsonl --pairs pairs.jsonl --removed removed.jsonl \
    -o unique.jsonl corpus.jsonl
echo "== clusters"; cat clusters.jsonl
echo "== pairs"; cat pairs.jsonl
echo "== removed"; cat removed.jsonl
echo "== output"; cat unique.jsonl
# the kept records, untouched and in input order: the input minus lines 4 and 5
sed '4,5d' corpus.jsonl | cmp - unique.jsonl && echo "output = input lines 1-3 and 6, byte for byte"
echo "== files"; ls

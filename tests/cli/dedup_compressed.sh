# dedup: gzip and zstd inputs are recognised by their magic bytes, whatever the
# file name (here .dat/.txt/none), including a gzip file of two concatenated
# members. JSON Lines inside compressed files give plain JSON Lines with -o;
# whole-file documents that were compressed are copied as they are (still
# compressed) into the -o directory.
set -eu
command -v zstd >/dev/null || { echo "zstd CLI not installed" >&2; exit 1; }
A='Volunteers cleaned the beach on Sunday morning and collected forty bags of plastic, glass and fishing line.'
B='The new tram line will connect the university with the central station from next spring, with trams every six minutes at peak hours and a night service on Fridays and Saturdays.'
printf '{"id":"g1","text":"%s"}\n' "$A" | gzip -9 >part1.dat
{ printf '{"id":"g2","text":"%s"}\n' "$B" | gzip; printf '{"id":"g3","text":"Unrelated: the choir rehearses on Tuesdays."}\n' | gzip; } >part2
printf '{"id":"z1","text":"%s"}\n{"id":"z2","text":"Update: %s"}\n' "$A" "$B" \
    | zstd -q >part3.txt
"$ND" dedup -q --clusters clusters.jsonl -o unique.jsonl part1.dat part2 part3.txt
echo "== clusters"; cat clusters.jsonl
echo "== output (plain JSON Lines)"; cat unique.jsonl
echo "== whole files"
mkdir docs
printf '%s\n' "$A" | gzip >docs/a.gz
printf '%s\n' "$A" | zstd -q >docs/b
printf '%s\n' "$B" | zstd -q >docs/c.zst
printf '%s\n' "$B" >docs/d.txt
"$ND" dedup --removed - -o kept docs
find kept | LC_ALL=C sort
cmp docs/a.gz kept/a.gz && cmp docs/c.zst kept/c.zst && echo "compressed files copied unchanged"
echo "== files"; ls

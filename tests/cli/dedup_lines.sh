# dedup --lines: each line of a text file is one document, id "<path>:<line>".
# -o writes the kept lines, byte for byte (a CRLF line keeps its "\r"; blank
# lines have no words, are never matched and are kept), in input order.
set -eu
S='Every morning the baker lights the oven before dawn, kneads the dough for the first loaves and sets out the rolls to rise while the town is still asleep.'
{
printf '%s\n' "$S"
printf 'The bus to the airport leaves every twenty minutes from the main square.\r\n'
printf '\n'
printf '%s\n' "$S"
printf '%s Read more on page 4\n' "$S"
printf 'The bus to the airport leaves every twenty minutes from the main square.\n'
printf 'A completely different line about mountain goats and their hooves.'
} >lines.txt
"$ND" dedup --lines --clusters clusters.jsonl --removed removed.jsonl -o unique.txt lines.txt
echo "== clusters"; cat clusters.jsonl
echo "== removed"; cat removed.jsonl
echo "== output (cat -A, middles cut)"
cat -A unique.txt | awk 'length($0) > 30 { $0 = substr($0, 1, 20) "..." substr($0, length($0) - 5) } 1'
{ sed -n '1,3p' lines.txt; printf 'A completely different line about mountain goats and their hooves.\n'; } \
    | cmp - unique.txt && echo "output = lines 1-3 and 7 (a newline added to the last), byte for byte"
echo "== listing"
"$ND" dedup -q --format lines lines.txt
echo "== files"; ls

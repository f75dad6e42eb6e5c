# dedup --exact: exact copies only, the same normalisation as dedup (case,
# Unicode forms, spacing and punctuation do not tell two texts apart), the
# same outputs and survivor policy; near-duplicates are not looked for, and
# options only near-duplicates use are refused. The same pairs as the exact
# pairs of a full run.
set -eu
P='Reading old letters is a slow pleasure. The paper is thin and yellow, the ink has faded to brown, and every page smells faintly of the drawer it was kept in for fifty years.'
{
printf '{"id":"a","text":"%s"}\n' "$P"
printf '{"id":"b","text":"%s"}\n' "$(printf '%s' "$P" | tr 'a-z' 'A-Z')"
printf '{"id":"c","text":"  %s  (copied)"}\n' "$P"
printf '{"id":"d","text":"%s!!"}\n' "$(printf '%s' "$P" | sed 's/ /  /g; s/\./ ;/g')"
printf '{"id":"e","text":"Caf\\u00e9 au lait, \\uff21\\uff22\\uff23 and caf\\u00e9 cr\\u00e8me."}\n'
printf '{"id":"f","text":"CAF\\u00c9 AU LAIT  abc and cafe\\u0301 cr\\u00e8me"}\n'
printf '{"id":"g","text":"a very long note"}\n'
printf '{"id":"h","text":"A very long note."}\n'
printf '{"id":"i","text":"...!!!"}\n'
printf '{"id":"j","text":""}\n'
} >c.jsonl
echo "== listing"
"$ND" dedup --exact c.jsonl
echo "== pairs, keep longest"
"$ND" dedup -q --exact --keep longest --pairs - --removed removed.jsonl c.jsonl
cat removed.jsonl
echo "== the exact pairs of a full run"
"$ND" dedup -q --templates off --pairs - c.jsonl | grep '"exact"' >full.txt
"$ND" dedup -q --exact --pairs - c.jsonl >ex.txt
cmp full.txt ex.txt && echo "same pairs"
echo "== refused"
"$ND" dedup --exact --threshold 0.5 c.jsonl || echo "exit $?"
"$ND" dedup --exact --fast c.jsonl || echo "exit $?"
echo "== a directory (each file measured on opening: one past --max-record is skipped)"
mkdir -p d/sub
printf 'hello world again\n' >d/a.txt
printf 'Hello, World again!\n' >d/sub/b.txt
head -c 5000 /dev/zero | tr '\0' a >d/big.txt
"$ND" dedup --exact --max-record 4K d

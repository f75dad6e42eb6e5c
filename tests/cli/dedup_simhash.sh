# dedup --method simhash: 64-bit SimHash fingerprints and permuted tables find the
# candidates (fingerprints at most --simhash-k bits apart), verified as with MinHash.
# On the example corpus only the exact copy is found: the near-duplicate pair
# (resemblance 0.89) and the contained article are 10 bits apart, past k = 8.
# On a generated corpus of 400-word texts, a one-word edit (resemblance 0.99) is
# found at k = 3, with exact figures, and with --fast, with figures estimated from
# the Hamming distance; an added footer (resemblance 0.98) needs k = 6 with this
# seed. On 1,000 near-copies of 200 texts, threads and a spilling memory budget change
# nothing; -v names the tables.
set -eu
C="$ROOT/examples/corpus/news.jsonl"
echo "== example, k 3 and 8"
"$ND" dedup -q --method simhash --pairs - "$C"
"$ND" dedup -q --method simhash --simhash-k 8 --pairs - "$C"
"$ND" dedup -v --method simhash --clusters /dev/null "$C" 2>&1 | grep SimHash
"$ND" dedup -v --method simhash --simhash-k 0 --clusters /dev/null "$C" 2>&1 | grep SimHash
awk 'BEGIN {
    srand(11)
    for (d = 0; d < 3; d++) {
        t = ""
        for (w = 0; w < 400; w++) t = t (w ? " " : "") "w" int(rand() * 5000)
        base[d] = t
    }
    printf "{\"id\":\"a\",\"text\":\"%s\"}\n", base[0]
    edit = base[0]
    sub(/ w[0-9]+ /, " changed ", edit)
    printf "{\"id\":\"a-edit\",\"text\":\"%s\"}\n", edit
    printf "{\"id\":\"b\",\"text\":\"%s\"}\n", base[1]
    printf "{\"id\":\"b-footer\",\"text\":\"%s one two three four five six seven\"}\n", base[1]
    printf "{\"id\":\"c\",\"text\":\"%s\"}\n", base[2]
}' >gen.jsonl
echo "== generated, exact figures"
"$ND" dedup -q --method simhash --pairs - gen.jsonl
"$ND" dedup --method simhash gen.jsonl 2>/dev/null
echo "== generated, --fast"
"$ND" dedup -q --method simhash --fast --pairs - gen.jsonl
"$ND" dedup -q --method simhash --simhash-k 6 --pairs - gen.jsonl
echo "== threads and spill"
awk 'BEGIN {
    srand(5)
    for (d = 0; d < 200; d++) {
        t = ""
        for (w = 0; w < 400; w++) t = t (w ? " " : "") "w" int(rand() * 5000)
        base[d] = t
    }
    for (i = 0; i < 1000; i++) {
        t = base[int(rand() * 200)]
        if (rand() < 0.5) sub(/ w[0-9]+ /, " edit" i " ", t)
        printf "{\"id\":\"d%03d\",\"text\":\"%s\"}\n", i, t
    }
}' >many.jsonl
for k in 3 8; do
    for f in "" --fast; do
        "$ND" dedup -q --method simhash --simhash-k $k $f -T 1 --pairs p1.jsonl \
            --clusters c1.jsonl many.jsonl
        "$ND" dedup -v --method simhash --simhash-k $k $f -T 3 --memory 1M --pairs p2.jsonl \
            --clusters c2.jsonl many.jsonl 2>err
        grep -q 'memory budget: spilled' err
        cmp p1.jsonl p2.jsonl && cmp c1.jsonl c2.jsonl &&
            echo "k $k ${f:-exact}: identical, $(wc -l <p1.jsonl) pairs"
    done
done
echo "== minhash still the default"
"$ND" dedup -q --pairs - gen.jsonl | cut -c1-60

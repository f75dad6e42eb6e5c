# dedup: the same run twice gives byte-identical outputs (clusters, pairs,
# removed, -o, the listing and the summary), for the default settings and for
# --fast --scheme oph, on a generated corpus of 400 documents with exact and
# near-duplicates (fixed awk seed: the corpus is the same in both runs).
set -eu
awk 'BEGIN {
    srand(7)
    split("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike " \
          "november oscar papa quebec romeo sierra tango uniform victor whiskey xray " \
          "yankee zulu red green blue black white north south east west", v, " ")
    for (i = 0; i < 100; i++) {
        t = ""
        for (w = 0; w < 40; w++) t = t (w ? " " : "") v[1 + int(rand() * 37)]
        base[i] = t
    }
    for (i = 0; i < 400; i++) {
        b = base[int(rand() * 100)]
        r = rand()
        if (r < 0.3) t = b
        else if (r < 0.6) t = "title " v[1 + int(rand() * 37)] " " b
        else if (r < 0.8) t = b " footer " v[1 + int(rand() * 37)]
        else { t = ""; for (w = 0; w < 30; w++) t = t (w ? " " : "") v[1 + int(rand() * 37)] }
        printf "{\"id\":\"d%03d\",\"text\":\"%s\",\"n\":%d}\n", i, t, i
    }
}' >corpus.jsonl
mkdir a b
for run in a b; do
    "$ND" dedup --clusters $run/c.jsonl --pairs $run/p.jsonl --removed $run/r.jsonl \
        -o $run/o.jsonl corpus.jsonl 2>$run/err
    "$ND" dedup corpus.jsonl >$run/listing 2>>$run/err
    "$ND" dedup --fast --scheme oph --clusters $run/cf.jsonl --pairs $run/pf.jsonl \
        corpus.jsonl 2>>$run/err
done
for f in c.jsonl p.jsonl r.jsonl o.jsonl listing err cf.jsonl pf.jsonl; do
    cmp a/$f b/$f && echo "$f identical"
done
[ -s a/c.jsonl ] && [ -s a/p.jsonl ] && [ -s a/cf.jsonl ] && echo "clusters and pairs found"

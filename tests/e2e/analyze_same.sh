# neardup analyze writes what the four commands write run apart (issue 15): the same
# bytes in clusters, pairs and removed (dedup), boilerplate (boilerplate, and reuse's
# --boilerplate), passages and passage clusters (reuse), and stories (stories), on the
# seed articles and on 20 Newsgroups, and the digests (digest) on the seed articles; and the same files, report.html included, for 1
# and 2 threads.
set -eu
same() { # same NAME INPUT...: analyze against the four commands on INPUT
    local name=$1; shift
    mkdir -p "$name.apart"
    # two lanes at once (each run has serial stages that leave a core idle)
    { "$ND" analyze -q -o "$name" "$@"
      cd "$name.apart"
      "$ND" dedup -q --clusters clusters.jsonl --pairs pairs.jsonl --removed removed.jsonl "$@"
      "$ND" boilerplate -q -o boilerplate-cmd.jsonl "$@"; } &
    local lane=$!
    (cd "$name.apart"
     "$ND" reuse -q -o passages.jsonl --clusters passage-clusters.jsonl \
         --boilerplate boilerplate.jsonl "$@"
     "$ND" stories -q -o stories.jsonl "$@")
    wait "$lane"
    for f in clusters pairs removed boilerplate passages passage-clusters stories; do
        cmp "$name/$f.jsonl" "$name.apart/$f.jsonl"
    done
    cmp "$name/boilerplate.jsonl" "$name.apart/boilerplate-cmd.jsonl"
    echo "$name: $(wc -l < "$name/clusters.jsonl") clusters, $(wc -l < "$name/passages.jsonl")" \
         "passages, $(wc -l < "$name/stories.jsonl") stories: the same as apart"
}
seeds="$SHARED/seeds"
same seeds "$seeds"
"$ND" digest -q -o seeds.apart/digest.jsonl "$seeds"   # the digest too (seeds only: time)
cmp seeds/digest.jsonl seeds.apart/digest.jsonl
same 20ng "$SHARED/data/20ng/docs.jsonl.gz"
"$ND" analyze -q -T 1 -o t1 "$seeds"
"$ND" analyze -q -T 2 -o t2 "$seeds"
for f in t1/*; do cmp "$f" "t2/${f#t1/}"; done
echo "seeds: $(ls t1 | wc -l) files, the same for 1 and 2 threads"

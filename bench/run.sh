#!/usr/bin/env bash
# bench/run.sh - what `make bench` runs: neardup against its peers on a generated corpus.
#
# Environment (all optional):
#   BENCH_SIZE=1G            size of the main corpus (100M for a quick run)
#   BENCH_SEED=20261123      seed of every generated corpus
#   BENCH_ROWS="main exact recall scaling memory reuse stories analyze report digest mpi"
#                            which rows to run
#   BENCH_MPI_SIZE=$BENCH_SIZE  mpi row: size of its corpus (the main corpus by default)
#   BENCH_SIMHASH_DOCS=5000  simhash compares all pairs: it runs on the corpus's first N docs
#   BENCH_SCALE_DOCS=50000   scaling row: N and 4N documents of BENCH_SCALE_WORDS=150 words
#   BENCH_MEM_DOCS=5000000   memory row: documents of BENCH_MEM_WORDS=30 words
#   BENCH_MEM_LIMIT=512M     memory row: the --memory value
#   BENCH_EXACT_DIR_DOCS=50000  exact row: dedup --exact on a directory of the first N docs
#   BENCH_RECALL_DOCS=20000  recall row: documents sampled (at random) for the exact truth
#   BENCH_SCALE_SAMPLE_DOCS=8000  scaling row: dedup, reuse, stories on N and 4N sampled docs
#   BENCH_REUSE_SIZE=$BENCH_SIZE  reuse row: size of its corpus (the main corpus by default)
#   BENCH_REUSE_MEM=1G       reuse row: the --memory of its third run (-T 2 under a budget)
#   BENCH_STORIES_SIZE=$BENCH_SIZE  stories row: size of its corpus (the main corpus by default)
#   BENCH_STORIES_MEM=        stories row: a --memory value for its runs (none by default)
#   BENCH_STORIES_PASSAGES=1  stories row: 0 skips the third run (-T 2 with passages)
#   BENCH_ANALYZE_SIZE=$BENCH_SIZE  analyze row: size of its corpus (the main corpus)
#   BENCH_ANALYZE_T=2        analyze row: the threads of every run
#   BENCH_DIGEST_SIZE=$BENCH_SIZE  digest row: size of its corpus (the main corpus)
#   BENCH_DIGEST_T=2         digest row: the threads of stories and digest
#   BENCH_TMP=/dev/shm       where simhash's one-file-per-document copy goes (tmpfs)
#
# Each tool reads the same file, already in the page cache; GNU time gives the wall
# time and peak RSS of the tool alone; `neardup eval --json` scores every tool's
# clusters against the generator's gold clusters. The table is printed and written
# to bench/results/bench-DATE-SIZE.json with the machine's facts. Work files go to
# bench/data/run-SIZE-sSEED/ (gitignored). See docs/benchmarks.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SIZE=${BENCH_SIZE:-1G}
SEED=${BENCH_SEED:-20261123}
ROWS=${BENCH_ROWS:-main exact recall scaling memory reuse stories analyze report digest mpi}
MPI_SIZE=${BENCH_MPI_SIZE:-$SIZE}
SIM_DOCS=${BENCH_SIMHASH_DOCS:-5000}
SCALE_DOCS=${BENCH_SCALE_DOCS:-50000}
SCALE_WORDS=${BENCH_SCALE_WORDS:-150}
MEM_DOCS=${BENCH_MEM_DOCS:-5000000}
MEM_WORDS=${BENCH_MEM_WORDS:-30}
MEM_LIMIT=${BENCH_MEM_LIMIT:-512M}
EXACT_DIR_DOCS=${BENCH_EXACT_DIR_DOCS:-50000}
RECALL_DOCS=${BENCH_RECALL_DOCS:-20000}
SCALE_SAMPLE_DOCS=${BENCH_SCALE_SAMPLE_DOCS:-8000}
REUSE_SIZE=${BENCH_REUSE_SIZE:-$SIZE}
REUSE_MEM=${BENCH_REUSE_MEM:-1G}
STORIES_SIZE=${BENCH_STORIES_SIZE:-$SIZE}
STORIES_MEM=${BENCH_STORIES_MEM:-}
STORIES_PASSAGES=${BENCH_STORIES_PASSAGES:-1}
ANALYZE_SIZE=${BENCH_ANALYZE_SIZE:-$SIZE}
ANALYZE_T=${BENCH_ANALYZE_T:-2}
DIGEST_SIZE=${BENCH_DIGEST_SIZE:-$SIZE}
DIGEST_T=${BENCH_DIGEST_T:-2}
TMPBASE=${BENCH_TMP:-/dev/shm}
ND=$ROOT/neardup
LIB=$ROOT/bench/benchlib.py
GEN=$ROOT/bench/gen_corpus.py

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

[ -x /usr/bin/time ] || die "GNU time is missing (apt-get install time; scripts/install-bench-deps.sh)"
say "seed $SEED (set BENCH_SEED to change); rows: $ROWS"
make -s -j2 neardup >&2

WORK=$ROOT/bench/data/run-$SIZE-s$SEED
rm -rf "$WORK"
mkdir -p "$WORK" "$ROOT/bench/results"
RESULTS=$WORK/rows.jsonl
: >"$RESULTS"

# The Go peer, built offline against Debian's packaged sources.
GO_PEER=""
if command -v go >/dev/null && [ -d /usr/share/gocode/src/github.com/ekzhu/minhash-lsh ]; then
    mkdir -p "$ROOT/bench/data/bin"
    (cd "$ROOT/bench/peers/minhashlsh" && GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= \
        GOCACHE=$ROOT/bench/data/gocache go build -o "$ROOT/bench/data/bin/minhashlsh" .) >&2
    GO_PEER=$ROOT/bench/data/bin/minhashlsh
else
    say "golang-go or golang-github-ekzhu-minhash-lsh-dev missing: no minhash-lsh row"
fi
HAVE_T=0
"$ND" dedup --help 2>&1 | grep -q -- ' -T' && HAVE_T=1
HAVE_MEM=0
"$ND" dedup --help 2>&1 | grep -q -- '--memory' && HAVE_MEM=1

# timed NAME CMD... : runs CMD under GNU time into $WORK/NAME.time; its stderr to NAME.err
timed() {
    local name=$1
    shift
    if ! /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.time" "$@" 2>"$WORK/$name.err"; then
        tail -5 "$WORK/$name.err" >&2
        die "$name failed (see $WORK/$name.err)"
    fi
}

# score NAME CLUSTERS GOLD_DIR CORPUS : eval against gold.jsonl and gold-all.jsonl
score() {
    "$ND" eval --json --gold "$3/gold.jsonl" --corpus "$4" "$2" >"$WORK/$1.near.json"
    "$ND" eval --json --gold "$3/gold-all.jsonl" --corpus "$4" "$2" >"$WORK/$1.all.json"
}

# add ROW TOOL INPUT BYTES DOCS NAME [NOTE] : one row from NAME's time and scores
add() {
    R_ROW=$1 R_TOOL=$2 R_INPUT=$3 R_BYTES=$4 R_DOCS=$5 R_TIME=$WORK/$6.time \
    R_EVAL_NEAR=$WORK/$6.near.json R_EVAL_ALL=$WORK/$6.all.json R_NOTE=${7:-} \
        python3 "$LIB" row "$RESULTS"
}

corpus() {  # corpus ARGS... : generate (or reuse) a corpus, print its directory
    local d
    d=$(python3 "$GEN" --seed "$SEED" --print-dir "$@")
    echo "$d" >>"$WORK/corpora.txt"
    echo "$d"
}
meta() { python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['bytes'], m['counts']['documents'])" "$1/meta.json"; }

T_FLAGS=("-T 1" "-T 2")
T_NOTE=""
if [ "$HAVE_T" = 0 ]; then
    T_FLAGS=("")
    T_NOTE="no -T option in this build: default threads"
    say "$T_NOTE"
fi

main_rows() {
    local dir bytes docs t name
    dir=$(corpus --size "$SIZE")
    read -r bytes docs < <(meta "$dir")
    local c=$dir/corpus.jsonl
    cat "$c" >/dev/null   # into the page cache
    for t in "${T_FLAGS[@]}"; do
        name="nd${t// /}"
        say "neardup ${t:-(default)} on $c"
        # shellcheck disable=SC2086
        timed "$name" "$ND" dedup -q $t --clusters "$WORK/$name.clusters" "$c"
        score "$name" "$WORK/$name.clusters" "$dir" "$c"
        add main "neardup${t:+ $t}" "corpus $SIZE" "$bytes" "$docs" "$name" "$T_NOTE"
    done
    # Containment among LSH's candidates only (what every run did before the
    # containment sample, issue 13): the sample's cost is the ratio of the two rows.
    say "neardup --no-containment-sample on $c"
    timed ndnocs "$ND" dedup -q --no-containment-sample --clusters "$WORK/ndnocs.clusters" "$c"
    score ndnocs "$WORK/ndnocs.clusters" "$dir" "$c"
    add main "neardup --no-containment-sample" "corpus $SIZE" "$bytes" "$docs" ndnocs \
        "default threads; contained documents found among LSH's candidates only"
    # The task the Go peer does: near-duplicates only (containment off), all cores.
    say "neardup -c 0 (near-duplicates only) on $c"
    timed ndc0 "$ND" dedup -q -c 0 --clusters "$WORK/ndc0.clusters" "$c"
    score ndc0 "$WORK/ndc0.clusters" "$dir" "$c"
    add main "neardup -c 0" "corpus $SIZE" "$bytes" "$docs" ndc0 \
        "default threads (one per core); containment off: near-duplicates only, the peer's task"
    if [ -n "$GO_PEER" ]; then
        say "ekzhu/minhash-lsh on $c"
        cat "$c" >/dev/null
        timed go "$GO_PEER" -clusters "$WORK/go.clusters" "$c"
        score go "$WORK/go.clusters" "$dir" "$c"
        add main "ekzhu/minhash-lsh (Go)" "corpus $SIZE" "$bytes" "$docs" go \
            "128 perm, LSH t=0.8, pairs kept by MinHash estimate >= 0.8; $(tail -1 "$WORK/go.err")"
    fi
    if command -v simhash >/dev/null; then
        # simhash -m compares every pair of files: the first SIM_DOCS documents only.
        local sub=$WORK/subset.jsonl sdir sbytes
        python3 "$LIB" subset "$c" "$SIM_DOCS" "$sub"
        sbytes=$(stat -c %s "$sub")
        docs=$(wc -l <"$sub")
        mkdir -p "$WORK/gold-subset"
        python3 "$LIB" gold-subset "$dir/gold.jsonl" "$sub" "$WORK/gold-subset/gold.jsonl"
        python3 "$LIB" gold-subset "$dir/gold-all.jsonl" "$sub" "$WORK/gold-subset/gold-all.jsonl"
        sdir=$(mktemp -d "$TMPBASE/nd-bench-simhash.XXXXXX")
        python3 "$LIB" files "$sub" "$sdir"
        local tb
        tb=$(du -sb "$sdir" | cut -f1)
        say "simhash -m on the first $docs documents (files in $sdir)"
        timed simhash sh -c 'cd "$1" && exec simhash -m -- * >"$2"' sh "$sdir" "$WORK/simhash.matrix"
        rm -rf "$sdir"
        python3 "$LIB" simhash-clusters "$WORK/simhash.matrix" "$sub" 0.8 "$WORK/simhash.clusters"
        score simhash "$WORK/simhash.clusters" "$WORK/gold-subset" "$sub"
        add main "simhash" "first $docs docs" "$tb" "$docs" simhash \
            "all-pairs matrix (-m), 8-byte shingles, 128 features, pairs >= 0.8; one file per document in tmpfs, bytes = texts only"
        # The same matrix at a lower threshold: simhash works on raw bytes, so case
        # changes and re-wrapping lower its similarities (same run, same time).
        python3 "$LIB" simhash-clusters "$WORK/simhash.matrix" "$sub" 0.5 "$WORK/simhash5.clusters"
        cp "$WORK/simhash.time" "$WORK/simhash5.time"
        score simhash5 "$WORK/simhash5.clusters" "$WORK/gold-subset" "$sub"
        add main "simhash (pairs >= 0.5)" "first $docs docs" "$tb" "$docs" simhash5 \
            "the same matrix and time, pairs >= 0.5"
        local tf=${T_FLAGS[0]}
        # shellcheck disable=SC2086
        timed ndsub "$ND" dedup -q $tf --clusters "$WORK/ndsub.clusters" "$sub"
        score ndsub "$WORK/ndsub.clusters" "$WORK/gold-subset" "$sub"
        add main "neardup${tf:+ $tf}" "first $docs docs" "$sbytes" "$docs" ndsub \
            "the simhash subset, as JSON Lines"
    else
        say "simhash missing: no simhash row"
    fi
}

# Exact copies only (dedup --exact, issue 14): the corpus as JSON Lines, then its first
# EXACT_DIR_DOCS documents as a directory of one file each (in tmpfs), with jdupes and
# rdfind on the same directory (byte-identical files only: they do not normalise).
exact_rows() {
    local dir c bytes docs sub edir tb n same
    dir=$(corpus --size "$SIZE")
    read -r bytes docs < <(meta "$dir")
    c=$dir/corpus.jsonl
    cat "$c" >/dev/null
    say "neardup dedup --exact -T 1 on $c"
    timed ndexact "$ND" dedup -q -T 1 --exact --clusters "$WORK/ndexact.clusters" "$c"
    score ndexact "$WORK/ndexact.clusters" "$dir" "$c"
    add exact "neardup --exact -T 1" "corpus $SIZE" "$bytes" "$docs" ndexact \
        "exact copies only (the normalised text's hash), one thread; scored against all gold pairs, most of them near-duplicates"
    sub=$WORK/exact-subset.jsonl
    python3 "$LIB" subset "$c" "$EXACT_DIR_DOCS" "$sub"
    n=$(wc -l <"$sub")
    edir=$(mktemp -d "$TMPBASE/nd-bench-exact.XXXXXX")
    python3 "$LIB" files "$sub" "$edir"
    tb=$(du -sb --apparent-size "$edir" | cut -f1)
    say "neardup dedup --exact -T 1 on a directory of $n files ($edir)"
    timed ndexactsub "$ND" dedup -q -T 1 --exact --removed "$WORK/ndexactsub.removed" "$sub"
    timed ndexactdir "$ND" dedup -q -T 1 --exact --removed "$WORK/ndexactdir.removed" "$edir"
    # the same documents removed, read as JSON Lines or as files (%08d = line number)
    same=$(python3 -c "import json, sys
ids = [json.loads(l)['id'] for l in open(sys.argv[1])]
a = sorted(json.loads(l)['id'] for l in open(sys.argv[2]))
b = sorted(ids[int(json.loads(l)['id'])] for l in open(sys.argv[3]))
print('true' if a == b else 'false', len(a))" "$sub" "$WORK/ndexactsub.removed" "$WORK/ndexactdir.removed")
    R_EXTRA="{\"removed\": ${same#* }, \"same_as_jsonl\": ${same% *}}" \
        add exact "neardup --exact -T 1" "$n files" "$tb" "$n" ndexactdir \
        "a directory, one file a document; removes the same documents as on the JSON Lines: ${same% *}"
    # the peers list each set of identical files (jdupes: a blank line after each set;
    # rdfind: results.txt, one line a file past the first of its set)
    if command -v jdupes >/dev/null; then
        say "jdupes -r on the directory"
        timed jdupes sh -c 'exec jdupes -r -q "$1" >"$2"' sh "$edir" "$WORK/jdupes.out"
        R_EXTRA="{\"removed\": $(awk 'NF {f++} !NF {s++} END {print f - s}' "$WORK/jdupes.out")}" \
            add exact "jdupes -r" "$n files" "$tb" "$n" jdupes "byte-identical files only"
    fi
    if command -v rdfind >/dev/null; then
        say "rdfind -dryrun true on the directory"
        (cd "$WORK" && timed rdfind rdfind -dryrun true "$edir" >/dev/null)
        R_EXTRA="{\"removed\": $(grep -c '^DUPTYPE_WITHIN_SAME_TREE' "$WORK/results.txt" || true)}" \
            add exact "rdfind -dryrun true" "$n files" "$tb" "$n" rdfind "byte-identical files only"
    fi
    rm -rf "$edir"
}

# Recall against the exact truth (issue 14): every pair of a random sample of the
# corpus whose exact resemblance is >= 0.8 (bench/exact_truth.py: prefix filtering,
# exact Jaccard of the 5-word shingle sets, independent of neardup), and how many of
# them neardup's --pairs report, at the defaults and with LSH alone.
recall_rows() {
    local dir c sub bytes n name flags
    dir=$(corpus --size "$SIZE")
    c=$dir/corpus.jsonl
    sub=$WORK/recall-sample.jsonl
    python3 "$ROOT/bench/exact_truth.py" sample "$c" "$RECALL_DOCS" "$SEED" "$sub"
    bytes=$(stat -c %s "$sub")
    n=$(wc -l <"$sub")
    say "recall: the exact pairs >= 0.8 among $n sampled documents (a minute or two)"
    python3 "$ROOT/bench/exact_truth.py" truth "$sub" 0.8 5 "$WORK/recall-truth.json"
    for name in recall recall-lsh; do
        flags=""
        [ "$name" = recall-lsh ] && flags=--no-containment-sample
        # shellcheck disable=SC2086
        timed "$name" "$ND" dedup -q $flags --pairs "$WORK/$name.pairs" "$sub"
        python3 "$ROOT/bench/exact_truth.py" score "$sub" "$WORK/recall-truth.json" \
            "$WORK/$name.pairs" >"$WORK/$name.score"
        R_EXTRA=$(cat "$WORK/$name.score") add recall "neardup${flags:+ $flags}" \
            "$n sampled docs" "$bytes" "$n" "$name" "$(python3 -c "import json, sys
e = json.load(open(sys.argv[1]))
print('recall %.4f of %d pairs with exact resemblance >= 0.8, precision %.4f of %d claimed' % (e['recall'], e['true_pairs'], e['precision'], e['claimed']))" "$WORK/$name.score")"
    done
}

scaling_rows() {
    local n=$SCALE_DOCS d1 d4 b1 n1 b4 n4
    d1=$(corpus --docs "$n" --doc-words "$SCALE_WORDS")
    d4=$(corpus --docs $((4 * n)) --doc-words "$SCALE_WORDS")
    read -r b1 n1 < <(meta "$d1")
    read -r b4 n4 < <(meta "$d4")
    local tf=${T_FLAGS[0]}
    cat "$d1/corpus.jsonl" "$d4/corpus.jsonl" >/dev/null
    say "scaling: neardup on $n1 and $n4 documents"
    # shellcheck disable=SC2086
    timed scale1 "$ND" dedup -q $tf --clusters "$WORK/scale1.clusters" "$d1/corpus.jsonl"
    # shellcheck disable=SC2086
    timed scale4 "$ND" dedup -q $tf --clusters "$WORK/scale4.clusters" "$d4/corpus.jsonl"
    score scale1 "$WORK/scale1.clusters" "$d1" "$d1/corpus.jsonl"
    score scale4 "$WORK/scale4.clusters" "$d4" "$d4/corpus.jsonl"
    local ratio cratio
    ratio=$(python3 -c "import sys
def f(p): return open(p).read().split()[-4:]
a, b = f(sys.argv[1]), f(sys.argv[2])
print('%.2f %.2f' % (float(b[0]) / float(a[0]), (float(b[1]) + float(b[2])) / (float(a[1]) + float(a[2]))))" \
        "$WORK/scale1.time" "$WORK/scale4.time")
    read -r ratio cratio <<<"$ratio"
    add scaling "neardup${tf:+ $tf}" "$n1 docs" "$b1" "$n1" scale1 ""
    R_EXTRA="{\"time_ratio_4x\": $ratio, \"cpu_ratio_4x\": $cratio, \"target\": 4.4}" \
        add scaling "neardup${tf:+ $tf}" "$n4 docs (4x)" "$b4" "$n4" scale4 \
        "4x docs: wall x$ratio, cpu x$cratio (target <= 4.4)"
    sample_scaling
}

# dedup, reuse and stories on N and 4N documents drawn at random (seeded, not a prefix)
# from the BENCH_SIZE corpus: the CPU ratio of the two (issue 14's target: <= 4.2).
sample_scaling() {
    local c s1 s4 b1 b4 n1 n4 cmd name cr
    c=$(corpus --size "$SIZE")/corpus.jsonl
    s1=$WORK/scale-sample1.jsonl
    s4=$WORK/scale-sample4.jsonl
    python3 "$ROOT/bench/exact_truth.py" sample "$c" "$SCALE_SAMPLE_DOCS" "$SEED" "$s1"
    python3 "$ROOT/bench/exact_truth.py" sample "$c" $((4 * SCALE_SAMPLE_DOCS)) "$SEED" "$s4"
    b1=$(stat -c %s "$s1")
    b4=$(stat -c %s "$s4")
    n1=$(wc -l <"$s1")
    n4=$(wc -l <"$s4")
    cat "$s1" "$s4" >/dev/null
    for cmd in dedup reuse stories; do
        for k in 1 4; do
            name=scale-$cmd-$k
            say "scaling: neardup $cmd -T 1 on the sample of $k x $SCALE_SAMPLE_DOCS documents"
            case $cmd in
                dedup) timed "$name" "$ND" dedup -q -T 1 --clusters /dev/null "$WORK/scale-sample$k.jsonl" ;;
                reuse) timed "$name" "$ND" reuse -q -T 1 --no-text -o /dev/null "$WORK/scale-sample$k.jsonl" ;;
                stories) timed "$name" "$ND" stories -q -T 1 -o /dev/null "$WORK/scale-sample$k.jsonl" ;;
            esac
        done
        cr=$(python3 -c "import sys
def f(p): return open(p).read().split()[-4:]
a, b = f(sys.argv[1]), f(sys.argv[2])
print('%.2f' % ((float(b[1]) + float(b[2])) / (float(a[1]) + float(a[2]))))" \
            "$WORK/scale-$cmd-1.time" "$WORK/scale-$cmd-4.time")
        add scaling "neardup $cmd -T 1" "$n1 sampled docs" "$b1" "$n1" "scale-$cmd-1" "random sample"
        R_EXTRA="{\"cpu_ratio_4x\": $cr, \"target\": 4.2}" \
            add scaling "neardup $cmd -T 1" "$n4 sampled docs (4x)" "$b4" "$n4" "scale-$cmd-4" \
            "4x documents, random sample: cpu x$cr (target <= 4.2)"
    done
}

memory_rows() {
    local d b n
    d=$(corpus --docs "$MEM_DOCS" --doc-words "$MEM_WORDS")
    read -r b n < <(meta "$d")
    cat "$d/corpus.jsonl" >/dev/null
    say "memory: neardup unbounded on $n documents"
    timed memfree "$ND" dedup -q --clusters "$WORK/memfree.clusters" "$d/corpus.jsonl"
    score memfree "$WORK/memfree.clusters" "$d" "$d/corpus.jsonl"
    add memory "neardup" "$n short docs" "$b" "$n" memfree "unbounded"
    if [ "$HAVE_MEM" = 1 ]; then
        say "memory: neardup --memory $MEM_LIMIT"
        timed memcap "$ND" dedup -q --memory "$MEM_LIMIT" --tmp "$WORK" \
            --clusters "$WORK/memcap.clusters" "$d/corpus.jsonl"
        local same=false
        cmp -s "$WORK/memfree.clusters" "$WORK/memcap.clusters" && same=true
        R_EXTRA="{\"identical_to_unbounded\": $same, \"memory\": \"$MEM_LIMIT\"}" \
            add memory "neardup --memory $MEM_LIMIT" "$n short docs" "$b" "$n" memcap \
            "clusters byte-identical to unbounded: $same (target: RSS <= 600 MB)"
    else
        R_BYTES=$b R_DOCS=$n R_ROW=memory R_TOOL="neardup --memory $MEM_LIMIT" \
            R_INPUT="$n short docs" R_NOTE="skipped: no --memory option in this build" \
            python3 "$LIB" row "$RESULTS"
        say "no --memory option in this build: bounded run skipped"
    fi
}

# reuse: `neardup reuse` with -T 1 and -T 2, scored on the reused passages the
# generator injected (a paragraph of one base inside another: gold-passages.jsonl).
reuse_rows() {
    if ! "$ND" reuse --help >/dev/null 2>&1; then
        R_BYTES=0 R_DOCS=0 R_ROW=reuse R_TOOL="neardup reuse" R_INPUT="corpus $REUSE_SIZE" \
            R_NOTE="skipped: no reuse command in this build" python3 "$LIB" row "$RESULTS"
        say "no reuse command in this build: reuse row skipped"
        return
    fi
    local dir bytes docs t name c same=false extra note
    dir=$(corpus --size "$REUSE_SIZE")
    read -r bytes docs < <(meta "$dir")
    c=$dir/corpus.jsonl
    python3 "$LIB" plagdet-cases "$dir/gold-passages.jsonl" "$WORK/reuse.cases" "$WORK/reuse.pairs"
    cat "$c" >/dev/null
    for t in 1 2 M; do
        name=reuseT$t
        if [ "$t" = M ]; then
            say "neardup reuse -T 2 --memory $REUSE_MEM on $c"
            timed "$name" "$ND" reuse -v --no-text -T 2 --memory "$REUSE_MEM" \
                -o "$WORK/$name.passages" "$c"
        else
            say "neardup reuse -T $t on $c"
            timed "$name" "$ND" reuse -v --no-text -T "$t" -o "$WORK/$name.passages" "$c"
        fi
        "$ND" eval --json --gold-pairs "$dir/gold-passages.jsonl" "$WORK/$name.passages" \
            >"$WORK/$name.pairs.json"
        "$ND" eval --json --plagdet --gold "$WORK/reuse.cases" --pairs "$WORK/reuse.pairs" \
            "$WORK/$name.passages" >"$WORK/$name.plagdet.json"
    done
    for t in 1 2 M; do
        name=reuseT$t
        same=false
        cmp -s "$WORK/reuseT1.passages" "$WORK/$name.passages" && same=true
        { read -r extra; read -r note; } < <(python3 "$LIB" reuse-note "$WORK" "$t" "$same")
        tool="neardup reuse --no-text -T $t"
        [ "$t" = M ] && tool="neardup reuse --no-text -T 2 --memory $REUSE_MEM"
        R_EXTRA=$extra R_EVAL_PAIRS=$WORK/$name.pairs.json R_EVAL_PLAGDET=$WORK/$name.plagdet.json \
            add reuse "$tool" "corpus $REUSE_SIZE" "$bytes" "$docs" "$name" "$note"
    done
}

# stories: `neardup stories` with --no-reuse at -T 1 and -T 2, then -T 2 with passages
# (the default). No quality score against a story gold: the corpus has none. The
# copies-only figure is the recall of gold.jsonl's near-duplicate pairs inside one story.
stories_rows() {
    if ! "$ND" stories --help >/dev/null 2>&1; then
        R_BYTES=0 R_DOCS=0 R_ROW=stories R_TOOL="neardup stories" R_INPUT="corpus $STORIES_SIZE" \
            R_NOTE="skipped: no stories command in this build" python3 "$LIB" row "$RESULTS"
        say "no stories command in this build: stories row skipped"
        return
    fi
    local dir bytes docs c r name same extra note tool runs=(N1 N2)
    local mem=()
    [ -n "$STORIES_MEM" ] && mem=(--memory "$STORIES_MEM" --tmp "$WORK")
    [ "$STORIES_PASSAGES" = 1 ] && runs+=(P2)
    dir=$(corpus --size "$STORIES_SIZE")
    read -r bytes docs < <(meta "$dir")
    c=$dir/corpus.jsonl
    cat "$c" >/dev/null
    for r in "${runs[@]}"; do
        name=stories$r
        tool="neardup stories"
        [ "${r:0:1}" = N ] && tool+=" --no-reuse"
        tool+=" -T ${r:1}"
        [ -n "$STORIES_MEM" ] && tool+=" --memory $STORIES_MEM"
        say "$tool on $c"
        # shellcheck disable=SC2046
        timed "$name" "$ND" stories $([ "${r:0:1}" = N ] && echo --no-reuse) -T "${r:1}" \
            "${mem[@]}" -o "$WORK/$name.stories" "$c"
        "$ND" eval --json --gold "$dir/gold.jsonl" --corpus "$c" "$WORK/$name.stories" \
            >"$WORK/$name.copies.json"
        same=false
        cmp -s "$WORK/storiesN1.stories" "$WORK/$name.stories" && same=true
        { read -r extra; read -r note; } < <(python3 "$LIB" stories-note "$WORK" "$r" "$same")
        R_EXTRA=$extra add stories "$tool" "corpus $STORIES_SIZE" "$bytes" "$docs" "$name" "$note"
    done
}

# digest: `neardup digest` against `neardup stories` on the same corpus, each -T
# $DIGEST_T (the digest finds the stories as stories does, then digests each); then one
# story of 100 documents, -T 1: the five seed articles (../shared/seeds), each told by
# 20 sources, read back as one story (--stories), the seconds of nd_digest_run from -v.
digest_rows() {
    local dir bytes docs c t=$DIGEST_T seeds=${SHARED:-$ROOT/../shared}/seeds extra note
    dir=$(corpus --size "$DIGEST_SIZE")
    read -r bytes docs < <(meta "$dir")
    c=$dir/corpus.jsonl
    cat "$c" >/dev/null
    say "neardup stories -T $t on $c"
    timed digest-stories "$ND" stories -q -T "$t" -o "$WORK/digest.stories" "$c"
    say "neardup digest -T $t on $c"
    timed digest-all "$ND" digest -v -T "$t" -o "$WORK/digest.jsonl" "$c"
    extra=$(python3 - "$WORK/digest-all.time" "$WORK/digest-stories.time" "$WORK/digest-all.err" <<'PY'
import json, re, sys
a, s = (open(p).read().split() for p in sys.argv[1:3])
line = [l for l in open(sys.argv[3]) if "neardup: digest:" in l]
print(json.dumps({"wall_ratio_to_stories": round(float(a[0]) / float(s[0]), 3),
                  "digest_stage": line[0].strip() if line else ""}))
PY
)
    note="wall $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["wall_ratio_to_stories"])' "$extra")x stories' on the same input"
    R_EXTRA=$extra add digest "neardup digest -T $t" "corpus $DIGEST_SIZE" "$bytes" "$docs" \
        digest-all "$note"
    add digest "neardup stories -T $t" "corpus $DIGEST_SIZE" "$bytes" "$docs" digest-stories
    if [ ! -d "$seeds" ]; then
        R_BYTES=0 R_DOCS=0 R_ROW=digest R_TOOL="neardup digest (100-document story)" \
            R_INPUT="seeds x 20" R_NOTE="skipped: no ../shared/seeds" python3 "$LIB" row "$RESULTS"
        return
    fi
    python3 - "$seeds" "$WORK/story100.jsonl" "$WORK/story100.stories" <<'PY'
import json, os, sys
seeds, out, st = sys.argv[1:4]
docs = []
for k in range(20):
    for f in sorted(os.listdir(seeds)):
        docs.append({"id": "%s-%02d" % (f[:3], k), "source": "outlet %02d of %s" % (k, f[:3]),
                     "text": open(os.path.join(seeds, f), encoding="utf-8").read()})
with open(out, "w") as fp:
    for d in docs:
        fp.write(json.dumps(d) + "\n")
with open(st, "w") as fp:
    fp.write(json.dumps({"story": 0, "members": [{"id": d["id"]} for d in docs]}) + "\n")
PY
    say "neardup digest -T 1 on one story of 100 documents"
    timed digest-100 "$ND" digest -v -T 1 --stories "$WORK/story100.stories" \
        -o "$WORK/story100.digest" "$WORK/story100.jsonl"
    extra=$(python3 - "$WORK/digest-100.err" <<'PY'
import json, re, sys
line = [l for l in open(sys.argv[1]) if "neardup: digest:" in l][0]
m = re.search(r"in ([0-9.]+) s\)?;? ?.*?the largest, story \d+ of (\d+) documents, in ([0-9.]+) s", line)
print(json.dumps({"story_documents": int(m.group(2)), "story_seconds": float(m.group(3))}))
PY
)
    note="one story of $(python3 -c 'import json,sys; e=json.loads(sys.argv[1]); print("%d documents digested in %.3f s" % (e["story_documents"], e["story_seconds"]))' "$extra") (nd_digest_run; wall: the whole run)"
    R_EXTRA=$extra add digest "neardup digest -T 1 (100-document story)" "seeds x 20" \
        "$(stat -c %s "$WORK/story100.jsonl")" 100 digest-100 "$note"
}

# analyze: `neardup analyze` (one read for the five analyses) against dedup, boilerplate,
# reuse, stories and digest run apart, each -T $ANALYZE_T, on one corpus: wall and CPU time
# summed over the five, peak RSS the largest of them; the outputs compared with cmp.
analyze_rows() {
    local dir bytes docs c t=$ANALYZE_T a=$WORK/analyze p=$WORK/apart same=true f
    dir=$(corpus --size "$ANALYZE_SIZE")
    read -r bytes docs < <(meta "$dir")
    c=$dir/corpus.jsonl
    cat "$c" >/dev/null
    say "neardup analyze -T $t on $c"
    timed analyze "$ND" analyze -q -T "$t" -o "$a" "$c"
    mkdir -p "$p"
    say "dedup, boilerplate, reuse, stories and digest -T $t apart on $c"
    timed apart-dedup "$ND" dedup -q -T "$t" --clusters "$p/clusters.jsonl" \
        --pairs "$p/pairs.jsonl" --removed "$p/removed.jsonl" "$c"
    timed apart-boilerplate "$ND" boilerplate -q -T "$t" -o "$p/boilerplate.jsonl" "$c"
    timed apart-reuse "$ND" reuse -q -T "$t" -o "$p/passages.jsonl" \
        --clusters "$p/passage-clusters.jsonl" "$c"
    timed apart-stories "$ND" stories -q -T "$t" -o "$p/stories.jsonl" "$c"
    timed apart-digest "$ND" digest -q -T "$t" -o "$p/digest.jsonl" "$c"
    for f in clusters pairs removed boilerplate passages passage-clusters stories digest; do
        cmp -s "$a/$f.jsonl" "$p/$f.jsonl" || { same=false; say "analyze: $f.jsonl differs"; }
    done
    # the five runs as one: summed times, the largest peak RSS
    awk '{w += $1; u += $2; s += $3; if ($4 > m) m = $4} END {printf "%.2f %.2f %.2f %d\n", w, u, s, m}' \
        "$WORK"/apart-{dedup,boilerplate,reuse,stories,digest}.time >"$WORK/apart.time"
    local extra note
    extra=$(python3 - "$WORK/analyze.time" "$WORK/apart.time" "$same" "$a/report.html" <<'PY'
import json, os, sys
a = [float(x) for x in open(sys.argv[1]).read().split()[-4:]]
b = [float(x) for x in open(sys.argv[2]).read().split()[-4:]]
print(json.dumps({"same_output": sys.argv[3] == "true",
                  "wall_ratio_vs_apart": round(a[0] / b[0], 2),
                  "cpu_ratio_vs_apart": round((a[1] + a[2]) / (b[1] + b[2]), 2),
                  "rss_ratio_vs_largest_apart": round(a[3] / b[3], 2),
                  "report_bytes": os.path.getsize(sys.argv[4])}))
PY
)
    note=$(python3 -c "import json,sys; e=json.loads(sys.argv[1]); print('against the five run apart: wall x%.2f, CPU x%.2f, peak RSS x%.2f of the largest; outputs %s; report.html %.1f MB' % (e['wall_ratio_vs_apart'], e['cpu_ratio_vs_apart'], e['rss_ratio_vs_largest_apart'], 'identical' if e['same_output'] else 'DIFFERENT', e['report_bytes'] / 1e6))" "$extra")
    R_EXTRA=$extra add analyze "neardup analyze -T $t" "corpus $ANALYZE_SIZE" "$bytes" "$docs" \
        analyze "$note"
    add analyze "dedup + boilerplate + reuse + stories + digest -T $t" "corpus $ANALYZE_SIZE" \
        "$bytes" "$docs" apart "the five run apart: times summed, the largest peak RSS"
    [ "$same" = true ] || die "analyze's outputs differ from the five commands'"
}

# report: report.html of 20 Newsgroups (../shared/data/20ng, when it is there) in
# headless Chromium: its size, and the time from the start of navigation to the first
# view drawn (the page's data-first-view-ms), the best of 3 loads.
report_rows() {
    local ng=${SHARED:-$ROOT/../shared}/data/20ng/docs.jsonl.gz best="" ms i
    if [ ! -f "$ng" ] || ! command -v chromium >/dev/null; then
        R_BYTES=0 R_DOCS=0 R_ROW=report R_TOOL="report.html" R_INPUT="20ng" \
            R_NOTE="skipped: no ../shared/data/20ng or no chromium" python3 "$LIB" row "$RESULTS"
        say "report row skipped (20ng or chromium missing)"
        return
    fi
    say "neardup analyze on $ng, then report.html in headless Chromium"
    timed report-analyze "$ND" analyze -q -o "$WORK/report20ng" "$ng"
    local page=$WORK/report20ng/report.html
    for i in 1 2 3; do
        HOME=$WORK timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
            --dump-dom "file://$page" 2>/dev/null >"$WORK/report-dom.html" || die "chromium failed"
        ms=$(grep -o 'data-first-view-ms="[0-9]*"' "$WORK/report-dom.html" | grep -o '[0-9]*')
        [ -n "$ms" ] || die "report.html drew no first view"
        { [ -z "$best" ] || [ "$ms" -lt "$best" ]; } && best=$ms
    done
    local docs
    docs=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['documents'])" \
        "$WORK/report20ng/summary.json")
    R_EXTRA=$(printf '{"first_view_ms": %s, "report_bytes": %s}' "$best" "$(stat -c %s "$page")") \
        add report "report.html in headless Chromium" "20ng" "$(zcat "$ng" | wc -c)" "$docs" \
        report-analyze "first view drawn $best ms after navigation starts (best of 3); page $(( $(stat -c %s "$page") / 1000000 )) MB; time: analyze"
}

# mpi: neardup-mpi on 2 processes of 1 thread against neardup on 1 process of 2
# threads, same corpus, same output (cmp), for dedup (corpus $MPI_SIZE) and
# reuse (corpus $REUSE_SIZE); bytes sent per document per stage and each
# process's peak RSS, from neardup-mpi -v.
mpi_rows() {
    if ! command -v mpicc >/dev/null || ! command -v mpirun >/dev/null; then
        R_BYTES=0 R_DOCS=0 R_ROW=mpi R_TOOL="neardup-mpi" R_INPUT="corpus $MPI_SIZE" \
            R_NOTE="skipped: OpenMPI not installed" python3 "$LIB" row "$RESULTS"
        say "OpenMPI not installed: mpi row skipped"
        return
    fi
    make -s -j2 MPI=1 neardup-mpi >&2
    mpi_compare dedup "$MPI_SIZE"
    mpi_compare reuse "$REUSE_SIZE"
}

# mpi_compare CMD SIZE: one process x 2 threads, then 2 processes x 1 thread
mpi_compare() {
    local cmd=$1 size=$2 dir bytes docs c out
    dir=$(corpus --size "$size")
    read -r bytes docs < <(meta "$dir")
    c=$dir/corpus.jsonl
    cat "$c" >/dev/null
    out() {  # the outputs of run $1
        if [ "$cmd" = dedup ]; then
            echo --clusters "$WORK/$1.clusters" --pairs "$WORK/$1.pairs"
        else
            echo --clusters "$WORK/$1.clusters" -o "$WORK/$1.pairs"
        fi
    }
    say "neardup $cmd -T 2 (1 process, 2 threads) on $c"
    # shellcheck disable=SC2046
    timed "mpi-$cmd-1x2" "$ND" "$cmd" -q -T 2 $(out "mpi-$cmd-1x2") "$c"
    say "neardup-mpi $cmd -T 1 on 2 processes on $c"
    # shellcheck disable=SC2046
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        timed "mpi-$cmd-2x1" mpirun -np 2 --bind-to core "$ROOT/neardup-mpi" "$cmd" -v -T 1 \
        $(out "mpi-$cmd-2x1") "$c"
    local same=false
    cmp -s "$WORK/mpi-$cmd-1x2.clusters" "$WORK/mpi-$cmd-2x1.clusters" &&
        cmp -s "$WORK/mpi-$cmd-1x2.pairs" "$WORK/mpi-$cmd-2x1.pairs" && same=true
    if [ "$cmd" = dedup ]; then
        score "mpi-$cmd-1x2" "$WORK/mpi-$cmd-1x2.clusters" "$dir" "$c"
        score "mpi-$cmd-2x1" "$WORK/mpi-$cmd-2x1.clusters" "$dir" "$c"
    fi
    add mpi "neardup $cmd -T 2 (1 process)" "corpus $size" "$bytes" "$docs" "mpi-$cmd-1x2" \
        "1 process x 2 threads: the baseline of the neardup-mpi $cmd row"
    local extra
    extra=$(python3 - "$WORK/mpi-$cmd-2x1.err" "$WORK/mpi-$cmd-1x2.time" \
        "$WORK/mpi-$cmd-2x1.time" "$docs" "$same" <<'PY'
import json, re, sys
err, t1, t2, docs, same = sys.argv[1:]
stages, rss = {}, []
for line in open(err):
    m = re.search(r"stage '([^']+)' sent (\d+) bytes", line)
    if m:
        stages[m.group(1)] = round(int(m.group(2)) / int(docs), 1)
    m = re.search(r"process (\d+): .*peak RSS ([0-9.]+) MB", line)
    if m:
        rss.append(float(m.group(2)))
w1 = float(open(t1).read().split()[-4])
w2 = float(open(t2).read().split()[-4])
print(json.dumps({"bytes_per_doc_by_stage": stages, "peak_rss_mb_by_process": rss,
                  "same_output": same == "true", "wall_ratio_vs_1x2": round(w2 / w1, 2)}))
PY
)
    local note
    note=$(python3 -c "import json,sys; e=json.loads(sys.argv[1]); print('2 processes x 1 thread: wall x%.2f of 1 process x 2 threads; sent %.0f bytes a document in all (%s); peak RSS %s MB; output %s' % (e['wall_ratio_vs_1x2'], sum(e['bytes_per_doc_by_stage'].values()), ', '.join('%s %.1f' % kv for kv in e['bytes_per_doc_by_stage'].items()), '/'.join('%.0f' % x for x in e['peak_rss_mb_by_process']), 'identical' if e['same_output'] else 'DIFFERENT'))" "$extra")
    R_EXTRA=$extra add mpi "neardup-mpi $cmd -np 2 -T 1" "corpus $size" "$bytes" "$docs" \
        "mpi-$cmd-2x1" "$note"
    [ "$same" = true ] || die "neardup-mpi $cmd's output differs from neardup's"
}

for r in $ROWS; do
    case $r in
        mpi) mpi_rows ;;
        main) main_rows ;;
        exact) exact_rows ;;
        recall) recall_rows ;;
        scaling) scaling_rows ;;
        memory) memory_rows ;;
        reuse) reuse_rows ;;
        stories) stories_rows ;;
        analyze) analyze_rows ;;
        report) report_rows ;;
        digest) digest_rows ;;
        *) die "unknown row '$r' in BENCH_ROWS (main, exact, recall, scaling, memory, reuse, stories, analyze, report, digest, mpi)" ;;
    esac
done

# Machine facts and the result file.
python3 - "$WORK/meta.json" "$SIZE" "$SEED" "$ROWS" "$SIM_DOCS" "$REUSE_SIZE" "$STORIES_SIZE" <<'EOF'
import json, os, platform, subprocess, sys, datetime
def sh(*a):
    try:
        return subprocess.run(a, capture_output=True, text=True).stdout.strip()
    except OSError:
        return None
cpu = None
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
mem = None
with open("/proc/meminfo") as f:
    mem = f.readline().split()[1]
pkg = lambda p: sh("dpkg-query", "-W", "-f=${Version}", p) or None
meta = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "size": sys.argv[2], "seed": int(sys.argv[3]), "rows_run": sys.argv[4].split(),
        "simhash_docs": int(sys.argv[5]), "reuse_size": sys.argv[6],
        "stories_size": sys.argv[7],
        "machine": {"nproc": os.cpu_count(), "cpu": cpu, "mem_kb": int(mem),
                    "kernel": platform.release(), "shared": "yes: other jobs ran at the same time"},
        "versions": {"neardup": sh("./neardup", "--version"),
                     "neardup_commit": sh("git", "rev-parse", "--short", "HEAD"),
                     "go": sh("go", "version"),
                     "golang-github-ekzhu-minhash-lsh-dev": pkg("golang-github-ekzhu-minhash-lsh-dev"),
                     "simhash": pkg("simhash")},
        "units": {"MB": "10^6 bytes of the corpus file (simhash: of the document texts)",
                  "peak RSS": "GNU time %M", "recall/precision": "pairwise, neardup eval --json",
                  "passage_pair_recall": "reuse row: injected (source, receiver) passage "
                                         "pairs linked by >= 1 passage (eval --gold-pairs)"}}
corp = {}
used = os.path.join(os.path.dirname(sys.argv[1]), "corpora.txt")
for d in (open(used).read().split() if os.path.exists(used) else []):
    corp[os.path.basename(d)] = json.load(open(os.path.join(d, "meta.json")))
meta["corpora"] = corp
json.dump(meta, open(sys.argv[1], "w"), indent=1)
EOF
OUT=$ROOT/bench/results/bench-$(date +%Y%m%d-%H%M)-$SIZE.json
python3 "$LIB" report "$RESULTS" "$WORK/meta.json" "$OUT"

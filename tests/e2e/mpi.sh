# neardup-mpi (make MPI=1): dedup on 1 to 4 OpenMPI processes on loopback writes
# clusters, pairs and removed ids byte for byte those of neardup dedup, on
# ../shared/seeds (a directory: whole files dealt to the processes), 20
# Newsgroups (gzip: one process reads it; plain: cut into parts at line
# boundaries, default and 1 MB parts; lines format; JSON Lines without ids,
# whose ids are line numbers), a generated 100 MB corpus, and WARC files cut
# between records (plain, gzip, a damaged gzip; false cuts dropped, messages
# those of one process) under several option sets (SimHash, --fast, --keep
# longest, --memory). Then: a process
# killed mid-run (SIGKILL, in the 'bands' stage) fails the job with mpirun
# naming the rank, the others naming the stage, a non-zero exit and no output
# file left; a bad record under --on-error stop on one process stops all with
# status 2 and the file and line named; -o --merge writes the same corpus (a
# file, and a directory of whole files), -o alone a shard a process and a
# manifest that join into it; what cannot run distributed yet
# (--ignore-boilerplate, standard input, stories) is refused with status 1.
# reuse on 1 to 4 processes writes passages, clusters and boilerplate byte for
# byte those of neardup reuse on the seeds, 20 Newsgroups, the 100 MB corpus
# and a gzip WARC,
# and under --memory with a date window and --no-same-source; boilerplate
# --strip the same stripped documents; a process killed in the 'reuse' stage
# fails the job as in dedup. Skipped (77) where OpenMPI is not installed.
set -eu
if ! command -v mpicc >/dev/null || ! command -v mpirun >/dev/null; then
    echo "skipped: OpenMPI is not installed (scripts/install-deps.sh installs it)" >&2
    exit 77
fi
make -C "$ROOT" --no-print-directory -s -j"$(nproc)" MPI=1 neardup-mpi >make.log 2>&1 || { cat make.log; exit 1; }
MPI="$ROOT/neardup-mpi"
# as root in containers; one slot a process whatever the cores
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# waiting processes yield the cores (more processes than cores here)
export OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_mpi_yield_when_idle=1
mpi() { np=$1; shift; mpirun -np "$np" --oversubscribe "$MPI" "$@"; }

seed=${ND_SEED:-20261206}
echo "seed $seed (set ND_SEED to change)"
zcat "$SHARED/data/20ng/docs.jsonl.gz" >20ng.jsonl
python3 - <<'PY'
import json
with open("20ng.jsonl") as f, open("20ng.lines", "w") as lines, open("noid.jsonl", "w") as noid:
    for i, l in enumerate(f):
        d = json.loads(l)
        lines.write(d["text"].replace("\n", " ").replace("\r", " ") + "\n")
        if i % 50 == 0:
            noid.write("\n")  # blank lines count in the line numbers
        noid.write(json.dumps({"text": d["text"]}) + "\n")
PY
python3 "$ROOT/bench/gen_corpus.py" --size 100M --seed "$seed" \
    --text-from /usr/share/common-licenses --out gen >gen.log 2>&1 || { cat gen.log; exit 1; }

cases=0
same() {  # same NAME NPS -- OPTIONS... INPUT...: every np against neardup
    name=$1; nps=$2; shift 3
    "$ND" dedup -q --clusters "$name.c" --pairs "$name.p" --removed "$name.r" "$@"
    for np in $nps; do
        mpi "$np" dedup -q --clusters "$name.$np.c" --pairs "$name.$np.p" \
            --removed "$name.$np.r" "$@"
        for k in c p r; do
            cmp "$name.$k" "$name.$np.$k" || { echo "$name, $np processes: $k differs"; exit 1; }
        done
        cases=$((cases + 1))
    done
    echo "$name: $(wc -l <"$name.c") clusters, $(wc -l <"$name.p") pairs; same for $nps processes"
}
same seeds "1 2 3 4" -- "$SHARED/seeds"
same 20ng-gz "2" -- "$SHARED/data/20ng/docs.jsonl.gz"
same 20ng "1 2 3 4" -- 20ng.jsonl
same 20ng-parts "4" -- --part-size 1M 20ng.jsonl
same 20ng-simhash "3" -- --method simhash --part-size 2M 20ng.jsonl
same 20ng-fast "2" -- --fast --keep longest --part-size 3M 20ng.jsonl
same 20ng-lines "3" -- --format lines --part-size 1M 20ng.lines
same noid "3" -- --part-size 1M noid.jsonl
same mixed "3" -- --memory 8M --part-size 4M "$SHARED/seeds" 20ng.jsonl "$SHARED/data/20ng/docs.jsonl.gz"
same gen "1 2 3 4" -- gen/corpus.jsonl
# WARC cut into byte ranges: plain at records, gzip at members (one a record).
# Candidate cuts inside a record (a WARC/1.0 line in a block; gzip records
# stored in a block) are dropped; ids FILE#N, record numbers, offsets and
# once-a-file warnings are those of one process (tests/e2e/warc_gen.py)
python3 "$ROOT/tests/e2e/warc_gen.py" 20ng.jsonl 8000 w
same warc "2 4" -- --part-size 1M w.warc
same warc-gz "3" -- --part-size 2M w.warc.gz
same warc-damaged "2" -- --part-size 1M w-damaged.warc.gz
same warc-damaged2 "3" -- --part-size 1M w-damaged2.warc.gz
same warc-junk "3" -- --part-size 1M w-junk.warc.gz
# a process whose whole share cannot be read: the others' records stand
same missing "2" -- "$SHARED/seeds" missing.jsonl
# the messages and the summary as one process gives them: "FILE: record N
# (offset O)", the documents read, damage; a file cut (with false cuts
# dropped), or read whole for its damage (which makes the record before the
# damaged member lost, as in one process)
for spec in "w.warc 1M 4 cut" "w.warc.gz 2M 3 cut" "w-damaged2.warc.gz 1M 3 whole" \
            "w-junk.warc.gz 1M 3 whole"; do
    set -- $spec
    "$ND" dedup --removed /dev/null "$1" 2>one.err
    mpi "$3" dedup -v --part-size "$2" --removed /dev/null "$1" 2>np.err
    if [ "$4" = cut ]; then
        grep "split:" np.err
        grep -q "split: 1 of 1 inputs cut into parts (1 WARC)" np.err &&
            grep -Eq "; [1-9][0-9]* WARC cuts dropped" np.err ||
            { cat np.err; echo "$1: expected cut, with cuts dropped"; exit 1; }
    elif grep "split:" np.err; then
        echo "$1: expected read whole"; exit 1
    fi
    pat=': record [0-9]|documents .* read;|before the damage|trailing data'
    grep -E "$pat" one.err | sort >one.msg
    sed 's/^neardup-mpi: rank [0-9]*: /neardup: /' np.err | grep -E "$pat" | sort >np.msg
    [ -s one.msg ] && cmp one.msg np.msg || { diff one.msg np.msg; echo "$1: messages differ"; exit 1; }
done
# every exchange cut into rounds of 64 KB a peer (a test hook): the rounds
# that blocks over 1 GiB (or 2 GiB / P) take
ND_TEST_MPI_ROUND=65536 same rounds "3" -- --part-size 1M 20ng.jsonl
echo "$cases distributed runs identical to one process"

# reuse: passages, clusters and boilerplate as neardup reuse writes them, and
# boilerplate with the stripped documents
rcases=0
same_reuse() {  # same_reuse NAME NPS -- OPTIONS... INPUT...
    name=$1; nps=$2; shift 3
    "$ND" reuse -q --clusters "$name.rc" --boilerplate "$name.rb" -o "$name.rp" "$@"
    for np in $nps; do
        mpi "$np" reuse -q -T 1 --clusters "$name.$np.rc" --boilerplate "$name.$np.rb" \
            -o "$name.$np.rp" "$@"
        for k in rp rc rb; do
            cmp "$name.$k" "$name.$np.$k" || { echo "reuse $name, $np processes: $k differs"; exit 1; }
        done
        rcases=$((rcases + 1))
    done
    echo "reuse $name: $(wc -l <"$name.rp") passages, $(wc -l <"$name.rc") clusters," \
         "$(wc -l <"$name.rb") boilerplate segments; same for $nps processes"
}
same_reuse seeds "1 2 3 4" -- "$SHARED/seeds"
same_reuse 20ng "1 2 3 4" -- 20ng.jsonl
same_reuse gen "1 2 3 4" -- gen/corpus.jsonl
same_reuse warc-gz "3" -- w.warc.gz
# a budget: seeds and hits spill, texts in a file, words fetched in small rounds
same_reuse 20ng-memory "2" -- --memory 16M --window 30 --no-same-source 20ng.jsonl
"$ND" boilerplate -q --strip strip.1 -o boiler.1 20ng.jsonl
mpi 3 boilerplate -q --strip strip.3 -o boiler.3 20ng.jsonl
cmp strip.1 strip.3 && cmp boiler.1 boiler.3 || { echo "boilerplate --strip differs"; exit 1; }
echo "$rcases distributed reuse runs and boilerplate --strip identical to one process"

# a process killed in the middle: KILLDIR STAGE COMMAND OPTIONS... (run in KILLDIR)
killed() {
    mkdir "$1" && cd "$1"
    stage=$2
    shift 2
    ND_TEST_PAUSE_STAGE=$stage:4000 mpirun -np 3 --oversubscribe "$MPI" "$@" >log 2>&1 &
    job=$!
    pid=""
    for _ in $(seq 200); do
        pid=$(sed -n 's/.*rank 1: pid \([0-9]*\): pausing.*/\1/p' log)
        [ -n "$pid" ] && break
        sleep 0.1
    done
    [ -n "$pid" ] || { cat log; echo "rank 1 never reached the pause"; exit 1; }
    kill -9 "$pid"
    rc=0
    wait "$job" || rc=$?
    cat log
    [ "$rc" -ne 0 ] || { echo "a killed rank must fail the job"; exit 1; }
    grep -q "process rank 1 .* exited on signal 9" log || { echo "mpirun did not name rank 1"; exit 1; }
    grep -q "stopped by signal 15 in stage '$stage'" log || { echo "no stage named"; exit 1; }
    [ "$(ls)" = "log" ] || { ls -la; echo "something was left behind"; exit 1; }
    cd ..
}
killed kill bands dedup --clusters out.jsonl ../20ng.jsonl
killed kill2 reuse reuse --clusters c.jsonl -o out.jsonl ../20ng.jsonl

# a bad record on one process stops them all, status 2, file and line named
mkdir bad
printf '{"id":"a","text":"one two three four five six"}\n' >bad/a.jsonl
printf '{"id":"b","text":"seven eight nine ten"}\nnot json\n' >bad/b.jsonl
rc=0
mpi 2 dedup --on-error stop --clusters bad.c bad >bad.log 2>&1 || rc=$?
cat bad.log
[ "$rc" = 2 ] && grep -q "b.jsonl:2" bad.log && [ ! -e bad.c ] ||
    { echo "expected status 2 and b.jsonl:2 named, got $rc"; exit 1; }
# -o: the deduplicated corpus, whole files to a directory too (process 0 reads
# the inputs again)
"$ND" dedup -q -o corpus.1 20ng.jsonl
"$ND" dedup -q -o seeds.1 "$SHARED/seeds"
for np in 2 3; do
    mpi "$np" dedup -q --merge --part-size 1M -o "corpus.$np" 20ng.jsonl
    cmp corpus.1 "corpus.$np"
    mpi "$np" dedup -q -o "seeds.$np" "$SHARED/seeds"
    diff -r seeds.1 "seeds.$np"
done
echo "-o --merge: the same corpus on 2 and 3 processes"
# -o without --merge: a shard a process and a manifest; the shards, joined in
# the manifest's order, are the corpus of one process (compressed too)
"$ND" dedup -q -o one.jsonl.gz 20ng.jsonl
for np in 2 3; do
    mkdir "sh$np"
    mpi "$np" dedup -q --part-size 1M -o "sh$np/kept.jsonl" --clusters "sh$np/c" 20ng.jsonl
    cmp 20ng.c "sh$np/c"
    [ "$(wc -l <"sh$np/kept.jsonl.manifest")" = "$np" ] || { cat "sh$np/kept.jsonl.manifest"; exit 1; }
    python3 - "sh$np" <<'PY'
import json, sys
d = sys.argv[1]
out = b"".join(open(d + "/" + json.loads(l)["shard"], "rb").read()
               for l in open(d + "/kept.jsonl.manifest"))
assert out == open("corpus.1", "rb").read(), "shards differ from the single corpus"
PY
    mpi "$np" dedup -q -o "sh$np/z.jsonl.gz" 20ng.jsonl
    ls "sh$np"/z-*-of-*.jsonl.gz >/dev/null
    cmp <(zcat one.jsonl.gz) <(cat "sh$np"/z-*-of-*.jsonl.gz | zcat)
done
echo "-o: shards and manifest on 2 and 3 processes, joined they are the corpus"
# not yet distributed: refused before reading
rc=0
mpi 2 dedup --ignore-boilerplate --clusters ib.c 20ng.jsonl >o.log 2>&1 || rc=$?
cat o.log
[ "$rc" = 1 ] && grep -q "not available on several processes" o.log && [ ! -e ib.c ] ||
    { echo "expected --ignore-boilerplate refused with status 1"; exit 1; }
rc=0
mpi 2 reuse -o si.jsonl - <20ng.jsonl >o.log 2>&1 || rc=$?
cat o.log
[ "$rc" = 1 ] && grep -q "standard input ('-') is not available" o.log && [ ! -e si.jsonl ] ||
    { echo "expected reuse of standard input refused with status 1"; exit 1; }
rc=0
mpi 2 stories 20ng.jsonl >o.log 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "'stories' does not run on several processes" o.log ||
    { cat o.log; echo "expected stories refused with status 1"; exit 1; }
echo "mpi: ok"

#!/usr/bin/env bash
# bench/index.sh - the index's scale row (issue 11): `neardup index add` one batch
# at a time against batch `neardup dedup` on the same generated corpus, with the
# memory of each (anonymous memory apart from LMDB's file pages) and the index's size.
#
# Environment: INDEX_DOCS=1000000 documents, INDEX_WORDS=60 mean words a document,
# INDEX_SEED=20261205, INDEX_THREADS=1, INDEX_BATCH=auto (add's own: a quarter of the index, 1000 to
# 100000; or a number), INDEX_FULL_DOCS=100000
# (the prefix indexed with passages and stories kept).
# Writes bench/results/index-DATE-DOCS.json; work files in bench/data/index-DOCS/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DOCS=${INDEX_DOCS:-1000000}
WORDS=${INDEX_WORDS:-60}
SEED=${INDEX_SEED:-20261205}
make -s -j2 neardup >&2
corpus_dir=$(python3 bench/gen_corpus.py --docs "$DOCS" --doc-words "$WORDS" --seed "$SEED" \
    --print-dir)
[ -s "$corpus_dir/corpus.jsonl" ] || die=1
if [ -n "${die:-}" ]; then echo "index.sh: no corpus in $corpus_dir" >&2; exit 1; fi
mkdir -p bench/results
out=bench/results/index-$(date -u +%Y%m%d-%H%M)-$DOCS.json
python3 bench/index_scale.py "$ROOT/neardup" "$corpus_dir/corpus.jsonl" "bench/data/index-$DOCS" \
    "$out" --threads "${INDEX_THREADS:-1}" --batch "${INDEX_BATCH:-auto}" \
    --full-docs "${INDEX_FULL_DOCS:-100000}"
echo "index.sh: results in $out (seed $SEED)" >&2

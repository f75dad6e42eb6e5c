# Seeded synthetic check: copies of real documents with 1-10% word edits, a
# new title line or footer, re-wrapped lines. Recall >= 0.95 of pairs whose
# true Jaccard is >= 0.85, precision >= 0.99 (tests/e2e/synth.py).
set -eu
seed=${ND_SEED:-20261123}
echo "seed $seed (set ND_SEED to change)"
python3 "$ROOT/tests/e2e/synth.py" make "$SHARED/data/20ng/docs.jsonl.gz" corpus.jsonl truth.jsonl \
    --seed "$seed" --bases 2000
"$ND" dedup -q --pairs pairs.jsonl corpus.jsonl
python3 "$ROOT/tests/e2e/synth.py" score corpus.jsonl truth.jsonl pairs.jsonl

# Seeded synthetic check: copies of real documents with 1-10% word edits, a
# new title line or footer, re-wrapped lines (tests/e2e/synth.py). At the
# default seed, recall of the pairs whose true Jaccard is >= 0.85 was 0.9907
# (213 of 215) and precision 1.0000 when written: floors 0.985 and 0.995.
# Another seed (ND_SEED) is a different sample: the looser floors 0.95 and 0.99.
set -eu
default_seed=20261123
seed=${ND_SEED:-$default_seed}
echo "seed $seed (set ND_SEED to change)"
if [ "$seed" = "$default_seed" ]; then floors="--min-recall 0.985 --min-precision 0.995"
else floors="--min-recall 0.95 --min-precision 0.99"; fi
python3 "$ROOT/tests/e2e/synth.py" make "$SHARED/data/20ng/docs.jsonl.gz" corpus.jsonl truth.jsonl \
    --seed "$seed" --bases 2000
"$ND" dedup -q --pairs pairs.jsonl corpus.jsonl
# shellcheck disable=SC2086
python3 "$ROOT/tests/e2e/synth.py" score corpus.jsonl truth.jsonl pairs.jsonl $floors

# README, "Scoring against gold clusters": dedup and eval on the 20 Newsgroups
# cross-posts. Needs ../shared beside the checkout ($SHARED), as the e2e tests do.
mkdir checkout
ln -s "$SHARED" shared
cd checkout
. "$ROOT/tests/cli/readme_lib.inc"
show './neardup dedup --clusters 20ng.jsonl ../shared/data/20ng/docs.jsonl.gz'
show './neardup eval --gold ../shared/data/20ng/crossposts.jsonl --corpus ../shared/data/20ng/docs.jsonl.gz 20ng.jsonl'

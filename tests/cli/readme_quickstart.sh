# README, "The first prints, after the compiler lines": ./neardup dedup on the
# example corpus, standard output then standard error.
. "$ROOT/tests/cli/readme_lib.inc"
./neardup dedup examples/corpus/news.jsonl 2>.stderr
cat .stderr

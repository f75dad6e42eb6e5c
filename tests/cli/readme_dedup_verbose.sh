# README, "Main options": dedup -v. The last line's wall and CPU time and peak
# memory vary from run to run; they are printed as "..." here and in the README.
. "$ROOT/tests/cli/readme_lib.inc"
show './neardup dedup -T 2 -v --clusters c.jsonl examples/corpus/news.jsonl' |
    sed -E 's/wall [0-9.]+ s, cpu [0-9.]+ s, peak RSS [0-9.]+ [KMG]?B$/wall ... s, cpu ... s, peak RSS ... MB/'

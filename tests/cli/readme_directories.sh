# README, "Directories".
. "$ROOT/tests/cli/readme_lib.inc"
show './neardup dedup --keep longest -o unique examples/corpus/files'
show 'ls unique'

# dedup: a binary file (a NUL byte among its first bytes) inside a directory
# input is skipped and counted in the summary (named only with -v: a real tree
# holds many); the text files are deduplicated as usual and the binary file is
# not copied to the -o directory (exit 0).
set -eu
mkdir -p docs/img
printf 'Notes from the meeting: the budget was approved and the next review is in May.\n' >docs/a.txt
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\001' >docs/img/logo.png
printf 'Notes from the meeting: the budget was approved and the next review is in May.\n' >docs/b.txt
"$ND" dedup --removed - -o kept docs
find kept | LC_ALL=C sort

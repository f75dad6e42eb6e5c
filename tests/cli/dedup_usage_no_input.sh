# dedup: no input is a usage error: exit 1, a message saying what is missing,
# with a pointer to --help.
"$ND" dedup --clusters out.jsonl
rc=$?
ls
exit "$rc"

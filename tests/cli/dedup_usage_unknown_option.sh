# dedup: an unknown option is a usage error: exit 1, the option named on
# stderr with a pointer to --help, nothing on stdout, nothing written.
printf '{"text":"one two three"}\n' >c.jsonl
"$ND" dedup --clusters out.jsonl --frobnicate c.jsonl
rc=$?
ls
exit "$rc"

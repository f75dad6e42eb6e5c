# dedup: a threshold outside (0, 1] is a usage error: exit 1, the option, the
# value and the valid range on stderr, with a pointer to --help.
printf '{"text":"one two three"}\n' >c.jsonl
"$ND" dedup --threshold 1.5 c.jsonl

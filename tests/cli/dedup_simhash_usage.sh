# dedup: --method other than minhash or simhash, and --simhash-k past 8, are usage
# errors (exit 1): the option and the value on stderr, with a pointer to --help.
printf '{"text":"one two three"}\n' >c.jsonl
"$ND" dedup --method sim c.jsonl && exit 9
[ $? = 1 ] || exit 8
"$ND" dedup --method simhash --simhash-k 9 c.jsonl

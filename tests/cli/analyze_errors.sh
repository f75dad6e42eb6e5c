# analyze's usage errors (exit 1, a message, nothing written): no -o; -o naming a file;
# an output directory that cannot be made (exit 2); an option of another command under
# its own name (--threshold is dedup's -t or stories', so analyze names them apart).
printf '{"id":"a","text":"one two three four five six"}\n' >c.jsonl
echo x >afile
"$ND" analyze c.jsonl; echo "no -o: exit $?"
"$ND" analyze -o afile c.jsonl; echo "-o a file: exit $?"
"$ND" analyze -o /nonexistent-dir/sub c.jsonl; echo "-o cannot be made: exit $?"
"$ND" analyze --threshold 0.5 -o out c.jsonl; echo "--threshold: exit $?"
"$ND" analyze --story-threshold 2 -o out c.jsonl; echo "--story-threshold 2: exit $?"
echo "== files"; ls

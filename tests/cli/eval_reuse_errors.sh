# eval --plagdet / --gold-pairs: malformed CASES, PAIRS, GOLD, --same and
# PASSAGES lines stop the run with exit 2 and a message naming file and line.
set -u
exec 2>&1   # the messages are the expected output
printf '{"suspicious":"s","source":"r","this_offset":0,"this_length":5,"source_offset":0,"source_length":5}\n' >cases.jsonl
printf '{"a":"s","b":"r","a_start":0,"a_end":5,"b_start":0,"b_end":5}\n' >ok.jsonl
printf '{"a":"r","b":"s"}\n' >gold.jsonl
# PASSAGES lines, under --plagdet (line 2; line 1 is valid)
while IFS= read -r l; do
    { cat ok.jsonl; printf '%s\n' "$l"; } >p.jsonl
    "$ND" eval --plagdet --gold cases.jsonl p.jsonl >/dev/null 2>err.txt
    echo "exit $?: $(grep -v '_bytes' err.txt)"
done <<'L'
{"a":"s","b":"r","a_start":0,"a_end":5,"b_start":0}
{"a":"s","b":"r","a_start":-1,"a_end":5,"b_start":0,"b_end":5}
{"a":"s","b":"r","a_start":1.5,"a_end":5,"b_start":0,"b_end":5}
{"a":"s","b":"r","a_start":"1","a_end":5,"b_start":0,"b_end":5}
{"a":"s","b":"r","a_start":0,"a_end":5,"b_start":5,"b_end":5}
{"a":"s","b":"r","a_start":0,"a_end":99999999999999999999,"b_start":0,"b_end":5}
{"a":null,"b":"r","a_start":0,"a_end":5,"b_start":0,"b_end":5}
{"b":"r","a_start":0,"a_end":5,"b_start":0,"b_end":5}
{"a":"s","a":"s","b":"r","a_start":0,"a_end":5,"b_start":0,"b_end":5}
{"a":"s","b":"r","a_start":0,"a_end":5,"b_start":0,"b_end":5,}
["a"]
L
# CASES lines
while IFS= read -r l; do
    printf '%s\n' "$l" >c.jsonl
    "$ND" eval --plagdet --gold c.jsonl ok.jsonl >/dev/null 2>err.txt
    echo "exit $?: $(grep -v 'are compared' err.txt)"
done <<'L'
{"suspicious":"s","source":"r","this_offset":0,"this_length":0,"source_offset":0,"source_length":5}
{"suspicious":"s","source":"r","this_offset":0,"this_length":5,"source_offset":0,"source_length":5,"this_offset_bytes":0}
{"suspicious":"s","source":1.50,"this_offset":0,"this_length":5,"source_offset":0}
{"suspicious":["s"],"source":"r","this_offset":0,"this_length":5,"source_offset":0,"source_length":5}
{"suspicious":"s","source":"r","this_offset":0,"this_length":5,"source_offset":0,"source_length":5 x
L
# the *_bytes fields on some lines only
{ printf '{"suspicious":"s","source":"r","this_offset":0,"this_length":5,"source_offset":0,"source_length":5,'
  printf '"this_offset_bytes":0,"this_length_bytes":5,"source_offset_bytes":0,"source_length_bytes":5}\n'
  cat cases.jsonl; } >c.jsonl
"$ND" eval --plagdet --gold c.jsonl ok.jsonl; echo "exit $?"
# PAIRS
printf '{"suspicious":"s"}\n' >pairs.jsonl
"$ND" eval --plagdet --gold cases.jsonl --pairs pairs.jsonl ok.jsonl; echo "exit $?"
# GOLD under --gold-pairs (with --min) and --same
printf '{"reply":"a","parent":"b"}\n' >g.jsonl
"$ND" eval --gold-pairs g.jsonl --pair-fields reply,parent --min quoted_words=3 ok.jsonl; echo "exit $?"
printf '{"reply":"a","parent":"b","quoted_words":"3"}\n' >g.jsonl
"$ND" eval --gold-pairs g.jsonl --pair-fields reply,parent --min quoted_words=3 ok.jsonl; echo "exit $?"
"$ND" eval --gold-pairs g.jsonl ok.jsonl; echo "exit $?"
printf '{"members":"x"}\n' >same.jsonl
"$ND" eval --gold-pairs gold.jsonl --same same.jsonl ok.jsonl; echo "exit $?"
# under --gold-pairs only "a" and "b" are read; offsets may be absent
printf '{"a":"s"}\n' >p.jsonl
"$ND" eval --gold-pairs gold.jsonl p.jsonl; echo "exit $?"
"$ND" eval --gold-pairs gold.jsonl missing.jsonl; echo "exit $?"
# nothing is written on failure
"$ND" eval --gold-pairs gold.jsonl -o out.json p.jsonl 2>/dev/null; echo "exit $?"
ls out.json* 2>&1 | sed 's/^.*No such file.*$/no output/'

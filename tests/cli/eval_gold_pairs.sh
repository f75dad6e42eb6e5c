# eval --gold-pairs: recall of gold document pairs by passage records, with
# --pair-fields, --min and --same (copies count as one document).
#
# --same: p and p2 are copies (one document P).
# Gold lines (reply, parent, quoted_words) with --min quoted_words=20:
#   r1-p  30  kept: pair r1-P
#   r2-p   5  dropped by --min
#   r3-q  20  kept (>= 20): r3-q
#   r4-q  25  kept: r4-q
#   r1-p2 40  kept: r1-P again, counted once
#   => gold pairs {r1-P, r3-q, r4-q}: 3
# Passages (6 records): p2-r1 (r1-P), q-r4, q-r4 again, r2-p (r2-P), p-p2
#   (copies of one document: left out), x-y
#   => linked pairs {r1-P, q-r4, r2-P, x-y}: 4
# found = {r1-P, r4-q} = 2; recall = 2/3 = 0.6667; precision = 2/4 = 0.5
# Without --same and --min: gold {r1-p, r2-p, r3-q, r4-q, r1-p2} = 5, linked
#   {p2-r1, q-r4, r2-p, p-p2, x-y} = 5, found {r1-p2, r4-q, r2-p} = 3: 0.6, 0.6
set -e -o pipefail
printf '{"cluster": 0, "members": ["p", "p2"]}\n{"cluster": 1, "members": ["z"]}\n' >same.jsonl
cat >gold.jsonl <<'J'
{"reply": "r1", "parent": "p", "quoted_words": 30}
{"reply": "r2", "parent": "p", "quoted_words": 5}

{"reply": "r3", "parent": "q", "quoted_words": 20}
{"reply": "r4", "parent": "q", "quoted_words": 25.5}
{"reply": "r1", "parent": "p2", "quoted_words": 4e1}
J
cat >passages.jsonl <<'J'
{"a":"p2","b":"r1","a_start":0,"a_end":5,"b_start":0,"b_end":5,"words":1,"text":"x"}
{"a":"q","b":"r4","a_start":0,"a_end":5,"b_start":0,"b_end":5}
{"a":"q","b":"r4","a_start":7,"a_end":9,"b_start":7,"b_end":9}
{"a":"r2","b":"p","a_start":0,"a_end":5,"b_start":0,"b_end":5}
{"a":"p","b":"p2","a_start":0,"a_end":5,"b_start":0,"b_end":5}
{"a":"x","b":"y","a_start":0,"a_end":5,"b_start":0,"b_end":5}
J
"$ND" eval --gold-pairs gold.jsonl --pair-fields reply,parent --min quoted_words=20 \
    --same same.jsonl passages.jsonl
"$ND" eval --json --gold-pairs gold.jsonl --pair-fields reply,parent --min quoted_words=20 \
    --same same.jsonl passages.jsonl
"$ND" eval --json --gold-pairs gold.jsonl --pair-fields reply,parent passages.jsonl
# default --pair-fields a,b; ids may be numbers (taken as their JSON text)
printf '{"a": 1, "b": "2"}\n' >g2.jsonl
printf '{"a":"2","b":1,"a_start":0,"a_end":1,"b_start":0,"b_end":1}\n' | "$ND" eval --json --gold-pairs g2.jsonl -

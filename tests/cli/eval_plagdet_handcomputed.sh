# eval --plagdet: PAN's plagdet on a case set computed by hand. Byte offsets
# (the *_bytes fields) are used; the character fields, deliberately different
# here, are not. |x| counts positions in both documents.
#
# Cases (suspicious range / source range):
#   c1 s1-r1  [0,100)   / [0,100)    |c1| = 200
#   c2 s1-r2  [200,300) / [50,150)   |c2| = 200
#   c3 s2-r3  [0,50)    / [0,50)     |c3| = 100
# Passages (a range / b range), the pair in either order:
#   d1 s1,r1  [0,60)    / [0,60)     detects c1: c1&d1 = 60+60; |d1| = 120, prec 1
#   d2 r1,s1  [40,100)  / [40,100)   detects c1: c1&d2 = 60+60; |d2| = 120, prec 1
#   d3 s1,r2  [250,350) / [100,200)  detects c2: 50+50; |d3| = 200, prec 0.5
#   d4 s1,r3  [0,10)    / [0,10)     pair s1-r3 holds no case: ignored
#   d5 s2,r3  [100,200) / [100,200)  no overlap with c3: prec 0
#   d6 r3,s2  [300,350) / [0,50)     overlaps c3 in s2 only: does not detect, prec 0
# c1 is covered by d1 and d2: s1 [0,60) U [40,100) = 100, r1 100: recall 1
#   (not 240/200: overlapping detections count once); |R_c1| = 2
# c2: 100/200 = 0.5, |R_c2| = 1; c3: 0, undetected
#   precision   = (1 + 1 + 0.5 + 0 + 0) / 5 = 0.5
#   recall      = (1 + 0.5 + 0) / 3 = 0.5
#   granularity = (2 + 1) / 2 = 1.5
#   plagdet     = F1 / log2(2.5) = 0.5 / 1.32193 = 0.3782
# With --pairs naming s1-r3, d4 counts (prec 0): precision = 2.5 / 6 = 0.4167,
#   F1 = 2 * 0.4167 * 0.5 / 0.9167 = 0.4545, plagdet = 0.4545 / 1.32193 = 0.3439
set -e
cat >cases.jsonl <<'J'
{"suspicious": "s1", "source": "r1", "this_offset": 1, "this_length": 99, "source_offset": 1, "source_length": 99, "this_offset_bytes": 0, "this_length_bytes": 100, "source_offset_bytes": 0, "source_length_bytes": 100}

{"suspicious": "s1", "source": "r2", "this_offset": 1, "this_length": 99, "source_offset": 1, "source_length": 99, "this_offset_bytes": 200, "this_length_bytes": 100, "source_offset_bytes": 50, "source_length_bytes": 100}
{"suspicious": "s2", "source": "r3", "this_offset": 1, "this_length": 9, "source_offset": 1, "source_length": 9, "this_offset_bytes": 0, "this_length_bytes": 50, "source_offset_bytes": 0, "source_length_bytes": 50, "obfuscation": "none"}
J
cat >passages.jsonl <<'J'
{"a":"s1","b":"r1","a_start":0,"a_end":60,"b_start":0,"b_end":60,"words":10,"score":10,"identity":1.0,"source":null,"text":"..."}
{"a":"r1","b":"s1","a_start":40,"a_end":100,"b_start":40,"b_end":100}
{"a":"s1","b":"r2","a_start":250,"a_end":350,"b_start":100,"b_end":200}
{"a":"s1","b":"r3","a_start":0,"a_end":10,"b_start":0,"b_end":10}
{"a":"s2","b":"r3","a_start":100,"a_end":200,"b_start":100,"b_end":200}
{"a":"r3","b":"s2","a_start":300,"a_end":350,"b_start":0,"b_end":50}
J
printf '{"suspicious": "s1", "source": "r3"}\n{"suspicious": "s1", "source": "r1"}\n' >pairs.jsonl
"$ND" eval --plagdet --gold cases.jsonl passages.jsonl
"$ND" eval --plagdet --json --gold cases.jsonl passages.jsonl
"$ND" eval --plagdet --json --gold cases.jsonl --pairs pairs.jsonl -o out.json passages.jsonl
cat out.json
# Every passage exact: precision, recall, granularity and plagdet 1.
printf '{"a":"r2","b":"s1","a_start":50,"a_end":150,"b_start":200,"b_end":300}\n' >exact.jsonl
printf '{"a":"s2","b":"r3","a_start":0,"a_end":50,"b_start":0,"b_end":50}\n' >>exact.jsonl
printf '{"a":"s1","b":"r1","a_start":0,"a_end":100,"b_start":0,"b_end":100}\n' >>exact.jsonl
"$ND" eval --plagdet --json --gold cases.jsonl exact.jsonl
# PAN's conventions: no counted detection gives precision = recall = 0 ...
"$ND" eval --plagdet --json --gold cases.jsonl /dev/null
# ... and no case and no detection gives 1.
"$ND" eval --plagdet --json --gold /dev/null passages.jsonl
# Without the *_bytes fields the character offsets are used as given, with a note.
printf '{"suspicious": "s1", "source": "r1", "this_offset": 0, "this_length": 50, "source_offset": 0, "source_length": 50}\n' >chars.jsonl
"$ND" eval --plagdet --json --gold chars.jsonl passages.jsonl 2>&1

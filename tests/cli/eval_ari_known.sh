# eval: textbook ARI values (scikit-learn's documented examples):
# [0,0,1,2] vs [0,0,1,1] -> 0.5714; [0,0,1,1] vs [0,1,0,1] -> -0.5; identical
# all-singleton partitions -> 1 by convention.
set -e
printf '{"members":["x0","x1"]}\n' >g1.jsonl
printf '{"members":["x0","x1"]}\n{"members":["x2","x3"]}\n' >p1.jsonl
printf '{"members":["x0","x2"]}\n{"members":["x1","x3"]}\n' >p2.jsonl
printf '{"members":["x0"]}\n{"members":["x1"]}\n' >s.jsonl
"$ND" eval --json --gold g1.jsonl p1.jsonl
"$ND" eval --json --gold p1.jsonl p2.jsonl
"$ND" eval --json --gold s.jsonl s.jsonl

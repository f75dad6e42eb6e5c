# neardup index add: the answers do not depend on --batch. An id read twice in
# one input starts a new batch (the library takes an id once per batch): the
# second is a replacement, or unchanged when the same. A record whose id the
# index cannot take (empty, over 500 bytes) is a bad record: skipped under
# --on-error skip, and under stop the documents before it are added and the
# status is 2. -o writes the answers to a file; '-' reads stdin. The answers
# do not depend on -T either.
set -u
exec 2>&1
long=$(printf 'x%.0s' $(seq 501))
cat >c.jsonl <<J
{"id":"a","text":"the ferry to the island runs every twenty minutes in summer"}
{"id":"b","text":"the ferry to the island runs every twenty minutes in summer"}
{"id":"a","text":"the ferry to the island runs every thirty minutes in winter and spring"}
{"id":"c","text":"the ferry to the island runs every thirty minutes in winter and spring"}
{"id":"b","text":"the ferry to the island runs every twenty minutes in summer"}
{"id":"","text":"an empty id"}
{"id":"$long","text":"a long id"}
{"id":"d","text":"after the bad ones"}
J
for b in 1000 2 1; do
    rm -rf ix$b
    "$ND" index create -q --no-passages --no-stories ix$b
    "$ND" index add -q --batch $b -o answers$b.jsonl ix$b c.jsonl
    echo "batch $b: exit $?"
done
cat answers1000.jsonl
cmp answers1000.jsonl answers2.jsonl && cmp answers1000.jsonl answers1.jsonl && echo "same answers"
echo "== stop"
"$ND" index create -q --no-passages --no-stories ixs
"$ND" index add -q --on-error stop ixs - < c.jsonl >s.jsonl; echo "exit $?"
cut -c1-40 s.jsonl
"$ND" index stats ixs | cut -c1-10
echo "== threads"
for t in 1 3 0; do
    "$ND" index create -q --no-passages --no-stories ixt$t
    "$ND" index add -q -T $t ixt$t "$ROOT/examples/corpus/news.jsonl" >t$t.jsonl
done
cmp t1.jsonl t3.jsonl && cmp t1.jsonl t0.jsonl && echo "same answers on 1, 3 and all threads"

# A damaged gzip or zstd input (issue 10, item 3): under --on-error stop it is
# an input error (exit 2, no output); under skip (the default) the message
# names the file, the compressed byte offset where the damage was found and
# how many of its records were used, and the summary says so again, also when
# -o writes the corpus. Each file here is one whole member/frame of three
# records followed by a second one cut short after its first bytes.
set -euo pipefail
command -v zstd >/dev/null || { echo "zstd CLI not installed" >&2; exit 1; }
recs() { for i in 1 2 3; do printf '{"id":"%s%d","text":"record %d of %s: the ferry runs every twenty minutes"}\n' "$1" "$i" "$i" "$1"; done; }
{ recs g | gzip -n; recs h | gzip -n | head -c 12; } >g.jsonl.gz
{ recs z | zstd -q; recs y | zstd -q | head -c 9; } >z.jsonl.zst
printf '{"id":"p","text":"a plain record"}\n' >p.jsonl
gsize=$(wc -c <g.jsonl.gz); zsize=$(wc -c <z.jsonl.zst)
echo "== skip, -o"
"$ND" dedup -o out.jsonl g.jsonl.gz z.jsonl.zst p.jsonl 2>err.txt; echo "rc=$?"
sed -e "s/byte $gsize;/byte GSIZE;/" -e "s/byte $zsize;/byte ZSIZE;/" err.txt
cut -c1-12 out.jsonl
echo "== stop"
rc=0; "$ND" dedup --on-error stop -o out2.jsonl g.jsonl.gz p.jsonl 2>err.txt || rc=$?
echo "rc=$rc"; sed -e "s/byte $gsize$/byte GSIZE/" err.txt
ls out2.jsonl 2>/dev/null || echo "no out2.jsonl"
echo "== one damaged input, reuse"
"$ND" reuse -o /dev/null z.jsonl.zst 2>&1 | sed -e "s/byte $zsize;/byte ZSIZE;/"

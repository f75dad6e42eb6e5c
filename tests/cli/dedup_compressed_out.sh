# dedup: outputs named *.gz are written gzip-compressed and *.zst
# zstd-compressed (clusters, pairs, removed ids and the -o corpus), with the
# same content as plain outputs; other names stay plain. A compressed -o
# corpus reads back as input.
set -eu
command -v zstd >/dev/null || { echo "zstd CLI not installed" >&2; exit 1; }
C="$ROOT/examples/corpus/news.jsonl"
"$ND" dedup -q --clusters c.jsonl --pairs p.jsonl --removed r.jsonl -o o.jsonl "$C"
"$ND" dedup -q --clusters c.jsonl.zst --pairs p.jsonl.gz --removed r.jsonl.zst \
    -o o.jsonl.gz "$C"
gzip -t p.jsonl.gz o.jsonl.gz && echo "gzip streams valid"
zstd -q -t c.jsonl.zst r.jsonl.zst && echo "zstd streams valid"
zstd -dc c.jsonl.zst | cmp - c.jsonl && echo "clusters: same content"
gzip -dc p.jsonl.gz | cmp - p.jsonl && echo "pairs: same content"
zstd -dc r.jsonl.zst | cmp - r.jsonl && echo "removed: same content"
gzip -dc o.jsonl.gz | cmp - o.jsonl && echo "corpus: same content"
"$ND" dedup -q --removed - o.jsonl.gz
echo "(the deduplicated corpus has no duplicates left)"
ls | LC_ALL=C sort

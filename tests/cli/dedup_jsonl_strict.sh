# dedup on JSON Lines read by the strict scanner: each kind of invalid line is
# reported with its file, line, what is wrong and the byte column (1-based, BOM
# included), and skipped; a number past the double range (1e400) is accepted
# (jansson, the previous parser, rejected it) and ranks highest under
# --keep field:k; the last of duplicate members wins; the output keeps the
# accepted lines byte for byte.
set -eu
deep=$(printf '%0.s[' $(seq 1001))$(printf '%0.s]' $(seq 1001))
{
    printf '\xef\xbb\xbf{"id":"a","text":"the quick brown fox jumps over the lazy dog","k":5}\n'
    printf '{"id":"b","text":"the quick brown fox jumps over the lazy dog","k":1e400}\n'
    printf '{"id":"c","text":"pack my box",}\n'
    printf '{"id":01,"text":"pack my box"}\n'
    printf '{"id":"d","text":"a lone \\ud800 surrogate"}\n'
    printf '{"id":"e","text":"deep","n":%s}\n' "$deep"
    printf '{"id":"f","text":"a\ttab"}\n'
    printf '{"id":"g","text":"bad \xff byte"}\n'
    printf '{"id":"h","text":"bad \\q escape"}\n'
    printf '{"id":"i","text":"sphinx of black quartz judge my vow"}\n'
    printf '{"id":"j","text":"first","te\\u0078t":"sphinx of black quartz judge my vow","id":"k"}\n'
} >corpus.jsonl
"$ND" dedup --keep field:k --removed removed.jsonl -o unique.jsonl corpus.jsonl
echo "== removed"; cat removed.jsonl
echo "== output"; cat unique.jsonl

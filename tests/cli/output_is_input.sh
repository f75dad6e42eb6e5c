# Every command refuses (exit 1, nothing written) an output that is one of
# the files it reads, however it is named: the same name, another spelling
# (./x), a symlink or a hard link to it, an output symlink pointing to it;
# and two outputs that are one file. Each input is checked unchanged after.
set -euo pipefail
C="$ROOT/examples/corpus/news.jsonl"
cp "$C" news.jsonl
printf '%s\n' '{"a":"vdp-2024-0412-rail","b":"ledger-7781"}' > pairs.jsonl
"$ND" similarity -q --save-model news.model --pairs pairs.jsonl news.jsonl > /dev/null
printf '{"members":["a","b"]}\n' > gold.jsonl
printf '{"members":["a"]}\n{"members":["b"]}\n' > pred.jsonl
printf '{"suspicious":"s","source":"r","this_offset_bytes":0,"this_length_bytes":5,"source_offset_bytes":0,"source_length_bytes":5}\n' > cases.jsonl
printf '{"a":"s","b":"r","a_start":0,"a_end":5,"b_start":0,"b_end":5}\n' > passages.jsonl
printf '{"a":"s","b":"r"}\n' > gpairs.jsonl
ln -s news.jsonl link.jsonl
ln news.jsonl hard.jsonl
ln -s pred.jsonl predlink.jsonl
sha() { sha256sum news.jsonl pairs.jsonl news.model gold.jsonl pred.jsonl cases.jsonl \
    passages.jsonl gpairs.jsonl | sha256sum; }
before=$(sha)
t() {  # t ARGS...: must exit 1 and leave every file as it was
    local rc=0
    "$ND" "$@" > /dev/null 2> err || rc=$?
    local what
    what=$(grep -o "is also an input\|two outputs are both" err | head -1 || true)
    [ "$(sha)" = "$before" ] && same=unchanged || same=CHANGED
    local args="$*"
    echo "${args//$PWD/PWD} : exit $rc, ${what:-no message}, inputs $same"
}
t dedup -q --clusters news.jsonl news.jsonl
t dedup -q --clusters ./news.jsonl news.jsonl
t dedup -q --pairs link.jsonl news.jsonl
t dedup -q --removed hard.jsonl news.jsonl
t dedup -q -o "$PWD/news.jsonl" news.jsonl
t dedup -q --clusters a.jsonl --pairs ./a.jsonl news.jsonl
t reuse -q -o link.jsonl news.jsonl
t reuse -q --clusters hard.jsonl news.jsonl
t reuse -q --boilerplate ./news.jsonl news.jsonl
t boilerplate -q --strip news.jsonl news.jsonl
t stories -q -o news.model --model news.model news.jsonl
t stories -q --save-model ./news.model --model news.model news.jsonl
t stories -q --save-model hard.jsonl news.jsonl
t stories -q -o x.jsonl --save-model ./x.jsonl news.jsonl
t similarity -q -o pairs.jsonl --pairs pairs.jsonl news.jsonl
t similarity -q -o ./pairs.jsonl --pairs pairs.jsonl news.jsonl
t similarity -q -o link.jsonl --pairs pairs.jsonl news.jsonl
t similarity -q --save-model news.model --model ./news.model --pairs pairs.jsonl news.jsonl
t eval -o gold.jsonl --gold gold.jsonl pred.jsonl
t eval -o pred.jsonl --gold gold.jsonl pred.jsonl
t eval -o predlink.jsonl --gold gold.jsonl pred.jsonl
t eval -o ./news.jsonl --corpus news.jsonl --gold gold.jsonl pred.jsonl
t eval -o hard.jsonl --corpus link.jsonl --gold gold.jsonl pred.jsonl
t eval --plagdet -o cases.jsonl --gold cases.jsonl passages.jsonl
t eval --plagdet -o ./passages.jsonl --gold cases.jsonl passages.jsonl
t eval --plagdet -o gpairs.jsonl --pairs gpairs.jsonl --gold cases.jsonl passages.jsonl
t eval --gold-pairs gpairs.jsonl -o ./gpairs.jsonl passages.jsonl
t eval --gold-pairs gpairs.jsonl --same pred.jsonl -o predlink.jsonl passages.jsonl
# an output symlink to an input that is named by another link
ln -s hard.jsonl out-link.jsonl
t dedup -q --clusters out-link.jsonl link.jsonl
# a dangling output symlink to a file another output creates
ln -s made.jsonl dangling.jsonl
t dedup -q --clusters made.jsonl --pairs dangling.jsonl news.jsonl
ls | grep -c '\.tmp\.' || true

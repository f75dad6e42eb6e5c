# README, "Keeping an index": an index of the example corpus's first five
# documents, the other five added later (each answer shortened here to its
# cluster), a new edition of an indexed article queried (its pairs and
# passages), stats and verify.
. "$ROOT/tests/cli/readme_lib.inc"
show './neardup index create news.idx'
show 'head -5 examples/corpus/news.jsonl | ./neardup index add -q --no-answers news.idx -'
show "tail -5 examples/corpus/news.jsonl | ./neardup index add news.idx - | grep -o '^{\"id\":[^,]*,\"change\":\"[a-z]*\",\"cluster\":{[^}]*}'"
show "sed -n 1p examples/corpus/news.jsonl | sed 's/\"vdp-2024-0412-rail\"/\"vdp-late-edition\"/; s/three weeks/four weeks/g' > late.jsonl"
show "./neardup index query news.idx late.jsonl | grep -o '{\"a\":[^}]*}'"
show "./neardup index stats news.idx | cut -d, -f1-3"
show './neardup index verify news.idx'

# boilerplate: a footer ending three pages of one site (and a header line
# opening them) is reported with its counts and documents; --strip writes
# the pages without it. A sentence two pages quote in their middle stays.
set -eu
cat >site.jsonl <<'J'
{"id":"p1","source":"site","text":"Home | News | Sport\nThe council approved the new budget after a long debate.\nIt said: Taxes will not rise this year under any circumstances.\nCopyright 2024 Example Media. All rights reserved."}
{"id":"p2","source":"site","text":"Home | News | Sport\nA storm closed the harbour for two days.\nCopyright 2024 Example Media. All rights reserved."}
{"id":"p3","source":"site","text":"Home | News | Sport\nThe mayor repeated: Taxes will not rise this year under any circumstances. Critics disagreed.\nCopyright 2024 Example Media. All rights reserved."}
{"id":"q1","source":"other","text":"An unrelated page about gardening and tomatoes in spring."}
J
"$ND" boilerplate --strip stripped.jsonl site.jsonl
echo "== stripped"; cat stripped.jsonl
echo "== per source only (--boiler-docs 9 --boiler-source-docs 3)"
"$ND" boilerplate -q --boiler-docs 9 --boiler-source-docs 3 site.jsonl

# eval: --help and -h print the usage on stdout and exit 0, nothing on stderr.
set -eu
"$ND" eval --help >help.txt
head -1 help.txt
"$ND" eval -h >h.txt
grep -c 'adjusted Rand index' h.txt
cmp h.txt help.txt

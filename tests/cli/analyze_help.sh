# analyze --help: the usage (with the live parameter defaults) on stdout, exit 0,
# nothing on stderr; -h is the same.
set -eu
"$ND" analyze --help >help.txt
cat help.txt
"$ND" analyze -h >h.txt
cmp h.txt help.txt

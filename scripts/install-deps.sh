#!/bin/sh
# scripts/install-deps.sh - installs what neardup needs to build and test on Debian 12
# (bookworm) or a Debian-based system: the compilers (clang with its sanitizer runtimes,
# libclang-rt-dev, which apt only recommends, for make test's ASan, UBSan and TSan
# builds), pkg-config, the libraries the Makefile links (utf8proc, xxHash, zlib, zstd,
# libxml2, libstemmer, LMDB, libmicrohttpd, libcurl; jansson only into the tests, as the JSON oracle), everything the
# tests call: zstd, gzip, python3 (standard library only), a word list in /usr/share/dict
# (wamerican, for e2e/bench_gen), setpriv (util-linux: tests that need permissions to bite
# drop root's), script (bsdutils: a terminal for the listing tests), cmp and diff
# (diffutils), find (findutils) and awk (mawk); and valgrind
# (make micro), lmdb-utils (mdb_stat, mdb_dump: to look into an index by hand) and curl (the service's tests
# and docs/http-api.md's examples); OpenMPI (libopenmpi-dev, openmpi-bin: make MPI=1 and
# the distributed tests); Debian's Chromium (chromium: the report's browser test opens
# report.html headless). pandoc is not needed: docs/neardup.1 is committed.
#
#   scripts/install-deps.sh        install what is missing (as root), or say what to run
#   scripts/install-deps.sh -v     the same, showing apt-get's output
#   scripts/install-deps.sh -n     only check: list what is missing, install nothing
#
# Exit status: 0 everything is installed (already, or now); 1 something is missing and
# this is not root (the command to run is printed) or -n found something missing;
# 2 the installation failed or this is not a dpkg-based system.
# Idempotent: run it again and it only checks (no apt-get at all when nothing is missing).
set -eu

PACKAGES="build-essential clang libclang-rt-dev pkg-config libutf8proc-dev libxxhash-dev
zlib1g-dev libzstd-dev libjansson-dev libxml2-dev libstemmer-dev liblmdb-dev libmicrohttpd-dev
libcurl4-openssl-dev zstd gzip python3 wamerican util-linux bsdutils diffutils findutils mawk valgrind
lmdb-utils curl libopenmpi-dev openmpi-bin chromium"

verbose=0
check_only=0
for arg in "$@"; do
    case $arg in
        -v|--verbose) verbose=1 ;;
        -n|--check) check_only=1 ;;
        -h|--help) sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "install-deps.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

say() { [ "$verbose" -eq 1 ] && echo "install-deps.sh: $*" >&2; return 0; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps.sh: not a Debian-based system (no dpkg-query/apt-get); install the" \
         "equivalents of: $(echo "$PACKAGES" | tr '\n' ' ')" >&2
    exit 2
fi

# A package counts as present only when dpkg says "install ok installed".
missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [ "$status" = "install ok installed" ]; then
        say "$p: installed"
    else
        missing="$missing $p"
    fi
done
missing=${missing# }

if [ -z "$missing" ]; then
    echo "install-deps.sh: all dependencies are installed"
    exit 0
fi
if [ "$check_only" -eq 1 ]; then
    echo "install-deps.sh: missing: $missing"
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps.sh: missing: $missing (not root; run this, or this script with sudo):" >&2
    echo "sudo apt-get install -y --no-install-recommends $missing"
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

apt_update() {
    say "apt-get update"
    if [ "$verbose" -eq 1 ]; then apt-get update; else apt-get -qq update >/dev/null; fi
}

# Update the package lists first only when one of the missing packages has no
# installation candidate (fresh containers ship with empty lists).
updated=0
for p in $missing; do
    cand=$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
        apt_update || { echo "install-deps.sh: apt-get update failed" >&2; exit 2; }
        updated=1
        break
    fi
done

install_missing() {
    # shellcheck disable=SC2086
    if [ "$verbose" -eq 1 ]; then
        apt-get install -y --no-install-recommends $missing
    else
        apt-get -qq install -y --no-install-recommends $missing >/dev/null
    fi
}

echo "install-deps.sh: installing $missing"
if ! install_missing; then
    # Stale lists give 404s: update once and try again.
    if [ "$updated" -eq 0 ] && apt_update && install_missing; then
        :
    else
        if [ "$verbose" -eq 1 ]; then hint=""; else hint="; run it with -v to see why"; fi
        echo "install-deps.sh: apt-get install failed$hint" >&2
        exit 2
    fi
fi
echo "install-deps.sh: done"

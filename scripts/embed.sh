#!/bin/sh
# embed.sh NAME FILE - FILE as a C string named NAME, on stdout. Each line becomes a
# string literal; backslashes, double quotes and '?' (trigraphs) are escaped. The
# Makefile compiles the report page in with it (src/cli/report/page.html).
set -eu
printf '/* generated from %s by scripts/embed.sh: do not edit */\n' "$2"
printf 'extern const char %s[];\nconst char %s[] =\n' "$1" "$1"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/    "/' -e 's/$/\\n"/' "$2"
printf '    "";\n'

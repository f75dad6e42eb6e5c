# Every block of README.md and examples/README.md marked
# "<!-- output tested by tests/cli/NAME.sh ... -->" is NAME.stdout.exact, byte for
# byte, so the READMEs show what the tests check; the C block under "Using the library
# from C" is examples/dedup_api.c without its leading comment.
set -eu
for doc in README.md examples/README.md; do
    rm -f names ./*.block
    awk '
        /^<!-- output tested by tests\/cli\/[a-z0-9_]+\.sh/ {
            name = $0; sub(/^<!-- output tested by tests\/cli\//, "", name); sub(/\.sh.*/, "", name)
            next
        }
        /^```c$/ { out = "dedup_api.c.block"; printf "" > out; next }
        /^```/ && name != "" && out == "" { out = name ".block"; printf "" > out; print name >> "names"; next }
        /^```$/ && out != "" { close(out); out = ""; name = ""; next }
        out != "" { print >> out }
    ' "$ROOT/$doc"
    while read -r n; do
        if cmp -s "$n.block" "$ROOT/tests/cli/$n.stdout.exact"; then
            echo "$doc: $n: block = tests/cli/$n.stdout.exact"
        else
            echo "$doc: $n: block differs from tests/cli/$n.stdout.exact"
            diff "$n.block" "$ROOT/tests/cli/$n.stdout.exact" || true
        fi
    done < names
    if [ -f dedup_api.c.block ]; then
        sed '1,/\*\//d' "$ROOT/examples/dedup_api.c" > c.file
        if cmp -s dedup_api.c.block c.file; then
            echo "$doc: C block = examples/dedup_api.c (after its leading comment)"
        else
            echo "$doc: C block differs from examples/dedup_api.c"
            diff dedup_api.c.block c.file || true
        fi
    fi
done

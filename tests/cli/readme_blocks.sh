# Every README block marked "<!-- output tested by tests/cli/NAME.sh ... -->" is
# NAME.stdout.exact, byte for byte, so the README shows what the tests check; the C
# block under "Using the library from C" is examples/dedup_api.c without its
# leading comment.
set -eu
awk '
    /^<!-- output tested by tests\/cli\/[a-z0-9_]+\.sh/ {
        name = $0; sub(/^<!-- output tested by tests\/cli\//, "", name); sub(/\.sh.*/, "", name)
        next
    }
    /^```c$/ { out = "dedup_api.c.block"; printf "" > out; next }
    /^```/ && name != "" && out == "" { out = name ".block"; printf "" > out; print name >> "names"; next }
    /^```$/ && out != "" { close(out); out = ""; name = ""; next }
    out != "" { print >> out }
' "$ROOT/README.md"
while read -r n; do
    if cmp -s "$n.block" "$ROOT/tests/cli/$n.stdout.exact"; then
        echo "$n: README block = tests/cli/$n.stdout.exact"
    else
        echo "$n: README block differs from tests/cli/$n.stdout.exact"
        diff "$n.block" "$ROOT/tests/cli/$n.stdout.exact" || true
    fi
done < names
cp dedup_api.c.block c.block
sed '1,/\*\//d' "$ROOT/examples/dedup_api.c" > c.file
if cmp -s c.block c.file; then
    echo "C block = examples/dedup_api.c (after its leading comment)"
else
    echo "C block differs from examples/dedup_api.c"
    diff c.block c.file || true
fi

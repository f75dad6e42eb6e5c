# serve --help and query --help: the usage on stdout, exit 0, nothing on stderr; -h is
# the same; usage errors of serve exit 1 with a message.
set -eu
"$ND" serve --help >help.txt
cat help.txt
"$ND" serve -h | cmp - help.txt
"$ND" query --help >qhelp.txt
cat qhelp.txt
"$ND" query -h | cmp - qhelp.txt
for args in "" "a b" "--threads 0 ix" "--max-body 10 ix" "--listen nowhere ix" \
    "--listen 127.0.0.1:70000 ix" "--create --read-only ix" "--bogus ix"; do
    rc=0
    "$ND" serve $args 2>err.txt || rc=$?
    echo "serve $args: exit $rc: $(head -1 err.txt)"
done

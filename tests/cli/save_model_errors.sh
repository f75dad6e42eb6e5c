# stories --save-model: a model that cannot be written says why (exit 2, no
# temporary left, the stories not written either: outputs are committed
# together; a full disk: full_disk_output). Its temporary is a new file (mkstemp), so a symlink planted at
# the old predictable name <model>.tmp.<pid> is not followed.
set -euo pipefail
C="$ROOT/examples/corpus/news.jsonl"
t() {
    local rc=0
    rm -f s.jsonl
    "$ND" stories -q -o s.jsonl "$@" "$C" 2> err || rc=$?
    echo "$*: exit $rc: $(sed 's/^neardup: //; s/\.tmp\.[A-Za-z0-9]\{6\}/.tmp.XXXXXX/g' err)"
    ls s.jsonl 2> /dev/null || echo "  no stories written"
}
t --save-model nodir/m.model
# a symlink at the name the old code used, made by the process that then
# becomes neardup (bash -c ... exec keeps the pid)
ND="$ND" C="$C" bash -c 'ln -s victim m.model.tmp.$$; exec "$ND" stories -q -o s.jsonl --save-model m.model "$C"'
ls victim 2> /dev/null || echo "victim not created"
head -c 8 m.model; echo
ls | grep -v '^m\.model\.tmp\.' | LC_ALL=C sort

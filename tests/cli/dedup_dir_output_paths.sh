# dedup -o DIR with whole files given by paths that leave the current
# directory ("../x", an absolute path): each kept file is written inside DIR,
# at its path without "/", "." and ".." parts, never outside it. Two kept
# files that would land on the same name are an error (exit 2, nothing left)
# rather than one silently overwriting the other.
set -u
mkdir -p src/deep work/src
printf 'A note about the garden and the apple trees.\n' >src/a.txt
printf 'Minutes of the annual meeting of the rowing club.\n' >src/deep/b.txt
printf 'A note about the garden and the apple trees.\n' >src/copy.txt
top=$(pwd)
cd work
"$ND" dedup -q -o out ../src/a.txt "$top/src/deep/b.txt" ../src/copy.txt
echo "exit $?"
find . -type f | sed "s|/${top#/}/|/<absolute path>/|" | LC_ALL=C sort
cmp ../src/a.txt out/src/a.txt && cmp ../src/deep/b.txt "out/${top#/}/src/deep/b.txt" \
    && echo "kept files copied"
rm -r out
printf 'Another text that is not like the first one at all.\n' >src/a.txt
"$ND" dedup -o out ../src/a.txt src/a.txt
rc=$?
echo "../src/a.txt and src/a.txt: exit $rc"
find . | LC_ALL=C sort
exit "$rc"

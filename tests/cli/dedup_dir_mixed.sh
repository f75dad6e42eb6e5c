# dedup on a real-looking tree (issue 10, item 6): inside a directory, a file
# is JSON Lines only when its first non-blank line is a record (an object with
# the text field), so pretty-printed .json / .json.gz files and JSON arrays are
# whole documents instead of thousands of "invalid JSON" lines; binary files
# (PNG, PDF) and symbolic links to directories (not followed) are counted in
# the summary and listed only with -v; reports of
# one kind from one file stop after 3, then "... and N more like these".
set -euo pipefail
mkdir -p tree/sub
python3 - <<'PY'
import json
d = {"name": "settings", "items": [{"key": i, "text": "value %d" % i} for i in range(40)]}
open("tree/pretty.json", "w").write(json.dumps(d, indent=2) + "\n")
open("tree/sub/array.json", "w").write(json.dumps(["a", "b", "c"], indent=1) + "\n")
open("tree/img.png", "wb").write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
open("tree/sub/doc.pdf", "wb").write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n\x00\x01stream")
lines = ['{"id":"r1","text":"the first good record of the file"}']
lines += ['{"id":"bad%d","text":' % i for i in range(10)]
lines += ['{"id":"r2","text":"the second good record"}']
open("tree/records.jsonl", "w").write("\n".join(lines) + "\n")
PY
gzip -n -c tree/pretty.json >tree/sub/pretty.json.gz
ln -s sub tree/link
echo "== default"
"$ND" dedup --removed - tree 2>&1
echo "== -v lists the binary files"
"$ND" dedup -v --removed /dev/null tree 2>&1 | grep -E 'binary|symbolic'

echo "== a file named as an argument is read by its name, as before"
rc=0; "$ND" dedup -q --removed /dev/null tree/pretty.json 2>&1 || rc=$?
echo "rc=$rc"

# dedup: bad WARC records are reported with the file, the record number and
# the byte offset (in the decompressed stream): a header that cannot be
# parsed (the reader resumes at the next "WARC/1." line), a record over
# --max-record (streamed past), a truncated last record. With the default
# --on-error skip the good records are still deduplicated (exit 0); with
# --on-error stop the run stops at the first bad record (exit 2).
set -eu
python3 - <<'PY'
T = ("Volunteers cleaned the beach on Sunday morning and collected forty bags of plastic, "
     "glass and fishing line from the dunes north of the harbour wall.")
def rec(uri, body, typ="conversion"):
    b = body.encode()
    return ("WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\nContent-Length: %d\r\n\r\n"
            % (typ, uri, len(b))).encode() + b + b"\r\n\r\n"
data = (rec("https://a.example/1", T) +
        b"WARC/1.0\r\nWARC-Type conversion\r\nContent-Length: 5\r\n\r\nbroke\r\n\r\n" +
        rec("https://b.example/2", T + " Photos on page two.") +
        rec("https://c.example/big", "x" * 5000) +
        rec("https://d.example/3", T) +
        rec("https://e.example/cut", T)[:-30])
open("bad.wet", "wb").write(data)
PY
echo "== skip"
"$ND" dedup --max-record 4K bad.wet 2>&1
echo "exit $?"
echo "== stop"
rc=0
"$ND" dedup --on-error stop --max-record 4K bad.wet 2>&1 || rc=$?
echo "exit $rc"

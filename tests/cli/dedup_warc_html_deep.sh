# A WARC response whose HTML nests deeper than libxml2 allows (256 elements;
# issue 10, item 9): a warning names the file, the record and what is lost,
# instead of an empty document with only "no words" in the summary. Records
# after it are not affected.
set -euo pipefail
python3 - <<'PY'
def rec(depth, uri, t):
    html = ("<html><body><p>Before the depth.</p>" + "<div>" * depth + t + "</div>" * depth
            + "</body></html>")
    b = ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html).encode()
    h = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\n"
         "Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
         % (uri, len(b)))
    return h.encode() + b + b"\r\n\r\n"
T = "The harbour ferry will run every twenty minutes from June."
with open("deep.warc", "wb") as f:
    f.write(rec(10, "http://x/shallow", T) + rec(300, "http://x/deep", T)
            + rec(10, "http://x/other", "Rinse the barley until the water runs clear."))
PY
"$ND" dedup --removed - deep.warc 2>&1

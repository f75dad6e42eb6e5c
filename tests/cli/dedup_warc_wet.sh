# dedup: a WET file (WARC/1.0 conversion records, one gzip member per record as
# Common Crawl ships them) is recognised by content whatever its name; ids are
# the WARC-Target-URIs, warcinfo is ignored, --keep earliest goes by WARC-Date,
# and -o writes the kept records as an uncompressed WARC that reads back.
set -eu
python3 - <<'PY'
import gzip
A = ("The railway between the two valley towns will stay closed for at least three weeks "
     "after floodwater from the river washed away a long section of track above the village "
     "of Hollin, the operator said on Friday, adding that buses will replace the trains and "
     "that engineers are inspecting two bridges further down the line for damage.")
B = A.replace("on Friday", "on Friday evening")
C = ("Rinse the barley until the water runs clear, then chop the onions and the carrots, "
     "fry them gently in butter for ten minutes and add the stock a ladle at a time.")
def rec(typ, uri, date, body, ctype="text/plain"):
    b = body.encode()
    h = ["WARC/1.0", "WARC-Type: " + typ]
    if uri:
        h.append("WARC-Target-URI: " + uri)
    h += ["WARC-Date: " + date,
          "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>" % rec.n,
          "Content-Type: " + ctype, "Content-Length: %d" % len(b)]
    rec.n += 1
    return ("\r\n".join(h) + "\r\n\r\n").encode() + b + b"\r\n\r\n"
rec.n = 1
recs = [rec("warcinfo", None, "2024-04-12T10:00:00Z", "isPartOf: test\r\n", "application/warc-fields"),
        rec("conversion", "https://vdp.example/rail", "2024-04-12T09:31:00Z", "Rail line closed\n" + A),
        rec("conversion", "https://recipes.example/barley", "2024-04-12T09:32:00Z", C),
        rec("conversion", "https://aggregator.example/copy-5531", "2024-04-12T08:15:00Z", "Rail line closed\n" + B),
        rec("conversion", "https://vdp.example/rail?print=1", "2024-04-12T09:40:00Z", "RAIL LINE CLOSED\n" + A.upper())]
with open("crawl.dat", "wb") as f:          # the name says nothing
    for r in recs:
        f.write(gzip.compress(r, mtime=0))
with open("plain.wet", "wb") as f:
    f.write(b"".join(recs))
PY
echo "== listing"
"$ND" dedup crawl.dat 2>&1
echo "== clusters, keep earliest"
"$ND" dedup -q --keep earliest --clusters - crawl.dat
echo "== -o"
"$ND" dedup -q --keep earliest -o kept.warc crawl.dat
grep -a -c '^WARC/1.0' kept.warc
grep -a '^WARC-Target-URI' kept.warc | tr -d '\r'
echo "== -o reads back: same documents, nothing to remove"
"$ND" dedup kept.warc 2>&1
echo "== kept records are byte for byte those of the input"
python3 - <<'PY'
def records(data):
    out, i = [], 0
    while i < len(data):
        j = data.index(b"\r\n\r\n", i) + 4
        head = data[i:j].decode()
        n = int([l for l in head.split("\r\n") if l.lower().startswith("content-length:")][0].split(":")[1])
        assert data[j + n:j + n + 4] == b"\r\n\r\n", "record end"
        out.append(data[i:j + n + 4])
        i = j + n + 4
    return out
src = records(open("plain.wet", "rb").read())
kept = records(open("kept.warc", "rb").read())
print(len(kept), "records, all in the input:", all(k in src for k in kept))
PY

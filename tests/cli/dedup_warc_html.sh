# dedup: a WARC/1.1 crawl (request, response, metadata, revisit records; a 404,
# an image) where two HTML pages carry one article under two page templates,
# and one page is served twice, once in ISO-8859-1 and once in UTF-8. Response
# payloads are converted from HTML to text (script/style dropped, charset from
# Content-Type); the URIs are the ids; -o writes the kept response records as
# a WARC file whose records are those of the input.
set -eu
python3 - <<'PY'
ART = ("<p>The railway between the two valley towns will stay closed for at least three weeks "
       "after floodwater from the river washed away a long section of track above the village "
       "of Hollin, the operator said on Friday.</p><p>Buses will replace the trains, and "
       "engineers are inspecting two bridges further down the line for damage.</p>"
       "<p>Residents of the upper valley said the closure would cut them off from the hospital "
       "and the secondary school in the county town, and the council asked the operator to run "
       "an extra evening bus until the track has been rebuilt and tested by the inspectors.</p>")
P1 = ("<!DOCTYPE html><html><head><title>Rail line closed</title><style>body{margin:0}</style>"
      "<script>var track = 'analytics';</script></head><body><nav><a href=/>Home</a> "
      "<a href=/news>News</a></nav><article><h1>Rail line closed</h1>" + ART +
      "</article><footer>&copy; Velmora Daily Post</footer></body></html>")
P2 = ("<html><head><title>Railfan hub</title></head><body><div class=menu>Forum | Photos</div>"
      "<h2>Rail line closed</h2>" + ART + "<div id=comments>Leave a comment</div>"
      "<noscript>Please enable JavaScript</noscript></body></html>")
FR = "<html><body><p>La ligne ferroviaire restera fermée pendant au moins trois semaines après la crue, a déclaré l'exploitant vendredi à Hollin.</p></body></html>"
def http(body, ctype, status="200 OK", extra=""):
    return ("HTTP/1.1 %s\r\nContent-Type: %s\r\n%sContent-Length: %d\r\n\r\n"
            % (status, ctype, extra, len(body))).encode() + body
n = [0]
def rec(typ, uri, date, block, ctype):
    n[0] += 1
    h = ["WARC/1.1", "WARC-Type: " + typ, "WARC-Record-ID: <urn:uuid:%08d-aaaa-bbbb-cccc-000000000000>" % n[0],
         "WARC-Date: " + date]
    if uri:
        h.append("WARC-Target-URI: " + uri)
    h += ["Content-Type: " + ctype, "Content-Length: %d" % len(block)]
    return ("\r\n".join(h) + "\r\n\r\n").encode() + block + b"\r\n\r\n"
REQ, RESP = "application/http; msgtype=request", "application/http; msgtype=response"
recs = [
    rec("warcinfo", None, "2024-04-12T10:00:00Z", b"software: test\r\n", "application/warc-fields"),
    rec("request", "https://vdp.example/rail", "2024-04-12T10:00:01Z", b"GET /rail HTTP/1.1\r\nHost: vdp.example\r\n\r\n", REQ),
    rec("response", "https://vdp.example/rail", "2024-04-12T10:00:01Z", http(P1.encode(), "text/html; charset=utf-8"), RESP),
    rec("metadata", "https://vdp.example/rail", "2024-04-12T10:00:01Z", b"fetchTimeMs: 41\r\n", "application/warc-fields"),
    rec("response", "https://vdp.example/logo.png", "2024-04-12T10:00:02Z", http(b"\x89PNG\r\n\x1a\n", "image/png"), RESP),
    rec("response", "https://railfan.example/t/5531", "2024-04-12T10:00:03Z", http(P2.encode(), "text/html"), RESP),
    rec("response", "https://vdp.example/old", "2024-04-12T10:00:04Z", http(b"<p>Not found</p>", "text/html", "404 Not Found"), RESP),
    rec("response", "https://fr.example/latin1", "2024-04-12T10:00:05Z", http(FR.encode("iso-8859-1"), "text/html; charset=ISO-8859-1"), RESP),
    rec("response", "https://fr.example/utf8", "2024-04-12T10:00:06Z", http(FR.encode(), "text/html;charset=UTF-8"), RESP),
    rec("revisit", "https://vdp.example/rail", "2024-04-13T10:00:00Z", b"HTTP/1.1 200 OK\r\n\r\n", RESP),
]
open("crawl.warc", "wb").write(b"".join(recs))
PY
echo "== listing"
"$ND" dedup crawl.warc 2>&1
echo "== pairs"
"$ND" dedup -q --pairs - crawl.warc
echo "== -o"
"$ND" dedup -q -o kept.warc crawl.warc
grep -a '^WARC-Target-URI' kept.warc | tr -d '\r'
python3 - <<'PY'
def records(data):
    out, i = [], 0
    while i < len(data):
        j = data.index(b"\r\n\r\n", i) + 4
        head = data[i:j].decode()
        assert head.startswith("WARC/1.1\r\n")
        n = int([l for l in head.split("\r\n") if l.lower().startswith("content-length:")][0].split(":")[1])
        assert data[j + n:j + n + 4] == b"\r\n\r\n", "record end"
        out.append(data[i:j + n + 4])
        i = j + n + 4
    return out
src = records(open("crawl.warc", "rb").read())
kept = records(open("kept.warc", "rb").read())
print(len(kept), "valid records, each one of the input:", all(k in src for k in kept))
PY

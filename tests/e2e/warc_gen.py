"""Writes documents of a JSON Lines file as WARC, for the distributed tests
(mpi.sh): OUT.warc (plain) and OUT.warc.gz (one gzip member a record, as
Common Crawl writes them), with what a cut into byte ranges must respect:
HTML responses among text conversions; blocks that hold a line starting
"WARC/1.0" (not a record start); records with neither target URI nor record
id (their ids are FILE#N, so the record numbers must run across the parts);
header lines ending in LF and blocks not followed by CRLF CRLF (warned once a
file); garbage between records (the reader looks for the next record); in
the gzip file, members holding gzip WARC records stored uncompressed
(member starts that are not ones) and a record written as two members. Also
OUT-damaged.warc.gz: the gzip file with bytes overwritten two thirds in;
OUT-damaged2.warc.gz: bytes overwritten in the member that starts the third
part under --part-size 1M, the record before it short of its CRLF CRLF; OUT-junk.warc.gz: bytes that are not gzip after
the member half way.

usage: warc_gen.py DOCS.jsonl N OUT"""
import gzip
import html
import json
import sys

src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
docs = []
with open(src) as f:
    for line in f:
        docs.append(json.loads(line))
        if len(docs) == n:
            break


def header(lines, sep="\r\n"):
    return (sep.join(lines) + sep + sep).encode()


plain, members = [], []
for i, d in enumerate(docs):
    t, k = d["text"], i % 10
    if k == 3:  # an HTML response
        body = ("<html><head><title>%s</title></head><body><p>%s</p></body></html>"
                % (html.escape(d["id"]), html.escape(t).replace("\n\n", "</p><p>"))).encode()
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
        rec = header(["WARC/1.0", "WARC-Type: response",
                      "WARC-Target-URI: http://x.example/" + d["id"],
                      "WARC-Date: 2024-01-01T00:00:00Z", "WARC-Record-ID: <urn:uuid:r%08d>" % i,
                      "Content-Type: application/http; msgtype=response",
                      "Content-Length: %d" % len(http)]) + http + b"\r\n\r\n"
    else:
        b = t.encode()
        if k == 5:  # a WARC header line inside a block
            b += b"\nWARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"
        if i % 100 == 77:  # gzip WARC records in the block, stored as is below
            inner = gzip.compress(header(["WARC/1.0", "WARC-Type: conversion",
                                          "Content-Length: 2"]) + b"hi\r\n\r\n", mtime=0)
            b += b"\n" + b"\n".join([inner] * 200)
        h = ["WARC/1.1" if k == 7 else "WARC/1.0", "WARC-Type: conversion"]
        if k != 9:  # else no target URI, no record id: the id is FILE#N
            h += ["WARC-Target-URI: http://y.example/" + d["id"],
                  "WARC-Record-ID: <urn:uuid:c%08d>" % i]
        h += ["WARC-Date: 2024-01-02T00:00:00Z", "Content-Type: text/plain",
              "Content-Length: %d" % len(b)]
        sep = "\n" if i % 997 == 500 else "\r\n"
        tail = b"\r\n" if i % 1009 == 700 else b"\r\n\r\n"
        rec = header(h, sep) + b + tail
    if i % 1500 == 1000:  # garbage before a record
        rec = b"this is not a WARC record\r\n\r\n" + rec
    plain.append(rec)
    if i % 100 == 77:
        members.append(gzip.compress(rec, compresslevel=0, mtime=0))
    elif i % 300 == 150:
        members.append(gzip.compress(rec[:100], mtime=0) + gzip.compress(rec[100:], mtime=0))
    else:
        members.append(gzip.compress(rec, mtime=0))
with open(out + ".warc", "wb") as f:
    f.write(b"".join(plain))
gz = b"".join(members)
with open(out + ".warc.gz", "wb") as f:
    f.write(gz)
bad = bytearray(gz)
at = 2 * len(bad) // 3
bad[at:at + 64] = b"\xff" * 64
with open(out + "-damaged.warc.gz", "wb") as f:
    f.write(bad)
# damage in the member that starts the third part under --part-size 1M, the
# record before it without its CRLF CRLF (the reading of the whole file loses
# that record too: it looks for the CRLF CRLF in the damaged member)
def starts(ms):
    out, pos = [], 0
    for m in ms:
        out.append(pos)
        pos += len(m)
    return out
k = -(-len(gz) // (1 << 20))
target = 2 * (len(gz) // k)
i = min(j for j, x in enumerate(starts(members)) if x >= target)
ms = list(members)
ms[i - 1] = gzip.compress(plain[i - 1].rstrip(b"\r\n") + b"\r\n", mtime=0)
at = starts(ms)[i] + len(ms[i]) // 2  # past the bytes that show a WARC header
bad = bytearray(b"".join(ms))
bad[at:at + 16] = b"\xff" * 16
with open(out + "-damaged2.warc.gz", "wb") as f:
    f.write(bad)
# data that is not gzip after a member, half way: the reading of the file ends there
with open(out + "-junk.warc.gz", "wb") as f:
    f.write(b"".join(members[:n // 2]) + b"\0\0GARBAGE" + b"".join(members[n // 2:]))

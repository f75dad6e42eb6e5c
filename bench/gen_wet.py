#!/usr/bin/env python3
"""gen_wet.py - writes a seeded synthetic WET file (WARC/1.0 conversion records).

    bench/gen_wet.py --size-mb 200 --seed 1 [--gzip] OUT

Texts are drawn from /usr/share/dict/words (or generated words when it is
missing) with page-like lengths (200 B to 20 KB, median about 4 KB, as Common
Crawl's WET records), so the reader meets realistic header/text proportions.
--gzip writes one gzip member per record, as Common Crawl ships them.
The same seed and size give the same bytes.
"""
import argparse, gzip, os, random, sys

ap = argparse.ArgumentParser()
ap.add_argument("--size-mb", type=float, default=200)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--gzip", action="store_true")
ap.add_argument("out")
a = ap.parse_args()
rng = random.Random(a.seed)
print("gen_wet.py: seed %d" % a.seed, file=sys.stderr)
words = []
if os.path.exists("/usr/share/dict/words"):
    words = [w.strip() for w in open("/usr/share/dict/words", encoding="utf-8", errors="replace")
             if w.strip() and "'" not in w]
if not words:
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10)))
             for _ in range(50000)]
target = int(a.size_mb * 1e6)
written, n = 0, 0
with open(a.out, "wb") as f:
    while written < target:
        n += 1
        size = int(min(20000, max(200, rng.lognormvariate(8.3, 0.8))))
        lines, cur = [], 0
        while cur < size:
            line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 25)))
            lines.append(line)
            cur += len(line) + 1
        body = "\n".join(lines).encode()
        head = ("WARC/1.0\r\nWARC-Type: conversion\r\n"
                "WARC-Target-URI: https://site%d.example/page/%d\r\n"
                "WARC-Date: 2024-04-%02dT%02d:%02d:%02dZ\r\n"
                "WARC-Record-ID: <urn:uuid:%08x-0000-4000-8000-%012x>\r\n"
                "WARC-Refers-To: <urn:uuid:%08x-0000-4000-8000-000000000000>\r\n"
                "WARC-Block-Digest: sha1:%032X\r\n"
                "Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
                % (rng.randint(1, 5000), n, rng.randint(1, 28), rng.randint(0, 23),
                   rng.randint(0, 59), rng.randint(0, 59), n, n, n, rng.getrandbits(128),
                   len(body))).encode()
        rec = head + body + b"\r\n\r\n"
        f.write(gzip.compress(rec, 6, mtime=0) if a.gzip else rec)
        written += len(rec)
print("gen_wet.py: %d records, %d bytes decompressed" % (n, written), file=sys.stderr)

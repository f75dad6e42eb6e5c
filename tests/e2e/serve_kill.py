#!/usr/bin/env python3
"""serve_kill.py ND SEED - the driver of tests/e2e/serve_kill.sh (stdlib only).

Twenty rounds: start `ND serve` on the index, two writer threads post batches of 8
new documents to /v1/documents and record the ids of every batch answered 200, the
server is SIGKILLed after a seeded random delay; then `ND index verify` must pass and
`ND index get` must find every acknowledged id. At the end `ND index query` of each
acknowledged text under the id "probe:ID" must relate it to ID as an exact copy."""
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time

ND, SEED = sys.argv[1], int(sys.argv[2])
print("seed %d (set ND_SEED to change)" % SEED, flush=True)
rng = random.Random(SEED)
words = ["w%d" % i for i in range(5000)]
texts = {}
acked = []
lock = threading.Lock()
next_doc = [0]


def new_batch(n):
    with lock:
        docs = []
        for _ in range(n):
            i = next_doc[0]
            next_doc[0] += 1
            t = " ".join(rng.choice(words) for _ in range(50))
            texts["d%d" % i] = t
            docs.append({"id": "d%d" % i, "text": t})
        return docs


def writer(port, stop):
    while not stop.is_set():
        docs = new_batch(8)
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("POST", "/v1/documents", json.dumps({"documents": docs}),
                      {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            c.close()
        except (OSError, http.client.HTTPException):
            return
        if r.status != 200:
            print("unexpected HTTP %d" % r.status)
            sys.exit(1)
        with lock:
            acked.extend(d["id"] for d in docs)


def run(*args, **kw):
    return subprocess.run([ND, *args], capture_output=True, text=True, **kw)


def check_get(ids):
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        p = run("index", "get", "ix", *chunk)
        got = set(re.findall(r'^\{"id":"([^"]*)"', p.stdout, re.M))
        missing = [i for i in chunk if i not in got]
        if missing:
            print("acknowledged but not in the index: %s (%d)" % (missing[:5], len(missing)))
            print(p.stderr)
            sys.exit(1)


p = run("index", "create", "ix")
if p.returncode:
    print(p.stderr)
    sys.exit(1)
for rnd in range(20):
    srv = subprocess.Popen([ND, "serve", "--listen", "127.0.0.1:0", "ix"],
                           stderr=subprocess.PIPE, text=True)
    port = None
    for line in srv.stderr:
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    if port is None:
        print("round %d: the server did not start (exit %s)" % (rnd, srv.wait()))
        sys.exit(1)
    stop = threading.Event()
    ws = [threading.Thread(target=writer, args=(port, stop)) for _ in range(2)]
    for w in ws:
        w.start()
    delay = rng.uniform(0.05, 0.8)
    time.sleep(delay)
    srv.kill()
    srv.wait()
    stop.set()
    for w in ws:
        w.join()
    v = run("index", "verify", "ix")
    if v.returncode:
        print("round %d: verify failed (exit %d): %s%s" % (rnd, v.returncode, v.stdout,
                                                          v.stderr))
        sys.exit(1)
    check_get(list(acked))
    print("round %d: killed after %.3f s; %d acknowledged so far, all there, verify ok" %
          (rnd, delay, len(acked)), flush=True)
if len(acked) == 0:
    print("no write was acknowledged")
    sys.exit(1)
with open("probes.jsonl", "w") as f:
    for i in acked:
        f.write(json.dumps({"id": "probe:" + i, "text": texts[i]}) + "\n")
q = run("index", "query", "ix", "probes.jsonl")
if q.returncode:
    print("index query failed: %s" % q.stderr)
    sys.exit(1)
found = 0
for line in q.stdout.splitlines():
    a = json.loads(line)
    want = a["id"][len("probe:"):]
    if any(p["a"] == want and p["relation"] == "exact" for p in a["pairs"]):
        found += 1
    else:
        print("query of %s's text does not find it: %s" % (want, line[:300]))
        sys.exit(1)
print("%d acknowledged documents, each found by a query of its text" % found)

#!/usr/bin/env python3
"""load_client.py - the load client of bench/load.sh (standard library only).

  bench/load_client.py --port P --pid PID --queries Q.jsonl --adds A.jsonl
        [--qps 1000] [--add-qps 20] [--clients 8] [--add-clients 1] [--seconds 300]
        [--out R.json]

Open-loop load against a neardup server on 127.0.0.1 (loopback only), the schedule
of bench/load_client.c: --clients query threads, each on its own keep-alive
connection, offer --qps single-document queries (POST /v1/query) per second
together, and --add-clients add threads, on connections of their own, --add-qps
adds (POST /v1/documents) of the documents of --adds in order (they stop when the
file is used up). A request's
latency runs from the moment it was due to its answer's last byte, so a server that
falls behind shows it (no coordinated omission). The server's RSS (VmRSS of --pid)
is sampled every second. The run stops by itself after --seconds; prints one line
per 10 s and a summary, and writes the figures as JSON to --out."""
import argparse
import http.client
import json
import math
import sys
import threading
import time


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--adds", required=True)
    ap.add_argument("--qps", type=float, default=1000)
    ap.add_argument("--add-qps", type=float, default=20)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--add-clients", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--out")
    a = ap.parse_args()
    queries = [l.rstrip("\n") for l in open(a.queries) if l.strip()]
    adds = [l.rstrip("\n") for l in open(a.adds) if l.strip()]
    lock = threading.Lock()
    lat = {"query": [], "add": []}
    errors = {"query": 0, "add": 0}
    late = [0]
    unsent = {"query": 0, "add": 0}
    t0 = time.monotonic() + 0.2
    t_end = t0 + a.seconds

    def client(k, add):
        conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
        rate = a.add_qps if add else a.qps
        nc = a.add_clients if add else a.clients
        kind = "add" if add else "query"
        path = "/v1/documents" if add else "/v1/query"
        src = adds if add else queries
        i = 0
        while rate > 0:
            n = k + i * nc
            due = t0 + n / rate
            if due >= t_end or (add and n >= len(adds)):
                break
            now = time.monotonic()
            if now >= t_end:  # behind schedule at the end: the rest is not sent
                slots = int(math.ceil(a.seconds * rate))
                if add:
                    slots = min(slots, len(adds))
                with lock:
                    unsent[kind] += (slots - n + nc - 1) // nc if slots > n else 0
                break
            if due > now:
                time.sleep(due - now)
            elif now - due > 0.05:
                with lock:
                    late[0] += 1
            body = src[n % len(src)]
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
            done = time.monotonic()
            with lock:
                if ok:
                    lat[kind].append((done - due) * 1000.0)
                else:
                    errors[kind] += 1
            i += 1
        conn.close()

    rss = []
    stop = threading.Event()

    def sampler():
        while not stop.is_set():
            v = rss_kb(a.pid)
            if v is not None:
                rss.append((round(time.monotonic() - t0, 1), v))
            if len(rss) % 10 == 0 and rss:
                with lock:
                    nq, na = len(lat["query"]), len(lat["add"])
                    recent = lat["query"][-2000:]
                print("load: t=%5.0fs rss=%7.1f MB queries=%d adds=%d p99(last 2000)=%.2f ms"
                      % (rss[-1][0], rss[-1][1] / 1024.0, nq, na, pct(recent, 99)),
                      file=sys.stderr, flush=True)
            stop.wait(1.0)

    st = threading.Thread(target=sampler)
    st.start()
    ts = [threading.Thread(target=client, args=(k, False)) for k in range(a.clients)]
    ts += [threading.Thread(target=client, args=(k, True)) for k in range(a.add_clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.monotonic() - t0
    stop.set()
    st.join()
    half = [v for (t, v) in rss if t >= elapsed / 2]
    res = {
        "client": "py", "seconds": round(elapsed, 1), "clients": a.clients,
        "add_clients": a.add_clients,
        "offered_qps": a.qps, "offered_add_qps": a.add_qps,
        "queries_per_s": round(len(lat["query"]) / elapsed, 1),
        "adds_per_s": round(len(lat["add"]) / elapsed, 1),
        "query_p50_ms": round(pct(lat["query"], 50), 3),
        "query_p99_ms": round(pct(lat["query"], 99), 3),
        "add_p50_ms": round(pct(lat["add"], 50), 3),
        "add_p99_ms": round(pct(lat["add"], 99), 3),
        "errors": errors, "late_sends": late[0], "unsent_at_end": unsent,
        "rss_mb_first": round(rss[0][1] / 1024.0, 1) if rss else None,
        "rss_mb_last": round(rss[-1][1] / 1024.0, 1) if rss else None,
        "rss_mb_max": round(max(v for _, v in rss) / 1024.0, 1) if rss else None,
        "rss_mb_second_half_growth": round((half[-1] - half[0]) / 1024.0, 1) if half else None,
        "rss_samples": [[t, round(v / 1024.0, 1)] for (t, v) in rss[::max(1, len(rss) // 30)]],
    }
    print(json.dumps({k: v for k, v in res.items() if k != "rss_samples"}, indent=1))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""serve_doc_examples.py ND ROOT [--write] - the examples of docs/http-api.md, run.

Starts `ND serve` on a fresh index in the current directory (port 8080 of the page is
a free port; 8081 is a second server with --token-file token.txt), then runs every
"$ curl ..." and "$ neardup query/serve ..." line of the page's console blocks, in
order, from ROOT (so that examples/corpus/news.jsonl is found), and compares what each
printed (stdout and stderr; Date headers left out) with the lines under it in the page.
--write puts the outputs into the page instead. Exit 1 on a difference."""
import os
import re
import signal
import subprocess
import sys

ND, ROOT = sys.argv[1], sys.argv[2]
write = "--write" in sys.argv
page = os.path.join(ROOT, "docs/http-api.md")
work = os.getcwd()
subprocess.run([ND, "index", "create", os.path.join(work, "ix")],
               check=True)
with open(os.path.join(work, "token.txt"), "w") as f:
    f.write("doc-example-token\n")


def start(*args):
    p = subprocess.Popen([ND, "serve", "--listen", "127.0.0.1:0", *args],
                         stderr=subprocess.PIPE, text=True)
    for line in p.stderr:
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            return p, m.group(1)
    sys.exit("server did not start")


s1, p1 = start(os.path.join(work, "ix"))
s2, p2 = start("--token-file", os.path.join(work, "token.txt"), os.path.join(work, "ix"),
               "--read-only")
lines = open(page).read().split("\n")
out, i, bad = [], 0, 0
in_block = False
while i < len(lines):
    line = lines[i]
    out.append(line)
    i += 1
    if line.startswith("```console"):
        in_block = True
        continue
    if line.startswith("```"):
        in_block = False
        continue
    if not in_block or not line.startswith("$ "):
        continue
    cmd = line[2:]
    if not ("curl " in cmd or cmd.startswith("neardup query") or
            cmd.startswith("neardup serve --listen 0.0.0.0")):
        continue
    # the lines the page shows under it
    shown = []
    while i < len(lines) and not lines[i].startswith("$ ") and not lines[i].startswith("```"):
        shown.append(lines[i])
        i += 1
    run = cmd.replace(":8080", ":" + p1).replace(":8081", ":" + p2)
    run = re.sub(r"^neardup ", ND + " ", run)
    run = run.replace("token.txt", os.path.join(work, "token.txt"))
    r = subprocess.run(["bash", "-c", run], cwd=ROOT, capture_output=True)
    text = (r.stdout + r.stderr).decode("utf-8", "replace")
    text = text.replace(":" + p1, ":8080").replace(":" + p2, ":8081").replace("\r", "")
    got = [l for l in text.split("\n") if not l.startswith("Date: ")]
    while got and got[-1] == "":
        got.pop()
    if got != shown:
        if not write:
            bad += 1
            print("differs: %s\n  page: %s\n  now:  %s" % (cmd, shown, got))
    out.extend(got if write else shown)
s1.send_signal(signal.SIGTERM)
s2.send_signal(signal.SIGTERM)
rc = s1.wait() | s2.wait()
if rc:
    print("a server exited %d" % rc)
    bad += 1
if write:
    open(page, "w").write("\n".join(out))
print("%s: %s" % (page, "written" if write else ("%d differences" % bad if bad else "same")))
sys.exit(1 if bad else 0)

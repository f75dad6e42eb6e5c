#!/bin/sh
# bench/micro/run.sh - instructions per input byte of each sketching kernel, counted by
# callgrind, plus a wall-clock line per kernel for reference.
#
#   bench/micro/run.sh [BIN]      BIN: the micro-benchmark (default build/rel/bench/micro/kernels;
#                                 `make micro` builds it and runs this)
#
# For each input (ascii, utf8) and each KPERM kernel valgrind can run (scalar, and the automatic
# choice: AVX2 where the CPU has it; valgrind runs no AVX-512), it runs BIN under
#   valgrind --tool=callgrind --collect-atstart=no --toggle-collect='micro_*'
# so that only the kernels are counted, each alone (inclusive of what it calls, exclusive of the
# harness), and prints Ir / input byte per kernel. Then it runs BIN --time 5 natively for each
# kernel the CPU supports (AVX-512 included): those ns/byte depend on the machine's load.
# Writes bench/results/micro-<date>.json. Needs valgrind (callgrind_annotate) and python3.
set -eu
BIN=${1:-build/rel/bench/micro/kernels}
[ -x "$BIN" ] || { echo "run.sh: $BIN not built (run: make micro)" >&2; exit 2; }
command -v valgrind >/dev/null 2>&1 || { echo "run.sh: valgrind not installed" >&2; exit 2; }
command -v callgrind_annotate >/dev/null 2>&1 ||
    { echo "run.sh: callgrind_annotate missing" >&2; exit 2; }
OUTDIR=${MICRO_RESULTS:-bench/results}
mkdir -p "$OUTDIR"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

for input in ascii utf8; do
    for kernel in scalar auto; do
        "$BIN" --input $input --kernel $kernel > "$TMP/native.$input.$kernel"
        valgrind --tool=callgrind --collect-atstart=no --toggle-collect='micro_*' \
            --callgrind-out-file="$TMP/cg.$input.$kernel" \
            "$BIN" --input $input --kernel $kernel \
            > "$TMP/out.$input.$kernel" 2> "$TMP/err.$input.$kernel" \
            || { cat "$TMP/err.$input.$kernel" >&2; exit 2; }
        callgrind_annotate --inclusive=yes --threshold=100 "$TMP/cg.$input.$kernel" \
            > "$TMP/ann.$input.$kernel"
    done
done
for kernel in scalar avx2 avx512; do
    "$BIN" --input ascii --kernel $kernel --time 5 > "$TMP/time.$kernel" 2>/dev/null ||
        rm -f "$TMP/time.$kernel"
done

python3 - "$TMP" "$OUTDIR" "$BIN" <<'PY'
import datetime, glob, json, os, re, subprocess, sys
tmp, outdir, binary = sys.argv[1:4]
stages = ["tokenize", "token_hash", "shingle_hash", "sort_unique", "minhash_kperm",
          "minhash_oph", "band_keys"]
def header(path):
    txt = open(path).read()
    m = re.search(r"input (\w+): (\d+) bytes, (\d+) documents; kperm kernel (\w+)", txt)
    t = re.search(r"tokens (\d+), normalised bytes (\d+)", txt)
    cks = dict(re.findall(r"stage (\w+)\s+checksum (\w+)", txt))
    return m.group(1), int(m.group(2)), int(m.group(3)), m.group(4), int(t.group(1)), cks
result = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "binary": binary,
          "callgrind": [], "time_ns_per_byte": {}}
try:
    result["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                      text=True).stdout.strip()
except OSError:
    pass
try:
    result["cpu"] = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                         if l.startswith("model name"))
except (OSError, StopIteration):
    pass
print("instructions per input byte (callgrind Ir, each kernel counted alone)")
print("%-6s %-8s %-8s" % ("input", "kperm", "tokens") + "".join("%14s" % s for s in stages))
for input_ in ("ascii", "utf8"):
    for kernel in ("scalar", "auto"):
        name, nbytes, ndocs, used, ntok, cks = header(
            os.path.join(tmp, "out.%s.%s" % (input_, kernel)))
        native = header(os.path.join(tmp, "native.%s.%s" % (input_, kernel)))[5]
        if native != cks:
            sys.exit("run.sh: checksums differ between the native run and valgrind's")
        ir = {}
        for line in open(os.path.join(tmp, "ann.%s.%s" % (input_, kernel))):
            m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?\S*:micro_(\w+)\b", line)
            if m and m.group(2) in stages and m.group(2) not in ir:
                ir[m.group(2)] = int(m.group(1).replace(",", ""))
        row = {"input": input_, "bytes": nbytes, "documents": ndocs, "tokens": ntok,
               "kperm_kernel": used, "ir": ir,
               "ir_per_byte": {s: round(ir.get(s, 0) / nbytes, 3) for s in stages}}
        result["callgrind"].append(row)
        print("%-6s %-8s %-8d" % (input_, used, ntok) +
              "".join("%14.2f" % row["ir_per_byte"][s] for s in stages))
print("\nwall clock, ascii input, best of 5 (ns per input byte; depends on the machine's load)")
for path in sorted(glob.glob(os.path.join(tmp, "time.*"))):
    kernel = path.rsplit(".", 1)[1]
    ns = {m.group(1): float(m.group(2)) for m in
          re.finditer(r"stage (\w+)\s+checksum \w+\s+([\d.]+) ns/byte", open(path).read())}
    result["time_ns_per_byte"][kernel] = ns
    print("%-8s" % kernel + "".join("%14.3f" % ns.get(s, 0) for s in stages))
out = os.path.join(outdir, "micro-%s.json" % datetime.date.today().isoformat())
with open(out, "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")
print("\nwrote", out)
PY

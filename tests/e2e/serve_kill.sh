# neardup serve SIGKILLed during batches of writes at 20 seeded random moments: after
# each, the index verifies and every document whose add was acknowledged (HTTP 200
# received) is in it; at the end, each is found by a query of its text under another id
# (an exact duplicate). ND_SEED sets the seed (printed).
set -eu
command -v curl >/dev/null || { echo "skipped: curl not installed" >&2; exit 77; }
python3 "$ROOT/tests/e2e/serve_kill.py" "$ND" "${ND_SEED:-20261205}"

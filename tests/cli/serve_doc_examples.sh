# docs/http-api.md: every curl and neardup query example of the page, run against a
# fresh index of the bundled corpus, prints what the page shows.
set -eu
command -v curl >/dev/null || { echo "skipped: curl not installed" >&2; exit 77; }
python3 "$ROOT/tests/cli/serve_doc_examples.py" "$ND" "$ROOT"

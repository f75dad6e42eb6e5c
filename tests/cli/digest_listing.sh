# neardup digest on a terminal (script(1) gives it one): a listing for a person,
# story by story; with --json or into a pipe, JSON Lines. The bundled example
# corpus: the ministry's statement carried by most of the story's sources.
set -eu
ex="$ROOT/examples/corpus/news.jsonl"
tty() { script -qec "$*" /dev/null </dev/null | tr -d '\r'; }
echo "== on a terminal"
tty "'$ND' digest -q --no-progress '$ex'"
echo "== --json on a terminal"
tty "'$ND' digest -q --no-progress --json '$ex'" | head -c 80; echo
echo "== into a pipe"
"$ND" digest -q "$ex" | head -c 80; echo

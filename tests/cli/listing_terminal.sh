# On a terminal (script(1) gives the command one) stories, reuse and boilerplate list
# what they found for a person, as dedup does; with --json, or into a pipe, they write
# JSON Lines. The progress line is off (--no-progress) to keep the output exact.
set -eu
ex="$ROOT/examples/corpus/news.jsonl"
tty() { script -qec "$*" /dev/null </dev/null | tr -d '\r'; }
echo "== stories on a terminal"
tty "'$ND' stories -q --no-progress '$ex'"
echo "== boilerplate on a terminal"
tty "'$ND' boilerplate -q --no-progress '$ex'"
echo "== reuse on a terminal (the first passages)"
tty "'$ND' reuse -q --no-progress '$ex'" | head -6
echo "== --json on a terminal: JSON Lines"
tty "'$ND' stories -q --no-progress --json '$ex'" | head -c 60; echo
tty "'$ND' reuse -q --no-progress --json '$ex'" | head -c 60; echo
echo "== into a pipe: JSON Lines"
"$ND" boilerplate -q "$ex" | head -c 60; echo

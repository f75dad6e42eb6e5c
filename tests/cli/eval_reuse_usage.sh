# eval --plagdet / --gold-pairs: option misuse is a usage error (exit 1, the
# message and the --help hint on stderr), found before any file is read; the
# help describes both modes.
set -u
exec 2>&1
while IFS= read -r args; do
    # shellcheck disable=SC2086
    out=$("$ND" eval $args 2>&1)
    echo "exit $?: $(echo "$out" | head -1)"
done <<'L'
--plagdet p.jsonl
--plagdet --gold-pairs g.jsonl p.jsonl
--pairs x --gold c.jsonl p.jsonl
--same x --gold c.jsonl p.jsonl
--min a=1 --gold c.jsonl p.jsonl
--gold-pairs g.jsonl --pair-fields a p.jsonl
--gold-pairs g.jsonl --pair-fields a,a p.jsonl
--gold-pairs g.jsonl --pair-fields a,b,c p.jsonl
--gold-pairs g.jsonl --pair-fields ,b p.jsonl
--gold-pairs g.jsonl --min x p.jsonl
--gold-pairs g.jsonl --min x=y p.jsonl
--gold-pairs g.jsonl --min =3 p.jsonl
--gold-pairs g.jsonl
--gold-pairs g.jsonl --gold c.jsonl p.jsonl
--plagdet --gold - -
--gold-pairs - --same - p.jsonl
--plagdet --gold c.jsonl --num-docs 3 p.jsonl
--gold-pairs g.jsonl --corpus x p.jsonl
--plagdet --gold c.jsonl a b
--gold-pairs
L
"$ND" eval --help >help.txt || echo "eval --help: exit $?"
sed -n '2,3p' help.txt
grep -c 'log2(1 + granularity)' help.txt

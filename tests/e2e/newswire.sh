# A generated newswire month (issue 13, part 5; tests/e2e/newswire.py, seed
# printed): notices on templates (results of 200 companies, bond issues of
# 100 issuers, 30 daily rate notices) among 20 multi-source stories. At the
# defaults, no story holds two reports of one form (another company, issuer
# or day: nd_story_doc.form, from dedup's template relation), and each of the
# 20 stories is whole. Before templates kept them apart, the notices of one
# form joined one story each (results: 200 companies in one story).
# Events of one kind (two fires at two timber yards, told in like phrases)
# are apart when they share no name (--names, default 1): 17 of the 20 hold
# nothing else, 8 with --names 0 (the three merger stories share the name
# "Foods" of "Dendraker Foods" and "Bafengor Foods"): floor 16.
set -eu
seed=${NEWSWIRE_SEED:-20261206}
python3 "$(dirname "$0")/newswire.py" gen month.jsonl "$seed"
"$ND" stories -q -o s.jsonl month.jsonl
python3 "$(dirname "$0")/newswire.py" check s.jsonl month.jsonl.truth 16

# Mail and news header blocks seed no passages (ND_P_HEADER_SEEDS): two posts
# of one thread share their routing path, newsgroups, organisation and
# subject lines but no text; a reply quotes its parent's text. By default the
# only passage is the quotation; --header-seeds also aligns the header lines.
set -eu -o pipefail
python3 - <<'PY'
import json
H = ("Path: news.example!feed.example!uunet!cs.cmu.edu!not-for-mail\n"
     "Newsgroups: sci.space,sci.astro,sci.physics,talk.politics.space\n"
     "Organization: Department of Physics and Astronomy, University of Example\n"
     "Subject: Re: the launch window for the outer planets mission in the next decade\n")
Q = ("The launch window opens every thirteen months when the alignment of the planets "
     "allows a gravity assist from the inner planets on the way out")
posts = [("p1", "From: ann@example.edu\n" + H + "Lines: 3\n\nI think " + Q + ", as the agency said.\n"),
         ("p2", "From: bob@example.org\n" + H + "Lines: 4\n\nDoes anyone know who pays for the tracking stations?\n"),
         ("p3", "From: cy@example.net\nSubject: Re: windows\nNewsgroups: sci.space\n\nann wrote:\n> "
                + Q + "\nThat is right.\n")]
with open("posts.jsonl", "w") as f:
    for i, t in posts:
        f.write(json.dumps({"id": i, "text": t}) + "\n")
PY
show() {
    python3 -c '
import json, sys
for l in open(sys.argv[1]):
    p = json.loads(l)
    print(p["a"], p["b"], p["words"], "words")' "$1"
}
echo "== default"
"$ND" reuse -q --no-text --keep-boilerplate -o p.jsonl posts.jsonl
show p.jsonl
echo "== --header-seeds"
"$ND" reuse -q --no-text --keep-boilerplate --header-seeds -o p.jsonl posts.jsonl
show p.jsonl

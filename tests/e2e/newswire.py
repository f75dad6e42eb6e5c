#!/usr/bin/env python3
"""A generated newswire month (issue 13, part 5), written by us.

python3 newswire.py gen OUT.jsonl SEED  writes the month and OUT.jsonl.truth
python3 newswire.py check STORIES.jsonl TRUTH [N]  checks neardup's stories
  (and that at least N of the 20 stories hold nothing else)

The month mixes notices written on templates, which differ only in the
company, issuer, date and amounts:
  - quarterly results of 200 companies (one notice each, over the month),
  - bond issues of 100 issuers,
  - a central bank's daily rate notice (30 days),
with 20 multi-source stories: each an event (a fire, a strike, a trial...)
in an invented town with invented people, told by 3 to 6 outlets over one to
three days, each outlet choosing its own sentences among the event's facts
and its own wording for them, so that no two reports are copies.

The check: no story holds notices of two companies, issuers or days (one form,
two reports), and each of the 20 stories is whole in one neardup story.
"""
import json
import random
import sys

DAY0 = 1  # 2019-03-01 is day 1 of the month


def date_of(day, hour=9, minute=0):
    return "2019-03-%02dT%02d:%02d:00Z" % (day, hour, minute)


def syllable_name(rng, parts=2):
    syl = ["ba", "ker", "lo", "mi", "den", "sar", "tu", "vel", "ro", "nan", "qui", "zor",
           "pel", "dra", "fen", "gor", "has", "jun", "kal", "mor", "ost", "pra", "rin", "sel"]
    return "".join(rng.choice(syl) for _ in range(parts)).capitalize()


def companies(rng, n, suffixes):
    seen, out = set(), []
    while len(out) < n:
        c = syllable_name(rng, rng.choice([2, 3])) + " " + rng.choice(suffixes)
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


RESULTS = ("{c} reported on {wd} that net profit for the fourth quarter was {p} million, "
           "compared with {q} million a year earlier. Revenue for the quarter was {r} million. "
           "The board proposed a dividend of {d} cents per share. The company said it expected "
           "demand to remain steady in the coming quarter and confirmed its outlook for the "
           "full year.")
BOND = ("{c} said on {wd} it had priced an issue of {a} million of senior unsecured bonds due "
        "{y} with a coupon of {k} percent. The notes were offered to institutional investors "
        "and the proceeds will be used for general corporate purposes, the issuer said in a "
        "statement to the exchange.")
RATES = ("Daily money market notice. On {day} March 2019 the Central Bank conducted a reverse "
         "repurchase operation of {a} billion at a rate of {r} percent. The operation matures "
         "in seven days. The bank said liquidity in the banking system remained at a "
         "reasonable and ample level.")

EVENTS = [
    ("fire", ["a fire broke out at the {place} timber yard late on {wd}",
              "flames spread to two warehouses beside the yard",
              "{n} firefighters fought the blaze through the night",
              "{person}, the fire chief, said the cause was not yet known",
              "smoke forced the closure of the ring road for several hours",
              "residents of nearby streets were told to keep windows shut",
              "the yard's owner said the stock lost was worth {m} million",
              "no one was injured, the fire service said"]),
    ("strike", ["workers at the {place} bus depot walked out on {wd} over pay",
                "the union said {n} drivers joined the strike",
                "{person}, who leads the drivers' union, said talks had broken down",
                "commuters queued for taxis as services were cancelled",
                "the operator offered a rise of {m} percent, which the union rejected",
                "schools in the district asked parents to arrange transport",
                "the mayor called on both sides to return to talks"]),
    ("trial", ["the trial of {person} opened at the {place} crown court on {wd}",
               "prosecutors say the former treasurer took {m} million from the harbour trust",
               "the defendant denies all {n} charges",
               "the jury heard that payments were routed through a shell company",
               "the harbour trust's auditor is expected to give evidence",
               "the judge warned jurors not to read reports of the case",
               "the trial is expected to last three weeks"]),
    ("flood", ["the river burst its banks at {place} after heavy rain on {wd}",
               "{n} homes were flooded in the lower town",
               "{person}, who runs the rescue team, said boats were used to reach residents",
               "a school was opened as a shelter for displaced families",
               "the railway line to the coast was closed",
               "farmers said crops worth {m} million were lost",
               "forecasters expect more rain later in the week"]),
    ("merger", ["{place} Foods and a rival dairy agreed to merge on {wd}",
                "the combined group will have {n} employees",
                "{person}, chief executive of the dairy, will lead the new company",
                "shareholders will receive {m} new shares for each share held",
                "regulators are expected to review the deal",
                "the companies said no plants would close in the first year",
                "farmers' groups welcomed the promise of stable milk prices"]),
]


def event_sentence(text, rng, slots):
    s = text.format(**slots)
    opener = rng.choice(["", "", "According to officials, ", "Reports said ", "Witnesses said "])
    if opener and s.split()[0] in ("a", "the", "A", "The", "no", "No"):
        s = s[0].lower() + s[1:]
    elif opener:
        opener = ""
    return (opener + s)[0].upper() + (opener + s)[1:] + "."


def gen(out, seed):
    rng = random.Random(seed)
    docs, truth = [], {"forms": {}, "stories": {}}
    wds = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    for i, c in enumerate(companies(rng, 200, ["Holdings", "Group", "Industries", "Corp",
                                                 "Systems", "Motors", "Foods", "Mining"])):
        day = DAY0 + rng.randrange(28)
        p = rng.randrange(10, 900)
        doc = {"id": "results-%03d" % i, "date": date_of(day, 7 + rng.randrange(10)),
               "source": "Wire", "text": RESULTS.format(
                   c=c, wd=rng.choice(wds), p=p, q=p + rng.randrange(-9, 40),
                   r=p * rng.randrange(4, 12), d=rng.randrange(5, 90))}
        docs.append(doc)
        truth["forms"][doc["id"]] = "results:" + c
    for i, c in enumerate(companies(rng, 100, ["Capital", "Finance", "Energy", "Utilities",
                                                 "Telecom", "Railways"])):
        day = DAY0 + rng.randrange(28)
        doc = {"id": "bond-%03d" % i, "date": date_of(day, 8 + rng.randrange(9)),
               "source": "Wire", "text": BOND.format(
                   c=c, wd=rng.choice(wds), a=rng.choice([250, 300, 500, 750, 1000]),
                   y=2024 + rng.randrange(10), k="%.3f" % (1 + rng.random() * 5))}
        docs.append(doc)
        truth["forms"][doc["id"]] = "bond:" + c
    for day in range(DAY0, DAY0 + 30):
        doc = {"id": "rates-%02d" % day, "date": date_of(day, 9, 15), "source": "Central Bank",
               "text": RATES.format(day=day, a=rng.randrange(10, 90),
                                    r="%.2f" % (2.4 + rng.random() / 2))}
        docs.append(doc)
        truth["forms"][doc["id"]] = "rates:%d" % day
    outlets = ["Daily Courier", "Evening Post", "Morning Star", "Valley News", "The Herald",
               "City Times", "Coast Gazette", "Radio North"]
    for k in range(20):
        kind, facts = EVENTS[k % len(EVENTS)]
        slots = {"place": syllable_name(rng, 3), "person": syllable_name(rng) + " " +
                 syllable_name(rng, 3), "n": rng.randrange(12, 400),
                 "m": rng.randrange(2, 60), "wd": rng.choice(wds)}
        day = DAY0 + rng.randrange(26)
        for j, src in enumerate(rng.sample(outlets, rng.randrange(3, 7))):
            chosen = [f for f in facts if f.startswith(facts[0][:10]) or rng.random() < 0.7]
            first, rest = chosen[0], chosen[1:]
            rng.shuffle(rest)
            text = " ".join(event_sentence(f, rng, slots) for f in [first] + rest)
            title = "%s %s at %s" % (kind.capitalize(), rng.choice(["report", "update", "latest"]),
                                     slots["place"])
            doc = {"id": "story-%02d-%d" % (k, j),
                   "date": date_of(day + rng.randrange(3), 6 + rng.randrange(14)),
                   "source": src, "title": title, "text": text}
            docs.append(doc)
            truth["stories"][doc["id"]] = k
    rng.shuffle(docs)
    docs.sort(key=lambda d: d["date"])
    with open(out, "w") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    with open(out + ".truth", "w") as f:
        json.dump(truth, f)
    print("newswire month, seed %d: %d documents (%d notices on templates, %d story reports)"
          % (seed, len(docs), len(truth["forms"]), len(truth["stories"])))


def check(stories_path, truth_path, min_alone=0):
    truth = json.load(open(truth_path))
    story_of = {}
    for line in open(stories_path):
        s = json.loads(line)
        for m in s["members"]:
            story_of[m["id"]] = s["story"]
    # one form, two reports in one story?
    mixed, by_story = 0, {}
    for doc, form in truth["forms"].items():
        by_story.setdefault(story_of[doc], set()).add(form)
    for k, forms in by_story.items():
        if len(forms) > 1:
            mixed += 1
            if mixed <= 5:
                print("story %s holds %d notices of different companies, issuers or days: %s"
                      % (k, len(forms), sorted(forms)[:4]))
    # each event whole, and alone
    whole, alone, events = 0, 0, {}
    for doc, k in truth["stories"].items():
        events.setdefault(k, set()).add(story_of[doc])
    members = {}
    for doc, k in story_of.items():
        members.setdefault(k, set()).add(doc)
    for k, ss in sorted(events.items()):
        if len(ss) == 1:
            whole += 1
            (sid,) = ss
            others = [d for d in members[sid] if truth["stories"].get(d) != k]
            alone += not others
        else:
            print("event %d split over %d stories" % (k, len(ss)))
    notices = len(truth["forms"])
    print("notices on templates: %d in %d stories; stories mixing two reports of one form: %d"
          % (notices, len(by_story), mixed))
    print("events: %d of %d whole in one story, %d of them with nothing else"
          % (whole, len(events), alone))
    assert mixed == 0, "a story holds two reports of one form"
    assert whole == len(events), "an event was split"
    assert alone >= min_alone, "%d events share their story, at most %d may" % (
        len(events) - alone, len(events) - min_alone)


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
    else:
        check(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 0)

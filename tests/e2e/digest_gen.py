#!/usr/bin/env python3
"""Generated multi-source stories for the digest (issue 16), written by us.

python3 digest_gen.py gen OUT.jsonl SEED   writes the stories and OUT.jsonl.truth
python3 digest_gen.py check DIGEST.jsonl TRUTH [MIN_P MIN_R]
    scores the digest's disagreements and contradictions against the truth

Each story is an invented event (a fire, a flood, a strike, a crash, a
protest) told by 3 to 6 outlets. An outlet tells a subset of the event's
facts, each in one of its wordings, and adds sentences of its own. Facts
carry numbers; in about two stories in three, one or two outlets give one
number differently (a planted disagreement), as outlets do when one counts
later or rounds. In some stories one outlet says no one was hurt while the
others count the injured (a planted contradiction). The truth lists every
sentence's fact and value, so the check needs no judgement: a flagged
disagreement is right when its values are one fact's and that fact was
planted; recall is over the planted facts that two outlets with different
values both tell.
"""
import json
import random
import sys

OUTLETS = ["Daily Courier", "Evening Post", "Morning Star", "Valley News", "The Herald",
           "City Times", "Coast Gazette", "Radio North"]

# kind: [(fact, [wordings]), ...]; {n} a count, {m} a number of millions
EVENTS = {
    "fire": [
        ("start", ["A fire broke out at the {place} timber yard late on {wd}.",
                   "Fire swept through the {place} timber yard on {wd} night."]),
        ("firefighters", ["{n} firefighters fought the blaze through the night.",
                          "The blaze was fought through the night by {n} firefighters.",
                          "Crews of {n} firefighters battled the flames until dawn."]),
        ("warehouses", ["The flames spread to {k} warehouses beside the yard.",
                        "{k} warehouses next to the yard also caught fire."]),
        ("damage", ["The owner said the stock lost was worth ${m} million.",
                    "The yard's owner put the loss at ${m} million."]),
        ("injured", ["{i} people were injured, the fire service said.",
                     "The fire service said {i} people were injured."]),
        ("road", ["Smoke forced the closure of the ring road for several hours.",
                  "The ring road was closed for hours because of the smoke."]),
    ],
    "flood": [
        ("start", ["The river burst its banks at {place} after heavy rain on {wd}.",
                   "Heavy rain on {wd} sent the river over its banks at {place}."]),
        ("homes", ["{n} homes were flooded in the lower town.",
                   "Water entered {n} homes in the lower town.",
                   "In the lower town, {n} homes were flooded."]),
        ("evacuated", ["{k} families were moved to a school opened as a shelter.",
                       "A school took in {k} families who had to leave their homes."]),
        ("crops", ["Farmers said crops worth ${m} million were lost.",
                   "Crops worth ${m} million were lost, farmers said."]),
        ("injured", ["{i} people were injured as the water rose.",
                     "As the water rose, {i} people were injured."]),
        ("rail", ["The railway line to the coast was closed.",
                  "Trains to the coast were cancelled."]),
    ],
    "strike": [
        ("start", ["Workers at the {place} bus depot walked out on {wd} over pay.",
                   "Drivers at the {place} bus depot went on strike on {wd} over pay."]),
        ("drivers", ["The union said {n} drivers joined the strike.",
                     "{n} drivers joined the strike, the union said."]),
        ("rise", ["The operator offered a rise of {p} percent, which the union rejected.",
                  "The union rejected the operator's offer of a {p} percent rise."]),
        ("routes", ["Services on {k} routes were cancelled.",
                    "{k} routes had no buses on {wd}."]),
        ("talks", ["The mayor called on both sides to return to talks.",
                   "Both sides were urged by the mayor to go back to talks."]),
    ],
    "crash": [
        ("start", ["A coach carrying pilgrims overturned near {place} on {wd}.",
                   "On {wd} a coach with pilgrims on board overturned near {place}."]),
        ("passengers", ["The coach was carrying {n} passengers.",
                        "There were {n} passengers on the coach."]),
        ("injured", ["{i} passengers were injured and taken to hospital.",
                     "Ambulances took {i} injured passengers to hospital."]),
        ("age", ["The driver, aged {a}, was questioned by police.",
                 "Police questioned the driver, aged {a}."]),
        ("speed", ["Police said the coach was travelling at {s} kilometres an hour.",
                   "The coach was going at {s} kilometres an hour, police said."]),
    ],
    "protest": [
        ("start", ["Protesters marched through {place} on {wd} against a new road.",
                   "A march against a new road filled the streets of {place} on {wd}."]),
        ("marchers", ["Organisers said {n} people took part in the march.",
                      "Some {n} people took part in the march, organisers said."]),
        ("arrests", ["Police arrested {k} protesters near the town hall.",
                     "{k} protesters were arrested near the town hall."]),
        ("cost", ["The road is expected to cost ${m} million.",
                  "The cost of the road is put at ${m} million."]),
        ("petition", ["A petition against the road has {p} thousand signatures.",
                      "The petition against the road has gathered {p} thousand signatures."]),
    ],
}
NUMBERS = {"firefighters": "n", "warehouses": "k", "damage": "m", "injured": "i", "homes": "n",
           "evacuated": "k", "crops": "m", "drivers": "n", "rise": "p", "routes": "k",
           "passengers": "n", "age": "a", "speed": "s", "marchers": "n", "arrests": "k",
           "cost": "m", "petition": "p"}
NOBODY = ["No one was injured, officials said.", "Officials said nobody was injured."]
OWN = ["A resident, {who}, said she had never seen anything like it.",
       "{who}, who lives nearby, said the town would need time to recover.",
       "Local councillor {who} said questions had to be answered.",
       "Photographs shared online showed the scene at dawn.",
       "The area was quiet by the afternoon."]
SYL = ["ba", "ker", "lo", "mi", "den", "sar", "tu", "vel", "ro", "nan", "qui", "zor", "pel",
       "dra", "fen", "gor", "has", "jun", "kal", "mor", "ost", "pra", "rin", "sel"]


def name(rng, parts=2):
    return "".join(rng.choice(SYL) for _ in range(parts)).capitalize()


def other(rng, v):
    """A different value, as a later count or a rounding gives it."""
    while True:
        w = max(1, int(round(v * rng.choice([0.6, 0.75, 0.8, 1.2, 1.25, 1.5]))))
        if w != v:
            return w


def gen(out, seed, nstories=40):
    rng = random.Random(seed)
    docs, truth = [], {"docs": {}, "planted": {}, "nobody": {}}
    kinds = sorted(EVENTS)
    wds = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    for k in range(nstories):
        kind = kinds[k % len(kinds)]
        vals = {"n": rng.randrange(20, 900), "k": rng.randrange(3, 40), "m": rng.randrange(2, 90),
                "i": rng.randrange(2, 30), "p": rng.randrange(3, 15), "a": rng.randrange(25, 70),
                "s": rng.randrange(60, 130)}
        place, wd = name(rng, 3), rng.choice(wds)
        outlets = rng.sample(OUTLETS, rng.randrange(3, 7))
        facts = EVENTS[kind]
        numeric = [f for f, _ in facts if f in NUMBERS]
        planted = {}
        if rng.random() < 0.67:
            f = rng.choice(numeric)
            for o in rng.sample(outlets, rng.choice([1, 1, 2])):
                planted[o] = (f, other(rng, vals[NUMBERS[f]]))
        nobody = rng.choice(outlets) if any(f == "injured" for f, _ in facts) and \
            rng.random() < 0.3 else None
        truth["planted"][str(k)] = sorted({f for f, _ in planted.values()})
        truth["nobody"][str(k)] = nobody
        for j, o in enumerate(outlets):
            told = [facts[0]] + [x for x in facts[1:] if rng.random() < 0.75]
            sents = []
            for f, words in told:
                v = dict(vals)
                if o in planted and planted[o][0] == f:
                    v[NUMBERS[f]] = planted[o][1]
                if f == "injured" and o == nobody:
                    text, val = rng.choice(NOBODY), 0
                else:
                    text = rng.choice(words).format(place=place, wd=wd, **v)
                    val = v[NUMBERS[f]] if f in NUMBERS else None
                sents.append((f, text, val))
            for _ in range(rng.randrange(1, 3)):
                sents.append(("own", rng.choice(OWN).format(who=name(rng) + " " + name(rng, 3)),
                              None))
            head, rest = sents[0], sents[1:]
            rng.shuffle(rest)
            text, spans = "", []
            for f, s, val in [head] + rest:
                if text:
                    text += " "
                spans.append([len(text.encode()), len((text + s).encode()), f, val])
                text += s
            did = "s%02d-%d" % (k, j)
            docs.append({"id": did, "source": o, "date": "2021-05-%02d" % (1 + k % 28),
                         "title": "%s at %s" % (kind.capitalize(), place), "text": text})
            truth["docs"][did] = {"story": k, "source": o, "spans": spans}
    with open(out, "w") as fp:
        for d in docs:
            fp.write(json.dumps(d) + "\n")
    with open(out + ".truth", "w") as fp:
        json.dump(truth, fp)
    print("digest set, seed %d: %d stories, %d reports, %d planted disagreements, %d nobody-hurt"
          % (seed, nstories, len(docs), sum(1 for v in truth["planted"].values() if v),
             sum(1 for v in truth["nobody"].values() if v)))


def fact_of(truth, doc, start, end):
    for s, e, f, val in truth["docs"][doc]["spans"]:
        if s <= start and end <= e:
            return f, val
    return None, None


def check(digest, truth_path, min_p=0.0, min_r=0.0):
    truth = json.load(open(truth_path))
    recs = [json.loads(l) for l in open(digest)]
    flagged = right = 0
    found = set()
    wrong = []
    for r in recs:
        for d in r["disagreements"]:
            flagged += 1
            facts = {fact_of(truth, v["id"], v["start"], v["end"])[0] for v in d["values"]}
            stories = {truth["docs"][v["id"]]["story"] for v in d["values"]}
            vals = {v["value"] for v in d["values"]}
            ok = len(facts) == 1 and len(stories) == 1 and len(vals) >= 2
            f = next(iter(facts))
            s = next(iter(stories))
            ok = ok and f in truth["planted"][str(s)]
            right += ok
            if ok:
                found.add((s, f))
            else:
                wrong.append([(v["id"], v["text"]) for v in d["values"]])
    # the planted facts two outlets with different values both tell
    findable = set()
    for k, fs in truth["planted"].items():
        for f in fs:
            seen = {}
            for did, t in truth["docs"].items():
                if t["story"] != int(k):
                    continue
                for s, e, g, val in t["spans"]:
                    if g == f:
                        seen.setdefault(val, set()).add(t["source"])
            if len(seen) >= 2:
                findable.add((int(k), f))
    recall = len(found & findable) / len(findable) if findable else 1.0
    prec = right / flagged if flagged else 1.0
    # contradictions: nobody-hurt planted and flagged (predicate injured)
    nob = {int(k) for k, v in truth["nobody"].items() if v}
    flagged_inj = set()
    for r in recs:
        for c in r["contradictions"]:
            if c["predicate"] == "injured":
                flagged_inj |= {truth["docs"][x["id"]]["story"] for x in c["negate"]}
    print("disagreements: %d flagged, %d right (precision %.3f); %d of %d findable planted "
          "found (recall %.3f); nobody-hurt contradictions: %d of %d flagged, %d elsewhere"
          % (flagged, right, prec, len(found & findable), len(findable), recall,
             len(flagged_inj & nob), len(nob), len(flagged_inj - nob)))
    for w in wrong[:10]:
        print("  not planted:", w)
    if prec < min_p or recall < min_r:
        print("below the floors: precision %.2f, recall %.2f" % (min_p, min_r))
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
    else:
        check(sys.argv[2], sys.argv[3], *(float(x) for x in sys.argv[4:6]))

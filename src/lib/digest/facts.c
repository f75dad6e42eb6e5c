/*
 * facts.c - what a story's sources state and where they differ: quantities
 * and their disagreements, affirmed and negated predicates, and the names
 * the sources give one entity (neardup.h, "Story digest").
 *
 * DESIGN
 *   Quantities. A number (digits, with thousands and decimal parts, or a
 *   number word from one to ninety, "a dozen", "a hundred", "a thousand"),
 *   times a following million, billion, thousand or hundred; "some",
 *   "about", "nearly", "more than"... before it make it approximate. Its
 *   kind: a percentage ("%", "percent"), money ("$", "EUR", "dollars"...),
 *   an age ("aged 45", "45-year-old", "45 years old"), a date (a month and a
 *   day, a year from 1900 to 2100 alone, "2023-06-21"), a time ("10:30",
 *   "9 pm"), else a count. A count needs a head noun: the last of the
 *   content words right after it, up to a plural, a preposition or a common
 *   verb ("15 police officers", "6 of the injured terrorists", "31 people
 *   took part"); a number with none is not read. A number inside a name
 *   ("Ashraf 3", "COVID-19") or after a noun that numbers things ("episode
 *   7", "flight 370", a list) is not read.
 *
 *   Disagreements. Two quantities of different sources are the same quantity
 *   when they have the same kind and head (stemmed), and either their
 *   sentences are in one group (aligned: any kind) and they are the k-th of
 *   that kind and head in both, or, for counts, money and percentages with a
 *   head that is not a duration ("years", "days"), their values are within a
 *   factor of two and the words around them (eight on each side, function
 *   words, numbers and the head aside) share two, or they carry the same
 *   hedge and are within a factor of 4/3: "some 2,800 members" and "some
 *   3,000 members" are one estimate, "21 members were injured" is another
 *   quantity, and "nearly 40 years" and "more than 30 years" say too little
 *   to be one. Same quantities chain
 *   (union-find); a chain holding two values or more from two sources or
 *   more is a disagreement, listing every quantity of the chain. Times of
 *   day are not compared (in practice they are stamps: "10:35 A.M. EDT",
 *   "published at 08:18 pm"), nor dates in sentences that say fewer than
 *   four words besides names, numbers and calendar words (datelines). Links are
 *   taken strongest first (aligned, then the closest values) and one that
 *   would put two values of one document in a chain is refused: a source
 *   does not disagree with itself, so "883 passengers" and "24 passengers"
 *   of one report are two quantities, however they chain elsewhere.
 *
 *   Contradictions. Predicates of a small lexicon, affirmed or negated
 *   ("not", "no", "never", "n't", "without" up to three words before, or a
 *   denial): killed (killed, died, dead, death, casualties, fatalities),
 *   injured (injured, wounded, hurt), confirmed (confirmed, admitted,
 *   acknowledged; negated also by denied, rejected, refuted), arrested
 *   (arrested, detained). A sentence negating a predicate that a sentence
 *   of another source affirms is a contradiction to check: for killed and
 *   injured, the affirming sentences sharing a word with a negating one, or
 *   when none does every one (the story is then the only context: "No one
 *   was injured, officials said" against "21 people were injured");
 *   confirmed and arrested must share their object,
 *   one of the five words after the predicate ("confirmed the raid" and
 *   "denied the raid", not "denied responsibility"). Besides the lexicon:
 *   a content word negated in one sentence of a group and said in another
 *   with no negation at all. The digest never says which is true.
 *
 *   Aliases. Names are runs of capitalised words (a first word of a
 *   sentence joins when a name follows; "of", "e", "al", "de"... inside),
 *   or an acronym alone; a form is a name's normalised words. A sentence
 *   three in five of whose words are capitalised (a headline in title case,
 *   a menu of names) names nothing, nor does a run of over 16 words. Links: "Long
 *   Form (ACR)" whose letters start alike (defined); an acronym of three to
 *   six capitals spelling the initials of a long form of the story, "of",
 *   "the", "and", "e" optional (acronym); "X, also called / also known as /
 *   known as Y" (called); a name with a title word (minister, president,
 *   director, general, ...) and the same name without it, or its last word
 *   (title); the one name of a sentence that differs from the one name of an
 *   aligned sentence of another source, with the same word before or after
 *   it (aligned). Linked forms chain (union-find) into an entity.
 */
#include <math.h>
#include <stdlib.h>

#include "digest/digest_internal.h"

#define SPELL_WORDS 16 /* a name (or a long form) of more words is not one */

static const dword *W(const nd_digest *d)
{
    return d->words.data;
}

static uint32_t sw_at(const nd_digest *d, uint32_t i)
{
    return ((const uint32_t *)d->sword.data)[i];
}

/* The bytes between words k and k + 1 (both in one document). */
static const char *gap(const nd_digest *d, uint32_t k, size_t *n)
{
    const dword *w = W(d);
    const nd_dsentence *s = d->sents.data;
    size_t len;
    const char *t = dg_text(d, s[w[k].sent].doc, &len);
    *n = w[k + 1].start - w[k].end;
    return t + w[k].end;
}

static int gap_is(const nd_digest *d, uint32_t k, const char *s)
{
    size_t n;
    const char *g = gap(d, k, &n);
    return strlen(s) == n && memcmp(g, s, n) == 0;
}

static int in_list(const nd_digest *d, const dword *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (dg_is(d, w, list[i]))
            return 1;
    return 0;
}
#define IN(d, w, list) in_list(d, w, list, sizeof list / sizeof list[0])

/* ---- quantities ------------------------------------------------------------------ */

static const char *const k_months[] = {"january", "february", "march",     "april",
                                       "may",     "june",     "july",      "august",
                                       "september", "october", "november", "december"};
static const char *const k_mon3[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};

/* Nouns a number after which names something rather than counts it. */
static const char *const k_ident[] = {
    "episode", "season", "chapter", "page", "pages", "room", "flight", "route", "line",
    "number", "no", "article", "section", "grade", "level", "part", "volume", "vol", "game",
    "round", "stage", "phase", "act", "verse", "platform", "gate", "bus", "highway",
    "interstate", "channel", "version", "model", "type", "class", "division", "district",
    "ward", "precinct", "block", "unit", "figure", "fig", "table", "item", "question",
    "exit", "terminal", "apartment", "suite", "floor", "camp", "resolution", "law",
    "amendment", "paragraph", "clause", "step", "lane", "seat", "row", "box", "code"};

static int month_of(const nd_digest *d, const dword *w)
{
    for (int m = 0; m < 12; m++)
        if (dg_is(d, w, k_months[m]) || (dg_is(d, w, k_mon3[m]) && m != 4))
            return m + 1;
    return 0;
}

static double number_word(const nd_digest *d, const dword *w)
{
    static const char *const k[] = {"one",     "two",       "three",    "four",    "five",
                                    "six",     "seven",     "eight",    "nine",    "ten",
                                    "eleven",  "twelve",    "thirteen", "fourteen", "fifteen",
                                    "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
    static const char *const tens[] = {"thirty", "forty", "fifty", "sixty", "seventy",
                                       "eighty", "ninety"};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (dg_is(d, w, k[i]))
            return (double)(i + 1);
    for (size_t i = 0; i < sizeof tens / sizeof tens[0]; i++)
        if (dg_is(d, w, tens[i]))
            return 30.0 + 10.0 * (double)i;
    return 0;
}

static double multiplier(const nd_digest *d, const dword *w)
{
    if (dg_is(d, w, "hundred"))
        return 1e2;
    if (dg_is(d, w, "thousand"))
        return 1e3;
    if (dg_is(d, w, "million") || dg_is(d, w, "mln"))
        return 1e6;
    if (dg_is(d, w, "billion") || dg_is(d, w, "bn"))
        return 1e9;
    if (dg_is(d, w, "trillion"))
        return 1e12;
    return 0;
}

static int all_digits(const nd_digest *d, const dword *w)
{
    const char *s = dg_norm(d, w);
    for (uint32_t i = 0; i < w->nlen; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return w->nlen > 0;
}

static double digits_value(const nd_digest *d, const dword *w)
{
    double v = 0;
    const char *s = dg_norm(d, w);
    for (uint32_t i = 0; i < w->nlen; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int approx_word(const nd_digest *d, const dword *w)
{
    static const char *const k[] = {"some",   "about",   "around", "nearly", "almost",
                                    "approximately", "roughly", "over", "estimated",
                                    "least",  "than",    "upwards", "close", "circa",
                                    "reportedly", "up"};
    return IN(d, w, k);
}

/* Words that end a head noun's phrase: prepositions the function words do not
 * hold, and common verbs that are not participles ("people took part"). */
static const char *const k_head_stop[] = {
    "near", "next", "beside", "across", "along", "around", "behind", "inside", "outside",
    "toward", "towards", "via", "amid", "among", "despite", "except", "like", "onto", "past",
    "per", "within", "without", "beyond", "including", "according", "took", "take",
    "takes", "made", "make", "makes", "went", "go", "goes", "came", "come", "comes", "left",
    "lost", "won", "gave", "got", "saw", "told", "live", "lives", "died", "die", "fled",
    "remain", "remains", "fell", "rose", "say", "says", "attend", "work", "works", "held",
    "face", "faces", "need", "needs", "ran", "run", "sat", "stood", "led", "met", "paid",
    "spent", "sent", "kept", "felt", "found", "heard", "built", "bought", "sold", "fought"};

/* The head of the number ending at word e-1 of sentence [s0, s1): the last
 * content word of the run right after it, or UINT32_MAX. */
static uint32_t head_after(const nd_digest *d, uint32_t e, uint32_t s1)
{
    const dword *w = W(d);
    uint32_t k = e;
    /* "6 of the injured terrorists" */
    if (k + 1 < s1 && dg_is(d, &w[k], "of") && gap_is(d, k - 1, " ") &&
        (dg_is(d, &w[k + 1], "the") || dg_is(d, &w[k + 1], "them") ||
         dg_is(d, &w[k + 1], "those") || dg_is(d, &w[k + 1], "whom")))
        k += 2;
    uint32_t head = UINT32_MAX;
    for (uint32_t n = 0; k < s1 && n < 3; k++, n++) {
        if (w[k].flags & (W_STOP | W_DIGIT) || multiplier(d, &w[k]) > 0)
            break;
        size_t gl;
        const char *g = gap(d, k - 1, &gl);
        int plain = 1;
        for (size_t c = 0; c < gl && plain; c++)
            plain = g[c] == ' ' || g[c] == '-';
        if (!plain)
            break;
        /* a participle ends the noun phrase unless a noun follows it
         * ("one member killed", "6 injured terrorists") */
        const char *f = dg_norm(d, &w[k]);
        const int ed = w[k].nlen > 3 && f[w[k].nlen - 2] == 'e' && f[w[k].nlen - 1] == 'd';
        if (ed && head != UINT32_MAX)
            break;
        if (ed && !(k + 1 < s1 && !(w[k + 1].flags & (W_STOP | W_DIGIT)) &&
                    gap_is(d, k, " ")))
            break;
        /* a preposition or a common verb ends the phrase before it */
        if (IN(d, &w[k], k_head_stop))
            break;
        head = k;
        if (dg_is(d, &w[k], "percent") || dg_is(d, &w[k], "dollars"))
            break;
        /* a plural ends it ("15 police officers and", "11 protesters near") */
        if (w[k].nlen > 3 && f[w[k].nlen - 1] == 's' && f[w[k].nlen - 2] != 's' &&
            f[w[k].nlen - 2] != 'u' && f[w[k].nlen - 2] != 'i')
            break;
    }
    return head;
}

static nd_status add_quantity(nd_digest *d, uint32_t sent, uint32_t w0, uint32_t w1,
                              uint32_t head, double v, unsigned kind, int approx)
{
    const dword *w = W(d);
    nd_dquantity q;
    memset(&q, 0, sizeof q);
    q.sentence = sent;
    q.start = w[w0].start;
    q.end = w[w1 - 1].end;
    if (head != UINT32_MAX) {
        q.head_start = w[head].start;
        q.head_end = w[head].end;
    }
    q.value = v;
    q.kind = (uint8_t)kind;
    q.approx = (uint8_t)(approx != 0);
    return nd_vec_push(&d->quants, &d->alloc, &q);
}

/* The quantities of sentence i. */
static nd_status sentence_quantities(nd_digest *d, uint32_t i)
{
    const dword *w = W(d);
    const uint32_t s0 = sw_at(d, i), s1 = sw_at(d, i + 1);
    const nd_dsentence *sen = &ND_VEC_AT(&d->sents, nd_dsentence, i);
    size_t len;
    const char *t = dg_text(d, sen->doc, &len);
    nd_status st = ND_OK;
    for (uint32_t k = s0; k < s1 && st == ND_OK; k++) {
        uint32_t b = k, e = k + 1;
        double v = 0;
        unsigned kind = ND_Q_COUNT;
        if (w[k].flags & W_DIGIT) {
            if (!all_digits(d, &w[k]))
                continue;
            /* inside a name, or glued to a word by a hyphen */
            if (k > s0 && (w[k - 1].flags & W_NAME) && !month_of(d, &w[k - 1]) &&
                gap_is(d, k - 1, " "))
                continue;
            if (k > s0 && (gap_is(d, k - 1, "-") || gap_is(d, k - 1, "/")))
                continue; /* "COVID-19", "1980-88" */
            if (k > s0 && (w[k - 1].flags & W_DIGIT) &&
                (gap_is(d, k - 1, ".") || gap_is(d, k - 1, ",") || gap_is(d, k - 1, ":")))
                continue; /* the "0" of "4.0" past a name, the seconds of 15:17:33 */
            if (k > s0 && IN(d, &w[k - 1], k_ident) && gap_is(d, k - 1, " "))
                continue; /* "episode 7", "flight 370": a number that names */
            /* 2023-06-21 */
            if (k + 2 < s1 && w[k].nlen == 4 && gap_is(d, k, "-") && gap_is(d, k + 1, "-") &&
                all_digits(d, &w[k + 1]) && all_digits(d, &w[k + 2])) {
                v = digits_value(d, &w[k]) * 1e4 + digits_value(d, &w[k + 1]) * 100 +
                    digits_value(d, &w[k + 2]);
                st = add_quantity(d, i, k, k + 3, UINT32_MAX, v, ND_Q_DATE, 0);
                k += 2;
                continue;
            }
            /* 10:30 */
            if (k + 1 < s1 && gap_is(d, k, ":") && all_digits(d, &w[k + 1]) &&
                w[k + 1].nlen == 2) {
                v = digits_value(d, &w[k]) * 60 + digits_value(d, &w[k + 1]);
                e = k + 2;
                if (e < s1 && gap_is(d, e - 1, ":") && all_digits(d, &w[e]))
                    e++; /* seconds */
                if (e < s1 && (dg_is(d, &w[e], "pm") || dg_is(d, &w[e], "p"))) {
                    if (v < 720)
                        v += 720;
                    e += dg_is(d, &w[e], "p") && e + 1 < s1 ? 2 : 1;
                } else if (e < s1 && (dg_is(d, &w[e], "am") || dg_is(d, &w[e], "a"))) {
                    e += dg_is(d, &w[e], "a") && e + 1 < s1 ? 2 : 1;
                }
                st = add_quantity(d, i, k, e, UINT32_MAX, v, ND_Q_TIME, 0);
                k = e - 1;
                continue;
            }
            v = digits_value(d, &w[k]);
            const int separated = w[k].nlen <= 3;
            /* 2,800 and 3.5 */
            while (e < s1 && all_digits(d, &w[e]) && w[e].start == w[e - 1].end + 1) {
                const char c = t[w[e - 1].end];
                if (c == ',' && separated && w[e].nlen == 3)
                    v = v * 1000 + digits_value(d, &w[e]);
                else if (c == '.' && e == k + 1)
                    v = v + digits_value(d, &w[e]) / pow(10.0, w[e].nlen);
                else
                    break;
                e++;
            }
        } else {
            v = number_word(d, &w[k]);
            if (v >= 20 && k + 1 < s1 && gap_is(d, k, "-")) {
                const double u = number_word(d, &w[k + 1]);
                if (u >= 1 && u <= 9) { /* twenty-five */
                    v += u;
                    e = k + 2;
                }
            }
            if (v == 0 && (dg_is(d, &w[k], "dozen") || multiplier(d, &w[k]) > 0) && k > s0 &&
                dg_is(d, &w[k - 1], "a")) {
                v = dg_is(d, &w[k], "dozen") ? 12 : multiplier(d, &w[k]);
                b = k - 1;
                if (dg_is(d, &w[k], "dozen") || multiplier(d, &w[k]) > 0) {
                    /* "a thousand police officers": the head follows */
                }
            } else if (v > 0 && k + 1 < s1 && dg_is(d, &w[k + 1], "of")) {
                continue; /* "one of the", not a count */
            }
            if (v == 0)
                continue;
        }
        /* million, thousand... */
        double m;
        if (e < s1 && (m = multiplier(d, &w[e])) > 0 && e > k) {
            v *= m;
            e++;
        }
        /* approximate */
        int approx = 0;
        if (b > s0 + 1 && dg_is(d, &w[b - 1], "to") &&
            (dg_is(d, &w[b - 2], "up") || dg_is(d, &w[b - 2], "close"))) {
            approx = 1;
            b -= 2; /* up to, close to */
        } else if (b > s0 && approx_word(d, &w[b - 1])) {
            approx = 1;
            b--;
            if (b > s0 && (dg_is(d, &w[b], "than") || dg_is(d, &w[b], "least")))
                b--; /* more than, at least */
        }
        if (!(v < 1e15))
            continue; /* past 10^15 (or no number at all): not a quantity anyone reports */
        uint32_t head = UINT32_MAX;
        /* kind */
        const char before = w[b].start > 0 ? t[w[k].start - 1] : 0;
        const unsigned char b1 = w[k].start >= 1 ? (unsigned char)t[w[k].start - 1] : 0;
        const unsigned char b2 = w[k].start >= 2 ? (unsigned char)t[w[k].start - 2] : 0;
        const unsigned char b3 = w[k].start >= 3 ? (unsigned char)t[w[k].start - 3] : 0;
        const int euro = b3 == 0xE2 && b2 == 0x82 && b1 == 0xAC;
        const int pound = b2 == 0xC2 && b1 == 0xA3;
        const size_t after = w[e - 1].end;
        if (after < len && t[after] == '%') {
            kind = ND_Q_PERCENT;
        } else if (e < s1 && (dg_is(d, &w[e], "percent") || dg_is(d, &w[e], "pct") ||
                              (dg_is(d, &w[e], "per") && e + 1 < s1 &&
                               dg_is(d, &w[e + 1], "cent")))) {
            kind = ND_Q_PERCENT;
            e += dg_is(d, &w[e], "per") ? 2 : 1;
        } else if (before == '$' || euro || pound) {
            kind = ND_Q_MONEY;
        } else if (e < s1 && (dg_is(d, &w[e], "dollars") || dg_is(d, &w[e], "euros") ||
                              dg_is(d, &w[e], "pounds") || dg_is(d, &w[e], "usd") ||
                              dg_is(d, &w[e], "eur") || dg_is(d, &w[e], "yuan") ||
                              dg_is(d, &w[e], "rupees"))) {
            kind = ND_Q_MONEY;
            e++;
        } else if (b > s0 && (dg_is(d, &w[b - 1], "aged") || dg_is(d, &w[b - 1], "age"))) {
            kind = ND_Q_AGE;
        } else if (e + 1 < s1 && dg_is(d, &w[e], "year") && dg_is(d, &w[e + 1], "old")) {
            kind = ND_Q_AGE;
            e += 2;
        } else if (e + 1 < s1 && dg_is(d, &w[e], "years") && dg_is(d, &w[e + 1], "old")) {
            kind = ND_Q_AGE;
            e += 2;
        } else if ((w[k].flags & W_DIGIT) && k > s0 && month_of(d, &w[k - 1]) && v >= 1 &&
                   v <= 31 && v == floor(v)) {
            /* June 20 [, 2023] */
            kind = ND_Q_DATE;
            v = month_of(d, &w[k - 1]) * 100 + v;
            b = k - 1;
            if (e < s1 && all_digits(d, &w[e]) && w[e].nlen == 4) {
                v += digits_value(d, &w[e]) * 1e4;
                e++;
            }
            approx = 0;
        } else if ((w[k].flags & W_DIGIT) && e < s1 && month_of(d, &w[e]) && v >= 1 &&
                   v <= 31 && v == floor(v)) {
            /* 20 June [2023] */
            kind = ND_Q_DATE;
            v = month_of(d, &w[e]) * 100 + v;
            e++;
            if (e < s1 && all_digits(d, &w[e]) && w[e].nlen == 4) {
                v += digits_value(d, &w[e]) * 1e4;
                e++;
            }
            approx = 0;
        } else if ((w[k].flags & W_DIGIT) && e == k + 1 && w[k].nlen == 4 && v >= 1900 &&
                   v <= 2100) {
            kind = ND_Q_DATE;
            v *= 1e4;
            if (k > s0 && month_of(d, &w[k - 1])) {
                v += month_of(d, &w[k - 1]) * 100;
                b = k - 1;
            }
            approx = 0;
        } else if (e < s1 && (dg_is(d, &w[e], "pm") || dg_is(d, &w[e], "am")) && v >= 1 &&
                   v <= 12) {
            kind = ND_Q_TIME;
            v = (v == 12 ? 0 : v) * 60 + (dg_is(d, &w[e], "pm") ? 720 : 0);
            e++;
        }
        if (kind == ND_Q_COUNT || kind == ND_Q_MONEY || kind == ND_Q_PERCENT) {
            head = head_after(d, e, s1);
            if (kind == ND_Q_COUNT && head == UINT32_MAX)
                continue;
        }
        st = add_quantity(d, i, b, e, head, v, kind, approx);
        k = e - 1;
    }
    return st;
}

/* ---- value disagreements ------------------------------------------------------ */

/* The first word of sentence q.sentence at or after byte pos. */
static uint32_t word_at(const nd_digest *d, uint32_t sent, uint32_t pos)
{
    const dword *w = W(d);
    uint32_t k = sw_at(d, sent);
    while (k < sw_at(d, sent + 1) && w[k].start < pos)
        k++;
    return k;
}

/* Content words within eight words of quantity q, its own words aside, into
 * out (sorted terms); returns how many. */
static size_t context(const nd_digest *d, const nd_dquantity *q, uint32_t *out)
{
    const dword *w = W(d);
    const uint32_t s0 = sw_at(d, q->sentence), s1 = sw_at(d, q->sentence + 1);
    const uint32_t a = word_at(d, q->sentence, q->start);
    uint32_t e = word_at(d, q->sentence, q->head_end > q->end ? q->head_end : q->end);
    const uint32_t lo = a > s0 + 8 ? a - 8 : s0, hi = e + 8 < s1 ? e + 8 : s1;
    size_t n = 0;
    for (uint32_t k = lo; k < hi && n < 32; k++) {
        if ((k >= a && k < e) || w[k].flags & (W_STOP | W_DIGIT))
            continue;
        if (q->head_end && w[k].start == q->head_start)
            continue;
        out[n++] = w[k].term;
    }
    dg_sort_small(out, n);
    return n;
}

static size_t shared(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, n = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            n++;
            const uint32_t v = a[i];
            while (i < na && a[i] == v)
                i++;
            while (j < nb && b[j] == v)
                j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
    }
    return n;
}

/* The head's term of q (0: none). */
static uint32_t head_term(const nd_digest *d, const nd_dquantity *q)
{
    if (!q->head_end)
        return 0;
    const uint32_t k = word_at(d, q->sentence, q->head_start);
    return k < sw_at(d, q->sentence + 1) ? W(d)[k].term | 1u : 0;
}

/* How many words sentence i says besides function words, numbers, names and
 * calendar words (a dateline says none). */
static size_t says(const nd_digest *d, uint32_t i)
{
    const dword *w = W(d);
    size_t n = 0;
    for (uint32_t k = sw_at(d, i); k < sw_at(d, i + 1); k++)
        n += !(w[k].flags & (W_STOP | W_DIGIT | W_NAME | W_START)) &&
             !nd_calendar_word(dg_norm(d, &w[k]), w[k].nlen) && w[k].nlen > 2;
    return n;
}

/* The hedge of an approximate quantity ("some", "about"...: its first word's
 * term), 0 for an exact one. */
static uint32_t hedge(const nd_digest *d, const nd_dquantity *q)
{
    if (!q->approx)
        return 0;
    const uint32_t k = word_at(d, q->sentence, q->start);
    return k < sw_at(d, q->sentence + 1) ? W(d)[k].term | 1u : 0;
}

/* Is q a duration ("40 years", "two weeks")? So generic a head matches
 * across sentences only when they are aligned. */
static int duration(const nd_digest *d, const nd_dquantity *q)
{
    static const char *const units[] = {"years", "year", "months", "month", "weeks", "week",
                                        "days", "day", "hours", "hour", "minutes", "minute",
                                        "seconds", "decades", "decade", "times", "time"};
    if (!q->head_end)
        return 0;
    const uint32_t k = word_at(d, q->sentence, q->head_start);
    return k < sw_at(d, q->sentence + 1) && IN(d, &W(d)[k], units);
}

static nd_status push_what(nd_digest *d, const char *s, size_t n, size_t *off)
{
    *off = d->whats.len;
    nd_status st = nd_vec_append(&d->whats, &d->alloc, s, n);
    const char z = 0;
    return st == ND_OK ? nd_vec_push(&d->whats, &d->alloc, &z) : st;
}

/* A candidate link of two quantities. */
typedef struct qlink {
    uint32_t i, j;
    uint32_t aligned;
    double closeness; /* smaller value / larger */
} qlink;

static int cmp_qlink(const void *x, const void *y)
{
    const qlink *a = x, *b = y;
    if (a->aligned != b->aligned)
        return a->aligned > b->aligned ? -1 : 1;
    if (a->closeness != b->closeness)
        return a->closeness > b->closeness ? -1 : 1;
    if (a->i != b->i)
        return a->i < b->i ? -1 : 1;
    return a->j < b->j ? -1 : a->j > b->j;
}

static nd_status push_link(nd_digest *d, nd_vec *links, uint32_t i, uint32_t j, int aligned,
                           double vi, double vj)
{
    const double lo = fmin(fabs(vi), fabs(vj)), hi = fmax(fabs(vi), fabs(vj));
    const qlink L = {i, j, (uint32_t)aligned, hi > 0 ? lo / hi : 1.0};
    return nd_vec_push(links, &d->alloc, &L);
}

static nd_status value_conflicts(nd_digest *d)
{
    const size_t Q = d->quants.len;
    const nd_dquantity *q = d->quants.data;
    const nd_dsentence *s = d->sents.data;
    const nd_digest_doc *docs = d->docs.data;
    nd_status st = ND_OK;
    if (Q < 2)
        return ND_OK;
    uint32_t *up = nd_malloc(&d->alloc, Q * sizeof *up);
    uint32_t *ht = nd_malloc(&d->alloc, Q * sizeof *ht);
    uint32_t *ctx = nd_malloc(&d->alloc, Q * 32 * sizeof *ctx);
    uint8_t *nctx = nd_malloc(&d->alloc, Q);
    uint8_t *linked = nd_calloc(&d->alloc, Q, 1);
    uint32_t *ord = nd_malloc(&d->alloc, 2 * Q * sizeof *ord), *cnt = ord ? ord + Q : NULL;
    nd_vec links;
    nd_vec_init(&links, sizeof(qlink), UINT32_MAX);
    if (!up || !ht || !ctx || !nctx || !linked || !ord) {
        st = ND_E_NOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < Q; i++) {
        up[i] = i;
        ht[i] = head_term(d, &q[i]);
        nctx[i] = (uint8_t)context(d, &q[i], ctx + (size_t)i * 32);
    }
    /* a quantity's place among those of its sentence of the same kind and head */
    for (uint32_t i = 0; i < Q; i++) {
        ord[i] = 0;
        cnt[i] = 1;
        for (uint32_t j = i; j-- > 0 && q[j].sentence == q[i].sentence;)
            if (q[j].kind == q[i].kind && ht[j] == ht[i])
                ord[i]++;
        for (uint32_t j = i; j-- > 0 && q[j].sentence == q[i].sentence;)
            if (q[j].kind == q[i].kind && ht[j] == ht[i])
                cnt[j] = cnt[i] = ord[i] + 1 > cnt[j] ? ord[i] + 1 : cnt[j];
    }
    for (uint32_t i = Q; i-- > 0;) /* the count reaches every member */
        for (uint32_t j = i; j-- > 0 && q[j].sentence == q[i].sentence;)
            if (q[j].kind == q[i].kind && ht[j] == ht[i] && cnt[j] < cnt[i])
                cnt[j] = cnt[i];
    for (uint32_t i = 0; i < Q; i++)
        for (uint32_t j = i + 1; j < Q; j++) {
            if (q[i].kind != q[j].kind || ht[i] != ht[j])
                continue;
            const nd_dsentence *a = &s[q[i].sentence], *b = &s[q[j].sentence];
            if (docs[a->doc].source == docs[b->doc].source)
                continue;
            int same = 0;
            if (q[i].kind == ND_Q_TIME)
                continue; /* times of day are mostly stamps ("10:35 A.M. EDT") */
            if (q[i].kind == ND_Q_DATE &&
                (says(d, q[i].sentence) < 4 || says(d, q[j].sentence) < 4))
                continue; /* a dateline is no statement */
            if (a->group != ND_NO_CLUSTER && a->group == b->group) {
                /* aligned: the k-th of its kind and head in both */
                same = ord[i] == ord[j] && cnt[i] == cnt[j];
            } else if (ht[i] && !duration(d, &q[i]) &&
                       (q[i].kind == ND_Q_COUNT || q[i].kind == ND_Q_MONEY ||
                        q[i].kind == ND_Q_PERCENT) &&
                       q[i].value > 0 && q[j].value > 0) {
                const double lo = fmin(q[i].value, q[j].value), hi = fmax(q[i].value, q[j].value);
                const size_t sh = shared(ctx + (size_t)i * 32, nctx[i], ctx + (size_t)j * 32,
                                         nctx[j]);
                const uint32_t hi_ = hedge(d, &q[i]), hj = hedge(d, &q[j]);
                same = (hi <= 2 * lo && sh >= 2) || (hi_ && hi_ == hj && 3 * hi <= 4 * lo);
            }
            if (same)
                st = push_link(d, &links, i, j, a->group != ND_NO_CLUSTER && a->group == b->group,
                               q[i].value, q[j].value);
            if (st != ND_OK)
                goto done;
        }
    /* strongest first: aligned, then the closest values; a chain never holds
     * two values of one document (a source does not disagree with itself) */
    if (links.len)
        qsort(links.data, links.len, sizeof(qlink), cmp_qlink);
    for (size_t k = 0; k < links.len; k++) {
        const qlink *L = &ND_VEC_AT(&links, qlink, k);
        const uint32_t ra = dg_find(up, L->i), rb = dg_find(up, L->j);
        if (ra == rb)
            continue;
        int clash = 0;
        for (uint32_t x = 0; x < Q && !clash; x++) {
            if (!linked[x] && x != L->i)
                continue;
            if (dg_find(up, x) != ra && x != L->i)
                continue;
            for (uint32_t y = 0; y < Q && !clash; y++) {
                if ((!linked[y] && y != L->j) || (dg_find(up, y) != rb && y != L->j))
                    continue;
                clash = s[q[x].sentence].doc == s[q[y].sentence].doc &&
                        q[x].value != q[y].value;
            }
        }
        if (clash)
            continue;
        dg_unite(up, L->i, L->j);
        linked[L->i] = linked[L->j] = 1;
    }
    /* chains with two values from two sources */
    for (uint32_t r = 0; r < Q && st == ND_OK; r++) {
        if (!linked[r] || dg_find(up, r) != r)
            continue;
        int differ = 0;
        for (uint32_t i = r; i < Q && !differ; i++)
            if (linked[i] && dg_find(up, i) == r && q[i].value != q[r].value &&
                docs[s[q[i].sentence].doc].source != docs[s[q[r].sentence].doc].source)
                differ = 1;
        /* two values of two sources, not only within a source */
        for (uint32_t i = r; i < Q && !differ; i++)
            for (uint32_t j = i + 1; j < Q && !differ && linked[i] && dg_find(up, i) == r; j++)
                differ = linked[j] && dg_find(up, j) == r && q[i].value != q[j].value &&
                         docs[s[q[i].sentence].doc].source != docs[s[q[j].sentence].doc].source;
        if (!differ)
            continue;
        nd_dconflict c;
        memset(&c, 0, sizeof c);
        c.kind = ND_DC_VALUE;
        c.first = (uint32_t)d->items.len;
        for (uint32_t i = r; i < Q && st == ND_OK; i++)
            if (linked[i] && dg_find(up, i) == r) {
                st = nd_vec_push(&d->items, &d->alloc, &i);
                c.count++;
            }
        size_t off = 0;
        if (st == ND_OK) {
            const dword *w = W(d);
            const uint32_t hk = q[r].head_end ? word_at(d, q[r].sentence, q[r].head_start) : 0;
            if (q[r].head_end)
                st = push_what(d, dg_norm(d, &w[hk]), w[hk].nlen, &off);
            else
                st = push_what(d, nd_qkind_name(q[r].kind), strlen(nd_qkind_name(q[r].kind)),
                               &off);
        }
        c.what = (const char *)(uintptr_t)off;
        if (st == ND_OK)
            st = nd_vec_push(&d->conflicts, &d->alloc, &c);
    }
done:
    nd_free(&d->alloc, up);
    nd_free(&d->alloc, ht);
    nd_free(&d->alloc, ctx);
    nd_free(&d->alloc, nctx);
    nd_free(&d->alloc, linked);
    nd_free(&d->alloc, ord);
    nd_vec_free(&links, &d->alloc);
    return st;
}

nd_status dg_quantities(nd_digest *d)
{
    nd_status st = ND_OK;
    for (uint32_t i = 0; i < d->sents.len && st == ND_OK; i++)
        st = sentence_quantities(d, i);
    return st;
}

/* ---- contradictions -------------------------------------------------------------- */

enum { P_KILLED, P_INJURED, P_CONFIRMED, P_ARRESTED, P_N };

static const char *const k_pred_name[P_N] = {"killed", "injured", "confirmed", "arrested"};
static const char *const k_pred_words[P_N][8] = {
    {"killed", "kill", "died", "dead", "death", "deaths", "casualties", "fatalities"},
    {"injured", "wounded", "hurt", "injuries", "injuring", "wounding", "injury", NULL},
    {"confirmed", "confirm", "confirms", "admitted", "acknowledged", "admits", NULL, NULL},
    {"arrested", "detained", "arrest", "arrests", "detains", NULL, NULL, NULL},
};
static const char *const k_denials[] = {"denied", "denies", "deny", "rejected",
                                        "rejects", "refuted", "dismissed"};

/* Which predicates sentence i affirms (bit p) and negates (bit p + 8). */
static unsigned predicates(const nd_digest *d, uint32_t i)
{
    const dword *w = W(d);
    const uint32_t s0 = sw_at(d, i), s1 = sw_at(d, i + 1);
    unsigned aff = 0, neg = 0;
    for (uint32_t k = s0; k < s1; k++) {
        if (IN(d, &w[k], k_denials)) {
            neg |= 1u << P_CONFIRMED;
            continue;
        }
        for (unsigned p = 0; p < P_N; p++)
            for (unsigned x = 0; x < 8 && k_pred_words[p][x]; x++)
                if (dg_is(d, &w[k], k_pred_words[p][x])) {
                    int negated = 0;
                    for (uint32_t b = k > s0 + 3 ? k - 3 : s0; b < k && !negated; b++)
                        negated = (w[b].flags & W_NEG) != 0;
                    if (negated)
                        neg |= 1u << p;
                    else
                        aff |= 1u << p;
                }
    }
    aff &= ~neg; /* a sentence that negates is read as negating */
    return aff | neg << 8;
}

/* Sorted content terms of sentence i (no function words, numbers, negations
 * or predicate words) into out (cap at most); returns how many. */
static size_t content(const nd_digest *d, uint32_t i, uint32_t *out, size_t cap)
{
    const dword *w = W(d);
    size_t n = 0;
    for (uint32_t k = sw_at(d, i); k < sw_at(d, i + 1) && n < cap; k++) {
        if (w[k].flags & (W_STOP | W_DIGIT | W_NEG))
            continue;
        int pred = IN(d, &w[k], k_denials);
        for (unsigned p = 0; p < P_N && !pred; p++)
            for (unsigned x = 0; x < 8 && k_pred_words[p][x] && !pred; x++)
                pred = dg_is(d, &w[k], k_pred_words[p][x]);
        if (!pred)
            out[n++] = w[k].term;
    }
    dg_sort_small(out, n);
    return n;
}

/* The content words right after sentence i's words of predicate p (its
 * object: "confirmed the raid", "denied responsibility"), sorted, into out. */
static size_t object(const nd_digest *d, uint32_t i, unsigned p, uint32_t *out, size_t cap)
{
    const dword *w = W(d);
    const uint32_t s1 = sw_at(d, i + 1);
    size_t n = 0;
    for (uint32_t k = sw_at(d, i); k < s1; k++) {
        int pred = p == P_CONFIRMED && IN(d, &w[k], k_denials);
        for (unsigned x = 0; x < 8 && k_pred_words[p][x] && !pred; x++)
            pred = dg_is(d, &w[k], k_pred_words[p][x]);
        if (!pred)
            continue;
        for (uint32_t q = k + 1; q < s1 && q <= k + 5 && n < cap; q++)
            if (!(w[q].flags & (W_STOP | W_DIGIT | W_NEG)))
                out[n++] = w[q].term;
    }
    dg_sort_small(out, n);
    return n;
}

#define CTX_CAP 64
#define SIDE_CAP 10

static nd_status lexicon_conflicts(nd_digest *d)
{
    const size_t S = d->sents.len;
    const nd_dsentence *s = d->sents.data;
    const nd_digest_doc *docs = d->docs.data;
    nd_status st = ND_OK;
    unsigned *pr = nd_malloc(&d->alloc, (S ? S : 1) * sizeof *pr);
    uint32_t *ca = nd_malloc(&d->alloc, 2 * CTX_CAP * sizeof *ca);
    uint32_t *aff = nd_malloc(&d->alloc, 2 * (S ? S : 1) * sizeof *aff);
    if (!pr || !ca || !aff) {
        st = ND_E_NOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < S; i++)
        pr[i] = predicates(d, i);
    uint32_t *negs = aff + S;
    for (unsigned p = 0; p < P_N && st == ND_OK; p++) {
        /* confirmed and arrested: of the same object; killed and injured:
         * the affirming sentences that share a word with a negating one, or
         * every one when none does ("No one was injured, officials said") */
        const int obj = p == P_CONFIRMED || p == P_ARRESTED;
        size_t na = 0, nn = 0;
        for (int pass = 0; pass < (obj ? 1 : 2) && !na; pass++) {
            const int share = !obj && pass == 0;
            nn = 0;
            for (uint32_t n = 0; n < S; n++) {
                if (!(pr[n] >> 8 & 1u << p))
                    continue;
                const size_t cn = obj ? object(d, n, p, ca, CTX_CAP)
                                      : share ? content(d, n, ca, CTX_CAP) : 0;
                size_t found = 0;
                for (uint32_t a = 0; a < S; a++) {
                    if (!(pr[a] & 1u << p) || docs[s[a].doc].source == docs[s[n].doc].source)
                        continue;
                    const size_t cx = obj ? object(d, a, p, ca + CTX_CAP, CTX_CAP)
                                          : share ? content(d, a, ca + CTX_CAP, CTX_CAP) : 0;
                    if ((obj || share) && shared(ca, cn, ca + CTX_CAP, cx) < 1)
                        continue;
                    int dup = 0;
                    for (size_t x = 0; x < na && !dup; x++)
                        dup = aff[x] == a;
                    if (!dup && na < SIDE_CAP)
                        aff[na++] = a;
                    found++;
                }
                if (found && nn < SIDE_CAP)
                    negs[nn++] = n;
            }
        }
        if (!na || !nn)
            continue;
        dg_sort_small(aff, na); /* sentence order */
        nd_dconflict c;
        memset(&c, 0, sizeof c);
        c.kind = ND_DC_NEGATION;
        c.first = (uint32_t)d->items.len;
        c.count = (uint32_t)(na + nn);
        c.split = (uint32_t)na;
        size_t off = 0;
        if ((st = nd_vec_append(&d->items, &d->alloc, aff, na * sizeof *aff)) != ND_OK ||
            (st = nd_vec_append(&d->items, &d->alloc, negs, nn * sizeof *negs)) != ND_OK ||
            (st = push_what(d, k_pred_name[p], strlen(k_pred_name[p]), &off)) != ND_OK)
            break;
        c.what = (const char *)(uintptr_t)off;
        st = nd_vec_push(&d->conflicts, &d->alloc, &c);
    }
done:
    nd_free(&d->alloc, pr);
    nd_free(&d->alloc, ca);
    nd_free(&d->alloc, aff);
    return st;
}

/* Is word k of its sentence negated (a negation up to three words before)? */
static int negated_at(const nd_digest *d, uint32_t k)
{
    const dword *w = W(d);
    const uint32_t s0 = sw_at(d, w[k].sent);
    for (uint32_t b = k > s0 + 3 ? k - 3 : s0; b < k; b++)
        if (w[b].flags & W_NEG)
            return 1;
    return 0;
}

/* A content word negated in one sentence of a group, affirmed in another. */
static nd_status group_conflicts(nd_digest *d)
{
    const nd_dgroup *g = d->groups.data;
    const uint32_t *m = d->members.data;
    const nd_dsentence *s = d->sents.data;
    const nd_digest_doc *docs = d->docs.data;
    const dword *w = W(d);
    nd_status st = ND_OK;
    for (size_t gi = 0; gi < d->groups.len && st == ND_OK; gi++) {
        int done = 0;
        for (uint32_t x = 0; x < g[gi].count && !done; x++) {
            const uint32_t i = m[g[gi].first + x];
            for (uint32_t k = sw_at(d, i); k < sw_at(d, i + 1) && !done; k++) {
                if (w[k].flags & (W_STOP | W_DIGIT | W_NEG | W_NAME | W_CAP) || !negated_at(d, k))
                    continue; /* a predicate, not a name ("Yennefer") */
                int lex = IN(d, &w[k], k_denials);
                for (unsigned p = 0; p < P_N && !lex; p++)
                    for (unsigned x2 = 0; x2 < 8 && k_pred_words[p][x2] && !lex; x2++)
                        lex = dg_is(d, &w[k], k_pred_words[p][x2]);
                if (lex)
                    continue; /* the lexicon's predicates are read above, once */
                /* another member of another source with the word, not negated */
                for (uint32_t y = 0; y < g[gi].count && !done; y++) {
                    const uint32_t j = m[g[gi].first + y];
                    if (docs[s[j].doc].source == docs[s[i].doc].source)
                        continue;
                    /* the other says it with no negation at all */
                    int has = 0, neg = 0;
                    for (uint32_t q = sw_at(d, j); q < sw_at(d, j + 1); q++) {
                        has |= w[q].term == w[k].term;
                        neg |= (w[q].flags & W_NEG) != 0;
                    }
                    if (!has || neg)
                        continue;
                    nd_dconflict c;
                    memset(&c, 0, sizeof c);
                    c.kind = ND_DC_NEGATION;
                    c.first = (uint32_t)d->items.len;
                    c.count = 2;
                    c.split = 1;
                    size_t off = 0;
                    if ((st = nd_vec_push(&d->items, &d->alloc, &j)) != ND_OK ||
                        (st = nd_vec_push(&d->items, &d->alloc, &i)) != ND_OK ||
                        (st = push_what(d, dg_norm(d, &w[k]), w[k].nlen, &off)) != ND_OK)
                        return st;
                    c.what = (const char *)(uintptr_t)off;
                    st = nd_vec_push(&d->conflicts, &d->alloc, &c);
                    done = 1;
                }
            }
        }
    }
    return st;
}

nd_status dg_conflicts(nd_digest *d)
{
    nd_status st = value_conflicts(d);
    if (st == ND_OK)
        st = lexicon_conflicts(d);
    if (st == ND_OK)
        st = group_conflicts(d);
    if (st != ND_OK)
        return st;
    nd_dconflict *c = d->conflicts.data;
    for (size_t i = 0; i < d->conflicts.len; i++)
        c[i].what = (const char *)d->whats.data + (uintptr_t)c[i].what;
    return ND_OK;
}

/* ---- aliases ---------------------------------------------------------------------- */

typedef struct span {
    uint32_t w0, w1;   /* words [w0, w1) */
    uint32_t form;     /* index into forms */
} span;

typedef struct form {
    uint64_t key;
    uint32_t w0, w1;   /* its first mention's words */
    uint32_t mentions;
    uint32_t acronym;  /* one word of capitals */
} form;

static const char *const k_connect[] = {"of", "e", "al", "el", "de", "del", "la",
                                        "bin", "ibn", "von", "van", "der", "du", "and"};
static const char *const k_titles[] = {
    "mr",        "mrs",       "ms",        "dr",       "president", "minister", "prime",
    "secretary", "general",   "director",  "chief",    "senator",   "sen",      "rep",
    "governor",  "gov",       "king",      "queen",    "prince",    "judge",    "mayor",
    "commander", "colonel",   "col",       "lt",       "sgt",       "captain",  "officer",
    "spokesman", "spokeswoman", "prof",    "professor", "pope",     "sheikh",   "ayatollah",
    "imam",      "chairman",  "ambassador", "deputy",  "foreign",   "interior", "defence",
    "defense",   "vice",      "ceo",       "leader",   "envoy",     "premier",  "chancellor"};

static uint64_t span_key(const nd_digest *d, uint32_t w0, uint32_t w1)
{
    const dword *w = W(d);
    uint64_t h = 0xCBF29CE484222325ull;
    for (uint32_t k = w0; k < w1; k++)
        h = (h ^ w[k].form) * 0x100000001B3ull;
    return h | 1;
}

typedef struct aliasrun {
    nd_vec spans;  /* span */
    nd_vec forms;  /* form */
    nd_vec links;  /* nd_devidence (a, b: form indices) */
    uint32_t *slot; /* the forms by key: index + 1, 0 = empty (open addressing) */
    size_t mask;
} aliasrun;

static uint32_t form_of(aliasrun *ar, const nd_digest *d, uint32_t w0, uint32_t w1,
                        nd_status *st)
{
    const uint64_t key = span_key(d, w0, w1);
    form *f = ar->forms.data;
    size_t h = (size_t)(key ^ key >> 29) & ar->mask;
    for (; ar->slot[h]; h = (h + 1) & ar->mask)
        if (f[ar->slot[h] - 1].key == key) {
            f[ar->slot[h] - 1].mentions++;
            return ar->slot[h] - 1;
        }
    const dword *w = W(d);
    const form nf = {key, w0, w1, 1, w1 == w0 + 1 && (w[w0].flags & W_UPPER) != 0};
    if ((*st = nd_vec_push(&ar->forms, &d->alloc, &nf)) == ND_OK)
        ar->slot[h] = (uint32_t)ar->forms.len;
    return (uint32_t)ar->forms.len - 1;
}

static int cmp_u32f(const void *x, const void *y)
{
    const uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* Is form a name somewhere in the story (names: sorted forms)? */
static int is_name_form(const uint32_t *names, size_t n, uint32_t f)
{
    return n && bsearch(&f, names, n, sizeof *names, cmp_u32f) != NULL;
}

/* The names of sentence i as spans; names[0..nn): the forms of the words
 * that are names somewhere in the story (a sentence's capitalised first word
 * is one when it is one elsewhere: "Rrumbullaku said"). */
static nd_status sentence_names(nd_digest *d, aliasrun *ar, uint32_t i, const uint32_t *names,
                                size_t nn)
{
    const dword *w = W(d);
    const uint32_t s0 = sw_at(d, i), s1 = sw_at(d, i + 1);
    nd_status st = ND_OK;
    /* a headline in title case, or a list of names (a menu), names nothing by
     * its capitals: three in five words capitalised */
    uint32_t caps = 0, words = 0;
    for (uint32_t k = s0; k < s1; k++) {
        words += !(w[k].flags & W_DIGIT);
        caps += (w[k].flags & (W_CAP | W_DIGIT)) == W_CAP;
    }
    if (words >= 4 && 5 * caps >= 3 * words)
        return ND_OK;
    for (uint32_t k = s0; k < s1 && st == ND_OK;) {
        const int cap = (w[k].flags & W_CAP) && !(w[k].flags & W_STOP);
        const int starts = (w[k].flags & W_NAME) ||
                           (cap && k + 1 < s1 && (w[k + 1].flags & W_NAME) && gap_is(d, k, " ")) ||
                           (cap && is_name_form(names, nn, w[k].form));
        if (!starts || (w[k].flags & W_DIGIT)) {
            k++;
            continue;
        }
        uint32_t e = k + 1;
        if (!(w[k].flags & W_UPPER))
            for (;;) {
                if (e >= s1)
                    break;
                size_t gl;
                const char *g = gap(d, e - 1, &gl);
                int plain = gl > 0;
                for (size_t c = 0; c < gl && plain; c++)
                    plain = g[c] == ' ' || g[c] == '-';
                if (!plain)
                    break;
                if ((w[e].flags & W_CAP) && !(w[e].flags & (W_UPPER | W_DIGIT))) {
                    e++;
                    continue;
                }
                if (IN(d, &w[e], k_connect) && e + 1 < s1 && (w[e + 1].flags & W_CAP) &&
                    !(w[e + 1].flags & (W_UPPER | W_DIGIT))) {
                    size_t g2;
                    const char *gg = gap(d, e, &g2);
                    int p2 = g2 > 0;
                    for (size_t c = 0; c < g2 && p2; c++)
                        p2 = gg[c] == ' ' || gg[c] == '-';
                    if (p2) {
                        e += 2;
                        continue;
                    }
                }
                break;
            }
        uint32_t b = k;
        while (b < e && (w[b].flags & W_STOP) && b + 1 < e)
            b++; /* "The European Union" */
        if (e - b > SPELL_WORDS) {
            k = e;
            continue; /* a run of capitals that long is a list, not a name */
        }
        const uint32_t f = form_of(ar, d, b, e, &st);
        if (st == ND_OK) {
            const span sp = {b, e, f};
            st = nd_vec_push(&ar->spans, &d->alloc, &sp);
        }
        k = e;
    }
    return st;
}

static nd_status link(nd_digest *d, aliasrun *ar, unsigned how, uint32_t a, uint32_t b,
                      uint32_t wa0, uint32_t wa1, uint32_t wb0, uint32_t wb1)
{
    if (a == b)
        return ND_OK;
    const dword *w = W(d);
    const nd_dsentence *s = d->sents.data;
    nd_devidence e;
    memset(&e, 0, sizeof e);
    e.how = (uint8_t)how;
    e.a = a;
    e.b = b;
    e.doc = s[w[wa0].sent].doc;
    e.start = w[wa0].start;
    e.end = w[wa1 - 1].end;
    e.doc2 = s[w[wb0].sent].doc;
    e.start2 = w[wb0].start;
    e.end2 = w[wb1 - 1].end;
    return nd_vec_push(&ar->links, &d->alloc, &e);
}

/* Do the acronym's letters spell the initials of words [w0, w1) (DESIGN)? */
static int spells(const nd_digest *d, const char *acr, size_t n, uint32_t w0, uint32_t w1)
{
    const dword *w = W(d);
    const size_t m = w1 - w0;
    if (m > SPELL_WORDS || n > 6)
        return 0;
    /* ok[i][j]: letters acr[i..n) spell words [w0 + j, w1) */
    uint8_t ok[7][SPELL_WORDS + 1];
    memset(ok, 0, sizeof ok);
    ok[n][m] = 1;
    for (size_t j = m; j-- > 0;) {
        const dword *x = &w[w0 + j];
        const int optional = IN(d, x, k_connect) || dg_is(d, x, "the");
        const char c = dg_norm(d, x)[0];
        for (size_t i = 0; i <= n; i++)
            ok[i][j] = (uint8_t)((optional && ok[i][j + 1]) ||
                                 (i < n && (acr[i] | 0x20) == c && ok[i + 1][j + 1]));
    }
    return ok[0][0];
}

static nd_status alias_links(nd_digest *d, aliasrun *ar)
{
    const dword *w = W(d);
    const span *sp = ar->spans.data;
    const form *f = ar->forms.data;
    const size_t ns = ar->spans.len, nf = ar->forms.len;
    nd_status st = ND_OK;
    for (size_t i = 0; i < ns && st == ND_OK; i++) {
        const span *x = &sp[i];
        /* Long Form (ACR) */
        if (i + 1 < ns && sp[i + 1].w0 == x->w1 && w[x->w1 - 1].sent == w[sp[i + 1].w0].sent &&
            f[sp[i + 1].form].acronym && !f[x->form].acronym && x->w1 - x->w0 >= 2) {
            size_t gl;
            const char *g = gap(d, x->w1 - 1, &gl);
            const uint32_t a = sp[i + 1].w0;
            size_t g2 = 0;
            const char *after = a + 1 < d->words.len && w[a + 1].sent == w[a].sent
                                    ? gap(d, a, &g2) : NULL;
            if (gl == 2 && g[0] == ' ' && g[1] == '(' &&
                (after ? g2 >= 1 && after[0] == ')' : 1) &&
                dg_norm(d, &w[a])[0] == dg_norm(d, &w[x->w0])[0]) {
                const size_t before = ar->links.len;
                st = link(d, ar, ND_AL_DEFINED, x->form, sp[i + 1].form, x->w0, x->w1, a, a + 1);
                size_t tl;
                const char *tt = dg_text(d, ((const nd_dsentence *)d->sents.data)[w[a].sent].doc,
                                         &tl);
                if (st == ND_OK && ar->links.len > before && w[a].end < tl &&
                    tt[w[a].end] == ')') /* the evidence ends with its ")" */
                    ND_VEC_AT(&ar->links, nd_devidence, ar->links.len - 1).end2++;
            }
        }
        /* X, also called / also known as / known as / or Y */
        if (i + 1 < ns && w[x->w1 - 1].sent == w[sp[i + 1].w0].sent && st == ND_OK) {
            uint32_t k = x->w1;
            const uint32_t y0 = sp[i + 1].w0;
            size_t gl = 0;
            const char *g = k < y0 ? gap(d, k - 1, &gl) : NULL;
            int ok = g && gl >= 1 && g[0] == ',';
            if (ok && dg_is(d, &w[k], "also"))
                k++;
            if (ok && k < y0 && (dg_is(d, &w[k], "called") || dg_is(d, &w[k], "dubbed"))) {
                k++;
                if (k < y0 && dg_is(d, &w[k], "the"))
                    k++; /* "also called the Y" */
            }
            else if (ok && k + 1 < y0 && dg_is(d, &w[k], "known") && dg_is(d, &w[k + 1], "as"))
                k += 2;
            else
                ok = 0;
            if (ok && k == y0)
                st = link(d, ar, ND_AL_CALLED, x->form, sp[i + 1].form, x->w0, x->w1, y0,
                          sp[i + 1].w1);
        }
    }
    /* acronyms of the story's long forms; titles */
    for (uint32_t a = 0; a < nf && st == ND_OK; a++) {
        if (f[a].acronym) {
            const dword *aw = &w[f[a].w0];
            size_t len;
            const char *t = dg_text(d, ((const nd_dsentence *)d->sents.data)[aw->sent].doc, &len);
            const size_t n = aw->end - aw->start;
            if (n < 3)
                continue;
            for (uint32_t b = 0; b < nf && st == ND_OK; b++) {
                if (f[b].acronym || f[b].w1 - f[b].w0 < 2)
                    continue;
                uint32_t caps = 0;
                for (uint32_t k = f[b].w0; k < f[b].w1; k++)
                    caps += (w[k].flags & W_CAP) != 0;
                if (caps >= 2 && spells(d, t + aw->start, n, f[b].w0, f[b].w1))
                    st = link(d, ar, ND_AL_ACRONYM, a, b, f[a].w0, f[a].w1, f[b].w0, f[b].w1);
            }
            continue;
        }
        /* the last title word; the name after it */
        uint32_t lt = UINT32_MAX;
        for (uint32_t k = f[a].w0; k < f[a].w1; k++)
            if (IN(d, &w[k], k_titles))
                lt = k;
        int person = lt != UINT32_MAX && lt + 1 < f[a].w1;
        for (uint32_t k = lt + 1; person && k < f[a].w1; k++)
            person = (w[k].flags & W_CAP) && !IN(d, &w[k], k_connect) && !IN(d, &w[k], k_titles);
        if (!person)
            continue; /* "Interior Ministry of Albania" is no person's title */
        const uint64_t kn = span_key(d, lt + 1, f[a].w1);
        const uint64_t kl = span_key(d, f[a].w1 - 1, f[a].w1);
        for (uint32_t b = 0; b < nf && st == ND_OK; b++)
            if (b != a && (f[b].key == kn || f[b].key == kl))
                st = link(d, ar, ND_AL_TITLE, a, b, f[a].w0, f[a].w1, f[b].w0, f[b].w1);
    }
    /* aligned sentences: the one name that differs, in the same place; the
     * spans of sentence i are sp[sfirst[i] .. sfirst[i + 1]) */
    const size_t S = d->sents.len;
    uint32_t *sfirst = nd_calloc(&d->alloc, S + 1, sizeof *sfirst);
    if (!sfirst)
        return ND_E_NOMEM;
    for (size_t a = 0; a < ns; a++)
        sfirst[w[sp[a].w0].sent + 1]++;
    for (size_t i = 0; i < S; i++)
        sfirst[i + 1] += sfirst[i];
    const nd_dgroup *g = d->groups.data;
    const uint32_t *m = d->members.data;
    for (size_t gi = 0; gi < d->groups.len && st == ND_OK; gi++)
        for (uint32_t x = 0; x < g[gi].count && st == ND_OK; x++)
            for (uint32_t y = x + 1; y < g[gi].count && st == ND_OK; y++) {
                const uint32_t ss[2] = {m[g[gi].first + x], m[g[gi].first + y]};
                size_t only[2] = {0, 0}, cnt[2] = {0, 0};
                for (int side = 0; side < 2; side++)
                    for (size_t a = sfirst[ss[side]]; a < sfirst[ss[side] + 1]; a++) {
                        int in_other = 0;
                        for (size_t b = sfirst[ss[!side]]; b < sfirst[ss[!side] + 1] && !in_other;
                             b++)
                            in_other = sp[b].form == sp[a].form;
                        if (!in_other) {
                            only[side] = a;
                            cnt[side]++;
                        }
                    }
                if (cnt[0] != 1 || cnt[1] != 1)
                    continue;
                const span *A = &sp[only[0]], *B = &sp[only[1]];
                const int before = A->w0 > sw_at(d, ss[0]) && B->w0 > sw_at(d, ss[1]) &&
                                   w[A->w0 - 1].form == w[B->w0 - 1].form;
                const int after = A->w1 < sw_at(d, ss[0] + 1) && B->w1 < sw_at(d, ss[1] + 1) &&
                                  w[A->w1].form == w[B->w1].form;
                if (before || after)
                    st = link(d, ar, ND_AL_ALIGNED, A->form, B->form, A->w0, A->w1, B->w0,
                              B->w1);
            }
    nd_free(&d->alloc, sfirst);
    return st;
}

nd_status dg_aliases(nd_digest *d)
{
    aliasrun ar;
    nd_vec_init(&ar.spans, sizeof(span), UINT32_MAX);
    nd_vec_init(&ar.forms, sizeof(form), UINT32_MAX);
    nd_vec_init(&ar.links, sizeof(nd_devidence), UINT32_MAX);
    nd_status st = ND_OK;
    /* a name is a word at least: room for every word's form, half full at most */
    ar.mask = 15;
    while (ar.mask + 1 < 2 * d->words.len + 2)
        ar.mask = ar.mask * 2 + 1;
    ar.slot = nd_calloc(&d->alloc, ar.mask + 1, sizeof *ar.slot);
    if (!ar.slot)
        return ND_E_NOMEM;
    uint32_t *up = NULL;
    uint64_t *order = NULL;
    uint32_t *newid = NULL;
    size_t nn = 0;
    uint32_t *names = nd_malloc(&d->alloc, (d->words.len ? d->words.len : 1) * sizeof *names);
    if (!names)
        st = ND_E_NOMEM;
    for (size_t k = 0; names && k < d->words.len; k++)
        if ((W(d)[k].flags & (W_NAME | W_STOP | W_DIGIT)) == W_NAME)
            names[nn++] = W(d)[k].form;
    if (names && nn)
        qsort(names, nn, sizeof *names, cmp_u32f);
    for (uint32_t i = 0; i < d->sents.len && st == ND_OK; i++)
        st = sentence_names(d, &ar, i, names, nn);
    nd_free(&d->alloc, names);
    if (st == ND_OK)
        st = alias_links(d, &ar);
    const size_t nf = ar.forms.len, nl = ar.links.len;
    if (st != ND_OK || nl == 0)
        goto done;
    up = nd_malloc(&d->alloc, nf * sizeof *up);
    order = nd_malloc(&d->alloc, nf * sizeof *order);
    newid = nd_malloc(&d->alloc, nf * sizeof *newid);
    if (!up || !order || !newid) {
        st = ND_E_NOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < nf; i++) {
        up[i] = i;
        newid[i] = UINT32_MAX;
    }
    const nd_devidence *L = ar.links.data;
    for (size_t k = 0; k < nl; k++)
        dg_unite(up, L[k].a, L[k].b);
    /* entities in the order of their first form; forms in order of mention */
    const form *f = ar.forms.data;
    for (uint32_t r = 0; r < nf && st == ND_OK; r++) {
        if (dg_find(up, r) != r)
            continue;
        size_t n = 0;
        for (uint32_t i = r; i < nf; i++)
            if (dg_find(up, i) == r)
                order[n++] = i;
        if (n < 2)
            continue;
        nd_dalias al;
        memset(&al, 0, sizeof al);
        al.first = (uint32_t)d->names.len;
        al.count = (uint32_t)n;
        for (size_t x = 0; x < n && st == ND_OK; x++) {
            const form *fo = &f[order[x]];
            const dword *w = W(d);
            nd_dname nm = {((const nd_dsentence *)d->sents.data)[w[fo->w0].sent].doc,
                           w[fo->w0].start, w[fo->w1 - 1].end, fo->mentions};
            newid[order[x]] = (uint32_t)d->names.len;
            st = nd_vec_push(&d->names, &d->alloc, &nm);
        }
        al.efirst = (uint32_t)d->evidence.len;
        for (size_t k = 0; k < nl && st == ND_OK; k++)
            if (dg_find(up, L[k].a) == r) {
                nd_devidence e = L[k];
                e.a = newid[e.a];
                e.b = newid[e.b];
                st = nd_vec_push(&d->evidence, &d->alloc, &e);
                al.ecount++;
            }
        if (st == ND_OK)
            st = nd_vec_push(&d->aliases, &d->alloc, &al);
    }
done:
    nd_free(&d->alloc, up);
    nd_free(&d->alloc, order);
    nd_free(&d->alloc, newid);
    nd_vec_free(&ar.spans, &d->alloc);
    nd_vec_free(&ar.forms, &d->alloc);
    nd_vec_free(&ar.links, &d->alloc);
    nd_free(&d->alloc, ar.slot);
    return st;
}

/*
 * digest.c - a story's sentences, and the groups of sentences of different
 * sources that say the same thing (neardup.h, "Story digest").
 *
 * DESIGN
 *   Sentences. A sentence ends at . ! or ? (runs of them, then closing
 *   quotes and brackets) followed by space and a capital, a digit or an
 *   opening quote; not after an abbreviation of the list below, a single
 *   letter (an initial) or a dotted initialism ("U.S."); and at a full stop
 *   wedged between a lower-case word and a capitalised one ("Manez.Following",
 *   two sentences a careless copy glued). Lines: an empty line ends a
 *   sentence; a single line break does too, unless the text is hard-wrapped
 *   (four in five of its lines of 40 bytes or more are 90 or less) and the
 *   line is long: a headline or a list item is its own sentence, a wrapped
 *   line is not. A "sentence" without a letter or digit is dropped.
 *
 *   A mail or news header block the text opens with (structure.c) is left
 *   out: it is how the document travelled, not what it says; so is a
 *   sentence of 50 bytes or more half or more in the ranges the caller marks
 *   as not the story (nd_digest_doc.skip: boilerplate, a licence, a sign-up
 *   form). A shorter one stays: "No one was injured, officials said." is
 *   formulaic enough to be found at the end of many reports, and still a fact.
 *
 *   Words. The tokeniser's words (tokenize.c), stemmed (libstemmer), English
 *   function words aside when the language is English. A word's weight in the
 *   story is ln(1 + S / sf), S the story's sentences and sf those holding the
 *   word: words every source repeats (the story's subject) say little about
 *   which sentence is which. Names (capitalised, not opening the sentence)
 *   and numbers weigh half again as much.
 *
 *   Similarity. Two sentences of different documents: Dice over their words'
 *   weights, 2 shared / (total a + total b), with three content words shared
 *   at least ("See above." and "See the difference?" say nothing alike). Candidates come from the
 *   postings of the words (a word in more than max(200, S / 20) sentences
 *   counts in the totals but proposes no pair, which bounds the work of a
 *   large story). A pair is verbatim when the two sentences have the same
 *   words (function words included), or when a passage given covers 80% of
 *   both and they share four in five of the longer one's words (the sentence
 *   of b is the one under the passage sharing most words with a's: an
 *   alignment with gaps does not map positions proportionally).
 *
 *   Groups. Pairs at ND_P_DIGEST_SIMILARITY or more (verbatim pairs count 1)
 *   are taken strongest first (then by sentence numbers) and join their
 *   sentences' groups unless the two groups hold sentences of one document:
 *   a group holds one sentence of a document at most, so a chain cannot fold
 *   a whole article into one group, and a group's count of sources means what
 *   it says. Groups of one source only are dropped.
 */
#include <math.h>
#include <stdlib.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "digest/digest_internal.h"

#define MAX_SENTENCE_WORDS 400 /* a longer "sentence" is a list: it links nothing */
#define MIN_SHARED 3           /* content words a paraphrase shares at least */
#define SKIP_MIN 50            /* bytes of a sentence that a skip range can leave out */

/* ---- sentences ---------------------------------------------------------------- */

static const char *const k_abbrev[] = {
    "mr", "mrs", "ms", "dr", "prof", "st", "sen", "rep", "gov", "gen", "col", "lt",
    "capt", "cmdr", "adm", "maj", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "no",
    "nos", "vol", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mt", "ft", "approx", "dept", "univ", "rev", "hon", "pres",
    "al", "op", "cf", "ca", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
    "sun", "ave", "blvd", "rd", "pp", "ed", "eds", "govt", "messrs", "mme", "mlle", "sgt",
};

static int is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The code point at t[i] (-1: invalid or at the end) and its length. */
static int32_t cp_at(const char *t, size_t len, size_t i, size_t *n)
{
    utf8proc_int32_t c = -1;
    const utf8proc_ssize_t k =
        i < len ? utf8proc_iterate((const utf8proc_uint8_t *)t + i,
                                   (utf8proc_ssize_t)(len - i > 4 ? 4 : len - i), &c)
                : -1;
    *n = k > 0 ? (size_t)k : 1;
    return k > 0 ? c : -1;
}

static int lower_at(const char *t, size_t len, size_t i)
{
    size_t n;
    const int32_t c = cp_at(t, len, i, &n);
    if (c < 0x80)
        return c >= 'a' && c <= 'z';
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

/* A closing quote or bracket at t[i]: its length, else 0. */
static size_t closer_at(const char *t, size_t len, size_t i)
{
    size_t n;
    const int32_t c = cp_at(t, len, i, &n);
    return (c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201D || c == 0x2019 ||
            c == 0xBB || c == 0x203A)
               ? n
               : 0;
}

/* Can the text at t[i] open a sentence: a capital, a digit, an opening quote
 * or bracket? */
static int opener_at(const char *t, size_t len, size_t i)
{
    size_t n;
    const int32_t c = cp_at(t, len, i, &n);
    if (c < 0)
        return 0;
    if ((c >= '0' && c <= '9') || c == '"' || c == '\'' || c == '(' || c == '[' ||
        c == 0x201C || c == 0x2018 || c == 0xAB)
        return 1;
    return nd_capitalised(t, len, (uint32_t)i);
}

/* The length of the white space at t[i] (ASCII, no-break and the other
 * Unicode spaces), else 0. */
static size_t space_len(const char *t, size_t len, size_t i)
{
    const unsigned char c = (unsigned char)t[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v')
        return 1;
    const unsigned char c1 = i + 1 < len ? (unsigned char)t[i + 1] : 0;
    const unsigned char c2 = i + 2 < len ? (unsigned char)t[i + 2] : 0;
    if (c == 0xC2 && c1 == 0xA0)
        return 2;
    if (c == 0xE2 && c1 == 0x80 && ((c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xAF))
        return 3;
    if (c == 0xE3 && c1 == 0x80 && c2 == 0x80)
        return 3;
    return 0;
}

/* The length of the white space ending at t[e - 1], else 0. */
static size_t space_len_before(const char *t, size_t e)
{
    if (e >= 1 && space_len(t, e, e - 1) == 1)
        return 1;
    if (e >= 2 && space_len(t, e, e - 2) == 2)
        return 2;
    if (e >= 3 && space_len(t, e, e - 3) == 3)
        return 3;
    return 0;
}

/* Does the full stop at t[dot] close an abbreviation, an initial or a
 * dotted initialism (no sentence ends there)? next: the byte the next
 * sentence would open with ("No." abbreviates only before a number). */
static int abbreviation(const char *t, size_t dot, char next)
{
    size_t b = dot;
    while (b > 0 && (is_letter((unsigned char)t[b - 1]) || t[b - 1] == '.'))
        b--;
    const size_t n = dot - b;
    if (n == 0)
        return 0;
    if (n == 1 && b > 0 && (t[b - 1] == '\'' || (unsigned char)t[b - 1] == 0x99))
        return 0; /* the t of "aren't", not an initial */
    if (n == 1)
        return 1; /* an initial: "J. Smith" */
    if (memchr(t + b, '.', n))
        return 1; /* "U.S", "e.g" */
    if (n > 7)
        return 0;
    char w[8];
    for (size_t k = 0; k < n; k++)
        w[k] = (char)(t[b + k] | 0x20);
    if ((n == 2 && memcmp(w, "no", 2) == 0) || (n == 3 && memcmp(w, "nos", 3) == 0))
        return next >= '0' && next <= '9';
    for (size_t k = 0; k < sizeof k_abbrev / sizeof k_abbrev[0]; k++)
        if (strlen(k_abbrev[k]) == n && memcmp(k_abbrev[k], w, n) == 0)
            return 1;
    return 0;
}

/* Is the text hard-wrapped (see DESIGN)? */
static int hard_wrapped(const char *t, size_t len)
{
    size_t lon = 0, wrapped = 0, s = 0;
    for (size_t i = 0; i <= len; i++)
        if (i == len || t[i] == '\n') {
            const size_t n = i - s;
            lon += n >= 40;
            wrapped += n >= 40 && n <= 90;
            s = i + 1;
        }
    return lon >= 3 && wrapped * 5 >= lon * 4;
}

typedef struct splitter {
    uint32_t *starts, *ends;
    size_t cap, n;
} splitter;

/* Records the sentence t[s..e) trimmed, when it holds a letter or digit. */
static void emit(splitter *sp, const char *t, size_t s, size_t e)
{
    size_t n;
    while (s < e && (n = space_len(t, e, s)) != 0)
        s += n;
    while (e > s && (n = space_len_before(t, e)) != 0 && e - n >= s)
        e -= n;
    int word = 0;
    for (size_t i = s; i < e && !word; i++) {
        const unsigned char c = (unsigned char)t[i];
        word = c >= 0x80 || is_letter(c) || (c >= '0' && c <= '9');
    }
    if (!word)
        return;
    if (sp->n < sp->cap) {
        if (sp->starts)
            sp->starts[sp->n] = (uint32_t)s;
        sp->ends[sp->n] = (uint32_t)e;
    }
    sp->n++;
}

size_t nd_digest_sentences(const char *text, size_t len, uint32_t *starts, uint32_t *ends,
                           size_t cap)
{
    splitter sp = {starts, ends, ends ? cap : 0, 0};
    if (!text || len > UINT32_MAX)
        return 0;
    const char *t = text;
    const int wrapped = hard_wrapped(t, len);
    size_t s = 0, line = 0;
    for (size_t i = 0; i < len; i++) {
        const char c = t[i];
        if (c == '\n') {
            size_t k = i + 1;
            while (k < len && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r'))
                k++;
            const int blank = k < len && t[k] == '\n';
            if (blank || !wrapped || i - line < 40) {
                emit(&sp, t, s, i);
                s = i + 1;
            }
            line = i + 1;
            continue;
        }
        if (c != '.' && c != '!' && c != '?')
            continue;
        size_t j = i + 1;
        while (j < len && (t[j] == '.' || t[j] == '!' || t[j] == '?'))
            j++;
        size_t k = j, n;
        while (k < len && (n = closer_at(t, len, k)) != 0)
            k += n;
        if (k >= len)
            continue; /* the end closes it */
        if (space_len(t, len, k)) {
            size_t m = k, sl;
            while (m < len && (sl = space_len(t, len, m)) != 0)
                m += sl;
            if (m < len && opener_at(t, len, m) &&
                !(c == '.' && j == i + 1 && abbreviation(t, i, t[m]))) {
                emit(&sp, t, s, k);
                s = k;
            }
            i = k - 1;
        } else if (c == '.' && j == i + 1 && k == j && i >= 2 && lower_at(t, len, i - 1) &&
                   is_letter((unsigned char)t[i - 2]) && nd_capitalised(t, len, (uint32_t)j) &&
                   lower_at(t, len, j + 1)) {
            emit(&sp, t, s, j); /* "Manez.Following" */
            s = j;
        }
    }
    emit(&sp, t, s, len);
    return sp.n;
}

/* ---- create / add ------------------------------------------------------------- */

nd_status nd_digest_create(nd_digest **out, const nd_params *params, const char *lang,
                           const nd_allocator *alloc)
{
    ND_RETURN_IF(!out, ND_E_PARAM);
    *out = NULL;
    nd_alloc_ctx a;
    nd_alloc_init(&a, alloc);
    nd_digest *d = nd_calloc(&a, 1, sizeof *d);
    if (!d)
        return ND_E_NOMEM;
    d->alloc = a;
    nd_params_defaults(&d->params);
    if (params)
        nd_params_copy_values(&d->params, params);
    if (!lang)
        lang = "english";
    d->english = nd_story_english(lang);
    if (strcmp(lang, "none") != 0 && !(d->stem = sb_stemmer_new(lang, "UTF_8"))) {
        nd_free(&a, d);
        return ND_E_PARAM;
    }
    nd_text_buf_init(&d->tb);
    nd_vec_init(&d->docs, sizeof(nd_digest_doc), UINT32_MAX - 1);
    nd_vec_init(&d->passages, sizeof(dpassage), UINT32_MAX);
    nd_vec_init(&d->norm, 1, UINT32_MAX);
    nd_vec_init(&d->words, sizeof(dword), UINT32_MAX - 1);
    nd_vec_init(&d->sents, sizeof(nd_dsentence), UINT32_MAX - 1);
    nd_vec_init(&d->sword, sizeof(uint32_t), UINT32_MAX);
    nd_vec_init(&d->pairs, sizeof(dpair), SIZE_MAX / 32);
    nd_vec_init(&d->groups, sizeof(nd_dgroup), UINT32_MAX);
    nd_vec_init(&d->members, sizeof(uint32_t), UINT32_MAX);
    nd_vec_init(&d->quants, sizeof(nd_dquantity), UINT32_MAX);
    nd_vec_init(&d->conflicts, sizeof(nd_dconflict), UINT32_MAX);
    nd_vec_init(&d->items, sizeof(uint32_t), UINT32_MAX);
    nd_vec_init(&d->whats, 1, UINT32_MAX);
    nd_vec_init(&d->names, sizeof(nd_dname), UINT32_MAX);
    nd_vec_init(&d->aliases, sizeof(nd_dalias), UINT32_MAX);
    nd_vec_init(&d->evidence, sizeof(nd_devidence), UINT32_MAX);
    nd_vec_init(&d->scratch, 1, SIZE_MAX / 2);
    *out = d;
    return ND_OK;
}

void nd_digest_reset(nd_digest *d)
{
    if (!d)
        return;
    d->docs.len = d->passages.len = d->norm.len = d->words.len = d->sents.len = 0;
    d->sword.len = d->pairs.len = d->groups.len = d->members.len = d->quants.len = 0;
    d->conflicts.len = d->items.len = d->whats.len = d->names.len = d->aliases.len = 0;
    d->evidence.len = 0;
    d->ran = 0;
    d->nsources = 0;
    d->detail[0] = 0;
}

void nd_digest_destroy(nd_digest *d)
{
    if (!d)
        return;
    const nd_alloc_ctx a = d->alloc;
    nd_vec *v[] = {&d->docs,   &d->passages,  &d->norm,  &d->words,    &d->sents,
                   &d->sword,  &d->pairs,     &d->groups, &d->members, &d->quants,
                   &d->conflicts, &d->items,  &d->whats, &d->names,    &d->aliases,
                   &d->evidence, &d->scratch};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        nd_vec_free(v[i], &a);
    nd_text_buf_free(&d->tb, &a);
    if (d->stem)
        sb_stemmer_delete(d->stem);
    nd_free(&a, d);
}

const char *nd_digest_errdetail(const nd_digest *d)
{
    return d ? d->detail : "";
}

nd_status nd_digest_add(nd_digest *d, const nd_digest_doc *doc)
{
    ND_RETURN_IF(!d || !doc || (!doc->text && doc->len), ND_E_PARAM);
    d->detail[0] = 0;
    if (d->ran) {
        nd_detail_set(d->detail, "nd_digest_add after nd_digest_run: nd_digest_reset first");
        return ND_E_STATE;
    }
    if (doc->len > UINT32_MAX) {
        nd_detail_set(d->detail, "document %zu: %zu bytes, over 4 GiB", d->docs.len, doc->len);
        return ND_E_PARAM;
    }
    return nd_vec_push(&d->docs, &d->alloc, doc);
}

nd_status nd_digest_passage(nd_digest *d, uint32_t a, uint32_t as, uint32_t ae, uint32_t b,
                            uint32_t bs, uint32_t be)
{
    ND_RETURN_IF(!d, ND_E_PARAM);
    d->detail[0] = 0;
    if (d->ran) {
        nd_detail_set(d->detail, "nd_digest_passage after nd_digest_run");
        return ND_E_STATE;
    }
    size_t la = 0, lb = 0;
    if (a >= d->docs.len || b >= d->docs.len || as > ae || bs > be ||
        ae > (dg_text(d, a, &la), la) || be > (dg_text(d, b, &lb), lb)) {
        nd_detail_set(d->detail, "passage %u:%u-%u / %u:%u-%u is not within the %zu documents",
                      a, as, ae, b, bs, be, d->docs.len);
        return ND_E_PARAM;
    }
    const dpassage p = {a, as, ae, b, bs, be};
    return nd_vec_push(&d->passages, &d->alloc, &p);
}

/* ---- words -------------------------------------------------------------------- */

uint32_t dg_term(nd_digest *d, const char *w, size_t n)
{
    int digit = 0;
    for (size_t k = 0; k < n && !digit; k++)
        digit = w[k] >= '0' && w[k] <= '9';
    if (d->stem && !digit) {
        const sb_symbol *r = sb_stemmer_stem(d->stem, (const sb_symbol *)w, (int)n);
        if (r)
            return (uint32_t)(nd_token_hash((const char *)r,
                                            (size_t)sb_stemmer_length(d->stem)) >> 32);
    }
    return (uint32_t)(nd_token_hash(w, n) >> 32);
}

static int negation(const char *w, size_t n, const char *t, uint32_t start)
{
    static const char *const neg[] = {"not",  "no",      "never",   "nobody",  "none",
                                      "nothing", "neither", "nor",  "without", "cannot",
                                      "nowhere", "denied", "denies", "deny"};
    for (size_t k = 0; k < sizeof neg / sizeof neg[0]; k++)
        if (strlen(neg[k]) == n && memcmp(neg[k], w, n) == 0)
            return 1;
    /* the t of n't */
    return n == 1 && w[0] == 't' && start >= 2 &&
           ((t[start - 1] == '\'' && (t[start - 2] | 0x20) == 'n') ||
            (start >= 4 && (unsigned char)t[start - 1] == 0x99 &&
             (unsigned char)t[start - 2] == 0x80 && (unsigned char)t[start - 3] == 0xE2 &&
             (t[start - 4] | 0x20) == 'n'));
}

/* Does the word at t[start] open a clause where capitals say nothing: after
 * a line break, a colon, ! or ?, or right after an opening quote or bracket
 * (a closing quote, as in '," Cuci said', is not one)? */
static int opens(const char *t, uint32_t prev_end, uint32_t start)
{
    for (uint32_t i = prev_end; i < start; i++)
        if (t[i] == '\n' || t[i] == ':' || t[i] == '!' || t[i] == '?')
            return 1;
    if (start == prev_end)
        return 0;
    const unsigned char c = (unsigned char)t[start - 1];
    if (c == '"' || c == '\'' || c == '(' || c == '[')
        return 1;
    return start >= 3 && (unsigned char)t[start - 3] == 0xE2 &&
           (unsigned char)t[start - 2] == 0x80 &&
           ((unsigned char)t[start - 1] == 0x9C || (unsigned char)t[start - 1] == 0x98);
}

static uint32_t overlap(uint32_t s, uint32_t e, uint32_t ps, uint32_t pe)
{
    const uint32_t a = s > ps ? s : ps, b = e < pe ? e : pe;
    return b > a ? b - a : 0;
}

/* The words of document di, sentence by sentence. */
static nd_status read_doc(nd_digest *d, uint32_t di)
{
    size_t len;
    const char *t = dg_text(d, di, &len);
    nd_status st;
    if (len == 0)
        return ND_OK;
    /* a mail or news header block is not what the document says */
    const size_t body = nd_header_block_end(t, len);
    const size_t ns = nd_digest_sentences(t + body, len - body, NULL, NULL, 0);
    if (ns == 0)
        return ND_OK;
    const size_t need = ns * 2 * sizeof(uint32_t);
    if ((st = nd_vec_reserve(&d->scratch, &d->alloc, need)) != ND_OK)
        return st;
    uint32_t *ss = d->scratch.data, *se = ss + ns;
    (void)nd_digest_sentences(t + body, len - body, ss, se, ns);
    /* past the header block; without the sentences half boilerplate or more */
    const nd_digest_doc *dd = &ND_VEC_AT(&d->docs, nd_digest_doc, di);
    size_t kept = 0, sk = 0;
    for (size_t s = 0; s < ns; s++) {
        const uint32_t a = ss[s] + (uint32_t)body, b = se[s] + (uint32_t)body;
        uint64_t in = 0;
        while (sk < dd->nskip && dd->skip[sk].end <= a)
            sk++;
        for (size_t q = sk; q < dd->nskip && dd->skip[q].start < b; q++)
            in += overlap(a, b, dd->skip[q].start, dd->skip[q].end);
        if (2 * in >= (uint64_t)(b - a) && b - a >= SKIP_MIN)
            continue;
        ss[kept] = a;
        se[kept] = b;
        kept++;
    }
    /* se follows ss in the scratch: move the kept ends up to ss + kept */
    memmove(ss + kept, se, kept * sizeof *se);
    se = ss + kept;
    const size_t nk = kept;
    if ((st = nd_text_tokenize(&d->tb, &d->alloc, t, len, 0)) != ND_OK)
        return st;
    const nd_token *tok = d->tb.tokens.data;
    const size_t nt = d->tb.tokens.len;
    const char *norm = d->tb.norm.data;
    size_t ti = 0;
    for (size_t s = 0; s < nk; s++) {
        while (ti < nt && tok[ti].start < ss[s])
            ti++;
        const uint32_t sid = (uint32_t)d->sents.len;
        const nd_dsentence sen = {di, ss[s], se[s], ND_NO_CLUSTER};
        const uint32_t w0 = (uint32_t)d->words.len;
        if ((st = nd_vec_push(&d->sents, &d->alloc, &sen)) != ND_OK ||
            (st = nd_vec_push(&d->sword, &d->alloc, &w0)) != ND_OK)
            return st;
        for (size_t k = ti; k < nt && tok[k].start < se[s]; k++, ti++) {
            dword w;
            memset(&w, 0, sizeof w);
            const char *f = norm + tok[k].norm_off;
            const size_t fn = tok[k].norm_len;
            w.start = tok[k].start;
            w.end = tok[k].end;
            w.norm = (uint32_t)d->norm.len;
            w.nlen = (uint32_t)fn;
            w.sent = sid;
            w.form = (uint32_t)(tok[k].hash >> 32);
            w.term = dg_term(d, f, fn);
            if (d->english && nd_story_stop_word(f, fn, tok[k].hash))
                w.flags |= W_STOP;
            if (nd_has_digit(f, fn))
                w.flags |= W_DIGIT;
            if (nd_capitalised(t, len, tok[k].start))
                w.flags |= W_CAP;
            const int first = k == ti && d->words.len == w0;
            if (first || opens(t, tok[k - 1].end, tok[k].start))
                w.flags |= W_START;
            const size_t bl = tok[k].end - tok[k].start;
            int upper = bl >= 2 && bl <= 6;
            for (size_t c = 0; c < bl && upper; c++)
                upper = t[tok[k].start + c] >= 'A' && t[tok[k].start + c] <= 'Z';
            if (upper)
                w.flags |= W_UPPER | W_NAME;
            else if ((w.flags & W_CAP) && !(w.flags & (W_START | W_DIGIT)))
                w.flags |= W_NAME;
            if (negation(f, fn, t, tok[k].start))
                w.flags |= W_NEG;
            if ((st = nd_vec_append(&d->norm, &d->alloc, f, fn)) != ND_OK ||
                (st = nd_vec_push(&d->words, &d->alloc, &w)) != ND_OK)
                return st;
        }
    }
    return ND_OK;
}

/* ---- similarity ----------------------------------------------------------------- */

typedef struct tpost {
    uint32_t term, sent;
} tpost;

static int cmp_tpost(const void *x, const void *y)
{
    const tpost *a = x, *b = y;
    if (a->term != b->term)
        return a->term < b->term ? -1 : 1;
    return a->sent < b->sent ? -1 : a->sent > b->sent;
}

static int cmp_pair(const void *x, const void *y)
{
    const dpair *a = x, *b = y;
    if (a->sim != b->sim)
        return a->sim > b->sim ? -1 : 1;
    if (a->verbatim != b->verbatim)
        return a->verbatim > b->verbatim ? -1 : 1;
    if (a->i != b->i)
        return a->i < b->i ? -1 : 1;
    return a->j < b->j ? -1 : a->j > b->j;
}

typedef struct shash {
    uint64_t h;
    uint32_t sent;
} shash;

static int cmp_shash(const void *x, const void *y)
{
    const shash *a = x, *b = y;
    if (a->h != b->h)
        return a->h < b->h ? -1 : 1;
    return a->sent < b->sent ? -1 : a->sent > b->sent;
}

static nd_status push_pair(nd_digest *d, uint32_t i, uint32_t j, float sim, uint32_t verbatim)
{
    const dpair p = {sim, verbatim, i < j ? i : j, i < j ? j : i};
    return nd_vec_push(&d->pairs, &d->alloc, &p);
}

/* The sentence of document doc holding byte pos, or UINT32_MAX. */
static uint32_t sentence_at(const nd_digest *d, const uint32_t *dfirst, uint32_t doc,
                            uint32_t pos)
{
    const nd_dsentence *s = d->sents.data;
    uint32_t lo = dfirst[doc], hi = dfirst[doc + 1];
    while (lo < hi) {
        const uint32_t mid = lo + (hi - lo) / 2;
        if (s[mid].end <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < dfirst[doc + 1] && s[lo].start <= pos ? lo : UINT32_MAX;
}

static int cmp_u32v(const void *x, const void *y)
{
    const uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* Values two sorted arrays share, repeats counted as often as both hold them. */
static size_t common(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, n = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            n++;
            i++;
            j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
    }
    return n;
}

/* Verbatim pairs: the same words, or a passage over both. */
static nd_status verbatim_pairs(nd_digest *d, const uint32_t *dfirst)
{
    const size_t S = d->sents.len;
    const nd_dsentence *s = d->sents.data;
    const dword *w = d->words.data;
    const uint32_t *sw = d->sword.data;
    nd_status st;
    shash *h = nd_malloc(&d->alloc, (S ? S : 1) * sizeof *h);
    if (!h)
        return ND_E_NOMEM;
    for (uint32_t i = 0; i < S; i++) {
        uint64_t x = 0x9E3779B97F4A7C15ull;
        for (uint32_t k = sw[i]; k < sw[i + 1]; k++)
            x = (x ^ w[k].form) * 0x100000001B3ull + k - sw[i];
        h[i].h = sw[i + 1] - sw[i] >= 4 ? x : 0;
        h[i].sent = i;
    }
    qsort(h, S, sizeof *h, cmp_shash);
    st = ND_OK;
    for (size_t a = 0; a < S && st == ND_OK;) {
        size_t b = a + 1;
        while (b < S && h[b].h == h[a].h)
            b++;
        /* the first of a document's repeats only (sentences are in document
         * order): a document repeating one sentence adds no pairs */
        if (h[a].h)
            for (size_t x = a; x < b && st == ND_OK; x++) {
                if (x > a && s[h[x].sent].doc == s[h[x - 1].sent].doc)
                    continue;
                for (size_t y = x + 1; y < b && st == ND_OK; y++)
                    if (s[h[y].sent].doc != s[h[y - 1].sent].doc &&
                        s[h[x].sent].doc != s[h[y].sent].doc)
                        st = push_pair(d, h[x].sent, h[y].sent, 1.0f, 1);
            }
        a = b;
    }
    nd_free(&d->alloc, h);
    /* each sentence's word forms, sorted, for the passages' check */
    uint32_t *forms = nd_malloc(&d->alloc, (d->words.len ? d->words.len : 1) * sizeof *forms);
    if (!forms)
        return ND_E_NOMEM;
    for (uint32_t i = 0; i < S; i++) {
        for (uint32_t k = sw[i]; k < sw[i + 1]; k++)
            forms[k] = w[k].form;
        qsort(forms + sw[i], sw[i + 1] - sw[i], sizeof *forms, cmp_u32v);
    }
    const dpassage *p = d->passages.data;
    for (size_t k = 0; k < d->passages.len && st == ND_OK; k++) {
        for (int side = 0; side < 2 && st == ND_OK; side++) {
            const uint32_t da = side ? p[k].b : p[k].a, as = side ? p[k].bs : p[k].as;
            const uint32_t ae = side ? p[k].be : p[k].ae, db = side ? p[k].a : p[k].b;
            const uint32_t bs = side ? p[k].as : p[k].bs, be = side ? p[k].ae : p[k].be;
            if (da == db || ae == as || be == bs)
                continue;
            const uint32_t j0 = sentence_at(d, dfirst, db, bs);
            for (uint32_t i = dfirst[da]; i < dfirst[da + 1] && st == ND_OK; i++) {
                const uint32_t L = s[i].end - s[i].start;
                if (!L || overlap(s[i].start, s[i].end, as, ae) * 5 < L * 4)
                    continue;
                /* the sentence of b under the passage with the most words of i */
                uint32_t best = UINT32_MAX;
                size_t bestn = 0;
                for (uint32_t j = j0 == UINT32_MAX ? dfirst[db] : j0;
                     j < dfirst[db + 1] && s[j].start < be; j++) {
                    const uint32_t Lj = s[j].end - s[j].start;
                    if (!Lj || overlap(s[j].start, s[j].end, bs, be) * 5 < Lj * 4)
                        continue;
                    const size_t n = common(forms + sw[i], sw[i + 1] - sw[i], forms + sw[j],
                                            sw[j + 1] - sw[j]);
                    if (n > bestn) {
                        bestn = n;
                        best = j;
                    }
                }
                /* verbatim: four in five of the longer sentence's words */
                const size_t ni = sw[i + 1] - sw[i];
                const size_t nb = best == UINT32_MAX ? 0 : sw[best + 1] - sw[best];
                if (best != UINT32_MAX && bestn * 5 >= (ni > nb ? ni : nb) * 4)
                    st = push_pair(d, i, best, 1.0f, 1);
            }
        }
    }
    nd_free(&d->alloc, forms);
    return st;
}

/* Paraphrase pairs through the words' postings (DESIGN). */
static nd_status similar_pairs(nd_digest *d)
{
    const size_t S = d->sents.len;
    const nd_dsentence *s = d->sents.data;
    const dword *w = d->words.data;
    const uint32_t *sw = d->sword.data;
    const double thr = d->params.digest_similarity;
    nd_status st = ND_OK;
    /* each sentence's distinct content terms */
    size_t np = 0;
    for (size_t k = 0; k < d->words.len; k++)
        np += !(w[k].flags & W_STOP);
    tpost *tp = nd_malloc(&d->alloc, (np ? np : 1) * sizeof *tp);
    uint32_t *toff = nd_malloc(&d->alloc, (S + 1) * sizeof *toff);
    float *tw = nd_malloc(&d->alloc, (np ? np : 1) * sizeof *tw);
    float *tot = nd_calloc(&d->alloc, S ? S : 1, sizeof *tot);
    float *acc = nd_calloc(&d->alloc, S ? S : 1, sizeof *acc);
    uint32_t *cnt = nd_calloc(&d->alloc, S ? S : 1, sizeof *cnt);
    uint32_t *touched = nd_malloc(&d->alloc, (S ? S : 1) * sizeof *touched);
    tpost *post = nd_malloc(&d->alloc, (np ? np : 1) * sizeof *post);
    if (!tp || !toff || !tw || !tot || !acc || !cnt || !touched || !post) {
        st = ND_E_NOMEM;
        goto done;
    }
    size_t n = 0;
    for (uint32_t i = 0; i < S; i++) {
        toff[i] = (uint32_t)n;
        const size_t b = n;
        if (sw[i + 1] - sw[i] <= MAX_SENTENCE_WORDS)
            for (uint32_t k = sw[i]; k < sw[i + 1]; k++)
                if (!(w[k].flags & W_STOP)) {
                    /* the name bit rides in the top of sent for now */
                    tp[n].term = w[k].term;
                    tp[n].sent = (w[k].flags & (W_NAME | W_DIGIT)) ? 1u : 0u;
                    n++;
                }
        /* sort this sentence's terms, merging repeats (a name once a name stays one) */
        qsort(tp + b, n - b, sizeof *tp, cmp_tpost);
        size_t o = b;
        for (size_t k = b; k < n; k++) {
            if (o > b && tp[o - 1].term == tp[k].term) {
                tp[o - 1].sent |= tp[k].sent;
                continue;
            }
            tp[o++] = tp[k];
        }
        n = o;
    }
    toff[S] = (uint32_t)n;
    /* postings: (term, sentence), sorted */
    for (uint32_t i = 0; i < S; i++)
        for (uint32_t k = toff[i]; k < toff[i + 1]; k++)
            post[k] = (tpost){tp[k].term, i};
    qsort(post, n, sizeof *post, cmp_tpost);
    const size_t cap = S / 20 > 200 ? S / 20 : 200;
    /* weights: ln(1 + S / sf), names and numbers * 1.5 */
    for (uint32_t i = 0; i < S; i++)
        for (uint32_t k = toff[i]; k < toff[i + 1]; k++) {
            const tpost key = {tp[k].term, 0};
            size_t lo = 0, hi = n;
            while (lo < hi) {
                const size_t mid = lo + (hi - lo) / 2;
                if (cmp_tpost(&post[mid], &key) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            size_t e = lo;
            while (e < n && post[e].term == tp[k].term)
                e++;
            const double sf = (double)(e - lo);
            tw[k] = (float)(log(1.0 + (double)S / sf) * (tp[k].sent ? 1.5 : 1.0));
            tot[i] += tw[k];
            /* keep the posting range in tp for the pass below */
            tp[k].sent = (e - lo) > cap ? UINT32_MAX : (uint32_t)lo;
        }
    for (uint32_t i = 0; i < S && st == ND_OK; i++) {
        size_t nt = 0;
        for (uint32_t k = toff[i]; k < toff[i + 1]; k++) {
            if (tp[k].sent == UINT32_MAX)
                continue;
            for (size_t q = tp[k].sent; q < n && post[q].term == tp[k].term; q++) {
                const uint32_t j = post[q].sent;
                if (j <= i || s[j].doc == s[i].doc)
                    continue;
                if (cnt[j] == 0)
                    touched[nt++] = j;
                acc[j] += tw[k];
                cnt[j]++;
            }
        }
        for (size_t q = 0; q < nt && st == ND_OK; q++) {
            const uint32_t j = touched[q];
            const double sim = 2.0 * acc[j] / (tot[i] + tot[j]);
            if (sim >= thr && cnt[j] >= MIN_SHARED)
                st = push_pair(d, i, j, (float)(sim > 1 ? 1 : sim), 0);
        }
        for (size_t q = 0; q < nt; q++) {
            acc[touched[q]] = 0;
            cnt[touched[q]] = 0;
        }
    }
done:
    nd_free(&d->alloc, tp);
    nd_free(&d->alloc, toff);
    nd_free(&d->alloc, tw);
    nd_free(&d->alloc, tot);
    nd_free(&d->alloc, acc);
    nd_free(&d->alloc, cnt);
    nd_free(&d->alloc, touched);
    nd_free(&d->alloc, post);
    return st;
}

/* ---- groups ---------------------------------------------------------------------- */

typedef struct gkey {
    uint32_t sources, first, root;
} gkey;

static int cmp_gkey(const void *x, const void *y)
{
    const gkey *a = x, *b = y;
    if (a->sources != b->sources)
        return a->sources > b->sources ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

static nd_status make_groups(nd_digest *d)
{
    const size_t S = d->sents.len, D = d->docs.len;
    nd_dsentence *s = d->sents.data;
    const nd_digest_doc *docs = d->docs.data;
    nd_status st = ND_OK;
    /* pairs: strongest first; the same pair once (its strongest, verbatim first) */
    dpair *p = d->pairs.data;
    if (d->pairs.len)
        qsort(p, d->pairs.len, sizeof *p, cmp_pair);
    uint32_t *up = nd_malloc(&d->alloc, (S ? S : 1) * sizeof *up);
    uint32_t *next = nd_malloc(&d->alloc, (S ? S : 1) * sizeof *next); /* member lists */
    uint32_t *last = nd_malloc(&d->alloc, (S ? S : 1) * sizeof *last);
    float *weak = nd_malloc(&d->alloc, (S ? S : 1) * sizeof *weak);
    uint8_t *para = nd_calloc(&d->alloc, S ? S : 1, 1);
    uint32_t *stamp = nd_calloc(&d->alloc, D + 1, sizeof *stamp);
    uint32_t *sstamp = nd_calloc(&d->alloc, D + 1, sizeof *sstamp);
    gkey *keys = nd_malloc(&d->alloc, (S ? S : 1) * sizeof *keys);
    if (!up || !next || !last || !weak || !para || !stamp || !sstamp || !keys) {
        st = ND_E_NOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < S; i++) {
        up[i] = last[i] = i;
        next[i] = UINT32_MAX;
        weak[i] = 1.0f;
    }
    uint32_t mark = 0;
    for (size_t k = 0; k < d->pairs.len; k++) {
        uint32_t a = dg_find(up, p[k].i), b = dg_find(up, p[k].j);
        if (a == b)
            continue;
        /* one sentence of a document at most */
        mark++;
        int clash = 0;
        for (uint32_t x = a; x != UINT32_MAX; x = next[x])
            stamp[s[x].doc] = mark;
        for (uint32_t x = b; x != UINT32_MAX && !clash; x = next[x])
            clash = stamp[s[x].doc] == mark;
        if (clash)
            continue;
        if (b < a) {
            const uint32_t t = a;
            a = b;
            b = t;
        }
        up[b] = a;
        next[last[a]] = b;
        last[a] = last[b];
        if (weak[b] < weak[a])
            weak[a] = weak[b];
        if (p[k].sim < weak[a])
            weak[a] = p[k].sim;
        para[a] |= para[b] | !p[k].verbatim;
    }
    /* the groups of 2+ sources */
    size_t ng = 0;
    mark = 0;
    for (uint32_t i = 0; i < S; i++) {
        if (up[i] != i || next[i] == UINT32_MAX)
            continue;
        mark++;
        uint32_t ns = 0;
        for (uint32_t x = i; x != UINT32_MAX; x = next[x]) {
            const uint32_t src = docs[s[x].doc].source;
            /* sources are numbers of any size: count them through the documents */
            int seen = 0;
            for (uint32_t y = i; y != x && !seen; y = next[y])
                seen = docs[s[y].doc].source == src;
            ns += !seen;
        }
        if (ns >= 2)
            keys[ng++] = (gkey){ns, i, i};
    }
    qsort(keys, ng, sizeof *keys, cmp_gkey);
    for (size_t g = 0; g < ng && st == ND_OK; g++) {
        const uint32_t r = keys[g].root;
        nd_dgroup G;
        memset(&G, 0, sizeof G);
        G.first = (uint32_t)d->members.len;
        G.sources = keys[g].sources;
        G.verbatim = !para[r];
        G.core = G.sources >= 2 && 2 * G.sources > d->nsources;
        G.similarity = weak[r];
        /* members by sentence number: collect, then sort */
        const size_t m0 = d->members.len;
        for (uint32_t x = r; x != UINT32_MAX && st == ND_OK; x = next[x]) {
            s[x].group = (uint32_t)g;
            st = nd_vec_push(&d->members, &d->alloc, &x);
        }
        if (st != ND_OK)
            break;
        uint32_t *m = (uint32_t *)d->members.data + m0;
        const size_t cnt = d->members.len - m0;
        dg_sort_small(m, cnt); /* a group is small */
        G.count = (uint32_t)cnt;
        st = nd_vec_push(&d->groups, &d->alloc, &G);
    }
done:
    nd_free(&d->alloc, up);
    nd_free(&d->alloc, next);
    nd_free(&d->alloc, last);
    nd_free(&d->alloc, weak);
    nd_free(&d->alloc, para);
    nd_free(&d->alloc, stamp);
    nd_free(&d->alloc, sstamp);
    nd_free(&d->alloc, keys);
    return st;
}

/* ---- run ------------------------------------------------------------------------- */

nd_status nd_digest_run(nd_digest *d)
{
    ND_RETURN_IF(!d, ND_E_PARAM);
    d->detail[0] = 0;
    if (d->ran) {
        nd_detail_set(d->detail, "nd_digest_run twice: nd_digest_reset first");
        return ND_E_STATE;
    }
    /* what a failed run left */
    d->norm.len = d->words.len = d->sents.len = d->sword.len = d->pairs.len = 0;
    d->groups.len = d->members.len = d->quants.len = d->conflicts.len = d->items.len = 0;
    d->whats.len = d->names.len = d->aliases.len = d->evidence.len = 0;
    nd_status st = ND_OK;
    const size_t D = d->docs.len;
    uint32_t *dfirst = nd_malloc(&d->alloc, (D + 1) * sizeof *dfirst);
    uint32_t *srcs = nd_malloc(&d->alloc, (D ? D : 1) * sizeof *srcs);
    if (!dfirst || !srcs) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < D; i++)
        srcs[i] = ND_VEC_AT(&d->docs, nd_digest_doc, i).source;
    qsort(srcs, D, sizeof *srcs, cmp_u32v);
    d->nsources = 0;
    for (size_t i = 0; i < D; i++)
        d->nsources += i == 0 || srcs[i] != srcs[i - 1];
    for (uint32_t i = 0; i < D; i++) {
        dfirst[i] = (uint32_t)d->sents.len;
        ND_TRY(read_doc(d, i));
    }
    dfirst[D] = (uint32_t)d->sents.len;
    {
        const uint32_t wend = (uint32_t)d->words.len;
        ND_TRY(nd_vec_push(&d->sword, &d->alloc, &wend));
    }
    ND_TRY(verbatim_pairs(d, dfirst));
    ND_TRY(similar_pairs(d));
    ND_TRY(make_groups(d));
    ND_TRY(dg_quantities(d));
    ND_TRY(dg_conflicts(d));
    ND_TRY(dg_aliases(d));
    d->ran = 1;
    nd_free(&d->alloc, dfirst);
    nd_free(&d->alloc, srcs);
    return ND_OK;
fail:
    nd_free(&d->alloc, dfirst);
    nd_free(&d->alloc, srcs);
    if (!d->detail[0])
        nd_detail_set(d->detail, "digest of %zu documents: %s", D, nd_strerror(st));
    return st;
}

nd_status nd_digest_get(const nd_digest *d, nd_digest_result *out)
{
    ND_RETURN_IF(!d || !out, ND_E_PARAM);
    if (!d->ran)
        return ND_E_STATE;
    memset(out, 0, sizeof *out);
    out->sentences = d->sents.data;
    out->nsentences = d->sents.len;
    out->groups = d->groups.data;
    out->ngroups = d->groups.len;
    out->members = d->members.data;
    out->quantities = d->quants.data;
    out->nquantities = d->quants.len;
    out->conflicts = d->conflicts.data;
    out->nconflicts = d->conflicts.len;
    out->items = d->items.data;
    out->names = d->names.data;
    out->nnames = d->names.len;
    out->aliases = d->aliases.data;
    out->naliases = d->aliases.len;
    out->evidence = d->evidence.data;
    out->nevidence = d->evidence.len;
    out->sources = d->nsources;
    return ND_OK;
}

const char *nd_qkind_name(unsigned kind)
{
    static const char *const k[] = {"count", "money", "percent", "date", "time", "age"};
    return kind < sizeof k / sizeof k[0] ? k[kind] : "?";
}

const char *nd_alias_how_name(unsigned how)
{
    static const char *const k[] = {"defined", "acronym", "called", "title", "aligned"};
    return how < sizeof k / sizeof k[0] ? k[how] : "?";
}

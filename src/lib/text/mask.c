/*
 * mask.c - the values of a text (numbers, dates, names) and its template:
 * the text with every run of values masked.
 *
 * DESIGN
 *   Newswire re-issues templates: a rate notice, a price table, a dividend
 *   announcement, word for word but for the date, the amounts or the company.
 *   Two such texts agree once their values are masked; that is what the
 *   template hash of a text captures, so two documents with the same template
 *   hash and different texts are templates of each other (nd_dedup's
 *   ND_REL_TEMPLATE), whatever their resemblance.
 *
 *   A token is a value when
 *     - it holds a digit (amounts, dates, times, codes);
 *     - it is a month or weekday name (English, full or abbreviated) written
 *       with a capital;
 *     - it is a name: written with a capital where a capital says so (not
 *       first in a sentence or line, and not in a title line, where words are
 *       capitalised for the form's sake), or a capitalised word opening a
 *       sentence right before such a name ("Acme Industries said").
 *   A title line is a line of two or more words, three in five of them
 *   capitalised (a headline in title case, a line in capitals). Every
 *   decision reads the one text alone, in one pass over its words, so the
 *   hash is a function of it and costs little beside the tokeniser. What a
 *   word is (its case, a digit in it, a value or not) is data a branch
 *   cannot predict, so those tests are arithmetic: the digit test reads 16
 *   bytes and masks by length, line ends come from memchr, the template
 *   stream is written whatever the word and kept by advancing an index, and
 *   month names are looked up only past a three-letter prefix test. Under
 *   callgrind's branch simulation on 10 MB of the bench corpus this cut the
 *   mispredictions of nd_mask_values and nd_template_hash from 3.75 to 1.03
 *   million (dedup's task-clock on 100 MB: templates cost 245 ms over
 *   --templates off, from 400).
 *
 *   The template stream is the text's token hashes with each run of
 *   consecutive values replaced by one mask symbol (so "Acme Corp" and
 *   "Bolt Industries Inc" mask alike), hashed with XXH3-64. A text with fewer
 *   than ND_TEMPLATE_MIN_WORDS tokens outside values has no template (hash
 *   0): two short notes of a number each are not one report on a template.
 *
 *   Beside it, the values hash covers the values past the header block a
 *   mail or news message opens with: two texts of one template are two
 *   reports when their values there differ; a message re-sent with a new
 *   Message-ID and Date only is a copy.
 *
 *   nd_mask_items gives the stream itself, with each run's byte range and
 *   the hash of its values, for nd_worker_template_diff to say what differs.
 */
#include <utf8proc.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "nd_internal.h"

#define MASK_SYMBOL 0x6d61736b65642121ull  /* the hash that stands for a run */

/* The first code point of t[start..len), or -1. */
static int32_t first_cp(const char *t, size_t len, uint32_t start)
{
    if (start >= len)
        return -1;
    const unsigned char c = (unsigned char)t[start];
    if (c < 0x80)
        return c;
    utf8proc_int32_t cp;
    if (utf8proc_iterate((const utf8proc_uint8_t *)t + start, (utf8proc_ssize_t)(len - start),
                         &cp) <= 0)
        return -1;
    return cp;
}

int nd_capitalised(const char *t, size_t len, uint32_t start)
{
    const int32_t c = first_cp(t, len, start);
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LU;
}

/* Is the word at start written in lower case (first letter)? */
static int lower_case(const char *t, size_t len, uint32_t start)
{
    const int32_t c = first_cp(t, len, start);
    if (c < 0x80)
        return c >= 'a' && c <= 'z';
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

/* The bytes that end a sentence or a line for nd_sentence_start (a table:
 * one branch a byte of the gap, not six). */
static const uint8_t k_sentence_end[256] = {
    ['.'] = 1, ['!'] = 1, ['?'] = 1, ['\n'] = 1, [':'] = 1, ['"'] = 1,
};

int nd_sentence_start(const char *t, uint32_t prev_end, uint32_t start, int first)
{
    if (first)
        return 1;
    for (uint32_t i = prev_end; i < start; i++)
        if (k_sentence_end[(unsigned char)t[i]])
            return 1;
    return 0;
}

int nd_has_digit(const char *w, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (w[k] >= '0' && w[k] <= '9')
            return 1;
    return 0;
}

/* has_digit sixteen bytes at a time, where w[0..16) may be read whatever n
 * (a word inside the normalised buffer, with 16 bytes after its start): for
 * bytes below 0x80, (y | 0x80) - c keeps a byte's top bit iff it is >= c,
 * with no borrow between bytes (as tokenize.c's scan); the bytes past n are
 * masked out without a branch on n (a word's length is data: a branch on it
 * mispredicts). Little-endian hosts only; others use the reference
 * nd_has_digit, and test_mask holds the two equal. */
#define DG_H 0x8080808080808080ULL
#define DG_L 0x0101010101010101ULL
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint64_t digit_bytes(const char *w)
{
    uint64_t x;
    memcpy(&x, w, 8);
    const uint64_t y = (x & ~DG_H) | DG_H;
    return (y - DG_L * '0') & ~(y - DG_L * ('9' + 1)) & ~x & DG_H;
}

/* The bytes [0, n) of a word as a mask, all eight from n = 8 on (two shifts
 * of at most 32: 1 << 64 would be undefined, and 0 - 1 is the full mask). */
static inline uint64_t low_bytes(size_t n)
{
    const unsigned k = n < 8 ? (unsigned)n : 8;
    return (UINT64_C(1) << (4 * k) << (4 * k)) - 1;
}
#endif

static inline int has_digit16(const char *w, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const size_t n1 = n < 8 ? 0 : n - 8;
    const uint64_t d = (digit_bytes(w) & low_bytes(n)) | (digit_bytes(w + 8) & low_bytes(n1));
    if (n <= 16)
        return d != 0;
    return d != 0 || nd_has_digit(w + 16, n - 16);
#else
    return nd_has_digit(w, n);
#endif
}

int nd_has_digit16(const char *w, size_t n)
{
    return has_digit16(w, n);
}

/* A month or weekday name (nd_calendar_word), inlined where a text is masked. */
static inline int calendar_word(const char *w, size_t n)
{
    static const struct {
        const char *s;
        size_t n;
    } names[] = {
#define CW(x) {x, sizeof x - 1}
        CW("january"), CW("february"), CW("march"), CW("april"), CW("may"), CW("june"),
        CW("july"), CW("august"), CW("september"), CW("october"), CW("november"),
        CW("december"), CW("jan"), CW("feb"), CW("mar"), CW("apr"), CW("jun"), CW("jul"),
        CW("aug"), CW("sep"), CW("sept"), CW("oct"), CW("nov"), CW("dec"), CW("monday"),
        CW("tuesday"), CW("wednesday"), CW("thursday"), CW("friday"), CW("saturday"),
        CW("sunday"), CW("mon"), CW("tue"), CW("tues"), CW("wed"), CW("thu"), CW("thur"),
        CW("thurs"), CW("fri"), CW("sat"), CW("sun"),
#undef CW
    };
    if (n < 3 || n > 9)
        return 0;
    /* Most capitalised words are no such name: their first three letters
     * say so, tested without a branch a name. */
#define PF(a, b, c) ((unsigned)(a) | (unsigned)(b) << 8 | (unsigned)(c) << 16)
    const unsigned p = (unsigned char)w[0] | (unsigned)(unsigned char)w[1] << 8 |
                       (unsigned)(unsigned char)w[2] << 16;
    const int maybe =
        (p == PF('j', 'a', 'n')) | (p == PF('f', 'e', 'b')) | (p == PF('m', 'a', 'r')) |
        (p == PF('a', 'p', 'r')) | (p == PF('m', 'a', 'y')) | (p == PF('j', 'u', 'n')) |
        (p == PF('j', 'u', 'l')) | (p == PF('a', 'u', 'g')) | (p == PF('s', 'e', 'p')) |
        (p == PF('o', 'c', 't')) | (p == PF('n', 'o', 'v')) | (p == PF('d', 'e', 'c')) |
        (p == PF('m', 'o', 'n')) | (p == PF('t', 'u', 'e')) | (p == PF('w', 'e', 'd')) |
        (p == PF('t', 'h', 'u')) | (p == PF('f', 'r', 'i')) | (p == PF('s', 'a', 't')) |
        (p == PF('s', 'u', 'n'));
#undef PF
    if (!maybe)
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].n == n && names[i].s[0] == w[0] && memcmp(names[i].s, w, n) == 0)
            return 1;
    return 0;
}

int nd_calendar_word(const char *w, size_t n)
{
    return calendar_word(w, n);
}

void nd_mask_buf_init(nd_mask_buf *mb)
{
    nd_vec_init(&mb->is_value, 1, UINT32_MAX);
    nd_vec_init(&mb->stream, sizeof(uint64_t), UINT32_MAX);
}

void nd_mask_buf_free(nd_mask_buf *mb, const nd_alloc_ctx *a)
{
    nd_vec_free(&mb->is_value, a);
    nd_vec_free(&mb->stream, a);
}

/* A word's case, then (in the same byte) what it is: a plain word (0), a
 * value, a name, or a capital that says nothing by itself. */
enum { K_OTHER = 0, K_LOWER = 1, K_CAP = 2 };
enum { V_VALUE = 3, V_NAME = 4, V_CAP = 5 };

/* A line of words, caps of them capitalised, is a title line (DESIGN). */
static inline int title_rule(size_t words, size_t caps)
{
    return words >= 2 && caps * 5 >= words * 3;
}

/* The case of the word at start: its first letter's (ASCII without utf8proc). */
static uint8_t word_case(const char *t, size_t len, uint32_t start)
{
    const unsigned char c = (unsigned char)t[start];
    if (c < 0x80)
        return (uint8_t)(((unsigned)(c - 'a') < 26) * K_LOWER | ((unsigned)(c - 'A') < 26) * K_CAP);
    return nd_capitalised(t, len, start) ? K_CAP : lower_case(t, len, start) ? K_LOWER : K_OTHER;
}

int nd_title_line(const char *t, size_t len, const nd_token *tok, size_t nt)
{
    size_t words = 0, caps = 0;
    for (size_t i = 0; i < nt; i++) {
        const uint8_t wc = word_case(t, len, tok[i].start);
        words += wc != K_OTHER;
        caps += wc == K_CAP;
    }
    return title_rule(words, caps);
}

nd_status nd_mask_values(nd_mask_buf *mb, const nd_alloc_ctx *a, const char *t, size_t len,
                         const nd_token *tok, size_t nt, const char *norm,
                         const uint8_t **is_value)
{
    nd_status st;
    ND_TRY(nd_vec_reserve(&mb->is_value, a, nt + 1));
    uint8_t *val = mb->is_value.data;
    /* the first newline at or after the current word (words hold none; a
     * newline before the first word ends no line of words) */
    const char *nlp = nt ? memchr(t + tok[0].start, '\n', len - tok[0].start) : NULL;
    size_t next_nl = nlp ? (size_t)(nlp - t) : len;
    /* a word whose 16 bytes from its start lie inside the normalised buffer
     * (the tokens' last one ends with a space) */
    const char *wide_end = nt ? norm + tok[nt - 1].norm_off + tok[nt - 1].norm_len + 1 : norm;
    /* Line by line, one pass: the line's words' cases, then its values. */
    for (size_t li = 0; li < nt;) {
        size_t lj = li + 1, words = 0, caps = 0;
        for (;; lj++) {
            const uint8_t wc = word_case(t, len, tok[lj - 1].start);
            val[lj - 1] = wc;  /* the case for now */
            words += wc != K_OTHER;
            caps += wc == K_CAP;
            if (lj == nt)
                break;
            if (next_nl < tok[lj].start) { /* a newline before the next word */
                nlp = memchr(t + tok[lj].start, '\n', len - tok[lj].start);
                next_nl = nlp ? (size_t)(nlp - t) : len;
                break;
            }
        }
        const int title = title_rule(words, caps);
        for (size_t i = li; i < lj; i++) {
            const char *w = norm + tok[i].norm_off;
            const size_t n = tok[i].norm_len;
            const int cap = val[i] == K_CAP;
            const int digit = w + 16 <= wide_end ? has_digit16(w, n) : nd_has_digit(w, n);
            uint8_t v = digit ? V_VALUE : 0;
            if (!v && cap) {
                if (calendar_word(w, n))
                    v = V_VALUE;
                else if (!title && !nd_sentence_start(t, i ? tok[i - 1].end : 0, tok[i].start,
                                                      i == 0))
                    v = V_NAME;
                else
                    v = V_CAP;  /* a capital that says nothing (yet) */
            }
            val[i] = v;
        }
        li = lj;
    }
    /* A capitalised word opening a sentence right before a name (a space
     * apart) starts that name: "Acme Industries" opening a sentence. */
    for (size_t i = nt ? nt - 1 : 0; i-- > 0;) {
        if (((val[i] ^ V_CAP) | (val[i + 1] ^ V_NAME)) != 0)
            continue;
        int spaces = 1;
        for (uint32_t k = tok[i].end; k < tok[i + 1].start && spaces; k++)
            spaces = t[k] == ' ';
        if (spaces)
            val[i] = V_NAME;
    }
    for (size_t i = 0; i < nt; i++)
        val[i] = val[i] == V_VALUE || val[i] == V_NAME;
    *is_value = val;
    return ND_OK;
fail:
    return st;
}

nd_status nd_mask_items(const nd_alloc_ctx *a, const nd_token *tok, size_t nt,
                        const uint8_t *val, size_t body, nd_vec *items, size_t *words)
{
    nd_status st = ND_OK;
    size_t plain = 0;
    items->len = 0;
    for (size_t i = 0; i < nt;) {
        nd_mask_item it;
        if (!val[i]) {
            it.hash = tok[i].hash;
            it.start = tok[i].start;
            it.end = tok[i].end;
            it.is_value = 0;
            plain++;
            i++;
        } else {
            uint64_t h = MASK_SYMBOL;
            it.start = tok[i].start;
            const int head = tok[i].start < body;
            /* a run stops at the header block's end: transport, then report */
            for (; i < nt && val[i] && (tok[i].start < body) == head; i++) {
                h = XXH3_64bits_withSeed(&tok[i].hash, sizeof tok[i].hash, h);
                it.end = tok[i].end;
            }
            it.hash = h;
            it.is_value = it.start < body ? 2 : 1;
        }
        ND_TRY(nd_vec_push(items, a, &it));
    }
    *words = plain;
fail:
    return st;
}

nd_status nd_template_hash(nd_mask_buf *mb, const nd_alloc_ctx *a, const char *t, size_t len,
                           const nd_token *tok, size_t nt, const uint8_t *val, uint64_t *out,
                           uint64_t *values)
{
    nd_status st;
    *out = *values = 0;
    ND_TRY(nd_vec_reserve(&mb->stream, a, nt + 1));
    uint64_t *s = mb->stream.data;
    size_t m = 0, plain = 0;
    /* written whatever the word, kept (m advanced) when plain or first of a
     * run of values: no branch on what a word is */
    for (size_t i = 0; i < nt; i++) {
        const size_t is_val = val[i], prev_val = i ? val[i - 1] : 0;
        const uint64_t mk = (uint64_t)0 - is_val; /* all ones for a value */
        s[m] = (MASK_SYMBOL & mk) | (tok[i].hash & ~mk);
        m += !is_val | !prev_val;
        plain += !is_val;
    }
    if (plain < ND_TEMPLATE_MIN_WORDS)
        return ND_OK;
    const uint64_t h = XXH3_64bits(s, m * sizeof *s);
    *out = h ? h : 1;
    /* the values past a mail header block: what makes another report (a
     * message re-sent with a new Message-ID and Date is a copy) */
    const size_t body = nd_header_block_end(t, len);
    m = 0;
    for (size_t i = 0; i < nt; i++) {
        s[m] = tok[i].hash;
        m += val[i] & (tok[i].start >= body);
    }
    *values = XXH3_64bits(s, m * sizeof *s);
    return ND_OK;
fail:
    return st;
}

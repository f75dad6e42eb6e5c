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
 *   hash is a function of it and costs little beside the tokeniser.
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

int nd_sentence_start(const char *t, uint32_t prev_end, uint32_t start, int first)
{
    if (first)
        return 1;
    for (uint32_t i = prev_end; i < start; i++)
        if (t[i] == '.' || t[i] == '!' || t[i] == '?' || t[i] == '\n' || t[i] == ':' ||
            t[i] == '"')
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

/* has_digit eight bytes at a time, where w[0..8) may be read whatever n
 * (a word inside the normalised buffer, not its last): for bytes below 0x80,
 * (y | 0x80) - c keeps a byte's top bit iff it is >= c, with no borrow
 * between bytes (as tokenize.c's scan). Little-endian hosts only; others use
 * the reference nd_has_digit, and test_mask holds the two equal. */
#define DG_H 0x8080808080808080ULL
#define DG_L 0x0101010101010101ULL
int nd_has_digit8(const char *w, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n <= 8) {
        uint64_t x;
        memcpy(&x, w, 8);
        const uint64_t y = (x & ~DG_H) | DG_H;
        const uint64_t d = (y - DG_L * '0') & ~(y - DG_L * ('9' + 1)) & ~x & DG_H;
        return (d & (n == 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * n)) - 1)) != 0;
    }
#endif
    return nd_has_digit(w, n);
}

/* A month or weekday name, full or abbreviated (normalised: lower case). */
static int calendar_word(const char *w, size_t n)
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
    if (n < 3 || n > 9 || !strchr("jfmasondtw", w[0]))
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].n == n && names[i].s[0] == w[0] && memcmp(names[i].s, w, n) == 0)
            return 1;
    return 0;
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

/* The case of the word at start: its first letter's (ASCII without utf8proc). */
static uint8_t word_case(const char *t, size_t len, uint32_t start)
{
    const unsigned char c = (unsigned char)t[start];
    if (c < 0x80)
        return c >= 'a' && c <= 'z' ? K_LOWER : c >= 'A' && c <= 'Z' ? K_CAP : K_OTHER;
    return nd_capitalised(t, len, start) ? K_CAP : lower_case(t, len, start) ? K_LOWER : K_OTHER;
}

nd_status nd_mask_values(nd_mask_buf *mb, const nd_alloc_ctx *a, const char *t, size_t len,
                         const nd_token *tok, size_t nt, const char *norm,
                         const uint8_t **is_value)
{
    nd_status st;
    ND_TRY(nd_vec_reserve(&mb->is_value, a, nt + 1));
    uint8_t *val = mb->is_value.data;
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
            const uint32_t e = tok[lj - 1].end, b = tok[lj].start;
            int nl = 0;
            for (uint32_t k = e; k < b && !nl; k++)
                nl = t[k] == '\n';
            if (nl)
                break;
        }
        const int title = words >= 2 && caps * 5 >= words * 3;
        for (size_t i = li; i < lj; i++) {
            const char *w = norm + tok[i].norm_off;
            const size_t n = tok[i].norm_len;
            const int cap = val[i] == K_CAP;
            const int digit = i + 1 < nt && w + 8 <= norm + tok[nt - 1].norm_off
                                  ? nd_has_digit8(w, n) : nd_has_digit(w, n);
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
        if (val[i] != V_CAP || val[i + 1] != V_NAME)
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
    for (size_t i = 0; i < nt; i++) {
        if (!val[i]) {
            s[m++] = tok[i].hash;
            plain++;
        } else if (i == 0 || !val[i - 1]) {
            s[m++] = MASK_SYMBOL;
        }
    }
    if (plain < ND_TEMPLATE_MIN_WORDS)
        return ND_OK;
    const uint64_t h = XXH3_64bits(s, m * sizeof *s);
    *out = h ? h : 1;
    /* the values past a mail header block: what makes another report (a
     * message re-sent with a new Message-ID and Date is a copy) */
    const size_t body = nd_header_block_end(t, len);
    m = 0;
    for (size_t i = 0; i < nt; i++)
        if (val[i] && tok[i].start >= body)
            s[m++] = tok[i].hash;
    *values = XXH3_64bits(s, m * sizeof *s);
    return ND_OK;
fail:
    return st;
}

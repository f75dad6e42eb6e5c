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
 *     - it is a name: written with a capital, once at least where a capital
 *       says so (not first in a sentence or line, not in a title line, where
 *       words are capitalised for the form's sake), and nowhere in lower case
 *       in the same text. "Police" opening a sentence is a name only if the
 *       text never says "police"; "Acme" is one when some sentence names it
 *       mid-way, or when it opens a name ("Acme Industries", a space before
 *       a name) and is never written in lower case.
 *   A title line is a line of two or more words, three in five of them
 *   capitalised (a headline in title case, a line in capitals). Every
 *   decision reads the one text alone, so the hash is a function of it.
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

static int has_digit(const char *w, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (w[k] >= '0' && w[k] <= '9')
            return 1;
    return 0;
}

/* A month or weekday name, full or abbreviated (normalised: lower case). */
static int calendar_word(const char *w, size_t n)
{
    static const char *const names[] = {
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
        "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed", "thu",
        "thur", "thurs", "fri", "sat", "sun"};
    if (n < 3 || n > 9)
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == n && memcmp(names[i], w, n) == 0)
            return 1;
    return 0;
}

void nd_mask_buf_init(nd_mask_buf *mb)
{
    nd_vec_init(&mb->is_value, 1, UINT32_MAX);
    nd_vec_init(&mb->keys, sizeof(uint64_t), UINT32_MAX);
    nd_vec_init(&mb->flags, 1, UINT32_MAX);
    nd_vec_init(&mb->stream, sizeof(uint64_t), UINT32_MAX);
}

void nd_mask_buf_free(nd_mask_buf *mb, const nd_alloc_ctx *a)
{
    nd_vec_free(&mb->is_value, a);
    nd_vec_free(&mb->keys, a);
    nd_vec_free(&mb->flags, a);
    nd_vec_free(&mb->stream, a);
}

enum { F_LOWER = 1, F_NAME = 2 };

/* The slot of key (never 0) in the open-addressing table of mask - 1 slots. */
static size_t slot_of(const uint64_t *keys, size_t mask, uint64_t key)
{
    size_t i = (size_t)(key ^ (key >> 29)) & mask;
    while (keys[i] && keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

static uint64_t word_key(const nd_token *t)
{
    return t->hash ? t->hash : 1;
}

nd_status nd_mask_values(nd_mask_buf *mb, const nd_alloc_ctx *a, const char *t, size_t len,
                         const nd_token *tok, size_t nt, const char *norm,
                         const uint8_t **is_value)
{
    nd_status st;
    ND_TRY(nd_vec_reserve(&mb->is_value, a, nt + 1));
    uint8_t *val = mb->is_value.data;
    size_t cap = 16;
    while (cap < 2 * nt)
        cap *= 2;
    ND_TRY(nd_vec_reserve(&mb->keys, a, cap));
    ND_TRY(nd_vec_reserve(&mb->flags, a, cap));
    uint64_t *keys = mb->keys.data;
    uint8_t *fl = mb->flags.data;
    memset(keys, 0, cap * sizeof *keys);
    memset(fl, 0, cap);
    /* Evidence, line by line: lower-case uses anywhere, capitals where they
     * say "name" (not first in a sentence, not in a title line). */
    for (size_t li = 0; li < nt;) {
        size_t lj = li + 1;
        while (lj < nt && !memchr(t + tok[lj - 1].end, '\n', tok[lj].start - tok[lj - 1].end))
            lj++;
        size_t words = 0, caps = 0;
        for (size_t i = li; i < lj; i++) {
            const int cap_w = nd_capitalised(t, len, tok[i].start);
            words += cap_w || lower_case(t, len, tok[i].start);
            caps += cap_w;
        }
        const int title = words >= 2 && caps * 5 >= words * 3;
        for (size_t i = li; i < lj; i++) {
            const size_t s = slot_of(keys, cap - 1, word_key(&tok[i]));
            if (lower_case(t, len, tok[i].start)) {
                keys[s] = word_key(&tok[i]);
                fl[s] |= F_LOWER;
            } else if (!title && nd_capitalised(t, len, tok[i].start) &&
                       !nd_sentence_start(t, i ? tok[i - 1].end : 0, tok[i].start, i == 0)) {
                keys[s] = word_key(&tok[i]);
                fl[s] |= F_NAME;
            }
        }
        li = lj;
    }
    for (size_t i = 0; i < nt; i++) {
        const char *w = norm + tok[i].norm_off;
        const size_t n = tok[i].norm_len;
        int v = has_digit(w, n);
        if (!v && nd_capitalised(t, len, tok[i].start)) {
            const size_t s = slot_of(keys, cap - 1, word_key(&tok[i]));
            v = calendar_word(w, n) ? 1 : keys[s] && fl[s] == F_NAME ? 2 : 0;
        }
        val[i] = (uint8_t)v;
    }
    /* A capitalised word opening a sentence right before a name (a space
     * apart), never written in lower case, starts that name: "Acme
     * Industries" opening a sentence. */
    for (size_t i = nt ? nt - 1 : 0; i-- > 0;) {
        if (val[i] || val[i + 1] != 2 || !nd_capitalised(t, len, tok[i].start) ||
            !nd_sentence_start(t, i ? tok[i - 1].end : 0, tok[i].start, i == 0))
            continue;
        int spaces = 1;
        for (uint32_t k = tok[i].end; k < tok[i + 1].start && spaces; k++)
            spaces = t[k] == ' ';
        const size_t s = slot_of(keys, cap - 1, word_key(&tok[i]));
        if (spaces && !(keys[s] && (fl[s] & F_LOWER)))
            val[i] = 2;
    }
    for (size_t i = 0; i < nt; i++)
        val[i] = val[i] != 0;
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
            for (; i < nt && val[i]; i++) {
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

/*
 * tokenize.c - the one normalisation and tokenisation every stage shares.
 *
 * DESIGN
 *   Tokens are found on the ORIGINAL bytes, then each token is normalised on
 *   its own. This keeps an exact map from every token to its byte range in the
 *   original text (later stages report passages as byte offsets), which
 *   normalising the whole text first would lose.
 *
 *   Classes of code points (Unicode general category, via utf8proc):
 *     word       letters (L*), numbers (N*), marks (M*)        -> part of a word
 *     per-char   letters of Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar:
 *                one token each, with the combining marks that follow
 *     ignorable  format characters (Cf) other than U+200B: kept inside a word
 *                and dropped by normalisation (soft hyphen, ZWJ, ...)
 *     separator  everything else: spaces, punctuation, symbols, U+200B, and
 *                every byte of invalid UTF-8 (read as U+FFFD, a symbol)
 *
 *   A token is normalised with NFKC and Unicode case folding (utf8proc:
 *   STABLE|COMPOSE|COMPAT|CASEFOLD|IGNORE); ASCII punctuation that
 *   compatibility decomposition brings in (U+2474 -> "(1)") is dropped. A
 *   token that normalises to nothing is dropped. The normalised buffer holds
 *   the tokens in order, each followed by one space: it is the normalised
 *   text that the exact hash covers.
 *
 *   Fast path: a token of ASCII bytes only is normalised by lowercasing, which
 *   is exactly what NFKC + case folding does to ASCII letters and digits. The
 *   tests run both paths over the same text and require identical output.
 *
 *   Normalised text alone (nd_text_normalize, for exact copies): the same
 *   buffer without tokens or token hashes. ASCII text is written sixteen
 *   bytes at a time (SSSE3, picked at run time; a byte loop as reference and
 *   for the tail), with no branch on the word boundaries; from a byte >= 0x80 the text
 *   up to the next ASCII separator (where no word can be open) goes through
 *   the tokeniser's own loop, so both give the same bytes (tests compare).
 */
#include <utf8proc.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "nd_internal.h"

enum { C_SEP = 0, C_WORD = 1, C_CHAR = 2, C_IGNORE = 3, C_MARK = 4 };

/* Scripts written without spaces: one token per character. */
static int per_char_script(int32_t c)
{
    return (c >= 0x0E00 && c <= 0x0EFF)        /* Thai, Lao */
        || (c >= 0x1000 && c <= 0x109F)        /* Myanmar */
        || (c >= 0x1780 && c <= 0x17FF)        /* Khmer */
        || (c >= 0x19E0 && c <= 0x19FF)        /* Khmer symbols */
        || (c >= 0x3040 && c <= 0x30FF)        /* Hiragana, Katakana */
        || (c >= 0x31F0 && c <= 0x31FF)        /* Katakana phonetic extensions */
        || (c >= 0x3400 && c <= 0x4DBF)        /* CJK extension A */
        || (c >= 0x4E00 && c <= 0x9FFF)        /* CJK unified ideographs */
        || (c >= 0xA9E0 && c <= 0xA9FF)        /* Myanmar extended B */
        || (c >= 0xAA60 && c <= 0xAA7F)        /* Myanmar extended A */
        || (c >= 0xF900 && c <= 0xFAFF)        /* CJK compatibility ideographs */
        || (c >= 0xFF66 && c <= 0xFF9D)        /* halfwidth Katakana */
        || (c >= 0x1B000 && c <= 0x1B16F)      /* Kana supplement, extended */
        || (c >= 0x20000 && c <= 0x3134F);     /* CJK extensions B-G, compat supplement */
}

static int classify(int32_t c)
{
    if (c == 0xFF9E || c == 0xFF9F)  /* halfwidth (semi-)voiced sound marks combine */
        return C_MARK;
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_ND:
        return per_char_script(c) ? C_CHAR : C_WORD;
    case UTF8PROC_CATEGORY_CF:
        return c == 0x200B ? C_SEP : C_IGNORE;
    default:
        return C_SEP;
    }
}

static const unsigned char k_ascii_word[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
};

uint64_t nd_token_hash(const char *norm, size_t len)
{
    return XXH3_64bits(norm, len);
}

/* Eight bytes at a time (SWAR), the ends of ASCII runs are found without a
 * branch a byte: a byte loop mispredicts its exit once a word, which cost
 * more than the rest of the tokeniser. For bytes below 0x80, (y | 0x80) - c
 * keeps a byte's top bit iff it is >= c, with no borrow between bytes, so
 * two such tests bound a range; letters are tested in lower case (| 0x20
 * maps no other byte into 'a'..'z'). The result has the top bit of every
 * byte that is an ASCII letter or digit (k_ascii_word). Little-endian hosts
 * take the first such byte with a trailing-zero count; others use the byte
 * loop only, as does force_slow, so the tests compare the two scans too. */
#define SW_H 0x8080808080808080ULL
#define SW_L 0x0101010101010101ULL
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SW_FAST 1
#else
#define SW_FAST 0
#endif

static inline uint64_t swar_word(uint64_t x)
{
    const uint64_t y = (x & ~SW_H) | SW_H;
    const uint64_t z = y | (SW_L * 0x20);
    const uint64_t digit = (y - SW_L * '0') & ~(y - SW_L * ('9' + 1));
    const uint64_t alpha = (z - SW_L * 'a') & ~(z - SW_L * ('z' + 1));
    return (digit | alpha) & ~x & SW_H;
}

/* First index >= i that is not an ASCII letter or digit (or len). */
static inline size_t ascii_word_end(const unsigned char *p, size_t i, size_t len, int slow)
{
    if (SW_FAST && !slow)
        for (; i + 8 <= len; i += 8) {
            uint64_t x;
            memcpy(&x, p + i, 8);
            const uint64_t stop = ~swar_word(x) & SW_H;
            if (stop)
                return i + ((size_t)__builtin_ctzll(stop) >> 3);
        }
    while (i < len && k_ascii_word[p[i]])
        i++;
    return i;
}

/* First index >= i that is an ASCII letter or digit, or not ASCII (or len). */
static inline size_t ascii_sep_end(const unsigned char *p, size_t i, size_t len, int slow)
{
    if (SW_FAST && !slow)
        for (; i + 8 <= len; i += 8) {
            uint64_t x;
            memcpy(&x, p + i, 8);
            const uint64_t stop = swar_word(x) | (x & SW_H);
            if (stop)
                return i + ((size_t)__builtin_ctzll(stop) >> 3);
        }
    while (i < len && p[i] < 0x80 && !k_ascii_word[p[i]])
        i++;
    return i;
}

/* Appends the lowercased ASCII token text[s, e) (never empty), the space
 * after it, and its token. Inlined into the scanning loop: this runs once a
 * word. */
static inline __attribute__((always_inline)) nd_status
emit_ascii(nd_text_buf *tb, const nd_alloc_ctx *a, const char *text, size_t len, size_t s,
           size_t e)
{
    nd_status st;
    const size_t off = tb->norm.len, n = e - s;
    /* Room for the token, the space after it, and the last 8-byte store
     * running past the token (those bytes are overwritten or unused). */
    if (off + n + 8 > tb->norm.cap)
        ND_TRY(nd_vec_reserve(&tb->norm, a, off + n + 8));
    if (tb->tokens.len == tb->tokens.cap)
        ND_TRY(nd_vec_reserve(&tb->tokens, a, tb->tokens.len + 1));
    if (off + n + 1 > UINT32_MAX)
        return ND_E_LIMIT;
    char *out = (char *)tb->norm.data + off;
    size_t i = s;
    /* Eight bytes at a time (SWAR): for a byte below 0x80, adding 0x3F sets
     * its top bit iff it is >= 'A' and adding 0x25 iff it is > 'Z', with no
     * carry between bytes; their difference marks 'A'..'Z', whose 0x20 bit is
     * clear: OR it in. A load may read past the token (never past the text):
     * those bytes (masked out when >= 0x80) land past the token's end, where
     * the space and the next token overwrite them. */
    for (; i < e && i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, text + i, 8);
        const uint64_t lo7 = x & 0x7F7F7F7F7F7F7F7FULL;
        const uint64_t upper = ((lo7 + 0x3F3F3F3F3F3F3F3FULL) ^ (lo7 + 0x2525252525252525ULL)) &
                               ~x & 0x8080808080808080ULL;
        x |= upper >> 2;
        memcpy(out + (i - s), &x, 8);
    }
    for (; i < e; i++) {
        const unsigned char c = (unsigned char)text[i];
        out[i - s] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[n] = ' ';
    nd_token *t = (nd_token *)tb->tokens.data + tb->tokens.len++;
    t->start = (uint32_t)s;
    t->end = (uint32_t)e;
    t->norm_off = (uint32_t)off;
    t->norm_len = (uint32_t)n;
    t->hash = nd_token_hash(out, n);
    tb->norm.len = off + n + 1;
    return ND_OK;
fail:
    return st;
}

/* Appends the normalised form (NFKC, case folded) of the token text[s, e)
 * to tb->norm and a token for it, unless it normalises to nothing. */
static nd_status emit(nd_text_buf *tb, const nd_alloc_ctx *a, const char *text, size_t s,
                      size_t e)
{
    nd_status st;
    const size_t off = tb->norm.len;
    const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                  UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
    const uint8_t *src = (const uint8_t *)text + s;
    utf8proc_ssize_t n;
    for (;;) {
        n = utf8proc_decompose(src, (utf8proc_ssize_t)(e - s),
                               (utf8proc_int32_t *)tb->cps.data,
                               (utf8proc_ssize_t)tb->cps.cap, opt);
        if (n < 0)
            return ND_E_INPUT;  /* cannot happen: tokens hold valid UTF-8 only */
        if ((size_t)n <= tb->cps.cap)
            break;
        ND_TRY(nd_vec_reserve(&tb->cps, a, (size_t)n));
    }
    if (n == 0)
        return ND_OK;
    n = utf8proc_reencode((utf8proc_int32_t *)tb->cps.data, n, opt);
    if (n < 0)
        return ND_E_INPUT;
    ND_TRY(nd_vec_reserve(&tb->norm, a, off + (size_t)n));
    const char *src8 = (const char *)tb->cps.data;
    char *out = (char *)tb->norm.data + off;
    size_t k = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)src8[i];
        if (c >= 0x80 || k_ascii_word[c])
            out[k++] = (char)c;
    }
    tb->norm.len += k;
    const size_t nlen = tb->norm.len - off;
    if (nlen == 0)
        return ND_OK;
    if (tb->norm.len > UINT32_MAX)
        return ND_E_LIMIT;
    nd_token t;
    t.start = (uint32_t)s;
    t.end = (uint32_t)e;
    t.norm_off = (uint32_t)off;
    t.norm_len = (uint32_t)nlen;
    t.hash = nd_token_hash((const char *)tb->norm.data + off, nlen);
    /* nd_vec_push, inlined for the two fixed item sizes (hot: once a token). */
    if (tb->tokens.len == tb->tokens.cap)
        ND_TRY(nd_vec_reserve(&tb->tokens, a, tb->tokens.len + 1));
    ((nd_token *)tb->tokens.data)[tb->tokens.len++] = t;
    /* One space after each token: the buffer reads as the normalised text. */
    if (tb->norm.len == tb->norm.cap)
        ND_TRY(nd_vec_reserve(&tb->norm, a, tb->norm.len + 1));
    ((char *)tb->norm.data)[tb->norm.len++] = ' ';
    return ND_OK;
fail:
    return st;
}

/* Emits the open word text[s, e): ASCII-only words take the inline path. */
static inline __attribute__((always_inline)) nd_status
close_word(nd_text_buf *tb, const nd_alloc_ctx *a, const char *text, size_t len, size_t s,
           size_t e, int ascii)
{
    return ascii ? emit_ascii(tb, a, text, len, s, e) : emit(tb, a, text, s, e);
}

/* Appends the tokens of text[from, to) to tb, as if the text ended at to:
 * from must be where no word is open (the start, or just after an ASCII
 * separator), and to the end or an ASCII separator (which closes every
 * word), so the range tokenises as it does inside the whole text. Reads
 * up to len (8-byte loads of emit_ascii). */
static nd_status tokenize_range(nd_text_buf *tb, const nd_alloc_ctx *a, const char *text,
                                size_t len, size_t from, size_t to, int force_slow)
{
    nd_status st = ND_OK;
    const unsigned char *p = (const unsigned char *)text;
    size_t i = from;
    size_t start = 0;       /* start of the open word */
    int open = 0;           /* a word is open */
    int ascii = 1;          /* the open word is ASCII only */
    while (i < to) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            if (k_ascii_word[c]) {
                if (!open) {
                    open = 1;
                    start = i;
                    ascii = !force_slow;
                }
                /* The rest of the ASCII run of word bytes. */
                i = ascii_word_end(p, i + 1, to, force_slow);
                if (i < to && p[i] < 0x80) {
                    /* an ASCII separator ends the word: closed, and the
                     * separators after it skipped, in this same turn (the
                     * next turn then starts on a word, as most do: a branch
                     * the processor guesses) */
                    ND_TRY(close_word(tb, a, text, len, start, i, ascii));
                    open = 0;
                    i = ascii_sep_end(p, i + 1, to, force_slow);
                }
                continue;
            } else if (open) {
                ND_TRY(close_word(tb, a, text, len, start, i, ascii));
                open = 0;
            }
            /* This separator and the ASCII separators after it. */
            i = ascii_sep_end(p, i + 1, to, force_slow);
            continue;
        }
        utf8proc_int32_t cp;
        const utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(to - i), &cp);
        if (n <= 0) {  /* invalid UTF-8: one byte, read as U+FFFD, a separator */
            tb->invalid_bytes++;
            if (open) {
                ND_TRY(close_word(tb, a, text, len, start, i, ascii));
                open = 0;
            }
            i++;
            continue;
        }
        const int cls = classify(cp);
        if (cls == C_WORD || cls == C_MARK || (cls == C_IGNORE && open)) {
            if (!open) {
                open = 1;
                start = i;
            }
            ascii = 0;
            i += (size_t)n;
        } else if (cls == C_CHAR) {
            if (open)
                ND_TRY(close_word(tb, a, text, len, start, i, ascii));
            open = 0;
            const size_t s = i;
            i += (size_t)n;
            /* Attach the combining marks (and ignorables) that follow. */
            while (i < to && p[i] >= 0x80) {
                utf8proc_int32_t m;
                const utf8proc_ssize_t k =
                    utf8proc_iterate(p + i, (utf8proc_ssize_t)(to - i), &m);
                if (k <= 0)
                    break;
                const int mc = classify(m);
                if (mc != C_MARK && mc != C_IGNORE)
                    break;
                i += (size_t)k;
            }
            ND_TRY(emit(tb, a, text, s, i));
        } else {
            if (open)
                ND_TRY(close_word(tb, a, text, len, start, i, ascii));
            open = 0;
            i += (size_t)n;
        }
    }
    if (open)
        ND_TRY(close_word(tb, a, text, len, start, to, ascii));
    return ND_OK;
fail:
    return st;
}

/* Empties tb for a text of len bytes. */
static nd_status text_reset(nd_text_buf *tb, const nd_alloc_ctx *a, size_t len)
{
    tb->tokens.len = 0;
    tb->norm.len = 0;
    tb->invalid_bytes = 0;
    if (len >= UINT32_MAX)
        return ND_E_LIMIT;
    return tb->cps.cap < 64 ? nd_vec_reserve(&tb->cps, a, 64) : ND_OK;
}

nd_status nd_text_tokenize(nd_text_buf *tb, const nd_alloc_ctx *a, const char *text,
                           size_t len, int force_slow)
{
    const nd_status st = text_reset(tb, a, len);
    return st != ND_OK ? st : tokenize_range(tb, a, text, len, 0, len, force_slow);
}

/* Lower-case form of an ASCII letter or digit, 0 for an ASCII separator, 1
 * for a byte >= 0x80 (not ASCII: the Unicode path). */
static const unsigned char k_norm_byte[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6',
    ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
    ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
    ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
    ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
    ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
#define ND_HI8(b) [b + 0] = 1, [b + 1] = 1, [b + 2] = 1, [b + 3] = 1, [b + 4] = 1, [b + 5] = 1, \
                  [b + 6] = 1, [b + 7] = 1
    ND_HI8(0x80), ND_HI8(0x88), ND_HI8(0x90), ND_HI8(0x98), ND_HI8(0xA0), ND_HI8(0xA8),
    ND_HI8(0xB0), ND_HI8(0xB8), ND_HI8(0xC0), ND_HI8(0xC8), ND_HI8(0xD0), ND_HI8(0xD8),
    ND_HI8(0xE0), ND_HI8(0xE8), ND_HI8(0xF0), ND_HI8(0xF8),
#undef ND_HI8
};

/* The normalising state across ASCII blocks. */
typedef struct norm_run {
    size_t k;      /* bytes written */
    size_t ntok;   /* words closed */
    unsigned prev; /* the last byte read was a word byte */
} norm_run;

/* The reference: normalises p[i, n) a byte at a time, up to the first byte
 * >= 0x80, into out (which has room for n - i bytes past nr->k). Every word
 * byte is written lower-cased and every separator as a space, which the
 * next byte overwrites unless it ends a word (nr->prev), so a word is
 * followed by exactly one space and separators before the first word write
 * none. Returns where it stopped (n or that byte). */
static size_t norm_ascii_scalar(const unsigned char *p, size_t i, size_t n, char *out,
                                norm_run *nr)
{
    size_t k = nr->k, ntok = nr->ntok;
    unsigned prev = nr->prev;
    for (; i < n; i++) {
        const unsigned v = k_norm_byte[p[i]];
        if (v == 1)
            break;
        const unsigned w = v != 0;
        out[k] = (char)(v | (0x20 & (0u - !w)));
        k += w | prev;
        ntok += prev & !w;
        prev = w;
    }
    nr->k = k;
    nr->ntok = ntok;
    nr->prev = prev;
    return i;
}

/* A kernel: norm_ascii_scalar's contract. */
typedef size_t (*norm_fn)(const unsigned char *, size_t, size_t, char *, norm_run *);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#include <pthread.h>

/* k_pack[m]: the pshufb indices that gather the bytes of an 8-byte lane whose
 * bits are set in m to its front. */
static uint64_t k_pack[256];
static pthread_once_t k_pack_once = PTHREAD_ONCE_INIT;

static void pack_init(void)
{
    for (unsigned m = 0; m < 256; m++) {
        uint64_t v = 0;
        unsigned j = 0;
        for (unsigned b = 0; b < 8; b++)
            if (m >> b & 1)
                v |= (uint64_t)b << (8 * j++);
        k_pack[m] = v;
    }
}

/* SSSE3: 16 bytes a step; word bytes found by range compares, the kept bytes
 * (word bytes and the separator after each word) packed with pshufb, 8 at a
 * time. The block holding a byte >= 0x80, and the tail, go to the scalar
 * loop, so both give the same bytes (tests/unit/test_text.c compares). */
__attribute__((target("ssse3,popcnt"))) static size_t
norm_ascii_ssse3(const unsigned char *p, size_t i, size_t n, char *out, norm_run *nr)
{
    size_t k = nr->k, ntok = nr->ntok;
    unsigned prev = nr->prev;
    const __m128i c20 = _mm_set1_epi8(0x20), ca = _mm_set1_epi8('a'), c0 = _mm_set1_epi8('0');
    const __m128i c25 = _mm_set1_epi8(25), c9 = _mm_set1_epi8(9);
    for (; i + 16 <= n; i += 16) {
        const __m128i x = _mm_loadu_si128((const __m128i *)(p + i));
        if (_mm_movemask_epi8(x))
            break;
        const __m128i lo = _mm_or_si128(x, c20);
        const __m128i da = _mm_sub_epi8(lo, ca), dd = _mm_sub_epi8(x, c0);
        const __m128i alpha = _mm_cmpeq_epi8(_mm_min_epu8(da, c25), da);
        const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(dd, c9), dd);
        const __m128i word = _mm_or_si128(alpha, digit);
        /* letters lower-cased, digits as they are, separators a space */
        const __m128i lower = _mm_or_si128(x, _mm_and_si128(alpha, c20));
        const __m128i v = _mm_or_si128(_mm_and_si128(word, lower), _mm_andnot_si128(word, c20));
        const unsigned m = (unsigned)_mm_movemask_epi8(word);
        const unsigned keep = (m | (m << 1) | prev) & 0xFFFF;
        ntok += (size_t)__builtin_popcount(keep & ~m);
        prev = m >> 15;
        const __m128i s0 = _mm_cvtsi64_si128((long long)k_pack[keep & 0xFF]);
        const __m128i s1 = _mm_cvtsi64_si128((long long)k_pack[keep >> 8]);
        const __m128i p0 = _mm_shuffle_epi8(v, s0);
        const __m128i p1 = _mm_shuffle_epi8(_mm_srli_si128(v, 8), s1);
        _mm_storel_epi64((__m128i *)(out + k), p0);
        k += (size_t)__builtin_popcount(keep & 0xFF);
        _mm_storel_epi64((__m128i *)(out + k), p1);
        k += (size_t)__builtin_popcount(keep >> 8);
    }
    nr->k = k;
    nr->ntok = ntok;
    nr->prev = prev;
    return norm_ascii_scalar(p, i, n, out, nr);
}

static norm_fn k_norm_fn;

static void norm_init(void)
{
    if (__builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt")) {
        pack_init();
        k_norm_fn = norm_ascii_ssse3;
    } else {
        k_norm_fn = norm_ascii_scalar;
    }
}

static norm_fn norm_pick(void)
{
    pthread_once(&k_pack_once, norm_init);
    return k_norm_fn;
}
#else
static norm_fn norm_pick(void)
{
    return norm_ascii_scalar;
}
#endif

/* Bytes a vector kernel may store past what it keeps. */
#define NORM_SLACK 16

nd_status nd_text_normalize(nd_text_buf *tb, const nd_alloc_ctx *a, const char *text,
                            size_t len, int force_scalar, size_t *num_tokens)
{
    nd_status st;
    *num_tokens = 0;
    ND_TRY(text_reset(tb, a, len));
    const unsigned char *p = (const unsigned char *)text;
    const norm_fn run = force_scalar ? norm_ascii_scalar : norm_pick();
    norm_run nr = {0, 0, 0};
    size_t i = 0;
    while (i < len) {
        ND_TRY(nd_vec_reserve(&tb->norm, a, tb->norm.len + (len - i) + 1 + NORM_SLACK));
        char *out = (char *)tb->norm.data;
        nr.k = tb->norm.len;
        nr.prev = 0;
        i = run(p, i, len, out, &nr);
        if (i == len) {
            if (nr.prev) {
                out[nr.k++] = ' ';
                nr.ntok++;
            }
            tb->norm.len = nr.k;
            break;
        }
        /* A byte >= 0x80 at i: the Unicode path takes the text from the start
         * of the open word (if any: its bytes, just written, are taken back)
         * to the next ASCII separator. */
        size_t from = i;
        while (nr.prev && from > 0 && k_ascii_word[p[from - 1]])
            from--;
        tb->norm.len = nr.k - (i - from);
        size_t to = i;
        while (to < len && (p[to] >= 0x80 || k_ascii_word[p[to]]))
            to++;
        const size_t before = tb->tokens.len;
        ND_TRY(tokenize_range(tb, a, text, len, from, to, 0));
        nr.ntok += tb->tokens.len - before;
        i = to;
    }
    if (tb->norm.len > UINT32_MAX)
        return ND_E_LIMIT;
    *num_tokens = nr.ntok;
    return ND_OK;
fail:
    return st;
}

void nd_text_buf_init(nd_text_buf *tb)
{
    memset(tb, 0, sizeof *tb);
    nd_vec_init(&tb->tokens, sizeof(nd_token), UINT32_MAX);
    nd_vec_init(&tb->norm, 1, UINT32_MAX);
    nd_vec_init(&tb->cps, sizeof(int32_t), UINT32_MAX / 4);
}

void nd_text_buf_free(nd_text_buf *tb, const nd_alloc_ctx *a)
{
    nd_vec_free(&tb->tokens, a);
    nd_vec_free(&tb->norm, a);
    nd_vec_free(&tb->cps, a);
}

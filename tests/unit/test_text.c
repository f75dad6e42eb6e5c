/*
 * test_text.c - the tokeniser: words, per-character scripts, normalisation,
 * byte offsets, invalid UTF-8, and agreement of the ASCII fast path with the
 * Unicode path. Randomised checks take --seed N (printed).
 */
#include <inttypes.h>

#include "nd_internal.h"
#include "nd_test.h"

static nd_alloc_ctx g_a;
static uint64_t g_seed = 20261123;

/* Tokenises s and returns the normalised tokens joined by '|'. */
static const char *toks(const char *s, int force_slow)
{
    static char out[4096];
    nd_text_buf tb;
    nd_text_buf_init(&tb);
    out[0] = '\0';
    if (nd_text_tokenize(&tb, &g_a, s, strlen(s), force_slow) != ND_OK) {
        strcpy(out, "<error>");
    } else {
        size_t k = 0;
        for (size_t i = 0; i < tb.tokens.len; i++) {
            const nd_token *t = &ND_VEC_AT(&tb.tokens, nd_token, i);
            if (i && k < sizeof out - 1)
                out[k++] = '|';
            for (uint32_t j = 0; j < t->norm_len && k < sizeof out - 1; j++)
                out[k++] = ((const char *)tb.norm.data)[t->norm_off + j];
        }
        out[k] = '\0';
    }
    nd_text_buf_free(&tb, &g_a);
    return out;
}

static void test_ascii_words(void)
{
    ND_CHECK(strcmp(toks("Hello, World!  It's 2023.", 0), "hello|world|it|s|2023") == 0);
    ND_CHECK(strcmp(toks("", 0), "") == 0);
    ND_CHECK(strcmp(toks("...!!!   ", 0), "") == 0);
    ND_CHECK(strcmp(toks("a_b-c/d", 0), "a|b|c|d") == 0);
    ND_CHECK(strcmp(toks("MEK\tMKO\nraid", 0), "mek|mko|raid") == 0);
}

static void test_unicode_normalisation(void)
{
    /* Case folding beyond ASCII, NFKC compatibility forms, ligatures. */
    ND_CHECK(strcmp(toks("Straße STRASSE", 0), "strasse|strasse") == 0);
    ND_CHECK(strcmp(toks("\xEF\xAC\x81nance", 0), "finance") == 0);            /* fi ligature */
    ND_CHECK(strcmp(toks("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", 0), "abc") == 0); /* fullwidth */
    /* Accents are kept (no mark stripping); final sigma folds to sigma. */
    ND_CHECK(strcmp(toks("ΛΌΓΟΣ", 0), "λόγοσ") == 0);
    ND_CHECK(strcmp(toks("ΚΑΛΗΜΈΡΑ", 0), "καλημέρα") == 0);
    /* Composed and decomposed forms normalise alike. */
    ND_CHECK(strcmp(toks("caf\xC3\xA9", 0), toks("cafe\xCC\x81", 0)) == 0);
    /* Curly quotes and dashes are separators. */
    ND_CHECK(strcmp(toks("\xE2\x80\x9CToday\xE2\x80\x99s\xE2\x80\x9D \xE2\x80\x94 x", 0),
                    "today|s|x") == 0);
    /* Soft hyphen inside a word is ignored, not a split. */
    ND_CHECK(strcmp(toks("co\xC2\xADoperate", 0), "cooperate") == 0);
    /* Cyrillic and Arabic words. */
    ND_CHECK(strcmp(toks("Привет, МИР", 0), "привет|мир") == 0);
    ND_CHECK(strcmp(toks("مرحبا بالعالم", 0), "مرحبا|بالعالم") == 0);
    /* Hangul is written with spaces: words. */
    ND_CHECK(strcmp(toks("안녕하세요 세계", 0), "안녕하세요|세계") == 0);
}

static void test_per_character_scripts(void)
{
    /* Han and Kana: one token per character; mixed with Latin words. */
    ND_CHECK(strcmp(toks("東京タワーとABC", 0), "東|京|タ|ワ|ー|と|abc") == 0);
    /* Thai: a character with its combining vowel mark stays one token. */
    ND_CHECK(strcmp(toks("\xE0\xB8\x81\xE0\xB8\xB4\xE0\xB8\x99", 0),   /* กิน */
                    "\xE0\xB8\x81\xE0\xB8\xB4|\xE0\xB8\x99") == 0);
    /* Halfwidth katakana with its voiced mark composes to one fullwidth token. */
    ND_CHECK(strcmp(toks("\xEF\xBD\xB6\xEF\xBE\x9E", 0), "\xE3\x82\xAC") == 0);  /* ｶﾞ -> ガ */
    /* Khmer, Lao, Myanmar letters are per-character too. */
    ND_CHECK(strcmp(toks("\xE1\x9E\x80\xE1\x9E\x81", 0), "\xE1\x9E\x80|\xE1\x9E\x81") == 0);
    ND_CHECK(strcmp(toks("\xE0\xBA\x81\xE0\xBA\x82", 0), "\xE0\xBA\x81|\xE0\xBA\x82") == 0);
    ND_CHECK(strcmp(toks("\xE1\x80\x80\xE1\x80\x81", 0), "\xE1\x80\x80|\xE1\x80\x81") == 0);
}

static void test_offsets_and_invalid_utf8(void)
{
    const char *s = "  Caf\xC3\xA9 \xFF\xFEnoir!\xE6\x9D\xB1 end";
    nd_text_buf tb;
    nd_text_buf_init(&tb);
    ND_CHECK(nd_text_tokenize(&tb, &g_a, s, strlen(s), 0) == ND_OK);
    ND_CHECK(tb.tokens.len == 4);
    ND_CHECK(tb.invalid_bytes == 2);
    const nd_token *t = tb.tokens.data;
    if (tb.tokens.len == 4) {
        ND_CHECK(t[0].start == 2 && t[0].end == 7);     /* Café */
        ND_CHECK(t[1].start == 10 && t[1].end == 14);   /* noir, after 2 invalid bytes */
        ND_CHECK(t[2].start == 15 && t[2].end == 18);   /* 東 */
        ND_CHECK(t[3].start == 19 && t[3].end == 22);   /* end */
        /* The normalised buffer reads as the normalised text. */
        ND_CHECK(tb.norm.len == strlen("café noir 東 end "));
        ND_CHECK(memcmp(tb.norm.data, "café noir 東 end ", tb.norm.len) == 0);
    }
    /* A truncated sequence at the very end is invalid, not read past. */
    ND_CHECK(nd_text_tokenize(&tb, &g_a, "ab\xE6\x9D", 4, 0) == ND_OK);
    ND_CHECK(tb.tokens.len == 1 && tb.invalid_bytes == 2);
    nd_text_buf_free(&tb, &g_a);
}

/* The ASCII fast path and the Unicode path agree on any ASCII text. */
/* Tokens with their byte ranges, "norm@start-end|...". */
static void toks_at(const char *s, size_t n, int force_slow, char *out, size_t cap)
{
    nd_text_buf tb;
    nd_text_buf_init(&tb);
    size_t k = 0;
    out[0] = '\0';
    if (nd_text_tokenize(&tb, &g_a, s, n, force_slow) != ND_OK) {
        snprintf(out, cap, "<error>");
    } else {
        for (size_t i = 0; i < tb.tokens.len && k + 64 < cap; i++) {
            const nd_token *t = &ND_VEC_AT(&tb.tokens, nd_token, i);
            k += (size_t)snprintf(out + k, cap - k, "%.*s@%u-%u|", (int)t->norm_len,
                                  (const char *)tb.norm.data + t->norm_off, t->start, t->end);
        }
        snprintf(out + k, cap - k, "#%zu", tb.invalid_bytes);
    }
    nd_text_buf_free(&tb, &g_a);
}

/* The 8-byte scans of ASCII runs agree with the byte loops (force_slow) on
 * every byte class boundary ('/' '0' '9' ':' '@' 'A' 'Z' '[' '`' 'a' 'z' '{'),
 * control bytes, UTF-8 letters and marks, CJK, and invalid bytes, at every
 * alignment: same tokens, same byte ranges. */
static void test_scan_agrees(void)
{
    static const char *const pieces[] = {
        "/", "0", "9", ":", "@", "A", "Z", "[", "`", "a", "z", "{", "\x7f", "\x01", " ",
        "\t", "\n", "word", "WORD", "x9", "\xc3\xa9", "e\xcc\x81", "\xe4\xb8\xad",
        "\xff", "\xc3", "\xe2\x80\x8b", "\xc2\xad", "longerwordthanEIGHTbytes", "..."};
    enum { NP = sizeof pieces / sizeof pieces[0] };
    uint64_t s = g_seed ^ 0x5CA4;
    char buf[600], a[8192], b[8192];
    int bad = 0;
    for (int iter = 0; iter < 3000 && !bad; iter++) {
        size_t n = 0;
        const size_t want = nd_splitmix64(&s) % 500;
        while (n < want) {
            const char *p = pieces[nd_splitmix64(&s) % NP];
            const size_t m = strlen(p);
            if (n + m >= sizeof buf)
                break;
            memcpy(buf + n, p, m);
            n += m;
        }
        toks_at(buf, n, 0, a, sizeof a);
        toks_at(buf, n, 1, b, sizeof b);
        if (strcmp(a, b) != 0) {
            bad = 1;
            ND_CHECK_MSG(0, "seed %" PRIu64 " iter %d: fast '%s' slow '%s'", g_seed, iter, a,
                         b);
        }
    }
    ND_CHECK(!bad);
}

static void test_fast_path_agrees(void)
{
    uint64_t s = g_seed;
    char buf[512];
    char fast[4096];
    for (int iter = 0; iter < 2000; iter++) {
        const size_t n = nd_splitmix64(&s) % (sizeof buf - 1);
        for (size_t i = 0; i < n; i++) {
            /* Mostly letters and digits, some punctuation and whitespace. */
            const uint64_t r = nd_splitmix64(&s);
            const char *pool = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                               "  \t\n.,;:'\"!?-_()[]{}<>/\\@#$%^&*+=|~`";
            buf[i] = pool[r % strlen(pool)];
        }
        buf[n] = '\0';
        strcpy(fast, toks(buf, 0));
        const char *slow = toks(buf, 1);
        ND_CHECK_MSG(strcmp(fast, slow) == 0, "seed %" PRIu64 " iter %d: '%s'", g_seed, iter,
                     buf);
        if (strcmp(fast, slow) != 0)
            break;
    }
}

/* nd_text_normalize (vector kernel and byte loop) writes the normalised text
 * that nd_text_tokenize writes, and counts its tokens, on texts of every byte
 * class at every alignment: long ASCII runs (the 16-byte blocks), UTF-8
 * letters and marks inside and between words, CJK, invalid bytes. */
static void test_normalize_agrees(void)
{
    static const char *const pieces[] = {
        "/", "0", "9", ":", "@", "A", "Z", "[", "`", "a", "z", "{", "\x7f", "\x01", " ",
        "\t", "\n", "word", "WORD", "x9", "\xc3\xa9", "e\xcc\x81", "\xe4\xb8\xad",
        "\xff", "\xc3", "\xe2\x80\x8b", "\xc2\xad", "longerwordthanEIGHTbytes", "...",
        "The quick brown Fox jumps over the lazy dog, 1234 times. ", "\xef\xbc\xa1",
        "\xe2\x91\xb4", "  \t\n  ", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"};
    enum { NP = sizeof pieces / sizeof pieces[0] };
    uint64_t s = g_seed ^ 0x40C3;
    char buf[1200];
    nd_text_buf ref, got;
    nd_text_buf_init(&ref);
    nd_text_buf_init(&got);
    int bad = 0;
    for (int iter = 0; iter < 4000 && !bad; iter++) {
        size_t n = 0;
        const size_t want = nd_splitmix64(&s) % 1000;
        /* one text in four is ASCII only */
        const int ascii = nd_splitmix64(&s) % 4 == 0;
        while (n < want) {
            const char *p = pieces[nd_splitmix64(&s) % NP];
            const size_t m = strlen(p);
            if (ascii && (unsigned char)p[0] >= 0x80)
                continue;
            if (n + m >= sizeof buf)
                break;
            memcpy(buf + n, p, m);
            n += m;
        }
        ND_CHECK(nd_text_tokenize(&ref, &g_a, buf, n, 0) == ND_OK);
        for (int scalar = 0; scalar < 2 && !bad; scalar++) {
            size_t nt = 0;
            ND_CHECK(nd_text_normalize(&got, &g_a, buf, n, scalar, &nt) == ND_OK);
            if (got.norm.len != ref.norm.len || nt != ref.tokens.len ||
                got.invalid_bytes != ref.invalid_bytes ||
                memcmp(got.norm.data, ref.norm.data, ref.norm.len) != 0) {
                bad = 1;
                ND_CHECK_MSG(0, "seed %" PRIu64 " iter %d scalar %d: %zu bytes, %zu tokens; "
                             "want %zu bytes, %zu tokens", g_seed, iter, scalar,
                             got.norm.len, nt, ref.norm.len, ref.tokens.len);
            }
        }
    }
    ND_CHECK(!bad);
    nd_text_buf_free(&ref, &g_a);
    nd_text_buf_free(&got, &g_a);
}

/* The public worker API: limits and borrowed results. */
static void test_worker_api(void)
{
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_MAX_DOC, 10) == ND_OK);
    nd_worker *w;
    ND_CHECK(nd_worker_create(&w, p, NULL) == ND_OK);
    const nd_token *t;
    size_t n;
    const char *norm;
    ND_CHECK(nd_worker_tokenize(w, "one two", 7, &t, &n, &norm) == ND_OK);
    ND_CHECK(n == 2 && memcmp(norm, "one two ", 8) == 0);
    ND_CHECK(nd_worker_tokenize(w, "one two three", 13, &t, &n, &norm) == ND_E_LIMIT);
    ND_CHECK(strstr(nd_worker_errdetail(w), "over the limit") != NULL);
    nd_worker_destroy(w);
    nd_worker_destroy(NULL);
    nd_params_destroy(p);
}

int main(int argc, char **argv)
{
    nd_alloc_init(&g_a, NULL);
    g_seed = nd_test_seed(argc, argv, g_seed);
    printf("test_text: seed %" PRIu64 "\n", g_seed);
    nd_test_begin(argc, argv);
    ND_RUN(test_ascii_words);
    ND_RUN(test_unicode_normalisation);
    ND_RUN(test_per_character_scripts);
    ND_RUN(test_offsets_and_invalid_utf8);
    ND_RUN(test_fast_path_agrees);
    ND_RUN(test_scan_agrees);
    ND_RUN(test_normalize_agrees);
    ND_RUN(test_worker_api);
    return nd_test_end("test_text");
}

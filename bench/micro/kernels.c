/*
 * kernels.c - micro-benchmark of the sketching kernels on a fixed input.
 *
 * DESIGN
 *   A seeded generator writes about 4 MB of English-like text (a Zipf-ranked
 *   vocabulary: English function words first, then made-up words; capitals,
 *   punctuation, numbers, paragraphs: about 6 bytes a token),
 *   and a variant in which some words carry accented letters, Greek or
 *   Cyrillic words, typographic quotes and dashes, and a few CJK runs. The
 *   text is cut into documents of 300 B to 12 KB at spaces. Each stage then
 *   runs over every document, stage after stage (the output of one is kept
 *   for the next), each document through one call of a `micro_*` function:
 *
 *     micro_tokenize       nd_text_tokenize: scan, normalise, token hashes
 *     micro_token_hash     nd_token_hash of every normalised token again
 *     micro_shingle_hash   nd_shingle_hashes (5-gram windows of token hashes)
 *     micro_sort_unique    nd_hashes_sort_unique of the shingle hashes
 *     micro_minhash_kperm  nd_minhash, KPERM, k = 128
 *     micro_minhash_oph    nd_minhash, OPH, k = 128
 *     micro_band_keys      nd_band_key for the default 14 x 9 layout
 *
 *   bench/micro/run.sh runs this under callgrind with
 *   --toggle-collect='micro_*', so that each stage's instructions are counted
 *   alone (inclusive of what it calls, exclusive of the harness), and divides
 *   by the input bytes. Instruction counts do not depend on the machine's
 *   load, unlike times; valgrind does not run AVX-512, so under callgrind the
 *   automatic KPERM kernel is at most AVX2. --time N measures wall time
 *   instead (best of N runs of each stage), for the kernels callgrind cannot
 *   run; those figures are as noisy as the machine is.
 *
 *   Usage: kernels [--input ascii|utf8] [--kernel auto|scalar|avx2|avx512]
 *                  [--time N]
 *   Prints one line per stage and a checksum of every stage's output (the
 *   same for every kernel: a quick cross-check beside tests/unit).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "minhash/kernels.h"

enum { TARGET_BYTES = 4 << 20, NGRAM = 5, K = 128, BANDS = 14, ROWS = 9 };

/* ---- input ------------------------------------------------------------------ */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            fprintf(stderr, "kernels: out of memory\n");
            exit(2);
        }
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}
static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* A made-up word from syllables: 1-4 syllables, shorter ones more often. */
static void make_word(uint64_t *s, char *out, size_t cap)
{
    static const char *const on[] = {"", "b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r",
                                     "s", "t", "w", "th", "st", "tr", "ch", "sh", "pl", "gr"};
    static const char *const nu[] = {"a", "e", "i", "o", "u", "ea", "ou", "ai", "ee", "io"};
    static const char *const co[] = {"", "", "n", "r", "s", "t", "l", "nd", "st", "ng", "ck"};
    const uint64_t r = nd_splitmix64(s);
    const int syl = 1 + (int)(r % 20 < 9 ? 0 : r % 20 < 16 ? 1 : r % 20 < 19 ? 2 : 3);
    size_t n = 0;
    for (int i = 0; i < syl; i++) {
        const uint64_t q = nd_splitmix64(s);
        const char *parts[3] = {on[q % 22], nu[(q >> 8) % 10], co[(q >> 16) % 11]};
        for (int j = 0; j < 3; j++)
            for (const char *c = parts[j]; *c && n + 1 < cap; c++)
                out[n++] = *c;
    }
    out[n] = '\0';
}

enum { VOCAB = 20000 };

/* Builds the text: words drawn by Zipf rank (rank r with weight 1/r). */
static void make_text(buf *b, int utf8, uint64_t seed)
{
    static char vocab[VOCAB][48];
    static double cum[VOCAB];
    uint64_t s = seed;
    double total = 0;
    for (int i = 0; i < VOCAB; i++)
        make_word(&s, vocab[i], sizeof vocab[i]);
    /* As in English, the most frequent words are short function words. */
    static const char *const common[] = {
        "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "was", "with",
        "be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which"};
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        snprintf(vocab[i], sizeof vocab[i], "%s", common[i]);
    for (int i = 0; i < VOCAB; i++) {
        total += 1.0 / (i + 1);
        cum[i] = total;
    }
    static const char *const accents[] = {"\xc3\xa9", "\xc3\xbc", "\xc3\xb1", "\xc3\x9f",
                                          "\xc3\xb8", "\xc3\xa7", "\xc3\x89"};
    static const char *const foreign[] = {
        "\xce\xb1\xce\xbb\xce\xae\xce\xb8\xce\xb5\xce\xb9\xce\xb1",         /* Greek */
        "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",                 /* Cyrillic */
        "\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd",                             /* CJK */
        "\xef\xbc\xa6\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c",                 /* fullwidth */
    };
    int sentence_start = 1;
    while (b->len < TARGET_BYTES) {
        const uint64_t r = nd_splitmix64(&s);
        const double u = (double)(r >> 11) * 0x1.0p-53 * total;
        int lo = 0, hi = VOCAB - 1;
        while (lo < hi) {
            const int mid = (lo + hi) / 2;
            if (cum[mid] < u)
                lo = mid + 1;
            else
                hi = mid;
        }
        char w[64];
        snprintf(w, sizeof w, "%s", vocab[lo]);
        if (sentence_start || (r >> 5) % 23 == 0)
            w[0] = (char)(w[0] >= 'a' && w[0] <= 'z' ? w[0] - 32 : w[0]);
        sentence_start = 0;
        const uint64_t q = nd_splitmix64(&s);
        if (q % 61 == 0) {
            char num[24];
            snprintf(num, sizeof num, "%u", (unsigned)(q >> 40) % 5000);
            puts_(b, num);
        } else if (utf8 && q % 9 == 1) {
            const size_t cut = strlen(w) / 2;
            put(b, w, cut);
            puts_(b, accents[(q >> 8) % 7]);
            puts_(b, w + cut);
        } else if (utf8 && q % 97 == 2) {
            puts_(b, foreign[(q >> 8) % 4]);
        } else {
            puts_(b, w);
        }
        const unsigned punct = (unsigned)((q >> 20) % 100);
        if (punct < 6) {
            puts_(b, ". ");
            sentence_start = 1;
            if ((q >> 30) % 8 == 0)
                puts_(b, "\n\n");
        } else if (punct < 12) {
            puts_(b, ", ");
        } else if (punct < 13) {
            puts_(b, utf8 ? " \xe2\x80\x94 " : " - ");
        } else if (punct < 14) {
            puts_(b, utf8 ? "\xe2\x80\x9d " : "\" ");
        } else if (punct < 15) {
            puts_(b, "; ");
        } else {
            puts_(b, " ");
        }
    }
}

/* ---- per-document stage outputs -------------------------------------------- */

typedef struct doc {
    size_t off, len;          /* in the text */
    size_t tok_off, nt;       /* in all_tokens / all_norm offsets */
    size_t norm_off, norm_len;
    size_t sh_off, ns, nu;    /* in all_shingles */
} doc;

typedef struct corpus {
    buf text;
    doc *docs;
    size_t ndocs;
    nd_token *tokens;
    size_t ntokens;
    char *norm;
    size_t nnorm;
    uint64_t *th;         /* token hashes, recomputed */
    uint64_t *sh, *sorted, *tmp;
    uint32_t *sig_kperm, *sig_oph;
    uint64_t *keys;
} corpus;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "kernels: out of memory\n");
        exit(2);
    }
    return p;
}

/* The stages, one document per call; noinline so that callgrind's
 * --toggle-collect finds them. */
__attribute__((noinline)) static nd_status micro_tokenize(nd_text_buf *tb, const nd_alloc_ctx *a,
                                                          const char *text, size_t len)
{
    return nd_text_tokenize(tb, a, text, len, 0);
}

__attribute__((noinline)) static void micro_token_hash(const char *norm, const nd_token *tok,
                                                       size_t nt, uint64_t *out)
{
    for (size_t i = 0; i < nt; i++)
        out[i] = nd_token_hash(norm + tok[i].norm_off, tok[i].norm_len);
}

__attribute__((noinline)) static size_t micro_shingle_hash(const nd_token *tok, size_t nt,
                                                           uint64_t *out)
{
    return nd_shingle_hashes(tok, nt, NGRAM, out);
}

__attribute__((noinline)) static size_t micro_sort_unique(uint64_t *a, uint64_t *tmp, size_t n)
{
    return nd_hashes_sort_unique(a, tmp, n);
}

/* Returns sig[0] so that the compiler cannot fold it with micro_minhash_oph
 * (identical functions would share one name in the profile). */
__attribute__((noinline)) static uint32_t micro_minhash_kperm(const nd_perms *p,
                                                              const uint64_t *h, size_t n,
                                                              uint32_t *sig)
{
    nd_minhash(p, h, n, sig);
    return sig[0];
}

__attribute__((noinline)) static void micro_minhash_oph(const nd_perms *p, const uint64_t *h,
                                                        size_t n, uint32_t *sig)
{
    nd_minhash(p, h, n, sig);
}

__attribute__((noinline)) static void micro_band_keys(const uint32_t *sig, uint64_t *keys)
{
    for (unsigned band = 0; band < BANDS; band++)
        keys[band] = nd_band_key(sig, band, ROWS);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 0x100000001B3ULL;
    return h;
}

enum { ST_TOK, ST_THASH, ST_SHINGLE, ST_SORT, ST_KPERM, ST_OPH, ST_BANDS, ST_COUNT };
static const char *const k_stage[ST_COUNT] = {"tokenize", "token_hash", "shingle_hash",
                                              "sort_unique", "minhash_kperm", "minhash_oph",
                                              "band_keys"};

/* Runs stage st over every document; returns its output checksum. */
static uint64_t run_stage(corpus *c, int st, nd_text_buf *tb, const nd_alloc_ctx *a,
                          const nd_perms *kp, const nd_perms *op)
{
    uint64_t ck = 0xCBF29CE484222325ULL;
    switch (st) {
    case ST_TOK: {
        size_t nt = 0, nn = 0;
        for (size_t d = 0; d < c->ndocs; d++) {
            doc *x = &c->docs[d];
            if (micro_tokenize(tb, a, c->text.p + x->off, x->len) != ND_OK) {
                fprintf(stderr, "kernels: tokenising failed\n");
                exit(2);
            }
            x->tok_off = nt;
            x->nt = tb->tokens.len;
            x->norm_off = nn;
            x->norm_len = tb->norm.len;
            memcpy(c->tokens + nt, tb->tokens.data, x->nt * sizeof(nd_token));
            memcpy(c->norm + nn, tb->norm.data, x->norm_len);
            nt += x->nt;
            nn += x->norm_len;
        }
        c->ntokens = nt;
        c->nnorm = nn;
        ck = mix(ck, c->norm, nn);
        for (size_t i = 0; i < nt; i++)
            ck = mix(ck, &c->tokens[i].hash, 8);
        break;
    }
    case ST_THASH:
        for (size_t d = 0; d < c->ndocs; d++) {
            const doc *x = &c->docs[d];
            micro_token_hash(c->norm + x->norm_off, c->tokens + x->tok_off, x->nt,
                             c->th + x->tok_off);
        }
        ck = mix(ck, c->th, c->ntokens * 8);
        break;
    case ST_SHINGLE: {
        size_t off = 0;
        for (size_t d = 0; d < c->ndocs; d++) {
            doc *x = &c->docs[d];
            x->sh_off = off;
            x->ns = micro_shingle_hash(c->tokens + x->tok_off, x->nt, c->sh + off);
            off += x->ns;
        }
        ck = mix(ck, c->sh, off * 8);
        break;
    }
    case ST_SORT:
        for (size_t d = 0; d < c->ndocs; d++) {
            doc *x = &c->docs[d];
            memcpy(c->sorted + x->sh_off, c->sh + x->sh_off, x->ns * 8);
        }
        for (size_t d = 0; d < c->ndocs; d++) {
            doc *x = &c->docs[d];
            x->nu = micro_sort_unique(c->sorted + x->sh_off, c->tmp, x->ns);
            ck = mix(ck, c->sorted + x->sh_off, x->nu * 8);
        }
        break;
    case ST_KPERM:
        for (size_t d = 0; d < c->ndocs; d++) {
            const doc *x = &c->docs[d];
            (void)micro_minhash_kperm(kp, c->sorted + x->sh_off, x->nu, c->sig_kperm + d * K);
        }
        ck = mix(ck, c->sig_kperm, c->ndocs * K * 4);
        break;
    case ST_OPH:
        for (size_t d = 0; d < c->ndocs; d++) {
            const doc *x = &c->docs[d];
            micro_minhash_oph(op, c->sorted + x->sh_off, x->nu, c->sig_oph + d * K);
        }
        ck = mix(ck, c->sig_oph, c->ndocs * K * 4);
        break;
    case ST_BANDS:
        for (size_t d = 0; d < c->ndocs; d++)
            micro_band_keys(c->sig_kperm + d * K, c->keys + d * BANDS);
        ck = mix(ck, c->keys, c->ndocs * BANDS * 8);
        break;
    }
    return ck;
}

int main(int argc, char **argv)
{
    int utf8 = 0, reps = 0, kernel = -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--input") == 0 && i + 1 < argc) {
            utf8 = strcmp(argv[++i], "utf8") == 0;
        } else if (strcmp(argv[i], "--kernel") == 0 && i + 1 < argc) {
            const char *name = argv[++i];
            kernel = strcmp(name, "auto") == 0 ? -1 : nd_kernel_from_name(name);
            if (kernel < -1 || (strcmp(name, "auto") != 0 && kernel < 0)) {
                fprintf(stderr, "kernels: unknown kernel '%s'\n", name);
                return 1;
            }
        } else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: kernels [--input ascii|utf8] "
                            "[--kernel auto|scalar|avx2|avx512] [--time N]\n");
            return 1;
        }
    }
    nd_alloc_ctx a;
    nd_alloc_init(&a, NULL);
    corpus c;
    memset(&c, 0, sizeof c);
    make_text(&c.text, utf8, 0x6E65617264757021ULL);

    /* Documents of 300 B .. 12 KB, cut after a space. */
    c.docs = xmalloc((c.text.len / 300 + 1) * sizeof *c.docs);
    uint64_t s = 12345;
    for (size_t off = 0; off < c.text.len;) {
        size_t len = 300 + nd_splitmix64(&s) % 11700;
        if (off + len >= c.text.len)
            len = c.text.len - off;
        while (off + len < c.text.len && c.text.p[off + len - 1] != ' ')
            len++;
        c.docs[c.ndocs].off = off;
        c.docs[c.ndocs].len = len;
        c.ndocs++;
        off += len;
    }
    c.tokens = xmalloc(c.text.len * sizeof *c.tokens);
    c.norm = xmalloc(c.text.len * 2 + 16);
    c.th = xmalloc(c.text.len * sizeof *c.th);
    c.sh = xmalloc((c.text.len + c.ndocs) * sizeof *c.sh);
    c.sorted = xmalloc((c.text.len + c.ndocs) * sizeof *c.sorted);
    c.tmp = xmalloc((c.text.len + 1) * sizeof *c.tmp);
    c.sig_kperm = xmalloc(c.ndocs * K * sizeof *c.sig_kperm);
    c.sig_oph = xmalloc(c.ndocs * K * sizeof *c.sig_oph);
    c.keys = xmalloc(c.ndocs * BANDS * sizeof *c.keys);

    nd_text_buf tb;
    nd_text_buf_init(&tb);
    nd_perms kp, op;
    if (nd_perms_init(&kp, &a, K, ND_SCHEME_KPERM, 1) != ND_OK ||
        nd_perms_init(&op, &a, K, ND_SCHEME_OPH, 1) != ND_OK) {
        fprintf(stderr, "kernels: nd_perms_init failed\n");
        return 2;
    }
    if (kernel >= 0 && nd_perms_force_kernel(&kp, kernel) != ND_OK) {
        fprintf(stderr, "kernels: kernel %s is not supported on this CPU\n",
                nd_kernel_name(kernel));
        return 3;
    }
    const int used = kernel >= 0 ? kernel : nd_kernel_best();
    printf("input %s: %zu bytes, %zu documents; kperm kernel %s\n", utf8 ? "utf8" : "ascii",
           c.text.len, c.ndocs, nd_kernel_name(used));
    for (int st = 0; st < ST_COUNT; st++) {
        double best = 0;
        uint64_t ck = run_stage(&c, st, &tb, &a, &kp, &op);
        for (int r = 0; r < reps; r++) {
            const double t0 = now();
            const uint64_t ck2 = run_stage(&c, st, &tb, &a, &kp, &op);
            const double t = now() - t0;
            if (ck2 != ck) {
                fprintf(stderr, "kernels: %s is not deterministic\n", k_stage[st]);
                return 2;
            }
            if (r == 0 || t < best)
                best = t;
        }
        if (st == ST_TOK)
            printf("tokens %zu, normalised bytes %zu\n", c.ntokens, c.nnorm);
        if (reps > 0)
            printf("stage %-14s checksum %016" PRIx64 "  %8.3f ns/byte  %8.1f MB/s\n",
                   k_stage[st], ck, best * 1e9 / (double)c.text.len,
                   (double)c.text.len / best / 1e6);
        else
            printf("stage %-14s checksum %016" PRIx64 "\n", k_stage[st], ck);
    }
    nd_text_buf_free(&tb, &a);
    nd_perms_free(&kp, &a);
    nd_perms_free(&op, &a);
    free(c.text.p);
    free(c.docs);
    free(c.tokens);
    free(c.norm);
    free(c.th);
    free(c.sh);
    free(c.sorted);
    free(c.tmp);
    free(c.sig_kperm);
    free(c.sig_oph);
    free(c.keys);
    return 0;
}

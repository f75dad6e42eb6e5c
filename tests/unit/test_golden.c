/*
 * test_golden.c - known-answer vectors for tokens, shingle hashes, exact
 * hashes, MinHash signatures (both schemes) and LSH band keys.
 *
 * The vectors live in tests/golden/vectors.txt. This program computes them
 * afresh and compares line by line; `test_golden --regenerate FILE` writes
 * them. A difference changes what persisted sketches mean: it needs review
 * and an ND_SKETCH_VERSION bump (CONTRIBUTING.md).
 */
#include <inttypes.h>

#include "nd_internal.h"
#include "nd_test.h"

static const char *k_texts[] = {
    "The quick brown fox jumps over the lazy dog.",
    "Albanian police conducted a raid into the headquarters of the MEK group on Tuesday.",
    "Straße, CAFÉ, ﬁnance and ＡＢＣ: NFKC + case folding.",
    "東京タワーとスカイツリー",
    "ภาษาไทยไม่มีช่องว่าง",
    "Привет, мир! Ελληνικά. مرحبا",
    "short",
    "",
    "bad \xFF\xFE bytes \xE6\x9D end",
};

static void emit(FILE *fp)
{
    nd_params *p;
    if (nd_params_create(&p, NULL) != ND_OK)
        return;
    for (int scheme = 0; scheme < 2; scheme++) {
        for (unsigned ng = 3; ng <= 5; ng += 2) {
            if (nd_params_set(p, ND_P_SCHEME, scheme) != ND_OK ||
                nd_params_set(p, ND_P_NGRAM, ng) != ND_OK)
                return;
            nd_worker *w;
            if (nd_worker_create(&w, p, NULL) != ND_OK)
                return;
            for (size_t t = 0; t < sizeof k_texts / sizeof k_texts[0]; t++) {
                const char *s = k_texts[t];
                fprintf(fp, "text %zu scheme %d ngram %u\n", t, scheme, ng);
                if (scheme == 0 && ng == 3) {
                    const nd_token *tok;
                    size_t n;
                    const char *norm;
                    if (nd_worker_tokenize(w, s, strlen(s), &tok, &n, &norm) != ND_OK)
                        continue;
                    for (size_t i = 0; i < n; i++)
                        fprintf(fp, "  token %.*s @%u-%u %016" PRIx64 "\n", (int)tok[i].norm_len,
                                norm + tok[i].norm_off, tok[i].start, tok[i].end, tok[i].hash);
                }
                nd_sketch sk;
                if (nd_worker_sketch(w, s, strlen(s), &sk) != ND_OK)
                    continue;
                fprintf(fp, "  exact %016" PRIx64 "%016" PRIx64 " shingles %zu\n", sk.exact_hi,
                        sk.exact_lo, sk.num_shingles);
                for (size_t i = 0; i < sk.num_shingles && i < 4; i++)
                    fprintf(fp, "  shingle %016" PRIx64 "\n", sk.shingles[i]);
                if (!sk.num_shingles)
                    continue;
                fputs("  minhash", fp);
                for (int i = 0; i < 12; i++)
                    fprintf(fp, " %08" PRIx32, sk.signature[i]);
                fputc('\n', fp);
                for (unsigned b = 0; b < 3; b++)
                    fprintf(fp, "  band %u %016" PRIx64 "\n", b, nd_band_key(sk.signature, b, 9));
            }
            nd_worker_destroy(w);
        }
    }
    nd_params_destroy(p);
}

static const char *g_file = "tests/golden/vectors.txt";

static void test_vectors_match(void)
{
    char *now = NULL, *want = NULL;
    size_t now_len = 0;
    FILE *mem = open_memstream(&now, &now_len);
    ND_CHECK(mem != NULL);
    if (!mem)
        return;
    emit(mem);
    fclose(mem);
    FILE *fp = fopen(g_file, "rb");
    ND_CHECK_MSG(fp != NULL, "cannot open %s (run from the repository root)", g_file);
    if (fp) {
        want = calloc(1, now_len + 2);
        const size_t got = fread(want, 1, now_len + 1, fp);
        fclose(fp);
        ND_CHECK_MSG(got == now_len && memcmp(want, now, now_len) == 0,
                     "%s differs from the vectors computed now; see CONTRIBUTING.md", g_file);
        if (got != now_len || memcmp(want, now, now_len) != 0) {
            /* Print the first differing line to help the review. */
            size_t i = 0, line = 1;
            while (i < now_len && i < got && want[i] == now[i])
                line += now[i++] == '\n';
            fprintf(stderr, "first difference at line %zu\n", line);
        }
    }
    free(want);
    free(now);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--regenerate") == 0) {
        FILE *fp = fopen(argv[2], "wb");
        if (!fp)
            return 2;
        emit(fp);
        return fclose(fp) == 0 ? 0 : 2;
    }
    nd_test_begin(argc, argv);
    ND_RUN(test_vectors_match);
    return nd_test_end("test_golden");
}

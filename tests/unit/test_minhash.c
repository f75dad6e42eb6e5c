/*
 * test_minhash.c - MinHash accuracy (both schemes), LSH layout choice, band
 * keys, shingle hashing and the radix sort. Randomised checks take --seed N
 * and print it.
 */
#include <inttypes.h>
#include <math.h>

#include "nd_internal.h"
#include "nd_test.h"

static nd_alloc_ctx g_a;
static uint64_t g_seed = 42;

/* Over 1,000 random set pairs with known Jaccard, the signature estimate at
 * 128 values has mean absolute error <= 0.03 and mean signed error within
 * +-0.01 (the estimator is unbiased). */
static void check_unbiased_sizes(nd_scheme scheme, const char *name, size_t min_total,
                                 size_t span, double max_abs)
{
    enum { PAIRS = 1000, K = 128 };
    nd_perms p;
    ND_CHECK(nd_perms_init(&p, &g_a, K, scheme, 1) == ND_OK);
    uint64_t s = g_seed ^ (uint64_t)scheme;
    uint64_t *a = malloc(4000 * sizeof *a), *b = malloc(4000 * sizeof *b);
    uint32_t sa[K], sb[K];
    double abs_err = 0, signed_err = 0;
    for (int it = 0; it < PAIRS; it++) {
        /* |A & B| = inter, |A \ B| = only_a, |B \ A| = only_b. */
        const size_t total = min_total + nd_splitmix64(&s) % span;
        const double target = (double)(nd_splitmix64(&s) % 1001) / 1000.0;
        size_t inter = (size_t)llround(target * (double)total);
        const size_t rest = total - inter;
        const size_t only_a = rest / 2 + (rest & 1 ? nd_splitmix64(&s) % 2 : 0);
        const size_t only_b = rest - only_a;
        size_t na = 0, nb = 0;
        for (size_t i = 0; i < inter; i++) {
            const uint64_t v = nd_splitmix64(&s);
            a[na++] = v;
            b[nb++] = v;
        }
        for (size_t i = 0; i < only_a; i++)
            a[na++] = nd_splitmix64(&s);
        for (size_t i = 0; i < only_b; i++)
            b[nb++] = nd_splitmix64(&s);
        const double j = (double)inter / (double)total;
        nd_minhash(&p, a, na, sa);
        nd_minhash(&p, b, nb, sb);
        const double est = nd_sig_similarity(sa, sb, K);
        abs_err += fabs(est - j);
        signed_err += est - j;
    }
    abs_err /= PAIRS;
    signed_err /= PAIRS;
    printf("test_minhash: %s: %d pairs of %zu-%zu elements, %d values: mean |error| %.4f, "
           "mean error %+.4f (seed %" PRIu64 ")\n", name, PAIRS, min_total,
           min_total + span - 1, K, abs_err, signed_err, g_seed);
    ND_CHECK_MSG(abs_err <= max_abs, "%s mean absolute error %.4f", name, abs_err);
    ND_CHECK_MSG(fabs(signed_err) <= 0.01, "%s mean signed error %.4f", name, signed_err);
    free(a);
    free(b);
    nd_perms_free(&p, &g_a);
}

static void test_kperm_unbiased(void)
{
    check_unbiased_sizes(ND_SCHEME_KPERM, "kperm", 20, 1980, 0.03);
}

static void test_oph_unbiased(void)
{
    check_unbiased_sizes(ND_SCHEME_OPH, "oph", 20, 1980, 0.03);
}

/* Short documents have fewer shingles than OPH has bins. KPERM keeps its
 * accuracy there; OPH with densification stays unbiased but its error about
 * doubles (0.058 measured), which is why KPERM is the default scheme. */
static void test_small_sets_unbiased(void)
{
    check_unbiased_sizes(ND_SCHEME_KPERM, "kperm", 2, 60, 0.03);
    check_unbiased_sizes(ND_SCHEME_OPH, "oph", 2, 60, 0.07);
}

/* Identical sets give identical signatures; order and repeats don't matter. */
static void test_signature_set_semantics(void)
{
    for (int scheme = 0; scheme < 2; scheme++) {
        nd_perms p;
        ND_CHECK(nd_perms_init(&p, &g_a, 64, (nd_scheme)scheme, 7) == ND_OK);
        const uint64_t x[] = {5, 9, 1, 77, 1000003};
        const uint64_t y[] = {1000003, 1, 9, 9, 5, 77, 5};
        uint32_t sx[64], sy[64];
        nd_minhash(&p, x, 5, sx);
        nd_minhash(&p, y, 7, sy);
        ND_CHECK(memcmp(sx, sy, sizeof sx) == 0);
        ND_CHECK(nd_sig_similarity(sx, sy, 64) == 1.0);
        /* A single shingle fills every value (OPH densifies). */
        nd_minhash(&p, x, 1, sx);
        for (int i = 0; i < 64; i++)
            ND_CHECK(sx[i] != UINT32_MAX || scheme == 0);
        nd_perms_free(&p, &g_a);
    }
}

static void test_lsh_layout(void)
{
    unsigned b, r;
    double fp, fn;
    /* Plain FP + FN minimisation matches datasketch's choice for 0.8 / 128. */
    nd_lsh_optimal(0.8, 128, 0.5, &b, &r, &fp, &fn);
    ND_CHECK(b == 9 && r == 13);
    /* The default recall-leaning weight. */
    nd_lsh_optimal(0.8, 128, 0.9, &b, &r, &fp, &fn);
    ND_CHECK(b == 14 && r == 9);
    ND_CHECK(b * r <= 128);
    ND_CHECK(nd_lsh_probability(0.85, b, r) > 0.97);
    ND_CHECK(fabs(nd_lsh_probability(1.0, b, r) - 1.0) < 1e-12);
    ND_CHECK(nd_lsh_probability(0.0, b, r) == 0.0);
    /* Through the parameters. */
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_params_lsh(p, &b, &r, &fp, &fn) == ND_OK && b == 14 && r == 9);
    ND_CHECK(nd_params_set(p, ND_P_BANDS, 20) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_ROWS, 7) == ND_OK);
    ND_CHECK(nd_params_lsh(p, &b, &r, &fp, &fn) == ND_E_PARAM);  /* 140 > 128 */
    ND_CHECK(nd_params_set(p, ND_P_ROWS, 6) == ND_OK);
    ND_CHECK(nd_params_lsh(p, &b, &r, &fp, &fn) == ND_OK && b == 20 && r == 6);
    nd_params_destroy(p);
}

static void test_params(void)
{
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_params_get(p, ND_P_NGRAM) == 5);
    ND_CHECK(nd_params_get(p, ND_P_NUM_PERM) == 128);
    ND_CHECK(nd_params_get(p, ND_P_THRESHOLD) == 0.8);
    ND_CHECK(nd_params_set(p, ND_P_THRESHOLD, 1.5) == ND_E_PARAM);
    ND_CHECK(nd_params_get(p, ND_P_THRESHOLD) == 0.8);
    ND_CHECK(nd_params_set(p, ND_P_NGRAM, 2.5) == ND_E_PARAM);
    ND_CHECK(nd_params_set(p, ND_P_NUM_PERM, 100) == ND_E_PARAM);  /* not a multiple of 8 */
    ND_CHECK(nd_params_set(p, (nd_param)999, 1) == ND_E_PARAM);
    ND_CHECK(isnan(nd_params_get(p, (nd_param)999)));
    double lo, hi, def;
    ND_CHECK(nd_params_bounds(ND_P_CONTAINMENT, &lo, &hi, &def) == ND_OK);
    ND_CHECK(lo == 0 && hi == 1 && def == 0.9);
    ND_CHECK(nd_params_preset(p, "strict") == ND_OK && nd_params_get(p, ND_P_THRESHOLD) == 0.9);
    ND_CHECK(nd_params_preset(p, "nope") == ND_E_PARAM);
    ND_CHECK(strcmp(nd_params_name(ND_P_NGRAM), "ngram") == 0);
    ND_CHECK(strcmp(nd_strerror(ND_E_LIMIT), "size limit reached") == 0);
    ND_CHECK(strcmp(nd_strerror(-999), "unknown error") == 0);
    nd_params_destroy(p);
    nd_params_destroy(NULL);
}

static void test_sort(void)
{
    uint64_t s = g_seed;
    const size_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 100000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const size_t n = sizes[k];
        uint64_t *a = malloc((n + 1) * sizeof *a), *t = malloc((n + 1) * sizeof *t);
        for (size_t i = 0; i < n; i++)
            a[i] = i % 3 ? nd_splitmix64(&s) : nd_splitmix64(&s) % 50;  /* with repeats */
        nd_sort_u64(a, t, n);
        for (size_t i = 1; i < n; i++)
            ND_CHECK(a[i - 1] <= a[i]);
        const size_t u = nd_sort_unique_u64(a, t, n);
        for (size_t i = 1; i < u; i++)
            ND_CHECK(a[i - 1] < a[i]);
        /* the lower bound: every value found where it is, one past it just after */
        for (size_t i = 0; i < u; i++) {
            ND_CHECK(nd_lower_bound_u64(a, u, a[i]) == i);
            if (a[i] != UINT64_MAX)
                ND_CHECK(nd_lower_bound_u64(a, u, a[i] + 1) == i + 1);
        }
        ND_CHECK(nd_lower_bound_u64(a, u, 0) == 0);
        ND_CHECK(u == 0 || a[u - 1] == UINT64_MAX || nd_lower_bound_u64(a, u, UINT64_MAX) == u);
        free(a);
        free(t);
        /* 32-bit values: the same multiset, ascending (small ids skip passes) */
        uint32_t *b = malloc((n + 1) * sizeof *b), *bt = malloc((n + 1) * sizeof *bt);
        size_t sum = 0, sum2 = 0;
        for (size_t i = 0; i < n; i++) {
            b[i] = (uint32_t)(i % 3 ? nd_splitmix64(&s) : nd_splitmix64(&s) % 5000);
            sum += b[i];
            sum2 += (size_t)b[i] * b[i];
        }
        nd_sort_u32(b, bt, n);
        for (size_t i = 0; i < n; i++) {
            ND_CHECK(i == 0 || b[i - 1] <= b[i]);
            sum -= b[i];
            sum2 -= (size_t)b[i] * b[i];
        }
        ND_CHECK(sum == 0 && sum2 == 0);
        /* its lower bound: the first of each run of equal values */
        for (size_t i = 0; i < n; i++) {
            const size_t lb = nd_lower_bound_u32(b, n, b[i]);
            ND_CHECK(lb <= i && b[lb] == b[i] && (lb == 0 || b[lb - 1] < b[i]));
        }
        ND_CHECK(n == 0 || b[n - 1] == UINT32_MAX || nd_lower_bound_u32(b, n, UINT32_MAX) == n);
        free(b);
        free(bt);
    }
}

static void test_vec_cap(void)
{
    nd_vec v;
    nd_vec_init(&v, sizeof(int), 10);
    int x = 1;
    for (int i = 0; i < 10; i++)
        ND_CHECK(nd_vec_push(&v, &g_a, &x) == ND_OK);
    ND_CHECK(nd_vec_push(&v, &g_a, &x) == ND_E_LIMIT);
    ND_CHECK(v.len == 10);
    nd_vec_free(&v, &g_a);
}

/* The rolling shingle hashes equal the direct ones for every window, on
 * random token hashes and on degenerate ones (all equal, small integers). */
static void test_shingle_rolling(void)
{
    uint64_t s = g_seed;
    nd_token tok[64];
    uint64_t out[64], th[64];
    int bad = 0;
    for (int it = 0; it < 3000; it++) {
        const size_t nt = nd_splitmix64(&s) % 40;
        const size_t n = 1 + nd_splitmix64(&s) % 8;
        const int kind = it % 3;
        for (size_t i = 0; i < nt; i++) {
            memset(&tok[i], 0, sizeof tok[i]);
            tok[i].hash = kind == 0 ? nd_splitmix64(&s) : kind == 1 ? 7 : (uint64_t)i;
            th[i] = tok[i].hash;
        }
        const size_t ns = nd_shingle_hashes(tok, nt, n, out);
        ND_CHECK(ns == (nt == 0 ? 0 : nt < n ? 1 : nt - n + 1));
        for (size_t i = 0; i < ns; i++)
            bad += out[i] != nd_shingle_hash(th + i, nt < n ? nt : n);
    }
    ND_CHECK_MSG(bad == 0, "%d rolling shingle hashes differ from the direct ones", bad);
    /* Swapped tokens, and windows of different widths over the same tokens,
     * give different hashes. */
    const uint64_t ab[2] = {1, 2}, ba[2] = {2, 1};
    ND_CHECK(nd_shingle_hash(ab, 2) != nd_shingle_hash(ba, 2));
    ND_CHECK(nd_shingle_hash(ab, 1) != nd_shingle_hash(ab, 2));
}

/* MinHash over shingles of non-random token hashes (consecutive integers)
 * stays unbiased: the finaliser makes shingle hashes uniform. Sets are the
 * 5-gram shingles of token runs [0, L) and [off, off + L). */
static void test_shingle_uniform(void)
{
    enum { K = 128, L = 400, PAIRS = 300 };
    nd_perms p;
    ND_CHECK(nd_perms_init(&p, &g_a, K, ND_SCHEME_KPERM, 1) == ND_OK);
    nd_token *tok = calloc(2 * L + 8, sizeof *tok);
    uint64_t *a = malloc(L * sizeof *a), *b = malloc(L * sizeof *b);
    uint32_t sa[K], sb[K];
    uint64_t s = g_seed;
    double abs_err = 0, signed_err = 0;
    for (int it = 0; it < PAIRS; it++) {
        const uint64_t base = nd_splitmix64(&s) % 1000000;
        for (size_t i = 0; i < 2 * L + 8; i++)
            tok[i].hash = base + i;
        const size_t off = (size_t)(nd_splitmix64(&s) % (L / 2));
        const size_t na = nd_shingle_hashes(tok, L, 5, a);
        const size_t nb = nd_shingle_hashes(tok + off, L, 5, b);
        /* shingle i of b is shingle off + i of a */
        const double inter = (double)(na - off);
        const double j = inter / ((double)na + (double)nb - inter);
        nd_minhash(&p, a, na, sa);
        nd_minhash(&p, b, nb, sb);
        const double est = nd_sig_similarity(sa, sb, K);
        abs_err += fabs(est - j);
        signed_err += est - j;
    }
    abs_err /= PAIRS;
    signed_err /= PAIRS;
    printf("test_minhash: shingles of consecutive token hashes: mean |error| %.4f, mean error "
           "%+.4f\n", abs_err, signed_err);
    ND_CHECK(abs_err <= 0.035 && fabs(signed_err) <= 0.012);
    free(tok);
    free(a);
    free(b);
    nd_perms_free(&p, &g_a);
}

int main(int argc, char **argv)
{
    nd_alloc_init(&g_a, NULL);
    g_seed = nd_test_seed(argc, argv, g_seed);
    printf("test_minhash: seed %" PRIu64 "\n", g_seed);
    nd_test_begin(argc, argv);
    ND_RUN(test_kperm_unbiased);
    ND_RUN(test_oph_unbiased);
    ND_RUN(test_small_sets_unbiased);
    ND_RUN(test_signature_set_semantics);
    ND_RUN(test_lsh_layout);
    ND_RUN(test_params);
    ND_RUN(test_sort);
    ND_RUN(test_vec_cap);
    ND_RUN(test_shingle_rolling);
    ND_RUN(test_shingle_uniform);
    return nd_test_end("test_minhash");
}

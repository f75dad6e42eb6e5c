/*
 * test_simhash.c - SimHash fingerprints (bit-sliced form against the plain
 * reference, ties, weights), the permuted-table guarantee of nd_simhash_keys
 * (every pair within distance k shares a table; seeded, --seed N), known
 * answers that pin the fingerprint and key layout, the worker's fingerprint,
 * and deduplication with ND_METHOD_SIMHASH (threads and spill change nothing).
 */
#include <inttypes.h>

#include "nd_internal.h"
#include "nd_test.h"
#include "nd_test_dedup.h"

static uint64_t g_seed = 7;

static void test_hamming(void)
{
    ND_CHECK(nd_hamming(0, 0) == 0);
    ND_CHECK(nd_hamming(0, ~0ULL) == 64);
    ND_CHECK(nd_hamming(0x5, 0x3) == 2);
    ND_CHECK(nd_hamming(1ULL << 63, 0) == 1);
}

static void test_simhash_basic(void)
{
    const uint64_t a = 0xF0F0F0F0F0F0F0F0ULL, b = 0xFF00FF00FF00FF00ULL;
    const uint64_t two[2] = {a, b};
    ND_CHECK(nd_simhash(NULL, NULL, 0) == 0);
    ND_CHECK(nd_simhash(two, NULL, 1) == a);
    /* a tie (one shingle with the bit, one without) gives 0 */
    ND_CHECK(nd_simhash(two, NULL, 2) == (a & b));
    const uint32_t w[2] = {2, 1}, w0[2] = {0, 0};
    ND_CHECK(nd_simhash(two, w, 2) == a);
    ND_CHECK(nd_simhash(two, w0, 2) == 0);
    /* the bit-sliced form against the reference, around its 255-shingle rounds */
    static const size_t sizes[] = {1, 2, 3, 254, 255, 256, 257, 510, 511, 1000, 70000};
    uint64_t s = g_seed;
    uint64_t *h = malloc(70000 * sizeof *h);
    uint32_t *wt = malloc(70000 * sizeof *wt);
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        const size_t n = sizes[i];
        for (size_t j = 0; j < n; j++) {
            /* biased bits too, so that counts land near n / 2 */
            h[j] = nd_splitmix64(&s);
            if (j % 3 == 0)
                h[j] |= nd_splitmix64(&s) & 0x00FF00FF00FF00FFULL;
            wt[j] = (uint32_t)(nd_splitmix64(&s) % 5) + 1;
        }
        ND_CHECK_MSG(nd_simhash(h, NULL, n) == nd_simhash_ref(h, NULL, n), "n %zu", n);
        ND_CHECK_MSG(nd_simhash(h, wt, n) == nd_simhash_ref(h, wt, n), "n %zu", n);
    }
    /* a set of all-ones hashes with all-zero ones: n odd sets every bit */
    for (size_t j = 0; j < 511; j++)
        h[j] = j % 2 ? 0 : ~0ULL;
    ND_CHECK(nd_simhash(h, NULL, 511) == ~0ULL);
    ND_CHECK(nd_simhash(h, NULL, 510) == 0);
    free(h);
    free(wt);
}

/* Distinct random bit positions: a fingerprint at distance exactly d of fp. */
static uint64_t flip(uint64_t fp, unsigned d, uint64_t *s)
{
    uint64_t mask = 0;
    while ((unsigned)__builtin_popcountll(mask) < d)
        mask |= 1ULL << (nd_splitmix64(s) % 64);
    return fp ^ mask;
}

static int share(const uint64_t *x, const uint64_t *y, unsigned n)
{
    for (unsigned t = 0; t < n; t++)
        if (x[t] == y[t])
            return 1;
    return 0;
}

static void test_keys_guarantee(void)
{
    static const unsigned tables[] = {1, 4, 10, 20, 35, 56, 28, 36, 45};
    uint64_t ka[ND_SIMHASH_MAX_TABLES], kb[ND_SIMHASH_MAX_TABLES];
    ND_CHECK(nd_simhash_keys(1, ND_SIMHASH_MAX_K + 1, ka) == 0);
    uint64_t s = g_seed;
    enum { PAIRS = 20000 };
    for (unsigned k = 0; k <= ND_SIMHASH_MAX_K; k++) {
        const unsigned n = nd_simhash_keys(0, k, ka);
        ND_CHECK_MSG(n == tables[k] && n <= ND_SIMHASH_MAX_TABLES, "k %u: %u tables", k, n);
        unsigned missed_within = 0, shared_beyond[3] = {0, 0, 0};
        for (unsigned i = 0; i < PAIRS; i++) {
            const uint64_t a = nd_splitmix64(&s);
            nd_simhash_keys(a, k, ka);
            /* every distance up to k, exactly k most often */
            const unsigned d = i % 4 ? k : (unsigned)(nd_splitmix64(&s) % (k + 1));
            nd_simhash_keys(flip(a, d, &s), k, kb);
            missed_within += !share(ka, kb, n);
            for (unsigned e = 1; e <= 3; e++) {
                nd_simhash_keys(flip(a, k + e, &s), k, kb);
                shared_beyond[e - 1] += share(ka, kb, n);
            }
        }
        ND_CHECK_MSG(missed_within == 0, "k %u: %u of %u pairs within distance k share no table "
                     "(seed %" PRIu64 ")", k, missed_within, PAIRS, g_seed);
        /* beyond k the tables are no promise: some pairs at k + 1 (bits in k + 1
         * different blocks) share none, more of them at k + 3 */
        ND_CHECK_MSG(shared_beyond[0] < PAIRS && shared_beyond[2] <= shared_beyond[0],
                     "k %u: %u, %u, %u of %u pairs at k+1..k+3 share a table (seed %" PRIu64
                     ")", k, shared_beyond[0], shared_beyond[1], shared_beyond[2], PAIRS,
                     g_seed);
        if (k == 3)
            printf("test_simhash: k 3: pairs at distance 4, 5, 6 sharing a table: %.3f %.3f "
                   "%.3f\n", shared_beyond[0] / (double)PAIRS,
                   shared_beyond[1] / (double)PAIRS, shared_beyond[2] / (double)PAIRS);
    }
}

/* Keys of different tables never collide; a fingerprint's keys are distinct. */
typedef struct tkey {
    uint64_t key;
    unsigned table;
} tkey;

static int cmp_tkey(const void *pa, const void *pb)
{
    const tkey *x = pa, *y = pb;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->table > y->table) - (x->table < y->table);
}

static void test_keys_distinct(void)
{
    enum { FPS = 2000 };
    uint64_t s = g_seed ^ 0xABCDEF;
    for (unsigned k = 0; k <= ND_SIMHASH_MAX_K; k++) {
        uint64_t keys[ND_SIMHASH_MAX_TABLES];
        const unsigned n = nd_simhash_keys(0, k, keys);
        tkey *all = malloc((size_t)FPS * n * sizeof *all);
        size_t m = 0, same_table = 0, cross = 0;
        for (unsigned i = 0; i < FPS; i++) {
            /* half of them close to one fingerprint: equal keys in a table are common */
            const uint64_t fp = i % 2 ? nd_splitmix64(&s) : flip(0x0123456789ABCDEFULL, 2, &s);
            nd_simhash_keys(fp, k, keys);
            for (unsigned t = 0; t < n; t++)
                all[m++] = (tkey){keys[t], t};
        }
        qsort(all, m, sizeof *all, cmp_tkey);
        for (size_t i = 1; i < m; i++)
            if (all[i].key == all[i - 1].key) {
                same_table += all[i].table == all[i - 1].table;
                cross += all[i].table != all[i - 1].table;
            }
        ND_CHECK_MSG(cross == 0, "k %u: %zu keys shared by two tables", k, cross);
        ND_CHECK_MSG(same_table > 0, "k %u: no equal keys at all", k);
        free(all);
    }
}

/* Known answers: the fingerprint and the key layout are part of the sketch
 * format (an index stores keys); a change here needs a sketch version bump. */
static void test_known_answers(void)
{
    uint64_t s = 12345, h[100];
    uint32_t w[100];
    for (int i = 0; i < 100; i++) {
        h[i] = nd_splitmix64(&s);
        w[i] = (uint32_t)(i % 7 + 1);
    }
    ND_CHECK(nd_simhash(h, NULL, 100) == 0x045b705d3a020e00ULL);
    ND_CHECK(nd_simhash(h, w, 100) == 0x044a705d3a220e00ULL);
    uint64_t k[ND_SIMHASH_MAX_TABLES];
    ND_CHECK(nd_simhash_keys(0x0123456789ABCDEFULL, 0, k) == 1 && k[0] == 0x87cbfbfe89022ceaULL);
    ND_CHECK(nd_simhash_keys(0x0123456789ABCDEFULL, 3, k) == 20 &&
             k[0] == 0xa11dc94c86e486daULL && k[19] == 0xf853ec090e08ef78ULL);
    ND_CHECK(nd_simhash_keys(0x0123456789ABCDEFULL, 8, k) == 45 &&
             k[0] == 0x270906f2405e76cfULL && k[44] == 0xfb81208c91426fa6ULL);
}


static uint64_t fingerprint(nd_worker *w, const char *text)
{
    nd_sketch sk;
    if (nd_worker_sketch(w, text, strlen(text), &sk) != ND_OK)
        return 0;
    return sk.simhash;
}

/* The worker fills the fingerprint under SimHash only; near-copies are close. */
static void test_worker(void)
{
    nd_params *p;
    nd_worker *mw, *sw;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_worker_create(&mw, p, NULL) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_METHOD, ND_METHOD_SIMHASH) == ND_OK);
    ND_CHECK(nd_worker_create(&sw, p, NULL) == ND_OK);
    char *a = words(0, 200), *b = words(2, 200), *c = words(1000, 1200);
    nd_sketch sk;
    ND_CHECK(nd_worker_sketch(mw, a, strlen(a), &sk) == ND_OK && sk.simhash == 0 &&
             sk.num_bands > 0);
    ND_CHECK(nd_worker_sketch(sw, a, strlen(a), &sk) == ND_OK && sk.num_bands == 0 &&
             sk.signature && sk.signature[0] == 0 && sk.num_shingles == 196 &&
             sk.simhash == nd_simhash(sk.shingles, NULL, sk.num_shingles) && sk.simhash);
    const uint64_t fa = fingerprint(sw, a), fb = fingerprint(sw, b), fc = fingerprint(sw, c);
    /* J(a, b) = 194 / 196: about 64 * acos(0.995) / pi = 2 bits apart */
    ND_CHECK_MSG(nd_hamming(fa, fb) <= 6, "%u", nd_hamming(fa, fb));
    ND_CHECK_MSG(nd_hamming(fa, fc) >= 16, "%u", nd_hamming(fa, fc));
    ND_CHECK(nd_worker_sketch(sw, "", 0, &sk) == ND_OK && sk.simhash == 0);
    free(a);
    free(b);
    free(c);
    nd_worker_destroy(mw);
    nd_worker_destroy(sw);
    nd_params_destroy(p);
}

static nd_dedup *make(const nd_params *p, char **texts, size_t n)
{
    nd_dedup *d;
    if (nd_dedup_create(&d, p, NULL) != ND_OK)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (nd_dedup_add(d, texts[i], strlen(texts[i]), NULL) != ND_OK) {
            nd_dedup_destroy(d);
            return NULL;
        }
    if (nd_dedup_run(d, 1) != ND_OK) {
        nd_dedup_destroy(d);
        return NULL;
    }
    return d;
}


/* Deduplication with SimHash: candidates are the pairs within distance k and
 * every reported pair is one; exact figures under exact verification,
 * Hamming estimates under signature verification; threads and a spilling
 * memory budget change nothing. */
static void test_dedup(void)
{
    enum { N = 300 };
    char *t[N];
    uint64_t s = g_seed;
    for (int i = 0; i < N; i++) {
        const int base = (int)(nd_splitmix64(&s) % 50) * 40;
        const int kind = (int)(nd_splitmix64(&s) % 4);
        const int from = base + (kind == 3 ? 20 : (int)(nd_splitmix64(&s) % 3));
        t[i] = words(from, base + (kind == 3 ? 110 : 130));
    }
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_METHOD, ND_METHOD_SIMHASH) == ND_OK);
    nd_worker *w;
    ND_CHECK(nd_worker_create(&w, p, NULL) == ND_OK);
    uint64_t fp[N];
    for (int i = 0; i < N; i++)
        fp[i] = fingerprint(w, t[i]);
    nd_worker_destroy(w);
    for (unsigned k = 0; k <= ND_SIMHASH_MAX_K; k += 3)
        for (int verify = 0; verify < 2; verify++) {
            ND_CHECK(nd_params_set(p, ND_P_SIMHASH_K, k) == ND_OK);
            ND_CHECK(nd_params_set(p, ND_P_VERIFY, verify) == ND_OK);
            ND_CHECK(nd_params_set(p, ND_P_THREADS, 1) == ND_OK);
            ND_CHECK(nd_params_set(p, ND_P_MEMORY, 0) == ND_OK);
            nd_dedup *ref = make(p, t, N);
            ND_CHECK(ref != NULL);
            if (!ref)
                continue;
            nd_dedup_stats st;
            nd_dedup_get_stats(ref, &st);
            uint64_t keys[ND_SIMHASH_MAX_TABLES];
            ND_CHECK(st.bands == nd_simhash_keys(0, k, keys) && st.rows == 0);
            /* brute force: the unit pairs within distance k are the candidates */
            const nd_pair *pr;
            size_t np = 0, within = 0;
            ND_CHECK(nd_dedup_pairs(ref, &pr, &np) == ND_OK);
            for (size_t i = 0; i < np; i++) {
                ND_CHECK(pr[i].rel == ND_REL_EXACT || nd_hamming(fp[pr[i].a], fp[pr[i].b]) <= k);
                if (verify && pr[i].rel != ND_REL_EXACT) {
                    /* the estimate from the distance and the set sizes */
                    ND_CHECK(pr[i].resemblance > 0.5 && pr[i].resemblance <= 1.0);
                }
            }
            for (int i = 0; i < N; i++)
                for (int j = i + 1; j < N; j++)
                    within += strcmp(t[i], t[j]) != 0 && nd_hamming(fp[i], fp[j]) <= k;
            if (k >= 3)
                ND_CHECK_MSG(st.clusters > 10 && np > 0, "k %u: %zu clusters", k,
                             (size_t)st.clusters);
            ND_CHECK_MSG(st.candidates <= within, "k %u: %llu candidates, %zu pairs within k",
                         k, (unsigned long long)st.candidates, within);
            for (unsigned th = 1; th <= 2; th++)
                for (int mem = 0; mem < 2; mem++) {
                    ND_CHECK(nd_params_set(p, ND_P_THREADS, th) == ND_OK);
                    ND_CHECK(nd_params_set(p, ND_P_MEMORY, mem ? 16384 : 0) == ND_OK);
                    nd_dedup *d = make(p, t, N);
                    ND_CHECK(d != NULL);
                    if (!d)
                        continue;
                    nd_dedup_get_stats(d, &st);
                    ND_CHECK(mem ? st.spill_events > 0 : st.spill_events == 0);
                    ND_CHECK_MSG(same_result(ref, d, N, 1), "k %u verify %d threads %u memory %d",
                                 k, verify, th, mem);
                    nd_dedup_destroy(d);
                }
            nd_dedup_destroy(ref);
        }
    /* A MinHash deduplicator refuses a sketch without a signature. */
    ND_CHECK(nd_params_set(p, ND_P_METHOD, ND_METHOD_MINHASH) == ND_OK);
    nd_dedup *d;
    ND_CHECK(nd_dedup_create(&d, p, NULL) == ND_OK);
    nd_sketch sk;
    memset(&sk, 0, sizeof sk);
    const uint64_t sh[1] = {42};
    sk.shingles = sh;
    sk.num_shingles = 1;
    ND_CHECK(nd_dedup_add_sketch(d, &sk, NULL) == ND_E_PARAM);
    nd_dedup_destroy(d);
    nd_params_destroy(p);
    for (int i = 0; i < N; i++)
        free(t[i]);
}

/* nd_dedup_estimate_memory follows the SimHash layout (tables, fingerprint, no
 * signature under --fast): within the growth slack of what a deduplicator holds
 * once every document is added (the estimate adds the run's own arrays). */
static void test_memory_estimate(void)
{
    enum { N = 2000 };
    for (unsigned k = 0; k <= ND_SIMHASH_MAX_K; k += 4)
        for (int verify = 0; verify < 2; verify++) {
            nd_params *p;
            nd_dedup *d;
            ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
            ND_CHECK(nd_params_set(p, ND_P_METHOD, ND_METHOD_SIMHASH) == ND_OK &&
                     nd_params_set(p, ND_P_SIMHASH_K, k) == ND_OK &&
                     nd_params_set(p, ND_P_VERIFY, verify) == ND_OK &&
                     /* its words hold digits: no template, which the
                      * estimate counts (16 bytes a document) */
                     nd_params_set(p, ND_P_TEMPLATES, ND_TEMPLATES_OFF) == ND_OK);
            ND_CHECK(nd_dedup_create(&d, p, NULL) == ND_OK);
            for (int i = 0; d && i < N; i++) {
                char *t = words(i * 100, i * 100 + 100);
                ND_CHECK(nd_dedup_add(d, t, strlen(t), NULL) == ND_OK);
                free(t);
            }
            if (d) {
                const double held = (double)nd_dedup_memory(d);
                const double est = (double)nd_dedup_estimate_memory(p, N, 96);
                /* the run's arrays: 3 x 4 bytes and a 12-byte member a document */
                const double at_add = est - (double)N * 24;
                ND_CHECK_MSG(held >= 0.9 * at_add && held <= 1.6 * est,
                             "k %u verify %d: held %.0f, estimated %.0f", k, verify, held, est);
            }
            nd_dedup_destroy(d);
            nd_params_destroy(p);
        }
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, g_seed);
    printf("test_simhash: seed %" PRIu64 "\n", g_seed);
    ND_RUN(test_hamming);
    ND_RUN(test_simhash_basic);
    ND_RUN(test_keys_guarantee);
    ND_RUN(test_keys_distinct);
    ND_RUN(test_known_answers);
    ND_RUN(test_worker);
    ND_RUN(test_dedup);
    ND_RUN(test_memory_estimate);
    return nd_test_end("test_simhash");
}

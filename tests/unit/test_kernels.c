/*
 * test_kernels.c - every SIMD kernel this CPU can run gives output identical
 * to its scalar reference: MinHash KPERM (scalar, AVX2, AVX-512) on seeded
 * random shingle sets of many sizes and every k from 1 to 1024 that matters
 * (all of 1..80, then a spread up to 1024, multiples of 8 and not), and the
 * automatic choice; the shingle-set sort-unique against nd_sort_unique_u64;
 * the tokeniser's 8-bytes-at-a-time ASCII lowercasing against the Unicode
 * path. Randomised: --seed N, printed.
 */
#include <inttypes.h>

#include "minhash/kernels.h"
#include "nd_test.h"

static nd_alloc_ctx g_a;
static uint64_t g_seed = 7;

/* Values that stress the 64-bit products: random, and runs of extremes. */
static uint64_t random_hash(uint64_t *s)
{
    const uint64_t r = nd_splitmix64(s);
    switch (r & 15) {
    case 0: return 0;
    case 1: return UINT64_MAX;
    case 2: return r >> 32;          /* high half zero */
    case 3: return r << 32;          /* low half zero */
    case 4: return UINT64_MAX - (r & 0xFFFF);
    default: return nd_splitmix64(s);
    }
}

static int compare_kernel(int id, unsigned k, const uint64_t *h, size_t n, uint64_t pseed)
{
    nd_perms p;
    if (nd_perms_init(&p, &g_a, k, ND_SCHEME_KPERM, pseed) != ND_OK) {
        ND_CHECK(!"nd_perms_init");
        return 0;
    }
    if (k % 5 == 0 && k > 0) {  /* extreme coefficients for some k */
        p.a[0] = UINT64_MAX;
        p.b[0] = UINT64_MAX;
        p.a[k - 1] = 1;
        p.b[k - 1] = 0;
    }
    uint32_t ref[1024], got[1024];
    memset(got, 0xA5, sizeof got);
    nd_kperm_scalar(&p, h, n, ref);
    const nd_kperm_fn f = nd_kperm_kernel(id);
    f(&p, h, n, got);
    int ok = memcmp(ref, got, k * sizeof ref[0]) == 0;
    /* Nothing written past k. */
    for (unsigned i = k; i < 1024 && ok; i++)
        ok = got[i] == 0xA5A5A5A5u;
    ND_CHECK_MSG(ok, "kernel %s differs from scalar: k %u, n %zu, seed %" PRIu64,
                 nd_kernel_name(id), k, n, g_seed);
    nd_perms_free(&p, &g_a);
    return ok;
}

static void test_kperm_identical(void)
{
    static const size_t sizes[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 100, 257,
                                   1000, 4099};
    uint64_t *h = malloc(4099 * sizeof *h);
    uint64_t s = g_seed;
    unsigned ks[160];
    unsigned nk = 0;
    for (unsigned k = 1; k <= 80; k++)
        ks[nk++] = k;
    for (unsigned k = 81; k <= 1024; k += 13 + (k & 7))
        ks[nk++] = k;
    ks[nk++] = 128;
    ks[nk++] = 256;
    ks[nk++] = 1023;
    ks[nk++] = 1024;
    int tested = 0;
    for (int id = 0; id < ND_KERNEL_COUNT; id++) {
        if (!nd_kernel_supported(id)) {
            printf("test_kernels: %s: not supported on this CPU, skipped\n", nd_kernel_name(id));
            continue;
        }
        int cases = 0, failures = 0;
        for (unsigned q = 0; q < nk; q++) {
            for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
                const size_t n = sizes[z];
                if (n > 300 && ks[q] % 7 != 0 && ks[q] != 128)
                    continue;  /* keep the run short: big sets for a subset of k */
                for (size_t j = 0; j < n; j++)
                    h[j] = random_hash(&s);
                failures += !compare_kernel(id, ks[q], h, n, nd_splitmix64(&s));
                cases++;
            }
        }
        tested++;
        printf("test_kernels: kperm %s: %d cases compared with scalar, %d differ "
               "(seed %" PRIu64 ")\n", nd_kernel_name(id), cases, failures, g_seed);
    }
    ND_CHECK(tested >= 1);
    free(h);
}

/* nd_perms_init picks the best kernel and nd_minhash uses it; forcing an
 * unsupported kernel is refused. */
static void test_dispatch(void)
{
    nd_perms p;
    ND_CHECK(nd_perms_init(&p, &g_a, 128, ND_SCHEME_KPERM, 1) == ND_OK);
    ND_CHECK(p.kperm == nd_kperm_kernel(nd_kernel_best()));
    printf("test_kernels: this CPU uses the %s kernel\n", nd_kernel_name(nd_kernel_best()));
    uint64_t h[50];
    uint64_t s = g_seed;
    for (int j = 0; j < 50; j++)
        h[j] = nd_splitmix64(&s);
    uint32_t ref[128], got[128];
    nd_kperm_scalar(&p, h, 50, ref);
    for (int id = 0; id < ND_KERNEL_COUNT; id++) {
        const nd_status st = nd_perms_force_kernel(&p, id);
        ND_CHECK((st == ND_OK) == (nd_kernel_supported(id) != 0));
        if (st != ND_OK)
            continue;
        nd_minhash(&p, h, 50, got);
        ND_CHECK_MSG(memcmp(ref, got, sizeof ref) == 0, "nd_minhash with %s",
                     nd_kernel_name(id));
    }
    ND_CHECK(nd_perms_force_kernel(&p, ND_KERNEL_COUNT) == ND_E_PARAM);
    ND_CHECK(nd_perms_force_kernel(&p, -1) == ND_E_PARAM);
    ND_CHECK(nd_kernel_supported(ND_KERNEL_SCALAR));
    ND_CHECK(nd_kernel_from_name("avx2") == ND_KERNEL_AVX2);
    ND_CHECK(nd_kernel_from_name("sse9") == -1);
    nd_perms_free(&p, &g_a);
}

/* nd_hashes_sort_unique gives what nd_sort_unique_u64 gives: uniform values,
 * many duplicates, all equal, values crowded into a few top-bit buckets. */
static void test_sort_unique_identical(void)
{
    static const size_t sizes[] = {0, 1, 2, 63, 64, 65, 100, 255, 1000, 4097, 20000, 100000};
    uint64_t *x = malloc(100000 * sizeof *x), *y = malloc(100000 * sizeof *y);
    uint64_t *tmp = malloc(100000 * sizeof *tmp);
    uint64_t s = g_seed;
    int cases = 0, failures = 0;
    for (int shape = 0; shape < 5; shape++) {
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            const size_t n = sizes[z];
            for (size_t i = 0; i < n; i++) {
                const uint64_t r = nd_splitmix64(&s);
                switch (shape) {
                case 0: x[i] = r; break;                                /* uniform */
                case 1: x[i] = (r % 37) * 0x9E3779B97F4A7C15ULL; break; /* duplicates */
                case 2: x[i] = 42; break;                               /* all equal */
                case 3: x[i] = r >> 20; break;                          /* one top bucket */
                default: x[i] = (r & 0xF000000000000000ULL) | (r % 1000); break;
                }
            }
            memcpy(y, x, n * sizeof *x);
            const size_t nx = nd_hashes_sort_unique(x, tmp, n);
            const size_t ny = nd_sort_unique_u64(y, tmp, n);
            const int ok = nx == ny && memcmp(x, y, nx * sizeof *x) == 0;
            ND_CHECK_MSG(ok, "sort-unique differs: shape %d, n %zu, seed %" PRIu64, shape, n,
                         g_seed);
            failures += !ok;
            cases++;
        }
    }
    printf("test_kernels: sort-unique: %d cases compared with nd_sort_unique_u64, %d differ "
           "(seed %" PRIu64 ")\n", cases, failures, g_seed);
    free(x);
    free(y);
    free(tmp);
}

/* The ASCII path of the tokeniser lowercases eight bytes at a time: on long
 * mixed-case tokens it gives what the Unicode (utf8proc) path gives. */
static void test_ascii_lowercase_identical(void)
{
    static const char pool[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    nd_text_buf fast, slow;
    nd_text_buf_init(&fast);
    nd_text_buf_init(&slow);
    uint64_t s = g_seed;
    char text[2048];
    int failures = 0;
    for (int iter = 0; iter < 300 && !failures; iter++) {
        size_t n = 0;
        while (n < 1900) {
            const size_t len = nd_splitmix64(&s) % 41;
            for (size_t i = 0; i < len; i++)
                text[n++] = pool[nd_splitmix64(&s) % (sizeof pool - 1)];
            text[n++] = nd_splitmix64(&s) % 3 ? ' ' : '.';
        }
        n -= nd_splitmix64(&s) % 2;  /* end inside a token or after it */
        const int ok = nd_text_tokenize(&fast, &g_a, text, n, 0) == ND_OK &&
                       nd_text_tokenize(&slow, &g_a, text, n, 1) == ND_OK &&
                       fast.norm.len == slow.norm.len &&
                       memcmp(fast.norm.data, slow.norm.data, fast.norm.len) == 0 &&
                       fast.tokens.len == slow.tokens.len &&
                       memcmp(fast.tokens.data, slow.tokens.data,
                              fast.tokens.len * sizeof(nd_token)) == 0;
        ND_CHECK_MSG(ok, "ASCII and Unicode paths differ: iteration %d, seed %" PRIu64, iter,
                     g_seed);
        failures += !ok;
    }
    printf("test_kernels: ascii lowercase: 300 texts compared with the Unicode path, %d differ "
           "(seed %" PRIu64 ")\n", failures, g_seed);
    nd_text_buf_free(&fast, &g_a);
    nd_text_buf_free(&slow, &g_a);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, g_seed);
    nd_alloc_init(&g_a, NULL);
    ND_RUN(test_kperm_identical);
    ND_RUN(test_dispatch);
    ND_RUN(test_sort_unique_identical);
    ND_RUN(test_ascii_lowercase_identical);
    return nd_test_end("test_kernels");
}

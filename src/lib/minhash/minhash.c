/*
 * minhash.c - shingle hashes, MinHash signatures and LSH band keys.
 *
 * DESIGN
 *   Shingle hash (sketch version 2): token hashes are XXH3-64 of the
 *   normalised token, so they are already uniform 64-bit values. The n of a
 *   window are combined as a polynomial S = sum t_j * P^(n-1-j) mod 2^64 and
 *   finished with the murmur3 64-bit finaliser (a bijection with full
 *   avalanche): h = fmix64(S + n * K). The polynomial rolls from one window to
 *   the next with two multiplications, so a shingle costs about a dozen
 *   instructions instead of an XXH3 pass over 40 bytes (18 instructions a
 *   byte of text). Two different windows collide only when the difference of
 *   their polynomials vanishes: for independent token hashes that has
 *   probability 2^-63 (P = 3 mod 4, so P - 1 loses one bit, the worst case,
 *   two swapped tokens). nd_shingle_hash computes one window directly; the
 *   tests check that the rolling form gives the same values.
 *
 *   Two MinHash schemes, both unbiased estimators of Jaccard resemblance:
 *   - KPERM (default): k permutations pi_i(h) = high 32 bits of (a_i * h + b_i)
 *     mod 2^64, a_i odd. Since h is a uniform 64-bit hash, multiply-shift is a
 *     2-universal family and its minimum behaves as a min-wise permutation;
 *     tests/unit/test_minhash.c measures the bias over 1,000+ set pairs.
 *     Cost: k multiply-adds per shingle, vectorised in kernels.c (scalar,
 *     AVX2, AVX-512, chosen at nd_perms_init for the CPU; identical output).
 *   - OPH: one permutation hashing with optimal densification (Shrivastava,
 *     ICML 2017): the shingle hash picks one of k bins (high bits) and competes
 *     there with its low 32 bits; an empty bin copies the value of the first
 *     non-empty bin met along a seeded probe sequence of its own. Cost: one
 *     update per shingle, plus densification. Higher variance on very short
 *     documents (fewer shingles than bins).
 *   Values are 32-bit: a spurious equality of two different minima has
 *   probability 2^-32 per position, far below the estimator's own error.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "minhash/kernels.h"

#define SH_P 0x9E3779B97F4A7C17ULL  /* odd, = 3 mod 4 */
#define SH_K 0xC2B2AE3D27D4EB4FULL

static inline uint64_t fmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
}

uint64_t nd_shingle_hash(const uint64_t *token_hashes, size_t n)
{
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = s * SH_P + token_hashes[i];
    return fmix64(s + (uint64_t)n * SH_K);
}

size_t nd_shingle_hashes(const nd_token *tok, size_t nt, size_t n, uint64_t *out)
{
    if (nt == 0)
        return 0;
    const size_t ns = nt < n ? 1 : nt - n + 1;
    const size_t width = nt < n ? nt : n;
    /* P^(width-1): the weight of the token leaving the window. */
    uint64_t top = 1, s = 0;
    for (size_t j = 0; j + 1 < width; j++)
        top *= SH_P;
    for (size_t j = 0; j < width; j++)
        s = s * SH_P + tok[j].hash;
    const uint64_t add = (uint64_t)width * SH_K;
    out[0] = fmix64(s + add);
    for (size_t i = 1; i < ns; i++) {
        s = (s - tok[i - 1].hash * top) * SH_P + tok[i + width - 1].hash;
        out[i] = fmix64(s + add);
    }
    return ns;
}

/* Sorting shingle hashes: they are uniform 64-bit values, so one counting
 * pass on the top B bits, with 2^B at least 2n buckets, leaves buckets of a
 * few values (about 5 at most for a few thousand values). They are finished
 * without a data-dependent branch: odd-even transposition passes of
 * branch-free compare-exchanges over the whole array, as many passes as the
 * largest bucket holds values (no exchange crosses a bucket: every value of
 * a bucket is below every value of the next). The LSD radix sort of
 * common/sort.c costs 6 passes over 2048 counters, too many for the few
 * hundred to few thousand shingles of a document, and insertion sort
 * mispredicts a branch about once a value. Larger inputs, and skewed ones
 * (a bucket of more than MAX_PASSES values: duplicates, a crafted input),
 * go to nd_sort_u64. Duplicates are dropped by a branch-free pass. */
static size_t unique_sorted(uint64_t *dst, const uint64_t *src, size_t n)
{
    if (n == 0)
        return 0;
    size_t k = 1;
    dst[0] = src[0];
    for (size_t i = 1; i < n; i++) {
        const uint64_t v = src[i];
        dst[k] = v;
        k += v != dst[k - 1];
    }
    return k;
}

size_t nd_shingles_set32(const uint64_t *sh, size_t n, uint32_t *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t v = (uint32_t)(sh[i] >> 32);
        if (m == 0 || out[m - 1] != v)
            out[m++] = v;
    }
    return m;
}

size_t nd_sketch_set32(const nd_sketch *sk, uint32_t *out)
{
    if (!sk->set32 || sk->set32_len > sk->num_shingles)
        return nd_shingles_set32(sk->shingles, sk->num_shingles, out);
    memcpy(out, sk->set32, sk->set32_len * sizeof *out);
    return sk->set32_len;
}

size_t nd_hashes_sort_unique(uint64_t *a, uint64_t *tmp, size_t n)
{
    enum { MAX_BITS = 13, MAX_PASSES = 12 };
    if (n < 32 || n > ((size_t)1 << (MAX_BITS - 1))) {
        nd_sort_u64(a, tmp, n);
        return unique_sorted(a, a, n);
    }
    unsigned bits = 5;
    while (((size_t)1 << bits) < 2 * n)
        bits++;
    const unsigned shift = 64 - bits;
    uint32_t start[(1u << MAX_BITS) + 1];
    memset(start, 0, ((1u << bits) + 1) * sizeof start[0]);
    for (size_t i = 0; i < n; i++)
        start[(a[i] >> shift) + 1]++;
    uint32_t most = 0;
    for (unsigned d = 1; d <= 1u << bits; d++) {
        most = start[d] > most ? start[d] : most;
        start[d] += start[d - 1];
    }
    if (most > MAX_PASSES) {
        nd_sort_u64(a, tmp, n);
        return unique_sorted(a, a, n);
    }
    for (size_t i = 0; i < n; i++)
        tmp[start[a[i] >> shift]++] = a[i];
    /* Odd-even transposition sorts m values in m rounds, whichever phase
     * comes first, so `most` rounds sort every bucket. */
    for (uint32_t pass = 0; most > 1 && pass < most; pass++) {
        for (size_t i = pass & 1; i + 1 < n; i += 2) {
            const uint64_t x = tmp[i], y = tmp[i + 1];
            const int sw = x > y;
            tmp[i] = sw ? y : x;
            tmp[i + 1] = sw ? x : y;
        }
    }
    return unique_sorted(a, tmp, n);
}

nd_status nd_perms_init(nd_perms *p, const nd_alloc_ctx *a, unsigned k, nd_scheme scheme,
                        uint64_t seed)
{
    p->k = k;
    p->scheme = scheme;
    p->seed = seed;
    p->kperm = nd_kperm_kernel(nd_kernel_best());
    p->a = nd_malloc(a, k * sizeof *p->a);
    p->b = nd_malloc(a, k * sizeof *p->b);
    if (!p->a || !p->b) {
        nd_perms_free(p, a);
        return ND_E_NOMEM;
    }
    uint64_t s = seed * 0xD1B54A32D192ED03ULL + 0x5EED;
    for (unsigned i = 0; i < k; i++) {
        p->a[i] = nd_splitmix64(&s) | 1;
        p->b[i] = nd_splitmix64(&s);
    }
    return ND_OK;
}

void nd_perms_free(nd_perms *p, const nd_alloc_ctx *a)
{
    nd_free(a, p->a);
    nd_free(a, p->b);
    p->a = p->b = NULL;
}

static void minhash_oph(const nd_perms *p, const uint64_t *h, size_t n, uint32_t *sig)
{
    const unsigned k = p->k;
    uint64_t filled[1024 / 64] = {0};
    for (unsigned i = 0; i < k; i++)
        sig[i] = UINT32_MAX;
    for (size_t j = 0; j < n; j++) {
        /* Re-mix so that bin and value are independent of the KPERM inputs. */
        const uint64_t x = (h[j] ^ p->b[0]) * p->a[0];
        const uint64_t y = x ^ (x >> 29);
        const unsigned bin = (unsigned)(((y >> 32) * (uint64_t)k) >> 32);
        const uint32_t v = (uint32_t)y;
        if (v < sig[bin] || !(filled[bin >> 6] >> (bin & 63) & 1))
            sig[bin] = v;
        filled[bin >> 6] |= 1ULL << (bin & 63);
    }
    if (n == 0)
        return;
    /* Optimal densification: each empty bin follows its own seeded probe
     * sequence until it meets a bin filled by a shingle (never a copy). */
    for (unsigned i = 0; i < k; i++) {
        if (filled[i >> 6] >> (i & 63) & 1)
            continue;
        uint64_t s = p->seed ^ ((uint64_t)i * 0x9E3779B97F4A7C15ULL);
        for (;;) {
            const unsigned j = (unsigned)(((nd_splitmix64(&s) >> 32) * (uint64_t)k) >> 32);
            if (filled[j >> 6] >> (j & 63) & 1) {
                sig[i] = sig[j];
                break;
            }
        }
    }
}

void nd_minhash(const nd_perms *p, const uint64_t *hashes, size_t n, uint32_t *sig)
{
    if (p->scheme == ND_SCHEME_OPH)
        minhash_oph(p, hashes, n, sig);
    else
        p->kperm(p, hashes, n, sig);
}

double nd_sig_similarity(const uint32_t *x, const uint32_t *y, unsigned k)
{
    unsigned eq = 0;
    for (unsigned i = 0; i < k; i++)
        eq += x[i] == y[i];
    return (double)eq / k;
}

uint64_t nd_band_key(const uint32_t *sig, unsigned band, unsigned rows)
{
    return XXH3_64bits_withSeed(sig + (size_t)band * rows, rows * sizeof *sig, band);
}

/*
 * kernels.c - MinHash KPERM kernels: scalar reference, AVX2, AVX-512.
 *
 * DESIGN
 *   KPERM computes, for k permutations and a set of n shingle hashes,
 *     sig[i] = min over x of hi32(a[i] * x + b[i] mod 2^64).
 *   Taking the high 32 bits is monotone, so the minimum of the 64-bit values
 *   followed by one final shift gives the same result: the vector kernels keep
 *   64-bit minima and produce identical signatures (tests/unit/test_kernels.c
 *   compares them with the scalar loop on seeded random inputs).
 *
 *   Register blocking: a block of permutations keeps its running minima in
 *   vector registers while the loop runs over all n shingles; the shingle
 *   array (8 bytes per shingle, a few KB per document) is read once per block
 *   from L1. Blocks are 32 permutations for AVX2 (8 ymm accumulators) and 64
 *   for AVX-512 (8 zmm accumulators plus 16 for a and b).
 *
 *   AVX2 has no 64-bit multiply-low: with a = aH 2^32 + aL, x = xH 2^32 + xL,
 *     a x mod 2^64 = aL xL + ((aH xL + aL xH) << 32),
 *   three _mm256_mul_epu32. Nor has it an unsigned 64-bit compare: the
 *   kernel adds 2^63 to b once (flipping the top bit of every value), so the
 *   signed _mm256_cmpgt_epi64 orders the values as unsigned ones, and removes
 *   the bias at the end. AVX-512 F+DQ has _mm512_mullo_epi64 and
 *   _mm512_min_epu64 and needs neither trick.
 *
 *   The vector kernels are compiled with __attribute__((target(...))), not
 *   global -m flags: the library runs on any x86-64 and nd_perms_init() picks
 *   the best kernel with __builtin_cpu_supports (which also checks that the OS
 *   saves the wider registers). Other architectures build the scalar kernel
 *   only.
 */
#include "minhash/kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ND_X86_KERNELS 1
#include <immintrin.h>
#else
#define ND_X86_KERNELS 0
#endif

/* The reference for permutations [lo, hi). */
static void kperm_scalar_range(const nd_perms *p, const uint64_t *h, size_t n, uint32_t *sig,
                               unsigned lo, unsigned hi)
{
    for (unsigned i = lo; i < hi; i++)
        sig[i] = UINT32_MAX;
    for (size_t j = 0; j < n; j++) {
        const uint64_t x = h[j];
        for (unsigned i = lo; i < hi; i++) {
            const uint32_t v = (uint32_t)((p->a[i] * x + p->b[i]) >> 32);
            sig[i] = v < sig[i] ? v : sig[i];
        }
    }
}

void nd_kperm_scalar(const nd_perms *p, const uint64_t *h, size_t n, uint32_t *sig)
{
    kperm_scalar_range(p, h, n, sig, 0, p->k);
}

#if ND_X86_KERNELS

/* ---- AVX2 ----------------------------------------------------------------- */

/* One vector of 4 permutations: acc = min(acc, a x + b') with b' = b + 2^63,
 * compared as signed values (the bias makes that the unsigned order). */
#define AVX2_STEP(acc, a, ahi, bb)                                                   \
    do {                                                                             \
        const __m256i p0_ = _mm256_mul_epu32((a), x);                                \
        const __m256i cr_ = _mm256_add_epi64(_mm256_mul_epu32((ahi), x),             \
                                             _mm256_mul_epu32((a), xhi));            \
        const __m256i v_ = _mm256_add_epi64(_mm256_add_epi64(p0_, (bb)),             \
                                            _mm256_slli_epi64(cr_, 32));             \
        (acc) = _mm256_blendv_epi8((acc), v_, _mm256_cmpgt_epi64((acc), v_));        \
    } while (0)

/* Writes the high 32 bits of the unbiased minima of one vector to sig[0..4). */
__attribute__((target("avx2"))) static inline void avx2_store(uint32_t *sig, __m256i acc)
{
    uint64_t t[4];
    acc = _mm256_xor_si256(acc, _mm256_set1_epi64x(INT64_MIN));
    _mm256_storeu_si256((__m256i *)t, _mm256_srli_epi64(acc, 32));
    for (int l = 0; l < 4; l++)
        sig[l] = (uint32_t)t[l];
}

__attribute__((target("avx2"))) static void kperm_avx2(const nd_perms *p, const uint64_t *h,
                                                       size_t n, uint32_t *sig)
{
    enum { V = 8 };  /* vectors per block: 32 permutations */
    const unsigned k = p->k;
    const __m256i bias = _mm256_set1_epi64x(INT64_MIN);
    const __m256i top = _mm256_set1_epi64x(INT64_MAX);  /* biased UINT64_MAX */
    unsigned i = 0;
    for (; i + 4 * V <= k; i += 4 * V) {
        __m256i a[V], ahi[V], bb[V], acc[V];
        for (int v = 0; v < V; v++) {
            a[v] = _mm256_loadu_si256((const __m256i *)(p->a + i + 4 * v));
            ahi[v] = _mm256_srli_epi64(a[v], 32);
            bb[v] = _mm256_add_epi64(_mm256_loadu_si256((const __m256i *)(p->b + i + 4 * v)),
                                     bias);
            acc[v] = top;
        }
        for (size_t j = 0; j < n; j++) {
            const __m256i x = _mm256_set1_epi64x((long long)h[j]);
            const __m256i xhi = _mm256_set1_epi64x((long long)(h[j] >> 32));
            AVX2_STEP(acc[0], a[0], ahi[0], bb[0]);
            AVX2_STEP(acc[1], a[1], ahi[1], bb[1]);
            AVX2_STEP(acc[2], a[2], ahi[2], bb[2]);
            AVX2_STEP(acc[3], a[3], ahi[3], bb[3]);
            AVX2_STEP(acc[4], a[4], ahi[4], bb[4]);
            AVX2_STEP(acc[5], a[5], ahi[5], bb[5]);
            AVX2_STEP(acc[6], a[6], ahi[6], bb[6]);
            AVX2_STEP(acc[7], a[7], ahi[7], bb[7]);
        }
        for (int v = 0; v < V; v++)
            avx2_store(sig + i + 4 * v, acc[v]);
    }
    for (; i + 4 <= k; i += 4) {  /* whole vectors left over */
        const __m256i a = _mm256_loadu_si256((const __m256i *)(p->a + i));
        const __m256i ahi = _mm256_srli_epi64(a, 32);
        const __m256i bb = _mm256_add_epi64(_mm256_loadu_si256((const __m256i *)(p->b + i)),
                                            bias);
        __m256i acc = top;
        for (size_t j = 0; j < n; j++) {
            const __m256i x = _mm256_set1_epi64x((long long)h[j]);
            const __m256i xhi = _mm256_set1_epi64x((long long)(h[j] >> 32));
            AVX2_STEP(acc, a, ahi, bb);
        }
        avx2_store(sig + i, acc);
    }
    kperm_scalar_range(p, h, n, sig, i, k);  /* k % 4 permutations */
}

/* ---- AVX-512 (F + DQ) ------------------------------------------------------- */

/* Writes the high 32 bits of the first `lanes` minima of one vector. */
__attribute__((target("avx512f,avx512dq"))) static inline void avx512_store(uint32_t *sig,
                                                                            __m512i acc,
                                                                            unsigned lanes)
{
    uint32_t t[8];
    _mm256_storeu_si256((__m256i *)t, _mm512_cvtepi64_epi32(_mm512_srli_epi64(acc, 32)));
    memcpy(sig, t, lanes * sizeof t[0]);
}

__attribute__((target("avx512f,avx512dq"))) static void kperm_avx512(const nd_perms *p,
                                                                     const uint64_t *h, size_t n,
                                                                     uint32_t *sig)
{
    enum { V = 8 };  /* vectors per block: 64 permutations */
    const unsigned k = p->k;
    const __m512i top = _mm512_set1_epi64(-1);
    unsigned i = 0;
    for (; i + 8 * V <= k; i += 8 * V) {
        __m512i a[V], b[V], acc[V];
        for (int v = 0; v < V; v++) {
            a[v] = _mm512_loadu_si512(p->a + i + 8 * v);
            b[v] = _mm512_loadu_si512(p->b + i + 8 * v);
            acc[v] = top;
        }
        for (size_t j = 0; j < n; j++) {
            const __m512i x = _mm512_set1_epi64((long long)h[j]);
#define AVX512_STEP(v) \
    acc[v] = _mm512_min_epu64(acc[v], _mm512_add_epi64(_mm512_mullo_epi64(a[v], x), b[v]))
            AVX512_STEP(0);
            AVX512_STEP(1);
            AVX512_STEP(2);
            AVX512_STEP(3);
            AVX512_STEP(4);
            AVX512_STEP(5);
            AVX512_STEP(6);
            AVX512_STEP(7);
#undef AVX512_STEP
        }
        for (int v = 0; v < V; v++)
            avx512_store(sig + i + 8 * v, acc[v], 8);
    }
    for (; i < k; i += 8) {  /* whole and partial vectors left over (masked loads) */
        const unsigned lanes = k - i < 8 ? k - i : 8;
        const __mmask8 m = (__mmask8)((1u << lanes) - 1);
        const __m512i a = _mm512_maskz_loadu_epi64(m, p->a + i);
        const __m512i b = _mm512_maskz_loadu_epi64(m, p->b + i);
        __m512i acc = top;
        for (size_t j = 0; j < n; j++) {
            const __m512i x = _mm512_set1_epi64((long long)h[j]);
            acc = _mm512_min_epu64(acc, _mm512_add_epi64(_mm512_mullo_epi64(a, x), b));
        }
        avx512_store(sig + i, acc, lanes);
    }
}

#endif /* ND_X86_KERNELS */

/* ---- choice ------------------------------------------------------------------ */

static const char *const k_names[ND_KERNEL_COUNT] = {"scalar", "avx2", "avx512"};

const char *nd_kernel_name(int id)
{
    return id >= 0 && id < ND_KERNEL_COUNT ? k_names[id] : "?";
}

int nd_kernel_from_name(const char *name)
{
    for (int id = 0; id < ND_KERNEL_COUNT; id++)
        if (strcmp(name, k_names[id]) == 0)
            return id;
    return -1;
}

int nd_kernel_supported(int id)
{
    switch (id) {
    case ND_KERNEL_SCALAR:
        return 1;
#if ND_X86_KERNELS
    case ND_KERNEL_AVX2:
        return __builtin_cpu_supports("avx2") != 0;
    case ND_KERNEL_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#endif
    default:
        return 0;
    }
}

int nd_kernel_best(void)
{
    for (int id = ND_KERNEL_COUNT - 1; id > 0; id--)
        if (nd_kernel_supported(id))
            return id;
    return ND_KERNEL_SCALAR;
}

nd_kperm_fn nd_kperm_kernel(int id)
{
    if (!nd_kernel_supported(id))
        return NULL;
    switch (id) {
#if ND_X86_KERNELS
    case ND_KERNEL_AVX2:
        return kperm_avx2;
    case ND_KERNEL_AVX512:
        return kperm_avx512;
#endif
    default:
        return nd_kperm_scalar;
    }
}

nd_status nd_perms_force_kernel(nd_perms *p, int id)
{
    const nd_kperm_fn f = nd_kperm_kernel(id);
    if (!f)
        return ND_E_PARAM;
    p->kperm = f;
    return ND_OK;
}

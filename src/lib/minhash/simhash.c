/*
 * simhash.c - 64-bit SimHash fingerprints and their permuted-table keys.
 *
 * DESIGN
 *   Fingerprint (Charikar, STOC 2002; Manku, Jain and Das Sarma, WWW 2007).
 *   Every shingle is a feature, and its shingle hash (already a uniform 64-bit
 *   value: minhash.c finishes it with fmix64) is the feature's hash. Bit i of
 *   the fingerprint is set when the shingles with bit i set weigh strictly
 *   more than half the total weight; a tie gives 0. Two fingerprints then
 *   differ in each bit with probability theta / pi, theta the angle between
 *   the documents' weighted shingle vectors: the Hamming distance estimates
 *   their cosine similarity.
 *
 *   Weights. The worker (dedup/worker.c) gives every distinct shingle weight
 *   1: the fingerprint is then a function of the shingle set, like the MinHash
 *   signature and like the exact resemblance that verification measures, so
 *   its Hamming distance estimates the set cosine |A & B| / sqrt(|A| |B|),
 *   which for sets of equal size is 2J / (1 + J) of their Jaccard J. Counting
 *   a shingle's repeats (term frequency) was the other candidate; it was not
 *   chosen because it lets a repeated line (a menu, a footer) outweigh the
 *   text, which is the opposite of what deduplication wants, and because no
 *   corpus statistic (IDF) is at hand when a single document is sketched.
 *   nd_simhash still takes weights for callers that have their own.
 *
 *   Speed. The unweighted count is bit-sliced: eight 64-bit accumulators hold
 *   eight 8-bit counters each, acc[j] gaining (h >> j) & 0x0101..01, that is
 *   bits j, j+8, ..., j+56 of h in its eight byte lanes; they are emptied into
 *   64 counters every 255 shingles. Eight shift-and-add steps a shingle instead
 *   of 64, and the compiler vectorises them. nd_simhash_ref is the plain loop
 *   that the tests hold the fast one to.
 *
 *   Tables (nd_simhash_keys). Two fingerprints at Hamming distance <= k differ
 *   in at most k of m disjoint bit blocks, so they agree on at least m - k of
 *   them: one table for each choice of m - k blocks, keyed by the bits of the
 *   chosen blocks, finds every such pair (pigeonhole; Manku et al., section
 *   3). m grows with k to keep the keys long (selective) with at most 64
 *   tables:
 *       k      0   1   2   3   4   5   6   7   8
 *       m      1   4   5   6   7   8   8   9  10
 *       tables 1   4  10  20  35  56  28  36  45
 *       bits  64  48  38  32  27  24  16  14  12   (about, per key)
 *   (k = 3: Manku's 6 blocks choose 3, 20 tables of 32-bit keys.) Block i of m
 *   holds bits [s_i, s_i + l_i): the first 64 mod m blocks have one bit more.
 *   Tables are numbered in the lexicographic order of their chosen block sets.
 *   The key of table t is fmix64(t << 58 | x), x the chosen bits packed from
 *   the lowest block up (x < 2^48 for k >= 1; k = 0 has one table and x = fp):
 *   fmix64 is a bijection, so keys of different tables, or of different bits,
 *   never collide. Keys are comparable only between fingerprints keyed with
 *   the same k. Short keys (k >= 6) make large buckets on big corpora: every
 *   bucket pair is still checked, so they cost time, not results.
 */
#include "nd_internal.h"

static inline uint64_t fmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
}

unsigned nd_hamming(uint64_t x, uint64_t y)
{
    return (unsigned)__builtin_popcountll(x ^ y);
}

/* Fingerprint from per-bit weights of the shingles with the bit set, against
 * the total weight: bit i set when 2 * set[i] > total. */
static uint64_t from_counts(const uint64_t *set, uint64_t total)
{
    uint64_t fp = 0;
    for (unsigned i = 0; i < 64; i++)
        fp |= (uint64_t)(set[i] > total - set[i]) << i;
    return fp;
}

uint64_t nd_simhash_ref(const uint64_t *shingles, const uint32_t *weights, size_t n)
{
    /* 128-bit sums: n weights of up to 2^32 - 1 cannot overflow them. */
    __extension__ typedef unsigned __int128 u128;
    u128 set[64] = {0}, total = 0;
    for (size_t k = 0; k < n; k++) {
        const uint64_t w = weights ? weights[k] : 1;
        total += w;
        for (unsigned i = 0; i < 64; i++)
            set[i] += ((shingles[k] >> i) & 1) * w;
    }
    uint64_t fp = 0;
    for (unsigned i = 0; i < 64; i++)
        fp |= (uint64_t)(set[i] > total - set[i]) << i;
    return fp;
}

uint64_t nd_simhash(const uint64_t *shingles, const uint32_t *weights, size_t n)
{
    if (weights)
        return nd_simhash_ref(shingles, weights, n);
    const uint64_t lanes = 0x0101010101010101ULL;
    uint64_t cnt[64] = {0};
    size_t k = 0;
    while (k < n) {
        /* at most 255 shingles a round: a byte lane cannot overflow */
        const size_t end = n - k > 255 ? k + 255 : n;
        /* eight named accumulators: the compiler keeps them in registers */
        uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (; k < end; k++) {
            const uint64_t h = shingles[k];
            a0 += h & lanes;
            a1 += (h >> 1) & lanes;
            a2 += (h >> 2) & lanes;
            a3 += (h >> 3) & lanes;
            a4 += (h >> 4) & lanes;
            a5 += (h >> 5) & lanes;
            a6 += (h >> 6) & lanes;
            a7 += (h >> 7) & lanes;
        }
        const uint64_t acc[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
        for (unsigned j = 0; j < 8; j++)
            for (unsigned lane = 0; lane < 8; lane++)
                cnt[8 * lane + j] += (acc[j] >> (8 * lane)) & 0xFF;
    }
    return from_counts(cnt, (uint64_t)n);
}

/* Blocks for each k (DESIGN): m blocks; 64 tables at most. */
static const unsigned char k_blocks[ND_SIMHASH_MAX_K + 1] = {1, 4, 5, 6, 7, 8, 8, 9, 10};

unsigned nd_simhash_keys(uint64_t fp, unsigned k, uint64_t *keys)
{
    if (k > ND_SIMHASH_MAX_K)
        return 0;
    const unsigned m = k_blocks[k], r = m - k;  /* blocks, blocks chosen per table */
    unsigned start[16], len[16], idx[16];
    for (unsigned i = 0, s = 0; i < m; i++) {
        len[i] = 64 / m + (i < 64 % m);
        start[i] = s;
        s += len[i];
    }
    for (unsigned i = 0; i < r; i++)
        idx[i] = i;
    unsigned t = 0;
    for (;;) {
        uint64_t x = 0;
        unsigned off = 0;
        for (unsigned i = 0; i < r; i++) {
            const unsigned b = idx[i];
            const uint64_t mask = len[b] == 64 ? ~0ULL : (1ULL << len[b]) - 1;
            x |= ((fp >> start[b]) & mask) << off;
            off += len[b];
        }
        keys[t] = fmix64(((uint64_t)t << 58) | x);
        t++;
        /* next r-subset of {0..m-1} in lexicographic order */
        int i = (int)r - 1;
        while (i >= 0 && idx[i] == m - r + (unsigned)i)
            i--;
        if (i < 0)
            break;
        idx[i]++;
        for (unsigned j = (unsigned)i + 1; j < r; j++)
            idx[j] = idx[j - 1] + 1;
    }
    return t;
}

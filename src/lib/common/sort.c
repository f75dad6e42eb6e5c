/*
 * sort.c - radix sort of 64-bit values, used for shingle sets, band keys and
 * candidate pairs, and the lower bound in a sorted array of them; the same
 * for 32-bit values (term ids). LSD radix
 * with 11-bit digits: 6 passes at most, each pass skipped when every value
 * has the same digit (small sets and keys with zero high bits sort in fewer
 * passes). Below 64 values an insertion sort is faster.
 */
#include "nd_internal.h"

/* One radix sort for each width: NAME sorts T values of WIDTH bits. */
#define ND_RADIX_SORT(NAME, T, WIDTH)                                                   \
    void NAME(T *a, T *tmp, size_t n)                                                   \
    {                                                                                   \
        if (n < 64) { /* insertion sort */                                              \
            for (size_t i = 1; i < n; i++) {                                            \
                const T v = a[i];                                                       \
                size_t j = i;                                                           \
                while (j > 0 && a[j - 1] > v) {                                         \
                    a[j] = a[j - 1];                                                    \
                    j--;                                                                \
                }                                                                       \
                a[j] = v;                                                               \
            }                                                                           \
            return;                                                                     \
        }                                                                               \
        enum { BITS = 11, R = 1u << BITS, MASK = R - 1 };                               \
        size_t count[R];                                                                \
        T *src = a, *dst = tmp;                                                         \
        for (unsigned shift = 0; shift < (WIDTH); shift += BITS) {                      \
            memset(count, 0, R * sizeof count[0]);                                      \
            for (size_t i = 0; i < n; i++)                                              \
                count[(src[i] >> shift) & MASK]++;                                      \
            if (count[(src[0] >> shift) & MASK] == n)                                   \
                continue; /* every value has this digit: nothing to do */               \
            size_t sum = 0;                                                             \
            for (size_t d = 0; d < R; d++) {                                            \
                const size_t c = count[d];                                              \
                count[d] = sum;                                                         \
                sum += c;                                                               \
            }                                                                           \
            for (size_t i = 0; i < n; i++)                                              \
                dst[count[(src[i] >> shift) & MASK]++] = src[i];                        \
            T *t = src;                                                                 \
            src = dst;                                                                  \
            dst = t;                                                                    \
        }                                                                               \
        if (src != a)                                                                   \
            memcpy(a, src, n * sizeof *a);                                              \
    }

ND_RADIX_SORT(nd_sort_u64, uint64_t, 64)
ND_RADIX_SORT(nd_sort_u32, uint32_t, 32)

size_t nd_sort_unique_u64(uint64_t *a, uint64_t *tmp, size_t n)
{
    nd_sort_u64(a, tmp, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || a[i] != a[k - 1])
            a[k++] = a[i];
    return k;
}

#define ND_LOWER_BOUND(NAME, T)                                                         \
    size_t NAME(const T *a, size_t n, T x)                                              \
    {                                                                                   \
        size_t lo = 0, hi = n;                                                          \
        while (lo < hi) {                                                               \
            const size_t mid = lo + (hi - lo) / 2;                                      \
            if (a[mid] < x)                                                             \
                lo = mid + 1;                                                           \
            else                                                                        \
                hi = mid;                                                               \
        }                                                                               \
        return lo;                                                                      \
    }

ND_LOWER_BOUND(nd_lower_bound_u64, uint64_t)
ND_LOWER_BOUND(nd_lower_bound_u32, uint32_t)

/*
 * relate.c - the figures and the relation of two documents from their
 * shared count: one home for nd_dedup (batch) and nd_index (one document at
 * a time), so both give the same numbers bit for bit.
 */
#include <math.h>

#include "nd_internal.h"

size_t nd_intersect_merge_u32(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, c = 0;
    while (i < na && j < nb) {
        const uint32_t x = a[i], y = b[j];
        c += x == y;
        i += x <= y;
        j += y <= x;
    }
    return c;
}

/* Each value of the small set looked for in the large one from where the last
 * was: doubling steps, then a binary search (O(ns log(nl / ns))). */
static size_t intersect_gallop(const uint32_t *s, size_t ns, const uint32_t *l, size_t nl)
{
    size_t c = 0, lo = 0;
    for (size_t i = 0; i < ns && lo < nl; i++) {
        const uint32_t x = s[i];
        size_t step = 1, hi = lo;
        while (hi < nl && l[hi] < x) {
            lo = hi + 1;
            hi += step;
            step *= 2;
        }
        if (hi > nl)
            hi = nl;
        while (lo < hi) {  /* the first of l[lo..hi) not below x */
            const size_t m = lo + (hi - lo) / 2;
            if (l[m] < x)
                lo = m + 1;
            else
                hi = m;
        }
        if (lo < nl && l[lo] == x) {
            c++;
            lo++;
        }
    }
    return c;
}

size_t nd_intersect_u32(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    /* a short document against one many times longer (a containment
     * candidate): galloping; otherwise the branch-free merge */
    if (na * 16 < nb)
        return intersect_gallop(a, na, b, nb);
    if (nb * 16 < na)
        return intersect_gallop(b, nb, a, na);
    return nd_intersect_merge_u32(a, na, b, nb);
}

nd_sim nd_sim_figures(const nd_params *p, double na, double nb, uint32_t count)
{
    nd_sim s;
    double inter;
    if (p->verify == ND_VERIFY_EXACT) {
        inter = (double)count;
        s.j = inter / (na + nb - inter);
    } else if (p->method == ND_METHOD_SIMHASH) {
        /* cos(pi h / 64) estimates the set cosine |A & B| / sqrt(|A| |B|) */
        const double c = cos(M_PI * (double)(64 - count) / 64.0);
        inter = c > 0 ? c * sqrt(na * nb) : 0.0;
        s.j = inter / (na + nb - inter);
    } else {
        s.j = (double)count / p->num_perm;
        inter = s.j * (na + nb) / (1.0 + s.j);
    }
    s.a_in_b = fmin(1.0, inter / na);
    s.b_in_a = fmin(1.0, inter / nb);
    return s;
}

nd_relation nd_relate(const nd_params *p, const nd_sim *s)
{
    if (s->j >= p->threshold)
        return ND_REL_NEAR;
    const double c = p->containment;
    if (c > 0) {
        if (s->a_in_b >= c && s->a_in_b >= s->b_in_a)
            return ND_REL_CONTAINED_IN;
        if (s->b_in_a >= c)
            return ND_REL_CONTAINS;
    }
    return ND_REL_NONE;
}

/*
 * nd_test_dedup.h - what the deduplication tests share (test_dedup,
 * test_simhash, test_dedup_dist): texts of numbered words, a document's
 * membership, and the comparison of two runs' results field by field (the
 * structures have padding, so never memcmp).
 */
#ifndef ND_TEST_DEDUP_H
#define ND_TEST_DEDUP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neardup.h"

/* "w<from> w<from+1> ... w<to-1>" (malloc'd) */
static inline char *words(int from, int to)
{
    char *t = malloc((size_t)(to - from) * 8 + 1);
    size_t k = 0;
    for (int i = from; i < to; i++)
        k += (size_t)sprintf(t + k, "%sw%d", i > from ? " " : "", i);
    t[k] = '\0';
    return t;
}

/* Document i's membership; rep UINT32_MAX when there is none. */
static inline nd_member member(const nd_dedup *d, size_t i)
{
    nd_member m;
    memset(&m, 0xFF, sizeof m);
    if (nd_dedup_member(d, i, &m) != ND_OK)
        m.rep = UINT32_MAX;
    return m;
}

static inline int same_member(const nd_member *a, const nd_member *b)
{
    return a->doc == b->doc && a->rep == b->rep && a->rel == b->rel &&
           a->resemblance == b->resemblance && a->doc_in_rep == b->doc_in_rep &&
           a->rep_in_doc == b->rep_in_doc;
}

/* The same pairs (both runs made with want_pairs). */
static inline int same_pairs(const nd_dedup *x, const nd_dedup *y)
{
    const nd_pair *pa, *pb;
    size_t na, nb;
    if (nd_dedup_pairs(x, &pa, &na) != ND_OK || nd_dedup_pairs(y, &pb, &nb) != ND_OK || na != nb)
        return 0;
    int ok = 1;
    for (size_t i = 0; i < na; i++)
        ok &= pa[i].a == pb[i].a && pa[i].b == pb[i].b && pa[i].rel == pb[i].rel &&
              pa[i].resemblance == pb[i].resemblance && pa[i].a_in_b == pb[i].a_in_b &&
              pa[i].b_in_a == pb[i].b_in_a;
    return ok;
}

/* The same memberships of documents 0..n, the same clusters and, when
 * want_pairs, the same pairs. */
static inline int same_result(const nd_dedup *x, const nd_dedup *y, size_t n, int want_pairs)
{
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        const nd_member a = member(x, i), b = member(y, i);
        ok &= same_member(&a, &b);
    }
    if (want_pairs && !same_pairs(x, y))
        return 0;
    const nd_member *ma, *mb;
    const size_t *oa, *ob;
    size_t ca, cb;
    if (nd_dedup_clusters(x, &ma, &oa, &ca) != ND_OK ||
        nd_dedup_clusters(y, &mb, &ob, &cb) != ND_OK || ca != cb)
        return 0;
    for (size_t c = 0; c <= ca; c++)
        ok &= oa[c] == ob[c];
    for (size_t i = 0; ok && i < oa[ca]; i++)
        ok &= same_member(&ma[i], &mb[i]);
    return ok;
}

#endif

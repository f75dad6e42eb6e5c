/*
 * test_dedup.c - clustering: exact units, near-duplicates, containment, no
 * chaining, survivor policies, pairs, custom allocators and allocation
 * failures, state errors.
 */
#include <inttypes.h>
#include <unistd.h>

#include "nd_internal.h"
#include "nd_test.h"
#include "nd_test_dedup.h"


static nd_dedup *make(nd_params *p, char **texts, size_t n, const nd_doc *docs)
{
    nd_dedup *d;
    if (nd_dedup_create(&d, p, NULL) != ND_OK)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (nd_dedup_add(d, texts[i], strlen(texts[i]), docs ? &docs[i] : NULL) != ND_OK)
            return NULL;
    if (nd_dedup_run(d, 1) != ND_OK)
        return NULL;
    return d;
}


/* J(A,B) = 0.90, J(B,C) = 0.86, J(A,C) = 0.78: C must not join A's cluster
 * through B. */
static void test_no_chaining(void)
{
    char *t[] = {words(0, 100), words(5, 105), words(12, 112), words(500, 600)};
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    nd_dedup *d = make(p, t, 4, NULL);
    ND_CHECK(d != NULL);
    if (d) {
        ND_CHECK(member(d, 0).rep == 0 && member(d, 0).rel == ND_REL_NONE);
        ND_CHECK(member(d, 1).rep == 0 && member(d, 1).rel == ND_REL_NEAR);
        ND_CHECK(member(d, 1).resemblance > 0.89 && member(d, 1).resemblance < 0.91);
        ND_CHECK(member(d, 2).rep == 2);
        ND_CHECK(member(d, 3).rep == 3);
        const nd_member *m;
        const size_t *off;
        size_t nc;
        ND_CHECK(nd_dedup_clusters(d, &m, &off, &nc) == ND_OK && nc == 1);
        /* Pairs: every verified candidate pair, including B-C. */
        const nd_pair *pr;
        size_t np;
        ND_CHECK(nd_dedup_pairs(d, &pr, &np) == ND_OK);
        int ab = 0, bc = 0, ac = 0;
        for (size_t i = 0; i < np; i++) {
            ab |= pr[i].a == 0 && pr[i].b == 1 && pr[i].rel == ND_REL_NEAR;
            bc |= pr[i].a == 1 && pr[i].b == 2 && pr[i].rel == ND_REL_NEAR;
            ac |= pr[i].a == 0 && pr[i].b == 2 && pr[i].rel == ND_REL_NEAR;
        }
        ND_CHECK(ab && bc && !ac);
        ND_CHECK(nd_dedup_add(d, "x", 1, NULL) == ND_E_STATE);
        ND_CHECK(nd_dedup_run(d, 0) == ND_E_STATE);
    }
    nd_dedup_destroy(d);
    nd_params_destroy(p);
    for (int i = 0; i < 4; i++)
        free(t[i]);
}

/* Exact copies (after normalisation) form one unit; empty documents match nothing. */
static void test_exact_and_empty(void)
{
    char *base = words(0, 50);
    char *upper = strdup(base);
    for (char *c = upper; *c; c++)
        *c = (char)(*c == 'w' ? 'W' : *c);
    char *t[] = {strdup(""), base, strdup("!!! ..."), upper, strdup(base)};
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    nd_dedup *d = make(p, t, 5, NULL);
    ND_CHECK(d != NULL);
    if (d) {
        ND_CHECK(member(d, 0).rep == 0 && member(d, 2).rep == 2);  /* empty: alone */
        ND_CHECK(member(d, 3).rep == 1 && member(d, 3).rel == ND_REL_EXACT);
        ND_CHECK(member(d, 4).rep == 1 && member(d, 4).rel == ND_REL_EXACT);
        nd_dedup_stats st;
        nd_dedup_get_stats(d, &st);
        ND_CHECK(st.docs == 5 && st.empty_docs == 2 && st.clusters == 1);
        ND_CHECK(st.exact_clusters == 1 && st.removed == 2);
        const nd_pair *pr;
        size_t np;
        ND_CHECK(nd_dedup_pairs(d, &pr, &np) == ND_OK && np == 3);  /* 1-3, 1-4, 3-4 */
    }
    nd_dedup_destroy(d);
    nd_params_destroy(p);
    for (int i = 0; i < 5; i++)
        free(t[i]);
}

/* ND_P_EXACT_ONLY: exact copies only. The near-duplicate (one word changed)
 * and the contained document stay alone; the exact copies cluster as in a
 * full run, with the same pairs; the empty documents match nothing; an
 * index refuses the parameter. */
static void test_exact_only(void)
{
    char *base = words(0, 60);
    char *upper = strdup(base);
    for (char *c = upper; *c; c++)
        *c = (char)(*c == 'w' ? 'W' : *c);
    char *near = words(0, 60);
    near[1] = 'x';
    char *t[] = {strdup(""), base, near, upper, words(0, 40), strdup(base), strdup("?!")};
    enum { N = sizeof t / sizeof t[0] };
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    nd_dedup *full = make(p, t, N, NULL);
    ND_CHECK(nd_params_set(p, ND_P_EXACT_ONLY, 1) == ND_OK);
    nd_dedup *d = make(p, t, N, NULL);
    ND_CHECK(d != NULL && full != NULL);
    if (d && full) {
        ND_CHECK(member(full, 2).rep == 1 && member(full, 2).rel == ND_REL_NEAR);
        ND_CHECK(member(full, 4).rep == 1 && member(full, 4).rel == ND_REL_CONTAINED_IN);
        for (size_t i = 0; i < N; i++) {
            const nd_member m = member(d, i);
            const int copy = i == 3 || i == 5;
            ND_CHECK_MSG(m.rep == (copy ? 1 : i) && m.rel == (copy ? ND_REL_EXACT : ND_REL_NONE),
                         "document %zu: rep %u rel %d", i, m.rep, (int)m.rel);
        }
        nd_dedup_stats st;
        nd_dedup_get_stats(d, &st);
        ND_CHECK(st.docs == N && st.empty_docs == 2 && st.clusters == 1 && st.removed == 2);
        ND_CHECK(st.candidates == 0 && st.bands == 0);
        const nd_pair *pr, *pf;
        size_t np, nf, ne = 0;
        ND_CHECK(nd_dedup_pairs(d, &pr, &np) == ND_OK && np == 3);
        ND_CHECK(nd_dedup_pairs(full, &pf, &nf) == ND_OK);
        for (size_t i = 0; i < nf; i++)
            if (pf[i].rel == ND_REL_EXACT) {
                ND_CHECK(ne < np && pr[ne].a == pf[i].a && pr[ne].b == pf[i].b &&
                         pr[ne].rel == ND_REL_EXACT);
                ne++;
            }
        ND_CHECK(ne == np);
    }
    nd_index *ix = NULL;
    char dir[] = "/tmp/nd_exact_only_XXXXXX";
    ND_CHECK(mkdtemp(dir) != NULL);
    ND_CHECK(rmdir(dir) == 0);
    ND_CHECK(nd_index_open(&ix, dir, p, ND_INDEX_CREATE, NULL) == ND_E_PARAM);
    ND_CHECK(ix && strstr(nd_index_errdetail(ix), "exact-only") != NULL);
    nd_index_close(ix);
    rmdir(dir);
    nd_dedup_destroy(d);
    nd_dedup_destroy(full);
    nd_params_destroy(p);
    for (size_t i = 0; i < N; i++)
        free(t[i]);
}

/* A document wholly inside a longer one, resemblance 0.74: contained-in. */
static void test_containment(void)
{
    char *t[] = {words(0, 100), words(0, 75)};
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_BANDS, 32) == ND_OK);  /* make them candidates surely */
    ND_CHECK(nd_params_set(p, ND_P_ROWS, 4) == ND_OK);
    nd_dedup *d = make(p, t, 2, NULL);
    ND_CHECK(d != NULL);
    if (d) {
        const nd_member m = member(d, 1);
        ND_CHECK(m.rep == 0 && m.rel == ND_REL_CONTAINED_IN);
        ND_CHECK(m.doc_in_rep == 1.0 && m.resemblance < 0.8);
        const nd_pair *pr;
        size_t np;
        ND_CHECK(nd_dedup_pairs(d, &pr, &np) == ND_OK && np == 1);
        ND_CHECK(np == 1 && pr[0].rel == ND_REL_CONTAINS && pr[0].b_in_a == 1.0);
    }
    nd_dedup_destroy(d);
    /* The short one first: it does not swallow the longer one. */
    char *u[] = {t[1], t[0]};
    d = make(p, u, 2, NULL);
    ND_CHECK(d != NULL);
    if (d) {
        ND_CHECK(member(d, 0).rep == 0 && member(d, 1).rep == 1);
        const nd_pair *pr;
        size_t np;
        ND_CHECK(nd_dedup_pairs(d, &pr, &np) == ND_OK && np == 1);
        ND_CHECK(np == 1 && pr[0].rel == ND_REL_CONTAINED_IN);
    }
    nd_dedup_destroy(d);
    /* Containment off. */
    ND_CHECK(nd_params_set(p, ND_P_CONTAINMENT, 0) == ND_OK);
    d = make(p, t, 2, NULL);
    ND_CHECK(d && member(d, 1).rep == 1);
    nd_dedup_destroy(d);
    nd_params_destroy(p);
    free(t[0]);
    free(t[1]);
}

static void test_survivor_policies(void)
{
    char *t[] = {words(0, 100), words(0, 104), words(0, 102)};
    nd_doc docs[3];
    memset(docs, 0, sizeof docs);
    docs[0].key = "2023-06-21";
    docs[0].key_len = 10;
    docs[1].key = "2023-06-20";
    docs[1].key_len = 10;
    /* docs[2] has no key: it comes last under key policies. */
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    const struct { nd_keep keep; uint32_t rep; } cases[] = {
        {ND_KEEP_FIRST, 0}, {ND_KEEP_LONGEST, 1}, {ND_KEEP_KEY_MIN, 1}, {ND_KEEP_KEY_MAX, 0}};
    for (size_t c = 0; c < 4; c++) {
        ND_CHECK(nd_params_set(p, ND_P_KEEP, cases[c].keep) == ND_OK);
        nd_dedup *d = make(p, t, 3, docs);
        ND_CHECK(d != NULL);
        if (d)
            for (size_t i = 0; i < 3; i++)
                ND_CHECK_MSG(member(d, i).rep == cases[c].rep, "keep %d doc %zu rep %u",
                             (int)cases[c].keep, i, member(d, i).rep);
        nd_dedup_destroy(d);
    }
    /* Numeric keys compare as numbers: 9 < 10. */
    docs[0].key = "9";
    docs[0].key_len = 1;
    docs[0].key_num = 9;
    docs[0].key_is_num = 1;
    docs[1].key = "10";
    docs[1].key_len = 2;
    docs[1].key_num = 10;
    docs[1].key_is_num = 1;
    ND_CHECK(nd_params_set(p, ND_P_KEEP, ND_KEEP_KEY_MAX) == ND_OK);
    nd_dedup *d = make(p, t, 3, docs);
    ND_CHECK(d && member(d, 0).rep == 1);
    nd_dedup_destroy(d);
    nd_params_destroy(p);
    for (int i = 0; i < 3; i++)
        free(t[i]);
}

/* A counting allocator that fails after `budget` allocations. */
typedef struct counting {
    long live, budget;
} counting;

static void *c_alloc(void *o, size_t n)
{
    counting *c = o;
    if (c->budget-- <= 0)
        return NULL;
    c->live++;
    return malloc(n);
}

static void c_free(void *o, void *p)
{
    counting *c = o;
    if (p)
        c->live--;
    free(p);
}

static void test_allocator_and_failures(void)
{
    char *t[] = {words(0, 100), words(5, 105), words(0, 100), words(300, 330)};
    int succeeded = 0;
    for (long budget = 0; budget < 400 && !succeeded; budget++) {
        counting c = {0, budget};
        const nd_allocator al = {c_alloc, c_free, &c};
        nd_params *p = NULL;
        nd_dedup *d = NULL;
        nd_status st = nd_params_create(&p, &al);
        if (st == ND_OK)
            st = nd_dedup_create(&d, p, &al);
        for (int i = 0; st == ND_OK && i < 4; i++)
            st = nd_dedup_add(d, t[i], strlen(t[i]), NULL);
        if (st == ND_OK)
            st = nd_dedup_run(d, 1);
        ND_CHECK(st == ND_OK || st == ND_E_NOMEM);
        if (st == ND_OK) {
            succeeded = 1;
            ND_CHECK(member(d, 1).rep == 0 && member(d, 2).rel == ND_REL_EXACT);
        }
        nd_dedup_destroy(d);
        nd_params_destroy(p);
        ND_CHECK_MSG(c.live == 0, "budget %ld: %ld blocks leaked", budget, c.live);
    }
    ND_CHECK(succeeded);
    for (int i = 0; i < 4; i++)
        free(t[i]);
}

/* Same input, same output: two runs agree on every member and pair. */
static void test_deterministic(void)
{
    enum { N = 300 };
    char *t[N];
    uint64_t s = 99;
    for (int i = 0; i < N; i++) {
        const int base = (int)(nd_splitmix64(&s) % 40) * 50;
        t[i] = words(base + (int)(nd_splitmix64(&s) % 6), base + 100);
    }
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    nd_dedup *a = make(p, t, N, NULL), *b = make(p, t, N, NULL);
    ND_CHECK(a && b);
    if (a && b) {
        for (size_t i = 0; i < N; i++)
            ND_CHECK(member(a, i).rep == member(b, i).rep &&
                     member(a, i).rel == member(b, i).rel);
        const nd_pair *pa, *pb;
        size_t na = 0, nb = 1;
        ND_CHECK(nd_dedup_pairs(a, &pa, &na) == ND_OK && nd_dedup_pairs(b, &pb, &nb) == ND_OK);
        ND_CHECK(na == nb && na > 0 && memcmp(pa, pb, na * sizeof *pa) == 0);
        /* Every member is verified against its representative. */
        for (size_t i = 0; i < N; i++) {
            const nd_member m = member(a, i);
            ND_CHECK(m.rep == i || m.resemblance >= 0.8 || m.doc_in_rep >= 0.9);
        }
    }
    nd_dedup_destroy(a);
    nd_dedup_destroy(b);
    nd_params_destroy(p);
    for (int i = 0; i < N; i++)
        free(t[i]);
}

/* A sketch's set32 (made by the worker) is what nd_dedup_add_sketch makes
 * from the shingles without it: the same members, pairs and containment. */
static void test_set32(void)
{
    enum { N = 300 };
    char *t[N];
    uint64_t s = 7;
    for (int i = 0; i < N; i++) {
        const int base = (int)(nd_splitmix64(&s) % 40) * 50;
        t[i] = words(base + (int)(nd_splitmix64(&s) % 6), base + 100 + (i % 3) * 40);
    }
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_THREADS, 1) == ND_OK);
    nd_dedup *a = make(p, t, N, NULL), *b = NULL;
    nd_worker *w = NULL;
    ND_CHECK(nd_dedup_create(&b, p, NULL) == ND_OK && nd_worker_create(&w, p, NULL) == ND_OK);
    size_t with = 0;
    for (size_t i = 0; b && w && i < N; i++) {
        nd_sketch sk;
        ND_CHECK(nd_worker_sketch(w, t[i], strlen(t[i]), &sk) == ND_OK);
        with += sk.set32 != NULL && sk.set32_len > 0;
        sk.set32 = NULL; /* nd_dedup_add_sketch makes it */
        ND_CHECK(nd_dedup_add_sketch(b, &sk, NULL) == ND_OK);
    }
    ND_CHECK_MSG(with == N, "%zu of %d sketches with a set", with, N);
    ND_CHECK(b && nd_dedup_run(b, 1) == ND_OK);
    if (a && b) {
        for (size_t i = 0; i < N; i++)
            ND_CHECK(member(a, i).rep == member(b, i).rep &&
                     member(a, i).rel == member(b, i).rel &&
                     member(a, i).resemblance == member(b, i).resemblance);
        const nd_pair *pa, *pb;
        size_t na = 0, nb = 1;
        ND_CHECK(nd_dedup_pairs(a, &pa, &na) == ND_OK && nd_dedup_pairs(b, &pb, &nb) == ND_OK);
        ND_CHECK(na == nb && na > 0 && memcmp(pa, pb, na * sizeof *pa) == 0);
    }
    nd_worker_destroy(w);
    nd_dedup_destroy(a);
    nd_dedup_destroy(b);
    nd_params_destroy(p);
    for (int i = 0; i < N; i++)
        free(t[i]);
}

/* Threads and a memory budget small enough to spill every few documents
 * change nothing in the result (seeded corpus of families of near-copies,
 * exact copies and extracts). */
static unsigned long long g_seed;

static void test_threads_and_spill(void)
{
    const unsigned long long seed = g_seed;
    enum { N = 400 };
    char *t[N];
    uint64_t s = seed;
    for (int i = 0; i < N; i++) {
        const int base = (int)(nd_splitmix64(&s) % 60) * 40;
        const int kind = (int)(nd_splitmix64(&s) % 4);
        const int from = base + (kind == 3 ? 15 : (int)(nd_splitmix64(&s) % 5));
        t[i] = words(from, base + (kind == 3 ? 105 : 120));
    }
    static const unsigned threads[] = {1, 2, 3};
    static const double memory[] = {0, 16384, 200000};
    for (int verify = 0; verify < 2; verify++)
        for (int keep = 0; keep < 2; keep++) {
            nd_params *p;
            ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
            ND_CHECK(nd_params_set(p, ND_P_VERIFY, verify) == ND_OK);
            ND_CHECK(nd_params_set(p, ND_P_KEEP, keep ? ND_KEEP_LONGEST : ND_KEEP_FIRST) ==
                     ND_OK);
            nd_dedup *ref = make(p, t, N, NULL);
            ND_CHECK(ref != NULL);
            nd_dedup_stats st;
            if (ref) {
                nd_dedup_get_stats(ref, &st);
                ND_CHECK(st.clusters > 10 && st.contained > 0 && st.spill_events == 0);
            }
            for (size_t ti = 0; ti < 3; ti++)
                for (size_t mi = 0; mi < 3; mi++) {
                    ND_CHECK(nd_params_set(p, ND_P_THREADS, threads[ti]) == ND_OK);
                    ND_CHECK(nd_params_set(p, ND_P_MEMORY, memory[mi]) == ND_OK);
                    nd_dedup *d = make(p, t, N, NULL);
                    ND_CHECK(d != NULL);
                    if (!d || !ref) {
                        nd_dedup_destroy(d);
                        continue;
                    }
                    nd_dedup_get_stats(d, &st);
                    ND_CHECK(memory[mi] == 0 ? st.spill_events == 0 : st.spill_events > 0);
                    if (!same_result(ref, d, N, 1))
                        fprintf(stderr, "differs: verify %d keep %d threads %u memory %g\n",
                                verify, keep, threads[ti], memory[mi]);
                    ND_CHECK(same_result(ref, d, N, 1));
                    nd_dedup_destroy(d);
                }
            nd_dedup_destroy(ref);
            nd_params_destroy(p);
        }
    for (int i = 0; i < N; i++)
        free(t[i]);
}

/* nd_dedup_estimate_memory agrees with what a deduplicator then holds (within
 * the 1.5x growth slack of its arrays): 2,000 documents of 96 shingles. */
static void test_memory_estimate(void)
{
    enum { N = 2000 };
    nd_dedup *d;
    ND_CHECK(nd_dedup_create(&d, NULL, NULL) == ND_OK);
    for (int i = 0; d && i < N; i++) {
        char *t = words(i * 100, i * 100 + 100);
        ND_CHECK(nd_dedup_add(d, t, strlen(t), NULL) == ND_OK);
        free(t);
    }
    if (d) {
        const double held = (double)nd_dedup_memory(d);
        const double est = (double)nd_dedup_estimate_memory(NULL, N, 96);
        printf("test_dedup: memory held %.0f, estimated %.0f bytes\n", held, est);
        ND_CHECK(held >= 0.9 * est && held <= 1.6 * est);
    }
    nd_dedup_destroy(d);
}

/* The galloping intersection (a set against one many times larger) gives the
 * plain merge's count, on random sets of many sizes and overlaps. */
static void test_intersect_gallop(void)
{
    uint64_t s = g_seed ^ 0x1A7E5EC7;
    static const size_t sizes[] = {0, 1, 2, 3, 7, 31, 100, 517, 4000, 20000};
    const size_t ns = sizeof sizes / sizeof sizes[0];
    uint32_t *a = malloc(20000 * sizeof *a), *b = malloc(20000 * sizeof *b);
    ND_CHECK(a && b);
    if (!a || !b) {
        free(a);
        free(b);
        return;
    }
    for (size_t x = 0; x < ns; x++)
        for (size_t y = 0; y < ns; y++)
            for (int round = 0; round < 3; round++) {
                /* values from a range the size of the larger set, so they overlap */
                const size_t na = sizes[x], nb = sizes[y];
                const uint32_t span = (uint32_t)(2 * (na > nb ? na : nb) + 2);
                uint32_t v = 0;
                for (size_t i = 0; i < na; i++)
                    a[i] = v += 1 + (uint32_t)(nd_splitmix64(&s) % (span / (na + 1) + 1));
                v = 0;
                for (size_t i = 0; i < nb; i++)
                    b[i] = v += 1 + (uint32_t)(nd_splitmix64(&s) % (span / (nb + 1) + 1));
                ND_CHECK(nd_intersect_u32(a, na, b, nb) == nd_intersect_merge_u32(a, na, b, nb));
                ND_CHECK(nd_intersect_u32(b, nb, a, na) == nd_intersect_merge_u32(a, na, b, nb));
                /* a subset of b: every value found */
                size_t k = 0;
                for (size_t i = 0; i < nb; i += 1 + (size_t)(nd_splitmix64(&s) % 20))
                    a[k++] = b[i];
                ND_CHECK(nd_intersect_u32(a, k, b, nb) == k);
            }
    free(a);
    free(b);
}

/* A brief inside a document ten times its length (resemblance about 0.1, far
 * below what the LSH bands propose) is found contained at the defaults, by
 * the containment sample; without it (ND_P_CONTAIN_SAMPLE 0) it is not. */
static void test_containment_sample(void)
{
    char *t[] = {words(0, 2000), words(700, 900), words(5000, 5300)};
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    nd_dedup *d = make(p, t, 3, NULL);
    ND_CHECK(d != NULL);
    if (d) {
        const nd_member m = member(d, 1);
        ND_CHECK(m.rep == 0 && m.rel == ND_REL_CONTAINED_IN && m.resemblance < 0.15);
        ND_CHECK(member(d, 2).rep == 2);
        nd_dedup_stats st;
        nd_dedup_get_stats(d, &st);
        ND_CHECK(st.cont_candidates == 1);
    }
    nd_dedup_destroy(d);
    /* A long document 95% inside one ten times longer: thousands of shingles,
     * where the need's first terms are far below the smallest double */
    char *in = words(10000, 13800), *out = words(90000, 90200);
    char *big = malloc(strlen(in) + strlen(out) + 2);
    ND_CHECK(big != NULL);
    if (big) {
        sprintf(big, "%s %s", in, out);
        char *u[] = {words(0, 40000), big};
        d = make(p, u, 2, NULL);
        ND_CHECK(d != NULL);
        if (d) {
            const nd_member m = member(d, 1);
            ND_CHECK_MSG(m.rep == 0 && m.rel == ND_REL_CONTAINED_IN && m.doc_in_rep > 0.94 &&
                             m.doc_in_rep < 0.96,
                         "4,000 words 95%% inside 40,000: rep %u rel %d", m.rep, (int)m.rel);
        }
        nd_dedup_destroy(d);
        free(u[0]);
    }
    free(big);
    free(in);
    free(out);
    ND_CHECK(nd_params_set(p, ND_P_CONTAIN_SAMPLE, 0) == ND_OK);
    d = make(p, t, 3, NULL);
    ND_CHECK(d && member(d, 1).rep == 1);
    nd_dedup_destroy(d);
    nd_params_destroy(p);
    for (int i = 0; i < 3; i++)
        free(t[i]);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, 20261123);
    printf("test_dedup: seed %llu (--seed N to change)\n", g_seed);
    ND_RUN(test_threads_and_spill);
    ND_RUN(test_memory_estimate);
    ND_RUN(test_no_chaining);
    ND_RUN(test_exact_and_empty);
    ND_RUN(test_exact_only);
    ND_RUN(test_containment);
    ND_RUN(test_containment_sample);
    ND_RUN(test_intersect_gallop);
    ND_RUN(test_survivor_policies);
    ND_RUN(test_allocator_and_failures);
    ND_RUN(test_deterministic);
    ND_RUN(test_set32);
    return nd_test_end("test_dedup");
}

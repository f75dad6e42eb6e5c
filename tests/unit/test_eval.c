/*
 * test_eval.c - unit tests of the pure pieces of `neardup eval` (eval.h): the
 * interval union behind plagdet's coverage, and the id table.
 *
 *   test_eval [NAME] [--seed N]
 *
 * The union is checked on hand-made cases and, on seeded random interval
 * sets, against a bitmap that marks every covered position.
 */
#include <stdint.h>

#include "eval/eval.h"
#include "nd_test.h"

static unsigned long long g_seed = 1;

/* xorshift64*: the test's only source of randomness. */
static uint64_t rnd(void)
{
    g_seed ^= g_seed >> 12;
    g_seed ^= g_seed << 25;
    g_seed ^= g_seed >> 27;
    return g_seed * 2685821657736338717ULL;
}

static void test_union_known(void)
{
    ND_CHECK(ev_union_len(NULL, 0) == 0);
    ev_ival one[] = { { 3, 10 } };
    ND_CHECK(ev_union_len(one, 1) == 7);
    /* overlapping and nested ranges count once; touching ones join */
    ev_ival v[] = { { 40, 100 }, { 0, 60 }, { 10, 20 }, { 100, 105 } };
    ND_CHECK(ev_union_len(v, 4) == 105);
    /* disjoint ranges add up; empty ones count nothing */
    ev_ival w[] = { { 50, 60 }, { 0, 5 }, { 7, 7 }, { 9, 3 }, { 5, 6 } };
    ND_CHECK(ev_union_len(w, 5) == 16);
    /* a range starting at 0 after empty ones */
    ev_ival z[] = { { 0, 0 }, { 0, 2 } };
    ND_CHECK(ev_union_len(z, 2) == 2);
    ev_ival big[] = { { 0, (uint64_t)1 << 62 }, { 5, 9 } };
    ND_CHECK(ev_union_len(big, 2) == (uint64_t)1 << 62);
}

static void test_union_random(void)
{
    enum { SPAN = 200, MAXN = 12 };
    for (int iter = 0; iter < 20000; iter++) {
        ev_ival v[MAXN];
        unsigned char mark[SPAN] = { 0 };
        const size_t n = (size_t)(rnd() % (MAXN + 1));
        for (size_t i = 0; i < n; i++) {
            v[i].lo = rnd() % SPAN;
            v[i].hi = v[i].lo + rnd() % (SPAN - v[i].lo + 1);
            for (uint64_t k = v[i].lo; k < v[i].hi; k++)
                mark[k] = 1;
        }
        uint64_t want = 0;
        for (size_t k = 0; k < SPAN; k++)
            want += mark[k];
        const uint64_t got = ev_union_len(v, n);
        ND_CHECK_MSG(got == want, "iteration %d: %llu, want %llu", iter,
                     (unsigned long long)got, (unsigned long long)want);
        if (got != want)
            return;
    }
}

static void test_ids(void)
{
    ev_ids t = { 0 };
    ND_CHECK(ev_ids_find(&t, "a", 1) == -1);
    char buf[16];
    for (int i = 0; i < 5000; i++) {
        const int n = snprintf(buf, sizeof buf, "id%d", i);
        ND_CHECK(ev_ids_get(&t, buf, (size_t)n) == i);
    }
    ND_CHECK(t.n == 5000);
    ND_CHECK(ev_ids_get(&t, "id17", 4) == 17);
    ND_CHECK(ev_ids_find(&t, "id4999", 6) == 4999);
    ND_CHECK(ev_ids_find(&t, "id5000", 6) == -1);
    /* ids are byte strings: a NUL byte is part of the id */
    ND_CHECK(ev_ids_get(&t, "a\0b", 3) == 5000);
    ND_CHECK(ev_ids_find(&t, "a", 1) == -1);
    size_t len;
    const char *s = ev_ids_str(&t, 5000, &len);
    ND_CHECK(len == 3 && memcmp(s, "a\0b", 3) == 0);
    ev_ids_free(&t);
    ND_CHECK(t.n == 0 && ev_ids_find(&t, "id1", 3) == -1);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, 1);
    if (!g_seed)
        g_seed = 1;   /* xorshift stays at 0 */
    printf("test_eval: seed %llu\n", g_seed);
    ND_RUN(test_union_known);
    ND_RUN(test_union_random);
    ND_RUN(test_ids);
    return nd_test_end("test_eval");
}

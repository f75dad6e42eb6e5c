/*
 * test_reuse_dist.c - nd_reuse_boilerplate_dist and nd_reuse_run_dist over 1
 * to 4 "processes" (threads, nd_test_comm.h): process 0's boilerplate
 * (segments, occurrences, every document's mask), passages, clusters and
 * counters are those of one nd_reuse given every text, for several
 * settings (boilerplate or not, sources, a date window, copies paired,
 * spilling, fetch rounds of many sizes) and shares of any length, empty
 * ones included (process 0's too); shares that do not tile the collection
 * are refused.
 */
#include <math.h>

#include "nd_internal.h"
#include "nd_test.h"
#include "nd_test_comm.h"

static unsigned long long g_seed;

enum { N = 300, NQUOTES = 25 };
static char *g_text[N];
static nd_reuse_doc g_meta[N];
static char g_src[N][8];

static nd_status text_fn(void *ctx, uint32_t doc, unsigned slot, const char **t, size_t *len)
{
    const uint32_t *share = ctx; /* [lo, hi) of the caller's process, or NULL */
    (void)slot;
    if (share && (doc < share[0] || doc >= share[1]))
        return ND_E_PARAM; /* asked for a text another process holds */
    *t = g_text[doc];
    *len = strlen(g_text[doc]);
    return ND_OK;
}

/* Texts of lines: a site header and a licence tail (boilerplate), body
 * sentences of random words with at most one quotation from a common pool, and copies
 * of earlier documents. */
static void make_corpus(void)
{
    uint64_t s = g_seed;
    static const char *head[] = {"Home | News | Sport | Weather", "Skip to main content",
                                 "Sign in to comment on this story", "Menu Search Subscribe",
                                 "Breaking news from the wire desk", "Listen to this article"};
    static const char *tail[] = {"Copyright 2026 Example Media. All rights reserved.",
                                 "Share this article on social media now.",
                                 "Read more stories like this one", "Follow us for updates"};
    char quote[NQUOTES][400];
    for (int q = 0; q < NQUOTES; q++) {
        size_t k = 0;
        for (int w = 0; w < 25 + q; w++)
            k += (size_t)snprintf(quote[q] + k, sizeof quote[q] - k, "%sq%dx%d", w ? " " : "",
                                  q, (int)(nd_splitmix64(&s) % 60));
    }
    for (int i = 0; i < N; i++) {
        memset(&g_meta[i], 0, sizeof g_meta[i]);
        g_meta[i].group = ND_NO_GROUP;
        if (nd_splitmix64(&s) % 4) {
            snprintf(g_src[i], sizeof g_src[i], "s%d", (int)(nd_splitmix64(&s) % 6));
            g_meta[i].source = g_src[i];
            g_meta[i].source_len = strlen(g_src[i]);
        }
        if (nd_splitmix64(&s) % 5) {
            g_meta[i].has_date = 1;
            g_meta[i].date = (double)(nd_splitmix64(&s) % 40);
        }
        if (i > 10 && nd_splitmix64(&s) % 12 == 0) { /* a copy of an earlier document */
            const int of = (int)(nd_splitmix64(&s) % (uint64_t)i);
            g_text[i] = strdup(g_text[of]);
            g_meta[i].group = g_meta[of].group == ND_NO_GROUP ? (uint32_t)of : g_meta[of].group;
            continue;
        }
        char *t = malloc(8192);
        size_t k = 0;
        if (nd_splitmix64(&s) % 3)
            k += (size_t)sprintf(t + k, "%s\n", head[nd_splitmix64(&s) % 6]);
        const int lines = 3 + (int)(nd_splitmix64(&s) % 8);
        const int at = (int)(nd_splitmix64(&s) % (uint64_t)(lines + 3)); /* its quotation */
        for (int l = 0; l < lines; l++) {
            if (l == at) {
                k += (size_t)sprintf(t + k, "\"%s\"\n", quote[nd_splitmix64(&s) % NQUOTES]);
                continue;
            }
            const int nw = 8 + (int)(nd_splitmix64(&s) % 30);
            for (int w = 0; w < nw; w++)
                k += (size_t)sprintf(t + k, "%sw%d", w ? " " : "",
                                     (int)(nd_splitmix64(&s) % 5000));
            k += (size_t)sprintf(t + k, ".\n");
        }
        if (nd_splitmix64(&s) % 2)
            k += (size_t)sprintf(t + k, "%s\n", tail[nd_splitmix64(&s) % 4]);
        else if (i % 37 == 5 || i % 37 == 6) /* a short tail two documents share */
            k += (size_t)sprintf(t + k, "Filed by desk %d.\n", i / 37);
        t[k] = '\0';
        g_text[i] = t;
    }
}

typedef struct cfg {
    int boiler, copies, same_source;
    double window, memory;
} cfg;

static nd_params *make_params(const cfg *c, unsigned threads)
{
    nd_params *p;
    if (nd_params_create(&p, NULL) != ND_OK)
        return NULL;
    if (nd_params_set(p, ND_P_PAIR_COPIES, c->copies) != ND_OK ||
        nd_params_set(p, ND_P_SAME_SOURCE, c->same_source) != ND_OK ||
        nd_params_set(p, ND_P_WINDOW, c->window) != ND_OK ||
        nd_params_set(p, ND_P_MEMORY, c->memory) != ND_OK ||
        nd_params_set(p, ND_P_MIN_WORDS, 10) != ND_OK ||
        nd_params_set(p, ND_P_THREADS, threads) != ND_OK) {
        nd_params_destroy(p);
        return NULL;
    }
    return p;
}

static nd_reuse *make_reuse(const nd_params *p)
{
    nd_reuse *r = NULL;
    if (nd_reuse_create(&r, p, NULL) != ND_OK)
        return NULL;
    for (int i = 0; i < N; i++)
        if (nd_reuse_add(r, &g_meta[i]) != ND_OK) {
            nd_reuse_destroy(r);
            return NULL;
        }
    return r;
}

typedef struct proc {
    hub *h;
    unsigned rank;
    const cfg *c;
    uint32_t share[2];
    nd_reuse *r;
    nd_status st;
} proc;

static void *proc_main(void *arg)
{
    proc *pr = arg;
    end e = {pr->h, pr->rank, 0};
    const nd_comm c = {pr->rank, pr->h->size, t_exchange, &e};
    nd_params *p = make_params(pr->c, 1 + pr->rank % 2); /* threads differ between them */
    pr->r = p ? make_reuse(p) : NULL;
    nd_params_destroy(p);
    pr->st = pr->r ? nd_reuse_set_share(pr->r, pr->share[0], pr->share[1]) : ND_E_NOMEM;
    if (pr->st == ND_OK && pr->c->boiler)
        pr->st = nd_reuse_boilerplate_dist(pr->r, &c, text_fn, pr->share);
    if (pr->st == ND_OK)
        pr->st = nd_reuse_run_dist(pr->r, &c, text_fn, pr->share);
    return NULL;
}

/* Runs on P threads with the given shares; process 0's nd_reuse (others
 * destroyed), each process's status in st. */
static nd_reuse *run_dist(const cfg *c, unsigned P, const uint32_t *cut, int fail_at,
                          nd_status *st)
{
    hub h;
    if (hub_open(&h, P, fail_at) != 0) {
        ND_CHECK(!"out of memory");
        return NULL;
    }
    proc pr[4];
    pthread_t th[4];
    for (unsigned r = 0; r < P; r++) {
        pr[r] = (proc){&h, r, c, {cut[r], cut[r + 1]}, NULL, ND_OK};
        pthread_create(&th[r], NULL, proc_main, &pr[r]);
    }
    for (unsigned r = 0; r < P; r++)
        pthread_join(th[r], NULL);
    for (unsigned r = 1; r < P; r++)
        nd_reuse_destroy(pr[r].r);
    for (unsigned r = 0; r < P; r++)
        st[r] = pr[r].st;
    hub_close(&h);
    return pr[0].r;
}

static int same_occ(const nd_occurrence *x, const nd_occurrence *y, size_t n)
{
    int ok = 1;
    for (size_t i = 0; i < n; i++)
        ok &= x[i].doc == y[i].doc && x[i].start == y[i].start && x[i].end == y[i].end &&
              x[i].words == y[i].words;
    return ok;
}

/* Field by field (the structures have padding). */
static int same_all(const nd_reuse *x, const nd_reuse *y, int boiler, char *why)
{
    const nd_passage *pa, *pb;
    size_t na = 0, nb = 0;
    if (nd_reuse_passages(x, &pa, &na) != ND_OK || nd_reuse_passages(y, &pb, &nb) != ND_OK ||
        na != nb)
        return sprintf(why, "passages: %zu, %zu", na, nb), 0;
    for (size_t i = 0; i < na; i++)
        if (pa[i].a != pb[i].a || pa[i].b != pb[i].b || pa[i].a_start != pb[i].a_start ||
            pa[i].a_end != pb[i].a_end || pa[i].b_start != pb[i].b_start ||
            pa[i].b_end != pb[i].b_end || pa[i].a_words != pb[i].a_words ||
            pa[i].b_words != pb[i].b_words || pa[i].matches != pb[i].matches ||
            pa[i].score != pb[i].score || pa[i].cluster != pb[i].cluster ||
            pa[i].earlier != pb[i].earlier)
            return sprintf(why, "passage %zu", i), 0;
    const nd_occurrence *oa, *ob;
    const size_t *fa, *fb;
    const uint32_t *ga, *gb;
    if (nd_reuse_clusters(x, &oa, &fa, &ga, &na) != ND_OK ||
        nd_reuse_clusters(y, &ob, &fb, &gb, &nb) != ND_OK || na != nb)
        return sprintf(why, "clusters"), 0;
    for (size_t c = 0; c < na; c++)
        if (fa[c + 1] != fb[c + 1] || ga[c] != gb[c] ||
            !same_occ(oa + fa[c], ob + fb[c], fa[c + 1] - fa[c]))
            return sprintf(why, "cluster %zu", c), 0;
    if (boiler) {
        const nd_boiler *ba, *bb;
        if (nd_reuse_boilers(x, &ba, &na) != ND_OK || nd_reuse_boilers(y, &bb, &nb) != ND_OK ||
            na != nb)
            return sprintf(why, "boilers: %zu, %zu", na, nb), 0;
        for (size_t i = 0; i < na; i++) {
            size_t n1, n2;
            if (ba[i].doc != bb[i].doc || ba[i].start != bb[i].start || ba[i].end != bb[i].end ||
                ba[i].words != bb[i].words || ba[i].docs != bb[i].docs ||
                ba[i].edge_docs != bb[i].edge_docs || ba[i].occurrences != bb[i].occurrences ||
                ba[i].top_source != bb[i].top_source ||
                ba[i].top_source_docs != bb[i].top_source_docs ||
                ba[i].sources != bb[i].sources ||
                nd_reuse_boiler_occurrences(x, i, &oa, &n1) != ND_OK ||
                nd_reuse_boiler_occurrences(y, i, &ob, &n2) != ND_OK || n1 != n2 ||
                !same_occ(oa, ob, n1))
                return sprintf(why, "boiler %zu", i), 0;
        }
        for (uint32_t d = 0; d < N; d++) {
            const nd_span *sa, *sb;
            size_t n1, n2;
            if (nd_reuse_doc_boilerplate(x, d, &sa, &n1) != ND_OK ||
                nd_reuse_doc_boilerplate(y, d, &sb, &n2) != ND_OK || n1 != n2)
                return sprintf(why, "mask of document %u", d), 0;
            for (size_t i = 0; i < n1; i++)
                if (sa[i].start != sb[i].start || sa[i].end != sb[i].end)
                    return sprintf(why, "mask of document %u", d), 0;
        }
    }
    nd_reuse_stats s, t;
    nd_reuse_get_stats(x, &s);
    nd_reuse_get_stats(y, &t);
    if (!(s.docs == t.docs && s.tokens == t.tokens && s.seeds == t.seeds &&
          s.seed_groups == t.seed_groups && s.rare_groups == t.rare_groups && s.hits == t.hits &&
          s.pairs == t.pairs && s.passages == t.passages && s.clusters == t.clusters &&
          s.segments == t.segments && s.boiler_segments == t.boiler_segments &&
          s.boiler_occurrences == t.boiler_occurrences))
        return sprintf(why, "counters"), 0;
    return 1;
}

/* Shares of random lengths, some empty: cut[0..P]. */
static void deal(uint32_t *cut, unsigned P, uint64_t *s)
{
    cut[0] = 0;
    cut[P] = N;
    for (unsigned r = 1; r < P; r++) {
        const uint32_t x = (uint32_t)(nd_splitmix64(s) % (N + 1));
        unsigned k = r;
        while (k > 1 && cut[k - 1] > x) { /* insertion: cut stays sorted */
            cut[k] = cut[k - 1];
            k--;
        }
        cut[k] = x;
    }
}

static void test_same_as_one_process(void)
{
    uint64_t s = g_seed ^ 0x5eed;
    const cfg cfgs[] = {
        {1, 0, 1, 0, 0},        /* the defaults: boilerplate, copies not paired */
        {0, 1, 1, 0, 0},        /* no boilerplate, copies paired */
        {1, 0, 0, 10, 0},       /* no pairs within a source, a 10-day window */
        {1, 0, 1, 0, 40000},    /* a budget: seeds and hits spill, rounds of 64 KiB */
    };
    for (size_t c = 0; c < sizeof cfgs / sizeof cfgs[0]; c++) {
        nd_params *p = make_params(&cfgs[c], 2);
        nd_reuse *ref = p ? make_reuse(p) : NULL;
        nd_params_destroy(p);
        ND_CHECK(ref != NULL);
        if (!ref)
            return;
        if (cfgs[c].boiler)
            ND_CHECK(nd_reuse_boilerplate(ref, text_fn, NULL) == ND_OK);
        ND_CHECK(nd_reuse_run(ref, text_fn, NULL) == ND_OK);
        nd_reuse_stats rs;
        nd_reuse_get_stats(ref, &rs);
        ND_CHECK_MSG(rs.passages > 50 && rs.clusters > 5 &&
                     (!cfgs[c].boiler || rs.boiler_segments >= 3),
                     "config %zu: %llu passages, %llu clusters, %llu boilerplate segments", c,
                     (unsigned long long)rs.passages, (unsigned long long)rs.clusters,
                     (unsigned long long)rs.boiler_segments);
        for (unsigned P = 1; P <= 5; P++) {
            uint32_t cut[5];
            const unsigned np = P == 5 ? 3 : P;
            deal(cut, np, &s);
            if (P == 5) /* process 0 holds nothing, process 1 the first half */
                cut[1] = 0, cut[2] = N / 2;
            nd_status st[4];
            nd_reuse *d = run_dist(&cfgs[c], np, cut, -1, st);
            for (unsigned r = 0; r < np; r++)
                ND_CHECK_MSG(st[r] == ND_OK, "config %zu, %u processes: process %u: %s", c, np,
                             r, d ? nd_reuse_errdetail(d) : nd_strerror(st[r]));
            char why[96] = "";
            const int same = d && st[0] == ND_OK && same_all(ref, d, cfgs[c].boiler, why);
            ND_CHECK_MSG(same, "config %zu, %u processes (shares cut at %u %u %u): %s", c, np,
                         cut[1], np > 2 ? cut[2] : N, np > 3 ? cut[3] : N, why);
            nd_reuse_destroy(d);
        }
        nd_reuse_destroy(ref);
    }
}

/* A transport that fails at any step fails the run everywhere. */
static void test_transport_error(void)
{
    const cfg c = {1, 0, 1, 0, 0};
    const uint32_t cut[4] = {0, 100, 200, N};
    for (int at = 0; at < 14; at += 3) {
        nd_status st[3];
        nd_reuse *d = run_dist(&c, 3, cut, at, st);
        for (unsigned r = 0; r < 3; r++)
            ND_CHECK_MSG(st[r] == ND_E_IO, "step %d, process %u: %d", at, r, st[r]);
        ND_CHECK(d && nd_reuse_errdetail(d)[0] != '\0');
        nd_reuse_destroy(d);
    }
}

/* Shares that leave a hole, overlap or come out of rank order are refused. */
static void test_bad_shares(void)
{
    const cfg c = {0, 0, 1, 0, 0};
    const uint32_t bad[][3] = {{0, 100, 100}, {0, 200, 100}};
    for (size_t k = 0; k < 2; k++) {
        hub h;
        if (hub_open(&h, 2, -1) != 0) {
            ND_CHECK(!"out of memory");
            return;
        }
        proc pr[2];
        pthread_t th[2];
        /* process 0 holds [0, bad[k][1]), process 1 [bad[k][2], N) */
        pr[0] = (proc){&h, 0, &c, {0, bad[k][1]}, NULL, ND_OK};
        pr[1] = (proc){&h, 1, &c, {bad[k][2], N - (k == 0 ? 1 : 0)}, NULL, ND_OK};
        for (unsigned r = 0; r < 2; r++)
            pthread_create(&th[r], NULL, proc_main, &pr[r]);
        for (unsigned r = 0; r < 2; r++)
            pthread_join(th[r], NULL);
        for (unsigned r = 0; r < 2; r++) {
            ND_CHECK_MSG(pr[r].st == ND_E_PARAM, "case %zu, process %u: %d", k, r, pr[r].st);
            ND_CHECK(pr[r].r && strstr(nd_reuse_errdetail(pr[r].r), "tile") != NULL);
            nd_reuse_destroy(pr[r].r);
        }
        hub_close(&h);
    }
    nd_reuse *r;
    ND_CHECK(nd_reuse_create(&r, NULL, NULL) == ND_OK);
    ND_CHECK(nd_reuse_add(r, NULL) == ND_OK);
    ND_CHECK(nd_reuse_set_share(r, 0, 2) == ND_E_PARAM);
    ND_CHECK(nd_reuse_set_share(r, 1, 0) == ND_E_PARAM);
    ND_CHECK(nd_reuse_set_share(r, 0, 1) == ND_OK);
    nd_reuse_destroy(r);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, 20261206);
    printf("test_reuse_dist: seed %llu (--seed N to change)\n", g_seed);
    make_corpus();
    ND_RUN(test_same_as_one_process);
    ND_RUN(test_transport_error);
    ND_RUN(test_bad_shares);
    for (int i = 0; i < N; i++)
        free(g_text[i]);
    return nd_test_end("test_reuse_dist");
}

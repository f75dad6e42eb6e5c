/*
 * test_dedup_dist.c - nd_dedup_run_dist over 1 to 4 "processes" (threads
 * exchanging through shared memory, the nd_comm a test can build without
 * MPI): process 0's clusters, members, pairs and counters are those of one
 * nd_dedup given every document, for both verifications, both methods, two
 * survivor policies, spilling, and documents dealt to processes in runs of
 * any length; a transport error fails the run on every process.
 */
#include "nd_internal.h"
#include "nd_test.h"
#include "nd_test_comm.h"
#include "nd_test_dedup.h"

static unsigned long long g_seed;

/* ---- the corpus and its deal ------------------------------------------- */


enum { N = 500 };
static char *g_text[N];
static char g_key[N][16];
static nd_doc g_doc[N];

typedef struct proc {
    hub *h;
    unsigned rank;
    const nd_params *p;
    const unsigned *owner;   /* process of each document */
    int want_pairs;
    nd_dedup *d;
    nd_status st;
} proc;

static void *proc_main(void *arg)
{
    proc *pr = arg;
    end e = {pr->h, pr->rank, 0};
    const nd_comm c = {pr->rank, pr->h->size, t_exchange, &e};
    uint32_t *gid = malloc(N * sizeof *gid);
    size_t n = 0;
    pr->st = nd_dedup_create(&pr->d, pr->p, NULL);
    for (uint32_t i = 0; i < N && pr->st == ND_OK; i++)
        if (pr->owner[i] == pr->rank) {
            gid[n++] = i;
            pr->st = nd_dedup_add(pr->d, g_text[i], strlen(g_text[i]), &g_doc[i]);
        }
    if (pr->st == ND_OK)
        pr->st = nd_dedup_run_dist(pr->d, &c, gid, pr->want_pairs);
    free(gid);
    return NULL;
}

/* Runs the deal on P threads; returns process 0's deduplicator (or NULL) and
 * puts the status of each process in st. */
static nd_dedup *run_dist(const nd_params *p, unsigned P, const unsigned *owner, int want_pairs,
                          int fail_at, nd_status *st)
{
    hub h;
    if (hub_open(&h, P, fail_at) != 0) {
        ND_CHECK(!"out of memory");
        return NULL;
    }
    proc pr[4];
    pthread_t th[4];
    for (unsigned r = 0; r < P; r++) {
        pr[r] = (proc){&h, r, p, owner, want_pairs, NULL, ND_OK};
        pthread_create(&th[r], NULL, proc_main, &pr[r]);
    }
    for (unsigned r = 0; r < P; r++)
        pthread_join(th[r], NULL);
    for (unsigned r = 1; r < P; r++)
        nd_dedup_destroy(pr[r].d);
    for (unsigned r = 0; r < P; r++)
        st[r] = pr[r].st;
    hub_close(&h);
    return pr[0].d;
}

/* Same members, clusters, pairs (when wanted) and counters. */
static int same_all(const nd_dedup *x, const nd_dedup *y, int want_pairs)
{
    int ok = nd_dedup_num_docs(x) == N && nd_dedup_num_docs(y) == N &&
             same_result(x, y, N, want_pairs);
    nd_dedup_stats s, t;
    nd_dedup_get_stats(x, &s);
    nd_dedup_get_stats(y, &t);
    ok &= s.docs == t.docs && s.empty_docs == t.empty_docs && s.bytes == t.bytes &&
          s.bytes_removed == t.bytes_removed && s.clusters == t.clusters &&
          s.exact_clusters == t.exact_clusters && s.near_clusters == t.near_clusters &&
          s.docs_in_clusters == t.docs_in_clusters && s.removed == t.removed &&
          s.candidates == t.candidates && s.verified == t.verified &&
          s.contained == t.contained && s.invalid_bytes == t.invalid_bytes &&
          s.templates == t.templates;
    return ok;
}

static void make_corpus(void)
{
    uint64_t s = g_seed;
    for (int i = 0; i < N; i++) {
        const int base = (int)(nd_splitmix64(&s) % 70) * 40;
        const int kind = (int)(nd_splitmix64(&s) % 5);
        if (kind == 4 && i > 0) {   /* an exact copy of an earlier document */
            g_text[i] = strdup(g_text[nd_splitmix64(&s) % (uint64_t)i]);
        } else {
            const int from = base + (kind == 3 ? 15 : (int)(nd_splitmix64(&s) % 5));
            g_text[i] = words(from, base + (kind == 3 ? 105 : 120));
        }
        memset(&g_doc[i], 0, sizeof g_doc[i]);
        if (kind == 2 && i % 3 == 0) {  /* a notice on one of two templates */
            static const char *const co[] = {"Acme Corp", "Bolt Motor Holdings", "Cobalt Ltd"};
            char t[400];
            snprintf(t, sizeof t, "%s said on %d March that its board has declared a cash "
                     "dividend of %d cents a share, payable to shareholders of record at the close "
                     "of business%s.", co[nd_splitmix64(&s) % 3], 1 + (int)(nd_splitmix64(&s) % 3),
                     (int)(nd_splitmix64(&s) % 4), i % 2 ? " on the register" : "");
            free(g_text[i]);
            g_text[i] = strdup(t);
        }
        if (nd_splitmix64(&s) % 4) {  /* dated: copies a month apart are templates */
            g_doc[i].date = (double)(nd_splitmix64(&s) % 60);
            g_doc[i].has_date = 1;
        }
        if (nd_splitmix64(&s) % 3) {
            snprintf(g_key[i], sizeof g_key[i], "k%03d", (int)(nd_splitmix64(&s) % 200));
            g_doc[i].key = g_key[i];
            g_doc[i].key_len = strlen(g_key[i]);
        }
    }
    g_text[7] = (free(g_text[7]), strdup(""));  /* a document without tokens */
}

/* Documents dealt in runs of 1 to 40 ("files"), run k to process k % P. */
static void deal(unsigned *owner, unsigned P, uint64_t *s)
{
    unsigned r = 0;
    for (size_t i = 0; i < N;) {
        size_t len = 1 + nd_splitmix64(s) % 40;
        for (; len && i < N; len--, i++)
            owner[i] = r;
        r = (r + 1) % P;
    }
}

static void test_same_as_one_process(void)
{
    uint64_t s = g_seed ^ 0x5eed;
    unsigned owner[N];
    struct { int verify, method, keep, pairs; double memory; } cfg[] = {
        {ND_VERIFY_EXACT, ND_METHOD_MINHASH, ND_KEEP_FIRST, 1, 0},
        {ND_VERIFY_EXACT, ND_METHOD_MINHASH, ND_KEEP_FIRST, 0, 0},
        {ND_VERIFY_SIGNATURE, ND_METHOD_MINHASH, ND_KEEP_LONGEST, 1, 0},
        {ND_VERIFY_EXACT, ND_METHOD_MINHASH, ND_KEEP_KEY_MIN, 0, 20000},
        {ND_VERIFY_EXACT, ND_METHOD_SIMHASH, ND_KEEP_FIRST, 1, 0},
        {ND_VERIFY_SIGNATURE, ND_METHOD_SIMHASH, ND_KEEP_KEY_MAX, 1, 0},
    };
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
        nd_params *p;
        ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
        ND_CHECK(nd_params_set(p, ND_P_VERIFY, cfg[c].verify) == ND_OK);
        ND_CHECK(nd_params_set(p, ND_P_METHOD, cfg[c].method) == ND_OK);
        ND_CHECK(nd_params_set(p, ND_P_KEEP, cfg[c].keep) == ND_OK);
        ND_CHECK(nd_params_set(p, ND_P_MEMORY, cfg[c].memory) == ND_OK);
        nd_dedup *ref;
        ND_CHECK(nd_dedup_create(&ref, p, NULL) == ND_OK);
        for (size_t i = 0; i < N; i++)
            ND_CHECK(nd_dedup_add(ref, g_text[i], strlen(g_text[i]), &g_doc[i]) == ND_OK);
        ND_CHECK(nd_dedup_run(ref, cfg[c].pairs) == ND_OK);
        nd_dedup_stats rst;
        nd_dedup_get_stats(ref, &rst);
        ND_CHECK(rst.clusters > 10 && rst.candidates > 0);
        ND_CHECK_MSG(rst.templates > 5, "config %zu: %llu templates", c,
                     (unsigned long long)rst.templates);
        for (unsigned P = 1; P <= 4; P++) {
            deal(owner, P, &s);
            nd_status st[4];
            nd_dedup *d = run_dist(p, P, owner, cfg[c].pairs, -1, st);
            for (unsigned r = 0; r < P; r++)
                ND_CHECK_MSG(st[r] == ND_OK, "config %zu, %u processes: process %u: %s", c, P,
                             r, nd_strerror(st[r]));
            const int same = d && same_all(ref, d, cfg[c].pairs);
            ND_CHECK_MSG(same, "config %zu, %u processes", c, P);
            nd_dedup_destroy(d);
        }
        nd_dedup_destroy(ref);
        nd_params_destroy(p);
    }
}

/* A transport that fails at any step fails the run everywhere, with a detail. */
static void test_transport_error(void)
{
    uint64_t s = g_seed ^ 0xfa11;
    unsigned owner[N];
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    deal(owner, 3, &s);
    for (int at = 0; at < 8; at++) {
        nd_status st[4];
        nd_dedup *d = run_dist(p, 3, owner, 1, at, st);
        for (unsigned r = 0; r < 3; r++)
            ND_CHECK_MSG(st[r] == ND_E_IO, "step %d, process %u: %d", at, r, st[r]);
        ND_CHECK(d && strstr(nd_dedup_errdetail(d), "process 0 of 3") != NULL);
        nd_dedup_destroy(d);
    }
    nd_params_destroy(p);
}

/* Global ids that leave a hole are refused, not run. */
static void test_bad_ids(void)
{
    nd_dedup *d;
    ND_CHECK(nd_dedup_create(&d, NULL, NULL) == ND_OK);
    ND_CHECK(nd_dedup_add(d, "a b c d e f", 11, NULL) == ND_OK);
    ND_CHECK(nd_dedup_add(d, "g h i j k l", 11, NULL) == ND_OK);
    hub h;
    if (hub_open(&h, 1, -1) != 0) {
        ND_CHECK(!"out of memory");
        return;
    }
    end e = {&h, 0, 0};
    const nd_comm c = {0, 1, t_exchange, &e};
    const uint32_t gid[2] = {0, 2};
    ND_CHECK(nd_dedup_run_dist(d, &c, gid, 0) == ND_E_PARAM);
    ND_CHECK(strstr(nd_dedup_errdetail(d), "missing") != NULL);
    ND_CHECK(nd_dedup_run_dist(d, &c, gid, 0) == ND_E_STATE);
    hub_close(&h);
    nd_dedup_destroy(d);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, 20261206);
    printf("test_dedup_dist: seed %llu (--seed N to change)\n", g_seed);
    make_corpus();
    ND_RUN(test_same_as_one_process);
    ND_RUN(test_transport_error);
    ND_RUN(test_bad_ids);
    for (int i = 0; i < N; i++)
        free(g_text[i]);
    return nd_test_end("test_dedup_dist");
}

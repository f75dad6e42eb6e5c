/*
 * test_index.c - the persistent index (nd_index): batch equivalence of the
 * clusters, idempotent and replacing adds, removal, queries that never
 * write, reopening, parameter mismatch, damage refused, verify, compact.
 * Randomised corpora take --seed N (printed).
 */
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nd_test.h"
#include "neardup.h"

static unsigned long long g_seed;
static char g_dir[256];

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A corpus with exact copies, near-duplicates, contained documents and
 * unrelated ones, built from a seed. */
typedef struct tcorpus {
    char **text;
    char **id;
    size_t n;
} tcorpus;

static char *random_text(uint64_t *s, size_t words)
{
    static const char *vocab[] = {
        "river",  "bridge", "council",  "railway", "flood",  "closed",  "weeks",  "village",
        "press",  "agency", "minister", "report",  "storm",  "harbour", "school", "market",
        "price",  "train",  "station",  "road",    "police", "court",   "judge",  "election",
        "vote",   "party",  "mayor",    "city",    "north",  "south",   "east",   "west",
        "winter", "summer", "water",    "power",   "fire",   "crew"};
    const size_t nv = sizeof vocab / sizeof vocab[0];
    char *t = malloc(words * 12 + 1);
    size_t o = 0;
    for (size_t i = 0; i < words; i++)
        o += (size_t)sprintf(t + o, "%s%s", i ? " " : "", vocab[rnd(s) % nv]);
    t[o] = '\0';
    return t;
}

/* text with about one word in `every` changed. */
static char *mutate(uint64_t *s, const char *src, unsigned every)
{
    char *t = malloc(strlen(src) * 2 + 16);
    size_t o = 0;
    const char *p = src;
    while (*p) {
        const char *q = strchr(p, ' ');
        const size_t n = q ? (size_t)(q - p) : strlen(p);
        if (rnd(s) % every == 0)
            o += (size_t)sprintf(t + o, "zz%u", (unsigned)(rnd(s) % 1000));
        else {
            memcpy(t + o, p, n);
            o += n;
        }
        p += n;
        if (*p == ' ') {
            t[o++] = ' ';
            p++;
        }
    }
    t[o] = '\0';
    return t;
}

static void corpus_make(tcorpus *c, uint64_t seed, size_t n)
{
    uint64_t s = seed * 2654435761u + 1;
    c->n = n;
    c->text = calloc(n, sizeof *c->text);
    c->id = calloc(n, sizeof *c->id);
    for (size_t i = 0; i < n; i++) {
        const unsigned kind = (unsigned)(rnd(&s) % 6);
        if (i > 0 && kind == 0) {
            c->text[i] = strdup(c->text[rnd(&s) % i]);
        } else if (i > 0 && kind <= 2) {
            c->text[i] = mutate(&s, c->text[rnd(&s) % i], 6 + (unsigned)(rnd(&s) % 40));
        } else if (i > 0 && kind == 3) {
            const char *base = c->text[rnd(&s) % i];
            char *extra = random_text(&s, 5 + rnd(&s) % 30);
            char *t = malloc(strlen(base) + strlen(extra) + 2);
            sprintf(t, "%s %s", base, extra);
            free(extra);
            c->text[i] = t;
        } else {
            c->text[i] = random_text(&s, 20 + rnd(&s) % 200);
        }
        char id[32];
        snprintf(id, sizeof id, "doc-%zu", i);
        c->id[i] = strdup(id);
    }
}

static void corpus_free(tcorpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->text[i]);
        free(c->id[i]);
    }
    free(c->text);
    free(c->id);
}

static nd_index_doc idoc(const tcorpus *c, size_t i)
{
    nd_index_doc d;
    memset(&d, 0, sizeof d);
    d.id = c->id[i];
    d.id_len = strlen(c->id[i]);
    d.text = c->text[i];
    d.text_len = strlen(c->text[i]);
    return d;
}

static void rm_rf(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static nd_params *dedup_params(int verify)
{
    nd_params *p;
    if (nd_params_create(&p, NULL) != ND_OK)
        return NULL;
    /* The index finds containment among LSH's candidates only and has no
     * template relation: the batch run it is held to does the same
     * (ND_P_CONTAIN_SAMPLE 0, ND_P_TEMPLATES off). */
    if (nd_params_set(p, ND_P_INDEX_PASSAGES, 0) != ND_OK ||
        nd_params_set(p, ND_P_INDEX_STORIES, 0) != ND_OK ||
        nd_params_set(p, ND_P_CONTAIN_SAMPLE, 0) != ND_OK ||
        nd_params_set(p, ND_P_TEMPLATES, ND_TEMPLATES_OFF) != ND_OK ||
        nd_params_set(p, ND_P_VERIFY, verify) != ND_OK) {
        nd_params_destroy(p);
        return NULL;
    }
    return p;
}

static int near_eq(double a, double b) { return fabs(a - b) < 1e-12; }

/* Adding a corpus in batches of `batch` gives each document the batch
 * dedup's representative, relation and figures. */
static void check_equivalence(int verify, size_t n, size_t batch, unsigned threads, int method)
{
    tcorpus c;
    corpus_make(&c, g_seed + (uint64_t)verify * 7 + batch, n);
    nd_params *p = dedup_params(verify);
    ND_CHECK(p != NULL);
    ND_CHECK(nd_params_set(p, ND_P_THREADS, threads) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_METHOD, method) == ND_OK);
    nd_dedup *d;
    ND_CHECK(nd_dedup_create(&d, p, NULL) == ND_OK);
    for (size_t i = 0; i < n; i++)
        ND_CHECK(nd_dedup_add(d, c.text[i], strlen(c.text[i]), NULL) == ND_OK);
    ND_CHECK(nd_dedup_run(d, 1) == ND_OK);

    rm_rf(g_dir);
    nd_index *ix;
    nd_index_session *s;
    ND_CHECK(nd_index_open(&ix, g_dir, p, ND_INDEX_CREATE | ND_INDEX_NOSYNC, NULL) == ND_OK);
    ND_CHECK(nd_index_session_create(ix, &s) == ND_OK);
    nd_index_doc *docs = calloc(batch, sizeof *docs);
    size_t mismatches = 0, clustered = 0, pairs_seen = 0;
    for (size_t i = 0; i < n; i += batch) {
        const size_t m = i + batch <= n ? batch : n - i;
        for (size_t j = 0; j < m; j++)
            docs[j] = idoc(&c, i + j);
        const nd_index_answer *ans;
        const nd_status st = nd_index_add(s, docs, m, &ans);
        ND_CHECK_MSG(st == ND_OK, "add: %s", nd_index_session_errdetail(s));
        if (st != ND_OK)
            break;
        for (size_t j = 0; j < m; j++) {
            nd_member mb;
            ND_CHECK(nd_dedup_member(d, i + j, &mb) == ND_OK);
            const char *rep_id = c.id[mb.rep];
            const int ok = ans[j].rep_len == strlen(rep_id) &&
                           memcmp(ans[j].rep, rep_id, ans[j].rep_len) == 0 &&
                           ans[j].rel == mb.rel && ans[j].change == ND_INDEX_ADDED &&
                           (mb.rel == ND_REL_NONE || (near_eq(ans[j].resemblance, mb.resemblance) &&
                                                      near_eq(ans[j].doc_in_rep, mb.doc_in_rep) &&
                                                      near_eq(ans[j].rep_in_doc, mb.rep_in_doc)));
            if (!ok && mismatches++ < 5)
                fprintf(stderr, "doc %zu: index rep %.*s rel %d, batch rep %s rel %d\n", i + j,
                        (int)ans[j].rep_len, ans[j].rep, ans[j].rel, rep_id, mb.rel);
            clustered += mb.rel != ND_REL_NONE;
            pairs_seen += ans[j].num_matches;
        }
    }
    ND_CHECK_MSG(mismatches == 0, "%zu of %zu documents placed unlike batch (seed %llu)",
                 mismatches, n, g_seed);
    ND_CHECK(clustered > n / 10); /* the corpus has clusters to get right */
    /* Every batch pair is a match of its later document, and no more. */
    const nd_pair *pairs;
    size_t np;
    ND_CHECK(nd_dedup_pairs(d, &pairs, &np) == ND_OK);
    ND_CHECK_MSG(pairs_seen == np, "index matches %zu, batch pairs %zu", pairs_seen, np);
    uint64_t problems = 1;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    nd_index_stats stt;
    ND_CHECK(nd_index_stats_get(ix, &stt) == ND_OK);
    nd_dedup_stats ds;
    nd_dedup_get_stats(d, &ds);
    ND_CHECK(stt.docs == n && stt.clusters == ds.clusters && stt.removed_dups == ds.removed);
    free(docs);
    nd_index_session_destroy(s);
    nd_index_close(ix);
    nd_dedup_destroy(d);
    nd_params_destroy(p);
    corpus_free(&c);
}

static void test_equivalence_exact(void)
{
    check_equivalence(ND_VERIFY_EXACT, 400, 1, 1, ND_METHOD_MINHASH);
}
/* Batches sketched on 2 threads: the same answers. */
static void test_equivalence_batches(void)
{
    check_equivalence(ND_VERIFY_EXACT, 400, 37, 2, ND_METHOD_MINHASH);
}
static void test_equivalence_signature(void)
{
    check_equivalence(ND_VERIFY_SIGNATURE, 300, 10, 3, ND_METHOD_MINHASH);
}
/* SimHash candidates (permuted tables, Hamming <= k), exact and estimated. */
static void test_equivalence_simhash(void)
{
    check_equivalence(ND_VERIFY_EXACT, 400, 20, 2, ND_METHOD_SIMHASH);
    check_equivalence(ND_VERIFY_SIGNATURE, 300, 1, 1, ND_METHOD_SIMHASH);
}

/* One answer as text: place, figures and matches (compared between runs). */
static char *answer_text(const nd_index_answer *a)
{
    size_t cap = 256 + a->num_matches * 96, o = 0;
    char *t = malloc(cap);
    o += (size_t)snprintf(t + o, cap - o, "change %d rep %.*s rel %d %.12f %.12f %.12f |",
                          (int)a->change, (int)a->rep_len, a->rep, (int)a->rel, a->resemblance,
                          a->doc_in_rep, a->rep_in_doc);
    for (size_t i = 0; i < a->num_matches; i++)
        o += (size_t)snprintf(t + o, cap - o, " %.*s/%d/%.12f", (int)a->matches[i].id_len,
                              a->matches[i].id, (int)a->matches[i].rel,
                              a->matches[i].resemblance);
    return t;
}

typedef struct recs {
    char buf[64 * 1024];
    size_t o;
} recs;

static int rec_line(void *ctx, const nd_index_record *r)
{
    recs *x = ctx;
    x->o += (size_t)snprintf(x->buf + x->o, sizeof x->buf - x->o, "%.*s %llu %.*s %d\n",
                             (int)r->id_len, r->id, (unsigned long long)r->seq, (int)r->rep_len,
                             r->rep, (int)r->rel);
    return x->o < sizeof x->buf - 256 ? 0 : 1;
}

/* A batch is answered and stored as its documents one at a time: new
 * documents, copies of each other inside the batch, unchanged ones, and
 * replaced ones (representatives among them: their clusters re-form), in
 * a shuffled order. */
static void test_batch_as_one_at_a_time(void)
{
    tcorpus c;
    const size_t n = 320, first = 150;
    corpus_make(&c, g_seed + 99, n);
    uint64_t rs = g_seed * 31 + 7;
    char dir2[300];
    snprintf(dir2, sizeof dir2, "%s.b", g_dir);
    nd_params *p = dedup_params(ND_VERIFY_EXACT);
    ND_CHECK(nd_params_set(p, ND_P_THREADS, 2) == ND_OK);
    nd_index *ix[2];
    nd_index_session *s[2];
    const char *dirs[2] = {g_dir, dir2};
    for (int k = 0; k < 2; k++) {
        rm_rf(dirs[k]);
        ND_CHECK(nd_index_open(&ix[k], dirs[k], p, ND_INDEX_CREATE | ND_INDEX_NOSYNC, NULL) ==
                 ND_OK);
        ND_CHECK(nd_index_session_create(ix[k], &s[k]) == ND_OK);
        for (size_t i = 0; i < first; i++) {
            nd_index_doc d = idoc(&c, i);
            const nd_index_answer *a;
            ND_CHECK(nd_index_add(s[k], &d, 1, &a) == ND_OK);
        }
    }
    /* the batch: 100 new, 15 unchanged, 25 replaced (texts of the corpus's
     * last documents, ids of earlier ones), shuffled */
    enum { NB = 140 };
    nd_index_doc b[NB];
    for (size_t i = 0; i < 100; i++)
        b[i] = idoc(&c, first + i);
    for (size_t i = 0; i < 15; i++)
        b[100 + i] = idoc(&c, i * 9);
    for (size_t i = 0; i < 25; i++) {
        b[115 + i] = idoc(&c, n - 1 - i);
        b[115 + i].id = c.id[i * 6 + 1];
        b[115 + i].id_len = strlen(c.id[i * 6 + 1]);
    }
    for (size_t i = NB - 1; i > 0; i--) {
        const size_t j = rnd(&rs) % (i + 1);
        const nd_index_doc t = b[i];
        b[i] = b[j];
        b[j] = t;
    }
    char *want[NB];
    size_t replaced = 0, unchanged = 0, linked = 0;
    for (size_t i = 0; i < NB; i++) {
        const nd_index_answer *a;
        ND_CHECK(nd_index_add(s[1], &b[i], 1, &a) == ND_OK);
        want[i] = answer_text(a);
        replaced += a->change == ND_INDEX_REPLACED;
        unchanged += a->change == ND_INDEX_UNCHANGED;
        linked += a->num_matches > 0;
    }
    ND_CHECK(replaced == 25 && unchanged == 15 && linked > 20);
    const nd_index_answer *a;
    ND_CHECK_MSG(nd_index_add(s[0], b, NB, &a) == ND_OK, "%s", nd_index_session_errdetail(s[0]));
    size_t diff = 0;
    for (size_t i = 0; i < NB; i++) {
        char *got = answer_text(&a[i]);
        if (strcmp(got, want[i]) != 0 && diff++ < 3)
            fprintf(stderr, "batch document %zu:\n  batch: %s\n  one by one: %s\n", i, got,
                    want[i]);
        free(got);
        free(want[i]);
    }
    ND_CHECK_MSG(diff == 0, "%zu of %d answers differ (seed %llu)", diff, NB, g_seed);
    static recs r[2];
    for (int k = 0; k < 2; k++) {
        r[k].o = 0;
        ND_CHECK(nd_index_each(s[k], rec_line, &r[k]) == ND_OK);
        uint64_t problems = 1;
        ND_CHECK(nd_index_verify(ix[k], &problems) == ND_OK && problems == 0);
        nd_index_session_destroy(s[k]);
        nd_index_close(ix[k]);
    }
    ND_CHECK(r[0].o > 0 && r[0].o == r[1].o && memcmp(r[0].buf, r[1].buf, r[0].o) == 0);
    rm_rf(dir2);
    nd_params_destroy(p);
    corpus_free(&c);
}

static nd_index *fresh(nd_index_session **s)
{
    rm_rf(g_dir);
    nd_params *p = dedup_params(ND_VERIFY_EXACT);
    nd_index *ix = NULL;
    ND_CHECK(nd_index_open(&ix, g_dir, p, ND_INDEX_CREATE | ND_INDEX_NOSYNC, NULL) == ND_OK);
    nd_params_destroy(p);
    ND_CHECK(nd_index_session_create(ix, s) == ND_OK);
    return ix;
}

static nd_index_doc mk(const char *id, const char *text)
{
    nd_index_doc d;
    memset(&d, 0, sizeof d);
    d.id = id;
    d.id_len = strlen(id);
    d.text = text;
    d.text_len = strlen(text);
    return d;
}

static const char *T1 = "the council closed the old footbridge over the river sarn after "
                        "engineers found cracks in two of its three supports on monday";
static const char *T2 = "the council closed the old footbridge over the river sarn after "
                        "engineers found cracks in two of its three supports on tuesday";
static const char *T3 = "a completely different story about barley soup with mushrooms and "
                        "thyme that simmers for forty minutes in butter";

/* A key held by more documents than a bucket holds (a family of 300 copies
 * and near-copies, one word changed each): its pairs span buckets. Added in
 * batches, each document gets batch dedup's pairs; after half of them are
 * removed a query finds the rest, and verify passes. */
static void test_family_spans_buckets(void)
{
    nd_index_session *s;
    nd_index *ix = fresh(&s);
    enum { N = 300 };
    char *ids[N], *texts[N];
    uint64_t rs = g_seed * 7 + 3;
    char *base = random_text(&rs, 120);
    nd_params *p = dedup_params(ND_VERIFY_EXACT);
    nd_dedup *d;
    ND_CHECK(nd_dedup_create(&d, p, NULL) == ND_OK);
    for (size_t i = 0; i < N; i++) {
        char id[32];
        snprintf(id, sizeof id, "copy-%03zu", i);
        ids[i] = strdup(id);
        texts[i] = strdup(base);
        if (i % 3) { /* one word replaced */
            char *w = texts[i];
            for (size_t k = (i * 7) % 119; k > 0; k--)
                w = strchr(w, ' ') + 1;
            w[0] = 'q';
        }
        ND_CHECK(nd_dedup_add(d, texts[i], strlen(texts[i]), NULL) == ND_OK);
    }
    ND_CHECK(nd_dedup_run(d, 1) == ND_OK);
    size_t want[N] = {0};
    const nd_pair *pairs;
    size_t np;
    ND_CHECK(nd_dedup_pairs(d, &pairs, &np) == ND_OK);
    size_t with0 = 1; /* the probe (the base text) matches copy-000 and its pairs */
    for (size_t k = 0; k < np; k++) {
        want[pairs[k].a > pairs[k].b ? pairs[k].a : pairs[k].b]++;
        with0 += pairs[k].a == 0 || pairs[k].b == 0;
    }
    ND_CHECK(np > 20000); /* most of the 44,850 pairs: the keys are shared widely */
    const nd_index_answer *a;
    size_t diff = 0;
    for (size_t i = 0; i < N; i += 50) {
        nd_index_doc dd[50];
        for (size_t j = 0; j < 50; j++)
            dd[j] = mk(ids[i + j], texts[i + j]);
        ND_CHECK(nd_index_add(s, dd, 50, &a) == ND_OK);
        for (size_t j = 0; j < 50; j++)
            diff += a[j].num_matches != want[i + j];
    }
    ND_CHECK_MSG(diff == 0, "%zu documents have other pairs than batch's", diff);
    uint64_t problems = 1;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    nd_index_doc q = mk("probe", base);
    ND_CHECK(nd_index_query(s, &q, &a) == ND_OK);
    ND_CHECK_MSG(a->num_matches == with0, "the probe: %zu matches, batch %zu", a->num_matches,
                 with0);
    char seen[N] = {0};
    size_t before = a->num_matches;
    for (size_t i = 0; i < a->num_matches; i++)
        seen[atoi(a->matches[i].id + 5)] = 1;
    const char *gone[N / 2];
    size_t lens[N / 2], removed = 0, kept = 0;
    for (size_t i = 0; i < N / 2; i++) {
        gone[i] = ids[i * 2 + 1];
        lens[i] = strlen(gone[i]);
    }
    ND_CHECK(nd_index_remove(s, gone, lens, N / 2, &removed) == ND_OK && removed == N / 2);
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    ND_CHECK(nd_index_query(s, &q, &a) == ND_OK);
    for (size_t i = 0; i < N; i += 2)
        kept += seen[i];
    ND_CHECK_MSG(before > N / 2 && a->num_matches == kept, "%zu matches, %zu kept of %zu",
                 a->num_matches, kept, before);
    for (size_t i = 0; i < a->num_matches; i++)
        ND_CHECK(atoi(a->matches[i].id + 5) % 2 == 0);
    nd_index_session_destroy(s);
    nd_index_close(ix);
    nd_dedup_destroy(d);
    nd_params_destroy(p);
    for (size_t i = 0; i < N; i++) {
        free(ids[i]);
        free(texts[i]);
    }
    free(base);
}

static void test_idempotent_replace_query(void)
{
    nd_index_session *s;
    nd_index *ix = fresh(&s);
    const nd_index_answer *a;
    nd_index_doc d[2] = {mk("a", T1), mk("b", T2)};
    ND_CHECK(nd_index_add(s, d, 2, &a) == ND_OK);
    ND_CHECK(a[0].change == ND_INDEX_ADDED && a[0].rel == ND_REL_NONE);
    ND_CHECK(a[1].rel == ND_REL_NEAR && a[1].rep_len == 1 && a[1].rep[0] == 'a');
    ND_CHECK(a[1].num_matches == 1 && a[1].matches[0].id[0] == 'a');
    /* The same again: unchanged, nothing written. */
    nd_index_stats st0, st1;
    ND_CHECK(nd_index_stats_get(ix, &st0) == ND_OK);
    ND_CHECK(nd_index_add(s, d + 1, 1, &a) == ND_OK);
    ND_CHECK(a[0].change == ND_INDEX_UNCHANGED && a[0].rel == ND_REL_NEAR && a[0].rep[0] == 'a');
    /* A query writes nothing and does not find itself. */
    nd_index_doc q = mk("b", T2);
    ND_CHECK(nd_index_query(s, &q, &a) == ND_OK);
    ND_CHECK(a->change == ND_INDEX_QUERIED && a->rel == ND_REL_NEAR && a->num_matches == 1);
    nd_index_doc q3 = mk("new", T3);
    ND_CHECK(nd_index_query(s, &q3, &a) == ND_OK);
    ND_CHECK(a->rel == ND_REL_NONE && a->num_matches == 0 && a->rep_len == 3);
    ND_CHECK(nd_index_stats_get(ix, &st1) == ND_OK);
    ND_CHECK(st1.docs == 2 && st1.clusters == 1 && st1.removed_dups == 1);
    ND_CHECK(st1.used_bytes == st0.used_bytes);
    /* Replacing b's text takes it out of a's cluster. */
    nd_index_doc b3 = mk("b", T3);
    ND_CHECK(nd_index_add(s, &b3, 1, &a) == ND_OK);
    ND_CHECK(a[0].change == ND_INDEX_REPLACED && a[0].rel == ND_REL_NONE);
    ND_CHECK(nd_index_stats_get(ix, &st1) == ND_OK);
    ND_CHECK(st1.docs == 2 && st1.clusters == 0);
    nd_index_record r;
    ND_CHECK(nd_index_get(s, "b", 1, &r) == ND_OK && r.seq == 3 && r.rep[0] == 'b');
    ND_CHECK(nd_index_get(s, "zz", 2, &r) == ND_E_PARAM);
    /* A duplicate id in a batch, an empty id: refused, nothing written. */
    nd_index_doc bad[2] = {mk("c", T1), mk("c", T2)};
    ND_CHECK(nd_index_add(s, bad, 2, &a) == ND_E_INPUT);
    ND_CHECK(strstr(nd_index_session_errdetail(s), "document 2") != NULL);
    nd_index_doc empty = mk("", T1);
    ND_CHECK(nd_index_add(s, &empty, 1, &a) == ND_E_INPUT);
    ND_CHECK(nd_index_stats_get(ix, &st1) == ND_OK && st1.docs == 2);
    uint64_t problems = 1;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    nd_index_session_destroy(s);
    nd_index_close(ix);
}

static void test_remove_reforms(void)
{
    nd_index_session *s;
    nd_index *ix = fresh(&s);
    const nd_index_answer *a;
    /* a is the representative of b (near) and c (exact copy of b). */
    nd_index_doc d[4] = {mk("a", T1), mk("b", T2), mk("c", T2), mk("x", T3)};
    ND_CHECK(nd_index_add(s, d, 4, &a) == ND_OK);
    ND_CHECK(a[1].rep[0] == 'a' && a[2].rep[0] == 'a' && a[2].rel == ND_REL_NEAR);
    const char *ids[] = {"a", "nope"};
    const size_t lens[] = {1, 4};
    size_t removed = 9;
    ND_CHECK(nd_index_remove(s, ids, lens, 2, &removed) == ND_OK && removed == 1);
    nd_index_record r;
    ND_CHECK(nd_index_get(s, "b", 1, &r) == ND_OK && r.rep[0] == 'b' && r.rel == ND_REL_NONE);
    ND_CHECK(nd_index_get(s, "c", 1, &r) == ND_OK && r.rep[0] == 'b' && r.rel == ND_REL_EXACT);
    ND_CHECK(nd_index_get(s, "a", 1, &r) == ND_E_PARAM);
    nd_index_stats st;
    ND_CHECK(nd_index_stats_get(ix, &st) == ND_OK);
    ND_CHECK(st.docs == 3 && st.clusters == 1 && st.removed_dups == 1 && st.removes == 1);
    uint64_t problems = 1;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    /* A query for a's text now finds b (the new representative). */
    nd_index_doc q = mk("q", T1);
    ND_CHECK(nd_index_query(s, &q, &a) == ND_OK && a->rep[0] == 'b' && a->rel == ND_REL_NEAR);
    nd_index_session_destroy(s);
    nd_index_close(ix);
}

static void test_reopen_params_damage(void)
{
    nd_index_session *s;
    nd_index *ix = fresh(&s);
    const nd_index_answer *a;
    nd_index_doc d[2] = {mk("a", T1), mk("b", T2)};
    ND_CHECK(nd_index_add(s, d, 2, &a) == ND_OK);
    nd_index_session_destroy(s);
    nd_index_close(ix);
    /* Creating again where an index is: refused (nd_index_exists says so first). */
    ND_CHECK(nd_index_exists(g_dir) == 1);
    ND_CHECK(nd_index_exists("/nonexistent-neardup-dir") == 0);
    ND_CHECK(nd_index_open(&ix, g_dir, NULL, ND_INDEX_CREATE, NULL) == ND_E_STATE);
    ND_CHECK(strstr(nd_index_errdetail(ix), "already holds an index") != NULL);
    nd_index_close(ix);
    /* Other parameters: refused, naming the parameter. */
    nd_params *p = dedup_params(ND_VERIFY_EXACT);
    ND_CHECK(nd_params_set(p, ND_P_THRESHOLD, 0.7) == ND_OK);
    ND_CHECK(nd_index_open(&ix, g_dir, p, 0, NULL) == ND_E_PARAM);
    ND_CHECK(strstr(nd_index_errdetail(ix), "threshold") != NULL);
    nd_index_close(ix);
    nd_params_destroy(p);
    /* Reopened with the stored parameters, the documents are there. */
    ND_CHECK(nd_index_open(&ix, g_dir, NULL, ND_INDEX_READONLY, NULL) == ND_OK);
    nd_params *got;
    ND_CHECK(nd_params_create(&got, NULL) == ND_OK);
    nd_index_params(ix, got);
    ND_CHECK(nd_params_get(got, ND_P_INDEX_PASSAGES) == 0);
    nd_params_destroy(got);
    ND_CHECK(nd_index_session_create(ix, &s) == ND_OK);
    nd_index_doc q = mk("q", T2);
    ND_CHECK(nd_index_query(s, &q, &a) == ND_OK && a->rel == ND_REL_NEAR);
    ND_CHECK(nd_index_add(s, &q, 1, &a) == ND_E_STATE);
    nd_index_session_destroy(s);
    /* Compact to a new directory: the copy verifies and answers the same. */
    char dst[300];
    snprintf(dst, sizeof dst, "%s.compact", g_dir);
    rm_rf(dst);
    ND_CHECK(nd_index_compact(ix, dst) == ND_OK);
    nd_index_close(ix);
    nd_index *cx;
    ND_CHECK(nd_index_open(&cx, dst, NULL, ND_INDEX_READONLY, NULL) == ND_OK);
    uint64_t problems = 1;
    ND_CHECK(nd_index_verify(cx, &problems) == ND_OK && problems == 0);
    nd_index_close(cx);
    rm_rf(dst);
    /* Damage: flip bytes inside the data file; open or verify must refuse,
     * never answer from a bad record. */
    char path[300];
    snprintf(path, sizeof path, "%s/data.mdb", g_dir);
    const int fd = open(path, O_RDWR);
    ND_CHECK(fd >= 0);
    struct stat sb;
    ND_CHECK(fstat(fd, &sb) == 0);
    /* Every 64th byte of the data pages past the two meta pages. */
    for (off_t o = 8192 + 100; o < sb.st_size; o += 64) {
        unsigned char b;
        if (pread(fd, &b, 1, o) == 1) {
            b ^= 0x5a;
            ND_CHECK(pwrite(fd, &b, 1, o) == 1);
        }
    }
    close(fd);
    nd_status st = nd_index_open(&ix, g_dir, NULL, ND_INDEX_READONLY, NULL);
    if (st == ND_OK) {
        uint64_t pr = 0;
        st = nd_index_verify(ix, &pr);
        ND_CHECK_MSG(st != ND_OK && pr > 0, "verify passed a damaged index");
    }
    ND_CHECK(st == ND_E_CORRUPT || st == ND_E_VERSION || st == ND_E_IO);
    nd_index_close(ix);
    /* Not an index at all. */
    rm_rf(g_dir);
    ND_CHECK(nd_index_open(&ix, g_dir, NULL, 0, NULL) == ND_E_IO);
    nd_index_close(ix);
    ND_CHECK(mkdir(g_dir, 0777) == 0);
    ND_CHECK(nd_index_open(&ix, g_dir, NULL, 0, NULL) == ND_E_STATE);
    ND_CHECK(strstr(nd_index_errdetail(ix), "no index here") != NULL);
    nd_index_close(ix);
}

/* stats count stories (not the story table's other records) and terms. */
static void test_stats_stories(void)
{
    rm_rf(g_dir);
    nd_index *ix;
    nd_index_session *s;
    ND_CHECK(nd_index_open(&ix, g_dir, NULL, ND_INDEX_CREATE | ND_INDEX_NOSYNC, NULL) == ND_OK);
    ND_CHECK(nd_index_session_create(ix, &s) == ND_OK);
    nd_index_doc d[3] = {mk("a", T1), mk("b", T2), mk("x", T3)};
    const nd_index_answer *a;
    ND_CHECK(nd_index_add(s, d, 3, &a) == ND_OK);
    uint64_t distinct = 0;
    for (int i = 0; i < 3; i++) {
        ND_CHECK(a[i].has_story);
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen |= a[j].story == a[i].story;
        distinct += !seen;
    }
    ND_CHECK(a[1].story == a[0].story && a[2].story != a[0].story);
    nd_index_stats st;
    ND_CHECK(nd_index_stats_get(ix, &st) == ND_OK);
    ND_CHECK_MSG(st.stories == distinct, "stats: %llu stories, answers: %llu",
                 (unsigned long long)st.stories, (unsigned long long)distinct);
    ND_CHECK(st.terms > 10 && st.postings > 0 && st.docs == 3);
    nd_index_session_destroy(s);
    nd_index_close(ix);
}

/* A create that fails leaves nothing behind: the directory it made, or the
 * files it made in an existing one. */
static void test_failed_create_cleans_up(void)
{
    rm_rf(g_dir);
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_KEEP, ND_KEEP_LONGEST) == ND_OK);
    nd_index *ix;
    ND_CHECK(nd_index_open(&ix, g_dir, p, ND_INDEX_CREATE, NULL) == ND_E_PARAM);
    nd_index_close(ix);
    struct stat sb;
    ND_CHECK(stat(g_dir, &sb) != 0);
    ND_CHECK(mkdir(g_dir, 0777) == 0);
    ND_CHECK(nd_index_open(&ix, g_dir, p, ND_INDEX_CREATE, NULL) == ND_E_PARAM);
    nd_index_close(ix);
    char path[300];
    snprintf(path, sizeof path, "%s/data.mdb", g_dir);
    ND_CHECK(stat(g_dir, &sb) == 0 && stat(path, &sb) != 0);
    /* and a create now works there */
    ND_CHECK(nd_index_open(&ix, g_dir, NULL, ND_INDEX_CREATE, NULL) == ND_OK);
    nd_index_close(ix);
    nd_params_destroy(p);
}

/* An allocator that fails from the Nth allocation on. */
static long g_alloc_left;
static void *fail_alloc(void *o, size_t n)
{
    (void)o;
    if (g_alloc_left-- <= 0)
        return NULL;
    return malloc(n);
}
static void fail_free(void *o, void *p)
{
    (void)o;
    free(p);
}

/* verify short of memory says so (ND_E_NOMEM), never that the index is damaged. */
static void test_verify_out_of_memory(void)
{
    nd_index_session *s;
    nd_index *ix = fresh(&s);
    nd_index_doc d[3] = {mk("a", T1), mk("b", T2), mk("x", T3)};
    const nd_index_answer *a;
    ND_CHECK(nd_index_add(s, d, 3, &a) == ND_OK);
    nd_index_session_destroy(s);
    nd_index_close(ix);
    const nd_allocator fa = {fail_alloc, fail_free, NULL};
    int ok = 0, nomem = 0, other = 0;
    for (long limit = 0; limit < 400 && !ok; limit++) {
        g_alloc_left = 1 << 30;
        ND_CHECK(nd_index_open(&ix, g_dir, NULL, ND_INDEX_READONLY, &fa) == ND_OK);
        g_alloc_left = limit;
        uint64_t problems = 0;
        const nd_status st = nd_index_verify(ix, &problems);
        ok += st == ND_OK && problems == 0;
        nomem += st == ND_E_NOMEM;
        other += st != ND_OK && st != ND_E_NOMEM;
        g_alloc_left = 1 << 30;
        nd_index_close(ix);
    }
    ND_CHECK_MSG(ok == 1 && nomem > 0 && other == 0, "ok %d, nomem %d, other %d", ok, nomem,
                 other);
}

static void test_second_writer_refused(void)
{
    nd_index_session *s;
    nd_index *ix = fresh(&s);
    nd_index *other;
    ND_CHECK(nd_index_open(&other, g_dir, NULL, 0, NULL) == ND_E_STATE);
    ND_CHECK(strstr(nd_index_errdetail(other), "open for writing") != NULL);
    nd_index_close(other);
    ND_CHECK(nd_index_open(&other, g_dir, NULL, ND_INDEX_READONLY, NULL) == ND_OK);
    nd_index_close(other);
    nd_index_session_destroy(s);
    nd_index_close(ix);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, 20261205);
    printf("test_index: seed %llu\n", g_seed);
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/nd_test_index.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    ND_RUN(test_equivalence_exact);
    ND_RUN(test_equivalence_batches);
    ND_RUN(test_equivalence_signature);
    ND_RUN(test_equivalence_simhash);
    ND_RUN(test_batch_as_one_at_a_time);
    ND_RUN(test_family_spans_buckets);
    ND_RUN(test_idempotent_replace_query);
    ND_RUN(test_remove_reforms);
    ND_RUN(test_reopen_params_damage);
    ND_RUN(test_stats_stories);
    ND_RUN(test_failed_create_cleans_up);
    ND_RUN(test_verify_out_of_memory);
    ND_RUN(test_second_writer_refused);
    rm_rf(g_dir);
    return nd_test_end("test_index");
}

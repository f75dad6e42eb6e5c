/*
 * test_story.c - nd_story: determinism over thread counts, similarity
 * (symmetric, in [0, 1], 1 for identical documents), states, the date window,
 * links, stemming, labels (surface words) and empty documents; out of
 * memory at every allocation gives ND_E_NOMEM and a detail.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neardup.h"
#include "nd_test.h"
#include "nd_test_corpus.h"


/* Params with the given threads, window (days, < 0: default) and threshold (< 0: default). */
static nd_params *params(unsigned threads, double window, double threshold)
{
    nd_params *p = NULL;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    if (!p)
        return NULL;
    ND_CHECK(nd_params_set(p, ND_P_THREADS, threads) == ND_OK);
    if (window >= 0)
        ND_CHECK(nd_params_set(p, ND_P_STORY_WINDOW, window) == ND_OK);
    if (threshold >= 0)
        ND_CHECK(nd_params_set(p, ND_P_STORY_THRESHOLD, threshold) == ND_OK);
    return p;
}

/* Adds c's documents (with docs[i] when docs is not NULL), builds vectors and,
 * when cluster is set, clusters. Returns the handle. */
static nd_story *run(corpus *c, const nd_params *p, const char *lang, const nd_story_doc *docs,
                     int cluster)
{
    nd_story *s = NULL;
    ND_CHECK(nd_story_create(&s, p, lang, NULL) == ND_OK);
    if (!s)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        ND_CHECK(nd_story_add(s, docs ? &docs[i] : NULL) == ND_OK);
    ND_CHECK(nd_story_vectors(s, get_text, c) == ND_OK);
    if (cluster)
        ND_CHECK(nd_story_cluster(s) == ND_OK);
    return s;
}

static double sim(const nd_story *s, uint32_t a, uint32_t b)
{
    double x = -1;
    ND_CHECK(nd_story_similarity(s, a, b, &x) == ND_OK);
    return x;
}

/* The story of document d, or SIZE_MAX. */
static size_t story_of(const nd_story *s, uint32_t d)
{
    const nd_story_member *m;
    const size_t *off;
    size_t ns;
    if (nd_story_stories(s, &m, &off, &ns) != ND_OK)
        return SIZE_MAX;
    for (size_t k = 0; k < ns; k++)
        for (size_t i = off[k]; i < off[k + 1]; i++)
            if (m[i].doc == d)
                return k;
    return SIZE_MAX;
}

/* Every document is in exactly one story, under its story number; similarities
 * in [0, 1] up to float rounding (weights are floats: 1 + 3e-8 was seen). */
static void check_partition(const nd_story *s, size_t n)
{
    const nd_story_member *m;
    const size_t *off;
    size_t ns;
    ND_CHECK(nd_story_stories(s, &m, &off, &ns) == ND_OK);
    char *seen = calloc(n + 1, 1);
    ND_CHECK(off[0] == 0 && off[ns] == n);
    for (size_t k = 0; k < ns; k++) {
        ND_CHECK(off[k + 1] > off[k]);
        for (size_t i = off[k]; i < off[k + 1]; i++) {
            ND_CHECK(m[i].story == k);
            ND_CHECK(m[i].doc < n && !seen[m[i].doc]);
            if (m[i].doc < n)
                seen[m[i].doc] = 1;
            ND_CHECK_MSG(m[i].similarity >= 0 && m[i].similarity <= 1 + 1e-6, "%.17g",
                         m[i].similarity);
        }
    }
    free(seen);
}

static const char *k_topics[][8] = {
    {"volcano", "eruption", "lava", "ash", "Kirkby", "evacuated", "crater", "villagers"},
    {"election", "ballots", "Marlow", "candidate", "votes", "turnout", "polling", "count"},
    {"football", "striker", "goal", "Redwick", "league", "penalty", "coach", "season"},
    {"hospital", "nurses", "strike", "wages", "Tenby", "union", "shifts", "patients"},
    {"bridge", "collapse", "river", "engineers", "Varnholt", "cracks", "divers", "mayor"},
    {"bank", "interest", "rates", "inflation", "Ferrand", "loans", "markets", "savers"},
};
#define NTOPICS (sizeof k_topics / sizeof k_topics[0])

static const char *k_common[] = {"police", "government", "minister", "Tuesday", "report",
                                 "people", "city", "week", "officials", "news"};
#define NCOMMON (sizeof k_common / sizeof k_common[0])

/* A corpus of n documents, each on one of the topics, words drawn from the
 * topic and from common words by a fixed generator. */
static void topical(corpus *c, size_t n, nd_story_doc *docs)
{
    unsigned long long st = 20260501;
    char buf[2048];
    for (size_t i = 0; i < n; i++) {
        const size_t t = (i * 7) % NTOPICS;
        buf[0] = 0;
        for (size_t w = 0; w < 30; w++) {
            st = st * 6364136223846793005ULL + 1442695040888963407ULL;
            const unsigned r = (unsigned)(st >> 33);
            strcat(buf, r % 3 ? k_topics[t][r % 8] : k_common[r % NCOMMON]);
            strcat(buf, w % 9 == 8 ? ". " : " ");
        }
        add(c, buf);
        if (docs) {
            memset(&docs[i], 0, sizeof docs[i]);
            docs[i].has_date = 1;
            docs[i].date = (double)(i / 40); /* a few documents a day */
        }
    }
}

/* Same members, stories and similarities for 1, 2 and 3 threads. */
static void test_threads_deterministic(void)
{
    corpus c = {0};
    enum { N = 300 };
    nd_story_doc docs[N];
    topical(&c, N, docs);
    nd_story *ref = NULL;
    for (unsigned t = 1; t <= 3; t++) {
        nd_params *p = params(t, -1, -1);
        nd_story *s = run(&c, p, NULL, docs, 1);
        nd_params_destroy(p);
        if (!s)
            continue;
        check_partition(s, N);
        if (!ref) {
            ref = s;
            const nd_story_member *m;
            const size_t *off;
            size_t ns;
            ND_CHECK(nd_story_stories(s, &m, &off, &ns) == ND_OK);
            /* the topics are told apart: at least one story per topic, each
             * holding one topic only */
            ND_CHECK_MSG(ns >= NTOPICS, "%zu stories", ns);
            for (size_t k = 0; k < ns; k++)
                for (size_t i = off[k] + 1; i < off[k + 1]; i++)
                    ND_CHECK_MSG((m[i].doc * 7) % NTOPICS == (m[off[k]].doc * 7) % NTOPICS,
                                 "story %zu mixes documents %u and %u", k, m[off[k]].doc,
                                 m[i].doc);
            continue;
        }
        const nd_story_member *m0, *m1;
        const size_t *o0, *o1;
        size_t n0, n1;
        ND_CHECK(nd_story_stories(ref, &m0, &o0, &n0) == ND_OK);
        ND_CHECK(nd_story_stories(s, &m1, &o1, &n1) == ND_OK);
        ND_CHECK_MSG(n0 == n1, "threads %u: %zu stories, want %zu", t, n1, n0);
        if (n0 == n1) {
            ND_CHECK(memcmp(o0, o1, (n0 + 1) * sizeof *o0) == 0);
            for (size_t i = 0; i < N; i++)
                ND_CHECK_MSG(m0[i].doc == m1[i].doc && m0[i].story == m1[i].story &&
                                 m0[i].similarity == m1[i].similarity,
                             "threads %u, member %zu", t, i);
        }
        for (uint32_t a = 0; a < N; a += 13)
            for (uint32_t b = 0; b < N; b += 17)
                ND_CHECK(sim(ref, a, b) == sim(s, a, b));
        nd_story_destroy(s);
    }
    nd_story_destroy(ref);
    corpus_free(&c);
}

/* Symmetric, in [0, 1]; identical documents 1; a document with itself 1. */
static void test_similarity_range(void)
{
    corpus c = {0};
    enum { N = 80 };
    topical(&c, N, NULL);
    add(&c, "Rescuers pulled three climbers from the glacier above Tessendorf on Sunday.");
    add(&c, "Rescuers pulled three climbers from the glacier above Tessendorf on Sunday.");
    nd_story *s = run(&c, NULL, NULL, NULL, 0);
    for (uint32_t a = 0; a < c.n; a++)
        for (uint32_t b = 0; b < c.n; b++) {
            const double x = sim(s, a, b), y = sim(s, b, a);
            ND_CHECK_MSG(x == y, "%u %u: %.17g vs %.17g", a, b, x, y);
            ND_CHECK_MSG(x >= 0 && x <= 1 + 1e-6, "%u %u: %g", a, b, x);
        }
    ND_CHECK_MSG(fabs(sim(s, N, N + 1) - 1) < 1e-6, "%.17g", sim(s, N, N + 1));
    ND_CHECK_MSG(fabs(sim(s, 3, 3) - 1) < 1e-6, "%.17g", sim(s, 3, 3));
    ND_CHECK_MSG(sim(s, 0, N) < 0.1, "%g", sim(s, 0, N));
    double x;
    ND_CHECK(nd_story_similarity(s, 0, (uint32_t)c.n, &x) == ND_E_PARAM);
    ND_CHECK(nd_story_similarity(s, (uint32_t)c.n, 0, &x) == ND_E_PARAM);
    nd_story_destroy(s);
    corpus_free(&c);
}

/* Calls out of order answer ND_E_STATE. */
static void test_states(void)
{
    corpus c = {0};
    add(&c, "The council approved the budget on Monday.");
    add(&c, "The council budget was approved on Monday evening.");
    nd_story *s = NULL;
    ND_CHECK(nd_story_create(&s, NULL, NULL, NULL) == ND_OK);
    ND_CHECK(nd_story_add(s, NULL) == ND_OK);
    ND_CHECK(nd_story_add(s, NULL) == ND_OK);
    double x;
    const nd_story_member *m;
    const size_t *off;
    size_t ns;
    ND_CHECK(nd_story_similarity(s, 0, 1, &x) == ND_E_STATE);
    ND_CHECK(nd_story_cluster(s) == ND_E_STATE);
    ND_CHECK(nd_story_stories(s, &m, &off, &ns) == ND_E_STATE);
    ND_CHECK(nd_story_link(s, 0, 2) == ND_E_PARAM);
    ND_CHECK(nd_story_link(s, 0, 1) == ND_OK);
    ND_CHECK(nd_story_vectors(s, get_text, &c) == ND_OK);
    ND_CHECK(nd_story_vectors(s, get_text, &c) == ND_E_STATE);
    ND_CHECK(strlen(nd_story_errdetail(s)) > 0);
    ND_CHECK(nd_story_add(s, NULL) == ND_E_STATE);
    ND_CHECK(nd_story_stories(s, &m, &off, &ns) == ND_E_STATE);
    ND_CHECK(nd_story_similarity(s, 0, 1, &x) == ND_OK);
    ND_CHECK(nd_story_cluster(s) == ND_OK);
    ND_CHECK(nd_story_cluster(s) == ND_E_STATE);
    ND_CHECK(strlen(nd_story_errdetail(s)) > 0);
    ND_CHECK(nd_story_link(s, 0, 1) == ND_E_STATE);
    ND_CHECK(nd_story_stories(s, &m, &off, &ns) == ND_OK);
    ND_CHECK(ns == 1);
    nd_story_destroy(s);
    nd_story_destroy(NULL);
    corpus_free(&c);
}

/* Two dated documents on one topic 100 days apart: apart with a window of 3
 * days, together with 0 (forever). Date order rules, not input order. */
static void test_window(void)
{
    corpus c = {0};
    add(&c, "Lava from the Kirkby volcano reached the coast road; villagers were evacuated.");
    add(&c, "Kirkby volcano: lava flows reached the coast road and villagers evacuated again.");
    add(&c, "The Kirkby volcano erupted, lava reached the coast road, villagers evacuated.");
    nd_story_doc docs[3];
    memset(docs, 0, sizeof docs);
    docs[0].has_date = 1, docs[0].date = 100; /* in input order first, in date order last */
    docs[1].has_date = 1, docs[1].date = 0;
    docs[2].has_date = 1, docs[2].date = 1;
    for (int w = 0; w < 2; w++) {
        nd_params *p = params(1, w ? 3 : 0, -1);
        nd_story *s = run(&c, p, NULL, docs, 1);
        nd_params_destroy(p);
        check_partition(s, 3);
        ND_CHECK(story_of(s, 1) == 0); /* the earliest opens the first story */
        ND_CHECK(story_of(s, 2) == story_of(s, 1));
        if (w)
            ND_CHECK_MSG(story_of(s, 0) != story_of(s, 1), "window 3: one story");
        else
            ND_CHECK_MSG(story_of(s, 0) == story_of(s, 1), "window 0: %zu vs %zu",
                         story_of(s, 0), story_of(s, 1));
        nd_story_destroy(s);
    }
    corpus_free(&c);
}

/* A link pulls a document into a story it would not join by cosine alone. */
static void test_link(void)
{
    corpus c = {0};
    add(&c, "The orchestra premiered a new symphony by Halvorsen at the concert hall.");
    add(&c, "Farmers in the northern valley report a record apple harvest this autumn.");
    add(&c, "Snow closed the mountain pass for the second time this winter.");
    for (int linked = 0; linked < 2; linked++) {
        nd_params *p = params(1, -1, 0.3);
        ND_CHECK(nd_params_set(p, ND_P_LINK_BONUS, 0.5) == ND_OK);
        nd_story *s = NULL;
        ND_CHECK(nd_story_create(&s, p, NULL, NULL) == ND_OK);
        nd_params_destroy(p);
        for (size_t i = 0; i < c.n; i++)
            ND_CHECK(nd_story_add(s, NULL) == ND_OK);
        if (linked) {
            ND_CHECK(nd_story_link(s, 1, 0) == ND_OK);
            ND_CHECK(nd_story_link(s, 2, 2) == ND_OK); /* a self link does nothing */
        }
        ND_CHECK(nd_story_vectors(s, get_text, &c) == ND_OK);
        ND_CHECK(sim(s, 0, 1) < 0.05);
        ND_CHECK(nd_story_cluster(s) == ND_OK);
        check_partition(s, c.n);
        if (linked)
            ND_CHECK(story_of(s, 0) == story_of(s, 1));
        else
            ND_CHECK(story_of(s, 0) != story_of(s, 1));
        ND_CHECK(story_of(s, 2) != story_of(s, 0));
        nd_story_destroy(s);
    }
    corpus_free(&c);
}

/* Two events of one kind told in like phrases (fires at two timber yards)
 * share no name: two stories, though their words are alike; a third report
 * of the first fire joins it. With ND_P_STORY_NAMES 0, words alone join all
 * three. A weekday is no name (both fires broke out on a Tuesday). */
static void test_names(void)
{
    corpus c = {0};
    add(&c, "A fire broke out at the Loostost timber yard late on Tuesday. Denpra Gorkalgor, "
            "the fire chief, said the cause was not yet known. Firefighters fought the blaze "
            "through the night.");
    add(&c, "A fire broke out at the Selselmi timber yard late on Tuesday. Rokal Selbamor, "
            "the fire chief, said the cause was not yet known. Firefighters fought the blaze "
            "through the night.");
    add(&c, "Firefighters fought the blaze at the Loostost timber yard through the night, and "
            "Denpra Gorkalgor, the fire chief, said the cause was not yet known.");
    for (int names = 0; names < 2; names++) {
        nd_params *p = params(1, -1, -1);
        ND_CHECK(nd_params_set(p, ND_P_STORY_NAMES, names) == ND_OK);
        nd_story *s = run(&c, p, NULL, NULL, 1);
        nd_params_destroy(p);
        check_partition(s, c.n);
        ND_CHECK_MSG(sim(s, 0, 1) > 0.3, "%g", sim(s, 0, 1));
        ND_CHECK(story_of(s, 2) == story_of(s, 0));
        if (names)
            ND_CHECK_MSG(story_of(s, 1) != story_of(s, 0), "one story for two fires");
        else
            ND_CHECK_MSG(story_of(s, 1) == story_of(s, 0), "names off: two stories");
        nd_story_destroy(s);
    }
    corpus_free(&c);
}

/* English stemming joins the forms of a word; an unknown language (no
 * stemming) does not. */
static void test_stemming(void)
{
    corpus c = {0};
    add(&c, "raids raided raiding");
    add(&c, "raid");
    add(&c, "harvest orchard");
    nd_story *s = run(&c, NULL, NULL, NULL, 0);
    ND_CHECK_MSG(sim(s, 0, 1) > 0.5, "english: %g", sim(s, 0, 1));
    nd_story_destroy(s);
    s = run(&c, NULL, "english", NULL, 0);
    ND_CHECK_MSG(sim(s, 0, 1) > 0.5, "english: %g", sim(s, 0, 1));
    nd_story_destroy(s);
    s = run(&c, NULL, "none", NULL, 0);
    ND_CHECK_MSG(sim(s, 0, 1) == 0, "none: %g", sim(s, 0, 1));
    nd_story_destroy(s);
    /* the language per document: "en" stems, "none" does not */
    nd_story_doc docs[3];
    memset(docs, 0, sizeof docs);
    for (int i = 0; i < 3; i++)
        docs[i].lang = "en", docs[i].lang_len = 2;
    s = run(&c, NULL, "none", docs, 0);
    ND_CHECK_MSG(sim(s, 0, 1) > 0.5, "doc en: %g", sim(s, 0, 1));
    nd_story_destroy(s);
    for (int i = 0; i < 3; i++)
        docs[i].lang = "none", docs[i].lang_len = 4;
    s = run(&c, NULL, NULL, docs, 0);
    ND_CHECK_MSG(sim(s, 0, 1) == 0, "doc none: %g", sim(s, 0, 1));
    nd_story_destroy(s);
    corpus_free(&c);
}

/* Labels are words of the members' texts as written (case-folded), not stems. */
static void test_labels(void)
{
    corpus c = {0};
    add(&c, "Happiness surveys: the happiness of Nordvik residents rose, the surveys say.");
    add(&c, "Nordvik tops happiness surveys again as residents report more happiness.");
    add(&c, "Railway engineers replaced signalling cables near Ostergate station.");
    nd_story *s = run(&c, NULL, NULL, NULL, 1);
    const nd_story_member *m;
    const size_t *off;
    size_t ns;
    ND_CHECK(nd_story_stories(s, &m, &off, &ns) == ND_OK);
    ND_CHECK(ns == 2);
    ND_CHECK(story_of(s, 0) == story_of(s, 1));
    for (size_t k = 0; k < ns; k++) {
        const char *t[20];
        const size_t n = nd_story_label(s, k, get_text, &c, t, 6);
        ND_CHECK_MSG(n >= 1 && n <= 6, "story %zu: %zu terms", k, n);
        for (size_t i = 0; i < n; i++) {
            /* the word occurs, whole and lower-case, in a member's text */
            int found = 0;
            for (size_t j = off[k]; j < off[k + 1] && !found; j++) {
                char low[256];
                const char *x = c.text[m[j].doc];
                size_t l = 0;
                for (; x[l] && l + 1 < sizeof low; l++)
                    low[l] = (char)tolower((unsigned char)x[l]);
                low[l] = 0;
                const size_t tl = strlen(t[i]);
                for (const char *h = strstr(low, t[i]); h && !found; h = strstr(h + 1, t[i]))
                    found = (h == low || !isalnum((unsigned char)h[-1])) &&
                            !isalnum((unsigned char)h[tl]);
            }
            ND_CHECK_MSG(found, "story %zu: label term '%s' is no word of its texts", k, t[i]);
        }
        if (k == story_of(s, 0)) {
            int happy = 0;
            for (size_t i = 0; i < n; i++)
                happy |= strcmp(t[i], "happiness") == 0;
            ND_CHECK_MSG(happy, "no 'happiness' in the label of story %zu", k);
        }
        ND_CHECK(nd_story_label(s, k, get_text, &c, t, 0) == 0);
    }
    const char *t[4];
    ND_CHECK(nd_story_label(s, ns, get_text, &c, t, 4) == 0);
    nd_story_destroy(s);
    corpus_free(&c);
}

/* Empty and stop-word-only documents: vectors of nothing, similarity 0, each
 * still placed in a story. (A corpus whose first document in clustering order
 * has no terms, or whose documents all have none, trips UBSan in story.c:
 * memcpy from NULL at lines 510 and 774; this test keeps a document with
 * terms first until that is fixed.) */
static void test_empty(void)
{
    corpus c = {0};
    add(&c, "The council approved the budget for the harbour on Monday.");
    add(&c, "");
    add(&c, "   \n\t ");
    add(&c, "the and of to in");
    add(&c, "The harbour budget was approved by the council on Monday.");
    nd_story *s = run(&c, NULL, NULL, NULL, 1);
    check_partition(s, c.n);
    ND_CHECK(sim(s, 1, 0) == 0);
    ND_CHECK(sim(s, 1, 1) == 0);
    ND_CHECK(sim(s, 1, 2) == 0);
    ND_CHECK(sim(s, 3, 0) == 0);
    ND_CHECK(story_of(s, 0) == story_of(s, 4));
    ND_CHECK(story_of(s, 1) != story_of(s, 0));
    const char *t[4];
    ND_CHECK(nd_story_label(s, story_of(s, 1), get_text, &c, t, 4) == 0);
    nd_story_destroy(s);
    corpus_free(&c);

    /* no documents at all */
    s = run(&c, NULL, NULL, NULL, 1);
    const nd_story_member *m;
    const size_t *off;
    size_t ns = 99;
    ND_CHECK(nd_story_stories(s, &m, &off, &ns) == ND_OK);
    ND_CHECK(ns == 0);
    nd_story_destroy(s);
}

/* An allocator that fails its g_fail_at-th allocation (counting from 1;
 * 0 = never) and counts them all. */
static size_t g_allocs, g_fail_at;

static void *failing_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return ++g_allocs == g_fail_at ? NULL : malloc(size);
}

static void plain_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

/* create, add (with titles), link, vectors, cluster with the g_fail_at-th
 * allocation failing: the first error, and whether its detail is set. */
static nd_status story_once(corpus *c, const nd_story_doc *docs, int *detail_ok)
{
    const nd_allocator al = {failing_alloc, plain_free, NULL};
    nd_params *p = params(1, -1, -1);
    nd_story *s = NULL;
    g_allocs = 0;
    nd_status st = nd_story_create(&s, p, NULL, &al);
    *detail_ok = 1; /* no handle, no detail to give */
    for (size_t i = 0; st == ND_OK && i < c->n; i++)
        st = nd_story_add(s, &docs[i]);
    for (uint32_t i = 0; st == ND_OK && i + 5 < c->n; i += 5)
        st = nd_story_link(s, i, i + 5);
    if (st == ND_OK)
        st = nd_story_vectors(s, get_text, c);
    if (st == ND_OK)
        st = nd_story_cluster(s);
    if (st != ND_OK && s)
        *detail_ok = nd_story_errdetail(s)[0] != 0;
    nd_story_destroy(s);
    nd_params_destroy(p);
    return st;
}

static void test_out_of_memory(void)
{
    enum { N = 40 };
    corpus c = {0};
    nd_story_doc docs[N];
    topical(&c, N, docs);
    for (size_t i = 0; i < N; i++) {
        docs[i].title = i % 2 ? "The Minister Said" : "Storm Closes Harbour";
        docs[i].title_len = strlen(docs[i].title);
    }
    int detail_ok;
    g_fail_at = 0;
    ND_CHECK(story_once(&c, docs, &detail_ok) == ND_OK);
    const size_t total = g_allocs;
    ND_CHECK_MSG(total > 20, "%zu allocations", total);
    size_t bad = 0;
    for (g_fail_at = 1; g_fail_at <= total; g_fail_at++) {
        const nd_status st = story_once(&c, docs, &detail_ok);
        if ((st != ND_E_NOMEM || !detail_ok) && bad++ < 5)
            ND_CHECK_MSG(0, "allocation %zu of %zu failing: %s, detail %s", g_fail_at, total,
                         nd_strerror(st), detail_ok ? "set" : "empty");
    }
    g_fail_at = 0;
    corpus_free(&c);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    ND_RUN(test_threads_deterministic);
    ND_RUN(test_similarity_range);
    ND_RUN(test_states);
    ND_RUN(test_window);
    ND_RUN(test_link);
    ND_RUN(test_names);
    ND_RUN(test_stemming);
    ND_RUN(test_labels);
    ND_RUN(test_empty);
    ND_RUN(test_out_of_memory);
    return nd_test_end("test_story");
}

/*
 * test_reuse.c - nd_reuse: passages with exact byte ranges across edits,
 * repeats aligned once per pair, clusters, direction, pair filters,
 * boilerplate, degenerate documents, determinism over thread counts, states
 * and errors; out of memory at every allocation and a spill file that cannot
 * grow (a full disk) give their status and a detail.
 * Randomised tests take --seed N (printed).
 */
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "neardup.h"
#include "nd_test.h"
#include "nd_test_corpus.h"

static unsigned long long g_seed = 20261123;


/* 1: run() gives the library every text's length (documents without facts),
 * so that boilerplate notes the n-grams seen twice and the run indexes no
 * other; the passages must not change. */
static int g_lengths;

/* A run over c with optional per-document facts; returns the handle. */
static nd_reuse *run(corpus *c, nd_params *p, const nd_reuse_doc *docs, int boiler)
{
    nd_reuse *r = NULL;
    ND_CHECK(nd_reuse_create(&r, p, NULL) == ND_OK);
    if (!r)
        return NULL;
    for (size_t i = 0; i < c->n; i++) {
        const nd_reuse_doc plain = {.group = ND_NO_GROUP, .length = c->len[i]};
        ND_CHECK(nd_reuse_add(r, docs ? &docs[i] : g_lengths ? &plain : NULL) == ND_OK);
    }
    if (boiler)
        ND_CHECK(nd_reuse_boilerplate(r, get_text, c) == ND_OK);
    ND_CHECK(nd_reuse_run(r, get_text, c) == ND_OK);
    return r;
}

static const char *k_words[] = {
    "river", "stone", "market", "window", "garden", "silver", "engine", "forest", "letter",
    "summer", "harbour", "thunder", "pencil", "candle", "bridge", "meadow", "planet", "signal",
    "copper", "violet", "anchor", "basket", "circle", "desert", "feather", "glacier", "hammer",
    "island", "jacket", "kettle", "ladder", "mirror", "needle", "orange", "pepper", "quartz",
    "rabbit", "saddle", "tunnel", "umbrella", "valley", "walnut", "yellow", "zephyr"};
#define NWORDS (sizeof k_words / sizeof k_words[0])

/* n random words separated by spaces, appended to buf. */
static void words(char *buf, size_t n, unsigned long long *st)
{
    for (size_t i = 0; i < n; i++) {
        *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
        strcat(buf, k_words[(*st >> 33) % NWORDS]);
        strcat(buf, i + 1 < n ? " " : "");
    }
}

static const char *k_quote =
    "Some unconventional electronic devices, including a number of drones, were seized by "
    "the police";

/* A passage shared verbatim: both byte ranges cut exactly the quotation. */
static void test_verbatim_offsets(void)
{
    corpus c = {0};
    add(&c, "TEHRAN - The ministry said that. Some unconventional electronic devices, including "
            "a number of drones, were seized by the police. During the inspection the forces "
            "found nothing else.");
    add(&c, "Earlier reports differed.Some unconventional electronic devices, including a "
            "number of drones, were seized by the police, according to the statement.");
    add(&c, "An unrelated text about weather and markets in spring.");
    nd_reuse *r = run(&c, NULL, NULL, 0);
    const nd_passage *p;
    size_t n;
    ND_CHECK(nd_reuse_passages(r, &p, &n) == ND_OK);
    ND_CHECK_MSG(n == 1, "%zu passages", n);
    if (n == 1) {
        ND_CHECK(p[0].a == 0 && p[0].b == 1);
        const size_t ql = strlen(k_quote);
        ND_CHECK(p[0].a_end - p[0].a_start == ql &&
                 memcmp(c.text[0] + p[0].a_start, k_quote, ql) == 0);
        ND_CHECK(p[0].b_end - p[0].b_start == ql &&
                 memcmp(c.text[1] + p[0].b_start, k_quote, ql) == 0);
        ND_CHECK(p[0].matches == 14 && p[0].a_words == 14 && p[0].b_words == 14);
        ND_CHECK(p[0].score == 14);
        ND_CHECK(p[0].earlier == ND_NO_DOC);
    }
    nd_reuse_destroy(r);
    corpus_free(&c);
}

/* Substitutions, an insertion, a deletion and re-wrapping inside a passage:
 * one passage spanning them, with fewer matches than words. */
static void test_edits(void)
{
    unsigned long long st = g_seed;
    char a[8192] = "", b[8192] = "", mid[4096] = "";
    words(a, 30, &st);
    strcat(a, " | ");
    words(b, 25, &st);
    strcat(b, " | ");
    words(mid, 60, &st);
    strcat(a, mid);
    /* b: the same 60 words, re-wrapped, word 20 replaced, a word inserted
     * after word 35, word 50 deleted */
    char *tok[64];
    size_t nt = 0;
    char *copy = strdup(mid);
    for (char *s = strtok(copy, " "); s && nt < 64; s = strtok(NULL, " "))
        tok[nt++] = s;
    for (size_t i = 0; i < nt; i++) {
        if (i == 50)
            continue;
        strcat(b, i == 20 ? "different" : tok[i]);
        if (i == 35)
            strcat(b, " inserted");
        strcat(b, i % 9 == 8 ? "\n" : " ");
    }
    free(copy);
    strcat(a, " | ");
    words(a, 30, &st);
    strcat(b, "| ");
    words(b, 20, &st);
    corpus c = {0};
    add(&c, a);
    add(&c, b);
    nd_reuse *r = run(&c, NULL, NULL, 0);
    const nd_passage *p;
    size_t n;
    ND_CHECK(nd_reuse_passages(r, &p, &n) == ND_OK);
    ND_CHECK_MSG(n == 1, "%zu passages (seed %llu)", n, g_seed);
    if (n == 1) {
        const char *ma = strstr(a, mid);
        ND_CHECK(ma != NULL);
        /* the passage covers the shared stretch, give or take a random match
         * at an edge */
        ND_CHECK_MSG(p[0].a_words >= 58 && p[0].a_words <= 62, "%u", p[0].a_words);
        ND_CHECK_MSG(p[0].matches >= 57 && p[0].matches < p[0].a_words, "%u", p[0].matches);
        ND_CHECK(p[0].b_words == p[0].a_words);
        ND_CHECK(p[0].a_start <= (uint32_t)(ma - a) + 20);
    }
    nd_reuse_destroy(r);
    corpus_free(&c);
}

/* n words "<tag><i>" for i in [from, from + n), appended to buf. */
static void tagged(char *buf, const char *tag, int from, int n)
{
    for (int i = from; i < from + n; i++)
        sprintf(buf + strlen(buf), "%s%d ", tag, i);
}

/* A phrase that one document repeats is aligned once per pair: A holds a
 * paragraph P that B quotes, and 12 words of P once more elsewhere; the
 * repeat is not a second passage (a shadow of P's). A paragraph that B
 * quotes twice is two passages. */
/* The passages of texts a and b (under p, or the defaults): how many, each
 * one's matches into m[0..max). */
static size_t pair_matches(const char *a, const char *b, nd_params *p, uint32_t *m, size_t max)
{
    corpus c = {0};
    add(&c, a);
    add(&c, b);
    nd_reuse *r = run(&c, p, NULL, 0);
    const nd_passage *ps;
    size_t n = 0;
    ND_CHECK(nd_reuse_passages(r, &ps, &n) == ND_OK);
    for (size_t i = 0; i < n && i < max; i++)
        m[i] = ps[i].matches;
    nd_reuse_destroy(r);
    corpus_free(&c);
    return n;
}

static void test_repeats(void)
{
    uint32_t m[4];
    char *a = calloc(1, 8192), *b = calloc(1, 1 << 16);
    ND_CHECK(a && b);
    if (!a || !b) {
        free(a);
        free(b);
        return;
    }
    tagged(a, "lead", 0, 20);
    tagged(a, "para", 0, 40);
    tagged(a, "mid", 0, 30);
    tagged(a, "para", 10, 12);
    tagged(a, "tail", 0, 20);
    tagged(b, "open", 0, 15);
    tagged(b, "para", 0, 40);
    tagged(b, "close", 0, 15);
    size_t n = pair_matches(a, b, NULL, m, 4);
    ND_CHECK_MSG(n == 1 && m[0] == 40, "%zu passages, %u matches", n, m[0]);

    /* a paragraph quoted twice: two passages */
    a[0] = b[0] = 0;
    tagged(a, "para", 0, 40);
    tagged(b, "open", 0, 15);
    tagged(b, "para", 0, 40);
    tagged(b, "mid", 0, 30);
    tagged(b, "para", 0, 40);
    n = pair_matches(a, b, NULL, m, 4);
    ND_CHECK_MSG(n == 2 && m[0] == 40 && m[1] == 40, "%zu passages", n);

    /* the 12 words repeated 300 times in B (each with words of its own
     * between), under a document-frequency bound raised to let them seed:
     * still one passage, more repeats than the shadow sweep's lookahead */
    a[0] = b[0] = 0;
    tagged(a, "lead", 0, 20);
    tagged(a, "para", 0, 40);
    tagged(a, "tail", 0, 20);
    tagged(b, "open", 0, 15);
    tagged(b, "para", 0, 40);
    for (int k = 0; k < 300; k++) {
        tagged(b, "sep", 3 * k, 3);
        tagged(b, "para", 10, 12);
    }
    nd_params *prm = NULL;
    ND_CHECK(nd_params_create(&prm, NULL) == ND_OK);
    ND_CHECK(prm && nd_params_set(prm, ND_P_DF_MAX, 100000) == ND_OK);
    n = pair_matches(a, b, prm, m, 4);
    ND_CHECK_MSG(n == 1, "%zu passages", n);
    nd_params_destroy(prm);
    free(a);
    free(b);
}

/* Three documents quoting one passage: one cluster of three occurrences;
 * dates name the earliest as the likely source. */
static void test_cluster_and_direction(void)
{
    corpus c = {0};
    add(&c, "First outlet. Some unconventional electronic devices, including a number of "
            "drones, were seized by the police. Then more news.");
    add(&c, "Second outlet wrote: Some unconventional electronic devices, including a number "
            "of drones, were seized by the police, it said.");
    add(&c, "Third: Some unconventional electronic devices, including a number of drones, "
            "were seized by the police! Nothing else.");
    nd_reuse_doc d[3];
    memset(d, 0, sizeof d);
    for (int i = 0; i < 3; i++)
        d[i].group = ND_NO_GROUP;
    d[0].has_date = 1, d[0].date = 100.5;
    d[1].has_date = 1, d[1].date = 99.25;
    d[2].has_date = 1, d[2].date = 101;
    nd_reuse *r = run(&c, NULL, d, 0);
    const nd_passage *p;
    size_t n;
    ND_CHECK(nd_reuse_passages(r, &p, &n) == ND_OK);
    ND_CHECK_MSG(n == 3, "%zu", n);
    for (size_t i = 0; i < n; i++) {
        ND_CHECK(p[i].cluster == 0);
        ND_CHECK(p[i].earlier == (p[i].a == 1 || p[i].b == 1 ? 1u : 0u));
    }
    const nd_occurrence *o;
    const size_t *off;
    const uint32_t *origin;
    size_t nc;
    ND_CHECK(nd_reuse_clusters(r, &o, &off, &origin, &nc) == ND_OK);
    ND_CHECK(nc == 1 && off[1] == 3 && origin[0] == 1);
    for (size_t i = 0; nc == 1 && i < 3; i++)
        ND_CHECK(o[i].doc == i && o[i].end - o[i].start == strlen(k_quote));
    nd_reuse_stats s;
    nd_reuse_get_stats(r, &s);
    ND_CHECK(s.passages == 3 && s.clusters == 1 && s.pairs == 3 && s.docs == 3);
    nd_reuse_destroy(r);

    /* one undated document: no origin for the cluster */
    d[2].has_date = 0;
    r = run(&c, NULL, d, 0);
    ND_CHECK(nd_reuse_clusters(r, &o, &off, &origin, &nc) == ND_OK);
    ND_CHECK(nc == 1 && origin[0] == ND_NO_DOC);
    nd_reuse_destroy(r);
    corpus_free(&c);
}

/* Pair filters: the date window, same-source pairs, copies. */
static void test_filters(void)
{
    corpus c = {0};
    for (int i = 0; i < 3; i++)
        add(&c, "Report: Some unconventional electronic devices, including a number of drones, "
                "were seized by the police during the raid.");
    nd_reuse_doc d[3];
    memset(d, 0, sizeof d);
    for (int i = 0; i < 3; i++) {
        d[i].group = ND_NO_GROUP;
        d[i].has_date = 1;
        d[i].date = 10.0 * i; /* 0, 10, 20 days */
    }
    d[0].source = "a", d[0].source_len = 1;
    d[1].source = "a", d[1].source_len = 1;
    d[2].source = "b", d[2].source_len = 1;
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_WINDOW, 15) == ND_OK);
    nd_reuse *r = run(&c, p, d, 0);
    const nd_passage *ps;
    size_t n;
    ND_CHECK(nd_reuse_passages(r, &ps, &n) == ND_OK);
    ND_CHECK_MSG(n == 2, "window: %zu", n); /* 0-1 and 1-2, not 0-2 */
    nd_reuse_destroy(r);
    ND_CHECK(nd_params_set(p, ND_P_WINDOW, 0) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_SAME_SOURCE, 0) == ND_OK);
    r = run(&c, p, d, 0);
    ND_CHECK(nd_reuse_passages(r, &ps, &n) == ND_OK);
    ND_CHECK_MSG(n == 2 && ps[0].a == 0 && ps[0].b == 2 && ps[1].a == 1, "source: %zu", n);
    size_t sl;
    ND_CHECK(nd_reuse_source(r, 1, &sl) && sl == 1 && nd_reuse_source(r, 2, &sl) == NULL);
    nd_reuse_destroy(r);
    ND_CHECK(nd_params_set(p, ND_P_SAME_SOURCE, 1) == ND_OK);
    d[1].group = 0; /* 1 is a copy of 0 */
    ND_CHECK(nd_params_set(p, ND_P_PAIR_COPIES, 0) == ND_OK);
    r = run(&c, p, d, 0);
    ND_CHECK(nd_reuse_passages(r, &ps, &n) == ND_OK);
    ND_CHECK_MSG(n == 2, "copies: %zu", n);
    nd_reuse_destroy(r);
    /* copies aligned (the default): the copy passage in no passage cluster, the
     * others in theirs */
    ND_CHECK(nd_params_set(p, ND_P_PAIR_COPIES, 1) == ND_OK);
    r = run(&c, p, d, 0);
    ND_CHECK(nd_reuse_passages(r, &ps, &n) == ND_OK && n == 3);
    for (size_t i = 0; i < n; i++) {
        const int copy = ps[i].a == 0 && ps[i].b == 1;
        ND_CHECK(copy == !!(ps[i].flags & ND_PASSAGE_COPY));
        ND_CHECK(copy ? ps[i].cluster == ND_NO_CLUSTER : ps[i].cluster != ND_NO_CLUSTER);
    }
    nd_reuse_destroy(r);
    nd_params_destroy(p);
    corpus_free(&c);
}

/* A footer ending three unrelated pages is boilerplate and makes no passage;
 * a quotation inside them is not boilerplate. */
static void test_boilerplate(void)
{
    unsigned long long st = g_seed + 1;
    corpus c = {0};
    const char *footer = "All Content by Mehr News Agency is licensed under a Creative Commons "
                         "Attribution 4.0 International License.";
    for (int i = 0; i < 3; i++) {
        char buf[4096] = "";
        words(buf, 40, &st);
        strcat(buf, ". ");
        if (i < 2)
            strcat(buf, "He said: Some unconventional electronic devices, including a number of "
                        "drones, were seized by the police. ");
        words(buf, 40, &st);
        strcat(buf, ".\n");
        strcat(buf, footer);
        add(&c, buf);
    }
    nd_reuse *r = run(&c, NULL, NULL, 1);
    const nd_boiler *b;
    size_t nb;
    ND_CHECK(nd_reuse_boilers(r, &b, &nb) == ND_OK);
    ND_CHECK_MSG(nb == 1, "%zu boilerplate segments", nb);
    if (nb == 1) {
        ND_CHECK_MSG(b[0].docs == 3 && b[0].edge_docs == 3 && b[0].occurrences == 3,
                     "%u %u %u", b[0].docs, b[0].edge_docs, b[0].occurrences);
        ND_CHECK(b[0].doc == 0 && b[0].end - b[0].start == strlen(footer) - 1); /* no '.' */
        ND_CHECK(memcmp(c.text[0] + b[0].start, footer, b[0].end - b[0].start) == 0);
        const nd_occurrence *o;
        size_t no;
        ND_CHECK(nd_reuse_boiler_occurrences(r, 0, &o, &no) == ND_OK && no == 3 &&
                 o[2].doc == 2);
        ND_CHECK(nd_reuse_boiler_occurrences(r, 1, &o, &no) == ND_E_PARAM);
    }
    const nd_span *sp;
    size_t ns;
    ND_CHECK(nd_reuse_doc_boilerplate(r, 1, &sp, &ns) == ND_OK && ns == 1);
    ND_CHECK(nd_reuse_doc_boilerplate(r, 3, &sp, &ns) == ND_E_PARAM);
    const nd_passage *p;
    size_t n;
    ND_CHECK(nd_reuse_passages(r, &p, &n) == ND_OK);
    ND_CHECK_MSG(n == 1 && p[0].a == 0 && p[0].b == 1, "%zu passages", n);
    nd_reuse_destroy(r);

    /* without boilerplate detection the footer is a passage of every pair */
    r = run(&c, NULL, NULL, 0);
    ND_CHECK(nd_reuse_passages(r, &p, &n) == ND_OK && n == 4);
    ND_CHECK(nd_reuse_boilers(r, &b, &nb) == ND_E_STATE);
    nd_reuse_destroy(r);
    corpus_free(&c);
}

/* Documents of one repeated word, and one long line: no passage storm, and
 * the run stays linear (checked through the counters). */
static void test_degenerate(void)
{
    corpus c = {0};
    const size_t reps = 200000;
    char *big = malloc(reps * 4 + 1);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + 4 * i, "the ", 4);
    big[reps * 4] = 0;
    add(&c, big);
    add(&c, big);
    free(big);
    nd_reuse *r = run(&c, NULL, NULL, 1);
    nd_reuse_stats s;
    nd_reuse_get_stats(r, &s);
    ND_CHECK_MSG(s.hits == 0 && s.passages == 0, "hits %llu", (unsigned long long)s.hits);
    ND_CHECK(s.tokens == 2 * reps);
    nd_reuse_destroy(r);
    corpus_free(&c);
}

/* The same passages for 1, 2 and 3 threads, and under a memory budget that
 * makes everything spill, on a random corpus with reuse. */
static void test_threads(void)
{
    unsigned long long st = g_seed + 2;
    corpus c = {0};
    char shared[8][2048];
    for (int k = 0; k < 8; k++) {
        shared[k][0] = 0;
        words(shared[k], 25 + 5 * k, &st);
    }
    for (int i = 0; i < 300; i++) {
        char buf[8192] = "";
        words(buf, 30, &st);
        strcat(buf, ". ");
        strcat(buf, shared[(unsigned)(i * 7) % 8]);
        strcat(buf, ".\n");
        words(buf, 20 + (size_t)(i % 13), &st);
        if (i % 3 == 0) {
            strcat(buf, ". ");
            strcat(buf, shared[(unsigned)i % 5]);
        }
        add(&c, buf);
    }
    nd_passage *ref = NULL;
    size_t nref = 0;
    nd_reuse_stats rs;
    memset(&rs, 0, sizeof rs);
    /* 1-3: 1, 2 and 3 threads in memory; then 1 and 2 threads under budgets
     * where seeds, hits and words spill: 4 and 5 under 1 MB, a few ranges of
     * documents whose words are read back whole (a block of pair buckets each
     * pair of ranges); 6 and 7 under 128 KB, more blocks than buckets (one
     * bucket a block); 8 and 9 under 24 KB, too many ranges: the words are
     * read back per document. Runs 2, 3, 5, 7 and 9 give the texts' lengths:
     * the n-grams seen once are not indexed. */
    static const uint64_t budget[10] = {0,       0,       0,     0,     1 << 20,
                                        1 << 20, 1 << 17, 1 << 17, 24576, 24576};
    for (unsigned t = 1; t <= 9; t++) {
        g_lengths = t == 2 || (t > 1 && t % 2);
        nd_params *p;
        ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
        ND_CHECK(nd_params_set(p, ND_P_THREADS, t <= 3 ? t : 2 - t % 2) == ND_OK);
        ND_CHECK(nd_params_set(p, ND_P_MEMORY, (double)budget[t]) == ND_OK);
        nd_reuse *r = run(&c, p, NULL, 1);
        const nd_passage *ps;
        size_t n;
        ND_CHECK(nd_reuse_passages(r, &ps, &n) == ND_OK);
        nd_reuse_stats s;
        nd_reuse_get_stats(r, &s);
        ND_CHECK_MSG(t <= 3 ? s.spill_events == 0 : s.spill_events > 2, "%u: %llu spills", t,
                     (unsigned long long)s.spill_events);
        ND_CHECK_MSG(g_lengths ? s.seeds_single > s.seeds / 4 : s.seeds_single == 0,
                     "%u: %llu of %llu seeds seen once", t, (unsigned long long)s.seeds_single,
                     (unsigned long long)s.seeds);
        const uint64_t wr = s.word_ranges;
        ND_CHECK_MSG(t <= 3 || t >= 8 ? wr == 0 : t <= 5 ? wr >= 2 && wr <= 22 : wr > 22,
                     "%u: %llu word ranges", t, (unsigned long long)wr);
        if (t == 1)
            rs = s; /* the same seeds, shared n-grams and hits every time */
        ND_CHECK_MSG(s.seeds == rs.seeds && s.seed_groups == rs.seed_groups &&
                         s.rare_groups == rs.rare_groups && s.hits == rs.hits &&
                         s.pairs == rs.pairs,
                     "%u: %llu seeds, %llu shared, %llu hits, %llu pairs", t,
                     (unsigned long long)s.seeds, (unsigned long long)s.seed_groups,
                     (unsigned long long)s.hits, (unsigned long long)s.pairs);
        if (t == 1) {
            ref = malloc((n ? n : 1) * sizeof *ref);
            memcpy(ref, ps, n * sizeof *ref);
            nref = n;
            ND_CHECK_MSG(n > 300, "%zu passages (seed %llu)", n, g_seed);
        } else {
            ND_CHECK_MSG(n == nref && memcmp(ps, ref, n * sizeof *ps) == 0,
                         "threads %u differ (seed %llu)", t, g_seed);
        }
        nd_reuse_destroy(r);
        nd_params_destroy(p);
    }
    g_lengths = 0;
    free(ref);
    corpus_free(&c);
}

static nd_status failing_text(void *ctx, uint32_t doc, unsigned slot, const char **t,
                              size_t *len)
{
    (void)ctx, (void)slot;
    if (doc == 1)
        return ND_E_IO;
    *t = "some words here";
    *len = 15;
    return ND_OK;
}

static void test_states_and_errors(void)
{
    nd_reuse *r = NULL;
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_DF_MIN, 50) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_DF_MAX, 10) == ND_OK);
    ND_CHECK(nd_reuse_create(&r, p, NULL) == ND_E_PARAM && r == NULL);
    ND_CHECK(nd_params_set(p, ND_P_DF_MIN, 1) == ND_E_PARAM);
    ND_CHECK(nd_params_set(p, ND_P_MIN_WORDS, 0) == ND_E_PARAM);
    nd_params_destroy(p);
    ND_CHECK(nd_reuse_create(&r, NULL, NULL) == ND_OK);
    const nd_passage *ps;
    size_t n;
    ND_CHECK(nd_reuse_passages(r, &ps, &n) == ND_E_STATE);
    ND_CHECK(nd_reuse_add(r, NULL) == ND_OK && nd_reuse_add(r, NULL) == ND_OK);
    ND_CHECK(nd_reuse_run(r, failing_text, NULL) == ND_E_IO);
    ND_CHECK(strstr(nd_reuse_errdetail(r), "document 1") != NULL);
    ND_CHECK(nd_reuse_run(r, failing_text, NULL) == ND_E_STATE);
    ND_CHECK(nd_reuse_add(r, NULL) == ND_E_STATE);
    ND_CHECK(nd_reuse_boilerplate(r, failing_text, NULL) == ND_E_STATE);
    nd_reuse_destroy(r);
    nd_reuse_destroy(NULL);
    /* an empty collection */
    ND_CHECK(nd_reuse_create(&r, NULL, NULL) == ND_OK);
    ND_CHECK(nd_reuse_boilerplate(r, failing_text, NULL) == ND_OK);
    ND_CHECK(nd_reuse_run(r, failing_text, NULL) == ND_OK);
    ND_CHECK(nd_reuse_passages(r, &ps, &n) == ND_OK && n == 0);
    nd_reuse_destroy(r);
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

/* 24 documents of three sources sharing passages and a footer. */
static void small_corpus(corpus *c)
{
    unsigned long long st = g_seed + 7;
    char shared[4][1024];
    for (int k = 0; k < 4; k++) {
        shared[k][0] = 0;
        words(shared[k], 30, &st);
    }
    for (int i = 0; i < 24; i++) {
        char buf[4096] = "";
        words(buf, 25, &st);
        strcat(buf, ". ");
        strcat(buf, shared[i % 4]);
        strcat(buf, ".\n");
        words(buf, 15, &st);
        strcat(buf, ".\nCopyright the river stone market window garden silver engine.");
        add(c, buf);
    }
}

/* The whole run with the g_fail_at-th allocation failing: *st_out gets the
 * first error (ND_OK if none) and *detail_ok whether its detail is set. */
static void reuse_once(corpus *c, const nd_params *p, nd_status *st_out, int *detail_ok)
{
    const nd_allocator al = {failing_alloc, plain_free, NULL};
    nd_reuse *r = NULL;
    static const char *k_src[] = {"alpha", "beta", "gamma"};
    g_allocs = 0;
    nd_status st = nd_reuse_create(&r, p, &al);
    *detail_ok = 1; /* no handle, no detail to give */
    for (size_t i = 0; st == ND_OK && i < c->n; i++) {
        const nd_reuse_doc d = {k_src[i % 3], strlen(k_src[i % 3]), 0, 0, ND_NO_GROUP,
                                c->len[i]};
        st = nd_reuse_add(r, &d);
    }
    if (st == ND_OK)
        st = nd_reuse_boilerplate(r, get_text, c);
    if (st == ND_OK)
        st = nd_reuse_run(r, get_text, c);
    if (st != ND_OK && r)
        *detail_ok = nd_reuse_errdetail(r)[0] != 0;
    *st_out = st;
    nd_reuse_destroy(r);
}

/* Every allocation of a run failing in turn: ND_E_NOMEM (never a limit or an
 * I/O error) with a non-empty detail, in memory and under a budget that
 * spills. */
static void test_out_of_memory(void)
{
    corpus c = {0};
    small_corpus(&c);
    for (int budget = 0; budget < 2; budget++) {
        nd_params *p;
        ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
        ND_CHECK(nd_params_set(p, ND_P_THREADS, 1) == ND_OK);
        ND_CHECK(nd_params_set(p, ND_P_MEMORY, budget ? 4096 : 0) == ND_OK);
        nd_status st;
        int detail_ok;
        g_fail_at = 0;
        reuse_once(&c, p, &st, &detail_ok);
        ND_CHECK(st == ND_OK);
        const size_t total = g_allocs;
        ND_CHECK_MSG(total > 50, "%zu allocations", total);
        size_t bad = 0;
        for (g_fail_at = 1; g_fail_at <= total; g_fail_at++) {
            reuse_once(&c, p, &st, &detail_ok);
            if ((st != ND_E_NOMEM || !detail_ok) && bad++ < 5)
                ND_CHECK_MSG(0, "budget %d, allocation %zu of %zu failing: %s, detail %s",
                             budget, g_fail_at, total, nd_strerror(st),
                             detail_ok ? "set" : "empty");
        }
        g_fail_at = 0;
        nd_params_destroy(p);
    }
    corpus_free(&c);
}

/* A spill file that cannot grow (the file size limit, as a full disk would)
 * ends the run with ND_E_IO and the system's reason; run in a child, whose
 * limit does not reach the other tests. */
static void test_spill_full(void)
{
    corpus c = {0};
    small_corpus(&c);
    fflush(NULL);
    const pid_t pid = fork();
    ND_CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        const struct rlimit rl = {4096, 4096};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(3);
        nd_params *p;
        nd_reuse *r = NULL;
        if (nd_params_create(&p, NULL) != ND_OK || nd_params_set(p, ND_P_MEMORY, 4096) != ND_OK ||
            nd_reuse_create(&r, p, NULL) != ND_OK)
            _exit(3);
        for (size_t i = 0; i < c.n; i++)
            if (nd_reuse_add(r, NULL) != ND_OK)
                _exit(3);
        const nd_status st = nd_reuse_run(r, get_text, &c);
        const char *d = nd_reuse_errdetail(r);
        if (st != ND_E_IO || !strstr(d, "writing a temporary file")) {
            fprintf(stderr, "test_spill_full: %s: %s\n", nd_strerror(st), d);
            _exit(1);
        }
        _exit(0);
    }
    int ws = 0;
    ND_CHECK(waitpid(pid, &ws, 0) == pid);
    ND_CHECK_MSG(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "child status %d", ws);
    corpus_free(&c);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, g_seed);
    printf("test_reuse: seed %llu (rerun: test_reuse --seed N)\n", g_seed);
    ND_RUN(test_verbatim_offsets);
    ND_RUN(test_edits);
    ND_RUN(test_repeats);
    ND_RUN(test_cluster_and_direction);
    ND_RUN(test_filters);
    ND_RUN(test_boilerplate);
    ND_RUN(test_degenerate);
    ND_RUN(test_threads);
    ND_RUN(test_states_and_errors);
    ND_RUN(test_out_of_memory);
    ND_RUN(test_spill_full);
    return nd_test_end("test_reuse");
}

/*
 * test_index_online.c - the index's passages and stories (index/ipassage.c,
 * index/istory.c) through the public nd_index API, against the batch
 * nd_reuse and nd_story on the bundled example corpus
 * (examples/corpus/news.jsonl): the passages found online for each document
 * are the batch passages between it and the documents before it (batch run
 * on the documents up to it: rare n-grams are those rare so far); the online
 * stories group the documents as batch stories do; remove and verify keep
 * the stories consistent, and verify finds a damaged story record, vector or
 * counters; a query writes nothing; running out of memory at
 * any allocation of an add or a remove leaves the index as it was. On the
 * five seed articles (../shared/seeds, SHARED's seeds from the repository
 * root), added one by one, 3 then 2, all at once or in reverse, the online
 * passages are batch reuse's on the five, boilerplate ignored (no licence
 * line passage between 000 and 004), and the five are one story.
 * Randomised orders take --seed N (printed).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nd_internal.h"
#include "nd_test.h"
#include "read/date.h"
#include "read/json.h"

#include <lmdb.h>

#define CORPUS "examples/corpus/news.jsonl"
#define MAXDOCS 64

typedef struct ndoc {
    char *id, *source, *date, *title, *text;
    size_t id_len, source_len, date_len, title_len, text_len;
    double days;
    int has_date;
} ndoc;

static ndoc g_docs[MAXDOCS];
static size_t g_n;
static unsigned long long g_seed = 1;

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

static int load_corpus(void)
{
    FILE *f = fopen(CORPUS, "rb");
    ND_CHECK_MSG(f != NULL, "cannot open %s", CORPUS);
    if (!f)
        return 0;
    static const char *const names[] = {"id", "source", "date", "title", "text"};
    js_scanner *js = js_new(names, 5);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0 && g_n < MAXDOCS) {
        if (js_scan(js, line, (size_t)len) != JS_OK)
            continue;
        ndoc *d = &g_docs[g_n];
        const js_value *v[5];
        for (size_t i = 0; i < 5; i++)
            v[i] = js_field(js, i);
        if (v[0]->type != JS_STRING || v[4]->type != JS_STRING)
            continue;
        d->id = dup_n(v[0]->s, d->id_len = v[0]->n);
        d->text = dup_n(v[4]->s, d->text_len = v[4]->n);
        if (v[1]->type == JS_STRING)
            d->source = dup_n(v[1]->s, d->source_len = v[1]->n);
        if (v[2]->type == JS_STRING) {
            d->date = dup_n(v[2]->s, d->date_len = v[2]->n);
            d->has_date = cli_parse_date(d->date, d->date_len, &d->days) == 0;
        }
        if (v[3]->type == JS_STRING)
            d->title = dup_n(v[3]->s, d->title_len = v[3]->n);
        g_n++;
    }
    free(line);
    js_free(js);
    fclose(f);
    ND_CHECK(g_n >= 10);
    /* every earlier document may be aligned: the online passages are batch's */
    ND_CHECK(g_n <= nd_index_passage_candidates);
    return g_n > 0;
}

static void free_corpus(void)
{
    for (size_t i = 0; i < g_n; i++) {
        free(g_docs[i].id);
        free(g_docs[i].source);
        free(g_docs[i].date);
        free(g_docs[i].title);
        free(g_docs[i].text);
    }
    g_n = 0;
}

static nd_index_doc index_doc(const ndoc *d)
{
    nd_index_doc x;
    memset(&x, 0, sizeof x);
    x.id = d->id;
    x.id_len = d->id_len;
    x.text = d->text;
    x.text_len = d->text_len;
    x.title = d->title;
    x.title_len = d->title_len;
    x.source = d->source;
    x.source_len = d->source_len;
    x.date = d->date;
    x.date_len = d->date_len;
    x.date_days = d->days;
    x.has_date = d->has_date;
    return x;
}

/* A fresh index directory (removed by rm_dir). */
static char *make_dir(char *buf, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, n, "%s/nd_ionline_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(buf);
}

static void rm_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ND_CHECK(system(cmd) == 0);
}

/* A new index (parameters ip, NULL: the defaults) in a new directory dir
 * (n bytes); NULL, the directory gone, when it cannot be made. */
static nd_index *open_fresh(char *dir, size_t n, const nd_params *ip)
{
    nd_index *ix = NULL;
    if (!make_dir(dir, n)) {
        ND_CHECK_MSG(0, "cannot make a directory for an index");
        return NULL;
    }
    const nd_status st = nd_index_open(&ix, dir, ip, ND_INDEX_CREATE | ND_INDEX_NOSYNC, NULL);
    ND_CHECK_MSG(st == ND_OK, "open: %s (%s)", nd_strerror(st), ix ? nd_index_errdetail(ix) : "");
    if (st != ND_OK) {
        nd_index_close(ix);
        rm_dir(dir);
        return NULL;
    }
    return ix;
}

/* A passage in comparable form: the document's index, the other's, and the
 * figures. */
typedef struct prow {
    uint32_t doc, other;
    uint32_t start, end, other_start, other_end, words, other_words, matches;
    int32_t score;
    int earlier;
} prow;

static int cmp_prow(const void *x, const void *y)
{
    const prow *a = x, *b = y;
    const uint32_t ka[] = {a->doc, a->other, a->start, a->other_start, a->end, a->other_end};
    const uint32_t kb[] = {b->doc, b->other, b->start, b->other_start, b->end, b->other_end};
    for (size_t i = 0; i < 6; i++)
        if (ka[i] != kb[i])
            return ka[i] < kb[i] ? -1 : 1;
    return 0;
}

static size_t index_of(const char *id, size_t n, const size_t *order, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (g_docs[order[i]].id_len == n && memcmp(g_docs[order[i]].id, id, n) == 0)
            return i;
    return SIZE_MAX;
}

typedef struct tctx {
    const size_t *order;
} tctx;

static nd_status text_of(void *ctx, uint32_t doc, unsigned slot, const char **text, size_t *len)
{
    const tctx *c = ctx;
    (void)slot;
    *text = g_docs[c->order[doc]].text;
    *len = g_docs[c->order[doc]].text_len;
    return ND_OK;
}

/* What the online run saw, in add order (position k = order[k]). */
typedef struct online {
    prow *rows;
    size_t nrows;
    size_t rep[MAXDOCS];      /* position of each document's representative */
    uint64_t story[MAXDOCS];
    int new_story[MAXDOCS];
} online;

/* Adds the documents in the given order, one add each; records the answers. */
static void run_online(nd_index *ix, const size_t *order, size_t n, online *o)
{
    nd_index_session *s = NULL;
    ND_CHECK(nd_index_session_create(ix, &s) == ND_OK);
    if (!s)
        return;
    o->rows = calloc(4096, sizeof *o->rows);
    o->nrows = 0;
    for (size_t k = 0; k < n; k++) {
        const nd_index_doc x = index_doc(&g_docs[order[k]]);
        const nd_index_answer *ans = NULL;
        const nd_status st = nd_index_add(s, &x, 1, &ans);
        ND_CHECK_MSG(st == ND_OK, "add %s: %s (%s)", g_docs[order[k]].id, nd_strerror(st),
                     nd_index_session_errdetail(s));
        if (st != ND_OK || !ans)
            continue;
        ND_CHECK(ans->change == ND_INDEX_ADDED);
        o->rep[k] = ans->rep ? index_of(ans->rep, ans->rep_len, order, k + 1) : k;
        ND_CHECK(o->rep[k] != SIZE_MAX);
        ND_CHECK(ans->has_story);
        o->story[k] = ans->story;
        o->new_story[k] = ans->new_story;
        for (size_t i = 0; i < ans->num_passages && o->nrows < 4096; i++) {
            const nd_index_passage *p = &ans->passages[i];
            const size_t other = index_of(p->other, p->other_len, order, k);
            ND_CHECK_MSG(other != SIZE_MAX, "passage of %s with an unknown document",
                         g_docs[order[k]].id);
            if (i) /* the answer's order: by the other's index order, then start */
                ND_CHECK(index_of(ans->passages[i - 1].other, ans->passages[i - 1].other_len,
                                  order, k) < other ||
                         (index_of(ans->passages[i - 1].other,
                                   ans->passages[i - 1].other_len, order, k) == other &&
                          ans->passages[i - 1].start <= p->start));
            o->rows[o->nrows++] = (prow){(uint32_t)k, (uint32_t)other, p->start, p->end,
                                         p->other_start, p->other_end, p->words,
                                         p->other_words, p->matches, p->score, p->earlier};
        }
    }
    nd_index_session_destroy(s);
}

/* The batch passages of the documents in that order (groups from the
 * index's representatives; boilerplate found and ignored first, as neardup
 * reuse does) as rows from the later document's side. */
static prow *run_batch_reuse(const nd_params *p, const size_t *order, size_t n,
                             const online *o, size_t *nrows)
{
    nd_reuse *r = NULL;
    ND_CHECK(nd_reuse_create(&r, p, NULL) == ND_OK);
    if (!r)
        return NULL;
    for (size_t k = 0; k < n; k++) {
        const ndoc *d = &g_docs[order[k]];
        const nd_reuse_doc rd = {d->source, d->source_len, d->days, d->has_date,
                                 (uint32_t)o->rep[k], d->text_len};
        ND_CHECK(nd_reuse_add(r, &rd) == ND_OK);
    }
    tctx c = {order};
    ND_CHECK(nd_reuse_boilerplate(r, text_of, &c) == ND_OK);
    ND_CHECK(nd_reuse_run(r, text_of, &c) == ND_OK);
    const nd_passage *ps = NULL;
    size_t np = 0;
    ND_CHECK(nd_reuse_passages(r, &ps, &np) == ND_OK);
    prow *rows = calloc(np ? np : 1, sizeof *rows);
    for (size_t i = 0; i < np; i++) {
        const nd_passage *x = &ps[i];
        rows[i] = (prow){x->b, x->a, x->b_start, x->b_end, x->a_start, x->a_end, x->b_words,
                         x->a_words, x->matches, x->score,
                         x->earlier == x->b ? -1 : x->earlier == x->a ? 1 : 0};
    }
    *nrows = np;
    nd_reuse_destroy(r);
    return rows;
}

static int same_rows(const prow *a, const prow *b)
{
    return cmp_prow(a, b) == 0 && a->words == b->words && a->other_words == b->other_words &&
           a->matches == b->matches && a->score == b->score && a->earlier == b->earlier;
}

static void check_passages_with(const size_t *order, size_t n, const char *what,
                                const nd_params *ip)
{
    char dir[512];
    nd_index *ix = open_fresh(dir, sizeof dir, ip);
    if (!ix)
        return;
    online o;
    memset(&o, 0, sizeof o);
    run_online(ix, order, n, &o);
    nd_params *p = NULL;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    nd_index_params(ix, p);
    /* batch on each prefix [0, k]: the passages of k with the documents
     * before it, n-grams rare among those documents (as the index sees them) */
    size_t nb = 0;
    prow *b = calloc(4096, sizeof *b);
    for (size_t k = 0; b && k < n; k++) {
        size_t np = 0;
        prow *x = run_batch_reuse(p, order, k + 1, &o, &np);
        for (size_t i = 0; x && i < np && nb < 4096; i++)
            if (x[i].doc == k)
                b[nb++] = x[i];
        free(x);
    }
    qsort(o.rows, o.nrows, sizeof *o.rows, cmp_prow);
    if (b)
        qsort(b, nb, sizeof *b, cmp_prow);
    ND_CHECK_MSG(nb > 0, "%s: the corpus has passages", what);
    ND_CHECK_MSG(o.nrows == nb, "%s: %zu passages online, %zu batch", what, o.nrows, nb);
    for (size_t i = 0; b && i < o.nrows && i < nb; i++)
        ND_CHECK_MSG(same_rows(&o.rows[i], &b[i]),
                     "%s: passage %zu: online %s [%u,%u) ~ %s [%u,%u) m %u; batch %s [%u,%u) ~ "
                     "%s [%u,%u) m %u", what, i, g_docs[order[o.rows[i].doc]].id,
                     o.rows[i].start, o.rows[i].end, g_docs[order[o.rows[i].other]].id,
                     o.rows[i].other_start, o.rows[i].other_end, o.rows[i].matches,
                     g_docs[order[b[i].doc]].id, b[i].start, b[i].end,
                     g_docs[order[b[i].other]].id, b[i].other_start, b[i].other_end,
                     b[i].matches);
    uint64_t problems = 99;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK);
    ND_CHECK_MSG(problems == 0, "%s: verify: %llu problems (%s)", what,
                 (unsigned long long)problems, nd_index_errdetail(ix));
    free(b);
    free(o.rows);
    nd_params_destroy(p);
    nd_index_close(ix);
    rm_dir(dir);
}

/* Copies are left out (ND_P_PAIR_COPIES 0): a passage between copies runs
 * over a footer that batch knows as boilerplate from other documents, while
 * online boilerplate is judged on the pair, where copies count once
 * (docs/index-format.md); test_passages_params and test_seeds pair them. */
static void check_passages(const size_t *order, size_t n, const char *what)
{
    nd_params *p;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    if (!p)
        return;
    ND_CHECK(nd_params_set(p, ND_P_PAIR_COPIES, 0) == ND_OK);
    check_passages_with(order, n, what, p);
    nd_params_destroy(p);
}

static void test_passages_file_order(void)
{
    size_t order[MAXDOCS];
    for (size_t i = 0; i < g_n; i++)
        order[i] = i;
    check_passages(order, g_n, "file order");
}

static void test_passages_random_order(void)
{
    size_t order[MAXDOCS];
    uint64_t x = g_seed;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < g_n; i++)
            order[i] = i;
        for (size_t i = g_n; i > 1; i--) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            const size_t j = (size_t)((x >> 33) % i);
            const size_t t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        char what[64];
        snprintf(what, sizeof what, "random order %d (seed %llu)", round, g_seed);
        check_passages(order, g_n, what);
    }
}

/* The pairing rules (same source, date window, copies) and other seed and
 * passage lengths, as batch applies them. */
static void test_passages_params(void)
{
    static const struct {
        nd_param id;
        double v;
        int set; /* which parameter set */
    } cfg[] = {
        {ND_P_SAME_SOURCE, 0, 0}, {ND_P_WINDOW, 0.5, 0},
        {ND_P_PAIR_COPIES, 1, 1}, {ND_P_NGRAM, 3, 1}, {ND_P_MIN_WORDS, 5, 1},
        {ND_P_MAX_GAP, 2, 2}, {ND_P_DF_MAX, 3, 2},
    };
    size_t order[MAXDOCS];
    for (size_t i = 0; i < g_n; i++)
        order[i] = i;
    for (int set = 0; set < 3; set++) {
        nd_params *p = NULL;
        ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
        if (!p)
            return;
        for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++)
            if (cfg[i].set == set)
                ND_CHECK(nd_params_set(p, cfg[i].id, cfg[i].v) == ND_OK);
        char what[64];
        snprintf(what, sizeof what, "parameter set %d", set);
        check_passages_with(order, g_n, what, p);
        nd_params_destroy(p);
    }
}

/* ---- stories ------------------------------------------------------------------ */

/* The documents by date, undated last, ties by file order: the batch's
 * clustering order. */
static void date_order(size_t *order)
{
    for (size_t i = 0; i < g_n; i++)
        order[i] = i;
    for (size_t i = 1; i < g_n; i++) {
        const size_t v = order[i];
        size_t j = i;
        while (j > 0) {
            const ndoc *a = &g_docs[order[j - 1]], *b = &g_docs[v];
            const int after = (a->has_date && b->has_date && a->days > b->days) ||
                              (!a->has_date && b->has_date);
            if (!after)
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

/* 1 when the partitions x and y of n items (labels) are the same. */
static int same_partition(const uint64_t *x, const uint64_t *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if ((x[i] == x[j]) != (y[i] == y[j]))
                return 0;
    return 1;
}

/* Online stories of the documents added in that order, against batch
 * stories (which cluster in date order whatever the input order). Returns
 * 1 when they group alike. */
static int stories_vs_batch(const size_t *order, int must_match);

static void test_stories_match_batch(void)
{
    size_t order[MAXDOCS];
    date_order(order);
    stories_vs_batch(order, 1);
}

/* In arrival order (the file's, not by date) the index may group otherwise
 * than batch (istory.c DESIGN); on this corpus it groups alike. */
static void test_stories_arrival_order(void)
{
    size_t order[MAXDOCS];
    for (size_t i = 0; i < g_n; i++)
        order[i] = i;
    stories_vs_batch(order, 1);
}

/* Random arrival orders: the stories stay consistent (verify, the records'
 * stories, numbering), whether or not they group as batch does. */
static void test_stories_random_order(void)
{
    size_t order[MAXDOCS];
    uint64_t x = g_seed ^ 0x5eed;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < g_n; i++)
            order[i] = i;
        for (size_t i = g_n; i > 1; i--) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            const size_t j = (size_t)((x >> 33) % i);
            const size_t t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        (void)stories_vs_batch(order, 0);
    }
}

static int stories_vs_batch(const size_t *order, int must_match)
{
    char dir[512];
    nd_index *ix = open_fresh(dir, sizeof dir, NULL);
    if (!ix)
        return 0;
    online o;
    memset(&o, 0, sizeof o);
    run_online(ix, order, g_n, &o);
    nd_params *p = NULL;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    nd_index_params(ix, p);
    /* batch: the same documents, links from copies and passages */
    size_t nb = 0;
    prow *b = run_batch_reuse(p, order, g_n, &o, &nb);
    nd_story *sy = NULL;
    ND_CHECK(nd_story_create(&sy, p, NULL, NULL) == ND_OK);
    for (size_t k = 0; sy && k < g_n; k++) {
        const ndoc *d = &g_docs[order[k]];
        const nd_story_doc sd = {.title = d->title, .title_len = d->title_len,
                                 .date = d->days, .has_date = d->has_date};
        ND_CHECK(nd_story_add(sy, &sd) == ND_OK);
    }
    for (size_t k = 0; sy && k < g_n; k++)
        if (o.rep[k] != k)
            ND_CHECK(nd_story_link(sy, (uint32_t)k, (uint32_t)o.rep[k]) == ND_OK);
    for (size_t i = 0; sy && b && i < nb; i++)
        ND_CHECK(nd_story_link(sy, b[i].doc, b[i].other) == ND_OK);
    tctx c = {order};
    ND_CHECK(nd_story_vectors(sy, text_of, &c) == ND_OK);
    ND_CHECK(nd_story_cluster(sy) == ND_OK);
    const nd_story_member *m = NULL;
    const size_t *off = NULL;
    size_t ns = 0;
    ND_CHECK(nd_story_stories(sy, &m, &off, &ns) == ND_OK);
    uint64_t batch[MAXDOCS];
    for (size_t k = 0; m && k < ns; k++)
        for (size_t i = off[k]; i < off[k + 1]; i++)
            batch[m[i].doc] = k;
    ND_CHECK(ns >= 2 && ns < g_n); /* the example has a story of several documents */
    const int same = same_partition(o.story, batch, g_n);
    if (must_match)
        ND_CHECK_MSG(same, "online stories differ from batch");
    for (size_t k = 0; k < g_n; k++) {
        /* a new story is numbered after every story before it */
        int seen = 0;
        for (size_t j = 0; j < k; j++)
            seen |= o.story[j] == o.story[k];
        ND_CHECK(o.new_story[k] == !seen);
    }
    uint64_t problems = 99;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK);
    ND_CHECK_MSG(problems == 0, "verify: %llu (%s)", (unsigned long long)problems,
                 nd_index_errdetail(ix));
    /* nd_index_get gives each document's story */
    nd_index_session *s = NULL;
    ND_CHECK(nd_index_session_create(ix, &s) == ND_OK);
    for (size_t k = 0; s && k < g_n; k++) {
        nd_index_record rec;
        ND_CHECK(nd_index_get(s, g_docs[order[k]].id, g_docs[order[k]].id_len, &rec) == ND_OK);
        ND_CHECK(rec.has_story && rec.story == o.story[k]);
    }
    nd_index_session_destroy(s);
    nd_story_destroy(sy);
    free(b);
    free(o.rows);
    nd_params_destroy(p);
    nd_index_close(ix);
    rm_dir(dir);
    return same;
}

/* ---- the seed articles (../shared/seeds, docs/DESIGN's example) ---------------- */

#define SEEDS "../shared/seeds"
#define NSEEDS 5

static const char *const seed_names[NSEEDS] = {
    "000_55cc57f3fd3decfc.txt", "001_b1c4dd3a512a432f.txt", "002_aa95dd8840878a4b.txt",
    "003_f2c265952360f7f5.txt", "004_9bf8c0abad721332.txt"};

/* Puts the seeds in g_docs (the corpus saved into keep); 0 when missing. */
static int load_seeds(ndoc *keep, size_t *nkeep)
{
    memcpy(keep, g_docs, sizeof g_docs);
    *nkeep = g_n;
    memset(g_docs, 0, sizeof g_docs);
    g_n = 0;
    for (size_t i = 0; i < NSEEDS; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", SEEDS, seed_names[i]);
        FILE *f = fopen(path, "rb");
        ND_CHECK_MSG(f != NULL, "cannot open %s", path);
        if (!f)
            return 0;
        char *buf = malloc(1 << 20);
        const size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
        fclose(f);
        ndoc *d = &g_docs[g_n++];
        d->text = buf;
        d->text_len = n;
        d->id = dup_n(path, d->id_len = strlen(path));
    }
    return 1;
}

static void unload_seeds(const ndoc *keep, size_t nkeep)
{
    free_corpus();
    memcpy(g_docs, keep, sizeof g_docs);
    g_n = nkeep;
}

/* The seeds added in the given order, in adds of `per` documents: their
 * passages are batch reuse's on the five (boilerplate found and ignored:
 * the licence line ending 000 and 004 is no passage), and all five are one
 * story, as batch stories put them. */
static void check_seeds(const size_t *order, size_t per, const char *what)
{
    char dir[512];
    nd_index *ix = open_fresh(dir, sizeof dir, NULL);
    if (!ix)
        return;
    nd_status st;
    nd_index_session *s = NULL;
    ND_CHECK(nd_index_session_create(ix, &s) == ND_OK);
    prow rows[64];
    size_t nrows = 0, rep[NSEEDS];
    uint64_t story[NSEEDS];
    for (size_t k = 0; s && k < NSEEDS; k += per) {
        const size_t m = k + per <= NSEEDS ? per : NSEEDS - k;
        nd_index_doc x[NSEEDS];
        for (size_t i = 0; i < m; i++)
            x[i] = index_doc(&g_docs[order[k + i]]);
        const nd_index_answer *ans = NULL;
        st = nd_index_add(s, x, m, &ans);
        ND_CHECK_MSG(st == ND_OK, "%s: add: %s (%s)", what, nd_strerror(st),
                     nd_index_session_errdetail(s));
        for (size_t i = 0; st == ND_OK && ans && i < m; i++) {
            const nd_index_answer *an = &ans[i];
            rep[k + i] = an->rep ? index_of(an->rep, an->rep_len, order, k + i + 1) : k + i;
            ND_CHECK(rep[k + i] != SIZE_MAX && an->has_story);
            story[k + i] = an->story;
            for (size_t j = 0; j < an->num_passages && nrows < 64; j++) {
                const nd_index_passage *p = &an->passages[j];
                const size_t other = index_of(p->other, p->other_len, order, k + i);
                ND_CHECK(other != SIZE_MAX);
                rows[nrows++] = (prow){(uint32_t)(k + i), (uint32_t)other, p->start, p->end,
                                       p->other_start, p->other_end, p->words,
                                       p->other_words, p->matches, p->score, p->earlier};
            }
        }
    }
    /* batch: boilerplate, then passages, on the five */
    nd_reuse *r = NULL;
    ND_CHECK(nd_reuse_create(&r, NULL, NULL) == ND_OK);
    for (size_t k = 0; r && k < NSEEDS; k++) {
        const nd_reuse_doc rd = {NULL, 0, 0, 0, (uint32_t)rep[k], g_docs[order[k]].text_len};
        ND_CHECK(nd_reuse_add(r, &rd) == ND_OK);
    }
    tctx c = {order};
    const nd_passage *ps = NULL;
    size_t np = 0;
    if (r) {
        ND_CHECK(nd_reuse_boilerplate(r, text_of, &c) == ND_OK);
        ND_CHECK(nd_reuse_run(r, text_of, &c) == ND_OK);
        ND_CHECK(nd_reuse_passages(r, &ps, &np) == ND_OK);
    }
    prow b[64];
    size_t nb = 0;
    for (size_t i = 0; i < np && nb < 64; i++) {
        const nd_passage *x = &ps[i];
        const int later_b = x->b > x->a;
        b[nb++] = later_b ? (prow){x->b, x->a, x->b_start, x->b_end, x->a_start, x->a_end,
                                   x->b_words, x->a_words, x->matches, x->score,
                                   x->earlier == x->b ? -1 : x->earlier == x->a ? 1 : 0}
                          : (prow){x->a, x->b, x->a_start, x->a_end, x->b_start, x->b_end,
                                   x->a_words, x->b_words, x->matches, x->score,
                                   x->earlier == x->a ? -1 : x->earlier == x->b ? 1 : 0};
    }
    qsort(rows, nrows, sizeof *rows, cmp_prow);
    qsort(b, nb, sizeof *b, cmp_prow);
    /* 4 passages, and the copy passage of the two seed articles that are
     * copies (copies are aligned by default) */
    ND_CHECK_MSG(nb == 5, "%s: batch finds %zu passages on the seeds (5)", what, nb);
    ND_CHECK_MSG(nrows == nb, "%s: %zu passages online, %zu batch", what, nrows, nb);
    for (size_t i = 0; i < nrows && i < nb; i++)
        ND_CHECK_MSG(same_rows(&rows[i], &b[i]), "%s: passage %zu: online %zu [%u,%u) ~ %zu "
                     "[%u,%u); batch %zu [%u,%u) ~ %zu [%u,%u)", what, i, order[rows[i].doc],
                     rows[i].start, rows[i].end, order[rows[i].other], rows[i].other_start,
                     rows[i].other_end, order[b[i].doc], b[i].start, b[i].end,
                     order[b[i].other], b[i].other_start, b[i].other_end);
    for (size_t k = 1; s && k < NSEEDS; k++)
        ND_CHECK_MSG(story[k] == story[0], "%s: seed %zu in story %llu, seed %zu in %llu", what,
                     order[k], (unsigned long long)story[k], order[0],
                     (unsigned long long)story[0]);
    uint64_t problems = 99;
    if (ix) {
        ND_CHECK(nd_index_verify(ix, &problems) == ND_OK);
        ND_CHECK_MSG(problems == 0, "%s: verify: %llu problems", what,
                     (unsigned long long)problems);
    }
    nd_reuse_destroy(r);
    nd_index_session_destroy(s);
    nd_index_close(ix);
    rm_dir(dir);
}

static void test_seeds(void)
{
    static ndoc keep[MAXDOCS];
    size_t nkeep;
    if (load_seeds(keep, &nkeep)) {
        size_t order[NSEEDS], rev[NSEEDS];
        for (size_t i = 0; i < NSEEDS; i++) {
            order[i] = i;
            rev[i] = NSEEDS - 1 - i;
        }
        check_seeds(order, 1, "seeds one by one");
        check_seeds(order, 3, "seeds 3 then 2");
        check_seeds(order, NSEEDS, "seeds in one add");
        check_seeds(rev, 1, "seeds in reverse");
    }
    unload_seeds(keep, nkeep);
}

/* Queries doc with each set of parts (nd_index_session_set_answers): the
 * parts not asked are not found, those asked are what a full query finds.
 * Leaves the session asking for all; returns whether doc shares passages. */
static int check_parts(nd_index_session *s, const ndoc *nd)
{
    const nd_index_doc doc = index_doc(nd);
    const nd_index_answer *qa = NULL;
    nd_index_session_set_answers(s, ND_INDEX_ANSWER_ALL);
    ND_CHECK(nd_index_query(s, &doc, &qa) == ND_OK && qa);
    if (!qa)
        return 0;
    ND_CHECK(qa->parts == ND_INDEX_ANSWER_ALL && qa->has_story);
    const uint64_t story = qa->story, size = qa->story_size;
    const size_t npass = qa->num_passages, nmatch = qa->num_matches;
    const double sim = qa->story_similarity;
    for (unsigned parts = 0; parts < ND_INDEX_ANSWER_ALL; parts++) {
        nd_index_session_set_answers(s, parts);
        const nd_index_answer *pa = NULL;
        ND_CHECK(nd_index_query(s, &doc, &pa) == ND_OK && pa);
        if (!pa)
            continue;
        ND_CHECK_MSG(pa->parts == parts && pa->num_matches == nmatch &&
                         pa->num_passages == (parts & ND_INDEX_ANSWER_PASSAGES ? npass : 0) &&
                         pa->has_story == !!(parts & ND_INDEX_ANSWER_STORY),
                     "answers %u: %zu passages, story %d", parts, pa->num_passages,
                     pa->has_story);
        if (parts & ND_INDEX_ANSWER_STORY)
            ND_CHECK(pa->story == story && pa->story_size == size &&
                     pa->story_similarity == sim);
    }
    nd_index_session_set_answers(s, ND_INDEX_ANSWER_ALL);
    return npass > 0;
}

/* A query answers as an add would and writes nothing; removing documents
 * keeps the stories consistent (verify), and a story left empty goes. */
static void test_query_remove_verify(void)
{
    size_t order[MAXDOCS];
    date_order(order);
    char dir[512];
    nd_index *ix = open_fresh(dir, sizeof dir, NULL);
    if (!ix)
        return;
    nd_index_session *s = NULL;
    ND_CHECK(nd_index_session_create(ix, &s) == ND_OK);
    if (!s) {
        nd_index_close(ix);
        rm_dir(dir);
        return;
    }
    /* all but the last, then the last as a query, then added */
    for (size_t k = 0; k + 1 < g_n; k++) {
        const nd_index_doc x = index_doc(&g_docs[order[k]]);
        ND_CHECK(nd_index_add(s, &x, 1, NULL) == ND_OK);
    }
    nd_index_stats before, after;
    ND_CHECK(nd_index_stats_get(ix, &before) == ND_OK);
    const nd_index_doc last = index_doc(&g_docs[order[g_n - 1]]);
    const nd_index_answer *qa = NULL;
    ND_CHECK(nd_index_query(s, &last, &qa) == ND_OK);
    uint64_t qstory = qa ? qa->story : 0, qsize = qa ? qa->story_size : 0;
    const size_t qpass = qa ? qa->num_passages : 0;
    /* the parts a query asks for, on every document (indexed ones answered as
     * if they were not there): some share passages, all have a story */
    size_t with_passages = 0;
    for (size_t k = 0; k < g_n; k++)
        with_passages += check_parts(s, &g_docs[k]);
    ND_CHECK_MSG(with_passages > 0, "no document shares a passage: the parts are not tested");
    nd_index_session_set_answers(s, ND_INDEX_ANSWER_ALL);
    ND_CHECK(nd_index_stats_get(ix, &after) == ND_OK);
    ND_CHECK(after.terms == before.terms && after.stories == before.stories &&
             after.postings == before.postings && after.docs == before.docs);
    const nd_index_answer *aa = NULL;
    ND_CHECK(nd_index_add(s, &last, 1, &aa) == ND_OK);
    ND_CHECK(aa && aa->story == qstory && aa->story_size == qsize &&
             aa->num_passages == qpass);
    uint64_t problems = 99;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    /* a replaced text leaves its story and takes the new one's place */
    {
        nd_index_doc y = last;
        const char *more = " The railway reopened a week early, officials said.";
        char *t = malloc(last.text_len + strlen(more) + 1);
        ND_CHECK(t != NULL);
        if (t) {
            memcpy(t, last.text, last.text_len);
            memcpy(t + last.text_len, more, strlen(more) + 1);
            y.text = t;
            y.text_len = last.text_len + strlen(more);
            const nd_index_answer *ra = NULL;
            ND_CHECK(nd_index_add(s, &y, 1, &ra) == ND_OK);
            ND_CHECK(ra && ra->change == ND_INDEX_REPLACED && ra->has_story);
            problems = 99;
            ND_CHECK(nd_index_verify(ix, &problems) == ND_OK);
            ND_CHECK_MSG(problems == 0, "after a replace: %llu (%s)",
                         (unsigned long long)problems, nd_index_errdetail(ix));
            ND_CHECK(nd_index_add(s, &last, 1, &ra) == ND_OK); /* and back */
            ND_CHECK(ra && ra->change == ND_INDEX_REPLACED);
            free(t);
        }
    }
    problems = 99;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    /* remove every other document, verify, then the rest */
    for (size_t k = 0; k < g_n; k += 2) {
        const char *id = g_docs[order[k]].id;
        const size_t len = g_docs[order[k]].id_len;
        size_t removed = 0;
        ND_CHECK(nd_index_remove(s, &id, &len, 1, &removed) == ND_OK && removed == 1);
        problems = 99;
        ND_CHECK(nd_index_verify(ix, &problems) == ND_OK);
        ND_CHECK_MSG(problems == 0, "after removing %s: %llu problems (%s)", id,
                     (unsigned long long)problems, nd_index_errdetail(ix));
    }
    for (size_t k = 1; k < g_n; k += 2) {
        const char *id = g_docs[order[k]].id;
        const size_t len = g_docs[order[k]].id_len;
        size_t removed = 0;
        ND_CHECK(nd_index_remove(s, &id, &len, 1, &removed) == ND_OK && removed == 1);
    }
    problems = 99;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    nd_index_stats empty;
    ND_CHECK(nd_index_stats_get(ix, &empty) == ND_OK);
    ND_CHECK(empty.docs == 0 && empty.postings == 0 && empty.terms == 0);
    /* re-adding gives the same stories as the first time round */
    for (size_t k = 0; k < g_n; k++) {
        const nd_index_doc x = index_doc(&g_docs[order[k]]);
        const nd_index_answer *ans = NULL;
        ND_CHECK(nd_index_add(s, &x, 1, &ans) == ND_OK);
        ND_CHECK(ans && ans->has_story);
    }
    problems = 99;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    nd_index_session_destroy(s);
    nd_index_close(ix);
    rm_dir(dir);
}

/* The index's memo of stories (istory.c) follows the writes: a reader
 * session's queries, each asked twice, answer as the writer session's query
 * and add of the same document do, the writer adding between them (each add
 * a new snapshot); at the end a warm memo answers every document as a new
 * handle does. readonly: the reader is a session of a second, read-only
 * handle of the index (its memo sees no writes, only its snapshots). */
static void query_follows_adds(int readonly)
{
    size_t order[MAXDOCS];
    date_order(order);
    char dir[512];
    nd_index *ix = open_fresh(dir, sizeof dir, NULL);
    if (!ix)
        return;
    nd_index *rx = ix;
    if (readonly)
        ND_CHECK(nd_index_open(&rx, dir, NULL, ND_INDEX_READONLY, NULL) == ND_OK);
    nd_index_session *w = NULL, *r = NULL;
    ND_CHECK(nd_index_session_create(ix, &w) == ND_OK);
    ND_CHECK(rx && nd_index_session_create(rx, &r) == ND_OK);
    for (size_t k = 0; w && r && k < g_n; k++) {
        const nd_index_doc x = index_doc(&g_docs[order[k]]);
        nd_index_answer q[3];
        const nd_index_answer *a = NULL;
        for (int i = 0; i < 3; i++) {
            ND_CHECK(nd_index_query(i ? r : w, &x, &a) == ND_OK && a);
            if (a)
                q[i] = *a;
        }
        ND_CHECK(nd_index_add(w, &x, 1, &a) == ND_OK && a);
        for (int i = 0; a && i < 3; i++)
            ND_CHECK_MSG(q[i].story == a->story && q[i].new_story == a->new_story &&
                             q[i].story_size == a->story_size &&
                             q[i].story_similarity == a->story_similarity,
                         "document %zu, query %d: story %llu, the add's %llu", k, i,
                         (unsigned long long)q[i].story, (unsigned long long)a->story);
    }
    /* a story closed to a query (kept so by r) that an add then opens: one
     * text, dated 0 (added), 4.5 (queried: 4.5 days after, the window is 3),
     * 3 (added: the story's last date is now 1.5 days before the query's) */
    nd_index_doc d[3];
    const double days[3] = {10000, 10004.5, 10003};
    const char *ids[3] = {"win-a", "win-q", "win-b"};
    for (int i = 0; i < 3; i++) {
        d[i] = index_doc(&g_docs[0]);
        d[i].id = ids[i];
        d[i].id_len = strlen(ids[i]);
        d[i].date = NULL;
        d[i].date_len = 0;
        d[i].has_date = 1;
        d[i].date_days = days[i];
    }
    const nd_index_answer *a = NULL;
    uint64_t sa = 0;
    ND_CHECK(w && r && nd_index_add(w, &d[0], 1, &a) == ND_OK && a);
    sa = a ? a->story : 0;
    ND_CHECK(r && nd_index_query(r, &d[1], &a) == ND_OK && a && a->new_story);
    ND_CHECK(w && nd_index_add(w, &d[2], 1, &a) == ND_OK && a && a->story == sa);
    ND_CHECK(r && nd_index_query(r, &d[1], &a) == ND_OK && a && !a->new_story &&
             a->story == sa);
    /* every document queried through r (its memo filled at every step) and
     * through a new handle (nothing memoised): the same stories */
    nd_index *fx = NULL;
    nd_index_session *f = NULL;
    ND_CHECK(nd_index_open(&fx, dir, NULL, ND_INDEX_READONLY, NULL) == ND_OK &&
             nd_index_session_create(fx, &f) == ND_OK);
    for (size_t k = 0; f && r && k < g_n; k++) {
        const nd_index_doc x = index_doc(&g_docs[k]);
        nd_index_answer q;
        ND_CHECK(nd_index_query(r, &x, &a) == ND_OK && a);
        if (!a)
            continue;
        q = *a;
        ND_CHECK(nd_index_query(f, &x, &a) == ND_OK && a);
        ND_CHECK_MSG(a && q.story == a->story && q.new_story == a->new_story &&
                         q.story_size == a->story_size &&
                         q.story_similarity == a->story_similarity,
                     "document %zu: story %llu, a new handle's %llu", k,
                     (unsigned long long)q.story, a ? (unsigned long long)a->story : 0ull);
    }
    nd_index_session_destroy(f);
    nd_index_close(fx);
    nd_index_session_destroy(r);
    nd_index_session_destroy(w);
    if (rx != ix)
        nd_index_close(rx);
    nd_index_close(ix);
    rm_dir(dir);
}

static void test_query_cache_follows_adds(void)
{
    query_follows_adds(0);
}

static void test_readonly_query_follows_adds(void)
{
    query_follows_adds(1);
}

/* One call adding every document (a batch, on 2 threads) answers as adds
 * of one document each do: the same passages and stories. */
static void test_batch_add_same(void)
{
    char d1[512], d2[512];
    ND_CHECK(make_dir(d1, sizeof d1) != NULL && make_dir(d2, sizeof d2) != NULL);
    nd_params *p = NULL;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    if (p)
        ND_CHECK(nd_params_set(p, ND_P_THREADS, 2) == ND_OK);
    nd_index *a = NULL, *b = NULL;
    ND_CHECK(nd_index_open(&a, d1, NULL, ND_INDEX_CREATE | ND_INDEX_NOSYNC, NULL) == ND_OK);
    ND_CHECK(nd_index_open(&b, d2, p, ND_INDEX_CREATE | ND_INDEX_NOSYNC, NULL) == ND_OK);
    nd_index_session *sa = NULL, *sb = NULL;
    if (a && b) {
        ND_CHECK(nd_index_session_create(a, &sa) == ND_OK);
        ND_CHECK(nd_index_session_create(b, &sb) == ND_OK);
    }
    nd_index_doc docs[MAXDOCS];
    for (size_t k = 0; k < g_n; k++)
        docs[k] = index_doc(&g_docs[k]);
    const nd_index_answer *all = NULL;
    if (sb)
        ND_CHECK(nd_index_add(sb, docs, g_n, &all) == ND_OK);
    for (size_t k = 0; sa && all && k < g_n; k++) {
        const nd_index_answer *one = NULL;
        ND_CHECK(nd_index_add(sa, &docs[k], 1, &one) == ND_OK);
        if (!one)
            continue;
        const nd_index_answer *x = &all[k];
        ND_CHECK_MSG(one->num_passages == x->num_passages, "%s: %zu passages one by one, %zu "
                     "in a batch", docs[k].id, one->num_passages, x->num_passages);
        for (size_t i = 0; i < one->num_passages && i < x->num_passages; i++) {
            const nd_index_passage *u = &one->passages[i], *v = &x->passages[i];
            ND_CHECK(u->other_len == v->other_len && !memcmp(u->other, v->other, u->other_len));
            ND_CHECK(u->start == v->start && u->end == v->end &&
                     u->other_start == v->other_start && u->other_end == v->other_end &&
                     u->matches == v->matches && u->score == v->score &&
                     u->earlier == v->earlier);
        }
        ND_CHECK(one->has_story && x->has_story && one->story == x->story &&
                 one->new_story == x->new_story && one->story_size == x->story_size &&
                 one->story_similarity == x->story_similarity);
    }
    nd_index_session_destroy(sa);
    nd_index_session_destroy(sb);
    nd_index_close(a);
    nd_index_close(b);
    nd_params_destroy(p);
    rm_dir(d1);
    rm_dir(d2);
}

/* Flips a byte in the value of the first record of table "stories" whose
 * key has klen bytes (first byte kind, or any when kind is 0); 1 when done. */
static int damage(const char *dir, size_t klen, unsigned char kind)
{
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    MDB_cursor *c = NULL;
    int done = 0;
    if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, 32) ||
        mdb_env_set_mapsize(env, (size_t)1 << 30) || mdb_env_open(env, dir, 0, 0644) ||
        mdb_txn_begin(env, NULL, 0, &txn) || mdb_dbi_open(txn, "stories", 0, &dbi) ||
        mdb_cursor_open(txn, dbi, &c)) {
        if (txn)
            mdb_txn_abort(txn);
        mdb_env_close(env);
        return 0;
    }
    MDB_val k, v;
    for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); !rc && !done;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (k.mv_size != klen || (kind && ((unsigned char *)k.mv_data)[0] != kind))
            continue;
        unsigned char buf[4096];
        if (v.mv_size > sizeof buf || v.mv_size < 12)
            continue;
        memcpy(buf, v.mv_data, v.mv_size);
        buf[v.mv_size / 2] ^= 0x40;
        MDB_val nv = {v.mv_size, buf};
        done = mdb_cursor_put(c, &k, &nv, MDB_CURRENT) == 0;
    }
    mdb_cursor_close(c);
    if (done)
        done = mdb_txn_commit(txn) == 0;
    else
        mdb_txn_abort(txn);
    mdb_env_close(env);
    return done;
}

/* nd_index_verify finds a damaged story record, document vector and
 * counters record. */
static void test_verify_finds_damage(void)
{
    static const struct {
        size_t klen;
        unsigned char kind;
    } what[] = {{8, 0}, {9, 'V'}, {1, 'M'}};
    for (size_t w = 0; w < sizeof what / sizeof what[0]; w++) {
        char dir[512];
        ND_CHECK(make_dir(dir, sizeof dir) != NULL);
        nd_index *ix = NULL;
        ND_CHECK(nd_index_open(&ix, dir, NULL, ND_INDEX_CREATE, NULL) == ND_OK);
        nd_index_session *s = NULL;
        if (ix)
            ND_CHECK(nd_index_session_create(ix, &s) == ND_OK);
        for (size_t k = 0; s && k < g_n; k++) {
            const nd_index_doc x = index_doc(&g_docs[k]);
            ND_CHECK(nd_index_add(s, &x, 1, NULL) == ND_OK);
        }
        nd_index_session_destroy(s);
        nd_index_close(ix);
        ND_CHECK_MSG(damage(dir, what[w].klen, what[w].kind), "damaging record kind %zu", w);
        ix = NULL;
        ND_CHECK(nd_index_open(&ix, dir, NULL, 0, NULL) == ND_OK);
        uint64_t problems = 0;
        if (ix)
            ND_CHECK(nd_index_verify(ix, &problems) == ND_E_CORRUPT);
        ND_CHECK_MSG(problems > 0, "damaged record kind %zu not found", w);
        nd_index_close(ix);
        rm_dir(dir);
    }
}

/* ---- out of memory -------------------------------------------------------------- */

/* An allocator that fails once its budget of allocations is spent. */
typedef struct budget {
    long left; /* < 0: unlimited */
    long fails;
} budget;

static void *b_alloc(void *opaque, size_t n)
{
    budget *b = opaque;
    if (b->left == 0) {
        b->fails++;
        return NULL;
    }
    if (b->left > 0)
        b->left--;
    return malloc(n);
}

static void b_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

/* An add and a remove that run out of memory at every allocation in turn
 * fail with ND_E_NOMEM and a detail, and leave the index as it was. */
static void test_out_of_memory(void)
{
    size_t order[MAXDOCS];
    date_order(order);
    char dir[512];
    ND_CHECK(make_dir(dir, sizeof dir) != NULL);
    budget bu = {-1, 0};
    const nd_allocator al = {b_alloc, b_free, &bu};
    nd_index *ix = NULL;
    nd_status st = nd_index_open(&ix, dir, NULL, ND_INDEX_CREATE | ND_INDEX_NOSYNC, &al);
    ND_CHECK(st == ND_OK);
    nd_index_session *s = NULL;
    if (st == ND_OK)
        ND_CHECK(nd_index_session_create(ix, &s) == ND_OK);
    if (!s) {
        nd_index_close(ix);
        rm_dir(dir);
        return;
    }
    for (size_t k = 0; k + 1 < g_n; k++) {
        const nd_index_doc x = index_doc(&g_docs[order[k]]);
        ND_CHECK(nd_index_add(s, &x, 1, NULL) == ND_OK);
    }
    /* the rail story's last member: passages with several documents */
    size_t last = 0;
    for (size_t k = 0; k < g_n; k++)
        if (strcmp(g_docs[order[k]].id, "mpa-0412-0931") == 0)
            last = k;
    const nd_index_doc x = index_doc(&g_docs[order[last]]);
    const char *id = x.id;
    const size_t id_len = x.id_len;
    size_t removed = 0;
    ND_CHECK(nd_index_remove(s, &id, &id_len, 1, &removed) == ND_OK && removed == 1);
    int done = 0;
    for (long n = 0; n < 100000 && !done; n++) {
        bu.left = n;
        const nd_index_answer *ans = NULL;
        st = nd_index_add(s, &x, 1, &ans);
        bu.left = -1;
        if (st == ND_OK) {
            done = 1;
            ND_CHECK(ans && ans->num_passages > 0 && ans->has_story);
            ND_CHECK(n > 20); /* failures inside the passages and the story, too */
            break;
        }
        /* the first allocation (index.c's answer arena) leaves no detail yet */
        ND_CHECK_MSG(st == ND_E_NOMEM && (n == 0 || nd_index_session_errdetail(s)[0]),
                     "add, allocation %ld: %s (%s)", n, nd_strerror(st),
                     nd_index_session_errdetail(s));
        nd_index_record rec;
        ND_CHECK(nd_index_get(s, id, id_len, &rec) == ND_E_PARAM); /* nothing written */
    }
    ND_CHECK(done);
    uint64_t problems = 99;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    done = 0;
    for (long n = 0; n < 100000 && !done; n++) {
        bu.left = n;
        st = nd_index_remove(s, &id, &id_len, 1, &removed);
        bu.left = -1;
        if (st == ND_OK) {
            done = 1;
            ND_CHECK(removed == 1);
            ND_CHECK(n > 5);
            break;
        }
        /* the first allocation (index.c's answer arena) leaves no detail yet */
        ND_CHECK_MSG(st == ND_E_NOMEM && (n == 0 || nd_index_session_errdetail(s)[0]),
                     "remove, allocation %ld: %s (%s)", n, nd_strerror(st),
                     nd_index_session_errdetail(s));
        nd_index_record rec;
        ND_CHECK(nd_index_get(s, id, id_len, &rec) == ND_OK); /* still there */
    }
    ND_CHECK(done);
    problems = 99;
    ND_CHECK(nd_index_verify(ix, &problems) == ND_OK && problems == 0);
    ND_CHECK(bu.fails > 0);
    nd_index_session_destroy(s);
    nd_index_close(ix);
    rm_dir(dir);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, 1);
    printf("test_index_online: seed %llu (candidates %u, story records v%u)\n", g_seed,
           nd_index_passage_candidates, nd_index_story_version);
    if (!load_corpus()) {
        free_corpus();
        return nd_test_end("test_index_online");
    }
    ND_RUN(test_passages_file_order);
    ND_RUN(test_passages_random_order);
    ND_RUN(test_passages_params);
    ND_RUN(test_stories_match_batch);
    ND_RUN(test_stories_arrival_order);
    ND_RUN(test_stories_random_order);
    ND_RUN(test_seeds);
    ND_RUN(test_query_remove_verify);
    ND_RUN(test_query_cache_follows_adds);
    ND_RUN(test_readonly_query_follows_adds);
    ND_RUN(test_batch_add_same);
    ND_RUN(test_verify_finds_damage);
    ND_RUN(test_out_of_memory);
    free_corpus();
    return nd_test_end("test_index_online");
}

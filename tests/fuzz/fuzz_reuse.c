/*
 * fuzz_reuse.c - libFuzzer target for nd_reuse (passages, passage clusters,
 * boilerplate) and the CLI's ISO 8601 date parser.
 *
 * Input: 5 parameter bytes, then up to MAX_DOCS documents separated by 0xFF
 * (the last one takes the rest, 0xFF bytes included). A document that starts
 * with 0xFE has a header up to the next 0xFE: its first byte picks a source and
 * a group, the rest is a date given to cli_parse_date() (in an exact-size
 * buffer, so ASan sees any read past its end).
 *
 *   byte 0: ND_P_NGRAM 1..8 (bits 0-2), boilerplate on (bit 3), ND_P_SAME_SOURCE
 *           (bit 4), ND_P_PAIR_COPIES (bit 5), ND_P_WINDOW on (bit 6), and 3
 *           threads instead of 2 for the second run (bit 7)
 *   byte 1: ND_P_MIN_WORDS 1..20
 *   byte 2: ND_P_MAX_GAP 0..30
 *   byte 3: ND_P_DF_MIN 2..4 (bits 0-1), ND_P_DF_MAX DF_MIN + 0..63 (bits 2-7)
 *   byte 4: ND_P_BOILER_DOCS 2..5 (bits 0-1), ND_P_BOILER_ANYWHERE 2..9 (bits
 *           2-4), ND_P_BOILER_SOURCE_DOCS 0..3 (bits 5-6), window 1 or 30 days
 *           (bit 7)
 *
 * Every run is checked against what include/neardup.h promises (ranges inside
 * their documents, counts, scores, orders, clusters covering their passages
 * (a passage between copies belongs to none),
 * boilerplate spans sorted and disjoint), and a run with 1 thread must give
 * exactly what a run with 2 (or 3) threads gives. A failed check aborts.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "read/date.h"
#include "neardup.h"

#define MAX_DOCS 8
#define NPARAM 5

typedef struct fdoc {
    char *text; /* exact-size copy (malloc(len ? len : 1)) */
    size_t len;
    nd_reuse_doc info;
} fdoc;

typedef struct fcorpus {
    fdoc d[MAX_DOCS];
    size_t n;
} fcorpus;

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static nd_status get_text(void *ctx, uint32_t doc, unsigned slot, const char **t, size_t *len)
{
    (void)slot;
    const fcorpus *c = ctx;
    CHECK(doc < c->n);
    *t = c->d[doc].text;
    *len = c->d[doc].len;
    return ND_OK;
}

static const char *const k_sources[] = {"alpha", "beta", "gamma"};

/* Parses a date header [s, s + n): the parser must not read past n (ASan), and
 * what it accepts must be finite, in years 0000-9999, and within the day of
 * its date part shifted by at most a day either way (time and zone). */
static int parse_date(const uint8_t *s, size_t n, double *days)
{
    char *buf = malloc(n ? n : 1);
    CHECK(buf);
    if (n)
        memcpy(buf, s, n);
    const int rc = cli_parse_date(buf, n, days);
    CHECK(rc == 0 || rc == -1);
    if (rc == 0) {
        CHECK(isfinite(*days) && *days > -719530.0 && *days < 2932900.0);
        double day0;
        CHECK(n >= 10 && cli_parse_date(buf, 10, &day0) == 0);
        CHECK(day0 == floor(day0) && *days > day0 - 1 && *days < day0 + 2);
    }
    free(buf);
    return rc;
}

static void split(fcorpus *c, const uint8_t *data, size_t size)
{
    size_t i = 0;
    while (i <= size && c->n < MAX_DOCS) {
        size_t end = size;
        if (c->n + 1 < MAX_DOCS) {
            const uint8_t *ff = memchr(data + i, 0xFF, size - i);
            if (ff)
                end = (size_t)(ff - data);
        }
        fdoc *d = &c->d[c->n++];
        d->info.group = ND_NO_GROUP;
        size_t t = i;
        if (t < end && data[t] == 0xFE) {
            const uint8_t *fe = memchr(data + t + 1, 0xFE, end - t - 1);
            const size_t hend = fe ? (size_t)(fe - data) : end;
            if (t + 1 < hend) {
                const uint8_t m = data[t + 1];
                if (m % 4) {
                    d->info.source = k_sources[m % 4 - 1];
                    d->info.source_len = strlen(d->info.source);
                }
                if ((m >> 2) % 4)
                    d->info.group = 1000 + (m >> 2) % 4;
                d->info.has_date = parse_date(data + t + 2, hend - t - 2, &d->info.date) == 0;
            }
            t = fe ? hend + 1 : hend;
        }
        d->len = end - t;
        d->text = malloc(d->len ? d->len : 1);
        CHECK(d->text);
        if (d->len)
            memcpy(d->text, data + t, d->len);
        i = end + 1;
    }
}

static int pos_cmp(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
    return a0 != b0 ? (a0 < b0 ? -1 : 1) : a1 != b1 ? (a1 < b1 ? -1 : 1) : 0;
}

/* Is [s, e) of doc inside an occurrence of cluster c? */
static int covered(const nd_occurrence *occ, const size_t *off, uint32_t c, uint32_t doc,
                   uint32_t s, uint32_t e)
{
    for (size_t k = off[c]; k < off[c + 1]; k++)
        if (occ[k].doc == doc && occ[k].start <= s && e <= occ[k].end)
            return 1;
    return 0;
}

static void check_boilerplate(const nd_reuse *r, const fcorpus *c)
{
    const nd_boiler *b;
    size_t nb;
    CHECK(nd_reuse_boilers(r, &b, &nb) == ND_OK);
    CHECK(nb == 0 || b);
    for (size_t i = 0; i < nb; i++) {
        CHECK(b[i].doc < c->n && b[i].start < b[i].end && b[i].end <= c->d[b[i].doc].len);
        CHECK(b[i].docs >= 1 && b[i].docs <= c->n && b[i].edge_docs <= b[i].docs);
        CHECK(b[i].occurrences >= b[i].docs && b[i].top_source_docs <= b[i].docs);
        CHECK(b[i].words >= 1);
        if (i > 0)
            CHECK(pos_cmp(b[i - 1].doc, b[i - 1].start, b[i].doc, b[i].start) <= 0);
        const nd_occurrence *o;
        size_t no;
        CHECK(nd_reuse_boiler_occurrences(r, i, &o, &no) == ND_OK);
        CHECK(no == b[i].occurrences);
        for (size_t k = 0; k < no; k++) {
            CHECK(o[k].doc < c->n && o[k].start < o[k].end && o[k].end <= c->d[o[k].doc].len);
            CHECK(o[k].words == b[i].words);
            if (k > 0)
                CHECK(pos_cmp(o[k - 1].doc, o[k - 1].start, o[k].doc, o[k].start) < 0);
        }
        CHECK(no > 0 && o[0].doc == b[i].doc && o[0].start == b[i].start &&
              o[0].end == b[i].end);
    }
    const nd_occurrence *o;
    size_t no;
    CHECK(nd_reuse_boiler_occurrences(r, nb, &o, &no) == ND_E_PARAM);
    for (uint32_t d = 0; d < c->n; d++) {
        const nd_span *s;
        size_t ns;
        CHECK(nd_reuse_doc_boilerplate(r, d, &s, &ns) == ND_OK);
        for (size_t k = 0; k < ns; k++) {
            CHECK(s[k].start < s[k].end && s[k].end <= c->d[d].len);
            if (k > 0)
                CHECK(s[k - 1].end <= s[k].start);
        }
    }
}

static void check_run(const nd_reuse *r, const fcorpus *c, const nd_params *p)
{
    const nd_passage *ps;
    size_t np;
    CHECK(nd_reuse_passages(r, &ps, &np) == ND_OK);
    const nd_occurrence *occ;
    const size_t *off;
    const uint32_t *origin;
    size_t nc;
    CHECK(nd_reuse_clusters(r, &occ, &off, &origin, &nc) == ND_OK);
    const double min_words = nd_params_get(p, ND_P_MIN_WORDS);
    CHECK(nc == 0 || (off && origin));
    if (nc > 0)
        CHECK(off[0] == 0);
    for (size_t k = 0; k < nc; k++) {
        CHECK(off[k] < off[k + 1]);
        CHECK(origin[k] == ND_NO_DOC || origin[k] < c->n);
        for (size_t j = off[k]; j < off[k + 1]; j++) {
            const nd_occurrence *e = &occ[j];
            CHECK(e->doc < c->n && e->start < e->end && e->end <= c->d[e->doc].len);
            CHECK(e->words >= 1);
            if (j > off[k])
                CHECK(pos_cmp(occ[j - 1].doc, occ[j - 1].start, e->doc, e->start) < 0);
        }
        if (k > 0)
            CHECK(pos_cmp(occ[off[k - 1]].doc, occ[off[k - 1]].start, occ[off[k]].doc,
                          occ[off[k]].start) < 0);
    }
    /* Occurrences in one document never overlap, across clusters too (they
     * would have merged). Quadratic, but the counts are small. */
    const size_t nocc = nc ? off[nc] : 0;
    for (size_t i = 0; i < nocc && nocc <= 4096; i++)
        for (size_t j = i + 1; j < nocc; j++)
            if (occ[i].doc == occ[j].doc)
                CHECK(occ[i].end <= occ[j].start || occ[j].end <= occ[i].start);
    for (size_t i = 0; i < np; i++) {
        const nd_passage *q = &ps[i];
        CHECK(q->a < q->b && q->b < c->n);
        CHECK(q->a_start < q->a_end && q->a_end <= c->d[q->a].len);
        CHECK(q->b_start < q->b_end && q->b_end <= c->d[q->b].len);
        CHECK(q->matches >= min_words);
        CHECK(q->matches <= q->a_words && q->matches <= q->b_words);
        CHECK((int64_t)q->score == (int64_t)q->matches - (q->a_words - q->matches) -
                                       (q->b_words - q->matches));
        /* a passage between copies belongs to no cluster; every other one is
         * covered by its cluster's occurrences */
        if (q->flags & ND_PASSAGE_COPY) {
            CHECK(q->cluster == ND_NO_CLUSTER);
        } else {
            CHECK(q->cluster < nc);
            CHECK(covered(occ, off, q->cluster, q->a, q->a_start, q->a_end));
            CHECK(covered(occ, off, q->cluster, q->b, q->b_start, q->b_end));
        }
        const nd_reuse_doc *da = &c->d[q->a].info, *db = &c->d[q->b].info;
        if (da->has_date && db->has_date && da->date != db->date)
            CHECK(q->earlier == (da->date < db->date ? q->a : q->b));
        else
            CHECK(q->earlier == ND_NO_DOC);
        if (i > 0) {
            const nd_passage *o = &ps[i - 1];
            CHECK(o->a < q->a || (o->a == q->a && (o->b < q->b || (o->b == q->b &&
                                                                  o->a_start <= q->a_start))));
        }
        /* No passage of a pair lies inside another of the same pair in both
         * documents (neardup.h); corpus/reuse/pair_overlap once made one. Two
         * may overlap in both: a phrase repeated in both documents aligns on
         * several diagonals. */
        for (size_t j = i; j-- > 0 && ps[j].a == q->a && ps[j].b == q->b;) {
            const int q_in_j = ps[j].a_start <= q->a_start && q->a_end <= ps[j].a_end &&
                               ps[j].b_start <= q->b_start && q->b_end <= ps[j].b_end;
            const int j_in_q = q->a_start <= ps[j].a_start && ps[j].a_end <= q->a_end &&
                               q->b_start <= ps[j].b_start && ps[j].b_end <= q->b_end;
            CHECK(!q_in_j && !j_in_q);
        }
    }
}

/* One run; returns the handle (NULL when the library reported an error). */
static nd_reuse *run(fcorpus *c, const nd_params *p, int boiler)
{
    nd_reuse *r;
    if (nd_reuse_create(&r, p, NULL) != ND_OK)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        CHECK(nd_reuse_add(r, &c->d[i].info) == ND_OK);
    if (boiler) {
        CHECK(nd_reuse_boilerplate(r, get_text, c) == ND_OK);
        check_boilerplate(r, c);
    }
    CHECK(nd_reuse_run(r, get_text, c) == ND_OK);
    CHECK(nd_reuse_run(r, get_text, c) == ND_E_STATE);
    check_run(r, c, p);
    return r;
}

/* Two runs give the same passages, clusters and boilerplate. */
static void check_same(const nd_reuse *x, const nd_reuse *y, int boiler)
{
    const nd_passage *px, *py;
    size_t nx, ny;
    CHECK(nd_reuse_passages(x, &px, &nx) == ND_OK && nd_reuse_passages(y, &py, &ny) == ND_OK);
    CHECK(nx == ny && (nx == 0 || memcmp(px, py, nx * sizeof *px) == 0));
    const nd_occurrence *ox, *oy;
    const size_t *fx, *fy;
    const uint32_t *gx, *gy;
    CHECK(nd_reuse_clusters(x, &ox, &fx, &gx, &nx) == ND_OK &&
          nd_reuse_clusters(y, &oy, &fy, &gy, &ny) == ND_OK);
    CHECK(nx == ny);
    if (nx > 0) {
        CHECK(memcmp(fx, fy, (nx + 1) * sizeof *fx) == 0);
        CHECK(memcmp(gx, gy, nx * sizeof *gx) == 0);
        CHECK(memcmp(ox, oy, fx[nx] * sizeof *ox) == 0);
    }
    if (boiler) {
        const nd_boiler *bx, *by;
        CHECK(nd_reuse_boilers(x, &bx, &nx) == ND_OK && nd_reuse_boilers(y, &by, &ny) == ND_OK);
        CHECK(nx == ny && (nx == 0 || memcmp(bx, by, nx * sizeof *bx) == 0));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < NPARAM || size > 1 << 16)
        return 0;
    uint8_t b[NPARAM];
    memcpy(b, data, NPARAM);
    data += NPARAM;
    size -= NPARAM;
    nd_params *p;
    if (nd_params_create(&p, NULL) != ND_OK)
        return 0;
    const unsigned df_min = 2 + (b[3] & 3);
    CHECK(nd_params_set(p, ND_P_NGRAM, 1 + (b[0] & 7)) == ND_OK);
    CHECK(nd_params_set(p, ND_P_SAME_SOURCE, (b[0] >> 4) & 1) == ND_OK);
    CHECK(nd_params_set(p, ND_P_PAIR_COPIES, (b[0] >> 5) & 1) == ND_OK);
    CHECK(nd_params_set(p, ND_P_WINDOW, (b[0] >> 6) & 1 ? (b[4] >> 7 ? 30 : 1) : 0) == ND_OK);
    CHECK(nd_params_set(p, ND_P_MIN_WORDS, 1 + b[1] % 20) == ND_OK);
    CHECK(nd_params_set(p, ND_P_MAX_GAP, b[2] % 31) == ND_OK);
    CHECK(nd_params_set(p, ND_P_DF_MIN, df_min) == ND_OK);
    CHECK(nd_params_set(p, ND_P_DF_MAX, df_min + (b[3] >> 2)) == ND_OK);
    CHECK(nd_params_set(p, ND_P_BOILER_DOCS, 2 + (b[4] & 3)) == ND_OK);
    CHECK(nd_params_set(p, ND_P_BOILER_ANYWHERE, 2 + ((b[4] >> 2) & 7)) == ND_OK);
    CHECK(nd_params_set(p, ND_P_BOILER_SOURCE_DOCS, (b[4] >> 5) & 3) == ND_OK);
    const int boiler = (b[0] >> 3) & 1;

    fcorpus c;
    memset(&c, 0, sizeof c);
    split(&c, data, size);

    CHECK(nd_params_set(p, ND_P_THREADS, 1) == ND_OK);
    nd_reuse *r1 = run(&c, p, boiler);
    CHECK(nd_params_set(p, ND_P_THREADS, b[0] >> 7 ? 3 : 2) == ND_OK);
    nd_reuse *r2 = run(&c, p, boiler);
    CHECK(r1 && r2);
    check_same(r1, r2, boiler);
    nd_reuse_destroy(r1);
    nd_reuse_destroy(r2);
    for (size_t i = 0; i < c.n; i++)
        free(c.d[i].text);
    nd_params_destroy(p);
    return 0;
}

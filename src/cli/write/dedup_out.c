/*
 * dedup_out.c - the outputs of a deduplication (see dedup_out.h), shared by
 * `neardup dedup` and `neardup analyze`.
 *
 * DESIGN
 *   Everything is read from the nd_dedup after its run: clusters in the
 *   library's order, pairs in its order, removed documents in document order.
 *   Ids come from the caller (dedup keeps them in an arena or a spill file,
 *   analyze in the corpus). Template differences need the texts of the
 *   documents in template relations only; the caller gathers those (dedup by
 *   reading the inputs again, analyze from its text store).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "write/dedup_out.h"
#include "write/output.h"

static void put_id(FILE *fp, const cli_dd_view *v, uint32_t doc)
{
    size_t n;
    const char *id = v->id(v->ctx, doc, &n);
    cli_json_str(fp, id, n);
}

/* An id for the listing: as it is, a NUL byte shown as \0. */
static void show_id(const cli_dd_view *v, uint32_t doc)
{
    size_t n;
    const char *id = v->id(v->ctx, doc, &n);
    cli_show(id, n);
}

/* Writes ,"relation":..,"resemblance":..,"<x>":..,"<y>":.. (clusters and pairs). */
static void put_relation(FILE *fp, nd_relation rel, double resemblance, const char *x_name,
                         double x, const char *y_name, double y)
{
    fprintf(fp, ",\"relation\":\"%s\",\"resemblance\":", nd_relation_name(rel));
    cli_json_num(fp, resemblance);
    fprintf(fp, ",\"%s\":", x_name);
    cli_json_num(fp, x);
    fprintf(fp, ",\"%s\":", y_name);
    cli_json_num(fp, y);
}

/* ---- what differs between templates ------------------------------------ */

/* t[0..n) cut at 64 bytes, on a character boundary, into out (72 bytes). */
static void snippet(char *out, const char *t, size_t n)
{
    n = cli_utf8_cut(t, n, 64);
    memcpy(out, t, n);
    out[n] = '\0';
}

static int tdiff_fill(nd_worker *w, const cli_dtext *x, const cli_dtext *y, cli_tdiff *out)
{
    if (nd_worker_template_diff(w, x->text, x->len, y->text, y->len, &out->d) != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_worker_errdetail(w), ND_E_NOMEM));
        return EXIT_INTERNAL;
    }
    out->days = isnan(x->date) || isnan(y->date) ? NAN : fabs(x->date - y->date);
    snippet(out->x, x->text + out->d.a_start, out->d.a_end - out->d.a_start);
    snippet(out->y, y->text + out->d.b_start, out->d.b_end - out->d.b_start);
    return 0;
}

size_t cli_dd_template_needs(nd_dedup *dd, size_t ndocs, int pairs, uint8_t *need)
{
    const nd_pair *p = NULL;
    size_t np = 0, want = 0;
    if (pairs && nd_dedup_pairs(dd, &p, &np) != ND_OK)
        np = 0;
    for (size_t i = 0; i < np; i++)
        if (p[i].rel == ND_REL_TEMPLATE) {
            need[p[i].a] = need[p[i].b] = 1;
            want++;
        }
    for (size_t i = 0; i < ndocs; i++) {
        nd_member m;
        if (nd_dedup_member(dd, i, &m) == ND_OK && m.rel == ND_REL_TEMPLATE) {
            need[i] = need[m.rep] = 1;
            want++;
        }
    }
    return want;
}

int cli_dd_template_diffs(nd_dedup *dd, const nd_params *params, size_t ndocs, int pairs,
                          const cli_dtext *tx, cli_tdiff **pdiff, cli_tdiff **mdiff)
{
    const nd_pair *p = NULL;
    size_t np = 0;
    if (pairs && nd_dedup_pairs(dd, &p, &np) != ND_OK)
        return EXIT_INTERNAL;
    nd_worker *w = NULL;
    *pdiff = calloc(np ? np : 1, sizeof **pdiff);
    *mdiff = calloc(ndocs ? ndocs : 1, sizeof **mdiff);
    if (!*pdiff || !*mdiff || nd_worker_create(&w, params, NULL) != ND_OK) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    int rc = 0;
    for (size_t i = 0; i < np && !rc; i++)
        if (p[i].rel == ND_REL_TEMPLATE)
            rc = tdiff_fill(w, &tx[p[i].a], &tx[p[i].b], &(*pdiff)[i]);
    for (size_t i = 0; i < ndocs && !rc; i++) {
        nd_member m;
        if (nd_dedup_member(dd, i, &m) == ND_OK && m.rel == ND_REL_TEMPLATE)
            rc = tdiff_fill(w, &tx[i], &tx[m.rep], &(*mdiff)[i]);
    }
    nd_worker_destroy(w);
    return rc;
}

/* ,"differs":{...} of a template: the first differing values in x and y
 * (named x_name, y_name), how many runs of values differ, the days apart. */
static void put_differs(FILE *fp, const cli_tdiff *t, const char *xn, const char *yn)
{
    if (!t)
        return;
    fprintf(fp, ",\"differs\":{\"runs\":%u", t->d.differ);
    if (t->d.differ) {
        fprintf(fp, ",\"%s\":", xn);
        cli_json_str(fp, t->x, strlen(t->x));
        fprintf(fp, ",\"%s_start\":%u,\"%s_end\":%u,\"%s\":", xn, t->d.a_start, xn,
                t->d.a_end, yn);
        cli_json_str(fp, t->y, strlen(t->y));
        fprintf(fp, ",\"%s_start\":%u,\"%s_end\":%u", yn, t->d.b_start, yn, t->d.b_end);
    }
    if (!isnan(t->days)) {
        fputs(",\"days_apart\":", fp);
        cli_json_num(fp, t->days);
    }
    fputc('}', fp);
}

/* ---- the outputs ---------------------------------------------------------- */

int cli_dd_write_clusters(const cli_dd_view *v, FILE *fp)
{
    const nd_member *m;
    const size_t *off;
    size_t nc;
    if (nd_dedup_clusters(v->dd, &m, &off, &nc) != ND_OK)
        return EXIT_INTERNAL;
    for (size_t c = 0; c < nc; c++) {
        fprintf(fp, "{\"cluster\":%zu,\"representative\":", c);
        put_id(fp, v, m[off[c]].doc);
        fprintf(fp, ",\"size\":%zu,\"members\":[", off[c + 1] - off[c]);
        for (size_t j = off[c]; j < off[c + 1]; j++) {
            fputs(j == off[c] ? "{\"id\":" : ",{\"id\":", fp);
            put_id(fp, v, m[j].doc);
            if (j == off[c]) {
                fputs(",\"relation\":\"representative\"}", fp);
                continue;
            }
            put_relation(fp, m[j].rel, m[j].resemblance, "member_in_rep", m[j].doc_in_rep,
                         "rep_in_member", m[j].rep_in_doc);
            if (m[j].rel == ND_REL_TEMPLATE && v->mdiff)
                put_differs(fp, &v->mdiff[m[j].doc], "member", "rep");
            fputc('}', fp);
        }
        fputs("]}\n", fp);
    }
    return 0;
}

int cli_dd_write_pairs(const cli_dd_view *v, FILE *fp)
{
    const nd_pair *p;
    size_t np;
    if (nd_dedup_pairs(v->dd, &p, &np) != ND_OK)
        return EXIT_INTERNAL;
    for (size_t i = 0; i < np; i++) {
        fputs("{\"a\":", fp);
        put_id(fp, v, p[i].a);
        fputs(",\"b\":", fp);
        put_id(fp, v, p[i].b);
        put_relation(fp, p[i].rel, p[i].resemblance, "a_in_b", p[i].a_in_b, "b_in_a",
                     p[i].b_in_a);
        if (p[i].rel == ND_REL_TEMPLATE && v->pdiff)
            put_differs(fp, &v->pdiff[i], "a", "b");
        fputs("}\n", fp);
    }
    return 0;
}

int cli_dd_write_removed(const cli_dd_view *v, FILE *fp)
{
    for (size_t i = 0; i < v->ndocs; i++) {
        nd_member m;
        if (nd_dedup_member(v->dd, i, &m) != ND_OK || m.rep == m.doc)
            continue;
        fputs("{\"id\":", fp);
        put_id(fp, v, (uint32_t)i);
        fputs(",\"kept\":", fp);
        put_id(fp, v, m.rep);
        fprintf(fp, ",\"relation\":\"%s\"}\n", nd_relation_name(m.rel));
    }
    return 0;
}

int cli_dd_show_clusters(const cli_dd_view *v)
{
    cli_progress_end();
    const nd_member *m;
    const size_t *off;
    size_t nc;
    if (nd_dedup_clusters(v->dd, &m, &off, &nc) != ND_OK)
        return EXIT_INTERNAL;
    for (size_t c = 0; c < nc; c++) {
        printf("cluster %zu: %zu documents\n", c + 1, off[c + 1] - off[c]);
        for (size_t j = off[c]; j < off[c + 1]; j++) {
            if (j == off[c]) {
                fputs("  keep  ", stdout);
                show_id(v, m[j].doc);
                putchar('\n');
                continue;
            }
            fputs("  drop  ", stdout);
            show_id(v, m[j].doc);
            printf("  %s", nd_relation_name(m[j].rel));
            const cli_tdiff *t = v->mdiff && m[j].rel == ND_REL_TEMPLATE ? &v->mdiff[m[j].doc]
                                                                          : NULL;
            if (t && t->d.differ)
                printf(" ('%s' where the kept one has '%s'%s)", t->x, t->y,
                       t->d.differ > 1 ? ", and more" : "");
            else if (t && !isnan(t->days))
                printf(" (the same text, %.0f days apart)", t->days);
            else if (m[j].rel != ND_REL_EXACT)
                printf(" (resemblance %.3f, %.0f%% of it in the kept one)", m[j].resemblance,
                       100 * m[j].doc_in_rep);
            putchar('\n');
        }
    }
    if (nc == 0)
        printf("no duplicates found among %zu %s\n", v->ndocs,
               cli_plural(v->ndocs, "document", "documents"));
    return cli_flush_stdout();
}

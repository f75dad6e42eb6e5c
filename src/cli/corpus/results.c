/*
 * results.c - the JSON Lines outputs read from a corpus (see results.h),
 * shared by `neardup reuse`, `boilerplate`, `stories` and `analyze`.
 *
 * DESIGN
 *   Each output is a list of items written in order; an item names the text
 *   ranges it quotes (an "asks" function) so that, on several processes, a
 *   batch of items has its texts fetched from the processes holding them
 *   (corpus_fetch) before it is written. On one process the texts are read
 *   from the corpus's store as they are written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "corpus/corpus.h"
#include "corpus/results.h"
#include "write/output.h"

/* ---- texts ---------------------------------------------------------------- */

static void put_text(FILE *fp, rrun *r, uint32_t doc, uint32_t start, uint32_t end)
{
    const char *t;
    size_t len;
    if (corpus_range(r, doc, start, end, 0, &t, &len) != ND_OK) {
        r->text_err = 1; /* write_one reports it */
        fputs("null", fp);
        return;
    }
    cli_json_str(fp, t, len);
}

/* ---- writing in batches ---------------------------------------------------- */

/* On several processes the texts an output quotes live with the processes
 * that read them: the items are written in batches, the texts of a batch
 * fetched first (corpus_fetch), about BATCH_BYTES of them. */
#define BATCH_BYTES ((uint64_t)64 << 20)
#define BATCH_ASKS 65536

/* The texts item i quotes: at most 2, into a; returns how many. */
typedef size_t (*asks_fn)(rrun *r, size_t i, corpus_ask *a);
/* Writes item i. */
typedef int (*item_fn)(rrun *r, FILE *fp, size_t i);

static int write_items(rrun *r, FILE *fp, size_t n, asks_fn asks, item_fn item)
{
    corpus_ask *a = NULL;
    if (r->dist && !(a = malloc((BATCH_ASKS + 2) * sizeof *a)))
        return -1;
    for (size_t i = 0; i < n;) {
        size_t j = n;
        if (a) { /* the batch [i, j) and its texts */
            size_t na = 0;
            uint64_t bytes = 0;
            for (j = i; j < n && na < BATCH_ASKS && bytes < BATCH_BYTES; j++) {
                const size_t k = asks(r, j, a + na);
                for (size_t q = na; q < na + k; q++)
                    bytes += a[q].end - a[q].start;
                na += k;
            }
            if (corpus_fetch(r, a, na) != 0) {
                free(a);
                return -1;
            }
        }
        for (; i < j; i++)
            if (item(r, fp, i)) {
                free(a);
                return -1;
            }
    }
    free(a);
    return 0;
}

static void put_id_or_null(FILE *fp, const rrun *r, uint32_t d)
{
    if (d == ND_NO_DOC)
        fputs("null", fp);
    else
        corpus_put_id(fp, r, d);
}

static size_t passage_asks(rrun *r, size_t i, corpus_ask *a)
{
    const nd_passage *p;
    size_t n;
    if (r->o.no_text || nd_reuse_passages(r->ru, &p, &n) != ND_OK || i >= n)
        return 0;
    a[0] = (corpus_ask){p[i].a, p[i].a_start, p[i].a_end};
    a[1] = (corpus_ask){p[i].b, p[i].b_start, p[i].b_end};
    return 2;
}

static int passage_item(rrun *r, FILE *fp, size_t i)
{
    const nd_passage *p;
    size_t n;
    if (nd_reuse_passages(r->ru, &p, &n) != ND_OK)
        return -1;
    const nd_passage *x = &p[i];
    fputs("{\"a\":", fp);
    corpus_put_id(fp, r, x->a);
    fputs(",\"b\":", fp);
    corpus_put_id(fp, r, x->b);
    fprintf(fp, ",\"a_start\":%u,\"a_end\":%u,\"b_start\":%u,\"b_end\":%u", x->a_start,
            x->a_end, x->b_start, x->b_end);
    fprintf(fp, ",\"a_words\":%u,\"b_words\":%u,\"words\":%u,\"score\":%d,\"identity\":",
            x->a_words, x->b_words, x->matches, x->score);
    const uint32_t mx = x->a_words > x->b_words ? x->a_words : x->b_words;
    cli_json_num(fp, mx ? (double)x->matches / mx : 0);
    if (x->cluster == ND_NO_CLUSTER)
        fputs(",\"cluster\":null,\"likely_source\":", fp);
    else
        fprintf(fp, ",\"cluster\":%u,\"likely_source\":", x->cluster);
    put_id_or_null(fp, r, x->earlier);
    if (x->flags & ND_PASSAGE_COPY)
        fputs(",\"relation\":\"copy\"", fp);
    if (!r->o.no_text) {
        const char *ta, *tb;
        size_t la, lb;
        fputs(",\"text\":", fp);
        if (corpus_range(r, x->a, x->a_start, x->a_end, 0, &ta, &la) != ND_OK ||
            corpus_range(r, x->b, x->b_start, x->b_end, 1, &tb, &lb) != ND_OK) {
            r->text_err = 1; /* write_one reports it */
            fputs("null", fp);
        } else {
            cli_json_str(fp, ta, la);
            if (la != lb || memcmp(ta, tb, la) != 0) {
                fputs(",\"b_text\":", fp);
                cli_json_str(fp, tb, lb);
            }
        }
    }
    fputs("}\n", fp);
    return 0;
}

int results_passages(rrun *r, FILE *fp)
{
    const nd_passage *p;
    size_t n;
    if (nd_reuse_passages(r->ru, &p, &n) != ND_OK)
        return -1;
    return write_items(r, fp, n, passage_asks, passage_item);
}

static size_t cluster_asks(rrun *r, size_t c, corpus_ask *a)
{
    const nd_occurrence *o;
    const size_t *off;
    const uint32_t *origin;
    size_t nc;
    if (r->o.no_text || nd_reuse_clusters(r->ru, &o, &off, &origin, &nc) != ND_OK || c >= nc)
        return 0;
    a[0] = (corpus_ask){o[off[c]].doc, o[off[c]].start, o[off[c]].end};
    return 1;
}

static int cluster_item(rrun *r, FILE *fp, size_t c)
{
    const nd_occurrence *o;
    const size_t *off;
    const uint32_t *origin;
    size_t nc;
    if (nd_reuse_clusters(r->ru, &o, &off, &origin, &nc) != ND_OK)
        return -1;
    size_t docs = 0;
    for (size_t i = off[c]; i < off[c + 1]; i++)
        docs += i == off[c] || o[i].doc != o[i - 1].doc;
    fprintf(fp, "{\"cluster\":%zu,\"docs\":%zu,\"likely_source\":", c, docs);
    put_id_or_null(fp, r, origin[c]);
    fputs(",\"occurrences\":[", fp);
    for (size_t i = off[c]; i < off[c + 1]; i++) {
        fputs(i > off[c] ? ",{\"id\":" : "{\"id\":", fp);
        corpus_put_id(fp, r, o[i].doc);
        fprintf(fp, ",\"start\":%u,\"end\":%u,\"words\":%u}", o[i].start, o[i].end,
                o[i].words);
    }
    fputs("]", fp);
    if (!r->o.no_text) {
        fputs(",\"text\":", fp);
        put_text(fp, r, o[off[c]].doc, o[off[c]].start, o[off[c]].end);
    }
    fputs("}\n", fp);
    return 0;
}

int results_pclusters(rrun *r, FILE *fp)
{
    const nd_occurrence *o;
    const size_t *off;
    const uint32_t *origin;
    size_t nc;
    if (nd_reuse_clusters(r->ru, &o, &off, &origin, &nc) != ND_OK)
        return -1;
    return write_items(r, fp, nc, cluster_asks, cluster_item);
}

static size_t boiler_asks(rrun *r, size_t i, corpus_ask *a)
{
    const nd_boiler *b;
    size_t n;
    if (nd_reuse_boilers(r->ru, &b, &n) != ND_OK || i >= n)
        return 0;
    a[0] = (corpus_ask){b[i].doc, b[i].start, b[i].end};
    return 1;
}

static int boiler_item(rrun *r, FILE *fp, size_t i)
{
    const nd_boiler *b;
    size_t n;
    if (nd_reuse_boilers(r->ru, &b, &n) != ND_OK)
        return -1;
    fputs("{\"text\":", fp);
    put_text(fp, r, b[i].doc, b[i].start, b[i].end);
    fprintf(fp, ",\"words\":%u,\"docs\":%u,\"edge_docs\":%u,\"occurrences\":%u,"
                "\"sources\":%u,\"top_source\":",
            b[i].words, b[i].docs, b[i].edge_docs, b[i].occurrences, b[i].sources);
    size_t sl;
    const char *s = nd_reuse_source(r->ru, b[i].top_source, &sl);
    if (s)
        cli_json_str(fp, s, sl);
    else
        fputs("null", fp);
    fprintf(fp, ",\"top_source_docs\":%u,\"ids\":[", b[i].top_source_docs);
    const nd_occurrence *o;
    size_t no;
    if (nd_reuse_boiler_occurrences(r->ru, i, &o, &no) != ND_OK)
        return -1;
    for (size_t k = 0; k < no; k++) {
        if (k && o[k].doc == o[k - 1].doc)
            continue;
        if (k)
            fputc(',', fp);
        corpus_put_id(fp, r, o[k].doc);
    }
    fputs("]}\n", fp);
    return 0;
}

int results_boilers(rrun *r, FILE *fp)
{
    const nd_boiler *b;
    size_t n;
    if (nd_reuse_boilers(r->ru, &b, &n) != ND_OK)
        return -1;
    return write_items(r, fp, n, boiler_asks, boiler_item);
}

static size_t stripped_asks(rrun *r, size_t d, corpus_ask *a)
{
    a[0] = (corpus_ask){(uint32_t)d, 0, (uint32_t)corpus_text_len(r, (uint32_t)d)};
    return 1;
}

static int stripped_item(rrun *r, FILE *fp, size_t d)
{
    const nd_span *sp;
    size_t ns;
    const char *t;
    size_t len;
    if (nd_reuse_doc_boilerplate(r->ru, (uint32_t)d, &sp, &ns) != ND_OK)
        return -1;
    if (corpus_range(r, (uint32_t)d, 0, (uint32_t)corpus_text_len(r, (uint32_t)d), 0, &t,
                     &len) != ND_OK) {
        r->text_err = 1;
        return -1;
    }
    fputs("{\"id\":", fp);
    corpus_put_id(fp, r, (uint32_t)d);
    fputs(",\"text\":", fp);
    if (ns == 0) {
        cli_json_str(fp, t, len);
    } else {
        char *buf = malloc(len + 1);
        if (!buf)
            return -1;
        cli_json_str(fp, buf, corpus_cut_spans(t, len, sp, ns, buf));
        free(buf);
    }
    corpus_put_source(fp, r, (uint32_t)d);
    fputs("}\n", fp);
    return 0;
}

int results_stripped(rrun *r, FILE *fp)
{
    return write_items(r, fp, r->ndocs, stripped_asks, stripped_item);
}

int results_write_one(rrun *r, cli_out *out, const char *path, results_fn fn)
{
    if (cli_out_open(out, path))
        return cli_out_status();
    r->text_err = 0;
    if (fn(r, out->fp) || r->text_err) {
        if (r->text_err) {
            cli_log(1, "%s: a text could not be read back from the temporary file", path);
            return EXIT_INPUT;
        }
        cli_log(1, "%s: out of memory", path);
        return EXIT_INTERNAL;
    }
    return 0;
}

/* ---- stories ---------------------------------------------------------------- */

int results_shares_passage(const nd_passage *ps, size_t nps, uint32_t a, uint32_t b)
{
    if (a > b) {
        const uint32_t t = a;
        a = b;
        b = t;
    }
    size_t lo = 0, hi = nps;
    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        const nd_passage *p = &ps[mid];
        if (p->a < a || (p->a == a && p->b < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < nps && ps[lo].a == a && ps[lo].b == b;
}

int results_label_failed(nd_story *sy)
{
    /* "the label of story K: <status name>": a text read back is I/O */
    const char *d = nd_story_errdetail(sy);
    cli_log(1, "%s", d);
    return strstr(d, nd_strerror(ND_E_IO)) ? EXIT_INPUT : EXIT_INTERNAL;
}

int results_story_label(rrun *r, nd_story *sy, size_t k, char lab[512])
{
    const char *terms[6];
    const size_t nt = nd_story_label(sy, k, corpus_text, r, terms, 6);
    if (nt == 0 && *nd_story_errdetail(sy))
        return -1;
    /* whole terms while they fit (a term is a word: at most a few hundred bytes) */
    size_t ll = 0;
    for (size_t i = 0; i < nt; i++) {
        const size_t tl = strlen(terms[i]), sep = i > 0;
        if (ll + sep + tl > 511)
            break;
        if (sep)
            lab[ll++] = ' ';
        memcpy(lab + ll, terms[i], tl);
        ll += tl;
    }
    lab[ll] = '\0';
    return (int)ll;
}

const char *results_member_relation(const rrun *r, const nd_passage *ps, size_t nps,
                                    const nd_story_member *m, size_t b, size_t e, size_t i,
                                    uint32_t *of_out)
{
    const uint32_t d = m[i].doc;
    const char *rel = "independent";
    uint32_t of = UINT32_MAX;
    nd_member md;
    if (r->dd && nd_dedup_member(r->dd, d, &md) == ND_OK) {
        for (size_t q = b; q < e && of == UINT32_MAX; q++) {
            const uint32_t o = m[q].doc;
            nd_member mo;
            if (o == d || nd_dedup_member(r->dd, o, &mo) != ND_OK || mo.rep != md.rep)
                continue;
            /* one copy group: copies (two templates of one report are copies of
             * each other); one cluster, two groups: templates */
            const int copies = r->reps && r->reps[d] == r->reps[o];
            const nd_relation x = md.rep == d ? mo.rel : md.rel;
            rel = !copies ? "template"
                : x == ND_REL_EXACT || x == ND_REL_TEMPLATE ? "copy" : "near-duplicate";
            of = o;
        }
    }
    for (size_t q = b; q < e && of == UINT32_MAX; q++)
        if (m[q].doc != d && results_shares_passage(ps, nps, d, m[q].doc)) {
            rel = "reuse";
            of = m[q].doc;
        }
    *of_out = of;
    return rel;
}

const char *results_story_title(const rrun *r, const nd_story_member *m, size_t b, size_t e)
{
    /* the central member: most similar to the centroid (first on ties) */
    size_t central = b;
    for (size_t i = b; i < e; i++)
        if (m[i].similarity > m[central].similarity)
            central = i;
    return corpus_meta_str(r, r->title_off, m[central].doc);
}

int results_count_stories(nd_story *sy, results_story_counts *c)
{
    const nd_story_member *m;
    const size_t *off;
    memset(c, 0, sizeof *c);
    if (nd_story_stories(sy, &m, &off, &c->stories) != ND_OK)
        return -1;
    for (size_t k = 0; k < c->stories; k++) {
        const size_t z = off[k + 1] - off[k];
        if (z > 1) {
            c->multi++;
            c->in_multi += z;
        }
        if (z > c->largest)
            c->largest = z;
    }
    return 0;
}

int results_labels_make(rrun *r, nd_story *sy, results_labels *out)
{
    memset(out, 0, sizeof *out);
    const nd_story_member *m;
    const size_t *off;
    size_t ns, cap = 0, len = 0;
    if (nd_story_stories(sy, &m, &off, &ns) != ND_OK || !(out->off = malloc((ns + 1) *
                                                                           sizeof *out->off)))
        return -1;
    for (size_t k = 0; k < ns; k++) {
        char lab[512];
        const int ll = results_story_label(r, sy, k, lab);
        if (ll < 0) {
            results_labels_free(out);
            return -2;
        }
        if (cli_grow((void **)&out->text, &cap, len + (size_t)ll + 1, 1)) {
            results_labels_free(out);
            return -1;
        }
        out->off[k] = len;
        memcpy(out->text + len, lab, (size_t)ll);
        out->text[len + (size_t)ll] = '\0';
        len += (size_t)ll + 1;
    }
    out->n = ns;
    return 0;
}

void results_labels_free(results_labels *l)
{
    free(l->text);
    free(l->off);
    memset(l, 0, sizeof *l);
}

int results_stories(rrun *r, nd_story *sy, const nd_passage *ps, size_t nps,
                    const results_labels *labels, FILE *fp)
{
    const nd_story_member *m;
    const size_t *off;
    size_t ns;
    if (nd_story_stories(sy, &m, &off, &ns) != ND_OK)
        return -1;
    for (size_t k = 0; k < ns; k++) {
        const size_t b = off[k], e = off[k + 1];
        fprintf(fp, "{\"story\":%zu,\"size\":%zu,\"label\":", k, e - b);
        if (labels && k < labels->n) {
            const char *l = labels->text + labels->off[k];
            cli_json_str(fp, l, strlen(l));
        } else {
            char lab[512];
            const int ll = results_story_label(r, sy, k, lab);
            if (ll < 0)
                return -2; /* the label failed: nd_story_errdetail says why */
            cli_json_str(fp, lab, (size_t)ll);
        }
        const char *title = results_story_title(r, m, b, e);
        if (title) {
            fputs(",\"title\":", fp);
            cli_json_str(fp, title, strlen(title));
        }
        /* first and last dates (as written in the input) */
        size_t first = SIZE_MAX, last = SIZE_MAX;
        for (size_t i = b; i < e; i++) {
            const double d = r->date[m[i].doc];
            if (isnan(d))
                continue;
            if (first == SIZE_MAX || d < r->date[m[first].doc])
                first = i;
            if (last == SIZE_MAX || d > r->date[m[last].doc])
                last = i;
        }
        fputs(",\"first\":", fp);
        if (first != SIZE_MAX)
            cli_json_str(fp, corpus_meta_str(r, r->dstr_off, m[first].doc),
                         strlen(corpus_meta_str(r, r->dstr_off, m[first].doc)));
        else
            fputs("null", fp);
        fputs(",\"last\":", fp);
        if (last != SIZE_MAX)
            cli_json_str(fp, corpus_meta_str(r, r->dstr_off, m[last].doc),
                         strlen(corpus_meta_str(r, r->dstr_off, m[last].doc)));
        else
            fputs("null", fp);
        /* distinct sources, in member order */
        fputs(",\"sources\":[", fp);
        int any = 0;
        for (size_t i = b; i < e; i++) {
            const uint64_t so = r->src_off[m[i].doc];
            if (so == UINT64_MAX)
                continue;
            int seen = 0;
            for (size_t q = b; q < i && !seen; q++)
                seen = r->src_off[m[q].doc] != UINT64_MAX &&
                       strcmp(r->src + r->src_off[m[q].doc], r->src + so) == 0;
            if (seen)
                continue;
            fputs(any++ ? "," : "", fp);
            cli_json_str(fp, r->src + so, strlen(r->src + so));
        }
        fputs("],\"members\":[", fp);
        for (size_t i = b; i < e; i++) {
            const uint32_t d = m[i].doc;
            fputs(i > b ? ",{\"id\":" : "{\"id\":", fp);
            corpus_put_id(fp, r, d);
            fputs(",\"similarity\":", fp);
            cli_json_num(fp, m[i].similarity);
            uint32_t of;
            const char *rel = results_member_relation(r, ps, nps, m, b, e, i, &of);
            fputs(",\"relation\":", fp);
            cli_json_str(fp, rel, strlen(rel));
            if (of != UINT32_MAX) {
                fputs(",\"of\":", fp);
                corpus_put_id(fp, r, of);
            }
            const char *ds = corpus_meta_str(r, r->dstr_off, d);
            if (ds && !isnan(r->date[d])) { /* a date that did not parse is left out */
                fputs(",\"date\":", fp);
                cli_json_str(fp, ds, strlen(ds));
            }
            corpus_put_source(fp, r, d);
            fputc('}', fp);
        }
        fputs("]}\n", fp);
    }
    return 0;
}

/* ---- listings for a person (a terminal) ----------------------------------------- */

/* A text on one line for a listing: white space runs as one space, control
 * characters left out, cut at about max bytes (a character boundary) with
 * "..." when cut. */
void results_put_snippet(FILE *fp, const char *t, size_t len, size_t max)
{
    size_t out = 0;
    int space = 0;
    for (size_t i = 0; i < len && out < max; i++) {
        const unsigned char c = (unsigned char)t[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = out > 0;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            continue;
        if (space) {
            fputc(' ', fp);
            out++;
            space = 0;
        }
        /* a whole character */
        const size_t n = cli_utf8_len((const unsigned char *)t + i, len - i);
        if (n == 0)
            continue;
        fwrite(t + i, 1, n, fp);
        out += n;
        i += n - 1;
        if (out >= max && i + 1 < len) {
            fputs("...", fp);
            break;
        }
    }
}

void results_show_snippet(const char *t, size_t len, size_t max)
{
    results_put_snippet(stdout, t, len, max);
}

/* An id for a listing: as it is, a NUL byte shown as \0. */
void results_show_id(const rrun *r, uint32_t d)
{
    cli_show(corpus_id(r, d), corpus_id_len(r, d));
}

int results_show_passages(rrun *r)
{
    cli_progress_end();
    const nd_passage *p;
    size_t n;
    if (nd_reuse_passages(r->ru, &p, &n) != ND_OK)
        return EXIT_INTERNAL;
    for (size_t i = 0; i < n; i++) {
        const nd_passage *x = &p[i];
        const uint32_t mx = x->a_words > x->b_words ? x->a_words : x->b_words;
        printf("passage %zu: ", i + 1);
        results_show_id(r, x->a);
        printf(" %u-%u  and  ", x->a_start, x->a_end);
        results_show_id(r, x->b);
        printf(" %u-%u  (%u words, identity %.3f", x->b_start, x->b_end, x->matches,
               mx ? (double)x->matches / mx : 0.0);
        if (x->flags & ND_PASSAGE_COPY)
            fputs(", between copies", stdout);
        else if (x->cluster != ND_NO_CLUSTER)
            printf(", passage cluster %u", x->cluster);
        if (x->earlier != ND_NO_DOC) {
            fputs(", first in ", stdout);
            results_show_id(r, x->earlier);
        }
        puts(")");
        const char *t;
        size_t len;
        if (corpus_range(r, x->a, x->a_start, x->a_end, 0, &t, &len) != ND_OK)
            return EXIT_INPUT;
        fputs("  \"", stdout);
        results_show_snippet(t, len, 160);
        puts("\"");
    }
    if (n == 0)
        printf("no shared passages found among %zu %s\n", r->ndocs,
               cli_plural(r->ndocs, "document", "documents"));
    return cli_flush_stdout();
}

int results_show_boilers(rrun *r)
{
    cli_progress_end();
    const nd_boiler *b;
    size_t n;
    if (nd_reuse_boilers(r->ru, &b, &n) != ND_OK)
        return EXIT_INTERNAL;
    for (size_t i = 0; i < n; i++) {
        printf("segment %zu: %u words, in %u %s (%u at the head or tail), %u %s", i + 1,
               b[i].words, b[i].docs, cli_plural(b[i].docs, "document", "documents"),
               b[i].edge_docs, b[i].occurrences, cli_plural(b[i].occurrences, "time", "times"));
        size_t sl;
        const char *s = nd_reuse_source(r->ru, b[i].top_source, &sl);
        if (s && b[i].sources == 1) {
            fputs(", all from ", stdout);
            cli_show(s, sl);
        } else if (s && b[i].sources) {
            printf(", %u sources, mostly ", b[i].sources);
            cli_show(s, sl);
            printf(" (%u %s)", b[i].top_source_docs,
                   cli_plural(b[i].top_source_docs, "document", "documents"));
        }
        putchar('\n');
        const char *t;
        size_t len;
        if (corpus_range(r, b[i].doc, b[i].start, b[i].end, 0, &t, &len) != ND_OK)
            return EXIT_INPUT;
        fputs("  \"", stdout);
        results_show_snippet(t, len, 160);
        puts("\"");
    }
    if (n == 0)
        printf("no boilerplate found among %zu %s\n", r->ndocs,
               cli_plural(r->ndocs, "document", "documents"));
    return cli_flush_stdout();
}

int results_show_stories(rrun *r, nd_story *sy, const nd_passage *ps, size_t nps)
{
    cli_progress_end();
    const nd_story_member *m;
    const size_t *off;
    size_t ns;
    if (nd_story_stories(sy, &m, &off, &ns) != ND_OK)
        return EXIT_INTERNAL;
    size_t shown = 0, single = 0;
    for (size_t k = 0; k < ns; k++) {
        const size_t b = off[k], e = off[k + 1];
        if (e - b < 2) {
            single++;
            continue;
        }
        char lab[512];
        const int ll = results_story_label(r, sy, k, lab);
        if (ll < 0)
            return -2;
        printf("story %zu: %zu documents: %.*s\n", k, e - b, ll, lab);
        const char *title = results_story_title(r, m, b, e);
        if (title) {
            fputs("  \"", stdout);
            results_show_snippet(title, strlen(title), 120);
            puts("\"");
        }
        /* columns as wide as this story's sources and ids need (up to a point) */
        int sw = 0, iw = 0;
        for (size_t i = b; i < e; i++) {
            const uint32_t d = m[i].doc;
            if (r->src_off[d] != UINT64_MAX && (int)strlen(r->src + r->src_off[d]) > sw)
                sw = (int)strlen(r->src + r->src_off[d]);
            if ((int)corpus_id_len(r, d) > iw)
                iw = (int)corpus_id_len(r, d);
        }
        sw = sw > 28 ? 28 : sw;
        iw = iw > 40 ? 40 : iw;
        for (size_t i = b; i < e; i++) {
            const uint32_t d = m[i].doc;
            const char *ds = corpus_meta_str(r, r->dstr_off, d);
            const char *src = r->src_off[d] != UINT64_MAX ? r->src + r->src_off[d] : "";
            printf("  %-10.10s  ", ds && !isnan(r->date[d]) ? ds : "");
            if (sw) {
                const size_t sl = cli_utf8_cut(src, strlen(src), (size_t)sw);
                cli_show(src, sl);
                printf("%*s  ", sw - (int)sl, "");
            }
            results_show_id(r, d);
            for (int pad = (int)corpus_id_len(r, d); pad < iw; pad++)
                putchar(' ');
            uint32_t of;
            const char *rel = results_member_relation(r, ps, nps, m, b, e, i, &of);
            if (of != UINT32_MAX) {
                printf("  %s of ", rel);
                results_show_id(r, of);
            }
            putchar('\n');
        }
        shown++;
    }
    if (single)
        printf("%s%zu %s of one document (-o or --json lists them too)\n", shown ? "and " : "",
               single, cli_plural(single, "story", "stories"));
    return cli_flush_stdout();
}

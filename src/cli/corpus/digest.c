/*
 * digest.c - story digests of a corpus (digest.h).
 *
 * DESIGN
 *   Stories are digested a batch at a time on the run's threads, each thread
 *   with its own nd_digest; each story's output goes to a buffer of its own,
 *   and the buffers are written in story order, so the output is the same for
 *   any thread count. A story's documents keep their story order; their
 *   sources are numbered by the source field (documents without one are each
 *   a source of their own). The passages of the run between two documents of
 *   a story are given as verbatim evidence (copies' passages included), and
 *   each document's boilerplate as what it does not say.
 *   Texts kept in a file (--memory) are read into the thread's arena first:
 *   nd_digest borrows every text of a story at once.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "corpus/digest.h"
#include "read/json.h"
#include "write/output.h"

/* ---- the stories -------------------------------------------------------------- */

void digest_stories_free(digest_stories *s)
{
    if (!s)
        return;
    for (size_t i = 0; s->label && i < s->n; i++)
        free(s->label[i]);
    free(s->label);
    free(s->off);
    free(s->docs);
    free(s->num);
    memset(s, 0, sizeof *s);
}

/* Room for one more story of n documents (docs: ndocs so far). */
static int story_room(digest_stories *s, size_t *cap, size_t *dcap, size_t ndocs, size_t n)
{
    if (s->n + 2 > *cap) {
        const size_t c = *cap ? 2 * *cap : 64;
        size_t *o = realloc(s->off, c * sizeof *o);
        if (!o)
            return -1;
        s->off = o;
        uint64_t *u = realloc(s->num, c * sizeof *u);
        if (!u)
            return -1;
        s->num = u;
        char **l = realloc(s->label, c * sizeof *l);
        if (!l)
            return -1;
        memset(l + *cap, 0, (c - *cap) * sizeof *l); /* a label slot is NULL until set */
        s->label = l;
        *cap = c;
    }
    if (ndocs + n > *dcap) {
        size_t c = *dcap ? *dcap : 256;
        while (c < ndocs + n)
            c *= 2;
        uint32_t *d = realloc(s->docs, c * sizeof *d);
        if (!d)
            return -1;
        s->docs = d;
        *dcap = c;
    }
    return 0;
}

int digest_stories_of(const nd_story *sy, size_t min_size, long long only,
                      const results_labels *labels, digest_stories *out)
{
    memset(out, 0, sizeof *out);
    const nd_story_member *m;
    const size_t *off;
    size_t ns, cap = 0, dcap = 0, nd = 0;
    if (nd_story_stories(sy, &m, &off, &ns) != ND_OK)
        return -1;
    for (size_t k = 0; k < ns; k++) {
        const size_t b = off[k], e = off[k + 1];
        if (e - b < min_size || (only >= 0 && (unsigned long long)only != k))
            continue;
        if (story_room(out, &cap, &dcap, nd, e - b))
            goto fail;
        out->off[out->n] = nd;
        out->num[out->n] = k;
        out->label[out->n] = NULL;
        if (labels && k < labels->n &&
            !(out->label[out->n] = strdup(labels->text + labels->off[k])))
            goto fail;
        for (size_t i = b; i < e; i++)
            out->docs[nd++] = m[i].doc;
        out->n++;
        out->off[out->n] = nd;
    }
    if (!out->off && !(out->off = calloc(1, sizeof *out->off)))
        return -1;
    return 0;
fail:
    if (out->label && out->n < cap) {
        free(out->label[out->n]);
        out->label[out->n] = NULL;
    }
    digest_stories_free(out);
    return -1;
}

static void on_read_error(void *ctx, const char *msg)
{
    *(int *)ctx = 1;
    cli_log(1, "%s", msg);
}

int digest_stories_read(const rrun *r, const char *path, size_t min_size, long long only,
                        digest_stories *out)
{
    memset(out, 0, sizeof *out);
    int reported = 0;
    FILE *in = rd_fopen(path, on_read_error, &reported);
    if (!in) {
        cli_log(1, "%s: out of memory", path);
        return EXIT_INTERNAL;
    }
    static const char *const names[] = {"story", "label", "members"};
    static const char *const mnames[] = {"id"};
    js_scanner *js = js_new(names, 3), *mj = js_new(mnames, 1);
    corpus_idmap m = {NULL, 0};
    uint32_t *owner = NULL; /* a document's story + 1 */
    char *line = NULL;
    size_t lcap = 0, cap = 0, dcap = 0, nd = 0;
    long len;
    unsigned long long lineno = 0;
    int rc = 0;
    if (!js || !mj || corpus_idmap_build(&m, r) ||
        !(owner = calloc(r->ndocs ? r->ndocs : 1, sizeof *owner))) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    while ((len = js_next_line(in, &line, &lcap, &lineno)) >= 0) {
        const unsigned long long ln = lineno;
        if (js_scan(js, line, (size_t)len) != JS_OK || js_top(js) != JS_OBJECT) {
            cli_log(1, "%s:%llu: not a JSON object", path, ln);
            rc = EXIT_INPUT;
            break;
        }
        const js_value *sv = js_field(js, 0), *lv = js_field(js, 1), *mv = js_field(js, 2);
        char *end = NULL;
        char num[32];
        const size_t nn = sv->n < sizeof num ? sv->n : sizeof num - 1;
        if (sv->type == JS_NUMBER) {
            memcpy(num, sv->s, nn);
            num[nn] = 0;
        }
        errno = 0;
        const unsigned long long story =
            sv->type == JS_NUMBER && num[0] != '-' ? strtoull(num, &end, 10) : 0;
        if (sv->type != JS_NUMBER || !end || *end || errno) {
            cli_log(1, "%s:%llu: no whole number \"story\" (a stories file of neardup stories)",
                    path, ln);
            rc = EXIT_INPUT;
            break;
        }
        if (mv->type != JS_ARRAY) {
            cli_log(1, "%s:%llu: no array \"members\"", path, ln);
            rc = EXIT_INPUT;
            break;
        }
        if (lv->type != JS_ABSENT && lv->type != JS_STRING && lv->type != JS_NULL) {
            cli_log(1, "%s:%llu: \"label\" is %s, not a string", path, ln,
                    js_type_name(lv->type));
            rc = EXIT_INPUT;
            break;
        }
        /* the members: count first (the array's text stays valid) */
        size_t pos = 0, cnt = 0, en;
        const char *es;
        while (js_array_next(mv, &pos, &es, &en))
            cnt++;
        const int take = cnt >= min_size && (only < 0 || (unsigned long long)only == story);
        if (take && story_room(out, &cap, &dcap, nd, cnt)) {
            cli_log(1, "out of memory");
            rc = EXIT_INTERNAL;
            break;
        }
        if (take) {
            out->off[out->n] = nd;
            out->num[out->n] = story;
            out->label[out->n] = NULL;
        }
        pos = 0;
        size_t i = 0;
        while (rc == 0 && js_array_next(mv, &pos, &es, &en)) {
            i++;
            if (js_scan(mj, es, en) != JS_OK || js_top(mj) != JS_OBJECT ||
                (js_field(mj, 0)->type != JS_STRING && js_field(mj, 0)->type != JS_NUMBER)) {
                cli_log(1, "%s:%llu: member %zu has no \"id\"", path, ln, i);
                rc = EXIT_INPUT;
                break;
            }
            const js_value *iv = js_field(mj, 0);
            const uint32_t d = corpus_idmap_get(&m, r, iv->s, iv->n);
            if (d == UINT32_MAX) {
                cli_log(1, "%s:%llu: member %zu: \"%.*s\" is not an id of the input (a "
                           "stories file of other inputs?)", path, ln,
                        i, (int)(iv->n > 80 ? 80 : iv->n), iv->s);
                rc = EXIT_INPUT;
                break;
            }
            if (owner[d] && take) {
                cli_log(1, "%s:%llu: member %zu: \"%.*s\" is %s", path, ln, i,
                        (int)(iv->n > 80 ? 80 : iv->n), iv->s,
                        owner[d] == out->n + 1 ? "listed twice" : "already in an earlier story");
                rc = EXIT_INPUT;
                break;
            }
            if (take) {
                owner[d] = (uint32_t)out->n + 1;
                out->docs[nd++] = d;
            }
        }
        if (rc)
            break;
        if (take) {
            if (lv->type == JS_STRING && !(out->label[out->n] = strndup(lv->s, lv->n))) {
                cli_log(1, "out of memory");
                rc = EXIT_INTERNAL;
                break;
            }
            out->n++;
            out->off[out->n] = nd;
        }
    }
    if (rc == 0 && ferror(in)) {
        if (!reported)
            cli_log(1, "%s: read error: %s", path, strerror(errno));
        rc = errno == ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    } else if (rc == 0 && !out->off && !(out->off = calloc(1, sizeof *out->off))) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
    }
done:
    free(line);
    free(m.slot);
    free(owner);
    js_free(js);
    js_free(mj);
    fclose(in);
    if (rc)
        digest_stories_free(out);
    return rc;
}

/* ---- one story --------------------------------------------------------------------- */

typedef struct dbatch dbatch;

/* A thread's digest and its story buffer. */
typedef struct dthread {
    dbatch *b;
    unsigned slot;
    nd_digest *dg;
    char *arena;          /* texts read from a file */
    size_t arena_cap;
    uint64_t *keys;       /* source numbering */
    size_t keys_cap;
} dthread;

struct dbatch {
    rrun *r;
    const digest_stories *st;
    const digest_opts *o;
    const nd_passage *ps;
    const uint32_t *poff;   /* story i's passages: pidx[poff[i] .. poff[i + 1]) */
    const uint32_t *pidx;
    const uint32_t *pos;    /* a document's place in its story */
    size_t lo, hi;          /* this batch's stories */
    char **buf;             /* story lo + j's output */
    size_t *blen;
    char **rbuf;            /* ... and its record for the report (want_report) */
    size_t *rlen;
    double *secs;           /* ... and the seconds its digest took (nd_digest_run) */
    digest_totals *tot;     /* ... and what it holds (stories = 1) */
    int want_report;
    atomic_size_t next;
    pthread_mutex_t mu;
    int rc;                 /* the first failure's exit code */
    char why[512];
};

/* The batch's first failure: its exit code and message (prefix what). */
static void batch_fail(dbatch *b, int rc, const char *prefix, const char *what)
{
    pthread_mutex_lock(&b->mu);
    if (!b->rc) {
        b->rc = rc;
        snprintf(b->why, sizeof b->why, "%s%s", prefix, what);
    }
    pthread_mutex_unlock(&b->mu);
}

/* JSON: "id":ID,"start":S,"end":E[,"text":...] of bytes [s, e) of document d. */
static void put_at(FILE *fp, const rrun *r, int no_text, uint32_t d, const char *t, uint32_t s,
                   uint32_t e)
{
    fputs("\"id\":", fp);
    corpus_put_id(fp, r, d);
    fprintf(fp, ",\"start\":%u,\"end\":%u", s, e);
    if (!no_text) {
        fputs(",\"text\":", fp);
        cli_json_str(fp, t + s, e - s);
    }
}

static void put_sentence(FILE *fp, const rrun *r, int no_text, const uint32_t *docs,
                         const char *const *texts, const nd_dsentence *s)
{
    fputc('{', fp);
    put_at(fp, r, no_text, docs[s->doc], texts[s->doc], s->start, s->end);
    fputc('}', fp);
}

/* The story's digest as one JSON line. */
static void story_json(FILE *fp, const dbatch *b, size_t i, const uint32_t *docs,
                       const char *const *texts, const nd_digest_result *res)
{
    const rrun *r = b->r;
    const digest_stories *st = b->st;
    const int nt = b->o->no_text;
    const size_t n = st->off[i + 1] - st->off[i];
    fprintf(fp, "{\"story\":%llu,\"size\":%zu", (unsigned long long)st->num[i], n);
    if (st->label[i]) {
        fputs(",\"label\":", fp);
        cli_json_str(fp, st->label[i], strlen(st->label[i]));
    }
    fprintf(fp, ",\"sources\":%u,\"documents\":[", res->sources);
    for (size_t k = 0; k < n; k++) {
        fputs(k ? ",{\"id\":" : "{\"id\":", fp);
        corpus_put_id(fp, r, docs[k]);
        corpus_put_source(fp, r, docs[k]);
        fputc('}', fp);
    }
    fputs("],\"groups\":[", fp);
    for (size_t g = 0; g < res->ngroups; g++) {
        const nd_dgroup *G = &res->groups[g];
        fprintf(fp, "%s{\"sources\":%u,\"core\":%s,\"kind\":\"%s\",\"similarity\":", g ? "," : "",
                G->sources, G->core ? "true" : "false", G->verbatim ? "verbatim" : "paraphrase");
        cli_json_num(fp, round(G->similarity * 1e4) / 1e4);
        fputs(",\"members\":[", fp);
        for (uint32_t k = 0; k < G->count; k++) {
            if (k)
                fputc(',', fp);
            put_sentence(fp, r, nt, docs, texts, &res->sentences[res->members[G->first + k]]);
        }
        fputs("]}", fp);
    }
    fputs("],\"unique\":[", fp);
    int first = 1;
    for (size_t k = 0; k < res->nsentences; k++) {
        if (res->sentences[k].group != ND_NO_CLUSTER)
            continue;
        if (!first)
            fputc(',', fp);
        first = 0;
        put_sentence(fp, r, nt, docs, texts, &res->sentences[k]);
    }
    fputs("],\"disagreements\":[", fp);
    first = 1;
    for (size_t c = 0; c < res->nconflicts; c++) {
        const nd_dconflict *C = &res->conflicts[c];
        if (C->kind != ND_DC_VALUE)
            continue;
        fputs(first ? "{\"what\":" : ",{\"what\":", fp);
        first = 0;
        cli_json_str(fp, C->what, strlen(C->what));
        const nd_dquantity *q0 = &res->quantities[res->items[C->first]];
        fprintf(fp, ",\"kind\":\"%s\",\"values\":[", nd_qkind_name(q0->kind));
        for (uint32_t k = 0; k < C->count; k++) {
            const nd_dquantity *q = &res->quantities[res->items[C->first + k]];
            const nd_dsentence *s = &res->sentences[q->sentence];
            const uint32_t e = q->head_end > q->end ? q->head_end : q->end;
            fputs(k ? ",{" : "{", fp);
            put_at(fp, r, nt, docs[s->doc], texts[s->doc], q->start, e);
            fputs(",\"value\":", fp);
            cli_json_num(fp, q->value);
            fprintf(fp, ",\"approx\":%s,\"sentence\":{\"start\":%u,\"end\":%u",
                    q->approx ? "true" : "false", s->start, s->end);
            if (!nt) {
                fputs(",\"text\":", fp);
                cli_json_str(fp, texts[s->doc] + s->start, s->end - s->start);
            }
            fputs("}}", fp);
        }
        fputs("]}", fp);
    }
    fputs("],\"contradictions\":[", fp);
    first = 1;
    for (size_t c = 0; c < res->nconflicts; c++) {
        const nd_dconflict *C = &res->conflicts[c];
        if (C->kind != ND_DC_NEGATION)
            continue;
        fputs(first ? "{\"predicate\":" : ",{\"predicate\":", fp);
        first = 0;
        cli_json_str(fp, C->what, strlen(C->what));
        fputs(",\"affirm\":[", fp);
        for (uint32_t k = 0; k < C->count; k++) {
            if (k == C->split)
                fputs("],\"negate\":[", fp);
            else if (k)
                fputc(',', fp);
            put_sentence(fp, r, nt, docs, texts, &res->sentences[res->items[C->first + k]]);
        }
        fputs("]}", fp);
    }
    fputs("],\"aliases\":[", fp);
    for (size_t a = 0; a < res->naliases; a++) {
        const nd_dalias *A = &res->aliases[a];
        fputs(a ? ",{\"names\":[" : "{\"names\":[", fp);
        for (uint32_t k = 0; k < A->count; k++) {
            const nd_dname *nm = &res->names[A->first + k];
            fputs(k ? ",{\"text\":" : "{\"text\":", fp);
            cli_json_str(fp, texts[nm->doc] + nm->start, nm->end - nm->start);
            fputs(",\"id\":", fp);
            corpus_put_id(fp, r, docs[nm->doc]);
            fprintf(fp, ",\"start\":%u,\"end\":%u,\"mentions\":%u}", nm->start, nm->end,
                    nm->mentions);
        }
        fputs("],\"evidence\":[", fp);
        for (uint32_t k = 0; k < A->ecount; k++) {
            const nd_devidence *e = &res->evidence[A->efirst + k];
            fprintf(fp, "%s{\"how\":\"%s\",\"names\":[%u,%u],\"at\":[{", k ? "," : "",
                    nd_alias_how_name(e->how), e->a - A->first, e->b - A->first);
            const int two = e->doc2 != e->doc || e->start2 < e->start || e->end2 > e->end;
            uint32_t s0 = e->start, e0 = e->end;
            if (!two || e->how == ND_AL_DEFINED || e->how == ND_AL_CALLED) {
                /* one place: from the first name to the second */
                s0 = e->start < e->start2 && e->doc == e->doc2 ? e->start : e->start2;
                e0 = e->end > e->end2 && e->doc == e->doc2 ? e->end : e->end2;
                if (e->doc != e->doc2) {
                    s0 = e->start;
                    e0 = e->end;
                }
            }
            put_at(fp, r, nt, docs[e->doc], texts[e->doc], s0, e0);
            if (two && e->how != ND_AL_DEFINED && e->how != ND_AL_CALLED) {
                fputs("},{", fp);
                put_at(fp, r, nt, docs[e->doc2], texts[e->doc2], e->start2, e->end2);
            }
            fputs("}]}", fp);
        }
        fputs("]}", fp);
    }
    fputs("]}\n", fp);
}

/* ---- the listing ----------------------------------------------------------------- */

/* The listing goes to its story's buffer: ids and snippets as results.c shows them. */
static void lshow(FILE *fp, const char *t, size_t len, size_t max)
{
    results_put_snippet(fp, t, len, max);
}

static void lid(FILE *fp, const rrun *r, uint32_t d)
{
    cli_show_to(fp, corpus_id(r, d), corpus_id_len(r, d));
}

static void story_listing(FILE *fp, const dbatch *b, size_t i, const uint32_t *docs,
                          const char *const *texts, const nd_digest_result *res)
{
    const rrun *r = b->r;
    const digest_stories *st = b->st;
    const size_t n = st->off[i + 1] - st->off[i];
    fprintf(fp, "story %llu: %zu documents, %u %s", (unsigned long long)st->num[i], n,
            res->sources, cli_plural(res->sources, "source", "sources"));
    if (st->label[i])
        fprintf(fp, ": %s", st->label[i]);
    fputc('\n', fp);
    size_t core = 0;
    for (size_t g = 0; g < res->ngroups; g++)
        core += res->groups[g].core;
    if (core)
        fprintf(fp, "  said by most sources (%zu):\n", core);
    else
        fputs("  said by most sources: nothing\n", fp);
    for (size_t g = 0; g < res->ngroups; g++) {
        const nd_dgroup *G = &res->groups[g];
        if (!G->core)
            continue;
        const nd_dsentence *s0 = &res->sentences[res->members[G->first]];
        fprintf(fp, "    - [%u sources, %s] ", G->sources, G->verbatim ? "verbatim" : "paraphrase");
        lshow(fp, texts[s0->doc] + s0->start, s0->end - s0->start, 150);
        fputs("\n      in ", fp);
        for (uint32_t k = 0; k < G->count; k++) {
            if (k)
                fputs(", ", fp);
            lid(fp, r, docs[res->sentences[res->members[G->first + k]].doc]);
        }
        fputc('\n', fp);
    }
    if (res->ngroups > core)
        fprintf(fp, "  said by fewer: %zu more %s of sentences\n", res->ngroups - core,
                cli_plural(res->ngroups - core, "group", "groups"));
    size_t nv = 0, nn = 0;
    for (size_t c = 0; c < res->nconflicts; c++)
        if (res->conflicts[c].kind == ND_DC_VALUE)
            nv++;
        else
            nn++;
    if (nv)
        fprintf(fp, "  disagreements (%zu):\n", nv);
    for (size_t c = 0; c < res->nconflicts; c++) {
        const nd_dconflict *C = &res->conflicts[c];
        if (C->kind != ND_DC_VALUE)
            continue;
        fprintf(fp, "    - %s:\n", C->what);
        for (uint32_t k = 0; k < C->count; k++) {
            const nd_dquantity *q = &res->quantities[res->items[C->first + k]];
            const nd_dsentence *s = &res->sentences[q->sentence];
            const uint32_t e = q->head_end > q->end ? q->head_end : q->end;
            fputs("        \"", fp);
            lshow(fp, texts[s->doc] + q->start, e - q->start, 60);
            fputs("\" in ", fp);
            lid(fp, r, docs[s->doc]);
            fputs(": ", fp);
            lshow(fp, texts[s->doc] + s->start, s->end - s->start, 110);
            fputc('\n', fp);
        }
    }
    if (nn)
        fprintf(fp, "  to check, affirmed here and negated there (%zu):\n", nn);
    for (size_t c = 0; c < res->nconflicts; c++) {
        const nd_dconflict *C = &res->conflicts[c];
        if (C->kind != ND_DC_NEGATION)
            continue;
        fprintf(fp, "    - %s:\n", C->what);
        for (uint32_t k = 0; k < C->count; k++) {
            const nd_dsentence *s = &res->sentences[res->items[C->first + k]];
            fputs(k < C->split ? "        yes " : "        no  ", fp);
            lid(fp, r, docs[s->doc]);
            fputs(": ", fp);
            lshow(fp, texts[s->doc] + s->start, s->end - s->start, 110);
            fputc('\n', fp);
        }
    }
    if (res->naliases)
        fprintf(fp, "  names (%zu):\n", res->naliases);
    for (size_t a = 0; a < res->naliases; a++) {
        const nd_dalias *A = &res->aliases[a];
        fputs("    - ", fp);
        for (uint32_t k = 0; k < A->count; k++) {
            const nd_dname *nm = &res->names[A->first + k];
            if (k)
                fputs(" = ", fp);
            lshow(fp, texts[nm->doc] + nm->start, nm->end - nm->start, 60);
        }
        fputs("  (", fp);
        unsigned seen = 0;
        for (uint32_t k = 0; k < A->ecount; k++) {
            const unsigned h = res->evidence[A->efirst + k].how;
            if (seen & 1u << h)
                continue;
            fprintf(fp, "%s%s", seen ? ", " : "", nd_alias_how_name(h));
            seen |= 1u << h;
        }
        fputs(")\n", fp);
    }
    /* what each source alone says: a count, and its first sentence */
    size_t uq = 0;
    for (size_t k = 0; k < res->nsentences; k++)
        uq += res->sentences[k].group == ND_NO_CLUSTER;
    fprintf(fp, "  only in one source: %zu %s\n", uq, cli_plural(uq, "sentence", "sentences"));
    for (size_t d = 0; d < n; d++) {
        size_t cnt = 0, firstk = SIZE_MAX;
        for (size_t k = 0; k < res->nsentences; k++)
            if (res->sentences[k].doc == d && res->sentences[k].group == ND_NO_CLUSTER) {
                cnt++;
                if (firstk == SIZE_MAX && res->sentences[k].end - res->sentences[k].start >= 40)
                    firstk = k;
            }
        if (!cnt)
            continue;
        fputs("    ", fp);
        lid(fp, r, docs[d]);
        fprintf(fp, " (%zu): ", cnt);
        if (firstk != SIZE_MAX) {
            const nd_dsentence *s = &res->sentences[firstk];
            lshow(fp, texts[d] + s->start, s->end - s->start, 100);
        }
        fputc('\n', fp);
    }
    fputc('\n', fp);
}

/* ---- the report's record ------------------------------------------------------------ */

#define REPORT_CUT 400 /* bytes of a sentence the report quotes */

/* A text for the report, cut at REPORT_CUT bytes (whole characters). */
static void rtext(FILE *fp, const char *t, size_t n)
{
    const size_t c = n > REPORT_CUT ? cli_utf8_cut(t, n, REPORT_CUT) : n;
    cli_json_str(fp, t, c);
}

/* [doc, start, end, text] of a sentence. */
static void rsent(FILE *fp, const uint32_t *docs, const char *const *texts,
                  const nd_dsentence *s)
{
    fprintf(fp, "[%u,%u,%u,", docs[s->doc], s->start, s->end);
    rtext(fp, texts[s->doc] + s->start, s->end - s->start);
    fputc(']', fp);
}

/* [story, [[text, sources, kind, [doc, start, end, ...]], ...] (core groups),
 *  other groups, [[what, [[doc, start, end, text, sentence], ...]], ...],
 *  [[predicate, [affirming [doc, start, end, text]...], [negating...]], ...],
 *  [[name, ...], ...]] */
static void story_report(FILE *fp, const dbatch *b, size_t i, const uint32_t *docs,
                         const char *const *texts, const nd_digest_result *res)
{
    fprintf(fp, "[%llu,[", (unsigned long long)b->st->num[i]);
    size_t other = 0;
    int first = 1;
    for (size_t g = 0; g < res->ngroups; g++) {
        const nd_dgroup *G = &res->groups[g];
        if (!G->core) {
            other++;
            continue;
        }
        const nd_dsentence *s0 = &res->sentences[res->members[G->first]];
        fputs(first ? "[" : ",[", fp);
        first = 0;
        rtext(fp, texts[s0->doc] + s0->start, s0->end - s0->start);
        fprintf(fp, ",%u,\"%s\",[", G->sources, G->verbatim ? "verbatim" : "paraphrase");
        for (uint32_t k = 0; k < G->count; k++) {
            const nd_dsentence *s = &res->sentences[res->members[G->first + k]];
            fprintf(fp, k ? ",%u,%u,%u" : "%u,%u,%u", docs[s->doc], s->start, s->end);
        }
        fputs("]]", fp);
    }
    fprintf(fp, "],%zu,[", other);
    first = 1;
    for (size_t c = 0; c < res->nconflicts; c++) {
        const nd_dconflict *C = &res->conflicts[c];
        if (C->kind != ND_DC_VALUE)
            continue;
        fputs(first ? "[" : ",[", fp);
        first = 0;
        cli_json_str(fp, C->what, strlen(C->what));
        fputs(",[", fp);
        for (uint32_t k = 0; k < C->count; k++) {
            const nd_dquantity *q = &res->quantities[res->items[C->first + k]];
            const nd_dsentence *s = &res->sentences[q->sentence];
            const uint32_t e = q->head_end > q->end ? q->head_end : q->end;
            fprintf(fp, "%s[%u,%u,%u,", k ? "," : "", docs[s->doc], q->start, e);
            rtext(fp, texts[s->doc] + q->start, e - q->start);
            fputc(',', fp);
            rtext(fp, texts[s->doc] + s->start, s->end - s->start);
            fputc(']', fp);
        }
        fputs("]]", fp);
    }
    fputs("],[", fp);
    first = 1;
    for (size_t c = 0; c < res->nconflicts; c++) {
        const nd_dconflict *C = &res->conflicts[c];
        if (C->kind != ND_DC_NEGATION)
            continue;
        fputs(first ? "[" : ",[", fp);
        first = 0;
        cli_json_str(fp, C->what, strlen(C->what));
        fputs(",[", fp);
        for (uint32_t k = 0; k < C->count; k++) {
            if (k == C->split)
                fputs("],[", fp);
            else if (k)
                fputc(',', fp);
            rsent(fp, docs, texts, &res->sentences[res->items[C->first + k]]);
        }
        fputs("]]", fp);
    }
    fputs("],[", fp);
    for (size_t a = 0; a < res->naliases; a++) {
        const nd_dalias *A = &res->aliases[a];
        fputs(a ? ",[" : "[", fp);
        for (uint32_t k = 0; k < A->count; k++) {
            const nd_dname *nm = &res->names[A->first + k];
            if (k)
                fputc(',', fp);
            rtext(fp, texts[nm->doc] + nm->start, nm->end - nm->start);
        }
        fputc(']', fp);
    }
    fputs("]]", fp);
}

/* ---- the batches ------------------------------------------------------------------- */

static int cmp_key(const void *x, const void *y)
{
    const uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Story i into its buffer. */
static void do_story(dthread *th, size_t i)
{
    dbatch *b = th->b;
    rrun *r = b->r;
    const digest_stories *st = b->st;
    const uint32_t *docs = st->docs + st->off[i];
    const size_t n = st->off[i + 1] - st->off[i];
    const char **texts = calloc(n ? n : 1, sizeof *texts);
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    uint32_t *srcn = calloc(n ? n : 1, sizeof *srcn);
    char *out = NULL;
    size_t olen = 0;
    FILE *fp = NULL;
    nd_status st2 = ND_OK;
    if (!texts || !lens || !srcn)
        goto nomem;
    /* the texts (into the arena when they live in a file) */
    if (r->text_fd >= 0) {
        size_t total = 0;
        for (size_t k = 0; k < n; k++)
            total += corpus_text_len(r, docs[k]);
        if (total + 1 > th->arena_cap) {
            char *p = realloc(th->arena, total + 1);
            if (!p)
                goto nomem;
            th->arena = p;
            th->arena_cap = total + 1;
        }
        size_t at = 0;
        for (size_t k = 0; k < n; k++) {
            const char *t;
            size_t len;
            if ((st2 = corpus_text(r, docs[k], th->slot, &t, &len)) != ND_OK) {
                batch_fail(b, st2 == ND_E_NOMEM ? EXIT_INTERNAL : EXIT_INPUT,
                           "digest: a text could not be read back: ", corpus_id(r, docs[k]));
                goto done;
            }
            memcpy(th->arena + at, t, len);
            lens[k] = len;
            at += len;
        }
        at = 0;
        for (size_t k = 0; k < n; k++) {
            texts[k] = th->arena + at;
            at += lens[k];
        }
    } else {
        for (size_t k = 0; k < n; k++)
            if (corpus_text(r, docs[k], th->slot, &texts[k], &lens[k]) != ND_OK)
                goto nomem;
    }
    /* sources: by their field; none, a source of its own */
    if (n > th->keys_cap) {
        uint64_t *p = realloc(th->keys, 2 * n * sizeof *p);
        if (!p)
            goto nomem;
        th->keys = p;
        th->keys_cap = n;
    }
    for (size_t k = 0; k < n; k++) {
        const uint32_t d = docs[k];
        const char *src = r->src_off[d] == UINT64_MAX ? NULL : r->src + r->src_off[d];
        th->keys[k] = src ? XXH3_64bits(src, strlen(src)) >> 1 : UINT64_MAX - k;
    }
    memcpy(th->keys + n, th->keys, n * sizeof *th->keys);
    qsort(th->keys + n, n, sizeof *th->keys, cmp_key);
    for (size_t k = 0; k < n; k++) {
        const uint64_t *f = bsearch(&th->keys[k], th->keys + n, n, sizeof *th->keys, cmp_key);
        while (f > th->keys + n && f[-1] == th->keys[k])
            f--;
        srcn[k] = (uint32_t)(f - (th->keys + n));
    }
    nd_digest_reset(th->dg);
    for (size_t k = 0; k < n && st2 == ND_OK; k++) {
        /* boilerplate is not what a source says (none found: no spans) */
        const nd_span *sp = NULL;
        size_t nsp = 0;
        if (nd_reuse_doc_boilerplate(r->ru, docs[k], &sp, &nsp) != ND_OK) {
            sp = NULL;
            nsp = 0;
        }
        const nd_digest_doc dd = {texts[k], lens[k], srcn[k], sp, nsp};
        st2 = nd_digest_add(th->dg, &dd);
    }
    for (uint32_t q = b->poff[i]; q < b->poff[i + 1] && st2 == ND_OK; q++) {
        const nd_passage *p = &b->ps[b->pidx[q]];
        st2 = nd_digest_passage(th->dg, b->pos[p->a], p->a_start, p->a_end, b->pos[p->b],
                                p->b_start, p->b_end);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (st2 == ND_OK)
        st2 = nd_digest_run(th->dg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    b->secs[i - b->lo] = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    nd_digest_result res;
    if (st2 == ND_OK)
        st2 = nd_digest_get(th->dg, &res);
    if (st2 != ND_OK) {
        batch_fail(b, cli_exit_status(st2), "digest: ",
                   cli_detail(nd_digest_errdetail(th->dg), st2));
        goto done;
    }
    digest_totals *tt = &b->tot[i - b->lo];
    memset(tt, 0, sizeof *tt);
    tt->stories = 1;
    tt->groups = res.ngroups;
    for (size_t g = 0; g < res.ngroups; g++)
        tt->core += res.groups[g].core;
    for (size_t k = 0; k < res.nsentences; k++)
        tt->unique += res.sentences[k].group == ND_NO_CLUSTER;
    for (size_t c = 0; c < res.nconflicts; c++) {
        tt->disagreements += res.conflicts[c].kind == ND_DC_VALUE;
        tt->contradictions += res.conflicts[c].kind == ND_DC_NEGATION;
    }
    tt->aliases = res.naliases;
    if (!(fp = open_memstream(&out, &olen)))
        goto nomem;
    if (b->o->listing)
        story_listing(fp, b, i, docs, texts, &res);
    else
        story_json(fp, b, i, docs, texts, &res);
    if (fclose(fp) != 0) {
        fp = NULL;
        goto closed;
    }
    fp = NULL;
    b->buf[i - b->lo] = out;
    b->blen[i - b->lo] = olen;
    out = NULL;
    if (b->want_report) {
        if (!(fp = open_memstream(&out, &olen)))
            goto nomem;
        story_report(fp, b, i, docs, texts, &res);
        if (fclose(fp) != 0) {
            fp = NULL;
            goto closed;
        }
        fp = NULL;
        b->rbuf[i - b->lo] = out;
        b->rlen[i - b->lo] = olen;
        out = NULL;
    }
    goto done;
closed: /* a story's buffer could not be written: memory, or what the C library says */
    if (errno != ENOMEM) {
        batch_fail(b, EXIT_INPUT, "digest: write error: ", strerror(errno));
        goto done;
    }
nomem:
    batch_fail(b, EXIT_INTERNAL, "", "out of memory");
done:
    if (fp)
        fclose(fp);
    free(out);
    free(texts);
    free(lens);
    free(srcn);
}

static void *worker(void *arg)
{
    dthread *th = arg;
    dbatch *b = th->b;
    for (;;) {
        const size_t i = atomic_fetch_add(&b->next, 1) + b->lo;
        if (i >= b->hi)
            break;
        pthread_mutex_lock(&b->mu);
        const int stop = b->rc != 0;
        pthread_mutex_unlock(&b->mu);
        if (stop)
            break;
        do_story(th, i);
    }
    return NULL;
}

int digest_write(rrun *r, const nd_params *params, const digest_stories *st,
                 const nd_passage *ps, size_t nps, const digest_opts *o, FILE *fp,
                 FILE *report)
{
    unsigned nt = o->threads;
    if (nt == 0) {
        const long c = sysconf(_SC_NPROCESSORS_ONLN);
        nt = c > 0 ? (unsigned)c : 1;
    }
    if (nt > r->nslots)
        nt = (unsigned)r->nslots;
    if (nt == 0)
        nt = 1;
    int rc = 0;
    dbatch b;
    memset(&b, 0, sizeof b);
    b.r = r;
    b.st = st;
    b.o = o;
    b.ps = ps;
    pthread_mutex_init(&b.mu, NULL);
    uint32_t *story_of = malloc((r->ndocs ? r->ndocs : 1) * sizeof *story_of);
    uint32_t *pos = malloc((r->ndocs ? r->ndocs : 1) * sizeof *pos);
    uint32_t *poff = calloc(st->n + 2, sizeof *poff);
    uint32_t *pidx = malloc((nps ? nps : 1) * sizeof *pidx);
    dthread *th = calloc(nt, sizeof *th);
    pthread_t *tid = calloc(nt, sizeof *tid);
    const size_t BATCH = 64 * (size_t)nt;
    b.buf = calloc(BATCH, sizeof *b.buf);
    b.blen = calloc(BATCH, sizeof *b.blen);
    b.want_report = report != NULL;
    b.rbuf = calloc(BATCH, sizeof *b.rbuf);
    b.rlen = calloc(BATCH, sizeof *b.rlen);
    b.secs = calloc(BATCH, sizeof *b.secs);
    b.tot = calloc(BATCH, sizeof *b.tot);
    if (!story_of || !pos || !poff || !pidx || !th || !tid || !b.buf || !b.blen || !b.rbuf ||
        !b.rlen || !b.secs || !b.tot) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    for (size_t d = 0; d < r->ndocs; d++)
        story_of[d] = UINT32_MAX;
    for (size_t i = 0; i < st->n; i++)
        for (size_t k = st->off[i]; k < st->off[i + 1]; k++) {
            story_of[st->docs[k]] = (uint32_t)i;
            pos[st->docs[k]] = (uint32_t)(k - st->off[i]);
        }
    /* the passages of each story, in their order */
    for (size_t k = 0; k < nps; k++)
        if (story_of[ps[k].a] != UINT32_MAX && story_of[ps[k].a] == story_of[ps[k].b])
            poff[story_of[ps[k].a] + 1]++;
    for (size_t i = 0; i < st->n; i++)
        poff[i + 1] += poff[i];
    {
        uint32_t *fill = calloc(st->n + 1, sizeof *fill);
        if (!fill) {
            cli_log(1, "out of memory");
            rc = EXIT_INTERNAL;
            goto done;
        }
        for (size_t k = 0; k < nps; k++)
            if (story_of[ps[k].a] != UINT32_MAX && story_of[ps[k].a] == story_of[ps[k].b]) {
                const uint32_t s = story_of[ps[k].a];
                pidx[poff[s] + fill[s]++] = (uint32_t)k;
            }
        free(fill);
    }
    b.poff = poff;
    b.pidx = pidx;
    b.pos = pos;
    for (unsigned t = 0; t < nt; t++) {
        th[t].b = &b;
        th[t].slot = t;
        const nd_status s = nd_digest_create(&th[t].dg, params, o->lang, NULL);
        if (s != ND_OK) {
            if (s == ND_E_PARAM)
                cli_log(1, "digest: --lang %s: a language libstemmer does not know", o->lang);
            else
                cli_log(1, "out of memory");
            rc = s == ND_E_PARAM ? EXIT_USAGE : EXIT_INTERNAL;
            goto done;
        }
    }
    FILE *dst = o->listing ? stdout : fp;
    size_t nrep = 0, big = SIZE_MAX;   /* the story of the most documents */
    double total = 0, big_s = 0;
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    for (size_t lo = 0; lo < st->n && rc == 0; lo += BATCH) {
        b.lo = lo;
        b.hi = lo + BATCH < st->n ? lo + BATCH : st->n;
        atomic_store(&b.next, 0);
        unsigned started = 0;
        for (unsigned t = 1; t < nt && b.hi - b.lo > 1; t++) {
            if (pthread_create(&tid[t], NULL, worker, &th[t]) != 0)
                break;
            started = t;
        }
        (void)worker(&th[0]);
        for (unsigned t = 1; t <= started; t++)
            pthread_join(tid[t], NULL);
        if (b.rc) {
            cli_log(1, "%s", b.why);
            rc = b.rc;
        }
        for (size_t j = 0; j < b.hi - b.lo; j++) {
            if (rc == 0 && b.buf[j] && dst)
                fwrite(b.buf[j], 1, b.blen[j], dst);
            if (rc == 0 && b.rbuf[j]) {
                if (nrep++)
                    fputc(',', report);
                fwrite(b.rbuf[j], 1, b.rlen[j], report);
            }
            free(b.buf[j]);
            free(b.rbuf[j]);
            b.buf[j] = b.rbuf[j] = NULL;
            const size_t i = b.lo + j, sz = st->off[i + 1] - st->off[i];
            total += b.secs[j];
            if (big == SIZE_MAX || sz > st->off[big + 1] - st->off[big]) {
                big = i;
                big_s = b.secs[j];
            }
            b.secs[j] = 0;
            if (o->totals) {
                digest_totals *T = o->totals, *t1 = &b.tot[j];
                T->stories += t1->stories;
                T->groups += t1->groups;
                T->core += t1->core;
                T->unique += t1->unique;
                T->disagreements += t1->disagreements;
                T->contradictions += t1->contradictions;
                T->aliases += t1->aliases;
            }
            memset(&b.tot[j], 0, sizeof b.tot[j]);
        }
        cli_progress("digest", b.hi, 0);
    }
    clock_gettime(CLOCK_MONOTONIC, &w1);
    if (rc == 0 && big != SIZE_MAX)
        cli_log(3, "digest: %zu %s in %.2f s (%.2f s of nd_digest_run on %u %s); the largest, "
                   "story %llu of %zu documents, in %.3f s",
                st->n, cli_plural(st->n, "story", "stories"),
                (double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9, total,
                nt, cli_plural(nt, "thread", "threads"), (unsigned long long)st->num[big],
                st->off[big + 1] - st->off[big], big_s);
done:
    for (unsigned t = 0; th && t < nt; t++) {
        nd_digest_destroy(th[t].dg);
        free(th[t].arena);
        free(th[t].keys);
    }
    pthread_mutex_destroy(&b.mu);
    free(th);
    free(tid);
    free(b.buf);
    free(b.blen);
    free(b.rbuf);
    free(b.rlen);
    free(b.secs);
    free(b.tot);
    free(story_of);
    free(pos);
    free(poff);
    free(pidx);
    return rc;
}

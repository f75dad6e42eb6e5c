/*
 * report.c - summary.json and report.html of `neardup analyze` (see
 * report.h; the page's data is described in docs/report.md).
 *
 * DESIGN
 *   The page is a template compiled into the tool (page.html: inline CSS and
 *   JS, no network); the results go into it as one JSON object, in columns
 *   and arrays of numbers rather than objects (a document is an index into
 *   the columns), so that 100,000 documents stay a few bytes each beyond
 *   their texts. Texts are embedded for the documents a person can open side
 *   by side: those in a duplicate cluster or pair, or sharing a passage, and
 *   the members of stories of 2+ documents, each cut at REPORT_TEXT_MAX
 *   bytes (offsets past the cut are still shown, as figures), back to back,
 *   gzip-compressed and in base64 in a script element of their own: a third
 *   of their size, which the page inflates with the browser's own
 *   DecompressionStream after its first view is drawn. The JSON is
 *   written as-is but for '<', written \u003c, so that no text can close the
 *   script element that holds it (a '<' only occurs inside JSON strings).
 *   Everything is in document and result order: the page is the same bytes
 *   for the same input, whatever the thread count.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define ZLIB_CONST
#include <zlib.h>

#include "cli.h"
#include "corpus/corpus.h"
#include "corpus/results.h"
#include "report/report.h"
#include "write/output.h"

/* Texts longer than this are cut in the page (a character boundary). */
#define REPORT_TEXT_MAX (256u << 10)

/* ---- JSON that may sit in a <script> element ------------------------------- */

/* A FILE that copies to fp with every '<' written \u003c. */
typedef struct safe_out {
    FILE *fp;
} safe_out;

static ssize_t safe_write(void *cookie, const char *buf, size_t n)
{
    safe_out *s = cookie;
    size_t from = 0;
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '<') {
            if (i > from && fwrite(buf + from, 1, i - from, s->fp) != i - from)
                return -1;
            if (fputs("\\u003c", s->fp) < 0)
                return -1;
            from = i + 1;
        }
    if (n > from && fwrite(buf + from, 1, n - from, s->fp) != n - from)
        return -1;
    return (ssize_t)n;
}

static void put_str(FILE *fp, const char *s)
{
    if (s)
        cli_json_str(fp, s, strlen(s));
    else
        fputs("null", fp);
}

/* ---- the data ------------------------------------------------------------------- */

static uint64_t source_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The index of the name s, which the table holds. */
static unsigned source_index(const uint32_t *slot, size_t scap, const char *const *names,
                             const char *s)
{
    size_t i = source_hash(s) & (scap - 1);
    while (strcmp(names[slot[i] - 1], s) != 0)
        i = (i + 1) & (scap - 1);
    return slot[i] - 1;
}

/* The documents' columns; 0 or EXIT_INTERNAL (out of memory). */
static int put_docs(const report_in *in, FILE *fp, const uint8_t *want)
{
    rrun *r = in->r;
    fputs("\"ids\":[", fp);
    for (uint32_t d = 0; d < r->ndocs; d++) {
        if (d)
            fputc(',', fp);
        corpus_put_id(fp, r, d);
    }
    /* sources as indices into a table, in order of first appearance: an open
     * hash of the distinct names, doubled when half full */
    fputs("],\"src\":[", fp);
    const char **names = NULL;
    size_t nn = 0, cap = 0, scap = 64;
    uint32_t *slot = calloc(scap, sizeof *slot); /* name index + 1 */
    int rc = slot ? 0 : EXIT_INTERNAL;
    for (uint32_t d = 0; d < r->ndocs && !rc; d++) {
        if (d)
            fputc(',', fp);
        if (r->src_off[d] == UINT64_MAX) {
            fputs("-1", fp);
            continue;
        }
        const char *s = r->src + r->src_off[d];
        size_t i = source_hash(s) & (scap - 1);
        while (slot[i] && strcmp(names[slot[i] - 1], s) != 0)
            i = (i + 1) & (scap - 1);
        if (!slot[i]) {
            if (cli_grow((void **)&names, &cap, nn + 1, sizeof *names)) {
                rc = EXIT_INTERNAL;
                break;
            }
            names[nn++] = s;
            slot[i] = (uint32_t)nn;
            if (2 * nn >= scap) { /* rehash into twice the slots */
                uint32_t *bigger = calloc(2 * scap, sizeof *bigger);
                if (!bigger) {
                    rc = EXIT_INTERNAL;
                    break;
                }
                scap *= 2;
                for (size_t q = 0; q < nn; q++) {
                    size_t j = source_hash(names[q]) & (scap - 1);
                    while (bigger[j])
                        j = (j + 1) & (scap - 1);
                    bigger[j] = (uint32_t)q + 1;
                }
                free(slot);
                slot = bigger;
            }
        }
        fprintf(fp, "%u", source_index(slot, scap, names, s));
    }
    fputs("],\"sources\":[", fp);
    for (size_t i = 0; i < nn; i++) {
        if (i)
            fputc(',', fp);
        put_str(fp, names[i]);
    }
    free(names);
    free(slot);
    if (rc)
        return rc;
    fputs("],\"date\":[", fp);
    for (uint32_t d = 0; d < r->ndocs; d++) {
        if (d)
            fputc(',', fp);
        if (isnan(r->date[d]))
            fputs("null", fp);
        else
            cli_json_num(fp, r->date[d]);
    }
    fputs("],\"title\":[", fp);
    for (uint32_t d = 0; d < r->ndocs; d++) {
        if (d)
            fputc(',', fp);
        put_str(fp, corpus_meta_str(r, r->title_off, d));
    }
    fputs("],\"len\":[", fp);
    for (uint32_t d = 0; d < r->ndocs; d++)
        fprintf(fp, d ? ",%llu" : "%llu", (unsigned long long)corpus_text_len(r, d));
    fputs("],\"want\":[", fp);
    for (uint32_t d = 0; d < r->ndocs; d++)
        fprintf(fp, d ? ",%d" : "%d", want[d]);
    fputc(']', fp);
    return 0;
}

/* ---- the texts: gzip, then base64 ----------------------------------------------- */

typedef struct b64 {
    FILE *fp;
    unsigned char carry[3];
    int nc;
} b64;

static const char k_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_put(b64 *b, const unsigned char *p, size_t n)
{
    const char *k = k_b64;
    for (size_t i = 0; i < n; i++) {
        b->carry[b->nc++] = p[i];
        if (b->nc < 3)
            continue;
        const unsigned v = (unsigned)b->carry[0] << 16 | (unsigned)b->carry[1] << 8 | b->carry[2];
        const char q[4] = {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
        fwrite(q, 1, 4, b->fp);
        b->nc = 0;
    }
}

static void b64_end(b64 *b)
{
    const char *k = k_b64;
    if (!b->nc)
        return;
    const unsigned v = (unsigned)b->carry[0] << 16 |
                       (unsigned)(b->nc > 1 ? b->carry[1] : 0) << 8;
    const char q[4] = {k[v >> 18], k[(v >> 12) & 63], b->nc > 1 ? k[(v >> 6) & 63] : '=', '='};
    fwrite(q, 1, 4, b->fp);
    b->nc = 0;
}

/* Deflates in[0..n) (flush: Z_FINISH at the end) into the base64 stream. */
static int gz_put(z_stream *z, b64 *b, const char *in, size_t n, int flush)
{
    unsigned char buf[1 << 15];
    z->next_in = (const Bytef *)in;
    z->avail_in = (uInt)n;
    do {
        z->next_out = buf;
        z->avail_out = sizeof buf;
        const int zr = deflate(z, flush);
        if (zr == Z_STREAM_ERROR)
            return -1;
        b64_put(b, buf, sizeof buf - z->avail_out);
    } while (z->avail_out == 0 || (flush == Z_FINISH && z->avail_in));
    return 0;
}

/* The texts of the documents wanted: a line of [doc, length, ...] (lengths in
 * bytes, each text cut at REPORT_TEXT_MAX on a character boundary), then the
 * texts back to back, gzip-compressed, in base64. 0, EXIT_INPUT (a text
 * could not be read back) or EXIT_INTERNAL. */
static int put_texts(const report_in *in, FILE *fp, const uint8_t *want)
{
    rrun *r = in->r;
    fputc('[', fp);
    int any = 0;
    for (uint32_t d = 0; d < r->ndocs; d++) {
        if (!want[d])
            continue;
        /* the length as stored; the text is read here only when it must be cut */
        size_t len = (size_t)corpus_text_len(r, d);
        if (len > REPORT_TEXT_MAX) {
            const char *t;
            if (corpus_text(r, d, 0, &t, &len) != ND_OK)
                return EXIT_INPUT;
            len = cli_utf8_cut(t, len, REPORT_TEXT_MAX);
        }
        fprintf(fp, any++ ? ",%u,%zu" : "%u,%zu", d, len);
    }
    fputs("]\n", fp);
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: a gzip stream, which DecompressionStream("gzip") reads; level 1:
     * level 6 made the page 8% smaller and took 2.5 times as long (100 MB) */
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return EXIT_INTERNAL;
    b64 b = {fp, {0, 0, 0}, 0};
    int rc = 0;
    for (uint32_t d = 0; d < r->ndocs && !rc; d++) {
        if (!want[d])
            continue;
        const char *t;
        size_t len;
        if (corpus_text(r, d, 0, &t, &len) != ND_OK) {
            rc = EXIT_INPUT;
            break;
        }
        len = cli_utf8_cut(t, len, REPORT_TEXT_MAX);
        if (gz_put(&z, &b, t, len, Z_NO_FLUSH))
            rc = EXIT_INTERNAL;
    }
    if (!rc && gz_put(&z, &b, NULL, 0, Z_FINISH))
        rc = EXIT_INTERNAL;
    b64_end(&b);
    deflateEnd(&z);
    return rc;
}

static void put_dedup(const report_in *in, FILE *fp, uint8_t *want)
{
    rrun *r = in->r;
    nd_dedup_stats s;
    nd_dedup_get_stats(r->dd_user, &s);
    fputs("\"dd\":{\"threshold\":", fp);
    cli_json_num(fp, nd_params_get(in->dp, ND_P_THRESHOLD));
    fputs(",\"containment\":", fp);
    cli_json_num(fp, nd_params_get(in->dp, ND_P_CONTAINMENT));
    fprintf(fp, ",\"bands\":%u,\"rows\":%u,\"fp_area\":", s.bands, s.rows);
    cli_json_num(fp, s.fp_area);
    fputs(",\"fn_area\":", fp);
    cli_json_num(fp, s.fn_area);
    fprintf(fp, ",\"removed\":%llu,\"bytes\":%llu,\"bytes_removed\":%llu,\"exact_clusters\":%llu"
                ",\"rels\":[",
            (unsigned long long)s.removed, (unsigned long long)s.bytes,
            (unsigned long long)s.bytes_removed, (unsigned long long)s.exact_clusters);
    for (int k = 0; k <= ND_REL_TEMPLATE; k++)
        fprintf(fp, k ? ",\"%s\"" : "\"%s\"", nd_relation_name((nd_relation)k));
    /* clusters: [doc, rel, resemblance, member_in_rep, rep_in_member, ...],
     * the representative first with rel 0 */
    fputs("],\"clusters\":[", fp);
    const nd_member *m;
    const size_t *off;
    size_t nc = 0;
    if (nd_dedup_clusters(r->dd_user, &m, &off, &nc) != ND_OK)
        nc = 0;
    for (size_t c = 0; c < nc; c++) {
        fputs(c ? ",[" : "[", fp);
        for (size_t j = off[c]; j < off[c + 1]; j++) {
            want[m[j].doc] = 3;
            fprintf(fp, j > off[c] ? ",%u,%d," : "%u,%d,", m[j].doc, (int)m[j].rel);
            cli_json_num(fp, m[j].resemblance);
            fputc(',', fp);
            cli_json_num(fp, m[j].doc_in_rep);
            fputc(',', fp);
            cli_json_num(fp, m[j].rep_in_doc);
        }
        fputc(']', fp);
    }
    /* pairs: a, b, rel, resemblance, a_in_b, b_in_a, flattened */
    fputs("],\"pairs\":[", fp);
    const nd_pair *p;
    size_t np = 0;
    if (nd_dedup_pairs(r->dd_user, &p, &np) != ND_OK)
        np = 0;
    for (size_t i = 0; i < np; i++) {
        want[p[i].a] = want[p[i].b] = 3;
        fprintf(fp, i ? ",%u,%u,%d," : "%u,%u,%d,", p[i].a, p[i].b, (int)p[i].rel);
        cli_json_num(fp, p[i].resemblance);
        fputc(',', fp);
        cli_json_num(fp, p[i].a_in_b);
        fputc(',', fp);
        cli_json_num(fp, p[i].b_in_a);
    }
    fputs("]}", fp);
}

/* Boilerplate: [text (cut at 300 bytes), words, docs, occurrences], ... */
static int put_boiler(const report_in *in, FILE *fp)
{
    rrun *r = in->r;
    const nd_boiler *b;
    size_t n = 0;
    if (nd_reuse_boilers(r->ru, &b, &n) != ND_OK)
        n = 0;
    fputs("\"boiler\":[", fp);
    for (size_t i = 0; i < n; i++) {
        const char *t;
        size_t len;
        if (corpus_range(r, b[i].doc, b[i].start, b[i].end, 0, &t, &len) != ND_OK)
            return EXIT_INPUT;
        len = cli_utf8_cut(t, len, 300);
        fputs(i ? ",[" : "[", fp);
        cli_json_str(fp, t, len);
        fprintf(fp, ",%u,%u,%u]", b[i].words, b[i].docs, b[i].occurrences);
    }
    fputc(']', fp);
    return 0;
}

/* Passages: a, b, a_start, a_end, b_start, b_end, words, identity x 1000,
 * cluster (-1: none), copy (0/1), flattened. */
static void put_passages(const report_in *in, FILE *fp, uint8_t *want)
{
    const nd_passage *p;
    size_t n = 0;
    if (nd_reuse_passages(in->r->ru, &p, &n) != ND_OK)
        n = 0;
    fputs("\"passages\":[", fp);
    for (size_t i = 0; i < n; i++) {
        const uint32_t mx = p[i].a_words > p[i].b_words ? p[i].a_words : p[i].b_words;
        const long ident = mx ? lround(1000.0 * p[i].matches / mx) : 0;
        if (want[p[i].a] < 2)
            want[p[i].a] = 2;
        if (want[p[i].b] < 2)
            want[p[i].b] = 2;
        fprintf(fp, "%s%u,%u,%u,%u,%u,%u,%u,%ld,%ld,%d", i ? "," : "", p[i].a, p[i].b,
                p[i].a_start, p[i].a_end, p[i].b_start, p[i].b_end, p[i].matches, ident,
                p[i].cluster == ND_NO_CLUSTER ? -1L : (long)p[i].cluster,
                (p[i].flags & ND_PASSAGE_COPY) ? 1 : 0);
    }
    fputc(']', fp);
}

/* Stories: [label, title|null, [doc, similarity, relation, of (-1), ...]], ...
 * relations as indices into "srels". */
static const char *const k_srels[] = {"independent", "copy", "near-duplicate", "template",
                                      "reuse"};

static int put_stories(const report_in *in, FILE *fp, uint8_t *want)
{
    rrun *r = in->r;
    const nd_story_member *m;
    const size_t *off;
    size_t ns = 0;
    if (nd_story_stories(in->sy, &m, &off, &ns) != ND_OK)
        ns = 0;
    fputs("\"srels\":[", fp);
    for (size_t k = 0; k < sizeof k_srels / sizeof *k_srels; k++)
        fprintf(fp, k ? ",\"%s\"" : "\"%s\"", k_srels[k]);
    fputs("],\"stories\":[", fp);
    for (size_t k = 0; k < ns; k++) {
        const size_t b = off[k], e = off[k + 1];
        fputs(k ? ",[" : "[", fp);
        put_str(fp, k < in->labels->n ? in->labels->text + in->labels->off[k] : "");
        fputc(',', fp);
        put_str(fp, results_story_title(r, m, b, e));
        fputs(",[", fp);
        for (size_t i = b; i < e; i++) {
            uint32_t of;
            const char *rel = results_member_relation(r, in->links, in->nlinks, m, b, e, i, &of);
            int code = 0;
            for (int q = 0; q < (int)(sizeof k_srels / sizeof *k_srels); q++)
                if (strcmp(rel, k_srels[q]) == 0)
                    code = q;
            if (e - b > 1 && want[m[i].doc] < 1)
                want[m[i].doc] = 1;
            fprintf(fp, i > b ? ",%u," : "%u,", m[i].doc);
            cli_json_num(fp, m[i].similarity);
            fprintf(fp, ",%d,%ld", code, of == UINT32_MAX ? -1L : (long)of);
        }
        fputs("]]", fp);
    }
    fputc(']', fp);
    return 0;
}

/* The texts embedded: want[d] is 3 for a document in a duplicate cluster or
 * pair, 2 sharing a passage, 1 in a story of 2+ documents; they are taken in
 * that order, then in document order, while their bytes (each cut at
 * REPORT_TEXT_MAX) fit in in->text_budget (0: all). want[d] becomes 1 for a
 * text embedded, 0 for the others; returns how many were wanted but left out. */
static uint64_t select_texts(const report_in *in, uint8_t *want)
{
    const rrun *r = in->r;
    uint64_t used = 0, left = 0;
    for (int level = 3; level >= 1; level--)
        for (uint32_t d = 0; d < r->ndocs; d++) {
            if (want[d] != level)
                continue;
            uint64_t len = corpus_text_len(r, d);
            if (len > REPORT_TEXT_MAX)
                len = REPORT_TEXT_MAX;
            if (in->text_budget && used + len > in->text_budget) {
                want[d] = 0xff; /* left out */
                left++;
                continue;
            }
            used += len;
            want[d] = 0xfe;
        }
    for (uint32_t d = 0; d < r->ndocs; d++)
        want[d] = want[d] == 0xfe;
    return left;
}

/* The whole data object. */
static int put_data(const report_in *in, FILE *fp, uint8_t **want_out)
{
    rrun *r = in->r;
    uint8_t *want = calloc(r->ndocs ? r->ndocs : 1, 1);
    if (!want)
        return EXIT_INTERNAL;
    fprintf(fp, "{\"tool\":\"neardup %s\",\"inputs\":[", nd_version_string());
    for (size_t i = 0; i < r->ninputs; i++) {
        if (i)
            fputc(',', fp);
        put_str(fp, r->inputs[i]);
    }
    fprintf(fp, "],\"n\":%zu,", r->ndocs);
    int rc = 0;
    put_dedup(in, fp, want);
    fputc(',', fp);
    if ((rc = put_boiler(in, fp)) != 0)
        goto done;
    fputc(',', fp);
    put_passages(in, fp, want);
    fputc(',', fp);
    if ((rc = put_stories(in, fp, want)) != 0)
        goto done;
    fputs(",\"digest\":[", fp);
    if (in->digest && in->digest_len)
        fwrite(in->digest, 1, in->digest_len, fp);
    fputs("],", fp);
    const uint64_t left_out = select_texts(in, want);
    fprintf(fp, "\"texts_left_out\":%llu,\"texts_budget\":%llu,", (unsigned long long)left_out,
            (unsigned long long)in->text_budget);
    if ((rc = put_docs(in, fp, want)) != 0)
        goto done;
    fputc('}', fp);
done:
    if (rc)
        free(want);
    else
        *want_out = want;
    return rc;
}

int report_html(const report_in *in, FILE *fp, const char **why)
{
    static const char *const k_readback = "a text could not be read back from the "
                                          "temporary file";
    *why = "out of memory";
    const char *page = nd_report_page;
    const char *at = strstr(page, ND_REPORT_MARKER);
    const char *at2 = at ? strstr(at, ND_REPORT_TEXTS) : NULL;
    if (!at2) {
        *why = "internal: the page has no place for the data";
        return EXIT_INTERNAL;
    }
    fwrite(page, 1, (size_t)(at - page), fp);
    safe_out so = {fp};
    FILE *data = fopencookie(&so, "w", (cookie_io_functions_t){NULL, safe_write, NULL, NULL});
    if (!data)
        return EXIT_INTERNAL;
    uint8_t *want = NULL;
    int rc = put_data(in, data, &want);
    /* fclose() says whether the last flush failed, ferror() whether any write did */
    const int failed = ferror(data);
    if ((fclose(data) != 0 || failed) && rc == 0) {
        *why = "write error";
        rc = EXIT_INPUT;
    } else if (rc == EXIT_INPUT) {
        *why = k_readback;
    }
    if (rc == 0) {
        const char *mid = at + strlen(ND_REPORT_MARKER);
        fwrite(mid, 1, (size_t)(at2 - mid), fp);
        rc = put_texts(in, fp, want);
        if (rc == EXIT_INPUT)
            *why = k_readback;
    }
    free(want);
    if (rc)
        return rc;
    fputs(at2 + strlen(ND_REPORT_TEXTS), fp);
    if (ferror(fp)) {
        *why = "write error";
        return EXIT_INPUT;
    }
    return 0;
}

/* ---- summary.json ---------------------------------------------------------------- */

int report_summary_json(const report_in *in, FILE *fp)
{
    const rrun *r = in->r;
    nd_dedup_stats ds;
    nd_dedup_get_stats(r->dd_user, &ds);
    nd_reuse_stats rs;
    nd_reuse_get_stats(r->ru, &rs);
    results_story_counts sc;
    if (results_count_stories(in->sy, &sc))
        return -1;
    const size_t ns = sc.stories, multi = sc.multi, in_multi = sc.in_multi,
                 largest = sc.largest;
    uint64_t bytes = 0;
    for (uint32_t d = 0; d < r->ndocs; d++)
        bytes += corpus_text_len(r, d);
    fprintf(fp, "{\"tool\":\"neardup %s\",\"inputs\":[", nd_version_string());
    for (size_t i = 0; i < r->ninputs; i++) {
        if (i)
            fputc(',', fp);
        put_str(fp, r->inputs[i]);
    }
    fprintf(fp, "],\"documents\":%zu,\"text_bytes\":%llu,\"records_skipped\":%llu,", r->ndocs,
            (unsigned long long)bytes, (unsigned long long)(r->rs.skipped + r->too_large));
    fprintf(fp, "\"dedup\":{\"clusters\":%llu,\"exact_clusters\":%llu,\"near_clusters\":%llu,"
                "\"documents_in_clusters\":%llu,\"removed\":%llu,\"bytes_removed\":%llu,"
                "\"contained\":%llu,\"templates\":%llu,\"threshold\":",
            (unsigned long long)ds.clusters, (unsigned long long)ds.exact_clusters,
            (unsigned long long)ds.near_clusters, (unsigned long long)ds.docs_in_clusters,
            (unsigned long long)ds.removed, (unsigned long long)ds.bytes_removed,
            (unsigned long long)ds.contained, (unsigned long long)ds.templates);
    cli_json_num(fp, nd_params_get(in->dp, ND_P_THRESHOLD));
    fprintf(fp, ",\"bands\":%u,\"rows\":%u,\"fp_area\":", ds.bands, ds.rows);
    cli_json_num(fp, ds.fp_area);
    fputs(",\"fn_area\":", fp);
    cli_json_num(fp, ds.fn_area);
    fprintf(fp, "},\"boilerplate\":{\"segments\":%llu,\"occurrences\":%llu},"
                "\"reuse\":{\"passages\":%llu,\"clusters\":%llu,\"pairs\":%llu},"
                "\"stories\":{\"stories\":%zu,\"with_2_or_more\":%zu,"
                "\"documents_in_them\":%zu,\"largest\":%zu}",
            (unsigned long long)rs.boiler_segments, (unsigned long long)rs.boiler_occurrences,
            (unsigned long long)rs.passages, (unsigned long long)rs.clusters,
            (unsigned long long)rs.pairs, ns, multi, in_multi, largest);
    const digest_totals *dt = in->digest_totals;
    if (dt)
        fprintf(fp, ",\"digest\":{\"stories\":%zu,\"groups\":%zu,\"core\":%zu,\"unique\":%zu,"
                    "\"disagreements\":%zu,\"contradictions\":%zu,\"aliases\":%zu}",
                dt->stories, dt->groups, dt->core, dt->unique, dt->disagreements,
                dt->contradictions, dt->aliases);
    fputs("}\n", fp);
    return ferror(fp) ? -1 : 0;
}

/*
 * corpus.c - the in-memory corpus that reuse, boilerplate, stories and
 * similarity read, and the boilerplate pass of dedup --ignore-boilerplate.
 *
 * DESIGN
 *   One pass reads every record through the sketching pool (read/inputs.h):
 *   the id, source, date (and for stories the title and the date as written)
 *   are kept, the text goes to a text store (memory, or an unlinked temporary
 *   file under --memory, read back with pread per slot), and the sketch goes
 *   to an nd_dedup, whose clusters tell which documents are copies of one
 *   another. Then the documents are handed to a new nd_reuse, which asks the
 *   text store for texts on its threads (corpus_text, an nd_text_fn).
 *   A date that does not parse is reported once per record at -v and
 *   counted; the document is undated.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus/corpus.h"
#include "read/date.h"
#include "write/output.h"

const char *corpus_tmp_dir(const rrun *r)
{
    const char *dir = r->o.in.tmpdir ? r->o.in.tmpdir : getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

/* ---- text store ---------------------------------------------------------- */

nd_status corpus_text(void *ctx, uint32_t doc, unsigned slot, const char **text, size_t *len)
{
    rrun *r = ctx;
    if (doc >= r->ndocs || slot >= r->nslots)
        return ND_E_PARAM;
    const uint64_t b = r->text_off[doc], e = r->text_off[doc + 1];
    *len = (size_t)(e - b);
    if (r->text_fd < 0) {
        *text = r->texts + b;
        return ND_OK;
    }
    if (*len + 1 > r->slot_cap[slot]) {
        char *p = realloc(r->slot_buf[slot], *len + 1);
        if (!p)
            return ND_E_NOMEM;
        r->slot_buf[slot] = p;
        r->slot_cap[slot] = *len + 1;
    }
    size_t got = 0;
    while (got < *len) {
        const ssize_t k = pread(r->text_fd, r->slot_buf[slot] + got, *len - got,
                                (off_t)(b + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return ND_E_IO;
        got += (size_t)k;
    }
    *text = r->slot_buf[slot];
    return ND_OK;
}

static int store_text(rrun *r, const char *t, size_t n)
{
    if (r->text_fd >= 0) {
        const uint64_t off = r->text_off[r->ndocs];
        if (cli_pwrite_all(r->text_fd, t, n, off)) {
            cli_log(1, "writing a temporary file: %s", strerror(errno));
            return EXIT_INPUT;
        }
        return 0;
    }
    if (cli_grow((void **)&r->texts, &r->texts_cap, r->texts_len + n + 1, 1))
        return EXIT_INTERNAL;
    memcpy(r->texts + r->texts_len, t, n);
    r->texts_len += n;
    return 0;
}

const char *corpus_id(const rrun *r, uint32_t d)
{
    return r->ids + r->id_off[d];
}

size_t corpus_id_len(const rrun *r, uint32_t d)
{
    const uint64_t end = d + 1 < r->ndocs ? r->id_off[d + 1] : r->ids_len;
    return (size_t)(end - r->id_off[d] - 1); /* each id is followed by a NUL */
}

static int add_record(void *ctx, const pool_item *it)
{
    rrun *r = ctx;
    const rd_record *rec = it->rec;
    if (it->st == ND_E_LIMIT && !r->keep_all) {
        r->too_large++;
        cli_log(1, "%s: %s: %s: skipped", rec->path, rec->id, it->detail);
        return r->o.in.rd.on_error_skip ? 0 : EXIT_INTERNAL;
    }
    const int empty = it->st == ND_E_LIMIT; /* keep_all: an empty document in its place */
    if (it->st != ND_OK) {
        cli_log(1, "%s: %s: %s", rec->path, rec->id, it->detail);
        return cli_exit_status(it->st);
    }
    const size_t d = r->ndocs;
    if (d >= UINT32_MAX - 2) {
        cli_log(1, "more than %u documents", UINT32_MAX - 2);
        return EXIT_INTERNAL;
    }
    if (cli_grow((void **)&r->id_off, &r->id_cap, d + 1, sizeof *r->id_off) ||
        cli_grow((void **)&r->src_off, &r->src_cap2, d + 1, sizeof *r->src_off) ||
        cli_grow((void **)&r->date, &r->date_cap, d + 1, sizeof *r->date) ||
        cli_grow((void **)&r->text_off, &r->toff_cap, d + 2, sizeof *r->text_off) ||
        cli_grow((void **)&r->ids, &r->ids_cap, r->ids_len + rec->id_len + 1, 1) ||
        (rec->source &&
         cli_grow((void **)&r->src, &r->src_cap, r->src_len + rec->source_len + 1, 1))) {
        cli_log(1, "out of memory after %zu documents", d);
        return EXIT_INTERNAL;
    }
    r->id_off[d] = r->ids_len;
    memcpy(r->ids + r->ids_len, rec->id, rec->id_len + 1);
    r->ids_len += rec->id_len + 1;
    r->src_off[d] = UINT64_MAX;
    r->n_src += rec->source != NULL;
    r->n_date += rec->date != NULL;
    if (rec->source) {
        r->src_off[d] = r->src_len;
        memcpy(r->src + r->src_len, rec->source, rec->source_len);
        r->src[r->src_len + rec->source_len] = '\0';
        r->src_len += rec->source_len + 1;
    }
    r->date[d] = NAN;
    if (rec->date && cli_parse_date(rec->date, rec->date_len, &r->date[d]) != 0) {
        r->date[d] = NAN;
        r->bad_dates++;
        if (rec->line)
            cli_log(3, "%s:%llu: date '%s' is not ISO 8601: undated", rec->path,
                    (unsigned long long)rec->line, rec->date);
        else
            cli_log(3, "%s: date '%s' is not ISO 8601: undated", rec->id, rec->date);
    }
    if (r->o.stories_cmd) { /* the title and the date as read, for the stories */
        const size_t need = r->meta_len + (rec->title ? rec->title_len + 1 : 0) +
                            (rec->date ? rec->date_len + 1 : 0);
        if (cli_grow((void **)&r->title_off, &r->meta_cap2, d + 1, sizeof *r->title_off) ||
            cli_grow((void **)&r->dstr_off, &r->dstr_cap, d + 1, sizeof *r->dstr_off) ||
            cli_grow((void **)&r->meta, &r->meta_cap, need + 1, 1)) {
            cli_log(1, "out of memory after %zu documents", d);
            return EXIT_INTERNAL;
        }
        r->title_off[d] = r->dstr_off[d] = UINT64_MAX;
        if (rec->title) {
            r->title_off[d] = r->meta_len;
            memcpy(r->meta + r->meta_len, rec->title, rec->title_len);
            r->meta[r->meta_len + rec->title_len] = '\0';
            r->meta_len += rec->title_len + 1;
        }
        if (rec->date) {
            r->dstr_off[d] = r->meta_len;
            memcpy(r->meta + r->meta_len, rec->date, rec->date_len);
            r->meta[r->meta_len + rec->date_len] = '\0';
            r->meta_len += rec->date_len + 1;
        }
    }
    if (d == 0)
        r->text_off[0] = 0;
    const size_t tlen = empty ? 0 : rec->text_len;
    int rc = store_text(r, rec->text, tlen);
    if (rc) {
        if (rc == EXIT_INTERNAL)
            cli_log(1, "out of memory after %zu documents", d);
        return rc;
    }
    r->text_off[d + 1] = r->text_off[d] + tlen;
    if (r->dd && empty) { /* keep document numbers in step with the deduplicator's */
        const nd_status st = nd_dedup_add(r->dd, "", 0, NULL);
        if (st != ND_OK) {
            cli_log(1, "%s: %s", rec->path, cli_detail(nd_dedup_errdetail(r->dd), st));
            return cli_exit_status(st);
        }
    } else if (r->dd) {
        nd_doc doc;
        memset(&doc, 0, sizeof doc);
        doc.length = rec->text_len;
        const nd_status st = nd_dedup_add_sketch(r->dd, it->sk, &doc);
        if (st != ND_OK) {
            cli_log(1, "%s: %s", rec->path, cli_detail(nd_dedup_errdetail(r->dd), st));
            return cli_exit_status(st); /* a full disk under --tmp is ND_E_IO: 2 */
        }
    }
    r->ndocs++;
    cli_progress("reading", r->ndocs, r->text_off[d + 1]);
    return 0;
}

void corpus_free(rrun *r)
{
    nd_reuse_destroy(r->ru);
    nd_dedup_destroy(r->dd);
    nd_params_destroy(r->params);
    if (r->text_fd >= 0)
        close(r->text_fd);
    for (size_t i = 0; r->slot_buf && i < r->nslots; i++)
        free(r->slot_buf[i]);
    free(r->slot_buf);
    free(r->slot_cap);
    free(r->ids);
    free(r->id_off);
    free(r->src);
    free(r->src_off);
    free(r->date);
    free(r->meta);
    free(r->title_off);
    free(r->dstr_off);
    free(r->text_off);
    free(r->texts);
    free(r->inputs);
}

static int read_all(rrun *r)
{
    return cli_read_inputs(r->inputs, r->ninputs, &r->o.in, r->params, NULL, add_record, r,
                           &r->rs, NULL);
}

void corpus_put_id(FILE *fp, const rrun *r, uint32_t d)
{
    cli_json_str(fp, corpus_id(r, d), corpus_id_len(r, d));
}

/* ---- loading ------------------------------------------------------------- */

static int open_text_file(rrun *r)
{
    const char *dir = corpus_tmp_dir(r);
    char *path = malloc(strlen(dir) + 32);
    if (!path) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    sprintf(path, "%s/neardup-text.XXXXXX", dir);
    r->text_fd = mkstemp(path);
    if (r->text_fd < 0) {
        cli_log(1, "%s: cannot create a temporary file: %s", dir, strerror(errno));
        free(path);
        return EXIT_INPUT;
    }
    unlink(path);
    free(path);
    return 0;
}

int corpus_load(rrun *r)
{
    int rc;
    const unsigned threads = r->o.in.threads ? r->o.in.threads : nd_threads_available();
    r->nslots = 2 * (size_t)threads + 2;
    r->slot_buf = calloc(r->nslots, sizeof *r->slot_buf);
    r->slot_cap = calloc(r->nslots, sizeof *r->slot_cap);
    if (!r->slot_buf || !r->slot_cap) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    if (nd_params_set(r->params, ND_P_THREADS, threads) != ND_OK)
        return EXIT_INTERNAL;
    if (r->o.in.memory && (rc = open_text_file(r)) != 0)
        return rc;
    const int want_groups = !r->o.no_groups &&
                            (r->o.boilerplate_cmd || r->o.stories_cmd || !r->o.keep_boilerplate ||
                             nd_params_get(r->params, ND_P_PAIR_COPIES) == 0);
    nd_status st;
    if (want_groups) {
        /* copies: the deduplicator's defaults (resemblance 0.8), no containment */
        nd_params *dp;
        if (nd_params_create(&dp, NULL) != ND_OK) {
            cli_log(1, "out of memory");
            return EXIT_INTERNAL;
        }
        st = nd_params_set(dp, ND_P_CONTAINMENT, 0);
        if (st == ND_OK)
            st = nd_params_set(dp, ND_P_THREADS, threads);
        if (st == ND_OK) /* a quarter of the budget; it spills past it, same output */
            st = nd_params_set(dp, ND_P_MEMORY, (double)(r->o.in.memory / 4));
        if (st == ND_OK)
            st = nd_dedup_create(&r->dd, dp, NULL);
        if (st == ND_OK)
            st = nd_dedup_set_tmpdir(r->dd, corpus_tmp_dir(r));
        nd_params_destroy(dp);
        if (st != ND_OK) {
            cli_log(1, "cannot start: %s", nd_strerror(st));
            return EXIT_INTERNAL;
        }
    }
    /* the pool sketches with the deduplicator's layout */
    nd_params *pp;
    if (nd_params_create(&pp, NULL) != ND_OK) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    if (r->dd) {
        nd_dedup_stats ds;
        nd_dedup_get_stats(r->dd, &ds);
        if (nd_params_set(pp, ND_P_CONTAINMENT, 0) != ND_OK ||
            nd_params_set(pp, ND_P_BANDS, ds.bands) != ND_OK ||
            nd_params_set(pp, ND_P_ROWS, ds.rows) != ND_OK) {
            nd_params_destroy(pp);
            cli_log(1, "internal: cannot set the LSH layout");
            return EXIT_INTERNAL;
        }
    }
    nd_params *keep = r->params;
    r->params = pp;
    rc = read_all(r);
    r->params = keep;
    nd_params_destroy(pp);
    if (rc)
        return rc;
    if (r->dd && (st = nd_dedup_run(r->dd, 0)) != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_dedup_errdetail(r->dd), st));
        return cli_exit_status(st);
    }
    /* the index gets the budget; the texts are in their file already */
    if (nd_params_set(r->params, ND_P_MEMORY, (double)r->o.in.memory) != ND_OK)
        return EXIT_INTERNAL;
    if ((st = nd_reuse_create(&r->ru, r->params, NULL)) != ND_OK ||
        (st = nd_reuse_set_tmpdir(r->ru, corpus_tmp_dir(r))) != ND_OK) {
        cli_log(1, "cannot start: %s", nd_strerror(st));
        return st == ND_E_PARAM ? EXIT_USAGE : EXIT_INTERNAL;
    }
    for (uint32_t d = 0; d < r->ndocs; d++) {
        nd_reuse_doc rd;
        memset(&rd, 0, sizeof rd);
        rd.group = ND_NO_GROUP;
        if (r->dd) {
            nd_member m;
            if (nd_dedup_member(r->dd, d, &m) == ND_OK)
                rd.group = m.rep;
        }
        if (r->src_off[d] != UINT64_MAX) {
            rd.source = r->src + r->src_off[d];
            rd.source_len = strlen(rd.source);
        }
        if (!isnan(r->date[d])) {
            rd.has_date = 1;
            rd.date = r->date[d];
        }
        if ((st = nd_reuse_add(r->ru, &rd)) != ND_OK) {
            cli_log(1, "%s", nd_strerror(st));
            return cli_exit_status(st);
        }
    }
    return 0;
}

/* ---- boilerplate of records, for dedup ------------------------------------ */

size_t corpus_cut_spans(const char *t, size_t len, const nd_span *sp, size_t n, char *out)
{
    size_t k = 0, at = 0;
    for (size_t i = 0; i < n; i++) {
        if (sp[i].start < at || sp[i].end > len || sp[i].start > sp[i].end)
            continue;
        memcpy(out + k, t + at, sp[i].start - at);
        k += sp[i].start - at;
        at = sp[i].end;
        /* a span ends at its last word: take the punctuation after it
         * ("reserved.") and the white space up to the next text */
        while (at < len && t[at] != '\0' && strchr(".,;:!?)]\"'", t[at]))
            at++;
        while (at < len && (t[at] == ' ' || t[at] == '\t' || t[at] == '\r' || t[at] == '\n'))
            at++;
    }
    memcpy(out + k, t + at, len - at);
    return k + len - at;
}

int corpus_boilerplate_spans(const char *const *inputs, size_t n, const rd_opts *rd,
                             const nd_params *params, unsigned threads, uint64_t memory,
                             const char *tmpdir, uint64_t **off, nd_span **spans,
                             size_t *nrecs)
{
    rrun r;
    memset(&r, 0, sizeof r);
    r.text_fd = -1;
    r.keep_all = 1;
    r.o.boilerplate_cmd = 1;
    r.o.in.rd = *rd;
    r.o.in.threads = threads;
    r.o.in.memory = memory;
    r.o.in.tmpdir = tmpdir;
    r.inputs = calloc(n ? n : 1, sizeof *r.inputs);
    int rc = EXIT_INTERNAL;
    *off = NULL;
    *spans = NULL;
    *nrecs = 0;
    if (!r.inputs || nd_params_create(&r.params, NULL) != ND_OK)
        goto done;
    for (size_t i = 0; i < n; i++)
        r.inputs[i] = inputs[i];
    r.ninputs = n;
    static const nd_param keep[] = {ND_P_BOILER_DOCS, ND_P_BOILER_ANYWHERE,
                                    ND_P_BOILER_SOURCE_DOCS, ND_P_MAX_DOC};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        if (nd_params_set(r.params, keep[i], nd_params_get(params, keep[i])) != ND_OK)
            goto done;
    if ((rc = corpus_load(&r)) != 0)
        goto done;
    nd_status st = nd_reuse_boilerplate(r.ru, corpus_text, &r);
    if (st != ND_OK) {
        cli_log(1, "boilerplate: %s", cli_detail(nd_reuse_errdetail(r.ru), st));
        rc = cli_exit_status(st);
        goto done;
    }
    nd_reuse_stats s;
    nd_reuse_get_stats(r.ru, &s);
    *off = calloc(r.ndocs + 1, sizeof **off);
    *spans = malloc((s.boiler_occurrences ? s.boiler_occurrences : 1) * sizeof **spans);
    rc = EXIT_INTERNAL;
    if (!*off || !*spans)
        goto done;
    size_t k = 0;
    for (uint32_t d = 0; d < r.ndocs; d++) {
        const nd_span *sp;
        size_t ns;
        if (nd_reuse_doc_boilerplate(r.ru, d, &sp, &ns) != ND_OK)
            goto done;
        if (ns) /* a document without boilerplate may give no array at all */
            memcpy(*spans + k, sp, ns * sizeof *sp);
        k += ns;
        (*off)[d + 1] = k;
    }
    *nrecs = r.ndocs;
    cli_log(3, "boilerplate: %llu segments in %llu places, cut before matching",
            (unsigned long long)s.boiler_segments, (unsigned long long)s.boiler_occurrences);
    rc = 0;
done:
    if (rc) {
        free(*off);
        free(*spans);
        *off = NULL;
        *spans = NULL;
    }
    corpus_free(&r);
    return rc;
}

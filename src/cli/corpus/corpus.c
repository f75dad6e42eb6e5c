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
#include <getopt.h>
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "corpus/corpus.h"
#include "dist/dist.h"
#include "read/date.h"
#include "write/output.h"

/* The texts process 0 asked for last (corpus_fetch), by ask. */
typedef struct corpus_fetched {
    corpus_ask *a;
    uint64_t *off; /* n + 1: ask i's bytes are buf[off[i], off[i + 1]) */
    char *buf;
    size_t n;
} corpus_fetched;

const char *corpus_tmp_dir(const rrun *r)
{
    const char *dir = r->o.in.tmpdir ? r->o.in.tmpdir : getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

void corpus_release_memory(void)
{
#ifdef __GLIBC__
    (void)malloc_trim(0);
#endif
}

/* ---- text store ---------------------------------------------------------- */

nd_status corpus_text(void *ctx, uint32_t doc, unsigned slot, const char **text, size_t *len)
{
    rrun *r = ctx;
    if (r->dist) { /* the texts here are those of the share */
        if (doc < r->base || doc - r->base >= r->nlocal)
            return ND_E_PARAM;
        doc -= r->base;
    }
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

typedef struct tkey {
    uint32_t rep, form, report, doc;
} tkey;

static int cmp_tkey(const void *pa, const void *pb)
{
    const tkey *x = pa, *y = pb;
    if (x->rep != y->rep)
        return x->rep < y->rep ? -1 : 1;
    if (x->form != y->form)
        return x->form < y->form ? -1 : 1;
    if (x->report != y->report)
        return x->report < y->report ? -1 : 1;
    return (x->doc > y->doc) - (x->doc < y->doc);
}

uint32_t *corpus_copy_groups(const rrun *r)
{
    uint32_t *g = malloc((r->ndocs ? r->ndocs : 1) * sizeof *g);
    tkey *t = malloc((r->ndocs ? r->ndocs : 1) * sizeof *t);
    if (!g || !t) {
        free(g);
        free(t);
        return NULL;
    }
    size_t nt = 0;
    for (uint32_t d = 0; d < r->ndocs; d++) {
        nd_member m;
        g[d] = ND_NO_GROUP;
        if (!r->dd || nd_dedup_member(r->dd, d, &m) != ND_OK)
            continue;
        g[d] = m.rep;
        if (m.rel != ND_REL_TEMPLATE)
            continue;
        /* another report on the rep's form is not its copy: the templates of
         * one rep group by their own report (copies of one another) */
        tkey k = {m.rep, 0, 0, d};
        if (nd_dedup_template(r->dd, d, &k.form, &k.report) != ND_OK)
            k.form = k.report = 0;
        t[nt++] = k;
    }
    if (nt)
        qsort(t, nt, sizeof *t, cmp_tkey);
    for (size_t i = 0, j; i < nt; i = j) {
        for (j = i; j < nt && t[j].rep == t[i].rep && t[j].form == t[i].form &&
                    t[j].report == t[i].report;
             j++)
            g[t[j].doc] = t[i].doc;
    }
    free(t);
    return g;
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
    if (rec->source) {
        r->src_off[d] = r->src_len;
        memcpy(r->src + r->src_len, rec->source, rec->source_len);
        r->src[r->src_len + rec->source_len] = '\0';
        r->src_len += rec->source_len + 1;
    }
    r->date[d] = cli_record_date(&r->dates, rec);
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
    /* the deduplicator of copies, and analyze's of the caller's parameters:
     * the same sketch */
    nd_dedup *const dds[2] = {r->dd, r->dd_user};
    for (int k = 0; k < 2; k++) {
        if (!dds[k])
            continue;
        nd_status st;
        if (empty) { /* keep document numbers in step with the deduplicator's */
            st = nd_dedup_add(dds[k], "", 0, NULL);
        } else {
            nd_doc doc;
            memset(&doc, 0, sizeof doc);
            doc.length = rec->text_len;
            doc.date = r->date[d];  /* copies dated apart are templates, not copies */
            doc.has_date = !isnan(doc.date);
            st = nd_dedup_add_sketch(dds[k], it->sk, &doc);
        }
        if (st != ND_OK) {
            cli_log(1, "%s: %s", rec->path, cli_detail(nd_dedup_errdetail(dds[k]), st));
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
    nd_dedup_destroy(r->dd_user);
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
    free(r->reps);
    free(r->tlen);
    free(r->ranges);
    if (r->fetched) {
        free(r->fetched->a);
        free(r->fetched->off);
        free(r->fetched->buf);
        free(r->fetched);
    }
}

static int read_all(rrun *r)
{
    if (r->dist) { /* this process's share of the files */
        r->o.in.rd.want_file = cli_dist_want_file;
        r->o.in.rd.quiet_dirs = cli_dist_rank() != 0; /* directories: process 0 says */
        r->o.in.rd.ranges = r->ranges;
    }
    return cli_read_inputs(r->inputs, r->ninputs, &r->o.in, r->params, NULL, add_record, r,
                           &r->rs, NULL);
}

void corpus_put_id(FILE *fp, const rrun *r, uint32_t d)
{
    cli_json_str(fp, corpus_id(r, d), corpus_id_len(r, d));
}

/* ---- several processes ---------------------------------------------------- */

/* Before reading: the inputs dealt to the processes (cli_dist_deal). */
static int dist_deal(rrun *r)
{
    const char *what = cli_dist_unshareable(r->inputs, r->ninputs);
    if (what) {
        if (cli_dist_rank() == 0)
            cli_log(1, "%s is not available on several processes (docs/distributed.md); run "
                       "with one process for it", what);
        return EXIT_USAGE;
    }
    const char **parts = NULL;
    size_t n = 0;
    const int rc = cli_dist_deal(r->inputs, r->ninputs, &r->o.in.rd, 0, &parts,
                                 &r->ranges, &n);
    if (rc)
        return rc;
    free(r->inputs);
    r->inputs = parts;
    r->ninputs = n;
    return 0;
}

/* Writes v at *p and moves past it. */
static void put_u64(char **p, uint64_t v)
{
    memcpy(*p, &v, 8);
    *p += 8;
}

/* After reading: every process learns where its share lies and the sources,
 * dates and text lengths of every document; process 0 gets every id and the
 * readers' counts. Returns 0 or an exit code (every process stopped). */
static int dist_share(rrun *r)
{
    const unsigned P = cli_dist_size(), me = cli_dist_rank();
    cli_dist_stage("ids");
    r->nlocal = r->ndocs;
    uint64_t *cnt = calloc(P, sizeof *cnt), *lens = calloc(P, sizeof *lens);
    char *mine = NULL, *all = NULL;
    int rc = EXIT_INTERNAL, together = 0;
    if (!cnt || !lens)
        goto done;
    cnt[me] = r->nlocal;
    if (cli_dist_sum(cnt, P))
        goto done;
    uint64_t total = 0;
    for (unsigned p = 0; p < P; p++) {
        if (p == me)
            r->base = (uint32_t)total;
        total += cnt[p];
    }
    if (total > UINT32_MAX - 3) {
        if (me == 0)
            cli_log(1, "more than %u documents", UINT32_MAX - 3);
        rc = EXIT_INTERNAL;
        goto done;
    }
    /* sources, dates and lengths, to every process: per document its text
     * length, date (NAN: none), source length (UINT32_MAX: none), source */
    size_t len = 0;
    for (size_t d = 0; d < r->nlocal; d++)
        len += 20 + (r->src_off[d] == UINT64_MAX ? 0 : strlen(r->src + r->src_off[d]));
    char *p = mine = malloc(len ? len : 1);
    if (!mine)
        goto done;
    for (size_t d = 0; d < r->nlocal; d++) {
        const char *src = r->src_off[d] == UINT64_MAX ? NULL : r->src + r->src_off[d];
        const uint32_t sl = src ? (uint32_t)strlen(src) : UINT32_MAX;
        put_u64(&p, r->text_off[d + 1] - r->text_off[d]);
        memcpy(p, &r->date[d], 8);
        memcpy(p + 8, &sl, 4);
        p += 12;
        if (src) {
            memcpy(p, src, sl);
            p += sl;
        }
    }
    if (cli_dist_allgather(mine, len, &all, lens))
        goto done;
    free(mine);
    mine = NULL;
    free(r->src_off);
    free(r->date);
    r->src_off = malloc((total ? total : 1) * sizeof *r->src_off);
    r->date = malloc((total ? total : 1) * sizeof *r->date);
    r->tlen = malloc((total ? total : 1) * sizeof *r->tlen);
    r->src_len = 0;
    r->src_cap2 = r->date_cap = (size_t)total;
    if (!r->src_off || !r->date || !r->tlen)
        goto done;
    p = all;
    for (uint64_t d = 0; d < total; d++) {
        uint32_t sl;
        memcpy(&r->tlen[d], p, 8);
        memcpy(&r->date[d], p + 8, 8);
        memcpy(&sl, p + 16, 4);
        p += 20;
        r->src_off[d] = UINT64_MAX;
        if (sl == UINT32_MAX)
            continue;
        if (cli_grow((void **)&r->src, &r->src_cap, r->src_len + sl + 1, 1))
            goto done;
        r->src_off[d] = r->src_len;
        memcpy(r->src + r->src_len, p, sl);
        r->src[r->src_len + sl] = '\0';
        r->src_len += sl + 1;
        p += sl;
    }
    free(all);
    all = NULL;
    /* the ids, to process 0: each as read (it may hold NUL bytes), then a NUL */
    len = 0;
    for (size_t d = 0; d < r->nlocal; d++)
        len += 8 + corpus_id_len(r, (uint32_t)d) + 1;
    if (!(p = mine = malloc(len ? len : 1)))
        goto done;
    for (size_t d = 0; d < r->nlocal; d++) {
        const size_t il = corpus_id_len(r, (uint32_t)d);
        put_u64(&p, il);
        memcpy(p, corpus_id(r, (uint32_t)d), il + 1);
        p += il + 1;
    }
    if (cli_dist_gather(mine, len, &all, lens))
        goto done;
    uint64_t sums[CLI_DIST_READER_N + 3];
    cli_dist_reader_pack(&r->rs, sums);
    sums[10] = r->too_large;
    sums[11] = r->dates.bad;
    sums[12] = r->n_src + (r->dates.seen << 32);
    if (cli_dist_sum(sums, 13))
        goto done;
    if (cli_dist_first_string(r->dates.first, sizeof r->dates.first))
        goto done;
    if ((rc = cli_dist_reader_end(&r->rs, sums)) == EXIT_INPUT)
        together = 1;  /* every process stops with it: no abort */
    if (rc)
        goto done;
    r->ndocs = (size_t)total;
    rc = 0;
    if (me != 0)
        goto done;
    cli_dist_reader_unpack(&r->rs, sums);
    r->too_large = sums[10];
    r->dates.bad = sums[11];
    r->n_src = sums[12] & 0xffffffffu;
    r->dates.seen = sums[12] >> 32;
    uint64_t m = 0;
    for (unsigned q = 0; q < P; q++)
        m += lens[q];
    free(r->ids);
    free(r->id_off);
    r->ids = malloc(m ? m : 1);
    r->id_off = malloc((total ? total : 1) * sizeof *r->id_off);
    if (!r->ids || !r->id_off) {
        rc = EXIT_INTERNAL;
        goto done;
    }
    r->ids_cap = (size_t)m;
    r->id_cap = (size_t)total;
    r->ids_len = 0;
    p = all;
    for (uint64_t d = 0; d < total; d++) {
        uint64_t il;
        memcpy(&il, p, 8);
        r->id_off[d] = r->ids_len;
        memcpy(r->ids + r->ids_len, p + 8, il + 1);
        r->ids_len += il + 1;
        p += 8 + il + 1;
    }
done:
    if (rc == EXIT_INTERNAL)
        cli_log(1, "sharing the documents' facts across processes failed (out of memory?)");
    free(cnt);
    free(lens);
    free(mine);
    free(all);
    if (rc && !together)
        cli_dist_abort(rc);
    return rc;
}

/* The copy groups over every process's sketches: every process learns every
 * document's group (r->reps). */
static int dist_groups(rrun *r)
{
    cli_dist_stage("copies");
    uint32_t *gid = malloc((r->nlocal ? r->nlocal : 1) * sizeof *gid);
    if (!gid) {
        cli_log(1, "out of memory");
        cli_dist_abort(EXIT_INTERNAL);
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < r->nlocal; i++)
        gid[i] = r->base + (uint32_t)i;
    const nd_status st = nd_dedup_run_dist(r->dd, cli_dist_comm(), gid, 0);
    free(gid);
    if (st != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_dedup_errdetail(r->dd), st));
        cli_dist_abort(cli_exit_status(st));
        return cli_exit_status(st);
    }
    uint32_t *reps = NULL;
    if (cli_dist_rank() == 0)
        reps = corpus_copy_groups(r);
    char *got = NULL;
    size_t n = 0;
    const int bad = cli_dist_rank() == 0 && !reps;
    if (bad || cli_dist_bcast(reps, r->ndocs * sizeof *reps, &got, &n) ||
        n != r->ndocs * sizeof *reps) {
        free(reps);
        free(got);
        cli_log(1, "sharing the copy groups failed");
        cli_dist_abort(EXIT_INTERNAL);
        return EXIT_INTERNAL;
    }
    free(reps);
    r->reps = (uint32_t *)got;
    return 0;
}

static int cmp_ask(const void *pa, const void *pb)
{
    const corpus_ask *x = pa, *y = pb;
    if (x->doc != y->doc)
        return x->doc < y->doc ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

void corpus_put_source(FILE *fp, const rrun *r, uint32_t d)
{
    if (r->src_off[d] == UINT64_MAX)
        return;
    fputs(",\"source\":", fp);
    cli_json_str(fp, r->src + r->src_off[d], strlen(r->src + r->src_off[d]));
}

int corpus_take_inputs(rrun *r, const char *cmd, int argc, char **argv)
{
    if (optind >= argc)
        return cli_usage_error(cmd, "%s",
                               "no input given (a file, a directory, or '-' for stdin)");
    r->ninputs = (size_t)(argc - optind);
    r->inputs = calloc(r->ninputs, sizeof *r->inputs);
    if (!r->inputs) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < r->ninputs; i++)
        r->inputs[i] = argv[optind + (int)i];
    return 0;
}

int corpus_listing(const rrun *r)
{
    return !r->o.output && !r->o.json && !r->dist && isatty(STDOUT_FILENO);
}

const char *corpus_meta_str(const rrun *r, const uint64_t *off, uint32_t d)
{
    return off && off[d] != UINT64_MAX ? r->meta + off[d] : NULL;
}

uint64_t corpus_text_len(const rrun *r, uint32_t d)
{
    return r->dist ? r->tlen[d] : r->text_off[d + 1] - r->text_off[d];
}

nd_status corpus_range(rrun *r, uint32_t d, uint32_t start, uint32_t end, unsigned slot,
                       const char **text, size_t *len)
{
    if (!r->dist) {
        const char *t;
        size_t n;
        const nd_status st = corpus_text(r, d, slot, &t, &n);
        if (st != ND_OK)
            return st;
        if (start > end || end > n)
            return ND_E_PARAM;
        *text = t + start;
        *len = end - start;
        return ND_OK;
    }
    const corpus_fetched *f = r->fetched;
    const corpus_ask key = {d, start, end};
    const corpus_ask *hit = f ? bsearch(&key, f->a, f->n, sizeof key, cmp_ask) : NULL;
    if (!hit)
        return ND_E_STATE; /* not asked for: a bug */
    const size_t i = (size_t)(hit - f->a);
    *text = f->buf + f->off[i];
    *len = (size_t)(f->off[i + 1] - f->off[i]);
    return *len == end - start ? ND_OK : ND_E_IO;
}

/* The answers of this process to asks[0..n): per ask of a document it holds,
 * the length (u32) and the bytes. */
static int answer_asks(rrun *r, const corpus_ask *a, size_t n, char **out, size_t *len)
{
    size_t cap = 0;
    *out = NULL;
    *len = 0;
    for (size_t i = 0; i < n; i++) {
        if (a[i].doc < r->base || a[i].doc - r->base >= r->nlocal)
            continue;
        const char *t;
        size_t tn;
        if (corpus_text(r, a[i].doc, 0, &t, &tn) != ND_OK) {
            cli_log(1, "a text could not be read back from the temporary file");
            return EXIT_INPUT;
        }
        const uint32_t e = a[i].end < tn ? a[i].end : (uint32_t)tn;
        const uint32_t s = a[i].start < e ? a[i].start : e, k = e - s;
        if (cli_grow((void **)out, &cap, *len + 4 + k, 1))
            return EXIT_INTERNAL;
        memcpy(*out + *len, &k, 4);
        memcpy(*out + *len + 4, t + s, k);
        *len += 4 + k;
    }
    return 0;
}

int corpus_fetch(rrun *r, corpus_ask *asks, size_t n)
{
    if (!r->dist)
        return 0;
    cli_dist_stage("write");
    if (n)
        qsort(asks, n, sizeof *asks, cmp_ask);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || cmp_ask(&asks[k - 1], &asks[i]) != 0)
            asks[k++] = asks[i];
    n = k;
    if (n == 0) { /* nothing to fetch: no round (process 0 alone starts them) */
        if (r->fetched)
            r->fetched->n = 0;
        return 0;
    }
    /* every process learns the asks (a count first: 0 ends corpus_serve) */
    char *msg = malloc(8 + n * sizeof *asks), *got = NULL, *mine = NULL, *all = NULL;
    uint64_t *lens = calloc(cli_dist_size(), sizeof *lens);
    size_t ng = 0, nm = 0;
    int rc = EXIT_INTERNAL;
    if (!msg || !lens)
        goto done;
    const uint64_t cnt = n;
    memcpy(msg, &cnt, 8);
    memcpy(msg + 8, asks, n * sizeof *asks);
    if (cli_dist_bcast(msg, 8 + n * sizeof *asks, &got, &ng))
        goto done;
    if ((rc = answer_asks(r, asks, n, &mine, &nm)) != 0)
        goto done;
    rc = EXIT_INTERNAL;
    if (cli_dist_gather(mine, nm, &all, lens))
        goto done;
    corpus_fetched *f = r->fetched;
    if (!f && !(f = r->fetched = calloc(1, sizeof *f)))
        goto done;
    free(f->a);
    free(f->off);
    free(f->buf);
    f->a = malloc(n * sizeof *f->a);
    f->off = malloc((n + 1) * sizeof *f->off);
    f->buf = NULL;
    f->n = 0;
    uint64_t m = 0;
    for (unsigned q = 0; q < cli_dist_size(); q++)
        m += lens[q];
    f->buf = malloc(m ? m : 1);
    if (!f->a || !f->off || !f->buf)
        goto done;
    /* the answers come in rank order, each process's in ask order: ask order */
    const char *p = all, *end = all + m;
    uint64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t len;
        if (end - p < 4)
            goto done;
        memcpy(&len, p, 4);
        if ((uint64_t)(end - p) < 4 + (uint64_t)len)
            goto done;
        memcpy(f->buf + at, p + 4, len);
        f->off[i] = at;
        at += len;
        p += 4 + len;
    }
    f->off[n] = at;
    memcpy(f->a, asks, n * sizeof *asks);
    f->n = n;
    rc = 0;
done:
    if (rc)
        cli_log(1, "fetching texts from the other processes failed");
    free(msg);
    free(got);
    free(mine);
    free(all);
    free(lens);
    if (rc)
        cli_dist_abort(rc);
    return rc;
}

int corpus_fetch_end(rrun *r)
{
    if (!r->dist || cli_dist_rank() != 0)
        return 0;
    const uint64_t zero = 0;
    char *got = NULL;
    size_t n;
    const int rc = cli_dist_bcast(&zero, sizeof zero, &got, &n);
    free(got);
    if (rc) { /* the others would wait in corpus_serve */
        cli_log(1, "ending the fetching of texts failed");
        cli_dist_abort(EXIT_INTERNAL);
    }
    return rc ? EXIT_INTERNAL : 0;
}

int corpus_serve(rrun *r)
{
    cli_dist_stage("write");
    for (;;) {
        char *got = NULL, *mine = NULL, *all = NULL;
        size_t n = 0, nm = 0;
        uint64_t cnt = 0;
        if (cli_dist_bcast(NULL, 0, &got, &n) || n < 8) {
            free(got);
            cli_dist_abort(EXIT_INTERNAL);
            return EXIT_INTERNAL;
        }
        memcpy(&cnt, got, 8);
        if (cnt == 0) {
            free(got);
            return 0;
        }
        corpus_ask *a = malloc(cnt * sizeof *a);
        int rc = a ? 0 : EXIT_INTERNAL;
        if (a)
            memcpy(a, got + 8, cnt * sizeof *a);
        free(got);
        if (rc == 0)
            rc = answer_asks(r, a, (size_t)cnt, &mine, &nm);
        free(a);
        uint64_t *lens = calloc(cli_dist_size(), sizeof *lens);
        if (rc == 0 && (!lens || cli_dist_gather(mine, nm, &all, lens)))
            rc = EXIT_INTERNAL;
        free(lens);
        free(mine);
        free(all);
        if (rc) {
            cli_dist_abort(rc);
            return rc;
        }
    }
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

/* What reading needs: the text slots and file, the deduplicator of copies,
 * and the sketching parameters (*pp). Returns 0 or an exit code (a message
 * printed). */
static int prepare(rrun *r, unsigned threads, nd_params **ppp)
{
    int rc;
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
        if (st == ND_OK) /* a quarter of the budget (an eighth beside analyze's
                            deduplicator, which has the other); it spills past it,
                            same output */
            st = nd_params_set(dp, ND_P_MEMORY,
                               (double)(r->o.in.memory / (r->o.dedup_params ? 8 : 4)));
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
    /* analyze: the deduplication it reports, with the caller's parameters */
    if (r->o.dedup_params) {
        st = nd_params_set(r->o.dedup_params, ND_P_THREADS, threads);
        if (st == ND_OK) /* an eighth of the budget, as the copies' */
            st = nd_params_set(r->o.dedup_params, ND_P_MEMORY, (double)(r->o.in.memory / 8));
        if (st == ND_OK)
            st = nd_dedup_create(&r->dd_user, r->o.dedup_params, NULL);
        if (st == ND_OK)
            st = nd_dedup_set_tmpdir(r->dd_user, corpus_tmp_dir(r));
        if (st != ND_OK) {
            cli_log(1, "cannot start: %s", nd_strerror(st));
            return st == ND_E_PARAM ? EXIT_USAGE : EXIT_INTERNAL;
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
    *ppp = pp;
    return 0;
}

int corpus_load(rrun *r)
{
    int rc;
    const unsigned threads = r->o.in.threads ? r->o.in.threads : nd_threads_available();
    r->dist = cli_dist_size() > 1;
    if (r->dist && (rc = dist_deal(r)) != 0)
        return rc;
    nd_params *pp = NULL;
    nd_status st;
    rc = prepare(r, threads, &pp);
    if (r->dist) /* a process that failed said why; all stop */
        rc = cli_dist_agree(rc);
    if (rc) {
        nd_params_destroy(pp);
        return rc;
    }
    nd_params *keep = r->params;
    r->params = pp;
    cli_dist_stage("read");
    rc = read_all(r);
    cli_progress_end();
    r->params = keep;
    nd_params_destroy(pp);
    if (r->dist) /* a process that failed said why; all stop */
        rc = cli_dist_agree(rc);
    if (rc)
        return rc;
    if (r->dist && ((rc = dist_share(r)) != 0 || (r->dd && (rc = dist_groups(r)) != 0)))
        return rc;
    if (r->dd && !r->dist)
        cli_stage("copies");
    if (r->dd && !r->dist && (st = nd_dedup_run(r->dd, 0)) != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_dedup_errdetail(r->dd), st));
        return cli_exit_status(st);
    }
    if (r->dd_user)
        cli_stage("duplicates");
    if (r->dd_user && (st = nd_dedup_run(r->dd_user, 1)) != ND_OK) { /* with its pairs */
        cli_log(1, "%s", cli_detail(nd_dedup_errdetail(r->dd_user), st));
        return cli_exit_status(st);
    }
    if (r->dd && !r->dist && !(r->reps = corpus_copy_groups(r))) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    /* the index gets the budget; the texts are in their file already */
    st = nd_params_set(r->params, ND_P_MEMORY, (double)r->o.in.memory);
    if (st == ND_OK)
        st = nd_reuse_create(&r->ru, r->params, NULL);
    if (st == ND_OK)
        st = nd_reuse_set_tmpdir(r->ru, corpus_tmp_dir(r));
    if (st != ND_OK) {
        cli_log(1, "cannot start: %s", nd_strerror(st));
        rc = st == ND_E_PARAM ? EXIT_USAGE : EXIT_INTERNAL;
        if (r->dist) /* the others would wait in the next exchange */
            cli_dist_abort(rc);
        return rc;
    }
    for (uint32_t d = 0; d < r->ndocs; d++) {
        nd_reuse_doc rd;
        memset(&rd, 0, sizeof rd);
        rd.group = ND_NO_GROUP;
        if (r->reps)
            rd.group = r->reps[d];
        if (r->src_off[d] != UINT64_MAX) {
            rd.source = r->src + r->src_off[d];
            rd.source_len = strlen(rd.source);
        }
        if (!isnan(r->date[d])) {
            rd.has_date = 1;
            rd.date = r->date[d];
        }
        /* the lengths size the table of n-grams seen twice, which only a
         * passage run uses (a process of several holds its share of the texts) */
        if (!r->dist && !r->o.boilerplate_cmd)
            rd.length = r->text_off[d + 1] - r->text_off[d];
        if ((st = nd_reuse_add(r->ru, &rd)) != ND_OK) {
            cli_log(1, "%s", nd_strerror(st));
            if (r->dist)
                cli_dist_abort(cli_exit_status(st));
            return cli_exit_status(st);
        }
    }
    if (r->dist && nd_reuse_set_share(r->ru, r->base, r->base + (uint32_t)r->nlocal) != ND_OK) {
        cli_log(1, "internal: %s", nd_reuse_errdetail(r->ru));
        cli_dist_abort(EXIT_INTERNAL);
        return EXIT_INTERNAL;
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

void corpus_fields_summary(const rrun *r)
{
    /* a field named on the command line that no record has is most likely a typo */
    if (r->ndocs && !r->n_src && r->o.in.rd.source_field &&
        strcmp(r->o.in.rd.source_field, "source") != 0)
        cli_log(1, "warning: no record has a \"%s\" field (--source-field)",
                r->o.in.rd.source_field);
    cli_log(3, "%llu documents with a source field, %llu with a date field",
            (unsigned long long)r->n_src, (unsigned long long)r->dates.seen);
    cli_dates_warn(&r->dates, r->ndocs, r->o.in.rd.date_field);
}

/* ---- ids to documents ------------------------------------------------------------ */

int corpus_idmap_build(corpus_idmap *m, const rrun *r)
{
    m->cap = 16;
    while (m->cap < 2 * r->ndocs + 2)
        m->cap *= 2;
    m->slot = calloc(m->cap, sizeof *m->slot);
    if (!m->slot)
        return -1;
    for (uint32_t d = 0; d < r->ndocs; d++) {
        const char *id = corpus_id(r, d);
        const size_t n = corpus_id_len(r, d);
        size_t h = (size_t)XXH3_64bits(id, n) & (m->cap - 1);
        int dup = 0;
        while (m->slot[h] && !(dup = corpus_id_len(r, m->slot[h] - 1) == n &&
                                     memcmp(corpus_id(r, m->slot[h] - 1), id, n) == 0))
            h = (h + 1) & (m->cap - 1);
        if (!dup)
            m->slot[h] = d + 1; /* the first document of an id counts */
    }
    return 0;
}

uint32_t corpus_idmap_get(const corpus_idmap *m, const rrun *r, const char *id, size_t n)
{
    size_t h = (size_t)XXH3_64bits(id, n) & (m->cap - 1);
    while (m->slot[h]) {
        const char *x = corpus_id(r, m->slot[h] - 1);
        if (corpus_id_len(r, m->slot[h] - 1) == n && memcmp(x, id, n) == 0)
            return m->slot[h] - 1;
        h = (h + 1) & (m->cap - 1);
    }
    return UINT32_MAX;
}

/*
 * cmd_reuse.c - `neardup reuse` (passages shared between documents) and
 * `neardup boilerplate` (segments repeated across documents).
 *
 * DESIGN
 *   One pass reads every record through the sketching pool: the id, source and
 *   date are kept, the text goes to a text store (memory, or an unlinked
 *   temporary file under --memory, read back with pread per slot), and the
 *   sketch goes to an nd_dedup, whose clusters tell which documents are
 *   copies of one another (boilerplate counts copies once; reuse does not
 *   align copies unless --copies). Then nd_reuse finds boilerplate and, for
 *   `reuse`, the passages, asking the text store for texts on its threads.
 *   Outputs are JSON Lines (docs/output-format.md), written whole or not at all.
 *
 *   Dates (--date-field, or WARC-Date) are ISO 8601: YYYY-MM-DD, optionally
 *   followed by T or a space, hh:mm[:ss[.frac]] and Z or +hh:mm / -hh:mm. They
 *   become days since 1970-01-01 (UTC). A date that does not parse is
 *   reported once per record at -v and counted; the document is undated.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "inputs.h"
#include "pool.h"
#include "reader.h"

#include "corpus.h"

/* ---- dates -------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t n, size_t at, size_t k, unsigned *out)
{
    if (at + k > n)
        return -1;
    unsigned v = 0;
    for (size_t i = at; i < at + k; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int cli_parse_date(const char *s, size_t n, double *days)
{
    unsigned y, mo, d, hh = 0, mm = 0, ss = 0;
    if (digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || digits(s, n, 5, 2, &mo) ||
        s[7] != '-' || digits(s, n, 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return -1;
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return -1;
    size_t i = 10;
    double frac = 0, tz = 0;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        if (digits(s, n, i + 1, 2, &hh) || i + 3 >= n || s[i + 3] != ':' ||
            digits(s, n, i + 4, 2, &mm) || hh > 23 || mm > 59)
            return -1;
        i += 6;
        if (i < n && s[i] == ':') {
            if (digits(s, n, i + 1, 2, &ss) || ss > 60)
                return -1;
            i += 3;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                double scale = 0.1;
                size_t k = i + 1;
                for (; k < n && s[k] >= '0' && s[k] <= '9'; k++, scale /= 10)
                    frac += (s[k] - '0') * scale;
                if (k == i + 1)
                    return -1;
                i = k;
            }
        }
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            unsigned th, tm = 0;
            if (digits(s, n, i + 1, 2, &th))
                return -1;
            size_t k = i + 3;
            if (k < n && s[k] == ':')
                k++;
            if (k < n || s[k - 1] == ':') { /* "+02:" needs its minutes */
                if (digits(s, n, k, 2, &tm))
                    return -1;
                k += 2;
            }
            if (th > 23 || tm > 59)
                return -1;
            tz = (s[i] == '+' ? 1 : -1) * (th * 60.0 + tm);
            i = k;
        }
    }
    if (i != n)
        return -1;
    *days = (double)days_from_civil(y, mo, d) +
            ((hh * 60.0 + mm - tz) * 60.0 + ss + frac) / 86400.0;
    return 0;
}

/* ---- usage -------------------------------------------------------------- */

static double param_default(nd_param id)
{
    double def = 0;
    if (nd_params_bounds(id, NULL, NULL, &def) != ND_OK)
        return 0;
    return def;
}

static void usage(FILE *fp, int boiler)
{
    if (boiler)
        fprintf(fp, "usage: neardup boilerplate [options] INPUT...\n"
                    "\n"
                    "Finds boilerplate: lines (and sentences within lines) repeated at the head\n"
                    "or tail of many documents, anywhere in very many, or in many documents of\n"
                    "one source. Copies of one document (exact or near-duplicate) count once.\n"
                    "Writes one JSON line per boilerplate segment (docs/output-format.md).\n"
                    "\n");
    else
        fprintf(fp, "usage: neardup reuse [options] INPUT...\n"
                    "\n"
                    "Finds passages shared by documents (quotations, reprinted paragraphs,\n"
                    "replies quoting their parent) with byte offsets into both texts, and\n"
                    "groups a passage found in many documents into a passage cluster.\n"
                    "Boilerplate (see neardup boilerplate) is found first and ignored.\n"
                    "Writes one JSON line per passage (docs/output-format.md).\n"
                    "\n");
    fprintf(fp, "Input (as for neardup dedup):\n"
                "  --format FMT        auto|jsonl|text|lines|warc [auto]\n"
                "  --lines             same as --format lines\n"
                "  --id-field NAME     JSON field holding the id [id]\n"
                "  --text-field NAME   JSON field holding the text [text]\n"
                "  --source-field NAME JSON field naming the source (site, outlet) [source]\n"
                "  --date-field NAME   JSON field holding an ISO 8601 date [date]; WARC-Date\n"
                "                      for WARC records\n"
                "  --on-error POLICY   skip|stop on a bad record [skip]\n"
                "  --max-record SIZE   largest record (K/M/G suffixes) [1G]\n");
    if (!boiler) {
        fprintf(fp, "Passages:\n");
        fprintf(fp, "  -n, --ngram N       words per seed n-gram [%g]\n",
                param_default(ND_P_NGRAM));
        fprintf(fp, "  --min-words N       shortest passage, in aligned words [%g]\n",
                param_default(ND_P_MIN_WORDS));
        fprintf(fp, "  --df-min N          a seed must be in at least N documents [%g]\n",
                param_default(ND_P_DF_MIN));
        fprintf(fp, "  --df-max N          ... and occur at most N times in all [%g]\n",
                param_default(ND_P_DF_MAX));
        fprintf(fp, "  --max-gap N         most words between two seeds of a passage [%g]\n",
                param_default(ND_P_MAX_GAP));
        fprintf(fp, "  --window DAYS       pair only documents dated at most DAYS apart,\n"
                    "                      0 = any [0]; undated documents pair with all\n"
                    "  --no-same-source    do not pair documents of the same source\n"
                    "  --copies            also align documents that are copies (exact or\n"
                    "                      near-duplicates) of one another\n"
                    "  --keep-boilerplate  do not look for boilerplate; match it like text\n");
    }
    fprintf(fp, "Boilerplate:\n");
    fprintf(fp, "  --boiler-docs N     at the head or tail of at least N documents [%g]\n",
            param_default(ND_P_BOILER_DOCS));
    fprintf(fp, "  --boiler-anywhere N anywhere in at least N documents [%g]\n",
            param_default(ND_P_BOILER_ANYWHERE));
    fprintf(fp, "  --boiler-source-docs N  anywhere in at least N documents of one source,\n"
                "                      0 = off [0]\n");
    fprintf(fp, "Output (files are written whole or not at all; '-' = stdout; .gz/.zst\n"
                "names are compressed):\n");
    if (boiler)
        fprintf(fp, "  -o, --output FILE   boilerplate segments [stdout]\n"
                    "  --strip FILE        the documents without their boilerplate, JSON Lines\n"
                    "                      {id, text[, source]}\n");
    else
        fprintf(fp, "  -o, --output FILE   passages [stdout]\n"
                    "  --clusters FILE     passage clusters, one line each\n"
                    "  --boilerplate FILE  the boilerplate segments found\n"
                    "  --no-text           passages without their text\n");
    fprintf(fp, "Resources:\n"
                "  -T, --threads N     threads, 0 = one per core [0]; same output for any N\n"
                "  --memory SIZE       memory budget (K/M/G), 0 = unbounded [0]: the texts\n"
                "                      go to a temporary file under --tmp, and the seed\n"
                "                      index spills there past a quarter of SIZE; same output\n"
                "  --tmp DIR           directory for temporary files [$TMPDIR or /tmp]\n"
                "Messages:\n"
                "  -q, --quiet         only errors on stderr (-qq: nothing)\n"
                "  -v, --verbose       counts of every stage, timing\n"
                "  --progress, --no-progress   progress line on stderr [when a terminal]\n"
                "  -h, --help          this help\n"
                "\n"
                "Exit status: 0 ok, 1 usage, 2 input/output error, 4 out of memory or limit.\n");
}

static const char *g_cmd = "reuse";

#define usage_error(...) cli_usage_error(g_cmd, __VA_ARGS__)

static const char *tmp_dir(const rrun *r)
{
    const char *dir = r->o.in.tmpdir ? r->o.in.tmpdir : getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

/* ---- text store ---------------------------------------------------------- */

static int pwrite_all(int fd, const char *p, size_t n, uint64_t off)
{
    while (n) {
        const ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

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
        if (pwrite_all(r->text_fd, t, n, off)) {
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

/* ---- reading ------------------------------------------------------------- */

const char *corpus_id(const rrun *r, uint32_t d)
{
    return r->ids + r->id_off[d];
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
        return EXIT_INTERNAL;
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
        if (nd_dedup_add(r->dd, "", 0, NULL) != ND_OK) {
            cli_log(1, "out of memory after %zu documents", d);
            return EXIT_INTERNAL;
        }
    } else if (r->dd) {
        nd_doc doc;
        memset(&doc, 0, sizeof doc);
        doc.length = rec->text_len;
        const nd_status st = nd_dedup_add_sketch(r->dd, it->sk, &doc);
        if (st != ND_OK) {
            cli_log(1, "%s: %s", rec->path, nd_dedup_errdetail(r->dd));
            return EXIT_INTERNAL;
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

/* ---- output ---------------------------------------------------------------- */

static void put_text(FILE *fp, rrun *r, uint32_t doc, uint32_t start, uint32_t end)
{
    const char *t;
    size_t len;
    if (corpus_text(r, doc, 0, &t, &len) != ND_OK || end > len || start > end) {
        r->text_err = 1; /* write_one reports it */
        fputs("null", fp);
        return;
    }
    cli_json_str(fp, t + start, end - start);
}

void corpus_put_id(FILE *fp, const rrun *r, uint32_t d)
{
    const char *id = corpus_id(r, d);
    cli_json_str(fp, id, strlen(id));
}

static void put_date_or_null(FILE *fp, const rrun *r, uint32_t d)
{
    if (d == ND_NO_DOC)
        fputs("null", fp);
    else
        corpus_put_id(fp, r, d);
}

static int write_passages(rrun *r, FILE *fp)
{
    const nd_passage *p;
    size_t n;
    if (nd_reuse_passages(r->ru, &p, &n) != ND_OK)
        return -1;
    for (size_t i = 0; i < n; i++) {
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
        fprintf(fp, ",\"cluster\":%u,\"likely_source\":", x->cluster);
        put_date_or_null(fp, r, x->earlier);
        if (!r->o.no_text) {
            fputs(",\"text\":", fp);
            put_text(fp, r, x->a, x->a_start, x->a_end);
            const char *ta, *tb;
            size_t la, lb;
            if (corpus_text(r, x->a, 0, &ta, &la) != ND_OK ||
                corpus_text(r, x->b, 1, &tb, &lb) != ND_OK)
                r->text_err = 1;
            else if (x->a_end <= la && x->b_end <= lb &&
                (x->a_end - x->a_start != x->b_end - x->b_start ||
                 memcmp(ta + x->a_start, tb + x->b_start, x->a_end - x->a_start) != 0)) {
                fputs(",\"b_text\":", fp);
                cli_json_str(fp, tb + x->b_start, x->b_end - x->b_start);
            }
        }
        fputs("}\n", fp);
    }
    return 0;
}

static int write_clusters(rrun *r, FILE *fp)
{
    const nd_occurrence *o;
    const size_t *off;
    const uint32_t *origin;
    size_t nc;
    if (nd_reuse_clusters(r->ru, &o, &off, &origin, &nc) != ND_OK)
        return -1;
    for (size_t c = 0; c < nc; c++) {
        size_t docs = 0;
        for (size_t i = off[c]; i < off[c + 1]; i++)
            docs += i == off[c] || o[i].doc != o[i - 1].doc;
        fprintf(fp, "{\"cluster\":%zu,\"docs\":%zu,\"likely_source\":", c, docs);
        put_date_or_null(fp, r, origin[c]);
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
    }
    return 0;
}

static int write_boilers(rrun *r, FILE *fp)
{
    const nd_boiler *b;
    size_t n;
    if (nd_reuse_boilers(r->ru, &b, &n) != ND_OK)
        return -1;
    for (size_t i = 0; i < n; i++) {
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
    }
    return 0;
}

static int write_stripped(rrun *r, FILE *fp)
{
    for (uint32_t d = 0; d < r->ndocs; d++) {
        const nd_span *sp;
        size_t ns;
        const char *t;
        size_t len;
        if (nd_reuse_doc_boilerplate(r->ru, d, &sp, &ns) != ND_OK ||
            corpus_text(r, d, 0, &t, &len) != ND_OK)
            return -1;
        fputs("{\"id\":", fp);
        corpus_put_id(fp, r, d);
        fputs(",\"text\":", fp);
        if (ns == 0) {
            cli_json_str(fp, t, len);
        } else {
            char *buf = malloc(len + 1);
            if (!buf)
                return -1;
            cli_json_str(fp, buf, cli_cut_spans(t, len, sp, ns, buf));
            free(buf);
        }
        if (r->src_off[d] != UINT64_MAX) {
            fputs(",\"source\":", fp);
            cli_json_str(fp, r->src + r->src_off[d], strlen(r->src + r->src_off[d]));
        }
        fputs("}\n", fp);
    }
    return 0;
}

size_t cli_cut_spans(const char *t, size_t len, const nd_span *sp, size_t n, char *out)
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

typedef int (*writer_fn)(rrun *r, FILE *fp);

static int write_one(rrun *r, cli_out *out, const char *path, writer_fn fn)
{
    if (cli_out_open(out, path))
        return EXIT_INPUT;
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

/* ---- options ---------------------------------------------------------------- */

enum {
    O_MINW = 256, O_DFMIN, O_DFMAX, O_GAP, O_WINDOW, O_NOSAME, O_COPIES, O_KEEPB, O_CLUSTERS,
    O_BOUT, O_STRIP, O_NOTEXT
};

static const struct option k_longopts[] = {
    CLI_INPUT_LONGOPTS,
    {"date-field", required_argument, NULL, IN_DATEF},
    {"ngram", required_argument, NULL, 'n'},
    {"min-words", required_argument, NULL, O_MINW},
    {"df-min", required_argument, NULL, O_DFMIN},
    {"df-max", required_argument, NULL, O_DFMAX},
    {"max-gap", required_argument, NULL, O_GAP},
    {"window", required_argument, NULL, O_WINDOW},
    {"no-same-source", no_argument, NULL, O_NOSAME},
    {"copies", no_argument, NULL, O_COPIES},
    {"keep-boilerplate", no_argument, NULL, O_KEEPB},
    {"output", required_argument, NULL, 'o'},
    {"clusters", required_argument, NULL, O_CLUSTERS},
    {"boilerplate", required_argument, NULL, O_BOUT},
    {"strip", required_argument, NULL, O_STRIP},
    {"no-text", no_argument, NULL, O_NOTEXT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define set_param(p, id, arg, opt) cli_set_param(g_cmd, p, id, arg, opt)

/* Options only one of the two commands takes. */
static int wrong_cmd(const rrun *r, int c)
{
    const int reuse_only = c == 'n' || c == O_MINW || c == O_DFMIN || c == O_DFMAX ||
                           c == O_GAP || c == O_WINDOW || c == O_NOSAME || c == O_COPIES ||
                           c == O_KEEPB || c == O_CLUSTERS || c == O_BOUT || c == O_NOTEXT;
    return r->o.boilerplate_cmd ? reuse_only : c == O_STRIP;
}

static int parse_options(rrun *r, int argc, char **argv)
{
    ropts *o = &r->o;
    cli_inopts_init(&o->in);
    o->in.rd.source_field = "source";
    o->in.rd.date_field = "date";
    optind = 1;
    opterr = 0;
    int c, li = -1;
    while ((c = getopt_long(argc, argv, ":n:o:T:qvh", k_longopts, &li)) != -1) {
        if (wrong_cmd(r, c)) {
            if (c == 'n')
                return usage_error("option '-n/--ngram' is not for neardup %s", g_cmd);
            return usage_error("option '--%s' is not for neardup %s", k_longopts[li].name,
                               g_cmd);
        }
        li = -1;
        switch (c) {
        case 'n': if (set_param(r->params, ND_P_NGRAM, optarg, "--ngram")) return 1; break;
        case O_MINW: if (set_param(r->params, ND_P_MIN_WORDS, optarg, "--min-words")) return 1;
            break;
        case O_DFMIN: if (set_param(r->params, ND_P_DF_MIN, optarg, "--df-min")) return 1; break;
        case O_DFMAX: if (set_param(r->params, ND_P_DF_MAX, optarg, "--df-max")) return 1; break;
        case O_GAP: if (set_param(r->params, ND_P_MAX_GAP, optarg, "--max-gap")) return 1; break;
        case O_WINDOW: if (set_param(r->params, ND_P_WINDOW, optarg, "--window")) return 1;
            break;
        case O_NOSAME: if (set_param(r->params, ND_P_SAME_SOURCE, "0", "--no-same-source"))
                return 1;
            break;
        case O_COPIES: if (set_param(r->params, ND_P_PAIR_COPIES, "1", "--copies")) return 1;
            break;
        case O_KEEPB: o->keep_boilerplate = 1; break;
        case 'o': o->output = optarg; break;
        case O_CLUSTERS: o->clusters = optarg; break;
        case O_BOUT: o->boiler_out = optarg; break;
        case O_STRIP: o->strip_out = optarg; break;
        case O_NOTEXT: o->no_text = 1; break;
        case 'h':
            usage(stdout, o->boilerplate_cmd);
            return fflush(stdout) == 0 ? -2 : EXIT_INPUT;
        default: {
            const int h = cli_input_option(g_cmd, c, optarg, &o->in, r->params);
            if (h == 1)
                break;
            return h ? EXIT_USAGE : cli_option_error(g_cmd, c, argv, k_longopts);
        }
        }
    }
    if (nd_params_get(r->params, ND_P_DF_MIN) > nd_params_get(r->params, ND_P_DF_MAX))
        return usage_error("%s", "--df-min is above --df-max");
    if (optind >= argc)
        return usage_error("%s", "no input given (a file, a directory, or '-' for stdin)");
    r->ninputs = (size_t)(argc - optind);
    r->inputs = calloc(r->ninputs, sizeof *r->inputs);
    if (!r->inputs)
        return EXIT_INTERNAL;
    for (size_t i = 0; i < r->ninputs; i++)
        r->inputs[i] = argv[optind + (int)i];
    /* the main output defaults to stdout */
    const char *outs[] = {o->output, o->clusters, o->boiler_out, o->strip_out};
    return cli_check_outputs(g_cmd, outs, 4, r->inputs, r->ninputs, !o->output);
}

/* ---- the command ------------------------------------------------------------ */

static int open_text_file(rrun *r)
{
    const char *dir = tmp_dir(r);
    char *path = malloc(strlen(dir) + 32);
    if (!path)
        return EXIT_INTERNAL;
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

/* Reads every input, groups copies, and hands the documents to a new nd_reuse. */
int corpus_load(rrun *r)
{
    int rc;
    const unsigned threads = r->o.in.threads ? r->o.in.threads : nd_threads_available();
    r->nslots = 2 * (size_t)threads + 2;
    r->slot_buf = calloc(r->nslots, sizeof *r->slot_buf);
    r->slot_cap = calloc(r->nslots, sizeof *r->slot_cap);
    if (!r->slot_buf || !r->slot_cap)
        return EXIT_INTERNAL;
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
        if (nd_params_create(&dp, NULL) != ND_OK)
            return EXIT_INTERNAL;
        st = nd_params_set(dp, ND_P_CONTAINMENT, 0);
        if (st == ND_OK)
            st = nd_params_set(dp, ND_P_THREADS, threads);
        if (st == ND_OK) /* a quarter of the budget; it spills past it, same output */
            st = nd_params_set(dp, ND_P_MEMORY, (double)(r->o.in.memory / 4));
        if (st == ND_OK)
            st = nd_dedup_create(&r->dd, dp, NULL);
        if (st == ND_OK)
            st = nd_dedup_set_tmpdir(r->dd, tmp_dir(r));
        nd_params_destroy(dp);
        if (st != ND_OK) {
            cli_log(1, "cannot start: %s", nd_strerror(st));
            return EXIT_INTERNAL;
        }
    }
    /* the pool sketches with the deduplicator's layout */
    nd_params *pp;
    if (nd_params_create(&pp, NULL) != ND_OK)
        return EXIT_INTERNAL;
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
        cli_log(1, "%s", nd_dedup_errdetail(r->dd));
        return EXIT_INTERNAL;
    }
    /* the index gets the budget; the texts are in their file already */
    if (nd_params_set(r->params, ND_P_MEMORY, (double)r->o.in.memory) != ND_OK)
        return EXIT_INTERNAL;
    if ((st = nd_reuse_create(&r->ru, r->params, NULL)) != ND_OK ||
        (st = nd_reuse_set_tmpdir(r->ru, tmp_dir(r))) != ND_OK) {
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
            return EXIT_INTERNAL;
        }
    }
    return 0;
}

static int run_all(rrun *r)
{
    int rc;
    nd_status st;
    if ((rc = corpus_load(r)) != 0)
        return rc;
    if (r->o.boilerplate_cmd || !r->o.keep_boilerplate) {
        if ((st = nd_reuse_boilerplate(r->ru, corpus_text, r)) != ND_OK) {
            cli_log(1, "boilerplate: %s", nd_reuse_errdetail(r->ru));
            return st == ND_E_IO ? EXIT_INPUT : EXIT_INTERNAL;
        }
    }
    if (!r->o.boilerplate_cmd && (st = nd_reuse_run(r->ru, corpus_text, r)) != ND_OK) {
        cli_log(1, "reuse: %s", nd_reuse_errdetail(r->ru));
        return st == ND_E_IO ? EXIT_INPUT : EXIT_INTERNAL;
    }
    /* outputs: all to temporaries, renamed together */
    cli_out o1, o2, o3;
    memset(&o1, 0, sizeof o1);
    memset(&o2, 0, sizeof o2);
    memset(&o3, 0, sizeof o3);
    const char *main_out = r->o.output ? r->o.output : "-";
    if (r->o.boilerplate_cmd) {
        if ((rc = write_one(r, &o1, main_out, write_boilers)) != 0)
            return rc;
        if (r->o.strip_out && (rc = write_one(r, &o2, r->o.strip_out, write_stripped)) != 0)
            return rc;
    } else {
        if ((rc = write_one(r, &o1, main_out, write_passages)) != 0)
            return rc;
        if (r->o.clusters && (rc = write_one(r, &o2, r->o.clusters, write_clusters)) != 0)
            return rc;
        if (r->o.boiler_out && (rc = write_one(r, &o3, r->o.boiler_out, write_boilers)) != 0)
            return rc;
    }
    if (cli_out_commit(&o1) || (o2.path && cli_out_commit(&o2)) ||
        (o3.path && cli_out_commit(&o3)))
        return EXIT_INPUT;
    return 0;
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void summary(const rrun *r)
{
    nd_reuse_stats s;
    nd_reuse_get_stats(r->ru, &s);
    const unsigned long long nd = r->ndocs, nb = s.boiler_segments;
    /* a field named on the command line that no record has is most likely a typo */
    if (r->ndocs && !r->n_src && strcmp(r->o.in.rd.source_field, "source") != 0)
        cli_log(1, "warning: no record has a \"%s\" field (--source-field)",
                r->o.in.rd.source_field);
    if (r->ndocs && !r->n_date && strcmp(r->o.in.rd.date_field, "date") != 0)
        cli_log(1, "warning: no record has a \"%s\" field (--date-field)",
                r->o.in.rd.date_field);
    cli_log(3, "%llu documents with a source field, %llu with a date field",
            (unsigned long long)r->n_src, (unsigned long long)r->n_date);
    if (r->bad_dates)
        cli_log(2, "%llu %s not ISO 8601 (treated as undated; -v lists them)",
                (unsigned long long)r->bad_dates, plural(r->bad_dates, "date was", "dates were"));
    if (r->o.boilerplate_cmd) {
        cli_log(2, "%llu %s, %llu %s: %llu boilerplate %s, %llu %s", nd,
                plural(nd, "document", "documents"), (unsigned long long)s.segments,
                plural(s.segments, "segment", "segments"), nb, plural(nb, "segment", "segments"),
                (unsigned long long)s.boiler_occurrences,
                plural(s.boiler_occurrences, "occurrence", "occurrences"));
    } else {
        cli_log(2, "%llu %s: %llu %s in %llu passage %s (%llu document %s aligned); %llu "
                   "boilerplate %s ignored",
                nd, plural(nd, "document", "documents"), (unsigned long long)s.passages,
                plural(s.passages, "passage", "passages"), (unsigned long long)s.clusters,
                plural(s.clusters, "cluster", "clusters"), (unsigned long long)s.pairs,
                plural(s.pairs, "pair", "pairs"), nb, plural(nb, "segment", "segments"));
        cli_log(3, "%llu words, %llu seeds, %llu shared n-grams of which %llu within the "
                   "frequency bounds, %llu seed hits",
                (unsigned long long)s.tokens, (unsigned long long)s.seeds,
                (unsigned long long)s.seed_groups, (unsigned long long)s.rare_groups,
                (unsigned long long)s.hits);
        if (s.spill_events)
            cli_log(3, "spilled %.1f MB of seeds and hits in %llu rounds",
                    (double)s.spilled_bytes / 1e6, (unsigned long long)s.spill_events);
    }
    const uint64_t bad = r->rs.skipped + r->rs.failed_inputs + r->too_large;
    if (bad)
        cli_log(1, "warning: %llu bad %s skipped (reported above)", (unsigned long long)bad,
                plural(bad, "record or file was", "records or files were"));
}

static int reuse_main(int argc, char **argv, int boiler)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    g_cmd = boiler ? "boilerplate" : "reuse";
    rrun r;
    memset(&r, 0, sizeof r);
    r.text_fd = -1;
    r.o.boilerplate_cmd = boiler;
    int rc;
    if (nd_params_create(&r.params, NULL) != ND_OK) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    rc = parse_options(&r, argc, argv);
    if (rc) {
        rc = rc == -2 ? 0 : rc;
        goto done;
    }
    if ((rc = run_all(&r)) != 0)
        goto done;
    summary(&r);
    cli_report_time(g_cmd, &t0);
done:
    if (rc)
        cli_out_abort_all();
    corpus_free(&r);
    return rc;
}

int cli_boilerplate_spans(const char *const *inputs, size_t n, const rd_opts *rd,
                          const nd_params *params, unsigned threads, uint64_t memory,
                          const char *tmpdir, uint64_t **off, nd_span **spans, size_t *nrecs)
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
        cli_log(1, "boilerplate: %s", nd_reuse_errdetail(r.ru));
        rc = st == ND_E_IO ? EXIT_INPUT : EXIT_INTERNAL;
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

int cmd_reuse(int argc, char **argv)
{
    return reuse_main(argc, argv, 0);
}

int cmd_boilerplate(int argc, char **argv)
{
    return reuse_main(argc, argv, 1);
}

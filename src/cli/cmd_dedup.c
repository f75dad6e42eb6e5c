/*
 * cmd_dedup.c - `neardup dedup`: exact, near-duplicate and containment clusters.
 *
 * DESIGN
 *   Pass 1 reads every input once, sketches each document through the library
 *   and keeps only what the outputs need: the id, the record's sequence number
 *   and its document index. The library then finds and verifies candidates and
 *   builds clusters. Clusters, pairs and removed ids are written from memory.
 *   The deduplicated corpus (-o) needs the original records, so pass 2 reads
 *   the inputs again and copies every record that is not a removed duplicate,
 *   byte for byte. An input that cannot be read twice (standard input, a
 *   FIFO, <(...)) is first copied to an unlinked temporary file in --tmp
 *   (cli_spool_inputs; a regular standard input is rewound), read from there
 *   under its own name; every reading after the first checks each input's
 *   bytes against the XXH3 digest of the first (rd_digests), so an input
 *   edited between the passes stops the run instead of being copied unseen.
 *   Every output goes through cli_out (or, for whole-file documents, a
 *   temporary directory): a temporary beside the target. All outputs are
 *   written first and renamed into place only once every one of them is
 *   complete, so a failed run leaves none of them behind (stdout aside).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "corpus/corpus.h"
#include "dist/dist.h"
#include "read/date.h"
#include "read/inputs.h"
#include "read/json.h"
#include "read/pool.h"
#include "read/reader.h"
#include "write/dedup_out.h"
#include "write/output.h"

typedef struct dedup_opts {
    cli_inopts in;        /* input, resource and message options (inputs.h) */
    const char *clusters, *pairs, *output, *removed;
    const char *keep_field;
    int quiet_errors;
    int ignore_boiler;    /* --ignore-boilerplate: sketch without it */
    int strip_boiler;     /* --strip-boilerplate: -o without it */
    uint64_t part_bytes;  /* --part-size: several processes cut large files so */
    int merge;            /* --merge: several processes, -o written whole by process 0 */
    const char *near_opt; /* the first option given that only near-duplicates use */
} dedup_opts;

/* What pass 1 keeps per record returned by the reader. */
typedef struct rec_info {
    uint64_t id_off;   /* id in the id arena (after the spilled ids, if any) */
    uint32_t doc;      /* document index in the library, or NO_DOC */
    uint32_t id_len;
} rec_info;

/* Under --memory, ids go to an unlinked temporary file 1 MB at a time and are
 * read back one at a time when written out. */
typedef struct id_spill {
    int fd;
    uint64_t file_len;   /* bytes of ids in the file */
    char *buf[2];        /* two rotating buffers for ids read back */
    size_t cap[2];
    int next;
    int failed;
} id_spill;
#define ID_SPILL_CHUNK (1u << 20)
#define NO_DOC UINT32_MAX
#define ULL(x) ((unsigned long long)(x))

typedef struct run {
    dedup_opts o;
    nd_params *params;
    nd_dedup *dd;
    char *ids;            /* NUL-terminated ids, back to back */
    id_spill *ist;        /* ids spilled to a file (--memory), or NULL */
    size_t ids_len, ids_cap;
    rec_info *recs;
    size_t nrecs, recs_cap;
    uint32_t *doc_rec;    /* document index -> record index */
    size_t ndocs, doc_cap;
    uint64_t too_large;
    uint64_t bytes_read;
    size_t index_memory;  /* held by the library once every document was added */
    unsigned threads_used;
    rd_stats rs;          /* reader counters of pass 1 */
    int kinds;            /* bit 1 << rd_kind for each kind seen */
    rd_spool *spool;      /* inputs read twice from a copy (or a rewound stdin), or NULL */
    rd_digests *dig;      /* digests of the inputs, checked at every later reading */
    const char **inputs;
    size_t ninputs;
    /* outputs, written to temporaries, renamed into place together at the end */
    cli_out out_clusters, out_pairs, out_removed, out_corpus;
    cli_out out_manifest; /* sharded -o: the list of the shards, written last */
    size_t nlocal;        /* several processes: the records this one read */
    cli_out out_dir;      /* -o for whole-file documents: a directory (out_dir.tmp) */
    char *dir_path;       /* the directory to create */
    const char *dir_tmp;  /* out_dir.tmp while it is being filled, else NULL */
    cli_docfiles files;   /* several processes: the file of each record read */
    const char **inputs1; /* several processes: the inputs as given (r.inputs: parts) */
    size_t ninputs1;
    const char **parts;   /* several processes: the inputs as parts, and their ranges */
    size_t nparts;
    rd_range *ranges;
    uint8_t *keep;        /* sharded -o: per record read here, 1 when it is kept */
    int sharded;          /* -o written as one shard a process plus a manifest */
    /* boilerplate of record i: b_spans[b_off[i] .. b_off[i+1]), i < b_n */
    uint64_t *b_off;
    nd_span *b_spans;
    size_t b_n;
    cli_dates dates;      /* the dates of pass 1 (--date-field) */
    cli_tdiff *pdiff;     /* per pair of nd_dedup_pairs: set for templates */
    cli_tdiff *mdiff;     /* per document: against its representative, for templates */
} run;

/* Sets a parameter from a value known to be valid (an enum choice). */
static void set_known(nd_params *p, nd_param id, double v)
{
    if (nd_params_set(p, id, v) != ND_OK)
        cli_log(1, "internal: cannot set %s", nd_params_name(id));
}

static void usage(FILE *fp)
{
    double def;
    fprintf(fp, "usage: neardup dedup [options] INPUT...\n"
                "\n"
                "Finds exact duplicates, near-duplicates and contained documents in INPUTs\n"
                "(files, directories, JSON Lines, gzip/zstd, '-' for stdin) and writes\n"
                "clusters, pairs, the removed ids and the deduplicated corpus.\n"
                "With no output option, the clusters are listed on stdout for a person.\n"
                "\n"
                "Input:\n"
                "  --format FMT        auto|jsonl|text|lines|warc [auto]: jsonl = one JSON\n"
                "                      object a line; text = a whole file is one document;\n"
                "                      lines = one document a line; warc = WARC/WET records\n"
                "                      (auto-detected by content; docs/input-formats.md)\n"
                "  --lines             same as --format lines\n"
                "  --id-field NAME     JSON field holding the id [id]\n"
                "  --text-field NAME   JSON field holding the text [text]\n"
                "  --on-error POLICY   skip|stop on a bad record [skip]\n"
                "  --max-record SIZE   largest record (K/M/G suffixes) [1G]\n"
                "Matching:\n");
    def = cli_param_default(ND_P_THRESHOLD);
    fprintf(fp, "  -t, --threshold X   resemblance (Jaccard of shingle sets) [%g]\n", def);
    def = cli_param_default(ND_P_CONTAINMENT);
    fprintf(fp, "  -c, --containment X containment for contains/contained-in, 0 = off [%g]\n",
            def);
    fprintf(fp, "  --templates WHAT    drop|keep|off: a template (the same text once numbers,\n"
                "                      dates and names are masked, differing in them, or\n"
                "                      the same text dated more than --same-report-window\n"
                "                      apart: another report on one form) is removed as a\n"
                "                      copy (drop), kept and listed in --pairs (keep: news,\n"
                "                      archives), or not told apart (off) [drop]\n");
    def = cli_param_default(ND_P_REPORT_WINDOW);
    fprintf(fp, "  --same-report-window DAYS  copies dated further apart are templates [%g]\n",
            def);
    fprintf(fp, "  --date-field NAME   JSON field holding the date (forms as for reuse) [date]\n");
    fprintf(fp, "  --no-containment-sample  find containment only among LSH's candidates\n"
                "                      (near-duplicates), as the index does; by default an\n"
                "                      eighth of each shingle set also proposes every pair\n"
                "                      where one may be contained in the other\n");
    def = cli_param_default(ND_P_NGRAM);
    fprintf(fp, "  -n, --ngram N       words per shingle [%g]\n", def);
    def = cli_param_default(ND_P_NUM_PERM);
    fprintf(fp, "  --num-perm K        MinHash values per document (multiple of 8) [%g]\n",
            def);
    fprintf(fp, "  --bands B, --rows R LSH layout [chosen from the threshold; see -v]\n");
    def = cli_param_default(ND_P_FN_WEIGHT);
    fprintf(fp, "  --fn-weight W       weight of missed pairs when choosing B x R [%g]\n", def);
    fprintf(fp, "  --exact             exact copies only (the same text once normalised:\n"
                "                      case, Unicode forms, spacing and punctuation): no\n"
                "                      shingles, MinHash or templates; several times faster\n"
                "  --fast              verify with signature estimates instead of exact\n"
                "                      Jaccard (less memory, approximate figures)\n"
                "  --scheme S          MinHash scheme: kperm|oph [kperm]\n");
    def = cli_param_default(ND_P_SEED);
    fprintf(fp, "  --seed N            seed of the MinHash permutations [%g]\n", def);
    fprintf(fp, "  --method M          candidates from minhash (LSH bands) or simhash (64-bit\n"
                "                      fingerprints, permuted tables) [%s]\n",
            cli_param_default(ND_P_METHOD) == ND_METHOD_SIMHASH ? "simhash" : "minhash");
    def = cli_param_default(ND_P_SIMHASH_K);
    fprintf(fp, "  --simhash-k K       simhash: fingerprints at most K bits apart (0-8) are\n"
                "                      candidates; with --fast, figures estimated from them [%g]\n",
            def);
    fprintf(fp,
            "  --preset NAME       default|web|strict|loose|fast, applied before other options\n"
            "  --ignore-boilerplate  find boilerplate first (as neardup boilerplate does)\n"
            "                      and match documents without it\n"
            "  --boiler-docs N, --boiler-anywhere N, --boiler-source-docs N,\n"
            "  --source-field NAME  boilerplate thresholds and the source field, as for\n"
            "                      neardup boilerplate\n"
            "  --keep POLICY       first|longest|earliest|field:NAME: which member of a\n"
            "                      cluster is kept [first]; earliest = smallest 'date' field,\n"
            "                      field:NAME = largest NAME (numbers numerically)\n"
            "Output (files are written whole or not at all; '-' = stdout; a name\n"
            "ending in .gz or .zst is written gzip- or zstd-compressed):\n"
            "  --clusters FILE     clusters, JSON Lines (docs/output-format.md)\n"
            "  --pairs FILE        every verified pair with its relation, JSON Lines\n"
            "  -o, --output PATH   the deduplicated corpus in the input's form: JSON Lines\n"
            "                      or lines to a file, whole-file documents to a new (or\n"
            "                      empty) directory\n"
            "  --removed FILE      removed documents, JSON Lines {id, kept, relation}\n"
            "  --strip-boilerplate -o writes the kept documents without their boilerplate\n"
            "                      (JSON Lines, lines, text files; WARC records unchanged)\n"
            "Resources:\n"
            "  -T, --threads N     threads, 0 = one per core [0]; the output is the same\n"
            "                      for any N\n"
            "  --memory SIZE       memory budget (K/M/G), 0 = unbounded [0]; past it,\n"
            "                      band keys and shingle sets spill to --tmp; same output\n"
            "  --tmp DIR           directory for spill files [$TMPDIR or /tmp]\n"
            "  --part-size SIZE    neardup-mpi: cut plain JSON Lines and lines files and\n"
            "                      WARC files (plain or gzip) into parts of SIZE, shared\n"
            "                      out to the processes [up to 4 a process, 1M to 1G\n"
            "                      each]; same output\n"
            "  --merge             neardup-mpi: -o written whole by process 0, not as one\n"
            "                      shard a process and a manifest (docs/distributed.md)\n"
            "Messages:\n"
            "  -q, --quiet         only errors on stderr (-qq: nothing)\n"
            "  -v, --verbose       LSH layout, expected error rates, timing\n"
            "  --progress, --no-progress   progress line on stderr [when a terminal]\n"
            "  -h, --help          this help\n"
            "\n"
            "Exit status: 0 ok, 1 usage, 2 input/output error, 4 out of memory or limit.\n");
}

#define usage_error(...) cli_usage_error("dedup", __VA_ARGS__)

/* ---- pass 1 ------------------------------------------------------------ */

/* Opens the id spill file in dir. */
static int id_spill_open(run *r, const char *dir)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/neardup-ids-XXXXXX", dir) >= sizeof path) {
        cli_log(1, "--tmp: directory name too long");
        return EXIT_USAGE;
    }
    r->ist = calloc(1, sizeof *r->ist);
    if (!r->ist) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    r->ist->fd = mkstemp(path);
    if (r->ist->fd < 0) {
        cli_log(1, "cannot create a temporary file in %s: %s", dir, strerror(errno));
        free(r->ist);
        r->ist = NULL;
        return EXIT_INPUT;
    }
    unlink(path);
    return 0;
}

static void id_spill_close(run *r)
{
    if (!r->ist)
        return;
    close(r->ist->fd);
    free(r->ist->buf[0]);
    free(r->ist->buf[1]);
    free(r->ist);
    r->ist = NULL;
}

/* Takes one sketched record, in input order. */
static int add_record(void *ctx, const pool_item *it)
{
    run *r = ctx;
    const rd_record *rec = it->rec;
    if (cli_grow((void **)&r->recs, &r->recs_cap, r->nrecs + 1, sizeof *r->recs) ||
        cli_grow((void **)&r->ids, &r->ids_cap, r->ids_len + rec->id_len + 1, 1)) {
        cli_log(1, "out of memory after %zu records", r->nrecs);
        return EXIT_INTERNAL;
    }
    if (rec->id_len >= UINT32_MAX) {
        cli_log(1, "%s: an id of %zu bytes is over the limit", rec->path, rec->id_len);
        return EXIT_INTERNAL;
    }
    rec_info *ri = &r->recs[r->nrecs];
    ri->id_off = (r->ist ? r->ist->file_len : 0) + r->ids_len;
    ri->id_len = (uint32_t)rec->id_len;
    ri->doc = NO_DOC;
    memcpy(r->ids + r->ids_len, rec->id, rec->id_len);
    r->ids[r->ids_len + rec->id_len] = '\0';
    r->ids_len += rec->id_len + 1;
    if (r->ist && r->ids_len >= (r->o.in.memory / 64 < ID_SPILL_CHUNK ? r->o.in.memory / 64
                                                                    : ID_SPILL_CHUNK)) {
        if (cli_pwrite_all(r->ist->fd, r->ids, r->ids_len, r->ist->file_len)) {
            cli_log(1, "writing a temporary file: %s", strerror(errno));
            return EXIT_INPUT;
        }
        r->ist->file_len += r->ids_len;
        r->ids_len = 0;
    }
    r->kinds |= 1 << rec->kind;
    r->bytes_read += rec->raw_len;
    cli_progress("reading", r->nrecs + 1, r->bytes_read);

    nd_doc doc;
    memset(&doc, 0, sizeof doc);
    doc.length = rec->text_len;
    if (rec->key) {
        doc.key = rec->key;
        doc.key_len = rec->key_len;
        doc.key_num = rec->key_num;
        doc.key_is_num = rec->key_is_num;
    }
    if (rec->key && nd_params_get(r->params, ND_P_KEEP) == ND_KEEP_KEY_MIN) {
        /* --keep earliest: dates compare as instants (time zones applied); an
         * empty or unparseable date is no date: undated records come last */
        double days;
        if (cli_parse_date(rec->key, rec->key_len, &days) == 0) {
            doc.key_num = days;
            doc.key_is_num = 1;
        } else {
            doc.key = NULL;
            doc.key_len = 0;
            doc.key_is_num = 0;
        }
    }
    doc.date = cli_record_date(&r->dates, rec);
    doc.has_date = !isnan(doc.date);
    nd_status st = it->st;
    const char *detail = it->detail;
    char buf[512];
    if (st == ND_OK) {
        st = nd_dedup_add_sketch(r->dd, it->sk, &doc);
        detail = cli_detail(nd_dedup_errdetail(r->dd), st);
    } else {
        snprintf(buf, sizeof buf, "document %zu: %s", r->ndocs, cli_detail(it->detail, st));
        detail = buf;
    }
    if (st == ND_E_LIMIT && it->st == ND_E_LIMIT) {
        /* Too large to analyse: reported, counted, kept in the output. */
        r->too_large++;
        if (rec->line)
            cli_log(1, "%s:%llu: %s: not analysed, kept", rec->path,
                    (unsigned long long)rec->line, detail);
        else if (rec->record)
            cli_log(1, "%s: record %llu (offset %llu): %s: not analysed, kept", rec->path,
                    (unsigned long long)rec->record, (unsigned long long)rec->offset, detail);
        else
            cli_log(1, "%s: %s: not analysed, kept", rec->path, detail);
        if (!r->o.in.rd.on_error_skip)
            return EXIT_INTERNAL;
        if (cli_dist_size() > 1 && cli_docfiles_add(&r->files, rec->file_no, 0)) {
            cli_log(1, "out of memory after %zu records", r->nrecs);
            return EXIT_INTERNAL;
        }
        r->nrecs++;
        return 0;
    }
    if (st != ND_OK) {
        cli_log(1, "%s: %s", rec->path, detail);
        return cli_exit_status(st);
    }
    if (cli_grow((void **)&r->doc_rec, &r->doc_cap, r->ndocs + 1, sizeof *r->doc_rec)) {
        cli_log(1, "out of memory after %zu records", r->nrecs);
        return EXIT_INTERNAL;
    }
    if (cli_dist_size() > 1 && cli_docfiles_add(&r->files, rec->file_no, 1)) {
        cli_log(1, "out of memory after %zu records", r->nrecs);
        return EXIT_INTERNAL;
    }
    ri->doc = (uint32_t)r->ndocs;
    r->doc_rec[r->ndocs++] = (uint32_t)r->nrecs;
    r->nrecs++;
    return 0;
}

/* Reads every input once. Returns an exit code (0 = go on). */
static int pass1(run *r)
{
    /* Workers get the LSH layout the deduplicator chose, not a search of
     * their own (it costs some 20 ms a worker). */
    nd_dedup_stats ds;
    nd_dedup_get_stats(r->dd, &ds);
    const int minhash = nd_params_get(r->params, ND_P_METHOD) == ND_METHOD_MINHASH;
    if (minhash && (nd_params_set(r->params, ND_P_BANDS, ds.bands) != ND_OK ||
                    nd_params_set(r->params, ND_P_ROWS, ds.rows) != ND_OK)) {
        cli_log(1, "internal: cannot set the LSH layout");
        return EXIT_INTERNAL;
    }
    const cli_cut cut = {r->b_off, r->b_spans, r->b_n};
    if (cli_dist_size() > 1) {  /* this process's share of the files */
        r->o.in.rd.want_file = cli_dist_want_file;
        r->o.in.rd.quiet_dirs = cli_dist_rank() != 0;  /* directories: process 0 says */
    }
    return cli_read_inputs(r->inputs, r->ninputs, &r->o.in, r->params,
                           r->o.ignore_boiler ? &cut : NULL, add_record, r, &r->rs,
                           &r->threads_used);
}

/* ---- several processes --------------------------------------------------- */

/* What a distributed run cannot do yet; refused before any reading. */
static int dist_refuse(const run *r)
{
    const char *what = r->o.ignore_boiler ? "--ignore-boilerplate"
                     : r->o.strip_boiler ? "--strip-boilerplate"
                     : cli_dist_unshareable(r->inputs, r->ninputs);
    if (!what)
        return 0;
    if (cli_dist_rank() == 0)
        cli_log(1, "%s is not available on several processes yet (docs/distributed.md); "
                   "run with one process for it", what);
    return EXIT_USAGE;
}

/* Before any reading: can the outputs be written where they go? A job of
 * hours should not learn at its end that a directory is missing. Process 0
 * checks its outputs; every process the directory of its -o shard. */
static int dist_check_outputs(const run *r)
{
    const char *paths[] = {r->o.clusters, r->o.pairs, r->o.removed, r->o.output};
    int rc = 0;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const char *p = paths[i];
        if (!p || strcmp(p, "-") == 0 || (i < 3 && cli_dist_rank() != 0))
            continue;
        const char *slash = strrchr(p, '/');
        char dir[4096];
        if (!slash)
            snprintf(dir, sizeof dir, ".");
        else
            snprintf(dir, sizeof dir, "%.*s", (int)(slash == p ? 1 : slash - p), p);
        if (access(dir, W_OK | X_OK) != 0) {
            cli_log(1, "%s: cannot write there (%s: %s); checked before reading anything", p,
                    dir, strerror(errno));
            rc = EXIT_INPUT;
        }
    }
    return rc;
}

/* After a distributed run: process 0 receives every record's id and document
 * number, in the collection's order, and every process's reader counters, so
 * that what it writes is what one process would have written. grec/gdoc: the
 * global numbers of this process's records and documents. *together: the
 * failure returned is every process's (no input could be read). */
static int dist_gather(run *r, const uint64_t *grec, const uint32_t *gdoc, uint64_t total_recs,
                       uint64_t total_docs, int *together)
{
    cli_dist_stage("gather ids");
    size_t len = 0;
    for (size_t i = 0; i < r->nrecs; i++)
        len += 16 + r->recs[i].id_len;
    char *buf = malloc(len ? len : 1), *p = buf;
    if (!buf) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < r->nrecs; i++) {
        const rec_info *ri = &r->recs[i];
        const uint32_t h[2] = {ri->doc == NO_DOC ? NO_DOC : gdoc[ri->doc], ri->id_len};
        memcpy(p, &grec[i], 8);
        memcpy(p + 8, h, 8);
        memcpy(p + 16, r->ids + ri->id_off, ri->id_len);
        p += 16 + ri->id_len;
    }
    char *all = NULL;
    uint64_t *lens = calloc(cli_dist_size(), sizeof *lens);
    uint64_t sums[13 + 4 + 2];
    cli_dist_reader_pack(&r->rs, sums);
    sums[10] = r->too_large;
    sums[11] = r->bytes_read;
    sums[12] = r->nrecs;
    for (int k = 0; k < 4; k++)  /* the kinds of records seen, any process */
        sums[13 + k] = (r->kinds >> k) & 1;
    sums[17] = r->dates.seen;
    sums[18] = r->dates.bad;
    if (!lens || cli_dist_gather(buf, len, &all, lens) || cli_dist_sum(sums, 19) ||
        cli_dist_first_string(r->dates.first, sizeof r->dates.first)) {
        free(buf);
        free(lens);
        cli_log(1, "gathering the ids failed");
        return EXIT_INTERNAL;
    }
    free(buf);
    const int rrc = cli_dist_reader_end(&r->rs, sums);
    if (rrc) {
        *together = rrc == EXIT_INPUT;
        free(all);
        free(lens);
        return rrc;
    }
    uint64_t mem = r->index_memory;
    if (cli_dist_max(&mem, 1) == 0)
        r->index_memory = (size_t)mem;
    for (int k = 0; k < 4; k++)  /* every process learns the kinds (-o shards or not) */
        if (sums[13 + k])
            r->kinds |= 1 << k;
    if (cli_dist_rank() != 0) {
        free(lens);
        return 0;
    }
    cli_dist_reader_unpack(&r->rs, sums);
    r->too_large = sums[10];
    r->bytes_read = sums[11];
    r->dates.seen = sums[17];
    r->dates.bad = sums[18];
    /* the ids, indexed by global record number */
    uint64_t m = 0;
    for (unsigned k = 0; k < cli_dist_size(); k++)
        m += lens[k];
    free(lens);
    rec_info *recs = malloc((total_recs ? total_recs : 1) * sizeof *recs);
    uint32_t *doc_rec = malloc((total_docs ? total_docs : 1) * sizeof *doc_rec);
    char *ids = malloc(m ? m : 1);
    if (!recs || !doc_rec || !ids) {
        free(recs);
        free(doc_rec);
        free(ids);
        free(all);
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    size_t at = 0;
    for (const char *q = all; q < all + m;) {
        uint64_t g;
        uint32_t h[2];
        memcpy(&g, q, 8);
        memcpy(h, q + 8, 8);
        recs[g].id_off = at;
        recs[g].id_len = h[1];
        recs[g].doc = h[0];
        if (h[0] != NO_DOC)
            doc_rec[h[0]] = (uint32_t)g;
        memcpy(ids + at, q + 16, h[1]);
        ids[at + h[1]] = '\0';
        at += (size_t)h[1] + 1;
        q += 16 + h[1];
    }
    free(all);
    free(r->recs);
    free(r->doc_rec);
    free(r->ids);
    r->recs = recs;
    r->doc_rec = doc_rec;
    r->ids = ids;
    r->nrecs = (size_t)total_recs;
    r->ndocs = (size_t)total_docs;
    return 0;
}

/* Sharded -o: process 0 sends every process the removed documents (a bit a
 * document of the collection); each marks the records it read that it keeps. */
static int dist_keep(run *r, const uint32_t *gdoc, uint64_t total_docs)
{
    cli_dist_stage("removed");
    const size_t nb = (size_t)((total_docs + 7) / 8);
    uint8_t *bits = calloc(nb ? nb : 1, 1);
    char *got = NULL;
    size_t ngot = 0;
    r->keep = malloc(r->nrecs ? r->nrecs : 1);
    int rc = EXIT_INTERNAL;
    if (!bits || !r->keep)
        goto done;
    if (cli_dist_rank() == 0)
        for (uint64_t g = 0; g < total_docs; g++) {
            nd_member m;
            if (nd_dedup_member(r->dd, (size_t)g, &m) == ND_OK && m.rep != m.doc)
                bits[g / 8] |= (uint8_t)(1u << (g % 8));
        }
    if (cli_dist_bcast(bits, nb, &got, &ngot) || ngot != nb)
        goto done;
    for (size_t i = 0; i < r->nrecs; i++) {
        const uint32_t d = r->recs[i].doc;
        r->keep[i] = d == NO_DOC || !((uint8_t)got[gdoc[d] / 8] >> (gdoc[d] % 8) & 1);
    }
    rc = 0;
done:
    if (rc)
        cli_log(1, "sending the removed documents to every process failed");
    free(bits);
    free(got);
    return rc;
}

/* nd_dedup_run over every process's documents; then process 0 holds it all.
 * Returns an exit code; a failure stops every process. */
static int dist_run(run *r, int want_pairs)
{
    uint64_t total_recs = 0, total_docs = 0;
    uint64_t *grec = malloc((r->nrecs ? r->nrecs : 1) * sizeof *grec);
    uint32_t *gdoc = malloc((r->ndocs ? r->ndocs : 1) * sizeof *gdoc);
    cli_dist_stage("ids");
    if (!grec || !gdoc || cli_dist_number(&r->files, &total_recs, &total_docs)) {
        cli_log(1, "numbering the documents across processes failed");
        free(grec);
        free(gdoc);
        cli_dist_abort(EXIT_INTERNAL);
        return EXIT_INTERNAL;
    }
    /* records come in the order of the runs, nrec of each */
    size_t i = 0, d = 0;
    for (size_t k = 0; k < r->files.n; k++)
        for (uint64_t j = 0, jd = 0; j < r->files.nrec[k]; j++, i++) {
            grec[i] = r->files.rec0[k] + j;
            if (r->recs[i].doc != NO_DOC)
                gdoc[d++] = (uint32_t)(r->files.doc0[k] + jd++);
        }
    if (i != r->nrecs || d != r->ndocs) {
        cli_log(1, "internal: %zu records and %zu documents numbered, %zu and %zu read", i, d,
                r->nrecs, r->ndocs);
        free(grec);
        free(gdoc);
        cli_dist_abort(EXIT_INTERNAL);
        return EXIT_INTERNAL;
    }
    cli_dist_stage("dedup");
    const nd_status st = nd_dedup_run_dist(r->dd, cli_dist_comm(), gdoc, want_pairs);
    if (st != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_dedup_errdetail(r->dd), st));
        free(grec);
        free(gdoc);
        cli_dist_abort(cli_exit_status(st));
        return cli_exit_status(st);
    }
    r->nlocal = r->nrecs;
    int rc = r->sharded ? dist_keep(r, gdoc, total_docs) : 0, together = 0;
    if (rc == 0)
        rc = dist_gather(r, grec, gdoc, total_recs, total_docs, &together);
    free(grec);
    free(gdoc);
    if (rc && !together)
        cli_dist_abort(rc);
    return rc;
}


/* ---- outputs ------------------------------------------------------------ */

static const char *id_of_doc(const run *r, uint32_t doc)
{
    const rec_info *ri = &r->recs[r->doc_rec[doc]];
    id_spill *is = r->ist;
    if (!is || ri->id_off >= is->file_len)
        return r->ids + (ri->id_off - (is ? is->file_len : 0));
    const int k = is->next;
    is->next ^= 1;
    if (is->cap[k] < (size_t)ri->id_len + 1) {
        char *q = realloc(is->buf[k], (size_t)ri->id_len + 1);
        if (!q) {
            is->failed = 1;
            return "?";
        }
        is->buf[k] = q;
        is->cap[k] = (size_t)ri->id_len + 1;
    }
    size_t got = 0;
    while (got < ri->id_len) {
        const ssize_t n = pread(is->fd, is->buf[k] + got, ri->id_len - got,
                                (off_t)(ri->id_off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            is->failed = 1;
            return "?";
        }
        got += (size_t)n;
    }
    is->buf[k][ri->id_len] = '\0';
    return is->buf[k];
}

/* The writers' view of the deduplication (write/dedup_out.h). */
static const char *view_id(const void *ctx, uint32_t doc, size_t *len)
{
    const run *r = ctx;
    *len = r->recs[r->doc_rec[doc]].id_len;
    return id_of_doc(r, doc);
}

static cli_dd_view dd_view(const run *r)
{
    return (cli_dd_view){r->dd, r->ndocs, view_id, r, r->pdiff, r->mdiff};
}

/* ---- reading the inputs again ------------------------------------------- */

/* The same inputs once more (copies of those that cannot be read twice),
 * checked against the digests of pass 1; NULL (reported) when out of memory. */
static rd_reader *reread_open(const run *r, const char *key_field, const char *date_field)
{
    rd_reader *rd = rd_open(r->inputs, r->ninputs, &(rd_opts){
        .format = r->o.in.rd.format, .id_field = r->o.in.rd.id_field,
        .text_field = r->o.in.rd.text_field, .key_field = key_field,
        .date_field = date_field, .on_error_skip = 1, .max_record = r->o.in.rd.max_record,
        .spool = r->spool, .digests = r->dig});
    if (!rd)
        cli_log(1, "out of memory");
    return rd;
}

/* The next record of a rereading that pass 1 read well (the others were
 * reported then): 1, 0 at the end, or -(exit code), reported. */
static int reread_next(const run *r, rd_reader *rd, rd_record *rec)
{
    for (;;) {
        const int x = rd_next(rd, rec);
        if (x == RD_END)
            return 0;
        if (x == RD_ERR_NOMEM) {
            cli_log(1, "out of memory while reading");
            return -EXIT_INTERNAL;
        }
        if (x == RD_ERR_CHANGED) {
            cli_log(1, "%s; nothing written", rd_digests_why(r->dig));
            return -EXIT_INPUT;
        }
        if (x == RD_OK)
            return 1;
    }
}

/* ---- what differs between templates ------------------------------------ */

/* --ignore-boilerplate: the boilerplate of record i blanked in its text
 * t[0..len) (as the sketch cut it out, but in place: the byte ranges of what
 * differs stay those of the input), so that what differs is read where the
 * template was. */
static void blank_boilerplate(const run *r, size_t i, char *t, size_t len)
{
    if (!r->o.ignore_boiler || i >= r->b_n)
        return;
    size_t at = 0;
    for (uint64_t j = r->b_off[i]; j < r->b_off[i + 1]; j++) {
        const nd_span sp = r->b_spans[j];
        if (sp.start < at || sp.end > len || sp.start > sp.end)
            continue; /* not this text (as pool.c's cut) */
        memset(t + sp.start, ' ', sp.end - sp.start);
        at = sp.end;
    }
}

/* For every template pair and member: reads the inputs once more, keeping
 * the texts of the documents in such pairs only, and finds the first values
 * that differ (nd_worker_template_diff). Returns an exit code. */
static int template_diffs(run *r)
{
    int rc = 0;
    cli_dtext *tx = calloc(r->ndocs ? r->ndocs : 1, sizeof *tx);
    uint8_t *need = calloc(r->ndocs ? r->ndocs : 1, 1);
    rd_reader *rd = NULL;
    if (!tx || !need) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    const int pairs = r->o.pairs != NULL;
    if (cli_dd_template_needs(r->dd, r->ndocs, pairs, need) == 0)
        goto done;
    if (!(rd = reread_open(r, NULL, r->o.in.rd.date_field))) {
        rc = EXIT_INTERNAL;
        goto done;
    }
    size_t seq = 0;
    rd_record rec;
    int x;
    while ((x = reread_next(r, rd, &rec)) != 0) {
        if (x < 0) {
            rc = -x;
            goto done;
        }
        if (seq >= r->nrecs)
            break;
        const uint32_t doc = r->recs[seq++].doc;
        if (doc == NO_DOC || !need[doc])
            continue;
        tx[doc].text = malloc(rec.text_len ? rec.text_len : 1);
        if (!tx[doc].text) {
            cli_log(1, "out of memory");
            rc = EXIT_INTERNAL;
            goto done;
        }
        memcpy(tx[doc].text, rec.text, rec.text_len);
        tx[doc].len = rec.text_len;
        blank_boilerplate(r, seq - 1, tx[doc].text, rec.text_len);
        tx[doc].date = NAN;
        if (rec.date)
            (void)cli_parse_date(rec.date, rec.date_len, &tx[doc].date);
    }
    if (seq != r->nrecs) {
        cli_log(1, "the inputs changed between the two passes; nothing written");
        rc = EXIT_INPUT;
        goto done;
    }
    rc = cli_dd_template_diffs(r->dd, r->params, r->ndocs, pairs, tx, &r->pdiff, &r->mdiff);
done:
    rd_close(rd);
    for (size_t i = 0; tx && i < r->ndocs; i++)
        free(tx[i].text);
    free(tx);
    free(need);
    return rc;
}

/* ---- the deduplicated corpus (pass 2) ---------------------------------- */

/* Creates every missing directory on the way to file `path`. */
static int make_parents(char *path)
{
    for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        const int bad = mkdir(path, 0777) != 0 && errno != EEXIST;
        *s = '/';
        if (bad)
            return -1;
    }
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        const ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Is the file at `path` gzip or zstd? (The reader decides by the same magic.) */
static int is_compressed(const char *path)
{
    unsigned char m[4] = {0};
    const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return 0;
    const ssize_t n = read(fd, m, sizeof m);
    close(fd);
    return (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) ||
           (n == 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd);
}

/* Writes a new file (never replaces one: two documents that map to the same
 * output path are an error, not a silent loss): data[0..len), or when `src`
 * is not NULL a copy of the file src (a compressed input stays compressed). */
static int write_file(const char *path, const char *data, size_t len, const char *src)
{
    const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0)
        return -1;
    int bad = 0;
    if (!src) {
        bad = write_all(fd, data, len);
    } else {
        const int in = open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        bad = in < 0;
        static char buf[1 << 16];
        while (!bad) {
            const ssize_t n = read(in, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                bad = n < 0;
                break;
            }
            bad = write_all(fd, buf, (size_t)n);
        }
        if (in >= 0)
            close(in);
    }
    const int err = errno;
    if (close(fd) != 0 && !bad)
        return -1;
    errno = err;
    return bad ? -1 : 0;
}

/* The place of a whole-file document under the output directory: its path
 * relative to the argument it was found under, without "", "." and ".."
 * components, so that a file given as "../x" or "/abs/x" stays inside. */
static void safe_rel(const char *rel, char *out)
{
    char *o = out;
    while (*rel) {
        while (*rel == '/')
            rel++;
        const char *e = strchr(rel, '/');
        const size_t n = e ? (size_t)(e - rel) : strlen(rel);
        const int skip = n == 0 || (n == 1 && rel[0] == '.') ||
                         (n == 2 && rel[0] == '.' && rel[1] == '.');
        if (!skip) {
            if (o != out)
                *o++ = '/';
            memcpy(o, rel, n);
            o += n;
        }
        rel += n;
    }
    if (o == out)
        *o++ = '_';
    *o = '\0';
}

/* Is `path` an empty directory? */
static int empty_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    const struct dirent *e;
    int empty = 1;
    while (empty && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = 0;
    closedir(d);
    return empty;
}

/* Does the corpus consist of whole files (written to a directory)? */
static int corpus_is_files(const run *r)
{
    if (r->kinds)
        return (r->kinds & (1 << RD_KIND_FILE)) != 0;
    /* nothing was read: go by the format and the kind of the inputs */
    if (r->o.in.rd.format == RD_TEXT)
        return 1;
    for (size_t i = 0; i < r->ninputs; i++) {
        struct stat st;
        if (strcmp(r->inputs[i], "-") != 0 && stat(r->inputs[i], &st) == 0 &&
            S_ISDIR(st.st_mode))
            return 1;
    }
    return 0;
}

/* Opens the corpus output: a temporary file, or a temporary directory. */
static int corpus_open(run *r, const char *path, int files)
{
    const int warc = 1 << RD_KIND_WARC;
    if (!files && (r->kinds & warc) && (r->kinds & ~warc)) {
        /* a WARC file with JSON lines in it is neither */
        cli_log(1, "%s: inputs mix WARC records and JSON Lines or lines; cannot write one "
                   "corpus", path);
        return EXIT_USAGE;
    }
    if (!files)
        return cli_out_open(&r->out_corpus, path) ? cli_out_status() : 0;
    if (r->kinds & ~(1 << RD_KIND_FILE)) {
        cli_log(1, "%s: inputs mix whole files and records; cannot write one corpus", path);
        return EXIT_USAGE;
    }
    if (strcmp(path, "-") == 0) {
        cli_log(1, "-o -: whole-file documents are written to a directory, not to stdout");
        return EXIT_USAGE;
    }
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    r->dir_path = malloc(n + 1);
    if (!r->dir_path) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    memcpy(r->dir_path, path, n);
    r->dir_path[n] = '\0';
    struct stat st;
    if (stat(r->dir_path, &st) == 0 && !(S_ISDIR(st.st_mode) && empty_dir(r->dir_path))) {
        cli_log(1, "%s: exists; whole-file documents are written to a new directory "
                   "(or an empty one)", r->dir_path);
        return EXIT_INPUT;
    }
    if (cli_out_open_dir(&r->out_dir, r->dir_path))
        return EXIT_INPUT;
    r->dir_tmp = r->out_dir.tmp;  /* from now on removed on any error or signal */
    return 0;
}

/* Pass 2: copies every kept record into the output, in its own form. The
 * output stays a temporary until write_outputs() renames it. */
/* --strip-boilerplate: points rec's raw bytes at a copy without the
 * boilerplate of record i (a JSON line keeps every other member as written;
 * WARC records stay as they are). Returns 0 or an exit code. */
static int strip_record(run *r, size_t i, rd_record *rec, char **buf, size_t *cap)
{
    if (i >= r->b_n || r->b_off[i] == r->b_off[i + 1] || rec->kind == RD_KIND_WARC)
        return 0;
    const nd_span *sp = r->b_spans + r->b_off[i];
    const size_t ns = (size_t)(r->b_off[i + 1] - r->b_off[i]);
    char *cut = malloc(rec->text_len + 1);
    if (!cut) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    const size_t k = corpus_cut_spans(rec->text, rec->text_len, sp, ns, cut);
    size_t vs, ve;
    if (rec->kind != RD_KIND_JSONL) {
        if (cli_grow((void **)buf, cap, k + 1, 1)) {
            free(cut);
            return EXIT_INTERNAL;
        }
        memcpy(*buf, cut, k);
    } else if (js_member_span(rec->raw, rec->raw_len, r->o.in.rd.text_field, &vs, &ve)) {
        /* the line with the text member's value written anew */
        char *mem = NULL;
        size_t ml = 0;
        FILE *mf = open_memstream(&mem, &ml);
        if (!mf) {
            free(cut);
            return EXIT_INTERNAL;
        }
        fwrite(rec->raw, 1, vs, mf);
        cli_json_str(mf, cut, k);
        fwrite(rec->raw + ve, 1, rec->raw_len - ve, mf);
        if (fclose(mf) != 0 || cli_grow((void **)buf, cap, ml + 1, 1)) {
            free(mem);
            free(cut);
            return EXIT_INTERNAL;
        }
        memcpy(*buf, mem, ml);
        free(mem);
        free(cut);
        rec->raw = *buf;
        rec->raw_len = ml;
        return 0;
    } else { /* the text member's key is spelt with escapes: left as it is */
        static int warned;
        if (!warned++)
            cli_log(1, "%s:%llu: the \"%s\" member's name is written with escapes; this "
                       "record (and any other such) is written without stripping",
                    rec->path, (unsigned long long)rec->line, r->o.in.rd.text_field);
        free(cut);
        return 0;
    }
    free(cut);
    rec->raw = *buf;
    rec->raw_len = k;
    return 0;
}

static int write_corpus(run *r, const char *path)
{
    const int files = corpus_is_files(r);
    int rc = corpus_open(r, path, files);
    if (rc)
        return rc;
    rd_reader *rd = reread_open(r, r->o.in.rd.key_field, NULL);
    if (!rd)
        return EXIT_INTERNAL;
    size_t seq = 0;
    rd_record rec;
    int x;
    char *buf = NULL, *sbuf = NULL;
    size_t bufcap = 0, scap = 0;
    FILE *fp = r->out_corpus.fp;
    while ((x = reread_next(r, rd, &rec)) != 0) {
        if (x < 0) {
            rc = -x;
            break;
        }
        if (seq >= r->nrecs) {
            rc = -1;
            break;
        }
        const rec_info *ri = &r->recs[seq++];
        nd_member m;
        if (ri->doc != NO_DOC && nd_dedup_member(r->dd, ri->doc, &m) == ND_OK &&
            m.rep != m.doc)
            continue;
        if (r->o.strip_boiler && (rc = strip_record(r, seq - 1, &rec, &sbuf, &scap)) != 0)
            break;
        if (!files) {
            fwrite(rec.raw, 1, rec.raw_len, fp);
            if (rec.kind != RD_KIND_WARC)  /* a WARC record ends in its own CRLF CRLF */
                fputc('\n', fp);
            continue;
        }
        const size_t need = strlen(r->dir_tmp) + strlen(rec.rel) + 3;
        if (cli_grow((void **)&buf, &bufcap, need, 1)) {
            cli_log(1, "out of memory");
            rc = EXIT_INTERNAL;
            break;
        }
        const size_t dl = strlen(r->dir_tmp);
        memcpy(buf, r->dir_tmp, dl);
        buf[dl] = '/';
        safe_rel(rec.rel, buf + dl + 1);
        const char *src = strcmp(rec.path, "-") != 0 && is_compressed(rec.path) ? rec.path
                                                                                 : NULL;
        if (make_parents(buf) || write_file(buf, rec.raw, rec.raw_len, src)) {
            if (errno == EEXIST)
                cli_log(1, "%s: two kept documents map to the same output file %s/%s",
                        rec.path, r->dir_path, buf + dl + 1);
            else
                cli_log(1, "%s/%s: cannot write: %s", r->dir_path, buf + dl + 1,
                        strerror(errno));
            rc = EXIT_INPUT;
            break;
        }
    }
    free(buf);
    free(sbuf);
    rd_close(rd);
    if (rc == -1 || (rc == 0 && seq != r->nrecs)) {
        cli_log(1, "the inputs changed between the two passes; nothing written");
        rc = EXIT_INPUT;
    }
    return rc;
}

/* ---- -o on several processes: a shard each and a manifest -------------- */

/* DIR/STEM-RRRRR-of-PPPPP.EXT for PATH = DIR/STEM.EXT (EXT from the first dot
 * of the name: "kept.jsonl.gz" gives kept-00001-of-00004.jsonl.gz). */
static char *shard_name(const char *path, unsigned k, unsigned n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strchr(base, '.');
    const size_t stem = dot ? (size_t)(dot - path) : strlen(path);
    const char *ext = dot ? dot : "";
    char *s = malloc(stem + strlen(ext) + 32);
    if (s)
        sprintf(s, "%.*s-%05u-of-%05u%s", (int)stem, path, k, n, ext);
    return s;
}

/* This process's shard of the deduplicated corpus: the records it read that
 * are kept, in reading order, from a second reading of its share. */
static int write_shard(run *r, uint64_t *records, uint64_t *bytes)
{
    char *name = shard_name(r->o.output, cli_dist_rank(), cli_dist_size());
    if (!name) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    const int bad = cli_out_open(&r->out_corpus, name);
    free(name);
    if (bad)
        return cli_out_status();
    rd_reader *rd = rd_open(r->parts, r->nparts, &(rd_opts){
        .format = r->o.in.rd.format, .id_field = r->o.in.rd.id_field,
        .text_field = r->o.in.rd.text_field, .key_field = r->o.in.rd.key_field,
        .on_error_skip = 1, .max_record = r->o.in.rd.max_record,
        .want_file = cli_dist_want_file, .ranges = r->ranges});
    if (!rd) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    FILE *fp = r->out_corpus.fp;
    size_t seq = 0;
    int rc = 0, x;
    rd_record rec;
    while ((x = rd_next(rd, &rec)) != RD_END) {
        if (x == RD_ERR_NOMEM) {
            cli_log(1, "out of memory while reading");
            rc = EXIT_INTERNAL;
            break;
        }
        if (x != RD_OK)
            continue;  /* reported in pass 1 */
        if (seq >= r->nlocal) {
            rc = -1;
            break;
        }
        if (!r->keep[seq++])
            continue;
        fwrite(rec.raw, 1, rec.raw_len, fp);
        *bytes += rec.raw_len;
        if (rec.kind != RD_KIND_WARC) {
            fputc('\n', fp);
            ++*bytes;
        }
        ++*records;
    }
    rd_close(rd);
    if (rc == -1 || (rc == 0 && seq != r->nlocal)) {
        cli_log(1, "the inputs changed between the two readings; nothing written");
        rc = EXIT_INPUT;
    }
    return rc;
}

/* Every process writes its shard; process 0 the manifest, one JSON line a
 * shard in order: concatenated, the shards are the corpus one process
 * writes. Shards are renamed into place first, the manifest last, so that a
 * manifest is there only when every shard is. */
static int write_shards(run *r)
{
    cli_dist_stage("write");
    uint64_t info[2] = {0, 0};
    int rc = write_shard(r, &info[0], &info[1]);
    char *all = NULL;
    const unsigned P = cli_dist_size();
    uint64_t *lens = calloc(P, sizeof *lens);
    if (!lens || cli_dist_gather(info, sizeof info, &all, lens)) {
        free(lens);
        cli_log(1, "gathering the shards' sizes failed");
        cli_dist_abort(EXIT_INTERNAL);
        return EXIT_INTERNAL;
    }
    if (cli_dist_rank() == 0 && rc == 0) {
        char *mpath = malloc(strlen(r->o.output) + 16);
        if (!mpath)
            rc = EXIT_INTERNAL;
        else
            sprintf(mpath, "%s.manifest", r->o.output);
        if (rc == 0 && cli_out_open(&r->out_manifest, mpath))
            rc = cli_out_status();
        free(mpath);
        for (unsigned k = 0; rc == 0 && k < P; k++) {
            uint64_t v[2];
            memcpy(v, all + 16 * k, 16);
            char *name = shard_name(r->o.output, k, P);
            if (!name) {
                rc = EXIT_INTERNAL;
                break;
            }
            const char *base = strrchr(name, '/');
            base = base ? base + 1 : name;
            fputs("{\"shard\":", r->out_manifest.fp);
            cli_json_str(r->out_manifest.fp, base, strlen(base));
            fprintf(r->out_manifest.fp, ",\"process\":%u,\"records\":%llu,\"bytes\":%llu}\n", k,
                    ULL(v[0]), ULL(v[1]));
            free(name);
        }
    }
    free(all);
    free(lens);
    if ((rc = cli_dist_agree(rc)) != 0)
        return rc;
    /* the shards of processes 1.. first; process 0 renames its own, the
     * manifest and the other outputs together, last */
    if (cli_dist_rank() != 0)
        rc = cli_out_commit_all() ? EXIT_INPUT : 0;
    return cli_dist_agree(rc);
}

/* ---- writing and committing every output ------------------------------- */

/* Writes every requested output to its temporary (the corpus first: pass 2
 * must not meet the other temporaries in an input directory), then renames
 * them all into place. Returns an exit code; on error the caller aborts. */
static int write_outputs(run *r)
{
    int rc;
    if (r->o.output && !r->sharded && (rc = write_corpus(r, r->o.output)) != 0)
        return rc;
    if (nd_params_get(r->params, ND_P_TEMPLATES) != ND_TEMPLATES_OFF &&
        (r->o.clusters || r->o.pairs || (!r->o.removed && !r->o.output)) &&
        (rc = template_diffs(r)) != 0)
        return rc;
    const cli_dd_view v = dd_view(r);
    struct {
        const char *path;
        cli_out *out;
        int (*write)(const cli_dd_view *, FILE *);
    } outs[] = {
        {r->o.clusters, &r->out_clusters, cli_dd_write_clusters},
        {r->o.pairs, &r->out_pairs, cli_dd_write_pairs},
        {r->o.removed, &r->out_removed, cli_dd_write_removed},
    };
    for (size_t k = 0; k < sizeof outs / sizeof outs[0]; k++) {
        if (!outs[k].path)
            continue;
        if (cli_out_open(outs[k].out, outs[k].path))
            return cli_out_status();
        if ((rc = outs[k].write(&v, outs[k].out->fp)) != 0)
            return rc;
    }
    if (r->ist && r->ist->failed) {
        cli_log(1, "reading ids back from the temporary file failed");
        return EXIT_INPUT;
    }
    /* every output, the directory too, replaced in one step (write/output.h) */
    r->dir_tmp = NULL;
    return cli_out_commit_all() ? EXIT_INPUT : 0;
}

/* ---- summary ------------------------------------------------------------ */



static void summary(const run *r)
{
    nd_dedup_stats s;
    nd_dedup_get_stats(r->dd, &s);
    char b1[32], b2[32];
    cli_human_bytes(b1, sizeof b1, (double)s.bytes);
    cli_human_bytes(b2, sizeof b2, (double)s.bytes_removed);
    cli_log(2, "%llu %s (%s) read; %llu %s (%llu exact, %llu near-duplicate or containment) "
               "holding %llu %s; %llu removed (%s, %.1f%%)",
            ULL(s.docs), cli_plural(s.docs, "document", "documents"), b1, ULL(s.clusters),
            cli_plural(s.clusters, "cluster", "clusters"), ULL(s.exact_clusters),
            ULL(s.near_clusters), ULL(s.docs_in_clusters),
            cli_plural(s.docs_in_clusters, "document", "documents"), ULL(s.removed), b2,
            s.bytes ? 100.0 * (double)s.bytes_removed / (double)s.bytes : 0.0);
    if (s.contained)
        cli_log(2, "%llu of the removed documents %s contained in the one kept",
                ULL(s.contained), cli_plural(s.contained, "is", "are"));
    if (s.templates)
        cli_log(2, "%llu of the removed documents %s another report on the kept one's "
                   "template (--templates keep keeps them)",
                ULL(s.templates), cli_plural(s.templates, "is", "are"));
    cli_dates_warn(&r->dates, s.docs, r->o.in.rd.date_field);
    if (s.empty_docs)
        cli_log(2, "warning: %llu %s no words; never matched, always kept", ULL(s.empty_docs),
                cli_plural(s.empty_docs, "document has", "documents have"));
    if (s.invalid_bytes)
        cli_log(2, "warning: %llu %s of invalid UTF-8 %s replaced for matching "
                   "(outputs keep the original bytes)",
                ULL(s.invalid_bytes), cli_plural(s.invalid_bytes, "byte", "bytes"),
                cli_plural(s.invalid_bytes, "was", "were"));
    if (r->rs.skipped)
        cli_log(2, "warning: %llu bad %s skipped (reported above)", ULL(r->rs.skipped),
                cli_plural(r->rs.skipped, "record or file was", "records or files were"));
    if (r->rs.ignored)  /* WARC: warcinfo, request, non-text responses, ... */
        cli_log(2, "%llu WARC %s ignored (%s)", ULL(r->rs.ignored),
                cli_plural(r->rs.ignored, "record", "records"),
                cli_plural(r->rs.ignored, "not a text document", "not text documents"));
    const uint64_t unread = r->rs.failed_inputs - r->rs.damaged;
    if (unread)
        cli_log(2, "warning: %llu %s could not be read (reported above)", ULL(unread),
                cli_plural(unread, "input", "inputs"));
    cli_reader_summary(&r->rs);
    if (r->too_large)
        cli_log(2, "warning: %llu %s over the size limit %s kept without analysis",
                ULL(r->too_large), cli_plural(r->too_large, "document", "documents"),
                cli_plural(r->too_large, "was", "were"));
    cli_log(3, "%llu candidate %s, %llu verified", ULL(s.candidates),
            cli_plural(s.candidates, "pair", "pairs"), ULL(s.verified));
    if (s.cont_candidates)
        cli_log(3, "containment sample: %llu candidate %s", ULL(s.cont_candidates),
                cli_plural(s.cont_candidates, "pair", "pairs"));
    if (s.cont_inexact)
        cli_log(3, "containment sample: %llu %s whole need taken up by shingles common "
                   "to over 64 documents", ULL(s.cont_inexact),
                cli_plural(s.cont_inexact, "document has its", "documents have their"));
    char mem[32], spilled[32];
    cli_human_bytes(mem, sizeof mem, (double)r->index_memory);
    if (cli_dist_size() > 1)  /* index_memory: the largest process's */
        cli_log(3, "%u %s a process; index memory %s in the largest process",
                r->threads_used, cli_plural(r->threads_used, "thread", "threads"), mem);
    else
        cli_log(3, "%u %s; index memory %s (%.0f bytes a document)", r->threads_used,
                cli_plural(r->threads_used, "thread", "threads"), mem,
                s.docs ? (double)r->index_memory / (double)s.docs : 0.0);
    if (s.spill_events) {
        cli_human_bytes(spilled, sizeof spilled, (double)s.spilled_bytes);
        cli_log(3, "memory budget: spilled %s to temporary files in %llu %s", spilled,
                ULL(s.spill_events), cli_plural(s.spill_events, "round", "rounds"));
    }
}

static void verbose_layout(const run *r)
{
    if (cli_dist_rank() != 0)  /* the same on every process */
        return;
    nd_dedup_stats s;
    nd_dedup_get_stats(r->dd, &s);
    const double t = nd_params_get(r->params, ND_P_THRESHOLD);
    if (nd_params_get(r->params, ND_P_EXACT_ONLY) != 0) {
        cli_log(3, "%s", "exact copies only: the normalised text's hash, no shingles or LSH");
        return;
    }
    if (nd_params_get(r->params, ND_P_METHOD) == ND_METHOD_SIMHASH) {
        const double k = nd_params_get(r->params, ND_P_SIMHASH_K);
        cli_log(3, "SimHash: 64-bit fingerprints, %u permuted %s; candidates at most %g %s "
                   "apart; threshold %g",
                s.bands, cli_plural(s.bands, "table", "tables"), k,
                cli_plural((uint64_t)k, "bit", "bits"), t);
        return;
    }
    cli_log(3, "LSH: %u bands x %u rows of %g MinHash values; threshold %g: "
               "false-positive area %.4f, false-negative area %.4f",
            s.bands, s.rows, nd_params_get(r->params, ND_P_NUM_PERM), t, s.fp_area,
            s.fn_area);
    /* the curve at four similarities around the threshold, within [0, 1] */
    double at[4] = {t - 0.1, t, t + 0.05, t + 0.1};
    for (int i = 0; i < 4; i++)
        at[i] = at[i] < 0 ? 0 : at[i] > 1 ? 1 : at[i];
    cli_log(3, "LSH: P(candidate) = %.3f at %.2f, %.3f at %.2f, %.3f at %.2f, %.3f at %.2f",
            nd_lsh_probability(at[0], s.bands, s.rows), at[0],
            nd_lsh_probability(at[1], s.bands, s.rows), at[1],
            nd_lsh_probability(at[2], s.bands, s.rows), at[2],
            nd_lsh_probability(at[3], s.bands, s.rows), at[3]);
}

/* ---- options ------------------------------------------------------------ */

enum {
    O_NUMPERM = 256, O_BANDS, O_ROWS, O_FNW, O_FAST, O_SCHEME, O_SEED, O_PRESET, O_KEEP,
    O_CLUSTERS, O_PAIRS, O_REMOVED, O_IGNB, O_STRIPB, O_METHOD, O_SIMHASH_K, O_PART, O_MERGE,
    O_NO_CSAMPLE, O_TEMPLATES, O_REPORT_WINDOW, O_EXACT
};

static const struct option k_longopts[] = {
    CLI_INPUT_LONGOPTS,
    {"threshold", required_argument, NULL, 't'},
    {"containment", required_argument, NULL, 'c'},
    {"ngram", required_argument, NULL, 'n'},
    {"num-perm", required_argument, NULL, O_NUMPERM},
    {"bands", required_argument, NULL, O_BANDS},
    {"rows", required_argument, NULL, O_ROWS},
    {"fn-weight", required_argument, NULL, O_FNW},
    {"fast", no_argument, NULL, O_FAST},
    {"exact", no_argument, NULL, O_EXACT},
    {"no-containment-sample", no_argument, NULL, O_NO_CSAMPLE},
    {"templates", required_argument, NULL, O_TEMPLATES},
    {"same-report-window", required_argument, NULL, O_REPORT_WINDOW},
    {"date-field", required_argument, NULL, IN_DATEF},
    {"scheme", required_argument, NULL, O_SCHEME},
    {"seed", required_argument, NULL, O_SEED},
    {"method", required_argument, NULL, O_METHOD},
    {"simhash-k", required_argument, NULL, O_SIMHASH_K},
    {"preset", required_argument, NULL, O_PRESET},
    {"keep", required_argument, NULL, O_KEEP},
    {"clusters", required_argument, NULL, O_CLUSTERS},
    {"pairs", required_argument, NULL, O_PAIRS},
    {"output", required_argument, NULL, 'o'},
    {"removed", required_argument, NULL, O_REMOVED},
    {"ignore-boilerplate", no_argument, NULL, O_IGNB},
    {"strip-boilerplate", no_argument, NULL, O_STRIPB},
    {"part-size", required_argument, NULL, O_PART},
    {"merge", no_argument, NULL, O_MERGE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define set_param(p, id, arg, opt) cli_set_param("dedup", p, id, arg, opt)

/* The name of option c when only near-duplicate matching uses it, else NULL. */
static const char *near_only(int c)
{
    switch (c) {
    case 't': return "--threshold";
    case 'c': return "--containment";
    case 'n': return "--ngram";
    case O_NUMPERM: return "--num-perm";
    case O_BANDS: return "--bands";
    case O_ROWS: return "--rows";
    case O_FNW: return "--fn-weight";
    case O_FAST: return "--fast";
    case O_NO_CSAMPLE: return "--no-containment-sample";
    case O_TEMPLATES: return "--templates";
    case O_REPORT_WINDOW: return "--same-report-window";
    case O_SCHEME: return "--scheme";
    case O_SEED: return "--seed";
    case O_METHOD: return "--method";
    case O_SIMHASH_K: return "--simhash-k";
    case O_PRESET: return "--preset";
    default: return NULL;
    }
}

/* Would a file or directory created at `path` lie inside the directory `dir`
 * (at any depth)? Compares resolved paths; false when either cannot be resolved. */
static int inside_dir(const char *path, const char *dir)
{
    struct stat st;
    if (strcmp(dir, "-") == 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    /* the parent of path: everything before its last name */
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    char *parent = n ? strndup(path, n) : strdup(".");
    char *rp = parent ? realpath(parent, NULL) : NULL;
    char *rd = realpath(dir, NULL);
    int in = 0;
    if (rp && rd) {
        const size_t ld = strlen(rd);
        in = strncmp(rp, rd, ld) == 0 && (rp[ld] == '\0' || rp[ld] == '/' || ld == 1);
    }
    free(parent);
    free(rp);
    free(rd);
    return in;
}

static int parse_options(run *r, int argc, char **argv)
{
    dedup_opts *o = &r->o;
    cli_inopts_init(&o->in);
    o->in.rd.date_field = "date";
    /* A preset applies before the other options, wherever it stands. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *name = NULL;
        if (strncmp(a, "--preset=", 9) == 0)
            name = a + 9;
        else if (strcmp(a, "--preset") == 0 && i + 1 < argc)
            name = argv[i + 1];
        if (name && nd_params_preset(r->params, name) != ND_OK)
            return usage_error("unknown preset '%s' (default, web, strict, loose, fast)", name);
    }
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":t:c:n:o:T:qvh", k_longopts, NULL)) != -1) {
        if (!o->near_opt)
            o->near_opt = near_only(c);
        switch (c) {
        case 't': if (set_param(r->params, ND_P_THRESHOLD, optarg, "--threshold")) return 1; break;
        case 'c':
            if (set_param(r->params, ND_P_CONTAINMENT, optarg, "--containment")) return 1;
            break;
        case 'n': if (set_param(r->params, ND_P_NGRAM, optarg, "--ngram")) return 1; break;
        case O_NUMPERM:
            if (set_param(r->params, ND_P_NUM_PERM, optarg, "--num-perm")) return 1;
            break;
        case O_BANDS:
        case O_ROWS: {
            /* 0 is the library's "choose from the threshold": that is leaving it out */
            const char *name = c == O_BANDS ? "--bands" : "--rows";
            double v;
            if (cli_parse_double(optarg, 0, 1e9, &v) == 0 && v < 1)
                return usage_error("%s: invalid value '%s' (at least 1; leave it out to have "
                                   "the layout chosen from the threshold)", name, optarg);
            if (set_param(r->params, c == O_BANDS ? ND_P_BANDS : ND_P_ROWS, optarg, name))
                return 1;
            break;
        }
        case O_FNW: if (set_param(r->params, ND_P_FN_WEIGHT, optarg, "--fn-weight")) return 1;
            break;
        case O_FAST: set_known(r->params, ND_P_VERIFY, ND_VERIFY_SIGNATURE); break;
        case O_EXACT: set_known(r->params, ND_P_EXACT_ONLY, 1); break;
        case O_NO_CSAMPLE: set_known(r->params, ND_P_CONTAIN_SAMPLE, 0); break;
        case O_TEMPLATES:
            if (strcmp(optarg, "drop") == 0)
                set_known(r->params, ND_P_TEMPLATES, ND_TEMPLATES_DROP);
            else if (strcmp(optarg, "keep") == 0)
                set_known(r->params, ND_P_TEMPLATES, ND_TEMPLATES_KEEP);
            else if (strcmp(optarg, "off") == 0)
                set_known(r->params, ND_P_TEMPLATES, ND_TEMPLATES_OFF);
            else
                return usage_error("--templates: '%s' is not drop, keep or off", optarg);
            break;
        case O_REPORT_WINDOW:
            if (set_param(r->params, ND_P_REPORT_WINDOW, optarg, "--same-report-window"))
                return 1;
            break;
        case O_SCHEME:
            if (strcmp(optarg, "kperm") == 0)
                set_known(r->params, ND_P_SCHEME, ND_SCHEME_KPERM);
            else if (strcmp(optarg, "oph") == 0)
                set_known(r->params, ND_P_SCHEME, ND_SCHEME_OPH);
            else return usage_error("--scheme: '%s' is not kperm or oph", optarg);
            break;
        case O_SEED: if (set_param(r->params, ND_P_SEED, optarg, "--seed")) return 1; break;
        case O_METHOD:
            if (strcmp(optarg, "minhash") == 0)
                set_known(r->params, ND_P_METHOD, ND_METHOD_MINHASH);
            else if (strcmp(optarg, "simhash") == 0)
                set_known(r->params, ND_P_METHOD, ND_METHOD_SIMHASH);
            else return usage_error("--method: '%s' is not minhash or simhash", optarg);
            break;
        case O_SIMHASH_K:
            if (set_param(r->params, ND_P_SIMHASH_K, optarg, "--simhash-k")) return 1;
            break;
        case O_PRESET: break;  /* applied above */
        case O_KEEP:
            if (strcmp(optarg, "first") == 0) {
                set_known(r->params, ND_P_KEEP, ND_KEEP_FIRST);
            } else if (strcmp(optarg, "longest") == 0) {
                set_known(r->params, ND_P_KEEP, ND_KEEP_LONGEST);
            } else if (strcmp(optarg, "earliest") == 0) {
                set_known(r->params, ND_P_KEEP, ND_KEEP_KEY_MIN);
                o->in.rd.key_field = "date";
            } else if (strncmp(optarg, "field:", 6) == 0 && optarg[6]) {
                set_known(r->params, ND_P_KEEP, ND_KEEP_KEY_MAX);
                o->in.rd.key_field = optarg + 6;
            } else {
                return usage_error("--keep: '%s' is not first, longest, earliest or "
                                   "field:NAME", optarg);
            }
            break;
        case O_CLUSTERS: o->clusters = optarg; break;
        case O_PAIRS: o->pairs = optarg; break;
        case 'o': o->output = optarg; break;
        case O_REMOVED: o->removed = optarg; break;
        case O_IGNB: o->ignore_boiler = 1; break;
        case O_STRIPB: o->strip_boiler = 1; break;
        case O_MERGE: o->merge = 1; break;
        case O_PART:
            if (cli_parse_size(optarg, &o->part_bytes) || o->part_bytes < (1u << 20))
                return usage_error("--part-size: expected a size of 1M or more, such as "
                                   "64M, got '%s'", optarg);
            break;
        case 'h':
            usage(stdout);
            return fflush(stdout) == 0 ? -2 : EXIT_INPUT;
        default: {
            const int h = cli_input_option("dedup", c, optarg, &o->in, r->params);
            if (h == 1)
                break;
            return h ? EXIT_USAGE : cli_option_error("dedup", c, argv, k_longopts);
        }
        }
    }
    if (nd_params_get(r->params, ND_P_EXACT_ONLY) != 0 && o->near_opt)
        return usage_error("--exact finds exact copies only: %s is for near-duplicates",
                           o->near_opt);
    if (nd_params_lsh(r->params, NULL, NULL, NULL, NULL) != ND_OK)
        return usage_error("%s", "--bands x --rows is more than --num-perm");
    if (optind >= argc)
        return usage_error("%s", "no input given (a file, a directory, or '-' for stdin)");
    r->ninputs = (size_t)(argc - optind);
    r->inputs = calloc(r->ninputs, sizeof *r->inputs);
    if (!r->inputs) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    int stdin_seen = 0;
    for (size_t i = 0; i < r->ninputs; i++) {
        r->inputs[i] = argv[optind + (int)i];
        if (strcmp(r->inputs[i], "-") == 0) {
            if (stdin_seen++)
                return usage_error("%s", "'-' (stdin) given twice");
        }
    }
    /* Outputs must not overwrite an input, nor each other. */
    const char *outs[] = {o->clusters, o->pairs, o->output, o->removed};
    const int rc = cli_check_outputs("dedup", outs, 4, r->inputs, r->ninputs, 0);
    if (rc)
        return rc;
    if (o->strip_boiler && !o->output)
        return usage_error("%s", "--strip-boilerplate changes the corpus written by -o; "
                                 "give -o");
    /* Pass 2 walks the input directories while the corpus is being written:
     * a corpus inside one of them would be read back as input. */
    for (size_t i = 0; o->output && strcmp(o->output, "-") != 0 && i < r->ninputs; i++)
        if (inside_dir(o->output, r->inputs[i]))
            return usage_error("-o '%s' is inside the input directory '%s'; write the "
                               "corpus elsewhere", o->output, r->inputs[i]);
    return 0;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e-6;
}

int cmd_dedup(int argc, char **argv)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run r;
    memset(&r, 0, sizeof r);
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
    if (nd_params_set(r.params, ND_P_THREADS, r.o.in.threads) != ND_OK ||
        nd_params_set(r.params, ND_P_MEMORY, (double)r.o.in.memory) != ND_OK) {
        cli_log(1, "internal: cannot set threads or memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    const char *tmpdir = r.o.in.tmpdir ? r.o.in.tmpdir : getenv("TMPDIR");
    if (!tmpdir || !*tmpdir)
        tmpdir = "/tmp";
    const int dist = cli_dist_size() > 1;
    if (dist && (rc = dist_refuse(&r)) != 0)
        goto done;
    if (dist && (rc = cli_dist_agree(dist_check_outputs(&r))) != 0)
        goto done;
    if (r.o.in.memory && !dist && (rc = id_spill_open(&r, tmpdir)) != 0)
        goto done;
    if (!dist && (r.o.output || r.o.ignore_boiler || r.o.strip_boiler)) {
        /* read more than once: inputs that cannot be (pipes, FIFOs, <(...)) are
         * copied first; every reading after the first is checked against the
         * digests of the first, so that an input edited meanwhile is caught */
        if ((rc = cli_spool_inputs(r.inputs, r.ninputs, tmpdir, &r.spool)) != 0)
            goto done;
        if (!(r.dig = rd_digests_new())) {
            cli_log(1, "out of memory");
            rc = EXIT_INTERNAL;
            goto done;
        }
        r.o.in.rd.spool = r.spool;
        r.o.in.rd.digests = r.dig;
    }
    nd_status st = nd_dedup_create(&r.dd, r.params, NULL);
    if (st == ND_OK)
        st = nd_dedup_set_tmpdir(r.dd, tmpdir);
    if (st != ND_OK) {
        cli_log(1, "cannot start: %s", nd_strerror(st));
        rc = st == ND_E_PARAM ? EXIT_USAGE : EXIT_INTERNAL;
        goto done;
    }
    verbose_layout(&r);
    if ((r.o.ignore_boiler || r.o.strip_boiler) &&
        (rc = corpus_boilerplate_spans(r.inputs, r.ninputs, &r.o.in.rd, r.params, r.o.in.threads,
                                    r.o.in.memory, tmpdir, &r.b_off, &r.b_spans, &r.b_n)) != 0)
        goto done;
    if (r.dig && (r.o.ignore_boiler || r.o.strip_boiler))
        rd_digests_seal(r.dig);  /* pass 1 reads what the boilerplate pass read */
    rd_range *ranges = NULL;
    if (dist) {  /* large line files in parts; every process a contiguous share */
        const char **parts = NULL;
        size_t nparts = 0;
        if ((rc = cli_dist_deal(r.inputs, r.ninputs, &r.o.in.rd, r.o.part_bytes, &parts,
                                &ranges, &nparts)) != 0)
            goto done;
        r.inputs1 = r.inputs;  /* process 0 reads them again for -o --merge */
        r.ninputs1 = r.ninputs;
        r.inputs = r.parts = parts;
        r.ninputs = r.nparts = nparts;
        r.o.in.rd.ranges = r.ranges = ranges;
    }
    cli_dist_stage("read");
    rc = pass1(&r);
    r.o.in.rd.ranges = NULL;
    r.o.in.rd.want_file = NULL;
    if (r.inputs1) {  /* the inputs whole again, every one of them (-o --merge) */
        r.inputs = r.inputs1;
        r.ninputs = r.ninputs1;
        r.inputs1 = NULL;
    }
    if (dist)  /* a process that failed said why; all stop */
        rc = cli_dist_agree(rc);
    if (rc)
        goto done;
    if (dist && r.o.output) {
        /* -o: a shard a process, unless asked to merge, or written to stdout,
         * or whole files (a directory, which process 0 fills) */
        uint64_t kinds[4];
        for (int k = 0; k < 4; k++)
            kinds[k] = (r.kinds >> k) & 1;
        if (cli_dist_sum(kinds, 4)) {
            rc = EXIT_INTERNAL;
            goto done;
        }
        for (int k = 0; k < 4; k++)
            if (kinds[k])
                r.kinds |= 1 << k;
        r.sharded = !r.o.merge && strcmp(r.o.output, "-") != 0 && !corpus_is_files(&r);
        const int warc = 1 << RD_KIND_WARC;
        if (r.sharded && (r.kinds & warc) && (r.kinds & ~warc)) {
            if (cli_dist_rank() == 0)
                cli_log(1, "%s: inputs mix WARC records and JSON Lines or lines; cannot write "
                           "one corpus", r.o.output);
            rc = EXIT_USAGE;
            goto done;
        }
    }
    if (r.dig)
        rd_digests_seal(r.dig);
    if ((r.o.ignore_boiler || r.o.strip_boiler) && r.nrecs != r.b_n) {
        cli_log(1, "the inputs changed between the boilerplate pass and the next; nothing "
                   "written");
        rc = EXIT_INPUT;
        goto done;
    }
    r.index_memory = nd_dedup_memory(r.dd);
    const int want_pairs = r.o.pairs != NULL;
    if (dist) {
        if ((rc = dist_run(&r, want_pairs)) != 0)
            goto done;
        cli_dist_report(r.nlocal, r.ndocs);
        if (r.sharded && (rc = write_shards(&r)) != 0)
            goto done;
        if (cli_dist_rank() != 0)
            goto done;  /* process 0 writes everything else */
        cli_dist_stage("write");
    }
    cli_stage("verifying candidates");
    const nd_status rst = dist ? ND_OK : nd_dedup_run(r.dd, want_pairs);
    if (rst != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_dedup_errdetail(r.dd), rst));
        rc = cli_exit_status(rst);
        goto done;
    }
    if ((rc = write_outputs(&r)) != 0)
        goto done;
    if (!r.o.clusters && !r.o.pairs && !r.o.removed && !r.o.output) {
        const cli_dd_view v = dd_view(&r);
        if ((rc = cli_dd_show_clusters(&v)) != 0)
            goto done;
    }
    summary(&r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (g_display_level >= 3) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr, "%s %s |", g_prog, nd_version_string());
        for (int i = 0; i < argc; i++)
            fprintf(stderr, " %s", argv[i]);
        fprintf(stderr, " | wall %.3f s, cpu %.3f s, peak RSS %.1f MB\n",
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9,
                cpu_seconds(), (double)ru.ru_maxrss / 1024.0);
    }
done:
    if (rc)
        cli_out_abort_all();
    free(r.dir_path);
    nd_dedup_destroy(r.dd);
    nd_params_destroy(r.params);
    id_spill_close(&r);
    free(r.ids);
    free(r.recs);
    free(r.doc_rec);
    free(r.inputs);
    free(r.b_off);
    free(r.b_spans);
    cli_docfiles_free(&r.files);
    if (r.parts && r.inputs != r.parts)
        free(r.parts);
    free(r.inputs1);  /* still set only when the run stopped before pass 1 ended */
    free(r.ranges);
    free(r.keep);
    free(r.pdiff);
    free(r.mdiff);
    cli_spool_free(r.spool, r.ninputs);
    rd_digests_free(r.dig);
    return rc;
}

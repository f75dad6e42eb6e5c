/*
 * cmd_eval.c - `neardup eval`: scores predicted clusters against gold clusters.
 *
 * DESIGN
 *   Modes. Without --plagdet or --gold-pairs, eval scores clusters (below);
 *   those two options score passage records instead, in eval_reuse.c: this
 *   file only parses their options and dispatches. The id table, the line
 *   loop and the clusters-line parser are shared (eval_common.c, eval.h).
 *
 *   Input. GOLD and PRED are JSON Lines files, one cluster per line, whose
 *   "members" array holds ids (strings, or numbers taken as their JSON text) or
 *   objects with an "id" (neardup's own clusters output). Every other key is
 *   validated as JSON and ignored. Lines are read by the strict scanner of
 *   json.c (RFC 8259, UTF-8 checked; the one dedup's reader uses), which keeps
 *   a numeric id's exact JSON text (1.50 stays 1.50) and builds no tree, so a
 *   1M-member line costs no more than its bytes.
 *
 *   Ids. Every id (from GOLD, PRED and the corpus) is interned once in the
 *   shared id table, which maps it to a dense index. Per index we keep the
 *   gold and predicted cluster label (NO_LABEL when not listed) and whether
 *   the corpus holds the id. A document listed twice in one file is an error,
 *   reported with the lines of both clusters.
 *
 *   Universe. --corpus: the corpus ids (listed ids outside it are ignored with
 *   a warning); --num-docs N: the listed ids plus N - |ids| anonymous
 *   singletons; neither: the ids of either file. A document without a label in
 *   a file is a singleton there: it gets the label nclusters + index.
 *
 *   Metrics come from the contingency table: one 64-bit key (gold << 32 | pred)
 *   per document, sorted, so that runs of equal keys are the table's non-zero
 *   cells n_ij; cluster sizes a_i, b_j are counted into arrays indexed by label.
 *   Pair counts are exact 64-bit integers (n <= 2^32 - 1 keeps C(n,2) < 2^63);
 *   ratios use long double. Anonymous singletons only add to n and to the
 *   B-cubed sums (their precision and recall are 1), so they need no storage.
 *
 *   Conventions (also in the help): pairwise precision is 1 with no predicted
 *   pairs, recall 1 with no gold pairs; F1 is 0 when precision + recall = 0;
 *   B-cubed F1 is the harmonic mean of the averaged precision and recall, and
 *   both are 1 for an empty universe; ARI is 1 when its denominator is 0, which
 *   happens only when n < 2 or both partitions are all singletons or both one
 *   cluster (then they are equal). gold_clusters and pred_clusters count the
 *   clusters of 2+ documents of the universe.
 */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eval/eval.h"
#include "read/json.h"
#include "read/reader.h"
#include "write/output.h"

#define NO_LABEL UINT32_MAX
/* Ids, and clusters per file, stay below 2^31 so singleton labels fit 32 bits. */
#define MAX_ITEMS EV_MAX_IDS
#define IN_CORPUS 1u

static const char usage_text[] =
    "Usage: neardup eval [options] --gold GOLD PRED\n"
    "       neardup eval --plagdet --gold CASES [--pairs PAIRS] [options] PASSAGES\n"
    "       neardup eval --gold-pairs GOLD [--pair-fields A,B] [--min FIELD=N]\n"
    "                    [--same CLUSTERS] [options] PASSAGES\n"
    "\n"
    "Scores the predicted clusters PRED against the gold clusters GOLD; or, with\n"
    "--plagdet or --gold-pairs, the reused passages PASSAGES (see \"Passages\").\n"
    "\n"
    "GOLD and PRED are JSON Lines files (\"-\" = standard input), one cluster per line:\n"
    "  {\"cluster\": 0, \"members\": [\"id1\", \"id2\"]}\n"
    "  {\"cluster\": 0, \"members\": [{\"id\": \"id1\", ...}, {\"id\": \"id2\", ...}]}\n"
    "Numeric ids are taken as their JSON text; other keys are ignored. Blank lines\n"
    "and empty clusters are skipped; documents not listed are singletons. A\n"
    "document listed twice in one file is an error.\n"
    "\n"
    "Options:\n"
    "  --gold FILE         the gold clusters (required)\n"
    "  --corpus PATH       the universe is every id of this corpus (JSON Lines, text\n"
    "                      files or directories, as for dedup; repeatable); listed\n"
    "                      ids outside it are ignored with a warning\n"
    "  --id-field NAME     corpus field holding the id (default \"id\")\n"
    "  --text-field NAME   corpus field holding the text (default \"text\")\n"
    "  --num-docs N        the universe holds N documents: the listed ids plus\n"
    "                      unlisted singletons\n"
    "  --json              print one JSON object on one line instead of a table\n"
    "  -o, --output FILE   write to FILE (replaced atomically) instead of stdout\n"
    "  -h, --help          print this help\n"
    "Without --corpus or --num-docs the universe is the ids found in either file.\n"
    "\n"
    "Metrics, over the n documents of the universe:\n"
    "  pairwise    over unordered pairs of documents in one cluster: tp = pairs in\n"
    "              both, precision = tp / predicted pairs (1 if there are none),\n"
    "              recall = tp / gold pairs (1 if there are none)\n"
    "  b-cubed     per document d, with G(d), P(d) its gold and predicted clusters:\n"
    "              precision = |G(d) & P(d)| / |P(d)|, recall = |G(d) & P(d)| / |G(d)|,\n"
    "              averaged over the universe (1 if it is empty)\n"
    "  f1          harmonic mean of the precision and recall above (0 if both are 0)\n"
    "  ari         adjusted Rand index (Hubert-Arabie); 1 when its denominator is 0:\n"
    "              n < 2, or both partitions all singletons, or both one cluster\n"
    "  mixed       predicted clusters holding members of 2+ gold clusters (gold\n"
    "              singletons do not count)\n"
    "  gold_split  gold clusters spread over 2+ predicted clusters (a predicted\n"
    "              singleton counts as a cluster)\n"
    "  gold_clusters, pred_clusters: clusters of 2+ documents in the universe\n"
    "\n"
    "Passages. PASSAGES holds one JSON object per line, as `neardup reuse` prints:\n"
    "  {\"a\": ID, \"b\": ID, \"a_start\": N, \"a_end\": N, \"b_start\": N, \"b_end\": N}\n"
    "byte ranges [start, end) of the original texts of documents a and b (in either\n"
    "order); other keys are ignored.\n"
    "  --plagdet           score PASSAGES against the reuse cases of --gold CASES,\n"
    "                      one per line: {\"suspicious\": ID, \"source\": ID,\n"
    "                      \"this_offset\": N, \"this_length\": N, \"source_offset\": N,\n"
    "                      \"source_length\": N}; the *_bytes variants of the four\n"
    "                      numbers are used when present (on every line or none);\n"
    "                      without them the offsets are compared as given\n"
    "                      (characters against bytes)\n"
    "  --pairs FILE        labelled document pairs ({\"suspicious\": ID, \"source\": ID}\n"
    "                      per line) besides those holding a case; passages on other\n"
    "                      pairs are ignored (neither right nor wrong) and counted\n"
    "  --gold-pairs FILE   recall of the document pairs of FILE: a gold pair is found\n"
    "                      when some passage links its two documents\n"
    "  --pair-fields A,B   the fields of a --gold-pairs line that name its two\n"
    "                      documents (default \"a,b\")\n"
    "  --min FIELD=N       keep only the gold lines whose number FIELD is >= N\n"
    "  --same FILE         clusters (as GOLD) of copies of one document: a passage\n"
    "                      linking a copy of x with a copy of y links x and y\n"
    "\n"
    "plagdet (Potthast et al. 2010), counting positions in both documents; a\n"
    "passage r detects a case s on the same pair when they overlap in both:\n"
    "  precision   mean over passages r of |r covered by the cases r detects| / |r|\n"
    "  recall      mean over cases s of |s covered by the passages detecting s| / |s|\n"
    "              (both 1 with no cases and no passages, both 0 with only one)\n"
    "  granularity mean number of passages detecting a detected case (1 if none)\n"
    "  plagdet     F1(precision, recall) / log2(1 + granularity); 0 if F1 is 0\n"
    "gold pairs: recall = found / gold pairs (1 if none); precision = linked\n"
    "document pairs that are gold / linked pairs (1 if none; informative only: the\n"
    "gold lists only some reuse). Copies count as one document: pairs are counted\n"
    "once after mapping them, and pairs of copies of one document are left out.\n"
    "\n"
    "Exit status: 0 success, 1 usage error, 2 unreadable or invalid input or\n"
    "unwritable output, 4 out of memory or a limit hit.\n";

/* ------------------------------------------------------------ the command */
/* cmd_eval() parses the options, then reads GOLD, then PRED (small files, quick
 * to reject when malformed), then the corpus if any; computes the scores; and
 * only then opens the output, so that a failed run writes nothing. Each step
 * returns 0 or an exit code after printing its message; the context is freed
 * on every path. */

typedef struct evalctx {
    ev_ids ids;             /* every id seen */
    uint32_t *lab[2];       /* per id: gold (0) and predicted (1) label, or NO_LABEL */
    unsigned char *flags;   /* per id: IN_CORPUS when a corpus record has this id */
    size_t lab_cap[2], flags_cap;
    ev_members jp;          /* the line parser and its buffers, reused per line */
    int w;                  /* the clusters file being read: 0 gold, 1 pred */
    size_t ncl[2];          /* clusters read from GOLD (0) and PRED (1) */
    uint64_t *cl_line[2];   /* line of each cluster, for messages */
    size_t cl_cap[2];
    const char *name[2];    /* file names for messages */
    uint64_t corpus_records, corpus_dups;  /* records read, records repeating an id */
} evalctx;

typedef struct scores {
    uint64_t n;                            /* documents in the universe */
    uint64_t gold_clusters, pred_clusters; /* clusters of 2+ documents */
    uint64_t gold_docs, pred_docs;         /* documents in those clusters */
    uint64_t tp, fp, fn, mixed, gold_split;
    double pp, pr, pf;                     /* pairwise precision, recall, F1 */
    double bp, br, bf;                     /* B-cubed precision, recall, F1 */
    double ari;
} scores;

/* Frees everything the context holds. */
static void ctx_free(evalctx *c)
{
    ev_ids_free(&c->ids);
    free(c->lab[0]);
    free(c->lab[1]);
    free(c->flags);
    ev_members_free(&c->jp);
    free(c->cl_line[0]);
    free(c->cl_line[1]);
}

/* The index of id s[0..len), interned with no label in either file and no
 * corpus flag when new; -1 when out of memory, -2 at the id limit. */
static int64_t intern(evalctx *c, const char *s, size_t len)
{
    const size_t n = c->ids.n;
    const int64_t x = ev_ids_get(&c->ids, s, len);
    if (x < 0 || (size_t)x < n)
        return x;
    if (cli_grow((void **)&c->lab[0], &c->lab_cap[0], n + 1, sizeof *c->lab[0]) ||
        cli_grow((void **)&c->lab[1], &c->lab_cap[1], n + 1, sizeof *c->lab[1]) ||
        cli_grow((void **)&c->flags, &c->flags_cap, n + 1, 1))
        return -1;
    c->lab[0][x] = c->lab[1][x] = NO_LABEL;
    c->flags[x] = 0;
    return x;
}

/* Records the ids parsed from line `lineno` of file `w` as one cluster. */
static int add_cluster(evalctx *c, int w, uint64_t lineno)
{
    char b1[96];
    ev_members *j = &c->jp;
    if (c->ncl[w] >= MAX_ITEMS) {
        cli_log(1, "%s:%llu: too many clusters", c->name[w], (unsigned long long)lineno);
        return EXIT_INTERNAL;
    }
    if (c->ncl[w] >= c->cl_cap[w]) {
        if (cli_grow((void **)&c->cl_line[w], &c->cl_cap[w], c->ncl[w] + 1, sizeof *c->cl_line[w]))
            goto nomem;
    }
    /* Clusters are numbered 0, 1, ... in file order; the "cluster" key of the
     * line is not used (it need not be unique or present). */
    const uint32_t label = (uint32_t)c->ncl[w];
    c->cl_line[w][label] = lineno;
    for (size_t i = 0; i < j->nspans; i++) {
        const char *id = j->ids + j->spans[i].off;
        const size_t len = j->spans[i].len;
        const int64_t x = intern(c, id, len);
        if (x == -1)
            goto nomem;
        if (x < 0) {
            cli_log(1, "%s:%llu: too many distinct ids", c->name[w],
                    (unsigned long long)lineno);
            return EXIT_INTERNAL;
        }
        /* An id may appear once per file: a second time is an error, whether in
         * this cluster or an earlier one (then both lines are named). */
        uint32_t *lab = &c->lab[w][x];
        if (*lab == label) {
            cli_log(1, "%s:%llu: document %s is listed twice in this cluster", c->name[w],
                    (unsigned long long)lineno, ev_show_id(id, len, b1, sizeof b1));
            return EXIT_INPUT;
        }
        if (*lab != NO_LABEL) {
            cli_log(1, "%s:%llu: document %s is listed in two clusters (lines %llu and %llu)",
                    c->name[w], (unsigned long long)lineno, ev_show_id(id, len, b1, sizeof b1),
                    (unsigned long long)c->cl_line[w][*lab], (unsigned long long)lineno);
            return EXIT_INPUT;
        }
        *lab = label;
    }
    c->ncl[w]++;
    return 0;
nomem:
    cli_log(1, "%s:%llu: out of memory", c->name[w], (unsigned long long)lineno);
    return EXIT_INTERNAL;
}

/* ev_read_lines() callback: one line of clusters file c->w. */
static int clusters_line(void *ctx, const char *s, size_t len, uint64_t lineno)
{
    evalctx *c = ctx;
    if (ev_members_line(&c->jp, s, len))
        return ev_members_error(&c->jp, c->name[c->w], lineno);
    /* "members": [] adds no cluster (and no document). */
    return c->jp.nspans ? add_cluster(c, c->w, lineno) : 0;
}

/* Reads the clusters file `path` as file w (0 = gold, 1 = pred). Blank lines
 * and lines whose "members" is empty are skipped. */
static int read_clusters(evalctx *c, int w, const char *path)
{
    c->w = w;
    return ev_read_lines(path, &c->name[w], clusters_line, c);
}

/* The reader's error callback: its message already names file and line. */
static void on_reader_error(void *ctx, const char *msg)
{
    (void)ctx;
    cli_log(1, "%s", msg);
}

/* Reads the corpus through the document reader and flags its ids IN_CORPUS.
 * Bad records stop the run (on_error_skip = 0): skipping them would quietly
 * shrink the universe. An id seen twice counts once, with a warning. */
static int read_corpus(evalctx *c, const char *const *paths, size_t n, const char *id_field,
                       const char *text_field)
{
    rd_opts o;
    memset(&o, 0, sizeof o);
    o.format = RD_AUTO;
    o.id_field = id_field;
    o.text_field = text_field;
    o.on_error_skip = 0;
    o.on_error = on_reader_error;
    rd_reader *r = rd_open(paths, n, &o);
    if (!r) {
        cli_log(1, "corpus: out of memory");
        return EXIT_INTERNAL;
    }
    rd_record rec;
    rd_stats st;
    int got, rc = 0;
    while ((got = rd_next(r, &rec)) == RD_OK) {
        const int64_t x = intern(c, rec.id, rec.id_len);
        if (x < 0) {
            cli_log(1, "%s: %s", rec.path, x == -1 ? "out of memory" : "too many distinct ids");
            rc = EXIT_INTERNAL;
            break;
        }
        /* The progress line (when enabled) is refreshed every 1024 records. */
        if (c->flags[x] & IN_CORPUS)
            c->corpus_dups++;
        c->flags[x] |= IN_CORPUS;
        if ((++c->corpus_records & 1023) == 0) {
            rd_get_stats(r, &st);
            cli_progress("eval: reading the corpus", c->corpus_records, st.bytes);
        }
    }
    cli_progress_end();
    if (!rc && got == RD_ERR_NOMEM) {
        cli_log(1, "corpus: out of memory");
        rc = EXIT_INTERNAL;
    } else if (!rc && got != RD_END) {
        rc = EXIT_INPUT;   /* the reader's callback has named the file */
    }
    rd_close(r);
    if (!rc && c->corpus_dups)
        cli_log(2, "corpus: %llu records repeat an earlier id; each id counts once",
                (unsigned long long)c->corpus_dups);
    return rc;
}

/* Warns about the ids of file w that are not in the corpus (they are ignored):
 * their number and the first in id order, so the message is deterministic. */
static void warn_outside(const evalctx *c, int w)
{
    uint64_t count = 0;
    size_t first = 0, len;
    for (size_t i = 0; i < c->ids.n; i++)
        if (c->lab[w][i] != NO_LABEL && !(c->flags[i] & IN_CORPUS) && count++ == 0)
            first = i;
    if (count) {
        char b[96];
        const char *id = ev_ids_str(&c->ids, first, &len);
        cli_log(2, "%s: %llu listed ids are not in the corpus and are ignored (first: %s)",
                c->name[w], (unsigned long long)count, ev_show_id(id, len, b, sizeof b));
    }
}

/* C(k, 2): the unordered pairs among k documents (exact for k < 2^32). */
static uint64_t pairs(uint64_t k) { return k < 2 ? 0 : k * (k - 1) / 2; }

/* Harmonic mean of precision and recall; 0 when both are 0. */
static double f1(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

/* qsort() order of the (gold << 32 | pred) keys: by gold label, then pred. */
static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sums C(size, 2) over labels; counts clusters of 2+ and their documents. */
static uint64_t size_stats(const uint32_t *size, size_t nlab, uint64_t *clusters, uint64_t *docs)
{
    uint64_t sum = 0;
    *clusters = *docs = 0;
    for (size_t i = 0; i < nlab; i++)
        if (size[i] >= 2) {
            sum += pairs(size[i]);
            ++*clusters;
            *docs += size[i];
        }
    return sum;
}

/* Computes every metric over the universe. use_corpus: only the ids flagged
 * IN_CORPUS count; have_num: the universe holds num_docs documents. */
static int compute(const evalctx *c, int use_corpus, int have_num, uint64_t num_docs, scores *s)
{
    const ev_ids *t = &c->ids;
    const size_t lg = c->ncl[0] + t->n, lp = c->ncl[1] + t->n;
    uint32_t *asz = calloc(lg ? lg : 1, sizeof *asz);     /* gold cluster sizes */
    uint32_t *bsz = calloc(lp ? lp : 1, sizeof *bsz);     /* predicted cluster sizes */
    unsigned char *mix = calloc(lp ? lp : 1, 1);          /* gold clusters met, capped at 2 */
    uint64_t *keys = malloc((t->n ? t->n : 1) * sizeof *keys);
    int rc = 0;
    if (!asz || !bsz || !mix || !keys) {
        cli_log(1, "eval: out of memory");
        rc = EXIT_INTERNAL;
        goto out;
    }
    /* One (gold, pred) key per document of the universe. A document without a
     * label in a file is a singleton there: label ncl + index, unique and above
     * every cluster label (both are below 2^31, so the sum fits 32 bits). With
     * --corpus, listed ids outside the corpus are left out entirely; cluster
     * sizes are therefore counted here, over the universe only. */
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (use_corpus && !(c->flags[i] & IN_CORPUS))
            continue;
        const uint32_t g = c->lab[0][i] != NO_LABEL ? c->lab[0][i] : (uint32_t)(c->ncl[0] + i);
        const uint32_t p = c->lab[1][i] != NO_LABEL ? c->lab[1][i] : (uint32_t)(c->ncl[1] + i);
        asz[g]++;
        bsz[p]++;
        keys[k++] = (uint64_t)g << 32 | p;
    }
    if (have_num && num_docs < k) {
        cli_log(1, "eval: --num-docs %llu is less than the %zu distinct ids in %s and %s",
                (unsigned long long)num_docs, k, c->name[0], c->name[1]);
        rc = EXIT_INPUT;
        goto out;
    }
    memset(s, 0, sizeof *s);
    s->n = have_num ? num_docs : k;
    const uint64_t gold_pairs = size_stats(asz, lg, &s->gold_clusters, &s->gold_docs);
    const uint64_t pred_pairs = size_stats(bsz, lp, &s->pred_clusters, &s->pred_docs);

    /* Runs of equal keys are the non-zero cells n_gp of the contingency table.
     * For a cell of cnt documents in gold cluster g and predicted cluster p:
     *   tp         += C(cnt, 2)       (pairs together in both)
     *   B-cubed P  += cnt * cnt / |p| (each of the cnt documents: cnt / |p|)
     *   B-cubed R  += cnt * cnt / |g|
     * mix[p] counts the gold clusters of 2+ that p meets (capped at 2), and
     * cells_of_g the predicted clusters met by g; keys are sorted by g first,
     * so the cells of one gold cluster are consecutive. */
    qsort(keys, k, sizeof *keys, cmp_u64);
    long double bp = 0, br = 0;
    uint64_t cur_g = UINT64_MAX, cells_of_g = 0;
    for (size_t i = 0, e; i < k; i = e) {
        for (e = i + 1; e < k && keys[e] == keys[i]; e++)
            ;
        const uint64_t cnt = e - i;
        const uint32_t g = (uint32_t)(keys[i] >> 32), p = (uint32_t)keys[i];
        s->tp += pairs(cnt);
        bp += (long double)(cnt * cnt) / bsz[p];
        br += (long double)(cnt * cnt) / asz[g];
        if (asz[g] >= 2) {
            if (mix[p] < 2)
                mix[p]++;
            cells_of_g = g == cur_g ? cells_of_g + 1 : 1;
            cur_g = g;
            if (cells_of_g == 2)
                s->gold_split++;
        }
    }
    for (size_t i = 0; i < lp; i++)
        s->mixed += mix[i] >= 2;

    /* Pairwise scores; tp can exceed neither pair total, so no underflow. */
    s->fp = pred_pairs - s->tp;
    s->fn = gold_pairs - s->tp;
    s->pp = pred_pairs ? (double)s->tp / (double)pred_pairs : 1.0;
    s->pr = gold_pairs ? (double)s->tp / (double)gold_pairs : 1.0;
    s->pf = f1(s->pp, s->pr);

    /* Anonymous singletons (--num-docs) have B-cubed precision and recall 1. */
    const uint64_t extra = s->n - k;
    s->bp = s->n ? (double)((bp + (long double)extra) / (long double)s->n) : 1.0;
    s->br = s->n ? (double)((br + (long double)extra) / (long double)s->n) : 1.0;
    s->bf = f1(s->bp, s->br);

    /* ARI = (tp - E) / ((G + P) / 2 - E), E = G * P / C(n, 2), where G and P
     * are the gold and predicted pair totals (Hubert & Arabie 1985, written
     * with pair counts). The denominator is 0 exactly when C(n, 2) = 0, or
     * G = P = 0, or G = P = C(n, 2): by AM-GM, (G + P) / 2 >= sqrt(GP) >= E
     * with equality only there. Those cases compare equal partitions, hence 1.
     * G * P reaches 2^126, beyond 64 bits: E is computed in long double. */
    const uint64_t all = pairs(s->n);
    if (all == 0 || (gold_pairs == 0 && pred_pairs == 0) ||
        (gold_pairs == all && pred_pairs == all)) {
        s->ari = 1.0;
    } else {
        const long double expect = (long double)gold_pairs * (long double)pred_pairs / all;
        const long double maxi = ((long double)gold_pairs + (long double)pred_pairs) / 2;
        s->ari = (double)(((long double)s->tp - expect) / (maxi - expect));
    }
out:
    free(asz);
    free(bsz);
    free(mix);
    free(keys);
    return rc;
}

/* Rounds values that would print as "-0.0000" to 0. */
static double unsigned_zero(double v) { return fabs(v) < 0.00005 ? 0.0 : v; }

/* The --json form: one object on one line; ratios with 4 decimals, trailing
 * zeros trimmed (cli_json_num), counts as exact integers. */
static void write_json(FILE *fp, const scores *s)
{
    fprintf(fp, "{\"docs\":%llu,\"gold_clusters\":%llu,\"pred_clusters\":%llu,",
            (unsigned long long)s->n, (unsigned long long)s->gold_clusters,
            (unsigned long long)s->pred_clusters);
    fputs("\"pairwise\":{\"precision\":", fp);
    cli_json_num(fp, s->pp);
    fputs(",\"recall\":", fp);
    cli_json_num(fp, s->pr);
    fputs(",\"f1\":", fp);
    cli_json_num(fp, s->pf);
    fprintf(fp, ",\"tp\":%llu,\"fp\":%llu,\"fn\":%llu},", (unsigned long long)s->tp,
            (unsigned long long)s->fp, (unsigned long long)s->fn);
    fputs("\"bcubed\":{\"precision\":", fp);
    cli_json_num(fp, s->bp);
    fputs(",\"recall\":", fp);
    cli_json_num(fp, s->br);
    fputs(",\"f1\":", fp);
    cli_json_num(fp, s->bf);
    fputs("},\"ari\":", fp);
    cli_json_num(fp, s->ari);
    fprintf(fp, ",\"mixed\":%llu,\"gold_split\":%llu}\n", (unsigned long long)s->mixed,
            (unsigned long long)s->gold_split);
}

/* The default form: a fixed layout with 4 decimals, for people to read. The
 * first line says where the universe came from. */
static void write_table(FILE *fp, const scores *s, const char *universe)
{
    fprintf(fp, "universe: %s (%llu documents)\n", universe, (unsigned long long)s->n);
    fprintf(fp, "clusters of 2+: gold %llu (%llu documents), predicted %llu (%llu documents)\n",
            (unsigned long long)s->gold_clusters, (unsigned long long)s->gold_docs,
            (unsigned long long)s->pred_clusters, (unsigned long long)s->pred_docs);
    fprintf(fp, "\n%-10s %9s %9s %9s\n", "", "precision", "recall", "f1");
    fprintf(fp, "%-10s %9.4f %9.4f %9.4f\n", "pairwise", unsigned_zero(s->pp),
            unsigned_zero(s->pr), unsigned_zero(s->pf));
    fprintf(fp, "%-10s %9.4f %9.4f %9.4f\n", "b-cubed", unsigned_zero(s->bp),
            unsigned_zero(s->br), unsigned_zero(s->bf));
    fprintf(fp, "\npairs: tp %llu, fp %llu, fn %llu\n", (unsigned long long)s->tp,
            (unsigned long long)s->fp, (unsigned long long)s->fn);
    fprintf(fp, "ari: %.4f\n", unsigned_zero(s->ari));
    fprintf(fp, "mixed: %llu predicted clusters hold members of 2+ gold clusters\n",
            (unsigned long long)s->mixed);
    fprintf(fp, "gold_split: %llu gold clusters are spread over 2+ predicted clusters\n",
            (unsigned long long)s->gold_split);
}

/* Prints a usage error and the pointer to --help; returns EXIT_USAGE. */
static int usage_error(const char *fmt, ...) ND_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("neardup: eval: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\ntry 'neardup eval --help'\n", stderr);
    va_end(ap);
    return EXIT_USAGE;
}

enum {
    OPT_GOLD = 256, OPT_CORPUS, OPT_ID_FIELD, OPT_TEXT_FIELD, OPT_NUM_DOCS, OPT_JSON,
    OPT_PLAGDET, OPT_PAIRS, OPT_GOLD_PAIRS, OPT_PAIR_FIELDS, OPT_MIN, OPT_SAME
};

/* Splits a copy of arg at its first `sep` into *left and *right (both in the
 * copy, which the caller frees); NULL when out of memory. */
static char *split_copy(const char *arg, char sep, const char **left, const char **right)
{
    char *c = strdup(arg);
    if (!c)
        return NULL;
    char *p = strchr(c, sep);
    *left = c;
    *right = p ? p + 1 : NULL;
    if (p)
        *p = '\0';
    return c;
}

/* The passage modes: --plagdet (gold_pairs NULL) or --gold-pairs GOLD. Checks
 * the operands, fills in r->gold and r->passages, and hands over to
 * eval_reuse.c. Returns an exit code. */
static int run_reuse(ev_reuse_opts *r, const char *gold, const char *gold_pairs, int argc,
                     char **argv)
{
    if (!gold_pairs && !gold)
        return usage_error("--plagdet needs --gold CASES");
    if (gold_pairs && gold)
        return usage_error("--gold-pairs and --gold cannot be used together");
    if (optind >= argc)
        return usage_error("missing PASSAGES, the passage records file");
    if (argc - optind > 1)
        return usage_error("unexpected argument '%s'", argv[optind + 1]);
    r->gold = gold_pairs ? gold_pairs : gold;
    r->passages = argv[optind];
    /* Standard input can be read once. */
    const char *const files[] = { r->gold, r->pairs, r->same, r->passages };
    int stdin_users = 0;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        stdin_users += files[i] && strcmp(files[i], "-") == 0;
    if (stdin_users > 1)
        return usage_error("standard input ('-') can be given only once");
    /* -o must not overwrite a file it reads */
    const char *const out[] = { r->out_path };
    const int rc = cli_check_outputs("eval", out, 1, files, sizeof files / sizeof *files, 0);
    if (rc)
        return rc;
    return gold_pairs ? ev_gold_pairs(r) : ev_plagdet(r);
}

/* What the command line of neardup eval says. */
typedef struct eval_args {
    const char *gold, *out_path, *id_field, *text_field, *gold_pairs, *min_value;
    const char **corpus;  /* --corpus may repeat: at most argc paths, in order */
    size_t ncorpus;
    uint64_t num_docs;
    int have_num, json, plagdet;
    /* The passage modes' options; fields and min_arg are copies of the
     * --pair-fields and --min arguments, split in place. */
    ev_reuse_opts ro;
    char *fields, *min_arg;
} eval_args;

static const struct option k_eval_longopts[] = {
    { "gold", required_argument, NULL, OPT_GOLD },
    { "corpus", required_argument, NULL, OPT_CORPUS },
    { "id-field", required_argument, NULL, OPT_ID_FIELD },
    { "text-field", required_argument, NULL, OPT_TEXT_FIELD },
    { "num-docs", required_argument, NULL, OPT_NUM_DOCS },
    { "json", no_argument, NULL, OPT_JSON },
    { "plagdet", no_argument, NULL, OPT_PLAGDET },
    { "pairs", required_argument, NULL, OPT_PAIRS },
    { "gold-pairs", required_argument, NULL, OPT_GOLD_PAIRS },
    { "pair-fields", required_argument, NULL, OPT_PAIR_FIELDS },
    { "min", required_argument, NULL, OPT_MIN },
    { "same", required_argument, NULL, OPT_SAME },
    { "output", required_argument, NULL, 'o' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* One option's value into a. Returns 0, an exit code (message printed), or
 * -2 after --help. */
static int eval_option(eval_args *a, int opt, char **argv)
{
    switch (opt) {
    case OPT_GOLD:
        if (a->gold)
            return usage_error("--gold given twice");
        a->gold = optarg;
        return 0;
    case OPT_CORPUS: a->corpus[a->ncorpus++] = optarg; return 0;
    case OPT_ID_FIELD: a->id_field = optarg; return 0;
    case OPT_TEXT_FIELD: a->text_field = optarg; return 0;
    case OPT_NUM_DOCS:
        if (cli_parse_uint(optarg, 0, UINT32_MAX, &a->num_docs))
            return usage_error("--num-docs wants a count below 2^32, not '%s'", optarg);
        a->have_num = 1;
        return 0;
    case OPT_JSON: a->json = 1; return 0;
    case OPT_PLAGDET: a->plagdet = 1; return 0;
    case OPT_PAIRS: a->ro.pairs = optarg; return 0;
    case OPT_GOLD_PAIRS: a->gold_pairs = optarg; return 0;
    case OPT_SAME: a->ro.same = optarg; return 0;
    case OPT_PAIR_FIELDS:
        free(a->fields);
        if (!(a->fields = split_copy(optarg, ',', &a->ro.field_a, &a->ro.field_b)))
            goto nomem;
        if (!a->ro.field_b || !*a->ro.field_a || !*a->ro.field_b ||
            strchr(a->ro.field_b, ',') || strcmp(a->ro.field_a, a->ro.field_b) == 0)
            return usage_error("--pair-fields wants two different field names A,B, not '%s'",
                               optarg);
        return 0;
    case OPT_MIN:
        free(a->min_arg);
        if (!(a->min_arg = split_copy(optarg, '=', &a->ro.min_field, &a->min_value)))
            goto nomem;
        if (!a->min_value || !*a->ro.min_field ||
            cli_parse_double(a->min_value, -HUGE_VAL, HUGE_VAL, &a->ro.min_value))
            return usage_error("--min wants FIELD=N with N a number, not '%s'", optarg);
        return 0;
    case 'o': a->out_path = optarg; return 0;
    case 'h':
        fputs(usage_text, stdout);
        return fflush(stdout) == 0 ? -2 : EXIT_INPUT;
    case ':':
        return usage_error("option '%s' needs an argument", argv[optind - 1]);
    default:
        /* '?': an unknown short option sets optopt to its letter; an unknown
         * long option, or "--help=x"/"--output" misuse, is named whole. */
        if (optopt > 0 && optopt < 128 && optopt != 'h' && optopt != 'o') {
            char s[3] = { '-', (char)optopt, '\0' };
            return usage_error("unknown option '%s'", s);
        }
        return usage_error("invalid option '%s'", argv[optind - 1]);
    }
nomem:
    cli_log(1, "eval: out of memory");
    return EXIT_INTERNAL;
}

/* Reads the options into a. Returns 0, an exit code, or -2 after --help. */
static int eval_parse(eval_args *a, int argc, char **argv)
{
    /* optind = 0 (not 1) makes glibc, musl and the BSDs fully reinitialise
     * getopt, whatever optstring the dispatcher used before us. */
    optind = 0;
    opterr = 0;   /* messages are ours: "neardup: eval: ..." and the --help hint */
    int opt, rc;
    while ((opt = getopt_long(argc, argv, ":ho:", k_eval_longopts, NULL)) != -1)
        if ((rc = eval_option(a, opt, argv)) != 0)
            return rc;
    return 0;
}

/* The option combinations that make sense: usage errors (exit 1), found
 * before any file is read. Returns 0 or EXIT_USAGE. */
static int eval_check_modes(const eval_args *a)
{
    if (a->plagdet && a->gold_pairs)
        return usage_error("--plagdet and --gold-pairs cannot be used together");
    if (a->ro.pairs && !a->plagdet)
        return usage_error("--pairs needs --plagdet");
    if ((a->fields || a->min_arg || a->ro.same) && !a->gold_pairs)
        return usage_error("--pair-fields, --min and --same need --gold-pairs");
    if ((a->plagdet || a->gold_pairs) && (a->ncorpus || a->have_num))
        return usage_error("--corpus and --num-docs score clusters: not with %s",
                           a->plagdet ? "--plagdet" : "--gold-pairs");
    return 0;
}

/* The operands of the cluster mode: GOLD and PRED. Returns 0 or EXIT_USAGE. */
static int eval_check_clusters(const eval_args *a, int argc, char **argv)
{
    if (!a->gold)
        return usage_error("missing --gold GOLD");
    if (optind >= argc)
        return usage_error("missing PRED, the predicted clusters file");
    if (argc - optind > 1)
        return usage_error("unexpected argument '%s'", argv[optind + 1]);
    const char *pred = argv[optind];
    if (a->ncorpus && a->have_num)
        return usage_error("--corpus and --num-docs cannot be used together");
    /* Standard input can be read once: by GOLD, PRED or one --corpus path. */
    int stdin_users = (strcmp(a->gold, "-") == 0) + (strcmp(pred, "-") == 0);
    for (size_t i = 0; i < a->ncorpus; i++)
        stdin_users += strcmp(a->corpus[i], "-") == 0;
    if (stdin_users > 1)
        return usage_error("standard input ('-') can be given only once");
    if (!*a->id_field || !*a->text_field)
        return usage_error("--id-field and --text-field cannot be empty");
    /* -o must not overwrite a file it reads: GOLD, PRED or a --corpus path */
    const char *const out[] = { a->out_path };
    int rc = cli_check_outputs("eval", out, 1, &a->gold, 1, 0);
    if (rc == 0)
        rc = cli_check_outputs("eval", out, 1, &pred, 1, 0);
    if (rc == 0)
        rc = cli_check_outputs("eval", out, 1, a->corpus, a->ncorpus, 0);
    return rc;
}

/* Reads GOLD, PRED (and the corpus), scores, and writes the result: to
 * stdout, or to -o FILE through a temporary renamed into place only when
 * complete. Returns an exit code (message printed). */
static int eval_clusters(const eval_args *a, const char *pred)
{
    evalctx c;
    memset(&c, 0, sizeof c);
    scores s;
    int rc;
    if (ev_members_init(&c.jp)) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
    } else if ((rc = read_clusters(&c, 0, a->gold)) == 0 &&
               (rc = read_clusters(&c, 1, pred)) == 0 &&
               (!a->ncorpus ||
                (rc = read_corpus(&c, a->corpus, a->ncorpus, a->id_field, a->text_field)) == 0)) {
        if (a->ncorpus) {
            warn_outside(&c, 0);
            warn_outside(&c, 1);
        }
        rc = compute(&c, a->ncorpus > 0, a->have_num, a->num_docs, &s);
    }
    ctx_free(&c);
    if (rc)
        return rc;
    cli_out o;
    if (cli_out_open(&o, a->out_path))
        return cli_out_status();
    if (a->json)
        write_json(o.fp, &s);
    else
        write_table(o.fp, &s, a->ncorpus ? "the corpus" : a->have_num ? "--num-docs"
                                                                      : "ids in either file");
    return cli_out_commit_all() ? EXIT_INPUT : 0;
}

/* neardup eval [options] --gold GOLD PRED, or a passage mode (--plagdet,
 * --gold-pairs: see run_reuse()); argv[0] is "eval". */
int cmd_eval(int argc, char **argv)
{
    eval_args a;
    memset(&a, 0, sizeof a);
    a.out_path = "-";
    a.id_field = "id";
    a.text_field = "text";
    a.ro.field_a = "a";
    a.ro.field_b = "b";
    a.corpus = calloc((size_t)(argc > 0 ? argc : 1), sizeof *a.corpus);
    if (!a.corpus) {
        cli_log(1, "eval: out of memory");
        return EXIT_INTERNAL;
    }
    int rc = eval_parse(&a, argc, argv);
    if (rc == 0)
        rc = eval_check_modes(&a);
    if (rc == 0 && (a.plagdet || a.gold_pairs)) {
        a.ro.json = a.json;
        a.ro.out_path = a.out_path;
        rc = run_reuse(&a.ro, a.gold, a.gold_pairs, argc, argv);
    } else if (rc == 0 && (rc = eval_check_clusters(&a, argc, argv)) == 0) {
        rc = eval_clusters(&a, argv[optind]);
    }
    free(a.corpus);
    free(a.fields);
    free(a.min_arg);
    return rc == -2 ? 0 : rc;
}

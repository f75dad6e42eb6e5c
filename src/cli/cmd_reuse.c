/*
 * cmd_reuse.c - `neardup reuse` (passages shared between documents) and
 * `neardup boilerplate` (segments repeated across documents).
 *
 * DESIGN
 *   The corpus (corpus/corpus.h) reads every record once: ids, sources and
 *   dates, the texts in a text store, and the copy groups of an nd_dedup pass
 *   (boilerplate counts copies once; reuse does not align copies unless
 *   --copies). Then nd_reuse finds boilerplate and, for `reuse`, the
 *   passages, asking the text store for texts on its threads. Outputs are
 *   JSON Lines (docs/output-format.md), written whole or not at all.
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
#include "corpus/corpus.h"
#include "corpus/results.h"
#include "dist/dist.h"
#include "read/inputs.h"
#include "read/pool.h"
#include "read/reader.h"
#include "write/output.h"

/* ---- usage -------------------------------------------------------------- */

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
                "  --date-field NAME   JSON field holding the date [date]: ISO 8601, RFC 2822,\n"
                "                      26-FEB-2019 15:01:01, Feb 26, 2019 or Unix seconds;\n"
                "                      WARC-Date for WARC records\n"
                "  --on-error POLICY   skip|stop on a bad record [skip]\n"
                "  --max-record SIZE   largest record (K/M/G suffixes) [1G]\n");
    if (!boiler) {
        fprintf(fp, "Passages:\n");
        fprintf(fp, "  -n, --ngram N       words per seed n-gram [%g]\n",
                cli_param_default(ND_P_NGRAM));
        fprintf(fp, "  --min-words N       shortest passage, in aligned words [%g]\n",
                cli_param_default(ND_P_MIN_WORDS));
        fprintf(fp, "  --df-min N          a seed must be in at least N documents [%g]\n",
                cli_param_default(ND_P_DF_MIN));
        fprintf(fp, "  --df-max N          ... and occur at most N times in all [%g]\n",
                cli_param_default(ND_P_DF_MAX));
        fprintf(fp, "  --max-gap N         most words between two seeds of a passage [%g]\n",
                cli_param_default(ND_P_MAX_GAP));
        fprintf(fp, "  --window DAYS       pair only documents dated at most DAYS apart,\n"
                    "                      0 = any [0]; undated documents pair with all\n"
                    "  --no-same-source    do not pair documents of the same source\n"
                    "  --no-copies         do not align documents that are copies (exact or\n"
                    "                      near-duplicates) of one another; by default they\n"
                    "                      are, and their passages say \"relation\":\"copy\",\n"
                    "                      \"cluster\":null (--copies: the default)\n"
                    "  --keep-boilerplate  do not look for boilerplate; match it like text\n"
                    "  --header-seeds      let the header block a mail or news message opens\n"
                    "                      with seed passages (by default it seeds none)\n");
    }
    fprintf(fp, "Boilerplate:\n");
    fprintf(fp, "  --boiler-docs N     at the head or tail of at least N documents [%g]\n",
            cli_param_default(ND_P_BOILER_DOCS));
    fprintf(fp, "  --boiler-anywhere N anywhere in at least N documents [%g]\n",
            cli_param_default(ND_P_BOILER_ANYWHERE));
    fprintf(fp, "  --boiler-source-docs N  anywhere in at least N documents of one source,\n"
                "                      0 = off [0]\n");
    fprintf(fp, "Output (files are written whole or not at all; '-' = stdout; .gz/.zst\n"
                "names are compressed):\n");
    if (boiler)
        fprintf(fp, "  -o, --output FILE   boilerplate segments [stdout; a listing on a terminal]\n"
                    "  --strip FILE        the documents without their boilerplate, JSON Lines\n"
                    "                      {id, text[, source]}\n");
    else
        fprintf(fp, "  -o, --output FILE   passages [stdout; a listing on a terminal]\n"
                    "  --clusters FILE     passage clusters, one line each\n"
                    "  --boilerplate FILE  the boilerplate segments found\n"
                    "  --no-text           passages without their text\n");
    fprintf(fp, "  --json              JSON Lines on stdout when it is a terminal too (by\n"
                "                      default a terminal gets a listing for a person)\n");
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

/* ---- options ---------------------------------------------------------------- */

enum {
    O_MINW = 256, O_DFMIN, O_DFMAX, O_GAP, O_WINDOW, O_NOSAME, O_COPIES, O_HDRSEEDS, O_KEEPB,
    O_CLUSTERS,
    O_BOUT, O_STRIP, O_NOTEXT, O_NOCOPIES, O_JSON
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
    {"no-copies", no_argument, NULL, O_NOCOPIES},
    {"keep-boilerplate", no_argument, NULL, O_KEEPB},
    {"header-seeds", no_argument, NULL, O_HDRSEEDS},
    {"output", required_argument, NULL, 'o'},
    {"clusters", required_argument, NULL, O_CLUSTERS},
    {"boilerplate", required_argument, NULL, O_BOUT},
    {"strip", required_argument, NULL, O_STRIP},
    {"no-text", no_argument, NULL, O_NOTEXT},
    {"json", no_argument, NULL, O_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define set_param(p, id, arg, opt) cli_set_param(g_cmd, p, id, arg, opt)

/* Options only one of the two commands takes. */
static int wrong_cmd(const rrun *r, int c)
{
    const int reuse_only = c == 'n' || c == O_MINW || c == O_DFMIN || c == O_DFMAX ||
                           c == O_GAP || c == O_WINDOW || c == O_NOSAME || c == O_COPIES ||
                           c == O_NOCOPIES ||
                           c == O_HDRSEEDS ||
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
        case O_NOCOPIES:
            if (set_param(r->params, ND_P_PAIR_COPIES, "0", "--no-copies")) return 1;
            break;
        case O_HDRSEEDS:
            if (set_param(r->params, ND_P_HEADER_SEEDS, "1", "--header-seeds"))
                return 1;
            break;
        case O_KEEPB: o->keep_boilerplate = 1; break;
        case 'o': o->output = optarg; break;
        case O_CLUSTERS: o->clusters = optarg; break;
        case O_BOUT: o->boiler_out = optarg; break;
        case O_STRIP: o->strip_out = optarg; break;
        case O_NOTEXT: o->no_text = 1; break;
        case O_JSON: o->json = 1; break;
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
    const int ri = corpus_take_inputs(r, g_cmd, argc, argv);
    if (ri)
        return ri;
    /* the main output defaults to stdout */
    const char *outs[] = {o->output, o->clusters, o->boiler_out, o->strip_out};
    return cli_check_outputs(g_cmd, outs, 4, r->inputs, r->ninputs, !o->output);
}

/* ---- the command ------------------------------------------------------------ */

static int write_all(rrun *r);

static int run_all(rrun *r)
{
    int rc;
    nd_status st;
    if ((rc = corpus_load(r)) != 0)
        return rc;
    const nd_comm *comm = r->dist ? cli_dist_comm() : NULL;
    if (r->o.boilerplate_cmd || !r->o.keep_boilerplate) {
        cli_dist_stage("boilerplate");
        cli_stage("boilerplate");
        if ((st = comm ? nd_reuse_boilerplate_dist(r->ru, comm, corpus_text, r)
                       : nd_reuse_boilerplate(r->ru, corpus_text, r)) != ND_OK) {
            cli_log(1, "boilerplate: %s", cli_detail(nd_reuse_errdetail(r->ru), st));
            if (comm) /* the others wait in an exchange: stop them */
                cli_dist_abort(cli_exit_status(st));
            return cli_exit_status(st);
        }
    }
    if (!r->o.boilerplate_cmd) {
        corpus_release_memory();
        cli_dist_stage("reuse");
        cli_stage("passages");
        if ((st = comm ? nd_reuse_run_dist(r->ru, comm, corpus_text, r)
                       : nd_reuse_run(r->ru, corpus_text, r)) != ND_OK) {
            cli_log(1, "reuse: %s", cli_detail(nd_reuse_errdetail(r->ru), st));
            if (comm)
                cli_dist_abort(cli_exit_status(st));
            return cli_exit_status(st);
        }
    }
    if (comm)
        cli_dist_report(r->nlocal, r->ndocs);
    if (comm && cli_dist_rank() != 0) /* process 0 writes; the others give it texts */
        return cli_dist_agree(corpus_serve(r));
    if (comm) {
        rc = write_all(r);
        const int end = corpus_fetch_end(r);
        return cli_dist_agree(rc ? rc : end);
    }
    return write_all(r);
}

/* The outputs (process 0 on several processes). */
static int write_all(rrun *r)
{
    int rc;
    /* outputs: all to temporaries, renamed together; o1..o3 live on this
     * stack, so they are committed or aborted before it returns */
    cli_out o1, o2, o3;
    const char *main_out = r->o.output ? r->o.output : "-";
    const int listing = corpus_listing(r); /* on a terminal: for a person, after the files */
    if (r->o.boilerplate_cmd) {
        if (!listing)
            rc = results_write_one(r, &o1, main_out, results_boilers);
        else
            rc = 0;
        if (rc == 0 && r->o.strip_out)
            rc = results_write_one(r, &o2, r->o.strip_out, results_stripped);
    } else {
        if (!listing)
            rc = results_write_one(r, &o1, main_out, results_passages);
        else
            rc = 0;
        if (rc == 0 && r->o.clusters)
            rc = results_write_one(r, &o2, r->o.clusters, results_pclusters);
        if (rc == 0 && r->o.boiler_out)
            rc = results_write_one(r, &o3, r->o.boiler_out, results_boilers);
    }
    if (rc) {
        cli_out_abort_all();
        return rc;
    }
    if (cli_out_commit_all())
        return EXIT_INPUT;
    if (listing)
        return r->o.boilerplate_cmd ? results_show_boilers(r) : results_show_passages(r);
    return 0;
}

static void summary(const rrun *r)
{
    nd_reuse_stats s;
    nd_reuse_get_stats(r->ru, &s);
    const unsigned long long nd = r->ndocs, nb = s.boiler_segments;
    corpus_fields_summary(r);
    if (r->o.boilerplate_cmd) {
        cli_log(2, "%llu %s, %llu %s: %llu boilerplate %s, %llu %s", nd,
                cli_plural(nd, "document", "documents"), (unsigned long long)s.segments,
                cli_plural(s.segments, "segment", "segments"), nb,
                cli_plural(nb, "segment", "segments"),
                (unsigned long long)s.boiler_occurrences,
                cli_plural(s.boiler_occurrences, "occurrence", "occurrences"));
    } else {
        cli_log(2, "%llu %s: %llu %s in %llu passage %s (%llu document %s aligned); %llu "
                   "boilerplate %s ignored",
                nd, cli_plural(nd, "document", "documents"), (unsigned long long)s.passages,
                cli_plural(s.passages, "passage", "passages"), (unsigned long long)s.clusters,
                cli_plural(s.clusters, "cluster", "clusters"), (unsigned long long)s.pairs,
                cli_plural(s.pairs, "pair", "pairs"), nb, cli_plural(nb, "segment", "segments"));
        cli_log(3, "%llu words, %llu seeds (%llu of them n-grams found once, not indexed), "
                   "%llu shared n-grams of which %llu within the frequency bounds, %llu seed hits",
                (unsigned long long)s.tokens, (unsigned long long)s.seeds,
                (unsigned long long)s.seeds_single,
                (unsigned long long)s.seed_groups, (unsigned long long)s.rare_groups,
                (unsigned long long)s.hits);
        if (s.spill_events)
            cli_log(3, "spilled %.1f MB of seeds and hits in %llu rounds",
                    (double)s.spilled_bytes / 1e6, (unsigned long long)s.spill_events);
        if (s.word_ranges)
            cli_log(3, "the alignment read the words back in %llu ranges of documents, two "
                       "at a time",
                    (unsigned long long)s.word_ranges);
    }
    const uint64_t bad = r->rs.skipped + r->rs.failed_inputs - r->rs.damaged + r->too_large;
    if (bad)
        cli_log(1, "warning: %llu bad %s skipped (reported above)", (unsigned long long)bad,
                cli_plural(bad, "record or file was", "records or files were"));
    cli_reader_summary(&r->rs);
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
    if ((rc = run_all(&r)) != 0 || (r.dist && cli_dist_rank() != 0))
        goto done;
    summary(&r);
    cli_report_time(g_cmd, &t0);
done:
    if (rc)
        cli_out_abort_all();
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

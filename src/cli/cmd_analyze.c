/*
 * cmd_analyze.c - `neardup analyze`: dedup, boilerplate, reuse and stories in
 * one run, every output in one directory, and a report people can read.
 *
 * DESIGN
 *   The corpus (corpus/corpus.h) reads every input once: each record is
 *   normalised and sketched once on the pool's threads, and its sketch goes to
 *   two deduplicators, the one of copies that reuse and stories group by
 *   (resemblance 0.8, no containment) and the one whose clusters analyze
 *   reports (dedup's parameters). The texts stay in the corpus's store. Then
 *   nd_reuse finds the boilerplate and the passages (copies aligned, as
 *   `neardup reuse` does); the stories take the passages that are not between
 *   copies (as `neardup stories`, which does not align copies, finds them).
 *   Every output is what the command run apart writes (the shared writers of
 *   write/dedup_out.c and corpus/results.c), written to a temporary beside
 *   its target and renamed with the others when all are whole; the report
 *   (report/report.c) reads the same results.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "corpus/corpus.h"
#include "corpus/digest.h"
#include "corpus/results.h"
#include "read/inputs.h"
#include "report/report.h"
#include "write/dedup_out.h"
#include "write/output.h"

static const char *const g_cmd = "analyze";

#define usage_error(...) cli_usage_error(g_cmd, __VA_ARGS__)

static double pdef(nd_param id)
{
    return cli_param_default(id);
}

static void usage(FILE *fp)
{
    fprintf(fp, "usage: neardup analyze [options] -o OUTDIR INPUT...\n"
                "\n"
                "Runs dedup, boilerplate, reuse, stories and digest in one pass over INPUTs\n"
                "(one read, one normalisation, one sketch a document) and writes into OUTDIR\n"
                "what each command writes run apart (the same lines), a summary and a report:\n"
                "  clusters.jsonl pairs.jsonl removed.jsonl   duplicates (neardup dedup)\n"
                "  boilerplate.jsonl                          neardup boilerplate\n"
                "  passages.jsonl passage-clusters.jsonl      neardup reuse\n"
                "  stories.jsonl                              neardup stories\n"
                "  digest.jsonl                               neardup digest\n"
                "  corpus.jsonl    with --corpus: the documents kept, {id, text[, source]}\n"
                "  summary.json    the counts of every stage\n"
                "  report.html     one self-contained page (no network): overview, duplicate\n"
                "                  clusters, stories on a timeline with their digests,\n"
                "                  passages, boilerplate,\n"
                "                  documents side by side with their shared passages\n"
                "                  marked, the LSH curve (docs/report.md)\n"
                "\n"
                "Input (as for neardup dedup):\n"
                "  --format FMT, --lines, --id-field NAME, --text-field NAME, --on-error,\n"
                "  --max-record SIZE   as for dedup\n"
                "  --source-field NAME JSON field naming the source [source]\n"
                "  --date-field NAME   JSON field holding the date [date]\n"
                "  --title-field NAME  JSON field holding the title [title]\n"
                "Duplicates (dedup's options under other names where two commands share one):\n");
    fprintf(fp, "  --dedup-threshold X resemblance (dedup -t) [%g]\n", pdef(ND_P_THRESHOLD));
    fprintf(fp, "  -c, --containment X containment for contains/contained-in, 0 = off [%g]\n",
            pdef(ND_P_CONTAINMENT));
    fprintf(fp, "  --templates WHAT    drop|keep|off, as for dedup [drop]\n");
    fprintf(fp, "  --same-report-window DAYS  as for dedup [%g]\n", pdef(ND_P_REPORT_WINDOW));
    fprintf(fp, "  --no-containment-sample  as for dedup\n"
                "Boilerplate:\n"
                "  --boiler-docs N, --boiler-anywhere N, --boiler-source-docs N   as for\n"
                "                      neardup boilerplate\n"
                "Passages (reuse's options):\n");
    fprintf(fp, "  --seed-ngram N      words per seed n-gram (reuse -n) [%g]\n", pdef(ND_P_NGRAM));
    fprintf(fp, "  --min-words N, --df-min N, --df-max N, --max-gap N, --no-same-source,\n"
                "  --no-copies, --header-seeds   as for reuse\n"
                "  --reuse-window DAYS pair only documents dated at most DAYS apart (reuse\n"
                "                      --window), 0 = any [0]\n"
                "  --no-text           passages without their text\n"
                "Stories (stories' options):\n");
    fprintf(fp, "  --story-threshold X cosine to join a story (stories --threshold) [%g]\n",
            pdef(ND_P_STORY_THRESHOLD));
    fprintf(fp, "  --story-window DAYS a story stays open this long (stories --window) [%g]\n",
            pdef(ND_P_STORY_WINDOW));
    fprintf(fp, "  --lang NAME, --name-weight X, --title-weight X, --link-bonus X, --drift X,\n"
                "  --names N, --model FILE   as for stories\n"
                "Digests (digest's options):\n");
    fprintf(fp, "  --digest-similarity X  sentences say the same thing from this weighted word\n"
                "                      overlap (digest --similarity) [%g]\n",
            pdef(ND_P_DIGEST_SIMILARITY));
    fprintf(fp, "Output:\n"
                "  -o, --output DIR    the directory (made when missing; the files named above\n"
                "                      are replaced, all together when every one is whole)\n"
                "  --corpus            also write corpus.jsonl\n"
                "  --no-digest         no digest.jsonl (neardup digest), nor digests in the\n"
                "                      report\n"
                "  --no-report         no report.html\n"
                "  --report-texts SIZE the report embeds at most SIZE of texts (K/M/G), those\n"
                "                      of duplicates first, then of passages, then of stories;\n"
                "                      0 = every one [64M]\n"
                "Resources and messages:\n"
                "  -T, --threads N, --memory SIZE, --tmp DIR, -q, -v, --progress   as for reuse\n"
                "  -h, --help          this help\n"
                "\n"
                "Exit status: 0 ok, 1 usage, 2 input/output error, 4 out of memory or limit.\n");
}

enum {
    A_DTHRESH = 300, A_TEMPLATES, A_RWINDOW, A_NOCSAMPLE, A_SEEDN, A_MINW, A_DFMIN, A_DFMAX,
    A_GAP, A_REUSEW, A_NOSAME, A_NOCOPIES, A_HDRSEEDS, A_NOTEXT, A_STHRESH, A_SWINDOW,
    A_LANG, A_NAMEW, A_TITLEW, A_LINKB, A_DRIFT, A_NAMES, A_MODEL, A_TITLEF, A_CORPUS,
    A_NOREPORT, A_RTEXTS, A_NODIGEST, A_DSIM
};

static const struct option k_opts[] = {
    CLI_INPUT_LONGOPTS,
    {"date-field", required_argument, NULL, IN_DATEF},
    {"title-field", required_argument, NULL, A_TITLEF},
    {"dedup-threshold", required_argument, NULL, A_DTHRESH},
    {"containment", required_argument, NULL, 'c'},
    {"templates", required_argument, NULL, A_TEMPLATES},
    {"same-report-window", required_argument, NULL, A_RWINDOW},
    {"no-containment-sample", no_argument, NULL, A_NOCSAMPLE},
    {"seed-ngram", required_argument, NULL, A_SEEDN},
    {"min-words", required_argument, NULL, A_MINW},
    {"df-min", required_argument, NULL, A_DFMIN},
    {"df-max", required_argument, NULL, A_DFMAX},
    {"max-gap", required_argument, NULL, A_GAP},
    {"reuse-window", required_argument, NULL, A_REUSEW},
    {"no-same-source", no_argument, NULL, A_NOSAME},
    {"no-copies", no_argument, NULL, A_NOCOPIES},
    {"header-seeds", no_argument, NULL, A_HDRSEEDS},
    {"no-text", no_argument, NULL, A_NOTEXT},
    {"story-threshold", required_argument, NULL, A_STHRESH},
    {"story-window", required_argument, NULL, A_SWINDOW},
    {"lang", required_argument, NULL, A_LANG},
    {"name-weight", required_argument, NULL, A_NAMEW},
    {"title-weight", required_argument, NULL, A_TITLEW},
    {"link-bonus", required_argument, NULL, A_LINKB},
    {"drift", required_argument, NULL, A_DRIFT},
    {"names", required_argument, NULL, A_NAMES},
    {"model", required_argument, NULL, A_MODEL},
    {"output", required_argument, NULL, 'o'},
    {"corpus", no_argument, NULL, A_CORPUS},
    {"no-report", no_argument, NULL, A_NOREPORT},
    {"no-digest", no_argument, NULL, A_NODIGEST},
    {"digest-similarity", required_argument, NULL, A_DSIM},
    {"report-texts", required_argument, NULL, A_RTEXTS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct arun {
    rrun r;
    nd_params *dp;          /* the deduplication's parameters */
    const char *dir, *lang, *model;
    int corpus, no_report, no_digest;
    uint64_t report_texts;  /* --report-texts: bytes of texts the report embeds at most */
    char *paths[11];        /* the outputs' paths in dir */
    char *digest;           /* the stories' digests for the report (digest_write) */
    size_t digest_len;
    digest_totals dtot;     /* what they hold, for summary.json */
    nd_story *sy;
    nd_passage *links;      /* the passages not between copies, for the stories */
    size_t nlinks;
    cli_tdiff *pdiff, *mdiff;
    results_labels labels;  /* the stories', for stories.jsonl and the report */
    int made_dir;           /* OUTDIR was made by this run (removed again on an error) */
    const char *stage;      /* the stage running, and since when (for -v) */
    struct timespec stage_t0;
} arun;

/* The next stage: the progress line names it, and -v gives the last one's wall time. */
static void stage(arun *a, const char *next)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (a->stage)
        cli_log(3, "stage %s: %.2f s", a->stage,
                (double)(t.tv_sec - a->stage_t0.tv_sec) +
                    (double)(t.tv_nsec - a->stage_t0.tv_nsec) * 1e-9);
    a->stage = next;
    a->stage_t0 = t;
    if (next)
        cli_stage(next);
}

/* Sets a parameter of p from an option's argument. */
static int setp(nd_params *p, nd_param id, const char *arg, const char *opt)
{
    return cli_set_param(g_cmd, p, id, arg, opt);
}

static int parse(arun *a, int argc, char **argv)
{
    rrun *r = &a->r;
    cli_inopts_init(&r->o.in);
    r->o.in.rd.source_field = "source";
    r->o.in.rd.date_field = "date";
    r->o.in.rd.title_field = "title";
    optind = 1;
    opterr = 0;
    int c;
    nd_params *p = r->params, *dp = a->dp;
    while ((c = getopt_long(argc, argv, ":c:o:T:qvh", k_opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case A_TITLEF: r->o.in.rd.title_field = optarg; break;
        case A_DTHRESH: bad = setp(dp, ND_P_THRESHOLD, optarg, "--dedup-threshold"); break;
        case 'c': bad = setp(dp, ND_P_CONTAINMENT, optarg, "--containment"); break;
        case A_TEMPLATES: {
            const int v = strcmp(optarg, "drop") == 0 ? ND_TEMPLATES_DROP
                        : strcmp(optarg, "keep") == 0 ? ND_TEMPLATES_KEEP
                        : strcmp(optarg, "off") == 0 ? ND_TEMPLATES_OFF : -1;
            if (v < 0)
                return usage_error("--templates: '%s' is not drop, keep or off", optarg);
            char vs[16];
            snprintf(vs, sizeof vs, "%d", v);
            bad = setp(dp, ND_P_TEMPLATES, vs, "--templates");
            break;
        }
        case A_RWINDOW:
            bad = setp(dp, ND_P_REPORT_WINDOW, optarg, "--same-report-window");
            break;
        case A_NOCSAMPLE: bad = setp(dp, ND_P_CONTAIN_SAMPLE, "0", "--no-containment-sample");
            break;
        case A_SEEDN: bad = setp(p, ND_P_NGRAM, optarg, "--seed-ngram"); break;
        case A_MINW: bad = setp(p, ND_P_MIN_WORDS, optarg, "--min-words"); break;
        case A_DFMIN: bad = setp(p, ND_P_DF_MIN, optarg, "--df-min"); break;
        case A_DFMAX: bad = setp(p, ND_P_DF_MAX, optarg, "--df-max"); break;
        case A_GAP: bad = setp(p, ND_P_MAX_GAP, optarg, "--max-gap"); break;
        case A_REUSEW: bad = setp(p, ND_P_WINDOW, optarg, "--reuse-window"); break;
        case A_NOSAME: bad = setp(p, ND_P_SAME_SOURCE, "0", "--no-same-source"); break;
        case A_NOCOPIES: bad = setp(p, ND_P_PAIR_COPIES, "0", "--no-copies"); break;
        case A_HDRSEEDS: bad = setp(p, ND_P_HEADER_SEEDS, "1", "--header-seeds"); break;
        case A_NOTEXT: r->o.no_text = 1; break;
        case A_STHRESH: bad = setp(p, ND_P_STORY_THRESHOLD, optarg, "--story-threshold"); break;
        case A_SWINDOW: bad = setp(p, ND_P_STORY_WINDOW, optarg, "--story-window"); break;
        case A_NAMEW: bad = setp(p, ND_P_NAME_WEIGHT, optarg, "--name-weight"); break;
        case A_TITLEW: bad = setp(p, ND_P_TITLE_WEIGHT, optarg, "--title-weight"); break;
        case A_LINKB: bad = setp(p, ND_P_LINK_BONUS, optarg, "--link-bonus"); break;
        case A_DRIFT: bad = setp(p, ND_P_STORY_DRIFT, optarg, "--drift"); break;
        case A_NAMES: bad = setp(p, ND_P_STORY_NAMES, optarg, "--names"); break;
        case A_LANG:
            if (!*optarg)
                return usage_error("--lang: empty language name (english, french, german, "
                                   "..., or none)");
            a->lang = optarg;
            break;
        case A_MODEL: a->model = optarg; break;
        case 'o': a->dir = optarg; break;
        case A_CORPUS: a->corpus = 1; break;
        case A_NOREPORT: a->no_report = 1; break;
        case A_NODIGEST: a->no_digest = 1; break;
        case A_DSIM:
            bad = setp(r->params, ND_P_DIGEST_SIMILARITY, optarg, "--digest-similarity");
            break;
        case A_RTEXTS:
            if (cli_parse_size(optarg, &a->report_texts))
                return usage_error("--report-texts: '%s' is not a size (K/M/G suffixes; 0 = "
                                   "every text)", optarg);
            break;
        case 'h':
            usage(stdout);
            return fflush(stdout) == 0 ? -2 : EXIT_INPUT;
        default: {
            /* the boilerplate thresholds are shared options: both deduplicators'
             * parameters do not use them, the reuse's do */
            const int h = cli_input_option(g_cmd, c, optarg, &r->o.in, p);
            if (h == 1)
                break;
            if (h)
                return EXIT_USAGE;
            /* an option two commands share, which analyze names apart */
            /* an unknown short option is optopt ("-t0.5"), a long one argv[optind - 1] */
            char sh[3] = {'-', (char)optopt, 0};
            const char *arg = c == '?' && optopt ? sh : optind > 0 ? argv[optind - 1] : "";
            static const char *const apart[][2] = {
                {"--threshold", "--dedup-threshold or --story-threshold"},
                {"-t", "--dedup-threshold"}, {"--window", "--reuse-window or --story-window"},
                {"--ngram", "--seed-ngram (dedup's shingle length is not an option here)"},
                {"-n", "--seed-ngram"}};
            /* the options of dedup or stories analyze does not take */
            static const char *const absent[] = {
                "--num-perm", "--bands", "--rows", "--method", "--exact", "--fast", "--scheme",
                "--seed", "--preset", "--simhash-k", "--fn-weight", "--keep",
                "--ignore-boilerplate", "--strip-boilerplate", "--save-model", "--clusters",
                "--pairs", "--removed", "--boilerplate", "--strip"};
            for (size_t k = 0; c == '?' && k < sizeof apart / sizeof apart[0]; k++)
                if (strncmp(arg, apart[k][0], strlen(apart[k][0])) == 0 &&
                    (arg[strlen(apart[k][0])] == '\0' || arg[strlen(apart[k][0])] == '='))
                    return usage_error("%s: analyze names it %s (the commands it runs share names)",
                                       apart[k][0], apart[k][1]);
            for (size_t k = 0; c == '?' && k < sizeof absent / sizeof absent[0]; k++)
                if (strncmp(arg, absent[k], strlen(absent[k])) == 0 &&
                    (arg[strlen(absent[k])] == '\0' || arg[strlen(absent[k])] == '='))
                    return usage_error("%s is not an option of analyze (docs/report.md says "
                                       "why); run the command it belongs to", absent[k]);
            return cli_option_error(g_cmd, c, argv, k_opts);
        }
        }
        if (bad)
            return EXIT_USAGE;
    }
    if (nd_params_get(p, ND_P_DF_MIN) > nd_params_get(p, ND_P_DF_MAX))
        return usage_error("%s", "--df-min is above --df-max");
    if (!a->dir)
        return usage_error("%s", "-o OUTDIR is required (the directory of the outputs)");
    if (!*a->dir || strcmp(a->dir, "-") == 0)
        return usage_error("-o: '%s' is not a directory name", a->dir);
    const int ri = corpus_take_inputs(r, g_cmd, argc, argv);
    if (ri)
        return ri;
    return 0;
}

/* ---- the outputs ---------------------------------------------------------------- */

enum { F_CLUSTERS, F_PAIRS, F_REMOVED, F_BOILER, F_PASSAGES, F_PCLUSTERS, F_STORIES,
       F_DIGEST, F_CORPUS, F_SUMMARY, F_REPORT, F_N };
static const char *const k_names[F_N] = {
    "clusters.jsonl", "pairs.jsonl", "removed.jsonl", "boilerplate.jsonl", "passages.jsonl",
    "passage-clusters.jsonl", "stories.jsonl", "digest.jsonl", "corpus.jsonl", "summary.json",
    "report.html"};

/* OUTDIR made when missing, and the outputs' paths in it. */
/* Before any work: OUTDIR is a directory that can be written (or can be made),
 * and the outputs' paths in it, none of them an input. */
static int check_dir(arun *a)
{
    struct stat st;
    const int found = stat(a->dir, &st) == 0, stat_errno = errno;
    if (found) {
        if (!S_ISDIR(st.st_mode)) {
            cli_log(1, "%s: not a directory (-o names the directory of the outputs)", a->dir);
            return EXIT_USAGE;
        }
        if (access(a->dir, W_OK | X_OK) != 0) {
            cli_log(1, "%s: cannot write in the output directory: %s", a->dir,
                    strerror(errno));
            return EXIT_INPUT;
        }
    } else {
        /* made at the end, when the results are ready: its parent must be writable */
        char *parent = strdup(a->dir);
        if (!parent) {
            cli_log(1, "out of memory");
            return EXIT_INTERNAL;
        }
        char *slash = strrchr(parent, '/');
        while (slash && slash > parent && slash[1] == '\0') { /* "out/" */
            *slash = '\0';
            slash = strrchr(parent, '/');
        }
        const char *p = !slash ? "." : slash == parent ? "/" : (*slash = '\0', parent);
        const int bad = stat_errno != ENOENT || access(p, W_OK | X_OK) != 0;
        if (bad)
            cli_log(1, "%s: cannot make the output directory: %s", a->dir,
                    strerror(stat_errno != ENOENT ? stat_errno : errno));
        free(parent);
        if (bad)
            return EXIT_INPUT;
    }
    for (int k = 0; k < F_N; k++) {
        const size_t n = strlen(a->dir) + strlen(k_names[k]) + 2;
        if (!(a->paths[k] = malloc(n))) {
            cli_log(1, "out of memory");
            return EXIT_INTERNAL;
        }
        snprintf(a->paths[k], n, "%s/%s", a->dir, k_names[k]);
    }
    /* no output may be one of the inputs */
    const char *outs[F_N];
    for (int k = 0; k < F_N; k++)
        outs[k] = a->paths[k];
    const char *const more[] = {a->model};
    int rc = cli_check_outputs(g_cmd, outs, F_N, a->r.inputs, a->r.ninputs, 0);
    if (rc == 0)
        rc = cli_check_outputs(g_cmd, outs, F_N, more, 1, 0);
    return rc;
}

/* When the results are ready: OUTDIR made if missing (a->made_dir). */
static int make_dir(arun *a)
{
    if (mkdir(a->dir, 0777) == 0) {
        a->made_dir = 1;
        return 0;
    }
    if (errno == EEXIST)
        return 0;
    cli_log(1, "%s: cannot make the output directory: %s", a->dir, strerror(errno));
    return EXIT_INPUT;
}

static const char *corpus_view_id(const void *ctx, uint32_t doc, size_t *len)
{
    const rrun *r = ctx;
    *len = corpus_id_len(r, doc);
    return corpus_id(r, doc);
}

/* The template differences of the deduplication, from the stored texts. */
static int template_diffs(arun *a)
{
    rrun *r = &a->r;
    if (nd_params_get(a->dp, ND_P_TEMPLATES) == ND_TEMPLATES_OFF)
        return 0;
    uint8_t *need = calloc(r->ndocs ? r->ndocs : 1, 1);
    cli_dtext *tx = calloc(r->ndocs ? r->ndocs : 1, sizeof *tx);
    int rc = 0;
    if (!need || !tx) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    if (cli_dd_template_needs(r->dd_user, r->ndocs, 1, need) == 0)
        goto done;
    for (uint32_t d = 0; d < r->ndocs && !rc; d++) {
        tx[d].date = r->date[d];
        if (!need[d])
            continue;
        const char *t;
        size_t len;
        nd_status st = corpus_text(r, d, 0, &t, &len);
        if (st != ND_OK || !(tx[d].text = malloc(len ? len : 1))) {
            cli_log(1, "%s", st != ND_OK ? "a text could not be read back from the "
                                           "temporary file" : "out of memory");
            rc = st != ND_OK ? EXIT_INPUT : EXIT_INTERNAL;
            break;
        }
        memcpy(tx[d].text, t, len);
        tx[d].len = len;
    }
    if (!rc)
        rc = cli_dd_template_diffs(r->dd_user, a->dp, r->ndocs, 1, tx, &a->pdiff, &a->mdiff);
done:
    for (size_t i = 0; tx && i < r->ndocs; i++)
        free(tx[i].text);
    free(tx);
    free(need);
    return rc;
}

static int write_dd(arun *a, cli_out *out, int k)
{
    const cli_dd_view v = {a->r.dd_user, a->r.ndocs, corpus_view_id, &a->r, a->pdiff,
                           a->mdiff};
    if (cli_out_open(out, a->paths[k]))
        return cli_out_status();
    const int rc = k == F_CLUSTERS ? cli_dd_write_clusters(&v, out->fp)
                 : k == F_PAIRS ? cli_dd_write_pairs(&v, out->fp)
                                : cli_dd_write_removed(&v, out->fp);
    if (rc)
        cli_log(1, "%s: out of memory", a->paths[k]);
    return rc;
}

/* The documents kept by the deduplication: {id, text[, source]}. */
static int write_corpus(arun *a, cli_out *out)
{
    rrun *r = &a->r;
    if (cli_out_open(out, a->paths[F_CORPUS]))
        return cli_out_status();
    for (uint32_t d = 0; d < r->ndocs; d++) {
        nd_member m;
        if (nd_dedup_member(r->dd_user, d, &m) == ND_OK && m.rep != m.doc)
            continue;
        const char *t;
        size_t len;
        if (corpus_text(r, d, 0, &t, &len) != ND_OK) {
            cli_log(1, "%s: a text could not be read back from the temporary file",
                    a->paths[F_CORPUS]);
            return EXIT_INPUT;
        }
        fputs("{\"id\":", out->fp);
        corpus_put_id(out->fp, r, d);
        fputs(",\"text\":", out->fp);
        cli_json_str(out->fp, t, len);
        corpus_put_source(out->fp, r, d);
        fputs("}\n", out->fp);
    }
    return 0;
}

/* digest.jsonl, and the digests for the report (a->digest). */
static int write_digest(arun *a, cli_out *out)
{
    rrun *r = &a->r;
    digest_stories st;
    const nd_passage *ps;
    size_t nps;
    if (nd_reuse_passages(r->ru, &ps, &nps) != ND_OK ||
        digest_stories_of(a->sy, 2, -1, &a->labels, &st)) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    FILE *rep = NULL;
    if (!a->no_report && !(rep = open_memstream(&a->digest, &a->digest_len))) {
        digest_stories_free(&st);
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    int rc = cli_out_open(out, a->paths[F_DIGEST]) ? cli_out_status() : 0;
    const digest_opts dop = {a->lang, r->o.in.threads, r->o.no_text, 0, &a->dtot};
    if (rc == 0)
        rc = digest_write(r, r->params, &st, ps, nps, &dop, out->fp, rep);
    if (rep && fclose(rep) != 0 && rc == 0) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
    }
    digest_stories_free(&st);
    return rc;
}

static int write_stories(arun *a, cli_out *out)
{
    if (cli_out_open(out, a->paths[F_STORIES]))
        return cli_out_status();
    const int rc = results_stories(&a->r, a->sy, a->links, a->nlinks, &a->labels, out->fp);
    if (rc == -2)
        return results_label_failed(a->sy);
    if (rc)
        cli_log(1, "%s: out of memory", a->paths[F_STORIES]);
    return rc ? EXIT_INTERNAL : 0;
}

/* Every output, committed together. */
static int write_all(arun *a)
{
    rrun *r = &a->r;
    cli_out outs[F_N];
    stage(a, "writing the results");
    int rc = make_dir(a);
    if (!rc)
        rc = template_diffs(a);
    for (int k = F_CLUSTERS; k <= F_REMOVED && !rc; k++)
        rc = write_dd(a, &outs[k], k);
    if (!rc)
        rc = results_write_one(r, &outs[F_BOILER], a->paths[F_BOILER], results_boilers);
    if (!rc)
        rc = results_write_one(r, &outs[F_PASSAGES], a->paths[F_PASSAGES], results_passages);
    if (!rc)
        rc = results_write_one(r, &outs[F_PCLUSTERS], a->paths[F_PCLUSTERS],
                               results_pclusters);
    if (!rc)
        rc = write_stories(a, &outs[F_STORIES]);
    if (!rc && !a->no_digest) {
        stage(a, "digests");
        rc = write_digest(a, &outs[F_DIGEST]);
    }
    if (!rc && a->corpus)
        rc = write_corpus(a, &outs[F_CORPUS]);
    const report_in in = {r, a->dp, a->sy, a->links, a->nlinks, &a->labels, a->report_texts,
                          a->no_digest ? NULL : a->digest, a->digest_len,
                          a->no_digest ? NULL : &a->dtot};
    if (!rc) {
        if (cli_out_open(&outs[F_SUMMARY], a->paths[F_SUMMARY]))
            rc = cli_out_status();
        else if (report_summary_json(&in, outs[F_SUMMARY].fp)) {
            cli_log(1, "%s: write error", a->paths[F_SUMMARY]);
            rc = EXIT_INPUT;
        }
    }
    if (!rc && !a->no_report) {
        stage(a, "writing the report");
        if (cli_out_open(&outs[F_REPORT], a->paths[F_REPORT]))
            rc = cli_out_status();
        else {
            const char *why = "out of memory";
            if ((rc = report_html(&in, outs[F_REPORT].fp, &why)) != 0)
                cli_log(1, "%s: %s", a->paths[F_REPORT], why);
        }
    }
    if (rc) {
        cli_out_abort_all(); /* outs live on this stack */
        if (a->made_dir)
            (void)rmdir(a->dir);
        return rc;
    }
    if (cli_out_commit_all()) {
        if (a->made_dir)
            (void)rmdir(a->dir);
        return EXIT_INPUT;
    }
    /* a report or corpus of an earlier run, not made this time, would not match */
    if (a->no_report)
        (void)unlink(a->paths[F_REPORT]);
    if (!a->corpus)
        (void)unlink(a->paths[F_CORPUS]);
    if (a->no_digest)
        (void)unlink(a->paths[F_DIGEST]);
    stage(a, NULL);
    return 0;
}

/* ---- the run ---------------------------------------------------------------------- */

static int run(arun *a)
{
    rrun *r = &a->r;
    int rc;
    nd_status st;
    if ((rc = check_dir(a)) != 0)
        return rc;
    stage(a, "reading and duplicates");
    if ((rc = corpus_load(r)) != 0)
        return rc;
    stage(a, "boilerplate");
    if ((st = nd_reuse_boilerplate(r->ru, corpus_text, r)) == ND_OK) {
        corpus_release_memory();
        stage(a, "passages");
        st = nd_reuse_run(r->ru, corpus_text, r);
    }
    if (st != ND_OK) {
        cli_log(1, "reuse: %s", cli_detail(nd_reuse_errdetail(r->ru), st));
        return cli_exit_status(st);
    }
    /* the stories link the documents that share passages, copies apart */
    const nd_passage *ps;
    size_t nps;
    if (nd_reuse_passages(r->ru, &ps, &nps) != ND_OK ||
        !(a->links = malloc((nps ? nps : 1) * sizeof *a->links))) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < nps; i++)
        if (!(ps[i].flags & ND_PASSAGE_COPY))
            a->links[a->nlinks++] = ps[i];
    stage(a, "story vectors");
    if ((rc = corpus_story_add(r, g_cmd, a->lang, a->links, a->nlinks, &a->sy)) != 0)
        return rc;
    corpus_release_memory();
    if ((rc = corpus_story_vectors(r, a->sy, a->model, 1)) != 0)
        return rc;
    stage(a, "stories");
    if ((st = nd_story_cluster(a->sy)) != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_story_errdetail(a->sy), st));
        return cli_exit_status(st);
    }
    stage(a, "story labels");
    const int lr = results_labels_make(r, a->sy, &a->labels);
    if (lr == -2)
        return results_label_failed(a->sy);
    if (lr) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    return write_all(a);
}

static void summary(const arun *a)
{
    const rrun *r = &a->r;
    nd_dedup_stats ds;
    nd_dedup_get_stats(r->dd_user, &ds);
    nd_reuse_stats rs;
    nd_reuse_get_stats(r->ru, &rs);
    results_story_counts sc;
    if (results_count_stories(a->sy, &sc))
        return;
    const size_t ns = sc.stories, multi = sc.multi;
    const unsigned long long nd = r->ndocs;
    char hb[32];
    cli_human_bytes(hb, sizeof hb, (double)ds.bytes);
    cli_log(2, "%llu %s (%s) read; duplicates: %llu %s, %llu removed (%.1f%% of the "
               "bytes); %llu boilerplate %s; %llu %s in %llu passage %s; %zu %s, %zu with 2+ "
               "documents",
            nd, cli_plural(nd, "document", "documents"), hb,
            (unsigned long long)ds.clusters, cli_plural(ds.clusters, "cluster", "clusters"),
            (unsigned long long)ds.removed,
            ds.bytes ? 100.0 * (double)ds.bytes_removed / (double)ds.bytes : 0.0,
            (unsigned long long)rs.boiler_segments,
            cli_plural(rs.boiler_segments, "segment", "segments"),
            (unsigned long long)rs.passages, cli_plural(rs.passages, "passage", "passages"),
            (unsigned long long)rs.clusters, cli_plural(rs.clusters, "cluster", "clusters"),
            ns, cli_plural(ns, "story", "stories"), multi);
    if (!a->no_report)
        cli_log(2, "report: %s", a->paths[F_REPORT]);
    corpus_fields_summary(r);
    cli_reader_summary(&r->rs);
}

int cmd_analyze(int argc, char **argv)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    arun a;
    memset(&a, 0, sizeof a);
    rrun *r = &a.r;
    r->text_fd = -1;
    r->o.stories_cmd = 1;  /* titles and dates as written */
    r->cmd = g_cmd;
    int rc;
    if (nd_params_create(&r->params, NULL) != ND_OK || nd_params_create(&a.dp, NULL) != ND_OK) {
        cli_log(1, "out of memory");
        nd_params_destroy(r->params);
        return EXIT_INTERNAL;
    }
    r->o.dedup_params = a.dp;
    a.report_texts = (uint64_t)64 << 20;
    rc = parse(&a, argc, argv);
    if (rc == 0)
        rc = run(&a);
    if (rc == 0) {
        summary(&a);
        cli_report_time(g_cmd, &t0);
    }
    if (rc && rc != -2)
        cli_out_abort_all();
    results_labels_free(&a.labels);
    nd_story_destroy(a.sy);
    free(a.links);
    free(a.digest);
    free(a.pdiff);
    free(a.mdiff);
    for (int k = 0; k < F_N; k++)
        free(a.paths[k]);
    corpus_free(r);
    nd_params_destroy(a.dp);
    return rc == -2 ? 0 : rc;
}

/*
 * cmd_stories.c - `neardup stories` (documents grouped by the event they
 * report) and `neardup similarity` (the story similarity of listed pairs).
 *
 * DESIGN
 *   The corpus is read as for reuse (corpus.h): texts, ids, sources, dates,
 *   titles, and the copy groups of an nd_dedup pass. Unless --no-reuse, the
 *   passages of nd_reuse (boilerplate ignored) are found too. Copies and
 *   passages become nd_story links; nd_story builds TF-IDF vectors and
 *   clusters online in date order (neardup.h, story/story.c). Each story is
 *   written with its label, dates, sources and members, each member with its
 *   cosine to the centroid and its relation to the other members: "copy" or
 *   "near-duplicate" (same copy group), "reuse" (a shared passage), or
 *   "independent".
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "corpus/corpus.h"
#include "corpus/results.h"
#include "read/inputs.h"
#include "read/json.h"
#include "write/output.h"

static const char *g_scmd = "stories";

enum {
    S_DATEF = 300, S_TITLEF, S_THRESH, S_WINDOW, S_NAMEW, S_TITLEW, S_LINKB, S_DRIFT, S_NAMES,
    S_LANG, S_NOREUSE,
    S_PAIRS, S_MODEL, S_SAVEMODEL, S_JSON
};

static const struct option k_sopts[] = {
    CLI_INPUT_LONGOPTS,
    {"date-field", required_argument, NULL, S_DATEF},
    {"title-field", required_argument, NULL, S_TITLEF},
    {"threshold", required_argument, NULL, S_THRESH},
    {"window", required_argument, NULL, S_WINDOW},
    {"name-weight", required_argument, NULL, S_NAMEW},
    {"title-weight", required_argument, NULL, S_TITLEW},
    {"link-bonus", required_argument, NULL, S_LINKB},
    {"drift", required_argument, NULL, S_DRIFT},
    {"names", required_argument, NULL, S_NAMES},
    {"lang", required_argument, NULL, S_LANG},
    {"no-reuse", no_argument, NULL, S_NOREUSE},
    {"pairs", required_argument, NULL, S_PAIRS},
    {"model", required_argument, NULL, S_MODEL},
    {"save-model", required_argument, NULL, S_SAVEMODEL},
    {"json", no_argument, NULL, S_JSON},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static double pdef(nd_param id)
{
    double d = 0;
    return nd_params_bounds(id, NULL, NULL, &d) == ND_OK ? d : 0;
}

static void usage(FILE *fp, int sim)
{
    if (sim)
        fprintf(fp, "usage: neardup similarity --pairs PAIRS [options] CORPUS...\n"
                    "\n"
                    "Prints, for each pair {\"a\": ID, \"b\": ID} of the JSON Lines file PAIRS,\n"
                    "{\"a\", \"b\", \"similarity\"}: the cosine of the two documents' story\n"
                    "vectors, with TF-IDF weights learnt from CORPUS (see neardup stories).\n"
                    "\n");
    else
        fprintf(fp, "usage: neardup stories [options] INPUT...\n"
                    "\n"
                    "Groups documents by the event they report, across outlets that share\n"
                    "little wording: stemmed TF-IDF vectors (names, numbers and titles weigh\n"
                    "more), clustered online in date order; copies and shared passages pull\n"
                    "documents together. One JSON line per story (docs/output-format.md).\n"
                    "\n");
    fprintf(fp, "Input (as for neardup dedup):\n"
                "  --format FMT, --lines, --id-field NAME, --text-field NAME, --on-error,\n"
                "  --max-record SIZE   as for dedup\n"
                "  --title-field NAME  JSON field holding the title [title]\n"
                "  --date-field NAME   JSON field holding the date [date] (forms as for reuse)\n"
                "  --source-field NAME JSON field naming the source [source]\n"
                "Vectors:\n");
    fprintf(fp, "  --lang NAME         stemming language (Snowball name or ISO code) [english]\n");
    fprintf(fp, "  --name-weight X     weight of names and numbers [%g]\n", pdef(ND_P_NAME_WEIGHT));
    fprintf(fp, "  --title-weight X    weight of title words [%g]\n", pdef(ND_P_TITLE_WEIGHT));
    fprintf(fp, "  --model FILE        start from the document frequencies saved in FILE\n"
                "                      (--save-model of a larger collection): they are added\n"
                "                      to this collection's\n"
                "  --save-model FILE   save the document frequencies learnt (with the model's)\n");
    if (!sim) {
        fprintf(fp, "Stories:\n");
        fprintf(fp, "  --threshold X       cosine to a story's centroid to join it [%g]\n",
                pdef(ND_P_STORY_THRESHOLD));
        fprintf(fp, "  --window DAYS       a story stays open this long after its last\n"
                    "                      member, 0 = forever [%g]\n",
                pdef(ND_P_STORY_WINDOW));
        fprintf(fp, "  --link-bonus X      added for a story holding a copy of the document\n"
                    "                      or sharing a passage with it [%g]\n",
                pdef(ND_P_LINK_BONUS));
        fprintf(fp, "  --drift X           a story of 3+ members takes a document only if its\n"
                    "                      cosine to the story's first 3 members reaches X\n"
                    "                      times the threshold, 0 = off [%g]\n",
                pdef(ND_P_STORY_DRIFT));
        fprintf(fp, "  --names N           a document naming N names or more joins no story\n"
                    "                      naming N or more of which it shares none,\n"
                    "                      0 = off [%g]\n",
                pdef(ND_P_STORY_NAMES));
        fprintf(fp, "  --no-reuse          do not look for shared passages (faster)\n"
                    "Output:\n"
                    "  -o, --output FILE   the stories [stdout; a listing of the stories of 2+\n"
                    "                      documents on a terminal]\n"
                    "  --json              JSON Lines on stdout when it is a terminal too\n");
    } else {
        fprintf(fp, "Pairs and output:\n"
                    "  --pairs FILE        the pairs, JSON Lines {\"a\": ID, \"b\": ID}\n"
                    "                      (required)\n"
                    "  -o, --output FILE   the similarities [stdout]\n");
    }
    fprintf(fp, "Resources and messages:\n"
                "  -T, --threads N, --memory SIZE, --tmp DIR, -q, -v, --progress   as for reuse\n"
                "  -h, --help          this help\n"
                "\n"
                "Exit status: 0 ok, 1 usage, 2 input/output error, 4 out of memory or limit.\n");
}

typedef struct sopts {
    const char *lang, *pairs, *model, *save_model;
    int no_reuse, sim;
} sopts;

static int parse(rrun *r, sopts *so, int argc, char **argv)
{
    cli_inopts_init(&r->o.in);
    r->o.in.rd.source_field = "source";
    r->o.in.rd.date_field = "date";
    r->o.in.rd.title_field = "title";
    optind = 1;
    opterr = 0;
    int c, li = -1;
    while ((c = getopt_long(argc, argv, ":o:T:qvh", k_sopts, &li)) != -1) {
        switch (c) {
        case S_DATEF: r->o.in.rd.date_field = optarg; break;
        case S_TITLEF: r->o.in.rd.title_field = optarg; break;
        case S_THRESH:
            if (cli_set_param(g_scmd, r->params, ND_P_STORY_THRESHOLD, optarg, "--threshold"))
                return EXIT_USAGE;
            break;
        case S_WINDOW:
            if (cli_set_param(g_scmd, r->params, ND_P_STORY_WINDOW, optarg, "--window"))
                return EXIT_USAGE;
            break;
        case S_NAMEW:
            if (cli_set_param(g_scmd, r->params, ND_P_NAME_WEIGHT, optarg, "--name-weight"))
                return EXIT_USAGE;
            break;
        case S_TITLEW:
            if (cli_set_param(g_scmd, r->params, ND_P_TITLE_WEIGHT, optarg, "--title-weight"))
                return EXIT_USAGE;
            break;
        case S_LINKB:
            if (cli_set_param(g_scmd, r->params, ND_P_LINK_BONUS, optarg, "--link-bonus"))
                return EXIT_USAGE;
            break;
        case S_DRIFT:
            if (cli_set_param(g_scmd, r->params, ND_P_STORY_DRIFT, optarg, "--drift"))
                return EXIT_USAGE;
            break;
        case S_NAMES:
            if (cli_set_param(g_scmd, r->params, ND_P_STORY_NAMES, optarg, "--names"))
                return EXIT_USAGE;
            break;
        case S_LANG:
            if (!*optarg)
                return cli_usage_error(g_scmd, "--lang: empty language name (english, french, "
                                               "german, ..., or none)");
            so->lang = optarg;
            break;
        case S_NOREUSE: so->no_reuse = 1; break;
        case S_PAIRS: so->pairs = optarg; break;
        case S_MODEL: so->model = optarg; break;
        case S_SAVEMODEL: so->save_model = optarg; break;
        case S_JSON: r->o.json = 1; break;
        case 'o': r->o.output = optarg; break;
        case 'h':
            usage(stdout, so->sim);
            return fflush(stdout) == 0 ? -2 : EXIT_INPUT;
        default: {
            const int h = cli_input_option(g_scmd, c, optarg, &r->o.in, r->params);
            if (h == 1)
                break;
            return h ? EXIT_USAGE : cli_option_error(g_scmd, c, argv, k_sopts);
        }
        }
        if ((c == S_PAIRS && !so->sim) ||
            (so->sim && (c == S_THRESH || c == S_WINDOW || c == S_LINKB || c == S_DRIFT ||
                         c == S_NAMES || c == S_NOREUSE)))
            return cli_usage_error(g_scmd, "option '--%s' is not for neardup %s",
                                   li >= 0 ? k_sopts[li].name : "?", g_scmd);
        li = -1;
    }
    if (so->sim && !so->pairs)
        return cli_usage_error(g_scmd, "%s", "--pairs FILE is required");
    const int ri = corpus_take_inputs(r, g_scmd, argc, argv);
    if (ri)
        return ri;
    /* the outputs must not overwrite a file read: an input, --model, --pairs */
    const char *outs[] = {r->o.output, so->save_model};
    const char *const more[] = {so->model, so->pairs};
    int rc = cli_check_outputs(g_scmd, outs, 2, r->inputs, r->ninputs, !r->o.output);
    if (rc == 0)
        rc = cli_check_outputs(g_scmd, outs, 2, more, 2, !r->o.output);
    return rc;
}

/* ---- the stories ------------------------------------------------------------ */

typedef struct srun {
    rrun *r;
    nd_story *sy;
    cli_out model_out;      /* --save-model, committed with the main output */
    const nd_passage *ps;   /* passages, sorted by (a, b) */
    size_t nps;
} srun;

/* ---- the pairs (similarity) ---------------------------------------------------- */

static void on_pairs_error(void *ctx, const char *msg)
{
    *(int *)ctx = 1;
    cli_log(1, "%s", msg);
}

static int write_pairs(rrun *r, nd_story *sy, const char *path, FILE *out)
{
    /* plain, .gz or .zst, as neardup writes them */
    int reported = 0;
    FILE *in = rd_fopen(path, on_pairs_error, &reported);
    if (!in) {
        cli_log(1, "%s: out of memory", path);
        return EXIT_INTERNAL;
    }
    corpus_idmap m = {NULL, 0}; /* freed at done even when js_new() fails first */
    static const char *const names[] = {"a", "b"};
    js_scanner *js = js_new(names, 2);
    char *line = NULL;
    size_t cap = 0;
    long len;
    unsigned long long lineno = 0;
    int rc = 0;
    if (!js || corpus_idmap_build(&m, r)) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    while ((len = js_next_line(in, &line, &cap, &lineno)) >= 0) {
        if (js_scan(js, line, (size_t)len) != JS_OK || js_top(js) != JS_OBJECT) {
            cli_log(1, "%s:%llu: not a JSON object", path, (unsigned long long)lineno);
            rc = EXIT_INPUT;
            break;
        }
        uint32_t d[2];
        for (int i = 0; i < 2; i++) {
            const js_value *v = js_field(js, (size_t)i);
            if (v->type != JS_STRING && v->type != JS_NUMBER) {
                cli_log(1, "%s:%llu: no string \"%s\"", path, (unsigned long long)lineno,
                        names[i]);
                rc = EXIT_INPUT;
                goto done;
            }
            d[i] = corpus_idmap_get(&m, r, v->s, v->n);
            if (d[i] == UINT32_MAX) {
                cli_log(1, "%s:%llu: \"%s\" is not an id of the corpus: %.*s", path,
                        (unsigned long long)lineno, names[i], (int)(v->n > 80 ? 80 : v->n),
                        v->s);
                rc = EXIT_INPUT;
                goto done;
            }
        }
        double sim = 0;
        const nd_status st = nd_story_similarity(sy, d[0], d[1], &sim);
        if (st != ND_OK) {
            cli_log(1, "%s", cli_detail(nd_story_errdetail(sy), st));
            rc = EXIT_INTERNAL;
            break;
        }
        fputs("{\"a\":", out);
        corpus_put_id(out, r, d[0]);
        fputs(",\"b\":", out);
        corpus_put_id(out, r, d[1]);
        fputs(",\"similarity\":", out);
        cli_json_num(out, sim);
        fputs("}\n", out);
    }
    if (rc == 0 && ferror(in)) {
        if (!reported)
            cli_log(1, "%s: read error: %s", path, strerror(errno));
        rc = errno == ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    } else if (rc == 0 && errno == ENOMEM) {
        cli_log(1, "%s:%llu: out of memory", path, (unsigned long long)lineno + 1);
        rc = EXIT_INTERNAL;
    }
done:
    free(line);
    free(m.slot);
    js_free(js);
    fclose(in);
    return rc;
}

/* ---- texts without their boilerplate ------------------------------------------------ */

/* ---- the commands ---------------------------------------------------------------- */

/* The shared passages (boilerplate ignored), which link their documents. */
static int find_passages(srun *s)
{
    rrun *r = s->r;
    nd_status st;
    cli_stage("boilerplate");
    if ((st = nd_reuse_boilerplate(r->ru, corpus_text, r)) == ND_OK) {
        corpus_release_memory();
        cli_stage("passages");
        st = nd_reuse_run(r->ru, corpus_text, r);
    }
    if (st != ND_OK) {
        cli_log(1, "reuse: %s", cli_detail(nd_reuse_errdetail(r->ru), st));
        return cli_exit_status(st);
    }
    if ((st = nd_reuse_passages(r->ru, &s->ps, &s->nps)) != ND_OK) {
        cli_log(1, "reuse: %s", cli_detail(nd_reuse_errdetail(r->ru), st));
        return EXIT_INTERNAL;
    }
    return 0;
}

/* --save-model: written to a new temporary in the model's directory (mkstemp,
 * never an existing file), renamed into place with the main output. */
static int save_model(srun *s, const char *path)
{
    if (cli_out_open_named(&s->model_out, path))
        return cli_out_status();
    errno = 0;
    const nd_status st = nd_story_model_save(s->sy, cli_out_name(&s->model_out));
    if (st != ND_OK) {
        /* the library's detail, and the system's reason when it leaves it out */
        const char *why = st == ND_E_IO && errno ? strerror(errno) : "";
        const char *d = nd_story_errdetail(s->sy);
        if (!d || !*d)
            d = nd_strerror(st);
        cli_log(1, "%s: cannot write the model: %s%s%s", path, d,
                *why && !strstr(d, why) ? ": " : "", *why && !strstr(d, why) ? why : "");
        return cli_exit_status(st);
    }
    return 0;
}

/* The main output: pair similarities (similarity) or the stories. */
static int write_output(srun *s, const sopts *so)
{
    rrun *r = s->r;
    cli_out out;
    int rc = 0;
    nd_status st;
    if (!so->sim && corpus_listing(r)) { /* a terminal: a listing for a person */
        if ((st = nd_story_cluster(s->sy)) != ND_OK) {
            cli_log(1, "%s", cli_detail(nd_story_errdetail(s->sy), st));
            return cli_exit_status(st);
        }
        if (cli_out_commit_all()) /* the model */
            return EXIT_INPUT;
        rc = results_show_stories(r, s->sy, s->ps, s->nps);
        return rc == -2 ? results_label_failed(s->sy) : rc;
    }
    if (cli_out_open(&out, r->o.output ? r->o.output : "-"))
        return cli_out_status();
    if (so->sim) {
        rc = write_pairs(r, s->sy, so->pairs, out.fp);
    } else if ((st = nd_story_cluster(s->sy)) != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_story_errdetail(s->sy), st));
        rc = cli_exit_status(st);
    } else if ((rc = results_stories(r, s->sy, s->ps, s->nps, NULL, out.fp)) == -2) {
        rc = results_label_failed(s->sy);
    } else if (rc) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
    }
    if (rc == 0 && cli_out_commit_all()) /* the model too */
        rc = EXIT_INPUT;
    if (rc)
        cli_out_abort_all(); /* out lives on this stack */
    return rc;
}

static void stories_summary(const srun *s)
{
    results_story_counts c;
    if (results_count_stories(s->sy, &c))
        return;
    const size_t nd = s->r->ndocs, ns = c.stories, multi = c.multi, in_multi = c.in_multi;
    cli_log(2, "%zu %s: %zu %s, %zu with 2+ documents (%zu documents); the copies and "
               "%zu shared %s linked documents",
            nd, cli_plural(nd, "document", "documents"), ns, cli_plural(ns, "story", "stories"),
            multi, in_multi, s->nps, cli_plural(s->nps, "passage", "passages"));
}

static int stories_main(int argc, char **argv, int sim)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    g_scmd = sim ? "similarity" : "stories";
    rrun r;
    memset(&r, 0, sizeof r);
    r.text_fd = -1;
    r.o.stories_cmd = 1;
    r.o.keep_boilerplate = 1;
    sopts so;
    memset(&so, 0, sizeof so);
    so.sim = sim;
    r.o.no_groups = sim; /* pair similarities use neither copies nor passages */
    srun s;
    memset(&s, 0, sizeof s);
    s.r = &r;
    /* Copies are linked as copies: their passages would only add alignments
     * (ND_P_PAIR_COPIES 0). */
    if (nd_params_create(&r.params, NULL) != ND_OK ||
        nd_params_set(r.params, ND_P_PAIR_COPIES, 0) != ND_OK) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    int rc = parse(&r, &so, argc, argv);
    if (rc == 0)
        rc = corpus_load(&r);
    if (rc == 0 && !sim && !so.no_reuse)
        rc = find_passages(&s);
    if (rc == 0)
        rc = corpus_story_add(&r, g_scmd, so.lang, s.ps, s.nps, &s.sy);
    corpus_release_memory();
    if (rc == 0)
        rc = corpus_story_vectors(&r, s.sy, so.model, !sim && !so.no_reuse);
    if (rc == 0 && so.save_model)
        rc = save_model(&s, so.save_model);
    if (rc == 0)
        rc = write_output(&s, &so);
    if (rc == 0 && !sim)
        stories_summary(&s);
    if (rc == 0)
        corpus_fields_summary(&r);
    if (rc == 0)
        cli_reader_summary(&r.rs);
    if (rc == 0)
        cli_report_time(g_scmd, &t0);
    if (rc && rc != -2)
        cli_out_abort_all();
    nd_story_destroy(s.sy);
    corpus_free(&r);
    return rc == -2 ? 0 : rc;
}

int cmd_stories(int argc, char **argv)
{
    return stories_main(argc, argv, 0);
}

int cmd_similarity(int argc, char **argv)
{
    return stories_main(argc, argv, 1);
}

/*
 * cmd_digest.c - `neardup digest`: for each story, what its sources say
 * alike, what each alone says, where they disagree, and the names they give
 * one entity (neardup.h, "Story digest"; docs/output-format.md, "digest").
 *
 * DESIGN
 *   The corpus is read as for stories (corpus.h), and its passages found,
 *   copies' included (ND_P_PAIR_COPIES 1): they are the digest's verbatim
 *   evidence. The stories are `neardup stories`' (same options, linked by the
 *   passages that are not between copies, as stories links them), or read
 *   from --stories FILE. Each story of --min-size documents or more is
 *   digested (corpus/digest.c) and written as one JSON line, or as a listing
 *   on a terminal.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "corpus/corpus.h"
#include "corpus/digest.h"
#include "corpus/results.h"
#include "read/inputs.h"
#include "write/output.h"

static const char *const g_cmd = "digest";

enum {
    D_DATEF = 300, D_TITLEF, D_THRESH, D_WINDOW, D_NAMEW, D_TITLEW, D_LINKB, D_DRIFT, D_NAMES,
    D_LANG, D_NOREUSE, D_MODEL, D_STORIES, D_STORY, D_MINSIZE, D_SIM, D_NOTEXT, D_JSON
};

static const struct option k_opts[] = {
    CLI_INPUT_LONGOPTS,
    {"date-field", required_argument, NULL, D_DATEF},
    {"title-field", required_argument, NULL, D_TITLEF},
    {"threshold", required_argument, NULL, D_THRESH},
    {"window", required_argument, NULL, D_WINDOW},
    {"name-weight", required_argument, NULL, D_NAMEW},
    {"title-weight", required_argument, NULL, D_TITLEW},
    {"link-bonus", required_argument, NULL, D_LINKB},
    {"drift", required_argument, NULL, D_DRIFT},
    {"names", required_argument, NULL, D_NAMES},
    {"lang", required_argument, NULL, D_LANG},
    {"no-reuse", no_argument, NULL, D_NOREUSE},
    {"model", required_argument, NULL, D_MODEL},
    {"stories", required_argument, NULL, D_STORIES},
    {"story", required_argument, NULL, D_STORY},
    {"min-size", required_argument, NULL, D_MINSIZE},
    {"similarity", required_argument, NULL, D_SIM},
    {"no-text", no_argument, NULL, D_NOTEXT},
    {"json", no_argument, NULL, D_JSON},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static double pdef(nd_param id)
{
    double d = 0;
    return nd_params_bounds(id, NULL, NULL, &d) == ND_OK ? d : 0;
}

static void usage(FILE *fp)
{
    fprintf(fp, "usage: neardup digest [options] INPUT...\n"
                "\n"
                "For each story of INPUT (as neardup stories finds it, or from --stories):\n"
                "the statements most of its sources carry, verbatim or paraphrased; what\n"
                "each source alone says; quantities the sources give differently (\"some\n"
                "2,800 members\" / \"some 3,000 members\"); predicates one source affirms and\n"
                "another negates (\"killed\" / \"no casualties\"), for a person to check; and\n"
                "the names the sources give one entity (MEK / MKO). Every item is a byte\n"
                "range of a document. One JSON line per story (docs/output-format.md).\n"
                "\n"
                "Input (as for neardup stories):\n"
                "  --format FMT, --lines, --id-field NAME, --text-field NAME, --on-error,\n"
                "  --max-record SIZE, --title-field NAME, --date-field NAME,\n"
                "  --source-field NAME (documents of one source count once) [source]\n"
                "Stories:\n"
                "  --stories FILE      the stories of neardup stories (JSON Lines), on the\n"
                "                      same INPUT; without it they are found here, with\n"
                "  --threshold X, --window DAYS, --link-bonus X, --drift X, --names N,\n"
                "  --name-weight X, --title-weight X, --model FILE   as for neardup stories\n"
                "  --story K           digest story K only\n"
                "  --min-size N        digest the stories of N documents or more [2]\n"
                "Digest:\n");
    fprintf(fp, "  --similarity X      two sentences say the same thing from this weighted\n"
                "                      word overlap (0.01 to 1) [%g]\n",
            pdef(ND_P_DIGEST_SIMILARITY));
    fprintf(fp, "  --lang NAME         stemming language (Snowball name or ISO code) [english]\n"
                "  --no-reuse          no passages (nor boilerplate): verbatim only where the\n"
                "                      words are the same\n"
                "Output:\n"
                "  -o, --output FILE   the digests [stdout; a listing on a terminal]\n"
                "  --json              JSON Lines on stdout when it is a terminal too\n"
                "  --no-text           byte ranges only, without the sentences' text\n"
                "Resources and messages:\n"
                "  -T, --threads N, --memory SIZE, --tmp DIR, -q, -v, --progress   as for reuse\n"
                "  -h, --help          this help\n"
                "\n"
                "Exit status: 0 ok, 1 usage, 2 input/output error, 4 out of memory or limit.\n");
}

typedef struct dopts {
    const char *lang, *model, *stories;
    long long story;
    size_t min_size;
    int no_reuse, story_opt;
} dopts;

static int parse(rrun *r, dopts *o, int argc, char **argv)
{
    cli_inopts_init(&r->o.in);
    r->o.in.rd.source_field = "source";
    r->o.in.rd.date_field = "date";
    r->o.in.rd.title_field = "title";
    optind = 1;
    opterr = 0;
    int c, li = -1;
    uint64_t u;
    while ((c = getopt_long(argc, argv, ":o:T:qvh", k_opts, &li)) != -1) {
        nd_param pid = (nd_param)0;
        const char *pname = NULL;
        switch (c) {
        case D_DATEF: r->o.in.rd.date_field = optarg; break;
        case D_TITLEF: r->o.in.rd.title_field = optarg; break;
        case D_THRESH: pid = ND_P_STORY_THRESHOLD; pname = "--threshold"; break;
        case D_WINDOW: pid = ND_P_STORY_WINDOW; pname = "--window"; break;
        case D_NAMEW: pid = ND_P_NAME_WEIGHT; pname = "--name-weight"; break;
        case D_TITLEW: pid = ND_P_TITLE_WEIGHT; pname = "--title-weight"; break;
        case D_LINKB: pid = ND_P_LINK_BONUS; pname = "--link-bonus"; break;
        case D_DRIFT: pid = ND_P_STORY_DRIFT; pname = "--drift"; break;
        case D_NAMES: pid = ND_P_STORY_NAMES; pname = "--names"; break;
        case D_SIM: pid = ND_P_DIGEST_SIMILARITY; pname = "--similarity"; break;
        case D_LANG:
            if (!*optarg)
                return cli_usage_error(g_cmd, "--lang: empty language name (english, french, "
                                              "german, ..., or none)");
            o->lang = optarg;
            break;
        case D_NOREUSE: o->no_reuse = 1; break;
        case D_MODEL: o->model = optarg; o->story_opt = 1; break;
        case D_STORIES: o->stories = optarg; break;
        case D_STORY:
            if (cli_parse_uint(optarg, 0, INT64_MAX, &u))
                return cli_usage_error(g_cmd, "--story: '%s' is not a story number", optarg);
            o->story = (long long)u;
            break;
        case D_MINSIZE:
            if (cli_parse_uint(optarg, 1, UINT32_MAX, &u))
                return cli_usage_error(g_cmd, "--min-size: '%s' is not a count of 1 or more",
                                       optarg);
            o->min_size = (size_t)u;
            break;
        case D_NOTEXT: r->o.no_text = 1; break;
        case D_JSON: r->o.json = 1; break;
        case 'o': r->o.output = optarg; break;
        case 'h':
            usage(stdout);
            return fflush(stdout) == 0 ? -2 : EXIT_INPUT;
        default: {
            const int h = cli_input_option(g_cmd, c, optarg, &r->o.in, r->params);
            if (h == 1)
                break;
            return h ? EXIT_USAGE : cli_option_error(g_cmd, c, argv, k_opts);
        }
        }
        if (pname) {
            if (cli_set_param(g_cmd, r->params, pid, optarg, pname))
                return EXIT_USAGE;
            if (pid != ND_P_DIGEST_SIMILARITY)
                o->story_opt = 1;
        }
        li = -1;
    }
    (void)li;
    if (o->stories && o->story_opt)
        return cli_usage_error(g_cmd, "%s", "the story options (--threshold, --window, ...) "
                                            "find stories: with --stories FILE they are read");
    const int ri = corpus_take_inputs(r, g_cmd, argc, argv);
    if (ri)
        return ri;
    const char *outs[] = {r->o.output};
    const char *const more[] = {o->stories, o->model};
    int rc = cli_check_outputs(g_cmd, outs, 1, r->inputs, r->ninputs, !r->o.output);
    if (rc == 0)
        rc = cli_check_outputs(g_cmd, outs, 1, more, 2, !r->o.output);
    return rc;
}

typedef struct drun {
    rrun r;
    dopts o;
    nd_story *sy;
    nd_passage *links;      /* the passages not between copies, for the stories */
    size_t nlinks;
    const nd_passage *ps;   /* every passage */
    size_t nps;
    results_labels labels;
    digest_stories st;
    digest_totals tot;
} drun;

static int find_passages(drun *a)
{
    rrun *r = &a->r;
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
    if (nd_reuse_passages(r->ru, &a->ps, &a->nps) != ND_OK ||
        !(a->links = malloc((a->nps ? a->nps : 1) * sizeof *a->links))) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < a->nps; i++)
        if (!(a->ps[i].flags & ND_PASSAGE_COPY))
            a->links[a->nlinks++] = a->ps[i];
    return 0;
}

static int find_stories(drun *a)
{
    rrun *r = &a->r;
    int rc;
    nd_status st;
    cli_stage("story vectors");
    if ((rc = corpus_story_add(r, g_cmd, a->o.lang, a->links, a->nlinks, &a->sy)) != 0)
        return rc;
    corpus_release_memory();
    if ((rc = corpus_story_vectors(r, a->sy, a->o.model, !a->o.no_reuse)) != 0)
        return rc;
    cli_stage("stories");
    if ((st = nd_story_cluster(a->sy)) != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_story_errdetail(a->sy), st));
        return cli_exit_status(st);
    }
    cli_stage("story labels");
    const int lr = results_labels_make(r, a->sy, &a->labels);
    if (lr == -2)
        return results_label_failed(a->sy);
    if (lr || digest_stories_of(a->sy, a->o.min_size, a->o.story, &a->labels, &a->st)) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    return 0;
}

static int write_digests(drun *a)
{
    rrun *r = &a->r;
    digest_opts dop = {a->o.lang, r->o.in.threads, r->o.no_text, corpus_listing(r), &a->tot};
    cli_stage("digests");
    if (dop.listing) {
        cli_progress_end();
        return digest_write(r, r->params, &a->st, a->ps, a->nps, &dop, stdout, NULL);
    }
    cli_out out;
    if (cli_out_open(&out, r->o.output ? r->o.output : "-"))
        return cli_out_status();
    int rc = digest_write(r, r->params, &a->st, a->ps, a->nps, &dop, out.fp, NULL);
    if (rc == 0 && cli_out_commit_all())
        rc = EXIT_INPUT;
    if (rc)
        cli_out_abort_all();
    return rc;
}

/* --story K names no story digested: say whether it is too small or absent. */
static int no_story(drun *a)
{
    const nd_story_member *m;
    const size_t *off;
    size_t ns = 0;
    if (a->sy && nd_story_stories(a->sy, &m, &off, &ns) == ND_OK &&
        (unsigned long long)a->o.story < ns) {
        const size_t k = (size_t)a->o.story, n = off[k + 1] - off[k];
        cli_log(1, "--story %lld has %zu %s: --min-size %zu digests it", a->o.story, n,
                cli_plural(n, "document", "documents"), n);
    } else if (a->sy) {
        cli_log(1, "--story %lld: there are %zu stories (0 to %zu)", a->o.story, ns,
                ns ? ns - 1 : 0);
    } else {
        cli_log(1, "--story %lld: no such story of %zu documents or more in %s", a->o.story,
                a->o.min_size, a->o.stories);
    }
    return EXIT_USAGE;
}

int cmd_digest(int argc, char **argv)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    drun a;
    memset(&a, 0, sizeof a);
    rrun *r = &a.r;
    r->text_fd = -1;
    r->o.stories_cmd = 1;
    r->cmd = g_cmd;
    a.o.story = -1;
    a.o.min_size = 2;
    if (nd_params_create(&r->params, NULL) != ND_OK) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    int rc = parse(r, &a.o, argc, argv);
    if (rc == 0)
        rc = corpus_load(r);
    if (rc == 0 && !a.o.no_reuse)
        rc = find_passages(&a);
    if (rc == 0 && a.o.stories)
        rc = digest_stories_read(r, a.o.stories, a.o.min_size, a.o.story, &a.st);
    else if (rc == 0)
        rc = find_stories(&a);
    if (rc == 0 && a.o.story >= 0 && a.st.n == 0)
        rc = no_story(&a);
    if (rc == 0)
        rc = write_digests(&a);
    if (rc == 0) {
        if (a.st.n)
            cli_log(2, "%zu %s digested: %zu groups of sentences (%zu said by most sources), "
                       "%zu %s, %zu to check, %zu sets of names",
                    a.st.n, cli_plural(a.st.n, "story", "stories"), a.tot.groups, a.tot.core,
                    a.tot.disagreements,
                    cli_plural(a.tot.disagreements, "disagreement", "disagreements"),
                    a.tot.contradictions, a.tot.aliases);
        else
            cli_log(2, "0 stories digested (none of --min-size documents or more: stories of "
                       "one document are not digested)");
        corpus_fields_summary(r);
        cli_reader_summary(&r->rs);
        cli_report_time(g_cmd, &t0);
    }
    if (rc && rc != -2)
        cli_out_abort_all();
    digest_stories_free(&a.st);
    results_labels_free(&a.labels);
    nd_story_destroy(a.sy);
    free(a.links);
    corpus_free(r);
    return rc == -2 ? 0 : rc;
}

/*
 * cmd_index.c - `neardup index create|add|query|get|remove|stats|verify|compact`:
 * the persistent index (nd_index, on LMDB) from the command line.
 *
 * DESIGN
 *   The index fixes its parameters at create; add and query take the stored
 *   ones, and a parameter option given to them is checked against the index
 *   (a difference is refused, exit 3, like an index of another version).
 *   add reads every input form the batch commands read (reader.h) and adds
 *   the records in batches of --batch documents, each batch one nd_index_add
 *   (one LMDB transaction, synced when it returns). The answers of a batch
 *   are written only after its commit returned, and standard output is
 *   flushed then: an answer line that reached the reader is a document that
 *   is in the index, whatever happens next (tests/e2e/index_crash.sh kills
 *   the command at random moments to check it). A batch never holds one id
 *   twice (the library refuses that): a repeated id closes the batch first,
 *   so that any --batch gives the answers of adding one at a time. Without
 *   --batch a batch is a quarter of the documents indexed, from AUTO_MIN to
 *   AUTO_MAX: every commit rewrites about every leaf of the band key table
 *   that it touches (random keys), so batches that grow with the index keep
 *   the bytes written per document bounded (docs/benchmarks.md, "The index
 *   at scale": 1,000,000 documents in 30.1 s against 78.4 s in batches of
 *   10,000, format 1),
 *   and AUTO_MAX bounds the memory. Records
 *   whose id the index cannot take (empty, over 500 bytes) are bad records
 *   (--on-error). query answers each document in a read transaction of an
 *   index opened read-only; nothing is written. The answers' JSON is
 *   write/answer.c's, shared with the HTTP service.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cli.h"
#include "read/idoc.h"
#include "read/inputs.h"
#include "write/answer.h"
#include "write/output.h"

enum { SUB_CREATE, SUB_ADD, SUB_QUERY, SUB_GET, SUB_REMOVE, SUB_STATS, SUB_VERIFY, SUB_COMPACT,
       SUB_COUNT };

static const struct {
    const char *name, *args, *summary;
} k_subs[SUB_COUNT] = {
    {"create", "[parameters] DIR", "create an empty index in DIR with its parameters"},
    {"add", "[options] DIR INPUT...", "add (or replace) documents; one answer line each"},
    {"query", "[options] DIR INPUT...", "answer documents as add would, writing nothing"},
    {"get", "DIR ID...", "what the index holds for each id (one JSON line each)"},
    {"remove", "[--ids-file FILE] DIR [ID...]", "remove documents by id"},
    {"stats", "DIR", "the index's counts and sizes (one JSON line)"},
    {"verify", "DIR", "check every record and that the tables agree (exit 3 if not)"},
    {"compact", "DIR DST", "write a compacted copy of the index to the new directory DST"},
};

/* Options of the index itself (above the shared ones of inputs.h). */
enum {
    O_BATCH = 400, O_NOANS, O_ANSWERS, O_CREATE, O_IDSFILE, O_LANG, O_NOSYNC, O_TITLEF, P_BASE = 500
};

/* Parameter options: what create stores, and what add and query check. */
typedef struct popt {
    const char *name;
    int short_name;         /* or 0 */
    nd_param id;
    const char *fixed;      /* the value of an option without argument, or NULL */
    const char *const *names;  /* an argument naming the value (its index), or NULL */
} popt;

static const char *const k_methods[] = {"minhash", "simhash", NULL};
static const char *const k_schemes[] = {"kperm", "oph", NULL};

static const popt k_popts[] = {
    {"ngram", 'n', ND_P_NGRAM, NULL, NULL},
    {"threshold", 't', ND_P_THRESHOLD, NULL, NULL},
    {"containment", 'c', ND_P_CONTAINMENT, NULL, NULL},
    {"num-perm", 0, ND_P_NUM_PERM, NULL, NULL},
    {"bands", 0, ND_P_BANDS, NULL, NULL},
    {"rows", 0, ND_P_ROWS, NULL, NULL},
    {"fn-weight", 0, ND_P_FN_WEIGHT, NULL, NULL},
    {"seed", 0, ND_P_SEED, NULL, NULL},
    {"scheme", 0, ND_P_SCHEME, NULL, k_schemes},
    {"fast", 0, ND_P_VERIFY, "1", NULL},
    {"method", 0, ND_P_METHOD, NULL, k_methods},
    {"simhash-k", 0, ND_P_SIMHASH_K, NULL, NULL},
    {"min-words", 0, ND_P_MIN_WORDS, NULL, NULL},
    {"df-min", 0, ND_P_DF_MIN, NULL, NULL},
    {"df-max", 0, ND_P_DF_MAX, NULL, NULL},
    {"max-gap", 0, ND_P_MAX_GAP, NULL, NULL},
    {"window", 0, ND_P_WINDOW, NULL, NULL},
    {"no-same-source", 0, ND_P_SAME_SOURCE, "0", NULL},
    {"copies", 0, ND_P_PAIR_COPIES, "1", NULL},
    {"no-copies", 0, ND_P_PAIR_COPIES, "0", NULL},
    {"story-threshold", 0, ND_P_STORY_THRESHOLD, NULL, NULL},
    {"story-window", 0, ND_P_STORY_WINDOW, NULL, NULL},
    {"name-weight", 0, ND_P_NAME_WEIGHT, NULL, NULL},
    {"title-weight", 0, ND_P_TITLE_WEIGHT, NULL, NULL},
    {"link-bonus", 0, ND_P_LINK_BONUS, NULL, NULL},
    {"no-passages", 0, ND_P_INDEX_PASSAGES, "0", NULL},
    {"no-stories", 0, ND_P_INDEX_STORIES, "0", NULL},
};
#define NPOPTS (sizeof k_popts / sizeof k_popts[0])

static const struct option k_own_opts[] = {
    {"date-field", required_argument, NULL, IN_DATEF},
    {"title-field", required_argument, NULL, O_TITLEF},
    {"batch", required_argument, NULL, O_BATCH},
    {"no-answers", no_argument, NULL, O_NOANS},
    {"answers", required_argument, NULL, O_ANSWERS},
    {"create", no_argument, NULL, O_CREATE},
    {"ids-file", required_argument, NULL, O_IDSFILE},
    {"lang", required_argument, NULL, O_LANG},
    {"no-sync", no_argument, NULL, O_NOSYNC},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
};
static const struct option k_in_opts[] = {CLI_INPUT_LONGOPTS};

#define NOPTS (sizeof k_in_opts / sizeof k_in_opts[0] + \
               sizeof k_own_opts / sizeof k_own_opts[0] + NPOPTS + 1)

/* A parameter option as given, applied again to the stored parameters. */
typedef struct pgiven {
    size_t k;           /* k_popts[k] */
    const char *arg;    /* its value as cli_set_param() takes it */
} pgiven;

typedef struct ixopts {
    int sub;
    char cmd[32];               /* "index add": for messages */
    const char *dir;
    char **args;                /* inputs, ids, or DST */
    size_t nargs;
    nd_params *params;          /* defaults with the parameter options */
    pgiven given[NPOPTS * 2];
    size_t ngiven;
    cli_inopts in;
    const char *output, *ids_file, *lang;
    uint64_t batch;
    int no_answers, no_sync;
    int create;                 /* add --create: make the index when DIR holds none */
    unsigned parts;             /* --answers (query): ND_INDEX_ANSWER_* */
} ixopts;

static struct option g_opts[NOPTS];

static void build_opts(void)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof k_in_opts / sizeof k_in_opts[0]; i++)
        g_opts[n++] = k_in_opts[i];
    for (size_t i = 0; i < sizeof k_own_opts / sizeof k_own_opts[0]; i++)
        g_opts[n++] = k_own_opts[i];
    for (size_t i = 0; i < NPOPTS; i++) {
        g_opts[n].name = k_popts[i].name;
        g_opts[n].has_arg = k_popts[i].fixed ? no_argument : required_argument;
        g_opts[n].flag = NULL;
        g_opts[n].val = k_popts[i].short_name ? k_popts[i].short_name : P_BASE + (int)i;
        n++;
    }
    memset(&g_opts[n], 0, sizeof g_opts[n]);
}

static double pdef(nd_param id)
{
    double d = 0;
    return nd_params_bounds(id, NULL, NULL, &d) == ND_OK ? d : 0;
}

/* ---- help ------------------------------------------------------------------- */

static void usage_all(FILE *fp)
{
    fprintf(fp, "usage: neardup index <subcommand> [options] DIR [...]\n"
                "\n"
                "A persistent index in the directory DIR (LMDB): documents are added one\n"
                "batch at a time, each batch durable when its answers are written, and each\n"
                "gets the answers of dedup, reuse and stories against everything indexed\n"
                "before it. Subcommands:\n");
    for (int i = 0; i < SUB_COUNT; i++)
        fprintf(fp, "  %-8s %s\n", k_subs[i].name, k_subs[i].summary);
    fprintf(fp, "\nRun 'neardup index <subcommand> --help' for its options.\n"
                "Exit status: 0 ok, 1 usage, 2 input/output error, 3 index damaged, of another\n"
                "version, or made with other parameters, 4 out of memory or limit.\n");
}

static void usage_params(FILE *fp)
{
    fprintf(fp, "Parameters (fixed at create; add and query refuse other values):\n");
    fprintf(fp, "  -n, --ngram N        words per shingle and reuse seed [%g]\n",
            pdef(ND_P_NGRAM));
    fprintf(fp, "  -t, --threshold X    resemblance of a near-duplicate [%g]\n",
            pdef(ND_P_THRESHOLD));
    fprintf(fp, "  -c, --containment X  containment of contained-in, 0 = off [%g]\n",
            pdef(ND_P_CONTAINMENT));
    fprintf(fp, "  --num-perm N, --bands N, --rows N, --fn-weight X, --seed N,\n"
                "  --scheme kperm|oph, --fast        MinHash and LSH, as for dedup\n");
    fprintf(fp, "  --method M           minhash or simhash [minhash]\n");
    fprintf(fp, "  --simhash-k K        SimHash: most differing bits of candidates [%g]\n",
            pdef(ND_P_SIMHASH_K));
    fprintf(fp, "  --min-words N, --df-min N, --df-max N, --max-gap N, --window DAYS,\n"
                "  --no-same-source, --no-copies     shared passages, as for reuse\n");
    fprintf(fp, "  --story-threshold X, --story-window DAYS, --name-weight X,\n"
                "  --title-weight X, --link-bonus X  stories, as for stories' --threshold,\n"
                "                                    --window and the others\n");
    fprintf(fp, "  --no-passages        keep no n-gram postings nor texts: no passages\n"
                "  --no-stories         keep no term frequencies: no stories\n");
}

static void usage_sub(FILE *fp, int sub)
{
    fprintf(fp, "usage: neardup index %s %s\n\n%s.\n\n", k_subs[sub].name, k_subs[sub].args,
            k_subs[sub].summary);
    switch (sub) {
    case SUB_CREATE:
        usage_params(fp);
        break;
    case SUB_ADD:
    case SUB_QUERY:
        fprintf(fp, "Each document's answer is one JSON line (neardup(1), INDEX): its cluster\n"
                    "among the indexed documents, every pair and passage it shares with one\n"
                    "(the indexed one is \"a\"), and its story.\n"
                    "Input (as for neardup stories):\n"
                    "  --format FMT, --lines, --id-field NAME, --text-field NAME,\n"
                    "  --on-error skip|stop, --max-record SIZE   as for dedup\n"
                    "  --source-field NAME  JSON field naming the source [source]\n"
                    "  --date-field NAME    JSON field holding the date (see the man page) [date]\n"
                    "  --title-field NAME   JSON field holding the title [title]\n"
                    "  --lang NAME          stemming language of the stories [the index's]\n"
                    "Output:\n"
                    "  -o, --output FILE    the answers [stdout]\n"
                    "  --no-answers         write no answers\n");
        if (sub == SUB_QUERY)
            fprintf(fp, "  --answers LIST       the parts to find: %s\n"
                        "                       (the cluster and pairs always; duplicates\n"
                        "                       alone is a fast \"seen it?\") [all]\n",
                    CLI_ANSWER_PARTS);
        if (sub == SUB_ADD)
            fprintf(fp, "  --batch N            documents per transaction; an answer is written\n"
                        "                       once its batch is committed [a quarter of the\n"
                        "                       documents indexed, from 1000 to 100000]\n"
                        "  --create             make the index first when DIR holds none, with\n"
                        "                       the parameter options given (as create does)\n"
                        "  --no-sync            sync once at the end, not at each commit (bulk\n"
                        "                       loads); a system crash may lose or damage what\n"
                        "                       was added (verify tells), a process crash not\n"
                        "  -T, --threads N      threads sketching a batch, 0 = one per core [0]\n");
        fprintf(fp, "A parameter option (see 'neardup index create --help') is checked\n"
                    "against the index's.\n");
        break;
    case SUB_REMOVE:
        fprintf(fp, "All in one transaction; ids not indexed are skipped. Prints\n"
                    "{\"requested\":N,\"removed\":N} on stdout.\n"
                    "  --ids-file FILE      also the ids of FILE, one per line ('-': stdin)\n"
                    "  --no-sync            do not sync the commit\n");
        break;
    case SUB_VERIFY:
        fprintf(fp, "Prints {\"problems\":N} on stdout; exit status 3 when N is not 0, or\n"
                    "when the index cannot be opened as damaged or of another version.\n");
        break;
    default:
        break;
    }
    fprintf(fp, "Messages:\n"
                "  -q, --quiet          no summary; -v, --verbose: more\n"
                "  --progress, --no-progress   progress line [on a terminal]\n"
                "  -h, --help           this help\n"
                "\n"
                "Exit status: 0 ok, 1 usage, 2 input/output error, 3 index damaged, of another\n"
                "version, or made with other parameters, 4 out of memory or limit.\n");
}

/* ---- options ---------------------------------------------------------------- */

/* May subcommand sub take option c? */
static int allowed(int sub, int c)
{
    const int docs = sub == SUB_ADD || sub == SUB_QUERY;
    switch (c) {
    case 'q': case 'v': case IN_PROGRESS: case IN_NOPROGRESS: case 'h':
        return 1;
    case IN_FORMAT: case IN_LINES: case IN_IDF: case IN_TEXTF: case IN_SRCF: case IN_DATEF:
    case IN_ONERR: case IN_MAXREC: case O_TITLEF: case O_LANG: case 'o': case O_NOANS:
        return docs;
    case O_BATCH:
        return sub == SUB_ADD;
    case O_ANSWERS:
        return sub == SUB_QUERY;
    case O_CREATE:
        return sub == SUB_ADD;
    case O_NOSYNC:
        return sub == SUB_ADD || sub == SUB_REMOVE;
    case O_IDSFILE:
        return sub == SUB_REMOVE;
    case 'T':
        return sub == SUB_ADD;
    case IN_MEMORY: case IN_TMP: case IN_BDOCS: case IN_BANY: case IN_BSRC:
        return 0;
    default:  /* parameters */
        return sub == SUB_CREATE || docs;
    }
}

/* k_popts index of option c, or -1. */
static int popt_of(int c)
{
    if (c >= P_BASE && c < P_BASE + (int)NPOPTS)
        return c - P_BASE;
    for (size_t i = 0; i < NPOPTS; i++)
        if (k_popts[i].short_name && k_popts[i].short_name == c)
            return (int)i;
    return -1;
}

static const char *const k_digits[] = {"0", "1", "2", "3"};

/* Sets k_popts[k] from arg on p. Returns 0 or EXIT_USAGE after a message. */
static int set_popt(const char *cmd, nd_params *p, size_t k, const char *arg)
{
    const popt *po = &k_popts[k];
    char opt[40];
    snprintf(opt, sizeof opt, "--%s", po->name);
    if (po->fixed)
        return cli_set_param(cmd, p, po->id, po->fixed, opt);
    if (po->names) {
        for (size_t i = 0; po->names[i]; i++)
            if (strcmp(arg, po->names[i]) == 0)
                return cli_set_param(cmd, p, po->id, k_digits[i], opt);
        return cli_usage_error(cmd, "%s: '%s' is not %s or %s", opt, arg, po->names[0],
                               po->names[1]);
    }
    if (po->id == ND_P_BANDS || po->id == ND_P_ROWS) {
        double v;
        if (cli_parse_double(arg, 0, 1e9, &v) == 0 && v < 1)
            return cli_usage_error(cmd, "%s: invalid value '%s' (at least 1; leave it out to "
                                        "have the layout chosen from the threshold)", opt, arg);
    }
    return cli_set_param(cmd, p, po->id, arg, opt);
}

static int sub_of(const char *name)
{
    for (int i = 0; i < SUB_COUNT; i++)
        if (strcmp(name, k_subs[i].name) == 0)
            return i;
    return -1;
}

/* Parses argv (argv[0] is the subcommand). Returns 0, -2 after --help, or an
 * exit code. */
static int parse(ixopts *o, int argc, char **argv)
{
    cli_inopts_init(&o->in);
    o->in.rd.source_field = "source";
    o->in.rd.date_field = "date";
    o->in.rd.title_field = "title";
    o->batch = 0; /* automatic */
    o->parts = ND_INDEX_ANSWER_ALL;
    build_opts();
    const char *cmd = o->cmd;
    optind = 1;
    opterr = 0;
    int c, li = -1;
    while ((c = getopt_long(argc, argv, ":n:t:c:o:T:qvh", g_opts, &li)) != -1) {
        if (c != ':' && c != '?' && !allowed(o->sub, c)) {
            if (li >= 0)
                return cli_usage_error(cmd, "option '--%s' is not for neardup %s",
                                       g_opts[li].name, cmd);
            return cli_usage_error(cmd, "option '-%c' is not for neardup %s", c, cmd);
        }
        li = -1;
        const int k = popt_of(c);
        if (k >= 0) {
            if (set_popt(cmd, o->params, (size_t)k, optarg))
                return EXIT_USAGE;
            if (o->ngiven < sizeof o->given / sizeof o->given[0])
                o->given[o->ngiven++] = (pgiven){(size_t)k, optarg};
            continue;
        }
        switch (c) {
        case O_TITLEF: o->in.rd.title_field = optarg; break;
        case O_LANG:
            if (!*optarg)
                return cli_usage_error(cmd, "--lang: empty language name (english, french, "
                                            "german, ..., or none)");
            o->lang = optarg;
            break;
        case 'o': o->output = optarg; break;
        case O_NOANS: o->no_answers = 1; break;
        case O_ANSWERS: {
            const char *bad;
            size_t bad_len;
            if (cli_parse_answers(optarg, &o->parts, &bad, &bad_len))
                return cli_usage_error(cmd, "--answers: '%.*s' is not one of %s",
                                       (int)bad_len, bad, CLI_ANSWER_PARTS);
            break;
        }
        case O_BATCH:
            if (cli_parse_uint(optarg, 1, 1000000, &o->batch))
                return cli_usage_error(cmd, "--batch: '%s' is not a number from 1 to 1000000",
                                       optarg);
            break;
        case O_NOSYNC: o->no_sync = 1; break;
        case O_CREATE: o->create = 1; break;
        case O_IDSFILE: o->ids_file = optarg; break;
        case 'h':
            usage_sub(stdout, o->sub);
            return fflush(stdout) == 0 ? -2 : EXIT_INPUT;
        default: {
            const int h = cli_input_option(cmd, c, optarg, &o->in, o->params);
            if (h == 1)
                break;
            return h ? EXIT_USAGE : cli_option_error(cmd, c, argv, g_opts);
        }
        }
    }
    if (nd_params_lsh(o->params, NULL, NULL, NULL, NULL) != ND_OK)
        return cli_usage_error(cmd, "%s", "--bands x --rows is more than --num-perm");
    if (nd_params_get(o->params, ND_P_DF_MIN) > nd_params_get(o->params, ND_P_DF_MAX))
        return cli_usage_error(cmd, "%s", "--df-min is above --df-max");
    if (optind >= argc)
        return cli_usage_error(cmd, "%s", "no index directory given");
    o->dir = argv[optind++];
    o->args = argv + optind;
    o->nargs = (size_t)(argc - optind);
    switch (o->sub) {
    case SUB_ADD:
    case SUB_QUERY: {
        if (o->nargs == 0)
            return cli_usage_error(cmd, "%s", "no input given (a file, a directory, or '-' "
                                              "for stdin)");
        int stdin_seen = 0;
        for (size_t i = 0; i < o->nargs; i++)
            if (strcmp(o->args[i], "-") == 0 && stdin_seen++)
                return cli_usage_error(cmd, "%s", "'-' (stdin) given twice");
        if (o->no_answers && o->output)
            return cli_usage_error(cmd, "%s", "--no-answers and -o: choose one");
        const char *outs[] = {o->output};
        return cli_check_outputs(cmd, outs, 1, (const char *const *)o->args, o->nargs,
                                 !o->output && !o->no_answers);
    }
    case SUB_GET:
        if (o->nargs == 0)
            return cli_usage_error(cmd, "%s", "no id given");
        return 0;
    case SUB_REMOVE:
        if (o->nargs == 0 && !o->ids_file)
            return cli_usage_error(cmd, "%s", "no id given (IDs after DIR, or --ids-file)");
        return 0;
    case SUB_COMPACT:
        if (o->nargs != 1)
            return cli_usage_error(cmd, "%s", "give DIR and DST, the new directory");
        return 0;
    default:
        if (o->nargs)
            return cli_usage_error(cmd, "unexpected argument '%s' after DIR", o->args[0]);
        return 0;
    }
}

/* ---- opening ---------------------------------------------------------------- */

/* The exit status of a failed nd_index_open(): the index's state (none there,
 * one there already, another writer) is an input error. */
static int open_status(nd_status st)
{
    return st == ND_E_STATE ? EXIT_INPUT : cli_exit_status(st);
}

/* Logs a failure about the index in dir: the detail, prefixed with the
 * directory unless it names it already. */
static void log_ix(const char *dir, const char *detail, nd_status st)
{
    const char *d = cli_detail(detail, st);
    const size_t n = strlen(dir);
    if (strncmp(d, dir, n) == 0 && d[n] == ':')
        cli_log(1, "%s", d);
    else
        cli_log(1, "%s: %s", dir, d);
}

/* Opens the index in o->dir. add and query take the stored parameters: a
 * parameter option given to them must agree with them (else exit 3); add
 * reopens with them and -T (ND_P_THREADS, not stored: the threads that sketch
 * a batch). */
static int open_index(const ixopts *o, unsigned flags, nd_index **out)
{
    nd_index *ix = NULL;
    const nd_params *p = flags & ND_INDEX_CREATE ? o->params : NULL;
    nd_status st = nd_index_open(&ix, o->dir, p, flags, NULL);
    if (st != ND_OK) {
        log_ix(o->dir, ix ? nd_index_errdetail(ix) : NULL, st);
        nd_index_close(ix);
        return open_status(st);
    }
    if (flags & ND_INDEX_CREATE || (!o->ngiven && o->sub != SUB_ADD)) {
        *out = ix;
        return 0;
    }
    nd_params *stored = NULL, *want = NULL;
    if (nd_params_create(&stored, NULL) != ND_OK || nd_params_create(&want, NULL) != ND_OK) {
        nd_params_destroy(stored);
        nd_index_close(ix);
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    nd_index_params(ix, stored);
    nd_index_params(ix, want);
    int rc = 0;
    /* The options given, applied to the stored parameters, must change nothing. */
    for (size_t i = 0; i < o->ngiven && !rc; i++) {
        const popt *po = &k_popts[o->given[i].k];
        if (set_popt(o->cmd, want, o->given[i].k, o->given[i].arg))
            rc = EXIT_USAGE;
        else if (nd_params_get(want, po->id) != nd_params_get(stored, po->id)) {
            const double was = nd_params_get(stored, po->id);
            const double now = nd_params_get(want, po->id);
            if (po->fixed)
                cli_log(1, "%s: the index was created without --%s; its parameters cannot "
                           "change (make a new index)", o->dir, po->name);
            else if (po->names && was >= 0 && was < 2 && now >= 0 && now < 2)
                cli_log(1, "%s: the index was created with --%s %s, not %s; its parameters "
                           "cannot change (make a new index)", o->dir, po->name,
                        po->names[(int)was], po->names[(int)now]);
            else
                cli_log(1, "%s: the index was created with --%s %.15g, not %.15g; its "
                           "parameters cannot change (make a new index)", o->dir, po->name,
                        was, now);
            rc = EXIT_CORRUPT;
        }
    }
    if (!rc && o->sub == SUB_ADD) {
        nd_index_close(ix);
        ix = NULL;
        if (nd_params_set(want, ND_P_THREADS, o->in.threads) != ND_OK) {
            rc = EXIT_INTERNAL;
        } else if ((st = nd_index_open(&ix, o->dir, want, flags, NULL)) != ND_OK) {
            log_ix(o->dir, ix ? nd_index_errdetail(ix) : NULL, st);
            rc = st == ND_E_PARAM ? EXIT_CORRUPT : open_status(st);
        }
    }
    nd_params_destroy(stored);
    nd_params_destroy(want);
    if (rc) {
        nd_index_close(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

static int session_of(const ixopts *o, nd_index *ix, nd_index_session **s)
{
    const nd_status st = nd_index_session_create(ix, s);
    if (st != ND_OK) {
        log_ix(o->dir, nd_index_errdetail(ix), st);
        return cli_exit_status(st);
    }
    nd_index_session_set_answers(*s, o->parts);
    return 0;
}

/* ---- add and query ---------------------------------------------------------- */

/* The ids of the batch being filled: open addressing on XXH3. */
typedef struct idset {
    uint64_t *h;        /* hash + 1 per slot, 0 = empty */
    size_t mask;
} idset;

static int idset_init(idset *s, uint64_t batch)
{
    size_t n = 16;
    while (n < batch * 2)
        n *= 2;
    s->h = calloc(n, sizeof *s->h);
    s->mask = n - 1;
    return s->h ? 0 : -1;
}

/* Whether a document of the batch b may have this id (same hash: checked). */
static int idset_has(const idset *s, const cli_idoc_batch *b, const char *id, size_t n)
{
    const uint64_t h = XXH3_64bits(id, n) | 1;
    for (size_t i = h & s->mask; s->h[i]; i = (i + 1) & s->mask)
        if (s->h[i] == h)
            for (size_t j = 0; j < b->n; j++)
                if (b->docs[j].id_len == n && memcmp(b->docs[j].id, id, n) == 0)
                    return 1;
    return 0;
}

static void idset_put(idset *s, const char *id, size_t n)
{
    const uint64_t h = XXH3_64bits(id, n) | 1;
    size_t i = h & s->mask;
    while (s->h[i] && s->h[i] != h)
        i = (i + 1) & s->mask;
    s->h[i] = h;
}

typedef struct drun {
    const ixopts *o;
    nd_index *ix;
    nd_index_session *s;
    FILE *fp;                     /* answers, or NULL */
    int to_stdout;
    cli_idoc_batch b;
    idset ids;
    uint64_t docs, bytes, added, replaced, unchanged, dups, with_pairs, with_passages;
    uint64_t bad_ids;
    uint64_t indexed; /* documents in the index (for the automatic batch) */
} drun;

#define AUTO_MIN 1000u
#define AUTO_MAX 100000u

/* Documents in the next batch: --batch, or a quarter of the index. */
static uint64_t batch_size(const drun *r)
{
    if (r->o->batch)
        return r->o->batch;
    const uint64_t b = r->indexed / 4;
    return b < AUTO_MIN ? AUTO_MIN : b > AUTO_MAX ? AUTO_MAX : b;
}

static void count(drun *r, const nd_index_answer *a)
{
    r->docs++;
    r->added += a->change == ND_INDEX_ADDED;
    r->replaced += a->change == ND_INDEX_REPLACED;
    r->unchanged += a->change == ND_INDEX_UNCHANGED;
    r->dups += a->rel != ND_REL_NONE;
    r->with_pairs += a->num_matches > 0;
    r->with_passages += a->num_passages > 0;
}

static int put_answer(drun *r, const char *id, size_t id_len, const nd_index_answer *a)
{
    if (!r->fp)
        return 0;
    cli_answer_json(r->fp, id, id_len, a);
    return putc('\n', r->fp) == EOF ? -1 : 0;
}

/* Commits the batch, then writes its answers (flushed on stdout). */
static int flush_batch(drun *r)
{
    if (r->b.n == 0)
        return 0;
    const nd_index_answer *ans = NULL;
    const nd_status st = nd_index_add(r->s, r->b.docs, r->b.n, &ans);
    if (st != ND_OK) {
        cli_log(1, "%s: adding documents %llu to %llu: %s", r->o->dir,
                (unsigned long long)r->docs + 1, (unsigned long long)(r->docs + r->b.n),
                cli_detail(nd_index_session_errdetail(r->s), st));
        return cli_exit_status(st);
    }
    for (size_t i = 0; i < r->b.n; i++) {
        if (put_answer(r, r->b.docs[i].id, r->b.docs[i].id_len, &ans[i]))
            break;
        count(r, &ans[i]);
        r->indexed += ans[i].change == ND_INDEX_ADDED;
    }
    if (r->fp && (r->to_stdout ? fflush(r->fp) != 0 : ferror(r->fp) != 0)) {
        cli_log(1, "%s: cannot write the answers: %s", r->o->output ? r->o->output : "stdout",
                strerror(errno));
        return EXIT_INPUT;
    }
    cli_idoc_clear(&r->b);
    memset(r->ids.h, 0, (r->ids.mask + 1) * sizeof *r->ids.h);
    return 0;
}

static int query_one(drun *r, const rd_record *rec)
{
    nd_index_doc d;
    cli_idoc_of_record(rec, &d);
    if (r->o->lang) {
        d.lang = r->o->lang;
        d.lang_len = strlen(r->o->lang);
    }
    const nd_index_answer *a = NULL;
    const nd_status st = nd_index_query(r->s, &d, &a);
    if (st != ND_OK) {
        cli_log(1, "%s: %s", rec->id, cli_detail(nd_index_session_errdetail(r->s), st));
        return cli_exit_status(st);
    }
    if (put_answer(r, rec->id, rec->id_len, a)) {
        cli_log(1, "%s: cannot write the answers: %s", r->o->output ? r->o->output : "stdout",
                strerror(errno));
        return EXIT_INPUT;
    }
    count(r, a);
    return 0;
}

static void log_reader_msg(void *ctx, const char *msg)
{
    (void)ctx;
    cli_log(1, "%s", msg);
}

/* Where a record came from, for a message about it. */
static void record_where(const rd_record *rec, char *buf, size_t n)
{
    if (rec->line)
        snprintf(buf, n, "%s:%llu", rec->path, (unsigned long long)rec->line);
    else if (rec->record)
        snprintf(buf, n, "%s: record %llu", rec->path, (unsigned long long)rec->record);
    else
        snprintf(buf, n, "%s", rec->path);
}

static int read_docs(drun *r, int query)
{
    const ixopts *o = r->o;
    cli_inopts in = o->in;
    in.rd.on_error = log_reader_msg;
    in.rd.ctx = NULL;
    in.rd.verbose = g_display_level >= 3;
    rd_reader *rd = rd_open((const char *const *)o->args, o->nargs, &in.rd);
    if (!rd) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    const char *what = query ? "index query" : "index add";
    int rc = 0;
    for (;;) {
        rd_record rec;
        const int x = rd_next(rd, &rec);
        if (x == RD_END)
            break;
        if (x == RD_ERR_NOMEM) {
            cli_log(1, "out of memory while reading");
            rc = EXIT_INTERNAL;
            break;
        }
        if (x != RD_OK) {
            if (in.rd.on_error_skip && x == RD_ERR_IO)
                continue;
            cli_log(1, "stopping at the first bad input (--on-error stop)");
            rc = EXIT_INPUT;
            break;
        }
        if (rec.id_len == 0 || rec.id_len > 500) {
            char where[300];
            record_where(&rec, where, sizeof where);
            cli_log(1, "%s: the id is %s (the index takes 1 to 500 bytes)%s", where,
                    rec.id_len ? "longer than 500 bytes" : "empty",
                    in.rd.on_error_skip ? "; skipped" : "");
            r->bad_ids++;
            if (!in.rd.on_error_skip) {
                cli_log(1, "stopping at the first bad input (--on-error stop)");
                rc = EXIT_INPUT;
                break;
            }
            continue;
        }
        r->bytes += rec.text_len;
        if (query) {
            if ((rc = query_one(r, &rec)) != 0)
                break;
        } else {
            if (idset_has(&r->ids, &r->b, rec.id, rec.id_len) && (rc = flush_batch(r)) != 0)
                break;
            if (cli_idoc_push(&r->b, &rec, o->lang) != 0) {
                cli_log(1, "out of memory");
                rc = EXIT_INTERNAL;
                break;
            }
            idset_put(&r->ids, rec.id, rec.id_len);
            if (r->b.n >= batch_size(r) && (rc = flush_batch(r)) != 0)
                break;
        }
        cli_progress(what, r->docs + r->b.n, r->bytes);
    }
    /* under --on-error stop, what came before the bad record is added */
    if (!query && rc != EXIT_INTERNAL && rc != EXIT_CORRUPT) {
        const int rc2 = flush_batch(r);
        if (!rc)
            rc = rc2;
    }
    cli_progress_end();
    rd_stats rs;
    rd_get_stats(rd, &rs);
    rd_close(rd);
    if (rc == 0 && rs.failed_inputs > 0 && rs.records == 0) {
        cli_log(1, "no input could be read");
        rc = EXIT_INPUT;
    }
    cli_reader_summary(&rs);
    if (rs.skipped + r->bad_ids)
        cli_log(2, "%llu bad %s skipped", (unsigned long long)(rs.skipped + r->bad_ids),
                cli_plural(rs.skipped + r->bad_ids, "record", "records"));
    return rc;
}

static int cmd_docs(ixopts *o)
{
    const int query = o->sub == SUB_QUERY;
    drun r;
    memset(&r, 0, sizeof r);
    r.o = o;
    unsigned flags = query ? ND_INDEX_READONLY : 0;
    if (o->no_sync)
        flags |= ND_INDEX_NOSYNC;
    if (o->create && !nd_index_exists(o->dir)) { /* a new index: DIR holds none */
        flags |= ND_INDEX_CREATE;
        if (nd_params_set(o->params, ND_P_THREADS, o->in.threads) != ND_OK) {
            cli_log(1, "out of memory");
            return EXIT_INTERNAL;
        }
    }
    int rc = open_index(o, flags, &r.ix);
    if (rc)
        return rc;
    if (flags & ND_INDEX_CREATE)
        cli_log(2, "%s: index created", o->dir);
    cli_out out;
    int out_open = 0;
    if ((rc = session_of(o, r.ix, &r.s)) != 0)
        goto done;
    if (!query && idset_init(&r.ids, o->batch ? o->batch : AUTO_MAX) != 0) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    if (!query && !o->batch) {
        nd_index_stats st;
        if (nd_index_stats_get(r.ix, &st) == ND_OK)
            r.indexed = st.docs;
    }
    if (!o->no_answers) {
        const char *path = o->output ? o->output : "-";
        if (cli_out_open(&out, path) != 0) {
            rc = cli_out_status();
            goto done;
        }
        out_open = 1;
        r.fp = out.fp;
        r.to_stdout = strcmp(path, "-") == 0;
    }
    rc = read_docs(&r, query);
    if (out_open) {
        /* the answers appear whole or not at all, as every output (-o FILE) */
        if (rc)
            cli_out_abort_all();
        else if (cli_out_commit_all() != 0)
            rc = EXIT_INPUT;
        out_open = 0;
    }
    if (rc == 0) {
        if (query)
            cli_log(2, "%llu %s queried: %llu %s of indexed documents, %llu with pairs, "
                       "%llu sharing passages",
                    (unsigned long long)r.docs, cli_plural(r.docs, "document", "documents"),
                    (unsigned long long)r.dups, cli_plural(r.dups, "duplicate", "duplicates"),
                    (unsigned long long)r.with_pairs, (unsigned long long)r.with_passages);
        else {
            nd_index_stats st;
            memset(&st, 0, sizeof st);
            if (nd_index_stats_get(r.ix, &st) != ND_OK)
                st.docs = 0;
            cli_log(2, "%llu %s: %llu added, %llu replaced, %llu unchanged; %llu %s of "
                       "indexed documents, %llu sharing passages; the index holds %llu",
                    (unsigned long long)r.docs, cli_plural(r.docs, "document", "documents"),
                    (unsigned long long)r.added, (unsigned long long)r.replaced,
                    (unsigned long long)r.unchanged, (unsigned long long)r.dups,
                    cli_plural(r.dups, "duplicate", "duplicates"),
                    (unsigned long long)r.with_passages, (unsigned long long)st.docs);
        }
    }
done:
    if (rc && out_open)
        cli_out_abort_all();
    cli_idoc_free(&r.b);
    free(r.ids.h);
    nd_index_session_destroy(r.s);
    nd_index_close(r.ix);
    return rc;
}

/* ---- the others ------------------------------------------------------------- */

static int cmd_create(ixopts *o)
{
    nd_index *ix = NULL;
    const int rc = open_index(o, ND_INDEX_CREATE, &ix);
    if (rc)
        return rc;
    nd_index_close(ix);
    cli_log(2, "%s: index created", o->dir);
    return 0;
}

static int cmd_get(ixopts *o)
{
    nd_index *ix = NULL;
    nd_index_session *s = NULL;
    int rc = open_index(o, ND_INDEX_READONLY, &ix);
    if (rc || (rc = session_of(o, ix, &s)) != 0)
        goto done;
    for (size_t i = 0; i < o->nargs; i++) {
        nd_index_record rec;
        const nd_status st = nd_index_get(s, o->args[i], strlen(o->args[i]), &rec);
        if (st == ND_E_PARAM) {
            cli_log(1, "%s: not indexed", o->args[i]);
            rc = EXIT_INPUT;
            continue;
        }
        if (st != ND_OK) {
            cli_log(1, "%s: %s", o->args[i], cli_detail(nd_index_session_errdetail(s), st));
            rc = cli_exit_status(st);
            break;
        }
        cli_record_json(stdout, &rec);
        putchar('\n');
    }
    if (cli_flush_stdout() && !rc)
        rc = EXIT_INPUT;
done:
    nd_index_session_destroy(s);
    nd_index_close(ix);
    return rc;
}

/* The ids of --ids-file, appended to *ids (each malloc'd, in *lines). */
static int read_ids(const char *path, char ***ids, size_t *n, size_t *cap)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!fp) {
        cli_log(1, "%s: %s", path, strerror(errno));
        return EXIT_INPUT;
    }
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &lcap, fp)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        char *id = strdup(line);
        if (!id || cli_grow((void **)ids, cap, *n + 1, sizeof **ids) != 0) {
            free(id);
            cli_log(1, "out of memory");
            rc = EXIT_INTERNAL;
            break;
        }
        (*ids)[(*n)++] = id;
    }
    if (!rc && ferror(fp)) {
        cli_log(1, "%s: %s", path, strerror(errno));
        rc = EXIT_INPUT;
    }
    free(line);
    if (fp != stdin)
        fclose(fp);
    return rc;
}

static int cmd_remove(ixopts *o)
{
    char **ids = NULL;
    size_t *lens = NULL, n = 0, cap = 0;
    int rc = 0;
    for (size_t i = 0; i < o->nargs && !rc; i++) {
        char *id = strdup(o->args[i]);
        if (!id || cli_grow((void **)&ids, &cap, n + 1, sizeof *ids) != 0) {
            free(id);
            cli_log(1, "out of memory");
            rc = EXIT_INTERNAL;
        } else {
            ids[n++] = id;
        }
    }
    if (!rc && o->ids_file)
        rc = read_ids(o->ids_file, &ids, &n, &cap);
    nd_index *ix = NULL;
    nd_index_session *s = NULL;
    if (rc)
        goto done;
    lens = malloc((n ? n : 1) * sizeof *lens);
    if (!lens) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(ids[i]);
    if ((rc = open_index(o, o->no_sync ? ND_INDEX_NOSYNC : 0, &ix)) != 0 ||
        (rc = session_of(o, ix, &s)) != 0)
        goto done;
    size_t removed = 0;
    const nd_status st = nd_index_remove(s, (const char *const *)ids, lens, n, &removed);
    if (st != ND_OK) {
        cli_log(1, "%s: %s", o->dir, cli_detail(nd_index_session_errdetail(s), st));
        rc = st == ND_E_STATE ? EXIT_INPUT : cli_exit_status(st);
        goto done;
    }
    printf("{\"requested\":%zu,\"removed\":%zu}\n", n, removed);
    rc = cli_flush_stdout();
    cli_log(2, "%zu of %zu %s removed", removed, n, cli_plural(n, "document", "documents"));
done:
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    free(lens);
    nd_index_session_destroy(s);
    nd_index_close(ix);
    return rc;
}

static int cmd_stats(ixopts *o)
{
    nd_index *ix = NULL;
    int rc = open_index(o, ND_INDEX_READONLY, &ix);
    if (rc)
        return rc;
    nd_index_stats st;
    memset(&st, 0, sizeof st);
    const nd_status s = nd_index_stats_get(ix, &st);
    if (s != ND_OK) {
        log_ix(o->dir, nd_index_errdetail(ix), s);
        rc = cli_exit_status(s);
    } else {
        cli_stats_json(stdout, &st);
        putchar('\n');
        rc = cli_flush_stdout();
    }
    nd_index_close(ix);
    return rc;
}

static int cmd_verify(ixopts *o)
{
    nd_index *ix = NULL;
    int rc = open_index(o, ND_INDEX_READONLY, &ix);
    if (rc)
        return rc;
    uint64_t problems = 0;
    const nd_status st = nd_index_verify(ix, &problems);
    if (st != ND_OK && st != ND_E_CORRUPT) {
        log_ix(o->dir, nd_index_errdetail(ix), st);
        rc = cli_exit_status(st);
    } else {
        if (st == ND_E_CORRUPT && problems == 0)
            problems = 1;
        printf("{\"problems\":%llu}\n", (unsigned long long)problems);
        rc = cli_flush_stdout();
        if (problems) {
            cli_log(1, "%s: %llu %s, the first: %s", o->dir, (unsigned long long)problems,
                    cli_plural(problems, "problem", "problems"),
                    cli_detail(nd_index_errdetail(ix), ND_E_CORRUPT));
            rc = EXIT_CORRUPT;
        } else {
            cli_log(2, "%s: no problem found", o->dir);
        }
    }
    nd_index_close(ix);
    return rc;
}

static int cmd_compact(ixopts *o)
{
    nd_index *ix = NULL;
    int rc = open_index(o, ND_INDEX_READONLY, &ix);
    if (rc)
        return rc;
    const nd_status st = nd_index_compact(ix, o->args[0]);
    if (st != ND_OK) {
        log_ix(o->args[0], nd_index_errdetail(ix), st);
        rc = st == ND_E_STATE ? EXIT_INPUT : cli_exit_status(st);
    } else {
        cli_log(2, "%s: compacted copy of %s written", o->args[0], o->dir);
    }
    nd_index_close(ix);
    return rc;
}

int cmd_index(int argc, char **argv)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (argc < 2) {
        usage_all(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage_all(stdout);
        return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_INPUT;
    }
    const int sub = sub_of(argv[1]);
    if (sub < 0) {
        fprintf(stderr, "neardup index: unknown subcommand '%s'\n", argv[1]);
        usage_all(stderr);
        return EXIT_USAGE;
    }
    ixopts o;
    memset(&o, 0, sizeof o);
    o.sub = sub;
    snprintf(o.cmd, sizeof o.cmd, "index %s", k_subs[sub].name);
    if (nd_params_create(&o.params, NULL) != ND_OK) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    int rc = parse(&o, argc - 1, argv + 1);
    if (rc == 0) {
        switch (sub) {
        case SUB_CREATE: rc = cmd_create(&o); break;
        case SUB_ADD: case SUB_QUERY: rc = cmd_docs(&o); break;
        case SUB_GET: rc = cmd_get(&o); break;
        case SUB_REMOVE: rc = cmd_remove(&o); break;
        case SUB_STATS: rc = cmd_stats(&o); break;
        case SUB_VERIFY: rc = cmd_verify(&o); break;
        default: rc = cmd_compact(&o); break;
        }
        cli_report_time(o.cmd, &t0);
    } else if (rc == -2) {
        rc = 0;
    }
    nd_params_destroy(o.params);
    return rc;
}

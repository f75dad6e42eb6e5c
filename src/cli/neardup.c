/*
 * neardup.c - entry point of the neardup tool: the command table.
 *
 * `neardup <command> [options]` dispatches to cmd_<command>() in
 * cmd_<command>.c. Global behaviour (version check, help, exit codes) lives
 * here; everything else belongs to the commands.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dist/dist.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command;

static const command k_commands[] = {
    {"analyze", cmd_analyze, "dedup, boilerplate, reuse and stories in one pass, and an "
                             "HTML report"},
    {"dedup", cmd_dedup, "find exact and near-duplicate documents; write clusters, pairs, "
                         "the deduplicated corpus"},
    {"reuse", cmd_reuse, "find passages shared by documents, with byte offsets, and passage "
                         "clusters"},
    {"boilerplate", cmd_boilerplate, "find lines and sentences repeated across many "
                                     "documents (footers, licences)"},
    {"stories", cmd_stories, "group documents by the event they report (TF-IDF, online "
                             "clustering in date order)"},
    {"similarity", cmd_similarity, "story similarity of listed document pairs"},
    {"digest", cmd_digest, "per story: what most sources say, what each adds, where they "
                           "disagree, the names they use"},
    {"index", cmd_index, "a persistent index (LMDB): add documents over time, each answered "
                         "against all before it"},
    {"serve", cmd_serve, "serve a persistent index over an HTTP JSON API"},
    {"query", cmd_query, "send documents to a neardup server (query or --add); one answer "
                         "line each"},
    {"eval", cmd_eval, "score clusters or passages against gold files (B-cubed, ARI, plagdet, "
                       "recall)"},
};

static void usage(FILE *fp)
{
    if (g_secondary)  /* neardup-mpi: process 0 prints it */
        return;
    fprintf(fp,
            "neardup %s - find duplicate, near-duplicate and contained documents, reused\n"
            "passages and boilerplate\n"
            "\n"
            "usage: neardup <command> [options] [inputs...]\n"
            "\n"
            "commands:\n",
            nd_version_string());
    for (size_t i = 0; i < sizeof k_commands / sizeof k_commands[0]; i++)
        fprintf(fp, "  %-11s %s\n", k_commands[i].name, k_commands[i].summary);
    fprintf(fp,
            "  version     print the version\n"
            "\n"
            "Run 'neardup <command> --help' for a command's options; 'man neardup' for\n"
            "the whole manual. Examples:\n"
            "  neardup analyze -o results corpus.jsonl.gz   (then open results/report.html)\n"
            "  neardup dedup --clusters clusters.jsonl -o unique.jsonl corpus.jsonl.gz\n"
            "\n"
            "Exit status: 0 ok, 1 usage error, 2 input/output error, 3 corrupt index,\n"
            "4 out of memory or a size limit.\n");
    if (strcmp(g_prog, "neardup") != 0)
        fprintf(fp, "\n%s: started by mpirun or srun, dedup, reuse and boilerplate run on\n"
                    "every process, their outputs as neardup's (dedup -o: a shard a process\n"
                    "plus a manifest, or whole with --merge); the other commands on one\n"
                    "process. docs/distributed.md\n",
                g_prog);
}

static int run_command(int argc, char **argv);

int main(int argc, char **argv)
{
    int rc = cli_dist_init(&argc, &argv);
    if (rc)
        return rc;
    rc = run_command(argc, argv);
    cli_dist_finish(rc);
    return rc;
}

static int run_command(int argc, char **argv)
{
    /* Refuse a shared library of another version than the one compiled against. */
    if (nd_version_number() != ND_VERSION_NUMBER) {
        fprintf(stderr, "neardup: library version %s does not match the tool (%s)\n",
                nd_version_string(), ND_VERSION_STRING);
        return EXIT_INTERNAL;
    }
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_INPUT;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        if (argc > 2) {
            fprintf(stderr, "neardup %s: takes no arguments ('%s' given)\n", cmd, argv[2]);
            return EXIT_USAGE;
        }
        printf("neardup %s (sketch format %d)\n", nd_version_string(), ND_SKETCH_VERSION);
        return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_INPUT;
    }
    for (size_t i = 0; i < sizeof k_commands / sizeof k_commands[0]; i++)
        if (strcmp(cmd, k_commands[i].name) == 0) {
            /* under mpirun with several processes: dedup, reuse, boilerplate */
            if (cli_dist_size() > 1 && k_commands[i].fn != cmd_dedup &&
                k_commands[i].fn != cmd_reuse && k_commands[i].fn != cmd_boilerplate) {
                if (cli_dist_rank() == 0)
                    fprintf(stderr, "neardup-mpi: '%s' does not run on several processes "
                                    "yet (dedup, reuse and boilerplate do); run it with "
                                    "one\n", cmd);
                return EXIT_USAGE;
            }
            return k_commands[i].fn(argc - 1, argv + 1);
        }
    if (!g_secondary)
        fprintf(stderr, "%s: unknown command '%s'\n", g_prog, cmd);
    usage(stderr);
    return EXIT_USAGE;
}

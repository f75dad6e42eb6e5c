/*
 * inputs.h - what the commands that read a corpus share (never installed):
 * the input, resource and message options, the check of the outputs against
 * the inputs, and the first pass that reads and sketches every record.
 */
#ifndef ND_INPUTS_H
#define ND_INPUTS_H

#include <getopt.h>

#include "cli.h"
#include "read/pool.h"
#include "read/reader.h"

/* Option values of the shared options (above any command's own). */
enum {
    IN_FORMAT = 1000, IN_LINES, IN_IDF, IN_TEXTF, IN_SRCF, IN_DATEF, IN_ONERR, IN_MAXREC,
    IN_PROGRESS, IN_NOPROGRESS, IN_MEMORY, IN_TMP, IN_BDOCS, IN_BANY, IN_BSRC
};

/* getopt_long entries of the shared options, for a command's option table. */
#define CLI_INPUT_LONGOPTS                                                   \
    {"format", required_argument, NULL, IN_FORMAT},                           \
    {"lines", no_argument, NULL, IN_LINES},                                   \
    {"id-field", required_argument, NULL, IN_IDF},                            \
    {"text-field", required_argument, NULL, IN_TEXTF},                        \
    {"source-field", required_argument, NULL, IN_SRCF},                       \
    {"on-error", required_argument, NULL, IN_ONERR},                          \
    {"max-record", required_argument, NULL, IN_MAXREC},                       \
    {"quiet", no_argument, NULL, 'q'},                                        \
    {"verbose", no_argument, NULL, 'v'},                                      \
    {"progress", no_argument, NULL, IN_PROGRESS},                             \
    {"no-progress", no_argument, NULL, IN_NOPROGRESS},                        \
    {"threads", required_argument, NULL, 'T'},                                \
    {"memory", required_argument, NULL, IN_MEMORY},                           \
    {"tmp", required_argument, NULL, IN_TMP},                                 \
    {"boiler-docs", required_argument, NULL, IN_BDOCS},                       \
    {"boiler-anywhere", required_argument, NULL, IN_BANY},                    \
    {"boiler-source-docs", required_argument, NULL, IN_BSRC}

/* What the shared options set. */
typedef struct cli_inopts {
    rd_opts rd;
    unsigned threads;     /* 0 = one per core */
    uint64_t memory;      /* 0 = unbounded */
    const char *tmpdir;
} cli_inopts;

/* Defaults: auto format, "id"/"text" fields, --on-error skip, progress when
 * stderr is a terminal. */
void cli_inopts_init(cli_inopts *o);

/* Handles option c (as getopt_long returned it) when it is a shared one.
 * Returns 1 when handled, 0 when c is not a shared option, or EXIT_USAGE + 1
 * (2) after a usage message. */
int cli_input_option(const char *cmd, int c, const char *arg, cli_inopts *o, nd_params *p);

/* The first pass: reads every record of the inputs, sketches it on the
 * pool's threads and hands it to fn in input order. cut (may be NULL) is
 * pool_cut_spans' argument. Messages are printed; returns 0 or an exit code.
 * rs receives the reader's counters, threads_used the pool's threads. */
typedef struct cli_cut {
    const uint64_t *off;
    const nd_span *spans;
    size_t n;
} cli_cut;
int cli_read_inputs(const char *const *inputs, size_t ninputs, cli_inopts *o,
                    const nd_params *params, const cli_cut *cut, pool_consume_fn fn, void *ctx,
                    rd_stats *rs, unsigned *threads_used);

/* Before a command reads its inputs twice (dedup -o, boilerplate passes):
 * every input that cannot be read twice - standard input unless it is a
 * regular file, a named pipe, a character device, a socket, a /dev/fd/N or
 * <(...) of a pipe - is copied once to an unlinked temporary file in tmpdir
 * and read from there both times (rd_opts.spool), under its own name. A
 * regular standard input is rewound instead. Returns 0 with *out (n entries;
 * free with cli_spool_free), or an exit code after a message. */
int cli_spool_inputs(const char *const *inputs, size_t n, const char *tmpdir, rd_spool **out);
void cli_spool_free(rd_spool *s, size_t n);

/* The summary's lines about what the reader left out: binary files skipped in
 * directories and symbolic links to directories not followed (counts; -v
 * lists them), damaged compressed inputs (how many
 * records of them were used before the damage: they stand, the rest of each
 * is lost). Prints nothing when there is nothing to say. */
void cli_reader_summary(const rd_stats *rs);

#endif

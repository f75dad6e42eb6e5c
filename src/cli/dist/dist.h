/*
 * dist.h - the processes of a distributed run (never installed): neardup-mpi
 * (built with make MPI=1, ND_MPI defined) runs on an MPI communicator;
 * neardup is the one-process case of the same functions, so that a command
 * calls them without knowing which it is.
 *
 * Each process reads a share of the inputs (a contiguous run of the files of
 * the walk, balanced by bytes: cli_dist_plan), numbers its documents, and the library's
 * nd_dedup_run_dist does the rest over cli_dist_comm(). Every function marked
 * "collective" is called by every process in the same order. A process that
 * fails (a message printed) while the others go on calls cli_dist_abort(),
 * which stops them all; a process that dies is reported by every survivor
 * with the stage it was in (see docs/distributed.md).
 */
#ifndef ND_CLI_DIST_H
#define ND_CLI_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "neardup.h"
#include "read/reader.h"

/* Starts MPI when built for it (before anything else in main). Returns 0, or
 * an exit code after a message. */
int cli_dist_init(int *argc, char ***argv);
/* Ends MPI (after the command returned rc). */
void cli_dist_finish(int rc);
unsigned cli_dist_rank(void);
unsigned cli_dist_size(void);
/* Names the stage this process is in, for the message when a peer is lost. */
void cli_dist_stage(const char *stage);
/* The transport for nd_dedup_run_dist(). */
const nd_comm *cli_dist_comm(void);
/* Every process walks the inputs (the parts of cli_dist_split, ranges may be
 * NULL) without reading them and takes a contiguous run of the files met,
 * balanced by bytes: process r starts at the first file before which r / P
 * of the bytes lie. So the processes' shares, in rank order, are the
 * collection in order. Returns 0, or an exit code after a message. */
int cli_dist_plan(const char *const *inputs, size_t n, const rd_range *ranges);
/* rd_opts.want_file: is file f in this process's run (cli_dist_plan)? */
int cli_dist_want_file(void *ctx, uint64_t file_no, uint64_t size);
/* Collective: the largest of every process's rc (0 when all are 0). */
int cli_dist_agree(int rc);
/* Collective: sums v[0..n) over the processes, in place, on every process. */
int cli_dist_sum(uint64_t *v, size_t n);
/* Collective: the largest of v over the processes, on every process. */
int cli_dist_max(uint64_t *v, size_t n);
/* Collective: process 0 receives every process's n bytes at p, back to back in
 * rank order, in *out (malloc'd; NULL elsewhere), lens[r] bytes from rank r
 * (lens: size entries, filled on process 0). */
int cli_dist_gather(const void *p, size_t n, char **out, uint64_t *lens);
/* Collective: every process receives process 0's n bytes at p (the others'
 * p and n are not read) in *out (malloc'd), *n_out bytes. Returns 0 or -1. */
int cli_dist_bcast(const void *p, size_t n, char **out, size_t *n_out);
/* Collective: every process receives every process's n bytes at p, back to
 * back in rank order, in *out (malloc'd), lens[r] bytes from rank r. */
int cli_dist_allgather(const void *p, size_t n, char **out, uint64_t *lens);
/* What among the inputs several processes cannot share out (standard input,
 * a pipe or a device: read once, by one), as a phrase; NULL when none. */
const char *cli_dist_unshareable(const char *const *inputs, size_t n);
/* Collective: cli_dist_split (part_bytes as there), then cli_dist_plan over
 * the parts; every process agrees on the outcome. Returns 0 with *parts and
 * *ranges (*nparts entries; free both), or an exit code (a message printed). */
int cli_dist_deal(const char *const *in, size_t n, const rd_opts *rd, uint64_t part_bytes,
                  const char ***parts, rd_range **ranges, size_t *nparts);
/* Collective, for -v: process 0 says the bytes each library stage sent
 * (summed over the processes, and per document of ndocs), every process's
 * records read (nlocal here) and peak memory, and its own stage times. */
void cli_dist_report(uint64_t nlocal, uint64_t ndocs);
/* The readers' counters (rd_stats but the damaged path) as CLI_DIST_READER_N
 * values, to sum over the processes (cli_dist_sum), and back. */
#define CLI_DIST_READER_N 10
void cli_dist_reader_pack(const rd_stats *s, uint64_t *v);
void cli_dist_reader_unpack(rd_stats *s, const uint64_t *v);
/* Collective, once the counters v (packed as above) are summed: process 0
 * learns in *s the first damaged input's path (the lowest rank's); every
 * process returns EXIT_INPUT, process 0 having said so, when no input could
 * be read by any (the check cli_read_inputs leaves to this on several
 * processes), else 0 (or EXIT_INTERNAL after a message). */
int cli_dist_reader_end(rd_stats *s, const uint64_t *v);
/* Collective: process 0 gets in buf the first non-empty string of buf's over
 * the processes in rank order (reading order: the first of its kind met);
 * the others' buf unchanged. Returns 0 or -1. */
int cli_dist_first_string(char *buf, size_t cap);
/* Stops every process with exit status rc, after this one printed why. */
void cli_dist_abort(int rc);
/* Bytes this process sent to others in each library stage, for -v: the
 * stage names and counts (n entries). */
size_t cli_dist_sent(const char *const **stages, const uint64_t **bytes);

/* Collective (split.c): the inputs as this run reads them (rd: the reading
 * options, format and max_record). A regular file of at least two parts is
 * cut where its reading whole is between two records, if it is plain JSON
 * Lines or lines (format, or a .jsonl/.ndjson/.json name under auto: at line
 * boundaries) or WARC under auto or warc (plain: at records; gzip: at
 * members, one a record): part_bytes each (0: as many as 4 per process,
 * 1 MiB or more, 1 GiB or less), each part a separate input with its range,
 * its first line or record numbered as in the whole file (every process
 * counts the lines, or reads the WARC records, of some parts; a WARC cut
 * that does not fall between records is dropped). Other inputs are kept
 * whole (range end 0). Returns 0 with *out and *ranges (n_out entries; free
 * both), or an exit code after a message. */
int cli_dist_split(const char *const *in, size_t n, const rd_opts *rd, uint64_t part_bytes,
                   const char ***out, rd_range **ranges, size_t *n_out);

/* Wall seconds this process spent in each stage it named (read, ids, dedup,
 * ...), the current one included, for -v. */
size_t cli_dist_times(const char *const **stages, const double **seconds);

/* Numbering: the records a process read, in order, each with its file's
 * ordinal and whether it became a document (records too large to analyse do
 * not); cli_dist_number (collective) gives, for each run of records of one
 * file, the position of its first record and of its first document in the
 * whole collection (files in walk order, records in file order). */
typedef struct cli_docfiles {
    uint64_t *file_no, *nrec, *ndoc;  /* runs: nrec records (ndoc documents) of file_no */
    uint64_t *rec0, *doc0;            /* after cli_dist_number: their first positions */
    size_t n, cap;
} cli_docfiles;
int cli_docfiles_add(cli_docfiles *f, uint64_t file_no, int is_doc);
/* Fills rec0 and doc0; *total_recs and *total_docs: the collection's. Returns
 * 0, or -1 (out of memory, a transport error, over 2^32 - 2 documents). */
int cli_dist_number(cli_docfiles *f, uint64_t *total_recs, uint64_t *total_docs);
void cli_docfiles_free(cli_docfiles *f);

#endif

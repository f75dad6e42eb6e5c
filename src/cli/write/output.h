/*
 * output.h - outputs that appear whole or not at all (output.c), compressed
 * outputs (zout.c), JSON writing, and the checks of outputs against inputs
 * (CLI only, never installed).
 */
#ifndef ND_OUTPUT_H
#define ND_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- atomic output files (output.c) ---- */
/* Output is written to "<path>.tmp.XXXXXX" in the same directory and renamed
 * over <path> by cli_out_commit(); cli_out_abort() removes the temporary.
 * "-" means stdout (no temporary, commit just flushes). A target that is not a
 * regular file (/dev/null, a FIFO) is written in place; a symlink is followed. */
typedef struct cli_out {
    FILE *fp;
    char *path;
    char *tmp;
    int direct;  /* a device or FIFO, written in place */
} cli_out;
/* Returns 0, or -1 after printing a message naming the path. */
int cli_out_open(cli_out *o, const char *path);
/* Flushes, checks for write errors, fsyncs? no; renames. Returns 0 or -1 (message printed,
 * temporary removed). */
int cli_out_commit(cli_out *o);
void cli_out_abort(cli_out *o);
/* The exit status after a failed cli_out_open(): EXIT_INTERNAL when it ran out
 * of memory, else EXIT_INPUT. */
int cli_out_status(void);
/* Commits outs[0..n) (NULL entries and outputs not open skipped) together:
 * every one is flushed and closed first, so a full disk fails before any
 * rename; then each is renamed. Returns 0, or -1 after a message with every
 * one of them aborted, and those already renamed removed: no partial set. */
int cli_out_commit_all(cli_out *const *outs, size_t n);
/* Aborts every output still open (used on error paths and signals). */
void cli_out_abort_all(void);

/* ---- compression (zout.c) ---- */
/* Compressed output by name: 1 for "*.gz" (gzip), 2 for "*.zst"
 * (zstd), 0 otherwise. */
int cli_zout_kind(const char *path);
/* raw itself when path asks for no compression; else a FILE that compresses
 * into raw and closes it on fclose; NULL when out of memory. */
FILE *cli_zout_wrap(FILE *raw, const char *path);

/* Outputs (NULL entries skipped) must not be an input, nor each other; at
 * most one may be "-" (stdout), counting `implicit_stdout` (the main output
 * defaults to stdout). Returns 0 or EXIT_USAGE after a message. */
int cli_check_outputs(const char *cmd, const char *const *outs, size_t nouts,
                      const char *const *inputs, size_t ninputs, int implicit_stdout);
/* Writes p[0..n) at offset off of fd, whole: 0, or -1 with errno set (a write
 * of 0 bytes is an error, ENOSPC). */
int cli_pwrite_all(int fd, const char *p, size_t n, uint64_t off);


/* ---- JSON writing (output.c) ---- */
/* Writes s[0..len) as a JSON string literal (with quotes). Invalid UTF-8 bytes
 * are written as \u00XX escapes of the byte value, so the output stays valid JSON. */
void cli_json_str(FILE *fp, const char *s, size_t len);
/* Writes a double with 4 decimals, trailing zeros trimmed ("1", "0.9321"). */
void cli_json_num(FILE *fp, double v);

#endif

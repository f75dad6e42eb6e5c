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
/* Every output of a run is written to a temporary beside its target
 * ("<path>.tmp.XXXXXX") and renamed over it by cli_out_commit_all(), the one
 * commit of a run: it flushes, fsyncs and closes every open output first,
 * then renames them all with SIGINT, SIGTERM and SIGHUP blocked, so that a
 * signal sees either none or all of them replaced. cli_out_abort_all() (an
 * error) and the signal handler (a signal before the commit) remove every
 * temporary. "-" means stdout (no temporary, the commit flushes it). A target
 * that is not a regular file (/dev/null, a FIFO) is written in place; a
 * symlink is followed, so the file it points to is replaced.
 * A cli_out is registered from its open until it is committed or aborted: it
 * must stay where it is (and alive) until then. */
enum { CLI_OUT_FILE = 0, CLI_OUT_NAMED, CLI_OUT_DIR };
typedef struct cli_out {
    FILE *fp;       /* CLI_OUT_FILE: write here (NULL for the others) */
    char *path;     /* the target */
    char *tmp;      /* its temporary; NULL for stdout and a target written in place */
    int kind;       /* CLI_OUT_* */
    int direct;     /* a device or FIFO, written in place */
    int sync_fd, has_sync_fd;  /* the temporary, for fsync() */
    int has_bak, renamed;      /* during the commit: old target linked, renamed */
    struct cli_out *next;      /* the registry of open outputs */
} cli_out;
/* Opens an output file. Returns 0, or -1 after printing a message naming the path. */
int cli_out_open(cli_out *o, const char *path);
/* The exit status after a failed cli_out_open*(): EXIT_INTERNAL when it ran
 * out of memory, else EXIT_INPUT. */
int cli_out_status(void);
/* An output another writer fills by name (nd_story_model_save): creates the
 * temporary (mkstemp: a new file, never an existing one) and closes it; write
 * to cli_out_name(o). Returns 0 or -1 (message printed). */
int cli_out_open_named(cli_out *o, const char *path);
/* The file to write a named output to: its temporary, or the target itself
 * when that is a device. */
const char *cli_out_name(const cli_out *o);
/* An output directory (dedup -o DIR): creates the temporary directory
 * o->tmp, which the caller fills; it is removed whole on an error or a
 * signal. The caller checks first that path may be replaced (rename() only
 * replaces an empty directory). Returns 0 or -1 (message printed). */
int cli_out_open_dir(cli_out *o, const char *path);
/* Commits every open output, as above. Returns 0, or -1 after a message with
 * every temporary removed; only a failed rename (rare: the disk was written
 * already) can leave some outputs replaced and the others not, and the
 * message says so. */
int cli_out_commit_all(void);
/* Removes o's temporary and closes it. */
void cli_out_abort(cli_out *o);
/* Aborts every output still open (used on error paths). */
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
/* Flushes stdout: 0, or EXIT_INPUT after a message ("stdout: write error:
 * ...") when a write to it failed, now or earlier (the stream's error flag
 * stays set while a later flush of what is left may succeed). */
int cli_flush_stdout(void);


/* ---- JSON writing (output.c) ---- */
/* Writes s[0..len) as a JSON string literal (with quotes). Invalid UTF-8 bytes
 * are written as \u00XX escapes of the byte value, so the output stays valid JSON. */
void cli_json_str(FILE *fp, const char *s, size_t len);
/* Writes a double with 4 decimals, trailing zeros trimmed ("1", "0.9321"). */
void cli_json_num(FILE *fp, double v);

#endif

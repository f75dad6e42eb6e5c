/*
 * cli.h - shared pieces of the neardup command-line tool (never installed).
 *
 * The CLI talks to the library through <neardup.h> only. This header holds
 * what the command files share: exit codes, the display level, atomic output
 * files, JSON string writing and number parsing.
 */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "neardup.h"

/* Exit codes, documented in the man page (docs/neardup.1.md, EXIT STATUS). */
enum {
    EXIT_OK_ = 0,      /* success */
    EXIT_USAGE = 1,    /* bad command line */
    EXIT_INPUT = 2,    /* input or output error: unreadable file, bad record under
                          --on-error stop, unwritable output */
    EXIT_CORRUPT = 3,  /* index corrupt or of another version */
    EXIT_INTERNAL = 4  /* out of memory or a limit was hit */
};

/* Commands: each lives in cmd_<name>.c and returns an exit code. */
int cmd_dedup(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_reuse(int argc, char **argv);
int cmd_boilerplate(int argc, char **argv);
int cmd_stories(int argc, char **argv);
int cmd_similarity(int argc, char **argv);
/* Boilerplate of the records of inputs (cmd_reuse.c), for dedup's
 * --ignore-boilerplate and --strip-boilerplate: record i in reading order
 * (records too large count, as empty) has the byte ranges
 * (*spans)[(*off)[i] .. (*off)[i+1]) of its text; *nrecs records. params gives
 * ND_P_BOILER_* and ND_P_MAX_DOC. Returns 0 or an exit code (message printed);
 * the caller frees *off and *spans. */
struct rd_opts;
int cli_boilerplate_spans(const char *const *inputs, size_t n, const struct rd_opts *rd,
                          const nd_params *params, unsigned threads, uint64_t memory,
                          const char *tmpdir, uint64_t **off, nd_span **spans, size_t *nrecs);
/* t[0..len) without the ranges sp[0..n) (sorted, disjoint), each taken with the
 * punctuation right after it and the white space up to the next text, into out
 * (room for len bytes); returns the new length (cmd_reuse.c). */
size_t cli_cut_spans(const char *t, size_t len, const nd_span *sp, size_t n, char *out);
/* ISO 8601 date or date-time -> days since 1970-01-01 UTC; 0, or -1 (cmd_reuse.c). */
int cli_parse_date(const char *s, size_t n, double *days);

/* ---- display (display.c) ---- */
/* 0 = silent (-qq), 1 = errors, 2 = normal (summary), 3 = verbose (-v), 4 = debug */
extern int g_display_level;
/* Prints "neardup: " + message + "\n" to stderr when level <= g_display_level. */
void cli_log(int level, const char *fmt, ...) ND_PRINTF(2, 3);
/* Progress line on stderr, only when enabled (TTY or --progress); throttled to ~6 Hz. */
extern int g_progress;
void cli_progress(const char *what, uint64_t done, uint64_t bytes);
void cli_progress_end(void);

/* ---- atomic output files (io.c) ---- */
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
/* Aborts every output still open (used on error paths and signals). */
void cli_out_abort_all(void);
/* Compressed output by name (zout.c): 1 for "*.gz" (gzip), 2 for "*.zst"
 * (zstd), 0 otherwise. */
int cli_zout_kind(const char *path);
/* raw itself when path asks for no compression; else a FILE that compresses
 * into raw and closes it on fclose; NULL when out of memory. */
FILE *cli_zout_wrap(FILE *raw, const char *path);

/* Writes s[0..len) as a JSON string literal (with quotes). Invalid UTF-8 bytes
 * are written as \u00XX escapes of the byte value, so the output stays valid JSON. */
void cli_json_str(FILE *fp, const char *s, size_t len);
/* Length (1..4) of the well-formed UTF-8 sequence at s[0..n), or 0 when it is
 * not well formed (overlong, surrogate, past U+10FFFF, truncated). Inline: the
 * JSON scanner calls it once per non-ASCII character. */
static inline size_t cli_utf8_len(const unsigned char *s, size_t n)
{
    const unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}
/* Writes a double with 4 decimals, trailing zeros trimmed ("1", "0.9321"). */
void cli_json_num(FILE *fp, double v);

/* ---- numbers (opt.c) ---- */
/* Parses an unsigned size with optional K/M/G/T suffix (powers of 1024,
 * optional "i"/"iB"/"B"). Returns 0 or -1 on junk or overflow. */
int cli_parse_size(const char *s, uint64_t *out);
/* Parses a double in [lo, hi]. Returns 0 or -1. */
int cli_parse_double(const char *s, double lo, double hi, double *out);
/* Parses an unsigned integer in [lo, hi]. Returns 0 or -1. */
int cli_parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* Grows *p (an array of *cap items of `item` bytes, realloc'd) to hold at
 * least need items, doubling; 0, or -1 when out of memory (*p unchanged). */
int cli_grow(void **p, size_t *cap, size_t need, size_t item);

#endif

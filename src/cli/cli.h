/*
 * cli.h - shared pieces of the neardup command-line tool (never installed).
 *
 * The CLI talks to the library through <neardup.h> only. This header holds
 * what every part of it shares: exit codes, the commands, messages and the
 * progress line (display.c), option and number parsing (opt.c), UTF-8.
 * The other shared modules have their own headers: read/ (inputs, records,
 * JSON, WARC, the sketching pool, dates), write/ (outputs that appear whole
 * or not at all, compression, JSON writing), corpus/ (the corpus in memory),
 * eval/ (the scorers of neardup eval).
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

/* The exit code of a failed library call: 2 for reading or writing (ND_E_IO:
 * an unreadable input, a full disk under --tmp) and malformed input, 3 for
 * stored data corrupt or of another version, 4 for the rest (out of memory, a
 * limit). */
static inline int cli_exit_status(nd_status st)
{
    switch (st) {
    case ND_OK: return EXIT_OK_;
    case ND_E_IO: case ND_E_INPUT: return EXIT_INPUT;
    case ND_E_CORRUPT: case ND_E_VERSION: return EXIT_CORRUPT;
    default: return EXIT_INTERNAL;
    }
}

/* Commands: each lives in cmd_<name>.c and returns an exit code. */
int cmd_analyze(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_reuse(int argc, char **argv);
int cmd_boilerplate(int argc, char **argv);
int cmd_stories(int argc, char **argv);
int cmd_similarity(int argc, char **argv);
int cmd_digest(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_query(int argc, char **argv);

/* ---- display (display.c) ---- */
/* 0 = silent (-qq), 1 = errors, 2 = normal (summary), 3 = verbose (-v), 4 = debug */
extern int g_display_level;
/* Prints "neardup: " + message + "\n" to stderr when level <= g_display_level. */
void cli_log(int level, const char *fmt, ...) ND_PRINTF(2, 3);
/* What messages start with instead of "neardup" (neardup-mpi names its rank). */
void cli_set_log_prefix(const char *prefix);
/* The program's name in usage messages: "neardup" or "neardup-mpi". */
extern const char *g_prog;
/* 1 in the processes of neardup-mpi other than process 0: usage errors and
 * help, the same everywhere, are left to process 0. */
extern int g_secondary;
/* Progress line on stderr, only when enabled (TTY or --progress); throttled to ~6 Hz. */
extern int g_progress;
void cli_progress(const char *what, uint64_t done, uint64_t bytes);
/* The progress line names a stage that reports no counts (a library call):
 * "<what>..." until the next progress or message. */
void cli_stage(const char *what);
void cli_progress_end(void);
/* b bytes for a person into buf[0..n): "812 B", "11.9 KB", "1.2 GB" (powers of 1000). */
void cli_human_bytes(char *buf, size_t n, double b);
/* s[0..n) on stdout for a person (a listing): as it is, but a NUL byte shown as
 * \0 and the other control characters as \xHH (an id or a source may hold any). */
void cli_show(const char *s, size_t n);
/* The same on fp. */
void cli_show_to(FILE *fp, const char *s, size_t n);
/* one or many: the word that goes with n ("document" or "documents"). */
const char *cli_plural(uint64_t n, const char *one, const char *many);
/* At -v: "neardup CMD | wall W s, cpu C s, peak RSS M MB" on stderr, since t0
 * (CLOCK_MONOTONIC). */
struct timespec;
void cli_report_time(const char *cmd, const struct timespec *t0);

/* The message for a failed library call: the handle's errdetail, or, when the
 * library left it empty, nd_strerror(st), so that no message is ever empty. */
static inline const char *cli_detail(const char *detail, nd_status st)
{
    return detail && *detail ? detail : nd_strerror(st);
}

/* ---- UTF-8 ---- */
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
/* The longest prefix of t[0..len) of at most max bytes that ends on a character
 * boundary (a text cut for display). */
static inline size_t cli_utf8_cut(const char *t, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n && ((unsigned char)t[n] & 0xC0) == 0x80)
        n--;
    return n;
}
/* ---- options and numbers (opt.c) ---- */
/* Parses an unsigned size with optional K/M/G/T suffix (powers of 1024,
 * optional "i"/"iB"/"B") and an optional decimal fraction ("1.5M" = 1572864,
 * rounded down to a byte). Returns 0 or -1 on junk or overflow. */
int cli_parse_size(const char *s, uint64_t *out);
/* Parses a double in [lo, hi]. Returns 0 or -1. */
int cli_parse_double(const char *s, double lo, double hi, double *out);
/* Parses an unsigned integer in [lo, hi]. Returns 0 or -1. */
int cli_parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* The default of a library parameter, for help texts (0 if unknown). */
double cli_param_default(nd_param id);
/* Prints "neardup CMD: <message>" and "try 'neardup CMD --help'" on stderr;
 * returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) ND_PRINTF(2, 3);
/* Sets a numeric parameter from an option's argument, checked against its
 * bounds. Returns 0, or EXIT_USAGE after a message. */
int cli_set_param(const char *cmd, nd_params *p, nd_param id, const char *arg,
                  const char *opt);
/* A getopt_long error ('?' or ':'): the usage message for it. */
struct option;
int cli_option_error(const char *cmd, int c, char **argv, const struct option *longopts);
/* Grows *p (an array of *cap items of `item` bytes, realloc'd) to hold at
 * least need items, doubling; 0, or -1 when out of memory (*p unchanged). */
int cli_grow(void **p, size_t *cap, size_t need, size_t item);

#endif

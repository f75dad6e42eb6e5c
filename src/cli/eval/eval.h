/*
 * eval.h - what the scorers of `neardup eval` share (CLI only, never
 * installed): the id table, the JSON Lines line loop, the clusters-line
 * parser (eval_common.c), and the passage scorers (eval_reuse.c) that
 * cmd_eval.c dispatches to.
 */
#ifndef ND_EVAL_H
#define ND_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "read/json.h"

/* ---------------------------------------------------------------- id table */
/* Interns ids (byte strings) to dense indexes 0, 1, ... in order of first
 * appearance: an open-addressing table (XXH3, linear probing, load <= 1/2) of
 * 32-bit slots; the id bytes live back to back in one pool. At most
 * EV_MAX_IDS ids, so an index fits 31 bits. Zero-initialise, free with
 * ev_ids_free(). */
#define EV_MAX_IDS ((size_t)INT32_MAX)

typedef struct ev_ident {
    uint64_t hash;     /* XXH3_64bits of the id bytes */
    size_t off, len;   /* bytes in the pool */
} ev_ident;

typedef struct ev_ids {
    char *pool;        /* id bytes, back to back (not NUL-terminated) */
    size_t pool_len, pool_cap;
    ev_ident *ents;    /* per id: hash and place in the pool */
    size_t n, cap;     /* ids, capacity of ents */
    uint32_t *slots;   /* 0 = empty, else index + 1 */
    size_t nslots;     /* a power of two */
} ev_ids;

/* Frees the table and leaves it empty (safe to call twice). */
void ev_ids_free(ev_ids *t);
/* The index of id s[0..len), added when new (then it equals the old t->n);
 * -1 when out of memory, -2 when EV_MAX_IDS is reached. */
int64_t ev_ids_get(ev_ids *t, const char *s, size_t len);
/* The index of id s[0..len), or -1 when the table does not hold it. */
int64_t ev_ids_find(const ev_ids *t, const char *s, size_t len);
/* The bytes of id i (not NUL-terminated; *len gets their number). */
const char *ev_ids_str(const ev_ids *t, size_t i, size_t *len);

/* Writes a printable, quoted, shortened copy of an id for messages into
 * buf[0..size) (size >= 8) and returns buf. */
const char *ev_show_id(const char *s, size_t len, char *buf, size_t size);

/* ------------------------------------------------------------- line loop */
/* Calls fn(ctx, s, len, lineno) for each non-blank line of the JSON Lines
 * file `path` ("-" = standard input), read with getline() (any length); a
 * UTF-8 byte order mark is skipped. fn prints its own message and returns 0
 * to go on or an exit code to stop. Sets *name to the name for messages
 * ("<stdin>" or path). Returns 0 or an exit code (messages printed: cannot
 * open, read error, out of memory). */
typedef int (*ev_line_fn)(void *ctx, const char *s, size_t len, uint64_t lineno);
int ev_read_lines(const char *path, const char **name, ev_line_fn fn, void *ctx);

/* Scans line s[0..len) with sc and checks that it is a JSON object. Returns 0,
 * or an exit code after printing "NAME:LINE: invalid JSON at column C: ...",
 * "NAME:LINE: expected a JSON object" or an out-of-memory message. */
int ev_scan_object(js_scanner *sc, const char *name, uint64_t lineno, const char *s, size_t len);

/* ---------------------------------------------------------- clusters line */
/* The parser of one line of a clusters file: a JSON object whose "members"
 * array holds ids (strings, decoded, or numbers as their exact JSON text) or
 * objects with exactly one "id" (other keys are validated and ignored). */
typedef struct ev_span {
    size_t off, len;          /* where one decoded id lies in ev_members.ids */
} ev_span;

typedef struct ev_members {
    js_scanner *line;         /* the line: its "members" */
    js_scanner *elem;         /* one element of "members": its "id" */
    const char *msg;          /* the error (valid until the next line), NULL if none */
    size_t col;               /* 1-based byte column of a syntax error */
    int syntax;               /* 1: the line is not valid JSON */
    int nomem;
    char *ids;                /* the member ids of the line, decoded, back to back */
    size_t ids_len, ids_cap;
    ev_span *spans;           /* where each id lies in ids */
    size_t nspans, cap_spans;
} ev_members;

/* Makes the scanners; 0, or -1 when out of memory (free with ev_members_free
 * either way). */
int ev_members_init(ev_members *j);
void ev_members_free(ev_members *j);
/* Parses one non-blank line. Returns 0, or -1 with j->msg set: a syntax
 * error (j->syntax, j->col), a clusters-format error in valid JSON, or
 * j->nomem. */
int ev_members_line(ev_members *j, const char *s, size_t len);
/* ev_read_lines()'s handling of an ev_members_line() failure: prints the
 * message naming file, line and (syntax) column; returns the exit code. */
int ev_members_error(const ev_members *j, const char *name, uint64_t lineno);

/* -------------------------------------------------------- passage scoring */
/* A byte range [lo, hi). */
typedef struct ev_ival {
    uint64_t lo, hi;
} ev_ival;

/* The number of positions in the union of v[0..n) (ranges with hi <= lo are
 * empty). Sorts v by lo. */
uint64_t ev_union_len(ev_ival *v, size_t n);

/* What cmd_eval.c parsed for the passage modes (eval_reuse.c). */
typedef struct ev_reuse_opts {
    const char *gold;          /* --plagdet: CASES (--gold); else --gold-pairs GOLD */
    const char *pairs;         /* --pairs PAIRS, or NULL */
    const char *passages;      /* the passage records */
    const char *field_a, *field_b;   /* --pair-fields */
    const char *min_field;     /* --min FIELD=N, or NULL */
    double min_value;
    const char *same;          /* --same CLUSTERS, or NULL */
    const char *out_path;      /* -o, "-" = stdout */
    int json;
} ev_reuse_opts;

/* `neardup eval --plagdet` and `neardup eval --gold-pairs`: read, score,
 * write; return an exit code (messages printed). */
int ev_plagdet(const ev_reuse_opts *o);
int ev_gold_pairs(const ev_reuse_opts *o);

#endif

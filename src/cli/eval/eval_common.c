/*
 * eval_common.c - the pieces the scorers of `neardup eval` share: the id
 * table, the JSON Lines line loop and the clusters-line parser (eval.h).
 *
 * DESIGN
 *   Ids. An id is found by its XXH3 hash: slots[] is an open-addressing table
 *   holding index + 1 (0 = empty), probed linearly from hash & (nslots - 1).
 *   It is kept at most half full, so probe sequences stay short, and a 32-bit
 *   slot keeps it at 8 bytes or less per id. The 64-bit hash is stored beside
 *   each id, so that growing the table never rereads the id bytes and most
 *   probes that meet another id are rejected without a memcmp(). Ids are never
 *   removed; the index of an id is its rank of first appearance. Per-id data
 *   (labels, flags) lives with the caller, in arrays indexed by it.
 *
 *   Lines. Files are read one line at a time with getline(), so a line may be
 *   any length, from a stream of rd_fopen() (read/reader.h), so the gzip and
 *   zstd files neardup writes read back; lines are validated and read by the
 *   strict scanner of json.c (RFC 8259, UTF-8 checked; the one dedup's reader
 *   uses), which builds no tree, so a 1M-member line costs no more than its
 *   bytes.
 *
 *   Clusters lines. The line's scanner extracts "members", then each element
 *   of that array is given to a second scanner, which reads it as an id (a
 *   string, decoded, or a number as its exact JSON text) or as an object with
 *   an "id". Errors come in two kinds, both fatal for the run (exit 2): a
 *   syntax error anywhere on the line (reported as "invalid JSON at column
 *   C"), which comes first, and a clusters-format error in valid JSON (e.g.
 *   "members" that is not an array). Ids are decoded (escapes resolved), so
 *   "\u0061" and "a" are the same id.
 *
 *   Every allocation goes through cli_grow(), which checks the size arithmetic
 *   for overflow and reports failure instead of aborting.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cli.h"
#include "eval/eval.h"
#include "read/reader.h"

/* ---------------------------------------------------------------- id table */

void ev_ids_free(ev_ids *t)
{
    free(t->pool);
    free(t->ents);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* Doubles the slot array and reinserts every id. Returns 0 or -1. */
static int ids_rehash(ev_ids *t)
{
    const size_t ns = t->nslots ? t->nslots * 2 : 1024;
    uint32_t *s = calloc(ns, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t k = (size_t)t->ents[i].hash & (ns - 1);
        while (s[k])
            k = (k + 1) & (ns - 1);
        s[k] = (uint32_t)(i + 1);
    }
    free(t->slots);
    t->slots = s;
    t->nslots = ns;
    return 0;
}

/* The slot holding id s[0..len) of hash h, or the empty slot ending its probe
 * sequence. The table must have at least one empty slot. */
static size_t ids_probe(const ev_ids *t, const char *s, size_t len, uint64_t h)
{
    size_t k = (size_t)h & (t->nslots - 1);
    while (t->slots[k]) {
        const ev_ident *e = &t->ents[t->slots[k] - 1];
        if (e->hash == h && e->len == len && memcmp(t->pool + e->off, s, len) == 0)
            break;
        k = (k + 1) & (t->nslots - 1);
    }
    return k;
}

int64_t ev_ids_get(ev_ids *t, const char *s, size_t len)
{
    /* Grow first, so that the probe below always ends on an empty slot. */
    if ((t->n + 1) * 2 > t->nslots && ids_rehash(t))
        return -1;
    const uint64_t h = XXH3_64bits(s, len);
    const size_t k = ids_probe(t, s, len, h);
    if (t->slots[k])
        return (int64_t)(t->slots[k] - 1);
    if (t->n >= EV_MAX_IDS)
        return -2;
    if (cli_grow((void **)&t->ents, &t->cap, t->n + 1, sizeof *t->ents) ||
        cli_grow((void **)&t->pool, &t->pool_cap, t->pool_len + len + 1, 1))
        return -1;
    memcpy(t->pool + t->pool_len, s, len);
    t->ents[t->n] = (ev_ident){ .hash = h, .off = t->pool_len, .len = len };
    t->pool_len += len;
    t->slots[k] = (uint32_t)(t->n + 1);
    return (int64_t)t->n++;
}

int64_t ev_ids_find(const ev_ids *t, const char *s, size_t len)
{
    if (!t->nslots)
        return -1;
    const size_t k = ids_probe(t, s, len, XXH3_64bits(s, len));
    return t->slots[k] ? (int64_t)(t->slots[k] - 1) : -1;
}

const char *ev_ids_str(const ev_ids *t, size_t i, size_t *len)
{
    *len = t->ents[i].len;
    return t->pool + t->ents[i].off;
}

const char *ev_show_id(const char *s, size_t len, char *buf, size_t size)
{
    size_t o = 0, i = 0;
    buf[o++] = '"';
    for (; i < len && o + 5 < size; i++) {
        const unsigned char c = (unsigned char)s[i];
        buf[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (i < len) {   /* cut short: room is left for "...", the quote and NUL */
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

/* ------------------------------------------------------------- line loop */

/* rd_fopen() callback: the reader's message, and a note that it was given. */
static void on_read_error(void *ctx, const char *msg)
{
    *(int *)ctx = 1;
    cli_log(1, "%s", msg);
}

int ev_read_lines(const char *path, const char **name, ev_line_fn fn, void *ctx)
{
    const int is_stdin = strcmp(path, "-") == 0;
    *name = is_stdin ? "<stdin>" : path;
    /* through the document reader's decoding: every form neardup writes
     * (plain, .gz, .zst) reads back, whatever the name */
    int reported = 0;
    FILE *fp = rd_fopen(path, on_read_error, &reported);
    if (!fp) {
        cli_log(1, "%s: out of memory", *name);
        return EXIT_INTERNAL;
    }
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    uint64_t lineno = 0;
    int rc = 0;
    /* errno is cleared before each read so that, after the loop, ENOMEM tells
     * an allocation failure in getline() apart from the end of the file. */
    while ((errno = 0, got = getline(&line, &lcap, fp)) >= 0) {
        lineno++;
        const char *s = line;
        size_t len = (size_t)got;
        if (lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3;    /* a UTF-8 byte order mark */
            len -= 3;
        }
        size_t k = 0;
        while (k < len && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n'))
            k++;
        if (k == len)
            continue;   /* blank line */
        if ((rc = fn(ctx, s, len, lineno)) != 0)
            break;
    }
    if (!rc && ferror(fp)) {
        if (!reported)
            cli_log(1, "%s: read error: %s", *name, strerror(errno));
        rc = errno == ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    } else if (!rc && errno == ENOMEM) {
        cli_log(1, "%s:%llu: out of memory", *name, (unsigned long long)lineno + 1);
        rc = EXIT_INTERNAL;
    }
    free(line);
    fclose(fp);
    return rc;
}

int ev_scan_object(js_scanner *sc, const char *name, uint64_t lineno, const char *s, size_t len)
{
    const int rc = js_scan(sc, s, len);
    if (rc == JS_ERR_NOMEM) {
        cli_log(1, "%s:%llu: out of memory", name, (unsigned long long)lineno);
        return EXIT_INTERNAL;
    }
    if (rc != JS_OK) {
        cli_log(1, "%s:%llu: invalid JSON at column %zu: %s", name, (unsigned long long)lineno,
                js_errpos(sc) + 1, js_errmsg(sc));
        return EXIT_INPUT;
    }
    if (js_top(sc) != JS_OBJECT) {
        cli_log(1, "%s:%llu: expected a JSON object", name, (unsigned long long)lineno);
        return EXIT_INPUT;
    }
    return 0;
}

/* ---------------------------------------------------------- clusters line */

int ev_members_init(ev_members *j)
{
    static const char *const members[] = { "members" }, *const id[] = { "id" };
    memset(j, 0, sizeof *j);
    j->line = js_new(members, 1);
    j->elem = js_new(id, 1);
    return j->line && j->elem ? 0 : -1;
}

void ev_members_free(ev_members *j)
{
    js_free(j->line);
    js_free(j->elem);
    free(j->ids);
    free(j->spans);
    memset(j, 0, sizeof *j);
}

/* A clusters-format error in valid JSON; returns -1. */
static int jp_bad(ev_members *j, const char *msg)
{
    j->msg = msg;
    j->syntax = 0;
    return -1;
}

static int jp_oom(ev_members *j)
{
    j->nomem = 1;
    j->msg = "out of memory";
    return -1;
}

/* Appends one decoded id to j->ids. */
static int jp_id(ev_members *j, const char *s, size_t n)
{
    if (cli_grow((void **)&j->ids, &j->ids_cap, j->ids_len + n + 1, 1) ||
        cli_grow((void **)&j->spans, &j->cap_spans, j->nspans + 1, sizeof *j->spans))
        return jp_oom(j);
    memcpy(j->ids + j->ids_len, s, n);
    j->spans[j->nspans++] = (ev_span){ .off = j->ids_len, .len = n };
    j->ids_len += n;
    return 0;
}

int ev_members_line(ev_members *j, const char *s, size_t len)
{
    j->msg = NULL;
    j->ids_len = 0;
    j->nspans = 0;
    int rc = js_scan(j->line, s, len);
    if (rc == JS_ERR_NOMEM)
        return jp_oom(j);
    if (rc != JS_OK) {
        j->syntax = 1;
        j->msg = js_errmsg(j->line);
        j->col = js_errpos(j->line) + 1;
        return -1;
    }
    if (js_top(j->line) != JS_OBJECT)
        return jp_bad(j, "expected a JSON object");
    const js_value *m = js_field(j->line, 0);
    if (m->count == 0)
        return jp_bad(j, "no \"members\" array");
    if (m->count > 1)
        return jp_bad(j, "two \"members\" keys");
    if (m->type != JS_ARRAY)
        return jp_bad(j, "\"members\" must be an array");
    size_t pos = 0, en;
    const char *es;
    while (js_array_next(m, &pos, &es, &en)) {
        /* the element was validated with the line: only memory can fail */
        if (js_scan(j->elem, es, en) != JS_OK)
            return jp_oom(j);
        const js_value *v = js_root(j->elem);
        if (v->type == JS_OBJECT) {
            v = js_field(j->elem, 0);
            if (v->count == 0)
                return jp_bad(j, "a member object has no \"id\"");
            if (v->count > 1)
                return jp_bad(j, "a member object has two \"id\" keys");
            if (v->type != JS_STRING && v->type != JS_NUMBER)
                return jp_bad(j, "a member's \"id\" must be a string or a number");
        } else if (v->type != JS_STRING && v->type != JS_NUMBER) {
            return jp_bad(j, "a member must be a string, a number or an object with an \"id\"");
        }
        if (jp_id(j, v->s, v->n))
            return -1;
    }
    return 0;
}

int ev_members_error(const ev_members *j, const char *name, uint64_t lineno)
{
    if (j->nomem) {
        cli_log(1, "%s:%llu: out of memory", name, (unsigned long long)lineno);
        return EXIT_INTERNAL;
    }
    if (j->syntax)
        cli_log(1, "%s:%llu: invalid JSON at column %zu: %s", name, (unsigned long long)lineno,
                j->col, j->msg);
    else
        cli_log(1, "%s:%llu: %s", name, (unsigned long long)lineno, j->msg);
    return EXIT_INPUT;
}

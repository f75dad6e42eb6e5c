/*
 * reader.c - the CLI's document reader (see reader.h for the contract).
 *
 * DESIGN: three layers, each pulling from the one below.
 *   1. Walk: the argument list, plus a stack of directory frames. A frame
 *      holds the sorted (strcmp) names of one directory, read all at once
 *      and closed, so no descriptor is held per level and the order never
 *      depends on readdir(). Symlinks to files are followed, symlinks to
 *      directories are not (no loops).
 *   2. Source: one open input. Its first bytes are read into a raw buffer
 *      to sniff the gzip/zstd magic, then src_read() hands out decoded
 *      bytes (plain copy, zlib inflate with member restart, or
 *      ZSTD_decompressStream). Peeking this way works on pipes and stdin.
 *   3. Records: one growable buffer buf[beg..end) of decoded bytes. Lines
 *      are cut with memchr from `scan` on; the buffer grows up to
 *      max_record + one chunk, so an over-long line is detected, reported
 *      and then streamed past in "skipping" mode without being held.
 *      Whole-file documents are simply the buffer up to end of file.
 * Every record points into reader-owned memory (the line buffer, the JSON
 * scanner's decoding buffers, or small scratch buffers), released
 * at the next rd_next() or rd_close(). Allocation failures are sticky:
 * once out of memory, rd_next() keeps returning RD_ERR_NOMEM.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "read/json.h"
#include "read/reader.h"
#include "read/warc.h"

#define RAW_CHUNK  ((size_t)64 * 1024) /* compressed/raw read size */
#define BUF_CHUNK  ((size_t)64 * 1024) /* initial and minimum free space of buf */
#define SNIFF_LEN  ((size_t)8192)      /* NUL search window for binary files */
#define DEFAULT_MAX ((uint64_t)1 << 30)
#define MSG_LEN    8448
/* Under --on-error skip, the reports shown per file: REPORT_CAP of one kind
 * (the same message but for line and column), REPORT_FILE_CAP in all; the
 * rest are counted and summed up in one line at the end of the file. */
#define REPORT_CAP 3
#define REPORT_FILE_CAP 10
#define REPORT_KINDS 16

#if defined(__GNUC__) || defined(__clang__)
#  define RD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define RD_PRINTF(f, a)
#endif

enum { CZ_PLAIN, CZ_GZIP, CZ_ZSTD };
/* What the current file is being read as; ST_START until the first call. */
enum { ST_START, ST_JSONL, ST_LINES, ST_TEXT, ST_WARC, ST_DONE };

/* One directory being walked: its entries, sorted, and the next to visit. */
typedef struct dir_frame {
    char *path;   /* as it is opened: argument + "/" + relative part */
    char *rel;    /* relative to the directory argument ("" at the top) */
    char **names;
    size_t n, i;
} dir_frame;

/* Digests of the inputs read (rd_opts.digests). */
typedef struct dig_ent {
    uint64_t h;
    char *path;
} dig_ent;
struct rd_digests {
    dig_ent *e;
    size_t n, cap;
    int sealed;
    char why[1024];
};

/* A growable NUL-terminated scratch string (ids and keys of numbers). */
typedef struct scratch {
    char *s;
    size_t cap;
} scratch;

/* The reader. Invariants: beg <= scan <= end <= cap <= max(hardcap, BUF_CHUNK);
 * ibeg <= iend <= RAW_CHUNK; `open` is 1 exactly while fd/path/rel belong to
 * a current file. */
struct rd_reader {
    const char **inputs;  /* copy of the argument array (strings borrowed) */
    size_t n_inputs, next_input;
    rd_opts o;            /* defaults filled in */
    size_t max;           /* effective max_record */
    int nomem;            /* sticky out-of-memory state */

    /* layer 1: directories being walked, innermost last */
    dir_frame *frames;
    size_t depth, frames_cap;

    /* files the walk met, and the current one's ordinal (rd_opts.want_file) */
    uint64_t files_met, file_no;
    int ranged;           /* the current file is a part (rd_opts.ranges) */
    int range_warc;       /* ... of a WARC file */
    uint64_t range_start, range_left;  /* where it starts, its bytes not read yet */
    int skim;             /* rd_warc_skim(): records read and dropped, not made documents */

    /* current file */
    int open;             /* a file is current */
    char *path, *rel;     /* owned copies */
    int state;            /* ST_* */
    uint64_t lineno;      /* lines started so far */
    int skipping;         /* discarding the tail of an over-long line */
    uint64_t file_records; /* records returned from this file */
    uint64_t raw_read;    /* bytes read from its descriptor */
    int64_t size;         /* its size when measured on opening (a regular file met in a
                             directory), else -1: once exactly that many bytes are read,
                             the file has ended (no read to see the end); a size of 0
                             (procfs and the like: any length) or a file that grew past
                             it is read to the end */
    int damaged;          /* its compressed data was found corrupt or cut short */
    int cut_short;        /* 1: ... cut short: it ends inside a gzip member;
                             2: data that is not gzip follows a member */
    XXH3_state_t *xs;     /* digest of the bytes read from it (with o.digests) */
    size_t dig_k;         /* files finished so far (the digest to check next) */
    int changed;          /* sticky: an input differs from its digest */
    int from_dir;         /* found by walking a directory (not named as an argument) */
    /* reports of this file, for the caps: kinds seen (hash of the message
     * less line and column) and how often, reports shown, reports held back
     * and what they were about (labels, "; "-separated) */
    struct {
        uint64_t key, n;
    } kinds[REPORT_KINDS];
    size_t nkinds;
    uint64_t rshown, rheld;
    char rlabels[160];

    /* layer 2: the source */
    int fd, close_fd, comp;
    unsigned char *in;    /* raw bytes read, in[ibeg..iend) not yet decoded */
    size_t ibeg, iend;
    int in_eof;           /* the descriptor hit end of file */
    int eof;              /* no more decoded bytes */
    z_stream z;
    int z_live;           /* z needs inflateEnd() */
    ZSTD_DCtx *zd;
    size_t zhint;         /* last ZSTD_decompressStream() result; 0 = frame done */

    /* layer 3: decoded bytes; buf[beg..end) unconsumed, no '\n' in buf[beg..scan) */
    char *buf;
    size_t cap, beg, end, scan, hardcap;

    js_scanner *js;       /* JSON Lines scanner (text, id, key fields) */
    scratch idb, keyb;    /* id and key text built for the last record */

    /* WARC (see warc_record()); woff is the decoded offset of buf[beg] */
    uint64_t wrec, woff;  /* records started in this file */
    int wresync;          /* after a bad header: looking for the next "WARC/1." line */
    int wdirty;           /* the last record was bad and not read whole (rd_skim.clean) */
    unsigned wwarned;     /* W_* warnings already given for this file */
    char *fold;           /* WARC_MAX_HEAD bytes: folded header values */
    char *wbody;          /* de-chunked HTTP payloads */
    size_t wbody_cap;
    warc_html *html;      /* HTML to text, created on first use */
    scratch dateb;        /* WARC-Date or date field of the last record */
    scratch srcb;         /* source field of the last record */
    scratch titleb;       /* title field of the last record */
    rd_stats st;
    char msg[MSG_LEN];    /* message being reported (no allocation needed) */
};

/* ------------------------------------------------------------------ */
/* messages
 *
 * Formats: "FILE: what" for a whole input, "FILE:LINE: what" for a line,
 * where FILE is the path as opened (argument, or argument/relative path).
 * Warnings say "warning:" and change no return code or counter. */

static void report(rd_reader *r, const char *fmt, ...) RD_PRINTF(2, 3);

/* The kind of the report in r->msg: the message less its "FILE:" or
 * "FILE:LINE:" prefix and a final " at column N". *what is where it starts. */
static uint64_t report_kind(const rd_reader *r, const char **what)
{
    const char *m = r->msg;
    const size_t lp = r->path ? strlen(r->path) : 0;
    if (lp && strncmp(m, r->path, lp) == 0 && m[lp] == ':') {
        m += lp + 1;
        while (*m >= '0' && *m <= '9')
            m++;
        if (*m == ':')
            m++;
    }
    while (*m == ' ')
        m++;
    *what = m;
    size_t n = strlen(m);
    const char *col = strstr(m, " at column ");
    if (col && strspn(col + 11, "0123456789") == strlen(col + 11))
        n = (size_t)(col - m);
    return XXH3_64bits(m, n);
}

/* Adds the start of `what` (up to its first ':', WARC "record N (offset
 * O): " skipped) to the labels of the reports held back, once. */
static void held_label(rd_reader *r, const char *what)
{
    if (strncmp(what, "record ", 7) == 0 && strstr(what, "): "))
        what = strstr(what, "): ") + 3;
    char lab[64];
    size_t n = strcspn(what, ":");
    if (n >= sizeof lab)
        n = sizeof lab - 1;
    memcpy(lab, what, n);
    lab[n] = '\0';
    for (const char *p = r->rlabels; (p = strstr(p, lab)) != NULL; p += n)
        if ((p == r->rlabels || p[-1] == ' ') && (p[n] == ';' || p[n] == '\0'))
            return; /* already listed */
    const size_t have = strlen(r->rlabels);
    if (have + n + 3 < sizeof r->rlabels)
        snprintf(r->rlabels + have, sizeof r->rlabels - have, "%s%s", have ? "; " : "", lab);
}

/* Formats a message and hands it to on_error. Control bytes (from file
 * names or from the input quoted in a message) are replaced with '?'. Under
 * on_error_skip the caps above apply while a file is open. */
static void report(rd_reader *r, const char *fmt, ...)
{
    if (!r->o.on_error)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    for (char *p = r->msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    if (r->open && r->o.on_error_skip) {
        const char *what;
        const uint64_t key = report_kind(r, &what);
        size_t k = 0;
        while (k < r->nkinds && r->kinds[k].key != key)
            k++;
        if (k == r->nkinds && k < REPORT_KINDS) {
            r->kinds[k].key = key;
            r->kinds[k].n = 0;
            r->nkinds++;
        }
        const uint64_t n = k < r->nkinds ? ++r->kinds[k].n : 1;
        if (n > REPORT_CAP || r->rshown >= REPORT_FILE_CAP) {
            r->rheld++;
            held_label(r, what);
            return;
        }
        r->rshown++;
    }
    r->o.on_error(r->o.ctx, r->msg);
}

/* At the end of a file: "FILE: ... and N more like these (what)". */
static void flush_reports(rd_reader *r)
{
    if (r->rheld && r->o.on_error) {
        snprintf(r->msg, sizeof r->msg, "%s: ... and %" PRIu64 " more like %s (%s)", r->path,
                 r->rheld, r->rheld == 1 ? "it" : "these", r->rlabels);
        for (char *p = r->msg; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                *p = '?';
        r->o.on_error(r->o.ctx, r->msg);
    }
    r->nkinds = 0;
    r->rshown = r->rheld = 0;
    r->rlabels[0] = '\0';
}

/* Enters the sticky out-of-memory state (reported once). */
static int nomem(rd_reader *r)
{
    if (!r->nomem) {
        r->nomem = 1;
        report(r, "%s: out of memory", r->path ? r->path : "reader");
    }
    return RD_ERR_NOMEM;
}

/* Reports damaged compressed data (what: "truncated gzip data", ...) found
 * `at` bytes into the compressed file: a whole-input error. Under
 * on_error_skip the records already returned stand, and the message says how
 * many there were; rd_next() counts the input as damaged. */
static int damage(rd_reader *r, const char *what, uint64_t at)
{
    r->damaged = 1;
    if (r->o.on_error_skip && r->ranged && r->range_start > 0)  /* the count before is not known */
        report(r, "%s: %s at compressed byte %" PRIu64 "; its records before the damage "
                  "used, the rest of it lost", r->path, what, at);
    else if (r->o.on_error_skip)
        report(r, "%s: %s at compressed byte %" PRIu64 "; %" PRIu64 " %s of it used before "
                  "the damage, the rest of it lost", r->path, what, at, r->file_records,
               r->file_records == 1 ? "record" : "records");
    else
        report(r, "%s: %s at compressed byte %" PRIu64, r->path, what, at);
    return RD_ERR_IO;
}

/* The compressed offset the decoder has reached: read, less what is
 * pending (in the whole file, for a part). */
static uint64_t raw_pos(const rd_reader *r)
{
    return (r->ranged ? r->range_start : 0) + r->raw_read - (r->iend - r->ibeg);
}

/* ------------------------------------------------------------------ */
/* small helpers */

/* a + "/" + b, without doubling a trailing slash of a; NULL when out of memory. */
static char *join_path(const char *a, const char *b)
{
    const size_t la = strlen(a), lb = strlen(b);
    const int slash = la > 0 && a[la - 1] != '/';
    char *s = malloc(la + (size_t)slash + lb + 1);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    if (slash)
        s[la] = '/';
    memcpy(s + la + (size_t)slash, b, lb + 1);
    return s;
}

/* Makes room for n bytes plus a terminating NUL. */
static int scratch_reserve(scratch *b, size_t n)
{
    if (n + 1 <= b->cap)
        return 0;
    size_t nc = b->cap ? b->cap : 64;
    while (nc < n + 1)
        nc *= 2;
    char *p = realloc(b->s, nc);
    if (!p)
        return -1;
    b->s = p;
    b->cap = nc;
    return 0;
}

/* Copies s[0..n) into b, NUL-terminated. */
static int scratch_set(scratch *b, const char *s, size_t n)
{
    if (scratch_reserve(b, n) < 0)
        return -1;
    memcpy(b->s, s, n);
    b->s[n] = '\0';
    return 0;
}

/* JSON whitespace: what may surround a value and what a blank line holds. */
static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_ws(s[i]))
            return 0;
    return 1;
}

/* qsort() comparator: bytewise, so the order never depends on the locale. */
static int cmp_names(const void *a, const void *b)
{
    /* past the type byte in front of each name */
    return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

/* Name-based JSON Lines detection: .jsonl/.ndjson/.json, before .gz/.zst. */
int rd_name_is_jsonl(const char *path)
{
    size_t n = strlen(path);
    if (n >= 3 && strcasecmp(path + n - 3, ".gz") == 0)
        n -= 3;
    else if (n >= 4 && strcasecmp(path + n - 4, ".zst") == 0)
        n -= 4;
    static const char *const ext[] = { ".jsonl", ".ndjson", ".json" };
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        const size_t le = strlen(ext[i]);
        if (n > le && strncasecmp(path + n - le, ext[i], le) == 0)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* layer 2: the source (raw bytes in, decoded bytes out)
 *
 * Corrupt or truncated compressed data is an input error (RD_ERR_IO): the
 * records already returned stand, the rest of the file is abandoned. */

/* Counts n bytes read from the file's descriptor; the file has ended once
 * exactly the size measured on opening is read (r->size). */
static void count_read(rd_reader *r, size_t n)
{
    r->raw_read += (uint64_t)n;
    if (r->size > 0 && !r->ranged && r->raw_read == (uint64_t)r->size)
        r->in_eof = 1;
}

/* Reads more raw bytes after in[iend], compacting first. Returns 1 when
 * bytes were added, 0 at end of file, RD_ERR_IO after reporting. */
static int raw_more(rd_reader *r)
{
    if (r->ibeg > 0) {
        memmove(r->in, r->in + r->ibeg, r->iend - r->ibeg);
        r->iend -= r->ibeg;
        r->ibeg = 0;
    }
    if (r->in_eof || r->iend == RAW_CHUNK) /* nothing to read, or no room */
        return r->in_eof ? 0 : 1;
    for (;;) {
        size_t want = RAW_CHUNK - r->iend;
        if (r->ranged && want > r->range_left)  /* a part ends where the next begins */
            want = (size_t)r->range_left;
        const ssize_t got = want ? read(r->fd, r->in + r->iend, want) : 0;
        if (got > 0 && r->ranged)
            r->range_left -= (uint64_t)got;
        if (got > 0) {
            if (r->xs)
                XXH3_64bits_update(r->xs, r->in + r->iend, (size_t)got);
            r->iend += (size_t)got;
            count_read(r, (size_t)got);
            return 1;
        }
        if (got == 0) {
            r->in_eof = 1;
            return 0;
        }
        if (errno != EINTR) {
            report(r, "%s: read error: %s", r->path, strerror(errno));
            return RD_ERR_IO;
        }
    }
}

/* Makes sure at least `n` raw bytes are pending unless the file is shorter. */
static int raw_need(rd_reader *r, size_t n)
{
    while (r->iend - r->ibeg < n && !r->in_eof) {
        const int rc = raw_more(r);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Sniffs the compression magic and sets up the decoder. The sniffed bytes
 * stay in `in`: they are the start of the stream, whatever the format. */
static int src_start(rd_reader *r)
{
    int rc = raw_need(r, 4);
    if (rc < 0)
        return rc;
    const unsigned char *p = r->in + r->ibeg;
    const size_t avail = r->iend - r->ibeg;
    r->comp = CZ_PLAIN;
    if (avail >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        memset(&r->z, 0, sizeof r->z);
        rc = inflateInit2(&r->z, 16 + MAX_WBITS); /* gzip wrapper only */
        if (rc == Z_MEM_ERROR)
            return nomem(r);
        if (rc != Z_OK) {
            report(r, "%s: cannot start gzip decoder", r->path);
            return RD_ERR_IO;
        }
        r->z_live = 1;
        r->comp = CZ_GZIP;
    } else if (avail >= 4 && ((p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) ||
                              /* a skippable frame first, as pzstd writes */
                              ((p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d &&
                               p[3] == 0x18))) {
        r->zd = ZSTD_createDCtx();
        if (!r->zd)
            return nomem(r);
        r->zhint = 1;
        r->comp = CZ_ZSTD;
    }
    return 0;
}

/* Decodes gzip into dst; handles concatenated members like gzread() does
 * (a member is followed either by another member or by ignored data, which
 * is reported as a warning). inflate() is used rather than gzdopen() so the
 * sniffed bytes need no seek back, which a pipe could not do. Returns 0 with
 * *got > 0 or r->eof set, or an error code. */
static int gz_read(rd_reader *r, char *dst, size_t cap, size_t *got)
{
    for (;;) {
        if (r->ibeg == r->iend && !r->in_eof) {
            const int rc = raw_more(r);
            if (rc < 0)
                return rc;
        }
        const size_t avail = r->iend - r->ibeg;
        /* zlib counts in uInt; chunks are far below 4 GiB but clamp anyway */
        const uInt out_n = cap > 0x40000000u ? 0x40000000u : (uInt)cap;
        r->z.next_in = r->in + r->ibeg;
        r->z.avail_in = (uInt)avail;
        r->z.next_out = (Bytef *)dst;
        r->z.avail_out = out_n;
        const int zr = inflate(&r->z, Z_NO_FLUSH);
        r->ibeg += avail - r->z.avail_in;
        *got = out_n - r->z.avail_out;
        if (zr == Z_STREAM_END) {
            /* end of a member: another one follows if the magic does */
            int rc = raw_need(r, 2);
            if (rc < 0)
                return rc;
            const unsigned char *p = r->in + r->ibeg;
            const size_t left = r->iend - r->ibeg;
            if (left >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
                if (inflateReset(&r->z) != Z_OK)
                    return damage(r, "corrupt gzip data", raw_pos(r));
            } else {
                if (left > 0) {
                    report(r, "%s: warning: trailing data after gzip stream ignored", r->path);
                    r->cut_short = 2;  /* the reading of the file ends here */
                }
                r->eof = 1;
            }
        } else if (zr == Z_MEM_ERROR) {
            return nomem(r);
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            char what[160];
            snprintf(what, sizeof what, "corrupt gzip data (%s)", r->z.msg ? r->z.msg : "error");
            return damage(r, what, raw_pos(r));
        } else if (*got == 0 && r->ibeg == r->iend && r->in_eof) {
            /* Z_OK/Z_BUF_ERROR with all input used: the member is cut short */
            r->cut_short = 1;
            return damage(r, "truncated gzip data (unexpected end of file)", raw_pos(r));
        }
        if (*got > 0 || r->eof)
            return 0;
    }
}

/* Decodes zstd into dst; ZSTD_decompressStream moves on to the next frame
 * by itself, and anything that is not a frame is an error. */
static int zstd_read(rd_reader *r, char *dst, size_t cap, size_t *got)
{
    for (;;) {
        if (r->ibeg == r->iend && !r->in_eof) {
            const int rc = raw_more(r);
            if (rc < 0)
                return rc;
        }
        /* Called with no input, the decoder would report the size of a next
         * frame header, so the end is decided here from the last result. */
        if (r->ibeg == r->iend && r->in_eof && r->zhint == 0) {
            r->eof = 1; /* the last frame ended exactly at end of file */
            return 0;
        }
        ZSTD_inBuffer zin = { r->in + r->ibeg, r->iend - r->ibeg, 0 };
        ZSTD_outBuffer zout = { dst, cap, 0 };
        const size_t zr = ZSTD_decompressStream(r->zd, &zout, &zin);
        r->ibeg += zin.pos;
        *got = zout.pos;
        if (ZSTD_isError(zr)) {
            if (ZSTD_getErrorCode(zr) == ZSTD_error_memory_allocation)
                return nomem(r);
            char what[160];
            snprintf(what, sizeof what, "corrupt or unsupported zstd data (%s)",
                     ZSTD_getErrorName(zr));
            return damage(r, what, raw_pos(r));
        }
        r->zhint = zr;
        if (*got > 0)
            return 0;
        if (r->ibeg == r->iend && r->in_eof && r->zhint != 0) {
            /* all input consumed, nothing left to flush, frame unfinished */
            return damage(r, "truncated zstd data (unexpected end of file)", raw_pos(r));
        }
    }
}

/* Reads decoded bytes into dst[0..cap): *got > 0, or *got == 0 and r->eof
 * set at the end. Returns 0 or an RD_ERR_* code (already reported). */
static int src_read(rd_reader *r, char *dst, size_t cap, size_t *got)
{
    *got = 0;
    if (r->eof)
        return 0;
    if (r->comp == CZ_GZIP)
        return gz_read(r, dst, cap, got);
    if (r->comp == CZ_ZSTD)
        return zstd_read(r, dst, cap, got);
    /* plain: first what was sniffed, then straight from the descriptor into
     * the caller's buffer (no extra copy) */
    if (r->ibeg < r->iend) {
        size_t n = r->iend - r->ibeg;
        if (n > cap)
            n = cap;
        memcpy(dst, r->in + r->ibeg, n);
        r->ibeg += n;
        *got = n;
        return 0;
    }
    if (r->in_eof) {
        r->eof = 1;
        return 0;
    }
    for (;;) {
        if (r->ranged && cap > r->range_left)  /* a part ends where the next begins */
            cap = (size_t)r->range_left;
        const ssize_t n = cap ? read(r->fd, dst, cap) : 0;
        if (n > 0) {
            if (r->ranged)
                r->range_left -= (uint64_t)n;
            if (r->xs)
                XXH3_64bits_update(r->xs, dst, (size_t)n);
            *got = (size_t)n;
            count_read(r, (size_t)n);
            return 0;
        }
        if (n == 0) {
            r->in_eof = r->eof = 1;
            return 0;
        }
        if (errno != EINTR) {
            report(r, "%s: read error: %s", r->path, strerror(errno));
            return RD_ERR_IO;
        }
    }
}

/* ------------------------------------------------------------------ */
/* layer 3: the decoded-byte buffer and lines
 *
 * Lines end at "\n" only. More data is read only when no complete line is
 * buffered, so every line before a read error is returned first. */

/* Appends decoded bytes after buf[end], compacting and growing first.
 * Returns 1 with new bytes, 0 at end of input, or an error code. */
static int buf_fill(rd_reader *r)
{
    /* move the unconsumed bytes (a partial line) to the front; the scan
     * position moves with them so no byte is searched twice */
    if (r->beg > 0) {
        memmove(r->buf, r->buf + r->beg, r->end - r->beg);
        r->end -= r->beg;
        r->scan -= r->beg;
        r->beg = 0;
    }
    if (r->cap - r->end < BUF_CHUNK / 2) {
        /* double, but never much past what max_record can need */
        size_t nc = r->cap * 2;
        if (nc > r->hardcap)
            nc = r->hardcap;
        if (nc < r->end + BUF_CHUNK / 2)
            nc = r->end + BUF_CHUNK / 2;
        char *p = realloc(r->buf, nc);
        if (!p)
            return nomem(r);
        r->buf = p;
        r->cap = nc;
    }
    /* read as much as fits: large reads once the buffer has grown */
    size_t got;
    const int rc = src_read(r, r->buf + r->end, r->cap - r->end, &got);
    if (rc < 0)
        return rc;
    r->end += got;
    return got > 0;
}

/* Fills until at least n bytes are buffered or the input ends. */
static int buf_need(rd_reader *r, size_t n)
{
    while (r->end - r->beg < n && !r->eof) {
        const int rc = buf_fill(r);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Reports the current line as over max_record. */
static int too_long(rd_reader *r)
{
    report(r, "%s:%" PRIu64 ": record longer than max_record (%zu bytes), skipped",
           r->path, r->lineno, r->max);
    return RD_ERR_RECORD;
}

/* Cuts the next line (without its "\n") out of the buffer. Returns 1 with a
 * line, 0 at end of file, RD_ERR_RECORD for an over-long line (reported;
 * its tail is skipped on the next call), or another error code. */
static int next_line(rd_reader *r, char **line, size_t *len)
{
    for (;;) {
        if (r->skipping) {
            const char *nl = memchr(r->buf + r->beg, '\n', r->end - r->beg);
            if (nl) { /* the over-long line ends here; the next one starts */
                r->beg = r->scan = (size_t)(nl - r->buf) + 1;
                r->skipping = 0;
                continue;
            }
            r->beg = r->end = r->scan = 0; /* drop it all, keep streaming */
            if (r->eof) {
                r->skipping = 0;
                return 0;
            }
        } else {
            const char *nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
            if (nl) {
                *line = r->buf + r->beg;
                *len = (size_t)(nl - *line);
                r->beg = r->scan = (size_t)(nl - r->buf) + 1;
                r->lineno++;
                return *len > r->max ? too_long(r) : 1;
            }
            r->scan = r->end;
            if (r->end - r->beg > r->max) {
                /* report now; the rest of the line is never held */
                r->lineno++;
                r->skipping = 1;
                r->beg = r->end = r->scan = 0;
                return too_long(r);
            }
            if (r->eof) { /* a last line without "\n" is a line too */
                if (r->beg == r->end)
                    return 0;
                *line = r->buf + r->beg;
                *len = r->end - r->beg;
                r->beg = r->scan = r->end;
                r->lineno++;
                return 1;
            }
        }
        const int rc = buf_fill(r);
        if (rc < 0)
            return rc;
    }
}

/* ------------------------------------------------------------------ */
/* records
 *
 * Each reader returns RD_OK with *rec filled (id, text, raw, kind; rd_next()
 * adds path, rel and line), 0 at the end of the file, RD_ERR_RECORD after
 * reporting a bad record, or RD_ERR_IO / RD_ERR_NOMEM. */

/* The fallback id of a line: "<rel>:<line>", where rel is the path as given
 * or relative to the directory argument. */
static int line_id(rd_reader *r, rd_record *rec)
{
    char num[24];
    const size_t k = (size_t)snprintf(num, sizeof num, ":%" PRIu64, r->lineno);
    const size_t lr = strlen(r->rel);
    if (scratch_reserve(&r->idb, lr + k) < 0)
        return -1;
    memcpy(r->idb.s, r->rel, lr);
    memcpy(r->idb.s + lr, num, k + 1);
    rec->id = r->idb.s;
    rec->id_len = lr + k;
    return 0;
}

/* The next JSON Lines record. Blank lines are skipped here; every other line
 * is either a record (RD_OK) or a reported RD_ERR_RECORD. The line is
 * scanned once by the strict scanner of json.c; the text points into the
 * line (no escapes) or into the scanner's buffer, the id and the key are
 * copied into idb/keyb (NUL-terminated), all valid until the next call.
 * Field slots of r->js: 0 text, 1 id, 2 key (see rd_open). */
static int jsonl_record(rd_reader *r, rd_record *rec)
{
    for (;;) {
        char *line;
        size_t len;
        const int rc = next_line(r, &line, &len);
        if (rc <= 0)
            return rc;
        /* a UTF-8 byte order mark is not JSON: drop it from the first line */
        size_t skipped = 0;
        if (r->lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            len -= 3;
            skipped = 3;
        }
        if (is_blank(line, len))
            continue;
        const int jrc = js_scan(r->js, line, len);
        if (jrc == JS_ERR_NOMEM)
            return nomem(r);
        if (jrc != JS_OK) {
            report(r, "%s:%" PRIu64 ": invalid JSON: %s at column %zu", r->path, r->lineno,
                   js_errmsg(r->js), js_errpos(r->js) + skipped + 1);
            return RD_ERR_RECORD;
        }
        if (js_top(r->js) != JS_OBJECT) {
            report(r, "%s:%" PRIu64 ": invalid JSON: expected an object, got %s",
                   r->path, r->lineno, js_type_name(js_top(r->js)));
            return RD_ERR_RECORD;
        }
        const js_value *t = js_field(r->js, 0);
        if (t->type != JS_STRING) {
            if (t->type != JS_ABSENT)
                report(r, "%s:%" PRIu64 ": missing text field \"%s\" (found %s)",
                       r->path, r->lineno, r->o.text_field, js_type_name(t->type));
            else
                report(r, "%s:%" PRIu64 ": missing text field \"%s\"",
                       r->path, r->lineno, r->o.text_field);
            return RD_ERR_RECORD;
        }
        rec->text = t->s;
        rec->text_len = t->n;

        /* id: a string as is, a number as its JSON text, anything else falls back */
        const js_value *id = js_field(r->js, 1);
        if (id->type == JS_STRING || id->type == JS_NUMBER) {
            if (scratch_set(&r->idb, id->s, id->n) < 0)
                return nomem(r);
            rec->id = r->idb.s;
            rec->id_len = id->n;
        } else {
            /* missing or null: the file and line, silently; an array, object or
             * boolean is no id either, but the data probably meant one */
            if (id->type != JS_ABSENT && id->type != JS_NULL)
                report(r, "%s:%" PRIu64 ": warning: id field \"%s\" is %s, not a string or a "
                          "number; the record's id is its file and line", r->path, r->lineno,
                       r->o.id_field, js_type_name(id->type));
            if (line_id(r, rec) < 0)
                return nomem(r);
        }

        /* key: a string or a number (as its JSON text); other types leave it NULL */
        const js_value *key = r->o.key_field ? js_field(r->js, 2) : NULL;
        if (key && (key->type == JS_STRING || key->type == JS_NUMBER)) {
            if (scratch_set(&r->keyb, key->s, key->n) < 0)
                return nomem(r);
            rec->key = r->keyb.s;
            rec->key_len = key->n;
            if (key->type == JS_NUMBER) {
                /* the grammar was checked: strtod reads it all (1e400 gives inf) */
                rec->key_num = strtod(r->keyb.s, NULL);
                rec->key_is_num = 1;
            }
        }
        /* source: a string or a number; date: a string */
        const js_value *src = r->o.source_field ? js_field(r->js, 3) : NULL;
        if (src && (src->type == JS_STRING || src->type == JS_NUMBER)) {
            if (scratch_set(&r->srcb, src->s, src->n) < 0)
                return nomem(r);
            rec->source = r->srcb.s;
            rec->source_len = src->n;
        }
        const js_value *dt = r->o.date_field ? js_field(r->js, 4) : NULL;
        if (dt && (dt->type == JS_STRING || dt->type == JS_NUMBER)) {  /* Unix seconds */
            if (scratch_set(&r->dateb, dt->s, dt->n) < 0)
                return nomem(r);
            rec->date = r->dateb.s;
            rec->date_len = dt->n;
        }
        const js_value *ti = r->o.title_field ? js_field(r->js, 5) : NULL;
        if (ti && ti->type == JS_STRING) {
            if (scratch_set(&r->titleb, ti->s, ti->n) < 0)
                return nomem(r);
            rec->title = r->titleb.s;
            rec->title_len = ti->n;
        }
        rec->raw = line;
        rec->raw_len = len;
        rec->kind = RD_KIND_JSONL;
        return RD_OK;
    }
}

/* The next line as a document (RD_LINES). Empty lines are documents too;
 * the text drops a trailing "\r", the raw bytes keep it. */
static int lines_record(rd_reader *r, rd_record *rec)
{
    char *line;
    size_t len;
    const int rc = next_line(r, &line, &len);
    if (rc <= 0)
        return rc;
    rec->raw = line;
    rec->raw_len = len;
    rec->text = line;
    rec->text_len = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
    rec->kind = RD_KIND_LINE;
    return line_id(r, rec) < 0 ? nomem(r) : RD_OK;
}

/* The whole (decoded) file as one document; the file is done afterwards. */
static int text_record(rd_reader *r, rd_record *rec)
{
    r->state = ST_DONE;
    /* a plain regular file can be measured before it is read */
    struct stat sb;
    if (r->comp == CZ_PLAIN && r->close_fd &&
        (r->size >= 0 ? (uint64_t)r->size > (uint64_t)r->max
                      : fstat(r->fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
                            (uint64_t)sb.st_size > (uint64_t)r->max)) {
        report(r, "%s: file larger than max_record (%zu bytes), skipped", r->path, r->max);
        return RD_ERR_RECORD;
    }
    /* otherwise read up to one byte past the cap, which proves it too large */
    while (!r->eof && r->end - r->beg <= r->max) {
        const int rc = buf_fill(r);
        if (rc < 0)
            return rc;
    }
    if (r->end - r->beg > r->max) {
        report(r, "%s: file larger than max_record (%zu bytes), skipped", r->path, r->max);
        return RD_ERR_RECORD;
    }
    rec->text = rec->raw = r->buf + r->beg;
    rec->text_len = rec->raw_len = r->end - r->beg;
    rec->kind = RD_KIND_FILE;
    rec->id = r->rel; /* freed by close_file(), i.e. at the next rd_next() */
    rec->id_len = strlen(r->rel);
    return RD_OK;
}

/* ------------------------------------------------------------------ */
/* WARC records (warc.h parses; this part buffers, checks and classifies)
 *
 * A record is read whole into buf once its header block says how long it
 * is: header block + Content-Length + the 4 bytes of CRLF CRLF. Content-
 * Length is authoritative, so the text of a WET record is a span of buf and
 * costs no copy. A record over max_record is streamed past (only the header
 * is held). A header that cannot be parsed leaves no length to trust: the
 * bytes up to the next line starting "WARC/1." are skipped. Anomalies that
 * are tolerated (LF-only header lines, a missing CRLF CRLF, folded lines)
 * are warned about once per file, naming the first record they were seen in. */

enum { W_LF = 1, W_TRAILER = 2 };

/* Consumes n buffered bytes of the current WARC stream. */
static void w_consume(rd_reader *r, size_t n)
{
    r->beg += n;
    r->scan = r->beg;
    r->woff += n;
}

/* Skips n bytes, buffered or not, without holding them. Returns 1 when all
 * were skipped, 0 when the input ended first, or an error code. */
static int w_skip(rd_reader *r, uint64_t n)
{
    for (;;) {
        const size_t avail = r->end - r->beg;
        const size_t take = (uint64_t)avail < n ? avail : (size_t)n;
        w_consume(r, take);
        n -= take;
        if (n == 0)
            return 1;
        if (r->eof)
            return 0;
        r->beg = r->end = r->scan = 0; /* everything buffered was consumed */
        const int rc = buf_fill(r);
        if (rc < 0)
            return rc;
    }
}

/* After a bad header: drops bytes up to the next line that starts with
 * "WARC/1.". Returns 1 there, 0 at end of input, or an error code. */
static int w_resync(rd_reader *r)
{
    for (;;) {
        const size_t avail = r->end - r->beg;
        const char *hit = memmem(r->buf + r->beg, avail, "\nWARC/1.", 8);
        if (hit) {
            w_consume(r, (size_t)(hit + 1 - (r->buf + r->beg)));
            r->wresync = 0;
            return 1;
        }
        if (r->eof) {
            w_consume(r, avail);
            r->wresync = 0;
            return 0;
        }
        if (avail > 7) /* keep what could be the start of "\nWARC/1." */
            w_consume(r, avail - 7);
        const int rc = buf_fill(r);
        if (rc < 0)
            return rc;
    }
}

/* Payload text of an HTML or plain-text body into rec->text (record no at
 * offset off, for a warning). Returns RD_OK or nomem(). */
static int w_text(rd_reader *r, rd_record *rec, uint64_t no, uint64_t off, int mt,
                  const char *p, size_t n, warc_span charset)
{
    if (mt == WARC_MT_TEXT) {
        rec->text = p;
        rec->text_len = n;
        return RD_OK;
    }
    if (!r->html && !(r->html = warc_html_new()))
        return nomem(r);
    const int rc = warc_html_text(r->html, p, n, charset, &rec->text, &rec->text_len);
    if (rc < 0)
        return nomem(r);
    if (rc == WARC_HTML_TOO_DEEP)
        report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): warning: HTML nested deeper "
                  "than libxml2 allows (%d elements); the text from there on is lost (%zu "
                  "bytes of text kept)", r->path, no, off, WARC_HTML_MAX_DEPTH, rec->text_len);
    return RD_OK;
}

/* Classifies a complete record (header parsed, block at blk[0..blen)) and
 * fills rec's text when it is a document. Returns RD_OK, 0 when the record
 * is not a document (counted as ignored), RD_ERR_RECORD after reporting, or
 * RD_ERR_NOMEM. */
static int w_document(rd_reader *r, rd_record *rec, const warc_head *h, const char *blk,
                      size_t blen, uint64_t no, uint64_t off)
{
    warc_span cs;
    const int mt = warc_media(h->content_type, &cs);
    if (warc_span_ieq(h->type, "conversion")) {
        /* WET: the text itself; no Content-Type means text/plain there */
        if (h->content_type.n == 0)
            return w_text(r, rec, no, off, WARC_MT_TEXT, blk, blen, cs);
        return mt == WARC_MT_TEXT || mt == WARC_MT_HTML
                   ? w_text(r, rec, no, off, mt, blk, blen, cs) : 0;
    }
    if (warc_span_ieq(h->type, "resource"))
        return mt == WARC_MT_TEXT || mt == WARC_MT_HTML
                   ? w_text(r, rec, no, off, mt, blk, blen, cs) : 0;
    if (!warc_span_ieq(h->type, "response") || mt != WARC_MT_HTTP_RESPONSE)
        return 0; /* warcinfo, request, metadata, revisit, continuation, dns, ... */
    warc_http http;
    const char *why = NULL;
    if (warc_http_parse(blk, blen, &http, &why) != WARC_OK) {
        report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): %s", r->path, no, off, why);
        return RD_ERR_RECORD;
    }
    if (http.status < 200 || http.status > 299)
        return 0; /* redirects, errors: not the page */
    const int pmt = warc_media(http.content_type, &cs);
    if (pmt != WARC_MT_TEXT && pmt != WARC_MT_HTML)
        return 0;
    if (http.content_encoding.n && !warc_span_ieq(http.content_encoding, "identity"))
        return 0; /* compressed payload (gzip, br, ...): not decoded here */
    const char *pay = blk + http.len;
    size_t plen = blen - http.len;
    if (http.transfer_encoding.n && !warc_span_ieq(http.transfer_encoding, "identity")) {
        if (!warc_span_ieq(http.transfer_encoding, "chunked"))
            return 0;
        if (plen == 0) /* nothing to decode (and no buffer to point at) */
            return w_text(r, rec, no, off, pmt, pay, 0, cs);
        if (plen > r->wbody_cap) {
            char *q = realloc(r->wbody, plen);
            if (!q)
                return nomem(r);
            r->wbody = q;
            r->wbody_cap = plen;
        }
        const size_t got = warc_dechunk(pay, plen, r->wbody);
        if (got == (size_t)-1) {
            report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): malformed chunked "
                      "HTTP payload", r->path, no, off);
            return RD_ERR_RECORD;
        }
        pay = r->wbody;
        plen = got;
    }
    return w_text(r, rec, no, off, pmt, pay, plen, cs);
}

/* Id, date and key of a document record. Returns RD_OK or nomem(). */
static int w_fields(rd_reader *r, rd_record *rec, const warc_head *h, uint64_t no)
{
    const warc_span id = h->target_uri.n ? h->target_uri : h->record_id;
    if (id.n) {
        if (scratch_set(&r->idb, id.p, id.n) < 0)
            return nomem(r);
        rec->id_len = id.n;
    } else {
        char num[24];
        const size_t k = (size_t)snprintf(num, sizeof num, "#%" PRIu64, no);
        const size_t lr = strlen(r->rel);
        if (scratch_reserve(&r->idb, lr + k) < 0)
            return nomem(r);
        memcpy(r->idb.s, r->rel, lr);
        memcpy(r->idb.s + lr, num, k + 1);
        rec->id_len = lr + k;
    }
    rec->id = r->idb.s;
    if (h->date.n) {
        if (scratch_set(&r->dateb, h->date.p, h->date.n) < 0)
            return nomem(r);
        rec->date = r->dateb.s;
        rec->date_len = h->date.n;
    }
    if (!r->o.key_field)
        return RD_OK;
    if (strcmp(r->o.key_field, "date") == 0) {
        if (rec->date) {
            rec->key = rec->date;
            rec->key_len = rec->date_len;
            if (rec->key_len > 0 && (rec->key[rec->key_len - 1] == 'Z' ||
                                     rec->key[rec->key_len - 1] == 'z'))
                rec->key_len--; /* "...:00" sorts before "...:00.5" as it should */
        }
        return RD_OK;
    }
    const warc_span v = warc_head_get(h, r->o.key_field);
    if (v.n) {
        if (scratch_set(&r->keyb, v.p, v.n) < 0)
            return nomem(r);
        rec->key = r->keyb.s;
        rec->key_len = v.n;
        char *end = NULL;
        const double x = strtod(r->keyb.s, &end);
        if (end == r->keyb.s + v.n && memchr(r->keyb.s, '\0', v.n) == NULL) {
            rec->key_num = x;
            rec->key_is_num = 1;
        }
    }
    return RD_OK;
}

/* The next document of a WARC stream: RD_OK, 0 at the end, RD_ERR_RECORD
 * after reporting a bad record, or RD_ERR_IO / RD_ERR_NOMEM. */
static int warc_record(rd_reader *r, rd_record *rec)
{
    for (;;) {
        int rc;
        if (r->wresync && (rc = w_resync(r)) <= 0)
            return rc;
        /* line breaks between records (extra ones are common and harmless) */
        for (;;) {
            while (r->beg < r->end && (r->buf[r->beg] == '\r' || r->buf[r->beg] == '\n'))
                w_consume(r, 1);
            if (r->beg < r->end || r->eof)
                break;
            if ((rc = buf_fill(r)) < 0)
                return rc;
        }
        if (r->beg == r->end)
            return 0;
        warc_head h;
        while ((rc = warc_head_parse(r->buf + r->beg, r->end - r->beg, r->eof, r->fold, &h)) ==
               WARC_NEED) {
            const int frc = buf_fill(r);
            if (frc < 0)
                return frc;
        }
        const uint64_t no = ++r->wrec, off = r->woff;
        if (rc == WARC_BAD) {
            if (h.err_off > 0)
                report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): %s (header byte %zu)",
                       r->path, no, off, h.err, h.err_off);
            else
                report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): %s", r->path, no, off,
                       h.err);
            r->wresync = 1;
            r->wdirty = 1;
            return RD_ERR_RECORD;
        }
        if (h.lf_only && !(r->wwarned & W_LF)) {
            r->wwarned |= W_LF;
            report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): warning: header lines end "
                      "in LF, not CRLF (tolerated; not reported again for this file)",
                   r->path, no, off);
        }
        const uint64_t clen = h.content_length;
        if (clen > (uint64_t)r->max) {
            report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): Content-Length %" PRIu64
                      " over max_record (%zu bytes), skipped", r->path, no, off, clen, r->max);
            rc = w_skip(r, (uint64_t)h.len + clen);
            r->wdirty = rc == 0;
            if (rc == 0)
                report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): truncated record: the "
                          "input ends inside its block", r->path, no, off);
            return rc < 0 ? rc : RD_ERR_RECORD;
        }
        const size_t need = h.len + (size_t)clen;
        /* The address as a number: after a realloc the old pointer may not
         * even be compared. */
        const uintptr_t at = (uintptr_t)(r->buf + r->beg);
        if ((rc = buf_need(r, need + 4)) < 0)
            return rc;
        /* reading on may have moved the header (compaction, realloc): its
         * spans must point at the bytes where they are now */
        if ((uintptr_t)(r->buf + r->beg) != at &&
            warc_head_parse(r->buf + r->beg, r->end - r->beg, r->eof, r->fold, &h) != WARC_OK)
        {
            /* cannot happen: the same bytes parsed a moment ago */
            report(r, "%s: record %" PRIu64 ": internal error: header changed", r->path, no);
            return RD_ERR_IO;
        }
        const size_t avail = r->end - r->beg;
        if (avail < need) {
            report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): truncated record: "
                      "Content-Length %" PRIu64 " but the input ends after %zu bytes of the "
                      "block", r->path, no, off, clen, avail - h.len);
            w_consume(r, avail);
            r->wdirty = 1;
            return RD_ERR_RECORD;
        }
        /* the CRLF CRLF after the block; other line breaks are tolerated */
        const char *blk = r->buf + r->beg + h.len;
        const char *q = blk + clen;
        size_t t = 0;
        if (avail - need >= 4 && memcmp(q, "\r\n\r\n", 4) == 0) {
            t = 4;
        } else {
            while (t < 4 && t < avail - need && (q[t] == '\r' || q[t] == '\n'))
                t++;
            if (!(r->wwarned & W_TRAILER)) {
                r->wwarned |= W_TRAILER;
                report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): warning: block not "
                          "followed by CRLF CRLF (tolerated; not reported again for this file)",
                       r->path, no, off);
            }
        }
        rec->raw = r->buf + r->beg;
        rec->raw_len = need + t;
        w_consume(r, need + t);
        r->wdirty = 0;
        if (r->skim)
            continue;
        if (h.type.n == 0) {
            report(r, "%s: record %" PRIu64 " (offset %" PRIu64 "): no WARC-Type field",
                   r->path, no, off);
            return RD_ERR_RECORD;
        }
        /* r->buf is not touched again before the caller is done with rec */
        rc = w_document(r, rec, &h, blk, (size_t)clen, no, off);
        if (rc == 0) {
            r->st.ignored++;
            rec->raw = NULL;
            rec->raw_len = 0;
            continue;
        }
        if (rc != RD_OK)
            return rc;
        if ((rc = w_fields(r, rec, &h, no)) != RD_OK)
            return rc;
        if (h.truncated.n)
            r->st.truncated++;
        rec->kind = RD_KIND_WARC;
        rec->record = no;
        rec->offset = off;
        return RD_OK;
    }
}

/* Is the first non-blank line of the current file (buffered, not consumed)
 * a JSON object whose text field is a string? *yes says. Returns 0 or an
 * error code. */
static int first_record_ok(rd_reader *r, int *yes)
{
    *yes = 0;
    size_t i = 0;
    int rc;
    if ((rc = buf_need(r, 3)) < 0)
        return rc;
    if (r->end >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (;;) {
        while (i < r->end && is_ws(r->buf[i]))
            i++;
        const char *nl = i < r->end ? memchr(r->buf + i, '\n', r->end - i) : NULL;
        if (nl || r->eof || r->end > r->max) {
            const size_t len = nl ? (size_t)(nl - (r->buf + i)) : r->end - i;
            if (len == 0 || len > r->max)
                return 0;
            const int jrc = js_scan(r->js, r->buf + i, len);
            if (jrc == JS_ERR_NOMEM)
                return nomem(r);
            *yes = jrc == JS_OK && js_top(r->js) == JS_OBJECT &&
                   js_field(r->js, 0)->type == JS_STRING;
            return 0;
        }
        if ((rc = buf_fill(r)) < 0)
            return rc;
    }
}

/* Chooses how to read the current file (called before its first record):
 * the format option, else the name, else the first non-blank byte. Text and
 * lines inputs are then checked for a NUL in their first SNIFF_LEN bytes.
 * Everything looked at stays in buf for the record readers. */
static int decide(rd_reader *r)
{
    if (r->ranged && r->range_start > 0 && !r->range_warc) {
        /* a part inside a file cut for several processes: the file was
         * sniffed whole (plain JSON Lines or lines) before it was cut */
        r->comp = CZ_PLAIN;
        r->state = r->o.format == RD_LINES ? ST_LINES : ST_JSONL;
        return 0;
    }
    int rc = src_start(r);
    if (rc < 0)
        return rc;
    int st = ST_TEXT;
    if (r->o.format == RD_AUTO) {
        /* WARC goes by content only, whatever the name says */
        if ((rc = buf_need(r, 8)) < 0)
            return rc;
        if (r->end - r->beg >= 8 &&
            (memcmp(r->buf + r->beg, "WARC/1.0", 8) == 0 ||
             memcmp(r->buf + r->beg, "WARC/1.1", 8) == 0))
            st = ST_WARC;
    }
    if (st == ST_WARC || r->o.format == RD_WARC || r->range_warc) {
        st = ST_WARC;
        if (!r->fold && !(r->fold = malloc(WARC_MAX_HEAD)))
            return nomem(r);
    } else if (r->o.format == RD_JSONL) {
        st = ST_JSONL;
    } else if (r->o.format == RD_LINES) {
        st = ST_LINES;
    } else if (r->o.format == RD_AUTO && rd_name_is_jsonl(r->path)) {
        st = ST_JSONL;
    } else if (r->o.format == RD_AUTO) {
        /* look for the first non-blank byte (past a byte order mark) */
        size_t i = 0;
        if ((rc = buf_need(r, 3)) < 0)
            return rc;
        if (r->end >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
            i = 3;
        for (;;) {
            while (i < r->end && is_ws(r->buf[i]))
                i++;
            if (i < r->end) {
                if (r->buf[i] == '{')
                    st = ST_JSONL;
                break;
            }
            if (r->eof || r->end > r->max)
                break;
            if ((rc = buf_fill(r)) < 0)
                return rc;
        }
    }
    if (st == ST_JSONL && r->o.format == RD_AUTO && r->from_dir) {
        /* a file met in a directory is JSON Lines only if its first record is
         * one: a pretty-printed .json, a JSON array, a log that starts with
         * '{' are whole documents, not thousands of invalid lines */
        int yes = 0;
        if ((rc = first_record_ok(r, &yes)) < 0)
            return rc;
        if (!yes)
            st = ST_TEXT;
    }
    if (st == ST_TEXT || st == ST_LINES) {
        /* a NUL among the first bytes marks a binary file */
        if ((rc = buf_need(r, SNIFF_LEN)) < 0)
            return rc;
        const size_t n = r->end < SNIFF_LEN ? r->end : SNIFF_LEN;
        const char *nul = memchr(r->buf, '\0', n);
        if (nul && r->from_dir && r->o.format == RD_AUTO) {
            /* one of many files of a tree (images, PDFs, archives): counted,
             * listed only when asked for */
            r->state = ST_DONE;
            r->st.binary++;
            if (r->o.verbose)
                report(r, "%s: binary file (NUL byte at offset %zu), skipped", r->path,
                       (size_t)(nul - r->buf));
            return 0;
        }
        if (nul) {
            r->state = ST_DONE;
            report(r, "%s: binary file (NUL byte at offset %zu), skipped", r->path,
                   (size_t)(nul - r->buf));
            return RD_ERR_RECORD;
        }
    }
    r->state = st;
    return 0;
}

/* One record from the current file: RD_OK, 0 when the file is done, or an
 * error code. */
static int file_record(rd_reader *r, rd_record *rec)
{
    if (r->state == ST_START) {
        const int rc = decide(r);
        if (rc < 0)
            return rc;
    }
    /* ST_DONE (a whole file returned, or a file skipped as binary) ends it */
    switch (r->state) {
    case ST_JSONL: return jsonl_record(r, rec);
    case ST_LINES: return lines_record(r, rec);
    case ST_TEXT: return text_record(r, rec);
    case ST_WARC: return warc_record(r, rec);
    default: return 0;
    }
}

/* ------------------------------------------------------------------ */
/* layer 1: walking the inputs
 *
 * Arguments are taken in order. A directory argument pushes a frame, and
 * its files come out depth first in sorted order before the next argument.
 * Hidden entries are skipped inside directories only; an argument named
 * ".x" is read like any other. */

/* Releases the current file: descriptor (never standard input), decoders and
 * names. Safe to call when no file is open. */
static void close_file(rd_reader *r)
{
    if (r->open)
        flush_reports(r);
    if (r->fd >= 0 && r->close_fd)
        close(r->fd);
    r->fd = -1;
    if (r->z_live)
        inflateEnd(&r->z);
    r->z_live = 0;
    ZSTD_freeDCtx(r->zd);
    r->zd = NULL;
    free(r->path);
    free(r->rel);
    r->path = r->rel = NULL;
    r->open = 0;
}

/* Makes fd the current file; takes ownership of fd, path and rel. */
static void open_file(rd_reader *r, int fd, int close_fd, char *path, char *rel)
{
    /* reset every per-file field; the buffers themselves are reused */
    r->open = 1;
    r->fd = fd;
    r->close_fd = close_fd;
    r->path = path;
    r->rel = rel;
    r->state = ST_START;
    r->lineno = 0;
    r->ranged = 0;
    r->range_warc = 0;
    r->skipping = 0;
    r->file_records = 0;
    r->raw_read = 0;
    r->size = -1;
    r->damaged = 0;
    r->cut_short = 0;
    r->from_dir = 0;
    r->nkinds = 0;
    r->rshown = r->rheld = 0;
    r->rlabels[0] = '\0';
    if (r->xs)
        XXH3_64bits_reset(r->xs);
    r->comp = CZ_PLAIN;
    r->ibeg = r->iend = 0;
    r->in_eof = r->eof = 0;
    r->beg = r->end = r->scan = 0;
    r->wrec = r->woff = 0;
    r->wresync = 0;
    r->wdirty = 0;
    r->wwarned = 0;
    if (r->cap > 16 * BUF_CHUNK) {
        /* give back the room a huge record of the previous file needed */
        char *p = realloc(r->buf, BUF_CHUNK);
        if (p) {
            r->buf = p;
            r->cap = BUF_CHUNK;
        }
    }
}

/* Frees a frame, including the names not visited yet (visited ones were
 * freed by dir_step()). */
static void free_frame(dir_frame *f)
{
    for (size_t i = f->i; i < f->n; i++)
        free(f->names[i]);
    free(f->names);
    free(f->path);
    free(f->rel);
}

/* Reads the directory open on fd (always closed here) and pushes a frame
 * with its sorted, non-hidden names. Takes ownership of path and rel. */
static int push_dir(rd_reader *r, int fd, char *path, char *rel)
{
    if (r->depth == r->frames_cap) {
        const size_t nc = r->frames_cap ? r->frames_cap * 2 : 8;
        dir_frame *p = realloc(r->frames, nc * sizeof *p);
        if (!p) {
            close(fd);
            free(path);
            free(rel);
            return nomem(r);
        }
        r->frames = p;
        r->frames_cap = nc;
    }
    /* read every name now: the frame then holds no descriptor */
    dir_frame f = { path, rel, NULL, 0, 0 };
    DIR *d = fdopendir(fd);
    if (!d) {
        if (!r->o.quiet_dirs)
            report(r, "%s: cannot read directory: %s", path, strerror(errno));
        close(fd);
        free_frame(&f);
        return r->o.quiet_dirs ? 0 : RD_ERR_IO;
    }
    size_t cap = 0;
    int rc = 0;
    for (;;) {
        errno = 0;
        const struct dirent *e = readdir(d);
        if (!e) {
            if (errno) {
                if (!r->o.quiet_dirs)
                    report(r, "%s: cannot read directory: %s", path, strerror(errno));
                rc = RD_ERR_IO;
            }
            break;
        }
        if (e->d_name[0] == '.') /* hidden, "." and ".." */
            continue;
        if (f.n == cap) {
            cap = cap ? cap * 2 : 16;
            char **p = realloc(f.names, cap * sizeof *p);
            if (!p) {
                rc = nomem(r);
                break;
            }
            f.names = p;
        }
        /* the entry's type (DT_*) in front of its name */
        const size_t len = strlen(e->d_name);
        if (!(f.names[f.n] = malloc(len + 2))) {
            rc = nomem(r);
            break;
        }
        f.names[f.n][0] = (char)e->d_type;
        memcpy(f.names[f.n] + 1, e->d_name, len + 1);
        f.n++;
    }
    closedir(d);
    if (rc < 0) {
        free_frame(&f);
        return rc == RD_ERR_IO && r->o.quiet_dirs ? 0 : rc;
    }
    if (f.n > 1)
        qsort(f.names, f.n, sizeof *f.names, cmp_names);
    r->frames[r->depth++] = f;
    return 0;
}

/* Visits the next entry of the innermost directory: opens a file (returns
 * RD_OK), descends or skips (returns 0), or fails (error code). */
/* Counts the next file of the walk; is it this process's to read? */
static int wanted(rd_reader *r, uint64_t size)
{
    r->file_no = r->files_met++;
    return !r->o.want_file || r->o.want_file(r->o.want_ctx, r->file_no, size);
}

static int dir_step(rd_reader *r)
{
    dir_frame *f = &r->frames[r->depth - 1];
    if (f->i == f->n) {
        free_frame(f);
        r->depth--;
        return 0;
    }
    char *name = f->names[f->i++];
    const unsigned char type = (unsigned char)name[0];
    char *path = join_path(f->path, name + 1);
    char *rel = *f->rel ? join_path(f->rel, name + 1) : strdup(name + 1);
    free(name);
    if (!path || !rel) {
        free(path);
        free(rel);
        return nomem(r);
    }
    /* The directory said what the entry is (most file systems do): a
     * regular file is opened and measured with fstat, a directory opened
     * as one (not through a link); no stat of the path. When that fails,
     * or the entry is no longer what the directory said, the long way
     * below classifies it and reports as it always did. A share of the
     * files among processes needs the size first and goes the long way. */
    if ((type == DT_REG && !r->o.want_file) || type == DT_DIR) {
        const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
                                      (type == DT_DIR ? O_DIRECTORY | O_NOFOLLOW : 0));
        struct stat fb;
        if (fd >= 0 && type == DT_DIR)
            return push_dir(r, fd, path, rel);
        if (fd >= 0 && fstat(fd, &fb) == 0 && S_ISREG(fb.st_mode)) {
            wanted(r, (uint64_t)fb.st_size);
            open_file(r, fd, 1, path, rel);
            r->size = (int64_t)fb.st_size;
            r->from_dir = 1;
            return RD_OK;
        }
        if (fd >= 0)
            close(fd);
    }
    /* Classify first (following symlinks), so a FIFO is never opened. A
     * symlink to a directory is not followed: that is what could loop. A
     * dangling symlink is an input that cannot be opened. */
    struct stat sb, lsb;
    int rc = 0;
    if (stat(path, &sb) < 0) {
        if (wanted(r, 0)) {
            report(r, "%s: cannot open: %s", path, strerror(errno));
            rc = RD_ERR_IO;
        }
    } else if (S_ISDIR(sb.st_mode) && lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode)) {
        /* common in real trees (/usr/share/doc): counted, named when asked for */
        r->st.dir_links += !r->o.quiet_dirs;
        if (r->o.verbose && !r->o.quiet_dirs)
            report(r, "%s: warning: symbolic link to a directory, not followed", path);
    } else if (!S_ISDIR(sb.st_mode) && !wanted(r, (uint64_t)sb.st_size)) {
        /* another process's share */
    } else if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
        report(r, "%s: warning: not a regular file, skipped", path);
    } else {
        const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
                                      (S_ISDIR(sb.st_mode) ? O_DIRECTORY : 0));
        if (fd < 0 && S_ISDIR(sb.st_mode) && r->o.quiet_dirs) {
            rc = 0;  /* another process reports it */
        } else if (fd < 0) {
            report(r, "%s: cannot open: %s", path, strerror(errno));
            rc = RD_ERR_IO;
        } else if (S_ISDIR(sb.st_mode)) {
            return push_dir(r, fd, path, rel);
        } else {
            open_file(r, fd, 1, path, rel);
            r->from_dir = 1;
            return RD_OK;
        }
    }
    free(path);
    free(rel);
    return rc;
}

/* Opens the next argument: a file (RD_OK), a directory (0), or fails. */
static int arg_step(rd_reader *r)
{
    const char *arg = r->inputs[r->next_input++];
    char *path = strdup(arg), *rel = strdup(arg);
    if (!path || !rel) {
        free(path);
        free(rel);
        return nomem(r);
    }
    const rd_spool *sp = r->o.spool ? &r->o.spool[r->next_input - 1] : NULL;
    if (((sp && sp->fd >= 0) || strcmp(arg, "-") == 0) && !wanted(r, 0)) {
        free(path);
        free(rel);
        return 0;
    }
    if (sp && sp->fd >= 0) { /* a copy made beforehand (or a regular stdin): rewound */
        if (lseek(sp->fd, (off_t)sp->off, SEEK_SET) < 0) {
            report(r, "%s: cannot read again: %s", arg, strerror(errno));
            free(path);
            free(rel);
            return RD_ERR_IO;
        }
        open_file(r, sp->fd, 0, path, rel);
        return RD_OK;
    }
    if (strcmp(arg, "-") == 0) { /* standard input: read, never closed */
        open_file(r, STDIN_FILENO, 0, path, rel);
        return RD_OK;
    }
    /* an argument is opened whatever it is (a FIFO or /dev/stdin is fine),
     * then fstat() tells a directory from something to read */
    struct stat sb;
    const int fd = open(arg, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &sb) < 0) {
        if (!wanted(r, 0)) {
            if (fd >= 0)
                close(fd);
            free(path);
            free(rel);
            return 0;
        }
        report(r, "%s: cannot open: %s", arg, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(path);
        free(rel);
        return RD_ERR_IO;
    }
    if (S_ISDIR(sb.st_mode)) { /* relative paths start empty under it */
        free(rel);
        char *empty = strdup("");
        if (!empty) {
            close(fd);
            free(path);
            return nomem(r);
        }
        return push_dir(r, fd, path, empty);
    }
    const rd_range *rg = r->o.ranges ? &r->o.ranges[r->next_input - 1] : NULL;
    if (!wanted(r, rg && rg->end ? rg->end - rg->start : (uint64_t)sb.st_size)) {
        close(fd);
        free(path);
        free(rel);
        return 0;
    }
    if (rg && rg->end) {
        if (rg->end < rg->start || lseek(fd, (off_t)rg->start, SEEK_SET) < 0) {
            report(r, "%s: cannot read bytes %" PRIu64 "-%" PRIu64 ": %s", arg, rg->start,
                   rg->end, strerror(errno));
            close(fd);
            free(path);
            free(rel);
            return RD_ERR_IO;
        }
        open_file(r, fd, 1, path, rel);
        r->ranged = 1;
        r->range_warc = rg->warc;
        r->range_start = rg->start;
        r->range_left = rg->end - rg->start;
        if (rg->warc) {  /* numbered and warned as in the whole file */
            r->wrec = rg->line0;
            r->woff = rg->off0;
            r->wwarned = rg->warned;
        } else {
            r->lineno = rg->line0;
        }
        return RD_OK;
    }
    open_file(r, fd, 1, path, rel);
    return RD_OK;
}

/* Makes the next file current: RD_OK, RD_END, or an error code. Directories
 * and skipped entries return 0 from the steps, so the loop goes on. */
static int advance(rd_reader *r)
{
    for (;;) {
        int rc;
        if (r->depth > 0)
            rc = dir_step(r);
        else if (r->next_input < r->n_inputs)
            rc = arg_step(r);
        else
            return RD_END;
        if (rc != 0)
            return rc;
    }
}

/* ------------------------------------------------------------------ */
/* public interface (reader.h) */

/* Allocates everything that does not depend on the inputs; opens nothing. */
rd_reader *rd_open(const char *const *inputs, size_t n, const rd_opts *opts)
{
    rd_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (opts)
        r->o = *opts;
    if (!r->o.id_field)
        r->o.id_field = "id";
    if (!r->o.text_field)
        r->o.text_field = "text";
    const uint64_t max = r->o.max_record ? r->o.max_record : DEFAULT_MAX;
    /* clamp so that buffer size arithmetic cannot overflow */
    r->max = max > SIZE_MAX / 4 ? SIZE_MAX / 4 : (size_t)max;
    /* a line of max bytes plus one read chunk always fits */
    r->hardcap = r->max + BUF_CHUNK + 1;
    r->fd = -1;
    r->inputs = malloc((n ? n : 1) * sizeof *r->inputs);
    r->in = malloc(RAW_CHUNK);
    r->buf = malloc(BUF_CHUNK);
    /* JSON Lines fields, in the slots jsonl_record() reads: text, id, key,
     * source, date, title; a slot not asked for repeats the text field (the scanner
     * extracts each distinct name once) and is never read */
    const char *const fields[] = {
        r->o.text_field, r->o.id_field, r->o.key_field ? r->o.key_field : r->o.text_field,
        r->o.source_field ? r->o.source_field : r->o.text_field,
        r->o.date_field ? r->o.date_field : r->o.text_field,
        r->o.title_field ? r->o.title_field : r->o.text_field};
    r->js = js_new(fields, 6);
    if (r->o.digests && !(r->xs = XXH3_createState())) {
        rd_close(r);
        return NULL;
    }
    if (!r->inputs || !r->in || !r->buf || !r->js) {
        rd_close(r);
        return NULL;
    }
    r->cap = BUF_CHUNK;
    for (size_t i = 0; i < n; i++)
        r->inputs[i] = inputs[i];
    r->n_inputs = n;
    return r;
}

/* Records or checks the digest of the file just finished. Returns 0, or
 * RD_ERR_CHANGED / RD_ERR_NOMEM. */
static int dig_done(rd_reader *r)
{
    rd_digests *d = r->o.digests;
    if (!d || !r->xs)
        return 0;
    const uint64_t h = XXH3_64bits_digest(r->xs);
    if (!d->sealed) {
        if (d->n == d->cap) {
            const size_t nc = d->cap ? d->cap * 2 : 64;
            dig_ent *e = realloc(d->e, nc * sizeof *e);
            if (!e)
                return nomem(r);
            d->e = e;
            d->cap = nc;
        }
        if (!(d->e[d->n].path = strdup(r->path)))
            return nomem(r);
        d->e[d->n++].h = h;
        return 0;
    }
    const size_t k = r->dig_k++;
    if (k < d->n && d->e[k].h == h && strcmp(d->e[k].path, r->path) == 0)
        return 0;
    if (k < d->n && strcmp(d->e[k].path, r->path) == 0)
        snprintf(d->why, sizeof d->why, "%s: changed between two readings of the inputs "
                 "(its bytes differ)", r->path);
    else
        snprintf(d->why, sizeof d->why, "%s: changed between two readings of the inputs "
                 "(%s in its place before)", r->path, k < d->n ? d->e[k].path : "nothing");
    report(r, "%s", d->why);
    r->changed = 1;
    return RD_ERR_CHANGED;
}

/* At the end of the inputs: a file read before that did not come back. */
static int dig_end(rd_reader *r)
{
    rd_digests *d = r->o.digests;
    if (!d || !d->sealed || r->dig_k >= d->n)
        return RD_END;
    snprintf(d->why, sizeof d->why, "%s: changed between two readings of the inputs (gone)",
             d->e[r->dig_k].path);
    report(r, "%s", d->why);
    r->changed = 1;
    return RD_ERR_CHANGED;
}

/* The policy lives here: record errors are counted and skipped or returned;
 * input errors close the input, are counted and returned under both
 * policies, and the following call resumes with the next input. */
int rd_next(rd_reader *r, rd_record *rec)
{
    memset(rec, 0, sizeof *rec);
    /* the previous record's borrowed pointers end here */
    if (r->nomem)
        return RD_ERR_NOMEM;
    if (r->changed)
        return RD_ERR_CHANGED;
    for (;;) {
        if (!r->open) {
            const int rc = advance(r);
            if (rc == RD_ERR_IO)
                r->st.failed_inputs++;
            if (rc == RD_END)
                return dig_end(r);
            if (rc != RD_OK)
                return rc;
        }
        const int rc = file_record(r, rec);
        if (rc == RD_OK) {
            rec->path = r->path;
            rec->rel = r->rel;
            rec->file_no = r->file_no;
            rec->line = rec->kind == RD_KIND_FILE || rec->kind == RD_KIND_WARC ? 0 : r->lineno;
            r->st.records++;
            r->file_records++;
            r->st.bytes += rec->text_len;
            return RD_OK;
        }
        if (rc == 0) { /* end of this file */
            const int drc = dig_done(r);
            close_file(r);
            if (drc < 0)
                return drc;
        } else if (rc == RD_ERR_RECORD) {
            memset(rec, 0, sizeof *rec);
            if (!r->o.on_error_skip)
                return RD_ERR_RECORD;
            r->st.skipped++;
        } else {
            memset(rec, 0, sizeof *rec);
            if (rc == RD_ERR_IO) {
                const int drc = dig_done(r);
                if (drc < 0) {
                    close_file(r);
                    return drc;
                }
                if (r->damaged) {
                    if (r->st.damaged++ == 0)
                        snprintf(r->st.damaged_path, sizeof r->st.damaged_path, "%s", r->path);
                    r->st.damaged_records += r->file_records;
                }
                close_file(r);
                r->st.failed_inputs++;
            }
            return rc;
        }
    }
}

int rd_warc_skim(const char *path, const rd_range *rg, const rd_opts *opts, rd_skim *out)
{
    memset(out, 0, sizeof *out);
    rd_opts o;
    memset(&o, 0, sizeof o);
    o.format = RD_WARC;
    o.max_record = opts ? opts->max_record : 0;
    o.on_error_skip = 1;
    o.ranges = rg;
    rd_reader *r = rd_open(&path, 1, &o);
    if (!r)
        return RD_ERR_NOMEM;
    r->skim = 1;
    int rc = advance(r);
    if (rc == RD_OK) {
        rd_record rec;
        while ((rc = file_record(r, &rec)) == RD_ERR_RECORD)
            ;
    }
    if (rc == RD_ERR_NOMEM || r->nomem) {
        rd_close(r);
        return RD_ERR_NOMEM;
    }
    out->records = r->wrec - rg->line0;
    out->bytes = r->woff - rg->off0;
    out->warned = r->wwarned;
    /* a part that ends inside a gzip member was cut at a false boundary, not
     * damaged: it ends before the file does; one in which data that is not
     * gzip follows a member ends the reading of the file there */
    out->damaged = ((rc != 0 || r->damaged) && r->cut_short != 1) || r->cut_short == 2;
    out->clean = rc == 0 && !r->wdirty && !out->damaged;  /* damage() fails the reading */
    rd_close(r);
    return 0;
}

/* records, skipped, failed_inputs, bytes (of text returned) */
void rd_get_stats(const rd_reader *r, rd_stats *st)
{
    *st = r->st;
}

/* Frees everything, wherever the reader stands (mid-file, mid-walk). */
void rd_close(rd_reader *r)
{
    if (!r)
        return;
    close_file(r);
    while (r->depth > 0)
        free_frame(&r->frames[--r->depth]);
    free(r->frames);
    js_free(r->js);
    free(r->idb.s);
    free(r->keyb.s);
    free(r->srcb.s);
    free(r->titleb.s);
    free(r->dateb.s);
    free(r->fold);
    free(r->wbody);
    warc_html_free(r->html);
    XXH3_freeState(r->xs);
    free(r->buf);
    free(r->in);
    free(r->inputs);
    free(r);
}

/* ------------------------------------------------------------------ */
/* one input as a FILE of decoded bytes (rd_fopen) */

typedef struct rd_cookie {
    rd_reader *r;
    int done;  /* the input ended, failed or was a directory: nothing more */
} rd_cookie;

/* fopencookie() read: the reader's source layer (layer 2) alone, so that the
 * bytes are decompressed exactly as for records. Errors were reported. */
static ssize_t cookie_read(void *c, char *buf, size_t n)
{
    rd_cookie *k = c;
    rd_reader *r = k->r;
    if (k->done)
        return 0;
    if (!r->open) {
        /* only the argument itself: a directory is not one input */
        const int rc = r->next_input < r->n_inputs ? arg_step(r) : RD_END;
        if (rc != RD_OK) {
            k->done = 1;
            if (rc == 0 || rc == RD_END) {
                report(r, "%s: is a directory, not a file", r->inputs[0]);
                while (r->depth > 0)
                    free_frame(&r->frames[--r->depth]);
            }
            errno = r->nomem ? ENOMEM : EIO;
            return -1;
        }
        if (src_start(r) < 0) {
            k->done = 1;
            errno = r->nomem ? ENOMEM : EIO;
            return -1;
        }
    }
    size_t got;
    if (src_read(r, buf, n, &got) < 0) {
        k->done = 1;
        errno = r->nomem ? ENOMEM : EIO; /* the caller tells exit 4 from exit 2 */
        return -1;
    }
    if (got == 0)
        k->done = 1;
    return (ssize_t)got;
}

static int cookie_close(void *c)
{
    rd_cookie *k = c;
    rd_close(k->r);
    free(k);
    return 0;
}

FILE *rd_fopen(const char *path, void (*on_error)(void *ctx, const char *msg), void *ctx)
{
    rd_cookie *k = calloc(1, sizeof *k);
    const char *const in[1] = {path};
    if (!k)
        return NULL;
    k->r = rd_open(in, 1, &(rd_opts){.on_error = on_error, .ctx = ctx});
    if (!k->r) {
        free(k);
        return NULL;
    }
    const cookie_io_functions_t io = {cookie_read, NULL, NULL, cookie_close};
    FILE *fp = fopencookie(k, "r", io);
    if (!fp)
        cookie_close(k);
    return fp;
}

/* ------------------------------------------------------------------ */
/* digests */

rd_digests *rd_digests_new(void)
{
    return calloc(1, sizeof(rd_digests));
}

void rd_digests_seal(rd_digests *d)
{
    d->sealed = 1;
}

const char *rd_digests_why(const rd_digests *d)
{
    return d->why;
}

void rd_digests_free(rd_digests *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->e[i].path);
    free(d->e);
    free(d);
}

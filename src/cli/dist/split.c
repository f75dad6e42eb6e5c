/*
 * split.c - large inputs cut into parts for several processes
 * (cli_dist_split, dist.h).
 *
 * DESIGN
 *   Every process cuts the same inputs the same way, from the files alone,
 *   then checks with the others that it did. A part must read as the same
 *   stretch of the whole file reads, so a cut is made only where the reading
 *   of the whole file is between two records:
 *   - JSON Lines and lines: at a line start. Each process counts the lines of
 *     some parts; the counts, summed, number every part's lines as in the
 *     whole file.
 *   - WARC, plain: at a line that starts "WARC/1.0" or "WARC/1.1". Such a line
 *     can also sit inside a record's block, so a cut is a candidate until the
 *     part before it has been read (rd_warc_skim: records counted, not made
 *     documents) and ended between two records.
 *   - WARC in gzip (one member a record, as Common Crawl writes it): at a
 *     gzip member whose first bytes inflate to a WARC header. A member's
 *     compressed length is written nowhere, so the same check applies: the
 *     part before must end where a member ends, between two records.
 *   Each process skims some parts; the results are summed everywhere, and
 *   every process drops the same candidates: the cut after a part that did
 *   not end clean (the two parts become one, skimmed again), and every later
 *   cut of a file whose compressed data is damaged (its reading stops
 *   there). The skims also give each part its first record's number, its
 *   decoded offset and the once-a-file warnings already given, so messages
 *   and ids ("FILE#N") are those of the whole file. The price is one more
 *   reading of WARC inputs, shared by the processes (docs/distributed.md).
 *   zstd WARC (which may need a dictionary from its first frame) and other
 *   compressed inputs are read whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>

#include "cli.h"
#include "dist/dist.h"

#define PART_MIN ((uint64_t)1 << 20)
#define PART_MAX ((uint64_t)1 << 30)

/* How an input may be cut (cuttable). */
enum { CUT_NONE, CUT_LINES, CUT_WARC, CUT_WARC_GZ };

static int is_warc(int kind)
{
    return kind == CUT_WARC || kind == CUT_WARC_GZ;
}

/* The first cut after j among a file's cuts [.., b) that is not dead (b when
 * none): where part j ends. */
static size_t next_live(const unsigned char *dead, size_t j, size_t b)
{
    size_t e = j + 1;
    while (e < b && dead[e])
        e++;
    return e;
}

/* pread that retries on EINTR: bytes read, 0 at the end, -1 after a message. */
static ssize_t read_at(int fd, const char *path, void *buf, size_t n, uint64_t at)
{
    for (;;) {
        const ssize_t got = pread(fd, buf, n, (off_t)at);
        if (got >= 0)
            return got;
        if (errno != EINTR) {
            cli_log(1, "%s: cannot read: %s", path, strerror(errno));
            return -1;
        }
    }
}

static int warc_magic(const unsigned char *p, size_t n)
{
    return n >= 8 && (memcmp(p, "WARC/1.0", 8) == 0 || memcmp(p, "WARC/1.1", 8) == 0);
}

/* Does a gzip member start at byte c, whose first bytes inflate to a WARC
 * header? 1 or 0; -1 after a message. Up to 64 KiB are read (a member's
 * header may carry a name or extra field before the data). */
static int gz_warc_at(int fd, const char *path, uint64_t c)
{
    unsigned char in[4096], out[8];
    ssize_t got = read_at(fd, path, in, 3, c);
    if (got < 0)
        return -1;
    if (got < 3 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8)
        return 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        cli_log(1, "out of memory");
        return -1;
    }
    z.next_out = out;
    z.avail_out = sizeof out;
    int zr = Z_OK, rc = 0;
    for (uint64_t at = c; at < c + 65536 && z.avail_out > 0 && zr == Z_OK;) {
        if ((got = read_at(fd, path, in, sizeof in, at)) <= 0) {
            rc = got < 0 ? -1 : 0;
            break;
        }
        at += (uint64_t)got;
        z.next_in = in;
        z.avail_in = (uInt)got;
        zr = inflate(&z, Z_NO_FLUSH);
        if (zr == Z_BUF_ERROR)
            zr = Z_OK;
    }
    if (rc == 0 && (zr == Z_OK || zr == Z_STREAM_END))
        rc = warc_magic(out, sizeof out - z.avail_out);
    inflateEnd(&z);
    return rc;
}

/* The first candidate cut at or after byte c (> 0) of an input cut as kind,
 * or size; -1 after a message. Lines: a line start (c itself when byte c - 1
 * is a newline). Plain WARC: a line start followed by a WARC/1.0 or WARC/1.1
 * header. WARC in gzip: a gzip member start whose data starts so. */
static int64_t cut_at(int fd, const char *path, int kind, uint64_t c, uint64_t size)
{
    static unsigned char buf[1 << 16];
    /* a window starts a few bytes early, so a pattern across two is seen */
    const size_t back = kind == CUT_WARC ? 9 : kind == CUT_WARC_GZ ? 3 : 1;
    uint64_t at = c - 1;
    while (at < size) {
        const ssize_t got = read_at(fd, path, buf, sizeof buf, at);
        if (got < 0)
            return -1;
        if (got == 0) {
            cli_log(1, "%s: cannot read: file shrank", path);
            return -1;
        }
        const unsigned char *p = buf, *e = buf + got;
        if (kind == CUT_LINES) {
            const unsigned char *nl = memchr(p, '\n', (size_t)got);
            if (nl)
                return (int64_t)(at + (uint64_t)(nl - buf) + 1);
        } else if (kind == CUT_WARC) {
            for (; (p = memchr(p, '\n', (size_t)(e - p))); p++) {
                if (e - p < 9)
                    break;  /* seen again in the next window */
                if (warc_magic(p + 1, 8))
                    return (int64_t)(at + (uint64_t)(p + 1 - buf));
            }
        } else {
            /* at is one byte before the first place a member may start */
            for (p = buf + 1; p < e && (p = memchr(p, 0x1f, (size_t)(e - p))); p++) {
                if (e - p < 3)
                    break;
                if (p[1] != 0x8b || p[2] != 8)
                    continue;
                const int yes = gz_warc_at(fd, path, at + (uint64_t)(p - buf));
                if (yes < 0)
                    return -1;
                if (yes)
                    return (int64_t)(at + (uint64_t)(p - buf));
            }
        }
        if ((size_t)got <= back)
            break;
        at += (uint64_t)got - back;
    }
    return (int64_t)size;
}

/* Newlines in bytes [a, b) of fd; -1 after a message. */
static int64_t count_lines(int fd, const char *path, uint64_t a, uint64_t b)
{
    static char buf[1 << 20];
    int64_t n = 0;
    while (a < b) {
        const size_t want = b - a < sizeof buf ? (size_t)(b - a) : sizeof buf;
        const ssize_t got = read_at(fd, path, buf, want, a);
        if (got < 0)
            return -1;
        if (got == 0) {
            cli_log(1, "%s: cannot read: file shrank", path);
            return -1;
        }
        for (const char *p = buf, *e = buf + got; (p = memchr(p, '\n', (size_t)(e - p)));
             p++)
            n++;
        a += (uint64_t)got;
    }
    return n;
}

/* How a file of this format, with these first bytes, may be cut into parts
 * that read as it reads whole (CUT_*): plain JSON Lines or lines (format, or
 * a JSON Lines name under auto; for lines no NUL in the first bytes, or the
 * whole file would be binary), and WARC, plain or gzip, under auto (which
 * goes by content) or warc. *size: its size. */
static int cuttable(int fd, rd_format format, const char *path, uint64_t *size)
{
    struct stat sb;
    unsigned char head[8192];
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        return CUT_NONE;
    const ssize_t got = pread(fd, head, sizeof head, 0);
    if (got < 4)
        return CUT_NONE;
    *size = (uint64_t)sb.st_size;
    const int warcish = format == RD_AUTO || format == RD_WARC;
    if (head[0] == 0x1f && head[1] == 0x8b)
        return warcish && gz_warc_at(fd, path, 0) == 1 ? CUT_WARC_GZ : CUT_NONE;
    if ((head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) ||
        ((head[0] & 0xf0) == 0x50 && head[1] == 0x2a && head[2] == 0x4d && head[3] == 0x18))
        return CUT_NONE;
    if (warc_magic(head, (size_t)got))
        return warcish ? CUT_WARC : CUT_NONE;
    if (memcmp(head, "WARC", 4) == 0 || format == RD_WARC)
        return CUT_NONE;
    if (!(format == RD_JSONL || format == RD_LINES ||
          (format == RD_AUTO && rd_name_is_jsonl(path))))
        return CUT_NONE;
    if (format == RD_LINES && memchr(head, '\0', (size_t)got))
        return CUT_NONE;
    return CUT_LINES;
}

/* What a part's check found, summed over the processes: INFO_N values a part. */
enum { I_COUNT, I_BYTES, I_WARNED, I_CLEAN, I_DAMAGED, INFO_N };

int cli_dist_split(const char *const *in, size_t n, const rd_opts *rd, uint64_t part_bytes,
                   const char ***out, rd_range **ranges, size_t *n_out)
{
    const unsigned rank = cli_dist_rank(), nproc = cli_dist_size();
    /* cut points of every input: parts cut[first[i]] .. of input i; UINT64_MAX: whole */
    size_t cap = n + 1, np = 0;
    uint64_t *cut = malloc(cap * sizeof *cut);
    uint64_t *size = calloc(n + 1, sizeof *size);
    size_t *first = calloc(n + 1, sizeof *first);
    int *kind = calloc(n + 1, sizeof *kind);
    uint64_t *info = NULL, *got = NULL;  /* the parts' checks; this round's */
    unsigned char *dead = NULL, *todo = NULL;
    const char **o = NULL;
    rd_range *rg = NULL;
    int err = 0;  /* this process failed (said why); the others are told at the next sum */
    if (!cut || !size || !first || !kind) {
        err = EXIT_INTERNAL;
        goto cuts_done;
    }
    for (size_t i = 0; i < n; i++) {
        first[i] = np;
        const int fd = strcmp(in[i], "-") == 0 ? -1 : open(in[i], O_RDONLY | O_CLOEXEC);
        uint64_t k = 1;
        kind[i] = cuttable(fd, rd->format, in[i], &size[i]);
        if (kind[i] != CUT_NONE) {
            if (part_bytes) {
                k = (size[i] + part_bytes - 1) / part_bytes;
            } else {
                k = 4 * (uint64_t)nproc;
                if (k > size[i] / PART_MIN)
                    k = size[i] / PART_MIN;
                if (k < (size[i] + PART_MAX - 1) / PART_MAX)
                    k = (size[i] + PART_MAX - 1) / PART_MAX;
            }
        }
        if (k < 2)
            kind[i] = CUT_NONE;
        if (np + k + 1 > cap) {
            cap = 2 * (np + k + 1);
            uint64_t *c2 = realloc(cut, cap * sizeof *cut);
            if (!c2) {
                if (fd >= 0)
                    close(fd);
                err = EXIT_INTERNAL;
                goto cuts_done;
            }
            cut = c2;
        }
        if (k > 1) {
            const size_t np0 = np;
            cut[np++] = 0;
            for (uint64_t j = 1; j < k; j++) {
                const uint64_t target = j * (size[i] / k);
                if (target <= cut[np - 1])  /* a record longer than a part swallows it */
                    continue;
                const int64_t c = cut_at(fd, in[i], kind[i], target, size[i]);
                if (c < 0) {
                    close(fd);
                    err = EXIT_INPUT;
                    goto cuts_done;
                }
                if ((uint64_t)c >= size[i])
                    break;
                if ((uint64_t)c > cut[np - 1])
                    cut[np++] = (uint64_t)c;
            }
            if (np - np0 < 2) {  /* nowhere to cut: whole */
                np = np0;
                kind[i] = CUT_NONE;
            }
        }
        if (kind[i] == CUT_NONE)
            cut[np++] = UINT64_MAX;
        if (fd >= 0)
            close(fd);
    }
cuts_done:
    for (size_t i = 0; first && i <= n; i++)
        if (i == n || (i > 0 && first[i] < first[i - 1]))
            first[i] = np;
    if (!err) {
        info = calloc(INFO_N * np + 1, sizeof *info);  /* + 1: np may be 0 */
        got = calloc(INFO_N * np + 1, sizeof *got);
        dead = calloc(np + 1, 1);
        todo = calloc(np + 1, 1);
        o = malloc((np ? np : 1) * sizeof *o);
        rg = calloc(np ? np : 1, sizeof *rg);
        if (!info || !got || !dead || !todo || !o || !rg)
            err = EXIT_INTERNAL;
    }
    if (err == EXIT_INTERNAL)
        cli_log(1, "out of memory");
    /* every process must have cut the same parts */
    const uint64_t h = err || !cut ? 0 : XXH3_64bits(cut, np * sizeof *cut);
    uint64_t v[5] = {(uint64_t)err, np, UINT64_MAX - np, h, UINT64_MAX - h};
    cli_dist_stage("split");
    int rc = cli_dist_max(v, 5) ? EXIT_INPUT : (int)v[0];
    if (!rc && (v[1] != np || v[2] != UINT64_MAX - np || v[3] != h || v[4] != UINT64_MAX - h)) {
        if (rank == 0)
            cli_log(1, "the processes see different inputs (files of other sizes on other "
                       "nodes?); every process must see the same files");
        rc = EXIT_INPUT;
    }
    if (rc)
        goto done;
    /* Each part but the last of its file is checked, by one process each,
     * and the results summed; a WARC part that did not end clean loses the
     * cut after it and is checked again with the next part joined to it. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = first[i]; kind[i] != CUT_NONE && j + 1 < first[i + 1]; j++)
            todo[j] = 1;
    for (;;) {
        size_t k = 0;
        for (size_t i = 0; i < n && !err; i++) {
            const size_t a = first[i], b = first[i + 1];
            int fd = -1;
            for (size_t j = a; j < b && !err; j++) {
                if (!todo[j] || k++ % nproc != rank)
                    continue;
                const size_t e = next_live(dead, j, b);
                const uint64_t end = e < b ? cut[e] : size[i];
                uint64_t *f = &got[INFO_N * j];
                if (is_warc(kind[i])) {
                    const rd_range part = {.start = cut[j], .end = end, .warc = 1};
                    rd_skim sk;
                    if (rd_warc_skim(in[i], &part, rd, &sk) != 0) {
                        cli_log(1, "out of memory");
                        err = EXIT_INTERNAL;
                        break;
                    }
                    f[I_COUNT] = sk.records;
                    f[I_BYTES] = sk.bytes;
                    f[I_WARNED] = sk.warned;
                    f[I_CLEAN] = (uint64_t)sk.clean;
                    f[I_DAMAGED] = (uint64_t)sk.damaged;
                    continue;
                }
                if (fd < 0 && (fd = open(in[i], O_RDONLY | O_CLOEXEC)) < 0) {
                    cli_log(1, "%s: cannot open: %s", in[i], strerror(errno));
                    err = EXIT_INPUT;
                    break;
                }
                const int64_t c = count_lines(fd, in[i], cut[j], end);
                if (c < 0)
                    err = EXIT_INPUT;
                f[I_COUNT] = c < 0 ? 0 : (uint64_t)c;
                f[I_BYTES] = end - cut[j];
                f[I_CLEAN] = 1;
            }
            if (fd >= 0)
                close(fd);
        }
        uint64_t worst = (uint64_t)err;
        if (cli_dist_max(&worst, 1) || cli_dist_sum(got, INFO_N * np) || worst) {
            rc = worst == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
            goto done;
        }
        for (size_t j = 0; j < np; j++)
            if (todo[j])
                memcpy(&info[INFO_N * j], &got[INFO_N * j], INFO_N * sizeof *info);
        memset(got, 0, INFO_N * np * sizeof *got);
        /* the same decisions on every process, from the same sums */
        int again = 0;
        for (size_t i = 0; i < n; i++) {
            const size_t a = first[i], b = first[i + 1];
            for (size_t j = a; j < b; j++) {
                if (!todo[j])
                    continue;
                todo[j] = 0;
                if (dead[j])  /* joined to the part before it */
                    continue;
                const uint64_t *f = &info[INFO_N * j];
                if (f[I_CLEAN])
                    continue;
                const size_t e = next_live(dead, j, b);
                if (f[I_DAMAGED]) {
                    /* read whole, as one process reads it: the records before
                     * the damage, the record the damage cuts, the messages */
                    for (size_t x = a + 1; x < b; x++)
                        dead[x] = 1;
                    continue;
                }
                if (e < b)
                    dead[e] = 1;
                if (next_live(dead, j, b) < b) {  /* checked again, with the next part joined */
                    todo[j] = 1;
                    again = 1;
                }
            }
        }
        if (!again)
            break;
    }
    size_t m = 0, ncut = 0, nwarc = 0, ndropped = 0;
    for (size_t i = 0; i < n; i++) {
        size_t live = 0;
        for (size_t j = first[i]; j < first[i + 1]; j++) {
            ndropped += dead[j];
            live += !dead[j];
        }
        if (kind[i] != CUT_NONE && live > 1)
            ncut++;
        if (is_warc(kind[i]) && live > 1)
            nwarc++;
        const size_t a = first[i], b = first[i + 1];
        uint64_t count0 = 0, off0 = 0;
        unsigned warned = 0;
        for (size_t j = a; j < b; j++) {
            if (dead[j])
                continue;
            o[m] = in[i];
            if (kind[i] != CUT_NONE) {  /* whole: range end 0 */
                const size_t e = next_live(dead, j, b);
                rg[m].start = cut[j];
                rg[m].end = e < b ? cut[e] : size[i];
                rg[m].line0 = count0;
                rg[m].off0 = off0;
                rg[m].warned = warned;
                rg[m].warc = is_warc(kind[i]);
                count0 += info[INFO_N * j + I_COUNT];
                off0 += info[INFO_N * j + I_BYTES];
                warned |= (unsigned)info[INFO_N * j + I_WARNED];
            }
            m++;
        }
    }
    if (rank == 0 && ncut)
        cli_log(3, "split: %zu of %zu inputs cut into parts (%zu WARC), %zu parts in all; "
                   "%zu WARC cuts dropped (not between two records, or in a damaged file)",
                ncut, n, nwarc, m, ndropped);
    *out = o;
    *ranges = rg;
    *n_out = m;
    o = NULL;
    rg = NULL;
done:
    free(cut);
    free(size);
    free(first);
    free(kind);
    free(info);
    free(got);
    free(dead);
    free(todo);
    free(o);
    free(rg);
    return rc;
}

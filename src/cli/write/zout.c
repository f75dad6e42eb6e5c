/*
 * zout.c - compressed output files, chosen by the name: "*.gz" is written as
 * gzip (zlib, its default level 6), "*.zst" as zstd (level 3). Everything
 * else is written as it is.
 *
 * DESIGN: the compressor sits behind a stdio FILE (glibc fopencookie), so
 * every writer keeps using fprintf/fwrite and cli_out keeps its temporary
 * file and rename. fclose() of the returned FILE ends the stream (gzip
 * trailer, zstd epilogue) and closes the file below it; any write error,
 * there or earlier, makes that fclose() fail, so cli_out_commit() reports it
 * and removes the temporary.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "cli.h"
#include "write/output.h"

enum { Z_GZIP = 1, Z_ZSTD = 2 };
#define ZBUF (1u << 17)

typedef struct zcookie {
    FILE *raw;
    int kind;
    int failed;
    int err;      /* errno of the first failed write below, 0 when unknown */
    z_stream gz;
    ZSTD_CStream *zs;
    unsigned char out[ZBUF];
} zcookie;

static int has_suffix(const char *s, const char *suf)
{
    const size_t n = strlen(s), m = strlen(suf);
    return n > m && strcmp(s + n - m, suf) == 0;
}

int cli_zout_kind(const char *path)
{
    if (has_suffix(path, ".gz"))
        return Z_GZIP;
    if (has_suffix(path, ".zst"))
        return Z_ZSTD;
    return 0;
}

/* Writes what the compressor produced; 0 or -1, keeping the write's errno
 * (ENOSPC on a full disk) for every later report. */
static int put_raw(zcookie *c, const void *p, size_t n)
{
    errno = 0;
    if (n && fwrite(p, 1, n, c->raw) != n) {
        c->failed = 1;
        if (!c->err)
            c->err = errno;
        return -1;
    }
    return 0;
}

/* Feeds n bytes (finishing the stream when fin) through the compressor. */
static int feed(zcookie *c, const char *buf, size_t n, int fin)
{
    if (c->failed)
        return -1;
    if (c->kind == Z_GZIP) {
        c->gz.next_in = (Bytef *)(uintptr_t)buf;
        c->gz.avail_in = (uInt)n;
        for (;;) {
            c->gz.next_out = c->out;
            c->gz.avail_out = ZBUF;
            const int rc = deflate(&c->gz, fin ? Z_FINISH : Z_NO_FLUSH);
            if (rc == Z_STREAM_ERROR) {
                c->failed = 1;
                return -1;
            }
            if (put_raw(c, c->out, ZBUF - c->gz.avail_out))
                return -1;
            if (fin ? rc == Z_STREAM_END : c->gz.avail_in == 0 && c->gz.avail_out != 0)
                return 0;
        }
    }
    ZSTD_inBuffer in = {buf, n, 0};
    for (;;) {
        ZSTD_outBuffer out = {c->out, ZBUF, 0};
        const ZSTD_EndDirective how = fin ? ZSTD_e_end : ZSTD_e_continue;
        const size_t rc = ZSTD_compressStream2(c->zs, &out, &in, how);
        if (ZSTD_isError(rc)) {
            c->failed = 1;
            return -1;
        }
        if (put_raw(c, c->out, out.pos))
            return -1;
        if (fin ? rc == 0 : in.pos == in.size)
            return 0;
    }
}

static ssize_t z_write(void *cookie, const char *buf, size_t n)
{
    /* A chunk at a time: zlib counts input in 32-bit units. */
    size_t done = 0;
    while (done < n) {
        const size_t k = n - done > (1u << 30) ? (1u << 30) : n - done;
        if (feed(cookie, buf + done, k, 0)) {
            const zcookie *c = cookie;
            errno = c->err ? c->err : EIO;
            return -1;
        }
        done += k;
    }
    return (ssize_t)n;
}

static int z_close(void *cookie)
{
    zcookie *c = cookie;
    int bad = feed(c, "", 0, 1) != 0;
    if (c->kind == Z_GZIP)
        deflateEnd(&c->gz);
    else
        ZSTD_freeCStream(c->zs);
    errno = 0;
    if (fflush(c->raw) != 0 || ferror(c->raw)) {
        bad = 1;
        if (!c->err)
            c->err = errno;
    }
    errno = 0;
    if (fclose(c->raw) != 0) {
        bad = 1;
        if (!c->err)
            c->err = errno;
    }
    const int err = c->err;
    free(c);
    if (bad) {
        errno = err ? err : EIO;
        return EOF;
    }
    return 0;
}

FILE *cli_zout_wrap(FILE *raw, const char *path)
{
    const int kind = cli_zout_kind(path);
    if (!kind)
        return raw;
    zcookie *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->raw = raw;
    c->kind = kind;
    int ok;
    if (kind == Z_GZIP) {
        ok = deflateInit2(&c->gz, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                          Z_DEFAULT_STRATEGY) == Z_OK;
    } else {
        c->zs = ZSTD_createCStream();
        ok = c->zs && !ZSTD_isError(ZSTD_CCtx_setParameter(c->zs, ZSTD_c_compressionLevel, 3));
    }
    const cookie_io_functions_t fns = {.read = NULL, .write = z_write, .seek = NULL,
                                       .close = z_close};
    FILE *fp = ok ? fopencookie(c, "w", fns) : NULL;
    if (!fp) {
        if (kind == Z_GZIP && ok)
            deflateEnd(&c->gz);
        if (kind == Z_ZSTD)
            ZSTD_freeCStream(c->zs);
        free(c);
        return NULL;
    }
    return fp;
}

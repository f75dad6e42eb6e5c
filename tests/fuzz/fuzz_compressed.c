/*
 * fuzz_compressed.c - libFuzzer target for the reader's gzip and zstd decoding
 * (src/cli/read/reader.c: magic sniffing, inflate with member restart,
 * ZSTD_decompressStream over frames, truncation and trailing data).
 *
 * fuzz_reader reads its input as it is, so it seldom gets a valid stream past
 * the decoders' checks. Here the input is a payload that this target
 * compresses itself and then damages:
 *   byte 0, bits 0-1: 0 the payload as it is (any bytes, any magic);
 *                     1 gzip; 2 zstd; 3 two members: gzip then gzip, or zstd
 *                     then zstd (bit 4), split at byte 2 of the payload
 *           bits 2-3: 0 intact; 1 cut at P; 2 byte at P xor'ed with byte 3;
 *                     3 byte 3 repeated (1 + P % 64 times) appended as trailing data
 *           bit 5:    a zstd skippable frame first (as pzstd writes)
 *   bytes 1-2: P (little-endian; taken modulo the compressed length)
 *   bytes 3..: byte 3 is a parameter above, the payload is what follows
 * The stream is written to a temporary file and read whole (RD_TEXT) and by
 * lines (RD_LINES), skipping bad records. Checks: an intact stream reads
 * without an input error and, when the payload is read as one document, its
 * raw bytes are exactly the payload; any stream keeps the reader's counters
 * equal to what it returned; sanitizers do the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "read/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static char g_path[256];

static void cleanup(void)
{
    if (g_path[0])
        unlink(g_path);
}

static void ignore(void *ctx, const char *msg)
{
    CHECK(msg && strlen(msg) < 1u << 20);
    (void)ctx;
}

/* Appends the gzip of p[0..n) to out at *len (out holds enough). */
static void gz(const uint8_t *p, size_t n, uint8_t *out, size_t *len, size_t cap, int level)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    CHECK(deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = out + *len;
    z.avail_out = (uInt)(cap - *len);
    CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
    *len = cap - z.avail_out;
    deflateEnd(&z);
}

static void zs(const uint8_t *p, size_t n, uint8_t *out, size_t *len, size_t cap, int level)
{
    const size_t r = ZSTD_compress(out + *len, cap - *len, p, n, level);
    CHECK(!ZSTD_isError(r));
    *len += r;
}

/* Reads g_path in format fmt; returns the number of input errors. */
static unsigned drain(rd_format fmt, const uint8_t *payload, size_t plen, int whole)
{
    rd_opts o;
    memset(&o, 0, sizeof o);
    o.format = fmt;
    o.on_error_skip = 1;
    o.max_record = (uint64_t)1 << 20;
    o.on_error = ignore;
    const char *in[] = { g_path };
    rd_reader *r = rd_open(in, 1, &o);
    CHECK(r);
    unsigned io = 0;
    uint64_t ok = 0, bytes = 0;
    for (int calls = 0; calls < 20000; calls++) {
        rd_record rec;
        const int rc = rd_next(r, &rec);
        if (rc == RD_END)
            break;
        CHECK(rc != RD_ERR_NOMEM);
        if (rc == RD_ERR_IO)
            io++;
        if (rc != RD_OK)
            continue;
        CHECK(rec.id && rec.id[rec.id_len] == 0 && rec.text && rec.raw);
        if (whole && fmt == RD_TEXT)
            CHECK(rec.raw_len == plen && memcmp(rec.raw, payload, plen) == 0);
        ok++;
        bytes += rec.text_len;
    }
    rd_stats st;
    rd_get_stats(r, &st);
    CHECK(st.records == ok && st.bytes == bytes);
    rd_close(r);
    return io;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(g_path, sizeof g_path, "%s/fuzz_compressed.XXXXXX", tmp ? tmp : "/tmp");
        const int fd = mkstemp(g_path);
        CHECK(fd >= 0);
        close(fd);
        atexit(cleanup);
    }
    if (size < 4 || size > (1u << 16))
        return 0;
    const unsigned mode = data[0] & 3, damage = (data[0] >> 2) & 3;
    const unsigned p16 = data[1] | (unsigned)data[2] << 8, param = data[3];
    const uint8_t *pl = data + 4;
    const size_t plen = size - 4;
    const size_t cap = 2 * plen + 4096 + 2 * ZSTD_compressBound(plen);
    uint8_t *buf = malloc(cap);
    CHECK(buf);
    size_t len = 0;
    const int zstd_pair = (data[0] >> 4) & 1;
    if ((data[0] & 32) && (mode == 2 || (mode == 3 && zstd_pair))) {
        static const uint8_t skip[] = {0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 'n', 'd', 0, 1};
        memcpy(buf, skip, sizeof skip);
        len = sizeof skip;
    }
    const size_t half = plen < 2 ? plen : (size_t)param % (plen + 1);
    switch (mode) {
    case 0: memcpy(buf, pl, plen); len = plen; break;
    case 1: gz(pl, plen, buf, &len, cap, 1 + param % 9); break;
    case 2: zs(pl, plen, buf, &len, cap, 1 + param % 5); break;
    default:
        if (zstd_pair) {
            zs(pl, half, buf, &len, cap, 1);
            zs(pl + half, plen - half, buf, &len, cap, 3);
        } else {
            gz(pl, half, buf, &len, cap, 1);
            gz(pl + half, plen - half, buf, &len, cap, 6);
        }
    }
    const size_t at = len ? p16 % len : 0;
    switch (damage) {
    case 1: len = at; break;
    case 2: if (len) buf[at] ^= param ? param : 1; break;
    case 3: {
        const size_t k = 1 + p16 % 64;
        memset(buf + len, param, k);
        len += k;
        break;
    }
    default: break;
    }
    FILE *fp = fopen(g_path, "wb");
    CHECK(fp);
    CHECK(len == 0 || fwrite(buf, 1, len, fp) == len);
    CHECK(fclose(fp) == 0);
    const int intact = mode != 0 && damage == 0;
    const unsigned io = drain(RD_TEXT, pl, plen, intact);
    if (intact)
        CHECK(io == 0);
    drain(RD_LINES, pl, plen, 0);
    drain(RD_AUTO, pl, plen, 0);
    free(buf);
    return 0;
}

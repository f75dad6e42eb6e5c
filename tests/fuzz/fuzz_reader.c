/*
 * fuzz_reader.c - libFuzzer target for the CLI's document reader.
 *
 * The input is written to a temporary file, which is then read through
 * rd_open/rd_next several ways with the skip policy: auto-detected format,
 * lines, forced JSON Lines with a key field and a tiny max_record, and whole
 * text with a tiny max_record. Compressed inputs (gzip/zstd magic) go through
 * the decoders. Every returned record is checked for the header's promises
 * (NUL-terminated id and path, lengths readable, counters matching what was
 * returned); crashes, leaks and sanitizer reports are the findings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_path[256];
static int g_fd = -1;

static void cleanup(void)
{
    if (g_fd >= 0) {
        close(g_fd);
        unlink(g_path);
    }
}

static void count_error(void *ctx, const char *msg)
{
    /* messages must be proper strings */
    *(size_t *)ctx += strlen(msg) + 1;
}

/* Reads every record of g_path with the given options. */
static void drain(rd_format fmt, uint64_t max_record, const char *key, const char *id)
{
    size_t msg_bytes = 0;
    rd_opts o;
    memset(&o, 0, sizeof o);
    o.format = fmt;
    o.on_error_skip = 1;
    o.max_record = max_record;
    o.key_field = key;
    o.id_field = id;
    o.on_error = count_error;
    o.ctx = &msg_bytes;
    const char *in[] = { g_path };
    rd_reader *r = rd_open(in, 1, &o);
    if (!r)
        return;
    uint64_t ok = 0, text_bytes = 0;
    volatile unsigned sink = 0;
    /* A few compressed bytes can expand to millions of lines: stop after a
     * while, which also exercises rd_close() in the middle of a stream. */
    for (int calls = 0; calls < 20000; calls++) {
        rd_record rec;
        const int rc = rd_next(r, &rec);
        if (rc == RD_END || rc == RD_ERR_NOMEM)
            break;
        if (rc != RD_OK)
            continue; /* RD_ERR_IO: the reader moves on (here: to the end) */
        if (!rec.id || rec.id[rec.id_len] != '\0' || !rec.path || !rec.text || !rec.raw)
            abort();
        if (rec.text_len > (max_record ? max_record : (uint64_t)1 << 30) && fmt != RD_JSONL)
            abort();
        /* touch the first and last bytes so ASan checks the extents */
        if (rec.text_len)
            sink += (unsigned char)rec.text[0] + (unsigned char)rec.text[rec.text_len - 1];
        if (rec.raw_len)
            sink += (unsigned char)rec.raw[0] + (unsigned char)rec.raw[rec.raw_len - 1];
        if (rec.key && rec.key_len)
            sink += (unsigned char)rec.key[rec.key_len - 1];
        ok++;
        text_bytes += rec.text_len;
    }
    rd_stats st;
    rd_get_stats(r, &st);
    if (st.records != ok || st.bytes != text_bytes)
        abort();
    rd_close(r);
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (g_fd < 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(g_path, sizeof g_path, "%s/fuzz_reader.XXXXXX", tmp ? tmp : "/tmp");
        g_fd = mkstemp(g_path);
        if (g_fd < 0)
            abort();
        atexit(cleanup);
    }
    if (ftruncate(g_fd, 0) < 0)
        abort();
    size_t done = 0;
    while (done < size) {
        const ssize_t n = pwrite(g_fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            abort();
        done += (size_t)n;
    }
    drain(RD_AUTO, (uint64_t)1 << 20, NULL, NULL);
    drain(RD_LINES, (uint64_t)1 << 20, NULL, NULL);
    drain(RD_JSONL, 100, "k", "i");
    drain(RD_TEXT, 100, NULL, NULL);
    return 0;
}

/*
 * fuzz_warc.c - libFuzzer target for WARC/WET reading.
 *
 * The input goes three ways: straight into the parsers of warc.h (header
 * block with and without end of input, HTTP head, media type, de-chunking,
 * HTML to text), and, written to a temporary file, through the reader with
 * the WARC format forced and auto-detected, with a small max_record so the
 * streaming skip is exercised. Returned records are checked for what
 * reader.h promises (NUL-terminated id and date, raw bytes starting with the
 * version line, counters matching), then skimmed as parts (rd_warc_skim);
 * crashes, leaks and sanitizer reports are the findings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read/reader.h"
#include "read/warc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_path[256];
static int g_fd = -1;
static warc_html *g_html;
static char g_fold[WARC_MAX_HEAD];

static void cleanup(void)
{
    if (g_fd >= 0) {
        close(g_fd);
        unlink(g_path);
    }
    warc_html_free(g_html);
}

static void count_error(void *ctx, const char *msg)
{
    *(size_t *)ctx += strlen(msg) + 1;
}

static void parsers(const char *p, size_t n)
{
    volatile size_t sink = 0;
    warc_head h;
    for (int eof = 0; eof < 2; eof++) {
        const int rc = warc_head_parse(p, n, eof, g_fold, &h);
        if (rc == WARC_OK) {
            if (h.len == 0 || h.len > n || h.nfields > WARC_MAX_FIELDS)
                abort();
            for (size_t i = 0; i < h.nfields; i++)
                if (h.fields[i].value.n)
                    sink += (unsigned char)h.fields[i].value.p[h.fields[i].value.n - 1];
            sink += warc_head_get(&h, "WARC-Type").n;
        } else if (rc == WARC_BAD && !h.err) {
            abort();
        }
    }
    warc_http http;
    const char *why;
    if (warc_http_parse(p, n, &http, &why) == WARC_OK && http.len > n)
        abort();
    warc_span cs;
    sink += (size_t)warc_media((warc_span){ p, n < 200 ? n : 200 }, &cs);
    char *out = malloc(n ? n : 1);
    if (!out)
        return;
    const size_t got = warc_dechunk(p, n, out);
    if (got != (size_t)-1 && got > n)
        abort();
    free(out);
    if (n <= 65536) {
        const char *t;
        size_t len;
        if (warc_html_text(g_html, p, n, (warc_span){ p, n < 16 ? n : 16 }, &t, &len) == 0 &&
            len)
            sink += (unsigned char)t[len - 1];
    }
    (void)sink;
}

static void drain(rd_format fmt, uint64_t max_record, const char *key)
{
    size_t msg_bytes = 0;
    rd_opts o;
    memset(&o, 0, sizeof o);
    o.format = fmt;
    o.on_error_skip = 1;
    o.max_record = max_record;
    o.key_field = key;
    o.on_error = count_error;
    o.ctx = &msg_bytes;
    const char *in[] = { g_path };
    rd_reader *r = rd_open(in, 1, &o);
    if (!r)
        return;
    uint64_t ok = 0, text_bytes = 0;
    volatile unsigned sink = 0;
    for (int calls = 0; calls < 20000; calls++) {
        rd_record rec;
        const int rc = rd_next(r, &rec);
        if (rc == RD_END || rc == RD_ERR_NOMEM)
            break;
        if (rc != RD_OK)
            continue;
        if (!rec.id || rec.id[rec.id_len] != '\0' || !rec.text || !rec.raw)
            abort();
        if (rec.kind == RD_KIND_WARC) {
            if (rec.raw_len < 8 || memcmp(rec.raw, "WARC/1.", 7) != 0 || rec.record == 0 ||
                rec.line != 0)
                abort();
            if (rec.date && rec.date[rec.date_len] != '\0')
                abort();
        }
        if (rec.text_len)
            sink += (unsigned char)rec.text[0] + (unsigned char)rec.text[rec.text_len - 1];
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
        snprintf(g_path, sizeof g_path, "%s/fuzz_warc.XXXXXX", tmp ? tmp : "/tmp");
        g_fd = mkstemp(g_path);
        g_html = warc_html_new();
        if (g_fd < 0 || !g_html)
            abort();
        atexit(cleanup);
    }
    parsers((const char *)data, size);
    if (ftruncate(g_fd, 0) < 0)
        abort();
    size_t done = 0;
    while (done < size) {
        const ssize_t n = pwrite(g_fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            abort();
        done += (size_t)n;
    }
    drain(RD_WARC, (uint64_t)1 << 20, "date");
    drain(RD_AUTO, 64, "WARC-Record-ID");
    /* the skims of a part check (cli_dist_split): the whole, two halves, and
     * a clean first half's records and bytes add up with the second's */
    rd_opts so;
    memset(&so, 0, sizeof so);
    so.max_record = 64;
    const rd_range whole = {.start = 0, .end = size, .warc = 1};
    const rd_range h1 = {.start = 0, .end = size / 2, .warc = 1};
    const rd_range h2 = {.start = size / 2, .end = size, .warc = 1};
    rd_skim sw, s1, s2;
    if (size && (rd_warc_skim(g_path, &whole, &so, &sw) || rd_warc_skim(g_path, &h1, &so, &s1) ||
                 rd_warc_skim(g_path, &h2, &so, &s2)))
        abort();  /* out of memory: not an input's fault */
    /* a plain file decodes to itself: a part holds no more bytes than the
     * file (a gzip member may decode to more than the file's size) */
    const int gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    if (size && !gz && s1.bytes > size)
        abort();
    return 0;
}

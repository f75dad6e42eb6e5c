/*
 * test_warc.c - unit tests of WARC/WET reading: the parsers of src/cli/read/warc.c
 * and the WARC path of the reader (src/cli/read/reader.c).
 *
 * Inputs are built here, record by record, under a fresh mkdtemp() directory
 * (gzip members written with zlib), and read back through rd_open/rd_next:
 * ids, texts, dates, keys, raw bytes, record numbers, offsets, messages and
 * counters are compared with exact expected values.
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "nd_test.h"
#include "read/reader.h"
#include "read/warc.h"

static char g_dir[256];

/* ---- a growable byte buffer ---- */

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void b_add(buf *b, const void *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 1024;
        while (nc < b->n + n + 1)
            nc *= 2;
        b->p = realloc(b->p, nc);
        if (!b->p)
            abort();
        b->cap = nc;
    }
    if (n)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void b_str(buf *b, const char *s)
{
    b_add(b, s, strlen(s));
}

/* One WARC/1.1 record with CRLF lines. uri/date/ctype NULL: field left out. */
static void b_rec(buf *b, const char *type, const char *uri, const char *date,
                  const char *ctype, const char *block)
{
    char h[1024];
    int k = snprintf(h, sizeof h, "WARC/1.1\r\nWARC-Type: %s\r\n", type);
    if (uri)
        k += snprintf(h + k, sizeof h - (size_t)k, "WARC-Target-URI: %s\r\n", uri);
    if (date)
        k += snprintf(h + k, sizeof h - (size_t)k, "WARC-Date: %s\r\n", date);
    k += snprintf(h + k, sizeof h - (size_t)k, "WARC-Record-ID: <urn:uuid:rec-%zu>\r\n", b->n);
    if (ctype)
        k += snprintf(h + k, sizeof h - (size_t)k, "Content-Type: %s\r\n", ctype);
    snprintf(h + k, sizeof h - (size_t)k, "Content-Length: %zu\r\n\r\n", strlen(block));
    b_str(b, h);
    b_str(b, block);
    b_str(b, "\r\n\r\n");
}

/* Appends data[0..n) as one gzip member. */
static void b_gzip(buf *b, const char *data, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    ND_CHECK(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    const size_t cap = deflateBound(&z, (uLong)n) + 64;
    char *out = malloc(cap);
    if (!out)
        abort();
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    ND_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
    b_add(b, out, cap - z.avail_out);
    deflateEnd(&z);
    free(out);
}

/* ---- files and reading ---- */

static const char *P(const char *rel)
{
    static char bufs[8][512];
    static int k;
    char *s = bufs[k++ % 8];
    snprintf(s, sizeof bufs[0], "%s/%s", g_dir, rel);
    return s;
}

static void wfile(const char *rel, const void *data, size_t len)
{
    FILE *fp = fopen(P(rel), "wb");
    ND_CHECK_MSG(fp != NULL, "%s: %s", rel, strerror(errno));
    if (!fp)
        return;
    if (len)
        ND_CHECK(fwrite(data, 1, len, fp) == len);
    ND_CHECK(fclose(fp) == 0);
}

typedef struct errs {
    int n;
    char msg[16][512];
} errs;

static void on_err(void *ctx, const char *msg)
{
    errs *e = ctx;
    if (e->n < 16)
        snprintf(e->msg[e->n], sizeof e->msg[0], "%s", msg);
    e->n++;
}

typedef struct res {
    int rc;
    char id[256], date[64], key[64];
    buf text, raw;
    rd_kind kind;
    uint64_t record, offset, line;
    int has_date, has_key, key_is_num;
} res;

typedef struct run {
    int n;
    res r[32];
    errs e;
    rd_stats st;
} run;

static void read_all(run *out, const char *path, rd_opts o)
{
    memset(out, 0, sizeof *out);
    o.on_error = on_err;
    o.ctx = &out->e;
    const char *in[] = { path };
    rd_reader *r = rd_open(in, 1, &o);
    ND_CHECK(r != NULL);
    if (!r)
        return;
    for (;;) {
        rd_record rec;
        const int rc = rd_next(r, &rec);
        if (rc == RD_END || out->n == 32)
            break;
        res *x = &out->r[out->n++];
        x->rc = rc;
        if (rc != RD_OK)
            continue;
        ND_CHECK(rec.id && rec.id[rec.id_len] == '\0');
        snprintf(x->id, sizeof x->id, "%s", rec.id);
        b_add(&x->text, rec.text, rec.text_len);
        b_add(&x->raw, rec.raw, rec.raw_len);
        x->kind = rec.kind;
        x->record = rec.record;
        x->offset = rec.offset;
        x->line = rec.line;
        x->has_date = rec.date != NULL;
        if (rec.date) {
            ND_CHECK(rec.date[rec.date_len] == '\0');
            snprintf(x->date, sizeof x->date, "%s", rec.date);
        }
        x->has_key = rec.key != NULL;
        if (rec.key)
            snprintf(x->key, sizeof x->key, "%.*s", (int)rec.key_len, rec.key);
        x->key_is_num = rec.key_is_num;
    }
    rd_get_stats(r, &out->st);
    rd_close(r);
}

static void free_run(run *x)
{
    for (int i = 0; i < x->n; i++) {
        free(x->r[i].text.p);
        free(x->r[i].raw.p);
    }
}

static rd_opts opts(void)
{
    rd_opts o;
    memset(&o, 0, sizeof o);
    o.on_error_skip = 1;
    return o;
}

/* The stop policy: bad records come back as RD_ERR_RECORD in their place
 * (read_all() goes on reading after them, which the reader allows). */
static rd_opts stop_opts(void)
{
    rd_opts o = opts();
    o.on_error_skip = 0;
    return o;
}

/* Result i is a document with this id and text. */
static int doc_is(const run *x, int i, const char *id, const char *text)
{
    if (i >= x->n) {
        fprintf(stderr, "  result %d missing (have %d)\n", i, x->n);
        return 0;
    }
    const res *y = &x->r[i];
    if (y->rc != RD_OK || strcmp(y->id, id) != 0 || strcmp(y->text.p ? y->text.p : "", text)) {
        fprintf(stderr, "  result %d: rc %d id '%s' text '%s'\n  want id '%s' text '%s'\n", i,
                y->rc, y->id, y->text.p ? y->text.p : "", id, text);
        return 0;
    }
    return 1;
}

static int msg_is(const run *x, int i, const char *want)
{
    if (i >= x->e.n) {
        fprintf(stderr, "  message %d missing (have %d)\n", i, x->e.n);
        return 0;
    }
    if (strcmp(x->e.msg[i], want) != 0) {
        fprintf(stderr, "  message %d: '%s'\n       want '%s'\n", i, x->e.msg[i], want);
        return 0;
    }
    return 1;
}

/* ---- parser tests ---- */

static void test_head_well_formed(void)
{
    const char *s = "WARC/1.0\r\nWARC-Type: response\r\nwarc-target-uri: <http://x.example/a>\r\n"
                    "WARC-Date: 2024-01-02T03:04:05Z\r\nContent-Length: 12\r\n"
                    "X-Other:   spaced value  \r\n\r\nbody";
    char fold[WARC_MAX_HEAD];
    warc_head h;
    ND_CHECK(warc_head_parse(s, strlen(s), 0, fold, &h) == WARC_OK);
    ND_CHECK(h.minor == 0);
    ND_CHECK(h.len == strlen(s) - 4);
    ND_CHECK(h.content_length == 12);
    ND_CHECK(warc_span_ieq(h.type, "response"));
    ND_CHECK(warc_span_ieq(h.target_uri, "http://x.example/a")); /* <> dropped */
    ND_CHECK(warc_span_ieq(h.date, "2024-01-02T03:04:05Z"));
    ND_CHECK(h.nfields == 5 && !h.lf_only && !h.folded);
    ND_CHECK(warc_span_ieq(warc_head_get(&h, "x-other"), "spaced value"));
    ND_CHECK(warc_head_get(&h, "Missing").n == 0);
    /* every prefix without the empty line asks for more, or is truncated at EOF */
    for (size_t n = 0; n < h.len; n++) {
        ND_CHECK(warc_head_parse(s, n, 0, fold, &h) == WARC_NEED);
        ND_CHECK(warc_head_parse(s, n, 1, fold, &h) == WARC_BAD);
    }
}

static void test_head_continuation_and_lf(void)
{
    /* LF-only lines, a value folded over two continuation lines */
    const char *s = "WARC/1.1\nWARC-Type: resource\nWARC-Target-URI: http://x.example/\n"
                    "  long/path\n\tend\nContent-Length: 0\n\n";
    char fold[WARC_MAX_HEAD];
    warc_head h;
    ND_CHECK(warc_head_parse(s, strlen(s), 0, fold, &h) == WARC_OK);
    ND_CHECK(h.minor == 1 && h.lf_only && h.folded);
    ND_CHECK_MSG(warc_span_ieq(h.target_uri, "http://x.example/ long/path end"), "'%.*s'",
                 (int)h.target_uri.n, h.target_uri.p);
    ND_CHECK(h.target_uri.p >= fold && h.target_uri.p < fold + sizeof fold);
    ND_CHECK(h.content_length == 0 && h.len == strlen(s));
}

static void test_head_errors(void)
{
    static const struct {
        const char *in, *err;
    } cases[] = {
        { "WARC/0.18\r\n\r\n", "unsupported WARC version (only WARC/1.0 and WARC/1.1)" },
        { "HTTP/1.1 200 OK\r\n\r\n", "not a WARC record (expected a WARC/1.0 or WARC/1.1 line)" },
        { "WARC/1.0\r\nWARC-Type: x\r\n\r\n", "no Content-Length field" },
        { "WARC/1.0\r\nContent-Length: 12a\r\n\r\n",
          "invalid Content-Length (not a decimal number of bytes)" },
        { "WARC/1.0\r\nContent-Length: 99999999999999999999999\r\n\r\n",
          "invalid Content-Length (not a decimal number of bytes)" },
        { "WARC/1.0\r\nno colon here\r\n\r\n", "header line without ':'" },
        { "WARC/1.0\r\nbad name: x\r\n\r\n", "malformed field name" },
        { "WARC/1.0\r\n continued\r\n\r\n", "continuation line before any field" },
    };
    char fold[WARC_MAX_HEAD];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        warc_head h;
        const int rc = warc_head_parse(cases[i].in, strlen(cases[i].in), 0, fold, &h);
        ND_CHECK_MSG(rc == WARC_BAD && h.err && strcmp(h.err, cases[i].err) == 0,
                     "case %zu: rc %d err '%s'", i, rc, h.err ? h.err : "(null)");
    }
    /* a header that never ends */
    char *big = malloc(WARC_MAX_HEAD + 100);
    if (!big)
        abort();
    memcpy(big, "WARC/1.0\r\nX: ", 13);
    memset(big + 13, 'a', WARC_MAX_HEAD + 87);
    warc_head h;
    ND_CHECK(warc_head_parse(big, WARC_MAX_HEAD + 100, 0, fold, &h) == WARC_BAD);
    ND_CHECK(h.err && strncmp(h.err, "header block longer than 32 KiB", 31) == 0);
    free(big);
}

static void test_http_media_chunked(void)
{
    const char *s = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"ISO-8859-1\"\r\n"
                    "Transfer-Encoding: chunked\r\nbroken line\r\n\r\npayload";
    warc_http h;
    const char *why = NULL;
    ND_CHECK(warc_http_parse(s, strlen(s), &h, &why) == WARC_OK);
    ND_CHECK(h.status == 200 && h.len == strlen(s) - 7);
    warc_span cs;
    ND_CHECK(warc_media(h.content_type, &cs) == WARC_MT_HTML);
    ND_CHECK(warc_span_ieq(cs, "iso-8859-1"));
    ND_CHECK(warc_span_ieq(h.transfer_encoding, "chunked"));
    ND_CHECK(warc_http_parse("HTTP/2 404\r\n\r\n", 14, &h, &why) == WARC_OK && h.status == 404);
    ND_CHECK(warc_http_parse("HTTP/1.1 20 OK\r\n\r\n", 18, &h, &why) == WARC_BAD);
    ND_CHECK(warc_http_parse("GET / HTTP/1.1\r\n\r\n", 18, &h, &why) == WARC_BAD);
    ND_CHECK(strcmp(why, "malformed HTTP response (no HTTP/ status line)") == 0);

    static const struct {
        const char *ct;
        int mt;
    } m[] = {
        { "text/plain", WARC_MT_TEXT },     { "TEXT/HTML;charset=utf-8", WARC_MT_HTML },
        { "application/xhtml+xml", WARC_MT_HTML },
        { "application/http; msgtype=response", WARC_MT_HTTP_RESPONSE },
        { "application/http;msgtype=request", WARC_MT_OTHER },
        { "application/http", WARC_MT_HTTP_RESPONSE }, { "image/png", WARC_MT_OTHER },
        { "", WARC_MT_OTHER },
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        ND_CHECK_MSG(warc_media((warc_span){ m[i].ct, strlen(m[i].ct) }, &cs) == m[i].mt, "%s",
                     m[i].ct);

    char out[64];
    const char *ch = "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n";
    size_t n = warc_dechunk(ch, strlen(ch), out);
    ND_CHECK(n == 23 && memcmp(out, "Wikipedia in\r\n\r\nchunks.", 23) == 0);
    n = warc_dechunk("4\r\nWi", 5, out); /* cut short: what there is */
    ND_CHECK(n == 2 && memcmp(out, "Wi", 2) == 0);
    ND_CHECK(warc_dechunk("zz\r\n", 4, out) == (size_t)-1);
}

static void test_html_text(void)
{
    warc_html *c = warc_html_new();
    ND_CHECK(c != NULL);
    if (!c)
        return;
    const char *html =
        "<!DOCTYPE html><html><head><title> The  Title </title><style>p{color:red}</style>"
        "<script>var x = '<p>no</p>';</script></head><body>\n"
        "<div>Menu <a href=x>Home</a> | <b>News</b></div>\n"
        "<p>First   paragraph,\n  wrapped.</p><p>Second &amp; last&nbsp;one.<br>After break</p>"
        "<noscript>enable js</noscript><ul><li>one</li><li>two</li></ul>"
        "<table><tr><td>a</td><td>b</td></tr></table>tail</body></html>";
    const char *t;
    size_t n;
    ND_CHECK(warc_html_text(c, html, strlen(html), (warc_span){ NULL, 0 }, &t, &n) == 0);
    const char *want = "The Title\nMenu Home | News\nFirst paragraph, wrapped.\n"
                       "Second & last\xC2\xA0one.\nAfter break\none\ntwo\na\nb\ntail";
    ND_CHECK_MSG(n == strlen(want) && memcmp(t, want, n) == 0, "got '%.*s'", (int)n, t);
    /* the HTTP charset decides the decoding */
    const char *latin = "<p>caf\xE9</p>";
    ND_CHECK(warc_html_text(c, latin, strlen(latin), (warc_span){ "windows-1252", 12 }, &t,
                            &n) == 0);
    ND_CHECK_MSG(n == 5 && memcmp(t, "caf\xC3\xA9", 5) == 0, "got '%.*s'", (int)n, t);
    /* an unknown charset falls back; valid UTF-8 stays as it is */
    const char *utf = "<p>na\xC3\xAFve</p>";
    ND_CHECK(warc_html_text(c, utf, strlen(utf), (warc_span){ "x-no-such", 9 }, &t, &n) == 0);
    ND_CHECK_MSG(n == 6 && memcmp(t, "na\xC3\xAFve", 6) == 0, "got '%.*s'", (int)n, t);
    /* no HTTP charset: a <meta> one is used */
    const char *meta = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                       "charset=ISO-8859-1\"></head><body>d\xE9j\xE0 vu</body></html>";
    ND_CHECK(warc_html_text(c, meta, strlen(meta), (warc_span){ NULL, 0 }, &t, &n) == 0);
    ND_CHECK_MSG(n == 9 && memcmp(t, "d\xC3\xA9j\xC3\xA0 vu", 9) == 0, "got '%.*s'", (int)n, t);
    /* a byte that is not UTF-8 in a UTF-8 document passes through as it is
     * (the library replaces such bytes for matching and counts them) */
    const char *bad = "<p>ok \xC3\xA9 then caf\xE9</p>";
    ND_CHECK(warc_html_text(c, bad, strlen(bad), (warc_span){ NULL, 0 }, &t, &n) == 0);
    ND_CHECK_MSG(n == 15 && memcmp(t, "ok \xC3\xA9 then caf\xE9", 15) == 0, "got '%.*s'", (int)n,
                 t);
    ND_CHECK(warc_html_text(c, "", 0, (warc_span){ NULL, 0 }, &t, &n) == 0 && n == 0);
    warc_html_free(c);
}

/* ---- reader tests ---- */

/* A small WET file: warcinfo, then three conversion records. */
static void make_wet(buf *b)
{
    b_rec(b, "warcinfo", NULL, "2024-04-12T00:00:00Z", "application/warc-fields",
          "software: test\r\n");
    b_rec(b, "conversion", "http://a.example/one", "2024-04-12T09:31:00Z", "text/plain",
          "First page\nwith two lines");
    b_rec(b, "conversion", "http://b.example/two", "2024-04-11T08:00:00.5Z", "text/plain",
          "Second page");
    b_rec(b, "conversion", "http://c.example/empty", "2024-04-10T00:00:00Z", "text/plain", "");
}

static void test_wet_plain(void)
{
    buf b = { 0 };
    make_wet(&b);
    wfile("a.wet", b.p, b.n);
    rd_opts o = opts();
    o.key_field = "date";
    run x;
    read_all(&x, P("a.wet"), o);
    ND_CHECK(x.n == 3);
    ND_CHECK(doc_is(&x, 0, "http://a.example/one", "First page\nwith two lines"));
    ND_CHECK(doc_is(&x, 1, "http://b.example/two", "Second page"));
    ND_CHECK(doc_is(&x, 2, "http://c.example/empty", ""));
    ND_CHECK(x.r[0].kind == RD_KIND_WARC && x.r[0].line == 0 && x.r[0].record == 2);
    ND_CHECK(strcmp(x.r[0].date, "2024-04-12T09:31:00Z") == 0);
    ND_CHECK(strcmp(x.r[0].key, "2024-04-12T09:31:00") == 0); /* final Z dropped */
    ND_CHECK(strcmp(x.r[1].key, "2024-04-11T08:00:00.5") == 0);
    /* raw records put back together give the file minus the warcinfo record */
    const char *second = strstr(b.p + 1, "WARC/1.1");
    ND_CHECK(second != NULL);
    const size_t off = (size_t)(second - b.p);
    ND_CHECK(x.r[0].offset == off);
    buf cat = { 0 };
    for (int i = 0; i < x.n; i++)
        b_add(&cat, x.r[i].raw.p, x.r[i].raw.n);
    ND_CHECK(cat.n == b.n - off && memcmp(cat.p, b.p + off, cat.n) == 0);
    ND_CHECK(x.st.records == 3 && x.st.ignored == 1 && x.st.skipped == 0 && x.e.n == 0);
    free(cat.p);
    free_run(&x);

    /* detected by content whatever the name; forced format gives the same */
    wfile("looks.jsonl", b.p, b.n);
    read_all(&x, P("looks.jsonl"), opts());
    ND_CHECK(x.n == 3 && doc_is(&x, 1, "http://b.example/two", "Second page"));
    free_run(&x);
    o = opts();
    o.format = RD_WARC;
    read_all(&x, P("a.wet"), o);
    ND_CHECK(x.n == 3 && doc_is(&x, 2, "http://c.example/empty", ""));
    free_run(&x);
    free(b.p);
}

static void test_wet_gzip_per_record(void)
{
    buf plain = { 0 }, gz = { 0 };
    make_wet(&plain);
    /* one gzip member per record, as Common Crawl writes them */
    const char *p = plain.p;
    while (p < plain.p + plain.n) {
        const char *next = strstr(p + 1, "WARC/1.1");
        const char *e = next ? next : plain.p + plain.n;
        b_gzip(&gz, p, (size_t)(e - p));
        p = e;
    }
    wfile("a.warc.wet.gz", gz.p, gz.n);
    rd_opts o = opts();
    run x;
    read_all(&x, P("a.warc.wet.gz"), o);
    ND_CHECK(x.n == 3);
    ND_CHECK(doc_is(&x, 0, "http://a.example/one", "First page\nwith two lines"));
    ND_CHECK(doc_is(&x, 2, "http://c.example/empty", ""));
    ND_CHECK(x.st.ignored == 1 && x.e.n == 0);
    /* the raw bytes are the decompressed records */
    ND_CHECK(x.r[1].raw.n > 0 && memcmp(x.r[1].raw.p, "WARC/1.1\r\n", 10) == 0);
    free_run(&x);
    free(plain.p);
    free(gz.p);
}

static void test_warc_mixed_types(void)
{
    buf b = { 0 };
    const char *page = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                       "<html><body><h1>Head</h1><p>Body text.</p></body></html>";
    b_rec(&b, "warcinfo", NULL, NULL, "application/warc-fields", "x: y\r\n");
    b_rec(&b, "request", "http://a.example/", "2024-01-01T00:00:00Z",
          "application/http; msgtype=request", "GET / HTTP/1.1\r\n\r\n");
    b_rec(&b, "response", "http://a.example/", "2024-01-01T00:00:01Z",
          "application/http; msgtype=response", page);
    b_rec(&b, "metadata", "http://a.example/", NULL, "application/warc-fields", "a: b\r\n");
    b_rec(&b, "response", "http://a.example/logo.png", NULL, "application/http; msgtype=response",
          "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG");
    b_rec(&b, "response", "http://a.example/gone", NULL, "application/http; msgtype=response",
          "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>not here</p>");
    b_rec(&b, "response", "http://a.example/plain.txt", NULL, "application/http",
          "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
          "5\r\nplain\r\n6\r\n text.\r\n0\r\n\r\n");
    b_rec(&b, "revisit", "http://a.example/", NULL, "application/http; msgtype=response",
          "HTTP/1.1 200 OK\r\n\r\n");
    b_rec(&b, "resource", "file:///notes.txt", NULL, "text/plain", "A resource.");
    b_rec(&b, "resource", "file:///img.gif", NULL, "image/gif", "GIF89a");
    b_rec(&b, "response", "dns:a.example", NULL, "text/dns", "a.example. 300 IN A 1.2.3.4");
    b_rec(&b, "response", "http://a.example/gz", NULL, "application/http; msgtype=response",
          "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n\x1f\x8b");
    b_rec(&b, "response", "http://a.example/bad", NULL, "application/http; msgtype=response",
          "not http at all");
    wfile("mixed.warc", b.p, b.n);
    run x;
    read_all(&x, P("mixed.warc"), stop_opts());
    ND_CHECK(x.n == 4);
    ND_CHECK(doc_is(&x, 0, "http://a.example/", "Head\nBody text."));
    ND_CHECK(strcmp(x.r[0].date, "2024-01-01T00:00:01Z") == 0 && x.r[0].record == 3);
    ND_CHECK(doc_is(&x, 1, "http://a.example/plain.txt", "plain text."));
    ND_CHECK(doc_is(&x, 2, "file:///notes.txt", "A resource."));
    ND_CHECK(!x.r[2].has_date);
    ND_CHECK(x.n == 4 && x.r[3].rc == RD_ERR_RECORD);
    ND_CHECK(x.st.records == 3 && x.st.ignored == 9 && x.st.skipped == 0);
    char want[512];
    run y;
    read_all(&y, P("mixed.warc"), opts());
    ND_CHECK(y.n == 3 && y.st.skipped == 1 && y.st.ignored == 9);
    free_run(&y);
    const char *bad = strstr(b.p, "WARC-Target-URI: http://a.example/bad");
    ND_CHECK(bad != NULL);
    /* the record starts at the "WARC/1.1" line before its URI line */
    size_t off = (size_t)(bad - b.p);
    while (off > 0 && strncmp(b.p + off, "WARC/1.1", 8) != 0)
        off--;
    snprintf(want, sizeof want, "%s: record 13 (offset %zu): malformed HTTP response "
             "(no HTTP/ status line)", P("mixed.warc"), off);
    ND_CHECK(msg_is(&x, 0, want));
    free_run(&x);
    free(b.p);
}

static void test_warc_missing_uri(void)
{
    buf b = { 0 };
    b_rec(&b, "conversion", NULL, NULL, "text/plain", "no uri");
    b_str(&b, "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 5\r\n\r\nbare!\r\n\r\n");
    wfile("nouri.wet", b.p, b.n);
    run x;
    read_all(&x, P("nouri.wet"), opts());
    ND_CHECK(x.n == 2);
    ND_CHECK(doc_is(&x, 0, "<urn:uuid:rec-0>", "no uri")); /* WARC-Record-ID */
    char id[600];
    snprintf(id, sizeof id, "%s#2", P("nouri.wet"));
    ND_CHECK(doc_is(&x, 1, id, "bare!")); /* neither: path#record */
    free_run(&x);
    free(b.p);
}

static void test_warc_lf_only_and_trailer(void)
{
    /* LF-only header lines and LF-only record ends: tolerated, warned once */
    const char *s = "WARC/1.0\nWARC-Type: conversion\nWARC-Target-URI: u1\nContent-Length: 3\n\n"
                    "one\n\n"
                    "WARC/1.0\nWARC-Type: conversion\nWARC-Target-URI: u2\nContent-Length: 3\n\n"
                    "two";
    wfile("lf.wet", s, strlen(s));
    run x;
    read_all(&x, P("lf.wet"), opts());
    ND_CHECK(x.n == 2 && doc_is(&x, 0, "u1", "one") && doc_is(&x, 1, "u2", "two"));
    ND_CHECK(x.st.records == 2 && x.st.skipped == 0 && x.e.n == 2);
    char want[600];
    snprintf(want, sizeof want, "%s: record 1 (offset 0): warning: header lines end in LF, not "
             "CRLF (tolerated; not reported again for this file)", P("lf.wet"));
    ND_CHECK(msg_is(&x, 0, want));
    snprintf(want, sizeof want, "%s: record 1 (offset 0): warning: block not followed by CRLF "
             "CRLF (tolerated; not reported again for this file)", P("lf.wet"));
    ND_CHECK(msg_is(&x, 1, want));
    ND_CHECK(x.r[0].raw.n == 75 && x.r[1].offset == 75 && x.r[1].raw.n == 73);
    free_run(&x);
}

static void test_warc_truncated(void)
{
    buf b = { 0 };
    b_rec(&b, "conversion", "u1", NULL, "text/plain", "complete record");
    const size_t off = b.n;
    b_rec(&b, "conversion", "u2", NULL, "text/plain", "this one is cut short");
    b.n -= 10; /* 4 bytes of CRLF CRLF and 6 of the block */
    wfile("cut.wet", b.p, b.n);
    run x;
    read_all(&x, P("cut.wet"), opts());
    ND_CHECK(x.n == 1 && doc_is(&x, 0, "u1", "complete record"));
    char want[600];
    snprintf(want, sizeof want, "%s: record 2 (offset %zu): truncated record: Content-Length 21 "
             "but the input ends after 15 bytes of the block", P("cut.wet"), off);
    ND_CHECK(msg_is(&x, 0, want));
    ND_CHECK(x.st.records == 1 && x.st.skipped == 1);
    free_run(&x);
    /* cut inside the header block */
    b.n = off + 20;
    wfile("cut2.wet", b.p, b.n);
    read_all(&x, P("cut2.wet"), stop_opts());
    ND_CHECK(x.n == 2 && x.r[1].rc == RD_ERR_RECORD);
    snprintf(want, sizeof want, "%s: record 2 (offset %zu): truncated record: end of input inside "
             "the header block (header byte 10)", P("cut2.wet"), off);
    ND_CHECK(msg_is(&x, 0, want));
    free_run(&x);
    /* the stop policy returns the error instead of going on */
    read_all(&x, P("cut.wet"), stop_opts());
    ND_CHECK(x.n == 2 && x.r[1].rc == RD_ERR_RECORD && x.st.skipped == 0);
    free_run(&x);
    free(b.p);
}

static void test_warc_bad_header_resync(void)
{
    buf b = { 0 };
    b_rec(&b, "conversion", "u1", NULL, "text/plain", "one");
    b_str(&b, "WARC/1.0\r\nWARC-Type conversion\r\nContent-Length: 3\r\n\r\nbad\r\n\r\n");
    b_rec(&b, "conversion", "u3", NULL, "text/plain", "three");
    b_str(&b, "WARC/1.0\r\nContent-Length: 4\r\n\r\nnone\r\n\r\n"); /* no WARC-Type */
    b_rec(&b, "conversion", "u5", NULL, "text/plain", "five");
    wfile("bad.warc", b.p, b.n);
    run x;
    read_all(&x, P("bad.warc"), stop_opts());
    ND_CHECK(x.n == 5);
    ND_CHECK(doc_is(&x, 0, "u1", "one") && x.r[1].rc == RD_ERR_RECORD);
    ND_CHECK(doc_is(&x, 2, "u3", "three") && x.r[3].rc == RD_ERR_RECORD);
    ND_CHECK(doc_is(&x, 4, "u5", "five"));
    ND_CHECK(x.r[2].record == 3 && x.r[4].record == 5);
    ND_CHECK(x.e.n == 2 && strstr(x.e.msg[0], ": record 2 (offset ") &&
             strstr(x.e.msg[0], "): header line without ':' (header byte 10)"));
    ND_CHECK(strstr(x.e.msg[1], ": record 4 (offset ") &&
             strstr(x.e.msg[1], "): no WARC-Type field"));
    ND_CHECK(x.st.records == 3 && x.st.skipped == 0);
    free_run(&x);
    read_all(&x, P("bad.warc"), opts());
    ND_CHECK(x.n == 3 && x.st.records == 3 && x.st.skipped == 2 && x.e.n == 2);
    free_run(&x);
    /* forced WARC on something else: one error, nothing returned */
    wfile("notwarc.txt", "hello\nworld\n", 12);
    rd_opts o = opts();
    o.format = RD_WARC;
    read_all(&x, P("notwarc.txt"), o);
    ND_CHECK(x.n == 0 && x.st.records == 0 && x.st.skipped == 1);
    char want[600];
    snprintf(want, sizeof want, "%s: record 1 (offset 0): not a WARC record (expected a "
             "WARC/1.0 or WARC/1.1 line)", P("notwarc.txt"));
    ND_CHECK(msg_is(&x, 0, want));
    free_run(&x);
    free(b.p);
}

static void test_warc_max_record_and_truncated_flag(void)
{
    buf b = { 0 };
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    b_rec(&b, "conversion", "small", NULL, "text/plain", "tiny");
    const size_t off = b.n;
    b_rec(&b, "conversion", "big", NULL, "text/plain", big);
    b_str(&b, "WARC/1.1\r\nWARC-Type: conversion\r\nWARC-Target-URI: cut\r\n"
              "WARC-Truncated: length\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n");
    buf gz = { 0 };
    b_gzip(&gz, b.p, b.n);
    wfile("big.warc.gz", gz.p, gz.n);
    rd_opts o = stop_opts();
    o.max_record = 1000;
    run x;
    read_all(&x, P("big.warc.gz"), o);
    ND_CHECK(x.n == 3 && doc_is(&x, 0, "small", "tiny") && x.r[1].rc == RD_ERR_RECORD);
    ND_CHECK(doc_is(&x, 2, "cut", "abc"));
    char want[600];
    snprintf(want, sizeof want, "%s: record 2 (offset %zu): Content-Length 4999 over max_record "
             "(1000 bytes), skipped", P("big.warc.gz"), off);
    ND_CHECK(msg_is(&x, 0, want));
    ND_CHECK(x.st.truncated == 1 && x.st.skipped == 0 && x.st.records == 2);
    free_run(&x);
    free(gz.p);
    free(b.p);
}

/* Many records of mixed sizes, so headers and blocks straddle every buffer
 * boundary and the buffer is compacted and grown under them. Seeded. */
static unsigned long long g_seed = 1;

static uint64_t rnd(uint64_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 7;
    *st ^= *st << 17;
    return *st;
}

static void test_warc_many_records(void)
{
    uint64_t st = g_seed * 0x9E3779B97F4A7C15ull + 1;
    buf b = { 0 }, gz = { 0 };
    enum { N = 300 };
    static size_t lens[N];
    char *body = malloc(200001);
    if (!body)
        abort();
    for (int i = 0; i < N; i++) {
        const uint64_t k = rnd(&st);
        lens[i] = (size_t)(k % 4 == 0 ? k % 200000 : k % 3000);
        for (size_t j = 0; j < lens[i]; j++)
            body[j] = (char)('a' + (i + (int)j) % 26);
        body[lens[i]] = '\0';
        char uri[64];
        snprintf(uri, sizeof uri, "https://x.example/%d", i);
        const size_t start = b.n;
        b_rec(&b, "conversion", uri, "2024-01-01T00:00:00Z", "text/plain", body);
        b_gzip(&gz, b.p + start, b.n - start);
    }
    free(body);
    wfile("many.wet", b.p, b.n);
    wfile("many.wet.gz", gz.p, gz.n);
    const char *names[] = { "many.wet", "many.wet.gz" };
    for (int f = 0; f < 2; f++) {
        rd_opts o = opts();
        o.on_error = on_err;
        errs e = { 0 };
        o.ctx = &e;
        const char *in[] = { P(names[f]) };
        rd_reader *r = rd_open(in, 1, &o);
        ND_CHECK(r != NULL);
        if (!r)
            continue;
        int i = 0, bad = 0;
        rd_record rec;
        uint64_t off = 0;
        while (rd_next(r, &rec) == RD_OK) {
            char uri[64];
            snprintf(uri, sizeof uri, "https://x.example/%d", i);
            if (i >= N || strcmp(rec.id, uri) != 0 || rec.text_len != lens[i] ||
                (rec.text_len && rec.text[rec.text_len - 1] !=
                                     (char)('a' + (i + (int)lens[i] - 1) % 26)) ||
                rec.offset != off || !rec.date || strcmp(rec.date, "2024-01-01T00:00:00Z"))
                bad++;
            off += rec.raw_len;
            i++;
        }
        rd_stats s;
        rd_get_stats(r, &s);
        rd_close(r);
        ND_CHECK_MSG(i == N && bad == 0 && e.n == 0 && s.ignored == 0 && off == b.n,
                     "%s (seed %llu): %d records, %d bad, %d messages, %" PRIu64 " ignored",
                     names[f], g_seed, i, bad, e.n, s.ignored);
    }
    free(b.p);
    free(gz.p);
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, 1);
    printf("test_warc: seed %llu\n", g_seed);
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/test_warc.XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    ND_RUN(test_head_well_formed);
    ND_RUN(test_head_continuation_and_lf);
    ND_RUN(test_head_errors);
    ND_RUN(test_http_media_chunked);
    ND_RUN(test_html_text);
    ND_RUN(test_wet_plain);
    ND_RUN(test_wet_gzip_per_record);
    ND_RUN(test_warc_mixed_types);
    ND_RUN(test_warc_missing_uri);
    ND_RUN(test_warc_lf_only_and_trailer);
    ND_RUN(test_warc_truncated);
    ND_RUN(test_warc_bad_header_resync);
    ND_RUN(test_warc_max_record_and_truncated_flag);
    ND_RUN(test_warc_many_records);
    nftw(g_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return nd_test_end("test_warc");
}

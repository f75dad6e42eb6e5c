/*
 * test_reader.c - unit tests of the CLI's document reader (src/cli/read/reader.c).
 *
 * Every test builds its inputs under a fresh mkdtemp() directory, reads them
 * back through rd_open/rd_next and compares ids, texts, raw bytes, lines,
 * return codes, error messages and counters.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "nd_test.h"
#include "read/reader.h"

static char g_dir[256];

/* ---- helpers ---- */

/* Errors reported through on_error, kept for checking. */
typedef struct errs {
    int n;
    char msg[32][1024];
} errs;

static void on_err(void *ctx, const char *msg)
{
    errs *e = ctx;
    if (e->n < 32)
        snprintf(e->msg[e->n], sizeof e->msg[0], "%s", msg);
    e->n++;
}

/* A copy of one rd_next() result. */
typedef struct res {
    int rc;
    char id[256], path[512], rel[256], key[128];
    char *text, *raw;
    size_t text_len, raw_len, id_len, key_len;
    int has_key, key_is_num;
    double key_num;
    rd_kind kind;
    uint64_t line, file_no;
} res;

typedef struct run {
    int n;
    res r[64];
    errs e;
    rd_stats st;
} run;

static const char *P(const char *rel)
{
    static char bufs[8][512];
    static int k;
    char *b = bufs[k++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", g_dir, rel);
    return b;
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

static void wstr(const char *rel, const char *s)
{
    wfile(rel, s, strlen(s));
}

static void mkd(const char *rel)
{
    ND_CHECK(mkdir(P(rel), 0755) == 0);
}

static char *dupmem(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        abort();
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Reads everything (until RD_END, or `stop_at` results) into *out. */
static void read_all(run *out, const char *const *in, size_t n, rd_opts o, int stop_at)
{
    memset(out, 0, sizeof *out);
    o.on_error = on_err;
    o.ctx = &out->e;
    rd_reader *r = rd_open(in, n, &o);
    ND_CHECK(r != NULL);
    if (!r)
        return;
    const int limit = stop_at > 0 && stop_at < 64 ? stop_at : 64;
    for (;;) {
        rd_record rec;
        const int rc = rd_next(r, &rec);
        if (rc == RD_END || out->n == limit)
            break;
        res *x = &out->r[out->n++];
        x->rc = rc;
        if (rc != RD_OK)
            continue;
        ND_CHECK(rec.id && rec.id[rec.id_len] == '\0');
        ND_CHECK(rec.path && rec.rel);
        snprintf(x->id, sizeof x->id, "%s", rec.id);
        snprintf(x->path, sizeof x->path, "%s", rec.path);
        snprintf(x->rel, sizeof x->rel, "%s", rec.rel);
        x->id_len = rec.id_len;
        x->text = dupmem(rec.text, rec.text_len);
        x->text_len = rec.text_len;
        x->raw = dupmem(rec.raw, rec.raw_len);
        x->raw_len = rec.raw_len;
        x->kind = rec.kind;
        x->line = rec.line;
        x->file_no = rec.file_no;
        x->has_key = rec.key != NULL;
        if (rec.key) {
            snprintf(x->key, sizeof x->key, "%.*s", (int)rec.key_len, rec.key);
            x->key_len = rec.key_len;
        }
        x->key_is_num = rec.key_is_num;
        x->key_num = rec.key_num;
    }
    rd_get_stats(r, &out->st);
    rd_close(r);
}

static void free_run(run *x)
{
    for (int i = 0; i < x->n; i++) {
        free(x->r[i].text);
        free(x->r[i].raw);
    }
}

static rd_opts skip_opts(void)
{
    rd_opts o;
    memset(&o, 0, sizeof o);
    o.on_error_skip = 1;
    return o;
}

static int is_ok(const run *x, int i, const char *id, const char *text)
{
    if (i >= x->n) {
        fprintf(stderr, "  result %d missing (have %d)\n", i, x->n);
        return 0;
    }
    const res *y = &x->r[i];
    if (y->rc != RD_OK || strcmp(y->id, id) != 0 || strlen(text) != y->text_len ||
        memcmp(y->text, text, y->text_len) != 0) {
        fprintf(stderr, "  result %d: rc %d id '%s' text '%s'; want id '%s' text '%s'\n", i,
                y->rc, y->id, y->rc == RD_OK ? y->text : "", id, text);
        return 0;
    }
    return 1;
}

static int has_msg(const run *x, int i, const char *want)
{
    if (i >= x->e.n || i >= 32) {
        fprintf(stderr, "  message %d missing (have %d)\n", i, x->e.n);
        return 0;
    }
    if (strcmp(x->e.msg[i], want) != 0) {
        fprintf(stderr, "  message %d: '%s'\n            want '%s'\n", i, x->e.msg[i], want);
        return 0;
    }
    return 1;
}

/* Prefix match of message i. */
static int msg_starts(const run *x, int i, const char *want)
{
    if (i >= x->e.n || i >= 32) {
        fprintf(stderr, "  message %d missing (have %d)\n", i, x->e.n);
        return 0;
    }
    if (strncmp(x->e.msg[i], want, strlen(want)) != 0) {
        fprintf(stderr, "  message %d: '%s'\n     want prefix '%s'\n", i, x->e.msg[i], want);
        return 0;
    }
    return 1;
}

static void write_gz(const char *rel, const char *mode, const char *s)
{
    gzFile g = gzopen(P(rel), mode);
    ND_CHECK(g != NULL);
    if (!g)
        return;
    ND_CHECK(gzwrite(g, s, (unsigned)strlen(s)) == (int)strlen(s));
    ND_CHECK(gzclose(g) == Z_OK);
}

/* Compresses s as one zstd frame, appended to buf (capacity cap) at *len. */
static void zstd_frame(char *buf, size_t cap, size_t *len, const char *s)
{
    const size_t z = ZSTD_compress(buf + *len, cap - *len, s, strlen(s), 3);
    ND_CHECK(!ZSTD_isError(z));
    if (!ZSTD_isError(z))
        *len += z;
}

/* ---- tests ---- */

static void test_plain_files(void)
{
    mkd("plain");
    wstr("plain/a.txt", "hello world\nsecond line\n");
    wstr("plain/b.md", "# title\r\nbody");
    const char *in[] = { P("plain/a.txt"), P("plain/b.md") };
    run x;
    read_all(&x, in, 2, skip_opts(), 0);
    ND_CHECK(x.n == 2);
    ND_CHECK(is_ok(&x, 0, in[0], "hello world\nsecond line\n"));
    ND_CHECK(is_ok(&x, 1, in[1], "# title\r\nbody"));
    ND_CHECK(x.r[0].kind == RD_KIND_FILE && x.r[0].line == 0);
    ND_CHECK(strcmp(x.r[0].path, in[0]) == 0 && strcmp(x.r[0].rel, in[0]) == 0);
    ND_CHECK(x.r[1].raw_len == x.r[1].text_len &&
             memcmp(x.r[1].raw, x.r[1].text, x.r[1].raw_len) == 0);
    ND_CHECK(x.e.n == 0);
    ND_CHECK(x.st.records == 2 && x.st.skipped == 0 && x.st.failed_inputs == 0);
    ND_CHECK(x.st.bytes == strlen("hello world\nsecond line\n") + strlen("# title\r\nbody"));
    free_run(&x);
}

static void test_directory_order(void)
{
    mkd("tree");
    mkd("tree/a");
    mkd("tree/a/deep");
    mkd("tree/.hdir");
    wstr("tree/b.txt", "b");
    wstr("tree/a.txt", "a.txt");
    wstr("tree/B.txt", "upper B");
    wstr("tree/a/z.txt", "z");
    wstr("tree/a/y.txt", "y");
    wstr("tree/a/deep/x.txt", "x");
    wstr("tree/.hidden", "hidden");
    wstr("tree/.hdir/h.txt", "hidden too");
    wstr("outside.txt", "linked");
    ND_CHECK(symlink(P("outside.txt"), P("tree/c-link")) == 0);
    ND_CHECK(symlink(P("tree/a"), P("tree/d-dirlink")) == 0);

    const char *in[] = { P("tree") };
    run x;
    read_all(&x, in, 1, skip_opts(), 0);
    /* bytewise: "B.txt" < "a" < "a.txt" < "b.txt" < "c-link" < "d-dirlink" */
    static const char *const ids[] = { "B.txt", "a/deep/x.txt", "a/y.txt", "a/z.txt",
                                       "a.txt", "b.txt", "c-link" };
    static const char *const texts[] = { "upper B", "x", "y", "z", "a.txt", "b", "linked" };
    ND_CHECK_MSG(x.n == 7, "n = %d", x.n);
    for (int i = 0; i < 7 && i < x.n; i++) {
        ND_CHECK(is_ok(&x, i, ids[i], texts[i]));
        ND_CHECK(strcmp(x.r[i].rel, ids[i]) == 0);
        char want[512];
        snprintf(want, sizeof want, "%s/%s", in[0], ids[i]);
        ND_CHECK_MSG(strcmp(x.r[i].path, want) == 0, "%s", x.r[i].path);
    }
    /* the directory symlink is not followed: counted, named only when verbose */
    ND_CHECK(x.e.n == 0 && x.st.dir_links == 1);
    ND_CHECK(x.st.records == 7 && x.st.failed_inputs == 0);
    free_run(&x);
    rd_opts vo = skip_opts();
    vo.verbose = 1;
    read_all(&x, in, 1, vo, 0);
    ND_CHECK(x.n == 7 && x.e.n == 1 && strstr(x.e.msg[0], "d-dirlink") != NULL);
    free_run(&x);

    /* a trailing slash on the argument does not double the separator */
    char arg[512];
    snprintf(arg, sizeof arg, "%s/", P("tree/a/deep"));
    const char *in2[] = { arg };
    read_all(&x, in2, 1, skip_opts(), 0);
    ND_CHECK(x.n == 1 && is_ok(&x, 0, "x.txt", "x"));
    ND_CHECK(x.n == 1 && strcmp(x.r[0].path, P("tree/a/deep/x.txt")) == 0);
    free_run(&x);
}

static void test_jsonl_extra_fields(void)
{
    wstr("extra.jsonl",
         "{\"id\":\"d1\",\"text\":\"caf\\u00e9\\nline\",\"meta\":{\"a\":[1,2,{\"id\":9}]},"
         "\"n\":1.5}\n"
         "{\"url\":\"http://x\",\"text\":\"two\",\"id\":\"d2\",\"tags\":[\"x\",\"y\"]}\r\n");
    const char *in[] = { P("extra.jsonl") };
    run x;
    read_all(&x, in, 1, skip_opts(), 0);
    ND_CHECK(x.n == 2);
    ND_CHECK(is_ok(&x, 0, "d1", "caf\xc3\xa9\nline"));
    ND_CHECK(is_ok(&x, 1, "d2", "two"));
    ND_CHECK(x.r[0].kind == RD_KIND_JSONL && x.r[0].line == 1 && x.r[1].line == 2);
    ND_CHECK(x.r[0].raw_len > 0 && x.r[0].raw[0] == '{' && x.r[0].raw[x.r[0].raw_len - 1] == '}');
    /* raw is the line without "\n" only: the "\r" stays */
    ND_CHECK(x.r[1].raw_len > 0 && x.r[1].raw[x.r[1].raw_len - 1] == '\r');
    ND_CHECK(!x.r[0].has_key);
    ND_CHECK(x.e.n == 0);
    free_run(&x);

    /* custom field names; "\u0000" is allowed and kept in the text */
    wstr("fields.ndjson", "{\"doc\":\"k1\",\"body\":\"a\\u0000b\",\"text\":5}\n");
    rd_opts o = skip_opts();
    o.id_field = "doc";
    o.text_field = "body";
    const char *in2[] = { P("fields.ndjson") };
    read_all(&x, in2, 1, o, 0);
    ND_CHECK(x.n == 1 && x.r[0].rc == RD_OK && strcmp(x.r[0].id, "k1") == 0);
    ND_CHECK(x.n == 1 && x.r[0].text_len == 3 && memcmp(x.r[0].text, "a\0b", 3) == 0);
    free_run(&x);
}

static void test_numeric_ids(void)
{
    wstr("num.jsonl",
         "{\"id\":42,\"text\":\"a\"}\n"
         "{\"id\":-7,\"text\":\"b\"}\n"
         "{\"id\":1.5,\"text\":\"c\"}\n"
         "{\"id\":1e3,\"text\":\"d\"}\n"
         "{\"id\":12345678901234567890,\"text\":\"e\"}\n"
         "{\"id\": 0 ,\"text\":\"f\"}\n"
         "{\"x\":{\"id\":1},\"id\":3,\"text\":\"g\",\"id\":4}\n"
         "{\"\\u0069d\":77,\"text\":\"h\"}\n");
    const char *in[] = { P("num.jsonl") };
    run x;
    read_all(&x, in, 1, skip_opts(), 0);
    ND_CHECK_MSG(x.n == 8, "n = %d", x.n);
    ND_CHECK(is_ok(&x, 0, "42", "a"));
    ND_CHECK(is_ok(&x, 1, "-7", "b"));
    ND_CHECK(is_ok(&x, 2, "1.5", "c"));
    ND_CHECK(is_ok(&x, 3, "1e3", "d"));
    ND_CHECK(is_ok(&x, 4, "12345678901234567890", "e")); /* past int64: still exact */
    ND_CHECK(is_ok(&x, 5, "0", "f"));
    ND_CHECK(is_ok(&x, 6, "4", "g"));  /* last duplicate wins, nested "id" ignored */
    ND_CHECK(is_ok(&x, 7, "77", "h")); /* escaped key */
    ND_CHECK(x.e.n == 0);
    free_run(&x);
}

static void test_missing_id(void)
{
    wstr("noid.jsonl",
         "{\"text\":\"one\"}\n"
         "{\"id\":null,\"text\":\"two\"}\n"
         "{\"id\":\"x\",\"text\":\"three\"}\n");
    const char *in[] = { P("noid.jsonl") };
    run x;
    read_all(&x, in, 1, skip_opts(), 0);
    char want[600];
    ND_CHECK(x.n == 3);
    snprintf(want, sizeof want, "%s:1", in[0]);
    ND_CHECK(is_ok(&x, 0, want, "one"));
    ND_CHECK(x.r[0].id_len == strlen(want));
    snprintf(want, sizeof want, "%s:2", in[0]);
    ND_CHECK(is_ok(&x, 1, want, "two"));
    ND_CHECK(is_ok(&x, 2, "x", "three"));
    free_run(&x);

    /* inside a directory the fallback id uses the relative path */
    mkd("noid");
    mkd("noid/sub");
    wstr("noid/sub/f.jsonl", "\n{\"text\":\"t\"}\n");
    const char *in2[] = { P("noid") };
    read_all(&x, in2, 1, skip_opts(), 0);
    ND_CHECK(x.n == 1 && is_ok(&x, 0, "sub/f.jsonl:2", "t"));
    free_run(&x);
}

static void test_key_field(void)
{
    wstr("key.jsonl",
         "{\"id\":\"a\",\"text\":\"t\",\"q\":\"high\"}\n"
         "{\"id\":\"b\",\"text\":\"t\",\"q\":0.75}\n"
         "{\"id\":\"c\",\"text\":\"t\",\"q\":10}\n"
         "{\"id\":\"d\",\"text\":\"t\"}\n"
         "{\"id\":\"e\",\"text\":\"t\",\"q\":true}\n"
         "{\"id\":\"f\",\"text\":\"t\",\"q\":null}\n");
    rd_opts o = skip_opts();
    o.key_field = "q";
    const char *in[] = { P("key.jsonl") };
    run x;
    read_all(&x, in, 1, o, 0);
    ND_CHECK(x.n == 6);
    if (x.n == 6) {
        ND_CHECK(x.r[0].has_key && strcmp(x.r[0].key, "high") == 0 && !x.r[0].key_is_num);
        ND_CHECK(x.r[0].key_len == 4);
        ND_CHECK(x.r[1].has_key && strcmp(x.r[1].key, "0.75") == 0 && x.r[1].key_is_num);
        ND_CHECK(x.r[1].key_num == 0.75);
        ND_CHECK(x.r[2].has_key && strcmp(x.r[2].key, "10") == 0 && x.r[2].key_num == 10.0);
        ND_CHECK(x.r[2].key_is_num);
        ND_CHECK(!x.r[3].has_key && !x.r[3].key_is_num);
        ND_CHECK(!x.r[4].has_key && !x.r[5].has_key);
    }
    free_run(&x);
}

static void test_gzip(void)
{
    /* two gzip members, and a name that says nothing about the format */
    write_gz("gz.data", "wb", "{\"id\":\"g1\",\"text\":\"first\"}\n");
    write_gz("gz.data", "ab", "{\"id\":\"g2\",\"text\":\"second\"}\n");
    write_gz("doc.txt.gz", "wb", "plain compressed text");
    write_gz("lines.json.gz", "wb", "\n{\"id\":\"n\",\"text\":\"by name\"}");
    const char *in[] = { P("gz.data"), P("doc.txt.gz"), P("lines.json.gz") };
    run x;
    read_all(&x, in, 3, skip_opts(), 0);
    ND_CHECK_MSG(x.n == 4, "n = %d", x.n);
    ND_CHECK(is_ok(&x, 0, "g1", "first"));
    ND_CHECK(is_ok(&x, 1, "g2", "second"));
    ND_CHECK(x.n > 1 && x.r[1].line == 2);
    ND_CHECK(is_ok(&x, 2, in[1], "plain compressed text"));
    ND_CHECK(is_ok(&x, 3, "n", "by name"));
    ND_CHECK(x.e.n == 0);
    free_run(&x);
}

static void test_zstd(void)
{
    static char buf[4096];
    size_t len = 0;
    zstd_frame(buf, sizeof buf, &len, "{\"id\":\"z1\",\"text\":\"one\"}\n{\"id\":");
    zstd_frame(buf, sizeof buf, &len, "\"z2\",\"text\":\"two\"}\n");
    wfile("zs.bin", buf, len);
    len = 0;
    zstd_frame(buf, sizeof buf, &len, "line a\nline b\n");
    wfile("zlines", buf, len);
    /* a skippable frame first (as pzstd writes), then a data frame */
    memcpy(buf, "\x50\x2a\x4d\x18\x04\x00\x00\x00skip", 12);
    len = 12;
    zstd_frame(buf, sizeof buf, &len, "after skippable");
    wfile("zskip", buf, len);
    const char *in[] = { P("zs.bin"), P("zlines"), P("zskip") };
    run x;
    read_all(&x, in, 3, skip_opts(), 0);
    ND_CHECK(x.n == 4);
    ND_CHECK(is_ok(&x, 3, in[2], "after skippable"));
    ND_CHECK(is_ok(&x, 0, "z1", "one"));
    ND_CHECK(is_ok(&x, 1, "z2", "two")); /* a line spanning two frames */
    ND_CHECK(is_ok(&x, 2, in[1], "line a\nline b\n"));
    ND_CHECK(x.e.n == 0);
    free_run(&x);
}

static void test_corrupt_compressed(void)
{
    /* gzip cut short, gzip with a damaged block, zstd cut short */
    char big[20000];
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = (char)('a' + (i * 7 + i / 13) % 26);
    big[sizeof big - 1] = '\0';
    write_gz("full.gz", "wb", big);
    FILE *fp = fopen(P("full.gz"), "rb");
    static unsigned char gz[40000];
    const size_t n = fp ? fread(gz, 1, sizeof gz, fp) : 0;
    if (fp)
        fclose(fp);
    ND_CHECK(n > 100);
    wfile("cut.gz", gz, n / 2);
    gz[20] ^= 0xff;
    gz[21] ^= 0x55;
    wfile("bad.gz", gz, n);
    static char zs[4096];
    size_t zl = 0;
    zstd_frame(zs, sizeof zs, &zl, "{\"text\":\"a\"}\n{\"text\":\"b\"}\n");
    wfile("cut.zst", zs, zl - 3);
    wstr("ok.txt", "fine");

    const char *in[] = { P("cut.gz"), P("bad.gz"), P("cut.zst"), P("ok.txt") };
    run x;
    read_all(&x, in, 4, skip_opts(), 0);
    ND_CHECK_MSG(x.n == 4, "n = %d", x.n);
    ND_CHECK(x.n > 0 && x.r[0].rc == RD_ERR_IO);
    ND_CHECK(x.n > 1 && x.r[1].rc == RD_ERR_IO);
    ND_CHECK(x.n > 2 && x.r[2].rc == RD_ERR_IO);
    ND_CHECK(is_ok(&x, 3, in[3], "fine"));
    ND_CHECK(x.e.n == 3);
    char want[600];
    snprintf(want, sizeof want, "%s: truncated gzip", in[0]);
    ND_CHECK(msg_starts(&x, 0, want));
    snprintf(want, sizeof want, "%s: corrupt gzip data", in[1]);
    ND_CHECK(msg_starts(&x, 1, want));
    snprintf(want, sizeof want, "%s: truncated zstd", in[2]);
    ND_CHECK(msg_starts(&x, 2, want));
    ND_CHECK(x.st.failed_inputs == 3 && x.st.records == 1);
    free_run(&x);

    /* the stop policy also returns RD_ERR_IO and then goes on */
    rd_opts o = skip_opts();
    o.on_error_skip = 0;
    const char *in2[] = { P("bad.gz"), P("ok.txt") };
    read_all(&x, in2, 2, o, 0);
    ND_CHECK(x.n == 2 && x.r[0].rc == RD_ERR_IO && is_ok(&x, 1, in2[1], "fine"));
    free_run(&x);
}

/* Damaged compressed data: the compressed offset and, under skip, the
 * records used before it are in the message; rd_stats counts the input. */
static void test_damage_report(void)
{
    static char zs[4096];
    size_t zl = 0, zl2 = 0;
    zstd_frame(zs, sizeof zs, &zl,
               "{\"id\":\"a\",\"text\":\"a\"}\n{\"id\":\"b\",\"text\":\"b\"}\n");
    zstd_frame(zs + zl, sizeof zs - zl, &zl2, "{\"id\":\"c\",\"text\":\"c\"}\n");
    wfile("two.zst", zs, zl + 4); /* the second frame cut after 4 bytes */
    const char *in[] = { P("two.zst") };
    run x;
    read_all(&x, in, 1, skip_opts(), 0);
    ND_CHECK_MSG(x.n == 3, "n = %d", x.n);
    ND_CHECK(is_ok(&x, 0, "a", "a") && is_ok(&x, 1, "b", "b"));
    ND_CHECK(x.n > 2 && x.r[2].rc == RD_ERR_IO);
    char want[700];
    snprintf(want, sizeof want, "%s: truncated zstd data (unexpected end of file) at compressed "
             "byte %zu; 2 records of it used before the damage, the rest of it lost", in[0],
             zl + 4);
    ND_CHECK_MSG(has_msg(&x, 0, want), "got %s", x.e.msg[0]);
    ND_CHECK(x.st.damaged == 1 && x.st.damaged_records == 2 && x.st.failed_inputs == 1);
    ND_CHECK(strcmp(x.st.damaged_path, in[0]) == 0);
    free_run(&x);
}

/* Digests: a second reading checks every input's bytes against the first;
 * an edit in place of the same size, a file in another's place and a file
 * gone are caught (RD_ERR_CHANGED, sticky), an unchanged input is not. */
static void test_digests(void)
{
    wstr("d1.jsonl", "{\"id\":\"x\",\"text\":\"one\"}\n{\"id\":\"y\",\"text\":\"two\"}\n");
    wstr("d2.txt", "a whole file");
    const char *in[] = { P("d1.jsonl"), P("d2.txt") };
    rd_digests *d = rd_digests_new();
    ND_CHECK(d != NULL);
    if (!d)
        return;
    rd_opts o = skip_opts();
    o.digests = d;
    run x;
    read_all(&x, in, 2, o, 0);
    ND_CHECK(x.n == 3 && x.e.n == 0);
    free_run(&x);
    rd_digests_seal(d);
    read_all(&x, in, 2, o, 0); /* unchanged */
    ND_CHECK(x.n == 3 && x.e.n == 0 && *rd_digests_why(d) == '\0');
    free_run(&x);
    /* the same size, one byte edited in place */
    const int fd = open(P("d1.jsonl"), O_WRONLY);
    ND_CHECK(fd >= 0 && pwrite(fd, "O", 1, 18) == 1);
    if (fd >= 0)
        close(fd);
    read_all(&x, in, 2, o, 5);
    ND_CHECK_MSG(x.n == 5 && x.r[0].rc == RD_OK && x.r[1].rc == RD_OK &&
                 x.r[2].rc == RD_ERR_CHANGED && x.r[4].rc == RD_ERR_CHANGED, "n = %d", x.n);
    char want[700];
    snprintf(want, sizeof want, "%s: changed between two readings of the inputs (its bytes "
             "differ)", in[0]);
    ND_CHECK_MSG(x.e.n == 1 && has_msg(&x, 0, want), "got %s", x.e.msg[0]);
    ND_CHECK(strcmp(rd_digests_why(d), want) == 0);
    free_run(&x);
    /* a file gone: the first reading had two */
    const char *in1[] = { P("d2.txt") };
    read_all(&x, in1, 1, o, 3);
    ND_CHECK(x.n > 1 && x.r[0].rc == RD_OK && x.r[1].rc == RD_ERR_CHANGED);
    snprintf(want, sizeof want, "%s: changed between two readings of the inputs (%s in its "
             "place before)", in1[0], in[0]);
    ND_CHECK_MSG(has_msg(&x, 0, want), "got %s", x.e.msg[0]);
    free_run(&x);
    rd_digests_free(d);
}

static void test_lines_mode(void)
{
    wstr("l.txt", "alpha\r\n\nbeta\n  \ngamma");
    rd_opts o = skip_opts();
    o.format = RD_LINES;
    const char *in[] = { P("l.txt") };
    run x;
    read_all(&x, in, 1, o, 0);
    char id[600];
    ND_CHECK_MSG(x.n == 5, "n = %d", x.n);
    static const char *const want[] = { "alpha", "", "beta", "  ", "gamma" };
    for (int i = 0; i < 5 && i < x.n; i++) {
        snprintf(id, sizeof id, "%s:%d", in[0], i + 1);
        ND_CHECK(is_ok(&x, i, id, want[i]));
        ND_CHECK(x.r[i].kind == RD_KIND_LINE && x.r[i].line == (uint64_t)i + 1);
    }
    /* text drops the "\r", raw keeps it */
    ND_CHECK(x.n > 0 && x.r[0].raw_len == 6 && memcmp(x.r[0].raw, "alpha\r", 6) == 0);
    free_run(&x);

    /* a .jsonl file is still read as lines, and ids in a directory are relative */
    mkd("ldir");
    wstr("ldir/x.jsonl", "{\"id\":1,\"text\":\"j\"}\n");
    const char *in2[] = { P("ldir") };
    read_all(&x, in2, 1, o, 0);
    ND_CHECK(x.n == 1 && is_ok(&x, 0, "x.jsonl:1", "{\"id\":1,\"text\":\"j\"}"));
    free_run(&x);
}

static void test_blank_lines(void)
{
    wstr("blank.jsonl",
         "\n   \n{\"id\":\"a\",\"text\":\"A\"}\n\t\r\n\n{\"id\":\"b\",\"text\":\"B\"}\n\n");
    const char *in[] = { P("blank.jsonl") };
    run x;
    read_all(&x, in, 1, skip_opts(), 0);
    ND_CHECK(x.n == 2 && is_ok(&x, 0, "a", "A") && is_ok(&x, 1, "b", "B"));
    ND_CHECK(x.n == 2 && x.r[0].line == 3 && x.r[1].line == 6);
    ND_CHECK(x.e.n == 0 && x.st.skipped == 0);
    free_run(&x);

    /* auto mode: a ".txt" whose first non-blank byte is '{' is JSON Lines */
    wstr("looks.txt", "\n  {\"id\":\"c\",\"text\":\"C\"}\n");
    const char *in2[] = { P("looks.txt") };
    read_all(&x, in2, 1, skip_opts(), 0);
    ND_CHECK(x.n == 1 && is_ok(&x, 0, "c", "C") && x.r[0].kind == RD_KIND_JSONL);
    free_run(&x);
}

static void test_invalid_json_skip(void)
{
    wstr("bad.jsonl",
         "{\"id\":\"a\",\"text\":\"A\"}\n"
         "{\"id\":\"b\",\"text\":\n"
         "[1,2]\n"
         "{\"id\":\"c\",\"text\":\"C\"}\n");
    const char *in[] = { P("bad.jsonl") };
    run x;
    read_all(&x, in, 1, skip_opts(), 0);
    ND_CHECK(x.n == 2 && is_ok(&x, 0, "a", "A") && is_ok(&x, 1, "c", "C"));
    ND_CHECK(x.n == 2 && x.r[1].line == 4);
    char want[600];
    snprintf(want, sizeof want, "%s:2: invalid JSON: ", in[0]);
    ND_CHECK(msg_starts(&x, 0, want));
    snprintf(want, sizeof want, "%s:3: invalid JSON: ", in[0]);
    ND_CHECK(msg_starts(&x, 1, want));
    ND_CHECK(x.e.n == 2 && x.st.skipped == 2 && x.st.records == 2);
    free_run(&x);
}

static void test_invalid_json_stop(void)
{
    wstr("bad2.jsonl", "{\"id\":\"a\",\"text\":\"A\"}\nnot json\n{\"id\":\"c\",\"text\":\"C\"}\n");
    rd_opts o = skip_opts();
    o.on_error_skip = 0;
    const char *in[] = { P("bad2.jsonl") };
    run x;
    read_all(&x, in, 1, o, 0);
    ND_CHECK(x.n == 3);
    ND_CHECK(is_ok(&x, 0, "a", "A"));
    ND_CHECK(x.n > 1 && x.r[1].rc == RD_ERR_RECORD);
    ND_CHECK(is_ok(&x, 2, "c", "C")); /* calling again goes on */
    char want[600];
    snprintf(want, sizeof want, "%s:2: invalid JSON: ", in[0]);
    ND_CHECK(msg_starts(&x, 0, want));
    ND_CHECK(x.st.skipped == 0 && x.st.records == 2);
    free_run(&x);
}

static void test_missing_text(void)
{
    wstr("notext.jsonl",
         "{\"id\":\"a\",\"text\":\"A\"}\n"
         "{\"id\":\"b\"}\n"
         "{\"id\":\"c\",\"body\":\"C\"}\n"
         "{\"id\":\"d\",\"body\":[\"x\"]}\n");
    const char *in[] = { P("notext.jsonl") };
    run x;
    read_all(&x, in, 1, skip_opts(), 0);
    char want[600];
    ND_CHECK(x.n == 1 && is_ok(&x, 0, "a", "A"));
    snprintf(want, sizeof want, "%s:2: missing text field \"text\"", in[0]);
    ND_CHECK(has_msg(&x, 0, want));
    ND_CHECK(x.st.skipped == 3);
    free_run(&x);

    /* the configured name is used in the message */
    rd_opts o = skip_opts();
    o.text_field = "body";
    read_all(&x, in, 1, o, 0);
    ND_CHECK(x.n == 1 && is_ok(&x, 0, "c", "C"));
    snprintf(want, sizeof want, "%s:1: missing text field \"body\"", in[0]);
    ND_CHECK(has_msg(&x, 0, want));
    snprintf(want, sizeof want, "%s:4: missing text field \"body\"", in[0]);
    ND_CHECK(msg_starts(&x, 2, want));
    free_run(&x);
}

static void test_binary_file(void)
{
    static char bin[10000];
    memset(bin, 'x', sizeof bin);
    bin[1234] = '\0';
    wfile("img.bin", bin, sizeof bin);
    bin[1234] = 'x';
    bin[9000] = '\0'; /* past the first 8 KiB: still text */
    wfile("late.bin", bin, sizeof bin);
    const char *in[] = { P("img.bin"), P("late.bin") };
    run x;
    read_all(&x, in, 2, skip_opts(), 0);
    char want[600];
    ND_CHECK(x.n == 1 && x.r[0].rc == RD_OK && x.r[0].text_len == sizeof bin);
    snprintf(want, sizeof want, "%s: binary file (NUL byte at offset 1234), skipped", in[0]);
    ND_CHECK(has_msg(&x, 0, want));
    ND_CHECK(x.st.skipped == 1 && x.st.failed_inputs == 0);
    free_run(&x);

    /* stop policy: RD_ERR_RECORD, lines mode too, and gzip is looked inside */
    write_gz("bin.gz", "wb", "ab");
    gzFile g = gzopen(P("bin2.gz"), "wb");
    if (g) {
        gzwrite(g, "ab\0cd", 5);
        gzclose(g);
    }
    rd_opts o = skip_opts();
    o.on_error_skip = 0;
    o.format = RD_LINES;
    const char *in2[] = { P("img.bin"), P("bin2.gz"), P("bin.gz") };
    read_all(&x, in2, 3, o, 0);
    ND_CHECK(x.n == 3 && x.r[0].rc == RD_ERR_RECORD && x.r[1].rc == RD_ERR_RECORD);
    ND_CHECK(x.n == 3 && x.r[2].rc == RD_OK);
    snprintf(want, sizeof want, "%s: binary file (NUL byte at offset 2), skipped", in2[1]);
    ND_CHECK(has_msg(&x, 1, want));
    free_run(&x);
}

static void test_max_record(void)
{
    /* JSON Lines: a line over the cap is reported and skipped, line numbers stay right */
    size_t big = 300000;
    char *s = malloc(big + 200);
    ND_CHECK(s != NULL);
    if (!s)
        return;
    size_t k = (size_t)sprintf(s, "{\"id\":\"a\",\"text\":\"A\"}\n{\"id\":\"big\",\"text\":\"");
    memset(s + k, 'q', big);
    k += big;
    k += (size_t)sprintf(s + k, "\"}\n{\"id\":\"c\",\"text\":\"%s\"}\n", "C");
    wfile("big.jsonl", s, k);
    free(s);
    rd_opts o = skip_opts();
    o.max_record = 1000;
    const char *in[] = { P("big.jsonl") };
    run x;
    read_all(&x, in, 1, o, 0);
    ND_CHECK(x.n == 2 && is_ok(&x, 0, "a", "A") && is_ok(&x, 1, "c", "C"));
    ND_CHECK(x.n == 2 && x.r[1].line == 3);
    char want[600];
    snprintf(want, sizeof want, "%s:2: record longer than max_record (1000 bytes), skipped",
             in[0]);
    ND_CHECK(has_msg(&x, 0, want));
    ND_CHECK(x.e.n == 1 && x.st.skipped == 1);
    free_run(&x);

    /* stop policy on an over-long last line without newline */
    o.on_error_skip = 0;
    o.max_record = 10;
    o.format = RD_LINES;
    wstr("long.txt", "short\n0123456789\n01234567890123456789");
    const char *in2[] = { P("long.txt") };
    read_all(&x, in2, 1, o, 0);
    ND_CHECK(x.n == 3 && x.r[0].rc == RD_OK && x.r[1].rc == RD_OK);
    ND_CHECK(x.n == 3 && x.r[2].rc == RD_ERR_RECORD);
    snprintf(want, sizeof want, "%s:3: record longer", in2[0]);
    ND_CHECK(msg_starts(&x, 0, want));
    free_run(&x);

    /* a whole file over the cap: plain (measured) and compressed (read) */
    o.format = RD_TEXT;
    o.on_error_skip = 1;
    wstr("eleven.txt", "01234567890");
    wstr("ten.txt", "0123456789");
    write_gz("eleven.gz", "wb", "01234567890");
    write_gz("ten.gz", "wb", "0123456789");
    const char *in3[] = { P("eleven.txt"), P("ten.txt"), P("eleven.gz"), P("ten.gz") };
    read_all(&x, in3, 4, o, 0);
    ND_CHECK(x.n == 2 && is_ok(&x, 0, in3[1], "0123456789"));
    ND_CHECK(is_ok(&x, 1, in3[3], "0123456789"));
    snprintf(want, sizeof want, "%s: file larger than max_record (10 bytes), skipped", in3[0]);
    ND_CHECK(has_msg(&x, 0, want));
    snprintf(want, sizeof want, "%s: file larger than max_record (10 bytes), skipped", in3[2]);
    ND_CHECK(has_msg(&x, 1, want));
    ND_CHECK(x.st.skipped == 2);
    free_run(&x);
}

static void test_long_line(void)
{
    /* a 100 MB single line under the default cap */
    const size_t n = (size_t)100 << 20;
    char *s = malloc(n + 64);
    ND_CHECK(s != NULL);
    if (!s)
        return;
    size_t k = (size_t)sprintf(s, "{\"id\":\"L\",\"text\":\"");
    memset(s + k, 'w', n);
    k += n;
    k += (size_t)sprintf(s + k, "\"}");
    wfile("huge.jsonl", s, k);
    free(s);
    rd_opts o = skip_opts();
    const char *in[] = { P("huge.jsonl") };
    rd_reader *r = rd_open(in, 1, &o);
    ND_CHECK(r != NULL);
    if (!r)
        return;
    rd_record rec;
    ND_CHECK(rd_next(r, &rec) == RD_OK);
    ND_CHECK(rec.text_len == n && rec.raw_len == k && rec.text[0] == 'w' && rec.text[n - 1] == 'w');
    ND_CHECK(strcmp(rec.id, "L") == 0);
    ND_CHECK(rd_next(r, &rec) == RD_END);
    rd_close(r);

    /* the same line in lines mode, then a small file in the shrunk buffer */
    wstr("after-huge.txt", "small\n");
    const char *in2[] = { P("huge.jsonl"), P("after-huge.txt") };
    o.format = RD_LINES;
    r = rd_open(in2, 2, &o);
    ND_CHECK(r != NULL);
    if (!r)
        return;
    ND_CHECK(rd_next(r, &rec) == RD_OK && rec.text_len == k && rec.line == 1);
    ND_CHECK(rd_next(r, &rec) == RD_OK && rec.text_len == 5 && memcmp(rec.text, "small", 5) == 0);
    ND_CHECK(rd_next(r, &rec) == RD_END);
    rd_close(r);
    unlink(P("huge.jsonl"));
}

static void test_unreadable_path(void)
{
    wstr("good.txt", "good");
    ND_CHECK(symlink(P("nowhere"), P("dangling")) == 0);
    mkd("withdangling");
    ND_CHECK(symlink(P("nowhere"), P("withdangling/x")) == 0);
    wstr("withdangling/y", "y");
    const char *in[] = { P("does-not-exist"), P("dangling"), P("withdangling"), P("good.txt") };
    run x;
    read_all(&x, in, 4, skip_opts(), 0);
    ND_CHECK_MSG(x.n == 5, "n = %d", x.n);
    ND_CHECK(x.n == 5 && x.r[0].rc == RD_ERR_IO && x.r[1].rc == RD_ERR_IO);
    ND_CHECK(x.n == 5 && x.r[2].rc == RD_ERR_IO);
    ND_CHECK(is_ok(&x, 3, "y", "y"));
    ND_CHECK(is_ok(&x, 4, in[3], "good"));
    char want[600];
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", in[0]);
    ND_CHECK(has_msg(&x, 0, want));
    snprintf(want, sizeof want, "%s/x: cannot open: ", in[2]);
    ND_CHECK(msg_starts(&x, 2, want));
    ND_CHECK(x.st.failed_inputs == 3 && x.st.records == 2);
    free_run(&x);

    /* under the stop policy too: RD_ERR_IO, then the next input */
    rd_opts o = skip_opts();
    o.on_error_skip = 0;
    read_all(&x, in, 4, o, 0);
    ND_CHECK(x.n == 5 && x.r[0].rc == RD_ERR_IO && is_ok(&x, 4, in[3], "good"));
    free_run(&x);
}

static void test_read_error(void)
{
    /* standard input open on a directory: read() fails with EISDIR */
    mkd("asstdin");
    const int saved = dup(0);
    const int fd = open(P("asstdin"), O_RDONLY | O_DIRECTORY);
    ND_CHECK(saved >= 0 && fd >= 0);
    if (saved < 0 || fd < 0)
        return;
    ND_CHECK(dup2(fd, 0) == 0);
    close(fd);
    wstr("after.txt", "after");
    const char *in[] = { "-", P("after.txt") };
    run x;
    read_all(&x, in, 2, skip_opts(), 0);
    ND_CHECK(x.n == 2 && x.r[0].rc == RD_ERR_IO && is_ok(&x, 1, in[1], "after"));
    ND_CHECK(has_msg(&x, 0, "-: read error: Is a directory"));
    ND_CHECK(x.st.failed_inputs == 1 && x.st.records == 1);
    free_run(&x);
    ND_CHECK(dup2(saved, 0) == 0);
    close(saved);
}

static void test_special_files(void)
{
    /* a FIFO inside a directory is never opened (it would block): warning, skipped */
    mkd("special");
    ND_CHECK(mkfifo(P("special/fifo"), 0644) == 0);
    wstr("special/z.txt", "z");
    const char *in[] = { P("special") };
    run x;
    read_all(&x, in, 1, skip_opts(), 0);
    ND_CHECK(x.n == 1 && is_ok(&x, 0, "z.txt", "z"));
    char want[600];
    snprintf(want, sizeof want, "%s/fifo: warning: not a regular file, skipped", in[0]);
    ND_CHECK(has_msg(&x, 0, want));
    ND_CHECK(x.st.failed_inputs == 0 && x.st.skipped == 0);
    free_run(&x);
}

static void test_empty_file(void)
{
    wstr("empty.txt", "");
    wstr("empty.jsonl", "");
    wstr("spaces", "  \n ");
    const char *in[] = { P("empty.txt"), P("empty.jsonl"), P("spaces") };
    run x;
    read_all(&x, in, 3, skip_opts(), 0);
    ND_CHECK(x.n == 2);
    ND_CHECK(is_ok(&x, 0, in[0], ""));
    ND_CHECK(x.n > 0 && x.r[0].kind == RD_KIND_FILE && x.r[0].raw_len == 0);
    ND_CHECK(is_ok(&x, 1, in[2], "  \n "));
    ND_CHECK(x.e.n == 0 && x.st.records == 2 && x.st.bytes == 4);
    free_run(&x);

    /* lines mode: no lines; text mode: one empty document */
    rd_opts o = skip_opts();
    o.format = RD_LINES;
    read_all(&x, in, 1, o, 0);
    ND_CHECK(x.n == 0 && x.e.n == 0);
    free_run(&x);
    o.format = RD_TEXT;
    read_all(&x, in + 1, 1, o, 0);
    ND_CHECK(x.n == 1 && is_ok(&x, 0, in[1], ""));
    free_run(&x);
}

static void test_stdin(void)
{
    wstr("stdin.jsonl", "{\"text\":\"from stdin\"}\n");
    const int saved = dup(0);
    const int fd = open(P("stdin.jsonl"), O_RDONLY);
    ND_CHECK(saved >= 0 && fd >= 0);
    if (saved < 0 || fd < 0)
        return;
    ND_CHECK(dup2(fd, 0) == 0);
    close(fd);
    const char *in[] = { "-" };
    run x;
    read_all(&x, in, 1, skip_opts(), 0);
    ND_CHECK(x.n == 1 && is_ok(&x, 0, "-:1", "from stdin"));
    ND_CHECK(x.n == 1 && strcmp(x.r[0].path, "-") == 0);
    free_run(&x);
    ND_CHECK(dup2(saved, 0) == 0);
    close(saved);
}

/* rd_opts.want_file: processes that each take every third file of the walk
 * read, between them, every record once, numbered by file as one reader
 * numbers them; an unreadable file is reported by its reader only. */
typedef struct share {
    unsigned k, n;
} share;

static int want_share(void *ctx, uint64_t file_no, uint64_t size)
{
    const share *s = ctx;
    (void)size;
    return file_no % s->n == s->k;
}

static void test_want_file(void)
{
    mkd("wf");
    mkd("wf/sub");
    wstr("wf/a.txt", "alpha");
    wstr("wf/b.jsonl", "{\"id\":\"b1\",\"text\":\"one\"}\n{\"id\":\"b2\",\"text\":\"two\"}\n");
    wstr("wf/sub/c.txt", "gamma");
    wstr("wf/sub/d.txt", "delta");
    wstr("wf/e.txt", "epsilon");
    wstr("wf2.txt", "after");
    const char *in[] = {P("wf"), P("wf2.txt"), P("wf-missing.txt")};
    run all;
    read_all(&all, in, 3, skip_opts(), 0);
    ND_CHECK_MSG(all.n == 8 && all.e.n == 1, "n = %d, errors %d", all.n, all.e.n);
    int got = 0, errors = 0;
    for (unsigned k = 0; k < 3; k++) {
        share sh = {k, 3};
        rd_opts o = skip_opts();
        o.want_file = want_share;
        o.want_ctx = &sh;
        run x;
        read_all(&x, in, 3, o, 0);
        errors += x.e.n;
        for (int i = 0; i < x.n; i++) {
            if (x.r[i].rc != RD_OK)
                continue;
            ND_CHECK(x.r[i].file_no % 3 == k);
            /* the same record, under the same number, as the whole reading */
            int found = 0;
            for (int j = 0; j < all.n; j++)
                found |= all.r[j].rc == RD_OK && strcmp(all.r[j].id, x.r[i].id) == 0 &&
                         all.r[j].file_no == x.r[i].file_no &&
                         all.r[j].text_len == x.r[i].text_len;
            ND_CHECK_MSG(found, "%s", x.r[i].id);
            got++;
        }
        free_run(&x);
    }
    ND_CHECK_MSG(got == 7 && errors == 1, "got %d, errors %d", got, errors);
    free_run(&all);
    /* quiet_dirs: a link to a directory is another process's to count */
    ND_CHECK(symlink(P("wf/sub"), P("wf/zlink")) == 0);
    const char *in2[] = {P("wf")};
    rd_opts q = skip_opts();
    read_all(&all, in2, 1, q, 0);
    ND_CHECK(all.n == 6 && all.st.dir_links == 1);
    free_run(&all);
    q.quiet_dirs = 1;
    read_all(&all, in2, 1, q, 0);
    ND_CHECK(all.n == 6 && all.st.dir_links == 0);
    free_run(&all);
}

/* rd_opts.ranges: a file read as parts cut at line boundaries, each with the
 * count of the lines before it, gives the records, ids and line numbers of
 * the whole reading; an empty part gives nothing. */
static void test_ranges(void)
{
    const char *text = "{\"text\":\"l1\"}\n\n{\"text\":\"l3\"}\nWARC/1.0 not json\n"
                       "{\"text\":\"l5\"}\n{\"id\":\"x\",\"text\":\"l6\"}\n{\"text\":\"l7\"}";
    wstr("parts.jsonl", text);
    const char *one[] = {P("parts.jsonl")};
    run all;
    read_all(&all, one, 1, skip_opts(), 0);
    /* cuts after lines 2, 2 (an empty part), 3, 4 and 5; the part that starts
     * with "WARC/1.0" is JSON Lines like the rest of the file, not WARC */
    const char *c1 = strstr(text, "{\"text\":\"l3");
    const char *cw = strstr(text, "WARC/1.0");
    const char *c2 = strstr(text, "{\"text\":\"l5");
    const char *c3 = strstr(text, "{\"id\"");
    const uint64_t len = strlen(text);
    const rd_range rg[] = {{0, (uint64_t)(c1 - text), 0, 0, 0, 0},
                           {(uint64_t)(c1 - text), (uint64_t)(c1 - text), 2, 0, 0, 0},
                           {(uint64_t)(c1 - text), (uint64_t)(cw - text), 2, 0, 0, 0},
                           {(uint64_t)(cw - text), (uint64_t)(c2 - text), 3, 0, 0, 0},
                           {(uint64_t)(c2 - text), (uint64_t)(c3 - text), 4, 0, 0, 0},
                           {(uint64_t)(c3 - text), len, 5, 0, 0, 0}};
    const char *in[] = {one[0], one[0], one[0], one[0], one[0], one[0]};
    rd_opts o = skip_opts();
    o.ranges = rg;
    run x;
    read_all(&x, in, 6, o, 0);
    ND_CHECK_MSG(x.n == all.n && x.n == 5, "parts %d, whole %d", x.n, all.n);
    for (int i = 0; i < x.n && i < all.n; i++) {
        ND_CHECK(x.r[i].rc == all.r[i].rc);
        if (x.r[i].rc != RD_OK)
            continue;
        ND_CHECK_MSG(strcmp(x.r[i].id, all.r[i].id) == 0 && x.r[i].line == all.r[i].line,
                     "%s line %llu, whole: %s line %llu", x.r[i].id,
                     (unsigned long long)x.r[i].line, all.r[i].id,
                     (unsigned long long)all.r[i].line);
        ND_CHECK(x.r[i].raw_len == all.r[i].raw_len &&
                 memcmp(x.r[i].raw, all.r[i].raw, x.r[i].raw_len) == 0);
    }
    /* the bad line is named with its line in the file (a JSON error: not
     * taken for a WARC record) */
    ND_CHECK(x.e.n == 1 && strstr(x.e.msg[0], "parts.jsonl:4") != NULL &&
             strstr(x.e.msg[0], "JSON") != NULL);
    ND_CHECK(x.st.records == 5 && x.st.skipped == 1);
    free_run(&x);
    free_run(&all);
}

/* One WARC conversion record: with a target URI unless uri is NULL (then
 * neither it nor a record id: the id is FILE#N), header lines ending in sep. */
static size_t warc_rec(char *out, size_t cap, const char *uri, const char *body,
                       const char *sep)
{
    char u[128] = "";
    if (uri)
        snprintf(u, sizeof u, "WARC-Target-URI: %s%s", uri, sep);
    const int n = snprintf(out, cap, "WARC/1.0%sWARC-Type: conversion%s%sContent-Type: "
                           "text/plain%sContent-Length: %zu%s%s%s\r\n\r\n", sep, sep, u, sep,
                           strlen(body), sep, sep, body);
    ND_CHECK(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

/* Parts of a WARC file (rd_range.warc), plain and gzip, read as the whole
 * file reads: the same records and ids (FILE#N numbered across the parts)
 * and the same messages (a once-a-file warning given once); rd_warc_skim
 * says where a part may end: after whole records, not inside a block that
 * holds a "WARC/1.0" line nor inside a gzip member, and a corrupt member is
 * damage. */
static void test_warc_ranges(void)
{
    static const char *const uri[] = {"http://a/1", NULL, "http://a/3", NULL, "http://a/5"};
    static const char *const body[] = {
        "alpha one", "beta two",
        "gamma\nWARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 5\r\n\r\nhello\r\n\r\nthree",
        "delta four", "epsilon five"};
    char recs[5][512], all_text[2600] = "";
    size_t len[5], at[6] = {0};
    for (int i = 0; i < 5; i++) {
        len[i] = warc_rec(recs[i], sizeof recs[i], uri[i], body[i],
                          i == 1 || i == 3 ? "\n" : "\r\n");
        at[i + 1] = at[i] + len[i];
        strcat(all_text, recs[i]);
    }
    const uint64_t fake = at[2] + (uint64_t)(strstr(recs[2], "\nWARC/1.0") + 1 - recs[2]);
    wstr("w.warc", all_text);
    write_gz("w.warc.gz", "wb", recs[0]);
    uint64_t m[6] = {0};
    struct stat sb;
    for (int i = 1; i <= 5; i++) {
        ND_CHECK(stat(P("w.warc.gz"), &sb) == 0);
        m[i] = (uint64_t)sb.st_size;
        if (i < 5)
            write_gz("w.warc.gz", "ab", recs[i]);
    }
    for (int gz = 0; gz < 2; gz++) {
        const char *path = P(gz ? "w.warc.gz" : "w.warc");
        const uint64_t *cut = gz ? m : at;
        const char *one[] = {path};
        run whole;
        read_all(&whole, one, 1, skip_opts(), 0);
        ND_CHECK(whole.n == 5 && whole.e.n == 1 && strstr(whole.e.msg[0], "record 2 ") &&
                 strstr(whole.e.msg[0], "LF"));
        const size_t il = strlen(whole.r[1].id);
        ND_CHECK(il > 2 && strcmp(whole.r[1].id + il - 2, "#2") == 0 &&
                 strcmp(whole.r[3].id + strlen(whole.r[3].id) - 2, "#4") == 0);
        /* where a part may end */
        rd_skim sk;
        rd_range p = {.start = 0, .end = cut[2], .warc = 1};
        ND_CHECK(rd_warc_skim(path, &p, NULL, &sk) == 0);
        ND_CHECK_MSG(sk.clean && !sk.damaged && sk.records == 2 && sk.bytes == at[2] &&
                     sk.warned != 0, "clean %d damaged %d records %llu", sk.clean, sk.damaged,
                     (unsigned long long)sk.records);
        const unsigned warned = sk.warned;
        p = (rd_range){.start = cut[2], .end = cut[3], .warc = 1};
        ND_CHECK(rd_warc_skim(path, &p, NULL, &sk) == 0);
        ND_CHECK(sk.clean && sk.records == 1 && sk.bytes == len[2] && sk.warned == 0);
        /* inside a block (at its WARC/1.0 line), inside a gzip member */
        p = (rd_range){.start = cut[2], .end = gz ? cut[3] - 5 : fake, .warc = 1};
        ND_CHECK(rd_warc_skim(path, &p, NULL, &sk) == 0);
        ND_CHECK_MSG(!sk.clean && !sk.damaged, "clean %d damaged %d", sk.clean, sk.damaged);
        /* the parts read as the whole */
        const rd_range rg[] = {{.start = 0, .end = cut[2], .warc = 1},
                               {cut[2], cut[3], 2, at[2], warned, 1},
                               {cut[3], cut[3], 3, at[3], warned, 1},  /* empty */
                               {cut[3], cut[5], 3, at[3], warned, 1}};
        const char *in[] = {path, path, path, path};
        rd_opts o = skip_opts();
        o.ranges = rg;
        run x;
        read_all(&x, in, 4, o, 0);
        ND_CHECK_MSG(x.n == whole.n, "parts %d, whole %d", x.n, whole.n);
        for (int i = 0; i < x.n && i < whole.n; i++)
            ND_CHECK_MSG(x.r[i].rc == RD_OK && strcmp(x.r[i].id, whole.r[i].id) == 0 &&
                             x.r[i].raw_len == whole.r[i].raw_len &&
                             memcmp(x.r[i].raw, whole.r[i].raw, x.r[i].raw_len) == 0,
                         "record %d: %s, whole: %s", i, x.r[i].id, whole.r[i].id);
        ND_CHECK(x.e.n == 1 && strcmp(x.e.msg[0], whole.e.msg[0]) == 0);
        free_run(&x);
        free_run(&whole);
    }
    /* a corrupt member: damage, the reading of the file stops there */
    FILE *f = fopen(P("w.warc.gz"), "r+b");
    ND_CHECK(f != NULL);
    if (f) {
        ND_CHECK(fseek(f, (long)(m[1] + 12), SEEK_SET) == 0);
        ND_CHECK(fwrite("\xff\xff\xff\xff\xff\xff", 1, 6, f) == 6);
        ND_CHECK(fclose(f) == 0);
    }
    rd_skim sk;
    const rd_range p = {.start = 0, .end = m[3], .warc = 1};
    ND_CHECK(rd_warc_skim(P("w.warc.gz"), &p, NULL, &sk) == 0);
    ND_CHECK_MSG(!sk.clean && sk.damaged, "clean %d damaged %d", sk.clean, sk.damaged);
    /* bytes that are not gzip after a member end the reading of the file */
    write_gz("j.warc.gz", "wb", recs[0]);
    FILE *j = fopen(P("j.warc.gz"), "ab");
    ND_CHECK(j != NULL);
    if (j) {
        ND_CHECK(fwrite("\0\0junk", 1, 6, j) == 6);
        ND_CHECK(fclose(j) == 0);
    }
    write_gz("j.warc.gz", "ab", recs[1]);
    ND_CHECK(stat(P("j.warc.gz"), &sb) == 0);
    const rd_range pj = {.start = 0, .end = (uint64_t)sb.st_size, .warc = 1};
    ND_CHECK(rd_warc_skim(P("j.warc.gz"), &pj, NULL, &sk) == 0);
    ND_CHECK_MSG(!sk.clean && sk.damaged && sk.records == 1, "clean %d damaged %d", sk.clean,
                 sk.damaged);
}

static void test_deterministic(void)
{
    mkd("det");
    mkd("det/m");
    wstr("det/m/2.jsonl", "{\"id\":\"p\",\"text\":\"P\"}\n{\"id\":\"q\",\"text\":\"Q\"}\n");
    wstr("det/m/10.txt", "ten");
    wstr("det/1.txt", "one");
    write_gz("det/m/z.gz", "wb", "zipped");
    const char *in[] = { P("det"), P("det/1.txt") };
    run a, b;
    read_all(&a, in, 2, skip_opts(), 0);
    read_all(&b, in, 2, skip_opts(), 0);
    ND_CHECK(a.n == 6 && a.n == b.n);
    for (int i = 0; i < a.n && i < b.n; i++) {
        ND_CHECK(strcmp(a.r[i].id, b.r[i].id) == 0 && a.r[i].rc == b.r[i].rc);
        ND_CHECK(a.r[i].text_len == b.r[i].text_len &&
                 memcmp(a.r[i].text, b.r[i].text, a.r[i].text_len) == 0);
    }
    ND_CHECK(is_ok(&a, 0, "1.txt", "one"));
    ND_CHECK(is_ok(&a, 1, "m/10.txt", "ten"));
    ND_CHECK(is_ok(&a, 2, "p", "P"));
    ND_CHECK(is_ok(&a, 4, "m/z.gz", "zipped"));
    ND_CHECK(is_ok(&a, 5, in[1], "one"));
    free_run(&a);
    free_run(&b);
}

static void test_close_midstream(void)
{
    /* closing after one record of a compressed file must free everything */
    write_gz("mid.gz", "wb", "{\"text\":\"a\"}\n{\"text\":\"b\"}\n");
    mkd("middir");
    mkd("middir/s");
    wstr("middir/s/1", "one");
    wstr("middir/s/2", "two");
    wstr("middir/s/3", "three");
    const char *in[] = { P("mid.gz"), P("middir") };
    rd_opts o = skip_opts();
    o.key_field = "k";
    rd_reader *r = rd_open(in, 2, &o);
    ND_CHECK(r != NULL);
    if (!r)
        return;
    rd_record rec;
    ND_CHECK(rd_next(r, &rec) == RD_OK);
    rd_close(r);
    /* and in the middle of a directory walk */
    const char *in2[] = { P("middir") };
    r = rd_open(in2, 1, &o);
    ND_CHECK(r != NULL);
    if (!r)
        return;
    ND_CHECK(rd_next(r, &rec) == RD_OK && rd_next(r, &rec) == RD_OK);
    rd_close(r);
    /* no inputs at all */
    r = rd_open(NULL, 0, NULL);
    ND_CHECK(r != NULL && rd_next(r, &rec) == RD_END);
    rd_close(r);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/nd_reader.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    ND_RUN(test_plain_files);
    ND_RUN(test_directory_order);
    ND_RUN(test_jsonl_extra_fields);
    ND_RUN(test_numeric_ids);
    ND_RUN(test_missing_id);
    ND_RUN(test_key_field);
    ND_RUN(test_gzip);
    ND_RUN(test_zstd);
    ND_RUN(test_corrupt_compressed);
    ND_RUN(test_damage_report);
    ND_RUN(test_digests);
    ND_RUN(test_lines_mode);
    ND_RUN(test_blank_lines);
    ND_RUN(test_invalid_json_skip);
    ND_RUN(test_invalid_json_stop);
    ND_RUN(test_missing_text);
    ND_RUN(test_binary_file);
    ND_RUN(test_max_record);
    ND_RUN(test_long_line);
    ND_RUN(test_unreadable_path);
    ND_RUN(test_read_error);
    ND_RUN(test_special_files);
    ND_RUN(test_empty_file);
    ND_RUN(test_stdin);
    ND_RUN(test_want_file);
    ND_RUN(test_ranges);
    ND_RUN(test_warc_ranges);
    ND_RUN(test_deterministic);
    ND_RUN(test_close_midstream);
    nftw(g_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return nd_test_end("test_reader");
}

/*
 * test_story_model.c - nd_story's saved model: round trip, what it changes,
 * and every check of the loader (magic, version, checksum, order, states,
 * a declared length the file does not have); saving through a temporary file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "neardup.h"
#include "nd_test.h"

static const char *k_docs[] = {
    "Police raided the camp near Tirana on Tuesday and seized computers.",
    "The minister said the raid on the camp followed a court ruling.",
    "A storm closed the harbour and ferries stayed in port for two days.",
    "The council approved the budget for the new bridge on Monday.",
    "Farmers expect a late harvest after the cold and wet spring.",
    "The court ruling allowed the police to search the camp.",
};
#define NDOCS (sizeof k_docs / sizeof k_docs[0])

static nd_status text_fn(void *ctx, uint32_t doc, unsigned slot, const char **t, size_t *len)
{
    (void)ctx, (void)slot;
    *t = k_docs[doc];
    *len = strlen(k_docs[doc]);
    return ND_OK;
}

static nd_story *make(size_t n, const char *model, nd_status *load_st)
{
    nd_story *s = NULL;
    ND_CHECK(nd_story_create(&s, NULL, NULL, NULL) == ND_OK);
    for (size_t i = 0; i < n; i++)
        ND_CHECK(nd_story_add(s, NULL) == ND_OK);
    if (model) {
        *load_st = nd_story_model_load(s, model);
        if (*load_st != ND_OK)
            return s;
    }
    ND_CHECK(nd_story_vectors(s, text_fn, NULL) == ND_OK);
    return s;
}

static char g_path[256], g_bad[256];

static void write_bytes(const char *path, const unsigned char *b, size_t n)
{
    FILE *fp = fopen(path, "wb");
    ND_CHECK(fp && fwrite(b, 1, n, fp) == n);
    if (fp)
        fclose(fp);
}

static size_t read_bytes(const char *path, unsigned char **b)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    fseek(fp, 0, SEEK_END);
    const long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    *b = malloc((size_t)n);
    const size_t got = fread(*b, 1, (size_t)n, fp);
    fclose(fp);
    return got;
}

static void test_round_trip(void)
{
    nd_status ls;
    nd_story *a = make(NDOCS, NULL, &ls);
    ND_CHECK(nd_story_model_save(a, g_path) == ND_OK);
    /* a model learnt from all six, then the first two alone: same as all six
     * for the frequencies (6 + 2 documents counted, those two twice) */
    nd_story *b = make(2, g_path, &ls);
    ND_CHECK(ls == ND_OK);
    nd_story *c = make(2, NULL, &ls);
    double sb = 0, sc = 0;
    ND_CHECK(nd_story_similarity(b, 0, 1, &sb) == ND_OK);
    ND_CHECK(nd_story_similarity(c, 0, 1, &sc) == ND_OK);
    ND_CHECK_MSG(sb != sc, "the model changed nothing: %g", sb);
    ND_CHECK(sb > 0 && sb <= 1 && sc > 0 && sc <= 1);
    /* saving what was loaded plus learnt, then loading it again */
    ND_CHECK(nd_story_model_save(b, g_bad) == ND_OK);
    nd_story *d = make(1, g_bad, &ls);
    ND_CHECK(ls == ND_OK);
    nd_story_destroy(a);
    nd_story_destroy(b);
    nd_story_destroy(c);
    nd_story_destroy(d);
}

static void test_loader_checks(void)
{
    unsigned char *b = NULL;
    const size_t n = read_bytes(g_path, &b);
    ND_CHECK(n > 44);
    if (n <= 44) {
        free(b);
        return;
    }
    nd_status ls;
    nd_story *s;
    b[n / 2] ^= 1; /* a flipped bit: checksum */
    write_bytes(g_bad, b, n);
    s = make(1, g_bad, &ls);
    ND_CHECK(ls == ND_E_CORRUPT && strstr(nd_story_errdetail(s), "checksum"));
    nd_story_destroy(s);
    b[n / 2] ^= 1;
    write_bytes(g_bad, b, n - 3); /* truncated */
    s = make(1, g_bad, &ls);
    ND_CHECK(ls == ND_E_CORRUPT);
    nd_story_destroy(s);
    b[8] = 99; /* another format version */
    write_bytes(g_bad, b, n);
    s = make(1, g_bad, &ls);
    ND_CHECK(ls == ND_E_VERSION);
    nd_story_destroy(s);
    b[0] = 'X'; /* not a model */
    write_bytes(g_bad, b, n);
    s = make(1, g_bad, &ls);
    ND_CHECK(ls == ND_E_CORRUPT && strstr(nd_story_errdetail(s), "not a neardup"));
    nd_story_destroy(s);
    s = make(1, "/nonexistent/dir/model", &ls);
    ND_CHECK(ls == ND_E_IO);
    nd_story_destroy(s);
    free(b);
}

/* An allocator that refuses anything over g_alloc_limit bytes and records
 * the largest request. */
static size_t g_alloc_limit = SIZE_MAX, g_alloc_largest;

static void *capped_alloc(void *opaque, size_t size)
{
    (void)opaque;
    if (size > g_alloc_largest)
        g_alloc_largest = size;
    return size > g_alloc_limit ? NULL : malloc(size);
}

static void capped_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* A 36-byte model (header and checksum, no terms) declaring n terms: the
 * loader used to allocate for n before looking at the length (8.6 GB for the
 * largest n it accepted). Refused as corrupt, with no large allocation. */
static void test_huge_count(void)
{
    const uint64_t counts[] = {UINT32_MAX / 8, 1000000, 1};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        unsigned char b[36];
        memcpy(b, "NDSTORYM", 8);
        put_le(b + 8, 1, 4);
        put_le(b + 12, 10, 8);
        put_le(b + 20, counts[c], 8);
        memset(b + 28, 0, 8);
        write_bytes(g_bad, b, sizeof b);
        const nd_allocator al = {capped_alloc, capped_free, NULL};
        g_alloc_limit = (size_t)1 << 20;
        g_alloc_largest = 0;
        nd_story *s = NULL;
        ND_CHECK(nd_story_create(&s, NULL, NULL, &al) == ND_OK);
        const nd_status st = nd_story_model_load(s, g_bad);
        ND_CHECK_MSG(st == ND_E_CORRUPT, "%llu terms: %s (%s)", (unsigned long long)counts[c],
                     nd_strerror(st), nd_story_errdetail(s));
        ND_CHECK_MSG(strstr(nd_story_errdetail(s), "truncated") != NULL, "%s",
                     nd_story_errdetail(s));
        ND_CHECK_MSG(g_alloc_largest <= 65536, "largest allocation %zu", g_alloc_largest);
        nd_story_destroy(s);
        g_alloc_limit = SIZE_MAX;
    }
}

/* A model counting more than 2^48 documents is refused before its body is
 * read: adding a collection to such counts wrapped, and the saved model did
 * not load again (fuzz_story_model, corpus overflow_counts). */
static void test_huge_docs(void)
{
    unsigned char b[36];
    memcpy(b, "NDSTORYM", 8);
    put_le(b + 8, 1, 4);
    put_le(b + 12, UINT64_MAX - 3, 8);
    put_le(b + 20, 0, 8);
    memset(b + 28, 0, 8);
    write_bytes(g_bad, b, sizeof b);
    nd_status ls;
    nd_story *s = make(1, g_bad, &ls);
    ND_CHECK_MSG(ls == ND_E_CORRUPT && strstr(nd_story_errdetail(s), "over the limit"),
                 "%s (%s)", nd_strerror(ls), nd_story_errdetail(s));
    nd_story_destroy(s);
}

/* A model of no terms is loaded once too: a second load was accepted and
 * leaked the first one's tables. */
static void test_empty_model_twice(void)
{
    nd_story *s = NULL;
    ND_CHECK(nd_story_create(&s, NULL, NULL, NULL) == ND_OK);
    ND_CHECK(nd_story_vectors(s, text_fn, NULL) == ND_OK);
    ND_CHECK(nd_story_model_save(s, g_bad) == ND_OK);
    nd_story_destroy(s);
    s = NULL;
    ND_CHECK(nd_story_create(&s, NULL, NULL, NULL) == ND_OK);
    ND_CHECK(nd_story_model_load(s, g_bad) == ND_OK);
    ND_CHECK(nd_story_model_load(s, g_bad) == ND_E_STATE);
    nd_story_destroy(s);
}

/* A valid model with bytes after its checksum is refused (it was accepted). */
static void test_trailing_bytes(void)
{
    unsigned char *b = NULL;
    const size_t n = read_bytes(g_path, &b);
    ND_CHECK(n > 44);
    unsigned char *c = malloc(n + 5);
    if (!c || n <= 44) {
        free(b);
        free(c);
        return;
    }
    memcpy(c, b, n);
    nd_status ls;
    for (size_t extra = 1; extra <= 5; extra += 4) {
        memset(c + n, 'x', extra);
        write_bytes(g_bad, c, n + extra);
        nd_story *s = make(1, g_bad, &ls);
        ND_CHECK_MSG(ls == ND_E_CORRUPT && strstr(nd_story_errdetail(s), "trailing"),
                     "%zu extra: %s (%s)", extra, nd_strerror(ls), nd_story_errdetail(s));
        nd_story_destroy(s);
    }
    write_bytes(g_bad, c, n); /* the same bytes without them still load */
    nd_story *s = make(1, g_bad, &ls);
    ND_CHECK(ls == ND_OK);
    nd_story_destroy(s);
    free(b);
    free(c);
}

/* Saving: the mode a plain new file gets (0666 less the umask), no file
 * left beside the model, an existing file replaced, a symlink replaced (not
 * followed), and a failure that says why. */
static void test_save(void)
{
    nd_status ls;
    nd_story *a = make(NDOCS, NULL, &ls);
    char dir[256], path[300];
    snprintf(dir, sizeof dir, "/tmp/nd-story-save-%d", (int)getpid());
    snprintf(path, sizeof path, "%s/m.bin", dir);
    ND_CHECK(mkdir(dir, 0700) == 0);
    const mode_t old = umask(022);
    ND_CHECK(nd_story_model_save(a, path) == ND_OK);
    struct stat sb;
    ND_CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644);
    umask(077);
    ND_CHECK(nd_story_model_save(a, path) == ND_OK); /* replaces it: a new file, new mode */
    ND_CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    umask(old);
    unsigned char *x = NULL, *y = NULL;
    const size_t nx = read_bytes(path, &x), ny = read_bytes(g_path, &y);
    ND_CHECK(nx == ny && nx > 44 && memcmp(x, y, nx) == 0);
    free(x);
    free(y);
    /* a directory that cannot be written: ND_E_IO, the reason in the detail */
    char ro[300];
    snprintf(ro, sizeof ro, "%s/nodir/m.bin", dir);
    ND_CHECK(nd_story_model_save(a, ro) == ND_E_IO);
    ND_CHECK_MSG(strstr(nd_story_errdetail(a), strerror(ENOENT)) != NULL, "%s",
                 nd_story_errdetail(a));
    /* a full device is written in place and its error reported */
    if (access("/dev/full", W_OK) == 0) {
        ND_CHECK(nd_story_model_save(a, "/dev/full") == ND_E_IO);
        ND_CHECK_MSG(strstr(nd_story_errdetail(a), strerror(ENOSPC)) != NULL, "%s",
                     nd_story_errdetail(a));
    }
    /* a symlink at the path is replaced, its target left alone */
    char victim[300], link[300];
    snprintf(victim, sizeof victim, "%s/victim", dir);
    snprintf(link, sizeof link, "%s/link.bin", dir);
    write_bytes(victim, (const unsigned char *)"keep", 4);
    ND_CHECK(symlink(victim, link) == 0);
    ND_CHECK(nd_story_model_save(a, link) == ND_OK);
    ND_CHECK(lstat(link, &sb) == 0 && S_ISREG(sb.st_mode));
    unsigned char *v = NULL;
    ND_CHECK(read_bytes(victim, &v) == 4 && memcmp(v, "keep", 4) == 0);
    free(v);
    ND_CHECK(remove(link) == 0 && remove(victim) == 0);
    ND_CHECK(remove(path) == 0);
    ND_CHECK_MSG(rmdir(dir) == 0, "a temporary file was left in %s", dir); /* empty */
    nd_story_destroy(a);
}

static void test_states(void)
{
    nd_story *s = NULL;
    ND_CHECK(nd_story_create(&s, NULL, NULL, NULL) == ND_OK);
    ND_CHECK(nd_story_model_save(s, g_bad) == ND_E_STATE);
    ND_CHECK(nd_story_add(s, NULL) == ND_OK);
    ND_CHECK(nd_story_vectors(s, text_fn, NULL) == ND_OK);
    ND_CHECK(nd_story_model_load(s, g_path) == ND_E_STATE);
    nd_story_destroy(s);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    snprintf(g_path, sizeof g_path, "/tmp/nd-story-model-%d", (int)getpid());
    snprintf(g_bad, sizeof g_bad, "/tmp/nd-story-model-%d.bad", (int)getpid());
    ND_RUN(test_round_trip);
    ND_RUN(test_loader_checks);
    ND_RUN(test_huge_count);
    ND_RUN(test_trailing_bytes);
    ND_RUN(test_huge_docs);
    ND_RUN(test_empty_model_twice);
    ND_RUN(test_save);
    ND_RUN(test_states);
    remove(g_path);
    remove(g_bad);
    return nd_test_end("test_story_model");
}

/*
 * fuzz_story_model.c - libFuzzer target for the story model loader
 * (nd_story_model_load, the file --model reads and --save-model writes).
 *
 * Input: one flag byte, then the file. Random bytes rarely get past the magic
 * and the checksum, so the flag byte can make the file well framed first:
 *   bit 0: write "NDSTORYM" and version 1 over the first 12 bytes
 *   bit 1: write a term count matching the file's length at bytes 20-27
 *   bit 2: replace the last 8 bytes with the XXH3-64 of the rest (the checksum)
 *   bit 3: after a successful load, add three documents, build the vectors,
 *          cluster, save the model and load the saved file into a new handle
 * The file goes through a temporary file and nd_story_model_load(); the handle
 * allocates from a capped allocator (64 MiB in all), so a header announcing a
 * huge term count fails with ND_E_NOMEM instead of ending the fuzzer.
 *
 * Checks: the status is one of those documented; a failed load leaves a handle
 * that still works (vectors and clustering succeed); a second load is
 * ND_E_STATE (after a model of no terms too: the loader told "loaded" by its
 * term count and loaded again, leaking the first load); a saved model loads
 * again (a document count near 2^64 wrapped when the collection's was added:
 * corpus overflow_counts); the loader never asks for more than 64 times the
 * file's size plus 1 MiB (it trusted the header's term count: huge_count).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "neardup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)
#define CAP ((size_t)64 << 20)

typedef struct capped {
    size_t live, biggest;
} capped;

static void *cap_alloc(void *opaque, size_t n)
{
    capped *c = opaque;
    if (n > c->biggest)
        c->biggest = n;
    if (n > CAP - c->live)
        return NULL;
    size_t *p = malloc(n + sizeof(size_t) * 2); /* keep 16-byte alignment */
    if (!p)
        return NULL;
    p[0] = n;
    c->live += n;
    return p + 2;
}

static void cap_free(void *opaque, void *ptr)
{
    if (!ptr)
        return;
    capped *c = opaque;
    size_t *p = (size_t *)ptr - 2;
    c->live -= p[0];
    free(p);
}

static const char *const k_docs[] = {
    "The council approved the new harbour budget on Monday after a long debate.",
    "Harbour budget approved by the council; the mayor welcomed the vote.",
    "A storm closed the mountain roads and cut power to three villages.",
};

static nd_status get_text(void *ctx, uint32_t doc, unsigned slot, const char **t, size_t *len)
{
    (void)ctx;
    (void)slot;
    CHECK(doc < 3);
    *t = k_docs[doc];
    *len = strlen(k_docs[doc]);
    return ND_OK;
}

static nd_story *make(const nd_allocator *a)
{
    nd_story *s = NULL;
    const nd_status st = nd_story_create(&s, NULL, "english", a);
    CHECK(st == ND_OK && s);
    return s;
}

/* Adds the documents, builds the vectors and clusters: must all work. */
static void use(nd_story *s)
{
    for (int i = 0; i < 3; i++) {
        nd_story_doc d;
        memset(&d, 0, sizeof d);
        d.date = 20000 + i;
        d.has_date = 1;
        CHECK(nd_story_add(s, &d) == ND_OK);
    }
    CHECK(nd_story_vectors(s, get_text, NULL) == ND_OK);
    CHECK(nd_story_cluster(s) == ND_OK);
}

static char g_path[256], g_path2[300];

static void cleanup(void)
{
    unlink(g_path);
    unlink(g_path2);
}

static void put(const char *path, const uint8_t *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    CHECK(fp);
    CHECK(n == 0 || fwrite(p, 1, n, fp) == n);
    CHECK(fclose(fp) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(g_path, sizeof g_path, "%s/fuzz_story_model.XXXXXX", tmp ? tmp : "/tmp");
        const int fd = mkstemp(g_path);
        CHECK(fd >= 0);
        close(fd);
        snprintf(g_path2, sizeof g_path2, "%s.saved", g_path);
        atexit(cleanup);
    }
    if (size < 1)
        return 0;
    const unsigned flags = data[0];
    size_t n = size - 1;
    uint8_t *f = malloc(n ? n : 1);
    CHECK(f);
    memcpy(f, data + 1, n);
    if ((flags & 1) && n >= 12) {
        memcpy(f, "NDSTORYM", 8);
        f[8] = 1;
        f[9] = f[10] = f[11] = 0;
    }
    if ((flags & 2) && n >= 36) {
        const uint64_t terms = (n - 36) / 8;
        for (int i = 0; i < 8; i++)
            f[20 + i] = (uint8_t)(terms >> (8 * i));
    }
    if ((flags & 4) && n >= 8) {
        const uint64_t h = XXH3_64bits(f, n - 8);
        for (int i = 0; i < 8; i++)
            f[n - 8 + i] = (uint8_t)(h >> (8 * i));
    }
    put(g_path, f, n);

    capped c = {0, 0};
    const nd_allocator a = {cap_alloc, cap_free, &c};
    nd_story *s = make(&a);
    const nd_status st = nd_story_model_load(s, g_path);
    CHECK(st == ND_OK || st == ND_E_NOMEM || st == ND_E_IO || st == ND_E_CORRUPT ||
          st == ND_E_VERSION);
    CHECK(st == ND_OK || nd_story_errdetail(s)[0] || st == ND_E_NOMEM);
    CHECK(c.biggest <= 64 * n + ((size_t)1 << 20));
    if (st == ND_OK) /* a second load is refused */
        CHECK(nd_story_model_load(s, g_path) == ND_E_STATE);
    if (st != ND_OK || (flags & 8)) {
        use(s);
        if (st == ND_OK) {
            CHECK(nd_story_model_save(s, g_path2) == ND_OK);
            nd_story *t = make(&a);
            CHECK(nd_story_model_load(t, g_path2) == ND_OK);
            use(t);
            nd_story_destroy(t);
        }
    }
    nd_story_destroy(s);
    CHECK(c.live == 0);
    free(f);
    return 0;
}

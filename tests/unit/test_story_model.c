/*
 * test_story_model.c - nd_story's saved model: round trip, what it changes,
 * and every check of the loader (magic, version, checksum, order, states).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    ND_RUN(test_states);
    remove(g_path);
    remove(g_bad);
    return nd_test_end("test_story_model");
}

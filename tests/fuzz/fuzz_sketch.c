/*
 * fuzz_sketch.c - libFuzzer target for the text normaliser and sketcher: any
 * bytes must tokenise without crashing, every token's byte range must lie
 * inside the input and be ordered, and the first two bytes pick parameters
 * (n-gram size, scheme) so that the parameter paths are covered too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "neardup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nd_params *p;
    if (nd_params_create(&p, NULL) != ND_OK)
        return 0;
    if (size >= 2) {
        if (nd_params_set(p, ND_P_NGRAM, 1 + data[0] % 8) != ND_OK ||
            nd_params_set(p, ND_P_SCHEME, data[1] & 1) != ND_OK ||
            nd_params_set(p, ND_P_NUM_PERM, 16 + 8 * (data[1] >> 4)) != ND_OK)
            abort();
        data += 2;
        size -= 2;
    }
    nd_worker *w;
    if (nd_worker_create(&w, p, NULL) != ND_OK) {
        nd_params_destroy(p);
        return 0;
    }
    const nd_token *t;
    size_t n;
    const char *norm;
    if (nd_worker_tokenize(w, (const char *)data, size, &t, &n, &norm) == ND_OK) {
        uint32_t last = 0;
        for (size_t i = 0; i < n; i++) {
            if (t[i].start < last || t[i].end <= t[i].start || t[i].end > size ||
                t[i].norm_len == 0)
                abort();
            last = t[i].end;
        }
    }
    nd_sketch sk;
    if (nd_worker_sketch(w, (const char *)data, size, &sk) == ND_OK) {
        if ((sk.num_tokens > 0) != (sk.num_shingles > 0))
            abort();
        for (size_t i = 1; i < sk.num_shingles; i++)
            if (sk.shingles[i - 1] >= sk.shingles[i])
                abort();
    }
    nd_worker_destroy(w);
    nd_params_destroy(p);
    return 0;
}

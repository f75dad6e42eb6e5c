/*
 * fuzz_sketch.c - libFuzzer target for the text normaliser and sketcher: any
 * bytes must tokenise without crashing, every token's byte range must lie
 * inside the input and be ordered, and the first two bytes pick parameters
 * (n-gram size, scheme) so that the parameter paths are covered too. The
 * tokeniser's fast paths (8-byte ASCII scans, inline ASCII tokens) must give
 * exactly what its byte-at-a-time reference path gives (force_slow), and the
 * normalised text alone (nd_text_normalize, both kernels) what it writes. The
 * template diff of the input's two halves names ranges inside each, and a
 * text against itself has nothing differing, and is one template exactly
 * when its sketch has a template hash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nd_internal.h"

/* Fast and reference tokenisations of the same bytes agree token by token. An empty
 * normalised text may have no buffer at all (data NULL): memcmp must not see it. */
static void check_paths(const char *text, size_t size)
{
    nd_alloc_ctx a;
    nd_alloc_init(&a, NULL);
    nd_text_buf x, y;
    nd_text_buf_init(&x);
    nd_text_buf_init(&y);
    const nd_status sx = nd_text_tokenize(&x, &a, text, size, 0);
    const nd_status sy = nd_text_tokenize(&y, &a, text, size, 1);
    if (sx != sy)
        abort();
    if (sx == ND_OK) {
        if (x.tokens.len != y.tokens.len || x.norm.len != y.norm.len ||
            x.invalid_bytes != y.invalid_bytes ||
            (x.norm.len > 0 && memcmp(x.norm.data, y.norm.data, x.norm.len) != 0))
            abort();
        for (size_t i = 0; i < x.tokens.len; i++) {
            const nd_token *p = &ND_VEC_AT(&x.tokens, nd_token, i);
            const nd_token *q = &ND_VEC_AT(&y.tokens, nd_token, i);
            if (p->start != q->start || p->end != q->end || p->norm_off != q->norm_off ||
                p->norm_len != q->norm_len || p->hash != q->hash)
                abort();
        }
    }
    /* The normalised text alone (dedup --exact): the vector kernel and the
     * byte loop write what the tokeniser writes, and count its tokens. */
    for (int scalar = 0; scalar < 2 && sx == ND_OK; scalar++) {
        size_t nt = 0;
        if (nd_text_normalize(&y, &a, text, size, scalar, &nt) != ND_OK ||
            nt != x.tokens.len || y.norm.len != x.norm.len ||
            y.invalid_bytes != x.invalid_bytes ||
            (x.norm.len > 0 && memcmp(x.norm.data, y.norm.data, x.norm.len) != 0))
            abort();
    }
    nd_text_buf_free(&x, &a);
    nd_text_buf_free(&y, &a);
}

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
    check_paths((const char *)data, size);
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
    uint64_t sk_tmpl = 0;
    if (nd_worker_sketch(w, (const char *)data, size, &sk) == ND_OK) {
        sk_tmpl = sk.template_hash;
        if ((sk.num_tokens > 0) != (sk.num_shingles > 0))
            abort();
        for (size_t i = 1; i < sk.num_shingles; i++)
            if (sk.shingles[i - 1] >= sk.shingles[i])
                abort();
    }
    nd_template_diff td;
    const char *x = (const char *)data, *y = x + size / 2;
    const size_t nx = size / 2, ny = size - size / 2;
    if (nd_worker_template_diff(w, x, nx, y, ny, &td) == ND_OK && td.differ &&
        (!td.same_template || td.a_start >= td.a_end || td.a_end > nx ||
         td.b_start >= td.b_end || td.b_end > ny))
        abort();
    if (nd_worker_template_diff(w, x, size, x, size, &td) == ND_OK &&
        (td.differ || (td.same_template != (sk_tmpl != 0))))
        abort();
    nd_worker_destroy(w);
    nd_params_destroy(p);
    return 0;
}

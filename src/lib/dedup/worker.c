/*
 * worker.c - per-thread sketching: tokens -> shingles -> exact hash + MinHash
 * (or SimHash).
 *
 * DESIGN: a worker owns every buffer a sketch needs and reuses them from one
 * document to the next, so steady-state sketching allocates nothing. Results
 * are borrowed from the worker until its next call (see neardup.h).
 *
 * Under ND_METHOD_SIMHASH the worker computes the 64-bit fingerprint of the
 * shingle set (weight 1 a distinct shingle: simhash.c DESIGN) and no MinHash:
 * no permutations are made, the signature is num_perm zeros (so that callers
 * copying num_perm values keep working) and there are no band keys. Under
 * ND_METHOD_MINHASH, SimHash costs nothing and the fingerprint is 0.
 *
 * Unless ND_P_TEMPLATES is off, the sketch also carries the template and
 * values hashes of the text (text/mask.c): one more pass over the tokens.
 *
 * Under ND_P_EXACT_ONLY the sketch is the exact hash and the token count:
 * no shingles, signature, band keys or template hashes.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "nd_internal.h"

nd_status nd_worker_init(nd_worker *w, const nd_params *params, const nd_allocator *alloc)
{
    memset(w, 0, sizeof *w);
    nd_alloc_init(&w->alloc, alloc);
    nd_params_defaults(&w->params);
    if (params)
        nd_params_copy_values(&w->params, params);
    nd_text_buf_init(&w->text);
    nd_vec_init(&w->shingles, sizeof(uint64_t), UINT32_MAX);
    nd_vec_init(&w->set32, sizeof(uint32_t), UINT32_MAX);
    nd_vec_init(&w->sig, sizeof(uint32_t), 1024);
    nd_vec_init(&w->band_keys, sizeof(uint64_t), 1024);
    nd_mask_buf_init(&w->mask);
    nd_vec_init(&w->items, sizeof(nd_mask_item), UINT32_MAX);
    nd_vec_init(&w->items_b, sizeof(nd_mask_item), UINT32_MAX);
    const int simhash = w->params.method == ND_METHOD_SIMHASH;
    /* Exact copies only: no permutations, no layout (an all-zero signature). */
    const int minhash = !simhash && !w->params.exact_only;
    nd_status st = !minhash ? ND_OK
                           : nd_perms_init(&w->perms, &w->alloc, w->params.num_perm,
                                           w->params.scheme, w->params.seed);
    if (st == ND_OK)
        st = nd_vec_reserve(&w->sig, &w->alloc, w->params.num_perm);
    if (st == ND_OK && !minhash)
        memset(w->sig.data, 0, w->params.num_perm * sizeof(uint32_t));
    /* An inconsistent layout is reported by nd_dedup_create; a worker made
     * alone with one simply gives no band keys. */
    if (st == ND_OK && minhash &&
        nd_params_lsh(&w->params, &w->bands, &w->rows, NULL, NULL) == ND_OK && w->bands)
        st = nd_vec_reserve(&w->band_keys, &w->alloc, w->bands);
    else
        w->bands = 0;
    if (st != ND_OK)
        nd_worker_fini(w);
    return st;
}

void nd_worker_fini(nd_worker *w)
{
    nd_text_buf_free(&w->text, &w->alloc);
    nd_vec_free(&w->shingles, &w->alloc);
    nd_vec_free(&w->set32, &w->alloc);
    nd_vec_free(&w->sig, &w->alloc);
    nd_vec_free(&w->band_keys, &w->alloc);
    nd_mask_buf_free(&w->mask, &w->alloc);
    nd_vec_free(&w->items, &w->alloc);
    nd_vec_free(&w->items_b, &w->alloc);
    nd_perms_free(&w->perms, &w->alloc);
}

nd_status nd_worker_create(nd_worker **out, const nd_params *params, const nd_allocator *alloc)
{
    nd_alloc_ctx a;
    nd_alloc_init(&a, alloc);
    nd_worker *w = nd_malloc(&a, sizeof *w);
    *out = NULL;
    if (!w)
        return ND_E_NOMEM;
    const nd_status st = nd_worker_init(w, params, alloc);
    if (st != ND_OK) {
        nd_free(&a, w);
        return st;
    }
    *out = w;
    return ND_OK;
}

void nd_worker_destroy(nd_worker *w)
{
    if (!w)
        return;
    const nd_alloc_ctx a = w->alloc;
    nd_worker_fini(w);
    nd_free(&a, w);
}

const char *nd_worker_errdetail(const nd_worker *w)
{
    return w ? w->detail : "";
}

nd_status nd_worker_tokenize(nd_worker *w, const char *text, size_t len,
                             const nd_token **tokens, size_t *num_tokens, const char **norm)
{
    w->detail[0] = '\0';
    if (len > w->params.max_doc || len >= UINT32_MAX) {
        nd_detail_set(w->detail, "document of %zu bytes is over the limit of %llu", len,
                      (unsigned long long)w->params.max_doc);
        return ND_E_LIMIT;
    }
    const nd_status st = nd_text_tokenize(&w->text, &w->alloc, text, len, 0);
    if (st != ND_OK) {
        nd_detail_set(w->detail, "tokenising a document of %zu bytes: %s", len,
                      nd_strerror(st));
        return st;
    }
    *tokens = (const nd_token *)w->text.tokens.data;
    *num_tokens = w->text.tokens.len;
    if (norm)
        *norm = (const char *)w->text.norm.data;
    return ND_OK;
}

/* ND_P_EXACT_ONLY: the exact hash of the normalised text and the token count. */
static nd_status exact_sketch(nd_worker *w, const char *text, size_t len, nd_sketch *out)
{
    w->detail[0] = '\0';
    if (len > w->params.max_doc || len >= UINT32_MAX) {
        nd_detail_set(w->detail, "document of %zu bytes is over the limit of %llu", len,
                      (unsigned long long)w->params.max_doc);
        return ND_E_LIMIT;
    }
    size_t nt;
    const nd_status st = nd_text_normalize(&w->text, &w->alloc, text, len, 0, &nt);
    if (st != ND_OK) {
        nd_detail_set(w->detail, "normalising a document of %zu bytes: %s", len,
                      nd_strerror(st));
        return st;
    }
    const XXH128_hash_t ex = XXH3_128bits(w->text.norm.data, w->text.norm.len);
    out->exact_lo = ex.low64;
    out->exact_hi = ex.high64;
    out->num_tokens = nt;
    out->invalid_bytes = w->text.invalid_bytes;
    return ND_OK;
}

nd_status nd_worker_sketch(nd_worker *w, const char *text, size_t len, nd_sketch *out)
{
    const nd_token *tok;
    size_t nt;
    nd_status st;
    const char *norm;
    memset(out, 0, sizeof *out);
    if (w->params.exact_only)
        return exact_sketch(w, text, len, out);
    ND_TRY(nd_worker_tokenize(w, text, len, &tok, &nt, &norm));
    out->num_tokens = nt;
    out->invalid_bytes = w->text.invalid_bytes;
    const XXH128_hash_t ex = XXH3_128bits(norm, w->text.norm.len);
    out->exact_lo = ex.low64;
    out->exact_hi = ex.high64;
    if (nt == 0)
        return ND_OK;
    if (w->params.templates != ND_TEMPLATES_OFF) {
        const uint8_t *val;
        ND_TRY(nd_mask_values(&w->mask, &w->alloc, text, len, tok, nt, norm, &val));
        ND_TRY(nd_template_hash(&w->mask, &w->alloc, text, len, tok, nt, val,
                                &out->template_hash, &out->template_values));
    }

    /* Shingles: n consecutive token hashes; fewer tokens than n give one
     * shingle of all of them, so no document with a token has an empty set. */
    const size_t n = w->params.ngram;
    ND_TRY(nd_vec_reserve(&w->shingles, &w->alloc, 2 * (nt < n ? 1 : nt - n + 1)));
    uint64_t *sh = w->shingles.data;
    const size_t ns = nd_shingle_hashes(tok, nt, n, sh);
    const size_t nu = nd_hashes_sort_unique(sh, sh + ns, ns);
    w->shingles.len = nu;
    uint32_t *sig = w->sig.data;
    out->signature = sig;
    out->shingles = sh;
    out->num_shingles = nu;
    /* the set a deduplicator keeps, made here on the thread rather than by
     * the one thread that adds sketches */
    ND_TRY(nd_vec_reserve(&w->set32, &w->alloc, nu));
    out->set32 = w->set32.data;
    out->set32_len = nd_shingles_set32(sh, nu, w->set32.data);
    if (w->params.method == ND_METHOD_SIMHASH) {
        out->simhash = nd_simhash(sh, NULL, nu);
        return ND_OK;
    }
    nd_minhash(&w->perms, sh, nu, sig);
    if (w->bands) {
        uint64_t *bk = w->band_keys.data;
        for (unsigned b = 0; b < w->bands; b++)
            bk[b] = nd_band_key(sig, b, w->rows);
        out->band_keys = bk;
        out->num_bands = w->bands;
        out->band_rows = w->rows;
    }
    return ND_OK;
fail:
    if (!w->detail[0])
        nd_detail_set(w->detail, "sketching a document of %zu bytes: %s", len, nd_strerror(st));
    return st;
}

/* The template items of text into items. */
static nd_status items_of(nd_worker *w, const char *text, size_t len, nd_vec *items,
                          size_t *words)
{
    const nd_token *tok;
    size_t nt;
    const char *norm;
    const uint8_t *val;
    nd_status st;
    ND_TRY(nd_worker_tokenize(w, text, len, &tok, &nt, &norm));
    ND_TRY(nd_mask_values(&w->mask, &w->alloc, text, len, tok, nt, norm, &val));
    ND_TRY(nd_mask_items(&w->alloc, tok, nt, val, nd_header_block_end(text, len), items,
                         words));
fail:
    return st;
}

nd_status nd_worker_template_diff(nd_worker *w, const char *a, size_t la, const char *b,
                                  size_t lb, nd_template_diff *out)
{
    nd_status st;
    size_t wa, wb;
    memset(out, 0, sizeof *out);
    ND_TRY(items_of(w, a, la, &w->items, &wa));
    ND_TRY(items_of(w, b, lb, &w->items_b, &wb));
    const nd_mask_item *x = w->items.data, *y = w->items_b.data;
    const size_t n = w->items.len;
    if (n != w->items_b.len || wa < ND_TEMPLATE_MIN_WORDS || wb < ND_TEMPLATE_MIN_WORDS)
        return ND_OK;  /* no template, as nd_worker_sketch says */
    for (size_t i = 0; i < n; i++)
        if (!x[i].is_value != !y[i].is_value || (!x[i].is_value && x[i].hash != y[i].hash))
            return ND_OK;
    out->same_template = 1;
    /* values of a header block (is_value 2 in either) are transport, not
     * the report: not counted */
    for (size_t i = 0; i < n; i++) {
        if (!x[i].is_value || x[i].is_value == 2 || y[i].is_value == 2 ||
            x[i].hash == y[i].hash)
            continue;
        if (out->differ++ == 0) {
            out->a_start = x[i].start;
            out->a_end = x[i].end;
            out->b_start = y[i].start;
            out->b_end = y[i].end;
        }
    }
    return ND_OK;
fail:
    if (!w->detail[0])
        nd_detail_set(w->detail, "comparing the templates of two documents: %s",
                      nd_strerror(st));
    return st;
}

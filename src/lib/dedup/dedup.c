/*
 * dedup.c - exact, near-duplicate and containment clusters.
 *
 * DESIGN
 *   Storage. Each added document keeps a fixed record (exact hash, sizes,
 *   survivor key), its MinHash signature in one flat array (k x 32-bit values)
 *   and, under exact verification, its sorted unique shingle hashes in one flat
 *   array. No per-document heap blocks.
 *
 *   Units. Documents with the same exact hash (the same normalised text) form
 *   a unit: they have the same shingles and signature, so only the unit's
 *   first document enters LSH and verification, and a unit is always placed
 *   whole. A million copies of one licence text cost one LSH entry.
 *
 *   Candidates. For each band, the 64-bit band key of every unit is folded to
 *   32 bits and packed with the unit number into one 64-bit value; a radix
 *   sort groups equal keys. Units sharing a bucket become candidate pairs (a
 *   folded-key collision only adds a candidate, which verification rejects).
 *   A bucket over CAND_WINDOW units pairs each unit with the next CAND_WINDOW
 *   only, which bounds the work on degenerate buckets. Pairs are de-duplicated
 *   by sorting and stored as an adjacency list (CSR).
 *
 *   Clusters. Documents are visited in survivor-policy order. The first
 *   document of an unplaced unit becomes a representative: its unit joins as
 *   exact copies, then each unplaced neighbour unit is verified against the
 *   representative and joins when it is a near-duplicate or contained in it.
 *   Every member is therefore verified against its representative: clusters
 *   never chain through a third document. The representative is the
 *   policy-best document of its cluster. A document that contains the
 *   representative is not placed under it (it holds more than the
 *   representative); the pair is reported in the pairs list.
 *
 *   Determinism. Every step is a function of the input order alone: sorts are
 *   total orders with the document index as last key, and no step depends on
 *   addresses or timing.
 */
#include <math.h>
#include <stdlib.h>

#include "nd_internal.h"

#define CAND_WINDOW 512

typedef struct doc_rec {
    uint64_t exact_lo, exact_hi;
    uint64_t sh_off;       /* first shingle in d->shingles */
    uint64_t length;       /* original length, bytes */
    uint64_t key_off;      /* survivor key in d->keys */
    double key_num;
    uint32_t num_shingles; /* 0: no tokens */
    uint32_t key_len;
    uint8_t has_key, key_is_num;
} doc_rec;

struct nd_dedup {
    nd_alloc_ctx alloc;
    nd_params params;
    nd_worker worker;
    unsigned bands, rows;
    double fp_area, fn_area;
    nd_vec docs;      /* doc_rec */
    nd_vec sigs;      /* uint32, num_perm per document */
    nd_vec shingles;  /* uint64 */
    nd_vec keys;      /* char */
    int ran;
    nd_member *members;     /* per document */
    nd_member *cl_members;  /* clusters, grouped */
    size_t *cl_offsets;
    size_t num_clusters;
    nd_pair *pairs;
    size_t num_pairs;
    int have_pairs;
    uint64_t invalid_bytes, empty_docs, bytes;
    nd_dedup_stats stats;
    char detail[ND_DETAIL_MAX];
};

nd_status nd_dedup_create(nd_dedup **out, const nd_params *params, const nd_allocator *alloc)
{
    nd_alloc_ctx a;
    nd_alloc_init(&a, alloc);
    *out = NULL;
    nd_dedup *d = nd_calloc(&a, 1, sizeof *d);
    if (!d)
        return ND_E_NOMEM;
    d->alloc = a;
    nd_params_defaults(&d->params);
    if (params)
        nd_params_copy_values(&d->params, params);
    nd_status st = nd_params_lsh(&d->params, &d->bands, &d->rows, &d->fp_area, &d->fn_area);
    if (st != ND_OK) {
        nd_free(&a, d);
        return st;
    }
    st = nd_worker_init(&d->worker, &d->params, alloc);
    if (st != ND_OK) {
        nd_free(&a, d);
        return st;
    }
    nd_vec_init(&d->docs, sizeof(doc_rec), UINT32_MAX - 1);
    nd_vec_init(&d->sigs, sizeof(uint32_t), SIZE_MAX / 8);
    nd_vec_init(&d->shingles, sizeof(uint64_t), SIZE_MAX / 16);
    nd_vec_init(&d->keys, 1, SIZE_MAX / 2);
    *out = d;
    return ND_OK;
}

void nd_dedup_destroy(nd_dedup *d)
{
    if (!d)
        return;
    const nd_alloc_ctx a = d->alloc;
    nd_worker_fini(&d->worker);
    nd_vec_free(&d->docs, &a);
    nd_vec_free(&d->sigs, &a);
    nd_vec_free(&d->shingles, &a);
    nd_vec_free(&d->keys, &a);
    nd_free(&a, d->members);
    nd_free(&a, d->cl_members);
    nd_free(&a, d->cl_offsets);
    nd_free(&a, d->pairs);
    nd_free(&a, d);
}

const char *nd_dedup_errdetail(const nd_dedup *d)
{
    return d ? d->detail : "";
}

size_t nd_dedup_num_docs(const nd_dedup *d)
{
    return d->docs.len;
}

nd_status nd_dedup_add_sketch(nd_dedup *d, const nd_sketch *sk, const nd_doc *doc)
{
    nd_status st;
    const unsigned k = d->params.num_perm;
    if (d->ran)
        return ND_E_STATE;
    if (d->docs.len >= d->docs.max) {
        nd_detail_set(d->detail, "more than %zu documents", d->docs.max);
        return ND_E_LIMIT;
    }
    if (sk->num_shingles > UINT32_MAX)
        return ND_E_LIMIT;
    doc_rec r;
    memset(&r, 0, sizeof r);
    r.sh_off = d->shingles.len;
    r.exact_lo = sk->exact_lo;
    r.exact_hi = sk->exact_hi;
    r.num_shingles = (uint32_t)sk->num_shingles;
    r.length = doc ? doc->length : 0;
    if (doc && doc->key) {
        if (doc->key_len > UINT32_MAX)
            return ND_E_LIMIT;
        r.has_key = 1;
        r.key_off = d->keys.len;
        r.key_len = (uint32_t)doc->key_len;
        r.key_is_num = doc->key_is_num ? 1 : 0;
        r.key_num = doc->key_num;
        ND_TRY(nd_vec_reserve(&d->keys, &d->alloc, d->keys.len + doc->key_len));
        memcpy((char *)d->keys.data + d->keys.len, doc->key, doc->key_len);
        d->keys.len += doc->key_len;
    }
    ND_TRY(nd_vec_reserve(&d->sigs, &d->alloc, d->sigs.len + k));
    uint32_t *sig = (uint32_t *)d->sigs.data + d->sigs.len;
    if (sk->num_shingles)
        memcpy(sig, sk->signature, k * sizeof *sig);
    else
        memset(sig, 0, k * sizeof *sig);
    d->sigs.len += k;
    r.sh_off = d->shingles.len;
    if (d->params.verify == ND_VERIFY_EXACT && sk->num_shingles) {
        ND_TRY(nd_vec_reserve(&d->shingles, &d->alloc, d->shingles.len + sk->num_shingles));
        memcpy((uint64_t *)d->shingles.data + d->shingles.len, sk->shingles,
               sk->num_shingles * sizeof(uint64_t));
        d->shingles.len += sk->num_shingles;
    }
    ND_TRY(nd_vec_push(&d->docs, &d->alloc, &r));
    d->invalid_bytes += sk->invalid_bytes;
    d->bytes += r.length;
    d->empty_docs += sk->num_shingles == 0;
    return ND_OK;
fail:
    /* Roll back whatever part of this document was appended. */
    d->sigs.len = (size_t)(d->docs.len * k);
    d->shingles.len = r.sh_off;
    if (r.has_key)
        d->keys.len = r.key_off;
    if (!d->detail[0])
        nd_detail_set(d->detail, "adding document %zu: %s", d->docs.len, nd_strerror(st));
    return st;
}

nd_status nd_dedup_add(nd_dedup *d, const char *text, size_t len, const nd_doc *doc)
{
    nd_sketch sk;
    if (d->ran)
        return ND_E_STATE;
    const nd_status st = nd_worker_sketch(&d->worker, text, len, &sk);
    if (st != ND_OK) {
        nd_detail_set(d->detail, "document %zu: %s", d->docs.len,
                      nd_worker_errdetail(&d->worker));
        return st;
    }
    nd_doc dd;
    if (doc)
        dd = *doc;
    else
        memset(&dd, 0, sizeof dd);
    if (dd.length == 0)
        dd.length = len;
    return nd_dedup_add_sketch(d, &sk, &dd);
}

/* ---- verification -------------------------------------------------------- */

typedef struct sim {
    double j, a_in_b, b_in_a;
} sim;

static size_t intersect(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, c = 0;
    while (i < na && j < nb) {
        const uint64_t x = a[i], y = b[j];
        c += x == y;
        i += x <= y;
        j += y <= x;
    }
    return c;
}

static sim compare(const nd_dedup *d, uint32_t a, uint32_t b)
{
    const doc_rec *ra = &ND_VEC_AT(&d->docs, doc_rec, a);
    const doc_rec *rb = &ND_VEC_AT(&d->docs, doc_rec, b);
    const double na = ra->num_shingles, nb = rb->num_shingles;
    sim s;
    double inter;
    if (d->params.verify == ND_VERIFY_EXACT) {
        const uint64_t *sh = d->shingles.data;
        inter = (double)intersect(sh + ra->sh_off, ra->num_shingles, sh + rb->sh_off,
                                  rb->num_shingles);
        s.j = inter / (na + nb - inter);
    } else {
        const unsigned k = d->params.num_perm;
        const uint32_t *sg = d->sigs.data;
        s.j = nd_sig_similarity(sg + (size_t)a * k, sg + (size_t)b * k, k);
        inter = s.j * (na + nb) / (1.0 + s.j);
    }
    s.a_in_b = fmin(1.0, inter / na);
    s.b_in_a = fmin(1.0, inter / nb);
    return s;
}

/* Relation of a to b given their figures. */
static nd_relation relate(const nd_dedup *d, uint32_t a, uint32_t b, const sim *s)
{
    const doc_rec *ra = &ND_VEC_AT(&d->docs, doc_rec, a);
    const doc_rec *rb = &ND_VEC_AT(&d->docs, doc_rec, b);
    if (ra->exact_lo == rb->exact_lo && ra->exact_hi == rb->exact_hi)
        return ND_REL_EXACT;
    if (s->j >= d->params.threshold)
        return ND_REL_NEAR;
    const double c = d->params.containment;
    if (c > 0) {
        if (s->a_in_b >= c && s->a_in_b >= s->b_in_a)
            return ND_REL_CONTAINED_IN;
        if (s->b_in_a >= c)
            return ND_REL_CONTAINS;
    }
    return ND_REL_NONE;
}

/* ---- survivor order ---------------------------------------------------- */

static int cmp_keys(const nd_dedup *d, const doc_rec *x, const doc_rec *y)
{
    if (x->key_is_num && y->key_is_num)
        return (x->key_num > y->key_num) - (x->key_num < y->key_num);
    const char *kx = (const char *)d->keys.data + x->key_off;
    const char *ky = (const char *)d->keys.data + y->key_off;
    const size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    const int c = n ? memcmp(kx, ky, n) : 0;
    if (c)
        return c;
    return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static int cmp_priority(const void *pa, const void *pb, void *ctx)
{
    const nd_dedup *d = ctx;
    const uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const doc_rec *x = &ND_VEC_AT(&d->docs, doc_rec, a);
    const doc_rec *y = &ND_VEC_AT(&d->docs, doc_rec, b);
    int c = 0;
    switch (d->params.keep) {
    case ND_KEEP_FIRST:
        break;
    case ND_KEEP_LONGEST:
        c = (x->length < y->length) - (x->length > y->length);
        break;
    case ND_KEEP_KEY_MIN:
    case ND_KEEP_KEY_MAX:
        if (x->has_key != y->has_key)
            c = x->has_key ? -1 : 1;
        else if (x->has_key)
            c = d->params.keep == ND_KEEP_KEY_MIN ? cmp_keys(d, x, y) : cmp_keys(d, y, x);
        break;
    }
    if (c)
        return c;
    return (a > b) - (a < b);
}

/* ---- the run ------------------------------------------------------------- */

typedef struct exact_key {
    uint64_t lo, hi;
    uint32_t doc;
} exact_key;

static int cmp_exact(const void *pa, const void *pb)
{
    const exact_key *x = pa, *y = pb;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return (x->doc > y->doc) - (x->doc < y->doc);
}

static int cmp_pair(const void *pa, const void *pb)
{
    const nd_pair *x = pa, *y = pb;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

/* Working arrays of one run; all freed at the end of nd_dedup_run. */
typedef struct run_state {
    uint32_t *unit_of;      /* doc -> unit */
    uint32_t *unit_start;   /* CSR: units -> docs, U + 1 */
    uint32_t *unit_docs;    /* docs in ascending order within each unit */
    uint32_t num_units;
    uint64_t *cand;         /* unique candidate unit pairs (u << 32 | v), u < v */
    size_t num_cand;
    size_t *adj_start;      /* CSR adjacency, U + 1 */
    uint32_t *adj;
} run_state;

static void run_state_free(run_state *rs, const nd_alloc_ctx *a)
{
    nd_free(a, rs->unit_of);
    nd_free(a, rs->unit_start);
    nd_free(a, rs->unit_docs);
    nd_free(a, rs->cand);
    nd_free(a, rs->adj_start);
    nd_free(a, rs->adj);
}

static nd_status build_units(nd_dedup *d, run_state *rs)
{
    const size_t n = d->docs.len;
    const nd_alloc_ctx *a = &d->alloc;
    exact_key *ek = nd_malloc(a, (n ? n : 1) * sizeof *ek);
    uint32_t *leader = nd_malloc(a, (n ? n : 1) * sizeof *leader);
    rs->unit_of = nd_malloc(a, (n ? n : 1) * sizeof *rs->unit_of);
    rs->unit_start = nd_calloc(a, n + 2, sizeof *rs->unit_start);
    rs->unit_docs = nd_malloc(a, (n ? n : 1) * sizeof *rs->unit_docs);
    if (!ek || !leader || !rs->unit_of || !rs->unit_start || !rs->unit_docs) {
        nd_free(a, ek);
        nd_free(a, leader);
        return ND_E_NOMEM;
    }
    /* leader[doc] = first document with the same exact hash (documents
     * without tokens lead themselves). */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const doc_rec *r = &ND_VEC_AT(&d->docs, doc_rec, i);
        leader[i] = (uint32_t)i;
        if (r->num_shingles) {
            ek[m].lo = r->exact_lo;
            ek[m].hi = r->exact_hi;
            ek[m].doc = (uint32_t)i;
            m++;
        }
    }
    if (m)
        qsort(ek, m, sizeof *ek, cmp_exact);
    for (size_t i = 1; i < m; i++)
        if (ek[i].lo == ek[i - 1].lo && ek[i].hi == ek[i - 1].hi)
            leader[ek[i].doc] = leader[ek[i - 1].doc];
    nd_free(a, ek);
    /* Units numbered in order of their leader. */
    uint32_t u = 0;
    for (size_t i = 0; i < n; i++)
        rs->unit_of[i] = leader[i] == i ? u++ : rs->unit_of[leader[i]];
    rs->num_units = u;
    nd_free(a, leader);
    for (size_t i = 0; i < n; i++)
        rs->unit_start[rs->unit_of[i] + 1]++;
    for (uint32_t k = 0; k < u; k++)
        rs->unit_start[k + 1] += rs->unit_start[k];
    /* Fill using unit_start shifted by one as cursors, then restore. */
    for (size_t i = 0; i < n; i++)
        rs->unit_docs[rs->unit_start[rs->unit_of[i]]++] = (uint32_t)i;
    for (uint32_t k = u; k > 0; k--)
        rs->unit_start[k] = rs->unit_start[k - 1];
    rs->unit_start[0] = 0;
    return ND_OK;
}

static nd_status build_candidates(nd_dedup *d, run_state *rs)
{
    const nd_alloc_ctx *a = &d->alloc;
    const uint32_t U = rs->num_units;
    const unsigned k = d->params.num_perm;
    const uint32_t *sigs = d->sigs.data;
    nd_status st = ND_OK;
    uint64_t *keys = nd_malloc(a, ((size_t)U + 1) * sizeof *keys);
    uint64_t *tmp = nd_malloc(a, ((size_t)U + 1) * sizeof *tmp);
    nd_vec pairs;
    nd_vec_init(&pairs, sizeof(uint64_t), SIZE_MAX / 16);
    if (!keys || !tmp) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (unsigned band = 0; band < d->bands; band++) {
        size_t m = 0;
        for (uint32_t u = 0; u < U; u++) {
            const uint32_t doc = rs->unit_docs[rs->unit_start[u]];
            if (ND_VEC_AT(&d->docs, doc_rec, doc).num_shingles == 0)
                continue;
            const uint64_t key = nd_band_key(sigs + (size_t)doc * k, band, d->rows);
            keys[m++] = ((key ^ (key >> 32)) << 32) | u;
        }
        nd_sort_u64(keys, tmp, m);
        size_t i = 0;
        while (i < m) {
            size_t e = i + 1;
            while (e < m && (keys[e] >> 32) == (keys[i] >> 32))
                e++;
            for (size_t x = i; x < e; x++) {
                const size_t end = e - x - 1 > CAND_WINDOW ? x + 1 + CAND_WINDOW : e;
                for (size_t y = x + 1; y < end; y++) {
                    const uint64_t p = (keys[x] << 32) | (uint32_t)keys[y];
                    ND_TRY(nd_vec_push(&pairs, a, &p));
                }
            }
            i = e;
        }
        /* Keep the pair list compact as we go. */
        if (pairs.len > 4 * (size_t)U + 1024) {
            uint64_t *pt = nd_malloc(a, pairs.len * sizeof *pt);
            if (!pt) {
                st = ND_E_NOMEM;
                goto fail;
            }
            pairs.len = nd_sort_unique_u64(pairs.data, pt, pairs.len);
            nd_free(a, pt);
        }
    }
    if (pairs.len) {
        uint64_t *pt = nd_malloc(a, pairs.len * sizeof *pt);
        if (!pt) {
            st = ND_E_NOMEM;
            goto fail;
        }
        pairs.len = nd_sort_unique_u64(pairs.data, pt, pairs.len);
        nd_free(a, pt);
    }
    rs->cand = pairs.data;
    rs->num_cand = pairs.len;
    pairs.data = NULL;
    /* Adjacency (both directions), neighbours ascending. */
    rs->adj_start = nd_calloc(a, (size_t)U + 2, sizeof *rs->adj_start);
    rs->adj = nd_malloc(a, (2 * rs->num_cand + 1) * sizeof *rs->adj);
    if (!rs->adj_start || !rs->adj) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < rs->num_cand; i++) {
        rs->adj_start[(rs->cand[i] >> 32) + 1]++;
        rs->adj_start[(uint32_t)rs->cand[i] + 1]++;
    }
    for (uint32_t u = 0; u < U; u++)
        rs->adj_start[u + 1] += rs->adj_start[u];
    size_t *cur = nd_malloc(a, ((size_t)U + 1) * sizeof *cur);
    if (!cur) {
        st = ND_E_NOMEM;
        goto fail;
    }
    memcpy(cur, rs->adj_start, ((size_t)U + 1) * sizeof *cur);
    /* Pairs are sorted by (u, v): filling u's list with v, then v's with u in
     * this order leaves every list ascending. */
    for (size_t i = 0; i < rs->num_cand; i++) {
        const uint32_t v = (uint32_t)rs->cand[i];
        rs->adj[cur[v]++] = (uint32_t)(rs->cand[i] >> 32);
    }
    for (size_t i = 0; i < rs->num_cand; i++) {
        const uint32_t u = (uint32_t)(rs->cand[i] >> 32), v = (uint32_t)rs->cand[i];
        rs->adj[cur[u]++] = v;
    }
    nd_free(a, cur);
fail:
    nd_vec_free(&pairs, a);
    nd_free(a, keys);
    nd_free(a, tmp);
    return st;
}

static nd_status build_clusters(nd_dedup *d, run_state *rs)
{
    const nd_alloc_ctx *a = &d->alloc;
    const size_t n = d->docs.len;
    nd_status st = ND_OK;
    uint32_t *order = nd_malloc(a, (n ? n : 1) * sizeof *order);
    uint8_t *placed = nd_calloc(a, (size_t)rs->num_units + 1, 1);
    size_t *count = nd_calloc(a, n + 1, sizeof *count);
    d->members = nd_malloc(a, (n ? n : 1) * sizeof *d->members);
    if (!order || !placed || !count || !d->members) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    if (n)
        qsort_r(order, n, sizeof *order, cmp_priority, d);

    for (size_t oi = 0; oi < n; oi++) {
        const uint32_t rep = order[oi];
        const uint32_t u = rs->unit_of[rep];
        if (placed[u])
            continue;
        placed[u] = 1;
        for (uint32_t i = rs->unit_start[u]; i < rs->unit_start[u + 1]; i++) {
            const uint32_t x = rs->unit_docs[i];
            nd_member *m = &d->members[x];
            m->doc = x;
            m->rep = rep;
            m->rel = x == rep ? ND_REL_NONE : ND_REL_EXACT;
            m->resemblance = m->doc_in_rep = m->rep_in_doc = 1.0;
        }
        for (size_t e = rs->adj_start[u]; e < rs->adj_start[u + 1]; e++) {
            const uint32_t v = rs->adj[e];
            if (placed[v])
                continue;
            const uint32_t lead = rs->unit_docs[rs->unit_start[v]];
            const sim s = compare(d, lead, rep);
            d->stats.verified++;
            const nd_relation rel = relate(d, lead, rep, &s);
            if (rel != ND_REL_NEAR && rel != ND_REL_CONTAINED_IN && rel != ND_REL_EXACT)
                continue;
            placed[v] = 1;
            for (uint32_t i = rs->unit_start[v]; i < rs->unit_start[v + 1]; i++) {
                const uint32_t x = rs->unit_docs[i];
                nd_member *m = &d->members[x];
                m->doc = x;
                m->rep = rep;
                m->rel = rel;
                m->resemblance = s.j;
                m->doc_in_rep = s.a_in_b;
                m->rep_in_doc = s.b_in_a;
            }
        }
    }
    /* Group clusters of 2+ by representative, in representative order. */
    for (size_t i = 0; i < n; i++)
        count[d->members[i].rep]++;
    size_t ncl = 0, nmem = 0;
    for (size_t i = 0; i < n; i++)
        if (count[i] >= 2) {
            ncl++;
            nmem += count[i];
        }
    d->cl_offsets = nd_malloc(a, (ncl + 1) * sizeof *d->cl_offsets);
    d->cl_members = nd_malloc(a, (nmem ? nmem : 1) * sizeof *d->cl_members);
    if (!d->cl_offsets || !d->cl_members) {
        st = ND_E_NOMEM;
        goto fail;
    }
    /* count[rep] becomes the write cursor of rep's cluster; the rep goes first. */
    size_t pos = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        if (count[i] >= 2) {
            d->cl_offsets[c++] = pos;
            d->cl_members[pos] = d->members[i];
            const size_t sz = count[i];
            count[i] = pos + 1;
            pos += sz;
        } else {
            count[i] = 0;
        }
    }
    d->cl_offsets[c] = pos;
    d->num_clusters = ncl;
    for (size_t i = 0; i < n; i++) {
        const nd_member *m = &d->members[i];
        if (m->rep != i && count[m->rep])
            d->cl_members[count[m->rep]++] = *m;
    }
    /* Counters. */
    for (size_t ci = 0; ci < ncl; ci++) {
        int all_exact = 1;
        for (size_t j = d->cl_offsets[ci] + 1; j < d->cl_offsets[ci + 1]; j++) {
            const nd_member *m = &d->cl_members[j];
            all_exact &= m->rel == ND_REL_EXACT;
            d->stats.contained += m->rel == ND_REL_CONTAINED_IN;
            d->stats.bytes_removed += ND_VEC_AT(&d->docs, doc_rec, m->doc).length;
        }
        d->stats.exact_clusters += all_exact;
        d->stats.near_clusters += !all_exact;
    }
    d->stats.clusters = ncl;
    d->stats.docs_in_clusters = nmem;
    d->stats.removed = nmem - ncl;
fail:
    nd_free(a, order);
    nd_free(a, placed);
    nd_free(a, count);
    return st;
}

static nd_status build_pairs(nd_dedup *d, const run_state *rs)
{
    const nd_alloc_ctx *a = &d->alloc;
    nd_status st = ND_OK;
    nd_vec pv;
    nd_vec_init(&pv, sizeof(nd_pair), SIZE_MAX / sizeof(nd_pair));
    /* Exact pairs inside each unit. */
    for (uint32_t u = 0; u < rs->num_units; u++)
        for (uint32_t i = rs->unit_start[u]; i < rs->unit_start[u + 1]; i++)
            for (uint32_t j = i + 1; j < rs->unit_start[u + 1]; j++) {
                const nd_pair p = {rs->unit_docs[i], rs->unit_docs[j], ND_REL_EXACT, 1, 1, 1};
                ND_TRY(nd_vec_push(&pv, a, &p));
            }
    /* Verified candidate pairs, expanded to every member of both units. */
    for (size_t c = 0; c < rs->num_cand; c++) {
        const uint32_t u = (uint32_t)(rs->cand[c] >> 32), v = (uint32_t)rs->cand[c];
        const uint32_t lu = rs->unit_docs[rs->unit_start[u]];
        const uint32_t lv = rs->unit_docs[rs->unit_start[v]];
        const sim s = compare(d, lu, lv);
        d->stats.verified++;
        const nd_relation rel = relate(d, lu, lv, &s);
        if (rel == ND_REL_NONE)
            continue;
        for (uint32_t i = rs->unit_start[u]; i < rs->unit_start[u + 1]; i++)
            for (uint32_t j = rs->unit_start[v]; j < rs->unit_start[v + 1]; j++) {
                const uint32_t x = rs->unit_docs[i], y = rs->unit_docs[j];
                nd_pair p = {x, y, rel, s.j, s.a_in_b, s.b_in_a};
                if (x > y) {
                    p.a = y;
                    p.b = x;
                    p.a_in_b = s.b_in_a;
                    p.b_in_a = s.a_in_b;
                    p.rel = rel == ND_REL_CONTAINED_IN ? ND_REL_CONTAINS
                          : rel == ND_REL_CONTAINS     ? ND_REL_CONTAINED_IN
                                                       : rel;
                }
                ND_TRY(nd_vec_push(&pv, a, &p));
            }
    }
    if (pv.len)
        qsort(pv.data, pv.len, sizeof(nd_pair), cmp_pair);
    d->pairs = pv.data;
    d->num_pairs = pv.len;
    d->have_pairs = 1;
    return ND_OK;
fail:
    nd_vec_free(&pv, a);
    return st;
}

nd_status nd_dedup_run(nd_dedup *d, int want_pairs)
{
    if (d->ran)
        return ND_E_STATE;
    d->ran = 1;
    run_state rs;
    memset(&rs, 0, sizeof rs);
    nd_status st;
    ND_TRY(build_units(d, &rs));
    ND_TRY(build_candidates(d, &rs));
    d->stats.candidates = rs.num_cand;
    ND_TRY(build_clusters(d, &rs));
    if (want_pairs)
        ND_TRY(build_pairs(d, &rs));
    run_state_free(&rs, &d->alloc);
    return ND_OK;
fail:
    run_state_free(&rs, &d->alloc);
    nd_detail_set(d->detail, "clustering %zu documents: %s", d->docs.len, nd_strerror(st));
    return st;
}

nd_status nd_dedup_member(const nd_dedup *d, size_t i, nd_member *out)
{
    if (!d->ran || !d->members)
        return ND_E_STATE;
    if (i >= d->docs.len)
        return ND_E_PARAM;
    *out = d->members[i];
    return ND_OK;
}

nd_status nd_dedup_clusters(const nd_dedup *d, const nd_member **members, const size_t **offsets,
                            size_t *num_clusters)
{
    if (!d->ran || !d->cl_offsets)
        return ND_E_STATE;
    *members = d->cl_members;
    *offsets = d->cl_offsets;
    *num_clusters = d->num_clusters;
    return ND_OK;
}

nd_status nd_dedup_pairs(const nd_dedup *d, const nd_pair **pairs, size_t *num_pairs)
{
    if (!d->ran || !d->have_pairs)
        return ND_E_STATE;
    *pairs = d->pairs;
    *num_pairs = d->num_pairs;
    return ND_OK;
}

void nd_dedup_get_stats(const nd_dedup *d, nd_dedup_stats *out)
{
    *out = d->stats;
    out->docs = d->docs.len;
    out->empty_docs = d->empty_docs;
    out->invalid_bytes = d->invalid_bytes;
    out->bytes = d->bytes;
    out->bands = d->bands;
    out->rows = d->rows;
    out->fp_area = d->fp_area;
    out->fn_area = d->fn_area;
}

size_t nd_dedup_memory(const nd_dedup *d)
{
    return d->docs.cap * d->docs.item + d->sigs.cap * d->sigs.item +
           d->shingles.cap * d->shingles.item + d->keys.cap;
}

size_t nd_dedup_estimate_memory(const nd_params *p, size_t num_docs, size_t avg_shingles)
{
    const size_t k = p ? p->num_perm : 128;
    const int exact = p ? p->verify == ND_VERIFY_EXACT : 1;
    const size_t per_doc = sizeof(doc_rec) + k * 4 + (exact ? avg_shingles * 8 : 0) +
                           3 * sizeof(uint32_t) + 16 /* run-time arrays */;
    return num_docs * per_doc;
}

/*
 * dedup.c - exact, near-duplicate and containment clusters.
 *
 * DESIGN
 *   Storage. Each added document keeps a fixed 16-byte record (shingle
 *   offset, sizes), its exact hash (16 bytes, dropped once units are built),
 *   one 8-byte entry per LSH band (the band key folded to 32 bits, packed with
 *   the document number) and, under exact verification, its sorted unique
 *   shingle hashes in one flat array (under signature verification, its
 *   signature instead). Survivor keys live in a side table only when given.
 *   No per-document heap blocks. The worker computes the band keys, so the
 *   one thread that adds sketches only copies.
 *
 *   Bounded memory (ND_P_MEMORY). When the buffers pass an eighth of the
 *   budget, each band's entries are sorted and written as a run to a spill
 *   file, and the shingle (or signature) buffer is appended to its own spill
 *   file; the fixed records stay in memory. At run time each band is a k-way
 *   merge of its runs, and sets are read back with pread. Every step sees the
 *   same values in the same order as in memory, so the output is identical.
 *
 *   Units. Documents with the same exact hash (the same normalised text) form
 *   a unit: they have the same shingles and signature, so only the unit's
 *   first document takes part in LSH and verification, and a unit is always
 *   placed whole. A million copies of one licence text give one LSH
 *   participant and no candidate pairs among themselves.
 *
 *   Candidates. For each band (bands in parallel), the entries are sorted, or
 *   merged from their runs, so that equal folded keys are adjacent; the
 *   unit-leading documents of a bucket become candidate pairs (a folded-key
 *   collision only adds a candidate, which verification rejects). A bucket
 *   over CAND_WINDOW units pairs each unit with the next CAND_WINDOW only,
 *   and its first CAND_WINDOW units (the earliest in input order) with every
 *   other: at most 2 x CAND_WINDOW pairs a unit on a degenerate bucket, yet a
 *   family of 10,000 near-copies still lands in one cluster under the
 *   default policy, its earliest member seeing all the others. Pairs are
 *   de-duplicated by sorting and stored as an adjacency list (CSR).
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
 *   Threads (ND_P_THREADS). Bands are processed in parallel; when every pair
 *   is wanted, all candidates are verified in parallel first; otherwise a
 *   representative with many unplaced neighbours verifies them in parallel.
 *   The greedy placement itself is sequential.
 *
 *   Containment candidates (ND_P_CONTAIN_SAMPLE, MinHash with exact sets).
 *   LSH tuned to the resemblance threshold misses most pairs where a short
 *   document is contained in one several times longer (resemblance 0.1-0.7).
 *   Each set's values below CONT_LIMIT (an eighth, the first of the sorted
 *   set; their count is noted, and the values copied side by side, when the
 *   document is added) are its sample, the same hashes in every document. At
 *   run time the unit leaders' sample entries (hash << 32 | unit) are placed
 *   in buckets by a parallel two-level counting pass on the hash (counted,
 *   written by coarse range, then by bucket within a range), each bucket
 *   sorted; units sharing a bucket of at most CONT_HEAVY give one pair
 *   occurrence, and a pair becomes a candidate when its occurrences reach
 *   what one of the two needs (cont_need: the hypergeometric lower tail of
 *   the shared sampled shingles, never below the exact bound; a contained
 *   pair is missed with probability under CONT_MISS). Heavier
 *   buckets (boilerplate phrases) pair nobody and lower their units' need.
 *   Under a memory budget the hash range is cut into parts. The distributed
 *   run routes the same entries to bucket owners (dist_cont), so it finds
 *   the same candidates.
 *
 *   SimHash (ND_P_METHOD = ND_METHOD_SIMHASH). Each document also keeps its
 *   64-bit fingerprint (8 bytes, in memory like the fixed record), and the
 *   "bands" are the permuted tables of nd_simhash_keys for ND_P_SIMHASH_K:
 *   one entry per table, folded and spilled exactly as band entries are. A
 *   pair of units sharing a bucket becomes a candidate only when the Hamming
 *   distance of their leaders' fingerprints is at most k, so the candidates
 *   are exactly the pairs within distance k (tables guarantee that no such
 *   pair is missed; a bucket over CAND_WINDOW units is cut as above).
 *   Verification then goes as for MinHash: under ND_VERIFY_EXACT the exact
 *   figures of the shingle sets decide. Under ND_VERIFY_SIGNATURE no set is
 *   stored at all (8 bytes a document instead of 4 x num_perm): the set
 *   cosine is estimated from the Hamming distance h as cos(pi h / 64)
 *   (Charikar), the intersection as that cosine times sqrt(|A| |B|), and the
 *   resemblance and containments follow from it and the set sizes. The same
 *   thresholds then decide, so a near-duplicate under --fast SimHash is a
 *   pair within distance k whose estimated resemblance passes: for sets of
 *   similar size every pair within k <= 8 does (h = 8 estimates 0.86).
 *
 *   Exact copies only (ND_P_EXACT_ONLY). The worker hashes the normalised
 *   text and stops; a document keeps its fixed record and exact hash, and
 *   no band entry, set or template value. Units are then the clusters: no
 *   candidates, no verification. Exact copies dated apart stay copies (the
 *   report rule needs the template hash, which is not computed).
 *
 *   Determinism. Every step is a function of the input order alone: sorts are
 *   total orders with the document index as last key, each parallel item
 *   writes only its own result, and nothing depends on addresses, timing, the
 *   thread count or the memory budget.
 */
#include <math.h>
#include <stdlib.h>

#include "nd_internal.h"
#include "spill.h"

#define CAND_WINDOW 512
/* A shingle hash below CONT_LIMIT is in a document's containment sample: an
 * eighth of its shingles, the first ones of its sorted set. */
#define CONT_LIMIT (UINT32_C(1) << 29)
#define MERGE_BUF 8192      /* entries read at a time from one run */
#define PAR_NEIGHBOURS 64   /* a representative with this many unplaced
                               neighbours verifies them in parallel */

typedef struct doc_rec {
    uint64_t sh_off;       /* first shingle (or signature value) in its store */
    uint32_t length;       /* original length in bytes, at most 2^32 - 1 (a longer
                              one counts as that for ND_KEEP_LONGEST) */
    uint32_t num_shingles; /* 0: no tokens */
} doc_rec;

typedef struct key_rec {
    uint64_t off;          /* in d->keys */
    double num;
    uint32_t len;
    uint8_t has, is_num;
} key_rec;

/* A compact member: figures are recomputed from count when asked for. */
typedef struct member_c {
    uint32_t rep;
    uint32_t count;        /* shared shingles (exact) or equal positions */
    uint32_t rel;
} member_c;

/* Values kept in memory, and past the budget in a spill file before them:
 * item i (global) is in the file when i < spilled. */
typedef struct store {
    nd_vec mem;
    nd_spill file;
    uint64_t spilled;
} store;

typedef struct band_run {
    uint64_t off, count;   /* in d->band_file, entries */
    uint32_t band;
} band_run;

struct nd_dedup {
    nd_alloc_ctx alloc;
    nd_params params;
    nd_worker worker;
    unsigned bands, rows;   /* SimHash: bands = tables, rows = 0 */
    double fp_area, fn_area;
    int simhash;            /* ND_METHOD_SIMHASH */
    unsigned simhash_k;
    nd_vec fps;             /* SimHash: uint64 fingerprint per document */
    nd_vec docs;      /* doc_rec */
    nd_vec samp;      /* uint32 per document: its shingles in the containment
                         sample (the first ones of its set), under cont_on */
    nd_vec sampv;     /* uint32: every document's sample values, one after the
                         other, until anything spills (then read from the sets) */
    int sampv_off;    /* sampv was dropped */
    uint64_t *samp_at;  /* run time, with sampv: where each document's sample starts */
    nd_vec exact;     /* uint64 lo, hi per document */
    nd_vec keyrecs;   /* key_rec per document, once a key was given */
    nd_vec keys;      /* char */
    nd_vec *bk;       /* per band: (folded key << 32 | doc), uint64; past the bands,
                         the template band (nbk = bands + 1 when templates are on) */
    unsigned nbk;
    nd_vec tmpl;      /* uint32 x 2 per document: its template hash and the hash of its
                         values (nd_sketch), folded to 32 bits (compared on candidate
                         pairs only: a false match is some 2^-32 a pair), when templates
                         are on */
    nd_vec dates;     /* double per document (NAN: none), once a date was given */
    store sets;       /* shingles (uint64) or signatures (uint32) */
    nd_spill band_file;
    nd_vec runs;      /* band_run */
    char *tmpdir;
    uint64_t spill_events, spilled_bytes;
    int ran;
    member_c *members;      /* per document */
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

/* A 64-bit hash folded to 32 bits, never 0 from a hash that is not 0. */
static uint32_t fold32(uint64_t h)
{
    const uint32_t f = (uint32_t)(h ^ (h >> 32));
    return f ? f : (h != 0);
}

static int exact_mode(const nd_dedup *d)
{
    return d->params.verify == ND_VERIFY_EXACT;
}

/* Whether the containment path runs: it needs the exact sets and a containment. */
static int cont_on(const nd_dedup *d)
{
    return exact_mode(d) && !d->simhash && d->params.containment > 0 &&
           d->params.contain_sample;
}

/* SimHash with signature verification: figures from the fingerprints, no sets. */
static int fp_mode(const nd_dedup *d)
{
    return d->simhash && !exact_mode(d);
}

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
    nd_status st = ND_OK;
    if (d->params.exact_only) {
        /* Exact copies only: no bands, no containment, no template relation. */
        d->params.templates = ND_TEMPLATES_OFF;
        d->params.containment = 0;
        d->params.method = ND_METHOD_MINHASH;
    }
    d->simhash = d->params.method == ND_METHOD_SIMHASH;
    if (d->params.exact_only) {
        d->bands = d->rows = 0;
    } else if (d->simhash) {
        uint64_t keys[ND_SIMHASH_MAX_TABLES];
        d->simhash_k = d->params.simhash_k;
        d->bands = nd_simhash_keys(0, d->simhash_k, keys);
        d->rows = 0;
        st = d->bands ? ND_OK : ND_E_PARAM;
    } else {
        st = nd_params_lsh(&d->params, &d->bands, &d->rows, &d->fp_area, &d->fn_area);
    }
    if (st != ND_OK) {
        nd_free(&a, d);
        return st;
    }
    d->nbk = d->bands + (d->params.templates != ND_TEMPLATES_OFF);
    d->bk = nd_calloc(&a, d->nbk, sizeof *d->bk);
    if (!d->bk) {
        nd_free(&a, d);
        return ND_E_NOMEM;
    }
    /* The worker gets the layout as chosen, so it does not search again. */
    nd_params wp = d->params;
    wp.bands = d->bands;
    wp.rows = d->rows;
    st = nd_worker_init(&d->worker, &wp, alloc);
    if (st != ND_OK) {
        nd_free(&a, d->bk);
        nd_free(&a, d);
        return st;
    }
    nd_vec_init(&d->docs, sizeof(doc_rec), UINT32_MAX - 1);
    nd_vec_init(&d->samp, sizeof(uint32_t), UINT32_MAX - 1);
    nd_vec_init(&d->sampv, sizeof(uint32_t), SIZE_MAX / 8);
    nd_vec_init(&d->exact, 2 * sizeof(uint64_t), UINT32_MAX - 1);
    nd_vec_init(&d->keyrecs, sizeof(key_rec), UINT32_MAX - 1);
    nd_vec_init(&d->keys, 1, SIZE_MAX / 2);
    nd_vec_init(&d->fps, sizeof(uint64_t), UINT32_MAX - 1);
    for (unsigned b = 0; b < d->nbk; b++)
        nd_vec_init(&d->bk[b], sizeof(uint64_t), UINT32_MAX - 1);
    nd_vec_init(&d->tmpl, 2 * sizeof(uint32_t), UINT32_MAX - 1);
    nd_vec_init(&d->dates, sizeof(double), UINT32_MAX - 1);
    nd_vec_init(&d->sets.mem, sizeof(uint32_t), SIZE_MAX / 8);
    d->sets.file.fd = -1;
    d->band_file.fd = -1;
    nd_vec_init(&d->runs, sizeof(band_run), SIZE_MAX / sizeof(band_run));
    *out = d;
    return ND_OK;
}

nd_status nd_dedup_set_tmpdir(nd_dedup *d, const char *dir)
{
    if (!d || d->ran || d->spill_events)
        return ND_E_STATE;
    nd_free(&d->alloc, d->tmpdir);
    d->tmpdir = NULL;
    if (!dir)
        return ND_OK;
    const size_t n = strlen(dir);
    d->tmpdir = nd_malloc(&d->alloc, n + 1);
    if (!d->tmpdir)
        return ND_E_NOMEM;
    memcpy(d->tmpdir, dir, n + 1);
    return ND_OK;
}

static void free_bands(nd_dedup *d)
{
    for (unsigned b = 0; b < d->nbk; b++)
        nd_vec_free(&d->bk[b], &d->alloc);
}

void nd_dedup_destroy(nd_dedup *d)
{
    if (!d)
        return;
    const nd_alloc_ctx a = d->alloc;
    nd_worker_fini(&d->worker);
    nd_vec_free(&d->docs, &a);
    nd_vec_free(&d->samp, &a);
    nd_vec_free(&d->sampv, &a);
    nd_free(&a, d->samp_at);
    nd_vec_free(&d->exact, &a);
    nd_vec_free(&d->keyrecs, &a);
    nd_vec_free(&d->keys, &a);
    nd_vec_free(&d->fps, &a);
    nd_vec_free(&d->tmpl, &a);
    nd_vec_free(&d->dates, &a);
    free_bands(d);
    nd_free(&a, d->bk);
    nd_vec_free(&d->sets.mem, &a);
    nd_spill_close(&d->sets.file);
    nd_spill_close(&d->band_file);
    nd_vec_free(&d->runs, &a);
    nd_free(&a, d->tmpdir);
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

/* ---- spilling ------------------------------------------------------------ */

/* Bytes of the buffers that spilling can empty. */
static uint64_t buffered_bytes(const nd_dedup *d)
{
    uint64_t n = (uint64_t)d->sets.mem.len * d->sets.mem.item +
                 (uint64_t)d->sampv.len * d->sampv.item;
    for (unsigned b = 0; b < d->nbk; b++)
        n += (uint64_t)d->bk[b].len * sizeof(uint64_t);
    return n;
}

/* Writes every band buffer as a sorted run and appends the set buffer to its
 * file; the buffers keep their capacity for what comes next. */
static nd_status spill_all(nd_dedup *d)
{
    nd_status st = ND_OK;
    uint64_t *tmp = NULL;
    size_t most = 0;
    for (unsigned b = 0; b < d->nbk; b++)
        most = d->bk[b].len > most ? d->bk[b].len : most;
    if (most && d->band_file.fd < 0)
        ND_TRY(nd_spill_open(&d->band_file, d->tmpdir, d->detail));
    if (d->sets.mem.len && d->sets.file.fd < 0)
        ND_TRY(nd_spill_open(&d->sets.file, d->tmpdir, d->detail));
    if (most) {
        tmp = nd_malloc(&d->alloc, most * sizeof *tmp);
        if (!tmp)
            return ND_E_NOMEM;
    }
    for (unsigned b = 0; b < d->nbk; b++) {
        nd_vec *v = &d->bk[b];
        if (!v->len)
            continue;
        nd_sort_u64(v->data, tmp, v->len);
        const band_run r = {d->band_file.len / sizeof(uint64_t), v->len, b};
        ND_TRY(nd_spill_append(&d->band_file, v->data, v->len * sizeof(uint64_t), d->detail));
        ND_TRY(nd_vec_push(&d->runs, &d->alloc, &r));
        d->spilled_bytes += v->len * sizeof(uint64_t);
        v->len = 0;
    }
    if (d->sets.mem.len) {
        const size_t bytes = d->sets.mem.len * d->sets.mem.item;
        ND_TRY(nd_spill_append(&d->sets.file, d->sets.mem.data, bytes, d->detail));
        d->sets.spilled += d->sets.mem.len;
        d->spilled_bytes += bytes;
        d->sets.mem.len = 0;
    }
    /* the sets hold the samples too: read them there from now on */
    nd_vec_free(&d->sampv, &d->alloc);
    d->sampv_off = 1;
    d->spill_events++;
fail:
    nd_free(&d->alloc, tmp);
    return st;
}

/* Pointer to items [off, off + n) of a store: in memory, or read into scratch. */
static nd_status store_get(const nd_dedup *d, const store *s, uint64_t off, size_t n,
                           nd_vec *scratch, const void **out)
{
    const size_t item = s->mem.item;
    if (off >= s->spilled) {
        *out = (const char *)s->mem.data + (size_t)(off - s->spilled) * item;
        return ND_OK;
    }
    const nd_status st = nd_vec_reserve(scratch, &d->alloc, n * item);
    if (st != ND_OK)
        return st;
    if (nd_spill_read(&s->file, off * item, scratch->data, n * item) != ND_OK)
        return ND_E_IO;
    *out = scratch->data;
    return ND_OK;
}

/* ---- adding ---------------------------------------------------------------- */

nd_status nd_dedup_add_sketch(nd_dedup *d, const nd_sketch *sk, const nd_doc *doc)
{
    nd_status st;
    d->detail[0] = '\0';
    const unsigned k = d->params.num_perm;
    if (d->ran)
        return ND_E_STATE;
    if (d->docs.len >= d->docs.max) {
        nd_detail_set(d->detail, "more than %zu documents", d->docs.max);
        return ND_E_LIMIT;
    }
    if (sk->num_shingles > UINT32_MAX)
        return ND_E_LIMIT;
    if (sk->num_shingles && !d->simhash && !sk->signature) {
        nd_detail_set(d->detail, "document %zu: a sketch without a MinHash signature",
                      d->docs.len);
        return ND_E_PARAM;
    }
    const size_t id = d->docs.len;
    const size_t keys_len = d->keys.len, sets_len = d->sets.mem.len, sampv_len = d->sampv.len;
    doc_rec r;
    memset(&r, 0, sizeof r);
    r.num_shingles = (uint32_t)sk->num_shingles;
    const uint64_t length = doc ? doc->length : 0;
    r.length = length > UINT32_MAX ? UINT32_MAX : (uint32_t)length;
    r.sh_off = d->sets.spilled + d->sets.mem.len;
    for (unsigned b = 0; b < d->nbk; b++)
        ND_TRY(nd_vec_reserve(&d->bk[b], &d->alloc, d->bk[b].len + 1));
    ND_TRY(nd_vec_reserve(&d->exact, &d->alloc, id + 1));
    if (d->nbk > d->bands)
        ND_TRY(nd_vec_reserve(&d->tmpl, &d->alloc, id + 1));
    if ((doc && doc->has_date) || d->dates.len) {
        ND_TRY(nd_vec_reserve(&d->dates, &d->alloc, id + 1));
        /* The first date: earlier documents had none. */
        while (d->dates.len < id)
            ND_VEC_AT(&d->dates, double, d->dates.len++) = NAN;
    }
    ND_TRY(nd_vec_reserve(&d->docs, &d->alloc, id + 1));
    if (cont_on(d))
        ND_TRY(nd_vec_reserve(&d->samp, &d->alloc, id + 1));
    uint32_t samp = 0;
    uint64_t fp = 0;
    if (d->simhash) {
        ND_TRY(nd_vec_reserve(&d->fps, &d->alloc, id + 1));
        /* A fingerprint of 0 is recomputed from the shingles: a sketch that went
         * through a caller that did not carry the field gives the same value
         * (and a true 0 recomputes to 0). */
        fp = sk->simhash;
        if (!fp && sk->num_shingles)
            fp = nd_simhash(sk->shingles, NULL, sk->num_shingles);
    }
    if ((doc && doc->key) || d->keyrecs.len) {
        if (doc && doc->key_len > UINT32_MAX)
            return ND_E_LIMIT;
        ND_TRY(nd_vec_reserve(&d->keyrecs, &d->alloc, id + 1));
        /* The first key: earlier documents had none. */
        if (d->keyrecs.len < id) {
            memset((key_rec *)d->keyrecs.data + d->keyrecs.len, 0,
                   (id - d->keyrecs.len) * sizeof(key_rec));
            d->keyrecs.len = id;
        }
        key_rec kr;
        memset(&kr, 0, sizeof kr);
        if (doc && doc->key) {
            kr.has = 1;
            kr.off = d->keys.len;
            kr.len = (uint32_t)doc->key_len;
            kr.is_num = doc->key_is_num ? 1 : 0;
            kr.num = doc->key_num;
            ND_TRY(nd_vec_reserve(&d->keys, &d->alloc, d->keys.len + doc->key_len));
            memcpy((char *)d->keys.data + d->keys.len, doc->key, doc->key_len);
            d->keys.len += doc->key_len;
        }
        ((key_rec *)d->keyrecs.data)[id] = kr;
        d->keyrecs.len = id + 1;
    }
    if (d->params.exact_only) {
        /* Exact copies only: the record says whether it has tokens, no more. */
        r.num_shingles = sk->num_tokens || sk->num_shingles;
    } else if (sk->num_shingles) {
        if (exact_mode(d)) {
            /* The high 32 bits of each shingle hash: still sorted, and equal
             * neighbours merged (see DESIGN: 32-bit shingle sets). */
            ND_TRY(nd_vec_reserve(&d->sets.mem, &d->alloc, d->sets.mem.len + sk->num_shingles));
            uint32_t *out = (uint32_t *)d->sets.mem.data + d->sets.mem.len;
            const size_t m = nd_sketch_set32(sk, out);
            /* sorted: the values below CONT_LIMIT lead */
            const uint32_t below = (uint32_t)nd_lower_bound_u32(out, m, CONT_LIMIT);
            d->sets.mem.len += m;
            r.num_shingles = (uint32_t)m;
            samp = below;
            if (cont_on(d) && !d->sampv_off && below) {
                ND_TRY(nd_vec_reserve(&d->sampv, &d->alloc, d->sampv.len + below));
                memcpy((uint32_t *)d->sampv.data + d->sampv.len, out, below * sizeof *out);
                d->sampv.len += below;
            }
        } else if (!d->simhash) {
            ND_TRY(nd_vec_reserve(&d->sets.mem, &d->alloc, d->sets.mem.len + k));
            memcpy((uint32_t *)d->sets.mem.data + d->sets.mem.len, sk->signature,
                   k * sizeof(uint32_t));
            d->sets.mem.len += k;
        }
        uint64_t fkeys[ND_SIMHASH_MAX_TABLES];
        if (d->simhash)
            (void)nd_simhash_keys(fp, d->simhash_k, fkeys);
        for (unsigned b = 0; b < d->bands; b++) {
            const uint64_t key = d->simhash ? fkeys[b]
                               : sk->band_keys && sk->num_bands == d->bands &&
                                         sk->band_rows == d->rows
                                   ? sk->band_keys[b]
                                   : nd_band_key(sk->signature, b, d->rows);
            ((uint64_t *)d->bk[b].data)[d->bk[b].len++] = ((key ^ (key >> 32)) << 32) | id;
        }
        /* The template band: documents of one template hash share a bucket. */
        if (d->nbk > d->bands && sk->template_hash)
            ((uint64_t *)d->bk[d->bands].data)[d->bk[d->bands].len++] =
                ((uint64_t)fold32(sk->template_hash) << 32) | id;
    }
    if (d->nbk > d->bands) {
        uint32_t *tv = (uint32_t *)d->tmpl.data + 2 * id;
        tv[0] = sk->num_shingles ? fold32(sk->template_hash) : 0;
        tv[1] = fold32(sk->template_values);
        d->tmpl.len = id + 1;
    }
    if (d->dates.len || (doc && doc->has_date)) {
        ND_VEC_AT(&d->dates, double, id) = doc && doc->has_date ? doc->date : NAN;
        d->dates.len = id + 1;
    }
    uint64_t *ex = (uint64_t *)d->exact.data + 2 * id;
    ex[0] = sk->exact_lo;
    ex[1] = sk->exact_hi;
    d->exact.len = id + 1;
    if (d->simhash) {
        ND_VEC_AT(&d->fps, uint64_t, id) = fp;
        d->fps.len = id + 1;
    }
    ND_VEC_AT(&d->docs, doc_rec, id) = r;
    d->docs.len = id + 1;
    if (cont_on(d)) {
        ND_VEC_AT(&d->samp, uint32_t, id) = samp;
        d->samp.len = id + 1;
    }
    d->invalid_bytes += sk->invalid_bytes;
    d->bytes += length;
    d->empty_docs += r.num_shingles == 0;
    if (d->params.memory && buffered_bytes(d) > d->params.memory / 8) {
        st = spill_all(d);
        if (st != ND_OK)
            return st;
    }
    return ND_OK;
fail:
    /* Roll back whatever part of this document was appended. */
    d->keys.len = keys_len;
    if (d->keyrecs.len > id)
        d->keyrecs.len = id;
    d->sets.mem.len = sets_len;
    if (d->tmpl.len > id)
        d->tmpl.len = id;
    if (d->dates.len > id)
        d->dates.len = id;
    if (!d->sampv_off)
        d->sampv.len = sampv_len;
    if (!d->detail[0])
        nd_detail_set(d->detail, "adding document %zu: %s", id, nd_strerror(st));
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

typedef nd_sim sim;

/* Per-thread buffers for sets read back from spill files. */
typedef struct scratch {
    nd_vec a, b;
} scratch;


static const doc_rec *rec_of(const nd_dedup *d, uint32_t doc)
{
    return &ND_VEC_AT(&d->docs, doc_rec, doc);
}

/* count for documents a and b: shared shingles, or equal signature positions
 * (SimHash: equal fingerprint bits).
 * A set already at hand for a may be passed as a_set (NULL: read it). */
static nd_status count_of(const nd_dedup *d, uint32_t a, const void *a_set, uint32_t b,
                          scratch *sc, uint32_t *out)
{
    const doc_rec *ra = rec_of(d, a), *rb = rec_of(d, b);
    const unsigned k = d->params.num_perm;
    const int ex = exact_mode(d);
    const void *pa = a_set, *pb;
    nd_status st;
    if (fp_mode(d)) {
        const uint64_t *fp = d->fps.data;
        *out = 64 - nd_hamming(fp[a], fp[b]);
        return ND_OK;
    }
    if (!pa && (st = store_get(d, &d->sets, ra->sh_off, ex ? ra->num_shingles : k, &sc->a,
                               &pa)) != ND_OK)
        return st;
    if ((st = store_get(d, &d->sets, rb->sh_off, ex ? rb->num_shingles : k, &sc->b, &pb)) !=
        ND_OK)
        return st;
    if (ex) {
        *out = (uint32_t)nd_intersect_u32(pa, ra->num_shingles, pb, rb->num_shingles);
    } else {
        const uint32_t *x = pa, *y = pb;
        uint32_t eq = 0;
        for (unsigned i = 0; i < k; i++)
            eq += x[i] == y[i];
        *out = eq;
    }
    return ND_OK;
}

/* The figures of a against b from their count (relate.c). */
static sim sim_of(const nd_dedup *d, uint32_t a, uint32_t b, uint32_t count)
{
    return nd_sim_figures(&d->params, rec_of(d, a)->num_shingles, rec_of(d, b)->num_shingles,
                          count);
}

static nd_relation relate(const nd_dedup *d, const sim *s) { return nd_relate(&d->params, s); }

/* The relation of documents x and y of two different units: templates when
 * their template hashes agree and their values past a header block differ,
 * or they are dated more than ND_P_REPORT_WINDOW apart (the same text sent
 * again later); else what their figures make them. */
static nd_relation rel_of(const nd_dedup *d, uint32_t x, uint32_t y, const sim *s)
{
    if (d->tmpl.len) {
        const uint32_t *tx = (const uint32_t *)d->tmpl.data + 2 * (size_t)x,
                       *ty = (const uint32_t *)d->tmpl.data + 2 * (size_t)y;
        if (tx[0] && tx[0] == ty[0]) {
            if (tx[1] != ty[1])
                return ND_REL_TEMPLATE;
            if (d->dates.len) {
                const double dx = ND_VEC_AT(&d->dates, double, x),
                             dy = ND_VEC_AT(&d->dates, double, y);
                if (fabs(dx - dy) > d->params.report_window)  /* false with a NAN */
                    return ND_REL_TEMPLATE;
            }
        }
    }
    return relate(d, s);
}

/* ---- survivor order ---------------------------------------------------- */

static int cmp_keys(const nd_dedup *d, const key_rec *x, const key_rec *y)
{
    if (x->is_num && y->is_num)
        return (x->num > y->num) - (x->num < y->num);
    const char *kx = (const char *)d->keys.data + x->off;
    const char *ky = (const char *)d->keys.data + y->off;
    const size_t n = x->len < y->len ? x->len : y->len;
    const int c = n ? memcmp(kx, ky, n) : 0;
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

static int cmp_priority(const void *pa, const void *pb, void *ctx)
{
    const nd_dedup *d = ctx;
    const uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const doc_rec *x = rec_of(d, a), *y = rec_of(d, b);
    int c = 0;
    switch (d->params.keep) {
    case ND_KEEP_FIRST:
        break;
    case ND_KEEP_LONGEST:
        c = (x->length < y->length) - (x->length > y->length);
        break;
    case ND_KEEP_KEY_MIN:
    case ND_KEEP_KEY_MAX: {
        static const key_rec none;
        const key_rec *kx = a < d->keyrecs.len ? &ND_VEC_AT(&d->keyrecs, key_rec, a) : &none;
        const key_rec *ky = b < d->keyrecs.len ? &ND_VEC_AT(&d->keyrecs, key_rec, b) : &none;
        if (kx->has != ky->has)
            c = kx->has ? -1 : 1;
        else if (kx->has)
            c = d->params.keep == ND_KEEP_KEY_MIN ? cmp_keys(d, kx, ky) : cmp_keys(d, ky, kx);
        break;
    }
    }
    if (c)
        return c;
    return (a > b) - (a < b);
}

/* ---- the run ------------------------------------------------------------- */

/* Documents ordered by exact hash, then index (a permutation, 4 bytes a
 * document rather than a copy of the hashes). */
static int cmp_exact(const void *pa, const void *pb, void *ctx)
{
    const uint64_t *ex = ctx;
    const uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const uint64_t *x = ex + 2 * (size_t)a, *y = ex + 2 * (size_t)b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    if (x[1] != y[1])
        return x[1] < y[1] ? -1 : 1;
    return (a > b) - (a < b);
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
    uint32_t *cand_count;   /* count of each candidate (leading documents), or NULL */
    size_t *adj_start;      /* CSR adjacency, U + 1 */
    uint32_t *adj;
    unsigned threads;
    scratch *sc;            /* per thread */
    int count_placement;    /* cand_count given without want_pairs (a distributed
                               run): count the pairs placement looks at as verified,
                               as a run verifying them then would */
} run_state;

static void run_state_free(run_state *rs, const nd_alloc_ctx *a)
{
    nd_free(a, rs->unit_of);
    nd_free(a, rs->unit_start);
    nd_free(a, rs->unit_docs);
    nd_free(a, rs->cand);
    nd_free(a, rs->cand_count);
    nd_free(a, rs->adj_start);
    nd_free(a, rs->adj);
    if (rs->sc)
        for (unsigned t = 0; t < rs->threads; t++) {
            nd_vec_free(&rs->sc[t].a, a);
            nd_vec_free(&rs->sc[t].b, a);
        }
    nd_free(a, rs->sc);
}

static uint32_t leader_of(const run_state *rs, uint32_t u)
{
    return rs->unit_docs[rs->unit_start[u]];
}

/* ---- reports in an exact group (ND_P_REPORT_WINDOW) ----------------------- */

typedef struct report_ctx {
    const uint32_t *g;
    const double *dt;
} report_ctx;

/* Positions in a group by date (a document without one first), then document. */
static int cmp_report(const void *pa, const void *pb, void *ctx)
{
    const report_ctx *c = ctx;
    const uint32_t i = *(const uint32_t *)pa, j = *(const uint32_t *)pb;
    const int ni = isnan(c->dt[i]), nj = isnan(c->dt[j]);
    if (ni != nj)
        return nj - ni;
    if (!ni && c->dt[i] != c->dt[j])
        return c->dt[i] < c->dt[j] ? -1 : 1;
    return (c->g[i] > c->g[j]) - (c->g[i] < c->g[j]);
}

/* Cuts the exact group g[0..n) (documents ascending) into the reports it
 * holds: in date order, a report takes the documents dated up to `window`
 * days after its first; documents without a date join the earliest report
 * (nothing says they are another). lead[i] gets the leader of g[i]'s report,
 * its smallest document. dt[i] is g[i]'s date (NAN: none); when two or more
 * are dated (*cut), it becomes the date of g[i]'s report (its first), which
 * rel_of compares. One home for build_units and the distributed run's
 * dist_exact. */
static nd_status split_reports(const nd_alloc_ctx *a, const uint32_t *g, double *dt,
                               size_t n, double window, uint32_t *lead, int *cut)
{
    size_t dated = 0;
    for (size_t i = 0; i < n; i++)
        dated += !isnan(dt[i]);
    *cut = dated >= 2;
    if (!*cut) {  /* one report */
        for (size_t i = 0; i < n; i++)
            lead[i] = g[0];
        return ND_OK;
    }
    uint32_t *ord = nd_malloc(a, n * sizeof *ord);
    uint32_t *rep = nd_malloc(a, n * sizeof *rep);
    double *fd = nd_malloc(a, n * sizeof *fd);
    if (!ord || !rep || !fd) {
        nd_free(a, ord);
        nd_free(a, rep);
        nd_free(a, fd);
        return ND_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        ord[i] = (uint32_t)i;
    report_ctx c = {g, dt};
    qsort_r(ord, n, sizeof *ord, cmp_report, &c);
    /* rep[i]: the report of g[i], numbered from 0 in date order */
    const size_t undated = n - dated;
    uint32_t r = 0;
    double first = dt[ord[undated]];
    fd[0] = first;
    for (size_t k = undated; k < n; k++) {
        if (dt[ord[k]] > first + window) {
            r++;
            first = dt[ord[k]];
            fd[r] = first;
        }
        rep[ord[k]] = r;
    }
    for (size_t k = 0; k < undated; k++)
        rep[ord[k]] = 0;
    /* each report's smallest document: g ascending, so its first position */
    for (size_t k = 0; k < n; k++)
        ord[k] = UINT32_MAX;
    for (size_t i = 0; i < n; i++)
        if (ord[rep[i]] == UINT32_MAX)
            ord[rep[i]] = g[i];
    for (size_t i = 0; i < n; i++) {
        lead[i] = ord[rep[i]];
        dt[i] = fd[rep[i]];
    }
    nd_free(a, ord);
    nd_free(a, rep);
    nd_free(a, fd);
    return ND_OK;
}

static void units_from_leaders(run_state *rs, const uint32_t *leader, size_t n);

static nd_status build_units(nd_dedup *d, run_state *rs)
{
    const size_t n = d->docs.len;
    const nd_alloc_ctx *a = &d->alloc;
    uint32_t *ek = nd_malloc(a, (n ? n : 1) * sizeof *ek);
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
    const uint64_t *ex = d->exact.data;
    for (size_t i = 0; i < n; i++) {
        leader[i] = (uint32_t)i;
        if (rec_of(d, (uint32_t)i)->num_shingles)
            ek[m++] = (uint32_t)i;
    }
    if (m)
        qsort_r(ek, m, sizeof *ek, cmp_exact, (void *)(uintptr_t)ex);
    nd_status st = ND_OK;
    double *dt = NULL;
    uint32_t *lead = NULL;
    for (size_t i = 0, j; i < m; i = j) {
        const uint64_t *x = ex + 2 * (size_t)ek[i];
        for (j = i + 1; j < m; j++) {
            const uint64_t *y = ex + 2 * (size_t)ek[j];
            if (x[0] != y[0] || x[1] != y[1])
                break;
        }
        if (j - i == 1)
            continue;
        /* copies dated apart are other reports when they have a template */
        if (!d->dates.len || !d->tmpl.len || !((uint32_t *)d->tmpl.data)[2 * (size_t)ek[i]]) {
            for (size_t k = i + 1; k < j; k++)
                leader[ek[k]] = ek[i];
            continue;
        }
        if (!dt) {
            dt = nd_malloc(a, m * sizeof *dt);
            lead = nd_malloc(a, m * sizeof *lead);
            if (!dt || !lead) {
                st = ND_E_NOMEM;
                break;
            }
        }
        for (size_t k = i; k < j; k++)
            dt[k - i] = ND_VEC_AT(&d->dates, double, ek[k]);
        int cut;
        if ((st = split_reports(a, ek + i, dt, j - i, d->params.report_window, lead, &cut)) !=
            ND_OK)
            break;
        for (size_t k = i; k < j; k++) {
            leader[ek[k]] = lead[k - i];
            ND_VEC_AT(&d->dates, double, ek[k]) = dt[k - i];  /* its report's date */
        }
    }
    nd_free(a, dt);
    nd_free(a, lead);
    nd_free(a, ek);
    if (st != ND_OK) {
        nd_free(a, leader);
        return st;
    }
    /* The exact hashes are not needed any more. */
    nd_vec_free(&d->exact, a);
    units_from_leaders(rs, leader, n);
    nd_free(a, leader);
    return ND_OK;
}

/* Units from leader[doc] (the first document of its exact group, <= doc),
 * numbered in order of their leader; rs->unit_of, unit_start and unit_docs
 * are allocated. */
static void units_from_leaders(run_state *rs, const uint32_t *leader, size_t n)
{
    uint32_t u = 0;
    for (size_t i = 0; i < n; i++)
        rs->unit_of[i] = leader[i] == i ? u++ : rs->unit_of[leader[i]];
    rs->num_units = u;
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
}

/* ---- candidates ----------------------------------------------------------- */

/* One sorted source of band entries: a run read from the band file through a
 * buffer, or the in-memory tail. */
typedef struct msrc {
    const uint64_t *p, *end;
    uint64_t file_pos, file_left;  /* entries still in the file */
    uint64_t *buf;
    size_t cap;                    /* entries buf holds */
} msrc;

typedef struct band_ctx {
    nd_dedup *d;
    run_state *rs;
    nd_vec *pairs;       /* per thread, uint64 */
    nd_vec *grp;         /* per thread, uint32 units of the current bucket */
    nd_vec *tmp;         /* per thread, uint64 sort scratch */
    size_t *compact_at;  /* per thread, pair count that triggers de-duplication */
    nd_status *st;       /* per thread, first error */
} band_ctx;

static nd_status msrc_fill(const nd_dedup *d, msrc *s)
{
    if (s->p < s->end || !s->file_left)
        return ND_OK;
    const size_t n = s->file_left < s->cap ? (size_t)s->file_left : s->cap;
    if (nd_spill_read(&d->band_file, s->file_pos * sizeof(uint64_t), s->buf,
                      n * sizeof(uint64_t)) != ND_OK)
        return ND_E_IO;
    s->file_pos += n;
    s->file_left -= n;
    s->p = s->buf;
    s->end = s->buf + n;
    return ND_OK;
}

/* The window rule of a bucket of e units (ascending): unit x pairs with the
 * units after it up to the one before window_end(x, e), that is the next
 * CAND_WINDOW, or all the others for the first CAND_WINDOW (and where fewer
 * than CAND_WINDOW are left). emit_bucket and the distributed run's
 * dist_bucket share it: their pairs must be the same. */
static size_t window_end(size_t x, size_t e)
{
    return x < CAND_WINDOW || e - x - 1 <= CAND_WINDOW ? e : x + 1 + CAND_WINDOW;
}

/* Pairs of a bucket's units (ascending), by the window rule. */
static nd_status emit_bucket(nd_dedup *d, const run_state *rs, unsigned band, nd_vec *grp,
                             nd_vec *pairs, size_t *compact_at)
{
    const uint32_t *g = grp->data;
    const size_t e = grp->len;
    nd_status st = ND_OK;
    const uint64_t *fp = d->fps.data;
    for (size_t x = 0; x < e; x++) {
        const size_t end = window_end(x, e);
        ND_TRY(nd_vec_reserve(pairs, &d->alloc, pairs->len + (end - x)));
        uint64_t *p = (uint64_t *)pairs->data + pairs->len;
        if (d->simhash && band < d->bands) {
            /* SimHash: a shared table key is a candidate only within distance k */
            const uint64_t fx = fp[leader_of(rs, g[x])];
            for (size_t y = x + 1; y < end; y++)
                if (nd_hamming(fx, fp[leader_of(rs, g[y])]) <= d->simhash_k)
                    *p++ = ((uint64_t)g[x] << 32) | g[y];
        } else {
            for (size_t y = x + 1; y < end; y++)
                *p++ = ((uint64_t)g[x] << 32) | g[y];
        }
        pairs->len = (size_t)(p - (uint64_t *)pairs->data);
    }
    grp->len = 0;
    /* Keep the pair list compact as we go: de-duplicate it each time it has
     * doubled since the last time (so the cost stays linear in the pairs
     * emitted, however the buckets come). */
    if (pairs->len > *compact_at) {
        uint64_t *pt = nd_malloc(&d->alloc, pairs->len * sizeof *pt);
        if (!pt)
            return ND_E_NOMEM;
        pairs->len = nd_sort_unique_u64(pairs->data, pt, pairs->len);
        nd_free(&d->alloc, pt);
        const size_t floor = 4 * (size_t)rs->num_units + 1024;
        *compact_at = 2 * pairs->len > floor ? 2 * pairs->len : floor;
    }
fail:
    return st;
}

/* Heap of source indices ordered by their current entry. */
static void heap_down(msrc *src, uint32_t *h, size_t n, size_t i)
{
    for (;;) {
        size_t m = i, l = 2 * i + 1, r = l + 1;
        if (l < n && *src[h[l]].p < *src[h[m]].p)
            m = l;
        if (r < n && *src[h[r]].p < *src[h[m]].p)
            m = r;
        if (m == i)
            return;
        const uint32_t t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static nd_status one_band(nd_dedup *d, run_state *rs, unsigned band, nd_vec *pairs,
                          nd_vec *grp, nd_vec *tmp, size_t *compact_at)
{
    const nd_alloc_ctx *a = &d->alloc;
    nd_status st = ND_OK;
    nd_vec *tail = &d->bk[band];
    size_t nruns = 0;
    for (size_t i = 0; i < d->runs.len; i++)
        nruns += ND_VEC_AT(&d->runs, band_run, i).band == band;
    msrc *src = nd_calloc(a, nruns + 1, sizeof *src);
    uint32_t *heap = nd_malloc(a, (nruns + 1) * sizeof *heap);
    ND_TRY(nd_vec_reserve(tmp, a, tail->len));
    nd_sort_u64(tail->data, tmp->data, tail->len);
    if (!src || !heap) {
        st = ND_E_NOMEM;
        goto fail;
    }
    size_t ns = 0;
    for (size_t i = 0; i < d->runs.len; i++) {
        const band_run *r = &ND_VEC_AT(&d->runs, band_run, i);
        if (r->band != band)
            continue;
        msrc *s = &src[ns++];
        s->file_pos = r->off;
        s->file_left = r->count;
        /* A small run gets a small buffer: many spill rounds make many
         * runs, and their buffers add up. */
        s->cap = r->count < MERGE_BUF ? (size_t)r->count : MERGE_BUF;
        s->buf = nd_malloc(a, s->cap * sizeof(uint64_t));
        if (!s->buf) {
            st = ND_E_NOMEM;
            goto fail;
        }
        ND_TRY(msrc_fill(d, s));
    }
    if (tail->len) {
        src[ns].p = tail->data;
        src[ns].end = (const uint64_t *)tail->data + tail->len;
        ns++;
    }
    size_t nh = 0;
    for (size_t i = 0; i < ns; i++)
        if (src[i].p < src[i].end)
            heap[nh++] = (uint32_t)i;
    for (size_t i = nh; i-- > 0;)
        heap_down(src, heap, nh, i);
    uint64_t cur = 0;
    int have = 0;
    grp->len = 0;
    while (nh) {
        msrc *s = &src[heap[0]];
        const uint64_t v = *s->p++;
        if (s->p == s->end) {
            ND_TRY(msrc_fill(d, s));
            if (s->p == s->end)
                heap[0] = heap[--nh];
        }
        heap_down(src, heap, nh, 0);
        if (!have || (v >> 32) != cur) {
            if (grp->len > 1)
                ND_TRY(emit_bucket(d, rs, band, grp, pairs, compact_at));
            grp->len = 0;
            cur = v >> 32;
            have = 1;
        }
        const uint32_t doc = (uint32_t)v, u = rs->unit_of[doc];
        if (leader_of(rs, u) == doc)
            ND_TRY(nd_vec_push(grp, a, &u));
    }
    if (grp->len > 1)
        ND_TRY(emit_bucket(d, rs, band, grp, pairs, compact_at));
fail:
    if (src)
        for (size_t i = 0; i < nruns; i++)
            nd_free(a, src[i].buf);
    nd_free(a, src);
    nd_free(a, heap);
    return st;
}

static void band_task(void *arg, size_t begin, size_t end, unsigned t)
{
    band_ctx *c = arg;
    for (size_t b = begin; b < end && c->st[t] == ND_OK; b++)
        c->st[t] = one_band(c->d, c->rs, (unsigned)b, &c->pairs[t], &c->grp[t], &c->tmp[t],
                            &c->compact_at[t]);
}

static nd_status build_adjacency(nd_dedup *d, run_state *rs);

/* ---- containment candidates ------------------------------------------------ */

/* A sampled shingle in more than CONT_HEAVY units' samples (a boilerplate
 * phrase) pairs nobody: it only lowers the count its units need. */
#define CONT_HEAVY 64


/* A pair is missed with probability below CONT_MISS where the count alone
 * decides (see cont_need). */
#define CONT_MISS 1e-3

/* log of the binomial coefficient (n k); lgamma_r: lgamma writes signgam */
static double log_choose(double n, double k)
{
    int sg;
    return lgamma_r(n + 1, &sg) - lgamma_r(k + 1, &sg) - lgamma_r(n - k + 1, &sg);
}

/* The shared sampled shingles a document of n shingles, sampled of them in its
 * sample, needs with another before that pair is a candidate. If A is
 * contained in B (|A&B| >= t |A|, as nd_sim_figures decides it), A shares at
 * least c of its n shingles with B, c the least count that passes. The
 * sample is A's shingles whose hash is below CONT_LIMIT, the same cut in B,
 * so the shared sampled shingles X are those of A's sampled ones that are
 * among the c shared: for a hash that spreads shingles at random, X is
 * hypergeometric (n, c, sampled). X >= sampled - (n - c) always (the exact
 * bound: A has only n - c shingles outside B); the need is the least count
 * X reaches but with probability CONT_MISS, found by walking the pmf up from
 * that bound. A pair sharing more than c shingles reaches it more often. */
static uint32_t cont_need(const nd_dedup *d, uint32_t n, uint32_t sampled)
{
    const double t = d->params.containment;
    uint32_t c = (uint32_t)ceil(t * n);
    while (c > 0 && (double)(c - 1) / n >= t)
        c--;
    while (c < n && (double)c / n < t)
        c++;
    const uint32_t out = n - c;
    uint32_t x = sampled > out ? sampled - out : 0;
    const uint32_t top = sampled < c ? sampled : c;
    /* For a large document the first terms are far below the smallest
     * double (exp(-745)): the walk sums the pmf relative to its first term
     * (term, sum), in plain arithmetic, and the scale (the first term's log,
     * lthr the bound's log on that scale) moves up whenever term grows past
     * 1e200 (a log and an exp then, not three a step). */
    const double lpmf = log_choose(c, x) + log_choose(out, sampled - x) - log_choose(n, sampled);
    double lthr = log(CONT_MISS) - lpmf, term = 1, sum = 0;
    double thr = lthr < 700 ? exp(lthr) : INFINITY;
    for (; x < top; x++) {
        sum += term;
        if (sum > thr)
            break;
        /* pmf(x + 1) / pmf(x) */
        term *= (double)(c - x) * (sampled - x) / ((double)(x + 1) * (out - sampled + x + 1));
        if (term > 1e200) {
            lthr -= log(term);
            sum /= term;
            term = 1;
            thr = lthr < 700 ? exp(lthr) : INFINITY;
        }
    }
    return x > 0 ? x : 1;
}

/* The sample of document doc: the first d->samp[doc] values of its set, in
 * *h[0..*k); buf holds them when read back from a spill file. */
static nd_status cont_sample(const nd_dedup *d, uint32_t doc, nd_vec *buf, const uint32_t **h,
                             uint32_t *k)
{
    const void *set;
    *k = ND_VEC_AT(&d->samp, uint32_t, doc);
    *h = NULL;
    if (!*k)
        return ND_OK;
    if (d->samp_at) {
        *h = (const uint32_t *)d->sampv.data + d->samp_at[doc];
        return ND_OK;
    }
    const nd_status st = store_get(d, &d->sets, rec_of(d, doc)->sh_off, *k, buf, &set);
    *h = set;
    return st;
}

/* With the samples side by side in memory (nothing spilled), where each
 * document's starts, for cont_sample; otherwise nothing (read from the sets). */
static nd_status cont_index(nd_dedup *d)
{
    if (d->sampv_off || d->samp_at)
        return ND_OK;
    const size_t n = d->samp.len;
    if (!(d->samp_at = nd_malloc(&d->alloc, (n ? n : 1) * sizeof *d->samp_at)))
        return ND_E_NOMEM;
    uint64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        d->samp_at[i] = at;
        at += ND_VEC_AT(&d->samp, uint32_t, i);
    }
    return ND_OK;
}

/* The samples are done with: their side-by-side copy is freed, and would be
 * read from the sets again. */
static void cont_drop(nd_dedup *d)
{
    nd_free(&d->alloc, d->samp_at);
    d->samp_at = NULL;
    nd_vec_free(&d->sampv, &d->alloc);
    d->sampv_off = 1;
}

/* Sorts the entries of one counting bucket (a few values) in place. */
static void sort_small_u64(uint64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const uint64_t v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

/* The sorted sample entries e[0..n): every pair of ids sharing a light bucket,
 * once a bucket (so a pair comes as often as the sampled shingles it shares),
 * to pairs; the id of each entry of a heavy bucket to heavy. */
static nd_status cont_buckets(const nd_dedup *d, const uint64_t *e, size_t n, nd_vec *pairs,
                              nd_vec *heavy)
{
    nd_status st = ND_OK;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && e[j] >> 32 == e[i] >> 32; j++)
            ;
        if (j - i > CONT_HEAVY) {
            for (size_t x = i; x < j; x++) {
                const uint32_t id = (uint32_t)e[x];
                ND_TRY(nd_vec_push(heavy, &d->alloc, &id));
            }
            continue;
        }
        for (size_t x = i; x < j; x++)
            for (size_t y = x + 1; y < j; y++) {
                const uint64_t pr = (e[x] << 32) | (uint32_t)e[y];
                ND_TRY(nd_vec_push(pairs, &d->alloc, &pr));
            }
    }
fail:
    return st;
}

/* What a unit of sampled shingles, heavy of them in heavy buckets, needs of
 * light ones: cont_need less the heavy ones (they might all be shared). */
static uint32_t cont_need_light(uint32_t need, uint32_t heavy)
{
    return need > heavy + 1 ? need - heavy : 1;
}

/* One chunk of units in a containment pass: how many of its sample entries
 * fall in each counting bucket, then where its next one goes. */
typedef struct cont_chunk {
    uint32_t *pos;      /* nb: entries in each bucket */
    uint32_t *cpos;     /* ncoarse: where its next entry of each coarse range goes */
    nd_status st;
} cont_chunk;

typedef struct cont_ctx {
    nd_dedup *d;
    run_state *rs;
    cont_chunk *ch;
    size_t nch;
    uint32_t *need;
    uint32_t lo, hi;    /* this part's hashes */
    unsigned shift;     /* bucket = (hash - lo) >> shift */
    uint32_t nb;
    int first;          /* the first part: fill need */
    int scatter;        /* cont_collect's second pass */
    uint64_t *e;        /* all entries, by bucket */
    const uint32_t *gstart;  /* nb + 1: where each bucket starts in e */
    unsigned cshift;    /* coarse range of bucket b: b >> cshift */
    uint32_t ncoarse;
    nd_vec *tbuf;       /* per thread: one coarse range's entries */
    uint32_t **tcur;    /* per thread: 1 << cshift bucket cursors */
    nd_vec *tpairs;     /* per thread: pair occurrences (cont_buckets) */
    nd_vec *theavy;     /* per thread: ids in heavy buckets */
    nd_status *tst;     /* per thread */
} cont_ctx;

/* Pass 1 (x->scatter 0): chunk c's sample entries in this part counted by
 * bucket, and each unit's need; pass 2 (x->scatter 1): the entries written
 * to their buckets' places. The samples are read twice rather than copied:
 * reading memory already there is cheaper than writing new. */
static void cont_collect(void *arg, size_t begin, size_t end, unsigned t)
{
    cont_ctx *x = arg;
    const nd_dedup *d = x->d;
    const uint32_t U = x->rs->num_units;
    for (size_t c = begin; c < end; c++) {
        cont_chunk *ch = &x->ch[c];
        if (!x->scatter)
            memset(ch->pos, 0, x->nb * sizeof *ch->pos);
        const uint32_t u0 = (uint32_t)((uint64_t)U * c / x->nch);
        const uint32_t u1 = (uint32_t)((uint64_t)U * (c + 1) / x->nch);
        for (uint32_t u = u0; u < u1 && ch->st == ND_OK; u++) {
            const uint32_t doc = leader_of(x->rs, u), ns = rec_of(d, doc)->num_shingles;
            const uint32_t *h;
            uint32_t k;
            if (!ns)
                continue;
            if ((ch->st = cont_sample(d, doc, &x->rs->sc[t].a, &h, &k)) != ND_OK)
                break;
            if (x->first && !x->scatter)
                x->need[u] = cont_need(d, ns, k);
            uint32_t i = 0;
            while (i < k && h[i] < x->lo)
                i++;
            if (!x->scatter)
                for (; i < k && h[i] < x->hi; i++)
                    ch->pos[(h[i] - x->lo) >> x->shift]++;
            else
                for (; i < k && h[i] < x->hi; i++)
                    x->e[ch->cpos[(h[i] - x->lo) >> x->shift >> x->cshift]++] =
                        (uint64_t)h[i] << 32 | u;
        }
    }
}

/* Pass 3: each bucket sorted in place. */
static void cont_sort(void *arg, size_t begin, size_t end, unsigned t)
{
    cont_ctx *x = arg;
    const uint32_t per = (uint32_t)1 << x->cshift;
    for (size_t c = begin; c < end && x->tst[t] == ND_OK; c++) {
        /* coarse range c, [from, to) of e: to a buffer, then back by bucket
         * (the writes stay within the range: a cache-sized scatter) */
        const uint32_t b0 = (uint32_t)c * per;
        const uint32_t from = x->gstart[b0], to = x->gstart[b0 + per];
        nd_vec *buf = &x->tbuf[t];
        if (from == to)
            continue;
        if ((x->tst[t] = nd_vec_reserve(buf, &x->d->alloc, to - from)) != ND_OK)
            return;
        uint64_t *v = buf->data;
        memcpy(v, x->e + from, (to - from) * sizeof *v);
        uint32_t *cur = x->tcur[t];
        for (uint32_t b = 0; b < per; b++)
            cur[b] = x->gstart[b0 + b];
        for (uint32_t i = 0; i < to - from; i++)
            x->e[cur[(((uint32_t)(v[i] >> 32) - x->lo) >> x->shift) - b0]++] = v[i];
        /* each bucket sorted: a few entries by insertion, more (a large
         * collection, or a common hash) by radix, v being free again */
        for (uint32_t b = b0; b < b0 + per; b++) {
            const uint32_t m = x->gstart[b + 1] - x->gstart[b];
            if (m <= 32)
                sort_small_u64(x->e + x->gstart[b], m);
            else
                nd_sort_u64(x->e + x->gstart[b], v, m);
        }
        /* the pairs of its buckets (no bucket crosses a coarse range) */
        if ((x->tst[t] = cont_buckets(x->d, x->e + from, to - from, &x->tpairs[t],
                                      &x->theavy[t])) != ND_OK)
            return;
    }
}

/* Containment candidates (single process): pairs of units that share at
 * least as many light sampled shingles as one of them needs, appended to out
 * as (u << 32 | v), u < v. Exact for every pair where one document is at
 * least ND_P_CONTAINMENT contained in the other, except where the smaller
 * has fewer sampled shingles than it may have outside the other, or where
 * heavy shingles take up its need (counted in stats.cont_inexact).
 *
 * The sample entries (hash << 32 | unit) are placed by parallel counting
 * passes on the hash's top bits rather than radix-sorted whole: counted and
 * written by coarse range (cont_collect), then within each range by bucket,
 * each bucket sorted and paired (cont_sort). Under a memory budget the hash range is cut into
 * parts (a power of two) that each fit an eighth of it, each part a pass
 * over the samples; the pairs add up across parts. */
static nd_status cont_candidates(nd_dedup *d, run_state *rs, nd_vec *out)
{
    const nd_alloc_ctx *a = &d->alloc;
    const uint32_t U = rs->num_units;
    nd_status st = ND_OK;
    nd_vec pairs, heavy;
    nd_vec_init(&pairs, sizeof(uint64_t), SIZE_MAX / 16);
    nd_vec_init(&heavy, sizeof(uint32_t), UINT32_MAX);
    cont_ctx x = {.d = d, .rs = rs, .nch = rs->threads};
    uint64_t *tmp = NULL;
    if ((st = cont_index(d)) != ND_OK)
        return st;
    uint32_t *gstart = NULL;
    uint32_t *hv = nd_calloc(a, U ? U : 1, sizeof *hv);
    x.need = nd_calloc(a, U ? U : 1, sizeof *x.need);
    x.ch = nd_calloc(a, x.nch, sizeof *x.ch);
    if (!hv || !x.need || !x.ch) {
        st = ND_E_NOMEM;
        goto fail;
    }
    uint64_t expect = 1;  /* the sample entries, all parts */
    for (uint32_t u = 0; u < U; u++)
        expect += ND_VEC_AT(&d->samp, uint32_t, leader_of(rs, u));
    /* 2^pbits parts: each fits an eighth of the budget, and its positions
     * 32 bits (at most 2^30 entries expected) */
    uint64_t fit = (uint64_t)1 << 30;
    if (d->params.memory && d->params.memory / 8 / (2 * sizeof(uint64_t)) + 1 < fit)
        fit = d->params.memory / 8 / (2 * sizeof(uint64_t)) + 1;
    unsigned pbits = 0;
    while (pbits < 20 && (expect >> pbits) > fit)
        pbits++;
    const uint64_t part_entries = (expect >> pbits) + 1;
    unsigned bits = 4;
    while (bits < 20 && bits < 29 - pbits && ((uint64_t)1 << bits) < part_entries / 4)
        bits++;
    x.nb = (uint32_t)1 << bits;
    x.shift = 29 - pbits - bits;
    const unsigned cbits = bits < 8 ? bits : 8;
    x.cshift = bits - cbits;
    x.ncoarse = (uint32_t)1 << cbits;
    const unsigned T = rs->threads;
    x.tbuf = nd_calloc(a, T, sizeof *x.tbuf);
    x.tcur = nd_calloc(a, T, sizeof *x.tcur);
    x.tpairs = nd_calloc(a, T, sizeof *x.tpairs);
    x.theavy = nd_calloc(a, T, sizeof *x.theavy);
    x.tst = nd_calloc(a, T, sizeof *x.tst);
    if (!x.tbuf || !x.tcur || !x.tpairs || !x.theavy || !x.tst) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (unsigned t = 0; t < T; t++) {
        nd_vec_init(&x.tbuf[t], sizeof(uint64_t), SIZE_MAX / 16);
        nd_vec_init(&x.tpairs[t], sizeof(uint64_t), SIZE_MAX / 16);
        nd_vec_init(&x.theavy[t], sizeof(uint32_t), UINT32_MAX);
        x.tst[t] = ND_OK;
        if (!(x.tcur[t] = nd_malloc(a, ((size_t)1 << x.cshift) * sizeof *x.tcur[t]))) {
            st = ND_E_NOMEM;
            goto fail;
        }
    }
    gstart = nd_malloc(a, ((size_t)x.nb + 1) * sizeof *gstart);
    if (!gstart) {
        st = ND_E_NOMEM;
        goto fail;
    }
    x.gstart = gstart;
    for (size_t c = 0; c < x.nch; c++) {
        x.ch[c].cpos = nd_malloc(a, x.ncoarse * sizeof *x.ch[c].cpos);
        if (!(x.ch[c].pos = nd_malloc(a, x.nb * sizeof *x.ch[c].pos)) ||
            !x.ch[c].cpos) {
            st = ND_E_NOMEM;
            goto fail;
        }
    }
    size_t cap = 0;
    for (uint32_t part = 0; part < (1u << pbits); part++) {
        x.lo = part << (29 - pbits);
        x.hi = (uint32_t)(((uint64_t)part + 1) << (29 - pbits));
        x.first = part == 0;
        x.scatter = 0;
        nd_parallel(rs->threads, x.nch, 1, cont_collect, &x);
        for (size_t c = 0; c < x.nch; c++)
            if (x.ch[c].st != ND_OK) {
                st = x.ch[c].st;
                goto fail;
            }
        /* where each bucket starts; a chunk's entries of coarse range r go
         * after those of the chunks before it */
        uint64_t run = 0;
        for (uint32_t b = 0; b < x.nb; b++) {
            gstart[b] = (uint32_t)run;
            for (size_t c = 0; c < x.nch; c++)
                run += x.ch[c].pos[b];
        }
        if (run > UINT32_MAX) {  /* a hash range far from uniform: over 2^32 here */
            st = ND_E_LIMIT;
            goto fail;
        }
        gstart[x.nb] = (uint32_t)run;
        for (uint32_t r = 0, per = (uint32_t)1 << x.cshift; r < x.ncoarse; r++) {
            uint32_t at = gstart[r * per];
            for (size_t c = 0; c < x.nch; c++) {
                x.ch[c].cpos[r] = at;
                for (uint32_t b = r * per; b < (r + 1) * per; b++)
                    at += x.ch[c].pos[b];
            }
        }
        if (!x.e || run > cap) {
            nd_free(a, x.e);
            cap = run ? (size_t)run : 1;
            if (!(x.e = nd_malloc(a, cap * sizeof *x.e))) {
                st = ND_E_NOMEM;
                goto fail;
            }
        }
        x.scatter = 1;
        nd_parallel(rs->threads, x.nch, 1, cont_collect, &x);
        for (size_t c = 0; c < x.nch; c++)
            if (x.ch[c].st != ND_OK) {
                st = x.ch[c].st;
                goto fail;
            }
        nd_parallel(rs->threads, x.ncoarse, 1, cont_sort, &x);
        for (unsigned t = 0; t < T; t++)
            if (x.tst[t] != ND_OK) {
                st = x.tst[t];
                goto fail;
            }
    }
    /* the threads' pair occurrences together (their order does not matter:
     * they are sorted next) */
    for (unsigned t = 0; t < T; t++) {
        ND_TRY(nd_vec_append(&pairs, a, x.tpairs[t].data, x.tpairs[t].len * sizeof(uint64_t)));
        ND_TRY(nd_vec_append(&heavy, a, x.theavy[t].data, x.theavy[t].len * sizeof(uint32_t)));
        nd_vec_free(&x.tpairs[t], a);
        nd_vec_free(&x.theavy[t], a);
    }
    nd_free(a, x.e);
    x.e = NULL;
    cont_drop(d);
    for (size_t i = 0; i < heavy.len; i++)
        hv[ND_VEC_AT(&heavy, uint32_t, i)]++;
    for (uint32_t u = 0; u < U; u++) {
        if (x.need[u] && hv[u] && x.need[u] <= hv[u] + 1)
            d->stats.cont_inexact++;
        x.need[u] = cont_need_light(x.need[u], hv[u]);
    }
    if (!(tmp = nd_malloc(a, (pairs.len ? pairs.len : 1) * sizeof *tmp))) {
        st = ND_E_NOMEM;
        goto fail;
    }
    nd_sort_u64(pairs.data, tmp, pairs.len);
    const uint64_t *p = pairs.data;
    for (size_t i = 0, j; i < pairs.len; i = j) {
        for (j = i + 1; j < pairs.len && p[j] == p[i]; j++)
            ;
        const uint32_t cnt = (uint32_t)(j - i), u = (uint32_t)(p[i] >> 32), v = (uint32_t)p[i];
        if (cnt >= x.need[u] || cnt >= x.need[v]) {
            ND_TRY(nd_vec_push(out, a, &p[i]));
            d->stats.cont_candidates++;
        }
    }
fail:
    if (x.ch)
        for (size_t c = 0; c < x.nch; c++) {
            nd_free(a, x.ch[c].pos);
            nd_free(a, x.ch[c].cpos);
        }
    nd_free(a, x.ch);
    for (unsigned t = 0; x.tst && t < rs->threads; t++) {
        if (x.tbuf)
            nd_vec_free(&x.tbuf[t], a);
        if (x.tpairs)
            nd_vec_free(&x.tpairs[t], a);
        if (x.theavy)
            nd_vec_free(&x.theavy[t], a);
        if (x.tcur)
            nd_free(a, x.tcur[t]);
    }
    nd_free(a, x.tbuf);
    nd_free(a, x.tcur);
    nd_free(a, x.tpairs);
    nd_free(a, x.theavy);
    nd_free(a, x.tst);
    nd_free(a, x.e);
    nd_free(a, x.need);
    nd_free(a, tmp);
    nd_free(a, gstart);
    nd_free(a, hv);
    nd_vec_free(&pairs, a);
    nd_vec_free(&heavy, a);
    return st;
}

static nd_status build_candidates(nd_dedup *d, run_state *rs)
{
    const nd_alloc_ctx *a = &d->alloc;
    const uint32_t U = rs->num_units;
    const unsigned T = rs->threads;
    nd_status st = ND_OK;
    band_ctx c = {.d = d, .rs = rs};
    c.pairs = nd_calloc(a, T, sizeof *c.pairs);
    c.grp = nd_calloc(a, T, sizeof *c.grp);
    c.tmp = nd_calloc(a, T, sizeof *c.tmp);
    c.st = nd_calloc(a, T, sizeof *c.st);
    c.compact_at = nd_calloc(a, T, sizeof *c.compact_at);
    if (!c.pairs || !c.grp || !c.tmp || !c.st || !c.compact_at) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (unsigned t = 0; t < T; t++) {
        nd_vec_init(&c.pairs[t], sizeof(uint64_t), SIZE_MAX / 16);
        nd_vec_init(&c.grp[t], sizeof(uint32_t), UINT32_MAX);
        nd_vec_init(&c.tmp[t], sizeof(uint64_t), SIZE_MAX / 16);
        c.st[t] = ND_OK;
        c.compact_at[t] = 4 * (size_t)U + 1024;
    }
    nd_parallel(T, d->nbk, 1, band_task, &c);
    for (unsigned t = 0; t < T; t++)
        if (c.st[t] != ND_OK) {
            st = c.st[t];
            goto fail;
        }
    /* The band buffers are done with. */
    free_bands(d);
    size_t total = 0;
    for (unsigned t = 0; t < T; t++) {
        nd_vec_free(&c.grp[t], a);
        nd_vec_free(&c.tmp[t], a);
        total += c.pairs[t].len;
    }
    nd_vec cont;
    nd_vec_init(&cont, sizeof(uint64_t), SIZE_MAX / 16);
    if (cont_on(d) && (st = cont_candidates(d, rs, &cont)) != ND_OK) {
        nd_vec_free(&cont, a);
        goto fail;
    }
    total += cont.len;
    uint64_t *all = nd_malloc(a, (total ? total : 1) * sizeof *all);
    uint64_t *pt = nd_malloc(a, (total ? total : 1) * sizeof *pt);
    if (!all || !pt) {
        nd_vec_free(&cont, a);
        nd_free(a, all);
        nd_free(a, pt);
        st = ND_E_NOMEM;
        goto fail;
    }
    total = 0;
    for (unsigned t = 0; t < T; t++) {
        if (c.pairs[t].len)
            memcpy(all + total, c.pairs[t].data, c.pairs[t].len * sizeof *all);
        total += c.pairs[t].len;
        nd_vec_free(&c.pairs[t], a);
    }
    if (cont.len)
        memcpy(all + total, cont.data, cont.len * sizeof *all);
    total += cont.len;
    nd_vec_free(&cont, a);
    rs->num_cand = nd_sort_unique_u64(all, pt, total);
    rs->cand = all;
    nd_free(a, pt);
    st = build_adjacency(d, rs);
fail:
    nd_vecs_free(c.pairs, T, a);
    nd_vecs_free(c.grp, T, a);
    nd_vecs_free(c.tmp, T, a);
    nd_free(a, c.st);
    nd_free(a, c.compact_at);
    return st;
}

/* The adjacency lists of the sorted unique candidates rs->cand (both
 * directions, neighbours ascending). */
static nd_status build_adjacency(nd_dedup *d, run_state *rs)
{
    const nd_alloc_ctx *a = &d->alloc;
    const uint32_t U = rs->num_units;
    /* Adjacency (both directions), neighbours ascending. */
    rs->adj_start = nd_calloc(a, (size_t)U + 2, sizeof *rs->adj_start);
    rs->adj = nd_malloc(a, (2 * rs->num_cand + 1) * sizeof *rs->adj);
    if (!rs->adj_start || !rs->adj)
        return ND_E_NOMEM;
    for (size_t i = 0; i < rs->num_cand; i++) {
        rs->adj_start[(rs->cand[i] >> 32) + 1]++;
        rs->adj_start[(uint32_t)rs->cand[i] + 1]++;
    }
    for (uint32_t u = 0; u < U; u++)
        rs->adj_start[u + 1] += rs->adj_start[u];
    size_t *cur = nd_malloc(a, ((size_t)U + 1) * sizeof *cur);
    if (!cur)
        return ND_E_NOMEM;
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
    return ND_OK;
}

/* ---- verification in parallel ------------------------------------------- */

typedef struct verify_ctx {
    const nd_dedup *d;
    run_state *rs;
    const uint32_t *b_docs;   /* second document of each item; NULL: the candidate
                                 pairs (their leading documents) */
    uint32_t a_doc;           /* with b_docs: the first document of every item */
    const void *a_set;        /* a set shared by every item, or NULL */
    uint32_t *out;
    nd_status *st;
} verify_ctx;

static void verify_task(void *arg, size_t begin, size_t end, unsigned t)
{
    verify_ctx *c = arg;
    const run_state *rs = c->rs;
    for (size_t i = begin; i < end && c->st[t] == ND_OK; i++) {
        uint32_t x, y;
        if (c->b_docs) {
            x = c->a_doc;
            y = c->b_docs[i];
        } else {
            x = leader_of(rs, (uint32_t)(rs->cand[i] >> 32));
            y = leader_of(rs, (uint32_t)rs->cand[i]);
        }
        c->st[t] = count_of(c->d, x, c->a_set, y, &rs->sc[t], &c->out[i]);
    }
}

static nd_status run_verify(const nd_dedup *d, run_state *rs, verify_ctx *c, size_t n)
{
    nd_status st[256];
    for (unsigned t = 0; t < rs->threads; t++)
        st[t] = ND_OK;
    c->d = d;
    c->rs = rs;
    c->st = st;
    nd_parallel(rs->threads, n, 16, verify_task, c);
    for (unsigned t = 0; t < rs->threads; t++)
        if (st[t] != ND_OK)
            return st[t];
    return ND_OK;
}

/* Count of candidate (u, v), u != v, from the precomputed table. */
static uint32_t cand_count(const run_state *rs, uint32_t u, uint32_t v)
{
    const uint64_t key = u < v ? ((uint64_t)u << 32) | v : ((uint64_t)v << 32) | u;
    return rs->cand_count[nd_lower_bound_u64(rs->cand, rs->num_cand, key)];
}

/* ---- clusters ------------------------------------------------------------ */

static void place_unit(nd_dedup *d, const run_state *rs, uint32_t v, uint32_t rep,
                       nd_relation rel, uint32_t count)
{
    for (uint32_t i = rs->unit_start[v]; i < rs->unit_start[v + 1]; i++) {
        const uint32_t x = rs->unit_docs[i];
        member_c *m = &d->members[x];
        m->rep = rep;
        m->rel = x == rep ? ND_REL_NONE : rel;
        m->count = count;
    }
}

/* The public form of document x's membership. */
static nd_member member_of(const nd_dedup *d, uint32_t x)
{
    const member_c *c = &d->members[x];
    nd_member m;
    m.doc = x;
    m.rep = c->rep;
    m.rel = (nd_relation)c->rel;
    if (c->rel == ND_REL_NONE || c->rel == ND_REL_EXACT) {
        m.resemblance = m.doc_in_rep = m.rep_in_doc = 1.0;
    } else {
        const sim s = sim_of(d, x, c->rep, c->count);
        m.resemblance = s.j;
        m.doc_in_rep = s.a_in_b;
        m.rep_in_doc = s.b_in_a;
    }
    return m;
}

static nd_status build_clusters(nd_dedup *d, run_state *rs)
{
    const nd_alloc_ctx *a = &d->alloc;
    const size_t n = d->docs.len;
    nd_status st = ND_OK;
    uint32_t *order = NULL;
    uint8_t *placed = nd_calloc(a, (size_t)rs->num_units + 1, 1);
    uint32_t *count = nd_calloc(a, n + 1, sizeof *count);
    uint32_t *nb = NULL, *nb_docs = NULL, *nb_count = NULL;
    nd_vec rep_set;
    nd_vec_init(&rep_set, 1, SIZE_MAX / 2);
    d->members = nd_malloc(a, (n ? n : 1) * sizeof *d->members);
    size_t most = 0;
    for (uint32_t u = 0; u < rs->num_units; u++) {
        const size_t deg = rs->adj_start[u + 1] - rs->adj_start[u];
        most = deg > most ? deg : most;
    }
    nb = nd_malloc(a, (most + 1) * sizeof *nb);
    nb_docs = nd_malloc(a, (most + 1) * sizeof *nb_docs);
    nb_count = nd_malloc(a, (most + 1) * sizeof *nb_count);
    if (!placed || !count || !d->members || !nb || !nb_docs || !nb_count) {
        st = ND_E_NOMEM;
        goto fail;
    }
    if (d->params.keep != ND_KEEP_FIRST) {
        order = nd_malloc(a, (n ? n : 1) * sizeof *order);
        if (!order) {
            st = ND_E_NOMEM;
            goto fail;
        }
        for (size_t i = 0; i < n; i++)
            order[i] = (uint32_t)i;
        if (n)
            qsort_r(order, n, sizeof *order, cmp_priority, d);
    }
    const int ex = exact_mode(d);
    for (size_t oi = 0; oi < n; oi++) {
        const uint32_t rep = order ? order[oi] : (uint32_t)oi;
        const uint32_t u = rs->unit_of[rep];
        if (placed[u])
            continue;
        placed[u] = 1;
        place_unit(d, rs, u, rep, ND_REL_EXACT, 0);
        size_t m = 0;
        for (size_t e = rs->adj_start[u]; e < rs->adj_start[u + 1]; e++)
            if (!placed[rs->adj[e]])
                nb[m++] = rs->adj[e];
        if (!m)
            continue;
        for (size_t i = 0; i < m; i++)
            nb_docs[i] = leader_of(rs, nb[i]);
        if (rs->cand_count) {
            for (size_t i = 0; i < m; i++)
                nb_count[i] = cand_count(rs, u, nb[i]);
            if (rs->count_placement)
                d->stats.verified += m;
        } else {
            /* The representative's set, read once. */
            const doc_rec *rr = rec_of(d, rep);
            const void *rset = NULL;
            if (!fp_mode(d))
                ND_TRY(store_get(d, &d->sets, rr->sh_off,
                                 ex ? rr->num_shingles : d->params.num_perm, &rep_set, &rset));
            if (m >= PAR_NEIGHBOURS && rs->threads > 1) {
                verify_ctx c = {.a_doc = rep, .b_docs = nb_docs, .out = nb_count,
                                .a_set = rset};
                ND_TRY(run_verify(d, rs, &c, m));
            } else {
                for (size_t i = 0; i < m; i++)
                    ND_TRY(count_of(d, rep, rset, nb_docs[i], &rs->sc[0], &nb_count[i]));
            }
            d->stats.verified += m;
        }
        for (size_t i = 0; i < m; i++) {
            const sim s = sim_of(d, nb_docs[i], rep, nb_count[i]);
            const nd_relation rel = rel_of(d, nb_docs[i], rep, &s);
            if (rel != ND_REL_NEAR && rel != ND_REL_CONTAINED_IN &&
                (rel != ND_REL_TEMPLATE || d->params.templates != ND_TEMPLATES_DROP))
                continue;
            placed[nb[i]] = 1;
            place_unit(d, rs, nb[i], rep, rel, nb_count[i]);
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
    /* count[rep] becomes 1 + the write cursor of rep's cluster (0: none); the
     * rep goes first. */
    size_t pos = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        if (count[i] >= 2) {
            d->cl_offsets[c++] = pos;
            d->cl_members[pos] = member_of(d, (uint32_t)i);
            const size_t sz = count[i];
            count[i] = (uint32_t)(pos + 2);
            pos += sz;
        } else {
            count[i] = 0;
        }
    }
    d->cl_offsets[c] = pos;
    d->num_clusters = ncl;
    for (size_t i = 0; i < n; i++) {
        const uint32_t rep = d->members[i].rep;
        if (rep != i && count[rep])
            d->cl_members[count[rep]++ - 1] = member_of(d, (uint32_t)i);
    }
    /* Counters. */
    for (size_t ci = 0; ci < ncl; ci++) {
        int all_exact = 1;
        for (size_t j = d->cl_offsets[ci] + 1; j < d->cl_offsets[ci + 1]; j++) {
            const nd_member *m = &d->cl_members[j];
            all_exact &= m->rel == ND_REL_EXACT;
            d->stats.contained += m->rel == ND_REL_CONTAINED_IN;
            d->stats.templates += m->rel == ND_REL_TEMPLATE;
            d->stats.bytes_removed += rec_of(d, m->doc)->length;
        }
        d->stats.exact_clusters += all_exact;
        d->stats.near_clusters += !all_exact;
    }
    d->stats.clusters = ncl;
    d->stats.docs_in_clusters = nmem;
    d->stats.removed = nmem - ncl;
fail:
    nd_vec_free(&rep_set, a);
    nd_free(a, order);
    nd_free(a, placed);
    nd_free(a, count);
    nd_free(a, nb);
    nd_free(a, nb_docs);
    nd_free(a, nb_count);
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
        const sim s = sim_of(d, leader_of(rs, u), leader_of(rs, v), rs->cand_count[c]);
        const nd_relation rel = rel_of(d, leader_of(rs, u), leader_of(rs, v), &s);
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
    d->detail[0] = '\0';
    d->ran = 1;
    run_state rs;
    memset(&rs, 0, sizeof rs);
    nd_status st;
    rs.threads = nd_threads_resolve(d->params.threads);
    rs.sc = nd_calloc(&d->alloc, rs.threads, sizeof *rs.sc);
    if (!rs.sc) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (unsigned t = 0; t < rs.threads; t++) {
        nd_vec_init(&rs.sc[t].a, 1, SIZE_MAX / 2);
        nd_vec_init(&rs.sc[t].b, 1, SIZE_MAX / 2);
    }
    /* Once anything went to disk, the buffers go too: the run needs the
     * memory more than they do. */
    if (d->spill_events) {
        ND_TRY(spill_all(d));
        free_bands(d);
        nd_vec_free(&d->sets.mem, &d->alloc);
    }
    ND_TRY(build_units(d, &rs));
    ND_TRY(build_candidates(d, &rs));
    d->stats.candidates = rs.num_cand;
    if (want_pairs) {
        rs.cand_count = nd_malloc(&d->alloc, (rs.num_cand + 1) * sizeof *rs.cand_count);
        if (!rs.cand_count) {
            st = ND_E_NOMEM;
            goto fail;
        }
        verify_ctx c = {.out = rs.cand_count};
        ND_TRY(run_verify(d, &rs, &c, rs.num_cand));
        d->stats.verified += rs.num_cand;
    }
    ND_TRY(build_clusters(d, &rs));
    if (want_pairs)
        ND_TRY(build_pairs(d, &rs));
    run_state_free(&rs, &d->alloc);
    return ND_OK;
fail:
    run_state_free(&rs, &d->alloc);
    if (st == ND_E_IO && d->detail[0])
        return st;
    if (st == ND_E_IO)
        nd_detail_set(d->detail, "clustering %zu documents: reading a temporary file back "
                                 "failed", d->docs.len);
    else
        nd_detail_set(d->detail, "clustering %zu documents: %s", d->docs.len, nd_strerror(st));
    return st;
}

nd_status nd_dedup_member(const nd_dedup *d, size_t i, nd_member *out)
{
    if (!d->ran || !d->members)
        return ND_E_STATE;
    if (i >= d->docs.len)
        return ND_E_PARAM;
    *out = member_of(d, (uint32_t)i);
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
    out->spilled_bytes = d->spilled_bytes;
    out->spill_events = d->spill_events;
}

nd_status nd_dedup_template(const nd_dedup *d, size_t i, uint32_t *form, uint32_t *report)
{
    *form = *report = 0;
    if (!d->ran || !d->members)
        return ND_E_STATE;
    if (i >= d->docs.len)
        return ND_E_PARAM;
    if (d->tmpl.len) {
        const uint32_t *t = (const uint32_t *)d->tmpl.data + 2 * i;
        *form = t[0];
        *report = t[0] ? t[1] : 0;
    }
    return ND_OK;
}

size_t nd_dedup_memory(const nd_dedup *d)
{
    size_t n = d->docs.cap * d->docs.item + d->exact.cap * d->exact.item +
               d->keyrecs.cap * d->keyrecs.item + d->keys.cap +
               d->sets.mem.cap * d->sets.mem.item + d->fps.cap * d->fps.item +
               d->samp.cap * d->samp.item + d->sampv.cap * d->sampv.item +
               d->tmpl.cap * d->tmpl.item + d->dates.cap * d->dates.item;
    for (unsigned b = 0; b < d->nbk; b++)
        n += d->bk[b].cap * sizeof(uint64_t);
    return n;
}

size_t nd_dedup_estimate_memory(const nd_params *p, size_t num_docs, size_t avg_shingles)
{
    nd_params def;
    if (!p) {
        nd_params_defaults(&def);
        p = &def;
    }
    unsigned bands = 0;
    const int simhash = p->method == ND_METHOD_SIMHASH;
    if (simhash) {
        uint64_t keys[ND_SIMHASH_MAX_TABLES];
        bands = nd_simhash_keys(0, p->simhash_k, keys);
    } else if (nd_params_lsh(p, &bands, NULL, NULL, NULL) != ND_OK) {
        bands = p->num_perm;
    }
    const int exact = p->verify == ND_VERIFY_EXACT;
    const size_t sig = simhash ? 8 /* fingerprint */ : p->num_perm * 4;
    const size_t per_doc = sizeof(doc_rec) + 16 /* exact hash */ + bands * 8 /* band entries */
                         + (exact ? avg_shingles * 4 /* 32-bit sets */ : sig)
                         + (exact && simhash ? 8 : 0)
                         + (exact && !simhash && p->containment > 0 && p->contain_sample
                                ? 4 /* sample size */ + avg_shingles / 8 * 8 /* its entries
                                                                        at run time */
                                : 0)
                         + (p->templates != ND_TEMPLATES_OFF ? 16 /* template hashes, entry */ : 0)
                         + 3 * sizeof(uint32_t) + sizeof(member_c) /* run-time arrays */;
    return num_docs * per_doc;
}

/* ---- the distributed run ------------------------------------------------ */
/*
 * nd_dedup_run_dist: every process holds its share of the documents in its
 * own nd_dedup, numbered locally; global_ids maps them into the collection.
 *   1. exact:   each exact hash goes to the process hash % P, which groups
 *               them and sends every document that is not first of its group
 *               the global id of the first (its unit's leader).
 *   2. records: process 0 receives every document's fixed record, leader and
 *               survivor key: what placement needs (16 bytes a document and
 *               the key, as a single run holds).
 *   3. bands:   band by band, each leading document's entry goes to the
 *               process owning its bucket (a hash of band and key), which
 *               sorts the band and pairs the bucket's leaders with the same
 *               window rule as one process (emit_bucket).
 *   4. pairs:   each candidate pair goes to the process holding its first
 *               document, where the pairs are de-duplicated.
 *   5. verify:  the second document's set is fetched from its owner in rounds
 *               of about FETCH_BYTES (sized by the local mean set), and each
 *               pair counted.
 *   6. place:   process 0 receives every pair with its count, numbers units
 *               as one process does, and runs the same placement (and pairs).
 * Every step gives the values a single run computes, so process 0's output is
 * the same byte for byte, for any number of processes and threads.
 */

#define FETCH_BYTES ((uint64_t)256 << 20) /* sets fetched per process and round,
                                              about; an eighth of ND_P_MEMORY */

typedef struct grun {       /* a run of consecutive global ids on one process */
    uint32_t gstart, len, rank, lstart;
} grun;

typedef struct dist {
    nd_dedup *d;
    const nd_comm *c;
    const uint32_t *gid;    /* local -> global */
    uint32_t *leader;       /* local -> global id of its unit's leader */
    grun *runs;             /* every process's runs, by gstart */
    size_t nruns;
    uint64_t total;         /* documents in the collection */
    uint64_t *slen, *rlen;  /* per process */
} dist;

/* One exchange of per-process vectors (nd_comm_xchg). */
static nd_status dx(dist *x, const char *stage, nd_vec *to, void **out, uint64_t *total)
{
    return nd_comm_xchg(x->c, &x->d->alloc, stage, to, x->slen, x->rlen, out, total);
}

/* The local index of global id g in its run o. */
static uint32_t grun_local(const grun *o, uint32_t g)
{
    return o->lstart + (g - o->gstart);
}

/* The run holding global id g, or NULL. */
static const grun *owner_of(const dist *x, uint32_t g)
{
    size_t lo = 0, hi = x->nruns;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (x->runs[mid].gstart + (uint64_t)x->runs[mid].len <= g)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->nruns && x->runs[lo].gstart <= g ? &x->runs[lo] : NULL;
}

static int cmp_grun(const void *pa, const void *pb)
{
    const grun *p = pa, *q = pb;
    return (p->gstart > q->gstart) - (p->gstart < q->gstart);
}

/* Step 0: every process learns every process's runs of global ids. */
static nd_status dist_runs(dist *x, nd_vec *to)
{
    const nd_dedup *d = x->d;
    const nd_alloc_ctx *a = &d->alloc;
    const unsigned P = x->c->size;
    nd_status st = ND_OK;
    nd_vec mine;
    nd_vec_init(&mine, sizeof(grun), SIZE_MAX / sizeof(grun));
    for (size_t i = 0; i < d->docs.len; i++) {
        if (i && x->gid[i] <= x->gid[i - 1]) {
            nd_detail_set(x->d->detail, "global ids not increasing at local document %zu", i);
            st = ND_E_PARAM;
            goto fail;
        }
        grun *last = mine.len ? &ND_VEC_AT(&mine, grun, mine.len - 1) : NULL;
        if (last && last->gstart + last->len == x->gid[i]) {
            last->len++;
        } else {
            const grun g = {x->gid[i], 1, x->c->rank, (uint32_t)i};
            ND_TRY(nd_vec_push(&mine, a, &g));
        }
    }
    for (unsigned r = 0; r < P; r++)
        ND_TRY(nd_vec_append(&to[r], a, mine.data, mine.len * sizeof(grun)));
    void *got;
    uint64_t bytes;
    ND_TRY(dx(x, "ids", to, &got, &bytes));
    x->runs = got;
    x->nruns = (size_t)(bytes / sizeof(grun));
    qsort(x->runs, x->nruns, sizeof(grun), cmp_grun);
    x->total = 0;
    for (size_t i = 0; i < x->nruns; i++) {
        if (x->runs[i].gstart != x->total) {
            nd_detail_set(x->d->detail, "global ids: %llu is missing or held twice",
                          (unsigned long long)x->total);
            st = ND_E_PARAM;
            goto fail;
        }
        x->total += x->runs[i].len;
    }
    if (x->total > UINT32_MAX - 1) {
        st = ND_E_LIMIT;
        goto fail;
    }
fail:
    nd_vec_free(&mine, a);
    return st;
}

typedef struct ex_msg {
    uint64_t lo, hi, g;
    double date;      /* NAN: none */
    uint64_t tmpl;    /* its template hash (0: none) */
} ex_msg;

/* A document's unit leader from its exact group's owner, and the date of its
 * report when the group was cut into reports (NAN: keep its own). */
typedef struct lead_msg {
    uint32_t g, leader;
    double date;
} lead_msg;

static int cmp_ex_msg(const void *pa, const void *pb)
{
    const ex_msg *p = pa, *q = pb;
    if (p->lo != q->lo)
        return p->lo < q->lo ? -1 : 1;
    if (p->hi != q->hi)
        return p->hi < q->hi ? -1 : 1;
    return (p->g > q->g) - (p->g < q->g);
}

/* Step 1: leaders of the exact groups. */
static nd_status dist_exact(dist *x, nd_vec *to, nd_vec *to2)
{
    nd_dedup *d = x->d;
    const nd_alloc_ctx *a = &d->alloc;
    const unsigned P = x->c->size;
    nd_status st = ND_OK;
    void *got = NULL, *back = NULL;
    uint64_t bytes;
    const uint64_t *ex = d->exact.data;
    for (size_t i = 0; i < d->docs.len; i++) {
        x->leader[i] = x->gid[i];
        if (!rec_of(d, (uint32_t)i)->num_shingles)
            continue;
        const ex_msg m = {ex[2 * i], ex[2 * i + 1], x->gid[i],
                          d->dates.len ? ND_VEC_AT(&d->dates, double, i) : NAN,
                          d->tmpl.len ? ((uint32_t *)d->tmpl.data)[2 * i] : 0};
        ND_TRY(nd_vec_append(&to[m.lo % P], a, &m, sizeof m));
    }
    ND_TRY(dx(x, "exact", to, &got, &bytes));
    ex_msg *m = got;
    const size_t n = (size_t)(bytes / sizeof *m);
    qsort(m, n, sizeof *m, cmp_ex_msg);
    /* (global id, leader) for every document that does not lead its unit:
     * the group's first, or its report's (split_reports, as build_units) */
    uint32_t *gs = NULL, *lead = NULL;
    double *dt = NULL;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && m[j].lo == m[i].lo && m[j].hi == m[i].hi; j++)
            ;
        if (j - i == 1)
            continue;
        int split = 0;  /* as build_units: copies with a template may be cut */
        if (m[i].tmpl && !gs) {
            gs = nd_malloc(a, n * sizeof *gs);
            lead = nd_malloc(a, n * sizeof *lead);
            dt = nd_malloc(a, n * sizeof *dt);
            if (!gs || !lead || !dt) {
                st = ND_E_NOMEM;
                break;
            }
        }
        if (m[i].tmpl) {
            for (size_t k = i; k < j; k++) {
                gs[k - i] = (uint32_t)m[k].g;
                dt[k - i] = m[k].date;
            }
            if ((st = split_reports(a, gs, dt, j - i, d->params.report_window, lead,
                                    &split)) != ND_OK)
                break;
        }
        for (size_t k = i; k < j; k++) {
            const uint32_t l = split ? lead[k - i] : (uint32_t)m[i].g;
            if (l == m[k].g && !split)
                continue;
            const lead_msg lm = {(uint32_t)m[k].g, l, split ? dt[k - i] : NAN};
            if ((st = nd_vec_append(&to2[owner_of(x, lm.g)->rank], a, &lm, sizeof lm)) != ND_OK)
                break;
        }
        if (st != ND_OK)
            break;
    }
    nd_free(a, gs);
    nd_free(a, lead);
    nd_free(a, dt);
    if (st != ND_OK)
        goto fail;
    ND_TRY(dx(x, "exact", to2, &back, &bytes));
    const lead_msg *p = back;
    for (size_t i = 0; i < bytes / sizeof *p; i++) {
        const uint32_t li = grun_local(owner_of(x, p[i].g), p[i].g);
        x->leader[li] = p[i].leader;
        if (isnan(p[i].date))
            continue;
        if (!d->dates.len) {  /* its report's date, where it had none */
            ND_TRY(nd_vec_reserve(&d->dates, a, d->docs.len));
            for (size_t k = 0; k < d->docs.len; k++)
                ND_VEC_AT(&d->dates, double, k) = NAN;
            d->dates.len = d->docs.len;
        }
        ND_VEC_AT(&d->dates, double, li) = p[i].date;  /* as build_units */
    }
    nd_vec_free(&d->exact, a);
fail:
    nd_free(a, got);
    nd_free(a, back);
    return st;
}

typedef struct rec_msg {
    uint32_t g, leader, length, num_shingles;
    uint32_t tmpl[2];
    double date;
    double key_num;
    uint32_t key_len;
    uint8_t has_key, key_is_num, pad[2];
} rec_msg;

/* Step 2: process 0 gets every fixed record, leader and key, and replaces its
 * own records with them (its sets and band entries stay local). The totals
 * that nd_dedup_get_stats reports are summed on the way. */
static nd_status dist_records(dist *x, nd_vec *to, uint32_t **leaders_out)
{
    nd_dedup *d = x->d;
    const nd_alloc_ctx *a = &d->alloc;
    nd_status st = ND_OK;
    void *got = NULL;
    uint64_t bytes;
    const uint64_t sums[5] = {d->invalid_bytes, d->empty_docs, d->bytes, d->spilled_bytes,
                              d->spill_events};
    ND_TRY(nd_vec_append(&to[0], a, sums, sizeof sums));
    for (size_t i = 0; i < d->docs.len; i++) {
        const doc_rec *r = rec_of(d, (uint32_t)i);
        rec_msg m;
        memset(&m, 0, sizeof m);
        m.g = x->gid[i];
        m.leader = x->leader[i];
        m.length = r->length;
        m.num_shingles = r->num_shingles;
        if (d->tmpl.len)
            memcpy(m.tmpl, (const uint32_t *)d->tmpl.data + 2 * i, sizeof m.tmpl);
        m.date = d->dates.len ? ND_VEC_AT(&d->dates, double, i) : NAN;
        const key_rec *k = i < d->keyrecs.len ? &ND_VEC_AT(&d->keyrecs, key_rec, i) : NULL;
        if (k && k->has) {
            m.has_key = 1;
            m.key_is_num = k->is_num;
            m.key_num = k->num;
            m.key_len = k->len;
        }
        ND_TRY(nd_vec_append(&to[0], a, &m, sizeof m));
        if (m.has_key && m.key_len)
            ND_TRY(nd_vec_append(&to[0], a, (const char *)d->keys.data + k->off, m.key_len));
    }
    ND_TRY(dx(x, "records", to, &got, &bytes));
    if (x->c->rank != 0)
        goto fail;
    const size_t N = (size_t)x->total;
    nd_vec docs, keyrecs, keys, tmpl, dates;
    nd_vec_init(&docs, sizeof(doc_rec), UINT32_MAX - 1);
    nd_vec_init(&tmpl, 2 * sizeof(uint32_t), UINT32_MAX - 1);
    nd_vec_init(&dates, sizeof(double), UINT32_MAX - 1);
    nd_vec_init(&keyrecs, sizeof(key_rec), UINT32_MAX - 1);
    nd_vec_init(&keys, 1, SIZE_MAX / 2);
    uint32_t *leader = nd_malloc(a, (N ? N : 1) * sizeof *leader);
    if (!leader || nd_vec_reserve(&docs, a, N) != ND_OK ||
        (d->nbk > d->bands && nd_vec_reserve(&tmpl, a, N) != ND_OK)) {
        nd_free(a, leader);
        nd_vec_free(&docs, a);
        nd_vec_free(&tmpl, a);
        st = ND_E_NOMEM;
        goto fail;
    }
    memset(docs.data, 0, N * sizeof(doc_rec));
    docs.len = N;
    if (d->nbk > d->bands) {
        memset(tmpl.data, 0, N * 2 * sizeof(uint32_t));
        tmpl.len = N;
    }
    uint64_t tot[5] = {0, 0, 0, 0, 0};
    const char *p = got, *end = p + bytes;
    for (unsigned r = 0; r < x->c->size; r++) {
        const char *bend = p + x->rlen[r];
        uint64_t s[5];
        memcpy(s, p, sizeof s);
        p += sizeof s;
        for (int k = 0; k < 5; k++)
            tot[k] += s[k];
        while (p < bend && st == ND_OK) {
            rec_msg m;
            memcpy(&m, p, sizeof m);
            p += sizeof m;
            doc_rec *dr = &ND_VEC_AT(&docs, doc_rec, m.g);
            dr->length = m.length;
            dr->num_shingles = m.num_shingles;
            if (tmpl.len)
                memcpy((uint32_t *)tmpl.data + 2 * (size_t)m.g, m.tmpl, sizeof m.tmpl);
            if (!isnan(m.date) && !dates.len) {  /* the first date: the others have none */
                if ((st = nd_vec_reserve(&dates, a, N)) != ND_OK)
                    break;
                for (size_t k = 0; k < N; k++)
                    ND_VEC_AT(&dates, double, k) = NAN;
                dates.len = N;
            }
            if (dates.len)
                ND_VEC_AT(&dates, double, m.g) = m.date;
            leader[m.g] = m.leader;
            if (!m.has_key)
                continue;
            if ((st = nd_vec_reserve(&keyrecs, a, N)) != ND_OK ||
                (st = nd_vec_reserve(&keys, a, keys.len + m.key_len)) != ND_OK)
                break;
            if (!keyrecs.len) {
                memset(keyrecs.data, 0, N * sizeof(key_rec));
                keyrecs.len = N;
            }
            key_rec *kr = &ND_VEC_AT(&keyrecs, key_rec, m.g);
            kr->has = 1;
            kr->is_num = m.key_is_num;
            kr->num = m.key_num;
            kr->len = m.key_len;
            kr->off = keys.len;
            memcpy((char *)keys.data + keys.len, p, m.key_len);
            keys.len += m.key_len;
            p += m.key_len;
        }
    }
    if (st == ND_OK && p != end)
        st = ND_E_CORRUPT;
    if (st != ND_OK) {
        nd_vec_free(&docs, a);
        nd_vec_free(&tmpl, a);
        nd_vec_free(&dates, a);
        nd_vec_free(&keyrecs, a);
        nd_vec_free(&keys, a);
        nd_free(a, leader);
        goto fail;
    }
    nd_vec_free(&d->docs, a);
    nd_vec_free(&d->keyrecs, a);
    nd_vec_free(&d->keys, a);
    nd_vec_free(&d->tmpl, a);
    nd_vec_free(&d->dates, a);
    d->docs = docs;
    d->tmpl = tmpl;
    d->dates = dates;
    d->keyrecs = keyrecs;
    d->keys = keys;
    d->invalid_bytes = tot[0];
    d->empty_docs = tot[1];
    d->bytes = tot[2];
    d->spilled_bytes = tot[3];
    d->spill_events = tot[4];
    *leaders_out = leader;
fail:
    nd_free(a, got);
    return st;
}

/* The process owning bucket `key` of band b. */
static unsigned bucket_owner(uint32_t key, unsigned band, unsigned P)
{
    uint64_t h = ((uint64_t)key << 8 | band) * 0x9E3779B97F4A7C15ull;
    return (unsigned)((h >> 32) % P);
}

/* The pairs of one bucket (leading global ids ascending, fps with them under
 * SimHash), by the window rule (window_end). */
static nd_status dist_bucket(const nd_dedup *d, const uint64_t *g, size_t e, size_t stride,
                             int filter, nd_vec *pairs)
{
    for (size_t i = 0; i < e; i++) {
        const size_t end = window_end(i, e);
        const nd_status st = nd_vec_reserve(pairs, &d->alloc, pairs->len + (end - i));
        if (st != ND_OK)
            return st;
        uint64_t *p = (uint64_t *)pairs->data + pairs->len;
        const uint32_t gi = (uint32_t)g[i * stride];
        for (size_t y = i + 1; y < end; y++)
            if (!filter || nd_hamming(g[i * stride + 1], g[y * stride + 1]) <= d->simhash_k)
                *p++ = ((uint64_t)gi << 32) | (uint32_t)g[y * stride];
        pairs->len = (size_t)(p - (uint64_t *)pairs->data);
    }
    return ND_OK;
}

static int cmp_u64x2(const void *pa, const void *pb)
{
    const uint64_t *p = pa, *q = pb;
    return (p[0] > q[0]) - (p[0] < q[0]);
}

/* Step 3: band entries to their bucket's owner, candidate pairs out. */
static nd_status dist_bands(dist *x, nd_vec *to, nd_vec *pairs)
{
    nd_dedup *d = x->d;
    const nd_alloc_ctx *a = &d->alloc;
    const unsigned P = x->c->size;
    const size_t stride = d->simhash ? 2 : 1;
    nd_status st = ND_OK;
    void *got = NULL;
    uint64_t *buf = NULL, *tmp = NULL;
    size_t tmp_cap = 0;
    size_t compact_at = 4 * (size_t)(x->total / P) + 1024;
    if (d->runs.len && !(buf = nd_malloc(a, MERGE_BUF * sizeof *buf)))
        return ND_E_NOMEM;
    for (unsigned b = 0; b < d->nbk; b++) {
        /* this band's spilled runs, then its buffer (the template band last) */
        for (size_t ri = 0; ri <= d->runs.len; ri++) {
            const uint64_t *v;
            uint64_t left, pos = 0;
            if (ri < d->runs.len) {
                const band_run *br = &ND_VEC_AT(&d->runs, band_run, ri);
                if (br->band != b)
                    continue;
                left = br->count;
                pos = br->off;
                v = buf;
            } else {
                left = d->bk[b].len;
                v = d->bk[b].data;
            }
            while (left) {
                size_t n = (size_t)left;
                if (ri < d->runs.len) {
                    n = left < MERGE_BUF ? (size_t)left : MERGE_BUF;
                    if (nd_spill_read(&d->band_file, pos * sizeof(uint64_t), buf,
                                      n * sizeof(uint64_t)) != ND_OK) {
                        st = ND_E_IO;
                        goto fail;
                    }
                    pos += n;
                }
                for (size_t i = 0; i < n; i++) {
                    const uint32_t lid = (uint32_t)v[i], key = (uint32_t)(v[i] >> 32);
                    if (x->leader[lid] != x->gid[lid])
                        continue;
                    const uint64_t e[2] = {((uint64_t)key << 32) | x->gid[lid],
                                           d->simhash ? ND_VEC_AT(&d->fps, uint64_t, lid) : 0};
                    ND_TRY(nd_vec_append(&to[bucket_owner(key, b, P)], a, e,
                                   stride * sizeof(uint64_t)));
                }
                left -= n;
            }
        }
        uint64_t bytes;
        ND_TRY(dx(x, "bands", to, &got, &bytes));
        uint64_t *e = got;
        const size_t n = (size_t)(bytes / (stride * sizeof(uint64_t)));
        if (stride == 1) {
            if (n > tmp_cap) {
                nd_free(a, tmp);
                tmp_cap = n;
                if (!(tmp = nd_malloc(a, tmp_cap * sizeof *tmp))) {
                    st = ND_E_NOMEM;
                    goto fail;
                }
            }
            nd_sort_u64(e, tmp, n);
        } else {
            qsort(e, n, 2 * sizeof(uint64_t), cmp_u64x2);
        }
        for (size_t i = 0, j; i < n; i = j) {
            for (j = i + 1; j < n && e[j * stride] >> 32 == e[i * stride] >> 32; j++)
                ;
            if (j - i > 1)
                ND_TRY(dist_bucket(d, e + i * stride, j - i, stride, stride == 2 && b < d->bands,
                                   pairs));
        }
        nd_free(a, got);
        got = NULL;
        if (pairs->len > compact_at) {
            uint64_t *pt = nd_malloc(a, pairs->len * sizeof *pt);
            if (!pt) {
                st = ND_E_NOMEM;
                goto fail;
            }
            pairs->len = nd_sort_unique_u64(pairs->data, pt, pairs->len);
            nd_free(a, pt);
            compact_at = 2 * pairs->len > compact_at ? 2 * pairs->len : compact_at;
        }
    }
fail:
    free_bands(d);
    nd_free(a, got);
    nd_free(a, buf);
    nd_free(a, tmp);
    return st;
}

/* Step 3b: containment candidates, as cont_candidates finds them on one
 * process. Each leader's sample entries (hash << 32 | gid, and what it
 * needs) go to the owner of their hash's bucket; there a heavy bucket sends
 * a notice for each of its documents to the document's process, and a light
 * one makes its pairs. Each pair then goes, once for each bucket it came
 * from, to the processes of both its documents; each counts them and, where
 * the count reaches what its document needs (less its heavy shingles), keeps
 * the pair in cand for dist_route. Same buckets, counts and needs as on one
 * process, so the same pairs. */
static nd_status dist_cont(dist *x, nd_vec *to, nd_vec *cand)
{
    nd_dedup *d = x->d;
    const nd_alloc_ctx *a = &d->alloc;
    const unsigned P = x->c->size;
    const size_t L = d->docs.len;
    nd_status st = ND_OK;
    void *got = NULL;
    uint64_t bytes;
    nd_vec pairs, heavy, buf;
    nd_vec_init(&pairs, sizeof(uint64_t), SIZE_MAX / 16);
    nd_vec_init(&heavy, sizeof(uint32_t), UINT32_MAX);
    nd_vec_init(&buf, 1, SIZE_MAX / 2);
    uint32_t *need = nd_calloc(a, L ? L : 1, sizeof *need);
    uint32_t *hv = nd_calloc(a, L ? L : 1, sizeof *hv);
    if (!need || !hv) {
        st = ND_E_NOMEM;
        goto fail;
    }
    ND_TRY(cont_index(d));
    for (size_t lid = 0; lid < L; lid++) {
        const uint32_t n = rec_of(d, (uint32_t)lid)->num_shingles;
        if (x->leader[lid] != x->gid[lid] || !n)
            continue;
        const uint32_t *h;
        uint32_t k;
        ND_TRY(cont_sample(d, (uint32_t)lid, &buf, &h, &k));
        need[lid] = cont_need(d, n, k);
        for (uint32_t i = 0; i < k; i++) {
            const uint64_t e = (uint64_t)h[i] << 32 | x->gid[lid];
            ND_TRY(nd_vec_append(&to[bucket_owner(h[i], d->bands, P)], a, &e, sizeof e));
        }
    }
    cont_drop(d);
    ND_TRY(dx(x, "contain", to, &got, &bytes));
    uint64_t *e = got;
    const size_t n = (size_t)(bytes / sizeof(uint64_t));
    {
        uint64_t *tmp = nd_malloc(a, (n ? n : 1) * sizeof *tmp);
        if (!tmp) {
            st = ND_E_NOMEM;
            goto fail;
        }
        nd_sort_u64(e, tmp, n);
        nd_free(a, tmp);
    }
    ND_TRY(cont_buckets(d, e, n, &pairs, &heavy));
    nd_free(a, got);
    got = NULL;
    for (size_t i = 0; i < heavy.len; i++) {
        const uint32_t g = ND_VEC_AT(&heavy, uint32_t, i);
        ND_TRY(nd_vec_append(&to[owner_of(x, g)->rank], a, &g, sizeof g));
    }
    nd_vec_free(&heavy, a);
    ND_TRY(dx(x, "contain-heavy", to, &got, &bytes));
    for (size_t i = 0; i < bytes / sizeof(uint32_t); i++) {
        uint32_t g;
        memcpy(&g, (const char *)got + i * sizeof g, sizeof g);
        const grun *o = owner_of(x, g);
        hv[grun_local(o, g)]++;
    }
    nd_free(a, got);
    got = NULL;
    for (size_t lid = 0; lid < L; lid++)
        need[lid] = cont_need_light(need[lid], hv[lid]);
    /* each pair to both its documents' processes: (pair, side), side 1 for b */
    const uint64_t *pp = pairs.data;
    for (size_t i = 0; i < pairs.len; i++)
        for (uint64_t side = 0; side < 2; side++) {
            const uint32_t g = side ? (uint32_t)pp[i] : (uint32_t)(pp[i] >> 32);
            const uint64_t m[2] = {pp[i], side};
            ND_TRY(nd_vec_append(&to[owner_of(x, g)->rank], a, m, sizeof m));
        }
    nd_vec_free(&pairs, a);
    ND_TRY(dx(x, "contain-pairs", to, &got, &bytes));
    e = got;
    const size_t m = (size_t)(bytes / (2 * sizeof(uint64_t)));
    if (m)
        qsort(e, m, 2 * sizeof(uint64_t), cmp_u64x2);
    for (size_t i = 0, j; i < m; i = j) {
        size_t c[2] = {0, 0};
        for (j = i; j < m && e[2 * j] == e[2 * i]; j++)
            c[e[2 * j + 1] & 1]++;
        for (int side = 0; side < 2; side++) {
            if (!c[side])
                continue;
            const uint32_t g = side ? (uint32_t)e[2 * i] : (uint32_t)(e[2 * i] >> 32);
            const grun *o = owner_of(x, g);
            if (c[side] >= need[grun_local(o, g)]) {
                ND_TRY(nd_vec_push(cand, a, &e[2 * i]));
                break;
            }
        }
    }
fail:
    nd_free(a, got);
    nd_free(a, need);
    nd_free(a, hv);
    nd_vec_free(&pairs, a);
    nd_vec_free(&heavy, a);
    nd_vec_free(&buf, a);
    return st;
}

/* Step 4: each pair to the process holding its first document; returns the
 * sorted unique pairs there. */
static nd_status dist_route(dist *x, nd_vec *to, nd_vec *pairs, uint64_t **out, size_t *n_out)
{
    const nd_alloc_ctx *a = &x->d->alloc;
    nd_status st = ND_OK;
    void *got = NULL;
    uint64_t bytes;
    const uint64_t *p = pairs->data;
    for (size_t i = 0; i < pairs->len; i++)
        ND_TRY(nd_vec_append(&to[owner_of(x, (uint32_t)(p[i] >> 32))->rank], a, &p[i], 8));
    nd_vec_free(pairs, a);
    ND_TRY(dx(x, "pairs", to, &got, &bytes));
    const size_t n = (size_t)(bytes / 8);
    uint64_t *tmp = nd_malloc(a, (n ? n : 1) * 8);
    if (!tmp) {
        st = ND_E_NOMEM;
        goto fail;
    }
    *n_out = nd_sort_unique_u64(got, tmp, n);
    nd_free(a, tmp);
    *out = got;
    got = NULL;
fail:
    nd_free(a, got);
    return st;
}

/* How many uint32 values document lid's set has here (a fingerprint: 2). */
static size_t set_items(const nd_dedup *d, uint32_t lid)
{
    if (fp_mode(d))
        return 2;
    return exact_mode(d) ? rec_of(d, lid)->num_shingles : d->params.num_perm;
}

/* Local document lid's set (a fingerprint as two uint32). */
static nd_status local_set(const nd_dedup *d, uint32_t lid, nd_vec *buf,
                           const uint32_t **out)
{
    if (fp_mode(d)) {
        *out = (const uint32_t *)&ND_VEC_AT(&d->fps, uint64_t, lid);
        return ND_OK;
    }
    const void *p = NULL;
    const nd_status st = store_get(d, &d->sets, rec_of(d, lid)->sh_off, set_items(d, lid),
                                   buf, &p);
    *out = p;
    return st;
}

/* count of two sets of na and nb uint32 values, as count_of computes it. */
static uint32_t count_sets(const nd_dedup *d, const uint32_t *pa, size_t na, const uint32_t *pb,
                           size_t nb)
{
    if (fp_mode(d)) {
        uint64_t fa, fb;
        memcpy(&fa, pa, 8);
        memcpy(&fb, pb, 8);
        return 64 - nd_hamming(fa, fb);
    }
    if (exact_mode(d))
        return (uint32_t)nd_intersect_u32(pa, na, pb, nb);
    uint32_t eq = 0;
    for (size_t i = 0; i < na; i++)
        eq += pa[i] == pb[i];
    return eq;
}

/* One round of step 5 on the threads: the count of every pair whose second
 * set is here (local_round: held here; else fetched in this round). */
typedef struct vround {
    const dist *x;
    const uint64_t *pairs;
    uint32_t *count;
    const uint64_t *remote;  /* fetched this round: remote[lo .. hi) */
    size_t lo, hi;
    const uint64_t *off;     /* their places in resp */
    const void *resp;
    int local_round;
    scratch *sc;             /* per thread */
    nd_status *st;           /* per thread */
} vround;

static void vround_task(void *arg, size_t begin, size_t end, unsigned t)
{
    const vround *v = arg;
    const dist *x = v->x;
    const nd_dedup *d = x->d;
    for (size_t i = begin; i < end && v->st[t] == ND_OK; i++) {
        const uint32_t ga = (uint32_t)(v->pairs[i] >> 32), gb = (uint32_t)v->pairs[i];
        const grun *oa = owner_of(x, ga), *ob = owner_of(x, gb);
        const uint32_t la = grun_local(oa, ga);
        const uint32_t *pa, *pb;
        size_t nb;
        if (ob->rank == x->c->rank) {
            if (!v->local_round)
                continue;
            const uint32_t lb = grun_local(ob, gb);
            if ((v->st[t] = local_set(d, lb, &v->sc[t].b, &pb)) != ND_OK)
                return;
            nb = set_items(d, lb);
        } else {
            if (v->local_round)
                continue;
            const size_t lo = v->lo + nd_lower_bound_u64(v->remote + v->lo, v->hi - v->lo, gb);
            if (lo == v->hi || v->remote[lo] != gb)
                continue;
            uint32_t items;
            memcpy(&items, (const char *)v->resp + v->off[lo - v->lo], 4);
            pb = (const uint32_t *)((const char *)v->resp + v->off[lo - v->lo] + 4);
            nb = items;
        }
        if ((v->st[t] = local_set(d, la, &v->sc[t].a, &pa)) != ND_OK)
            return;
        v->count[i] = count_sets(d, pa, set_items(d, la), pb, nb);
    }
}

/* Step 5: counts of this process's pairs; the second set fetched in rounds. */
static nd_status dist_verify(dist *x, nd_vec *to, const uint64_t *pairs, size_t np,
                             uint32_t *count)
{
    nd_dedup *d = x->d;
    const nd_alloc_ctx *a = &d->alloc;
    const unsigned P = x->c->size;
    nd_status st = ND_OK;
    void *req = NULL, *resp = NULL;
    uint64_t *remote = NULL, *tmp = NULL, bytes;
    uint64_t *off = NULL;   /* per fetched document: offset of its values in resp */
    nd_vec sa;  /* a set asked for by another process */
    nd_vec_init(&sa, 1, SIZE_MAX / 2);
    /* the pairs of a round are counted on the threads, each with its scratch */
    const unsigned T = nd_threads_resolve(d->params.threads);
    nd_status tst[256];
    scratch *sc = nd_calloc(a, T, sizeof *sc);
    if (!sc)
        return ND_E_NOMEM;
    for (unsigned t = 0; t < T; t++) {
        nd_vec_init(&sc[t].a, 1, SIZE_MAX / 2);
        nd_vec_init(&sc[t].b, 1, SIZE_MAX / 2);
    }
    /* documents a round fetches: its bytes over the mean set here, 16 or more */
    /* each process answers every other one: a P-th of the budget a requester */
    const uint64_t budget = (d->params.memory ? d->params.memory / 8 : FETCH_BYTES) / P;
    uint64_t all_items = 0;
    for (size_t i = 0; i < d->docs.len; i++)
        all_items += set_items(d, (uint32_t)i);
    const uint64_t mean = d->docs.len && all_items ? 4 + 4 * all_items / d->docs.len : 64;
    const size_t round_docs = budget / mean > 16 ? (size_t)(budget / mean) : 16;
    /* the distinct remote second documents, ascending */
    size_t nr = 0;
    remote = nd_malloc(a, (np ? np : 1) * 8);
    tmp = nd_malloc(a, (np ? np : 1) * 8);
    if (!remote || !tmp) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < np; i++)
        if (owner_of(x, (uint32_t)pairs[i])->rank != x->c->rank)
            remote[nr++] = (uint32_t)pairs[i];
    nr = nd_sort_unique_u64(remote, tmp, nr);
    nd_free(a, off);
    off = nd_malloc(a, ((nr < round_docs ? nr : round_docs) + 1) * sizeof *off);
    if (!off) {
        st = ND_E_NOMEM;
        goto fail;
    }
    /* every process takes part in as many rounds as the busiest needs */
    uint64_t rounds = (nr + round_docs - 1) / round_docs;
    for (unsigned r = 0; r < P; r++)
        ND_TRY(nd_vec_append(&to[r], a, &rounds, 8));
    void *all;
    ND_TRY(dx(x, "verify", to, &all, &bytes));
    for (size_t i = 0; i < bytes / 8; i++)
        rounds = ((uint64_t *)all)[i] > rounds ? ((uint64_t *)all)[i] : rounds;
    nd_free(a, all);
    for (uint64_t k = 0; k <= rounds; k++) {
        /* round k fetches remote[k * round_docs ..), then counts the pairs
         * whose second document came in it; round `rounds` counts none
         * fetched, only local pairs */
        const size_t lo = k * round_docs < nr ? (size_t)k * round_docs : nr;
        const size_t hi = lo + round_docs < nr ? lo + round_docs : nr;
        if (k < rounds) {
            for (size_t i = lo; i < hi; i++) {
                const uint32_t g = (uint32_t)remote[i];
                ND_TRY(nd_vec_append(&to[owner_of(x, g)->rank], a, &g, 4));
            }
            ND_TRY(dx(x, "verify", to, &req, &bytes));
            /* answer: for each requested id, its value count, then the values */
            const uint32_t *q = req;
            size_t at = 0;
            for (unsigned r = 0; r < P; r++) {
                for (uint64_t i = 0; i < x->rlen[r] / 4; i++, at++) {
                    const grun *g = owner_of(x, q[at]);
                    const uint32_t lid = grun_local(g, q[at]);
                    const uint32_t *set;
                    ND_TRY(local_set(d, lid, &sa, &set));
                    const uint32_t items = (uint32_t)set_items(d, lid);
                    ND_TRY(nd_vec_append(&to[r], a, &items, 4));
                    ND_TRY(nd_vec_append(&to[r], a, set, (size_t)items * 4));
                }
            }
            nd_free(a, req);
            req = NULL;
            ND_TRY(dx(x, "verify", to, &resp, &bytes));
            /* the answers come grouped by owner, each group in request order */
            size_t *cursor = nd_calloc(a, P + 1, sizeof *cursor);
            if (!cursor) {
                st = ND_E_NOMEM;
                goto fail;
            }
            size_t pos = 0;
            for (unsigned r = 0; r < P; r++) {
                cursor[r] = pos;
                pos += (size_t)x->rlen[r];
            }
            for (size_t i = lo; i < hi; i++) {
                const unsigned r = owner_of(x, (uint32_t)remote[i])->rank;
                off[i - lo] = cursor[r];
                uint32_t items;
                memcpy(&items, (const char *)resp + cursor[r], 4);
                cursor[r] += 4 + (size_t)items * 4;
            }
            nd_free(a, cursor);
        }
        vround v = {x, pairs, count, remote, lo, hi, off, resp, k == rounds, sc, tst};
        for (unsigned t = 0; t < T; t++)
            tst[t] = ND_OK;
        nd_parallel(T, np, 32, vround_task, &v);
        for (unsigned t = 0; t < T; t++)
            ND_TRY(tst[t]);
        nd_free(a, resp);
        resp = NULL;
    }
fail:
    nd_free(a, req);
    nd_free(a, resp);
    nd_free(a, remote);
    nd_free(a, tmp);
    nd_free(a, off);
    nd_vec_free(&sa, a);
    for (unsigned t = 0; t < T; t++) {
        nd_vec_free(&sc[t].a, a);
        nd_vec_free(&sc[t].b, a);
    }
    nd_free(a, sc);
    return st;
}

typedef struct cand_msg {
    uint64_t key;     /* global ids, first << 32 | second; then units */
    uint32_t count;
    uint32_t pad;
} cand_msg;

static int cmp_cand_msg(const void *pa, const void *pb)
{
    const cand_msg *p = pa, *q = pb;
    return (p->key > q->key) - (p->key < q->key);
}

/* Step 6 on process 0: units, candidates with their counts, placement. */
static nd_status dist_place(dist *x, const uint32_t *leader, cand_msg *cm, size_t nc,
                            int want_pairs)
{
    nd_dedup *d = x->d;
    const nd_alloc_ctx *a = &d->alloc;
    const size_t N = d->docs.len;
    nd_status st = ND_OK;
    run_state rs;
    memset(&rs, 0, sizeof rs);
    rs.threads = nd_threads_resolve(d->params.threads);
    rs.sc = nd_calloc(a, rs.threads, sizeof *rs.sc);
    rs.unit_of = nd_malloc(a, (N ? N : 1) * sizeof *rs.unit_of);
    rs.unit_start = nd_calloc(a, N + 2, sizeof *rs.unit_start);
    rs.unit_docs = nd_malloc(a, (N ? N : 1) * sizeof *rs.unit_docs);
    rs.cand = nd_malloc(a, (nc ? nc : 1) * sizeof *rs.cand);
    rs.cand_count = nd_malloc(a, (nc + 1) * sizeof *rs.cand_count);
    if (!rs.sc || !rs.unit_of || !rs.unit_start || !rs.unit_docs || !rs.cand ||
        !rs.cand_count) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < N; i++)
        if (leader[i] > i) {
            st = ND_E_CORRUPT;
            goto fail;
        }
    units_from_leaders(&rs, leader, N);
    /* units are numbered in order of their leader: the order of the pairs stays */
    for (size_t i = 0; i < nc; i++)
        cm[i].key = (uint64_t)rs.unit_of[cm[i].key >> 32] << 32 | rs.unit_of[(uint32_t)cm[i].key];
    qsort(cm, nc, sizeof *cm, cmp_cand_msg);
    for (size_t i = 0; i < nc; i++) {
        rs.cand[i] = cm[i].key;
        rs.cand_count[i] = cm[i].count;
    }
    rs.num_cand = nc;
    d->stats.candidates = nc;
    rs.count_placement = !want_pairs;
    if (want_pairs)
        d->stats.verified += nc;
    ND_TRY(build_adjacency(d, &rs));
    ND_TRY(build_clusters(d, &rs));
    if (want_pairs)
        ND_TRY(build_pairs(d, &rs));
fail:
    run_state_free(&rs, a);
    return st;
}

nd_status nd_dedup_run_dist(nd_dedup *d, const nd_comm *comm, const uint32_t *global_ids,
                            int want_pairs)
{
    if (!d || !comm || comm->size == 0 || comm->rank >= comm->size || !comm->exchange)
        return ND_E_PARAM;
    if (d->ran)
        return ND_E_STATE;
    d->detail[0] = '\0';
    d->ran = 1;
    const nd_alloc_ctx *a = &d->alloc;
    const unsigned P = comm->size;
    nd_status st = ND_OK;
    dist x;
    memset(&x, 0, sizeof x);
    x.d = d;
    x.c = comm;
    x.gid = global_ids;
    uint32_t *leaders = NULL, *count = NULL;
    uint64_t *pairs = NULL;
    size_t np = 0;
    void *got = NULL;
    nd_vec cand;
    nd_vec_init(&cand, sizeof(uint64_t), SIZE_MAX / 16);
    nd_vec *to = nd_calloc(a, 2 * (size_t)P, sizeof *to);
    x.slen = nd_calloc(a, P, sizeof *x.slen);
    x.rlen = nd_calloc(a, P, sizeof *x.rlen);
    x.leader = nd_malloc(a, (d->docs.len ? d->docs.len : 1) * sizeof *x.leader);
    if (!to || !x.slen || !x.rlen || !x.leader) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (unsigned r = 0; r < 2 * P; r++)
        nd_vec_init(&to[r], 1, SIZE_MAX / 2);
    if (d->spill_events) {
        ND_TRY(spill_all(d));
        nd_vec_free(&d->sets.mem, a);
    }
    ND_TRY(dist_runs(&x, to));
    ND_TRY(dist_exact(&x, to, to + P));
    ND_TRY(dist_bands(&x, to, &cand));
    if (cont_on(d))
        ND_TRY(dist_cont(&x, to, &cand));
    ND_TRY(dist_route(&x, to, &cand, &pairs, &np));
    count = nd_malloc(a, (np ? np : 1) * sizeof *count);
    if (!count) {
        st = ND_E_NOMEM;
        goto fail;
    }
    ND_TRY(dist_verify(&x, to, pairs, np, count));
    ND_TRY(dist_records(&x, to, &leaders));
    for (size_t i = 0; i < np; i++) {
        const cand_msg m = {pairs[i], count[i], 0};
        ND_TRY(nd_vec_append(&to[0], a, &m, sizeof m));
    }
    uint64_t bytes;
    ND_TRY(dx(&x, "place", to, &got, &bytes));
    if (comm->rank == 0)
        ND_TRY(dist_place(&x, leaders, got, (size_t)(bytes / sizeof(cand_msg)), want_pairs));
fail:
    if (to)
        for (unsigned r = 0; r < 2 * P; r++)
            nd_vec_free(&to[r], a);
    nd_free(a, to);
    nd_free(a, x.slen);
    nd_free(a, x.rlen);
    nd_free(a, x.leader);
    nd_free(a, x.runs);
    nd_free(a, leaders);
    nd_free(a, count);
    nd_free(a, pairs);
    nd_free(a, got);
    nd_vec_free(&cand, a);
    if (st != ND_OK && !d->detail[0])
        nd_detail_set(d->detail, "distributed run, process %u of %u: %s", comm->rank, P,
                      nd_strerror(st));
    return st;
}

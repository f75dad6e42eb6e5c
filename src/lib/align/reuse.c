/*
 * reuse.c - reused passages and boilerplate (nd_reuse).
 *
 * DESIGN
 *   Texts are not kept: the caller's nd_text_fn gives a document's bytes when
 *   a phase needs them, and every phase tokenises again with the shared
 *   tokeniser (so offsets are the ones every other stage uses). What stays
 *   between phases is small: per document its group, source and date, and the
 *   boilerplate token ranges.
 *
 *   Boilerplate (nd_reuse_boilerplate). Each document is cut into segments at
 *   line breaks, and at sentence ends inside a line (".", "!" or "?" then
 *   white space before a word that does not start with a lower-case ASCII
 *   letter). A segment is identified by the hash of its token hashes. A
 *   segment is "repeated" when it occurs in two or more duplicate groups
 *   (copies of one document count once). The head of a document is its run of
 *   repeated segments from the first one, the tail the run back from the last
 *   one, each at most EDGE_SEGMENTS (5) long; a document made only of
 *   repeated segments has neither (it is a copy or an excerpt, not a page with
 *   a template). The limit keeps a discussion thread, where every message
 *   quotes the one before, from making its quotations boilerplate. A segment
 *   is boilerplate when it lies in a head or tail of at most SHORT_EDGE_WORDS
 *   (30) words in ND_P_BOILER_DOCS groups (2: a licence line ending two
 *   pages), or in any head or tail in max(3, ND_P_BOILER_DOCS) groups (two
 *   documents opening with the same paragraph are more likely reuse than a
 *   template), provided that at least 9 in 10 of the groups holding it hold
 *   it in a head or tail (a template sits at the edges of the pages that
 *   carry it; sentences that open answers copied from an article, and sit
 *   inside that article, are quoted); or anywhere in ND_P_BOILER_ANYWHERE
 *   groups, or anywhere in ND_P_BOILER_SOURCE_DOCS groups of one source. A
 *   licence line that ends two otherwise unrelated pages is boilerplate; a
 *   quotation inside an article is not.
 *
 *   Passages (nd_reuse_run).
 *   1. Seeds: every n-gram (ND_P_NGRAM words) that overlaps no boilerplate
 *      becomes a 16-byte record (hash; doc << 32 | position), made in parallel
 *      per chunk of documents and concatenated in chunk order.
 *   2. Records are spread over 256 buckets by the top byte of the hash and
 *      each bucket is radix sorted (stable, so equal hashes stay in document
 *      order) on its own thread.
 *   3. A run of equal hashes is a rare n-gram when it spans at least
 *      ND_P_DF_MIN documents and has at most ND_P_DF_MAX occurrences; the
 *      second bound keeps the pairs it makes below DF_MAX^2 / 2, so a
 *      document of one repeated word costs no more than its length. Each two
 *      occurrences in different documents that may be paired (groups, sources,
 *      date window) give a hit (a << 32 | b; pos_a << 32 | pos_b).
 *   4. Hits are sorted by pair, then by positions.
 *   5. Per pair (in parallel): hits are chained in order of position when
 *      both positions advance by at most n + ND_P_MAX_GAP and the diagonals
 *      differ by at most MAX_GAP; a chain is extended while words are equal,
 *      then by an X-drop walk (+1 a match, -2 a mismatch, stop 3 below the
 *      best); chains overlapping in both documents merge; the words of the
 *      merged span are aligned by a longest common subsequence restricted to
 *      the band of the chain's diagonals (plus slack), which gives matches
 *      and the score. Spans with at least ND_P_MIN_WORDS matches, covering at
 *      least half of the longer side, are passages. Chains merge only when
 *      their diagonals are within MERGE_DIAG words, and a chain inside
 *      another in both documents is dropped. A phrase that one document
 *      repeats is matched again wherever it recurs: a passage whose span in
 *      either document lies half or more inside a passage of the same pair
 *      with SHADOW_RATIO (2) times its matches is such a shadow and is
 *      dropped, so that each stretch of text is aligned once per pair (two
 *      passages of like length, a paragraph quoted twice, both stay).
 *   6. Passage clusters: every passage gives an occurrence in each document;
 *      overlapping occurrences in one document merge into one range, and a
 *      union-find over ranges joins the two ranges of each passage.
 *   Every parallel step writes per chunk and is concatenated in chunk order,
 *   so the output is the same for any thread count.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>

#include "nd_internal.h"
#include "../dedup/spill.h"

#define CHUNK_DOCS 64
#define CHUNK_PAIRS 32
#define NBUCKETS 256
#define XDROP 3
#define BAND_SLACK 4
#define DP_MAX_CELLS ((uint64_t)1 << 26)
#define EDGE_SEGMENTS 5 /* the head and tail are at most this many segments */
/* (EDGE_SEGMENTS and SHORT_EDGE_WORDS are also nd_boiler_pair's: nd_internal.h) */
#define MERGE_PASSES 16   /* chain merging repeats until stable, at most this often */
#define MERGE_LOOKBACK 256 /* ... comparing a chain with this many kept before it */
#define MERGE_DIAG 8       /* most diagonal spread of two chains that merge */
#define SHADOW_RATIO 2     /* a repeat matched off a passage this many times longer */
#define EDGE_MANY 4 /* edges in this many groups outvote occurrences inside texts */
#define SHORT_EDGE_WORDS 30 /* a head or tail this short needs only ND_P_BOILER_DOCS */

typedef nd_rec16 rec16;

typedef struct rdoc {
    uint32_t group, source;
    double date;
    int has_date;
} rdoc;

/* A word as alignment sees it: its byte range and a 32-bit hash. */
typedef nd_word ctok;

typedef struct seg {
    uint64_t hash;
    uint32_t doc, tb, te, start, end;
} seg;

/* Per-thread scratch. */
typedef struct tstate {
    nd_text_buf ta, tb;
    uint32_t cached_a;  /* the first document of the last pair aligned: */
    const ctok *wa;     /* ... its words */
    int64_t nwa;
    const nd_span *ma;  /* ... and mask */
    size_t nma;
    nd_vec hashes;  /* uint64 */
    nd_align_scratch al; /* chains, open chains, dp: one pair's alignment */
    nd_vec ca, cb;  /* ctok: the words of a and b when they are not cached */
    nd_vec bk, btmp; /* rec16: a bucket of seeds and its sort scratch */
    nd_vec at;       /* size_t: bstore_part's places, a bucket each */
    nd_vec sh;       /* uint64: a document's n-gram hashes, to note in r->twice */
} tstate;

typedef struct chain {
    uint32_t a0, b0, a1, b1; /* spans [a0, a1) x [b0, b1) in words */
    int64_t dmin, dmax;      /* diagonals (b - a) of its seeds */
    uint32_t la, lb;         /* last seed */
} chain;

struct nd_reuse {
    nd_alloc_ctx alloc;
    nd_params params;
    nd_vec docs;      /* rdoc */
    nd_vec src_bytes; /* char */
    nd_vec src_off;   /* uint64, sources + 1 entries once any is added */
    uint32_t *src_tab;
    size_t src_cap;
    int boiler_done, run_done;
    nd_vec boilers;   /* nd_boiler */
    nd_vec bocc;      /* nd_occurrence of every boilerplate segment, by boiler then doc */
    size_t *bocc_off; /* boilers + 1 */
    nd_vec bspan;     /* nd_span, per document in order */
    nd_vec btok;      /* nd_span of token ranges, parallel to bspan */
    uint64_t *bspan_off; /* docs + 1 */
    const nd_vec *wchunks; /* ctok of every document, per chunk of CHUNK_DOCS documents,
                         while the passages are found (ND_P_MEMORY 0) */
    uint64_t *word_off; /* docs + 1: word_off[d] - word_off[first of d's chunk] is d's
                           first word in its chunk (in word_file: in all) */
    nd_spill word_file; /* ND_P_MEMORY: the words, read back per document */
    /* ND_P_MEMORY: the alignment goes a block at a time, a block being the
     * pairs of documents of range i with documents of range j >= i; the words
     * of both ranges are read into win[0] and win[1] in two reads */
    uint32_t *wrange; /* nranges + 1: the first document of each range */
    uint8_t *rng;     /* per document: its range */
    size_t nranges;   /* 0: no blocks (words in memory, or read per document) */
    size_t nblocks, block_per; /* nranges (nranges + 1) / 2 blocks, block_per buckets each */
    nd_vec win[2];    /* ctok */
    size_t win_r[2];  /* the ranges in win[0] and win[1], or SIZE_MAX */
    uint64_t text_bytes; /* the lengths nd_reuse_add was given, summed */
    uint64_t *twice;  /* 2 bits a cell (seen once, seen again) for the n-gram hashes
                         nd_reuse_boilerplate met; NULL: none noted */
    size_t twice_mask; /* cells - 1 */
    nd_vec passages;  /* nd_passage */
    nd_vec occ;       /* nd_occurrence */
    size_t *cl_off;
    uint32_t *cl_origin;
    size_t nclusters;
    nd_reuse_stats stats;
    uint32_t lo, hi;  /* the documents whose texts this process holds (nd_reuse_set_share) */
    int shared;       /* 0: all of them (no share set) */
    char *tmpdir;
    char detail[ND_DETAIL_MAX];
};

/* ---- small helpers --------------------------------------------------------- */

/* Stable LSD radix sort of a[0..n) on k1 (key 1) or k2 (key 2), 8 bits a
 * pass; passes over bytes equal in every record are skipped. */
static void sort16(rec16 *a, rec16 *tmp, size_t n, int key)
{
    size_t cnt[8][256];
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++) {
        const uint64_t k = key == 1 ? a[i].k1 : a[i].k2;
        for (unsigned p = 0; p < 8; p++)
            cnt[p][(k >> (8 * p)) & 255]++;
    }
    rec16 *src = a, *dst = tmp;
    for (unsigned p = 0; p < 8; p++) {
        int skip = 0;
        for (unsigned v = 0; v < 256; v++)
            if (cnt[p][v] == n) {
                skip = 1;
                break;
            }
        if (skip)
            continue;
        size_t pos = 0;
        for (unsigned v = 0; v < 256; v++) {
            const size_t c = cnt[p][v];
            cnt[p][v] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++) {
            const uint64_t k = key == 1 ? src[i].k1 : src[i].k2;
            dst[cnt[p][(k >> (8 * p)) & 255]++] = src[i];
        }
        rec16 *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

static uint32_t doc_group(const nd_reuse *r, uint32_t d)
{
    const uint32_t g = ND_VEC_AT(&r->docs, rdoc, d).group;
    return g == ND_NO_GROUP ? d : g;
}

/* The documents whose texts are here: [share_lo, share_hi). */
static uint32_t share_lo(const nd_reuse *r)
{
    return r->shared ? r->lo : 0;
}

static uint32_t share_hi(const nd_reuse *r)
{
    return r->shared ? r->hi : (uint32_t)r->docs.len;
}

static size_t share_chunks(const nd_reuse *r)
{
    return (share_hi(r) - share_lo(r) + (size_t)CHUNK_DOCS - 1) / CHUNK_DOCS;
}

static void ts_free(tstate *t, const nd_alloc_ctx *a)
{
    nd_text_buf_free(&t->ta, a);
    nd_text_buf_free(&t->tb, a);
    nd_vec_free(&t->hashes, a);
    nd_align_scratch_free(&t->al, a);
    nd_vec_free(&t->ca, a);
    nd_vec_free(&t->cb, a);
    nd_vec_free(&t->bk, a);
    nd_vec_free(&t->btmp, a);
    nd_vec_free(&t->at, a);
    nd_vec_free(&t->sh, a);
}

static void ts_init(tstate *t)
{
    memset(t, 0, sizeof *t);
    nd_text_buf_init(&t->ta);
    nd_text_buf_init(&t->tb);
    t->cached_a = ND_NO_DOC;
    nd_vec_init(&t->hashes, sizeof(uint64_t), UINT32_MAX);
    nd_align_scratch_init(&t->al);
    nd_vec_init(&t->ca, sizeof(ctok), UINT32_MAX);
    nd_vec_init(&t->cb, sizeof(ctok), UINT32_MAX);
    nd_vec_init(&t->bk, sizeof(rec16), SIZE_MAX / 32);
    nd_vec_init(&t->btmp, sizeof(rec16), SIZE_MAX / 32);
    nd_vec_init(&t->at, sizeof(size_t), SIZE_MAX / 8);
    nd_vec_init(&t->sh, sizeof(uint64_t), UINT32_MAX);
}

/* A parallel phase: chunks of work, each with its own output vector and
 * status; the first failing chunk (in chunk order) names the error. */
typedef struct phase {
    nd_reuse *r;
    nd_text_fn text;
    void *ctx;
    tstate *ts;
    size_t nchunks;
    nd_vec *out;
    nd_vec *out2;   /* seeds: the words of each chunk, for the cache */
    nd_status *st;
    uint32_t *fail_doc;
    atomic_int stop;
    size_t base;     /* chunk numbers are base + the loop's index */
    const char *what; /* what a chunk makes, for the error detail ("seeds") */
    const struct bstore *store; /* hits: where the seeds are */
    const struct bstore *dest;  /* seeds and hits: where the chunks' records go... */
    size_t *bcnt;               /* ... put in its bucket order: dest->nb counts a chunk of
                                   the wave, by the chunk's place in it */
    const struct rtable *remote; /* the alignment: other processes' documents */
    const uint64_t *pr;          /* ... per pair its first and end hit in recs */
    /* phase data */
    const rec16 *recs;
    size_t *bounds; /* nchunks + 1 */
    uint64_t *cstats; /* per chunk counters, 4 each */
} phase;

/* A failed step's detail, "what: reason", unless the step set one (spill
 * files name the system's reason); returns st. Every error that leaves
 * nd_reuse_boilerplate or nd_reuse_run goes through here at least once, so
 * nd_reuse_errdetail() is never empty after one. */
static nd_status step_status(nd_reuse *r, nd_status st, const char *fmt, ...) ND_PRINTF(3, 4);
static nd_status step_status(nd_reuse *r, nd_status st, const char *fmt, ...)
{
    if (st == ND_OK || r->detail[0])
        return st;
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    nd_detail_set(r->detail, "%s: %s", what, nd_strerror(st));
    return st;
}

static nd_status phase_alloc(phase *ph, nd_reuse *r, size_t nchunks, size_t item,
                             const char *what)
{
    memset(ph, 0, sizeof *ph);
    ph->r = r;
    ph->what = what;
    ph->nchunks = nchunks;
    const unsigned nt = nd_threads_resolve(r->params.threads);
    ph->ts = nd_calloc(&r->alloc, nt, sizeof *ph->ts);
    ph->out = nd_calloc(&r->alloc, nchunks ? nchunks : 1, sizeof *ph->out);
    ph->st = nd_calloc(&r->alloc, nchunks ? nchunks : 1, sizeof *ph->st);
    ph->fail_doc = nd_calloc(&r->alloc, nchunks ? nchunks : 1, sizeof *ph->fail_doc);
    ph->cstats = nd_calloc(&r->alloc, (nchunks ? nchunks : 1) * 4, sizeof *ph->cstats);
    if (!ph->ts || !ph->out || !ph->st || !ph->fail_doc || !ph->cstats)
        return step_status(r, ND_E_NOMEM, "the scratch of %u threads and %zu chunks (%s)", nt,
                           nchunks, what);
    for (unsigned i = 0; i < nt; i++)
        ts_init(&ph->ts[i]);
    for (size_t c = 0; c < nchunks; c++)
        nd_vec_init(&ph->out[c], item, UINT32_MAX * (size_t)16);
    atomic_init(&ph->stop, 0);
    return ND_OK;
}

static void phase_free(phase *ph)
{
    const nd_alloc_ctx *a = &ph->r->alloc;
    if (ph->ts) {
        const unsigned nt = nd_threads_resolve(ph->r->params.threads);
        for (unsigned i = 0; i < nt; i++)
            ts_free(&ph->ts[i], a);
    }
    if (ph->out)
        for (size_t c = 0; c < ph->nchunks; c++)
            nd_vec_free(&ph->out[c], a);
    if (ph->out2)
        for (size_t c = 0; c < ph->nchunks; c++)
            nd_vec_free(&ph->out2[c], a);
    nd_free(a, ph->out2);
    nd_free(a, ph->ts);
    nd_free(a, ph->out);
    nd_free(a, ph->st);
    nd_free(a, ph->fail_doc);
    nd_free(a, ph->cstats);
    nd_free(a, ph->bounds);
    nd_free(a, ph->bcnt);
}

/* The first error in chunk order, with its detail. */
static nd_status phase_status(phase *ph)
{
    for (size_t c = 0; c < ph->nchunks; c++)
        if (ph->st[c] != ND_OK) {
            if (ph->fail_doc[c] != ND_NO_DOC)
                nd_detail_set(ph->r->detail, "%s of document %u: %s", ph->what,
                              ph->fail_doc[c], nd_strerror(ph->st[c]));
            else
                nd_detail_set(ph->r->detail, "%s: %s", ph->what, nd_strerror(ph->st[c]));
            return ph->st[c];
        }
    return ND_OK;
}

/* Concatenates the chunk outputs into *dst (a fresh vector). */
static nd_status phase_concat(phase *ph, nd_vec *dst)
{
    size_t total = 0;
    for (size_t c = 0; c < ph->nchunks; c++)
        total += ph->out[c].len;
    nd_status st = nd_vec_reserve(dst, &ph->r->alloc, dst->len + (total ? total : 1));
    if (st != ND_OK)
        return st;
    char *p = (char *)dst->data + dst->len * dst->item;
    for (size_t c = 0; c < ph->nchunks; c++) {
        if (ph->out[c].len)
            memcpy(p, ph->out[c].data, ph->out[c].len * ph->out[c].item);
        p += ph->out[c].len * ph->out[c].item;
        dst->len += ph->out[c].len;
        nd_vec_free(&ph->out[c], &ph->r->alloc);
    }
    return ND_OK;
}

/* Fetches and tokenises document d into tb. */
static nd_status load_doc(phase *ph, unsigned slot, uint32_t d, nd_text_buf *tb,
                          const char **text, size_t *len)
{
    const char *t = NULL;
    size_t n = 0;
    nd_status st = ph->text(ph->ctx, d, slot, &t, &n);
    if (st != ND_OK)
        return st;
    if (n > ph->r->params.max_doc)
        return ND_E_LIMIT;
    if (!t && n)
        return ND_E_PARAM;
    if (text)
        *text = t;
    if (len)
        *len = n;
    return nd_text_tokenize(tb, &ph->r->alloc, t ? t : "", n, 0);
}

/* ---- create / add ---------------------------------------------------------- */

nd_status nd_reuse_create(nd_reuse **out, const nd_params *params, const nd_allocator *alloc)
{
    nd_alloc_ctx a;
    nd_alloc_init(&a, alloc);
    nd_reuse *r = nd_calloc(&a, 1, sizeof *r);
    *out = NULL;
    if (!r)
        return ND_E_NOMEM;
    r->alloc = a;
    nd_params_defaults(&r->params);
    if (params)
        nd_params_copy_values(&r->params, params);
    nd_vec_init(&r->docs, sizeof(rdoc), UINT32_MAX - 1);
    nd_vec_init(&r->src_bytes, 1, SIZE_MAX / 2);
    nd_vec_init(&r->src_off, sizeof(uint64_t), UINT32_MAX - 1);
    nd_vec_init(&r->boilers, sizeof(nd_boiler), UINT32_MAX);
    nd_vec_init(&r->bocc, sizeof(nd_occurrence), SIZE_MAX / 16);
    nd_vec_init(&r->bspan, sizeof(nd_span), SIZE_MAX / 16);
    nd_vec_init(&r->btok, sizeof(nd_span), SIZE_MAX / 16);
    nd_vec_init(&r->passages, sizeof(nd_passage), UINT32_MAX - 1);
    nd_vec_init(&r->occ, sizeof(nd_occurrence), SIZE_MAX / 16);
    for (int k = 0; k < 2; k++) {
        nd_vec_init(&r->win[k], sizeof(ctok), SIZE_MAX / 16);
        r->win_r[k] = SIZE_MAX;
    }
    if (r->params.df_min > r->params.df_max) {
        nd_reuse_destroy(r);
        return ND_E_PARAM;
    }
    *out = r;
    return ND_OK;
}

void nd_reuse_destroy(nd_reuse *r)
{
    if (!r)
        return;
    const nd_alloc_ctx a = r->alloc;
    nd_vec_free(&r->docs, &a);
    nd_vec_free(&r->src_bytes, &a);
    nd_vec_free(&r->src_off, &a);
    nd_free(&a, r->src_tab);
    nd_vec_free(&r->boilers, &a);
    nd_vec_free(&r->bocc, &a);
    nd_free(&a, r->bocc_off);
    nd_vec_free(&r->bspan, &a);
    nd_vec_free(&r->btok, &a);
    nd_free(&a, r->bspan_off);
    nd_vec_free(&r->passages, &a);
    nd_free(&a, r->word_off);
    nd_free(&a, r->twice);
    nd_vec_free(&r->occ, &a);
    nd_free(&a, r->cl_off);
    nd_free(&a, r->cl_origin);
    nd_free(&a, r->tmpdir);
    nd_free(&a, r);
}

static size_t num_sources(const nd_reuse *r)
{
    return r->src_off.len ? r->src_off.len - 1 : 0;
}

const char *nd_reuse_source(const nd_reuse *r, uint32_t i, size_t *len)
{
    if (!r || i >= num_sources(r))
        return NULL;
    const uint64_t b = ND_VEC_AT(&r->src_off, uint64_t, i);
    const uint64_t e = ND_VEC_AT(&r->src_off, uint64_t, i + 1);
    if (len)
        *len = (size_t)(e - b);
    return (const char *)r->src_bytes.data + b;
}

/* Index of a source name, added when new; ND_NO_DOC on failure. */
static nd_status intern_source(nd_reuse *r, const char *s, size_t n, uint32_t *out)
{
    nd_status st;
    if (r->src_off.len == 0) {
        const uint64_t zero = 0;
        if ((st = nd_vec_push(&r->src_off, &r->alloc, &zero)) != ND_OK)
            return st;
    }
    const size_t ns = num_sources(r);
    if ((ns + 1) * 2 > r->src_cap) { /* rehash at load 1/2 */
        const size_t cap = r->src_cap ? r->src_cap * 2 : 64;
        uint32_t *tab = nd_calloc(&r->alloc, cap, sizeof *tab);
        if (!tab)
            return ND_E_NOMEM;
        for (uint32_t i = 0; i < ns; i++) {
            size_t len;
            const char *name = nd_reuse_source(r, i, &len);
            size_t h = (size_t)nd_token_hash(name, len) & (cap - 1);
            while (tab[h])
                h = (h + 1) & (cap - 1);
            tab[h] = i + 1;
        }
        nd_free(&r->alloc, r->src_tab);
        r->src_tab = tab;
        r->src_cap = cap;
    }
    size_t h = (size_t)nd_token_hash(s, n) & (r->src_cap - 1);
    while (r->src_tab[h]) {
        size_t len;
        const char *name = nd_reuse_source(r, r->src_tab[h] - 1, &len);
        if (len == n && memcmp(name, s, n) == 0) {
            *out = r->src_tab[h] - 1;
            return ND_OK;
        }
        h = (h + 1) & (r->src_cap - 1);
    }
    if ((st = nd_vec_reserve(&r->src_bytes, &r->alloc, r->src_bytes.len + n)) != ND_OK)
        return st;
    if (n)
        memcpy((char *)r->src_bytes.data + r->src_bytes.len, s, n);
    r->src_bytes.len += n;
    const uint64_t end = r->src_bytes.len;
    if ((st = nd_vec_push(&r->src_off, &r->alloc, &end)) != ND_OK) {
        r->src_bytes.len -= n;
        return st;
    }
    r->src_tab[h] = (uint32_t)ns + 1;
    *out = (uint32_t)ns;
    return ND_OK;
}

nd_status nd_reuse_add(nd_reuse *r, const nd_reuse_doc *doc)
{
    ND_RETURN_IF(!r, ND_E_PARAM);
    r->detail[0] = 0;
    if (r->boiler_done || r->run_done) {
        nd_detail_set(r->detail, "documents are added before the first run");
        return ND_E_STATE;
    }
    rdoc d = {.group = ND_NO_GROUP, .source = ND_NO_DOC, .date = 0, .has_date = 0};
    if (doc) {
        r->text_bytes += doc->length;
        d.group = doc->group;
        if (doc->has_date && isfinite(doc->date)) {
            d.has_date = 1;
            d.date = doc->date;
        }
        if (doc->source) {
            nd_status st = intern_source(r, doc->source, doc->source_len, &d.source);
            if (st != ND_OK)
                return step_status(r, st, "the source of document %zu (%zu sources)",
                                   r->docs.len, num_sources(r));
        }
    }
    if (r->docs.len >= UINT32_MAX - 1) {
        nd_detail_set(r->detail, "more than %u documents", UINT32_MAX - 2);
        return ND_E_LIMIT;
    }
    return step_status(r, nd_vec_push(&r->docs, &r->alloc, &d), "the table of %zu documents",
                       r->docs.len + 1);
}

/* ---- boilerplate ----------------------------------------------------------- */

/* The kind of break in the bytes between two words: 3 a blank line, 2 a line
 * break or a sentence end (".", "!" or "?" followed later by white space), 0
 * none. */
static int gap_break(const char *g, size_t n)
{
    int end = 0, lines = 0;
    for (size_t i = 0; i < n; i++) {
        const char c = g[i];
        if (c == '\n') {
            if (++lines == 2)
                return 3;
            end = 2;
        } else if (c == '.' || c == '!' || c == '?') {
            if (end == 0)
                end = 1;
        } else if (end == 1 && (c == ' ' || c == '\t' || c == '\r')) {
            end = 2;
        }
    }
    return end == 2 ? 2 : 0;
}

size_t nd_segment_end(const char *text, const nd_token *tok, size_t nt, size_t s0)
{
    size_t i = s0 + 1;
    for (; i < nt; i++) {
        /* a line or sentence goes on when the next word starts in lower case
         * (wrapped prose); a blank line always ends it */
        const char c1 = text[tok[i].start];
        const int g = gap_break(text + tok[i - 1].end, tok[i].start - tok[i - 1].end);
        if (!(g == 0 || (g == 2 && c1 >= 'a' && c1 <= 'z')))
            break;
    }
    return i;
}

/* ---- n-grams seen twice ------------------------------------------------------ */

/* r->twice: per cell (the low bits of an n-gram hash) a bit "seen" and a bit
 * "seen again", set from any thread at once: whichever thread sets "seen"
 * first, the second mark of a cell sets "seen again", so the table ends the
 * same for any thread count. An n-gram whose cell has no second mark occurs
 * once in the collection and cannot seed a hit; cells shared by two n-grams
 * only let more through. (GCC's __atomic built-ins on plain words: the table
 * comes zeroed from nd_calloc.) */
static void twice_mark(uint64_t *t, size_t mask, uint64_t h)
{
    const size_t c = (size_t)h & mask;
    uint64_t *w = &t[c >> 5];
    const uint64_t once = (uint64_t)1 << (2 * (c & 31));
    if (__atomic_load_n(w, __ATOMIC_RELAXED) & (once << 1))
        return;
    if (__atomic_fetch_or(w, once, __ATOMIC_RELAXED) & once)
        (void)__atomic_fetch_or(w, once << 1, __ATOMIC_RELAXED);
}

static int twice_seen(const uint64_t *t, size_t mask, uint64_t h)
{
    const size_t c = (size_t)h & mask;
    return (int)(t[c >> 5] >> (2 * (c & 31) + 1) & 1);
}

/* The table for nd_reuse_boilerplate to fill: a cell for every two bytes of
 * text (a word is about six), at most an eighth of ND_P_MEMORY; none when no
 * length was given or the texts are shared between processes (a hash seen
 * once here may be seen again elsewhere). Lengths left out (0) only make the
 * table smaller, which lets more seeds through. */
static nd_status twice_alloc(nd_reuse *r)
{
    if (!r->text_bytes || r->shared)
        return ND_OK;
    size_t cells = (size_t)1 << 16;
    while (cells < r->text_bytes / 2 && cells < ((size_t)1 << 40))
        cells *= 2;
    while (r->params.memory && cells > (1u << 16) && cells / 4 > r->params.memory / 8)
        cells /= 2;
    r->twice = nd_calloc(&r->alloc, cells / 32, sizeof *r->twice);
    if (!r->twice)
        return step_status(r, ND_E_NOMEM, "the table of n-grams seen twice (%zu cells)", cells);
    r->twice_mask = cells - 1;
    return ND_OK;
}

static void twice_free(nd_reuse *r)
{
    nd_free(&r->alloc, r->twice);
    r->twice = NULL;
}

/* Notes the n-grams of a document's tokens in r->twice (tb scratch). */
static nd_status twice_note(nd_reuse *r, nd_vec *tb, const nd_token *tok, size_t nt)
{
    const size_t n = r->params.ngram;
    if (!r->twice || nt < n)
        return ND_OK;
    nd_status st = nd_vec_reserve(tb, &r->alloc, nt - n + 1);
    if (st != ND_OK)
        return st;
    uint64_t *h = tb->data;
    const size_t nh = nd_shingle_hashes(tok, nt, n, h), mask = r->twice_mask;
    for (size_t i = 0; i < nh; i++) {
        if (i + 16 < nh) /* the cells are far apart: ask for them early */
            __builtin_prefetch(&r->twice[(h[i + 16] & mask) >> 5], 1);
        twice_mark(r->twice, mask, h[i]);
    }
    return ND_OK;
}

static void segment_chunk(void *arg, size_t begin, size_t end, unsigned thread)
{
    phase *ph = arg;
    nd_reuse *r = ph->r;
    tstate *t = &ph->ts[thread];
    for (size_t c = begin; c < end; c++) {
        if (atomic_load_explicit(&ph->stop, memory_order_relaxed))
            return;
        const uint32_t d0 = share_lo(r) + (uint32_t)(c * CHUNK_DOCS), hi = share_hi(r);
        const uint32_t d1 = d0 + CHUNK_DOCS < hi ? d0 + CHUNK_DOCS : hi;
        for (uint32_t d = d0; d < d1; d++) {
            const char *text;
            size_t len;
            nd_status st = load_doc(ph, thread * 2, d, &t->ta, &text, &len);
            const nd_token *tok = t->ta.tokens.data;
            const size_t nt = t->ta.tokens.len;
            t->hashes.len = 0;
            if (st == ND_OK)
                st = nd_vec_reserve(&t->hashes, &r->alloc, nt ? nt : 1);
            if (st != ND_OK) {
                ph->st[c] = st;
                ph->fail_doc[c] = d;
                atomic_store(&ph->stop, 1);
                return;
            }
            if ((st = twice_note(r, &t->sh, tok, nt)) != ND_OK) {
                ph->st[c] = st;
                ph->fail_doc[c] = d;
                atomic_store(&ph->stop, 1);
                return;
            }
            uint64_t *h = t->hashes.data;
            for (size_t i = 0; i < nt; i++)
                h[i] = tok[i].hash;
            ph->cstats[c * 4] += nt;
            for (size_t s0 = 0, i; s0 < nt; s0 = i) {
                i = nd_segment_end(text, tok, nt, s0);
                seg s = {.hash = nd_shingle_hash(h + s0, i - s0), .doc = d,
                         .tb = (uint32_t)s0, .te = (uint32_t)i,
                         .start = tok[s0].start, .end = tok[i - 1].end};
                if ((st = nd_vec_push(&ph->out[c], &r->alloc, &s)) != ND_OK) {
                    ph->st[c] = st;
                    ph->fail_doc[c] = d;
                    atomic_store(&ph->stop, 1);
                    return;
                }
            }
        }
    }
}

nd_status nd_segments(const char *text, const nd_token *tok, size_t nt, const nd_alloc_ctx *a,
                      nd_vec *out)
{
    out->len = 0;
    if (!nt)
        return ND_OK;
    uint64_t *h = nd_malloc(a, nt * sizeof *h);
    if (!h)
        return ND_E_NOMEM;
    for (size_t i = 0; i < nt; i++)
        h[i] = tok[i].hash;
    nd_status st = ND_OK;
    for (size_t s0 = 0, i; s0 < nt && st == ND_OK; s0 = i) {
        i = nd_segment_end(text, tok, nt, s0);
        const nd_segment sg = {nd_shingle_hash(h + s0, i - s0), (uint32_t)s0, (uint32_t)i};
        st = nd_vec_push(out, a, &sg);
    }
    nd_free(a, h);
    return st;
}

/* 1 when x is in the sorted array v[0..n). */
static int has_u64(const uint64_t *v, size_t n, uint64_t x)
{
    const size_t lo = nd_lower_bound_u64(v, n, x);
    return lo < n && v[lo] == x;
}

/* The hashes of s's short head and tail runs (as boiler_count_edges with
 * short_only: repeated = in other, sorted) into e, sorted; their number. */
static size_t short_edges(const nd_segment *s, size_t n, const uint64_t *other, size_t no,
                          uint64_t *e, uint64_t *tmp)
{
    size_t h = 0, t = n, ne = 0;
    while (h < n && has_u64(other, no, s[h].hash))
        h++;
    if (h == n)
        return 0; /* all repeated: a copy or an excerpt, no edges */
    while (t > 0 && has_u64(other, no, s[t - 1].hash))
        t--;
    if (h > EDGE_SEGMENTS)
        h = EDGE_SEGMENTS;
    if (n - t > EDGE_SEGMENTS)
        t = n - EDGE_SEGMENTS;
    size_t hw = 0, tw = 0;
    for (size_t x = 0; x < h; x++)
        hw += s[x].te - s[x].tb;
    for (size_t x = t; x < n; x++)
        tw += s[x].te - s[x].tb;
    for (size_t x = 0; x < h && hw <= SHORT_EDGE_WORDS; x++)
        e[ne++] = s[x].hash;
    for (size_t x = t; x < n && tw <= SHORT_EDGE_WORDS; x++)
        e[ne++] = s[x].hash;
    return nd_sort_unique_u64(e, tmp, ne);
}

/* The mask of s: the word ranges of its segments whose hash is in bad
 * (sorted), adjacent ones joined, those shorter than ngram dropped. */
static nd_status pair_mask(const nd_segment *s, size_t n, const uint64_t *bad, size_t nbad,
                           size_t ngram, const nd_alloc_ctx *a, nd_vec *mask)
{
    mask->len = 0;
    nd_status st = ND_OK;
    for (size_t i = 0; i < n && st == ND_OK;) {
        if (!has_u64(bad, nbad, s[i].hash)) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && has_u64(bad, nbad, s[j].hash) && s[j].tb == s[j - 1].te)
            j++;
        const nd_span r = {s[i].tb, s[j - 1].te};
        if (r.end - r.start >= ngram)
            st = nd_vec_push(mask, a, &r);
        i = j;
    }
    return st;
}

nd_status nd_boiler_pair(const nd_params *p, const nd_alloc_ctx *a, const nd_segment *sa,
                         size_t na, const nd_segment *sb, size_t nb, int same_source,
                         int same_group, nd_vec *mask_a, nd_vec *mask_b)
{
    mask_a->len = 0;
    mask_b->len = 0;
    if (!na || !nb || same_group)
        return ND_OK; /* copies count once: nothing is repeated */
    const size_t n = na + nb;
    uint64_t *buf = nd_malloc(a, 3 * n * sizeof *buf);
    if (!buf)
        return ND_E_NOMEM;
    uint64_t *ha = buf, *hb = buf + na, *tmp = buf + n, *ea = buf + 2 * n, *eb = ea + na;
    for (size_t i = 0; i < na; i++)
        ha[i] = sa[i].hash;
    for (size_t i = 0; i < nb; i++)
        hb[i] = sb[i].hash;
    const size_t ua = nd_sort_unique_u64(ha, tmp, na), ub = nd_sort_unique_u64(hb, tmp, nb);
    /* bad: the boilerplate hashes, into ea (sorted) */
    size_t nbad = 0;
    const int anywhere = p->boiler_anywhere <= 2 ||
                         (same_source && p->boiler_source_docs && p->boiler_source_docs <= 2);
    if (anywhere) {
        for (size_t i = 0; i < ua; i++)
            if (has_u64(hb, ub, ha[i]))
                ea[nbad++] = ha[i];
    } else if (p->boiler_docs <= 2) {
        const size_t nea = short_edges(sa, na, hb, ub, ea, tmp);
        const size_t neb = short_edges(sb, nb, ha, ua, eb, tmp);
        for (size_t i = 0; i < nea; i++)
            if (has_u64(eb, neb, ea[i]))
                ea[nbad++] = ea[i];
    }
    nd_status st = ND_OK;
    if (nbad) {
        st = pair_mask(sa, na, ea, nbad, p->ngram, a, mask_a);
        if (st == ND_OK)
            st = pair_mask(sb, nb, ea, nbad, p->ngram, a, mask_b);
    }
    nd_free(a, buf);
    return st;
}

/* Per distinct segment hash. */
typedef struct hgroup {
    uint32_t first;      /* first segment (index into segs) */
    uint32_t docs, edge, edge_short, occ, words;
    uint32_t top_source, top_source_docs, sources;
} hgroup;

/* What the steps of nd_reuse_boilerplate share. */
typedef struct bwork {
    nd_vec segs;       /* seg, in document order */
    nd_vec keys;       /* rec16: sort keys; scratch between the steps */
    rec16 *tmp;        /* sort scratch; also (hash group, duplicate group) pairs */
    uint32_t *seg_hg;  /* segment -> hash group */
    uint8_t *repeated; /* per segment: in two or more duplicate groups */
    uint8_t *boiler;   /* per hash group: boilerplate (made once repeated is freed) */
    hgroup *hg;
    size_t nhg;
} bwork;

/* Step 1: every document cut into segments, in document order. */
static nd_status boiler_segments(nd_reuse *r, nd_text_fn text, void *ctx, nd_vec *segs)
{
    const size_t nchunks = share_chunks(r);
    phase ph;
    nd_status st = phase_alloc(&ph, r, nchunks, sizeof(seg), "the segments");
    if (st == ND_OK) {
        ph.text = text;
        ph.ctx = ctx;
        nd_parallel(r->params.threads, nchunks, 1, segment_chunk, &ph);
        st = phase_status(&ph);
    }
    if (st == ND_OK) {
        for (size_t c = 0; c < nchunks; c++)
            r->stats.tokens += ph.cstats[c * 4];
        st = step_status(r, phase_concat(&ph, segs), "the segments of %zu documents",
                         r->docs.len);
    }
    phase_free(&ph);
    return st;
}

/* Step 2: the segments grouped by hash (stable: document order within a
 * hash) into w->hg, each counting its distinct duplicate groups; a segment
 * is repeated when its hash is in two or more. */
static nd_status boiler_group(nd_reuse *r, bwork *w)
{
    const seg *sg = w->segs.data;
    const size_t ns = w->segs.len;
    rec16 *k = w->keys.data;
    for (size_t i = 0; i < ns; i++)
        k[i] = (rec16){sg[i].hash, i};
    sort16(k, w->tmp, ns, 1);
    /* Without a table made by the caller, a hash found once gets none of
     * its own: every such segment is in group 0, of one document, which is
     * never repeated nor boilerplate (most segments are such). */
    const int single = !w->hg;
    size_t nhg = single;
    if (single) {
        for (size_t i = 0; i < ns;) {
            size_t j = i + 1;
            while (j < ns && k[j].k1 == k[i].k1)
                j++;
            nhg += j - i >= 2;
            i = j;
        }
        if (!(w->hg = nd_calloc(&r->alloc, nhg, sizeof *w->hg)))
            return step_status(r, ND_E_NOMEM, "the tables of %zu segment hashes", nhg);
        w->hg[0] = (hgroup){.first = 0, .docs = 1, .occ = 1, .top_source = ND_NO_DOC};
        nhg = 1;
    }
    hgroup *hg = w->hg;
    /* distinct groups per hash: (hash group index, duplicate group) pairs */
    uint64_t *pairs = (uint64_t *)w->tmp; /* tmp holds 2 u64 a record: room for ns pairs */
    size_t np = 0;
    for (size_t i = 0; i < ns;) {
        size_t j = i + 1;
        while (j < ns && k[j].k1 == k[i].k1)
            j++;
        if (single && j - i == 1) {
            w->seg_hg[k[i].k2] = 0;
            i = j;
            continue;
        }
        hgroup *g = &hg[nhg];
        g->first = (uint32_t)k[i].k2;
        g->occ = (uint32_t)(j - i);
        g->words = sg[k[i].k2].te - sg[k[i].k2].tb;
        g->top_source = ND_NO_DOC;
        for (size_t x = i; x < j; x++) {
            w->seg_hg[k[x].k2] = (uint32_t)nhg;
            pairs[np++] = (uint64_t)nhg << 32 | doc_group(r, sg[k[x].k2].doc);
        }
        nhg++;
        i = j;
    }
    w->nhg = nhg;
    np = nd_sort_unique_u64(pairs, (uint64_t *)w->keys.data /* keys no longer needed */, np);
    for (size_t i = 0; i < np; i++)
        hg[pairs[i] >> 32].docs++;
    for (size_t i = 0; i < ns; i++)
        w->repeated[i] = hg[w->seg_hg[i]].docs >= 2;
    return ND_OK;
}

/* Step 3: head and tail runs of repeated segments, per document, counted
 * per hash group in distinct duplicate groups: every run (edge) when
 * short_only is 0, else only runs of at most SHORT_EDGE_WORDS words
 * (edge_short). */
/* The head [i, *h) and tail [*t, j) of one document's segments sg[i, j):
 * its runs of repeated segments (rep) from either end, at most EDGE_SEGMENTS
 * each, both empty when every segment is repeated; *hs and *ts say whether
 * each is short (at most SHORT_EDGE_WORDS words). Returns j. */
static size_t doc_edges(const seg *sg, size_t i, size_t ns, const uint8_t *rep, size_t *hp,
                        size_t *tp, int *hs, int *ts)
{
    size_t j = i + 1;
    while (j < ns && sg[j].doc == sg[i].doc)
        j++;
    size_t h = i, t = j;
    while (h < j && rep[h])
        h++;
    if (h == j) { /* all repeated: a copy or an excerpt, no edges */
        *hp = i;
        *tp = j;
        *hs = *ts = 0;
        return j;
    }
    while (t > i && rep[t - 1])
        t--;
    if (h - i > EDGE_SEGMENTS)
        h = i + EDGE_SEGMENTS;
    if (j - t > EDGE_SEGMENTS)
        t = j - EDGE_SEGMENTS;
    size_t hw = 0, tw = 0;
    for (size_t x = i; x < h; x++)
        hw += sg[x].te - sg[x].tb;
    for (size_t x = t; x < j; x++)
        tw += sg[x].te - sg[x].tb;
    *hp = h;
    *tp = t;
    *hs = hw <= SHORT_EDGE_WORDS;
    *ts = tw <= SHORT_EDGE_WORDS;
    return j;
}

static void boiler_count_edges(const nd_reuse *r, bwork *w, int short_only)
{
    const seg *sg = w->segs.data;
    const size_t ns = w->segs.len;
    const uint32_t *seg_hg = w->seg_hg;
    uint64_t *pairs = (uint64_t *)w->tmp;
    size_t np = 0;
    for (size_t i = 0, j, h, t; i < ns; i = j) {
        int hs, ts;
        j = doc_edges(sg, i, ns, w->repeated, &h, &t, &hs, &ts);
        for (size_t x = i; x < h && (!short_only || hs); x++)
            pairs[np++] = (uint64_t)seg_hg[x] << 32 | doc_group(r, sg[x].doc);
        for (size_t x = t; x < j && (!short_only || ts); x++)
            pairs[np++] = (uint64_t)seg_hg[x] << 32 | doc_group(r, sg[x].doc);
    }
    np = nd_sort_unique_u64(pairs, (uint64_t *)w->keys.data, np);
    for (size_t i = 0; i < np; i++) {
        if (!short_only)
            w->hg[pairs[i] >> 32].edge++;
        else
            w->hg[pairs[i] >> 32].edge_short++;
    }
}

/* Step 4: per repeated hash group, its sources and the one holding it in
 * the most distinct duplicate groups. */
static void boiler_count_sources(const nd_reuse *r, bwork *w)
{
    const seg *sg = w->segs.data;
    const size_t ns = w->segs.len;
    rec16 *k = w->keys.data;
    size_t nk = 0;
    for (size_t i = 0; i < ns; i++) {
        const uint32_t s = ND_VEC_AT(&r->docs, rdoc, sg[i].doc).source;
        if (s == ND_NO_DOC || w->hg[w->seg_hg[i]].docs < 2)
            continue;
        k[nk++] = (rec16){(uint64_t)w->seg_hg[i] << 32 | s, doc_group(r, sg[i].doc)};
    }
    sort16(k, w->tmp, nk, 2);
    sort16(k, w->tmp, nk, 1);
    for (size_t i = 0; i < nk;) {
        size_t j = i + 1, docs = 1;
        for (; j < nk && k[j].k1 == k[i].k1; j++)
            docs += k[j].k2 != k[j - 1].k2;
        hgroup *g = &w->hg[k[i].k1 >> 32];
        g->sources++;
        if (docs > g->top_source_docs) {
            g->top_source_docs = (uint32_t)docs;
            g->top_source = (uint32_t)k[i].k1;
        }
        i = j;
    }
}

/* Step 5: which hash groups are boilerplate (the rules of the DESIGN). */
static nd_status boiler_decide(nd_reuse *r, bwork *w)
{
    const nd_params *p = &r->params;
    nd_free(&r->alloc, w->repeated);
    w->repeated = NULL;
    w->boiler = nd_calloc(&r->alloc, w->nhg ? w->nhg : 1, 1);
    if (!w->boiler)
        return step_status(r, ND_E_NOMEM, "the flags of %zu segment hashes", w->nhg);
    for (size_t g = 0; g < w->nhg; g++) {
        const hgroup *x = &w->hg[g];
        const unsigned edge_min = p->boiler_docs > 3 ? p->boiler_docs : 3;
        /* a template sits at the edges of the documents that carry it; a
         * segment also found inside another document's text is quoted */
        const int at_edges = (uint64_t)x->edge * 10 >= (uint64_t)x->docs * 9 ||
                             x->edge >= EDGE_MANY;
        w->boiler[g] = x->docs >= 2 &&
                       ((at_edges && (x->edge >= edge_min || x->edge_short >= p->boiler_docs)) ||
                        x->docs >= p->boiler_anywhere ||
                        (p->boiler_source_docs && x->top_source_docs >= p->boiler_source_docs));
    }
    return ND_OK;
}

/* Step 6: r->boilers in order of first occurrence, and their occurrences
 * (r->bocc, r->bocc_off), grouped by boilerplate segment, document order
 * within. */
static nd_status boiler_list(nd_reuse *r, bwork *w)
{
    const nd_alloc_ctx *a = &r->alloc;
    const seg *sg = w->segs.data;
    const size_t ns = w->segs.len;
    const uint8_t *is_boiler = w->boiler;
    rec16 *k = w->keys.data;
    size_t nb = 0;
    for (size_t g = 0; g < w->nhg; g++)
        if (is_boiler[g])
            k[nb++] = (rec16){w->hg[g].first, g};
    sort16(k, w->tmp, nb, 1);
    nd_status st = nd_vec_reserve(&r->boilers, a, nb ? nb : 1);
    if (st != ND_OK)
        return step_status(r, st, "the list of %zu boilerplate segments", nb);
    for (size_t i = 0; i < nb; i++) {
        const hgroup *x = &w->hg[k[i].k2];
        const seg *s = &sg[x->first];
        nd_boiler b = {.doc = s->doc, .start = s->start, .end = s->end, .words = x->words,
                       .docs = x->docs, .edge_docs = x->edge, .occurrences = x->occ,
                       .top_source = x->top_source, .top_source_docs = x->top_source_docs,
                       .sources = x->sources};
        ((nd_boiler *)r->boilers.data)[r->boilers.len++] = b;
    }
    r->stats.boiler_segments = nb;
    uint32_t *bidx = (uint32_t *)w->tmp; /* hash group -> boiler index (tmp is free now) */
    for (size_t i = 0; i < nb; i++)
        bidx[k[i].k2] = (uint32_t)i;
    r->bocc_off = nd_calloc(a, nb + 1, sizeof *r->bocc_off);
    if (!r->bocc_off)
        return step_status(r, ND_E_NOMEM, "the occurrence offsets of %zu boilerplate segments",
                           nb);
    size_t nocc = 0;
    for (size_t i = 0; i < ns; i++)
        if (is_boiler[w->seg_hg[i]]) {
            r->bocc_off[bidx[w->seg_hg[i]] + 1]++;
            nocc++;
        }
    for (size_t i = 0; i < nb; i++)
        r->bocc_off[i + 1] += r->bocc_off[i];
    if ((st = nd_vec_reserve(&r->bocc, a, nocc ? nocc : 1)) != ND_OK)
        return step_status(r, st, "the %zu occurrences of boilerplate", nocc);
    size_t *fill = (size_t *)k; /* keys are free now: nb <= ns values fit */
    memcpy(fill, r->bocc_off, nb * sizeof *fill);
    nd_occurrence *o = r->bocc.data;
    for (size_t i = 0; i < ns; i++)
        if (is_boiler[w->seg_hg[i]])
            o[fill[bidx[w->seg_hg[i]]]++] =
                (nd_occurrence){sg[i].doc, sg[i].start, sg[i].end, sg[i].te - sg[i].tb};
    r->bocc.len = nocc;
    return ND_OK;
}

/* Step 7: per document, its boilerplate as byte ranges (r->bspan) and token
 * ranges (r->btok), adjacent segments joined, indexed by r->bspan_off. */
static nd_status boiler_doc_spans(nd_reuse *r, const bwork *w)
{
    const nd_alloc_ctx *a = &r->alloc;
    const seg *sg = w->segs.data;
    const size_t ns = w->segs.len, ndocs = r->docs.len;
    const uint8_t *is_boiler = w->boiler;
    nd_status st;
    r->bspan_off = nd_calloc(a, ndocs + 1, sizeof *r->bspan_off);
    if (!r->bspan_off)
        return step_status(r, ND_E_NOMEM, "the boilerplate offsets of %zu documents", ndocs);
    for (size_t i = 0; i < ns; i++) {
        if (!is_boiler[w->seg_hg[i]])
            continue;
        r->stats.boiler_occurrences++;
        const seg *s = &sg[i];
        nd_span *last = r->btok.len ? &ND_VEC_AT(&r->btok, nd_span, r->btok.len - 1) : NULL;
        if (last && r->bspan_off[s->doc + 1] > 0 && i > 0 && sg[i - 1].doc == s->doc &&
            is_boiler[w->seg_hg[i - 1]] && last->end == s->tb) {
            last->end = s->te;
            ND_VEC_AT(&r->bspan, nd_span, r->bspan.len - 1).end = s->end;
            continue;
        }
        const nd_span bs = {s->start, s->end}, tk = {s->tb, s->te};
        if ((st = nd_vec_push(&r->bspan, a, &bs)) != ND_OK ||
            (st = nd_vec_push(&r->btok, a, &tk)) != ND_OK)
            return step_status(r, st, "the boilerplate spans of document %u", s->doc);
        r->bspan_off[s->doc + 1]++;
    }
    for (size_t d = 0; d < ndocs; d++)
        r->bspan_off[d + 1] += r->bspan_off[d];
    /* Passages ignore boilerplate of at least a seed's length; a shorter run
     * ("Thanks", "Lines: 20") cannot seed a passage by itself, and masking it
     * would only cut the seeds of text around it. Its token range becomes
     * empty; its byte range stays, for stripping. */
    for (size_t i = 0; i < r->btok.len; i++) {
        nd_span *t = &ND_VEC_AT(&r->btok, nd_span, i);
        if (t->end - t->start < r->params.ngram)
            t->end = t->start;
    }
    return ND_OK;
}

/* The checks on entering nd_reuse_boilerplate(_dist). */
static nd_status boiler_start(nd_reuse *r, nd_text_fn text)
{
    r->detail[0] = 0;
    if (!text) {
        nd_detail_set(r->detail, "no text function");
        return ND_E_PARAM;
    }
    if (r->boiler_done || r->run_done) {
        nd_detail_set(r->detail, "boilerplate is found once, before the passages");
        return ND_E_STATE;
    }
    return ND_OK;
}

nd_status nd_reuse_boilerplate(nd_reuse *r, nd_text_fn text, void *ctx)
{
    ND_RETURN_IF(!r, ND_E_PARAM);
    nd_status st = boiler_start(r, text);
    if (st != ND_OK)
        return st;
    const nd_alloc_ctx *a = &r->alloc;
    bwork w;
    memset(&w, 0, sizeof w);
    nd_vec_init(&w.segs, sizeof(seg), UINT32_MAX - 1);
    nd_vec_init(&w.keys, sizeof(rec16), SIZE_MAX / 32);
    ND_TRY(twice_alloc(r));
    ND_TRY(boiler_segments(r, text, ctx, &w.segs));
    const size_t ns = w.segs.len;
    r->stats.segments = ns;
    ND_TRY(step_status(r, nd_vec_reserve(&w.keys, a, ns ? ns : 1),
                       "the sort keys of %zu segments", ns));
    w.tmp = nd_malloc(a, (ns ? ns : 1) * sizeof *w.tmp);
    w.seg_hg = nd_malloc(a, (ns ? ns : 1) * sizeof *w.seg_hg);
    w.repeated = nd_calloc(a, ns ? ns : 1, 1);
    if (!w.tmp || !w.seg_hg || !w.repeated) {
        st = step_status(r, ND_E_NOMEM, "the tables of %zu segments", ns);
        goto fail;
    }
    ND_TRY(boiler_group(r, &w));
    boiler_count_edges(r, &w, 0);
    boiler_count_edges(r, &w, 1);
    if (num_sources(r))
        boiler_count_sources(r, &w);
    ND_TRY(boiler_decide(r, &w));
    ND_TRY(boiler_list(r, &w));
    ND_TRY(boiler_doc_spans(r, &w));
    r->boiler_done = 1;
    st = ND_OK;
fail:
    st = step_status(r, st, "boilerplate");
    nd_vec_free(&w.segs, a);
    nd_vec_free(&w.keys, a);
    nd_free(a, w.tmp);
    nd_free(a, w.seg_hg);
    nd_free(a, w.repeated);
    nd_free(a, w.boiler);
    nd_free(a, w.hg);
    if (st != ND_OK) {
        twice_free(r);
        nd_vec_free(&r->boilers, a);
        nd_vec_free(&r->bocc, a);
        nd_free(a, r->bocc_off);
        r->bocc_off = NULL;
        nd_vec_free(&r->bspan, a);
        nd_vec_free(&r->btok, a);
        nd_free(a, r->bspan_off);
        r->bspan_off = NULL;
    }
    return st;
}

nd_status nd_reuse_boilers(const nd_reuse *r, const nd_boiler **b, size_t *n)
{
    ND_RETURN_IF(!r || !b || !n, ND_E_PARAM);
    ND_RETURN_IF(!r->boiler_done, ND_E_STATE);
    *b = r->boilers.data;
    *n = r->boilers.len;
    return ND_OK;
}

nd_status nd_reuse_boiler_occurrences(const nd_reuse *r, size_t i, const nd_occurrence **occ,
                                      size_t *n)
{
    ND_RETURN_IF(!r || !occ || !n, ND_E_PARAM);
    ND_RETURN_IF(!r->boiler_done, ND_E_STATE);
    ND_RETURN_IF(i >= r->boilers.len, ND_E_PARAM);
    *n = r->bocc_off[i + 1] - r->bocc_off[i];
    *occ = (const nd_occurrence *)r->bocc.data + r->bocc_off[i]; /* n >= 1 */
    return ND_OK;
}

nd_status nd_reuse_doc_boilerplate(const nd_reuse *r, uint32_t doc, const nd_span **spans,
                                   size_t *n)
{
    ND_RETURN_IF(!r || !spans || !n, ND_E_PARAM);
    ND_RETURN_IF(!r->boiler_done, ND_E_STATE);
    ND_RETURN_IF(doc >= r->docs.len, ND_E_PARAM);
    *n = (size_t)(r->bspan_off[doc + 1] - r->bspan_off[doc]);
    *spans = *n ? (const nd_span *)r->bspan.data + r->bspan_off[doc] : NULL;
    return ND_OK;
}

/* Token ranges of boilerplate in document d (none before nd_reuse_boilerplate). */
static const nd_span *doc_mask(const nd_reuse *r, uint32_t d, size_t *n)
{
    if (!r->boiler_done) {
        *n = 0;
        return NULL;
    }
    *n = (size_t)(r->bspan_off[d + 1] - r->bspan_off[d]);
    return *n ? (const nd_span *)r->btok.data + r->bspan_off[d] : NULL;
}

/* 1 when word i lies in a mask range (ranges sorted and disjoint; some empty). */
static int masked(const nd_span *m, size_t nm, size_t i)
{
    size_t lo = 0, hi = nm; /* the last range starting at or before i */
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (m[mid].start <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && i < m[lo - 1].end;
}

/* ---- bucket stores ----------------------------------------------------------- */

/* Records spread over nb buckets (NBUCKETS, or a hit store's blocks), held
 * in memory until `limit` records wait, then appended to an unlinked file as
 * one piece per bucket. A bucket reads back in the order records were added.
 * In memory a bucket is a list
 * of blocks, each twice the size of the one before up to BLOCK_MAX records:
 * it grows without moving what it holds (an array grown by realloc copied
 * its records again and again, a fifth of a reuse run), and is copied once,
 * when it is loaded. A block's pages are faulted in as it fills: the last
 * block of a bucket is mostly empty. */
typedef struct piece {
    uint64_t off, n;
} piece;

#define BLOCK_MIN 256
#define BLOCK_MAX 65536

typedef struct rblock {
    rec16 *p;
    size_t n, cap;
} rblock;

typedef struct rbucket {
    nd_vec blocks; /* rblock */
    size_t len;    /* records in all of them */
} rbucket;

static void rb_init(rbucket *m)
{
    nd_vec_init(&m->blocks, sizeof(rblock), SIZE_MAX / 32);
    m->len = 0;
}

static void rb_free(rbucket *m, const nd_alloc_ctx *a)
{
    for (size_t i = 0; i < m->blocks.len; i++)
        nd_free(a, ND_VEC_AT(&m->blocks, rblock, i).p);
    nd_vec_free(&m->blocks, a);
    m->len = 0;
}

static nd_status rb_push(rbucket *m, const nd_alloc_ctx *a, const rec16 *x)
{
    rblock *last = m->blocks.len ? &ND_VEC_AT(&m->blocks, rblock, m->blocks.len - 1) : NULL;
    if (!last || last->n == last->cap) {
        const size_t cap = !last ? BLOCK_MIN : last->cap < BLOCK_MAX ? 2 * last->cap : BLOCK_MAX;
        rblock nb = {nd_malloc(a, cap * sizeof(rec16)), 0, cap};
        nd_status st;
        if (!nb.p)
            return ND_E_NOMEM;
        if ((st = nd_vec_push(&m->blocks, a, &nb)) != ND_OK) {
            nd_free(a, nb.p);
            return st;
        }
        last = &ND_VEC_AT(&m->blocks, rblock, m->blocks.len - 1);
    }
    last->p[last->n++] = *x;
    m->len++;
    return ND_OK;
}

/* Copies the bucket's records, in order, to o. */
static void rb_copy(const rbucket *m, rec16 *o)
{
    for (size_t i = 0; i < m->blocks.len; i++) {
        const rblock *k = &ND_VEC_AT(&m->blocks, rblock, i);
        if (k->n)
            memcpy(o, k->p, k->n * sizeof *o);
        o += k->n;
    }
}

typedef struct bstore {
    size_t nb;               /* buckets */
    rbucket *mem;            /* nb */
    nd_vec *pieces;          /* nb, of piece */
    nd_spill file;
    size_t pending, limit;   /* records in mem; 0 = never spill */
    uint64_t total;
    int by_pair;             /* bucket of a hit: its first document's range */
    size_t ndocs;            /* ... of documents lo, lo + 1, ... lo + ndocs - 1 */
    uint32_t lo;
} bstore;

/* A store that holds nothing and frees as a no-op, until bstore_init. */
static void bstore_zero(bstore *s)
{
    memset(s, 0, sizeof *s);
    s->file.fd = -1;
}

static nd_status bstore_init(nd_reuse *r, bstore *s, size_t nb, size_t limit, int by_pair,
                             size_t ndocs)
{
    bstore_zero(s);
    s->mem = nd_calloc(&r->alloc, nb, sizeof *s->mem);
    s->pieces = nd_calloc(&r->alloc, nb, sizeof *s->pieces);
    if (!s->mem || !s->pieces) {
        nd_free(&r->alloc, s->mem);
        nd_free(&r->alloc, s->pieces);
        bstore_zero(s);
        return step_status(r, ND_E_NOMEM, "the %zu buckets of a store", nb);
    }
    s->nb = nb;
    for (size_t b = 0; b < nb; b++) {
        rb_init(&s->mem[b]);
        nd_vec_init(&s->pieces[b], sizeof(piece), SIZE_MAX / 32);
    }
    s->limit = limit;
    s->by_pair = by_pair;
    s->ndocs = ndocs ? ndocs : 1;
    return ND_OK;
}

static void bstore_free(bstore *s, const nd_alloc_ctx *a)
{
    for (size_t b = 0; b < s->nb; b++) {
        rb_free(&s->mem[b], a);
        nd_vec_free(&s->pieces[b], a);
    }
    nd_free(a, s->mem);
    nd_free(a, s->pieces);
    if (s->file.fd >= 0)
        nd_spill_close(&s->file);
    bstore_zero(s);
}

static nd_status bstore_flush(nd_reuse *r, bstore *s)
{
    nd_status st;
    if (s->file.fd < 0 && (st = nd_spill_open(&s->file, r->tmpdir, r->detail)) != ND_OK)
        return st;
    r->stats.spill_events++;
    for (size_t b = 0; b < s->nb; b++) {
        rbucket *m = &s->mem[b];
        if (!m->len)
            continue;
        /* the blocks appended one after the other: one piece */
        const piece pc = {s->file.len, m->len};
        for (size_t i = 0; i < m->blocks.len; i++) {
            const rblock *k = &ND_VEC_AT(&m->blocks, rblock, i);
            if ((st = nd_spill_append(&s->file, k->p, k->n * sizeof(rec16), r->detail)) !=
                ND_OK)
                return st;
        }
        if ((st = nd_vec_push(&s->pieces[b], &r->alloc, &pc)) != ND_OK)
            return st;
        r->stats.spilled_bytes += m->len * sizeof(rec16);
        rb_free(m, &r->alloc);
    }
    s->pending = 0;
    return ND_OK;
}

/* Blocks (nranges > 0): block (i, j), i <= j, is numbered in the order
 * (0,0), (0,1) .. (0,K-1), (1,1) .. and gets block_per = max(1, NBUCKETS /
 * (K (K + 1) / 2)) consecutive pair buckets (plan_blocks), by the first
 * document's place in range i. */
static size_t block_of(const nd_reuse *r, size_t i, size_t j)
{
    return i * r->nranges - i * (i - 1) / 2 + (j - i);
}

static size_t block_bucket(const nd_reuse *r, uint32_t a, uint32_t b)
{
    const size_t i = r->rng[a], j = r->rng[b], per = r->block_per;
    const uint64_t first = r->wrange[i], len = r->wrange[i + 1] - first;
    return block_of(r, i, j) * per + (size_t)((a - first) * per / len);
}

/* The bucket of record x in s: the top byte of a seed's hash; a hit's
 * block bucket, or the range of its first document (or its second's when
 * the first is not among lo.. in a distributed run). */
static size_t bucket_of(const nd_reuse *r, const bstore *s, const rec16 *x)
{
    if (!s->by_pair)
        return (size_t)(x->k1 >> 56);
    if (r->nranges)
        return block_bucket(r, (uint32_t)(x->k1 >> 32), (uint32_t)x->k1);
    uint64_t d = x->k1 >> 32;
    if (d < s->lo || d - s->lo >= s->ndocs)
        d = (uint32_t)x->k1;
    return (size_t)((d - s->lo) * s->nb / s->ndocs);
}

/* Counts the records of store s that x makes, then the whole call is one
 * round: past the limit, everything in memory spills. */
static nd_status bstore_added(nd_reuse *r, bstore *s, size_t n)
{
    s->pending += n;
    s->total += n;
    if (s->limit && s->pending > s->limit)
        return bstore_flush(r, s);
    return ND_OK;
}

static nd_status bstore_add(nd_reuse *r, bstore *s, const rec16 *x, size_t n)
{
    nd_status st;
    for (size_t i = 0; i < n; i++)
        if ((st = rb_push(&s->mem[bucket_of(r, s, &x[i])], &r->alloc, &x[i])) != ND_OK)
            return st;
    return bstore_added(r, s, n);
}

/* On a thread: the records of v put in bucket order (stable: within a
 * bucket, in the order they came), cnt[b] the number in bucket b; tmp is
 * scratch. bstore_add_parts then appends them with one copy a bucket,
 * which is what bstore_add does with v as it was. */
static nd_status bstore_part(const nd_reuse *r, const bstore *s, nd_vec *v, nd_vec *tmp,
                             nd_vec *atv, size_t *cnt)
{
    memset(cnt, 0, s->nb * sizeof *cnt);
    const size_t n = v->len;
    if (n == 0)
        return ND_OK;
    nd_status st = nd_vec_reserve(tmp, &r->alloc, n);
    if (st == ND_OK)
        st = nd_vec_reserve(atv, &r->alloc, s->nb);
    if (st != ND_OK)
        return st;
    const rec16 *x = v->data;
    rec16 *o = tmp->data;
    size_t *at = atv->data;
    for (size_t i = 0; i < n; i++)
        cnt[bucket_of(r, s, &x[i])]++;
    for (size_t b = 0, sum = 0; b < s->nb; b++) {
        at[b] = sum;
        sum += cnt[b];
    }
    for (size_t i = 0; i < n; i++)
        o[at[bucket_of(r, s, &x[i])]++] = x[i];
    memcpy(v->data, o, n * sizeof *o); /* not a swap: v keeps its size, tmp its own */
    return ND_OK;
}

/* Appends n records to bucket m with one copy a block. */
static nd_status rb_append(rbucket *m, const nd_alloc_ctx *a, const rec16 *x, size_t n)
{
    while (n) {
        rblock *last = m->blocks.len ? &ND_VEC_AT(&m->blocks, rblock, m->blocks.len - 1) : NULL;
        if (!last || last->n == last->cap) {
            nd_status st = rb_push(m, a, x); /* a new block, with the first record */
            if (st != ND_OK)
                return st;
            x++;
            n--;
            continue;
        }
        const size_t k = last->cap - last->n < n ? last->cap - last->n : n;
        memcpy(last->p + last->n, x, k * sizeof *x);
        last->n += k;
        m->len += k;
        x += k;
        n -= k;
    }
    return ND_OK;
}

/* Appends records bstore_part put in bucket order (cnt[b] in bucket b). */
static nd_status bstore_add_parts(nd_reuse *r, bstore *s, const rec16 *x, const size_t *cnt)
{
    size_t n = 0;
    for (size_t b = 0; b < s->nb; b++) {
        if (!cnt[b])
            continue; /* (x is NULL when nothing came) */
        nd_status st = rb_append(&s->mem[b], &r->alloc, x + n, cnt[b]);
        if (st != ND_OK)
            return st;
        n += cnt[b];
    }
    return bstore_added(r, s, n);
}

/* The records in bucket b, in memory and spilled. */
static size_t bstore_count(const bstore *s, size_t b)
{
    size_t n = s->mem[b].len;
    const piece *pc = s->pieces[b].data;
    for (size_t i = 0; i < s->pieces[b].len; i++)
        n += (size_t)pc[i].n;
    return n;
}

/* Bucket b into out (cleared). Safe from several threads at once. */
static nd_status bstore_load(const bstore *s, size_t b, nd_vec *out, const nd_alloc_ctx *a)
{
    const size_t n = bstore_count(s, b);
    const piece *pc = s->pieces[b].data;
    out->len = 0;
    nd_status st = nd_vec_reserve(out, a, n ? n : 1);
    if (st != ND_OK)
        return st;
    rec16 *o = out->data;
    for (size_t i = 0; i < s->pieces[b].len; i++) {
        if ((st = nd_spill_read(&s->file, pc[i].off, o, (size_t)pc[i].n * sizeof *o)) != ND_OK)
            return st;
        o += pc[i].n;
    }
    rb_copy(&s->mem[b], o);
    out->len = n;
    return ND_OK;
}

nd_status nd_reuse_set_tmpdir(nd_reuse *r, const char *dir)
{
    ND_RETURN_IF(!r, ND_E_PARAM);
    r->detail[0] = 0;
    if (r->run_done) {
        nd_detail_set(r->detail, "the temporary directory is set before nd_reuse_run");
        return ND_E_STATE;
    }
    nd_free(&r->alloc, r->tmpdir);
    r->tmpdir = NULL;
    if (!dir)
        return ND_OK;
    const size_t n = strlen(dir);
    r->tmpdir = nd_malloc(&r->alloc, n + 1);
    if (!r->tmpdir)
        return step_status(r, ND_E_NOMEM, "the temporary directory's name");
    memcpy(r->tmpdir, dir, n + 1);
    return ND_OK;
}

/* ---- passages: seeds -------------------------------------------------------- */

static void seed_chunk(void *arg, size_t begin, size_t end, unsigned thread)
{
    phase *ph = arg;
    nd_reuse *r = ph->r;
    tstate *t = &ph->ts[thread];
    const size_t n = r->params.ngram;
    for (size_t c = ph->base + begin; c < ph->base + end; c++) {
        if (atomic_load_explicit(&ph->stop, memory_order_relaxed))
            return;
        const uint32_t d0 = share_lo(r) + (uint32_t)(c * CHUNK_DOCS), hi = share_hi(r);
        const uint32_t d1 = d0 + CHUNK_DOCS < hi ? d0 + CHUNK_DOCS : hi;
        for (uint32_t d = d0; d < d1; d++) {
            const char *text = NULL;
            size_t tlen = 0;
            nd_status st = load_doc(ph, thread * 2, d, &t->ta, &text, &tlen);
            const size_t nt = t->ta.tokens.len;
            if (st == ND_OK && nt >= n)
                st = nd_vec_reserve(&t->hashes, &r->alloc, nt - n + 1);
            if (st == ND_OK && nt >= n)
                st = nd_vec_reserve(&ph->out[c], &r->alloc, ph->out[c].len + nt - n + 1);
            if (st != ND_OK) {
                ph->st[c] = st;
                ph->fail_doc[c] = d;
                atomic_store(&ph->stop, 1);
                return;
            }
            ph->cstats[c * 4] += nt;
            if (ph->out2) {
                if ((st = nd_vec_reserve(&ph->out2[c], &r->alloc,
                                         ph->out2[c].len + (nt ? nt : 1))) != ND_OK) {
                    ph->st[c] = st;
                    ph->fail_doc[c] = d;
                    atomic_store(&ph->stop, 1);
                    return;
                }
                ctok *w = (ctok *)ph->out2[c].data + ph->out2[c].len;
                const nd_token *tk = t->ta.tokens.data;
                for (size_t i = 0; i < nt; i++)
                    w[i] = (ctok){tk[i].start, tk[i].end, (uint32_t)(tk[i].hash >> 32)};
                ph->out2[c].len += nt;
                r->word_off[d - share_lo(r) + 1] = nt;
            }
            if (nt < n)
                continue;
            uint64_t *h = t->hashes.data;
            const size_t nh = nd_shingle_hashes(t->ta.tokens.data, nt, n, h);
            size_t nm;
            const nd_span *m = doc_mask(r, d, &nm);
            size_t mk = 0;
            rec16 *o = (rec16 *)ph->out[c].data + ph->out[c].len;
            size_t no = 0;
            /* a mail or news header block seeds nothing (ND_P_HEADER_SEEDS) */
            const size_t i0 = nd_first_seed(&r->params, text, tlen, t->ta.tokens.data, nt);
            const uint64_t *tw = r->twice;
            size_t single = 0;
            for (size_t i = i0; i < nh; i++) {
                while (mk < nm && (m[mk].end <= i || m[mk].start == m[mk].end))
                    mk++;
                if (mk < nm && m[mk].start < i + n)
                    continue; /* overlaps boilerplate */
                if (tw && !twice_seen(tw, r->twice_mask, h[i])) {
                    single++; /* occurs once: no hit */
                    continue;
                }
                o[no++] = (rec16){h[i], (uint64_t)d << 32 | i};
            }
            ph->out[c].len += no;
            ph->cstats[c * 4 + 1] += single;
        }
        nd_status st = ph->dest ? bstore_part(r, ph->dest, &ph->out[c], &t->btmp, &t->at,
                                              ph->bcnt + (c - ph->base) * ph->dest->nb)
                                : ND_OK;
        if (st != ND_OK) {
            ph->st[c] = st;
            ph->fail_doc[c] = ND_NO_DOC;
            atomic_store(&ph->stop, 1);
            return;
        }
    }
}

/* Bucket b of the seeds: load, sort, then find rare n-grams and make hits. */
static void hits_chunk(void *arg, size_t begin, size_t end, unsigned thread)
{
    phase *ph = arg;
    nd_reuse *r = ph->r;
    const nd_params *p = &r->params;
    const rdoc *docs = r->docs.data;
    tstate *t = &ph->ts[thread];
    for (size_t b = ph->base + begin; b < ph->base + end; b++) {
        if (atomic_load_explicit(&ph->stop, memory_order_relaxed))
            return;
        nd_status st = bstore_load(ph->store, b, &t->bk, &r->alloc);
        if (st == ND_OK)
            st = nd_vec_reserve(&t->btmp, &r->alloc, t->bk.len ? t->bk.len : 1);
        if (st != ND_OK) {
            ph->st[b] = st;
            ph->fail_doc[b] = ND_NO_DOC;
            atomic_store(&ph->stop, 1);
            return;
        }
        rec16 *e = t->bk.data;
        const size_t ne = t->bk.len;
        sort16(e, t->btmp.data, ne, 1);
        uint64_t groups = 0, rare = 0;
        for (size_t i = 0; i < ne;) {
            size_t j = i + 1, nd = 1;
            for (; j < ne && e[j].k1 == e[i].k1; j++)
                nd += (e[j].k2 >> 32) != (e[j - 1].k2 >> 32);
            if (nd >= 2)
                groups++;
            if (nd < 2 || nd < p->df_min || j - i > p->df_max) {
                i = j;
                continue;
            }
            rare++;
            for (size_t x = i; x < j; x++) {
                const uint32_t da = (uint32_t)(e[x].k2 >> 32);
                const rdoc *A = &docs[da];
                for (size_t y = x + 1; y < j; y++) {
                    const uint32_t db = (uint32_t)(e[y].k2 >> 32);
                    if (db == da)
                        continue;
                    const rdoc *B = &docs[db];
                    if (!p->pair_copies && A->group != ND_NO_GROUP && A->group == B->group)
                        continue;
                    if (!p->pair_copies && (A->group == db || B->group == da))
                        continue;
                    if (!p->same_source && A->source != ND_NO_DOC && A->source == B->source)
                        continue;
                    if (p->window > 0 && A->has_date && B->has_date &&
                        fabs(A->date - B->date) > p->window)
                        continue;
                    const rec16 h = {(uint64_t)da << 32 | db,
                                     (e[x].k2 & 0xffffffffu) << 32 | (e[y].k2 & 0xffffffffu)};
                    if ((st = nd_vec_push(&ph->out[b], &r->alloc, &h)) != ND_OK) {
                        ph->st[b] = st;
                        ph->fail_doc[b] = ND_NO_DOC;
                        atomic_store(&ph->stop, 1);
                        return;
                    }
                }
            }
            i = j;
        }
        if (ph->dest && (st = bstore_part(r, ph->dest, &ph->out[b], &t->btmp, &t->at,
                                          ph->bcnt + (b - ph->base) * ph->dest->nb)) !=
                            ND_OK) {
            ph->st[b] = st;
            ph->fail_doc[b] = ND_NO_DOC;
            atomic_store(&ph->stop, 1);
            return;
        }
        ph->cstats[b * 4] = groups;
        ph->cstats[b * 4 + 1] = rare;
    }
}

/* ---- passages: alignment ----------------------------------------------------- */

static int tok_eq(const ctok *x, size_t i, const ctok *y, size_t j)
{
    return x[i].hash == y[j].hash;
}

/* Longest common subsequence of x[a0, a1) and y[b0, b1) within diagonals
 * [lo, hi] (span coordinates, y - x); dp holds 2 * (hi - lo + 3) values. */
static uint32_t band_lcs(const ctok *x, size_t a0, size_t a1, const ctok *y,
                         size_t b0, size_t b1, int64_t lo, int64_t hi, uint32_t *dp)
{
    const int64_t LA = (int64_t)(a1 - a0), LB = (int64_t)(b1 - b0);
    const size_t W = (size_t)(hi - lo + 1);
    uint32_t *prev = dp, *cur = dp + W + 2;
    memset(prev, 0, (W + 2) * sizeof *prev);
    /* index k + 1 holds diagonal lo + k; slots 0 and W + 1 stay 0 */
    for (int64_t i = 1; i <= LA; i++) {
        memset(cur, 0, (W + 2) * sizeof *cur);
        int64_t jlo = i + lo, jhi = i + hi;
        if (jlo < 1)
            jlo = 1;
        if (jhi > LB)
            jhi = LB;
        for (int64_t j = jlo; j <= jhi; j++) {
            const size_t kk = (size_t)(j - i - lo) + 1;
            uint32_t v = prev[kk + 1];              /* (i-1, j) */
            if (cur[kk - 1] > v)                    /* (i, j-1) */
                v = cur[kk - 1];
            const uint32_t dg = prev[kk] + (uint32_t)tok_eq(x, a0 + (size_t)i - 1, y,
                                                            b0 + (size_t)j - 1);
            if (dg > v)
                v = dg;
            cur[kk] = v;
        }
        uint32_t *t = prev;
        prev = cur;
        cur = t;
    }
    return prev[(size_t)(LB - LA - lo) + 1];
}

/* Two chains that overlap merge when their diagonals are within MERGE_DIAG
 * words of each other (a few insertions or deletions apart; a passage that
 * recurs back to back in one document is several passages, not one inflated
 * one) and the merged span still fits the alignment's budget. */
static int mergeable(const chain *x, const chain *y)
{
    const int64_t dmin = x->dmin < y->dmin ? x->dmin : y->dmin;
    const int64_t dmax = x->dmax > y->dmax ? x->dmax : y->dmax;
    if (dmax - dmin > MERGE_DIAG)
        return 0;
    const uint64_t a0 = x->a0 < y->a0 ? x->a0 : y->a0, a1 = x->a1 > y->a1 ? x->a1 : y->a1;
    return (a1 - a0) * (uint64_t)(dmax - dmin + 2 * BAND_SLACK + 1) <= DP_MAX_CELLS;
}

/* Equal words on the diagonal b - a = d over a's [a0, a1): the matches of an
 * alignment without gaps, a lower bound of the best one. */
static uint32_t diagonal_matches(const ctok *A, size_t a0, size_t a1, const ctok *B, size_t nb,
                                 int64_t d)
{
    uint32_t m = 0;
    for (size_t i = a0; i < a1; i++) {
        const int64_t j = (int64_t)i + d;
        m += j >= 0 && (uint64_t)j < nb && tok_eq(A, i, B, (size_t)j);
    }
    return m;
}

/* The two documents of a pair as alignment sees them: their words and their
 * boilerplate masks. */
typedef struct pairdocs {
    uint32_t da, db;
    const ctok *A, *B;
    int64_t NA, NB;
    const nd_span *ma, *mb;
    size_t nma, nmb;
    double date_a, date_b;
    int dated_a, dated_b;
    int copy;  /* the two are copies (one duplicate group): ND_PASSAGE_COPY */
} pairdocs;

/* Step 1: the seeds (hits, sorted by position in a, then in b) chained into
 * t->chains: a seed joins the open chain it continues at least cost (the
 * smallest diagonal change, then the smallest step), else starts one. */
static nd_status chain_seeds(const nd_params *p, const nd_alloc_ctx *al, nd_align_scratch *t,
                             const rec16 *h, size_t nh, const pairdocs *pd)
{
    const int64_t n = p->ngram, gap = p->max_gap;
    nd_status st;
    t->chains.len = 0;
    t->open.len = 0;
    for (size_t i = 0; i < nh; i++) {
        const int64_t pa = (int64_t)(h[i].k2 >> 32), pb = (int64_t)(h[i].k2 & 0xffffffffu);
        if (pa + n > pd->NA || pb + n > pd->NB)
            continue; /* the text changed between calls: ignore */
        chain *ch = t->chains.data;
        uint32_t *op = t->open.data;
        size_t best = SIZE_MAX, w = 0;
        int64_t best_cost = INT64_MAX;
        for (size_t k = 0; k < t->open.len; k++) {
            chain *c = &ch[op[k]];
            const int64_t dA = pa - c->la, dB = pb - c->lb;
            if (dA > n + gap)
                continue; /* closed for good: dropped from the open list */
            op[w++] = op[k];
            if (dA <= 0 || dB <= 0 || dB > n + gap)
                continue;
            const int64_t dd = dA > dB ? dA - dB : dB - dA;
            if (dd > gap)
                continue;
            const int64_t cost = dd * 4096 + dA;
            if (cost < best_cost) {
                best_cost = cost;
                best = op[w - 1];
            }
        }
        t->open.len = w;
        if (best != SIZE_MAX) {
            chain *c = &ch[best];
            c->la = (uint32_t)pa;
            c->lb = (uint32_t)pb;
            if ((uint32_t)(pa + n) > c->a1)
                c->a1 = (uint32_t)(pa + n);
            if ((uint32_t)(pb + n) > c->b1)
                c->b1 = (uint32_t)(pb + n);
            if (pb - pa < c->dmin)
                c->dmin = pb - pa;
            if (pb - pa > c->dmax)
                c->dmax = pb - pa;
            continue;
        }
        const chain c = {(uint32_t)pa, (uint32_t)pb, (uint32_t)(pa + n), (uint32_t)(pb + n),
                         pb - pa, pb - pa, (uint32_t)pa, (uint32_t)pb};
        const uint32_t idx = (uint32_t)t->chains.len;
        if ((st = nd_vec_push(&t->chains, al, &c)) != ND_OK ||
            (st = nd_vec_push(&t->open, al, &idx)) != ND_OK)
            return st;
    }
    return ND_OK;
}

/* Step 2: a chain extended both ways over equal words, then by an X-drop
 * walk; never into boilerplate. */
static void extend_chain(const pairdocs *pd, chain *c)
{
    const ctok *A = pd->A, *B = pd->B;
    const int64_t NA = pd->NA, NB = pd->NB;
    const nd_span *ma = pd->ma, *mb = pd->mb;
    const size_t nma = pd->nma, nmb = pd->nmb;
    while (c->a0 > 0 && c->b0 > 0 && !masked(ma, nma, c->a0 - 1) &&
           !masked(mb, nmb, c->b0 - 1) && tok_eq(A, c->a0 - 1, B, c->b0 - 1)) {
        c->a0--;
        c->b0--;
    }
    while ((int64_t)c->a1 < NA && (int64_t)c->b1 < NB && !masked(ma, nma, c->a1) &&
           !masked(mb, nmb, c->b1) && tok_eq(A, c->a1, B, c->b1)) {
        c->a1++;
        c->b1++;
    }
    int64_t s = 0, best = 0, bk = 0;
    for (int64_t q = 1; (int64_t)c->a0 - q >= 0 && (int64_t)c->b0 - q >= 0; q++) {
        const size_t i = c->a0 - (size_t)q, j = c->b0 - (size_t)q;
        if (masked(ma, nma, i) || masked(mb, nmb, j))
            break;
        s += tok_eq(A, i, B, j) ? 1 : -2;
        if (s > best) {
            best = s;
            bk = q;
        } else if (s < best - XDROP) {
            break;
        }
    }
    c->a0 -= (uint32_t)bk;
    c->b0 -= (uint32_t)bk;
    s = best = bk = 0;
    for (int64_t q = 0; (int64_t)c->a1 + q < NA && (int64_t)c->b1 + q < NB; q++) {
        const size_t i = c->a1 + (size_t)q, j = c->b1 + (size_t)q;
        if (masked(ma, nma, i) || masked(mb, nmb, j))
            break;
        s += tok_eq(A, i, B, j) ? 1 : -2;
        if (s > best) {
            best = s;
            bk = q + 1;
        } else if (s < best - XDROP) {
            break;
        }
    }
    c->a1 += (uint32_t)bk;
    c->b1 += (uint32_t)bk;
}

/* Step 3: chains that overlap (or touch) in both documents merged, pass
 * after pass until none does (a chain that grows can reach one kept before
 * it); ch[0..m) is left sorted by (a0, b0). Returns m. */
static size_t merge_chains(chain *ch, size_t nc)
{
    size_t m = nc;
    for (int pass = 0, merged = 1; merged && pass < MERGE_PASSES; pass++) {
        merged = 0;
        for (size_t i = 1; i < m; i++) { /* insertion sort by (a0, b0): nearly sorted */
            const chain c = ch[i];
            size_t j = i;
            while (j > 0 &&
                   (ch[j - 1].a0 > c.a0 || (ch[j - 1].a0 == c.a0 && ch[j - 1].b0 > c.b0))) {
                ch[j] = ch[j - 1];
                j--;
            }
            ch[j] = c;
        }
        size_t k = 0;
        for (size_t i = 0; i < m; i++) {
            size_t into = SIZE_MAX;
            /* kept chains start at or before ch[i] in a; look back a bounded way */
            for (size_t q = k, seen = 0; q-- > 0 && seen < MERGE_LOOKBACK; seen++) {
                const chain *x = &ch[q];
                if (ch[i].a0 <= x->a1 && ch[i].b0 <= x->b1 && ch[i].b1 >= x->b0 &&
                    mergeable(x, &ch[i])) {
                    into = q;
                    break;
                }
            }
            if (into == SIZE_MAX) {
                ch[k++] = ch[i];
                continue;
            }
            chain *x = &ch[into];
            if (ch[i].a1 > x->a1) x->a1 = ch[i].a1;
            if (ch[i].b0 < x->b0) x->b0 = ch[i].b0;
            if (ch[i].b1 > x->b1) x->b1 = ch[i].b1;
            if (ch[i].dmin < x->dmin) x->dmin = ch[i].dmin;
            if (ch[i].dmax > x->dmax) x->dmax = ch[i].dmax;
            merged = 1;
        }
        m = k;
    }
    return m;
}

/* Step 4: a chain inside another in both documents (a repeated phrase
 * matched off the other's diagonal) adds nothing: dropped from ch[0..*m)
 * (sorted by a0); t->open is the scratch. */
static nd_status drop_contained(const nd_alloc_ctx *al, nd_align_scratch *t, chain *ch,
                                size_t *mp)
{
    const size_t m = *mp;
    if (m <= 1)
        return ND_OK;
    t->open.len = 0;
    const nd_status st = nd_vec_reserve(&t->open, al, m);
    if (st != ND_OK)
        return st;
    uint32_t *drop = t->open.data;
    for (size_t i = 0; i < m; i++) {
        drop[i] = 0;
        for (size_t q = i > MERGE_LOOKBACK ? i - MERGE_LOOKBACK : 0;
             q < m && ch[q].a0 <= ch[i].a0 && !drop[i]; q++) {
            const chain *x = &ch[q];
            if (q == i || (q > i && x->a0 == ch[i].a0 && x->a1 == ch[i].a1 &&
                           x->b0 == ch[i].b0 && x->b1 == ch[i].b1))
                continue; /* itself, or an equal chain after it (the first stays) */
            drop[i] = x->a0 <= ch[i].a0 && ch[i].a1 <= x->a1 && x->b0 <= ch[i].b0 &&
                      ch[i].b1 <= x->b1;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (!drop[i])
            ch[k++] = ch[i];
    *mp = k;
    return ND_OK;
}

/* Step 5: the words of a chain's span aligned (a banded LCS, or its middle
 * diagonal when the band is too large); *matches gets the matched words. */
static nd_status chain_matches(const nd_alloc_ctx *al, nd_align_scratch *t, const pairdocs *pd,
                               const chain *c, uint32_t *matches)
{
    const int64_t LA = c->a1 - c->a0, LB = c->b1 - c->b0;
    const int64_t off = (int64_t)c->b0 - (int64_t)c->a0;
    int64_t lo = c->dmin - off - BAND_SLACK, hi = c->dmax - off + BAND_SLACK;
    if (lo > 0) lo = 0;
    if (lo > LB - LA) lo = LB - LA;
    if (hi < 0) hi = 0;
    if (hi < LB - LA) hi = LB - LA;
    const uint64_t W = (uint64_t)(hi - lo + 1);
    if ((uint64_t)LA * W <= DP_MAX_CELLS) {
        const nd_status st = nd_vec_reserve(&t->dp, al, 2 * (W + 2));
        if (st != ND_OK)
            return st;
        *matches = band_lcs(pd->A, c->a0, c->a1, pd->B, c->b0, c->b1, lo, hi, t->dp.data);
    } else { /* a chain that drifted too far to align: its middle diagonal */
        *matches = diagonal_matches(pd->A, c->a0, c->a1, pd->B, (size_t)pd->NB,
                                    (c->dmin + c->dmax) / 2);
    }
    return ND_OK;
}

/* Step 5, continued: a chain with matches is worth a passage when they are
 * enough: too few matches, or a loose string of seeds across reordered text
 * (header lines, lists) rather than a passage (less than half the longer side
 * matches), is not. */
static int enough_matches(const nd_params *p, const chain *c, uint32_t matches)
{
    const int64_t LA = c->a1 - c->a0, LB = c->b1 - c->b0;
    return matches >= p->min_words && 2 * (uint64_t)matches >= (uint64_t)(LA > LB ? LA : LB);
}

/* How much of [x0, x1) lies inside [y0, y1). */
static uint32_t overlap(uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1)
{
    const uint32_t lo = x0 > y0 ? x0 : y0, hi = x1 < y1 ? x1 : y1;
    return hi > lo ? hi - lo : 0;
}

/* Whether chain i (mt[i] matches) is a shadow of chain j: half or more of
 * its span in one document lies inside j's, which has SHADOW_RATIO times its
 * matches. */
static int shadow_of(const chain *ch, const uint32_t *mt, size_t i, size_t j)
{
    if (mt[i] == 0 || (uint64_t)mt[j] < SHADOW_RATIO * (uint64_t)mt[i])
        return 0;
    const chain *x = &ch[i], *y = &ch[j];
    return 2 * (uint64_t)overlap(x->a0, x->a1, y->a0, y->a1) >= (uint64_t)(x->a1 - x->a0) ||
           2 * (uint64_t)overlap(x->b0, x->b1, y->b0, y->b1) >= (uint64_t)(x->b1 - x->b0);
}

/* The chains overlapping in one document, from their starts in it sorted
 * (key: start << 32 | chain), each checked both ways for a shadow; drop[i]
 * set for a shadow. At most MERGE_LOOKBACK chains after each are looked at
 * (a pair of degenerate documents, one phrase recurring thousands of times in
 * both, stays linear); besides, each is checked against the chain with the
 * most matches still open where it starts, so that a phrase repeated more
 * often than that (under a raised ND_P_DF_MAX) is still one passage's shadow. */
static void mark_shadows(const chain *ch, const uint32_t *mt, const uint64_t *key, size_t m,
                         int in_b, uint32_t *drop)
{
    size_t big = SIZE_MAX;
    for (size_t u = 0; u < m; u++) {
        const size_t i = (size_t)(key[u] & 0xffffffffu);
        const uint32_t end = in_b ? ch[i].b1 : ch[i].a1;
        if (big != SIZE_MAX && (in_b ? ch[big].b1 : ch[big].a1) <= key[u] >> 32)
            big = SIZE_MAX; /* closed before this start */
        if (big != SIZE_MAX) {
            drop[i] |= (uint32_t)shadow_of(ch, mt, i, big);
            drop[big] |= (uint32_t)shadow_of(ch, mt, big, i);
        }
        if (big == SIZE_MAX || mt[i] > mt[big])
            big = i;
        for (size_t v = u + 1; v < m && v - u <= MERGE_LOOKBACK && key[v] >> 32 < end; v++) {
            const size_t j = (size_t)(key[v] & 0xffffffffu);
            drop[i] |= (uint32_t)shadow_of(ch, mt, i, j);
            drop[j] |= (uint32_t)shadow_of(ch, mt, j, i);
        }
    }
}

/* Step 6: shadows. A phrase that one document repeats is matched again, off
 * the main alignment, at each place where it recurs: a short passage whose
 * text in one document lies mostly inside a passage of the pair with
 * SHADOW_RATIO times its matches is such a repeat, and its match is zeroed in
 * mt[0..m) (ch sorted by a0). Two passages of like length over one stretch (a
 * paragraph quoted twice) both stay. */
static nd_status drop_shadows(const nd_alloc_ctx *al, nd_align_scratch *t, const chain *ch,
                              uint32_t *mt, size_t m)
{
    if (m <= 1)
        return ND_OK;
    nd_status st;
    t->keys.len = 0;
    t->dp.len = 0;
    if ((st = nd_vec_reserve(&t->keys, al, 2 * m)) != ND_OK ||
        (st = nd_vec_reserve(&t->dp, al, m)) != ND_OK)
        return st;
    uint64_t *key = t->keys.data;
    uint32_t *drop = t->dp.data;
    memset(drop, 0, m * sizeof *drop);
    for (size_t i = 0; i < m; i++)
        key[i] = (uint64_t)ch[i].a0 << 32 | i;
    mark_shadows(ch, mt, key, m, 0, drop);
    for (size_t i = 0; i < m; i++)
        key[i] = (uint64_t)ch[i].b0 << 32 | i;
    nd_sort_u64(key, key + m, m);
    mark_shadows(ch, mt, key, m, 1, drop);
    for (size_t i = 0; i < m; i++)
        if (drop[i])
            mt[i] = 0;
    return ND_OK;
}

/* Step 7: a chain kept becomes a passage in out. */
static nd_status keep_passage(const nd_alloc_ctx *al, const pairdocs *pd, const chain *c,
                              uint32_t matches, nd_vec *out)
{
    const int64_t LA = c->a1 - c->a0, LB = c->b1 - c->b0;
    const uint32_t da = pd->da, db = pd->db;
    nd_passage ps = {.a = da, .b = db, .a_start = pd->A[c->a0].start,
                     .a_end = pd->A[c->a1 - 1].end, .b_start = pd->B[c->b0].start,
                     .b_end = pd->B[c->b1 - 1].end, .a_words = (uint32_t)LA,
                     .b_words = (uint32_t)LB, .matches = matches,
                     .score = (int32_t)((int64_t)matches - (LA - matches) - (LB - matches)),
                     .cluster = 0, .earlier = ND_NO_DOC,
                     .flags = pd->copy ? ND_PASSAGE_COPY : 0};
    if (pd->dated_a && pd->dated_b && pd->date_a != pd->date_b)
        ps.earlier = pd->date_a < pd->date_b ? da : db;
    return nd_vec_push(out, al, &ps);
}

/* The passages of one pair (pd, its nh hits h) into out: steps 1-7. */
static nd_status pair_passages(const nd_params *p, const nd_alloc_ctx *al, nd_align_scratch *t,
                               const pairdocs *pd, const rec16 *h, size_t nh, nd_vec *out)
{
    nd_status st = chain_seeds(p, al, t, h, nh, pd);
    if (st != ND_OK)
        return st;
    chain *ch = t->chains.data;
    const size_t nc = t->chains.len;
    for (size_t k = 0; k < nc; k++)
        extend_chain(pd, &ch[k]);
    size_t m = merge_chains(ch, nc);
    if ((st = drop_contained(al, t, ch, &m)) != ND_OK)
        return st;
    t->open.len = 0;
    if ((st = nd_vec_reserve(&t->open, al, m)) != ND_OK)
        return st;
    uint32_t *mt = t->open.data; /* the matches of each chain kept, else 0 */
    for (size_t i = 0; i < m; i++) {
        if ((st = chain_matches(al, t, pd, &ch[i], &mt[i])) != ND_OK)
            return st;
        if (!enough_matches(p, &ch[i], mt[i]))
            mt[i] = 0;
    }
    if ((st = drop_shadows(al, t, ch, mt, m)) != ND_OK)
        return st;
    for (size_t i = 0; i < m; i++)
        if (mt[i] && (st = keep_passage(al, pd, &ch[i], mt[i], out)) != ND_OK)
            return st;
    return ND_OK;
}

void nd_align_scratch_init(nd_align_scratch *s)
{
    nd_vec_init(&s->chains, sizeof(chain), UINT32_MAX);
    nd_vec_init(&s->open, sizeof(uint32_t), UINT32_MAX);
    nd_vec_init(&s->dp, sizeof(uint32_t), UINT32_MAX);
    nd_vec_init(&s->keys, sizeof(uint64_t), UINT32_MAX);
}

void nd_align_scratch_free(nd_align_scratch *s, const nd_alloc_ctx *a)
{
    nd_vec_free(&s->chains, a);
    nd_vec_free(&s->open, a);
    nd_vec_free(&s->dp, a);
    nd_vec_free(&s->keys, a);
}

nd_status nd_align_pair(const nd_params *p, const nd_alloc_ctx *a, nd_align_scratch *s,
                        const nd_align_doc *A, const nd_align_doc *B, const nd_rec16 *h,
                        size_t nh, nd_vec *out)
{
    if (nh == 0)
        return ND_OK;
    const pairdocs pd = {.da = A->doc, .db = B->doc, .A = A->words, .B = B->words,
                         .NA = (int64_t)A->nwords, .NB = (int64_t)B->nwords,
                         .ma = A->mask, .mb = B->mask, .nma = A->nmask, .nmb = B->nmask,
                         .date_a = A->date, .date_b = B->date,
                         .dated_a = A->has_date, .dated_b = B->has_date};
    return pair_passages(p, a, s, &pd, h, nh, out);
}

/* The passages of one pair (its nh hits h; pd with both documents' words
 * and masks) into out. */
static void align_pair(phase *ph, tstate *t, const rec16 *h, size_t nh, pairdocs pd,
                       nd_vec *out, nd_status *stp)
{
    const nd_reuse *r = ph->r;
    pd.da = (uint32_t)(h[0].k1 >> 32);
    pd.db = (uint32_t)h[0].k1;
    const rdoc *DA = &ND_VEC_AT(&r->docs, rdoc, pd.da), *DB = &ND_VEC_AT(&r->docs, rdoc, pd.db);
    pd.date_a = DA->date;
    pd.dated_a = DA->has_date;
    pd.date_b = DB->date;
    pd.dated_b = DB->has_date;
    pd.copy = (DA->group != ND_NO_GROUP && DA->group == DB->group) || DA->group == pd.db ||
              DB->group == pd.da;
    const nd_status st = pair_passages(&r->params, &r->alloc, &t->al, &pd, h, nh, out);
    if (st != ND_OK)
        *stp = st;
}

/* The words and masks of other processes' documents, fetched for a round of
 * the distributed alignment (nd_reuse_run_dist), by ascending document. */
typedef struct rtable {
    const uint32_t *doc;
    const ctok **w;
    const nd_span **m;
    uint32_t *nw, *nm;
    size_t n;
} rtable;

static nd_status remote_words(const rtable *t, uint32_t d, const ctok **w, int64_t *nw,
                              const nd_span **m, size_t *nm)
{
    size_t lo = 0, hi = t ? t->n : 0;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (t->doc[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!t || lo == t->n || t->doc[lo] != d)
        return ND_E_STATE; /* not fetched: a bug, never a wrong answer */
    *w = t->w[lo];
    *nw = t->nw[lo];
    *m = t->nm[lo] ? t->m[lo] : NULL;
    *nm = t->nm[lo];
    return ND_OK;
}

/* The words of document d of the share, from the word cache (in memory, or
 * read back into cv). */
static nd_status cached_words(const nd_reuse *r, uint32_t d, nd_vec *cv, const ctok **w,
                              int64_t *nw)
{
    const size_t l = d - share_lo(r); /* the words are kept by position in the share */
    if (r->word_file.fd < 0) {
        const size_t c = l / CHUNK_DOCS;
        *w = (const ctok *)r->wchunks[c].data + (r->word_off[l] - r->word_off[c * CHUNK_DOCS]);
        *nw = (int64_t)(r->word_off[l + 1] - r->word_off[l]);
        return ND_OK;
    }
    for (int k = 0; k < 2; k++) /* a block's ranges in memory */
        if (r->win_r[k] != SIZE_MAX && r->rng[d] == r->win_r[k]) {
            const uint64_t first = r->word_off[r->wrange[r->win_r[k]] - share_lo(r)];
            *w = (const ctok *)r->win[k].data + (r->word_off[l] - first);
            *nw = (int64_t)(r->word_off[l + 1] - r->word_off[l]);
            return ND_OK;
        }
    /* spilled: read them back */
    const size_t nt = (size_t)(r->word_off[l + 1] - r->word_off[l]);
    nd_status st = nd_vec_reserve(cv, &r->alloc, nt ? nt : 1);
    if (st == ND_OK && nt)
        st = nd_spill_read(&r->word_file, r->word_off[l] * sizeof(ctok), cv->data,
                           nt * sizeof(ctok));
    if (st != ND_OK)
        return st;
    cv->len = nt;
    *w = cv->data;
    *nw = (int64_t)nt;
    return ND_OK;
}

/* The words of document d: from the cache, or tokenised into tb and copied
 * into cv; *m its boilerplate mask. */
static nd_status doc_words(phase *ph, unsigned slot, uint32_t d, nd_text_buf *tb, nd_vec *cv,
                           const ctok **w, int64_t *nw, const nd_span **m, size_t *nm)
{
    nd_reuse *r = ph->r;
    *m = doc_mask(r, d, nm);
    if (d < share_lo(r) || d >= share_hi(r)) /* another process's: fetched for this round */
        return remote_words(ph->remote, d, w, nw, m, nm);
    if (r->word_off)
        return cached_words(r, d, cv, w, nw);
    nd_status st = load_doc(ph, slot, d, tb, NULL, NULL);
    const size_t nt = tb->tokens.len;
    if (st == ND_OK)
        st = nd_vec_reserve(cv, &r->alloc, nt ? nt : 1);
    if (st != ND_OK)
        return st;
    ctok *o = cv->data;
    const nd_token *tk = tb->tokens.data;
    for (size_t i = 0; i < nt; i++)
        o[i] = (ctok){tk[i].start, tk[i].end, (uint32_t)(tk[i].hash >> 32)};
    cv->len = nt;
    *w = o;
    *nw = (int64_t)nt;
    return ND_OK;
}

static void align_chunk(void *arg, size_t begin, size_t end, unsigned thread)
{
    phase *ph = arg;
    tstate *t = &ph->ts[thread];
    for (size_t c = begin; c < end; c++) {
        if (atomic_load_explicit(&ph->stop, memory_order_relaxed))
            return;
        for (size_t q = ph->bounds[c]; q < ph->bounds[c + 1]; q++) {
            /* pair q: its hits are recs[pr[2q] .. pr[2q + 1]) */
            const size_t h0 = (size_t)ph->pr[2 * q], h1 = (size_t)ph->pr[2 * q + 1];
            const rec16 *h = ph->recs + h0;
            const uint32_t da = (uint32_t)(h[0].k1 >> 32), db = (uint32_t)h[0].k1;
            nd_status st = ND_OK;
            uint32_t bad = da;
            pairdocs pd;
            memset(&pd, 0, sizeof pd);
            if (t->cached_a != da ||
                (ph->r->word_off && (ph->r->word_file.fd < 0 || ph->r->nranges))) {
                t->cached_a = ND_NO_DOC;
                st = doc_words(ph, thread * 2, da, &t->ta, &t->ca, &t->wa, &t->nwa, &t->ma,
                               &t->nma);
                if (st == ND_OK)
                    t->cached_a = da;
            }
            pd.A = t->wa;
            pd.NA = t->nwa;
            pd.ma = t->ma;
            pd.nma = t->nma;
            if (st == ND_OK) {
                bad = db;
                st = doc_words(ph, thread * 2 + 1, db, &t->tb, &t->cb, &pd.B, &pd.NB, &pd.mb,
                               &pd.nmb);
            }
            if (st == ND_OK) {
                bad = ND_NO_DOC;
                align_pair(ph, t, h, h1 - h0, pd, &ph->out[c], &st);
            }
            if (st != ND_OK) {
                ph->st[c] = st;
                ph->fail_doc[c] = bad;
                atomic_store(&ph->stop, 1);
                return;
            }
        }
    }
}

/* ---- passage clusters ---------------------------------------------------------- */

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static nd_status make_clusters(nd_reuse *r)
{
    const nd_alloc_ctx *a = &r->alloc;
    nd_passage *ps = r->passages.data;
    const size_t np = r->passages.len, no = 2 * np;
    nd_status st = ND_OK;
    rec16 *k = nd_malloc(a, (no ? no : 1) * sizeof *k);
    rec16 *tmp = nd_malloc(a, (no ? no : 1) * sizeof *tmp);
    uint32_t *run = nd_malloc(a, (no ? no : 1) * sizeof *run);  /* occurrence -> range */
    nd_occurrence *rg = nd_malloc(a, (no ? no : 1) * sizeof *rg); /* ranges */
    uint32_t *parent = nd_malloc(a, (no ? no : 1) * sizeof *parent);
    uint32_t *label = nd_malloc(a, (no ? no : 1) * sizeof *label);
    if (!k || !tmp || !run || !rg || !parent || !label) {
        st = step_status(r, ND_E_NOMEM, "the clusters of %zu passages", np);
        goto done;
    }
    /* A passage between copies is most of both documents: it would join every
     * passage of either into one cluster. It takes part in none. */
    size_t nk = 0;
    for (size_t i = 0; i < np; i++) {
        if (ps[i].flags & ND_PASSAGE_COPY)
            continue;
        k[nk++] = (rec16){(uint64_t)ps[i].a << 32 | ps[i].a_start, 2 * i};
        k[nk++] = (rec16){(uint64_t)ps[i].b << 32 | ps[i].b_start, 2 * i + 1};
    }
    sort16(k, tmp, nk, 1);
    size_t nr = 0;
    for (size_t i = 0; i < nk; i++) {
        const nd_passage *p = &ps[k[i].k2 / 2];
        const int isb = k[i].k2 & 1;
        const uint32_t doc = isb ? p->b : p->a, s = isb ? p->b_start : p->a_start;
        const uint32_t e = isb ? p->b_end : p->a_end, w = isb ? p->b_words : p->a_words;
        if (nr && rg[nr - 1].doc == doc && s < rg[nr - 1].end) {
            if (e > rg[nr - 1].end)
                rg[nr - 1].end = e;
            if (w > rg[nr - 1].words)
                rg[nr - 1].words = w;
        } else {
            rg[nr] = (nd_occurrence){doc, s, e, w};
            parent[nr] = (uint32_t)nr;
            nr++;
        }
        run[k[i].k2] = (uint32_t)(nr - 1);
    }
    for (size_t i = 0; i < np; i++) {
        if (ps[i].flags & ND_PASSAGE_COPY)
            continue;
        const uint32_t x = uf_find(parent, run[2 * i]), y = uf_find(parent, run[2 * i + 1]);
        if (x != y) {
            if (x < y)
                parent[y] = x;
            else
                parent[x] = y;
        }
    }
    /* roots are the smallest range of their set: number clusters in range order */
    size_t ncl = 0;
    for (size_t i = 0; i < nr; i++) {
        const uint32_t root = uf_find(parent, (uint32_t)i);
        label[i] = root == i ? (uint32_t)ncl++ : label[root];
    }
    r->cl_off = nd_calloc(a, ncl + 1, sizeof *r->cl_off);
    r->cl_origin = nd_malloc(a, (ncl ? ncl : 1) * sizeof *r->cl_origin);
    if (!r->cl_off || !r->cl_origin || (st = nd_vec_reserve(&r->occ, a, nr ? nr : 1)) != ND_OK) {
        st = step_status(r, st != ND_OK ? st : ND_E_NOMEM,
                         "%zu passage clusters of %zu occurrences", ncl, nr);
        goto done;
    }
    for (size_t i = 0; i < nr; i++)
        r->cl_off[label[i] + 1]++;
    for (size_t c = 0; c < ncl; c++)
        r->cl_off[c + 1] += r->cl_off[c];
    {
        size_t *fill = (size_t *)tmp; /* ncl <= no values fit */
        memcpy(fill, r->cl_off, ncl * sizeof *fill);
        nd_occurrence *o = r->occ.data;
        for (size_t i = 0; i < nr; i++)
            o[fill[label[i]]++] = rg[i];
        r->occ.len = nr;
    }
    for (size_t c = 0; c < ncl; c++) {
        const nd_occurrence *o = (const nd_occurrence *)r->occ.data + r->cl_off[c];
        const size_t n = r->cl_off[c + 1] - r->cl_off[c];
        uint32_t best = ND_NO_DOC;
        double bd = 0;
        int tie = 0, undated = 0;
        for (size_t i = 0; i < n; i++) {
            const rdoc *d = &ND_VEC_AT(&r->docs, rdoc, o[i].doc);
            if (!d->has_date) {
                undated = 1;
                break;
            }
            if (best == ND_NO_DOC || d->date < bd) {
                best = o[i].doc;
                bd = d->date;
                tie = 0;
            } else if (d->date == bd && doc_group(r, o[i].doc) != doc_group(r, best)) {
                tie = 1; /* two documents of the same date that are not copies */
            }
        }
        r->cl_origin[c] = undated || tie ? ND_NO_DOC : best;
    }
    for (size_t i = 0; i < np; i++)
        ps[i].cluster = ps[i].flags & ND_PASSAGE_COPY ? ND_NO_CLUSTER : label[run[2 * i]];
    r->nclusters = ncl;
    r->stats.clusters = ncl;
done:
    nd_free(a, k);
    nd_free(a, tmp);
    nd_free(a, run);
    nd_free(a, rg);
    nd_free(a, parent);
    nd_free(a, label);
    return st;
}

/* ---- the run ------------------------------------------------------------------- */

/* Step 4 for the hits of one pair bucket (H): sorted by pair, then by
 * positions; pr gets each pair's first and end hit. */
static nd_status bucket_pairs(nd_reuse *r, nd_vec *H, nd_vec *tmp, nd_vec *pr)
{
    const nd_alloc_ctx *a = &r->alloc;
    const size_t nhits = H->len;
    pr->len = 0;
    if (nhits == 0)
        return ND_OK;
    nd_status st = nd_vec_reserve(tmp, a, nhits);
    if (st != ND_OK)
        return st;
    rec16 *h = H->data;
    sort16(h, tmp->data, nhits, 2);
    sort16(h, tmp->data, nhits, 1);
    for (size_t i = 0; i < nhits; i++)
        if (i == 0 || h[i].k1 != h[i - 1].k1) {
            const uint64_t span[2] = {i, nhits};
            if (pr->len)
                ((uint64_t *)pr->data)[pr->len - 1] = i;
            if ((st = nd_vec_append(pr, a, span, sizeof span)) != ND_OK)
                return st;
        }
    return ND_OK;
}

/* Step 5: pairs [q0, q1) of a bucket (hits h, pairs pr) aligned on the
 * threads, their passages appended to r->passages in pair order. */
static nd_status align_pairs(nd_reuse *r, nd_text_fn text, void *ctx, const rec16 *h,
                             const uint64_t *pr, size_t q0, size_t q1, const struct rtable *rt)
{
    const size_t np = q1 - q0, nch = (np + CHUNK_PAIRS - 1) / CHUNK_PAIRS;
    if (np == 0)
        return ND_OK;
    phase ph;
    nd_status st = phase_alloc(&ph, r, nch, sizeof(nd_passage), "the passages");
    if (st == ND_OK && !(ph.bounds = nd_calloc(&r->alloc, nch + 1, sizeof *ph.bounds)))
        st = ND_E_NOMEM;
    if (st == ND_OK) {
        for (size_t c = 0; c <= nch; c++)
            ph.bounds[c] = q0 + (c * CHUNK_PAIRS < np ? c * CHUNK_PAIRS : np);
        ph.recs = h;
        ph.pr = pr;
        ph.remote = rt;
        ph.text = text;
        ph.ctx = ctx;
        nd_parallel(r->params.threads, nch, 1, align_chunk, &ph);
        if ((st = phase_status(&ph)) == ND_OK)
            st = phase_concat(&ph, &r->passages);
    }
    phase_free(&ph);
    return st;
}

/* Step 1 of nd_reuse_run: the seeds, a wave of chunks at a time, into the
 * seed buckets. Every document's words are kept for the alignment: in
 * memory (ph->out2, lent to r->wchunks), or under ND_P_MEMORY in a file read
 * back per document. ph is the caller's, to free after the alignment (the
 * words in memory live in it); it is set up here first thing. */
static nd_status run_seeds(nd_reuse *r, nd_text_fn text, void *ctx, phase *ph, bstore *seeds)
{
    const nd_alloc_ctx *a = &r->alloc;
    const size_t ndocs = share_hi(r) - share_lo(r); /* here */
    const size_t wave = 4 * (size_t)nd_threads_resolve(r->params.threads);
    const size_t nchunks = share_chunks(r);
    nd_status st = phase_alloc(ph, r, nchunks, sizeof(rec16), "the seeds");
    if (st != ND_OK)
        return st;
    ph->text = text;
    ph->ctx = ctx;
    ph->out2 = nd_calloc(a, nchunks ? nchunks : 1, sizeof *ph->out2);
    r->word_off = nd_calloc(a, ndocs + 1, sizeof *r->word_off);
    if (!ph->out2 || !r->word_off)
        return step_status(r, ND_E_NOMEM, "the word tables of %zu documents", ndocs);
    for (size_t c = 0; c < nchunks; c++)
        nd_vec_init(&ph->out2[c], sizeof(ctok), SIZE_MAX / 16);
    ph->dest = seeds;
    if (!(ph->bcnt = nd_malloc(a, wave * seeds->nb * sizeof *ph->bcnt)))
        return step_status(r, ND_E_NOMEM, "the bucket counts of %zu chunks", wave);
    if (r->params.memory && (st = nd_spill_open(&r->word_file, r->tmpdir, r->detail)) != ND_OK)
        return st;
    for (size_t c0 = 0; c0 < nchunks; c0 += wave) {
        const size_t c1 = c0 + wave < nchunks ? c0 + wave : nchunks;
        ph->base = c0;
        nd_parallel(r->params.threads, c1 - c0, 1, seed_chunk, ph);
        if ((st = phase_status(ph)) != ND_OK)
            return st;
        for (size_t c = c0; c < c1; c++) {
            if ((st = bstore_add_parts(r, seeds, ph->out[c].data,
                                       ph->bcnt + (c - c0) * seeds->nb)) != ND_OK)
                return step_status(r, st, "the seed buckets (%llu seeds)",
                                   (unsigned long long)seeds->total);
            nd_vec_free(&ph->out[c], a);
            if (!r->boiler_done)
                r->stats.tokens += ph->cstats[c * 4];
            r->stats.seeds_single += ph->cstats[c * 4 + 1];
            if (r->word_file.fd >= 0) {
                if ((st = nd_spill_append(&r->word_file, ph->out2[c].data,
                                          ph->out2[c].len * sizeof(ctok), r->detail)) != ND_OK)
                    return st;
                r->stats.spilled_bytes += ph->out2[c].len * sizeof(ctok);
                nd_vec_free(&ph->out2[c], a);
            }
        }
    }
    for (size_t d = 0; d < ndocs; d++)
        r->word_off[d + 1] += r->word_off[d];
    r->wchunks = ph->out2; /* in memory: left where the chunks made them */
    r->stats.seeds = seeds->total + r->stats.seeds_single;
    return ND_OK;
}

/* Steps 2-3: per seed bucket, sorted; its rare n-grams give hits, into the
 * pair buckets. */
static nd_status run_hits(nd_reuse *r, const bstore *seeds, bstore *hits)
{
    const size_t wave = 4 * (size_t)nd_threads_resolve(r->params.threads);
    phase ph;
    nd_status st = phase_alloc(&ph, r, NBUCKETS, sizeof(rec16), "the hits of a seed bucket");
    ph.store = seeds;
    ph.dest = hits;
    if (st == ND_OK && !(ph.bcnt = nd_malloc(&r->alloc, wave * hits->nb * sizeof *ph.bcnt)))
        st = step_status(r, ND_E_NOMEM, "the bucket counts of %zu chunks", wave);
    for (size_t b0 = 0; st == ND_OK && b0 < NBUCKETS; b0 += wave) {
        const size_t b1 = b0 + wave < NBUCKETS ? b0 + wave : NBUCKETS;
        ph.base = b0;
        nd_parallel(r->params.threads, b1 - b0, 1, hits_chunk, &ph);
        st = phase_status(&ph);
        for (size_t b = b0; st == ND_OK && b < b1; b++) {
            if ((st = bstore_add_parts(r, hits, ph.out[b].data, ph.bcnt + (b - b0) * hits->nb)) !=
                ND_OK) {
                st = step_status(r, st, "the pair buckets (%llu hits)",
                                 (unsigned long long)hits->total);
                break;
            }
            nd_vec_free(&ph.out[b], &r->alloc);
            r->stats.seed_groups += ph.cstats[b * 4];
            r->stats.rare_groups += ph.cstats[b * 4 + 1];
        }
    }
    phase_free(&ph);
    return st;
}

static nd_status pair_order(nd_reuse *r);

/* Under ND_P_MEMORY, with the words in a file: the documents cut into
 * ranges of at most a sixteenth of the budget in words each, so that the
 * alignment reads two ranges per block rather than a document per pair.
 * More than MAX_RANGES ranges (a budget far below the words): no blocks,
 * the words are read per document and pair. One range: one read. */
#define MAX_RANGES 128 /* K (K + 1) / 2 blocks, a bucket each past NBUCKETS */
static nd_status plan_blocks(nd_reuse *r)
{
    const nd_alloc_ctx *a = &r->alloc;
    const size_t ndocs = r->docs.len;
    if (r->word_file.fd < 0 || r->shared || !ndocs)
        return ND_OK;
    const uint64_t cap = r->params.memory / 16 / sizeof(ctok) + 1; /* words a range */
    r->wrange = nd_malloc(a, (MAX_RANGES + 1) * sizeof *r->wrange);
    r->rng = nd_malloc(a, ndocs);
    if (!r->wrange || !r->rng)
        return step_status(r, ND_E_NOMEM, "the ranges of %zu documents", ndocs);
    size_t i = 0;
    for (size_t d = 0; d < ndocs; i++) {
        if (i == MAX_RANGES) { /* too many: no blocks */
            nd_free(a, r->wrange);
            nd_free(a, r->rng);
            r->wrange = NULL;
            r->rng = NULL;
            return ND_OK;
        }
        const uint64_t w0 = r->word_off[d];
        r->wrange[i] = (uint32_t)d;
        r->rng[d++] = (uint8_t)i; /* at least one document */
        while (d < ndocs && r->word_off[d + 1] - w0 <= cap)
            r->rng[d++] = (uint8_t)i;
    }
    r->wrange[i] = (uint32_t)ndocs;
    r->nranges = i;
    r->nblocks = i * (i + 1) / 2;
    r->block_per = r->nblocks < NBUCKETS ? NBUCKETS / r->nblocks : 1;
    r->stats.word_ranges = i;
    return ND_OK;
}

/* The words of range i into window k (a no-op when they are there). */
static nd_status load_range(nd_reuse *r, int k, size_t i)
{
    if (r->win_r[k] == i)
        return ND_OK;
    r->win_r[k] = SIZE_MAX;
    const uint64_t w0 = r->word_off[r->wrange[i]], w1 = r->word_off[r->wrange[i + 1]];
    const size_t n = (size_t)(w1 - w0);
    nd_status st = nd_vec_reserve(&r->win[k], &r->alloc, n ? n : 1);
    if (st == ND_OK && n)
        st = nd_spill_read(&r->word_file, w0 * sizeof(ctok), r->win[k].data, n * sizeof(ctok));
    if (st != ND_OK)
        return step_status(r, st, "reading back the words of %zu documents",
                           (size_t)(r->wrange[i + 1] - r->wrange[i]));
    r->win[k].len = n;
    r->win_r[k] = i;
    return ND_OK;
}

/* Bucket b's block in the windows: its first range in window 0, its second
 * in window 1 unless it is the same. */
static nd_status load_block(nd_reuse *r, size_t b)
{
    const size_t blk = b / r->block_per;
    size_t i = 0;
    while (i + 1 < r->nranges && block_of(r, i + 1, i + 1) <= blk)
        i++;
    const size_t j = i + (blk - block_of(r, i, i));
    nd_status st = load_range(r, 0, i);
    if (st == ND_OK && j != i)
        st = load_range(r, 1, j);
    return st;
}

/* Step 4 for a wave of pair buckets, one a thread: each read back and
 * sorted into its own H[k] and pr[k] (tmp: a sort scratch a thread). */
typedef struct prep {
    nd_reuse *r;
    const bstore *hits;
    size_t b0;
    nd_vec *H, *pr, *tmp;
    nd_status *st;
} prep;

static void prep_chunk(void *arg, size_t begin, size_t end, unsigned thread)
{
    prep *p = arg;
    for (size_t k = begin; k < end; k++) {
        nd_status st = bstore_load(p->hits, p->b0 + k, &p->H[k], &p->r->alloc);
        if (st == ND_OK)
            st = bucket_pairs(p->r, &p->H[k], &p->tmp[thread], &p->pr[k]);
        p->st[k] = st;
    }
}

/* Steps 4-5: per pair bucket (a range of first documents, in order; or of a
 * block of two ranges), its hits sorted and aligned into r->passages. The
 * buckets are read back and sorted a wave at a time on the threads (each
 * alone was a step no other thread shared), then aligned in order. */
static nd_status run_align(nd_reuse *r, nd_text_fn text, void *ctx, const bstore *hits)
{
    const nd_alloc_ctx *a = &r->alloc;
    const size_t W = nd_threads_resolve(r->params.threads);
    prep p = {r, hits, 0, nd_calloc(a, W, sizeof(nd_vec)), nd_calloc(a, W, sizeof(nd_vec)),
              nd_calloc(a, W, sizeof(nd_vec)), nd_calloc(a, W, sizeof(nd_status))};
    nd_status st = ND_OK;
    if (!p.H || !p.pr || !p.tmp || !p.st)
        st = step_status(r, ND_E_NOMEM, "the pair buckets of %zu threads", W);
    for (size_t k = 0; st == ND_OK && k < W; k++) {
        nd_vec_init(&p.H[k], sizeof(rec16), SIZE_MAX / 32);
        nd_vec_init(&p.pr[k], sizeof(uint64_t), SIZE_MAX / 8);
        nd_vec_init(&p.tmp[k], sizeof(rec16), SIZE_MAX / 32);
    }
    for (size_t b0 = 0, n; st == ND_OK && b0 < hits->nb; b0 += n) {
        n = b0 + W < hits->nb ? W : hits->nb - b0;
        if (r->params.memory) { /* a wave's hits and their sort scratch within SIZE / 8 */
            uint64_t held = bstore_count(hits, b0);
            size_t k = 1;
            for (; k < n; k++) {
                held += bstore_count(hits, b0 + k);
                if (held * 2 * sizeof(rec16) > r->params.memory / 8)
                    break;
            }
            n = k;
            for (; k < W; k++) { /* the rest let go what an earlier wave had them hold */
                nd_vec_free(&p.H[k], a);
                nd_vec_free(&p.pr[k], a);
            }
        }
        p.b0 = b0;
        nd_parallel(r->params.threads, n, 1, prep_chunk, &p);
        for (size_t k = 0; st == ND_OK && k < n; k++) {
            const size_t b = b0 + k;
            const nd_vec *H = &p.H[k], *pr = &p.pr[k];
            st = step_status(r, p.st[k], "reading back pair bucket %zu", b);
            if (st == ND_OK && r->nranges && H->len)
                st = load_block(r, b);
            if (st == ND_OK) {
                r->stats.pairs += pr->len / 2;
                st = align_pairs(r, text, ctx, H->data, pr->data, 0, pr->len / 2, NULL);
            }
            st = step_status(r, st, "aligning pair bucket %zu (%zu hits)", b, H->len);
        }
    }
    nd_vecs_free(p.H, W, a);
    nd_vecs_free(p.pr, W, a);
    nd_vecs_free(p.tmp, W, a);
    nd_free(a, p.st);
    if (st == ND_OK && r->nranges > 1) /* blocks: the passages back in pair order */
        st = pair_order(r);
    return st;
}

/* The words kept for the alignment, let go (those in memory belong to the
 * seed phase). */
static void words_release(nd_reuse *r)
{
    nd_free(&r->alloc, r->wrange);
    nd_free(&r->alloc, r->rng);
    r->wrange = NULL;
    r->rng = NULL;
    r->nranges = 0;
    for (int k = 0; k < 2; k++) {
        nd_vec_free(&r->win[k], &r->alloc);
        r->win_r[k] = SIZE_MAX;
    }
    r->wchunks = NULL;
    nd_free(&r->alloc, r->word_off);
    r->word_off = NULL;
    if (r->word_file.fd >= 0)
        nd_spill_close(&r->word_file);
    r->word_file.fd = -1;
}

/* The checks on entering nd_reuse_run(_dist); marks the run done. */
static nd_status run_start(nd_reuse *r, nd_text_fn text)
{
    r->detail[0] = 0;
    if (!text) {
        nd_detail_set(r->detail, "no text function");
        return ND_E_PARAM;
    }
    if (r->run_done) {
        nd_detail_set(r->detail, "nd_reuse_run is called once");
        return ND_E_STATE;
    }
    r->run_done = 1;
    return ND_OK;
}

nd_status nd_reuse_run(nd_reuse *r, nd_text_fn text, void *ctx)
{
    ND_RETURN_IF(!r, ND_E_PARAM);
    nd_status st = run_start(r, text);
    if (st != ND_OK)
        return st;
    const nd_alloc_ctx *a = &r->alloc;
    const size_t ndocs = r->docs.len;
    r->word_file.fd = -1;
    /* under ND_P_MEMORY, seeds and hits waiting in memory keep to a quarter of
     * it each before they spill */
    const size_t limit = r->params.memory ? (size_t)(r->params.memory / 4 / sizeof(rec16)) + 1
                                          : 0;
    r->stats.docs = ndocs;
    bstore seeds, hits;
    bstore_zero(&seeds);
    bstore_zero(&hits);
    phase ph;
    memset(&ph, 0, sizeof ph);
    ND_TRY(bstore_init(r, &seeds, NBUCKETS, limit, 0, ndocs));
    ND_TRY(run_seeds(r, text, ctx, &ph, &seeds));
    twice_free(r);
    ND_TRY(plan_blocks(r));
    /* the pair buckets: by blocks, or by ranges of first documents */
    ND_TRY(bstore_init(r, &hits, r->nranges ? r->nblocks * r->block_per : NBUCKETS, limit, 1,
                       ndocs));
    ND_TRY(run_hits(r, &seeds, &hits));
    bstore_free(&seeds, a);
    r->stats.hits = hits.total;
    ND_TRY(run_align(r, text, ctx, &hits));
    r->stats.passages = r->passages.len;
    words_release(r);
    /* 6. clusters */
    ND_TRY(make_clusters(r));
    st = ND_OK;
fail:
    st = step_status(r, st, "passages");
    if (ph.r)
        phase_free(&ph);
    bstore_free(&seeds, a);
    bstore_free(&hits, a);
    words_release(r);
    if (st != ND_OK) {
        nd_vec_free(&r->passages, a);
        r->nclusters = 0;
    }
    return st;
}

nd_status nd_reuse_passages(const nd_reuse *r, const nd_passage **p, size_t *n)
{
    ND_RETURN_IF(!r || !p || !n, ND_E_PARAM);
    ND_RETURN_IF(!r->run_done, ND_E_STATE);
    *p = r->passages.data;
    *n = r->passages.len;
    return ND_OK;
}

nd_status nd_reuse_clusters(const nd_reuse *r, const nd_occurrence **occ, const size_t **offsets,
                            const uint32_t **origin, size_t *num_clusters)
{
    ND_RETURN_IF(!r || !occ || !offsets || !num_clusters, ND_E_PARAM);
    ND_RETURN_IF(!r->run_done, ND_E_STATE);
    *occ = r->occ.data;
    *offsets = r->cl_off;
    if (origin)
        *origin = r->cl_origin;
    *num_clusters = r->nclusters;
    return ND_OK;
}

void nd_reuse_get_stats(const nd_reuse *r, nd_reuse_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (r) {
        *out = r->stats;
        out->docs = r->docs.len;
    }
}

const char *nd_reuse_errdetail(const nd_reuse *r)
{
    return r ? r->detail : "";
}

/* ---- distributed runs ------------------------------------------------------- */
/*
 * nd_reuse_boilerplate_dist and nd_reuse_run_dist: every process was given
 * the facts of every document (nd_reuse_add: groups, sources, dates) and
 * holds the texts of its share, a run of consecutive documents
 * (nd_reuse_set_share); the shares in rank order are the collection. A hash
 * belongs to the process its top byte falls to, as the 256 seed buckets.
 * Boilerplate:
 *   1. each process cuts its documents into segments and sends each to the
 *      owner of its hash, which groups them (boiler_group) and answers every
 *      segment "repeated" or not;
 *   2. each process finds its documents' heads and tails and sends their
 *      segments' (hash, copy group) to the owners, which count them, count
 *      sources (every document's source and group are known everywhere),
 *      decide (boiler_decide) and answer every segment "boilerplate" or not;
 *   3. each process masks its documents; the owners' lists and the masks go
 *      to process 0, which merges the lists by first occurrence.
 * Passages:
 *   1. the seeds of each share go to the owners of their buckets, 16 buckets
 *      a round, arriving in rank order, which is document order;
 *   2. each owner finds rare n-grams and their hits (hits_chunk), each sent
 *      to the process holding one of the pair's documents (pair_home: either,
 *      so that pairs across two shares are split between their holders);
 *   3. that process sorts its pairs as one process does and aligns them in
 *      rounds over the documents held elsewhere that they need, each
 *      fetched once with its mask (about FETCH_BYTES a round, shared by the
 *      requesters); every process takes part in rounds until none has
 *      documents left to fetch;
 *   4. passages go to process 0, which puts them in pair order (a stable
 *      sort: a pair's passages are made together) and makes the clusters.
 * Each step computes what one process computes, so process 0's results are
 * the same, for any number of processes and threads.
 */

#define FETCH_BYTES ((uint64_t)256 << 20)
#define XCHG_BUCKETS 16 /* seed buckets moved per exchange */

typedef struct rdist {
    nd_reuse *r;
    const nd_comm *c;
    uint32_t *lo;          /* P + 1: process p holds documents [lo[p], lo[p + 1]) */
    uint64_t *slen, *rlen; /* per process */
    nd_vec *to;            /* bytes for each process */
} rdist;

static void rd_close(rdist *x)
{
    const nd_alloc_ctx *a = &x->r->alloc;
    if (x->to)
        for (unsigned p = 0; p < x->c->size; p++)
            nd_vec_free(&x->to[p], a);
    nd_free(a, x->to);
    nd_free(a, x->lo);
    nd_free(a, x->slen);
    nd_free(a, x->rlen);
}

static nd_status rd_xchg(rdist *x, const char *stage, void **out, uint64_t *total)
{
    return nd_comm_xchg(x->c, &x->r->alloc, stage, x->to, x->slen, x->rlen, out, total);
}

/* The process holding document d. */
static unsigned rd_holder(const rdist *x, uint32_t d)
{
    unsigned lo = 0, hi = x->c->size;
    while (hi - lo > 1) {
        const unsigned mid = (lo + hi) / 2;
        if (x->lo[mid] <= d)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* The process owning a segment or seed hash (its top byte, as the buckets). */
static unsigned rd_owner(const rdist *x, uint64_t hash)
{
    return (unsigned)((hash >> 56) * x->c->size / NBUCKETS);
}

/* Sets x up; every process learns every share and checks they tile the
 * collection in rank order. */
static nd_status rd_open(rdist *x, nd_reuse *r, const nd_comm *c)
{
    memset(x, 0, sizeof *x);
    x->r = r;
    x->c = c;
    const nd_alloc_ctx *a = &r->alloc;
    const unsigned P = c->size;
    if (P == 0 || c->rank >= P || !c->exchange) {
        nd_detail_set(r->detail, "a communicator of rank %u of %u", c->rank, P);
        return ND_E_PARAM;
    }
    x->lo = nd_calloc(a, P + 1, sizeof *x->lo);
    x->slen = nd_calloc(a, P, sizeof *x->slen);
    x->rlen = nd_calloc(a, P, sizeof *x->rlen);
    x->to = nd_calloc(a, P, sizeof *x->to);
    if (!x->lo || !x->slen || !x->rlen || !x->to)
        return step_status(r, ND_E_NOMEM, "the tables of %u processes", P);
    for (unsigned p = 0; p < P; p++)
        nd_vec_init(&x->to[p], 1, SIZE_MAX / 2);
    const uint32_t mine[3] = {share_lo(r), share_hi(r), (uint32_t)r->docs.len};
    nd_status st = ND_OK;
    for (unsigned p = 0; p < P && st == ND_OK; p++)
        st = nd_vec_append(&x->to[p], a, mine, sizeof mine);
    uint32_t *got = NULL;
    uint64_t n = 0;
    if (st == ND_OK)
        st = rd_xchg(x, "shares", (void **)&got, &n);
    if (st != ND_OK)
        return step_status(r, st, "the exchange of shares");
    int ok = n == (uint64_t)P * sizeof mine;
    for (unsigned p = 0; ok && p < P; p++) {
        ok = got[3 * p + 2] == r->docs.len && got[3 * p] == (p ? got[3 * p - 2] : 0) &&
             got[3 * p] <= got[3 * p + 1];
        x->lo[p] = got[3 * p];
    }
    ok = ok && got[3 * P - 2] == r->docs.len;
    x->lo[P] = (uint32_t)r->docs.len;
    nd_free(a, got);
    if (!ok) {
        nd_detail_set(r->detail, "the shares of the %u processes do not tile the %zu documents "
                                 "in rank order (nd_reuse_set_share)", P, r->docs.len);
        return ND_E_PARAM;
    }
    return ND_OK;
}

/* Process 0's v[0..n) becomes the sum over the processes. */
static nd_status rd_sum(rdist *x, uint64_t *v, size_t n)
{
    nd_status st = nd_vec_append(&x->to[0], &x->r->alloc, v, n * sizeof *v);
    uint64_t *got = NULL, bytes = 0;
    if (st == ND_OK)
        st = rd_xchg(x, "counts", (void **)&got, &bytes);
    if (st == ND_OK && x->c->rank == 0)
        for (size_t i = 0; i < n; i++) {
            v[i] = 0;
            for (unsigned p = 0; p < x->c->size; p++)
                v[i] += got[p * n + i];
        }
    nd_free(&x->r->alloc, got);
    return st;
}

nd_status nd_reuse_set_share(nd_reuse *r, uint32_t lo, uint32_t hi)
{
    ND_RETURN_IF(!r, ND_E_PARAM);
    r->detail[0] = 0;
    if (lo > hi || hi > r->docs.len) {
        nd_detail_set(r->detail, "share [%u, %u) of %zu documents", lo, hi, r->docs.len);
        return ND_E_PARAM;
    }
    if (r->boiler_done || r->run_done) {
        nd_detail_set(r->detail, "the share is set before the first run");
        return ND_E_STATE;
    }
    r->lo = lo;
    r->hi = hi;
    r->shared = 1;
    return ND_OK;
}

/* ---- distributed boilerplate ---- */

typedef struct edge_msg {
    uint64_t hash;
    uint32_t group, is_short; /* a head or tail segment; is_short: of a short one */
} edge_msg;

/* Answers each received segment (in w, blocks of cnt[p] from process p)
 * with one byte, and maps the answers back onto the local segments ls[0..n)
 * in out. */
static nd_status rd_answer(rdist *x, const char *stage, const uint8_t *ans, const uint64_t *cnt,
                           const seg *ls, size_t n, uint8_t *out)
{
    const nd_alloc_ctx *a = &x->r->alloc;
    const unsigned P = x->c->size;
    nd_status st = ND_OK;
    for (size_t p = 0, k = 0; p < P && st == ND_OK; k += (size_t)cnt[p], p++)
        st = nd_vec_append(&x->to[p], a, ans + k, cnt[p]);
    uint8_t *got = NULL;
    uint64_t bytes = 0, at[256 + 1];
    if (st == ND_OK)
        st = rd_xchg(x, stage, (void **)&got, &bytes);
    if (st != ND_OK)
        return st;
    uint64_t *cur = P <= 256 ? at : nd_calloc(a, P + 1, sizeof *cur);
    if (!cur) {
        nd_free(a, got);
        return ND_E_NOMEM;
    }
    cur[0] = 0;
    for (unsigned p = 0; p < P; p++)
        cur[p + 1] = cur[p] + x->rlen[p];
    for (size_t i = 0; i < n; i++)
        out[i] = got[cur[rd_owner(x, ls[i].hash)]++];
    if (cur != at)
        nd_free(a, cur);
    nd_free(a, got);
    return ND_OK;
}

/* The owner's edge counts from the edge messages e[0..n) (w grouped). */
static nd_status rd_count_edges(nd_reuse *r, bwork *w, const edge_msg *e, size_t n)
{
    const nd_alloc_ctx *a = &r->alloc;
    const seg *sg = w->segs.data;
    uint64_t *hh = nd_malloc(a, (w->nhg ? w->nhg : 1) * sizeof *hh);
    uint64_t *pr = nd_malloc(a, (n ? n : 1) * 2 * sizeof *pr);
    if (!hh || !pr) {
        nd_free(a, hh);
        nd_free(a, pr);
        return ND_E_NOMEM;
    }
    for (size_t g = 0; g < w->nhg; g++) /* hash groups are in hash order */
        hh[g] = sg[w->hg[g].first].hash;
    for (int is_short = 0; is_short <= 1; is_short++) {
        size_t np = 0;
        for (size_t i = 0; i < n; i++)
            if (!is_short || e[i].is_short) {
                const size_t g = nd_lower_bound_u64(hh, w->nhg, e[i].hash);
                if (g < w->nhg && hh[g] == e[i].hash) /* always: the segment was sent here */
                    pr[np++] = (uint64_t)g << 32 | e[i].group;
            }
        np = nd_sort_unique_u64(pr, pr + n, np);
        for (size_t i = 0; i < np; i++) {
            if (is_short)
                w->hg[pr[i] >> 32].edge_short++;
            else
                w->hg[pr[i] >> 32].edge++;
        }
    }
    nd_free(a, hh);
    nd_free(a, pr);
    return ND_OK;
}

/* Owner's tables for its received segments (as nd_reuse_boilerplate's). */
static nd_status bwork_alloc(nd_reuse *r, bwork *w)
{
    const nd_alloc_ctx *a = &r->alloc;
    const size_t ns = w->segs.len;
    nd_status st = nd_vec_reserve(&w->keys, a, ns ? ns : 1);
    w->tmp = nd_malloc(a, (ns ? ns : 1) * sizeof *w->tmp);
    w->seg_hg = nd_malloc(a, (ns ? ns : 1) * sizeof *w->seg_hg);
    w->repeated = nd_calloc(a, ns ? ns : 1, 1);
    w->hg = nd_calloc(a, ns ? ns : 1, sizeof *w->hg);
    if (st != ND_OK || !w->tmp || !w->seg_hg || !w->repeated || !w->hg)
        return step_status(r, ND_E_NOMEM, "the tables of %zu segments", ns);
    return ND_OK;
}

static void bwork_free(const nd_alloc_ctx *a, bwork *w)
{
    nd_vec_free(&w->segs, a);
    nd_vec_free(&w->keys, a);
    nd_free(a, w->tmp);
    nd_free(a, w->seg_hg);
    nd_free(a, w->repeated);
    nd_free(a, w->boiler);
    nd_free(a, w->hg);
}

/* Step 3 on process 0: the owners' lists (with their occurrences) and every
 * process's masks, from the blocks of got. */
static nd_status rd_merge_boilers(rdist *x, const char *got)
{
    nd_reuse *r = x->r;
    const nd_alloc_ctx *a = &r->alloc;
    const unsigned P = x->c->size;
    const size_t N = r->docs.len;
    /* the lists: per process nb, nocc, boilers, counts, occurrences */
    size_t nb = 0, nocc = 0, nspan = 0;
    const char *blk = got;
    for (unsigned p = 0; p < P; blk += x->rlen[p], p++) {
        uint64_t h[3];
        memcpy(h, blk, sizeof h);
        nb += h[0];
        nocc += h[1];
        nspan += h[2];
    }
    nd_vec_free(&r->boilers, a);
    nd_vec_free(&r->bocc, a);
    nd_vec_free(&r->bspan, a);
    nd_vec_free(&r->btok, a);
    nd_free(a, r->bocc_off);
    nd_free(a, r->bspan_off);
    r->bocc_off = nd_calloc(a, nb + 1, sizeof *r->bocc_off);
    r->bspan_off = nd_calloc(a, N + 1, sizeof *r->bspan_off);
    rec16 *k = nd_malloc(a, (nb ? nb : 1) * 2 * sizeof *k);
    const nd_occurrence **src = nd_malloc(a, (nb ? nb : 1) * sizeof *src);
    nd_status st = nd_vec_reserve(&r->boilers, a, nb ? nb : 1);
    if (st == ND_OK)
        st = nd_vec_reserve(&r->bocc, a, nocc ? nocc : 1);
    if (st == ND_OK)
        st = nd_vec_reserve(&r->bspan, a, nspan ? nspan : 1);
    if (st == ND_OK)
        st = nd_vec_reserve(&r->btok, a, nspan ? nspan : 1);
    if (st != ND_OK || !r->bocc_off || !r->bspan_off || !k || !src) {
        nd_free(a, k);
        nd_free(a, src);
        return step_status(r, ND_E_NOMEM, "the %zu boilerplate segments of %u processes", nb,
                           P);
    }
    /* every boiler keyed by its first occurrence (document, start) */
    const nd_boiler *all = NULL;
    nd_boiler *bl = r->boilers.data;
    size_t i = 0;
    blk = got;
    for (unsigned p = 0; p < P; blk += x->rlen[p], p++) {
        uint64_t h[3];
        memcpy(h, blk, sizeof h);
        all = (const nd_boiler *)(blk + sizeof h);
        const uint64_t *cnt = (const uint64_t *)(all + h[0]);
        const nd_occurrence *o = (const nd_occurrence *)(cnt + h[0]);
        for (uint64_t j = 0; j < h[0]; j++, i++) {
            bl[i] = all[j];
            k[i] = (rec16){(uint64_t)all[j].doc << 32 | all[j].start, i};
            src[i] = o;
            r->bocc_off[i + 1] = cnt[j]; /* for now: the count */
            o += cnt[j];
        }
        /* masks: per document of the share its count, then byte and token spans */
        const uint32_t *dc = (const uint32_t *)o;
        const uint32_t n = x->lo[p + 1] - x->lo[p];
        const nd_span *bs = (const nd_span *)(dc + n), *bt = bs + h[2];
        for (uint32_t d = 0; d < n; d++)
            r->bspan_off[x->lo[p] + d + 1] = dc[d];
        memcpy((nd_span *)r->bspan.data + r->bspan.len, bs, h[2] * sizeof *bs);
        memcpy((nd_span *)r->btok.data + r->btok.len, bt, h[2] * sizeof *bt);
        r->bspan.len += h[2];
        r->btok.len += h[2];
    }
    r->boilers.len = nb;
    for (size_t d = 0; d < N; d++)
        r->bspan_off[d + 1] += r->bspan_off[d];
    /* in order of first occurrence, each with its occurrences */
    sort16(k, k + nb, nb, 1);
    nd_boiler *sorted = (nd_boiler *)nd_malloc(a, (nb ? nb : 1) * sizeof *sorted);
    size_t *cnts = nd_malloc(a, (nb ? nb : 1) * sizeof *cnts);
    if (!sorted || !cnts) {
        nd_free(a, sorted);
        nd_free(a, cnts);
        nd_free(a, k);
        nd_free(a, src);
        return step_status(r, ND_E_NOMEM, "ordering %zu boilerplate segments", nb);
    }
    for (size_t j = 0; j < nb; j++)
        cnts[j] = r->bocc_off[j + 1];
    nd_occurrence *oo = r->bocc.data;
    r->bocc_off[0] = 0;
    for (size_t j = 0; j < nb; j++) {
        const size_t from = (size_t)k[j].k2;
        sorted[j] = bl[from];
        memcpy(oo + r->bocc_off[j], src[from], cnts[from] * sizeof *oo);
        r->bocc_off[j + 1] = r->bocc_off[j] + cnts[from];
    }
    memcpy(bl, sorted, nb * sizeof *bl);
    r->bocc.len = nocc;
    r->stats.boiler_segments = nb;
    nd_free(a, sorted);
    nd_free(a, cnts);
    nd_free(a, k);
    nd_free(a, src);
    return ND_OK;
}

nd_status nd_reuse_boilerplate_dist(nd_reuse *r, const nd_comm *c, nd_text_fn text, void *ctx)
{
    ND_RETURN_IF(!r || !c, ND_E_PARAM);
    nd_status st = boiler_start(r, text);
    if (st != ND_OK)
        return st;
    const nd_alloc_ctx *a = &r->alloc;
    const unsigned P = c->size;
    rdist x;
    bwork L, W; /* this process's segments; the segments whose hash it owns */
    memset(&L, 0, sizeof L);
    memset(&W, 0, sizeof W);
    nd_vec_init(&L.segs, sizeof(seg), UINT32_MAX - 1);
    nd_vec_init(&L.keys, sizeof(rec16), SIZE_MAX / 32);
    nd_vec_init(&W.segs, sizeof(seg), UINT32_MAX - 1);
    nd_vec_init(&W.keys, sizeof(rec16), SIZE_MAX / 32);
    uint64_t *cnt = NULL;
    void *got = NULL;
    uint64_t bytes;
    st = rd_open(&x, r, c);
    if (st != ND_OK)
        goto fail;
    ND_TRY(boiler_segments(r, text, ctx, &L.segs));
    const seg *ls = L.segs.data;
    const size_t nl = L.segs.len;
    /* 1. segments to their owners, answered "repeated" */
    for (size_t i = 0; i < nl; i++)
        ND_TRY(nd_vec_append(&x.to[rd_owner(&x, ls[i].hash)], a, &ls[i], sizeof *ls));
    ND_TRY(rd_xchg(&x, "boiler-segments", &got, &bytes));
    W.segs.data = got;
    W.segs.len = W.segs.cap = (size_t)(bytes / sizeof(seg));
    got = NULL;
    if (!(cnt = nd_calloc(a, P, sizeof *cnt))) {
        st = ND_E_NOMEM;
        goto fail;
    }
    for (unsigned p = 0; p < P; p++)
        cnt[p] = x.rlen[p] / sizeof(seg);
    ND_TRY(bwork_alloc(r, &W));
    ND_TRY(boiler_group(r, &W));
    L.repeated = nd_calloc(a, nl ? nl : 1, 1);
    L.seg_hg = nd_malloc(a, (nl ? nl : 1) * sizeof *L.seg_hg);
    L.boiler = nd_calloc(a, nl ? nl : 1, 1);
    if (!L.repeated || !L.seg_hg || !L.boiler) {
        st = ND_E_NOMEM;
        goto fail;
    }
    ND_TRY(rd_answer(&x, "boiler-repeated", W.repeated, cnt, ls, nl, L.repeated));
    /* 2. heads and tails to the owners: counted, sources counted, decided */
    for (size_t i = 0, j, h, t; i < nl; i = j) {
        int hs, ts;
        j = doc_edges(ls, i, nl, L.repeated, &h, &t, &hs, &ts);
        for (size_t q = i; q < j; q++) {
            if (q >= h && q < t)
                continue;
            const edge_msg e = {ls[q].hash, doc_group(r, ls[q].doc),
                                (uint32_t)((q < h && hs) || (q >= t && ts))};
            ND_TRY(nd_vec_append(&x.to[rd_owner(&x, ls[q].hash)], a, &e, sizeof e));
        }
    }
    ND_TRY(rd_xchg(&x, "boiler-edges", &got, &bytes));
    ND_TRY(rd_count_edges(r, &W, got, (size_t)(bytes / sizeof(edge_msg))));
    nd_free(a, got);
    got = NULL;
    if (num_sources(r))
        boiler_count_sources(r, &W);
    ND_TRY(boiler_decide(r, &W));
    {
        uint8_t *flag = nd_malloc(a, W.segs.len ? W.segs.len : 1);
        if (!flag) {
            st = ND_E_NOMEM;
            goto fail;
        }
        for (size_t i = 0; i < W.segs.len; i++)
            flag[i] = W.boiler[W.seg_hg[i]];
        st = rd_answer(&x, "boiler-flags", flag, cnt, ls, nl, L.boiler);
        nd_free(a, flag);
        if (st != ND_OK)
            goto fail;
    }
    /* 3. this process's masks; the owner's list; both to process 0 */
    for (size_t i = 0; i < nl; i++)
        L.seg_hg[i] = (uint32_t)i;
    ND_TRY(boiler_doc_spans(r, &L));
    ND_TRY(boiler_list(r, &W));
    uint64_t sums[3] = {r->stats.tokens, nl, r->stats.boiler_occurrences};
    ND_TRY(rd_sum(&x, sums, 3)); /* before the lists: x.rlen is then theirs */
    {
        nd_vec *to = &x.to[0];
        const uint64_t nb = r->boilers.len, h[3] = {nb, r->bocc.len, r->bspan.len};
        ND_TRY(nd_vec_append(to, a, h, sizeof h));
        ND_TRY(nd_vec_append(to, a, r->boilers.data, nb * sizeof(nd_boiler)));
        for (uint64_t i = 0; i < nb; i++) {
            const uint64_t n = r->bocc_off[i + 1] - r->bocc_off[i];
            ND_TRY(nd_vec_append(to, a, &n, sizeof n));
        }
        ND_TRY(nd_vec_append(to, a, r->bocc.data, r->bocc.len * sizeof(nd_occurrence)));
        for (uint32_t d = share_lo(r); d < share_hi(r); d++) {
            const uint32_t n = (uint32_t)(r->bspan_off[d + 1] - r->bspan_off[d]);
            ND_TRY(nd_vec_append(to, a, &n, sizeof n));
        }
        ND_TRY(nd_vec_append(to, a, r->bspan.data, r->bspan.len * sizeof(nd_span)));
        ND_TRY(nd_vec_append(to, a, r->btok.data, r->btok.len * sizeof(nd_span)));
        const uint64_t zero = 0; /* blocks of 8-byte multiples: the next one is aligned */
        ND_TRY(nd_vec_append(to, a, &zero, (8 - to->len % 8) % 8));
    }
    ND_TRY(rd_xchg(&x, "boiler-lists", &got, &bytes));
    if (c->rank == 0) {
        ND_TRY(rd_merge_boilers(&x, got));
        r->stats.tokens = sums[0];
        r->stats.segments = sums[1];
        r->stats.boiler_occurrences = sums[2];
    } else { /* the lists are process 0's */
        r->boilers.len = 0;
        r->bocc.len = 0;
        r->stats.segments = nl;
        r->stats.boiler_segments = 0;
    }
    r->boiler_done = 1;
    st = ND_OK;
fail:
    st = step_status(r, st, "boilerplate");
    nd_free(a, got);
    nd_free(a, cnt);
    bwork_free(a, &L);
    bwork_free(a, &W);
    rd_close(&x);
    if (st != ND_OK) {
        nd_vec_free(&r->boilers, a);
        nd_vec_free(&r->bocc, a);
        nd_free(a, r->bocc_off);
        r->bocc_off = NULL;
        nd_vec_free(&r->bspan, a);
        nd_vec_free(&r->btok, a);
        nd_free(a, r->bspan_off);
        r->bspan_off = NULL;
    }
    return st;
}

/* ---- distributed passages ---- */

/* Step 1: this process's seeds (mine) to the owners of their buckets, into
 * seeds, XCHG_BUCKETS buckets an exchange. */
static nd_status rd_seeds(rdist *x, bstore *mine, bstore *seeds)
{
    nd_reuse *r = x->r;
    const nd_alloc_ctx *a = &r->alloc;
    nd_vec B;
    nd_vec_init(&B, sizeof(rec16), SIZE_MAX / 32);
    nd_status st = ND_OK;
    for (size_t b0 = 0; b0 < NBUCKETS && st == ND_OK; b0 += XCHG_BUCKETS) {
        for (size_t b = b0; b < b0 + XCHG_BUCKETS && st == ND_OK; b++) {
            st = bstore_load(mine, b, &B, a);
            if (st == ND_OK)
                st = nd_vec_append(&x->to[rd_owner(x, (uint64_t)b << 56)], a, B.data,
                                   B.len * sizeof(rec16));
        }
        rec16 *got = NULL;
        uint64_t bytes = 0;
        if (st == ND_OK)
            st = rd_xchg(x, "seeds", (void **)&got, &bytes);
        if (st == ND_OK)
            st = bstore_add(r, seeds, got, (size_t)(bytes / sizeof *got));
        nd_free(a, got);
    }
    nd_vec_free(&B, a);
    return step_status(r, st, "the seed buckets (%llu seeds)", (unsigned long long)seeds->total);
}

/* The document whose holder aligns pair k1 (a << 32 | b): one or the other
 * by the parity of a + b, so that the pairs across two shares are split
 * between their holders (the first document's holder alone would get three
 * quarters of the pairs on 2 processes). */
static uint32_t pair_home(uint64_t k1)
{
    const uint32_t da = (uint32_t)(k1 >> 32), db = (uint32_t)k1;
    return (da + db) & 1 ? db : da;
}

/* The document of pair k1 that is not here, or ND_NO_DOC when both are. */
static uint32_t pair_other(const nd_reuse *r, uint64_t k1)
{
    const uint32_t da = (uint32_t)(k1 >> 32), db = (uint32_t)k1;
    if (da < share_lo(r) || da >= share_hi(r))
        return da;
    return db < share_lo(r) || db >= share_hi(r) ? db : ND_NO_DOC;
}

/* Step 2: the hits of the owned seed buckets, each to the process that aligns
 * the pair (pair_home), into hits. */
static nd_status rd_hits(rdist *x, const bstore *seeds, bstore *hits)
{
    nd_reuse *r = x->r;
    const nd_alloc_ctx *a = &r->alloc;
    phase ph;
    nd_status st = phase_alloc(&ph, r, NBUCKETS, sizeof(rec16), "the hits of a seed bucket");
    ph.store = seeds;
    for (size_t b0 = 0; st == ND_OK && b0 < NBUCKETS; b0 += XCHG_BUCKETS) {
        ph.base = b0;
        nd_parallel(r->params.threads, XCHG_BUCKETS, 1, hits_chunk, &ph);
        st = phase_status(&ph);
        for (size_t b = b0; st == ND_OK && b < b0 + XCHG_BUCKETS; b++) {
            const rec16 *h = ph.out[b].data;
            for (size_t i = 0; i < ph.out[b].len && st == ND_OK; i++)
                st = nd_vec_append(&x->to[rd_holder(x, pair_home(h[i].k1))], a, &h[i],
                                   sizeof *h);
            nd_vec_free(&ph.out[b], a);
            r->stats.seed_groups += ph.cstats[b * 4];
            r->stats.rare_groups += ph.cstats[b * 4 + 1];
        }
        rec16 *got = NULL;
        uint64_t bytes = 0;
        if (st == ND_OK)
            st = rd_xchg(x, "hits", (void **)&got, &bytes);
        if (st == ND_OK)
            st = step_status(r, bstore_add(r, hits, got, (size_t)(bytes / sizeof *got)),
                             "the pair buckets (%llu hits)", (unsigned long long)hits->total);
        nd_free(a, got);
    }
    phase_free(&ph);
    return st;
}

/* The words of every document of this process's share, counted, known to
 * every process (for sizing the rounds of step 3): nw[0..N). */
static nd_status rd_word_counts(rdist *x, uint32_t **nw)
{
    nd_reuse *r = x->r;
    const nd_alloc_ctx *a = &r->alloc;
    const size_t n = share_hi(r) - share_lo(r);
    nd_status st = ND_OK;
    for (unsigned p = 0; p < x->c->size && st == ND_OK; p++)
        for (size_t l = 0; l < n && st == ND_OK; l++) {
            const uint32_t w = (uint32_t)(r->word_off[l + 1] - r->word_off[l]);
            st = nd_vec_append(&x->to[p], a, &w, sizeof w);
        }
    uint64_t bytes = 0;
    if (st == ND_OK)
        st = rd_xchg(x, "word-counts", (void **)nw, &bytes);
    if (st == ND_OK && bytes != r->docs.len * sizeof(uint32_t))
        st = ND_E_STATE;
    return st;
}

/* Step 3, one round's second half: the answers (words and masks) read into
 * t, for the documents asked ids[0..n) (ascending: in rank order). */
static nd_status rd_table(rdist *x, const char *got, const uint32_t *ids, size_t n, rtable *t)
{
    const nd_alloc_ctx *a = &x->r->alloc;
    t->n = n;
    t->doc = ids;
    t->w = nd_malloc(a, (n ? n : 1) * sizeof *t->w);
    t->m = nd_malloc(a, (n ? n : 1) * sizeof *t->m);
    t->nw = nd_malloc(a, (n ? n : 1) * sizeof *t->nw);
    t->nm = nd_malloc(a, (n ? n : 1) * sizeof *t->nm);
    if (!t->w || !t->m || !t->nw || !t->nm)
        return ND_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        uint32_t h[2];
        memcpy(h, got, sizeof h);
        t->nw[i] = h[0];
        t->nm[i] = h[1];
        t->w[i] = (const ctok *)(got + sizeof h);
        t->m[i] = (const nd_span *)(got + sizeof h + h[0] * sizeof(ctok));
        got += sizeof h + h[0] * sizeof(ctok) + h[1] * sizeof(nd_span);
    }
    return ND_OK;
}

static void rtable_free(const nd_alloc_ctx *a, rtable *t)
{
    nd_free(a, (void *)t->w);
    nd_free(a, (void *)t->m);
    nd_free(a, t->nw);
    nd_free(a, t->nm);
    memset(t, 0, sizeof *t);
}

/* Step 3, serving: the words and masks of the documents other processes ask
 * for (blocks of got: a "more" flag, then ids), into their answers; *more
 * becomes 1 when any process said it has pairs after this round. */
static nd_status rd_serve(rdist *x, const char *got, nd_vec *cv, int *more)
{
    nd_reuse *r = x->r;
    const nd_alloc_ctx *a = &r->alloc;
    nd_status st = ND_OK;
    for (unsigned p = 0; p < x->c->size && st == ND_OK; got += x->rlen[p], p++) {
        uint32_t flag;
        memcpy(&flag, got, sizeof flag);
        *more |= flag != 0;
        const uint32_t *ids = (const uint32_t *)(got + sizeof flag);
        const size_t n = (size_t)(x->rlen[p] / sizeof flag - 1);
        for (size_t i = 0; i < n && st == ND_OK; i++) {
            const ctok *w = NULL;
            int64_t nw = 0;
            size_t nm;
            const nd_span *m = doc_mask(r, ids[i], &nm);
            if (ids[i] < share_lo(r) || ids[i] >= share_hi(r)) {
                st = ND_E_STATE;
                break;
            }
            st = cached_words(r, ids[i], cv, &w, &nw);
            const uint32_t h[2] = {(uint32_t)nw, (uint32_t)nm};
            if (st == ND_OK)
                st = nd_vec_append(&x->to[p], a, h, sizeof h);
            if (st == ND_OK)
                st = nd_vec_append(&x->to[p], a, w, (size_t)nw * sizeof *w);
            if (st == ND_OK)
                st = nd_vec_append(&x->to[p], a, m, nm * sizeof *m);
        }
    }
    return st;
}

/* The pairs of the pair buckets, sorted once (bucket_pairs) for the rounds of
 * step 3: per bucket its hits (in memory, or appended to a spill file under
 * ND_P_MEMORY) and its pairs. */
typedef struct sorted_hits {
    nd_vec h[NBUCKETS];   /* rec16, in memory */
    nd_vec pr[NBUCKETS];  /* per pair its first and end hit */
    uint64_t off[NBUCKETS], n[NBUCKETS]; /* spilled: where each bucket's hits are */
    nd_spill file;
} sorted_hits;

static void sorted_free(sorted_hits *S, const nd_alloc_ctx *a)
{
    for (size_t b = 0; b < NBUCKETS; b++) {
        nd_vec_free(&S->h[b], a);
        nd_vec_free(&S->pr[b], a);
    }
    if (S->file.fd >= 0)
        nd_spill_close(&S->file);
    S->file.fd = -1;
}

/* Step 3, first: every pair bucket sorted (its memory in the store let go),
 * and the second documents held elsewhere, ascending, into remote. */
static nd_status rd_sort_pairs(nd_reuse *r, bstore *hits, sorted_hits *S, nd_vec *remote)
{
    const nd_alloc_ctx *a = &r->alloc;
    nd_vec tmp, B;
    nd_vec_init(&tmp, sizeof(rec16), SIZE_MAX / 32);
    nd_vec_init(&B, sizeof(rec16), SIZE_MAX / 32);
    nd_status st = ND_OK;
    for (size_t b = 0; b < NBUCKETS && st == ND_OK; b++) {
        nd_vec *H = r->params.memory ? &B : &S->h[b];
        st = bstore_load(hits, b, H, a);
        rb_free(&hits->mem[b], a);
        if (st == ND_OK)
            st = bucket_pairs(r, H, &tmp, &S->pr[b]);
        r->stats.pairs += S->pr[b].len / 2;
        const rec16 *h = H->data;
        const uint64_t *pq = S->pr[b].data;
        for (size_t q = 0; q < S->pr[b].len / 2 && st == ND_OK; q++) {
            const uint64_t d = pair_other(r, h[pq[2 * q]].k1);
            if (d != ND_NO_DOC)
                st = nd_vec_push(remote, a, &d);
        }
        if (st == ND_OK && remote->len) { /* kept distinct as it grows */
            st = nd_vec_reserve(&tmp, a, remote->len);
            if (st == ND_OK)
                remote->len = nd_sort_unique_u64(remote->data, tmp.data, remote->len);
        }
        if (st == ND_OK && r->params.memory && H->len) {
            if (S->file.fd < 0)
                st = nd_spill_open(&S->file, r->tmpdir, r->detail);
            S->off[b] = S->file.len;
            S->n[b] = H->len;
            if (st == ND_OK)
                st = nd_spill_append(&S->file, H->data, H->len * sizeof(rec16), r->detail);
            r->stats.spilled_bytes += H->len * sizeof(rec16);
        }
        st = step_status(r, st, "pair bucket %zu (%zu hits)", b, H->len);
    }
    nd_vec_free(&tmp, a);
    nd_vec_free(&B, a);
    return st;
}

/* Step 3: this process's pairs aligned in rounds over the documents held
 * elsewhere that they need (pair_other), each fetched once: a round fetches
 * the next of them within the budget and aligns the pairs whose other
 * document it fetched (round 0 also those whose documents are both here).
 * Every process takes part in rounds until none has documents left to
 * fetch. The passages come out round by round; process 0 puts them in pair
 * order (pair_order). */
static nd_status rd_align(rdist *x, nd_text_fn text, void *ctx, bstore *hits,
                          const uint32_t *nw)
{
    nd_reuse *r = x->r;
    const nd_alloc_ctx *a = &r->alloc;
    const unsigned P = x->c->size;
    const uint64_t budget0 = r->params.memory ? r->params.memory / 8 : FETCH_BYTES;
    const uint64_t budget = budget0 / P > ((uint64_t)1 << 16) ? budget0 / P : (uint64_t)1 << 16;
    sorted_hits *S = nd_calloc(a, 1, sizeof *S);
    nd_vec remote, sel, B, cv;
    nd_vec_init(&remote, sizeof(uint64_t), SIZE_MAX / 8);
    nd_vec_init(&sel, sizeof(uint64_t), SIZE_MAX / 8);
    nd_vec_init(&B, sizeof(rec16), SIZE_MAX / 32);
    nd_vec_init(&cv, sizeof(ctok), SIZE_MAX / 16);
    uint32_t *ids = NULL;
    char *got = NULL, *ans = NULL;
    rtable rt;
    memset(&rt, 0, sizeof rt);
    if (!S)
        return ND_E_NOMEM;
    for (size_t b = 0; b < NBUCKETS; b++) {
        nd_vec_init(&S->h[b], sizeof(rec16), SIZE_MAX / 32);
        nd_vec_init(&S->pr[b], sizeof(uint64_t), SIZE_MAX / 8);
    }
    S->file.fd = -1;
    nd_status st = rd_sort_pairs(r, hits, S, &remote);
    const uint64_t *rem = remote.data;
    const size_t nrem = remote.len;
    for (size_t k = 0, round = 0; st == ND_OK; round++) {
        /* this round's documents: remote[k, k2) */
        size_t k2 = k;
        uint64_t cost = 0;
        for (; k2 < nrem; k2++) {
            const uint64_t need = (uint64_t)nw[rem[k2]] * sizeof(ctok) + 64;
            if (k2 > k && cost + need > budget)
                break;
            cost += need;
        }
        uint32_t more = k2 < nrem;
        ids = nd_malloc(a, (k2 > k ? k2 - k : 1) * sizeof *ids);
        if (!ids) {
            st = ND_E_NOMEM;
            break;
        }
        for (unsigned p = 0; p < P && st == ND_OK; p++)
            st = nd_vec_append(&x->to[p], a, &more, sizeof more);
        for (size_t i = k; i < k2 && st == ND_OK; i++) {
            ids[i - k] = (uint32_t)rem[i];
            st = nd_vec_append(&x->to[rd_holder(x, ids[i - k])], a, &ids[i - k], sizeof *ids);
        }
        uint64_t bytes = 0;
        if (st == ND_OK)
            st = rd_xchg(x, "align-ask", (void **)&got, &bytes);
        int any = more != 0;
        if (st == ND_OK)
            st = rd_serve(x, got, &cv, &any);
        if (st == ND_OK)
            st = rd_xchg(x, "align-words", (void **)&ans, &bytes);
        if (st == ND_OK)
            st = rd_table(x, ans, ids, k2 - k, &rt);
        /* the pairs of every bucket whose second document is in this round */
        const uint64_t lo = k2 > k ? rem[k] : UINT64_MAX, hi = k2 > k ? rem[k2 - 1] : 0;
        for (size_t b = 0; b < NBUCKETS && st == ND_OK; b++) {
            const size_t np = S->pr[b].len / 2;
            if (np == 0)
                continue;
            const nd_vec *H = &S->h[b];
            if (r->params.memory) { /* read back */
                B.len = 0;
                st = nd_vec_reserve(&B, a, (size_t)S->n[b]);
                if (st == ND_OK)
                    st = nd_spill_read(&S->file, S->off[b], B.data, S->n[b] * sizeof(rec16));
                B.len = (size_t)S->n[b];
                H = &B;
            }
            const rec16 *h = H->data;
            const uint64_t *pq = S->pr[b].data;
            sel.len = 0;
            for (size_t q = 0; q < np && st == ND_OK; q++) {
                const uint32_t d = pair_other(r, h[pq[2 * q]].k1);
                if (d == ND_NO_DOC ? round == 0 : d >= lo && d <= hi)
                    st = nd_vec_append(&sel, a, &pq[2 * q], 2 * sizeof *pq);
            }
            if (st == ND_OK)
                st = align_pairs(r, text, ctx, h, sel.data, 0, sel.len / 2, &rt);
        }
        rtable_free(a, &rt);
        nd_free(a, ids);
        nd_free(a, got);
        nd_free(a, ans);
        ids = NULL;
        got = ans = NULL;
        k = k2;
        if (st != ND_OK || !any)
            break;
    }
    sorted_free(S, a);
    nd_free(a, S);
    nd_vec_free(&remote, a);
    nd_vec_free(&sel, a);
    nd_vec_free(&B, a);
    nd_vec_free(&cv, a);
    return st;
}

/* Process 0: the passages of every process in pair order, a stable sort by
 * (a, b) (a pair's passages are made together, in order). */
static nd_status pair_order(nd_reuse *r)
{
    const nd_alloc_ctx *a = &r->alloc;
    const size_t n = r->passages.len;
    rec16 *key = nd_malloc(a, (n ? n : 1) * 2 * sizeof *key);
    nd_passage *sorted = nd_malloc(a, (n ? n : 1) * sizeof *sorted);
    if (!key || !sorted) {
        nd_free(a, key);
        nd_free(a, sorted);
        return step_status(r, ND_E_NOMEM, "ordering %zu passages", n);
    }
    nd_passage *ps = r->passages.data;
    for (size_t i = 0; i < n; i++)
        key[i] = (rec16){(uint64_t)ps[i].a << 32 | ps[i].b, i};
    sort16(key, key + n, n, 1);
    for (size_t i = 0; i < n; i++)
        sorted[i] = ps[key[i].k2];
    if (n)
        memcpy(ps, sorted, n * sizeof *ps);
    nd_free(a, key);
    nd_free(a, sorted);
    return ND_OK;
}

nd_status nd_reuse_run_dist(nd_reuse *r, const nd_comm *c, nd_text_fn text, void *ctx)
{
    ND_RETURN_IF(!r || !c, ND_E_PARAM);
    nd_status st = run_start(r, text);
    if (st != ND_OK)
        return st;
    const nd_alloc_ctx *a = &r->alloc;
    r->word_file.fd = -1;
    const size_t limit = r->params.memory ? (size_t)(r->params.memory / 4 / sizeof(rec16)) + 1
                                          : 0;
    const uint32_t lo = share_lo(r), n = share_hi(r) - lo;
    bstore mine, seeds, hits;
    bstore_zero(&mine);
    bstore_zero(&seeds);
    bstore_zero(&hits);
    phase ph;
    memset(&ph, 0, sizeof ph);
    uint32_t *nw = NULL;
    nd_passage *got = NULL;
    rdist x;
    st = rd_open(&x, r, c);
    if (st != ND_OK)
        goto fail;
    twice_free(r); /* (made only for a collection held whole) */
    ND_TRY(bstore_init(r, &mine, NBUCKETS, limit, 0, n));
    ND_TRY(bstore_init(r, &seeds, NBUCKETS, limit, 0, n));
    ND_TRY(bstore_init(r, &hits, NBUCKETS, limit, 1, n));
    hits.lo = lo;
    ND_TRY(run_seeds(r, text, ctx, &ph, &mine));
    ND_TRY(rd_seeds(&x, &mine, &seeds));
    const uint64_t nseeds = mine.total;
    bstore_free(&mine, a);
    ND_TRY(rd_hits(&x, &seeds, &hits));
    bstore_free(&seeds, a);
    ND_TRY(step_status(r, rd_word_counts(&x, &nw), "the word counts"));
    ND_TRY(rd_align(&x, text, ctx, &hits, nw));
    words_release(r);
    /* 4. the passages to process 0, which puts them in pair order */
    ND_TRY(nd_vec_append(&x.to[0], a, r->passages.data, r->passages.len * sizeof(nd_passage)));
    uint64_t bytes = 0;
    ND_TRY(rd_xchg(&x, "passages", (void **)&got, &bytes));
    uint64_t sums[8] = {r->boiler_done ? 0 : r->stats.tokens, nseeds, r->stats.seed_groups,
                        r->stats.rare_groups, hits.total, r->stats.pairs,
                        r->stats.spilled_bytes, r->stats.spill_events};
    ND_TRY(rd_sum(&x, sums, 8));
    r->passages.len = 0;
    if (c->rank == 0) {
        ND_TRY(step_status(r, nd_vec_append(&r->passages, a, got, (size_t)bytes),
                           "%llu passages", (unsigned long long)(bytes / sizeof *got)));
        if (!r->boiler_done)
            r->stats.tokens = sums[0];
        r->stats.seeds = sums[1];
        r->stats.seed_groups = sums[2];
        r->stats.rare_groups = sums[3];
        r->stats.hits = sums[4];
        r->stats.pairs = sums[5];
        r->stats.spilled_bytes = sums[6];
        r->stats.spill_events = sums[7];
        r->stats.passages = r->passages.len;
        ND_TRY(pair_order(r));
        ND_TRY(make_clusters(r));
    } else {
        r->stats.seeds = nseeds;
        r->stats.hits = hits.total;
    }
    r->stats.docs = r->docs.len;
    st = ND_OK;
fail:
    st = step_status(r, st, "passages");
    if (ph.r)
        phase_free(&ph);
    bstore_free(&mine, a);
    bstore_free(&seeds, a);
    bstore_free(&hits, a);
    words_release(r);
    nd_free(a, nw);
    nd_free(a, got);
    rd_close(&x);
    if (st != ND_OK) {
        nd_vec_free(&r->passages, a);
        r->nclusters = 0;
    }
    return st;
}

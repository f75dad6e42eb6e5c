/*
 * ipassage.c - the index's n-gram postings and passages (nd_index, one
 * document at a time).
 *
 * DESIGN
 *   Postings. Database "grams": key the n-gram hash (nd_shingle_hashes over
 *   ND_P_NGRAM token hashes, exactly the seeds of nd_reuse_run), 8 bytes
 *   big-endian; value the seq (8 bytes big-endian) of a document holding it;
 *   MDB_DUPSORT | MDB_DUPFIXED, one posting per distinct n-gram of a
 *   document. A document of fewer than ND_P_NGRAM words has none (batch
 *   makes no seed of it either).
 *
 *   Passages (ndi_passages), in four steps:
 *   1. Rare n-grams. For each distinct n-gram of the document, its postings
 *      are counted (mdb_cursor_count); it is rare, as nd_reuse_run calls
 *      it, when the documents holding it (the others, plus this one) are at
 *      least ND_P_DF_MIN and its occurrences are at most ND_P_DF_MAX. The
 *      index counts documents, not occurrences, in the others: an n-gram
 *      repeated inside an indexed document counts once there (the nearest a
 *      document-at-a-time index comes to the batch's count). A common
 *      n-gram is skipped without reading its postings, so the work per
 *      n-gram is at most ND_P_DF_MAX postings.
 *   2. Candidates. Each indexed document sharing rare n-grams is scored by
 *      how many distinct ones it shares; those that batch reuse would not
 *      pair are dropped (a copy: the same representative, unless
 *      ND_P_PAIR_COPIES; the same source, unless ND_P_SAME_SOURCE; dates
 *      further apart than ND_P_WINDOW days). The best MAX_CANDIDATES (ties
 *      to the lower seq) are aligned.
 *   3. Boilerplate of the pair. The document and the candidate are cut into
 *      segments (lines, sentences within lines) by reuse.c's own code
 *      (nd_segments), and nd_boiler_pair applies batch's rule to the two
 *      of them: a segment both hold is repeated; one lying in a head or
 *      tail run (at most 5 segments, at most 30 words) of both is
 *      boilerplate for this pair, which is nd_reuse_boilerplate's
 *      ND_P_BOILER_DOCS rule at its default of 2 when these two are the
 *      documents that carry it (a licence line ending two articles); with
 *      ND_P_BOILER_ANYWHERE (or, same source, ND_P_BOILER_SOURCE_DOCS) at
 *      2, any segment both hold is. Copies have none (batch counts a
 *      duplicate group once). The masks (runs of at least ND_P_NGRAM words)
 *      drop the seed hits on them and stop extension, as in batch.
 *   4. Alignment. The candidate's stored text is tokenised again; every
 *      occurrence pair of a shared rare n-gram off the masks is a seed hit,
 *      and nd_align_pair (align/reuse.c) makes the passages exactly as
 *      nd_reuse_run does for that pair, the candidate (earlier in index
 *      order) as a, the document as b, with the pair's masks.
 *   Passages go out sorted by the candidate's seq, then by start.
 *
 *   Where online differs from batch (docs/index-format.md):
 *   - Rare is judged on the documents indexed so far (batch: on the whole
 *     collection), so the passages of a document are those batch finds on
 *     the collection up to it (tests/unit/test_index_online.c checks that),
 *     not on the whole one: an n-gram later documents make common still
 *     seeds. On collections with repeated header or template lines this
 *     gives early documents passages batch would not report (and, through
 *     ND_P_LINK_BONUS, pulls their stories together).
 *   - Boilerplate is judged per pair (step 3), not on the collection: a
 *     segment is repeated when the two documents share it, so a head or
 *     tail run is cut where the other document stops sharing it (batch: any
 *     document); the rules that need 3 or more documents (an edge of any
 *     length in max(3, ND_P_BOILER_DOCS) documents, ND_P_BOILER_ANYWHERE's
 *     default 20, a source's documents) never apply, so a template repeated
 *     in the middle of many documents still seeds passages online; a
 *     segment repeated in the documents' edges with a third document only
 *     is not boilerplate for the pair; and rare n-grams are counted with
 *     the occurrences on boilerplate in (batch leaves masked n-grams out of
 *     its counts).
 *   - Occurrences: an indexed document counts once per n-gram, however
 *     often it repeats it.
 *   - At most MAX_CANDIDATES documents are aligned. On 1,000 20 Newsgroups
 *     posts (many share header lines) 64 candidates cost 5 to 9 ms a
 *     document (two busy cores) and miss about a third of the batch's
 *     passages in those documents, mostly header lines; 256 miss none and
 *     cost about twice as much. The cost is the candidates' texts,
 *     decompressed and tokenised again.
 */
#include <math.h>
#include <stdlib.h>

#include "index_internal.h"

/* Most indexed documents aligned with one document: the best by shared rare
 * n-grams, ties to the lower seq. */
#define MAX_CANDIDATES 64

const unsigned nd_index_passage_candidates = MAX_CANDIDATES;

/* A document's n-gram hashes, past the first i0, sorted and unique, into
 * *out (nd_malloc'd, the caller frees); *n of them. */
static nd_status distinct_grams(nd_index_session *s, const nd_token *tok, size_t nt, size_t i0,
                                uint64_t **out, size_t *n)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    const size_t ng = s->ix->params.ngram;
    *out = NULL;
    *n = 0;
    if (nt < ng || nt == 0 || !s->ix->params.index_passages)
        return ND_OK;
    const size_t nh = nt - ng + 1;
    uint64_t *h = nd_malloc(a, nh * sizeof *h), *tmp = nd_malloc(a, nh * sizeof *tmp);
    if (!h || !tmp) {
        nd_free(a, h);
        nd_free(a, tmp);
        nd_detail_set(s->detail, "the %zu n-grams of a document: out of memory", nh);
        return ND_E_NOMEM;
    }
    size_t got = nd_shingle_hashes(tok, nt, ng, h);
    if (i0 >= got) {
        got = 0;
    } else if (i0) {
        memmove(h, h + i0, (got - i0) * sizeof *h);
        got -= i0;
    }
    *n = nd_hashes_sort_unique(h, tmp, got);
    nd_free(a, tmp);
    *out = h;
    return ND_OK;
}

/* Puts (put = 1) or deletes the postings of seq. */
static nd_status grams_write(nd_index_session *s, MDB_txn *txn, uint64_t seq, const char *text,
                             size_t len, const nd_token *tok, size_t nt, int put)
{
    uint64_t *h;
    size_t n;
    const size_t i0 = nd_first_seed(&s->ix->params, text, len, tok, nt);
    nd_status st = distinct_grams(s, tok, nt, i0, &h, &n);
    if (st != ND_OK)
        return st;
    unsigned char kb[8], vb[8];
    ndi_be64(seq, vb);
    MDB_val key = {8, kb}, val = {8, vb};
    for (size_t i = 0; i < n && st == ND_OK; i++) {
        ndi_be64(h[i], kb);
        key.mv_size = 8;
        key.mv_data = kb;
        val.mv_size = 8;
        val.mv_data = vb;
        int rc = put ? mdb_put(txn, s->ix->db.grams, &key, &val, MDB_NODUPDATA)
                     : mdb_del(txn, s->ix->db.grams, &key, &val);
        if (rc == MDB_KEYEXIST || (!put && rc == MDB_NOTFOUND))
            rc = 0; /* already there, or already gone */
        if (rc)
            st = ndi_mdb_status(s->detail, rc, put ? "putting an n-gram posting"
                                                   : "deleting an n-gram posting");
    }
    nd_free(&s->ix->alloc, h);
    return st;
}

nd_status ndi_grams_put(nd_index_session *s, MDB_txn *txn, uint64_t seq, const char *text,
                        size_t len, const nd_token *tok, size_t nt)
{
    return grams_write(s, txn, seq, text, len, tok, nt, 1);
}

nd_status ndi_grams_del(nd_index_session *s, MDB_txn *txn, uint64_t seq, const char *text,
                        size_t len, const nd_token *tok, size_t nt)
{
    return grams_write(s, txn, seq, text, len, tok, nt, 0);
}

/* ---- passages ------------------------------------------------------------------ */

/* What ndi_passages holds while it works; freed by pw_free. */
typedef struct pwork {
    nd_rec16 *occ;     /* the document's n-grams: (hash, position), sorted */
    size_t nocc;
    nd_rec16 *shared;  /* (other seq, index of the hash in occ's distinct run start) */
    size_t nshared, capshared;
    nd_rec16 *cand;    /* (shared count, other seq): candidates */
    size_t ncand;
    uint64_t *chosen;  /* the candidates aligned, by seq */
    size_t nchosen;
    nd_word *wdoc, *wother;
    uint64_t *hother;
    nd_rec16 *hits;
    size_t caphits;
    nd_text_buf tb;
    nd_vec segdoc, segother; /* nd_segment: the document's, the candidate's */
    nd_vec mdoc, mother;     /* nd_span: their boilerplate for the pair */
    nd_align_scratch al;
    nd_vec out;        /* nd_passage */
    uint64_t *ht;      /* the n-grams shared with the candidate under work: a set */
    uint8_t *ht_used;  /* (open addressing; ht_cap slots, a power of 2) */
    size_t ht_cap;
} pwork;

static void pw_free(pwork *w, const nd_alloc_ctx *a)
{
    nd_free(a, w->occ);
    nd_free(a, w->shared);
    nd_free(a, w->cand);
    nd_free(a, w->chosen);
    nd_free(a, w->wdoc);
    nd_free(a, w->wother);
    nd_free(a, w->hother);
    nd_free(a, w->hits);
    nd_text_buf_free(&w->tb, a);
    nd_vec_free(&w->segdoc, a);
    nd_vec_free(&w->segother, a);
    nd_vec_free(&w->mdoc, a);
    nd_vec_free(&w->mother, a);
    nd_align_scratch_free(&w->al, a);
    nd_vec_free(&w->out, a);
    nd_free(a, w->ht);
    nd_free(a, w->ht_used);
}

static int cmp_rec(const void *x, const void *y)
{
    const nd_rec16 *a = x, *b = y;
    if (a->k1 != b->k1)
        return a->k1 < b->k1 ? -1 : 1;
    return a->k2 < b->k2 ? -1 : a->k2 > b->k2;
}

/* candidates: most shared first, then the lower seq */
static int cmp_cand(const void *x, const void *y)
{
    const nd_rec16 *a = x, *b = y;
    if (a->k1 != b->k1)
        return a->k1 > b->k1 ? -1 : 1;
    return a->k2 < b->k2 ? -1 : a->k2 > b->k2;
}

static int cmp_u64(const void *x, const void *y)
{
    const uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* The passages go out by start, then the other's start, then the ends. */
static int cmp_passage(const void *x, const void *y)
{
    const nd_passage *a = x, *b = y;
    if (a->b_start != b->b_start)
        return a->b_start < b->b_start ? -1 : 1;
    if (a->a_start != b->a_start)
        return a->a_start < b->a_start ? -1 : 1;
    if (a->b_end != b->b_end)
        return a->b_end < b->b_end ? -1 : 1;
    return a->a_end < b->a_end ? -1 : a->a_end > b->a_end;
}

static nd_status nomem(nd_index_session *s, const char *what)
{
    nd_detail_set(s->detail, "passages: %s: out of memory", what);
    return ND_E_NOMEM;
}

/* Step 1: the document's n-grams (w->occ), and per rare one the indexed
 * documents holding it (w->shared: (seq, first occ index of the hash)). */
static nd_status find_shared(nd_index_session *s, MDB_txn *txn, uint64_t self,
                             const nd_token *tok, size_t nt, size_t i0, pwork *w)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    const nd_params *p = &s->ix->params;
    const size_t ng = p->ngram, nh = nt - ng + 1;
    uint64_t *h = nd_malloc(a, nh * sizeof *h);
    w->occ = nd_malloc(a, nh * sizeof *w->occ);
    if (!h || !w->occ) {
        nd_free(a, h);
        return nomem(s, "the n-grams of the document");
    }
    const size_t got = nd_shingle_hashes(tok, nt, ng, h);
    size_t no = 0;
    for (size_t i = i0; i < got; i++)  /* none from the header block */
        w->occ[no++] = (nd_rec16){h[i], i};
    nd_free(a, h);
    w->nocc = no;
    qsort(w->occ, no, sizeof *w->occ, cmp_rec);
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->ix->db.grams, &cur);
    if (rc)
        return ndi_mdb_status(s->detail, rc, "opening the n-gram postings");
    nd_status st = ND_OK;
    unsigned char kb[8];
    for (size_t i = 0; i < no && st == ND_OK;) {
        size_t j = i + 1;
        while (j < no && w->occ[j].k1 == w->occ[i].k1)
            j++;
        const size_t own = j - i; /* occurrences in the document */
        ndi_be64(w->occ[i].k1, kb);
        MDB_val key = {8, kb}, val;
        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_KEY);
        if (rc == MDB_NOTFOUND) {
            i = j;
            continue;
        }
        size_t cnt = 0;
        if (!rc)
            rc = mdb_cursor_count(cur, &cnt);
        if (rc) {
            st = ndi_mdb_status(s->detail, rc, "reading the n-gram postings");
            break;
        }
        /* cnt may hold the document itself (a query on an indexed id, or
         * postings put before the passages): counted out below */
        if (cnt > (size_t)p->df_max) {
            i = j;
            continue; /* common: more than DF_MAX occurrences whatever self is */
        }
        const size_t first = w->nshared;
        size_t others = 0;
        for (; !rc; rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT_DUP)) {
            if (val.mv_size != 8) {
                nd_detail_set(s->detail, "an n-gram posting of %zu bytes", val.mv_size);
                st = ND_E_CORRUPT;
                break;
            }
            const uint64_t o = ndi_get_be64(val.mv_data);
            if (o == self)
                continue;
            if (w->nshared == w->capshared) {
                const size_t cap = w->capshared ? w->capshared * 2 : 256;
                nd_rec16 *ns = nd_malloc(a, cap * sizeof *ns);
                if (!ns) {
                    st = nomem(s, "the shared n-grams");
                    break;
                }
                if (w->nshared)
                    memcpy(ns, w->shared, w->nshared * sizeof *ns);
                nd_free(a, w->shared);
                w->shared = ns;
                w->capshared = cap;
            }
            w->shared[w->nshared++] = (nd_rec16){o, i};
            others++;
        }
        if (st == ND_OK && rc != MDB_NOTFOUND)
            st = ndi_mdb_status(s->detail, rc, "reading the n-gram postings");
        if (st == ND_OK && (others + 1 < p->df_min || others + own > p->df_max || !others))
            w->nshared = first; /* not rare: as nd_reuse_run's hits_chunk */
        i = j;
    }
    mdb_cursor_close(cur);
    return st;
}

/* 1 when indexed document o is a copy of the document (one duplicate group). */
static int same_group(uint64_t self, uint64_t group, const ndi_doc *o)
{
    return (group && (o->rep == group || o->seq == group)) || (self && o->rep == self);
}

/* 1 when indexed document o has the document's source. */
static int same_source(const nd_index_doc *doc, const ndi_doc *o)
{
    return doc->source && o->source && doc->source_len == o->source_len &&
           memcmp(doc->source, o->source, o->source_len) == 0;
}

/* Would batch reuse pair the document with indexed document o? */
static int pairable(const nd_params *p, uint64_t self, uint64_t group, const nd_index_doc *doc,
                    const ndi_doc *o)
{
    if (!p->pair_copies && same_group(self, group, o))
        return 0;
    if (!p->same_source && same_source(doc, o))
        return 0;
    if (p->window > 0 && doc->has_date && isfinite(doc->date_days) && o->has_date &&
        isfinite(o->date_days) && fabs(doc->date_days - o->date_days) > p->window)
        return 0;
    return 1;
}

/* Step 2: the candidates, best first, those batch would pair, at most
 * MAX_CANDIDATES; w->chosen sorted by seq. */
static nd_status choose(nd_index_session *s, MDB_txn *txn, uint64_t self, uint64_t group,
                        const nd_index_doc *doc, pwork *w)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    if (!w->nshared)
        return ND_OK;
    qsort(w->shared, w->nshared, sizeof *w->shared, cmp_rec);
    w->cand = nd_malloc(a, w->nshared * sizeof *w->cand);
    w->chosen = nd_malloc(a, MAX_CANDIDATES * sizeof *w->chosen);
    if (!w->cand || !w->chosen)
        return nomem(s, "the candidates");
    for (size_t i = 0; i < w->nshared;) {
        size_t j = i + 1;
        while (j < w->nshared && w->shared[j].k1 == w->shared[i].k1)
            j++;
        w->cand[w->ncand++] = (nd_rec16){j - i, w->shared[i].k1};
        i = j;
    }
    qsort(w->cand, w->ncand, sizeof *w->cand, cmp_cand);
    for (size_t i = 0; i < w->ncand && w->nchosen < MAX_CANDIDATES; i++) {
        ndi_doc o;
        const nd_status st = ndi_doc_read(s, txn, w->cand[i].k2, &o);
        if (st != ND_OK)
            return st;
        if (pairable(&s->ix->params, self, group, doc, &o))
            w->chosen[w->nchosen++] = w->cand[i].k2;
    }
    qsort(w->chosen, w->nchosen, sizeof *w->chosen, cmp_u64);
    return ND_OK;
}

/* The occ index range [*b, *e) of hash x (w->occ sorted by hash). */
static void occ_range(const pwork *w, uint64_t x, size_t *b, size_t *e)
{
    size_t lo = 0, hi = w->nocc;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (w->occ[mid].k1 < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < w->nocc && w->occ[end].k1 == x)
        end++;
    *b = lo;
    *e = end;
}

static size_t ht_slot(uint64_t x, size_t mask)
{
    return (size_t)((x * 0x9E3779B97F4A7C15ull) >> 17) & mask;
}

/* Fills the set with the hashes of the n-grams the candidate shares (its run
 * [sb, se) of w->shared): a candidate's n-grams are looked up there in O(1)
 * before any binary search. */
static nd_status ht_fill(nd_index_session *s, pwork *w, size_t sb, size_t se)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    size_t cap = 16;
    while (cap < 2 * (se - sb))
        cap <<= 1;
    if (cap > w->ht_cap) {
        nd_free(a, w->ht);
        nd_free(a, w->ht_used);
        w->ht = nd_malloc(a, cap * sizeof *w->ht);
        w->ht_used = nd_malloc(a, cap);
        w->ht_cap = w->ht && w->ht_used ? cap : 0;
        if (!w->ht_cap)
            return nomem(s, "the shared n-grams of a candidate");
    }
    cap = w->ht_cap;
    memset(w->ht_used, 0, cap);
    for (size_t k = sb; k < se; k++) {
        const uint64_t x = w->occ[w->shared[k].k2].k1;
        size_t h = ht_slot(x, cap - 1);
        while (w->ht_used[h] && w->ht[h] != x)
            h = (h + 1) & (cap - 1);
        w->ht[h] = x;
        w->ht_used[h] = 1;
    }
    return ND_OK;
}

static int ht_has(const pwork *w, uint64_t x)
{
    const size_t mask = w->ht_cap - 1;
    for (size_t h = ht_slot(x, mask); w->ht_used[h]; h = (h + 1) & mask)
        if (w->ht[h] == x)
            return 1;
    return 0;
}

/* 1 when the n words from i overlap a range of m (sorted, disjoint). */
static int overlaps(const nd_vec *m, size_t i, size_t n)
{
    const nd_span *r = m->data;
    size_t lo = 0, hi = m->len; /* the first range ending after i */
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (r[mid].end <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->len && r[lo].start < i + n;
}

/* Step 3 for candidate o: its words, the boilerplate of the pair, the seed
 * hits off it, the alignment; the passages into s->passages. */
static nd_status align_one(nd_index_session *s, MDB_txn *txn, uint64_t oseq, uint64_t self,
                           uint64_t group, const nd_index_doc *doc, const nd_align_doc *B0,
                           pwork *w)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    const nd_params *p = &s->ix->params;
    const size_t ng = p->ngram;
    ndi_doc o;
    nd_status st = ndi_doc_read(s, txn, oseq, &o);
    if (st != ND_OK)
        return st;
    const int copy = same_group(self, group, &o);  /* one duplicate group */
    const char *ot;
    size_t olen;
    if ((st = ndi_doc_text(s, txn, oseq, &ot, &olen)) != ND_OK)
        return st;
    if ((st = nd_text_tokenize(&w->tb, a, ot ? ot : "", olen, 0)) != ND_OK) {
        nd_detail_set(s->detail, "passages: tokenising indexed document %llu: %s",
                      (unsigned long long)oseq, nd_strerror(st));
        return st;
    }
    const nd_token *tk = w->tb.tokens.data;
    const size_t nt = w->tb.tokens.len;
    if (nt < ng)
        return ND_OK;
    nd_free(a, w->wother);
    nd_free(a, w->hother);
    w->wother = nd_malloc(a, nt * sizeof *w->wother);
    w->hother = nd_malloc(a, (nt - ng + 1) * sizeof *w->hother);
    if (!w->wother || !w->hother)
        return nomem(s, "the words of an indexed document");
    for (size_t i = 0; i < nt; i++)
        w->wother[i] = (nd_word){tk[i].start, tk[i].end, (uint32_t)(tk[i].hash >> 32)};
    const size_t nh = nd_shingle_hashes(tk, nt, ng, w->hother);
    if ((st = nd_segments(ot ? ot : "", tk, nt, a, &w->segother)) != ND_OK ||
        (st = nd_boiler_pair(p, a, w->segother.data, w->segother.len, w->segdoc.data,
                             w->segdoc.len, same_source(doc, &o), copy,
                             &w->mother, &w->mdoc)) != ND_OK) {
        nd_detail_set(s->detail, "passages: the boilerplate of indexed document %llu: %s",
                      (unsigned long long)oseq, nd_strerror(st));
        return st;
    }
    nd_align_doc B = *B0;
    B.mask = w->mdoc.len ? w->mdoc.data : NULL;
    B.nmask = w->mdoc.len;
    /* its run in w->shared (sorted by seq, then occ index) */
    size_t sb = 0, se = w->nshared;
    {
        size_t lo = 0, hi = w->nshared;
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (w->shared[mid].k1 < oseq)
                lo = mid + 1;
            else
                hi = mid;
        }
        sb = se = lo;
        while (se < w->nshared && w->shared[se].k1 == oseq)
            se++;
    }
    if ((st = ht_fill(s, w, sb, se)) != ND_OK)
        return st;
    size_t nhits = 0;
    for (size_t j = nd_first_seed(p, ot, olen, tk, nt); j < nh; j++) {
        if (!ht_has(w, w->hother[j]) || overlaps(&w->mother, j, ng))
            continue; /* not a rare shared n-gram, or on boilerplate */
        size_t b, e;
        occ_range(w, w->hother[j], &b, &e);
        for (size_t q = b; q < e; q++) {
            if (overlaps(&w->mdoc, w->occ[q].k2, ng))
                continue;
            if (nhits == w->caphits) {
                const size_t cap = w->caphits ? w->caphits * 2 : 256;
                nd_rec16 *nhp = nd_malloc(a, cap * sizeof *nhp);
                if (!nhp)
                    return nomem(s, "the seed hits");
                if (nhits)
                    memcpy(nhp, w->hits, nhits * sizeof *nhp);
                nd_free(a, w->hits);
                w->hits = nhp;
                w->caphits = cap;
            }
            w->hits[nhits++] = (nd_rec16){0, (uint64_t)j << 32 | w->occ[q].k2};
        }
    }
    if (!nhits)
        return ND_OK;
    qsort(w->hits, nhits, sizeof *w->hits, cmp_rec); /* by k2: positions in a, then b */
    const nd_align_doc A = {.doc = 0, .words = w->wother, .nwords = nt,
                            .mask = w->mother.len ? w->mother.data : NULL,
                            .nmask = w->mother.len, .date = o.date_days,
                            .has_date = o.has_date && isfinite(o.date_days)};
    w->out.len = 0;
    if ((st = nd_align_pair(p, a, &w->al, &A, &B, w->hits, nhits, &w->out)) != ND_OK) {
        nd_detail_set(s->detail, "passages: aligning with indexed document %llu: %s",
                      (unsigned long long)oseq, nd_strerror(st));
        return st;
    }
    if (!w->out.len)
        return ND_OK;
    nd_passage *ps = w->out.data;
    qsort(ps, w->out.len, sizeof *ps, cmp_passage);
    const char *oid = ndi_arena_dup(s, o.id, o.id_len);
    if (!oid)
        return nomem(s, "the id of a passage's document");
    for (size_t i = 0; i < w->out.len; i++) {
        const nd_index_passage ip = {
            .other = oid, .other_len = o.id_len,
            .start = ps[i].b_start, .end = ps[i].b_end,
            .other_start = ps[i].a_start, .other_end = ps[i].a_end,
            .words = ps[i].b_words, .other_words = ps[i].a_words,
            .matches = ps[i].matches, .score = ps[i].score,
            .earlier = ps[i].earlier == 1 ? -1 : ps[i].earlier == 0 ? 1 : 0,
            .flags = copy ? ND_PASSAGE_COPY : 0};
        if ((st = nd_vec_push(&s->passages, a, &ip)) != ND_OK) {
            nd_detail_set(s->detail, "passages: %zu passages: %s", s->passages.len,
                          nd_strerror(st));
            return st;
        }
    }
    return ND_OK;
}

nd_status ndi_passages(nd_index_session *s, MDB_txn *txn, uint64_t self, uint64_t group,
                       const nd_index_doc *doc, const nd_token *tok, size_t nt)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    const nd_params *p = &s->ix->params;
    if (nt == 0 || nt < p->ngram || !p->index_passages)
        return ND_OK;
    pwork w;
    memset(&w, 0, sizeof w);
    nd_text_buf_init(&w.tb);
    nd_vec_init(&w.segdoc, sizeof(nd_segment), UINT32_MAX);
    nd_vec_init(&w.segother, sizeof(nd_segment), UINT32_MAX);
    nd_vec_init(&w.mdoc, sizeof(nd_span), UINT32_MAX);
    nd_vec_init(&w.mother, sizeof(nd_span), UINT32_MAX);
    nd_align_scratch_init(&w.al);
    nd_vec_init(&w.out, sizeof(nd_passage), UINT32_MAX);
    nd_status st;
    ND_TRY(find_shared(s, txn, self, tok, nt, nd_first_seed(p, doc->text, doc->text_len, tok, nt),
                       &w));
    ND_TRY(choose(s, txn, self, group, doc, &w));
    if (w.nchosen) {
        w.wdoc = nd_malloc(a, nt * sizeof *w.wdoc);
        if (!w.wdoc) {
            st = nomem(s, "the words of the document");
            goto fail;
        }
        for (size_t i = 0; i < nt; i++)
            w.wdoc[i] = (nd_word){tok[i].start, tok[i].end, (uint32_t)(tok[i].hash >> 32)};
        if ((st = nd_segments(doc->text ? doc->text : "", tok, nt, a, &w.segdoc)) != ND_OK) {
            nd_detail_set(s->detail, "passages: the segments of the document: %s",
                          nd_strerror(st));
            goto fail;
        }
        const nd_align_doc B = {.doc = 1, .words = w.wdoc, .nwords = nt,
                                .date = doc->date_days,
                                .has_date = doc->has_date && isfinite(doc->date_days)};
        for (size_t i = 0; i < w.nchosen; i++)
            ND_TRY(align_one(s, txn, w.chosen[i], self, group, doc, &B, &w));
    }
    st = ND_OK;
fail:
    pw_free(&w, a);
    return st;
}

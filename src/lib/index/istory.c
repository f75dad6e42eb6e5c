/*
 * istory.c - the index's stories: term frequencies and story centroids,
 * one document at a time (nd_index).
 *
 * DESIGN
 *   A document's vector is made as nd_story_vectors makes it, by the same
 *   code (story/story.c: nd_story_doc_terms, nd_story_weigh): the shared
 *   tokeniser, libstemmer in the document's language (nd_index_doc.lang, or
 *   English), English function words dropped, names and numbers weighted
 *   ND_P_NAME_WEIGHT, the title's words ND_P_TITLE_WEIGHT, sublinear term
 *   frequency, idf from the document frequencies, the ND_STORY_MAX_TERMS
 *   heaviest terms, L2-normalised. The clustering is nd_story_cluster's, one
 *   document at a time: the candidate stories are those indexed under the
 *   document's ND_STORY_QUERY_TERMS heaviest terms (at most
 *   ND_STORY_POSTING_SCAN a term, newest story first) and the stories of
 *   the linked documents (its copies and passage partners), which get
 *   ND_P_LINK_BONUS; a story is open while the document's date is within
 *   ND_P_STORY_WINDOW days of its members' (below); the document joins the
 *   best (cosine to the centroid plus the bonus; ties to the lower story)
 *   when that reaches ND_P_STORY_THRESHOLD, else it starts a story. The
 *   centroid is the sum of its members' vectors pruned to its
 *   ND_STORY_CENTROID_TERMS heaviest terms. Each time a story grows it is
 *   indexed under the joining document's query terms (its
 *   ND_STORY_QUERY_TERMS heaviest) not indexed yet, then under the heaviest
 *   ND_STORY_INDEX_TERMS of its centroid not indexed yet (batch: only
 *   these), at most 2 x ND_STORY_INDEX_TERMS terms in all.
 *
 *   Why the members' query terms. A document finds a story only through a
 *   term that both its query and the story's index hold; batch picks both
 *   with one idf, the collection's. Online, a story's index terms are picked
 *   with the idf of the day it grew, and that idf knows little while the
 *   index is small: with one document every term has the same idf, so the
 *   first story is indexed under its most frequent words, which later
 *   documents show to be the collection's common words, while a new
 *   document queries with its heaviest terms under today's idf, its rarer
 *   ones. On the seed articles (one event, four outlets), 003 arrives with
 *   a cosine of 0.23 to the story of 000-002 (threshold 0.2) but shares
 *   none of its 14 index terms, so it never sees the story and starts its
 *   own (004 then follows it). Indexing a story under the terms its members
 *   queried with keeps the two sides picked under the same idf, as in
 *   batch: a member's query terms are the terms a document like it asks
 *   with (003 finds the story through a term it shares with 002). It only
 *   adds candidates; the cosine to the centroid still decides, so the
 *   scores and the threshold are batch's. The idf itself was not the
 *   cause: given the story as a candidate, 003 scores above the threshold.
 *
 *   The centroid is kept in term frequency space: each member's vector
 *   divided, term by term, by the idf it was weighed with, summed; it is
 *   weighed with the idf as the index stands (N and df now, the document
 *   counted in) whenever it is scored or pruned. Once the frequencies stop
 *   moving this is batch's centroid; while they move, earlier members count
 *   with today's idf rather than with the idf of their arrival.
 *
 *   Where online differs from batch (docs/index-format.md):
 *   - The idf evolves. Batch learns the frequencies from every document
 *     first, then weighs; the index weighs a document with the frequencies
 *     of the documents indexed so far, itself included (N and df count it).
 *     Early documents have flatter vectors than batch would give them (and
 *     their share of a centroid, its norm, stays what it was); the
 *     collection stop words (a term in more than half of 1,000+ documents)
 *     apply only once the index holds 1,000 documents. Centroids are
 *     re-weighed with the idf of the day (above).
 *   - Arrival order, not date order. Batch clusters documents sorted by
 *     date (undated last); the index clusters them as they come. A story is
 *     open to a document dated within ND_P_STORY_WINDOW days after its
 *     latest member or before its earliest one (in date order, as batch
 *     goes, only the first can happen, and the rule is batch's); a story
 *     may still take a document that batch, seeing it earlier, would have
 *     placed before the story's later members came.
 *   - Stories never merge or split after the fact, and a document never
 *     moves: one placed badly early stays where it is (batch has the same
 *     property, in date order).
 *   - Links are those known at arrival: a later copy or passage partner
 *     does not move the earlier document.
 *   - A story is also indexed under its members' query terms (above), so a
 *     document may see stories batch's index would not show it (and join
 *     one when its cosine reaches the threshold).
 *   - Removal subtracts the document's stored vector from its story's
 *     centroid (terms pruned while it was in the story are not restored) and
 *     its terms from the frequencies; the story's last date is not moved
 *     back, and its index terms stay. A story left empty is deleted.
 *   - A query is answered as if the document were added (N and df count it
 *     once more), also when its id is indexed.
 *   - The language default is English (batch: the handle's language).
 *
 *   Records (all integers little-endian inside values, keys big-endian):
 *   - "terms": term id (u32 BE) -> df (u32 BE): documents whose raw terms
 *     (before weighing and pruning) hold it. Only 4-byte keys.
 *   - "stories", keyed by kind:
 *       8 bytes, a story number (BE, 1 up, below 2^56): version (u32),
 *         flags (u32: 1 dated), size (u64, members), first member's seq
 *         (u64), latest and earliest member dates (f64 days each), index
 *         terms n (u32), centroid terms m (u32), the n index term ids
 *         (u32), the m (id u32, weight f32, in term frequency space)
 *         sorted by id, XXH3-64 of the preceding bytes (u64).
 *       "M": the counters: version (u32), 0 (u32), documents counted in the
 *         frequencies (u64), next story number (u64), stories (u64), XXH3-64.
 *       "T" + term id (u32 BE) + story (u64 BE): the story is indexed under
 *         the term (value: one byte 0).
 *       "V" + seq (u64 BE): the document's vector as it joined its story,
 *         in term frequency space (what it added to the centroid): version
 *         (u32), story (u64), terms n (u32), (id u32, weight f32) x n,
 *         XXH3-64.
 */
#include <libstemmer.h>
#include <math.h>
#include <stdlib.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "index_internal.h"

#define REC_VERSION 1u
#define MAX_INDEXED (2 * ND_STORY_INDEX_TERMS)
#define MAX_STORY ((uint64_t)1 << 56)
#define DEFAULT_LANG "english"

const unsigned nd_index_story_version = REC_VERSION;


/* ---- encoding ---------------------------------------------------------------- */

#define put32 ndi_put_le32
#define put64 ndi_put_le64
#define get32 ndi_get_le32
#define get64 ndi_get_le64

static void putf32(unsigned char *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put32(p, v);
}

static float getf32(const unsigned char *p)
{
    const uint32_t v = get32(p);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

#define putf64 ndi_put_f64
#define getf64 ndi_get_f64

static void be32(uint32_t v, unsigned char *p)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static nd_status corrupt(nd_index_session *s, const char *what, uint64_t which)
{
    nd_detail_set(s->detail, "stories: %s %llu fails its check", what,
                  (unsigned long long)which);
    return ND_E_CORRUPT;
}

/* ---- the counters ("M") -------------------------------------------------------- */

typedef struct smeta {
    uint64_t docs, next, stories;
} smeta;

#define META_BYTES 40

static nd_status meta_read(nd_index_session *s, MDB_txn *txn, smeta *m)
{
    MDB_val k = {1, (void *)"M"}, v;
    m->docs = 0;
    m->next = 1;
    m->stories = 0;
    const int rc = mdb_get(txn, s->ix->db.stories, &k, &v);
    if (rc == MDB_NOTFOUND)
        return ND_OK;
    if (rc)
        return ndi_mdb_status(s->detail, rc, "reading the story counters");
    const unsigned char *p = v.mv_data;
    if (v.mv_size != META_BYTES || get32(p) != REC_VERSION ||
        get64(p + 32) != XXH3_64bits(p, 32))
        return corrupt(s, "the counters record", 0);
    m->docs = get64(p + 8);
    m->next = get64(p + 16);
    m->stories = get64(p + 24);
    if (m->next == 0 || m->next > MAX_STORY)
        return corrupt(s, "the counters record", 1);
    return ND_OK;
}

static nd_status meta_write(nd_index_session *s, MDB_txn *txn, const smeta *m)
{
    unsigned char b[META_BYTES];
    put32(b, REC_VERSION);
    put32(b + 4, 0);
    put64(b + 8, m->docs);
    put64(b + 16, m->next);
    put64(b + 24, m->stories);
    put64(b + 32, XXH3_64bits(b, 32));
    MDB_val k = {1, (void *)"M"}, v = {META_BYTES, b};
    const int rc = mdb_put(txn, s->ix->db.stories, &k, &v, 0);
    return rc ? ndi_mdb_status(s->detail, rc, "writing the story counters") : ND_OK;
}

/* ---- story records --------------------------------------------------------------- */

typedef struct srec {
    uint64_t id, size, first;
    double last, earliest; /* dates of its latest and earliest dated members */
    int dated;
    uint32_t nindexed, nc;
    uint32_t indexed[MAX_INDEXED];
    nd_term c[ND_STORY_CENTROID_TERMS + ND_STORY_MAX_TERMS]; /* room to merge a vector */
} srec;

/* Story k's record, checked: *p and *n its bytes (valid while txn lives);
 * ND_E_PARAM (no detail) when there is none. */
static nd_status srec_get(nd_index_session *s, MDB_txn *txn, uint64_t k,
                          const unsigned char **p, size_t *n)
{
    unsigned char kb[8];
    ndi_be64(k, kb);
    MDB_val key = {8, kb}, v;
    const int rc = mdb_get(txn, s->ix->db.stories, &key, &v);
    if (rc == MDB_NOTFOUND)
        return ND_E_PARAM;
    if (rc)
        return ndi_mdb_status(s->detail, rc, "reading a story");
    *p = v.mv_data;
    *n = v.mv_size;
    if (*n < 56 || get32(*p) != REC_VERSION)
        return corrupt(s, "story", k);
    const uint32_t ni = get32(*p + 40), nc = get32(*p + 44);
    if (ni > MAX_INDEXED || nc > ND_STORY_CENTROID_TERMS ||
        *n != 48 + 4 * (size_t)ni + 8 * (size_t)nc + 8 ||
        get64(*p + *n - 8) != XXH3_64bits(*p, *n - 8))
        return corrupt(s, "story", k);
    return ND_OK;
}

/* The fixed part of story k's checked record p into r. */
static void srec_head(const unsigned char *p, uint64_t k, srec *r)
{
    r->id = k;
    r->dated = get32(p + 4) & 1;
    r->size = get64(p + 8);
    r->first = get64(p + 16);
    r->last = getf64(p + 24);
    r->earliest = getf64(p + 32);
    r->nindexed = get32(p + 40);
    r->nc = get32(p + 44);
}

/* The index terms and the centroid of the checked record p into r (after
 * srec_head). */
static void srec_body(const unsigned char *p, srec *r)
{
    const unsigned char *q = p + 48;
    for (uint32_t i = 0; i < r->nindexed; i++, q += 4)
        r->indexed[i] = get32(q);
    for (uint32_t i = 0; i < r->nc; i++, q += 8) {
        r->c[i].id = get32(q);
        r->c[i].w = getf32(q + 4);
    }
}

/* Story k's record into r; ND_E_PARAM (no detail) when there is none. */
static nd_status srec_read(nd_index_session *s, MDB_txn *txn, uint64_t k, srec *r)
{
    const unsigned char *p;
    size_t n;
    const nd_status st = srec_get(s, txn, k, &p, &n);
    if (st != ND_OK)
        return st;
    srec_head(p, k, r);
    srec_body(p, r);
    return ND_OK;
}

static nd_status sm_mark(nd_index_session *s, MDB_txn *txn, uint64_t story, int gone);

static nd_status srec_write(nd_index_session *s, MDB_txn *txn, const srec *r)
{
    unsigned char b[48 + 4 * MAX_INDEXED + 8 * ND_STORY_CENTROID_TERMS + 8];
    put32(b, REC_VERSION);
    put32(b + 4, r->dated ? 1u : 0u);
    put64(b + 8, r->size);
    put64(b + 16, r->first);
    putf64(b + 24, r->last);
    putf64(b + 32, r->earliest);
    put32(b + 40, r->nindexed);
    put32(b + 44, r->nc);
    unsigned char *q = b + 48;
    for (uint32_t i = 0; i < r->nindexed; i++, q += 4)
        put32(q, r->indexed[i]);
    for (uint32_t i = 0; i < r->nc; i++, q += 8) {
        put32(q, r->c[i].id);
        putf32(q + 4, r->c[i].w);
    }
    const size_t n = (size_t)(q - b);
    put64(q, XXH3_64bits(b, n));
    unsigned char kb[8];
    ndi_be64(r->id, kb);
    MDB_val key = {8, kb}, v = {n + 8, b};
    const nd_status st = sm_mark(s, txn, r->id, 0); /* before the reader can see it */
    if (st != ND_OK)
        return st;
    const int rc = mdb_put(txn, s->ix->db.stories, &key, &v, 0);
    return rc ? ndi_mdb_status(s->detail, rc, "writing a story") : ND_OK;
}

static void tkey(uint32_t term, uint64_t story, unsigned char k[13])
{
    k[0] = 'T';
    be32(term, k + 1);
    ndi_be64(story, k + 5);
}

static nd_status tkey_put(nd_index_session *s, MDB_txn *txn, uint32_t term, uint64_t story,
                          int put)
{
    unsigned char kb[13], zero = 0;
    tkey(term, story, kb);
    MDB_val key = {13, kb}, v = {1, &zero};
    int rc = put ? mdb_put(txn, s->ix->db.stories, &key, &v, 0)
                 : mdb_del(txn, s->ix->db.stories, &key, NULL);
    if (!put && rc == MDB_NOTFOUND)
        rc = 0;
    return rc ? ndi_mdb_status(s->detail, rc, "writing the story index") : ND_OK;
}

/* ---- document vectors ("V") -------------------------------------------------------- */

static void vkey(uint64_t seq, unsigned char k[9])
{
    k[0] = 'V';
    ndi_be64(seq, k + 1);
}

static nd_status vec_write(nd_index_session *s, MDB_txn *txn, uint64_t seq, uint64_t story,
                           const nd_term *v, size_t n)
{
    unsigned char b[16 + 8 * ND_STORY_MAX_TERMS + 8];
    put32(b, REC_VERSION);
    put64(b + 4, story);
    put32(b + 12, (uint32_t)n);
    unsigned char *q = b + 16;
    for (size_t i = 0; i < n; i++, q += 8) {
        put32(q, v[i].id);
        putf32(q + 4, v[i].w);
    }
    const size_t len = (size_t)(q - b);
    put64(q, XXH3_64bits(b, len));
    unsigned char kb[9];
    vkey(seq, kb);
    MDB_val key = {9, kb}, val = {len + 8, b};
    const int rc = mdb_put(txn, s->ix->db.stories, &key, &val, 0);
    return rc ? ndi_mdb_status(s->detail, rc, "writing a document's story vector") : ND_OK;
}

/* Document seq's stored vector into v (room for ND_STORY_MAX_TERMS);
 * ND_E_PARAM (no detail) when there is none. */
static nd_status vec_read(nd_index_session *s, MDB_txn *txn, uint64_t seq, uint64_t *story,
                          nd_term *v, size_t *n)
{
    unsigned char kb[9];
    vkey(seq, kb);
    MDB_val key = {9, kb}, val;
    const int rc = mdb_get(txn, s->ix->db.stories, &key, &val);
    if (rc == MDB_NOTFOUND)
        return ND_E_PARAM;
    if (rc)
        return ndi_mdb_status(s->detail, rc, "reading a document's story vector");
    const unsigned char *p = val.mv_data;
    if (val.mv_size < 24 || get32(p) != REC_VERSION)
        return corrupt(s, "the story vector of document", seq);
    const uint32_t m = get32(p + 12);
    if (m > ND_STORY_MAX_TERMS || val.mv_size != 16 + 8 * (size_t)m + 8 ||
        get64(p + val.mv_size - 8) != XXH3_64bits(p, val.mv_size - 8))
        return corrupt(s, "the story vector of document", seq);
    *story = get64(p + 4);
    for (uint32_t i = 0; i < m; i++) {
        v[i].id = get32(p + 16 + 8 * (size_t)i);
        v[i].w = getf32(p + 20 + 8 * (size_t)i);
    }
    *n = m;
    return ND_OK;
}

/* ---- term frequencies ("terms") ------------------------------------------------------ */

static nd_status df_get(nd_index_session *s, MDB_txn *txn, uint32_t id, uint32_t *df)
{
    unsigned char kb[4];
    be32(id, kb);
    MDB_val key = {4, kb}, v;
    const int rc = mdb_get(txn, s->ix->db.terms, &key, &v);
    *df = 0;
    if (rc == MDB_NOTFOUND)
        return ND_OK;
    if (rc)
        return ndi_mdb_status(s->detail, rc, "reading a term frequency");
    if (v.mv_size != 4)
        return corrupt(s, "the frequency of term", id);
    *df = get_be32(v.mv_data);
    return ND_OK;
}

static nd_status df_set(nd_index_session *s, MDB_txn *txn, uint32_t id, uint32_t df)
{
    unsigned char kb[4], vb[4];
    be32(id, kb);
    be32(df, vb);
    MDB_val key = {4, kb}, v = {4, vb};
    int rc = df ? mdb_put(txn, s->ix->db.terms, &key, &v, 0)
                : mdb_del(txn, s->ix->db.terms, &key, NULL);
    if (!df && rc == MDB_NOTFOUND)
        rc = 0;
    return rc ? ndi_mdb_status(s->detail, rc, "writing a term frequency") : ND_OK;
}

/* ---- a document's terms ---------------------------------------------------------------- */

typedef struct swork {
    nd_text_buf tb;
    nd_vec acc;       /* nd_term: raw terms */
    uint32_t *df;     /* per raw term */
    nd_term *vec;     /* the weighed vector */
    nd_term *u;       /* ... in term frequency space */
    size_t nv;
} swork;

static void sw_init(swork *w)
{
    memset(w, 0, sizeof *w);
    nd_text_buf_init(&w->tb);
    nd_vec_init(&w->acc, sizeof(nd_term), UINT32_MAX);
}

static void sw_free(swork *w, const nd_alloc_ctx *a)
{
    nd_text_buf_free(&w->tb, a);
    nd_vec_free(&w->acc, a);
    nd_free(a, w->df);
    nd_free(a, w->vec);
    nd_free(a, w->u);
}

/* The raw terms of a document into w->acc, as nd_story_vectors makes them. */
static nd_status doc_terms(nd_index_session *s, swork *w, const char *lang, size_t lang_len,
                           const char *title, size_t title_len, const char *text, size_t len)
{
    char name[32];
    if (!lang || lang_len == 0 || lang_len >= sizeof name) {
        lang = DEFAULT_LANG;
        lang_len = strlen(DEFAULT_LANG);
    }
    memcpy(name, lang, lang_len);
    name[lang_len] = '\0';
    struct sb_stemmer *stem = sb_stemmer_new(name, "UTF_8"); /* NULL: not stemmed */
    const nd_status st = nd_story_doc_terms(&w->tb, &w->acc, NULL, &s->ix->alloc,
                                            &s->ix->params, stem, NULL, nd_story_english(name),
                                            title_len ? title : NULL, title_len, text, len);
    if (stem)
        sb_stemmer_delete(stem);
    if (st != ND_OK)
        nd_detail_set(s->detail, "stories: the terms of a document: %s", nd_strerror(st));
    return st;
}

static uint32_t df_at(void *ctx, size_t i, uint32_t id)
{
    (void)id;
    return ((const uint32_t *)ctx)[i];
}

static int cmp_term_id(const void *x, const void *y)
{
    const nd_term *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_term_w_desc(const void *x, const void *y)
{
    const nd_term *a = x, *b = y;
    if (a->w != b->w)
        return a->w > b->w ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* ---- idf now ---------------------------------------------------------------------------- */

/* The idf of terms as the index stands (N documents, the document being
 * placed counted in), cached for one call: centroids are kept in term
 * frequency space and weighed with it when scored (see the DESIGN). */
typedef struct idfc {
    uint32_t *id;
    double *v;
    size_t cap, n;
    uint64_t N;
    const nd_term *raw; /* the document's raw terms (sorted by id) */
    size_t nraw;
    int add_self;       /* a query: the document is not in the frequencies yet */
} idfc;

static void idfc_free(idfc *c, const nd_alloc_ctx *a)
{
    nd_free(a, c->id);
    nd_free(a, c->v);
}

/* The first of t[0..n) (sorted by id) whose id is not below id. */
static size_t term_lower(const nd_term *t, size_t n, uint32_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (t[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int in_raw(const idfc *c, uint32_t id)
{
    const size_t i = term_lower(c->raw, c->nraw, id);
    return i < c->nraw && c->raw[i].id == id;
}

static nd_status idf_of(nd_index_session *s, MDB_txn *txn, idfc *c, uint32_t id, double *out)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    if ((c->n + 1) * 2 > c->cap) {
        const size_t cap = c->cap ? c->cap * 2 : 1024;
        uint32_t *nid = nd_malloc(a, cap * sizeof *nid);
        double *nv = nd_malloc(a, cap * sizeof *nv);
        if (!nid || !nv) {
            nd_free(a, nid);
            nd_free(a, nv);
            nd_detail_set(s->detail, "stories: the frequencies of %zu terms: out of memory",
                          c->n);
            return ND_E_NOMEM;
        }
        for (size_t i = 0; i < cap; i++)
            nv[i] = -1;
        for (size_t i = 0; i < c->cap; i++)
            if (c->v[i] >= 0) {
                size_t h = (c->id[i] * 2654435761u) & (cap - 1);
                while (nv[h] >= 0)
                    h = (h + 1) & (cap - 1);
                nid[h] = c->id[i];
                nv[h] = c->v[i];
            }
        nd_free(a, c->id);
        nd_free(a, c->v);
        c->id = nid;
        c->v = nv;
        c->cap = cap;
    }
    size_t h = (id * 2654435761u) & (c->cap - 1);
    while (c->v[h] >= 0) {
        if (c->id[h] == id) {
            *out = c->v[h];
            return ND_OK;
        }
        h = (h + 1) & (c->cap - 1);
    }
    uint32_t df;
    const nd_status st = df_get(s, txn, id, &df);
    if (st != ND_OK)
        return st;
    if (c->add_self && df < UINT32_MAX && in_raw(c, id))
        df++;
    c->id[h] = id;
    c->v[h] = nd_story_idf(c->N, df);
    c->n++;
    *out = c->v[h];
    return ND_OK;
}

/* Cosine of the document's vector v with story r's centroid weighed by the
 * idf now. */
static nd_status score_story(nd_index_session *s, MDB_txn *txn, idfc *c, const srec *r,
                             const nd_term *v, size_t nv, double *cosv)
{
    double norm = 0, d = 0;
    size_t j = 0;
    for (uint32_t i = 0; i < r->nc; i++) {
        double idf;
        const nd_status st = idf_of(s, txn, c, r->c[i].id, &idf);
        if (st != ND_OK)
            return st;
        const double w = (double)r->c[i].w * idf;
        norm += w * w;
        while (j < nv && v[j].id < r->c[i].id)
            j++;
        if (j < nv && v[j].id == r->c[i].id)
            d += (double)v[j].w * w;
    }
    *cosv = norm > 0 ? d / sqrt(norm) : 0;
    return ND_OK;
}

/* The centroid's term ids of the checked record p (after srec_head) into ids. */
static void srec_ids(const unsigned char *p, const srec *r, uint32_t *ids)
{
    const unsigned char *q = p + 48 + 4 * (size_t)r->nindexed;
    for (uint32_t i = 0; i < r->nc; i++, q += 8)
        ids[i] = get32(q);
}

/* The document's vector v (sorted by id) for score_bound: a 4,096-bit
 * filter of its term ids, so that a centroid term it lacks (nearly all) is
 * passed over with one test. */
typedef struct vfilter {
    uint64_t bit[64];
    const nd_term *v;
    size_t nv;
} vfilter;

static void vfilter_make(vfilter *f, const nd_term *v, size_t nv)
{
    memset(f->bit, 0, sizeof f->bit);
    for (size_t i = 0; i < nv; i++)
        f->bit[(v[i].id >> 6) & 63] |= (uint64_t)1 << (v[i].id & 63);
    f->v = v;
    f->nv = nv;
}

/* An upper bound of score_story's cosine for a story whose centroid holds
 * the term ids ids[0..nc) (sorted), without the idf: the norm of the
 * document's vector v over those terms. With S those terms and c the
 * centroid weighed by any idf, cos = sum_S v_i c_i / |c| <= |v_S| |c_S| / |c|
 * <= |v_S| (Cauchy-Schwarz, then |c_S| <= |c|), whatever the weights' signs.
 * The squares are summed in the order of the ids, whichever way the terms
 * are found, so a bound is the same bits from a record or from the memo. */
static double score_bound(const vfilter *f, const uint32_t *ids, size_t nc)
{
    double ss = 0;
    for (size_t i = 0; i < nc; i++) {
        const uint32_t id = ids[i];
        if (!(f->bit[(id >> 6) & 63] >> (id & 63) & 1))
            continue;
        const size_t j = term_lower(f->v, f->nv, id);
        if (j < f->nv && f->v[j].id == id)
            ss += (double)f->v[j].w * f->v[j].w;
    }
    return sqrt(ss);
}

/* ---- the index's memo of stories -------------------------------------------------------- */

/* Placing a document reads every candidate story's record (an LMDB lookup
 * and the checksum of up to 1.7 KB) to learn its dates and its centroid's
 * terms, which bound its score: on 1,000 queries of a 200,000-document
 * index, 2,436 candidates a query, 720 of them scored before the bound
 * ordered them. The index keeps, for the process, a memo of what it read:
 * each story's dates and its centroid's term ids (4 bytes a term), shared by
 * the sessions (NDI_MEMO_STRIPES stripes, each a hash table under its own
 * mutex), up to NDI_MEMO_MAX bytes of term ids (then it memoises no more).
 *
 * When the memo may answer. An entry holds what the record said in snapshot
 * read_at (an LMDB transaction id), and mod_at, the last write transaction
 * of this process that changed or deleted the record (0: none seen). A
 * write marks the story before its transaction commits (ndi_story_place,
 * ndi_story_unplace), so a reader whose snapshot S holds that write sees the
 * mark. The entry answers a reader at S when mod_at <= read_at <= S: no write
 * since read_at, so the record at S is the one read. A process that opened
 * the index for writing holds the only writer's lock, so it sees every
 * write; a read-only process may have a writer beside it and answers only
 * for S == read_at. A write transaction W uses the memo as of the snapshot
 * before it, W - 1: a record it has not changed is the one of W - 1 (also
 * when W is rolled back), and one it changed is marked W, so the memo neither
 * answers for it nor takes what W reads of it. A mark on a story not
 * memoised is kept (an entry with no data), so that a reader that read it
 * before the write cannot memoise the old record after it. */
#define NDI_MEMO_STRIPES 64
#define NDI_MEMO_MAX ((size_t)256 << 20)

typedef struct smentry {
    uint64_t story;  /* 0: an empty slot (stories are numbered from 1) */
    size_t read_at;  /* the snapshot ids were read in (when ids) */
    size_t mod_at;   /* the last write of it seen, 0 none */
    uint32_t *ids;   /* its centroid's term ids (sorted), cap of them room */
    uint32_t nc, cap;
    int has;         /* the fields below and ids hold the record at read_at */
    int dated;
    double last, earliest;
} smentry;

typedef struct smstripe {
    pthread_mutex_t mu;
    smentry *e;
    size_t cap, n; /* slots (a power of 2, or 0), entries */
} smstripe;

struct ndi_story_memo {
    smstripe st[NDI_MEMO_STRIPES];
    size_t bytes;  /* term ids held, under the stripes' locks (atomic) */
    int writer;    /* this process writes: every write is marked here */
};

nd_status ndi_story_memo_open(nd_index *ix)
{
    ix->story_memo = NULL;
    if (!ix->params.index_stories)
        return ND_OK;
    struct ndi_story_memo *m = nd_calloc(&ix->alloc, 1, sizeof *m);
    if (!m)
        return ND_E_NOMEM;
    for (size_t i = 0; i < NDI_MEMO_STRIPES; i++)
        pthread_mutex_init(&m->st[i].mu, NULL);
    m->writer = ix->lock_fd >= 0;
    ix->story_memo = m;
    return ND_OK;
}

void ndi_story_memo_close(nd_index *ix)
{
    struct ndi_story_memo *m = ix->story_memo;
    if (!m)
        return;
    for (size_t i = 0; i < NDI_MEMO_STRIPES; i++) {
        smstripe *t = &m->st[i];
        for (size_t k = 0; k < t->cap; k++)
            nd_free(&ix->alloc, t->e[k].ids);
        nd_free(&ix->alloc, t->e);
        pthread_mutex_destroy(&t->mu);
    }
    nd_free(&ix->alloc, m);
    ix->story_memo = NULL;
}

static uint64_t sm_mix(uint64_t story)
{
    return story * 0x9E3779B97F4A7C15u;
}

static smstripe *sm_stripe(struct ndi_story_memo *m, uint64_t story)
{
    return &m->st[sm_mix(story) >> 58]; /* 64 stripes: the top 6 bits */
}

/* The entry of story in stripe t (locked), or NULL; with empty_ok, the empty
 * slot where it goes instead of NULL (the table must have room). */
static smentry *sm_find(const smstripe *t, uint64_t story, int empty_ok)
{
    if (!t->cap)
        return NULL;
    for (size_t h = (size_t)sm_mix(story) & (t->cap - 1);; h = (h + 1) & (t->cap - 1)) {
        if (t->e[h].story == story)
            return &t->e[h];
        if (!t->e[h].story)
            return empty_ok ? &t->e[h] : NULL;
    }
}

/* The entry of story in stripe t (locked), made (no data, no mark) when
 * there is none; NULL when the table has no room and cannot grow. The table
 * grows only to take a new story. */
static smentry *sm_slot(const nd_alloc_ctx *a, smstripe *t, uint64_t story)
{
    smentry *e = sm_find(t, story, 0);
    if (e)
        return e;
    if ((t->n + 1) * 4 > t->cap * 3) {
        const size_t cap = t->cap ? t->cap * 2 : 64;
        smentry *ne = nd_calloc(a, cap, sizeof *ne);
        if (!ne)
            return NULL;
        for (size_t k = 0; k < t->cap; k++)
            if (t->e[k].story) {
                size_t h = (size_t)sm_mix(t->e[k].story) & (cap - 1);
                while (ne[h].story)
                    h = (h + 1) & (cap - 1);
                ne[h] = t->e[k];
            }
        nd_free(a, t->e);
        t->e = ne;
        t->cap = cap;
    }
    e = sm_find(t, story, 1);
    e->story = story;
    t->n++;
    return e;
}

/* What the memo knows of story for a reader at snapshot snap: 1, r's dates
 * and *bound, score_bound of the document f over its centroid's terms; 0
 * when it does not. */
static int sm_get(nd_index *ix, uint64_t story, size_t snap, srec *r, const vfilter *f,
                  double *bound)
{
    struct ndi_story_memo *m = ix->story_memo;
    if (!m)
        return 0;
    smstripe *t = sm_stripe(m, story);
    int got = 0;
    pthread_mutex_lock(&t->mu);
    const smentry *e = sm_find(t, story, 0);
    if (e && e->has && e->mod_at <= e->read_at && e->read_at <= snap &&
        (m->writer || e->read_at == snap)) {
        r->id = story;
        r->dated = e->dated;
        r->last = e->last;
        r->earliest = e->earliest;
        r->nc = e->nc;
        *bound = score_bound(f, e->ids, e->nc);
        got = 1;
    }
    pthread_mutex_unlock(&t->mu);
    return got;
}

/* Memoises what story r's checked record (in a read transaction at
 * snapshot snap) holds: its dates (r, srec_head) and its centroid's term
 * ids (ids[0..r->nc)). Nothing when a write of it since snap was seen, or
 * the memo is full. */
static void sm_put(nd_index *ix, size_t snap, const srec *r, const uint32_t *ids)
{
    struct ndi_story_memo *m = ix->story_memo;
    if (!m)
        return;
    smstripe *t = sm_stripe(m, r->id);
    pthread_mutex_lock(&t->mu);
    smentry *e = sm_slot(&ix->alloc, t, r->id);
    if (e && e->mod_at <= snap) {
        if (e->cap < r->nc) {
            const size_t more = (size_t)(r->nc - e->cap) * sizeof *ids;
            uint32_t *n = NULL;
            if (__atomic_add_fetch(&m->bytes, more, __ATOMIC_RELAXED) <= NDI_MEMO_MAX)
                n = nd_malloc(&ix->alloc, r->nc * sizeof *ids);
            if (n) {
                nd_free(&ix->alloc, e->ids);
                e->ids = n;
                e->cap = r->nc;
            } else {
                __atomic_sub_fetch(&m->bytes, more, __ATOMIC_RELAXED);
            }
        }
        if (e->cap >= r->nc) {
            if (r->nc)
                memcpy(e->ids, ids, r->nc * sizeof *ids);
            e->nc = r->nc;
            e->read_at = snap;
            e->dated = r->dated;
            e->last = r->last;
            e->earliest = r->earliest;
            e->has = 1;
        }
    }
    pthread_mutex_unlock(&t->mu);
}

/* Marks story as written (changed or, gone, deleted) by write transaction
 * txn. A deleted story's terms are freed (its mark stays). */
static nd_status sm_mark(nd_index_session *s, MDB_txn *txn, uint64_t story, int gone)
{
    struct ndi_story_memo *m = s->ix->story_memo;
    if (!m)
        return ND_OK;
    const size_t w = mdb_txn_id(txn);
    smstripe *t = sm_stripe(m, story);
    pthread_mutex_lock(&t->mu);
    smentry *e = sm_slot(&s->ix->alloc, t, story);
    if (e) {
        if (e->mod_at < w)
            e->mod_at = w;
        if (gone && e->ids) {
            __atomic_sub_fetch(&m->bytes, (size_t)e->cap * sizeof *e->ids, __ATOMIC_RELAXED);
            nd_free(&s->ix->alloc, e->ids);
            e->ids = NULL;
            e->cap = e->nc = 0;
            e->has = 0;
        }
    }
    pthread_mutex_unlock(&t->mu);
    if (!e) { /* unmarked, a reader could memoise the old record: refuse */
        nd_detail_set(s->detail, "stories: the memo of story %llu: out of memory",
                      (unsigned long long)story);
        return ND_E_NOMEM;
    }
    return ND_OK;
}

/* Whether a story with these dates is closed to the document (dated: the
 * document has a finite date): after its last member, or before its first. */
static int story_closed(const nd_params *p, const nd_index_doc *doc, int dated, int sdated,
                        double last, double earliest)
{
    return p->story_window > 0 && dated && sdated &&
           (doc->date_days - last > p->story_window ||
            earliest - doc->date_days > p->story_window);
}

/* ---- placing ----------------------------------------------------------------------------- */

typedef struct cand {
    uint64_t story;
    double bonus;
    double bound;             /* score_bound + bonus (placing) */
    const unsigned char *rec; /* its checked record, valid in the transaction */
} cand;

/* By bound, highest first; ties by story, lowest first. */
static int cmp_cand_bound(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->bound != b->bound)
        return a->bound > b->bound ? -1 : 1;
    return a->story < b->story ? -1 : a->story > b->story;
}

typedef struct cands {
    cand *c;
    size_t n;
} cands;

/* A candidate story as a sort key in ks (u64): story << 1, the low bit 0
 * for a linked document's story (sorted first, so that it keeps the bonus),
 * 1 for one found under a term. */
static nd_status ckey_push(nd_index_session *s, nd_vec *ks, uint64_t story, int linked)
{
    const uint64_t k = story << 1 | (linked ? 0u : 1u);
    const nd_status st = nd_vec_push(ks, &s->ix->alloc, &k);
    if (st != ND_OK)
        nd_detail_set(s->detail, "stories: %zu candidate stories: %s", ks->len,
                      nd_strerror(st));
    return st;
}

/* The stories indexed under the document's heaviest terms, and those of
 * its linked documents (with the bonus); sorted by story, one each. */
static nd_status candidates(nd_index_session *s, MDB_txn *txn, const nd_term *v, size_t nv,
                            const uint64_t *linked, size_t nlinked, cands *cs)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    nd_term q[ND_STORY_MAX_TERMS];
    size_t nq = nv;
    if (nv)
        memcpy(q, v, nv * sizeof *q);
    if (nq > ND_STORY_QUERY_TERMS) {
        qsort(q, nq, sizeof *q, cmp_term_w_desc);
        nq = ND_STORY_QUERY_TERMS;
    }
    nd_vec ks;
    nd_vec_init(&ks, sizeof(uint64_t), SIZE_MAX / sizeof(uint64_t));
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->ix->db.stories, &cur);
    if (rc)
        return ndi_mdb_status(s->detail, rc, "opening the story index");
    nd_status st = ND_OK;
    for (size_t t = 0; t < nq && st == ND_OK; t++) {
        unsigned char kb[13];
        tkey(q[t].id, UINT64_MAX, kb); /* after every story of the term */
        MDB_val key = {13, kb}, val;
        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        if (rc == MDB_NOTFOUND)
            rc = mdb_cursor_get(cur, &key, &val, MDB_LAST);
        else if (!rc)
            rc = mdb_cursor_get(cur, &key, &val, MDB_PREV);
        for (size_t scanned = 0; !rc && scanned < ND_STORY_POSTING_SCAN; scanned++) {
            const unsigned char *k = key.mv_data;
            if (key.mv_size != 13 || k[0] != 'T' || get_be32(k + 1) != q[t].id)
                break;
            if ((st = ckey_push(s, &ks, ndi_get_be64(k + 5), 0)) != ND_OK)
                break;
            rc = mdb_cursor_get(cur, &key, &val, MDB_PREV);
        }
        if (st == ND_OK && rc && rc != MDB_NOTFOUND)
            st = ndi_mdb_status(s->detail, rc, "reading the story index");
    }
    mdb_cursor_close(cur);
    for (size_t i = 0; i < nlinked && st == ND_OK; i++) {
        ndi_doc d;
        st = ndi_doc_read(s, txn, linked[i], &d);
        if (st == ND_E_PARAM) { /* not indexed (itself, not stored yet): no story to pull */
            s->detail[0] = 0;
            st = ND_OK;
            continue;
        }
        if (st != ND_OK)
            break;
        if (d.has_story)
            st = ckey_push(s, &ks, d.story, 1);
    }
    uint64_t *keys = ks.data;
    uint64_t *tmp = st == ND_OK && ks.len ? nd_malloc(a, ks.len * sizeof *tmp) : NULL;
    if (st == ND_OK && ks.len && !tmp) {
        nd_detail_set(s->detail, "stories: %zu candidate stories: out of memory", ks.len);
        st = ND_E_NOMEM;
    }
    if (st == ND_OK && ks.len) {
        const size_t n = nd_sort_unique_u64(keys, tmp, ks.len);
        cs->c = nd_malloc(a, n * sizeof *cs->c);
        if (!cs->c) {
            nd_detail_set(s->detail, "stories: %zu candidate stories: out of memory", n);
            st = ND_E_NOMEM;
        }
        for (size_t i = 0; st == ND_OK && i < n; i++) {
            const uint64_t story = keys[i] >> 1;
            if (cs->n && cs->c[cs->n - 1].story == story)
                continue; /* found under a term too: the linked one (first) counts */
            cs->c[cs->n++] =
                (cand){story, keys[i] & 1 ? 0 : s->ix->params.link_bonus, 0, NULL};
        }
    }
    nd_free(a, tmp);
    nd_vec_free(&ks, a);
    return st;
}

/* Indexes story r under the first terms of t (heaviest first) not indexed
 * yet, at most `most` of them, while it has room. */
static nd_status index_terms(nd_index_session *s, MDB_txn *txn, srec *r, const nd_term *t,
                             size_t n, size_t most, int write)
{
    for (size_t q = 0; q < n && q < most && r->nindexed < MAX_INDEXED; q++) {
        int seen = 0;
        for (uint32_t z = 0; z < r->nindexed && !seen; z++)
            seen = r->indexed[z] == t[q].id;
        if (seen)
            continue;
        r->indexed[r->nindexed++] = t[q].id;
        if (write) {
            const nd_status st = tkey_put(s, txn, t[q].id, r->id, 1);
            if (st != ND_OK)
                return st;
        }
    }
    return ND_OK;
}

/* Adds u (a vector in term frequency space) to story r's centroid, pruned to
 * its heaviest terms by the idf now, as nd_story_cluster's story_add;
 * indexes the story under the document's query terms (qt, nq: its vector
 * weighed now, heaviest first), then under its centroid's heaviest terms;
 * writes the index terms it gains. */
static nd_status story_grow(nd_index_session *s, MDB_txn *txn, idfc *c, srec *r,
                            const nd_term *v, size_t nv, const nd_term *qt, size_t nq,
                            int write)
{
    nd_term m[ND_STORY_CENTROID_TERMS + ND_STORY_MAX_TERMS];
    nd_term x[ND_STORY_CENTROID_TERMS + ND_STORY_MAX_TERMS]; /* weighed by the idf now */
    nd_status st;
    size_t i = 0, j = 0, n = 0;
    while (i < r->nc || j < nv) {
        if (j == nv || (i < r->nc && r->c[i].id < v[j].id))
            m[n++] = r->c[i++];
        else if (i == r->nc || v[j].id < r->c[i].id)
            m[n++] = v[j++];
        else {
            m[n] = r->c[i++];
            m[n++].w += v[j++].w;
        }
    }
    /* x: the weights now, w the position in m (as a float: n < 2^24) */
    for (size_t q = 0; q < n; q++) {
        double idf;
        if ((st = idf_of(s, txn, c, m[q].id, &idf)) != ND_OK)
            return st;
        x[q].id = m[q].id;
        x[q].w = (float)((double)m[q].w * idf);
    }
    if (n > ND_STORY_CENTROID_TERMS) {
        nd_term y[ND_STORY_CENTROID_TERMS + ND_STORY_MAX_TERMS];
        memcpy(y, x, n * sizeof *x);
        qsort(y, n, sizeof *y, cmp_term_w_desc);
        /* keep m's terms among the heaviest: y's first ids, found in m (sorted) */
        nd_term k[ND_STORY_CENTROID_TERMS];
        for (size_t q = 0; q < ND_STORY_CENTROID_TERMS; q++)
            k[q] = y[q];
        qsort(k, ND_STORY_CENTROID_TERMS, sizeof *k, cmp_term_id);
        size_t o = 0, z = 0;
        for (size_t q = 0; q < n && z < ND_STORY_CENTROID_TERMS; q++)
            if (m[q].id == k[z].id) {
                x[o] = k[z++];
                m[o++] = m[q];
            }
        n = o;
    }
    if (n)
        memcpy(r->c, m, n * sizeof *m);
    r->nc = (uint32_t)n;
    if ((st = index_terms(s, txn, r, qt, nq, ND_STORY_QUERY_TERMS, write)) != ND_OK)
        return st;
    if (r->nindexed < MAX_INDEXED && n) {
        qsort(x, n, sizeof *x, cmp_term_w_desc);
        return index_terms(s, txn, r, x, n, ND_STORY_INDEX_TERMS, write);
    }
    return ND_OK;
}

nd_status ndi_story_place(nd_index_session *s, MDB_txn *txn, uint64_t seq,
                          const nd_index_doc *doc, const uint64_t *linked, size_t nlinked,
                          int write, nd_index_answer *ans)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    const nd_params *p = &s->ix->params;
    ans->has_story = 0;
    ans->story = 0;
    ans->new_story = 0;
    ans->story_similarity = 0;
    ans->story_size = 0;
    if (!p->index_stories)
        return ND_OK;
    swork w;
    sw_init(&w);
    cands cs = {NULL, 0};
    idfc ic;
    memset(&ic, 0, sizeof ic);
    srec *r = nd_malloc(a, sizeof *r), *best = nd_malloc(a, sizeof *best);
    smeta m;
    nd_status st;
    if (!r || !best) {
        nd_detail_set(s->detail, "stories: the story records: out of memory");
        st = ND_E_NOMEM;
        goto fail;
    }
    ND_TRY(meta_read(s, txn, &m));
    ND_TRY(doc_terms(s, &w, doc->lang, doc->lang_len, doc->title, doc->title_len, doc->text,
                     doc->text_len));
    const size_t nt = w.acc.len;
    const nd_term *raw = w.acc.data;
    w.df = nd_malloc(a, (nt ? nt : 1) * sizeof *w.df);
    w.vec = nd_malloc(a, (nt ? nt : 1) * sizeof *w.vec);
    if (!w.df || !w.vec) {
        nd_detail_set(s->detail, "stories: the %zu terms of a document: out of memory", nt);
        st = ND_E_NOMEM;
        goto fail;
    }
    /* the document counts in N and in the df of its terms */
    for (size_t i = 0; i < nt; i++) {
        uint32_t df;
        ND_TRY(df_get(s, txn, raw[i].id, &df));
        w.df[i] = df < UINT32_MAX ? df + 1 : df;
        if (write)
            ND_TRY(df_set(s, txn, raw[i].id, w.df[i]));
    }
    const uint64_t N = m.docs + 1;
    w.nv = nd_story_weigh(raw, nt, w.vec, N, df_at, w.df);
    ic.N = N;
    ic.raw = raw;
    ic.nraw = nt;
    ic.add_self = !write;
    /* u: the vector in term frequency space (its weights over their idf) */
    w.u = nd_malloc(a, (w.nv ? w.nv : 1) * sizeof *w.u);
    if (!w.u) {
        nd_detail_set(s->detail, "stories: a document's vector: out of memory");
        st = ND_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0, j = 0; i < w.nv; i++) {
        while (j < nt && raw[j].id < w.vec[i].id)
            j++;
        const double idf = j < nt ? nd_story_idf(N, w.df[j]) : 1;
        w.u[i].id = w.vec[i].id;
        w.u[i].w = (float)(idf > 0 ? w.vec[i].w / idf : 0);
    }
    ND_TRY(candidates(s, txn, w.vec, w.nv, linked, nlinked, &cs));
    /* The open candidate with the best score; ties to the lower story. First
     * each open candidate's bound (score_bound, its record read once: the
     * pointer stays valid, nothing is written before the scores), then the
     * candidates by bound, highest first, scored until the next bound cannot
     * reach the best score (nor the threshold): most are never scored. */
    const int dated = doc->has_date && isfinite(doc->date_days);
    double bs = -1, bcos = 0;
    int have = 0;
    /* the memo as of the snapshot this transaction reads (a write: the one
     * before it; its own writes are marked) */
    const size_t snap = mdb_txn_id(txn) - (write ? 1 : 0);
    vfilter vf;
    vfilter_make(&vf, w.vec, w.nv);
    uint32_t ids[ND_STORY_CENTROID_TERMS];
    size_t nopen = 0;
    for (size_t i = 0; i < cs.n; i++) {
        const unsigned char *rec = NULL;
        double sb;
        if (!sm_get(s->ix, cs.c[i].story, snap, r, &vf, &sb)) {
            size_t len;
            st = srec_get(s, txn, cs.c[i].story, &rec, &len);
            if (st == ND_E_PARAM)
                continue; /* a linked document's story gone: not a candidate */
            if (st != ND_OK)
                goto fail;
            srec_head(rec, cs.c[i].story, r);
            srec_ids(rec, r, ids);
            sm_put(s->ix, snap, r, ids);
            sb = score_bound(&vf, ids, r->nc);
        }
        if (story_closed(p, doc, dated, r->dated, r->last, r->earliest))
            continue; /* closed (after its last member, or before its first) */
        /* the slack covers the rounding of both sums, under 1e-12 for 200 terms */
        const double bound = sb + 1e-9 + cs.c[i].bonus;
        if (bound < p->story_threshold)
            continue; /* cannot reach the threshold */
        cand c = cs.c[i];
        c.bound = bound;
        c.rec = rec;
        cs.c[nopen++] = c;
    }
    if (nopen > 1)
        qsort(cs.c, nopen, sizeof *cs.c, cmp_cand_bound);
    for (size_t i = 0; i < nopen; i++) {
        if (have && cs.c[i].bound < bs)
            break; /* nor can any after it beat the best */
        const unsigned char *rec = cs.c[i].rec;
        if (!rec) { /* known from the memo: its record now */
            size_t len;
            ND_TRY(srec_get(s, txn, cs.c[i].story, &rec, &len));
        }
        srec_head(rec, cs.c[i].story, r);
        srec_body(rec, r);
        double cosv;
        ND_TRY(score_story(s, txn, &ic, r, w.vec, w.nv, &cosv));
        const double sc = cosv + cs.c[i].bonus;
        if (!have || sc > bs || (sc == bs && cs.c[i].story < best->id)) {
            bs = sc;
            bcos = cosv;
            have = 1;
            srec *t = best; /* r becomes the best; the old best its room */
            best = r;
            r = t;
        }
    }
    st = ND_OK;
    if (!have || bs < p->story_threshold) {
        memset(best, 0, sizeof *best);
        best->id = m.next;
        best->first = seq;
        ans->new_story = 1;
        ans->story_similarity = 1;
        if (m.next >= MAX_STORY) {
            nd_detail_set(s->detail, "stories: more than %llu stories",
                          (unsigned long long)(MAX_STORY - 1));
            st = ND_E_LIMIT;
            goto fail;
        }
        m.next++;
        m.stories++;
    } else {
        ans->story_similarity = bcos;
    }
    best->size++;
    if (dated && (!best->dated || doc->date_days < best->earliest))
        best->earliest = doc->date_days;
    if (dated && (!best->dated || doc->date_days > best->last)) {
        best->last = doc->date_days;
        best->dated = 1;
    }
    /* the document's query terms: its vector, heaviest first */
    nd_term qt[ND_STORY_MAX_TERMS]; /* nd_story_weigh keeps at most this many */
    if (w.nv)
        memcpy(qt, w.vec, w.nv * sizeof *qt);
    qsort(qt, w.nv, sizeof *qt, cmp_term_w_desc);
    ND_TRY(story_grow(s, txn, &ic, best, w.u, w.nv, qt, w.nv, write));
    if (write) {
        m.docs = N;
        ND_TRY(srec_write(s, txn, best));
        ND_TRY(vec_write(s, txn, seq, best->id, w.u, w.nv));
        ND_TRY(meta_write(s, txn, &m));
    }
    ans->has_story = 1;
    ans->story = best->id;
    ans->story_size = best->size;
    st = ND_OK;
fail:
    sw_free(&w, a);
    idfc_free(&ic, a);
    nd_free(a, cs.c);
    nd_free(a, r);
    nd_free(a, best);
    return st;
}

/* ---- removing ------------------------------------------------------------------------------ */

nd_status ndi_story_unplace(nd_index_session *s, MDB_txn *txn, uint64_t seq,
                            const ndi_doc *d, const char *text, size_t len)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    if (!s->ix->params.index_stories)
        return ND_OK;
    swork w;
    sw_init(&w);
    srec *r = nd_malloc(a, sizeof *r);
    nd_term v[ND_STORY_MAX_TERMS];
    size_t nv = 0;
    uint64_t story = 0;
    smeta m;
    nd_status st;
    if (!r) {
        nd_detail_set(s->detail, "stories: a story record: out of memory");
        st = ND_E_NOMEM;
        goto fail;
    }
    ND_TRY(meta_read(s, txn, &m));
    /* the frequencies: its raw terms, made again from its text */
    ND_TRY(doc_terms(s, &w, d->lang, d->lang_len, d->title, d->title_len, text, len));
    const nd_term *raw = w.acc.data;
    for (size_t i = 0; i < w.acc.len; i++) {
        uint32_t df;
        ND_TRY(df_get(s, txn, raw[i].id, &df));
        ND_TRY(df_set(s, txn, raw[i].id, df ? df - 1 : 0));
    }
    if (m.docs)
        m.docs--;
    /* its story: the vector it brought, taken out of the centroid */
    st = vec_read(s, txn, seq, &story, v, &nv);
    if (st == ND_E_PARAM) {
        story = d->has_story ? d->story : 0;
        nv = 0;
    } else if (st != ND_OK) {
        goto fail;
    }
    st = ND_OK;
    if (story) {
        st = srec_read(s, txn, story, r);
        if (st == ND_E_PARAM) {
            st = ND_OK; /* gone already */
        } else if (st != ND_OK) {
            goto fail;
        } else if (r->size <= 1) {
            unsigned char kb[8];
            ndi_be64(story, kb);
            MDB_val key = {8, kb};
            ND_TRY(sm_mark(s, txn, story, 1));
            const int rc = mdb_del(txn, s->ix->db.stories, &key, NULL);
            if (rc && rc != MDB_NOTFOUND) {
                st = ndi_mdb_status(s->detail, rc, "deleting a story");
                goto fail;
            }
            for (uint32_t i = 0; i < r->nindexed; i++)
                ND_TRY(tkey_put(s, txn, r->indexed[i], story, 0));
            if (m.stories)
                m.stories--;
        } else {
            r->size--;
            size_t i = 0, j = 0, n = 0;
            while (i < r->nc) { /* both sorted by id */
                nd_term t = r->c[i++];
                while (j < nv && v[j].id < t.id)
                    j++;
                if (j < nv && v[j].id == t.id)
                    t.w -= v[j++].w;
                if (t.w > 1e-6f)
                    r->c[n++] = t;
            }
            r->nc = (uint32_t)n;
            ND_TRY(srec_write(s, txn, r));
        }
    }
    unsigned char vk[9];
    vkey(seq, vk);
    MDB_val key = {9, vk};
    const int rc = mdb_del(txn, s->ix->db.stories, &key, NULL);
    if (rc && rc != MDB_NOTFOUND) {
        st = ndi_mdb_status(s->detail, rc, "deleting a document's story vector");
        goto fail;
    }
    ND_TRY(meta_write(s, txn, &m));
    st = ND_OK;
fail:
    sw_free(&w, a);
    nd_free(a, r);
    return st;
}

/* ---- verifying ------------------------------------------------------------------------------ */

/* One disagreement: counted, the first named in the detail. */
static void problem(nd_index_session *s, uint64_t *problems, const char *what, uint64_t which)
{
    if (!*problems) /* index.c puts "stories: " before it */
        nd_detail_set(s->detail, "%s %llu", what, (unsigned long long)which);
    ++*problems;
}

typedef struct u64vec {
    uint64_t *v;
    size_t n, cap;
} u64vec;

static nd_status u64_push(nd_index_session *s, u64vec *x, uint64_t v)
{
    if (x->n == x->cap) {
        const size_t cap = x->cap ? x->cap * 2 : 1024;
        uint64_t *nv = nd_malloc(&s->ix->alloc, cap * sizeof *nv);
        if (!nv) {
            nd_detail_set(s->detail, "stories: verifying: %zu values: out of memory", cap);
            return ND_E_NOMEM;
        }
        if (x->n)
            memcpy(nv, x->v, x->n * sizeof *nv);
        nd_free(&s->ix->alloc, x->v);
        x->v = nv;
        x->cap = cap;
    }
    x->v[x->n++] = v;
    return ND_OK;
}

static int cmp_u64(const void *x, const void *y)
{
    const uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* How many times v is in the sorted x. */
static size_t u64_count(const u64vec *x, uint64_t v)
{
    const size_t lo = nd_lower_bound_u64(x->v, x->n, v);
    size_t e = lo;
    while (e < x->n && x->v[e] == v)
        e++;
    return e - lo;
}

/* Pass 1: the documents: their stories (members: story ids, one per
 * member), their vectors, and every raw term (terms: id per document). */
static nd_status verify_docs(nd_index_session *s, MDB_txn *txn, swork *w, u64vec *members,
                             u64vec *docs, u64vec *terms, uint64_t *problems)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->ix->db.docs, &cur);
    if (rc)
        return ndi_mdb_status(s->detail, rc, "verifying the stories");
    nd_status st = ND_OK;
    MDB_val key, val;
    nd_term v[ND_STORY_MAX_TERMS];
    for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); !rc && st == ND_OK;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
        if (key.mv_size != 8)
            continue;
        const uint64_t seq = ndi_get_be64(key.mv_data);
        ndi_doc d;
        if ((st = ndi_doc_read(s, txn, seq, &d)) != ND_OK)
            break;
        if ((st = u64_push(s, docs, seq)) != ND_OK)
            break;
        uint64_t story = 0;
        size_t nv;
        st = vec_read(s, txn, seq, &story, v, &nv);
        if (st == ND_E_PARAM) {
            problem(s, problems, "no story vector for document", seq);
            st = ND_OK;
        } else if (st == ND_E_CORRUPT) {
            problem(s, problems, "a damaged story vector for document", seq);
            st = ND_OK;
        } else if (st != ND_OK) {
            break;
        } else if (!d.has_story || d.story != story) {
            problem(s, problems, "the story of the record and of the vector differ, document",
                    seq);
        }
        if (d.has_story && (st = u64_push(s, members, d.story)) != ND_OK)
            break;
        const char *text;
        size_t len;
        if ((st = ndi_doc_text(s, txn, seq, &text, &len)) != ND_OK)
            break;
        if ((st = doc_terms(s, w, d.lang, d.lang_len, d.title, d.title_len, text, len)) !=
            ND_OK)
            break;
        const nd_term *raw = w->acc.data;
        for (size_t i = 0; i < w->acc.len && st == ND_OK; i++)
            st = u64_push(s, terms, raw[i].id);
    }
    if (st == ND_OK && rc && rc != MDB_NOTFOUND)
        st = ndi_mdb_status(s->detail, rc, "verifying the stories");
    mdb_cursor_close(cur);
    return st;
}

/* Pass 2: the frequencies against the documents' terms, both ways. */
static nd_status verify_terms(nd_index_session *s, MDB_txn *txn, const u64vec *terms,
                              uint64_t *problems)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->ix->db.terms, &cur);
    if (rc)
        return ndi_mdb_status(s->detail, rc, "verifying the term frequencies");
    MDB_val key, val;
    size_t i = 0; /* terms->v sorted: its runs are the expected (id, df) */
    for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); !rc;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
        if (key.mv_size != 4 || val.mv_size != 4) {
            problem(s, problems, "a damaged term frequency record of size", key.mv_size);
            continue;
        }
        const uint32_t id = get_be32(key.mv_data), df = get_be32(val.mv_data);
        while (i < terms->n && terms->v[i] < id) {
            problem(s, problems, "no frequency for term", terms->v[i]);
            const uint64_t x = terms->v[i];
            while (i < terms->n && terms->v[i] == x)
                i++;
        }
        size_t e = i;
        while (e < terms->n && terms->v[e] == id)
            e++;
        if (e - i != df)
            problem(s, problems, "a wrong frequency for term", id);
        i = e;
    }
    while (i < terms->n) {
        problem(s, problems, "no frequency for term", terms->v[i]);
        const uint64_t x = terms->v[i];
        while (i < terms->n && terms->v[i] == x)
            i++;
    }
    mdb_cursor_close(cur);
    return rc && rc != MDB_NOTFOUND ? ndi_mdb_status(s->detail, rc, "verifying the terms")
                                    : ND_OK;
}

/* Pass 3: the "stories" records against the documents. */
static nd_status verify_stories(nd_index_session *s, MDB_txn *txn, const u64vec *members,
                                const u64vec *docs, uint64_t ndocs_terms, srec *r,
                                uint64_t *problems)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->ix->db.stories, &cur);
    if (rc)
        return ndi_mdb_status(s->detail, rc, "verifying the stories");
    nd_status st = ND_OK;
    MDB_val key, val;
    uint64_t nstories = 0, nvec = 0, maxstory = 0;
    int have_meta = 0;
    for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); !rc && st == ND_OK;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
        const unsigned char *k = key.mv_data;
        if (key.mv_size == 8) {
            const uint64_t id = ndi_get_be64(k);
            nstories++;
            if (id > maxstory)
                maxstory = id;
            st = srec_read(s, txn, id, r);
            if (st == ND_E_CORRUPT) {
                problem(s, problems, "a damaged record of story", id);
                st = ND_OK;
            } else if (st == ND_OK && r->size != u64_count(members, id)) {
                problem(s, problems, "a wrong member count in story", id);
            }
        } else if (key.mv_size == 13 && k[0] == 'T') {
            const uint64_t id = ndi_get_be64(k + 5);
            if (!u64_count(members, id))
                problem(s, problems, "an index term of a story without members:", id);
        } else if (key.mv_size == 9 && k[0] == 'V') {
            const uint64_t seq = ndi_get_be64(k + 1);
            nvec++;
            if (!u64_count(docs, seq))
                problem(s, problems, "a story vector of a document not indexed:", seq);
        } else if (key.mv_size == 1 && k[0] == 'M') {
            have_meta = 1;
        } else {
            problem(s, problems, "an unknown stories record of size", key.mv_size);
        }
    }
    if (st == ND_OK && rc && rc != MDB_NOTFOUND)
        st = ndi_mdb_status(s->detail, rc, "verifying the stories");
    mdb_cursor_close(cur);
    if (st != ND_OK)
        return st;
    smeta m;
    st = meta_read(s, txn, &m);
    if (st == ND_E_CORRUPT) {
        problem(s, problems, "a damaged counters record", 0);
        return ND_OK;
    }
    if (st != ND_OK)
        return st;
    if (have_meta && m.docs != ndocs_terms)
        problem(s, problems, "the counters count documents:", m.docs);
    if (have_meta && m.stories != nstories)
        problem(s, problems, "the counters count stories:", m.stories);
    if (nstories && m.next <= maxstory)
        problem(s, problems, "the next story number is taken:", m.next);
    if (nvec != docs->n)
        problem(s, problems, "story vectors for documents:", nvec);
    return ND_OK;
}

nd_status ndi_story_verify(nd_index_session *s, MDB_txn *txn, uint64_t *problems)
{
    const nd_alloc_ctx *a = &s->ix->alloc;
    *problems = 0;
    if (!s->ix->params.index_stories)
        return ND_OK;
    swork w;
    sw_init(&w);
    u64vec members = {NULL, 0, 0}, docs = {NULL, 0, 0}, terms = {NULL, 0, 0};
    srec *r = nd_malloc(a, sizeof *r);
    nd_status st;
    if (!r) {
        nd_detail_set(s->detail, "stories: verifying: out of memory");
        st = ND_E_NOMEM;
        goto fail;
    }
    ND_TRY(verify_docs(s, txn, &w, &members, &docs, &terms, problems));
    if (members.n)
        qsort(members.v, members.n, sizeof *members.v, cmp_u64);
    if (docs.n)
        qsort(docs.v, docs.n, sizeof *docs.v, cmp_u64);
    if (terms.n)
        qsort(terms.v, terms.n, sizeof *terms.v, cmp_u64);
    ND_TRY(verify_terms(s, txn, &terms, problems));
    ND_TRY(verify_stories(s, txn, &members, &docs, docs.n, r, problems));
    st = ND_OK;
fail:
    sw_free(&w, a);
    nd_free(a, members.v);
    nd_free(a, docs.v);
    nd_free(a, terms.v);
    nd_free(a, r);
    return st;
}

nd_status ndi_story_counts(nd_index_session *s, MDB_txn *txn, uint64_t *stories,
                           uint64_t *terms)
{
    smeta m;
    *stories = *terms = 0;
    if (!s->ix->params.index_stories)
        return ND_OK;
    const nd_status st = meta_read(s, txn, &m);
    if (st != ND_OK)
        return st;
    MDB_stat ms;
    const int rc = mdb_stat(txn, s->ix->db.terms, &ms);
    if (rc)
        return ndi_mdb_status(s->detail, rc, "counting the terms");
    *stories = m.stories;
    *terms = ms.ms_entries;
    return ND_OK;
}

/*
 * ibands.c - the index's band keys (or SimHash table keys), packed in
 * buckets: which documents hold a key, and a batch's keys merged in.
 *
 * DESIGN
 *   The "bands" table holds every (key, seq) pair of the indexed documents
 *   (a document has ND_P_BANDS of them; 14 at the defaults), sorted by key,
 *   then seq, cut into runs of at most NDI_BUCKET_MAX pairs: the buckets.
 *   A bucket is stored under its first pair (16 bytes, key and seq
 *   big-endian, so that LMDB's order is the pairs' order) and holds the pairs
 *   from there up to the next bucket's first. A key's pairs may span
 *   buckets (a key shared by many documents: a family of copies); the
 *   buckets need not cut at a key.
 *
 *   Why not one LMDB entry a pair (a dupsort table, as "exact" is). Keys are
 *   hashes: a batch's keys land on random leaves. One entry a pair costs a
 *   cursor search and a node insert per pair, and in a write transaction
 *   every page reached also costs a search of LMDB's dirty page list;
 *   measured on 1,000,000 bench documents, the band keys' puts were most of
 *   an add's time. A batch's pairs, sorted, are merged into the buckets in
 *   one pass: a read, a merge and a write a bucket (a tenth of the
 *   operations, at 9 to 12 pairs a bucket touched), with the lookups done
 *   on the way (each key's pairs indexed before the batch are collected from
 *   the buckets the pass reads anyway). Pairs are 16 bytes, against 26 for
 *   a dupsort entry of one value.
 *
 *   A bucket's value: version (u32), count n (u32), n x (key u64, seq u64),
 *   XXH3-64 of the preceding bytes (u64), all little-endian; at most
 *   NDI_BUCKET_MAX pairs, so that a bucket stays inside an LMDB leaf page
 *   (a value over about 2 KB would take overflow pages of its own, which
 *   LMDB must find contiguous on every rewrite). A bucket that would hold
 *   more is cut into buckets of NDI_BUCKET_FILL or fewer (room for the next
 *   batches); removal may leave small buckets, which are not merged back
 *   (an empty one is deleted).
 *
 *   A batch's pairs come with seqs above every indexed one: a key's new
 *   pairs follow its indexed ones, in the last bucket that starts at or
 *   before the key's end.
 */
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "index_internal.h"

#define NDI_BUCKET_VERSION 1u
#define NDI_BUCKET_MAX 120u  /* 8 + 120 x 16 + 8 = 1936 bytes: inside a 4 KB page's node */
#define NDI_BUCKET_FILL 96u  /* pairs a bucket gets when one is cut */

typedef struct pair {
    uint64_t key, seq;
} pair;

static int pair_lt(pair a, pair b) { return a.key < b.key || (a.key == b.key && a.seq < b.seq); }

static int pair_eq(pair a, pair b) { return a.key == b.key && a.seq == b.seq; }

static void pair_key(pair p, unsigned char out[16])
{
    ndi_be64(p.key, out);
    ndi_be64(p.seq, out + 8);
}

static int key_pair(const MDB_val *k, pair *p)
{
    if (k->mv_size != 16)
        return -1;
    p->key = ndi_get_be64(k->mv_data);
    p->seq = ndi_get_be64((const unsigned char *)k->mv_data + 8);
    return 0;
}

/* A bucket decoded: its first pair (its LMDB key) and its pairs. */
typedef struct bucket {
    int real;   /* 0: the place before the first bucket (no record) */
    pair first; /* its key in the table */
    pair *p;
    size_t n, cap;
} bucket;

static nd_status grow(nd_index_session *s, pair **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return ND_OK;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    pair *q = nd_malloc(&s->ix->alloc, c * sizeof *q);
    if (!q) {
        nd_detail_set(s->detail, "band keys: %zu pairs: out of memory", need);
        return ND_E_NOMEM;
    }
    if (*cap)
        memcpy(q, *p, *cap * sizeof *q);
    nd_free(&s->ix->alloc, *p);
    *p = q;
    *cap = c;
    return ND_OK;
}

static nd_status damaged(nd_index_session *s, const char *what)
{
    nd_detail_set(s->detail, "a band key bucket %s (damaged index)", what);
    return ND_E_CORRUPT;
}

/* Decodes the bucket at (k, v) into b. */
static nd_status decode(nd_index_session *s, const MDB_val *k, const MDB_val *v, bucket *b)
{
    const unsigned char *q = v->mv_data;
    b->real = 1;
    b->n = 0;
    if (key_pair(k, &b->first) != 0)
        return damaged(s, "has a key of the wrong size");
    if (v->mv_size < 24 || XXH3_64bits(q, v->mv_size - 8) != ndi_get_le64(q + v->mv_size - 8))
        return damaged(s, "fails its checksum");
    const uint32_t n = ndi_get_le32(q + 4);
    if (ndi_get_le32(q) != NDI_BUCKET_VERSION || n == 0 || n > NDI_BUCKET_MAX ||
        v->mv_size != 16 + (size_t)n * 16)
        return damaged(s, "has the wrong size or version");
    nd_status st = grow(s, &b->p, &b->cap, n);
    if (st != ND_OK)
        return st;
    for (uint32_t i = 0; i < n; i++) {
        b->p[i].key = ndi_get_le64(q + 8 + (size_t)i * 16);
        b->p[i].seq = ndi_get_le64(q + 16 + (size_t)i * 16);
        if (i ? !pair_lt(b->p[i - 1], b->p[i])
              : !pair_eq(b->p[0], b->first))
            return damaged(s, "is out of order");
    }
    b->n = n;
    return ND_OK;
}

/* Writes p[0..n) (1 <= n <= NDI_BUCKET_MAX) as the bucket keyed by p[0],
 * through cursor c when given (a cursor near the place saves LMDB the
 * descent from the root), else mdb_put. */
static nd_status put_bucket(nd_index_session *s, MDB_txn *txn, MDB_cursor *c, const pair *p,
                            size_t n)
{
    unsigned char buf[16 + NDI_BUCKET_MAX * 16];
    ndi_put_le32(buf, NDI_BUCKET_VERSION);
    ndi_put_le32(buf + 4, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        ndi_put_le64(buf + 8 + i * 16, p[i].key);
        ndi_put_le64(buf + 16 + i * 16, p[i].seq);
    }
    const size_t len = 8 + n * 16;
    ndi_put_le64(buf + len, XXH3_64bits(buf, len));
    unsigned char kb[16];
    pair_key(p[0], kb);
    MDB_val k = {16, kb}, v = {len + 8, buf};
    const int rc = c ? mdb_cursor_put(c, &k, &v, 0) : mdb_put(txn, s->ix->db.bands, &k, &v, 0);
    return rc ? ndi_mdb_status(s->detail, rc, "writing band keys") : ND_OK;
}

static nd_status del_bucket(nd_index_session *s, MDB_txn *txn, pair first)
{
    unsigned char kb[16];
    pair_key(first, kb);
    MDB_val k = {16, kb};
    const int rc = mdb_del(txn, s->ix->db.bands, &k, NULL);
    return rc ? ndi_mdb_status(s->detail, rc, "removing band keys") : ND_OK;
}

/* Writes p[0..n) in place of bucket b (whose first pair p[0] keeps, when
 * b is real): one bucket, or several of NDI_BUCKET_FILL or fewer. */
static nd_status write_run(nd_index_session *s, MDB_txn *txn, MDB_cursor *c, const bucket *b,
                           const pair *p, size_t n)
{
    nd_status st;
    if (b->real && (!n || !pair_eq(p[0], b->first)))
        if ((st = del_bucket(s, txn, b->first)) != ND_OK)
            return st;
    if (!n)
        return ND_OK;
    if (n <= NDI_BUCKET_MAX)
        return put_bucket(s, txn, c, p, n);
    const size_t parts = (n + NDI_BUCKET_FILL - 1) / NDI_BUCKET_FILL;
    for (size_t i = 0, at = 0; i < parts; i++) {
        const size_t len = (n - at) / (parts - i);
        if ((st = put_bucket(s, txn, c, p + at, len)) != ND_OK)
            return st;
        at += len;
    }
    return ND_OK;
}

/* ---- finding a pair's bucket ------------------------------------------------ */

/* Loads into b the bucket holding `at` (the last whose first pair is <= at;
 * b->real = 0 when `at` comes before every bucket), and into *next the first
 * pair of the bucket after it (*has_next = 0 when none). */
static nd_status locate(nd_index_session *s, MDB_cursor *c, pair at, bucket *b, pair *next,
                        int *has_next)
{
    unsigned char kb[16];
    pair_key(at, kb);
    MDB_val k = {16, kb}, v;
    nd_status st;
    pair got;
    *has_next = 0;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    if (rc == 0) {
        if (key_pair(&k, &got) != 0)
            return damaged(s, "has a key of the wrong size");
        if (pair_eq(got, at)) {
            if ((st = decode(s, &k, &v, b)) != ND_OK)
                return st;
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
            if (rc == 0) {
                if (key_pair(&k, next) != 0)
                    return damaged(s, "has a key of the wrong size");
                *has_next = 1;
            } else if (rc != MDB_NOTFOUND) {
                return ndi_mdb_status(s->detail, rc, "reading band keys");
            }
            return ND_OK;
        }
        *next = got;
        *has_next = 1;
        rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
    } else if (rc == MDB_NOTFOUND) {
        rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
    }
    if (rc == MDB_NOTFOUND) {
        b->real = 0;
        b->n = 0;
        return ND_OK;
    }
    if (rc)
        return ndi_mdb_status(s->detail, rc, "reading band keys");
    return decode(s, &k, &v, b);
}

/* The first position in b of a pair >= at. */
static size_t lower_bound(const bucket *b, pair at)
{
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (pair_lt(b->p[mid], at))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Appends the seqs of b's pairs of key to out. */
static nd_status collect(nd_index_session *s, const bucket *b, uint64_t key, nd_vec *out)
{
    for (size_t i = lower_bound(b, (pair){key, 0}); i < b->n && b->p[i].key == key; i++) {
        const nd_status st = nd_vec_push(out, &s->ix->alloc, &b->p[i].seq);
        if (st != ND_OK)
            return st;
    }
    return ND_OK;
}

static void bucket_free(nd_index_session *s, bucket *b) { nd_free(&s->ix->alloc, b->p); }

static nd_status cursor(nd_index_session *s, MDB_txn *txn, MDB_cursor **c)
{
    const int rc = mdb_cursor_open(txn, s->ix->db.bands, c);
    return rc ? ndi_mdb_status(s->detail, rc, "opening the band keys") : ND_OK;
}

nd_status ndi_bands_collect(nd_index_session *s, MDB_txn *txn, const uint64_t *keys, size_t n,
                            nd_vec *out)
{
    MDB_cursor *c;
    nd_status st = cursor(s, txn, &c);
    if (st != ND_OK)
        return st;
    bucket b = {0};
    pair next;
    int has_next;
    for (size_t i = 0; i < n && st == ND_OK; i++) {
        const uint64_t key = keys[i];
        st = locate(s, c, (pair){key, 0}, &b, &next, &has_next);
        while (st == ND_OK) {
            if ((st = collect(s, &b, key, out)) != ND_OK || !has_next || next.key != key)
                break;
            st = locate(s, c, next, &b, &next, &has_next);
        }
    }
    bucket_free(s, &b);
    mdb_cursor_close(c);
    return st;
}

/* Loads into b the bucket that holds (or would hold) the pair (key, seq);
 * *pos its place there, *found whether it is there. */
static nd_status find_pair(nd_index_session *s, MDB_txn *txn, pair at, bucket *b, size_t *pos,
                           int *found)
{
    MDB_cursor *c;
    *found = 0;
    nd_status st = cursor(s, txn, &c);
    if (st != ND_OK)
        return st;
    pair next;
    int has_next;
    if ((st = locate(s, c, at, b, &next, &has_next)) == ND_OK) {
        *pos = lower_bound(b, at);
        *found = *pos < b->n && pair_eq(b->p[*pos], at);
    }
    mdb_cursor_close(c);
    return st;
}

nd_status ndi_bands_has(nd_index_session *s, MDB_txn *txn, uint64_t key, uint64_t seq, int *found)
{
    bucket b = {0};
    size_t pos;
    const nd_status st = find_pair(s, txn, (pair){key, seq}, &b, &pos, found);
    bucket_free(s, &b);
    return st;
}

nd_status ndi_bands_del(nd_index_session *s, MDB_txn *txn, uint64_t key, uint64_t seq)
{
    bucket b = {0};
    size_t pos;
    int found;
    nd_status st = find_pair(s, txn, (pair){key, seq}, &b, &pos, &found);
    if (st == ND_OK && found) {
        memmove(b.p + pos, b.p + pos + 1, (b.n - pos - 1) * sizeof *b.p);
        st = write_run(s, txn, NULL, &b, b.p, b.n - 1);
    }
    bucket_free(s, &b);
    return st;
}

nd_status ndi_bands_check(nd_index_session *s, MDB_txn *txn, uint64_t *pairs, uint64_t *bad)
{
    MDB_cursor *c;
    *pairs = *bad = 0;
    nd_status st = cursor(s, txn, &c);
    if (st != ND_OK)
        return st;
    bucket b = {0};
    pair last = {0, 0};
    int have_last = 0;
    MDB_val k, v;
    int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
    while (rc == 0) {
        st = decode(s, &k, &v, &b);
        if (st == ND_E_NOMEM)
            break;
        if (st != ND_OK || (have_last && !pair_lt(last, b.first))) {
            (*bad)++;
            st = ND_OK;
        } else {
            *pairs += b.n;
            last = b.p[b.n - 1];
            have_last = 1;
        }
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    if (st == ND_OK && rc != MDB_NOTFOUND)
        st = ndi_mdb_status(s->detail, rc, "reading band keys");
    bucket_free(s, &b);
    mdb_cursor_close(c);
    return st;
}

/* ---- a batch merged in --------------------------------------------------------- */

struct ndi_bmerge {
    nd_index_session *s;
    MDB_txn *txn;
    MDB_cursor *c;
    bucket b;       /* the bucket the last key fell in */
    int have;       /* b (and next) are loaded and unchanged on disk */
    pair next;      /* the first pair of the bucket after b */
    int has_next;
    pair *add;      /* the batch's pairs for b, in order */
    size_t nadd, cap_add;
    pair *out;      /* b's pairs and add merged */
    size_t cap_out;
};

nd_status ndi_bands_begin(nd_index_session *s, MDB_txn *txn, ndi_bmerge **out)
{
    *out = NULL;
    ndi_bmerge *m = nd_calloc(&s->ix->alloc, 1, sizeof *m);
    if (!m) {
        nd_detail_set(s->detail, "band keys: out of memory");
        return ND_E_NOMEM;
    }
    m->s = s;
    m->txn = txn;
    const nd_status st = cursor(s, txn, &m->c);
    if (st != ND_OK) {
        nd_free(&s->ix->alloc, m);
        return st;
    }
    *out = m;
    return ND_OK;
}

/* Writes b with the batch's pairs for it merged in. */
static nd_status flush(ndi_bmerge *m)
{
    nd_index_session *s = m->s;
    nd_status st = ND_OK;
    if (m->have && m->nadd) {
        const bucket *b = &m->b;
        if ((st = grow(s, &m->out, &m->cap_out, b->n + m->nadd)) != ND_OK)
            return st;
        size_t i = 0, j = 0, o = 0;
        while (i < b->n || j < m->nadd)
            m->out[o++] = j == m->nadd || (i < b->n && pair_lt(b->p[i], m->add[j])) ? b->p[i++]
                                                                                     : m->add[j++];
        st = write_run(s, m->txn, m->c, b, m->out, o);
    }
    m->nadd = 0;
    m->have = 0;
    return st;
}

/* Moves to the bucket holding `at`, writing the one left. */
static nd_status move_to(ndi_bmerge *m, pair at)
{
    nd_status st = flush(m);
    if (st != ND_OK)
        return st;
    st = locate(m->s, m->c, at, &m->b, &m->next, &m->has_next);
    m->have = st == ND_OK;
    return st;
}

nd_status ndi_bands_next(ndi_bmerge *m, uint64_t key, const uint64_t *seqs, size_t n, nd_vec *pool)
{
    nd_index_session *s = m->s;
    nd_status st;
    const pair at = {key, 0};
    const int inside = m->have && (!m->b.real || !pair_lt(at, m->b.first)) &&
                       (!m->has_next || pair_lt(at, m->next));
    if (!inside && (st = move_to(m, at)) != ND_OK)
        return st;
    /* the key's indexed pairs: here, and in the buckets that start with it */
    for (;;) {
        if ((st = collect(s, &m->b, key, pool)) != ND_OK)
            return st;
        if (!m->has_next || m->next.key != key)
            break;
        if ((st = move_to(m, m->next)) != ND_OK)
            return st;
    }
    /* its new pairs come after them, before the next bucket */
    if ((st = grow(s, &m->add, &m->cap_add, m->nadd + n)) != ND_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        m->add[m->nadd++] = (pair){key, seqs[i]};
    return ND_OK;
}

nd_status ndi_bands_end(ndi_bmerge *m) { return flush(m); }

void ndi_bands_free(ndi_bmerge *m)
{
    if (!m)
        return;
    nd_index_session *s = m->s;
    mdb_cursor_close(m->c);
    bucket_free(s, &m->b);
    nd_free(&s->ix->alloc, m->add);
    nd_free(&s->ix->alloc, m->out);
    nd_free(&s->ix->alloc, m);
}

/*
 * index_internal.h - what the index's parts share: the handles, the LMDB
 * databases, and the calls between index.c (records, exact hashes, bands,
 * clusters), ipassage.c (n-gram postings and passages) and istory.c (term
 * frequencies, story centroids).
 *
 * Keys: a document is named inside the index by its seq, a u64 written
 * big-endian (8 bytes) so that LMDB's byte order is index order. seq 0 is
 * never used (it means "no document" / "a query not added").
 */
#ifndef ND_INDEX_INTERNAL_H
#define ND_INDEX_INTERNAL_H

#include <lmdb.h>
#include <pthread.h>

#include "nd_internal.h"

#define NDI_FORMAT_VERSION 2u /* 2: band keys packed in buckets (ibands.c) */
#define NDI_MAX_ID 500u
/* Most band keys (or SimHash table keys) of one document. */
#define ND_MAX_INDEX_KEYS 1024u

/* The named databases (docs/index-format.md). */
typedef struct ndi_dbs {
    MDB_dbi meta;    /* "meta":   "header" -> header record; "counters" -> counters
                        record */
    MDB_dbi ids;     /* "ids":    id bytes -> seq (8 bytes BE) */
    MDB_dbi docs;    /* "docs":   seq -> document record (checksummed) */
    MDB_dbi sets;    /* "sets":   seq -> verification set (u32 shingles or
                        signature), checksummed */
    MDB_dbi texts;   /* "texts":  seq -> zstd text (checksummed); with passages or
                        stories */
    MDB_dbi exact;   /* "exact":  16-byte exact hash -> seq (dupsort, dupfixed) */
    MDB_dbi bands;   /* "bands":  (band key, seq) pairs packed in buckets; ibands.c */
    MDB_dbi members; /* "members": rep seq -> member seq (dupsort, dupfixed) */
    MDB_dbi grams;   /* "grams":  u64 n-gram hash (BE) -> seq (dupsort, dupfixed);
                        ipassage.c */
    MDB_dbi terms;   /* "terms":  term id u32 (BE) -> df u32; istory.c */
    MDB_dbi stories; /* "stories": story u64 (BE) -> story record; istory.c */
} ndi_dbs;

struct nd_index {
    nd_alloc_ctx alloc;
    nd_params params; /* the stored parameters */
    MDB_env *env;
    ndi_dbs db;
    unsigned flags;
    unsigned bands, rows; /* LSH layout (MinHash) */
    pthread_mutex_t write_lock;
    int lock_fd;      /* flock'd DIR/lock.writer, -1 read-only */
    struct ndi_story_memo *story_memo; /* what placing read of the stories (istory.c) */
    unsigned threads;           /* ND_P_THREADS given at open: sketching a batch */
    int made_dir, made_files;   /* what a create made (removed when it fails) */
    char *dir;
    char detail[ND_DETAIL_MAX];
};

/* The facts of one indexed document, decoded from its record. */
typedef struct ndi_doc {
    uint64_t seq, rep, story;
    nd_relation rel;       /* relation to rep */
    uint32_t count;        /* shared shingles (or equal signature values) with rep */
    uint32_t num_shingles; /* size of its verification set (the batch's count) */
    uint64_t length;
    int has_date, has_story;
    double date_days;
    const char *id, *date, *source, *title, *lang; /* point into the record */
    uint32_t id_len, date_len, source_len, title_len, lang_len;
} ndi_doc;

struct nd_index_session {
    nd_index *ix;
    nd_worker *worker;
    nd_worker **workers; /* with threads > 1: one per thread, [0] = worker */
    unsigned num_workers;
    struct ndi_block *blocks; /* the arena: strings of the answers (ids), freed per call */
    nd_vec answers;           /* nd_index_answer */
    nd_vec matches;           /* nd_index_match, all answers' */
    nd_vec passages;          /* nd_index_passage, all answers' */
    nd_vec text;              /* char: a decompressed text */
    nd_vec scratch;           /* bytes: records being built */
    nd_vec set;               /* u32: the verification set of the document under work */
    nd_vec cand;              /* u64: candidate seqs */
    nd_vec linked;            /* u64: seqs of its copies and passage partners (stories) */
    MDB_txn *rtxn;            /* the session's read transaction, reset between calls */
    struct bwalk *walk;       /* an add batch's keys (index.c), kept from batch to batch */
    unsigned parts;           /* ND_INDEX_ANSWER_*: what a query computes */
    struct ZSTD_CCtx_s *zc;   /* texts: made on first use, kept (ZSTD_compress and */
    struct ZSTD_DCtx_s *zd;   /* ZSTD_decompress would make one a call) */
    char detail[ND_DETAIL_MAX];
};

/* ---- encoding: values are little-endian, keys big-endian (one home) ------- */

static inline void ndi_put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static inline void ndi_put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static inline uint32_t ndi_get_le32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}
static inline uint64_t ndi_get_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}
static inline void ndi_put_f64(unsigned char *p, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    ndi_put_le64(p, v);
}
static inline double ndi_get_f64(const unsigned char *p)
{
    const uint64_t v = ndi_get_le64(p);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

/* ---- index.c: shared helpers -------------------------------------------- */

struct bwalk;
void ndi_walk_free(const nd_index *ix, struct bwalk *w);

/* 8-byte big-endian key of a u64. */
void ndi_be64(uint64_t v, unsigned char out[8]);
uint64_t ndi_get_be64(const void *p);
/* Maps an LMDB return code to a status, and writes "what: LMDB's reason" to
 * the detail. MDB_MAP_FULL never reaches here (the map grows). */
nd_status ndi_mdb_status(char *detail, int rc, const char *what);
/* Reads document seq's record. ND_E_PARAM when none, ND_E_CORRUPT when its
 * checksum or version fails. Pointers in out stay valid while txn lives. */
nd_status ndi_doc_read(nd_index_session *s, MDB_txn *txn, uint64_t seq, ndi_doc *out);
/* Its stored text (decompressed into s->text), valid until the next call. */
nd_status ndi_doc_text(nd_index_session *s, MDB_txn *txn, uint64_t seq, const char **text,
                       size_t *len);
/* Copies n bytes (plus a NUL) into the session's arena and returns a pointer
 * that stays valid until the session's next public call; NULL when out of
 * memory. */
const char *ndi_arena_dup(nd_index_session *s, const void *p, size_t n);

/* ---- ibands.c: band keys (or SimHash table keys) ----------------------------
 */

/* Appends to out (u64) the seqs of the documents holding each of keys[0..n). */
nd_status ndi_bands_collect(nd_index_session *s, MDB_txn *txn, const uint64_t *keys, size_t n,
                            nd_vec *out);
/* *found = whether document seq holds key. */
nd_status ndi_bands_has(nd_index_session *s, MDB_txn *txn, uint64_t key, uint64_t seq,
                        int *found);
/* Removes the pair (key, seq) (nothing when absent). */
nd_status ndi_bands_del(nd_index_session *s, MDB_txn *txn, uint64_t key, uint64_t seq);
/* Reads every bucket: *pairs held by the sound ones, *bad buckets damaged or
 * out of order. */
nd_status ndi_bands_check(nd_index_session *s, MDB_txn *txn, uint64_t *pairs, uint64_t *bad);
/* A batch's pairs merged in, one key at a time in increasing key order, each
 * key's seqs increasing and above every indexed seq: ndi_bands_next appends
 * the seqs that held the key before the batch to pool, then adds (key,
 * seqs[i]); ndi_bands_end writes what is pending; ndi_bands_free (also after
 * a failure) releases. */
typedef struct ndi_bmerge ndi_bmerge;
nd_status ndi_bands_begin(nd_index_session *s, MDB_txn *txn, ndi_bmerge **m);
nd_status ndi_bands_next(ndi_bmerge *m, uint64_t key, const uint64_t *seqs, size_t n,
                         nd_vec *pool);
nd_status ndi_bands_end(ndi_bmerge *m);
void ndi_bands_free(ndi_bmerge *m);

/* ---- ipassage.c: n-gram postings and passages -----------------------------
 */

/* Puts (or deletes) the postings of document seq (text[0..len), its tokens
 * tok): one per distinct n-gram (ND_P_NGRAM token hashes, nd_shingle_hashes)
 * that does not start in its mail or news header block (ND_P_HEADER_SEEDS). */
nd_status ndi_grams_put(nd_index_session *s, MDB_txn *txn, uint64_t seq, const char *text,
                        size_t len, const nd_token *tok, size_t nt);
nd_status ndi_grams_del(nd_index_session *s, MDB_txn *txn, uint64_t seq, const char *text,
                        size_t len, const nd_token *tok, size_t nt);
/* Passages between the document (text, facts; self = its seq or 0 for a
 * query, excluded from the candidates; group = the rep seq of its cluster:
 * documents of the same rep are copies and are not aligned unless
 * ND_P_PAIR_COPIES) and the indexed documents sharing rare n-grams with it.
 * Appends nd_index_passage to s->passages (`other` from ndi_arena_dup), in
 * the answer's order: by the other's seq, then start. */
nd_status ndi_passages(nd_index_session *s, MDB_txn *txn, uint64_t self, uint64_t group,
                       const nd_index_doc *doc, const nd_token *tok, size_t nt);

/* ---- istory.c: stories ------------------------------------------------------
 */

/* Places the document in a story: the open story (dated within
 * ND_P_STORY_WINDOW of its last member) whose centroid is most similar,
 * plus ND_P_LINK_BONUS when it holds one of linked[0..nlinked) (seqs of its
 * copies and passage partners), when that reaches ND_P_STORY_THRESHOLD;
 * else a new story. write = 1 (add): updates term frequencies, the story's
 * centroid and members; write = 0 (query): reads only. Fills the story
 * fields of ans. */
nd_status ndi_story_place(nd_index_session *s, MDB_txn *txn, uint64_t seq, const nd_index_doc *doc,
                          const uint64_t *linked, size_t nlinked, int write, nd_index_answer *ans);
/* Takes document seq (text, facts) out of its story and of the frequencies. */
nd_status ndi_story_unplace(nd_index_session *s, MDB_txn *txn, uint64_t seq, const ndi_doc *d,
                            const char *text, size_t len);
/* The counts nd_index_stats_get gives: stories, from istory's counters (the
 * "stories" table also holds the story index, the vectors and the counters),
 * and terms (the "terms" table holds nothing else). 0 without stories. */
nd_status ndi_story_counts(nd_index_session *s, MDB_txn *txn, uint64_t *stories,
                           uint64_t *terms);
/* The index's memo of stories (ix->story_memo, istory.c): made when the
 * index is open (nothing without stories), freed when it closes. */
nd_status ndi_story_memo_open(nd_index *ix);
void ndi_story_memo_close(nd_index *ix);
/* Checks the stories against the documents; counts disagreements. */
nd_status ndi_story_verify(nd_index_session *s, MDB_txn *txn, uint64_t *problems);

#endif

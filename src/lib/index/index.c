/*
 * index.c - the persistent index: one LMDB environment in a directory.
 *
 * DESIGN
 *   - Records. Every document has a record in "docs" (its facts, its place in
 *     the clustering, its band keys), a verification set in "sets" (the
 *     32-bit shingle set of exact verification, or the signature), and with
 *     passages or stories its text in "texts" (zstd). Each of them starts
 *     with a format version and ends with the XXH3-64 of the bytes before it:
 *     a record that fails either is refused (ND_E_CORRUPT), never half-read.
 *   - Lookups. "ids" names a document's seq; "exact" (hash -> seqs), "bands"
 *     (band key -> seqs) and "members" (rep -> seqs) are LMDB duplicate-sorted
 *     tables of 8-byte big-endian seqs, so a bucket reads in index order.
 *   - The clustering is the batch one (nd_dedup_run with ND_KEEP_FIRST), done
 *     one document at a time: a new document joins the first representative,
 *     in index order, among its candidates (same exact hash, or a shared band
 *     key) that it is an exact copy of, a near-duplicate of or contained in;
 *     else it is a representative. Batch visits documents in input order and
 *     each unplaced one takes in every later candidate it relates to: the
 *     same placement, so adding A then B gives the batch clusters of A + B.
 *   - Band keys are the batch's: per band, the 64-bit key folded to 32 bits
 *     (key ^ key >> 32), stored as band (u32 BE) + folded key (u32 BE).
 *   - Transactions. A batch of adds is one write transaction; a query is a
 *     read transaction (MVCC: it never blocks the writer). Writers of one
 *     process take the index's mutex; a second process that opens the index
 *     for writing is refused (an flock on DIR/lock.writer).
 *   - Removal of a representative re-forms its cluster from the remaining
 *     members in index order: the first becomes the representative, each
 *     next one joins the first of the new representatives it relates to, or
 *     becomes one. Other clusters are not revisited (docs/index-format.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "index_internal.h"

#define NDI_MAGIC "NDINDEX\0"
#define NDI_MAP_SIZE ((size_t)1 << 38) /* 256 GiB of address space; the file grows as used */
#define NDI_DOC_VERSION 1u
#define NDI_MAX_BATCH 1000000u

/* ---- small helpers ------------------------------------------------------- */

void ndi_be64(uint64_t v, unsigned char out[8])
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)v;
        v >>= 8;
    }
}

uint64_t ndi_get_be64(const void *p)
{
    const unsigned char *b = p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | b[i];
    return v;
}

/* An MDB_val for read-only bytes (LMDB never writes through a key or a
 * value given to it; its struct just has no const). */
static MDB_val mval(const void *p, size_t n)
{
    MDB_val v;
    v.mv_size = n;
    memcpy(&v.mv_data, &p, sizeof p);
    return v;
}

#define put_u32 ndi_put_le32
#define put_u64 ndi_put_le64
#define get_u32 ndi_get_le32
#define get_u64 ndi_get_le64

nd_status ndi_mdb_status(char *detail, int rc, const char *what)
{
    nd_status st;
    switch (rc) {
    case MDB_SUCCESS: return ND_OK;
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_BAD_TXN:
    case MDB_BAD_VALSIZE:
    case MDB_BAD_DBI: st = ND_E_CORRUPT; break;
    case MDB_VERSION_MISMATCH: st = ND_E_VERSION; break;
    case MDB_MAP_FULL:
    case MDB_DBS_FULL:
    case MDB_READERS_FULL:
    case MDB_TXN_FULL:
    case MDB_CURSOR_FULL:
    case MDB_PAGE_FULL: st = ND_E_LIMIT; break;
    case ENOMEM: st = ND_E_NOMEM; break;
    default: st = ND_E_IO; break;
    }
    if (detail)
        nd_detail_set(detail, "%s: %s", what, mdb_strerror(rc));
    return st;
}

/* A checksum over a record's bytes. */
static uint64_t sum64(const void *p, size_t n) { return XXH3_64bits(p, n); }

/* ---- the arena ------------------------------------------------------------
 */

typedef struct ndi_block {
    struct ndi_block *next;
    size_t used, cap;
    char data[];
} ndi_block;

static void arena_reset(nd_index_session *s)
{
    ndi_block *b = s->blocks;
    while (b) {
        ndi_block *n = b->next;
        nd_free(&s->ix->alloc, b);
        b = n;
    }
    s->blocks = NULL;
}

const char *ndi_arena_dup(nd_index_session *s, const void *p, size_t n)
{
    ndi_block *b = s->blocks;
    if (!b || b->cap - b->used < n + 1) {
        const size_t cap = n + 1 > 16384 ? n + 1 : 16384;
        b = nd_malloc(&s->ix->alloc, sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = s->blocks;
        s->blocks = b;
    }
    char *out = b->data + b->used;
    if (n)
        memcpy(out, p, n);
    out[n] = '\0';
    b->used += n + 1;
    return out;
}

/* ---- parameters in the header ---------------------------------------------
 */

/* The parameters that change what is stored or answered, in header order. */
static const nd_param k_stored[] = {
    ND_P_NGRAM,        ND_P_NUM_PERM,    ND_P_THRESHOLD,      ND_P_CONTAINMENT,
    ND_P_BANDS,        ND_P_ROWS,        ND_P_FN_WEIGHT,      ND_P_VERIFY,
    ND_P_KEEP,         ND_P_SEED,        ND_P_SCHEME,         ND_P_MAX_DOC,
    ND_P_MIN_WORDS,    ND_P_DF_MIN,      ND_P_DF_MAX,         ND_P_MAX_GAP,
    ND_P_SAME_SOURCE,  ND_P_WINDOW,      ND_P_PAIR_COPIES,    ND_P_STORY_THRESHOLD,
    ND_P_STORY_WINDOW, ND_P_NAME_WEIGHT, ND_P_TITLE_WEIGHT,   ND_P_LINK_BONUS,
    ND_P_METHOD,       ND_P_SIMHASH_K,   ND_P_INDEX_PASSAGES, ND_P_INDEX_STORIES};
#define NUM_STORED (sizeof k_stored / sizeof k_stored[0])
/* magic, format, sketch version, count, (id u32, value f64) each, checksum */
#define HEADER_SIZE (8 + 4 + 4 + 4 + NUM_STORED * 12 + 8)

static void header_encode(const nd_params *p, unsigned char *h)
{
    memcpy(h, NDI_MAGIC, 8);
    put_u32(h + 8, NDI_FORMAT_VERSION);
    put_u32(h + 12, ND_SKETCH_VERSION);
    put_u32(h + 16, (uint32_t)NUM_STORED);
    unsigned char *q = h + 20;
    for (size_t i = 0; i < NUM_STORED; i++, q += 12) {
        const double v = nd_params_get(p, k_stored[i]);
        put_u32(q, (uint32_t)k_stored[i]);
        ndi_put_f64(q + 4, v);
    }
    put_u64(q, sum64(h, (size_t)(q - h)));
}

/* Decodes a header into p (on top of defaults); the detail says what failed. */
static nd_status header_decode(const unsigned char *h, size_t n, nd_params *p, char *detail)
{
    if (n < 28 || memcmp(h, NDI_MAGIC, 8) != 0) {
        nd_detail_set(detail, "not a neardup index (no header)");
        return ND_E_CORRUPT;
    }
    if (get_u64(h + n - 8) != sum64(h, n - 8)) {
        nd_detail_set(detail, "the index header fails its checksum");
        return ND_E_CORRUPT;
    }
    if (get_u32(h + 8) != NDI_FORMAT_VERSION) {
        nd_detail_set(detail, "index format version %u, this library reads version %u",
                      (unsigned)get_u32(h + 8), NDI_FORMAT_VERSION);
        return ND_E_VERSION;
    }
    if (get_u32(h + 12) != ND_SKETCH_VERSION) {
        nd_detail_set(detail, "index made with sketch version %u, this library computes %u",
                      (unsigned)get_u32(h + 12), (unsigned)ND_SKETCH_VERSION);
        return ND_E_VERSION;
    }
    const uint32_t cnt = get_u32(h + 16);
    if ((size_t)cnt * 12 + 28 != n) {
        nd_detail_set(detail, "the index header has a wrong length");
        return ND_E_CORRUPT;
    }
    nd_params_defaults(p);
    for (uint32_t i = 0; i < cnt; i++) {
        const unsigned char *q = h + 20 + (size_t)i * 12;
        const double v = ndi_get_f64(q + 4);
        if (nd_params_set(p, (nd_param)get_u32(q), v) != ND_OK) {
            nd_detail_set(detail, "the index header holds a bad parameter (%u = %g)",
                          (unsigned)get_u32(q), v);
            return ND_E_CORRUPT;
        }
    }
    return ND_OK;
}

/* ---- counters
 * ---------------------------------------------------------------- */

typedef struct counters {
    uint64_t next_seq, adds, removes;
} counters;

static nd_status counters_get(nd_index *ix, MDB_txn *txn, counters *c, char *detail)
{
    MDB_val k = {8, (void *)"counters"}, v;
    const int rc = mdb_get(txn, ix->db.meta, &k, &v);
    if (rc == MDB_NOTFOUND) {
        c->next_seq = 1;
        c->adds = c->removes = 0;
        return ND_OK;
    }
    if (rc)
        return ndi_mdb_status(detail, rc, "reading the counters");
    if (v.mv_size != 32 || get_u64((const unsigned char *)v.mv_data + 24) != sum64(v.mv_data, 24)) {
        nd_detail_set(detail, "the index counters fail their checksum");
        return ND_E_CORRUPT;
    }
    const unsigned char *p = v.mv_data;
    c->next_seq = get_u64(p);
    c->adds = get_u64(p + 8);
    c->removes = get_u64(p + 16);
    return ND_OK;
}

static nd_status counters_put(nd_index *ix, MDB_txn *txn, const counters *c, char *detail)
{
    unsigned char b[32];
    put_u64(b, c->next_seq);
    put_u64(b + 8, c->adds);
    put_u64(b + 16, c->removes);
    put_u64(b + 24, sum64(b, 24));
    MDB_val k = {8, (void *)"counters"}, v = {32, b};
    return ndi_mdb_status(detail, mdb_put(txn, ix->db.meta, &k, &v, 0), "writing the counters");
}

/* ---- open / close
 * ------------------------------------------------------------- */

static nd_status open_dbs(nd_index *ix, MDB_txn *txn, unsigned create)
{
    static const struct {
        const char *name;
        size_t off;
        unsigned flags;
    } t[] = {
        {"meta", offsetof(ndi_dbs, meta), 0},
        {"ids", offsetof(ndi_dbs, ids), 0},
        {"docs", offsetof(ndi_dbs, docs), 0},
        {"sets", offsetof(ndi_dbs, sets), 0},
        {"texts", offsetof(ndi_dbs, texts), 0},
        {"exact", offsetof(ndi_dbs, exact), MDB_DUPSORT | MDB_DUPFIXED},
        {"bands", offsetof(ndi_dbs, bands), 0},
        {"members", offsetof(ndi_dbs, members), MDB_DUPSORT | MDB_DUPFIXED},
        {"grams", offsetof(ndi_dbs, grams), MDB_DUPSORT | MDB_DUPFIXED},
        {"terms", offsetof(ndi_dbs, terms), 0},
        {"stories", offsetof(ndi_dbs, stories), 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        MDB_dbi *dbi = (MDB_dbi *)((char *)&ix->db + t[i].off);
        const int rc = mdb_dbi_open(txn, t[i].name, t[i].flags | (create ? MDB_CREATE : 0), dbi);
        if (rc == MDB_NOTFOUND) {
            nd_detail_set(ix->detail, "%s: not a neardup index (no '%s' table)", ix->dir,
                          t[i].name);
            return ND_E_CORRUPT;
        }
        if (rc) {
            char what[64];
            snprintf(what, sizeof what, "opening the '%s' table", t[i].name);
            return ndi_mdb_status(ix->detail, rc, what);
        }
    }
    return ND_OK;
}

/* The first stored parameter where a and b differ, or 0. */
static nd_param params_differ(const nd_params *a, const nd_params *b)
{
    for (size_t i = 0; i < NUM_STORED; i++)
        if (nd_params_get(a, k_stored[i]) != nd_params_get(b, k_stored[i]))
            return k_stored[i];
    return (nd_param)0;
}

static char *dup_str(const nd_alloc_ctx *a, const char *s)
{
    const size_t n = strlen(s);
    char *d = nd_malloc(a, n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static nd_status open_impl(nd_index **out, const char *dir, const nd_params *params,
                           unsigned flags, const nd_allocator *alloc)
{
    nd_alloc_ctx a;
    nd_alloc_init(&a, alloc);
    *out = NULL;
    nd_index *ix = nd_calloc(&a, 1, sizeof *ix);
    if (!ix)
        return ND_E_NOMEM;
    ix->alloc = a;
    ix->lock_fd = -1;
    ix->flags = flags;
    ix->params.alloc = a;
    nd_params_defaults(&ix->params);
    pthread_mutex_init(&ix->write_lock, NULL);
    *out = ix;
    nd_status st = ND_OK;
    MDB_txn *txn = NULL;
    int rc;
    const int create = (flags & ND_INDEX_CREATE) != 0, ro = (flags & ND_INDEX_READONLY) != 0;
    if (!dir || !*dir) {
        nd_detail_set(ix->detail, "no index directory given");
        return ND_E_PARAM;
    }
    if (create && ro) {
        nd_detail_set(ix->detail, "an index cannot be created read-only");
        return ND_E_PARAM;
    }
    ix->dir = dup_str(&a, dir);
    if (!ix->dir)
        return ND_E_NOMEM;
    if (create) {
        if (mkdir(dir, 0777) == 0) {
            ix->made_dir = 1;
        } else if (errno != EEXIST) {
            nd_detail_set(ix->detail, "%s: cannot create the directory: %s", dir,
                          strerror(errno));
            return ND_E_IO;
        }
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        nd_detail_set(ix->detail, "%s: %s", dir,
                      errno == ENOENT || !S_ISDIR(sb.st_mode) ? "no such index directory"
                                                              : strerror(errno));
        return ND_E_IO;
    }
    char path[4096];
    const int exists = nd_index_exists(dir);
    if (create && exists) {
        nd_detail_set(ix->detail, "%s: already holds an index", dir);
        return ND_E_STATE;
    }
    ix->made_files = create; /* from here on, a failed create removes what it made */
    if (!create && !exists) {
        nd_detail_set(ix->detail, "%s: no index here (create one with 'neardup index create')",
                      dir);
        return ND_E_STATE;
    }
    if (!ro) {
        snprintf(path, sizeof path, "%s/lock.writer", dir);
        ix->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (ix->lock_fd < 0) {
            nd_detail_set(ix->detail, "%s: %s", path, strerror(errno));
            return ND_E_IO;
        }
        if (flock(ix->lock_fd, LOCK_EX | LOCK_NB) != 0) {
            nd_detail_set(ix->detail, "%s: another process has the index open for writing", dir);
            return ND_E_STATE;
        }
    }
    if ((rc = mdb_env_create(&ix->env)) != 0)
        return ndi_mdb_status(ix->detail, rc, "creating the LMDB environment");
    mdb_env_set_maxdbs(ix->env, 16);
    mdb_env_set_maxreaders(ix->env, 510);
    if ((rc = mdb_env_set_mapsize(ix->env, NDI_MAP_SIZE)) != 0)
        return ndi_mdb_status(ix->detail, rc, "setting the map size");
    unsigned ef = MDB_NOTLS | MDB_NORDAHEAD;
    if (ro)
        ef |= MDB_RDONLY;
    if (flags & ND_INDEX_NOSYNC)
        ef |= MDB_NOSYNC;
    if ((rc = mdb_env_open(ix->env, dir, ef, 0666)) != 0) {
        char what[4200];
        snprintf(what, sizeof what, "%s: opening the index", dir);
        st = ndi_mdb_status(ix->detail, rc, what);
        if (rc == MDB_INVALID)
            nd_detail_set(ix->detail, "%s: data.mdb is not an LMDB file (damaged index)", dir);
        return st;
    }
    if ((rc = mdb_txn_begin(ix->env, NULL, ro ? MDB_RDONLY : 0, &txn)) != 0)
        return ndi_mdb_status(ix->detail, rc, "starting a transaction");
    ND_TRY(open_dbs(ix, txn, create));
    MDB_val k = {6, (void *)"header"}, v;
    ix->threads = params ? params->threads : 1;
    if (create) {
        if (params)
            nd_params_copy_values(&ix->params, params);
        if (ix->params.keep != ND_KEEP_FIRST) {
            nd_detail_set(ix->detail, "an index keeps the first document of a cluster: "
                                      "other survivor policies would change answers already "
                                      "given");
            st = ND_E_PARAM;
            goto fail;
        }
        if (ix->params.exact_only) {
            nd_detail_set(ix->detail, "an index finds near-duplicates and passages: exact-only "
                                      "is a batch mode of nd_dedup");
            st = ND_E_PARAM;
            goto fail;
        }
        ix->params.threads = 1;
        ix->params.memory = 0;
        unsigned char h[HEADER_SIZE];
        header_encode(&ix->params, h);
        v.mv_size = sizeof h;
        v.mv_data = h;
        if ((rc = mdb_put(txn, ix->db.meta, &k, &v, 0)) != 0) {
            st = ndi_mdb_status(ix->detail, rc, "writing the index header");
            goto fail;
        }
        const counters c = {1, 0, 0};
        ND_TRY(counters_put(ix, txn, &c, ix->detail));
    } else {
        rc = mdb_get(txn, ix->db.meta, &k, &v);
        if (rc == MDB_NOTFOUND) {
            nd_detail_set(ix->detail, "%s: not a neardup index (no header)", dir);
            st = ND_E_CORRUPT;
            goto fail;
        }
        if (rc) {
            st = ndi_mdb_status(ix->detail, rc, "reading the index header");
            goto fail;
        }
        ND_TRY(header_decode(v.mv_data, v.mv_size, &ix->params, ix->detail));
        if (params) {
            const nd_param p = params_differ(params, &ix->params);
            if (p) {
                nd_detail_set(ix->detail, "%s: the index was made with %s %g, this run asks for %g",
                              dir, nd_params_name(p), nd_params_get(&ix->params, p),
                              nd_params_get(params, p));
                st = ND_E_PARAM;
                goto fail;
            }
        }
    }
    /* The index has no template relation (yet): its workers skip the
     * template pass, and its answers are those of nd_dedup with
     * ND_P_TEMPLATES off. */
    ix->params.templates = ND_TEMPLATES_OFF;
    if (ix->params.method == ND_METHOD_MINHASH) {
        double fp, fn;
        if (nd_params_lsh(&ix->params, &ix->bands, &ix->rows, &fp, &fn) != ND_OK) {
            nd_detail_set(ix->detail, "bands x rows exceed num-perm");
            st = ND_E_PARAM;
            goto fail;
        }
    }
    if ((rc = mdb_txn_commit(txn)) != 0) {
        txn = NULL;
        st = ndi_mdb_status(ix->detail, rc, "committing the index header");
        goto fail;
    }
    if ((st = ndi_story_memo_open(ix)) != ND_OK) {
        nd_detail_set(ix->detail, "%s: the memo of stories: out of memory", dir);
        return st;
    }
    return ND_OK;
fail:
    if (txn)
        mdb_txn_abort(txn);
    return st;
}

int nd_index_exists(const char *dir)
{
    char path[4096];
    const int n = snprintf(path, sizeof path, "%s/data.mdb", dir);
    return n > 0 && (size_t)n < sizeof path && access(path, F_OK) == 0;
}

nd_status nd_index_open(nd_index **out, const char *dir, const nd_params *params, unsigned flags,
                        const nd_allocator *alloc)
{
    const nd_status st = open_impl(out, dir, params, flags, alloc);
    nd_index *ix = *out;
    if (st == ND_OK || !ix || !ix->made_files)
        return st;
    /* A create that failed leaves no half-made index behind. */
    if (ix->env) {
        mdb_env_close(ix->env);
        ix->env = NULL;
    }
    static const char *const made[] = {"data.mdb", "lock.mdb", "lock.writer"};
    char path[4200];
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, made[i]);
        (void)unlink(path);
    }
    if (ix->made_dir)
        (void)rmdir(dir);
    return st;
}

void nd_index_close(nd_index *ix)
{
    if (!ix)
        return;
    const nd_alloc_ctx a = ix->alloc;
    /* Without synced commits, what was written is made durable here. */
    if (ix->env && (ix->flags & ND_INDEX_NOSYNC) && !(ix->flags & ND_INDEX_READONLY))
        (void)mdb_env_sync(ix->env, 1);
    if (ix->env)
        mdb_env_close(ix->env);
    if (ix->lock_fd >= 0)
        close(ix->lock_fd);
    ndi_story_memo_close(ix);
    pthread_mutex_destroy(&ix->write_lock);
    nd_free(&a, ix->dir);
    nd_free(&a, ix);
}

void nd_index_params(const nd_index *ix, nd_params *out)
{
    nd_params_copy_values(out, &ix->params);
}

const char *nd_index_errdetail(const nd_index *ix) { return ix ? ix->detail : ""; }

/* ---- sessions
 * -------------------------------------------------------------------- */

nd_status nd_index_session_create(nd_index *ix, nd_index_session **out)
{
    nd_index_session *s = nd_calloc(&ix->alloc, 1, sizeof *s);
    *out = s;
    if (!s)
        return ND_E_NOMEM;
    s->ix = ix;
    s->parts = ND_INDEX_ANSWER_ALL;
    nd_vec_init(&s->answers, sizeof(nd_index_answer), NDI_MAX_BATCH);
    nd_vec_init(&s->matches, sizeof(nd_index_match), SIZE_MAX / sizeof(nd_index_match));
    nd_vec_init(&s->passages, sizeof(nd_index_passage), SIZE_MAX / sizeof(nd_index_passage));
    nd_vec_init(&s->text, 1, (size_t)UINT32_MAX);
    nd_vec_init(&s->scratch, 1, SIZE_MAX / 2);
    nd_vec_init(&s->set, sizeof(uint32_t), (size_t)UINT32_MAX);
    nd_vec_init(&s->cand, sizeof(uint64_t), SIZE_MAX / 8);
    nd_vec_init(&s->linked, sizeof(uint64_t), SIZE_MAX / 8);
    const nd_allocator user = ix->alloc.a;
    const nd_status st = nd_worker_create(&s->worker, &ix->params, &user);
    if (st != ND_OK) {
        nd_index_session_destroy(s);
        *out = NULL;
    }
    return st;
}

void nd_index_session_destroy(nd_index_session *s)
{
    if (!s)
        return;
    const nd_alloc_ctx *a = &s->ix->alloc;
    arena_reset(s);
    if (s->rtxn)
        mdb_txn_abort(s->rtxn);
    for (unsigned t = 1; t < s->num_workers; t++)
        nd_worker_destroy(s->workers[t]);
    nd_free(a, s->workers);
    nd_worker_destroy(s->worker);
    nd_vec_free(&s->answers, a);
    nd_vec_free(&s->matches, a);
    nd_vec_free(&s->passages, a);
    nd_vec_free(&s->text, a);
    nd_vec_free(&s->scratch, a);
    nd_vec_free(&s->set, a);
    nd_vec_free(&s->cand, a);
    nd_vec_free(&s->linked, a);
    ndi_walk_free(s->ix, s->walk);
    ZSTD_freeCCtx(s->zc);
    ZSTD_freeDCtx(s->zd);
    nd_free(a, s);
}

const char *nd_index_session_errdetail(const nd_index_session *s) { return s ? s->detail : ""; }

void nd_index_session_set_answers(nd_index_session *s, unsigned parts)
{
    s->parts = parts & ND_INDEX_ANSWER_ALL;
}

static void call_start(nd_index_session *s)
{
    s->detail[0] = '\0';
    arena_reset(s);
    s->answers.len = s->matches.len = s->passages.len = 0;
}

/* A read transaction for the session (renewed when it has one). */
static nd_status read_begin(nd_index_session *s, MDB_txn **txn)
{
    int rc;
    if (s->rtxn)
        rc = mdb_txn_renew(s->rtxn);
    else
        rc = mdb_txn_begin(s->ix->env, NULL, MDB_RDONLY, &s->rtxn);
    if (rc) {
        if (s->rtxn) {
            mdb_txn_abort(s->rtxn);
            s->rtxn = NULL;
        }
        return ndi_mdb_status(s->detail, rc, "starting a read transaction");
    }
    *txn = s->rtxn;
    return ND_OK;
}

static void read_end(nd_index_session *s) { mdb_txn_reset(s->rtxn); }

/* ---- document records
 * --------------------------------------------------------------- */

/* Fixed part: version u16, flags u16, rel u32, rep u64, story u64, length u64,
 * count u32, num_shingles u32, date f64, exact lo/hi u64, simhash u64, lens
 * of id/date/source/title/lang u32 x5, num_keys u32; then the strings, the
 * keys (u64 each) and the checksum. */
#define DOC_FIXED 104
#define DOCF_DATE 1u
#define DOCF_STORY 2u

typedef struct doc_build {
    ndi_doc d;
    uint64_t exact_lo, exact_hi, simhash;
    const uint64_t *keys;
    uint32_t num_keys;
} doc_build;

static nd_status doc_put(nd_index_session *s, MDB_txn *txn, const doc_build *b)
{
    const ndi_doc *d = &b->d;
    const size_t n = DOC_FIXED + d->id_len + d->date_len + d->source_len + d->title_len +
                     d->lang_len + (size_t)b->num_keys * 8 + 8;
    nd_status st = nd_vec_reserve(&s->scratch, &s->ix->alloc, n);
    if (st != ND_OK)
        return st;
    unsigned char *p = s->scratch.data;
    const uint16_t ver = NDI_DOC_VERSION,
                   fl = (uint16_t)((d->has_date ? DOCF_DATE : 0) | (d->has_story ? DOCF_STORY : 0));
    p[0] = (unsigned char)ver;
    p[1] = (unsigned char)(ver >> 8);
    p[2] = (unsigned char)fl;
    p[3] = (unsigned char)(fl >> 8);
    put_u32(p + 4, (uint32_t)d->rel);
    put_u64(p + 8, d->rep);
    put_u64(p + 16, d->story);
    put_u64(p + 24, d->length);
    put_u32(p + 32, d->count);
    put_u32(p + 36, d->num_shingles);
    ndi_put_f64(p + 40, d->date_days);
    put_u64(p + 48, b->exact_lo);
    put_u64(p + 56, b->exact_hi);
    put_u64(p + 64, b->simhash);
    put_u32(p + 72, d->id_len);
    put_u32(p + 76, d->date_len);
    put_u32(p + 80, d->source_len);
    put_u32(p + 84, d->title_len);
    put_u32(p + 88, d->lang_len);
    put_u32(p + 92, b->num_keys);
    put_u64(p + 96, 0);
    unsigned char *q = p + DOC_FIXED;
#define PUTS(ptr, len)                                                                             \
    do {                                                                                           \
        if (len)                                                                                   \
            memcpy(q, ptr, len);                                                                   \
        q += len;                                                                                  \
    } while (0)
    PUTS(d->id, d->id_len);
    PUTS(d->date, d->date_len);
    PUTS(d->source, d->source_len);
    PUTS(d->title, d->title_len);
    PUTS(d->lang, d->lang_len);
#undef PUTS
    for (uint32_t i = 0; i < b->num_keys; i++, q += 8)
        put_u64(q, b->keys[i]);
    put_u64(q, sum64(p, (size_t)(q - p)));
    unsigned char key[8];
    ndi_be64(d->seq, key);
    MDB_val k = {8, key}, v = {n, p};
    return ndi_mdb_status(s->detail, mdb_put(txn, s->ix->db.docs, &k, &v, 0),
                          "writing a document record");
}

/* Decodes a record; keys (may be NULL) receive a pointer to its band keys. */
static nd_status doc_decode(nd_index_session *s, uint64_t seq, const MDB_val *v, ndi_doc *d,
                            doc_build *b)
{
    const unsigned char *p = v->mv_data;
    const size_t n = v->mv_size;
    uint16_t ver, fl;
    if (n < DOC_FIXED + 8 || get_u64(p + n - 8) != sum64(p, n - 8))
        goto corrupt;
    ver = (uint16_t)(p[0] | p[1] << 8);
    fl = (uint16_t)(p[2] | p[3] << 8);
    if (ver != NDI_DOC_VERSION) {
        nd_detail_set(s->detail, "document %llu: record version %u, this library reads %u",
                      (unsigned long long)seq, ver, NDI_DOC_VERSION);
        return ND_E_VERSION;
    }
    memset(d, 0, sizeof *d);
    d->seq = seq;
    d->rel = (nd_relation)get_u32(p + 4);
    d->rep = get_u64(p + 8);
    d->story = get_u64(p + 16);
    d->length = get_u64(p + 24);
    d->count = get_u32(p + 32);
    d->num_shingles = get_u32(p + 36);
    d->date_days = ndi_get_f64(p + 40);
    d->has_date = (fl & DOCF_DATE) != 0;
    d->has_story = (fl & DOCF_STORY) != 0;
    d->id_len = get_u32(p + 72);
    d->date_len = get_u32(p + 76);
    d->source_len = get_u32(p + 80);
    d->title_len = get_u32(p + 84);
    d->lang_len = get_u32(p + 88);
    const uint32_t nk = get_u32(p + 92);
    const uint64_t need = (uint64_t)DOC_FIXED + d->id_len + d->date_len + d->source_len +
                          d->title_len + d->lang_len + (uint64_t)nk * 8 + 8;
    if (need != n || d->rel > ND_REL_CONTAINS)
        goto corrupt;
    const char *q = (const char *)p + DOC_FIXED;
    d->id = q;
    q += d->id_len;
    d->date = d->date_len ? q : NULL;
    q += d->date_len;
    d->source = d->source_len ? q : NULL;
    q += d->source_len;
    d->title = d->title_len ? q : NULL;
    q += d->title_len;
    d->lang = d->lang_len ? q : NULL;
    q += d->lang_len;
    if (b) {
        b->d = *d;
        b->exact_lo = get_u64(p + 48);
        b->exact_hi = get_u64(p + 56);
        b->simhash = get_u64(p + 64);
        b->keys = (const uint64_t *)(const void *)q; /* unaligned: read with get_u64 */
        b->num_keys = nk;
    }
    return ND_OK;
corrupt:
    nd_detail_set(s->detail, "document %llu: its record fails its checksum (damaged index)",
                  (unsigned long long)seq);
    return ND_E_CORRUPT;
}

static nd_status doc_get(nd_index_session *s, MDB_txn *txn, uint64_t seq, ndi_doc *d, doc_build *b)
{
    unsigned char key[8];
    ndi_be64(seq, key);
    MDB_val k = {8, key}, v;
    const int rc = mdb_get(txn, s->ix->db.docs, &k, &v);
    if (rc == MDB_NOTFOUND) {
        nd_detail_set(s->detail, "document %llu: no record", (unsigned long long)seq);
        return ND_E_PARAM;
    }
    if (rc)
        return ndi_mdb_status(s->detail, rc, "reading a document record");
    return doc_decode(s, seq, &v, d, b);
}

nd_status ndi_doc_read(nd_index_session *s, MDB_txn *txn, uint64_t seq, ndi_doc *out)
{
    return doc_get(s, txn, seq, out, NULL);
}

/* ---- sets and texts
 * ------------------------------------------------------------------ */

/* A set record: version u32, count u32, values u32 x count, checksum u64. */
static nd_status set_put(nd_index_session *s, MDB_txn *txn, uint64_t seq, const uint32_t *vals,
                         uint32_t n)
{
    const size_t sz = 8 + (size_t)n * 4 + 8;
    nd_status st = nd_vec_reserve(&s->scratch, &s->ix->alloc, sz);
    if (st != ND_OK)
        return st;
    unsigned char *p = s->scratch.data;
    put_u32(p, NDI_DOC_VERSION);
    put_u32(p + 4, n);
    if (n)
        memcpy(p + 8, vals, (size_t)n * 4);
    put_u64(p + 8 + (size_t)n * 4, sum64(p, 8 + (size_t)n * 4));
    unsigned char key[8];
    ndi_be64(seq, key);
    MDB_val k = {8, key}, v = {sz, p};
    return ndi_mdb_status(s->detail, mdb_put(txn, s->ix->db.sets, &k, &v, 0),
                          "writing a verification set");
}

/* The verification set of seq, copied into out (a value in the map need not
 * be aligned for u32 reads); *n receives its length. */
static nd_status set_get(nd_index_session *s, MDB_txn *txn, uint64_t seq, nd_vec *out, uint32_t *n)
{
    unsigned char key[8];
    ndi_be64(seq, key);
    MDB_val k = {8, key}, v;
    const int rc = mdb_get(txn, s->ix->db.sets, &k, &v);
    if (rc == MDB_NOTFOUND) {
        nd_detail_set(s->detail, "document %llu: no verification set (damaged index)",
                      (unsigned long long)seq);
        return ND_E_CORRUPT;
    }
    if (rc)
        return ndi_mdb_status(s->detail, rc, "reading a verification set");
    const unsigned char *p = v.mv_data;
    if (v.mv_size < 16 || get_u64(p + v.mv_size - 8) != sum64(p, v.mv_size - 8) ||
        (size_t)get_u32(p + 4) * 4 + 16 != v.mv_size || get_u32(p) != NDI_DOC_VERSION) {
        nd_detail_set(s->detail, "document %llu: its verification set fails its checksum",
                      (unsigned long long)seq);
        return ND_E_CORRUPT;
    }
    *n = get_u32(p + 4);
    nd_status st = nd_vec_reserve(out, &s->ix->alloc, *n ? *n : 1);
    if (st != ND_OK)
        return st;
    if (*n)
        memcpy(out->data, p + 8, (size_t)*n * 4);
    return ND_OK;
}

static int keep_texts(const nd_index *ix)
{
    return ix->params.index_passages || ix->params.index_stories;
}

/* A text record: version u32, raw length u64, zstd frame, checksum u64. */
static nd_status text_put(nd_index_session *s, MDB_txn *txn, uint64_t seq, const char *text,
                          size_t len)
{
    const size_t bound = ZSTD_compressBound(len);
    nd_status st = nd_vec_reserve(&s->scratch, &s->ix->alloc, 12 + bound + 8);
    if (st != ND_OK)
        return st;
    unsigned char *p = s->scratch.data;
    if (!s->zc && !(s->zc = ZSTD_createCCtx())) {
        nd_detail_set(s->detail, "compressing a text: out of memory");
        return ND_E_NOMEM;
    }
    const size_t z = ZSTD_compressCCtx(s->zc, p + 12, bound, text, len, 1);
    if (ZSTD_isError(z)) {
        nd_detail_set(s->detail, "compressing a text: %s", ZSTD_getErrorName(z));
        return ND_E_NOMEM;
    }
    put_u32(p, NDI_DOC_VERSION);
    put_u64(p + 4, len);
    put_u64(p + 12 + z, sum64(p, 12 + z));
    unsigned char key[8];
    ndi_be64(seq, key);
    MDB_val k = {8, key}, v = {12 + z + 8, p};
    return ndi_mdb_status(s->detail, mdb_put(txn, s->ix->db.texts, &k, &v, 0), "writing a text");
}

nd_status ndi_doc_text(nd_index_session *s, MDB_txn *txn, uint64_t seq, const char **text,
                       size_t *len)
{
    unsigned char key[8];
    ndi_be64(seq, key);
    MDB_val k = {8, key}, v;
    const int rc = mdb_get(txn, s->ix->db.texts, &k, &v);
    if (rc == MDB_NOTFOUND) {
        nd_detail_set(s->detail, "document %llu: no text stored", (unsigned long long)seq);
        return keep_texts(s->ix) ? ND_E_CORRUPT : ND_E_STATE;
    }
    if (rc)
        return ndi_mdb_status(s->detail, rc, "reading a text");
    const unsigned char *p = v.mv_data;
    if (v.mv_size < 20 || get_u64(p + v.mv_size - 8) != sum64(p, v.mv_size - 8) ||
        get_u32(p) != NDI_DOC_VERSION) {
        nd_detail_set(s->detail, "document %llu: its text fails its checksum",
                      (unsigned long long)seq);
        return ND_E_CORRUPT;
    }
    const uint64_t raw = get_u64(p + 4);
    if (raw > UINT32_MAX)
        return ND_E_CORRUPT;
    nd_status st = nd_vec_reserve(&s->text, &s->ix->alloc, raw + 1);
    if (st != ND_OK)
        return st;
    if (!s->zd && !(s->zd = ZSTD_createDCtx())) {
        nd_detail_set(s->detail, "document %llu: decompressing its text: out of memory",
                      (unsigned long long)seq);
        return ND_E_NOMEM;
    }
    const size_t got =
        ZSTD_decompressDCtx(s->zd, s->text.data, raw + 1, p + 12, v.mv_size - 20);
    if (ZSTD_isError(got) || got != raw) {
        nd_detail_set(s->detail, "document %llu: its text does not decompress",
                      (unsigned long long)seq);
        return ND_E_CORRUPT;
    }
    ((char *)s->text.data)[raw] = '\0';
    *text = s->text.data;
    *len = raw;
    return ND_OK;
}

/* ---- lookups
 * -----------------------------------------------------------------------------
 */

/* Appends to out every seq under key in a dupsort table, through cursor c
 * (left on the key's last duplicate, or where the key would be). */
static nd_status dups_read(nd_index_session *s, MDB_cursor *c, const void *key, size_t klen,
                          nd_vec *out)
{
    MDB_val k = mval(key, klen), v;
    nd_status st = ND_OK;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
    while (rc == 0) {
        if (v.mv_size != 8) {
            nd_detail_set(s->detail, "a bucket entry has the wrong size (damaged index)");
            return ND_E_CORRUPT;
        }
        const uint64_t seq = ndi_get_be64(v.mv_data);
        if ((st = nd_vec_push(out, &s->ix->alloc, &seq)) != ND_OK)
            return st;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
    }
    return rc == MDB_NOTFOUND ? ND_OK : ndi_mdb_status(s->detail, rc, "reading a bucket");
}

/* Appends every seq under key in a dupsort table to s->cand. */
static nd_status bucket_collect(nd_index_session *s, MDB_txn *txn, MDB_dbi dbi, const void *key,
                                size_t klen)
{
    MDB_cursor *c;
    const int rc = mdb_cursor_open(txn, dbi, &c);
    if (rc)
        return ndi_mdb_status(s->detail, rc, "opening a cursor");
    const nd_status st = dups_read(s, c, key, klen, &s->cand);
    mdb_cursor_close(c);
    return st;
}

static nd_status dup_put(nd_index_session *s, MDB_txn *txn, MDB_dbi dbi, const void *key,
                         size_t klen, uint64_t seq, const char *what)
{
    unsigned char val[8];
    ndi_be64(seq, val);
    MDB_val k = mval(key, klen), v = {8, val};
    const int rc = mdb_put(txn, dbi, &k, &v, MDB_NODUPDATA);
    return rc == MDB_KEYEXIST ? ND_OK : ndi_mdb_status(s->detail, rc, what);
}

static nd_status dup_del(nd_index_session *s, MDB_txn *txn, MDB_dbi dbi, const void *key,
                         size_t klen, uint64_t seq, const char *what)
{
    unsigned char val[8];
    ndi_be64(seq, val);
    MDB_val k = mval(key, klen), v = {8, val};
    const int rc = mdb_del(txn, dbi, &k, &v);
    return rc == MDB_NOTFOUND ? ND_OK : ndi_mdb_status(s->detail, rc, what);
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void exact_key(uint64_t lo, uint64_t hi, unsigned char out[16])
{
    ndi_be64(hi, out);
    ndi_be64(lo, out + 8);
}

/* ---- relations (the batch's figures)
 * ------------------------------------------------------ */

typedef nd_sim sim;

static int exact_mode(const nd_index *ix) { return ix->params.verify == ND_VERIFY_EXACT; }

/* SimHash with signature verification: counts from the fingerprints. */
static int fp_mode(const nd_index *ix)
{
    return ix->params.method == ND_METHOD_SIMHASH && !exact_mode(ix);
}

static sim sim_of(const nd_index *ix, double na, double nb, uint32_t count)
{
    return nd_sim_figures(&ix->params, na, nb, count);
}

static nd_relation relate(const nd_index *ix, const sim *s) { return nd_relate(&ix->params, s); }

/* Count for a set against another: shared shingles or equal signature values.
 */
static uint32_t count_sets(const nd_index *ix, const uint32_t *a, uint32_t na, const uint32_t *b,
                           uint32_t nb)
{
    if (exact_mode(ix))
        return (uint32_t)nd_intersect_u32(a, na, b, nb);
    uint32_t eq = 0;
    for (unsigned i = 0; i < ix->params.num_perm && i < na && i < nb; i++)
        eq += a[i] == b[i];
    return eq;
}

/* ---- one document: sketch, candidates, placement
 * -------------------------------------------- */

/* What the sketch of a document gives, computed before its transaction
 * (on ND_P_THREADS threads for a batch). set and keys are owned. */
typedef struct work {
    uint64_t exact_lo, exact_hi, simhash;
    uint32_t *set;    /* its verification set */
    uint32_t num_set; /* values in it */
    uint32_t size;    /* batch's num_shingles: set size (exact) or shingle count */
    uint64_t *keys;   /* band keys or SimHash table keys */
    uint32_t num_keys;
    nd_status st;
    char detail[ND_DETAIL_MAX];
} work;

static void work_free(const nd_index *ix, work *w)
{
    nd_free(&ix->alloc, w->set);
    nd_free(&ix->alloc, w->keys);
    w->set = NULL;
    w->keys = NULL;
}

/* Sketches doc with worker wk into w (thread-safe: touches only w and wk). */
static nd_status sketch_doc(const nd_index *ix, nd_worker *wk, const nd_index_doc *doc, work *w)
{
    nd_sketch sk;
    memset(w, 0, sizeof *w);
    nd_status st = nd_worker_sketch(wk, doc->text, doc->text_len, &sk);
    if (st != ND_OK) {
        nd_detail_set(w->detail, "%s", nd_worker_errdetail(wk));
        return w->st = st;
    }
    w->exact_lo = sk.exact_lo;
    w->exact_hi = sk.exact_hi;
    w->simhash = sk.simhash;
    w->size = (uint32_t)sk.num_shingles;
    if (!sk.num_shingles)
        return ND_OK;
    if (exact_mode(ix)) {
        w->set = nd_malloc(&ix->alloc, sk.num_shingles * sizeof *w->set);
        if (!w->set)
            goto nomem;
        const size_t m = nd_sketch_set32(&sk, w->set); /* the worker's, copied */
        w->num_set = (uint32_t)m;
        w->size = (uint32_t)m;
    } else if (fp_mode(ix)) {
        /* SimHash signature verification: the fingerprint is all there is. */
    } else {
        w->set = nd_malloc(&ix->alloc, ix->params.num_perm * sizeof *w->set);
        if (!w->set)
            goto nomem;
        memcpy(w->set, sk.signature, ix->params.num_perm * sizeof(uint32_t));
        w->num_set = ix->params.num_perm;
    }
    const unsigned nkeys = ix->params.method == ND_METHOD_SIMHASH ? ND_SIMHASH_MAX_TABLES
                                                                   : ix->bands;
    w->keys = nd_malloc(&ix->alloc, (nkeys ? nkeys : 1) * sizeof *w->keys);
    if (!w->keys)
        goto nomem;
    if (ix->params.method == ND_METHOD_SIMHASH) {
        uint64_t tk[ND_SIMHASH_MAX_TABLES];
        const unsigned nt = nd_simhash_keys(sk.simhash, ix->params.simhash_k, tk);
        for (unsigned t = 0; t < nt && t < ND_MAX_INDEX_KEYS; t++)
            w->keys[w->num_keys++] = tk[t];
    } else {
        for (unsigned b = 0; b < ix->bands && b < ND_MAX_INDEX_KEYS; b++) {
            const uint64_t key =
                sk.band_keys && sk.num_bands == ix->bands && sk.band_rows == ix->rows
                    ? sk.band_keys[b]
                    : nd_band_key(sk.signature, b, ix->rows);
            const uint32_t folded = (uint32_t)(key ^ (key >> 32));
            w->keys[w->num_keys++] = ((uint64_t)b << 32) | folded;
        }
    }
    return ND_OK;
nomem:
    nd_detail_set(w->detail, "sketching a document of %zu bytes: out of memory", doc->text_len);
    work_free(ix, w);
    return w->st = ND_E_NOMEM;
}

typedef struct sketch_task {
    const nd_index *ix;
    nd_worker **workers;
    const nd_index_doc *docs;
    work *works;
} sketch_task;

static void sketch_range(void *arg, size_t begin, size_t end, unsigned t)
{
    sketch_task *k = arg;
    for (size_t i = begin; i < end; i++)
        (void)sketch_doc(k->ix, k->workers[t], &k->docs[i], &k->works[i]);
}

/* Sketches docs[0..n) into works, on the index's threads. */
static nd_status sketch_batch(nd_index_session *s, const nd_index_doc *docs, size_t n, work *works)
{
    nd_index *ix = s->ix;
    unsigned threads = nd_threads_resolve(ix->threads);
    if (threads > n)
        threads = (unsigned)n;
    if (threads > 1 && !s->workers) {
        s->workers = nd_calloc(&ix->alloc, threads, sizeof *s->workers);
        if (!s->workers)
            return ND_E_NOMEM;
        s->num_workers = threads;
        s->workers[0] = s->worker;
        const nd_allocator user = ix->alloc.a;
        for (unsigned t = 1; t < threads; t++)
            if (nd_worker_create(&s->workers[t], &ix->params, &user) != ND_OK)
                return ND_E_NOMEM;
    }
    if (threads > 1 && s->num_workers >= threads) {
        sketch_task k = {ix, s->workers, docs, works};
        nd_parallel(threads, n, 16, sketch_range, &k);
    } else {
        for (size_t i = 0; i < n; i++)
            (void)sketch_doc(ix, s->worker, &docs[i], &works[i]);
    }
    for (size_t i = 0; i < n; i++)
        if (works[i].st != ND_OK) {
            nd_detail_set(s->detail, "document %zu: %s", i + 1, works[i].detail);
            return works[i].st;
        }
    return ND_OK;
}

/* s->cand sorted, each seq once, self left out. */
static void cand_finish(nd_index_session *s, uint64_t self)
{
    uint64_t *c = s->cand.data;
    size_t n = s->cand.len, m = 0;
    if (n)
        qsort(c, n, sizeof *c, cmp_u64);
    for (size_t i = 0; i < n; i++)
        if (c[i] != self && (m == 0 || c[m - 1] != c[i]))
            c[m++] = c[i];
    s->cand.len = m;
}

/* Candidates of the document (sorted, unique, without self) into s->cand. */
static nd_status candidates(nd_index_session *s, MDB_txn *txn, const work *w, uint64_t self)
{
    nd_index *ix = s->ix;
    nd_status st;
    s->cand.len = 0;
    unsigned char ek[16];
    exact_key(w->exact_lo, w->exact_hi, ek);
    if ((st = bucket_collect(s, txn, ix->db.exact, ek, 16)) != ND_OK)
        return st;
    if ((st = ndi_bands_collect(s, txn, w->keys, w->num_keys, &s->cand)) != ND_OK)
        return st;
    cand_finish(s, self);
    return ND_OK;
}

/* ---- a batch's keys, in key order
 * ----------------------------------------------------------
 *
 * An add batch reads and writes its exact hashes and band keys in one walk
 * of each table in key order, with one cursor, instead of a lookup and a
 * put per key in document order. In a write transaction every page LMDB
 * reaches costs a search of the dirty page list besides the descent; in key
 * order consecutive keys mostly share a leaf, which the cursor searches
 * without descending, and each key is looked up and written in one visit.
 * (Measured on 300,000 documents in batches of 10,000: the band puts were
 * four fifths of the add's time.) The exact hashes are a dupsort table
 * walked here; the band keys are merged into their buckets by ibands.c.
 *
 * What each document sees is unchanged: the walk collects the seqs indexed
 * before the batch under each key (the pool), then writes the batch's; a
 * document's candidates are the pool of its keys plus the batch's documents
 * before it (smaller seqs) under the same keys, as if each had been written
 * in turn. A seq removed earlier in the batch (a replaced document) has no
 * record any more and place() passes over it. */

typedef struct kent {
    uint64_t hi, lo; /* the key: exact hash hi/lo, or band key and 0 */
    uint32_t doc;    /* position in the batch */
} kent;

typedef struct kgroup {
    size_t ps, pe; /* seqs indexed before the batch: pool[ps..pe) */
    size_t es, ee; /* the batch's entries under the key: e[es..ee) */
} kgroup;

/* Kept by the session from batch to batch (s->walk): the arrays only grow,
 * so that a batch does not fault in fresh pages for them (measured: a tenth
 * of an add's time on 1,000,000 documents when they were allocated anew). */
typedef struct bwalk {
    kent *e, *tmp;
    size_t ne, cap_e, cap_n;
    void *per_doc; /* nd_index_add's arrays of a document each */
    size_t cap_per_doc;
    uint32_t *grp; /* the group of each entry */
    kgroup *g;
    size_t ng;
    nd_vec pool;   /* u64 */
    size_t *off;   /* entries of document i: idx[off[i]..off[i + 1]) */
    size_t *idx;
    uint64_t *seq; /* seq of document i; 0 for an unchanged one */
} bwalk;

/* Sorts e[0..n) by hi (lo: by lo), stably (LSD radix, a byte a pass; a pass
 * whose byte is the same in every entry is skipped); tmp holds n entries. */
static void kent_sort(kent *e, kent *tmp, size_t n, int lo)
{
    size_t count[8][256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++) {
        const uint64_t v = lo ? e[i].lo : e[i].hi;
        for (unsigned b = 0; b < 8; b++)
            count[b][(v >> (8 * b)) & 255]++;
    }
    kent *src = e, *dst = tmp;
    for (unsigned b = 0; b < 8; b++) {
        size_t *c = count[b], sum = 0;
        int skip = 0;
        for (unsigned d = 0; d < 256 && !skip; d++)
            skip = c[d] == n;
        if (skip)
            continue;
        for (unsigned d = 0; d < 256; d++) {
            const size_t t = c[d];
            c[d] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++) {
            const uint64_t v = lo ? src[i].lo : src[i].hi;
            dst[c[(v >> (8 * b)) & 255]++] = src[i];
        }
        kent *t = src;
        src = dst;
        dst = t;
    }
    if (src != e)
        memcpy(e, src, n * sizeof *e);
}

void ndi_walk_free(const nd_index *ix, bwalk *w)
{
    if (!w)
        return;
    nd_free(&ix->alloc, w->e);
    nd_free(&ix->alloc, w->tmp);
    nd_free(&ix->alloc, w->grp);
    nd_free(&ix->alloc, w->g);
    nd_free(&ix->alloc, w->off);
    nd_free(&ix->alloc, w->idx);
    nd_free(&ix->alloc, w->seq);
    nd_free(&ix->alloc, w->per_doc);
    nd_vec_free(&w->pool, &ix->alloc);
    nd_free(&ix->alloc, w);
}

/* Replaces *p by room for n items of `size` bytes (the contents are not
 * kept). */
static int walk_alloc(const nd_index *ix, void **p, size_t n, size_t size)
{
    nd_free(&ix->alloc, *p);
    *p = nd_malloc(&ix->alloc, n * size);
    return *p ? 0 : -1;
}

/* The session's walk (made on first use). */
static bwalk *walk_get(nd_index_session *s)
{
    if (!s->walk && (s->walk = nd_calloc(&s->ix->alloc, 1, sizeof *s->walk)) != NULL)
        nd_vec_init(&s->walk->pool, sizeof(uint64_t), SIZE_MAX);
    return s->walk;
}

/* bytes of room (not zeroed) for nd_index_add's arrays of a document each. */
static void *walk_per_doc(nd_index_session *s, size_t bytes)
{
    bwalk *w = walk_get(s);
    if (!w)
        return NULL;
    if (bytes > w->cap_per_doc) {
        const size_t c = bytes < w->cap_per_doc * 2 ? w->cap_per_doc * 2 : bytes;
        w->cap_per_doc = 0;
        if (walk_alloc(s->ix, &w->per_doc, c, 1))
            return NULL;
        w->cap_per_doc = c;
    }
    return w->per_doc;
}

/* The session's walk, emptied, with room for n documents (seq zeroed) and
 * ne keys. */
static nd_status walk_prepare(nd_index_session *s, size_t n, size_t ne)
{
    const nd_index *ix = s->ix;
    bwalk *w = walk_get(s);
    if (!w)
        return ND_E_NOMEM;
    w->ne = w->ng = 0;
    w->pool.len = 0;
    /* batches grow (add's automatic size): room doubles, not each batch */
    if (++n > w->cap_n) {
        const size_t c = n < w->cap_n * 2 ? w->cap_n * 2 : n;
        w->cap_n = 0;
        if (walk_alloc(ix, (void **)&w->off, c, sizeof *w->off) ||
            walk_alloc(ix, (void **)&w->seq, c, sizeof *w->seq))
            return ND_E_NOMEM;
        w->cap_n = c;
    }
    memset(w->seq, 0, n * sizeof *w->seq);
    if (ne > w->cap_e) {
        const size_t c = ne < w->cap_e * 2 ? w->cap_e * 2 : ne;
        w->cap_e = 0;
        if (walk_alloc(ix, (void **)&w->e, c, sizeof *w->e) ||
            walk_alloc(ix, (void **)&w->tmp, c, sizeof *w->tmp) ||
            walk_alloc(ix, (void **)&w->grp, c, sizeof *w->grp) ||
            walk_alloc(ix, (void **)&w->g, c, sizeof *w->g) ||
            walk_alloc(ix, (void **)&w->idx, c, sizeof *w->idx))
            return ND_E_NOMEM;
        w->cap_e = c;
    }
    return ND_OK;
}

/* Walks the exact-hash table over the entries e[x0..x1) (sorted). */
static nd_status bwalk_exact(nd_index_session *s, MDB_txn *txn, bwalk *w, size_t x0, size_t x1)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(txn, s->ix->db.exact, &c);
    if (rc)
        return ndi_mdb_status(s->detail, rc, "opening a cursor");
    nd_status st = ND_OK;
    for (size_t x = x0; x < x1 && st == ND_OK;) {
        size_t y = x + 1;
        while (y < x1 && w->e[y].hi == w->e[x].hi && w->e[y].lo == w->e[x].lo)
            y++;
        kgroup *g = &w->g[w->ng];
        g->ps = w->pool.len;
        g->es = x;
        g->ee = y;
        unsigned char kb[16];
        exact_key(w->e[x].lo, w->e[x].hi, kb);
        MDB_val k, v;
        st = dups_read(s, c, kb, 16, &w->pool);
        g->pe = w->pool.len;
        for (size_t z = x; z < y && st == ND_OK; z++) {
            unsigned char vb[8];
            ndi_be64(w->seq[w->e[z].doc], vb);
            k = mval(kb, 16);
            v = mval(vb, 8);
            rc = mdb_cursor_put(c, &k, &v, MDB_NODUPDATA);
            if (rc && rc != MDB_KEYEXIST)
                st = ndi_mdb_status(s->detail, rc, "writing an exact hash");
            w->grp[z] = (uint32_t)w->ng;
        }
        w->ng++;
        x = y;
    }
    mdb_cursor_close(c);
    return st;
}

/* The band keys e[x0..x1) (sorted) merged into their buckets (ibands.c), the
 * seqs each held before the batch collected on the way. */
static nd_status bwalk_bands(nd_index_session *s, MDB_txn *txn, bwalk *w, size_t x0, size_t x1)
{
    ndi_bmerge *m;
    nd_status st = ndi_bands_begin(s, txn, &m);
    nd_vec seqs;
    nd_vec_init(&seqs, sizeof(uint64_t), SIZE_MAX);
    for (size_t x = x0; x < x1 && st == ND_OK;) {
        size_t y = x + 1;
        while (y < x1 && w->e[y].hi == w->e[x].hi)
            y++;
        seqs.len = 0;
        for (size_t z = x; z < y && st == ND_OK; z++) {
            st = nd_vec_push(&seqs, &s->ix->alloc, &w->seq[w->e[z].doc]);
            w->grp[z] = (uint32_t)w->ng;
        }
        kgroup *g = &w->g[w->ng++];
        g->ps = w->pool.len;
        g->es = x;
        g->ee = y;
        if (st == ND_OK)
            st = ndi_bands_next(m, w->e[x].hi, seqs.data, seqs.len, &w->pool);
        g->pe = w->pool.len;
        x = y;
    }
    if (st == ND_OK)
        st = ndi_bands_end(m);
    ndi_bands_free(m);
    nd_vec_free(&seqs, &s->ix->alloc);
    return st;
}

/* Sorts the keys of the batch's changed documents (seq[i] != 0) and walks
 * the exact and band tables with them. */
static nd_status bwalk_run(nd_index_session *s, MDB_txn *txn, bwalk *w, const work *works,
                           size_t n)
{
    /* (walk_prepare made room for every key of the batch) */
    w->off[0] = 0;
    /* the exact hashes first, then the band keys; each in document order */
    size_t split = 0;
    for (size_t i = 0; i < n; i++) {
        w->off[i + 1] = w->off[i];
        if (!w->seq[i])
            continue;
        w->e[split++] = (kent){works[i].exact_hi, works[i].exact_lo, (uint32_t)i};
        w->off[i + 1] += 1 + works[i].num_keys;
    }
    w->ne = split;
    for (size_t i = 0; i < n; i++)
        for (uint32_t q = 0; w->seq[i] && q < works[i].num_keys; q++)
            w->e[w->ne++] = (kent){works[i].keys[q], 0, (uint32_t)i};
    /* sorted by key, then document (the sorts are stable) */
    kent_sort(w->e, w->tmp, split, 1);
    kent_sort(w->e, w->tmp, split, 0);
    kent_sort(w->e + split, w->tmp, w->ne - split, 0);
    nd_status st;
    if ((st = bwalk_exact(s, txn, w, 0, split)) != ND_OK ||
        (st = bwalk_bands(s, txn, w, split, w->ne)) != ND_OK)
        return st;
    /* idx: each document's entries, through a running fill of off (in tmp,
     * free once sorted: its room, ne >= n entries, holds the n counters) */
    size_t *fill = (size_t *)(void *)w->tmp;
    memcpy(fill, w->off, n * sizeof *fill);
    for (size_t x = 0; x < w->ne; x++)
        w->idx[fill[w->e[x].doc]++] = x;
    return ND_OK;
}

/* Candidates of batch document i (as candidates() would find them had the
 * batch been written one document at a time) into s->cand. */
static nd_status bwalk_candidates(nd_index_session *s, const bwalk *w, size_t i)
{
    const uint64_t self = w->seq[i];
    const uint64_t *pool = w->pool.data;
    nd_status st;
    s->cand.len = 0;
    for (size_t q = w->off[i]; q < w->off[i + 1]; q++) {
        const kgroup *g = &w->g[w->grp[w->idx[q]]];
        for (size_t p = g->ps; p < g->pe; p++)
            if ((st = nd_vec_push(&s->cand, &s->ix->alloc, &pool[p])) != ND_OK)
                return st;
        for (size_t z = g->es; z < g->ee; z++) {
            const uint64_t sq = w->seq[w->e[z].doc];
            if (sq < self && (st = nd_vec_push(&s->cand, &s->ix->alloc, &sq)) != ND_OK)
                return st;
        }
    }
    cand_finish(s, self);
    return ND_OK;
}

/* The placement of the document among the candidates, and its matches
 * (appended to s->matches from *first_match). */
typedef struct placement {
    uint64_t rep; /* 0: it is a representative */
    nd_relation rel;
    uint32_t count;
    sim fig;
    const char *rep_id;
    size_t rep_len;
} placement;

static nd_status place(nd_index_session *s, MDB_txn *txn, const work *w, int in_batch,
                       placement *pl)
{
    nd_index *ix = s->ix;
    nd_status st;
    memset(pl, 0, sizeof pl[0]);
    nd_vec other;
    nd_vec_init(&other, sizeof(uint32_t), (size_t)UINT32_MAX);
    s->linked.len = 0;
    const uint64_t *cand = s->cand.data;
    for (size_t i = 0; i < s->cand.len; i++) {
        const uint64_t c = cand[i];
        doc_build b;
        ndi_doc d;
        if ((st = doc_get(s, txn, c, &d, &b)) == ND_E_PARAM && in_batch) {
            /* Removed earlier in the batch (a replaced document): gone. */
            s->detail[0] = 0;
            continue;
        }
        if (st != ND_OK)
            goto fail;
        nd_relation rel;
        uint32_t count = 0;
        sim f;
        if (b.exact_lo == w->exact_lo && b.exact_hi == w->exact_hi) {
            rel = ND_REL_EXACT;
            f.j = f.a_in_b = f.b_in_a = 1.0;
        } else {
            if (ix->params.method == ND_METHOD_SIMHASH &&
                nd_hamming(b.simhash, w->simhash) > ix->params.simhash_k)
                continue;
            if (!w->size || !d.num_shingles)
                continue;
            if (fp_mode(ix)) {
                count = 64 - nd_hamming(b.simhash, w->simhash);
            } else {
                uint32_t on;
                if ((st = set_get(s, txn, c, &other, &on)) != ND_OK)
                    goto fail;
                count = count_sets(ix, w->set, w->num_set, other.data, on);
            }
            f = sim_of(ix, w->size, d.num_shingles, count);
            rel = relate(ix, &f);
        }
        if (rel == ND_REL_NONE)
            continue;
        if ((st = nd_vec_push(&s->linked, &ix->alloc, &c)) != ND_OK)
            goto fail;
        nd_index_match m;
        m.id = ndi_arena_dup(s, d.id, d.id_len);
        if (!m.id) {
            st = ND_E_NOMEM;
            goto fail;
        }
        m.id_len = d.id_len;
        m.rel = rel;
        m.resemblance = f.j;
        m.doc_in_other = f.a_in_b;
        m.other_in_doc = f.b_in_a;
        if ((st = nd_vec_push(&s->matches, &ix->alloc, &m)) != ND_OK)
            goto fail;
        if (!pl->rep && d.rep == c &&
            (rel == ND_REL_EXACT || rel == ND_REL_NEAR || rel == ND_REL_CONTAINED_IN)) {
            pl->rep = c;
            pl->rel = rel;
            pl->count = count;
            pl->fig = f;
            pl->rep_id = m.id;
            pl->rep_len = m.id_len;
        }
    }
    st = ND_OK;
fail:
    nd_vec_free(&other, &ix->alloc);
    return st;
}

/* ---- answers
 * ---------------------------------------------------------------------------------
 */

typedef struct pending {
    size_t m0, m1, p0, p1; /* ranges in s->matches and s->passages */
} pending;

static nd_status id_check(nd_index_session *s, const nd_index_doc *doc, size_t i)
{
    if (!doc->id || doc->id_len == 0 || doc->id_len > NDI_MAX_ID) {
        nd_detail_set(s->detail, "document %zu: its id is %s (1 to %u bytes)", i + 1,
                      doc->id && doc->id_len ? "too long" : "empty", NDI_MAX_ID);
        return ND_E_INPUT;
    }
    if (!doc->text && doc->text_len) {
        nd_detail_set(s->detail, "document %zu: no text", i + 1);
        return ND_E_INPUT;
    }
    if (doc->text_len > s->ix->params.max_doc || doc->text_len > UINT32_MAX) {
        nd_detail_set(s->detail, "document %zu: %zu bytes, over max-doc", i + 1, doc->text_len);
        return ND_E_LIMIT;
    }
    return ND_OK;
}

static nd_status lookup_id(nd_index_session *s, MDB_txn *txn, const char *id, size_t len,
                           uint64_t *seq)
{
    MDB_val k = mval(id, len), v;
    const int rc = mdb_get(txn, s->ix->db.ids, &k, &v);
    *seq = 0;
    if (rc == MDB_NOTFOUND)
        return ND_OK;
    if (rc)
        return ndi_mdb_status(s->detail, rc, "looking up an id");
    if (v.mv_size != 8) {
        nd_detail_set(s->detail, "an id entry has the wrong size (damaged index)");
        return ND_E_CORRUPT;
    }
    *seq = ndi_get_be64(v.mv_data);
    return ND_OK;
}

/* Answers one document: sketch, candidates, matches, placement, passages,
 * story; an add (bw: batch document bi) stores it as its seq. */
static nd_status answer_one(nd_index_session *s, MDB_txn *txn, const nd_index_doc *doc,
                            const work *wp, uint64_t self, const bwalk *bw, size_t bi,
                            nd_index_answer *ans, pending *pd)
{
    nd_index *ix = s->ix;
    nd_status st;
    const work w = *wp;
    const int write = bw != NULL; /* an add: batch document bi, stored as its seq */
    const uint64_t seq = write ? bw->seq[bi] : 0;
    /* a query computes the parts asked; the story needs the passages' partners */
    const unsigned parts = write ? ND_INDEX_ANSWER_ALL : s->parts;
    const int passages = ix->params.index_passages &&
                         (parts & (ND_INDEX_ANSWER_PASSAGES | ND_INDEX_ANSWER_STORY));
    const int stories = ix->params.index_stories && (parts & ND_INDEX_ANSWER_STORY);
    placement pl;
    memset(ans, 0, sizeof *ans);
    ans->parts = parts;
    if (bw)
        ND_RETURN_IF((st = bwalk_candidates(s, bw, bi)) != ND_OK, st);
    else
        ND_RETURN_IF((st = candidates(s, txn, &w, self)) != ND_OK, st);
    pd->m0 = s->matches.len;
    ND_RETURN_IF((st = place(s, txn, &w, write, &pl)) != ND_OK, st);
    pd->m1 = s->matches.len;
    const uint64_t group = pl.rep ? pl.rep : (write ? seq : 0);
    if (pl.rep) {
        ans->rep = pl.rep_id;
        ans->rep_len = pl.rep_len;
        ans->rel = pl.rel;
        ans->resemblance = pl.fig.j;
        ans->doc_in_rep = pl.fig.a_in_b;
        ans->rep_in_doc = pl.fig.b_in_a;
    } else {
        ans->rep = ndi_arena_dup(s, doc->id, doc->id_len);
        ND_RETURN_IF(!ans->rep, ND_E_NOMEM);
        ans->rep_len = doc->id_len;
        ans->rel = ND_REL_NONE;
        ans->resemblance = ans->doc_in_rep = ans->rep_in_doc = 1.0;
    }
    /* Passages need the tokens: the sketch's worker buffers are reused. */
    const nd_token *tok = NULL;
    size_t nt = 0;
    pd->p0 = s->passages.len;
    if (passages) {
        const char *norm;
        if ((st = nd_worker_tokenize(s->worker, doc->text, doc->text_len, &tok, &nt, &norm)) !=
            ND_OK)
            return st;
        ND_RETURN_IF((st = ndi_passages(s, txn, self ? self : 0, group, doc, tok, nt)) != ND_OK,
                     st);
        const nd_index_passage *ps = s->passages.data;
        for (size_t i = pd->p0; i < s->passages.len; i++) {
            /* The partners' seqs are not in the passage; look them up by id. */
            uint64_t ps_seq;
            ND_RETURN_IF((st = lookup_id(s, txn, ps[i].other, ps[i].other_len, &ps_seq)) != ND_OK,
                         st);
            if (ps_seq)
                ND_RETURN_IF((st = nd_vec_push(&s->linked, &ix->alloc, &ps_seq)) != ND_OK, st);
        }
    }
    if (!(parts & ND_INDEX_ANSWER_PASSAGES))
        s->passages.len = pd->p0; /* found for the story only */
    pd->p1 = s->passages.len;
    if (stories) {
        ND_RETURN_IF((st = ndi_story_place(s, txn, write ? seq : 0, doc, s->linked.data,
                                           s->linked.len, write, ans)) != ND_OK,
                     st);
    }
    if (!write)
        return ND_OK;
    /* Store. */
    doc_build b;
    memset(&b, 0, sizeof b);
    b.d.seq = seq;
    b.d.rep = pl.rep ? pl.rep : seq;
    b.d.rel = pl.rep ? pl.rel : ND_REL_NONE;
    b.d.count = pl.count;
    b.d.num_shingles = w.size;
    b.d.length = doc->text_len;
    b.d.has_date = doc->has_date;
    b.d.date_days = doc->has_date ? doc->date_days : 0;
    b.d.has_story = ans->has_story;
    b.d.story = ans->story;
    b.d.id = doc->id;
    b.d.id_len = (uint32_t)doc->id_len;
    b.d.date = doc->date;
    b.d.date_len = doc->date ? (uint32_t)doc->date_len : 0;
    b.d.source = doc->source;
    b.d.source_len = doc->source ? (uint32_t)doc->source_len : 0;
    b.d.title = doc->title;
    b.d.title_len = doc->title ? (uint32_t)doc->title_len : 0;
    b.d.lang = doc->lang;
    b.d.lang_len = doc->lang ? (uint32_t)doc->lang_len : 0;
    b.exact_lo = w.exact_lo;
    b.exact_hi = w.exact_hi;
    b.simhash = w.simhash;
    b.keys = w.keys;
    b.num_keys = w.num_keys;
    /* doc_put reads keys as native u64 (it writes them with put_u64). */
    ND_RETURN_IF((st = doc_put(s, txn, &b)) != ND_OK, st);
    ND_RETURN_IF((st = set_put(s, txn, seq, w.set, w.num_set)) != ND_OK, st);
    if (keep_texts(ix))
        ND_RETURN_IF((st = text_put(s, txn, seq, doc->text, doc->text_len)) != ND_OK, st);
    unsigned char key[8];
    ndi_be64(seq, key);
    MDB_val k = mval(doc->id, doc->id_len), v = {8, key};
    int rc = mdb_put(txn, ix->db.ids, &k, &v, 0);
    ND_RETURN_IF(rc, ndi_mdb_status(s->detail, rc, "writing an id"));
    /* Its exact hash and band keys were written by the batch's walk. */
    if (pl.rep) {
        unsigned char rk[8];
        ndi_be64(pl.rep, rk);
        ND_RETURN_IF(
            (st = dup_put(s, txn, ix->db.members, rk, 8, seq, "writing a member")) != ND_OK, st);
    }
    if (ix->params.index_passages)
        ND_RETURN_IF((st = ndi_grams_put(s, txn, seq, doc->text, doc->text_len, tok, nt)) !=
                         ND_OK,
                     st);
    return ND_OK;
}

/* Points each answer at its ranges, now that the vectors have stopped moving.
 */
static void answers_fix(nd_index_session *s, const pending *pd, size_t n)
{
    nd_index_answer *a = s->answers.data;
    const nd_index_match *m = s->matches.data;
    const nd_index_passage *p = s->passages.data;
    for (size_t i = 0; i < n; i++) {
        a[i].num_matches = pd[i].m1 - pd[i].m0;
        a[i].matches = a[i].num_matches ? m + pd[i].m0 : NULL;
        a[i].num_passages = pd[i].p1 - pd[i].p0;
        a[i].passages = a[i].num_passages ? p + pd[i].p0 : NULL;
    }
}

/* ---- removal
 * ---------------------------------------------------------------------------------
 */

static nd_status doc_delete(nd_index_session *s, MDB_txn *txn, uint64_t seq, int reform);

/* Re-forms the cluster of a removed representative from its members. */
static nd_status reform(nd_index_session *s, MDB_txn *txn, uint64_t old_rep)
{
    nd_index *ix = s->ix;
    nd_status st;
    unsigned char rk[8];
    ndi_be64(old_rep, rk);
    s->cand.len = 0;
    ND_RETURN_IF((st = bucket_collect(s, txn, ix->db.members, rk, 8)) != ND_OK, st);
    MDB_val k = {8, rk};
    int rc = mdb_del(txn, ix->db.members, &k, NULL);
    if (rc && rc != MDB_NOTFOUND)
        return ndi_mdb_status(s->detail, rc, "removing members");
    const size_t n = s->cand.len;
    if (!n)
        return ND_OK;
    uint64_t *mem = nd_malloc(&ix->alloc, n * sizeof *mem);
    uint64_t *reps = nd_malloc(&ix->alloc, n * sizeof *reps);
    nd_vec a, b;
    nd_vec_init(&a, 4, (size_t)UINT32_MAX);
    nd_vec_init(&b, 4, (size_t)UINT32_MAX);
    size_t nr = 0;
    if (!mem || !reps) {
        st = ND_E_NOMEM;
        goto fail;
    }
    memcpy(mem, s->cand.data, n * sizeof *mem);
    for (size_t i = 0; i < n; i++) {
        doc_build bm, br;
        ndi_doc dm, dr;
        if ((st = doc_get(s, txn, mem[i], &dm, &bm)) != ND_OK)
            goto fail;
        uint32_t na;
        if ((st = set_get(s, txn, mem[i], &a, &na)) != ND_OK)
            goto fail;
        uint64_t rep = 0;
        nd_relation rel = ND_REL_NONE;
        uint32_t count = 0;
        for (size_t j = 0; j < nr && !rep; j++) {
            if ((st = doc_get(s, txn, reps[j], &dr, &br)) != ND_OK)
                goto fail;
            if (br.exact_lo == bm.exact_lo && br.exact_hi == bm.exact_hi) {
                rep = reps[j];
                rel = ND_REL_EXACT;
                break;
            }
            if (!dm.num_shingles || !dr.num_shingles)
                continue;
            if (ix->params.method == ND_METHOD_SIMHASH &&
                nd_hamming(bm.simhash, br.simhash) > ix->params.simhash_k)
                continue;
            uint32_t c;
            if (fp_mode(ix)) {
                c = 64 - nd_hamming(bm.simhash, br.simhash);
            } else {
                uint32_t nb;
                if ((st = set_get(s, txn, reps[j], &b, &nb)) != ND_OK)
                    goto fail;
                c = count_sets(ix, a.data, na, b.data, nb);
            }
            const sim f = sim_of(ix, dm.num_shingles, dr.num_shingles, c);
            const nd_relation r = relate(ix, &f);
            if (r == ND_REL_NEAR || r == ND_REL_CONTAINED_IN) {
                rep = reps[j];
                rel = r;
                count = c;
            }
        }
        /* Rewrite the record with its new place (the record must be copied
         * out of the map before it is rewritten). */
        doc_build nb2 = bm;
        nb2.d.rep = rep ? rep : mem[i];
        nb2.d.rel = rep ? rel : ND_REL_NONE;
        nb2.d.count = count;
        const size_t keys_bytes = (size_t)bm.num_keys * 8;
        uint64_t keys[ND_MAX_INDEX_KEYS];
        const unsigned char *kp = (const unsigned char *)bm.keys;
        for (uint32_t q = 0; q < bm.num_keys && q < ND_MAX_INDEX_KEYS; q++)
            keys[q] = get_u64(kp + (size_t)q * 8);
        (void)keys_bytes;
        nb2.keys = keys;
        /* Strings point into the map page being replaced: copy them first. */
        const char *id = ndi_arena_dup(s, bm.d.id, bm.d.id_len);
        const char *date = ndi_arena_dup(s, bm.d.date, bm.d.date_len);
        const char *src = ndi_arena_dup(s, bm.d.source, bm.d.source_len);
        const char *title = ndi_arena_dup(s, bm.d.title, bm.d.title_len);
        const char *lang = ndi_arena_dup(s, bm.d.lang, bm.d.lang_len);
        if (!id || !date || !src || !title || !lang) {
            st = ND_E_NOMEM;
            goto fail;
        }
        nb2.d.id = id;
        nb2.d.date = date;
        nb2.d.source = src;
        nb2.d.title = title;
        nb2.d.lang = lang;
        if ((st = doc_put(s, txn, &nb2)) != ND_OK)
            goto fail;
        if (rep) {
            unsigned char k2[8];
            ndi_be64(rep, k2);
            if ((st = dup_put(s, txn, ix->db.members, k2, 8, mem[i], "writing a member")) != ND_OK)
                goto fail;
        } else {
            reps[nr++] = mem[i];
        }
    }
    st = ND_OK;
fail:
    nd_vec_free(&a, &ix->alloc);
    nd_vec_free(&b, &ix->alloc);
    nd_free(&ix->alloc, mem);
    nd_free(&ix->alloc, reps);
    return st;
}

static nd_status doc_delete(nd_index_session *s, MDB_txn *txn, uint64_t seq, int do_reform)
{
    nd_index *ix = s->ix;
    nd_status st;
    doc_build b;
    ndi_doc d;
    ND_RETURN_IF((st = doc_get(s, txn, seq, &d, &b)) != ND_OK, st);
    /* Copy what is needed: the record's page may move once we write. */
    uint64_t keys[ND_MAX_INDEX_KEYS];
    const uint32_t nk = b.num_keys < ND_MAX_INDEX_KEYS ? b.num_keys : ND_MAX_INDEX_KEYS;
    for (uint32_t q = 0; q < nk; q++)
        keys[q] = get_u64((const unsigned char *)b.keys + (size_t)q * 8);
    const uint64_t exact_lo = b.exact_lo, exact_hi = b.exact_hi, rep = d.rep;
    ndi_doc dc = d;
    dc.id = ndi_arena_dup(s, d.id, d.id_len);
    dc.date = d.date ? ndi_arena_dup(s, d.date, d.date_len) : NULL;
    dc.source = d.source ? ndi_arena_dup(s, d.source, d.source_len) : NULL;
    dc.title = d.title ? ndi_arena_dup(s, d.title, d.title_len) : NULL;
    dc.lang = d.lang ? ndi_arena_dup(s, d.lang, d.lang_len) : NULL;
    ND_RETURN_IF(!dc.id, ND_E_NOMEM);
    /* Postings and story need the text (and its tokens). */
    if (keep_texts(ix)) {
        const char *text;
        size_t len;
        ND_RETURN_IF((st = ndi_doc_text(s, txn, seq, &text, &len)) != ND_OK, st);
        if (ix->params.index_passages) {
            const nd_token *tok;
            size_t nt;
            const char *norm;
            ND_RETURN_IF((st = nd_worker_tokenize(s->worker, text, len, &tok, &nt, &norm)) != ND_OK,
                         st);
            ND_RETURN_IF((st = ndi_grams_del(s, txn, seq, text, len, tok, nt)) != ND_OK, st);
            /* ndi_grams_del may not touch s->text; the text stays valid. */
        }
        if (ix->params.index_stories && dc.has_story)
            ND_RETURN_IF((st = ndi_story_unplace(s, txn, seq, &dc, text, len)) != ND_OK, st);
    }
    unsigned char key[8];
    ndi_be64(seq, key);
    MDB_val k = {8, key};
    int rc;
    MDB_dbi plain[] = {ix->db.docs, ix->db.sets, ix->db.texts};
    for (size_t i = 0; i < 3; i++) {
        rc = mdb_del(txn, plain[i], &k, NULL);
        if (rc && rc != MDB_NOTFOUND)
            return ndi_mdb_status(s->detail, rc, "removing a record");
    }
    MDB_val ik = mval(dc.id, dc.id_len);
    rc = mdb_del(txn, ix->db.ids, &ik, NULL);
    if (rc && rc != MDB_NOTFOUND)
        return ndi_mdb_status(s->detail, rc, "removing an id");
    unsigned char ek[16];
    exact_key(exact_lo, exact_hi, ek);
    ND_RETURN_IF(
        (st = dup_del(s, txn, ix->db.exact, ek, 16, seq, "removing an exact hash")) != ND_OK, st);
    for (uint32_t q = 0; q < nk; q++)
        ND_RETURN_IF((st = ndi_bands_del(s, txn, keys[q], seq)) != ND_OK, st);
    if (rep != seq) {
        unsigned char rk[8];
        ndi_be64(rep, rk);
        ND_RETURN_IF(
            (st = dup_del(s, txn, ix->db.members, rk, 8, seq, "removing a member")) != ND_OK, st);
    } else if (do_reform) {
        ND_RETURN_IF((st = reform(s, txn, seq)) != ND_OK, st);
    }
    return ND_OK;
}

/* ---- the public calls
 * ------------------------------------------------------------------------- */

static nd_status write_begin(nd_index_session *s, MDB_txn **txn)
{
    nd_index *ix = s->ix;
    if (ix->flags & ND_INDEX_READONLY) {
        nd_detail_set(s->detail, "the index is open read-only");
        return ND_E_STATE;
    }
    pthread_mutex_lock(&ix->write_lock);
    const int rc = mdb_txn_begin(ix->env, NULL, 0, txn);
    if (rc) {
        pthread_mutex_unlock(&ix->write_lock);
        return ndi_mdb_status(s->detail, rc, "starting a write transaction");
    }
    return ND_OK;
}

/* Commits (when st is ND_OK and commit is set) or aborts, and lets the next
 * writer in. */
static nd_status write_end(nd_index_session *s, MDB_txn *txn, nd_status st, int commit)
{
    nd_index *ix = s->ix;
    if (st == ND_OK && commit) {
        const int rc = mdb_txn_commit(txn);
        if (rc)
            st = ndi_mdb_status(s->detail, rc, "committing");
    } else {
        mdb_txn_abort(txn);
    }
    pthread_mutex_unlock(&ix->write_lock);
    return st;
}

/* Same text and facts as the stored record? */
static nd_status same_doc(nd_index_session *s, MDB_txn *txn, uint64_t seq, const nd_index_doc *doc,
                          const work *w, int *same)
{
    nd_status st;
    ndi_doc d;
    doc_build b;
    *same = 0;
    ND_RETURN_IF((st = doc_get(s, txn, seq, &d, &b)) != ND_OK, st);
#define SAME_STR(p, n, q, m) ((m) == ((p) ? (n) : 0) && (!(m) || memcmp(p, q, m) == 0))
    if (d.length != doc->text_len || d.has_date != (doc->has_date != 0) ||
        (d.has_date && d.date_days != doc->date_days) ||
        !SAME_STR(doc->date, doc->date_len, d.date, d.date_len) ||
        !SAME_STR(doc->source, doc->source_len, d.source, d.source_len) ||
        !SAME_STR(doc->title, doc->title_len, d.title, d.title_len) ||
        !SAME_STR(doc->lang, doc->lang_len, d.lang, d.lang_len))
        return ND_OK;
#undef SAME_STR
    if (keep_texts(s->ix)) {
        const char *t;
        size_t n;
        ND_RETURN_IF((st = ndi_doc_text(s, txn, seq, &t, &n)) != ND_OK, st);
        *same = n == doc->text_len && (!n || memcmp(t, doc->text, n) == 0);
    } else {
        /* no text kept: the exact hash of the batch's sketch */
        *same = b.exact_lo == w->exact_lo && b.exact_hi == w->exact_hi;
    }
    return ND_OK;
}

/* The stored placement of seq as an answer (for an unchanged document). */
static nd_status stored_answer(nd_index_session *s, MDB_txn *txn, const ndi_doc *d,
                               nd_index_answer *ans)
{
    nd_status st;
    memset(ans, 0, sizeof *ans);
    ans->change = ND_INDEX_UNCHANGED;
    ans->parts = ND_INDEX_ANSWER_ALL; /* the stored ones: no passages are kept */
    ans->rel = d->rel;
    ans->resemblance = ans->doc_in_rep = ans->rep_in_doc = 1.0;
    if (d->rep == d->seq) {
        ans->rep = ndi_arena_dup(s, d->id, d->id_len);
        ans->rep_len = d->id_len;
    } else {
        ndi_doc r;
        ND_RETURN_IF((st = doc_get(s, txn, d->rep, &r, NULL)) != ND_OK, st);
        ans->rep = ndi_arena_dup(s, r.id, r.id_len);
        ans->rep_len = r.id_len;
        if (d->rel != ND_REL_EXACT) {
            const sim f = sim_of(s->ix, d->num_shingles, r.num_shingles, d->count);
            ans->resemblance = f.j;
            ans->doc_in_rep = f.a_in_b;
            ans->rep_in_doc = f.b_in_a;
        }
    }
    ND_RETURN_IF(!ans->rep, ND_E_NOMEM);
    ans->has_story = d->has_story;
    ans->story = d->story;
    return ND_OK;
}

/* An id given twice in one batch is refused (it names the second). Sorts
 * positions by id: n log n. */
typedef struct id_ref {
    const nd_index_doc *docs;
    size_t i;
} id_ref;

static int cmp_id_ref(const void *pa, const void *pb)
{
    const id_ref *a = pa, *b = pb;
    const nd_index_doc *x = &a->docs[a->i], *y = &b->docs[b->i];
    const size_t n = x->id_len < y->id_len ? x->id_len : y->id_len;
    const int c = memcmp(x->id, y->id, n);
    if (c)
        return c;
    if (x->id_len != y->id_len)
        return x->id_len < y->id_len ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

static nd_status batch_ids_unique(nd_index_session *s, const nd_index_doc *docs, size_t n)
{
    if (n < 2)
        return ND_OK;
    id_ref *r = nd_malloc(&s->ix->alloc, n * sizeof *r);
    if (!r) {
        nd_detail_set(s->detail, "adding %zu documents: out of memory", n);
        return ND_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        r[i].docs = docs;
        r[i].i = i;
    }
    qsort(r, n, sizeof *r, cmp_id_ref);
    size_t first = SIZE_MAX, second = SIZE_MAX;
    for (size_t k = 1; k < n; k++) {
        const nd_index_doc *x = &docs[r[k - 1].i], *y = &docs[r[k].i];
        if (x->id_len == y->id_len && !memcmp(x->id, y->id, x->id_len) && r[k].i < second) {
            first = r[k - 1].i;
            second = r[k].i;
        }
    }
    nd_free(&s->ix->alloc, r);
    if (second == SIZE_MAX)
        return ND_OK;
    const nd_index_doc *d = &docs[second];
    nd_detail_set(s->detail, "document %zu: id '%.*s' is also document %zu of the batch",
                  second + 1, (int)(d->id_len > 80 ? 80 : d->id_len), d->id, first + 1);
    return ND_E_INPUT;
}

nd_status nd_index_add(nd_index_session *s, const nd_index_doc *docs, size_t n,
                       const nd_index_answer **answers)
{
    nd_index *ix = s->ix;
    nd_status st;
    call_start(s);
    if (answers)
        *answers = NULL;
    if (n > NDI_MAX_BATCH) {
        nd_detail_set(s->detail, "a batch of %zu documents (at most %u)", n, NDI_MAX_BATCH);
        return ND_E_LIMIT;
    }
    for (size_t i = 0; i < n; i++)
        ND_RETURN_IF((st = id_check(s, &docs[i], i)) != ND_OK, st);
    if ((st = batch_ids_unique(s, docs, n)) != ND_OK)
        return st;
    if (nd_vec_reserve(&s->answers, &ix->alloc, n ? n : 1) != ND_OK) {
        nd_detail_set(s->detail, "adding %zu documents: out of memory", n);
        return ND_E_NOMEM;
    }
    /* works, pd and olds: in the session's room, kept from batch to batch */
    work *works = walk_per_doc(s, (n ? n : 1) * (sizeof(work) + sizeof(pending) + 8));
    pending *pd = works ? (pending *)(void *)(works + n) : NULL;
    uint64_t *olds = pd ? (uint64_t *)(void *)(pd + n) : NULL;
    bwalk *bw = NULL;
    MDB_txn *txn = NULL;
    if (!works) {
        st = ND_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) { /* what work_free reads, whatever fails */
        works[i].set = NULL;
        works[i].keys = NULL;
    }
    /* Sketches first, outside the write lock, on the index's threads. */
    if ((st = sketch_batch(s, docs, n, works)) != ND_OK || (st = write_begin(s, &txn)) != ND_OK)
        goto out;
    counters c;
    size_t changed = 0;
    ND_TRY(counters_get(ix, txn, &c, s->detail));
    /* Which documents change, and their seqs: an unchanged one is its stored
     * record's text and facts, which no earlier document of the batch moves
     * (ids are unique in a batch; removal and re-forming rewrite places). */
    size_t nkeys = 0;
    for (size_t i = 0; i < n; i++)
        nkeys += 1 + works[i].num_keys;
    if (walk_prepare(s, n, nkeys) != ND_OK) {
        nd_detail_set(s->detail, "adding %zu documents: their %zu keys: out of memory", n,
                      nkeys);
        st = ND_E_NOMEM;
        goto fail;
    }
    bw = s->walk;
    for (size_t i = 0; i < n; i++) {
        ND_TRY(lookup_id(s, txn, docs[i].id, docs[i].id_len, &olds[i]));
        int same = 0;
        if (olds[i])
            ND_TRY(same_doc(s, txn, olds[i], &docs[i], &works[i], &same));
        if (!same)
            bw->seq[i] = c.next_seq++;
    }
    ND_TRY(bwalk_run(s, txn, bw, works, n));
    for (size_t i = 0; i < n; i++) {
        nd_index_answer *ans = (nd_index_answer *)s->answers.data + i;
        const uint64_t old = olds[i];
        if (!bw->seq[i]) {
            ndi_doc d;
            ND_TRY(doc_get(s, txn, old, &d, NULL));
            ND_TRY(stored_answer(s, txn, &d, ans));
            pd[i].m0 = pd[i].m1 = s->matches.len;
            pd[i].p0 = pd[i].p1 = s->passages.len;
            continue;
        }
        if (old)
            ND_TRY(doc_delete(s, txn, old, 1));
        ND_TRY(answer_one(s, txn, &docs[i], &works[i], 0, bw, i, ans, &pd[i]));
        ans->change = old ? ND_INDEX_REPLACED : ND_INDEX_ADDED;
        changed++;
    }
    c.adds += changed;
    if (changed)
        ND_TRY(counters_put(ix, txn, &c, s->detail));
    s->answers.len = n;
    answers_fix(s, pd, n);
fail:
    /* A batch of unchanged documents writes nothing at all. */
    st = write_end(s, txn, st, changed != 0);
out:
    if (works)
        for (size_t i = 0; i < n; i++)
            work_free(ix, &works[i]);
    if (st != ND_OK) {
        if (!s->detail[0])
            nd_detail_set(s->detail, "adding %zu documents: %s", n, nd_strerror(st));
        s->answers.len = 0;
        return st;
    }
    if (answers)
        *answers = s->answers.data;
    return ND_OK;
}

nd_status nd_index_query(nd_index_session *s, const nd_index_doc *doc,
                         const nd_index_answer **answer)
{
    nd_index *ix = s->ix;
    nd_status st;
    call_start(s);
    *answer = NULL;
    ND_RETURN_IF((st = id_check(s, doc, 0)) != ND_OK, st);
    if (nd_vec_reserve(&s->answers, &ix->alloc, 1) != ND_OK) {
        nd_detail_set(s->detail, "query: out of memory");
        return ND_E_NOMEM;
    }
    MDB_txn *txn;
    ND_RETURN_IF((st = read_begin(s, &txn)) != ND_OK, st);
    pending pd;
    uint64_t self;
    nd_index_answer *ans = s->answers.data;
    work w;
    memset(&w, 0, sizeof w);
    ND_TRY(lookup_id(s, txn, doc->id, doc->id_len, &self));
    if ((st = sketch_doc(ix, s->worker, doc, &w)) != ND_OK) {
        nd_detail_set(s->detail, "%s", w.detail);
        goto fail;
    }
    ND_TRY(answer_one(s, txn, doc, &w, self, NULL, 0, ans, &pd));
    ans->change = ND_INDEX_QUERIED;
    s->answers.len = 1;
    answers_fix(s, &pd, 1);
    *answer = ans;
fail:
    work_free(ix, &w);
    read_end(s);
    if (st != ND_OK && !s->detail[0])
        nd_detail_set(s->detail, "query: %s", nd_strerror(st));
    return st;
}

nd_status nd_index_remove(nd_index_session *s, const char *const *ids, const size_t *id_lens,
                          size_t n, size_t *removed)
{
    nd_index *ix = s->ix;
    nd_status st;
    call_start(s);
    *removed = 0;
    MDB_txn *txn;
    ND_RETURN_IF((st = write_begin(s, &txn)) != ND_OK, st);
    counters c;
    size_t got = 0;
    ND_TRY(counters_get(ix, txn, &c, s->detail));
    for (size_t i = 0; i < n; i++) {
        uint64_t seq;
        if (!id_lens[i] || id_lens[i] > NDI_MAX_ID)
            continue;
        ND_TRY(lookup_id(s, txn, ids[i], id_lens[i], &seq));
        if (!seq)
            continue;
        ND_TRY(doc_delete(s, txn, seq, 1));
        got++;
    }
    c.removes += got;
    if (got)
        ND_TRY(counters_put(ix, txn, &c, s->detail));
fail:
    st = write_end(s, txn, st, got != 0);
    if (st == ND_OK)
        *removed = got;
    else if (!s->detail[0])
        nd_detail_set(s->detail, "removing %zu documents: %s", n, nd_strerror(st));
    return st;
}

static nd_status record_of(nd_index_session *s, MDB_txn *txn, const ndi_doc *d,
                           nd_index_record *out)
{
    nd_status st;
    memset(out, 0, sizeof *out);
    out->id = ndi_arena_dup(s, d->id, d->id_len);
    out->id_len = d->id_len;
    out->seq = d->seq;
    out->rel = d->rel;
    out->length = d->length;
    out->has_story = d->has_story;
    out->story = d->story;
    out->date = d->date ? ndi_arena_dup(s, d->date, d->date_len) : NULL;
    out->date_len = d->date_len;
    out->source = d->source ? ndi_arena_dup(s, d->source, d->source_len) : NULL;
    out->source_len = d->source_len;
    out->title = d->title ? ndi_arena_dup(s, d->title, d->title_len) : NULL;
    out->title_len = d->title_len;
    if (d->rep == d->seq) {
        out->rep = out->id;
        out->rep_len = out->id_len;
    } else {
        ndi_doc r;
        ND_RETURN_IF((st = doc_get(s, txn, d->rep, &r, NULL)) != ND_OK, st);
        out->rep = ndi_arena_dup(s, r.id, r.id_len);
        out->rep_len = r.id_len;
    }
    ND_RETURN_IF(!out->id || !out->rep, ND_E_NOMEM);
    return ND_OK;
}

nd_status nd_index_get(nd_index_session *s, const char *id, size_t id_len, nd_index_record *out)
{
    nd_status st;
    call_start(s);
    MDB_txn *txn;
    ND_RETURN_IF((st = read_begin(s, &txn)) != ND_OK, st);
    uint64_t seq;
    ndi_doc d;
    ND_TRY(lookup_id(s, txn, id, id_len, &seq));
    if (!seq) {
        nd_detail_set(s->detail, "'%.*s' is not in the index", (int)(id_len > 200 ? 200 : id_len),
                      id);
        st = ND_E_PARAM;
        goto fail;
    }
    ND_TRY(doc_get(s, txn, seq, &d, NULL));
    ND_TRY(record_of(s, txn, &d, out));
fail:
    read_end(s);
    return st;
}

nd_status nd_index_text(nd_index_session *s, const char *id, size_t id_len, const char **text,
                        size_t *len)
{
    nd_status st;
    call_start(s);
    if (!keep_texts(s->ix)) {
        nd_detail_set(s->detail, "this index keeps no texts (made with no passages, no stories)");
        return ND_E_STATE;
    }
    MDB_txn *txn;
    ND_RETURN_IF((st = read_begin(s, &txn)) != ND_OK, st);
    uint64_t seq;
    ND_TRY(lookup_id(s, txn, id, id_len, &seq));
    if (!seq) {
        nd_detail_set(s->detail, "'%.*s' is not in the index", (int)(id_len > 200 ? 200 : id_len),
                      id);
        st = ND_E_PARAM;
        goto fail;
    }
    ND_TRY(ndi_doc_text(s, txn, seq, text, len)); /* copied into s->text: valid after reset */
fail:
    read_end(s);
    return st;
}

nd_status nd_index_each(nd_index_session *s, int (*fn)(void *ctx, const nd_index_record *r),
                        void *ctx)
{
    nd_status st = ND_OK;
    call_start(s);
    MDB_txn *txn;
    ND_RETURN_IF((st = read_begin(s, &txn)) != ND_OK, st);
    MDB_cursor *c;
    int rc = mdb_cursor_open(txn, s->ix->db.docs, &c);
    if (rc) {
        st = ndi_mdb_status(s->detail, rc, "opening a cursor");
        goto fail;
    }
    MDB_val k, v;
    for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        ndi_doc d;
        nd_index_record r;
        if (k.mv_size != 8) {
            st = ND_E_CORRUPT;
            break;
        }
        if ((st = doc_decode(s, ndi_get_be64(k.mv_data), &v, &d, NULL)) != ND_OK)
            break;
        if ((st = record_of(s, txn, &d, &r)) != ND_OK)
            break;
        const int stop = fn(ctx, &r);
        arena_reset(s);
        if (stop)
            break;
    }
    if (st == ND_OK && rc && rc != MDB_NOTFOUND)
        st = ndi_mdb_status(s->detail, rc, "reading the documents");
    mdb_cursor_close(c);
fail:
    read_end(s);
    return st;
}

static uint64_t db_entries(MDB_txn *txn, MDB_dbi dbi)
{
    MDB_stat ms;
    return mdb_stat(txn, dbi, &ms) == 0 ? ms.ms_entries : 0;
}

/* Distinct keys of a dupsort table. */
static nd_status count_keys(MDB_txn *txn, MDB_dbi dbi, uint64_t *n, char *detail)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(txn, dbi, &c);
    *n = 0;
    if (rc)
        return ndi_mdb_status(detail, rc, "opening a cursor");
    MDB_val k, v;
    for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_NODUP))
        (*n)++;
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND ? ND_OK : ndi_mdb_status(detail, rc, "counting clusters");
}

nd_status nd_index_stats_get(nd_index *ix, nd_index_stats *out)
{
    memset(out, 0, sizeof *out);
    nd_index_session *s;
    nd_status st = nd_index_session_create(ix, &s);
    if (st != ND_OK) {
        nd_detail_set(ix->detail, "stats: out of memory");
        return st;
    }
    MDB_txn *txn;
    if ((st = read_begin(s, &txn)) != ND_OK) {
        nd_detail_set(ix->detail, "%s", s->detail);
        nd_index_session_destroy(s);
        return st;
    }
    counters c;
    st = counters_get(ix, txn, &c, ix->detail);
    if (st == ND_OK)
        st = count_keys(txn, ix->db.members, &out->clusters, ix->detail);
    if (st == ND_OK) {
        out->docs = db_entries(txn, ix->db.docs);
        out->removed_dups = db_entries(txn, ix->db.members);
        out->postings = db_entries(txn, ix->db.grams);
        if ((st = ndi_story_counts(s, txn, &out->stories, &out->terms)) != ND_OK)
            nd_detail_set(ix->detail, "%s", s->detail);
        out->adds = c.adds;
        out->removes = c.removes;
        out->format_version = NDI_FORMAT_VERSION;
        MDB_envinfo ei;
        MDB_stat es;
        mdb_env_info(ix->env, &ei);
        mdb_env_stat(ix->env, &es);
        out->map_bytes = ei.me_mapsize;
        out->used_bytes = (uint64_t)(ei.me_last_pgno + 1) * es.ms_psize;
        char path[4200];
        struct stat sb;
        snprintf(path, sizeof path, "%s/data.mdb", ix->dir);
        out->file_bytes = stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    }
    read_end(s);
    nd_index_session_destroy(s);
    return st;
}

/* ---- verify
 * ------------------------------------------------------------------------------------
 */

static void problem(nd_index *ix, uint64_t *problems, const char *fmt, ...) ND_PRINTF(3, 4);
static void problem(nd_index *ix, uint64_t *problems, const char *fmt, ...)
{
    if (!*problems) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ix->detail, ND_DETAIL_MAX, fmt, ap);
        va_end(ap);
    }
    (*problems)++;
}

/* Is (key, seq) in the dupsort table? */
static int has_dup(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, uint64_t seq)
{
    unsigned char val[8];
    ndi_be64(seq, val);
    MDB_cursor *c;
    if (mdb_cursor_open(txn, dbi, &c))
        return 0;
    MDB_val k = mval(key, klen), v = {8, val};
    const int rc = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH);
    mdb_cursor_close(c);
    return rc == 0;
}

/* A check's own failure (out of memory, a read error, a limit) stops verify
 * with that status: it says nothing about the index. */
#define VERIFY_FATAL(x) ((x) == ND_E_NOMEM || (x) == ND_E_IO || (x) == ND_E_LIMIT)

nd_status nd_index_verify(nd_index *ix, uint64_t *problems)
{
    nd_index_session *s;
    nd_status st;
    *problems = 0;
    ix->detail[0] = '\0';
    ND_RETURN_IF((st = nd_index_session_create(ix, &s)) != ND_OK, st);
    MDB_txn *txn;
    if ((st = read_begin(s, &txn)) != ND_OK) {
        nd_detail_set(ix->detail, "%s", s->detail);
        nd_index_session_destroy(s);
        return st;
    }
    MDB_cursor *c = NULL;
    uint64_t n_docs = 0, n_keys = 0, n_members = 0, n_texts = 0;
    nd_vec set;
    nd_vec_init(&set, 4, (size_t)UINT32_MAX);
    counters cn;
    if ((st = counters_get(ix, txn, &cn, ix->detail)) != ND_OK) {
        if (!VERIFY_FATAL(st))
            (*problems)++;
        goto done;
    }
    int rc = mdb_cursor_open(txn, ix->db.docs, &c);
    if (rc) {
        st = ndi_mdb_status(ix->detail, rc, "opening a cursor");
        goto done;
    }
    MDB_val k, v;
    for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 8) {
            problem(ix, problems, "a document key has the wrong size");
            continue;
        }
        const uint64_t seq = ndi_get_be64(k.mv_data);
        ndi_doc d;
        doc_build b;
        n_docs++;
        nd_status cs = doc_decode(s, seq, &v, &d, &b);
        if (VERIFY_FATAL(cs)) {
            st = cs;
            goto fatal;
        }
        if (cs != ND_OK) {
            problem(ix, problems, "document %llu: its record fails its checksum",
                    (unsigned long long)seq);
            continue;
        }
        if (seq >= cn.next_seq)
            problem(ix, problems, "document %llu: past the counters' next seq",
                    (unsigned long long)seq);
        uint64_t got;
        if (VERIFY_FATAL(cs = lookup_id(s, txn, d.id, d.id_len, &got))) {
            st = cs;
            goto fatal;
        }
        if (cs != ND_OK || got != seq)
            problem(ix, problems, "document %llu: its id does not lead to it",
                    (unsigned long long)seq);
        uint32_t ns;
        if (VERIFY_FATAL(cs = set_get(s, txn, seq, &set, &ns))) {
            st = cs;
            goto fatal;
        }
        if (cs != ND_OK)
            problem(ix, problems, "document %llu: its verification set is missing or damaged",
                    (unsigned long long)seq);
        if (keep_texts(ix)) {
            const char *t;
            size_t len;
            if (VERIFY_FATAL(cs = ndi_doc_text(s, txn, seq, &t, &len))) {
                st = cs;
                goto fatal;
            }
            if (cs != ND_OK || len != d.length)
                problem(ix, problems, "document %llu: its text is missing or damaged",
                        (unsigned long long)seq);
            else
                n_texts++;
        }
        unsigned char ek[16];
        exact_key(b.exact_lo, b.exact_hi, ek);
        if (!has_dup(txn, ix->db.exact, ek, 16, seq))
            problem(ix, problems, "document %llu: its exact hash is not indexed",
                    (unsigned long long)seq);
        for (uint32_t q = 0; q < b.num_keys; q++) {
            int found = 0;
            cs = ndi_bands_has(s, txn, get_u64((const unsigned char *)b.keys + (size_t)q * 8),
                               seq, &found);
            if (VERIFY_FATAL(cs)) {
                st = cs;
                goto fatal;
            }
            if (!found)
                problem(ix, problems, "document %llu: a band key is not indexed",
                        (unsigned long long)seq);
        }
        n_keys += b.num_keys;
        if (d.rep != seq) {
            n_members++;
            unsigned char rk[8];
            ndi_be64(d.rep, rk);
            ndi_doc r;
            if (!has_dup(txn, ix->db.members, rk, 8, seq))
                problem(ix, problems, "document %llu: not listed under its representative",
                        (unsigned long long)seq);
            const uint64_t rep = d.rep;
            if (VERIFY_FATAL(cs = doc_get(s, txn, rep, &r, NULL))) {
                st = cs;
                goto fatal;
            }
            if (cs != ND_OK || r.rep != r.seq)
                problem(ix, problems,
                        "document %llu: its representative is missing or not a "
                        "representative",
                        (unsigned long long)seq);
        }
    }
    /* Both ways: the tables hold nothing more than the records call for. */
    if (db_entries(txn, ix->db.ids) != n_docs)
        problem(ix, problems, "the id table and the documents disagree (%llu documents)",
                (unsigned long long)n_docs);
    if (db_entries(txn, ix->db.sets) != n_docs)
        problem(ix, problems, "the set table and the documents disagree (%llu documents)",
                (unsigned long long)n_docs);
    if (db_entries(txn, ix->db.exact) != n_docs)
        problem(ix, problems, "the exact-hash table and the documents disagree (%llu documents)",
                (unsigned long long)n_docs);
    uint64_t n_pairs = 0, bad_buckets = 0;
    const nd_status bs = ndi_bands_check(s, txn, &n_pairs, &bad_buckets);
    if (VERIFY_FATAL(bs)) {
        st = bs;
        goto fatal;
    }
    if (bs != ND_OK || bad_buckets)
        problem(ix, problems, "%llu buckets of band keys are damaged or out of order",
                (unsigned long long)bad_buckets);
    if (n_pairs > n_keys)
        problem(ix, problems, "the band table holds keys of no document (%llu keys expected)",
                (unsigned long long)n_keys);
    if (db_entries(txn, ix->db.members) != n_members)
        problem(ix, problems, "the member table and the documents disagree (%llu members)",
                (unsigned long long)n_members);
    if (keep_texts(ix) && db_entries(txn, ix->db.texts) != n_texts)
        problem(ix, problems, "the text table and the documents disagree (%llu texts)",
                (unsigned long long)n_texts);
    if (ix->params.index_stories) {
        uint64_t sp = 0;
        const nd_status ss = ndi_story_verify(s, txn, &sp);
        if (VERIFY_FATAL(ss)) {
            st = ss;
            nd_detail_set(ix->detail, "verifying the stories: %s", s->detail);
            goto done;
        }
        if (ss != ND_OK || sp) {
            if (!*problems)
                nd_detail_set(ix->detail, "stories: %s", s->detail);
            *problems += sp ? sp : 1;
        }
    }
    st = ND_OK;
    goto done;
fatal:
    nd_detail_set(ix->detail, "verifying: %s", s->detail[0] ? s->detail : nd_strerror(st));
done:
    if (c)
        mdb_cursor_close(c);
    nd_vec_free(&set, &ix->alloc);
    read_end(s);
    nd_index_session_destroy(s);
    if (st == ND_OK && *problems)
        st = ND_E_CORRUPT;
    return st;
}

nd_status nd_index_compact(nd_index *ix, const char *dst)
{
    ix->detail[0] = '\0';
    if (mkdir(dst, 0777) != 0 && errno != EEXIST) {
        nd_detail_set(ix->detail, "%s: cannot create the directory: %s", dst, strerror(errno));
        return ND_E_IO;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/data.mdb", dst);
    if (access(path, F_OK) == 0) {
        nd_detail_set(ix->detail, "%s: already holds an index", dst);
        return ND_E_STATE;
    }
    const int rc = mdb_env_copy2(ix->env, dst, MDB_CP_COMPACT);
    if (rc) {
        char what[4300];
        snprintf(what, sizeof what, "%s: writing the compacted copy", dst);
        return ndi_mdb_status(ix->detail, rc, what);
    }
    return ND_OK;
}

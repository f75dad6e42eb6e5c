/*
 * pool.c - the parallel read -> normalise -> sketch pipeline.
 *
 * DESIGN
 *   A ring of batches. The calling thread fills the next free batch with
 *   records (their id, text, key and place copied into the batch's arena) and
 *   with the reader's messages, then submits it; workers take submitted
 *   batches in order and sketch every record into the batch's own result
 *   arrays; the calling thread consumes batches strictly in submission order,
 *   waiting for the oldest when the ring is full. A batch is touched by one
 *   thread at a time, handed over under the pool's mutex, so the only shared
 *   state is the three counters (submitted, taken, consumed) and the done
 *   flags. The consumer sees exactly what a sequential loop would see.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "read/pool.h"

#define BATCH_BYTES (4u << 20)      /* text a batch holds, at most */
#define BATCH_BYTES_MIN (64u << 10)
#define BATCH_ITEMS 4096

enum { IT_REC, IT_MSG };

typedef struct bitem {
    int type;
    rd_kind kind;
    int has_key, key_is_num, has_rel, has_src, has_date, has_title;
    size_t id_off, id_len, text_off, text_len, key_off, key_len, path_off, rel_off;
    size_t src_off, src_len, date_off, date_len, title_off, title_len;
    double key_num;
    uint64_t line, raw_len, record, offset, file_no;
    /* results */
    nd_status st;
    size_t detail_off;
    uint64_t exact_lo, exact_hi, simhash, template_hash, template_values;
    size_t num_tokens, invalid, nsh, sig_off, sh_off, bk_off, nbands, brows;
    size_t s32_off, s32_len; /* set32, or s32_len SIZE_MAX when the sketch had none */
} bitem;

typedef struct batch {
    char *arena;
    size_t alen, acap;
    bitem *items;
    size_t n, cap;
    uint32_t *sig;
    size_t sig_len, sig_cap;
    uint64_t *sh; /* the 64-bit shingles, only for SimHash (its fingerprint) */
    size_t sh_len, sh_cap;
    uint32_t *s32; /* the sets a deduplicator keeps (nd_sketch.set32) */
    size_t s32_len, s32_cap;
    uint64_t *bk;
    size_t bk_len, bk_cap;
    int done;
    int nomem;       /* a result could not be stored */
    int stop_after;  /* the reader stopped: end of input, or an error under stop */
} batch;

struct pool {
    const nd_params *params;
    unsigned nthreads;      /* worker threads started, besides the caller */
    unsigned nworkers;      /* nd_workers made */
    size_t batch_bytes;     /* text a batch takes before it is submitted */
    pthread_t *tid;
    nd_worker **workers;    /* [0] the caller's, [1..] the worker threads' */
    batch *b;
    size_t nb;
    size_t submitted, taken, consumed;
    int quit;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
    batch *filling;
    int fill_nomem;
    void (*log_msg)(const char *msg);
    /* pool_cut_spans: byte ranges cut out of record i's text before sketching */
    const uint64_t *cut_off;
    const nd_span *cut;
    size_t cut_n;
    uint64_t nrec;          /* records filled so far */
};

/* Copies n bytes (and a NUL) into the batch arena; returns the offset or SIZE_MAX. */
static size_t put(batch *b, const char *s, size_t n)
{
    if (cli_grow((void **)&b->arena, &b->acap, b->alen + n + 1, 1))
        return SIZE_MAX;
    const size_t off = b->alen;
    if (n)
        memcpy(b->arena + off, s, n);
    b->arena[off + n] = '\0';
    b->alen += n + 1;
    return off;
}

static bitem *new_item(batch *b)
{
    if (cli_grow((void **)&b->items, &b->cap, b->n + 1, sizeof *b->items))
        return NULL;
    bitem *it = &b->items[b->n++];
    memset(it, 0, sizeof *it);
    return it;
}

void pool_reader_error(void *ctx, const char *msg)
{
    pool *p = ctx;
    batch *b = p->filling;
    if (!b) {
        p->log_msg(msg);
        return;
    }
    bitem *it = new_item(b);
    size_t off = it ? put(b, msg, strlen(msg)) : SIZE_MAX;
    if (off == SIZE_MAX) {
        if (it)
            b->n--;
        p->log_msg(msg);  /* out of memory: say it now rather than never */
        return;
    }
    it->type = IT_MSG;
    it->text_off = off;
}

/* Copies the text of record i into the arena, without the ranges to cut. */
static size_t put_text(pool *p, batch *b, const rd_record *rec, uint64_t i, size_t *len)
{
    *len = rec->text_len;
    if (!p->cut || i >= p->cut_n || p->cut_off[i] == p->cut_off[i + 1])
        return put(b, rec->text, rec->text_len);
    if (cli_grow((void **)&b->arena, &b->acap, b->alen + rec->text_len + 1, 1))
        return SIZE_MAX;
    const size_t off = b->alen;
    size_t k = 0, at = 0;
    for (uint64_t j = p->cut_off[i]; j < p->cut_off[i + 1]; j++) {
        const nd_span sp = p->cut[j];
        if (sp.start < at || sp.end > rec->text_len)
            continue; /* not this text: keep it whole */
        memcpy(b->arena + off + k, rec->text + at, sp.start - at);
        k += sp.start - at;
        b->arena[off + k++] = ' '; /* words on either side stay apart */
        at = sp.end;
    }
    memcpy(b->arena + off + k, rec->text + at, rec->text_len - at);
    k += rec->text_len - at;
    b->arena[off + k] = '\0';
    b->alen += k + 1;
    *len = k;
    return off;
}

void pool_cut_spans(pool *p, const uint64_t *off, const nd_span *spans, size_t nrecs)
{
    p->cut_off = off;
    p->cut = spans;
    p->cut_n = nrecs;
}

static int fill_record(pool *p, batch *b, const rd_record *rec)
{
    bitem *it = new_item(b);
    if (!it)
        return -1;
    it->type = IT_REC;
    it->kind = rec->kind;
    it->line = rec->line;
    it->file_no = rec->file_no;
    it->raw_len = rec->raw_len;
    it->record = rec->record;
    it->offset = rec->offset;
    it->id_len = rec->id_len;
    it->text_len = rec->text_len;
    if ((it->id_off = put(b, rec->id, rec->id_len)) == SIZE_MAX ||
        (it->text_off = put_text(p, b, rec, p->nrec, &it->text_len)) == SIZE_MAX ||
        (it->path_off = put(b, rec->path, strlen(rec->path))) == SIZE_MAX)
        return -1;
    if (rec->rel) {
        it->has_rel = 1;
        if ((it->rel_off = put(b, rec->rel, strlen(rec->rel))) == SIZE_MAX)
            return -1;
    }
    if (rec->key) {
        it->has_key = 1;
        it->key_len = rec->key_len;
        it->key_num = rec->key_num;
        it->key_is_num = rec->key_is_num;
        if ((it->key_off = put(b, rec->key, rec->key_len)) == SIZE_MAX)
            return -1;
    }
    if (rec->source) {
        it->has_src = 1;
        it->src_len = rec->source_len;
        if ((it->src_off = put(b, rec->source, rec->source_len)) == SIZE_MAX)
            return -1;
    }
    if (rec->title) {
        it->has_title = 1;
        it->title_len = rec->title_len;
        if ((it->title_off = put(b, rec->title, rec->title_len)) == SIZE_MAX)
            return -1;
    }
    if (rec->date) {
        it->has_date = 1;
        it->date_len = rec->date_len;
        if ((it->date_off = put(b, rec->date, rec->date_len)) == SIZE_MAX)
            return -1;
    }
    return 0;
}

/* Appends a record to b, or leaves b as it was (out of memory: -1). */
static int add_record(pool *p, batch *b, const rd_record *rec)
{
    const size_t n = b->n, alen = b->alen;
    if (fill_record(p, b, rec) == 0) {
        p->nrec++;
        return 0;
    }
    b->n = n;
    b->alen = alen;
    return -1;
}

/* Sketches every record of b with w. */
static void sketch_batch(pool *p, nd_worker *w, batch *b)
{
    const unsigned k = (unsigned)nd_params_get(p->params, ND_P_NUM_PERM);
    /* a MinHash deduplicator needs the 32-bit set, not the shingles */
    const int want_sh = nd_params_get(p->params, ND_P_METHOD) == ND_METHOD_SIMHASH;
    b->sig_len = b->sh_len = b->bk_len = b->s32_len = 0;
    for (size_t i = 0; i < b->n; i++) {
        bitem *it = &b->items[i];
        if (it->type != IT_REC)
            continue;
        nd_sketch sk;
        it->st = nd_worker_sketch(w, b->arena + it->text_off, it->text_len, &sk);
        if (it->st != ND_OK) {
            const char *det = cli_detail(nd_worker_errdetail(w), it->st);
            it->detail_off = put(b, det, strlen(det));
            if (it->detail_off == SIZE_MAX)
                b->nomem = 1;
            continue;
        }
        it->exact_lo = sk.exact_lo;
        it->exact_hi = sk.exact_hi;
        it->simhash = sk.simhash;
        it->template_hash = sk.template_hash;
        it->template_values = sk.template_values;
        it->num_tokens = sk.num_tokens;
        it->invalid = sk.invalid_bytes;
        it->nsh = sk.num_shingles;
        it->nbands = sk.band_keys ? sk.num_bands : 0;
        it->brows = sk.band_rows;
        if (!sk.num_shingles)
            continue;
        const size_t nsh = want_sh || !sk.set32 ? sk.num_shingles : 0;
        const size_t n32 = sk.set32 ? sk.set32_len : 0;
        if (cli_grow((void **)&b->sig, &b->sig_cap, b->sig_len + k, sizeof *b->sig) ||
            cli_grow((void **)&b->sh, &b->sh_cap, b->sh_len + nsh, sizeof *b->sh) ||
            cli_grow((void **)&b->s32, &b->s32_cap, b->s32_len + n32, sizeof *b->s32) ||
            cli_grow((void **)&b->bk, &b->bk_cap, b->bk_len + it->nbands, sizeof *b->bk)) {
            b->nomem = 1;
            it->st = ND_E_NOMEM;
            continue;
        }
        it->sig_off = b->sig_len;
        memcpy(b->sig + b->sig_len, sk.signature, k * sizeof *b->sig);
        b->sig_len += k;
        it->sh_off = nsh ? b->sh_len : SIZE_MAX;
        if (nsh)
            memcpy(b->sh + b->sh_len, sk.shingles, nsh * sizeof *b->sh);
        b->sh_len += nsh;
        it->s32_off = b->s32_len;
        it->s32_len = sk.set32 ? n32 : SIZE_MAX;
        if (n32)
            memcpy(b->s32 + b->s32_len, sk.set32, n32 * sizeof *b->s32);
        b->s32_len += n32;
        it->bk_off = b->bk_len;
        if (it->nbands)
            memcpy(b->bk + b->bk_len, sk.band_keys, it->nbands * sizeof *b->bk);
        b->bk_len += it->nbands;
    }
}

typedef struct wslot {
    pool *p;
    unsigned id;
} wslot;

static void *worker_main(void *arg)
{
    const wslot *s = arg;
    pool *p = s->p;
    nd_worker *w = p->workers[s->id];
    free(arg);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->taken == p->submitted)
            pthread_cond_wait(&p->work_cv, &p->mu);
        if (p->quit)
            break;
        batch *b = &p->b[p->taken++ % p->nb];
        pthread_mutex_unlock(&p->mu);
        sketch_batch(p, w, b);
        pthread_mutex_lock(&p->mu);
        b->done = 1;
        pthread_cond_broadcast(&p->done_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void stop_workers(pool *p)
{
    if (!p->nthreads)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    for (unsigned t = 0; t < p->nthreads; t++)
        pthread_join(p->tid[t], NULL);
    p->nthreads = 0;
}

pool *pool_create(const nd_params *params, unsigned threads, uint64_t memory,
                  void (*log_msg)(const char *msg))
{
    pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->params = params;
    p->log_msg = log_msg;
    if (threads == 0)
        threads = nd_threads_available();
    /* nd_worker 0 is the calling thread's; threads - 1 more run worker threads. */
    const unsigned nw = threads > 1 ? threads : 1;
    p->nb = threads > 1 ? 2 * (size_t)threads + 2 : 1;
    /* Under a memory budget the batches in flight (text, shingles and
     * signatures: about 4 times the text) take at most a sixteenth of it. */
    p->batch_bytes = BATCH_BYTES;
    if (memory) {
        const uint64_t share = memory / 16 / (4 * p->nb);
        p->batch_bytes = share < BATCH_BYTES_MIN ? BATCH_BYTES_MIN
                       : share > BATCH_BYTES    ? BATCH_BYTES
                                                : (size_t)share;
    }
    p->b = calloc(p->nb, sizeof *p->b);
    p->workers = calloc(nw, sizeof *p->workers);
    p->tid = calloc(nw, sizeof *p->tid);
    if (!p->b || !p->workers || !p->tid)
        goto fail;
    for (unsigned t = 0; t < nw; t++) {
        if (nd_worker_create(&p->workers[t], params, NULL) != ND_OK)
            goto fail;
        p->nworkers = t + 1;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    if (threads > 1)
        for (unsigned t = 0; t + 1 < threads; t++) {
            wslot *s = malloc(sizeof *s);
            if (!s)
                break;
            s->p = p;
            s->id = t + 1;
            if (pthread_create(&p->tid[t], NULL, worker_main, s) != 0) {
                free(s);
                break;
            }
            p->nthreads = t + 1;
        }
    return p;
fail:
    for (unsigned t = 0; t < p->nworkers; t++)
        nd_worker_destroy(p->workers[t]);
    free(p->workers);
    free(p->tid);
    free(p->b);
    free(p);
    return NULL;
}

unsigned pool_threads(const pool *p)
{
    return p->nthreads + 1;
}

/* Hands the records and messages of b to the consumer. */
static int consume(pool *p, batch *b, pool_consume_fn fn, void *ctx)
{
    for (size_t i = 0; i < b->n; i++) {
        const bitem *it = &b->items[i];
        if (it->type == IT_MSG) {
            p->log_msg(b->arena + it->text_off);
            continue;
        }
        rd_record rec;
        memset(&rec, 0, sizeof rec);
        rec.id = b->arena + it->id_off;
        rec.id_len = it->id_len;
        rec.text = b->arena + it->text_off;
        rec.text_len = it->text_len;
        rec.raw_len = it->raw_len;
        rec.kind = it->kind;
        rec.path = b->arena + it->path_off;
        rec.rel = it->has_rel ? b->arena + it->rel_off : NULL;
        rec.line = it->line;
        rec.file_no = it->file_no;
        rec.record = it->record;
        rec.offset = it->offset;
        if (it->has_key) {
            rec.key = b->arena + it->key_off;
            rec.key_len = it->key_len;
            rec.key_num = it->key_num;
            rec.key_is_num = it->key_is_num;
        }
        if (it->has_src) {
            rec.source = b->arena + it->src_off;
            rec.source_len = it->src_len;
        }
        if (it->has_date) {
            rec.date = b->arena + it->date_off;
            rec.date_len = it->date_len;
        }
        if (it->has_title) {
            rec.title = b->arena + it->title_off;
            rec.title_len = it->title_len;
        }
        nd_sketch sk;
        memset(&sk, 0, sizeof sk);
        pool_item pi = {.rec = &rec, .st = it->st, .sk = &sk, .detail = ""};
        if (it->st != ND_OK) {
            pi.detail = it->detail_off == SIZE_MAX ? "" : b->arena + it->detail_off;
        } else {
            sk.exact_lo = it->exact_lo;
            sk.exact_hi = it->exact_hi;
            sk.simhash = it->simhash;
            sk.template_hash = it->template_hash;
            sk.template_values = it->template_values;
            sk.num_tokens = it->num_tokens;
            sk.invalid_bytes = it->invalid;
            sk.num_shingles = it->nsh;
            if (it->nsh) {
                sk.signature = b->sig + it->sig_off;
                sk.shingles = it->sh_off != SIZE_MAX ? b->sh + it->sh_off : NULL;
                if (it->s32_len != SIZE_MAX) {
                    sk.set32 = b->s32 + it->s32_off;
                    sk.set32_len = it->s32_len;
                }
                sk.band_keys = it->nbands ? b->bk + it->bk_off : NULL;
                sk.num_bands = it->nbands;
                sk.band_rows = it->brows;
            }
        }
        const int rc = fn(ctx, &pi);
        if (rc)
            return rc;
    }
    return 0;
}

pool_result pool_run(pool *p, rd_reader *rd, int stop_on_error, pool_consume_fn fn, void *ctx)
{
    pool_result res = {0, 0, 0, 0};
    int end = 0;
    while (!end || p->consumed < p->submitted) {
        /* Fill and submit the next batch while the ring has room. */
        if (!end && p->submitted - p->consumed < p->nb) {
            batch *b = &p->b[p->submitted % p->nb];
            b->n = b->alen = 0;
            b->done = b->nomem = b->stop_after = 0;
            p->filling = b;
            size_t bytes = 0;
            rd_record rec;
            while (b->n < BATCH_ITEMS && bytes < p->batch_bytes) {
                const int x = rd_next(rd, &rec);
                if (x == RD_END) {
                    end = 1;
                    break;
                }
                if (x == RD_OK) {
                    if (add_record(p, b, &rec)) {
                        res.read_nomem = 1;
                        end = 1;
                        break;
                    }
                    bytes += rec.text_len + 64;
                    continue;
                }
                if (x == RD_ERR_NOMEM) {
                    res.read_nomem = 1;
                    end = 1;
                    break;
                }
                if (x == RD_ERR_CHANGED) { /* sticky: nothing more comes */
                    res.read_changed = 1;
                    end = 1;
                    break;
                }
                if (stop_on_error) {
                    b->stop_after = 1;
                    end = 1;
                    break;
                }
            }
            p->filling = NULL;
            if (p->nthreads == 0) {
                sketch_batch(p, p->workers[0], b);
                b->done = 1;
                p->submitted++;
            } else {
                pthread_mutex_lock(&p->mu);
                p->submitted++;
                pthread_cond_signal(&p->work_cv);
                pthread_mutex_unlock(&p->mu);
            }
            if (!end && p->submitted - p->consumed < p->nb)
                continue;
        }
        /* Consume the oldest batch, waiting for it if need be. */
        batch *b = &p->b[p->consumed % p->nb];
        if (p->nthreads) {
            /* Rather than wait, the calling thread sketches the next batch no
             * worker has taken yet (it is one of the -T threads). */
            pthread_mutex_lock(&p->mu);
            while (!b->done) {
                if (p->taken < p->submitted) {
                    batch *sb = &p->b[p->taken++ % p->nb];
                    pthread_mutex_unlock(&p->mu);
                    sketch_batch(p, p->workers[0], sb);
                    pthread_mutex_lock(&p->mu);
                    sb->done = 1;
                    pthread_cond_broadcast(&p->done_cv);
                    continue;
                }
                pthread_cond_wait(&p->done_cv, &p->mu);
            }
            pthread_mutex_unlock(&p->mu);
        }
        p->consumed++;
        if (b->nomem) {
            res.rc = -1;
            break;
        }
        const int rc = consume(p, b, fn, ctx);
        if (rc) {
            res.rc = rc;
            break;
        }
        if (b->stop_after)
            res.read_error = 1;
    }
    /* Done, or stopped early: the workers drop what they hold. */
    stop_workers(p);
    return res;
}

void pool_destroy(pool *p)
{
    if (!p)
        return;
    stop_workers(p);
    for (unsigned t = 0; t < p->nworkers; t++)
        nd_worker_destroy(p->workers[t]);
    for (size_t i = 0; i < p->nb; i++) {
        free(p->b[i].arena);
        free(p->b[i].items);
        free(p->b[i].sig);
        free(p->b[i].sh);
        free(p->b[i].s32);
        free(p->b[i].bk);
    }
    free(p->b);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    free(p->tid);
    free(p->workers);
    free(p);
}

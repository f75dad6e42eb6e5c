/*
 * pool.h - the parallel read -> normalise -> sketch pipeline (never installed).
 *
 * The calling thread reads records into batches; threads - 1 worker threads
 * sketch whole batches, each with its own nd_worker, and so does the calling
 * thread whenever it would otherwise wait; the calling thread hands the
 * results to the consumer strictly in input order. Reader messages are queued with
 * the records, so stderr shows them in the same order for any thread count.
 * With one thread everything runs on the caller, nothing is started.
 */
#ifndef ND_POOL_H
#define ND_POOL_H

#include <neardup.h>

#include "read/reader.h"

/* One record as the consumer sees it. Pointers are valid during the call. */
typedef struct pool_item {
    const rd_record *rec;  /* id, text (may be NULL: not kept), key, path, line, raw_len, kind */
    nd_status st;          /* of the sketch */
    const char *detail;    /* the worker's detail when st != ND_OK */
    const nd_sketch *sk;   /* when st == ND_OK */
} pool_item;

/* Returns 0 to go on, anything else stops the run with that value. */
typedef int (*pool_consume_fn)(void *ctx, const pool_item *it);

typedef struct pool_result {
    int rc;            /* 0, the consumer's stop value, or -1 (out of memory) */
    int read_error;    /* the reader returned an error under --on-error stop */
    int read_nomem;
    int read_changed;  /* the reader found an input changed (RD_ERR_CHANGED, reported) */
} pool_result;

/* Reads every record of rd, sketches it with params on `threads` threads
 * (0 = one per core) and consumes it in order. memory (0 = unbounded) is the
 * budget of the whole run: the batches in flight keep to a sixteenth of it.
 * Reader messages (given to log_msg in order) must be routed here: set the
 * reader's on_error to pool_reader_error and its ctx to the pool before
 * rd_open; see cmd_dedup.c. */
typedef struct pool pool;
pool *pool_create(const nd_params *params, unsigned threads, uint64_t memory,
                  void (*log_msg)(const char *msg));
void pool_reader_error(void *pool_ctx, const char *msg);
pool_result pool_run(pool *p, rd_reader *rd, int stop_on_error, pool_consume_fn fn, void *ctx);
void pool_destroy(pool *p);
/* Before pool_run: record i (in reading order, 0-based) is sketched and
 * consumed without the byte ranges spans[off[i] .. off[i+1]) of its text
 * (sorted, disjoint; each replaced by one space), for i < nrecs. The arrays
 * must outlive the run. */
void pool_cut_spans(pool *p, const uint64_t *off, const nd_span *spans, size_t nrecs);
/* Threads actually used. */
unsigned pool_threads(const pool *p);

#endif

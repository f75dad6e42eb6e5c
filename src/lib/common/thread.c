/*
 * thread.c - a parallel loop over item ranges (pthreads).
 *
 * DESIGN: the caller's thread works too, so a loop always completes even when
 * no extra thread can be started (then it simply runs on fewer threads).
 * Items are handed out in chunks of `grain` from one atomic counter; every
 * item writes only its own results, so the outcome never depends on which
 * thread ran which chunk or on the thread count.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include "nd_internal.h"

#define ND_MAX_THREADS 256

typedef struct par_ctx {
    nd_task_fn fn;
    void *arg;
    size_t n, grain;
    atomic_size_t next;
} par_ctx;

typedef struct par_slot {
    par_ctx *ctx;
    unsigned id;
} par_slot;

static void par_work(par_ctx *c, unsigned id)
{
    for (;;) {
        const size_t b = atomic_fetch_add_explicit(&c->next, c->grain, memory_order_relaxed);
        if (b >= c->n)
            return;
        const size_t e = c->n - b < c->grain ? c->n : b + c->grain;
        c->fn(c->arg, b, e, id);
    }
}

static void *par_main(void *p)
{
    const par_slot *s = p;
    par_work(s->ctx, s->id);
    return NULL;
}

unsigned nd_threads_resolve(unsigned threads)
{
    if (threads == 0) {
        cpu_set_t set;
        long n = 0;
        if (sched_getaffinity(0, sizeof set, &set) == 0)
            n = CPU_COUNT(&set);
        if (n <= 0)
            n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    return threads > ND_MAX_THREADS ? ND_MAX_THREADS : threads;
}

void nd_parallel(unsigned threads, size_t n, size_t grain, nd_task_fn fn, void *arg)
{
    if (grain == 0)
        grain = 1;
    threads = nd_threads_resolve(threads);
    const size_t chunks = (n + grain - 1) / grain;
    if (threads > chunks)
        threads = chunks ? (unsigned)chunks : 1;
    par_ctx c = {.fn = fn, .arg = arg, .n = n, .grain = grain};
    atomic_init(&c.next, 0);
    pthread_t tid[ND_MAX_THREADS];
    par_slot slot[ND_MAX_THREADS];
    unsigned started = 0;
    for (unsigned t = 1; t < threads; t++) {
        slot[t].ctx = &c;
        slot[t].id = t;
        if (pthread_create(&tid[t], NULL, par_main, &slot[t]) != 0)
            break;
        started = t;
    }
    par_work(&c, 0);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(tid[t], NULL);
}

unsigned nd_threads_available(void)
{
    return nd_threads_resolve(0);
}

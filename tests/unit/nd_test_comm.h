/*
 * nd_test_comm.h - an nd_comm a test can build without MPI: "processes" are
 * threads exchanging blocks through shared memory (test_dedup_dist,
 * test_reuse_dist). fail_at makes exchange number fail_at (both calls of it)
 * return ND_E_IO on every process.
 */
#ifndef ND_TEST_COMM_H
#define ND_TEST_COMM_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "neardup.h"

/* ---- a transport of threads -------------------------------------------- */

typedef struct hub {
    unsigned size;
    pthread_barrier_t bar;
    const char **send;      /* [from] */
    const uint64_t **slen;  /* [from] */
    int calls, fail_at;     /* the exchange number (counted on process 0) that fails */
    uint64_t bytes;
} hub;

typedef struct end {
    hub *h;
    unsigned rank;
    int calls;
} end;

static inline nd_status t_exchange(void *ctx, const char *stage, const void *send,
                            const uint64_t *send_len, void *recv, uint64_t *recv_len)
{
    end *e = ctx;
    hub *h = e->h;
    (void)stage;
    const int call = e->calls++;
    if (h->fail_at >= 0 && call / 2 == h->fail_at)
        return ND_E_IO;
    h->send[e->rank] = send;
    h->slen[e->rank] = send_len;
    pthread_barrier_wait(&h->bar);
    if (!recv) {
        for (unsigned r = 0; r < h->size; r++)
            recv_len[r] = h->slen[r][e->rank];
    } else {
        char *out = recv;
        for (unsigned r = 0; r < h->size; r++) {
            uint64_t off = 0;
            for (unsigned k = 0; k < e->rank; k++)
                off += h->slen[r][k];
            memcpy(out, h->send[r] + off, h->slen[r][e->rank]);
            out += h->slen[r][e->rank];
            if (e->rank == 0)
                __atomic_add_fetch(&h->bytes, h->slen[r][0], __ATOMIC_RELAXED);
        }
    }
    pthread_barrier_wait(&h->bar);
    return ND_OK;
}


/* A hub for P processes; 0, or -1 when out of memory. */
static inline int hub_open(hub *h, unsigned P, int fail_at)
{
    memset(h, 0, sizeof *h);
    h->size = P;
    h->fail_at = fail_at;
    h->send = calloc(P, sizeof *h->send);
    h->slen = calloc(P, sizeof *h->slen);
    if (!h->send || !h->slen) {
        free(h->send);
        free(h->slen);
        return -1;
    }
    pthread_barrier_init(&h->bar, NULL, P);
    return 0;
}

static inline void hub_close(hub *h)
{
    pthread_barrier_destroy(&h->bar);
    free(h->send);
    free(h->slen);
}

#endif

/*
 * comm.c - one exchange of per-process vectors over an nd_comm, the step
 * every distributed run (nd_dedup_run_dist, nd_reuse_*_dist) is made of.
 */
#include "nd_internal.h"

nd_status nd_comm_xchg(const nd_comm *c, const nd_alloc_ctx *a, const char *stage, nd_vec *to,
                       uint64_t *slen, uint64_t *rlen, void **out, uint64_t *total)
{
    const unsigned P = c->size;
    uint64_t n = 0;
    *out = NULL;
    *total = 0;
    for (unsigned r = 0; r < P; r++) {
        slen[r] = (uint64_t)to[r].len * to[r].item;
        n += slen[r];
    }
    char *send = nd_malloc(a, n ? n : 1);
    if (!send)
        return ND_E_NOMEM;
    n = 0;
    for (unsigned r = 0; r < P; r++) {
        if (slen[r])
            memcpy(send + n, to[r].data, slen[r]);
        n += slen[r];
        to[r].len = 0;
    }
    nd_status st = c->exchange(c->ctx, stage, send, slen, NULL, rlen);
    uint64_t m = 0;
    for (unsigned r = 0; r < P && st == ND_OK; r++)
        m += rlen[r];
    char *recv = st == ND_OK ? nd_malloc(a, m ? m : 1) : NULL;
    if (st == ND_OK && !recv)
        st = ND_E_NOMEM;
    if (st == ND_OK)
        st = c->exchange(c->ctx, stage, send, slen, recv, rlen);
    nd_free(a, send);
    if (st != ND_OK) {
        nd_free(a, recv);
        return st;
    }
    *out = recv;
    *total = m;
    return ND_OK;
}

/*
 * alloc.c - the allocator every handle carries, and capped growable arrays.
 *
 * DESIGN: no library code calls malloc directly; all memory goes through the
 * nd_allocator given at creation (malloc/free by default). Growable arrays
 * carry a hard cap on their length and fail with ND_E_LIMIT past it, so a
 * hostile input cannot make the library grow without bound.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "nd_internal.h"

#define PREFAULT_MIN ((size_t)1 << 20) /* bytes: smaller growth faults as it goes */

static void *default_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return malloc(size);
}

static void default_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

void nd_alloc_init(nd_alloc_ctx *ctx, const nd_allocator *user)
{
    if (user && user->alloc && user->free) {
        ctx->a = *user;
    } else {
        ctx->a.alloc = default_alloc;
        ctx->a.free = default_free;
        ctx->a.opaque = NULL;
    }
}

void *nd_malloc(const nd_alloc_ctx *ctx, size_t size)
{
    return ctx->a.alloc(ctx->a.opaque, size ? size : 1);
}

void *nd_calloc(const nd_alloc_ctx *ctx, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = nd_malloc(ctx, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void nd_free(const nd_alloc_ctx *ctx, void *p)
{
    if (p)
        ctx->a.free(ctx->a.opaque, p);
}

void nd_vec_init(nd_vec *v, size_t item, size_t max_items)
{
    v->data = NULL;
    v->len = v->cap = 0;
    v->item = item;
    v->max = max_items;
}

/* Populates the pages of a large new region [p, p + n) with one call, rather
 * than one page fault a page as it is first written (a fault is dear on a
 * virtual machine). Where the kernel cannot, nothing happens. */
void nd_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    if (n < PREFAULT_MIN)
        return;
    const uintptr_t page = 4096;
    const uintptr_t b = ((uintptr_t)p + page - 1) & ~(page - 1);
    const uintptr_t e = ((uintptr_t)p + n) & ~(page - 1);
    if (e > b)
        (void)madvise((void *)b, e - b, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

nd_status nd_vec_reserve(nd_vec *v, const nd_alloc_ctx *a, size_t n)
{
    if (n <= v->cap)
        return ND_OK;
    if (n > v->max)
        return ND_E_LIMIT;
    /* Grow by 1.5x so a long run of pushes stays amortised O(1). */
    size_t cap = v->cap < 16 ? 16 : v->cap + v->cap / 2;
    if (cap < n)
        cap = n;
    if (cap > v->max)
        cap = v->max;
    if (cap > SIZE_MAX / v->item)
        return ND_E_LIMIT;
    void *d;
    if (a->a.alloc == default_alloc) {
        /* The default allocator: realloc may grow a large block in place or
         * by remapping its pages, without copying them. */
        d = realloc(v->data, cap * v->item);
        if (!d)
            return ND_E_NOMEM;
        nd_prefault((char *)d + v->cap * v->item, (cap - v->cap) * v->item);
    } else {
        d = nd_malloc(a, cap * v->item);
        if (!d)
            return ND_E_NOMEM;
        if (v->len)
            memcpy(d, v->data, v->len * v->item);
        nd_free(a, v->data);
    }
    v->data = d;
    v->cap = cap;
    return ND_OK;
}

nd_status nd_vec_push(nd_vec *v, const nd_alloc_ctx *a, const void *item)
{
    if (v->len == v->cap) {
        const nd_status st = nd_vec_reserve(v, a, v->len + 1);
        if (st != ND_OK)
            return st;
    }
    memcpy((char *)v->data + v->len * v->item, item, v->item);
    v->len++;
    return ND_OK;
}

nd_status nd_vec_append(nd_vec *v, const nd_alloc_ctx *a, const void *p, size_t bytes)
{
    const size_t items = bytes / v->item;
    const nd_status st = nd_vec_reserve(v, a, v->len + items);
    if (st != ND_OK)
        return st;
    if (bytes)
        memcpy((char *)v->data + v->len * v->item, p, bytes);
    v->len += items;
    return ND_OK;
}

void nd_vec_free(nd_vec *v, const nd_alloc_ctx *a)
{
    nd_free(a, v->data);
    v->data = NULL;
    v->len = v->cap = 0;
}

void nd_vecs_free(nd_vec *v, size_t n, const nd_alloc_ctx *a)
{
    for (size_t i = 0; v && i < n; i++)
        nd_vec_free(&v[i], a);
    nd_free(a, v);
}

/*
 * spill.h - temporary files for what does not fit the memory budget (private).
 */
#ifndef ND_SPILL_H
#define ND_SPILL_H

#include "nd_internal.h"

#include <sys/types.h>

typedef struct nd_spill {
    int fd;        /* -1 when not open */
    uint64_t len;  /* bytes written */
    /* how appends write: pwrite, set by nd_spill_open; a test may put a
     * stand-in here (a disk that fills up) */
    ssize_t (*write_at)(int fd, const void *p, size_t n, off_t off);
} nd_spill;

/* Creates an anonymous (already unlinked) file in dir ("" or NULL: /tmp). */
nd_status nd_spill_open(nd_spill *s, const char *dir, char *detail);
/* Appends n bytes at the end. A write that fails or makes no progress (a
 * full disk) gives ND_E_IO with the reason in detail; the bytes written
 * before it stay counted in len. */
nd_status nd_spill_append(nd_spill *s, const void *p, size_t n, char *detail);
/* Reads n bytes at off; safe from several threads at once. */
nd_status nd_spill_read(const nd_spill *s, uint64_t off, void *p, size_t n);
void nd_spill_close(nd_spill *s);

#endif

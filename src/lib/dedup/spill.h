/*
 * spill.h - temporary files for what does not fit the memory budget (private).
 */
#ifndef ND_SPILL_H
#define ND_SPILL_H

#include "nd_internal.h"

typedef struct nd_spill {
    int fd;        /* -1 when not open */
    uint64_t len;  /* bytes written */
} nd_spill;

/* Creates an anonymous (already unlinked) file in dir ("" or NULL: /tmp). */
nd_status nd_spill_open(nd_spill *s, const char *dir, char *detail);
/* Appends n bytes at the end. */
nd_status nd_spill_append(nd_spill *s, const void *p, size_t n, char *detail);
/* Reads n bytes at off; safe from several threads at once. */
nd_status nd_spill_read(const nd_spill *s, uint64_t off, void *p, size_t n);
void nd_spill_close(nd_spill *s);

#endif

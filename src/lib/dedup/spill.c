/*
 * spill.c - append-only temporary files for data that does not fit the
 * memory budget.
 *
 * DESIGN: a spill file is created in the caller's directory with mkstemp and
 * unlinked at once, so it never outlives the process, whatever way it ends.
 * Writes append; reads are positional (pread), so several threads may read
 * one file at the same time while nobody writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "spill.h"

nd_status nd_spill_open(nd_spill *s, const char *dir, char *detail)
{
    char path[4096];
    s->fd = -1;
    s->len = 0;
    s->write_at = pwrite;
    if (!dir || !*dir)
        dir = "/tmp";
    if ((size_t)snprintf(path, sizeof path, "%s/neardup-spill-XXXXXX", dir) >= sizeof path) {
        nd_detail_set(detail, "temporary directory name too long: %s", dir);
        return ND_E_IO;
    }
    s->fd = mkstemp(path);
    if (s->fd < 0) {
        nd_detail_set(detail, "cannot create a temporary file in %s: %s", dir, strerror(errno));
        return ND_E_IO;
    }
    unlink(path);
    return ND_OK;
}

nd_status nd_spill_append(nd_spill *s, const void *p, size_t n, char *detail)
{
    const char *c = p;
    while (n) {
        const ssize_t w = s->write_at(s->fd, c, n > (1u << 30) ? (1u << 30) : n, (off_t)s->len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) { /* 0: nothing written, and nothing would be on a retry */
            nd_detail_set(detail, "writing a temporary file: %s",
                          strerror(w < 0 ? errno : ENOSPC));
            return ND_E_IO;
        }
        c += w;
        n -= (size_t)w;
        s->len += (uint64_t)w;
    }
    return ND_OK;
}

nd_status nd_spill_read(const nd_spill *s, uint64_t off, void *p, size_t n)
{
    char *c = p;
    while (n) {
        const ssize_t r = pread(s->fd, c, n > (1u << 30) ? (1u << 30) : n, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return ND_E_IO;
        c += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return ND_OK;
}

void nd_spill_close(nd_spill *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    s->len = 0;
}

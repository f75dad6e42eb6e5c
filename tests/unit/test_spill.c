/*
 * test_spill.c - spill files (dedup/spill.c): append and read back, and the
 * ways an append can fail on a full disk: pwrite returning -1 with ENOSPC
 * (/dev/full), returning 0 (no progress: it used to loop for ever), and a
 * short write followed by a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "dedup/spill.h"
#include "nd_test.h"

static void test_round_trip(void)
{
    nd_spill s;
    char detail[ND_DETAIL_MAX] = "";
    ND_CHECK(nd_spill_open(&s, NULL, detail) == ND_OK);
    unsigned char buf[3000], back[3000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 7);
    ND_CHECK(nd_spill_append(&s, buf, 1000, detail) == ND_OK);
    ND_CHECK(nd_spill_append(&s, buf + 1000, 2000, detail) == ND_OK);
    ND_CHECK(s.len == 3000);
    ND_CHECK(nd_spill_read(&s, 0, back, sizeof back) == ND_OK);
    ND_CHECK(memcmp(buf, back, sizeof buf) == 0);
    ND_CHECK(nd_spill_read(&s, 2999, back, 2) == ND_E_IO); /* past the end */
    nd_spill_close(&s);
    ND_CHECK(s.fd == -1);
}

static void test_dev_full(void)
{
    nd_spill s;
    char detail[ND_DETAIL_MAX] = "";
    ND_CHECK(nd_spill_open(&s, NULL, detail) == ND_OK);
    close(s.fd);
    s.fd = open("/dev/full", O_WRONLY);
    if (s.fd < 0) {
        fprintf(stderr, "test_spill: no /dev/full, skipped\n");
        return;
    }
    const char x[64] = {0};
    ND_CHECK(nd_spill_append(&s, x, sizeof x, detail) == ND_E_IO);
    ND_CHECK_MSG(strstr(detail, strerror(ENOSPC)) != NULL, "detail: %s", detail);
    nd_spill_close(&s);
}

/* pwrite stand-ins: a disk that accepts `room` bytes, then answers 0 (or -1
 * with ENOSPC when g_errno_mode is set). */
static size_t g_room, g_calls;
static int g_errno_mode;

static ssize_t filling_pwrite(int fd, const void *p, size_t n, off_t off)
{
    (void)fd, (void)p, (void)off;
    if (++g_calls > 1000)
        return -1; /* the loop did not stop: fail the test, not hang it */
    if (g_room == 0) {
        if (g_errno_mode) {
            errno = ENOSPC;
            return -1;
        }
        return 0;
    }
    const size_t w = n < g_room ? n : g_room;
    g_room -= w;
    return (ssize_t)w;
}

static ssize_t eintr_once_pwrite(int fd, const void *p, size_t n, off_t off)
{
    if (g_calls++ == 0) {
        errno = EINTR;
        return -1;
    }
    return pwrite(fd, p, n, off);
}

static void test_no_progress(void)
{
    for (g_errno_mode = 0; g_errno_mode < 2; g_errno_mode++) {
        nd_spill s;
        char detail[ND_DETAIL_MAX] = "";
        ND_CHECK(nd_spill_open(&s, NULL, detail) == ND_OK);
        s.write_at = filling_pwrite;
        g_room = 100;
        g_calls = 0;
        const char x[256] = {0};
        ND_CHECK(nd_spill_append(&s, x, sizeof x, detail) == ND_E_IO);
        ND_CHECK_MSG(g_calls == 2, "%zu calls", g_calls);
        ND_CHECK(s.len == 100); /* the short write is counted */
        ND_CHECK_MSG(strstr(detail, strerror(ENOSPC)) != NULL, "detail: %s", detail);
        nd_spill_close(&s);
    }
}

static void test_eintr_retried(void)
{
    nd_spill s;
    char detail[ND_DETAIL_MAX] = "";
    ND_CHECK(nd_spill_open(&s, NULL, detail) == ND_OK);
    s.write_at = eintr_once_pwrite;
    g_calls = 0;
    const char x[16] = "0123456789abcde";
    char back[16];
    ND_CHECK(nd_spill_append(&s, x, sizeof x, detail) == ND_OK);
    ND_CHECK(g_calls == 2);
    ND_CHECK(nd_spill_read(&s, 0, back, sizeof back) == ND_OK && memcmp(x, back, 16) == 0);
    nd_spill_close(&s);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    ND_RUN(test_round_trip);
    ND_RUN(test_dev_full);
    ND_RUN(test_no_progress);
    ND_RUN(test_eintr_retried);
    return nd_test_end("test_spill");
}

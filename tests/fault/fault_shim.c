/*
 * fault_shim.c - fault injection for the neardup test build (make fault).
 *
 * Linked into build/fault/neardup-fault with -Wl,--wrap=SYMBOL for every
 * function below, so the calls the CLI and the library make (not those inside
 * libc, zlib or zstd) go through here first. Each kind of call is counted and
 * the ND_FAULT_N-th call of kind ND_FAULT_KIND fails, once:
 *
 *   alloc   malloc, calloc, realloc, strdup, strndup, realpath, open_memstream
 *           return NULL with errno ENOMEM (the library allocates through its
 *           nd_allocator, malloc by default, so its allocations count too)
 *   write   write, pwrite, fwrite, fputs, fputc, putc, fprintf, vfprintf,
 *           printf, fflush and fclose fail with errno ENOSPC, a stream getting
 *           its error flag as a failed flush would set it (fclose still closes);
 *           writes to standard error are never counted nor failed, so the
 *           message about the fault gets out
 *   rename  rename fails with errno EXDEV
 *
 * ND_FAULT_N unset or 0 fails nothing. With ND_FAULT_COUNT=FILE the counts of
 * the three kinds ("alloc N\nwrite N\nrename N\n") are written to FILE at exit,
 * which is how tests/fault/run.sh learns the N to try. Counting is atomic;
 * under several threads the N-th call is whichever comes N-th.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum { K_ALLOC, K_WRITE, K_RENAME, K_NONE };

static _Atomic unsigned long g_count[3];
static int g_kind = -1; /* -1: not read yet */
static unsigned long g_n;

static void report(void);

static void setup(void)
{
    const char *k = getenv("ND_FAULT_KIND"), *n = getenv("ND_FAULT_N");
    g_n = n ? strtoul(n, NULL, 10) : 0;
    g_kind = !k || !g_n ? K_NONE : !strcmp(k, "alloc") ? K_ALLOC : !strcmp(k, "write")
        ? K_WRITE : !strcmp(k, "rename") ? K_RENAME : K_NONE;
    if (getenv("ND_FAULT_COUNT"))
        atexit(report);
}

/* Counts a call of kind k; 1 when this one must fail. */
static int fault(int k)
{
    if (g_kind < 0)
        setup();
    const unsigned long c = atomic_fetch_add(&g_count[k], 1) + 1;
    return g_kind == k && c == g_n;
}

static void report(void)
{
    FILE *fp = fopen(getenv("ND_FAULT_COUNT"), "w");
    if (!fp)
        return;
    fprintf(fp, "alloc %lu\nwrite %lu\nrename %lu\n", (unsigned long)g_count[K_ALLOC],
            (unsigned long)g_count[K_WRITE], (unsigned long)g_count[K_RENAME]);
    fclose(fp);
}

/* ---- allocation ---- */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t k);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
char *__real_realpath(const char *path, char *resolved);
FILE *__real_open_memstream(char **buf, size_t *size);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t k);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
char *__wrap_realpath(const char *path, char *resolved);
FILE *__wrap_open_memstream(char **buf, size_t *size);

#define FAIL_ALLOC(ret) do { if (fault(K_ALLOC)) { errno = ENOMEM; return ret; } } while (0)

void *__wrap_malloc(size_t n) { FAIL_ALLOC(NULL); return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t k) { FAIL_ALLOC(NULL); return __real_calloc(n, k); }
void *__wrap_realloc(void *p, size_t n) { FAIL_ALLOC(NULL); return __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { FAIL_ALLOC(NULL); return __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { FAIL_ALLOC(NULL); return __real_strndup(s, n); }

char *__wrap_realpath(const char *path, char *resolved)
{
    if (!resolved)
        FAIL_ALLOC(NULL);
    return __real_realpath(path, resolved);
}

FILE *__wrap_open_memstream(char **buf, size_t *size)
{
    FAIL_ALLOC(NULL);
    return __real_open_memstream(buf, size);
}

/* ---- writes ---- */
ssize_t __real_write(int fd, const void *p, size_t n);
ssize_t __real_pwrite(int fd, const void *p, size_t n, off_t off);
size_t __real_fwrite(const void *p, size_t k, size_t n, FILE *fp);
int __real_fputs(const char *s, FILE *fp);
int __real_fputc(int c, FILE *fp);
int __real_putc(int c, FILE *fp);
int __real_vfprintf(FILE *fp, const char *fmt, va_list ap);
int __real_fflush(FILE *fp);
int __real_fclose(FILE *fp);
ssize_t __wrap_write(int fd, const void *p, size_t n);
ssize_t __wrap_pwrite(int fd, const void *p, size_t n, off_t off);
size_t __wrap_fwrite(const void *p, size_t k, size_t n, FILE *fp);
int __wrap_fputs(const char *s, FILE *fp);
int __wrap_fputc(int c, FILE *fp);
int __wrap_putc(int c, FILE *fp);
int __wrap_vfprintf(FILE *fp, const char *fmt, va_list ap);
int __wrap_fprintf(FILE *fp, const char *fmt, ...);
int __wrap_printf(const char *fmt, ...);
int __wrap_fflush(FILE *fp);
int __wrap_fclose(FILE *fp);

static int fd_fault(int fd)
{
    return fd != 2 && fault(K_WRITE);
}

/* A stream's write fails: its error flag is set, as a failed flush sets it. */
static int fp_fault(FILE *fp)
{
    if (!fp || fp == stderr || fileno(fp) == 2 || !fault(K_WRITE))
        return 0;
    fp->_flags |= _IO_ERR_SEEN;
    errno = ENOSPC;
    return 1;
}

ssize_t __wrap_write(int fd, const void *p, size_t n)
{
    if (fd_fault(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return __real_write(fd, p, n);
}

ssize_t __wrap_pwrite(int fd, const void *p, size_t n, off_t off)
{
    if (fd_fault(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return __real_pwrite(fd, p, n, off);
}

size_t __wrap_fwrite(const void *p, size_t k, size_t n, FILE *fp)
{
    return fp_fault(fp) ? 0 : __real_fwrite(p, k, n, fp);
}

int __wrap_fputs(const char *s, FILE *fp) { return fp_fault(fp) ? EOF : __real_fputs(s, fp); }
int __wrap_fputc(int c, FILE *fp) { return fp_fault(fp) ? EOF : __real_fputc(c, fp); }
int __wrap_putc(int c, FILE *fp) { return fp_fault(fp) ? EOF : __real_putc(c, fp); }

int __wrap_vfprintf(FILE *fp, const char *fmt, va_list ap)
{
    return fp_fault(fp) ? -1 : __real_vfprintf(fp, fmt, ap);
}

int __wrap_fprintf(FILE *fp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int r = __wrap_vfprintf(fp, fmt, ap);
    va_end(ap);
    return r;
}

int __wrap_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int r = __wrap_vfprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}

int __wrap_fflush(FILE *fp)
{
    if (fp_fault(fp))
        return EOF;
    return __real_fflush(fp);
}

int __wrap_fclose(FILE *fp)
{
    if (fp_fault(fp)) {
        __real_fclose(fp);
        errno = ENOSPC;
        return EOF;
    }
    return __real_fclose(fp);
}

/* ---- rename ---- */
int __real_rename(const char *from, const char *to);
int __wrap_rename(const char *from, const char *to);

int __wrap_rename(const char *from, const char *to)
{
    if (fault(K_RENAME)) {
        errno = EXDEV;
        return -1;
    }
    return __real_rename(from, to);
}

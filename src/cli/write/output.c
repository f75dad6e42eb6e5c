/*
 * io.c - output files that appear whole or not at all, and JSON writing.
 *
 * DESIGN: every output is written to a temporary file beside its target
 * ("<path>.tmp.XXXXXX", same directory so rename() is atomic) and renamed over
 * the target only once it is complete and flushed without error. A registry of
 * open outputs lets an error path (or a signal) remove every temporary, so a
 * failed run leaves no partial file behind.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "write/output.h"

#define MAX_OPEN_OUTS 16
static cli_out *g_open[MAX_OPEN_OUTS];
static int g_nomem; /* the last cli_out_open() failure was out of memory */

int cli_out_status(void)
{
    return g_nomem ? EXIT_INTERNAL : EXIT_INPUT;
}

static void reg_add(cli_out *o)
{
    for (int i = 0; i < MAX_OPEN_OUTS; i++)
        if (!g_open[i]) {
            g_open[i] = o;
            return;
        }
}

static void reg_del(const cli_out *o)
{
    for (int i = 0; i < MAX_OPEN_OUTS; i++)
        if (g_open[i] == o)
            g_open[i] = NULL;
}

static void on_signal(int sig)
{
    /* Only async-signal-safe calls: unlink the temporaries, then re-raise. */
    for (int i = 0; i < MAX_OPEN_OUTS; i++)
        if (g_open[i] && g_open[i]->tmp)
            unlink(g_open[i]->tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    g_nomem = 0;
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        return 0;
    }
    static int handlers;
    if (!handlers) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
        handlers = 1;
    }
    /* A target that exists and is not a regular file (a device such as
     * /dev/null, a FIFO) is written in place: renaming over it would replace
     * the device. A symlink is followed, so the file it points to is replaced
     * and the link stays. */
    struct stat st;
    char *resolved = NULL;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        resolved = realpath(path, NULL);
        if (resolved && stat(resolved, &st) == 0)
            path = resolved;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            cli_log(1, "%s: is a directory, not an output file", path);
            free(resolved);
            return -1;
        }
        o->fp = fopen(path, "w");
        if (!o->fp) {
            cli_log(1, "%s: cannot open output: %s", path, strerror(errno));
            free(resolved);
            return -1;
        }
        o->direct = 1;
        free(resolved);
        return 0;
    }
    const size_t n = strlen(path);
    o->path = malloc(n + 1);
    o->tmp = malloc(n + 16);
    if (!o->path || !o->tmp) {
        cli_log(1, "%s: out of memory", path);
        g_nomem = 1;
        goto fail;
    }
    memcpy(o->path, path, n + 1);
    snprintf(o->tmp, n + 16, "%s.tmp.XXXXXX", path);
    free(resolved);
    resolved = NULL;
    const int fd = mkstemp(o->tmp);
    if (fd < 0) {
        cli_log(1, "%s: cannot create output: %s", path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        goto fail;
    }
    /* mkstemp creates 0600; give the file the mode a plain fopen would. */
    const mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        cli_log(1, "%s: cannot set mode: %s", o->tmp, strerror(errno));
        close(fd);
        goto fail;
    }
    FILE *raw = fdopen(fd, "w");
    if (!raw) {
        cli_log(1, "%s: cannot open output: %s", path, strerror(errno));
        close(fd);
        goto fail;
    }
    /* "*.gz" and "*.zst" are written compressed (zout.c). */
    o->fp = cli_zout_wrap(raw, o->path);
    if (!o->fp) {
        cli_log(1, "%s: out of memory", path);
        g_nomem = 1;
        fclose(raw);
        goto fail;
    }
    reg_add(o);
    return 0;
fail:
    free(resolved);
    cli_out_abort(o);
    return -1;
}

static int out_finish(cli_out *o);
static int out_rename(cli_out *o);

int cli_out_commit(cli_out *o)
{
    if (!o->fp)
        return -1;
    if (!o->tmp) {  /* stdout, or a device written in place */
        int bad = fflush(o->fp) != 0 || ferror(o->fp);
        if (o->direct)
            bad |= fclose(o->fp) != 0;
        o->fp = NULL;
        o->direct = 0;
        if (bad) {
            cli_log(1, "write error: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    if (out_finish(o) || out_rename(o))
        return -1;
    free(o->path);
    o->path = NULL;
    return 0;
}

/* Phase 1 of a commit: flushes and closes the temporary, checking for write
 * errors. Returns 0 (o->fp is NULL, o->tmp complete), or -1 after a message
 * (the output aborted). */
static int out_finish(cli_out *o)
{
    int bad = fflush(o->fp) != 0 || ferror(o->fp);
    int err = errno;
    if (fclose(o->fp) != 0) {
        if (!bad)
            err = errno; /* the close failed (a compressed stream's end, a quota) */
        bad = 1;
    }
    o->fp = NULL;
    if (bad) {
        cli_log(1, "%s: write error: %s", o->path, strerror(err));
        cli_out_abort(o);
        return -1;
    }
    return 0;
}

/* Phase 2: renames the finished temporary over the target. 0 or -1 (message
 * printed, temporary removed). */
static int out_rename(cli_out *o)
{
    if (rename(o->tmp, o->path) != 0) {
        cli_log(1, "%s: cannot rename %s into place: %s", o->path, o->tmp, strerror(errno));
        cli_out_abort(o);
        return -1;
    }
    reg_del(o);
    free(o->tmp);
    o->tmp = NULL; /* o->path stays: the caller frees it */
    return 0;
}

void cli_out_abort(cli_out *o)
{
    if (o->fp && o->fp != stdout)
        fclose(o->fp);
    o->fp = NULL;
    o->direct = 0;
    if (o->tmp)
        unlink(o->tmp);
    reg_del(o);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
}

int cli_out_commit_all(cli_out *const *outs, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        cli_out *o = outs[i];
        if (!o || !o->fp || bad)
            continue;
        bad = o->tmp ? out_finish(o) : cli_out_commit(o);
    }
    size_t done = 0;
    for (; !bad && done < n; done++)
        if (outs[done] && outs[done]->tmp && out_rename(outs[done]) != 0)
            bad = 1;
    if (!bad) {
        for (size_t i = 0; i < n; i++)
            if (outs[i]) {
                free(outs[i]->path);
                outs[i]->path = NULL;
            }
        return 0;
    }
    /* one failed: the others are removed, the renamed ones included */
    for (size_t i = 0; i < n; i++) {
        if (!outs[i])
            continue;
        if (i < done && outs[i]->path && !outs[i]->tmp)
            unlink(outs[i]->path);
        cli_out_abort(outs[i]);
    }
    return -1;
}

void cli_out_abort_all(void)
{
    for (int i = 0; i < MAX_OPEN_OUTS; i++)
        if (g_open[i])
            cli_out_abort(g_open[i]);
}

void cli_json_str(FILE *fp, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    putc('"', fp);
    size_t i = 0;
    while (i < len) {
        const unsigned c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            size_t j = i + 1;
            while (j < len && p[j] >= 0x20 && p[j] < 0x80 && p[j] != '"' && p[j] != '\\')
                j++;
            fwrite(p + i, 1, j - i, fp);
            i = j;
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", fp); i++; continue;
        case '\\': fputs("\\\\", fp); i++; continue;
        case '\n': fputs("\\n", fp); i++; continue;
        case '\t': fputs("\\t", fp); i++; continue;
        case '\r': fputs("\\r", fp); i++; continue;
        default: break;
        }
        if (c < 0x20) {
            fprintf(fp, "\\u%04x", c);
            i++;
            continue;
        }
        const size_t l = cli_utf8_len(p + i, len - i);
        if (l == 0) {
            fprintf(fp, "\\u%04x", c);
            i++;
        } else {
            fwrite(p + i, 1, l, fp);
            i += l;
        }
    }
    putc('"', fp);
}

void cli_json_num(FILE *fp, double v)
{
    if (!isfinite(v)) {
        fputs("null", fp);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.4f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    fputs(buf, fp);
}

int cli_check_outputs(const char *cmd, const char *const *outs, size_t nouts,
                      const char *const *inputs, size_t ninputs, int implicit_stdout)
{
    int to_stdout = implicit_stdout;
    for (size_t k = 0; k < nouts; k++) {
        if (!outs[k])
            continue;
        if (strcmp(outs[k], "-") == 0) {
            to_stdout++;
            continue;
        }
        struct stat so, si;
        const int have_so = stat(outs[k], &so) == 0;
        for (size_t i = 0; i < ninputs; i++)
            if (strcmp(outs[k], inputs[i]) == 0 ||
                (have_so && strcmp(inputs[i], "-") != 0 && stat(inputs[i], &si) == 0 &&
                 so.st_dev == si.st_dev && so.st_ino == si.st_ino))
                return cli_usage_error(cmd, "output '%s' is also an input", outs[k]);
        for (size_t j = 0; j < k; j++)
            if (outs[j] && strcmp(outs[j], outs[k]) == 0)
                return cli_usage_error(cmd, "two outputs are both '%s'", outs[k]);
    }
    if (to_stdout > 1)
        return cli_usage_error(cmd, "%s", "only one output can go to stdout ('-')");
    return 0;
}

int cli_pwrite_all(int fd, const char *p, size_t n, uint64_t off)
{
    while (n) {
        const ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w == 0)
            errno = ENOSPC;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

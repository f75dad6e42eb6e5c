/*
 * output.c - output files that appear whole or not at all, and JSON writing.
 *
 * DESIGN: every output is written to a temporary beside its target
 * ("<path>.tmp.XXXXXX", same directory so rename() is atomic): a file, a
 * file the caller fills by name (--save-model), or a directory (dedup -o
 * DIR). Every open output is in a registry, a list threaded through the
 * cli_out structs themselves, so it has no size limit and needs no memory.
 * cli_out_commit_all() is the one commit of a run: it first flushes, fsyncs
 * and closes every output (a full disk fails there, before anything is
 * replaced), then renames them all with SIGINT, SIGTERM and SIGHUP blocked, so
 * a signal cannot split the renames: it acts once the commit is whole. On
 * any other error, or a signal before the commit, every temporary is removed.
 * The signal handler does that with async-signal-safe calls only: unlink()
 * for files, and for a directory a walk with open/getdents64/unlinkat/close
 * over static buffers (no malloc, no stdio).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "write/output.h"

/* ---- the registry and the signal handler ---------------------------------- */

static cli_out *volatile g_head;            /* open outputs, newest first */
static volatile sig_atomic_t g_committing;  /* renames under way: signals wait */
static volatile sig_atomic_t g_pending;     /* a signal that came meanwhile */

/* Blocks, in this thread, the signals that remove temporaries (old: the mask
 * to restore). */
static void block_signals(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &s, old);
}

static void restore_signals(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* Removes the directory tree at path with async-signal-safe calls only, over
 * static buffers (callers have the signals blocked, or are the handler, which
 * blocks the others while it runs). Gives up at the first entry it cannot
 * remove, or below RM_DEPTH levels. Returns 0 when the tree is gone, else -1. */
#define RM_DEPTH 64
struct nd_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};
static int g_rm_fd[RM_DEPTH];
static char g_rm_name[RM_DEPTH][256];
static _Alignas(8) char g_rm_buf[4096];

static int rm_tree_safe(const char *path)
{
    int depth = 0;
    g_rm_fd[0] = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (g_rm_fd[0] < 0)
        return errno == ENOENT ? 0 : -1;
    for (;;) {
        const int fd = g_rm_fd[depth];
        int seen, down = 0;
        /* passes over the directory until one finds it empty (entries removed
         * while it is read may be skipped by that pass) */
        do {
            seen = 0;
            if (lseek(fd, 0, SEEK_SET) != 0)
                goto give_up;
            long n;
            while (!down && (n = syscall(SYS_getdents64, fd, g_rm_buf, sizeof g_rm_buf)) > 0) {
                for (long off = 0; off < n && !down;) {
                    const struct nd_dirent64 *e = (const void *)(g_rm_buf + off);
                    off += e->d_reclen;
                    const char *nm = e->d_name;
                    if (nm[0] == '.' && (!nm[1] || (nm[1] == '.' && !nm[2])))
                        continue;
                    seen = 1;
                    if (unlinkat(fd, nm, 0) == 0)
                        continue;
                    if ((errno != EISDIR && errno != EPERM) || depth + 1 >= RM_DEPTH ||
                        strlen(nm) >= sizeof g_rm_name[0])
                        goto give_up;
                    const int sub = openat(fd, nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                                   O_CLOEXEC);
                    if (sub < 0)
                        goto give_up;
                    strcpy(g_rm_name[depth], nm);
                    g_rm_fd[++depth] = sub;
                    down = 1;
                }
            }
            if (!down && n < 0)
                goto give_up;
        } while (seen && !down);
        if (down)
            continue;
        close(fd);
        if (depth == 0)
            return rmdir(path);
        depth--;
        if (unlinkat(g_rm_fd[depth], g_rm_name[depth], AT_REMOVEDIR) != 0) {
            depth--;
            goto give_up_closed;
        }
    }
give_up:
    close(g_rm_fd[depth]);
    depth--;
give_up_closed:
    for (; depth >= 0; depth--)
        close(g_rm_fd[depth]);
    return -1;
}

/* Removes o's temporary (async-signal-safe). 0, or -1 when some is left. */
static int remove_tmp(const cli_out *o)
{
    if (!o->tmp)
        return 0;
    if (o->kind == CLI_OUT_DIR)
        return rm_tree_safe(o->tmp);
    return unlink(o->tmp) == 0 || errno == ENOENT ? 0 : -1;
}

/* nftw() callback: the fallback for a tree deeper than RM_DEPTH. */
static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void on_signal(int sig)
{
    if (g_committing) {  /* another thread got it during the renames: after them */
        g_pending = sig;
        return;
    }
    for (const cli_out *o = g_head; o; o = o->next)
        remove_tmp(o);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    static int done;
    if (done)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* a signal the shell set to be ignored (nohup, a background job) stays so */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
    done = 1;
}

/* Adds o to the registry (signals blocked, so the handler sees a whole list). */
static void reg_add(cli_out *o)
{
    sigset_t old;
    block_signals(&old);
    o->next = g_head;
    g_head = o;
    restore_signals(&old);
}

/* Takes o out of the registry; with the signals blocked by the caller. */
static void reg_del_locked(cli_out *o)
{
    for (cli_out *volatile *p = &g_head; *p; p = &(*p)->next)
        if (*p == o) {
            *p = o->next;
            break;
        }
    o->next = NULL;
}

/* ---- opening ------------------------------------------------------------------ */

/* Where an output goes once links are followed: *resolved (freed by the
 * caller) when path is a symlink, so the file it points to is replaced and the
 * link stays. Returns the path to use. */
static const char *follow_link(const char *path, char **resolved)
{
    struct stat st;
    *resolved = NULL;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        *resolved = realpath(path, NULL);
        if (*resolved && stat(*resolved, &st) == 0)
            return *resolved;
        free(*resolved);
        *resolved = NULL;
    }
    return path;
}

/* The last cli_out_open*() failure was out of memory (cli_out_status). */
static int g_nomem;

int cli_out_status(void)
{
    return g_nomem ? EXIT_INTERNAL : EXIT_INPUT;
}

/* Fills o->path and o->tmp ("<path>.tmp.XXXXXX", not yet created). 0 or -1. */
static int set_names(cli_out *o, const char *path)
{
    const size_t n = strlen(path);
    o->path = malloc(n + 1);
    /* room after the name for the old target's link at commit ("<tmp>.old") */
    o->tmp = malloc(2 * n + 48);
    if (!o->path || !o->tmp) {
        cli_log(1, "%s: out of memory", path);
        g_nomem = 1;
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return -1;
    }
    memcpy(o->path, path, n + 1);
    snprintf(o->tmp, n + 16, "%s.tmp.XXXXXX", path);
    return 0;
}

/* Creates o->tmp as a new file (mkstemp: O_EXCL, mode 0600 made what a plain
 * fopen would give) and registers o. Returns its descriptor, or -1 after a
 * message (o->tmp freed when it was not created). */
static int create_tmp(cli_out *o)
{
    /* created and registered with the signals blocked: no signal in between */
    sigset_t old;
    block_signals(&old);
    const int fd = mkstemp(o->tmp);
    if (fd >= 0)
        reg_add(o);
    restore_signals(&old);
    if (fd < 0) {
        cli_log(1, "%s: cannot create output: %s", o->path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return -1;
    }
    const mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        cli_log(1, "%s: cannot set mode: %s", o->tmp, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* A target that exists and is not a regular file (a device such as /dev/null,
 * a FIFO) is written in place: renaming over it would replace the device.
 * Returns 1 (in place), 0 (through a temporary) or -1 (a directory). */
static int in_place(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
        return 0;
    if (S_ISDIR(st.st_mode)) {
        cli_log(1, "%s: is a directory, not an output file", path);
        return -1;
    }
    return 1;
}

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    g_nomem = 0;
    install_handlers();
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        reg_add(o);
        return 0;
    }
    char *resolved;
    path = follow_link(path, &resolved);
    const int direct = in_place(path);
    int fd = -1;
    if (direct < 0)
        goto fail;
    if (direct) {
        o->fp = fopen(path, "w");
        if (!o->fp) {
            cli_log(1, "%s: cannot open output: %s", path, strerror(errno));
            goto fail;
        }
        o->direct = 1;
        free(resolved);
        reg_add(o);
        return 0;
    }
    if (set_names(o, path) || (fd = create_tmp(o)) < 0)
        goto fail;  /* from now on removed on any error or signal */
    free(resolved);
    resolved = NULL;
    o->sync_fd = dup(fd);  /* for fsync() once the FILE (maybe a compressor) is closed */
    o->has_sync_fd = o->sync_fd >= 0;
    FILE *raw = o->has_sync_fd ? fdopen(fd, "w") : NULL;
    if (!raw) {
        cli_log(1, "%s: cannot open output: %s", o->path, strerror(errno));
        close(fd);
        goto fail;
    }
    /* "*.gz" and "*.zst" are written compressed (zout.c). */
    o->fp = cli_zout_wrap(raw, o->path);
    if (!o->fp) {
        cli_log(1, "%s: out of memory", o->path);
        g_nomem = 1;
        fclose(raw);
        goto fail;
    }
    return 0;
fail:
    free(resolved);
    cli_out_abort(o);
    return -1;
}

int cli_out_open_named(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    g_nomem = 0;
    o->kind = CLI_OUT_NAMED;
    install_handlers();
    char *resolved;
    path = follow_link(path, &resolved);
    const int direct = in_place(path);
    int fd = -1;
    if (direct < 0 || set_names(o, path))
        goto fail;
    if (direct) {  /* written to the device by name, nothing renamed */
        free(o->tmp);
        o->tmp = NULL;
        o->direct = 1;
        reg_add(o);
    } else if ((fd = create_tmp(o)) < 0) {
        goto fail;
    }
    free(resolved);
    if (fd >= 0)
        close(fd);
    return 0;
fail:
    free(resolved);
    cli_out_abort(o);
    return -1;
}

const char *cli_out_name(const cli_out *o)
{
    return o->tmp ? o->tmp : o->path;
}

int cli_out_open_dir(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    g_nomem = 0;
    o->kind = CLI_OUT_DIR;
    install_handlers();
    if (set_names(o, path))
        return -1;
    sigset_t old;
    block_signals(&old);
    const int made = mkdtemp(o->tmp) != NULL;
    if (made)
        reg_add(o);
    restore_signals(&old);
    if (!made) {
        cli_log(1, "%s: cannot create directory: %s", o->path, strerror(errno));
        cli_out_abort(o);
        return -1;
    }
    /* mkdtemp makes it 0700; give it the mode a plain mkdir would */
    const mode_t mask = umask(0);
    umask(mask);
    if (chmod(o->tmp, 0777 & ~mask) != 0) {
        cli_log(1, "%s: cannot set mode: %s", o->tmp, strerror(errno));
        cli_out_abort(o);
        return -1;
    }
    return 0;
}

/* ---- committing and aborting --------------------------------------------------- */

/* Flushes, closes and fsyncs o (nothing is renamed). 0, or -1 after a message. */
static int finish(cli_out *o)
{
    const char *name = o->path ? o->path : o->fp == stdout ? "standard output" : "output";
    int err = 0;
    if (o->kind == CLI_OUT_DIR)
        return 0;
    if (o->kind == CLI_OUT_NAMED) {  /* filled and closed by the caller */
        if (!o->tmp)
            return 0;
        const int fd = open(o->tmp, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL))
            err = errno;
        if (fd >= 0)
            close(fd);
    } else if (o->fp) {
        errno = 0;
        if (fflush(o->fp) != 0)
            err = errno ? errno : EIO;
        else if (ferror(o->fp))
            err = EIO;
        if (o->fp != stdout) {
            errno = 0;
            if (fclose(o->fp) != 0 && !err)
                err = errno ? errno : EIO;
        }
        o->fp = NULL;
        if (o->has_sync_fd) {
            if (!err && fsync(o->sync_fd) != 0 && errno != EINVAL)
                err = errno;
            close(o->sync_fd);
            o->has_sync_fd = 0;
        }
    }
    if (!err)
        return 0;
    cli_log(1, "%s: write error: %s", name, strerror(err));
    return -1;
}

/* Frees o's names and takes it out of the registry (signals blocked). */
static void release(cli_out *o)
{
    sigset_t old;
    block_signals(&old);
    reg_del_locked(o);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    o->direct = 0;
    restore_signals(&old);
}

/* The test hook ND_TEST_PAUSE_COMMIT=MS (docs/neardup.1.md, ENVIRONMENT):
 * sleeps MS milliseconds once every output is written, before the commit
 * (a signal then finds every temporary there), and between two renames (a
 * signal then comes in the middle of the commit). 0 without it. */
static long pause_ms(void)
{
    const char *s = getenv("ND_TEST_PAUSE_COMMIT");
    const long ms = s && *s ? strtol(s, NULL, 10) : 0;
    return ms > 0 && ms < 600000 ? ms : 0;
}

static void pause_for(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int cli_out_commit_all(void)
{
    const long ms = pause_ms();
    pause_for(ms);
    /* 1: every output flushed, closed and on disk; a full disk fails here,
     * before anything is replaced */
    for (cli_out *o = g_head; o; o = o->next)
        if (finish(o)) {
            cli_out_abort_all();
            return -1;
        }
    /* 2: the renames, as one step that SIGINT, SIGTERM and SIGHUP cannot
     * split: blocked here, postponed by the handler in any other thread. The
     * old targets stay reachable as hard links ("<tmp>.old") until the commit
     * is whole, so that a rename that fails puts back those already replaced. */
    sigset_t old;
    block_signals(&old);
    g_committing = 1;
    for (cli_out *o = g_head; o; o = o->next) {
        o->has_bak = o->renamed = 0;
        struct stat st;
        if (o->tmp && o->kind != CLI_OUT_DIR && lstat(o->path, &st) == 0 &&
            S_ISREG(st.st_mode)) {
            const size_t t = strlen(o->tmp);
            char *bak = o->tmp + t + 1;
            memcpy(bak, o->tmp, t);
            memcpy(bak + t, ".old", 5);
            o->has_bak = link(o->path, bak) == 0;
        }
    }
    int bad = 0, done = 0;
    for (cli_out *o = g_head; o && !bad; o = o->next) {
        if (!o->tmp)
            continue;
        if (done)
            pause_for(ms);
        if (rename(o->tmp, o->path) != 0) {
            cli_log(1, "%s: cannot rename %s into place: %s%s", o->path, o->tmp,
                    strerror(errno),
                    done ? " (the outputs already replaced were put back)" : "");
            bad = 1;
        } else {
            o->renamed = 1;
            done++;
        }
    }
    while (g_head) {
        cli_out *o = g_head;
        char *bak = o->tmp ? o->tmp + strlen(o->tmp) + 1 : NULL;
        if (bad && o->renamed) {  /* put the old target back, or take the new one away */
            if (o->has_bak && rename(bak, o->path) != 0) {
                cli_log(1, "%s: the old file is kept as %s: %s", o->path, bak, strerror(errno));
                o->has_bak = 0;  /* so that it stays */
            } else if (o->has_bak) {
                o->has_bak = 0;
            } else if (o->kind == CLI_OUT_DIR) {
                rm_tree_safe(o->path);
            } else {
                unlink(o->path);
            }
        } else if (bad) {
            remove_tmp(o);
        }
        if (o->has_bak)
            unlink(bak);
        g_head = o->next;
        o->next = NULL;
        free(o->tmp);
        free(o->path);
        o->tmp = o->path = NULL;
        o->direct = 0;
    }
    g_committing = 0;
    restore_signals(&old);  /* a signal that waited acts now, on a whole commit */
    if (g_pending) {
        signal(g_pending, SIG_DFL);
        raise(g_pending);
    }
    return bad ? -1 : 0;
}

void cli_out_abort(cli_out *o)
{
    if (o->fp && o->fp != stdout)
        fclose(o->fp);
    o->fp = NULL;
    if (o->has_sync_fd)
        close(o->sync_fd);
    o->has_sync_fd = 0;
    sigset_t old;
    block_signals(&old);
    if (o->tmp && remove_tmp(o) != 0 && o->kind == CLI_OUT_DIR)
        nftw(o->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);  /* deeper than RM_DEPTH */
    restore_signals(&old);
    release(o);
}

void cli_out_abort_all(void)
{
    while (g_head)
        cli_out_abort(g_head);
}

/* ---- JSON ---------------------------------------------------------------------- */

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


/* ---- outputs against inputs ------------------------------------------------------ */

/* What a path names, however it is spelt: the file it reaches once links are
 * followed (dev, ino); or, when that does not exist yet, the directory it
 * would be created in and its last name (a dangling link counts as its
 * target). */
typedef struct path_id {
    int exists;
    dev_t dev;
    ino_t ino;
    char name[256];
} path_id;

static int get_path_id(const char *path, path_id *id, int depth)
{
    memset(id, 0, sizeof *id);
    struct stat st;
    if (stat(path, &st) == 0) {
        id->exists = 1;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
        return 0;
    }
    char buf[4096];
    if (depth < 8 && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        /* a dangling link: its target, relative to the link's directory */
        char target[4096];
        const ssize_t n = readlink(path, target, sizeof target - 1);
        if (n <= 0)
            return -1;
        target[n] = '\0';
        const char *slash = strrchr(path, '/');
        const int k = target[0] == '/' || !slash
                          ? snprintf(buf, sizeof buf, "%s", target)
                          : snprintf(buf, sizeof buf, "%.*s/%s", (int)(slash - path), path,
                                     target);
        if (k < 0 || (size_t)k >= sizeof buf)
            return -1;
        return get_path_id(buf, id, depth + 1);
    }
    /* the parent directory and the last name, trailing slashes dropped */
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, path, n);
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    const char *name = slash ? slash + 1 : buf;
    if (strlen(name) >= sizeof id->name)
        return -1;
    strcpy(id->name, name);
    if (slash == buf)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    if (stat(slash ? buf : ".", &st) != 0)
        return -1;
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    return 0;
}

static int same_path(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    path_id x, y;
    return get_path_id(a, &x, 0) == 0 && get_path_id(b, &y, 0) == 0 &&
           x.exists == y.exists && x.dev == y.dev && x.ino == y.ino &&
           strcmp(x.name, y.name) == 0;
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
        for (size_t i = 0; i < ninputs; i++)
            if (inputs[i] && strcmp(inputs[i], "-") != 0 && same_path(outs[k], inputs[i]))
                return cli_usage_error(cmd, "output '%s' is also an input ('%s')", outs[k],
                                       inputs[i]);
        for (size_t j = 0; j < k; j++)
            if (outs[j] && strcmp(outs[j], "-") != 0 && same_path(outs[j], outs[k]))
                return cli_usage_error(cmd, "two outputs are both '%s'%s%s%s", outs[k],
                                       strcmp(outs[j], outs[k]) ? " ('" : "",
                                       strcmp(outs[j], outs[k]) ? outs[j] : "",
                                       strcmp(outs[j], outs[k]) ? "')" : "");
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

int cli_flush_stdout(void)
{
    if (fflush(stdout) != 0) {
        cli_log(1, "stdout: write error: %s", strerror(errno));
        return EXIT_INPUT;
    }
    if (ferror(stdout)) {
        cli_log(1, "stdout: write error: a write failed");
        return EXIT_INPUT;
    }
    return 0;
}

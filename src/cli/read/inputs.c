/* inputs.c - the options, output checks and first pass that commands reading a
 * corpus share (dedup, reuse, boilerplate). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dist/dist.h"
#include "read/inputs.h"

void cli_inopts_init(cli_inopts *o)
{
    memset(o, 0, sizeof *o);
    o->rd.format = RD_AUTO;
    o->rd.id_field = "id";
    o->rd.text_field = "text";
    o->rd.on_error_skip = 1;
    g_progress = isatty(2);
}

int cli_input_option(const char *cmd, int c, const char *arg, cli_inopts *o, nd_params *p)
{
    switch (c) {
    case IN_FORMAT:
        if (strcmp(arg, "auto") == 0) o->rd.format = RD_AUTO;
        else if (strcmp(arg, "jsonl") == 0) o->rd.format = RD_JSONL;
        else if (strcmp(arg, "text") == 0) o->rd.format = RD_TEXT;
        else if (strcmp(arg, "lines") == 0) o->rd.format = RD_LINES;
        else if (strcmp(arg, "warc") == 0) o->rd.format = RD_WARC;
        else return 1 + cli_usage_error(cmd, "--format: unknown format '%s' (auto, jsonl, "
                                             "text, lines, warc)", arg);
        return 1;
    case IN_LINES: o->rd.format = RD_LINES; return 1;
    case IN_IDF: o->rd.id_field = arg; return 1;
    case IN_TEXTF: o->rd.text_field = arg; return 1;
    case IN_SRCF: o->rd.source_field = arg; return 1;
    case IN_DATEF: o->rd.date_field = arg; return 1;
    case IN_ONERR:
        if (strcmp(arg, "skip") == 0) o->rd.on_error_skip = 1;
        else if (strcmp(arg, "stop") == 0) o->rd.on_error_skip = 0;
        else return 1 + cli_usage_error(cmd, "--on-error: '%s' is not skip or stop", arg);
        return 1;
    case IN_MAXREC:
        if (cli_parse_size(arg, &o->rd.max_record) || o->rd.max_record == 0)
            return 1 + cli_usage_error(cmd, "--max-record: invalid size '%s'", arg);
        return 1;
    case 'q': g_display_level--; return 1;
    case 'v': g_display_level++; return 1;
    case IN_PROGRESS: g_progress = 1; return 1;
    case IN_NOPROGRESS: g_progress = 0; return 1;
    case 'T': {
        uint64_t t;
        if (cli_parse_uint(arg, 0, 256, &t))
            return 1 + cli_usage_error(cmd, "-T/--threads: '%s' is not a number from 0 to 256",
                                       arg);
        o->threads = (unsigned)t;
        return 1;
    }
    case IN_MEMORY:
        if (cli_parse_size(arg, &o->memory) || (o->memory && o->memory < (1u << 20)))
            return 1 + cli_usage_error(cmd, "--memory: invalid size '%s' (0 = unbounded, else "
                                            "at least 1M)", arg);
        return 1;
    case IN_TMP: o->tmpdir = arg; return 1;
    case IN_BDOCS:
        return cli_set_param(cmd, p, ND_P_BOILER_DOCS, arg, "--boiler-docs") ? 2 : 1;
    case IN_BANY:
        return cli_set_param(cmd, p, ND_P_BOILER_ANYWHERE, arg, "--boiler-anywhere") ? 2 : 1;
    case IN_BSRC:
        return cli_set_param(cmd, p, ND_P_BOILER_SOURCE_DOCS, arg, "--boiler-source-docs")
                   ? 2 : 1;
    default:
        return 0;
    }
}

static void log_reader_msg(const char *msg)
{
    cli_log(1, "%s", msg);
}

int cli_read_inputs(const char *const *inputs, size_t ninputs, cli_inopts *o,
                    const nd_params *params, const cli_cut *cut, pool_consume_fn fn, void *ctx,
                    rd_stats *rs, unsigned *threads_used)
{
    pool *pl = pool_create(params, o->threads, o->memory, log_reader_msg);
    if (!pl) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    if (threads_used)
        *threads_used = pool_threads(pl);
    if (cut)
        pool_cut_spans(pl, cut->off, cut->spans, cut->n);
    o->rd.on_error = pool_reader_error;
    o->rd.ctx = pl;
    o->rd.verbose = g_display_level >= 3;
    rd_reader *rd = rd_open(inputs, ninputs, &o->rd);
    if (!rd) {
        pool_destroy(pl);
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    const pool_result pr = pool_run(pl, rd, !o->rd.on_error_skip, fn, ctx);
    int rc = 0;
    if (pr.rc > 0) {
        rc = pr.rc;
    } else if (pr.rc < 0 || pr.read_nomem) {
        cli_log(1, "out of memory while reading");
        rc = EXIT_INTERNAL;
    } else if (pr.read_changed) {
        rc = EXIT_INPUT;  /* reported by the reader, naming the file */
    } else if (pr.read_error) {
        cli_log(1, "stopping at the first bad input (--on-error stop)");
        rc = EXIT_INPUT;
    }
    cli_progress_end();
    rd_get_stats(rd, rs);
    rd_close(rd);
    pool_destroy(pl);
    /* on several processes, a process may hold only unreadable inputs:
     * cli_dist_reader_end decides over all */
    if (rc == 0 && rs->failed_inputs > 0 && rs->records == 0 && cli_dist_size() == 1) {
        cli_log(1, "no input could be read");
        rc = EXIT_INPUT;
    }
    return rc;
}

void cli_reader_summary(const rd_stats *rs)
{
    if (rs->binary)
        cli_log(2, "%llu binary %s in directories skipped (listed with -v)",
                (unsigned long long)rs->binary, cli_plural(rs->binary, "file", "files"));
    if (rs->dir_links)
        cli_log(2, "%llu symbolic %s not followed (listed with -v)",
                (unsigned long long)rs->dir_links,
                cli_plural(rs->dir_links, "link to a directory", "links to directories"));
    const unsigned long long n = rs->damaged_records;
    if (rs->damaged == 1)
        cli_log(2, "warning: %llu %s of %s used before the damage; the rest of it is missing "
                   "(reported above)", n, cli_plural(n, "record", "records"), rs->damaged_path);
    else if (rs->damaged > 1)
        cli_log(2, "warning: %llu damaged inputs (the first %s): %llu %s of them used before "
                   "the damage; the rest of each is missing (reported above)",
                (unsigned long long)rs->damaged, rs->damaged_path, n,
                cli_plural(n, "record", "records"));
}

/* Copies everything readable from src to a new unlinked temporary file in
 * tmpdir. Returns its descriptor, or -1 after a message naming `name`. */
static int spool_one(int src, const char *name, const char *tmpdir)
{
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/neardup-input.XXXXXX", tmpdir);
    const int fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd < 0) {
        cli_log(1, "%s: cannot copy it to %s to read it twice: %s", name, tmpl,
                strerror(errno));
        return -1;
    }
    unlink(tmpl); /* nothing to clean up, even on a signal */
    static char buf[1 << 16];
    for (;;) {
        const ssize_t n = read(src, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            cli_log(1, "%s: read error: %s", name, strerror(errno));
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        for (ssize_t w = 0; w < n;) {
            const ssize_t k = write(fd, buf + w, (size_t)(n - w));
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                cli_log(1, "%s: cannot copy it to %s to read it twice: %s", name, tmpdir,
                        k < 0 ? strerror(errno) : "short write");
                close(fd);
                return -1;
            }
            w += k;
        }
    }
    cli_log(3, "%s: cannot be read twice (not a regular file); copied to a temporary file "
               "in %s", name, tmpdir);
    return fd;
}

void cli_spool_free(rd_spool *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        if (s[i].fd > STDERR_FILENO)
            close(s[i].fd);
    free(s);
}

int cli_spool_inputs(const char *const *inputs, size_t n, const char *tmpdir, rd_spool **out)
{
    rd_spool *s = malloc((n ? n : 1) * sizeof *s);
    if (!s) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n; i++)
        s[i] = (rd_spool){-1, 0};
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(inputs[i], "-") == 0) {
            if (fstat(STDIN_FILENO, &st) != 0) {
                cli_log(1, "-: cannot read standard input: %s", strerror(errno));
                cli_spool_free(s, n);
                return EXIT_INPUT;
            }
            const off_t at = S_ISREG(st.st_mode) ? lseek(STDIN_FILENO, 0, SEEK_CUR) : -1;
            if (at >= 0) {
                s[i] = (rd_spool){STDIN_FILENO, (int64_t)at};
                continue;
            }
            if ((s[i].fd = spool_one(STDIN_FILENO, "-", tmpdir)) < 0) {
                cli_spool_free(s, n);
                return EXIT_INPUT;
            }
            continue;
        }
        /* what cannot be stat'ed is left to the reader, which reports it */
        if (stat(inputs[i], &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
            continue;
        const int src = open(inputs[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (src < 0) {
            cli_log(1, "%s: cannot open: %s", inputs[i], strerror(errno));
            cli_spool_free(s, n);
            return EXIT_INPUT;
        }
        s[i].fd = spool_one(src, inputs[i], tmpdir);
        close(src);
        if (s[i].fd < 0) {
            cli_spool_free(s, n);
            return EXIT_INPUT;
        }
    }
    *out = s;
    return 0;
}

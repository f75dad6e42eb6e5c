/* display.c - messages and the progress line of the CLI (stderr only). */
#include <stdarg.h>
#include <stdint.h>
#include <sys/resource.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int g_display_level = 2;
int g_progress = 0;
static double g_last_progress;
static int g_progress_shown;

static const char *g_log_prefix = "neardup";
const char *g_prog = "neardup";
int g_secondary;

void cli_set_log_prefix(const char *prefix)
{
    g_log_prefix = prefix;
}

void cli_log(int level, const char *fmt, ...)
{
    if (level > g_display_level)
        return;
    if (g_progress_shown)
        cli_progress_end();
    /* one write a line: the processes of neardup-mpi share one stderr (a
     * line too long for the buffer goes out in pieces, whole) */
    char line[2048];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    const int p = snprintf(line, sizeof line, "%s: ", g_log_prefix);
    const int m = p >= 0 && (size_t)p < sizeof line
                      ? vsnprintf(line + p, sizeof line - (size_t)p, fmt, ap) : -1;
    if (m >= 0 && (size_t)p + (size_t)m + 1 < sizeof line) {
        line[p + m] = '\n';
        fwrite(line, 1, (size_t)p + (size_t)m + 1, stderr);
    } else {
        fprintf(stderr, "%s: ", g_log_prefix);
        vfprintf(stderr, fmt, aq);
        fputc('\n', stderr);
    }
    va_end(aq);
    va_end(ap);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *g_progress_what;  /* the stage the rate is of */
static double g_progress_t0;

void cli_progress(const char *what, uint64_t done, uint64_t bytes)
{
    if (!g_progress || g_display_level < 2)
        return;
    const double t = now_s();
    if (what != g_progress_what) { /* a new stage: its first line after a third of a
                                      second (a short run shows none) */
        g_progress_what = what;
        g_progress_t0 = t;
        g_last_progress = t + 1.0 / 3 - 1.0 / 6;
    }
    if (t - g_last_progress < 1.0 / 6)   /* about 6 Hz */
        return;
    g_last_progress = t;
    const double dt = t - g_progress_t0;
    fprintf(stderr, "\r%s: %llu %s, %.1f MB", what, (unsigned long long)done,
            cli_plural(done, "document", "documents"), (double)bytes / 1e6);
    if (dt >= 0.5)
        fprintf(stderr, ", %.1f MB/s, %.0f s", (double)bytes / 1e6 / dt, dt);
    if (isatty(STDERR_FILENO))  /* clear the rest of the line; --progress into a file: not */
        fputs("\033[K", stderr);
    g_progress_shown = 1;
}

void cli_stage(const char *what)
{
    if (!g_progress || g_display_level < 2)
        return;
    g_progress_what = NULL;
    fprintf(stderr, isatty(STDERR_FILENO) ? "\r%s...\033[K" : "\r%s...", what);
    g_progress_shown = 1;
}

void cli_progress_end(void)
{
    if (g_progress_shown) {
        fputs(isatty(STDERR_FILENO) ? "\r\033[K" : "\n", stderr);
        g_progress_shown = 0;
    }
}

const char *cli_plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void cli_report_time(const char *cmd, const struct timespec *t0)
{
    if (g_display_level < 3)
        return;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr, "neardup %s | wall %.3f s, cpu %.3f s, peak RSS %.1f MB\n", cmd,
            (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9,
            (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
                ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e-6,
            (double)ru.ru_maxrss / 1024.0);
}

void cli_human_bytes(char *buf, size_t n, double b)
{
    const char *u[] = {"B", "KB", "MB", "GB", "TB"};
    int i = 0;
    /* move up a unit before rounding could print "1000 B" or "1000.0 KB" */
    while (b >= (i ? 999.95 : 999.5) && i < 4) {
        b /= 1000;
        i++;
    }
    snprintf(buf, n, i ? "%.1f %s" : "%.0f %s", b, u[i]);
}

void cli_show_to(FILE *fp, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c == 0)
            fputs("\\0", fp);
        else if (c < 0x20 || c == 0x7f)
            fprintf(fp, "\\x%02x", c);
        else
            fputc(c, fp);
    }
}

void cli_show(const char *s, size_t n)
{
    cli_show_to(stdout, s, n);
}

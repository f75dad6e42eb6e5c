/* display.c - messages and the progress line of the CLI (stderr only). */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"

int g_display_level = 2;
int g_progress = 0;
static double g_last_progress;
static int g_progress_shown;

void cli_log(int level, const char *fmt, ...)
{
    if (level > g_display_level)
        return;
    if (g_progress_shown)
        cli_progress_end();
    va_list ap;
    va_start(ap, fmt);
    fputs("neardup: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress(const char *what, uint64_t done, uint64_t bytes)
{
    if (!g_progress || g_display_level < 2)
        return;
    const double t = now_s();
    if (t - g_last_progress < 1.0 / 6)   /* about 6 Hz */
        return;
    g_last_progress = t;
    fprintf(stderr, "\r%s: %llu documents, %.1f MB ", what, (unsigned long long)done,
            (double)bytes / 1e6);
    g_progress_shown = 1;
}

void cli_progress_end(void)
{
    if (g_progress_shown) {
        fputs("\r\033[K", stderr);
        g_progress_shown = 0;
    }
}
